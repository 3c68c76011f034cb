// SPDX-License-Identifier: BSD-2-Clause
/* ZeroTier packet armor: Poly1305 MAC (suite 0) or Salsa20/12 + Poly1305 (suite 1), in place. */
#include <errno.h>
#include <string.h>

#include <sodium.h>

#include "zt/armor.h"
#include "zt/packet.h"
#include "zt/salsa2012.h"

/* Each packet gets its own key: the IV, both addresses, the flags without hops and the length are
 * mixed in, so the two directions of a pair and every length have separate key streams. */
static void armor_mangle_key(const uint8_t *pkt, size_t len, const uint8_t key[32], uint8_t out[32])
{
	for (int i = 0; i < 18; i++)
		out[i] = key[i] ^ pkt[i];
	out[18] = key[18] ^ (pkt[ZT_PACKET_IDX_FLAGS] & 0xf8);
	out[19] = key[19] ^ (uint8_t)(len & 0xff);
	out[20] = key[20] ^ (uint8_t)((len >> 8) & 0xff);
	memcpy(out + 21, key + 21, 11);
}

/* Keystream block 0 gives the Poly1305 one-time key (its first 32 bytes). */
static void armor_mac(const uint8_t *pkt, size_t len, const uint8_t mk[32], uint8_t tag[16])
{
	uint8_t otk[64] = {0};

	zt_salsa2012_xor_ic(otk, otk, sizeof(otk), pkt + ZT_PACKET_IDX_IV, 0, mk);
	crypto_onetimeauth_poly1305(tag, pkt + ZT_PACKET_IDX_VERB, len - ZT_PACKET_IDX_VERB, otk);
	sodium_memzero(otk, sizeof(otk));
}

int zt_armor_seal(uint8_t *pkt, size_t len, const uint8_t key[ZT_ARMOR_KEY_LEN], unsigned cipher)
{
	uint8_t mk[32], tag[16];
	uint8_t *flags = &pkt[ZT_PACKET_IDX_FLAGS];

	if (len < ZT_PACKET_MIN_LEN || len > ZT_PACKET_MAX_LEN)
		return -EINVAL;
	if (cipher != ZT_ARMOR_CIPHER_POLY1305_NONE && cipher != ZT_ARMOR_CIPHER_POLY1305_SALSA2012)
		return -EINVAL;
	/* The flags are part of the key: settle them before mangling. */
	*flags = (uint8_t)((*flags & 0xc7) | ((cipher << 3) & 0x38));
	if (cipher == ZT_ARMOR_CIPHER_POLY1305_SALSA2012)
		*flags |= ZT_PACKET_FLAG_ENCRYPTED;
	else
		*flags &= (uint8_t)~ZT_PACKET_FLAG_ENCRYPTED;
	armor_mangle_key(pkt, len, key, mk);
	if (cipher == ZT_ARMOR_CIPHER_POLY1305_SALSA2012)
		zt_salsa2012_xor_ic(pkt + ZT_PACKET_IDX_VERB, pkt + ZT_PACKET_IDX_VERB,
				    len - ZT_PACKET_IDX_VERB, pkt + ZT_PACKET_IDX_IV, 1, mk);
	armor_mac(pkt, len, mk, tag);
	memcpy(pkt + ZT_PACKET_IDX_MAC, tag, 8);
	sodium_memzero(mk, sizeof(mk));
	return 0;
}

int zt_armor_open(uint8_t *pkt, size_t len, const uint8_t key[ZT_ARMOR_KEY_LEN])
{
	uint8_t mk[32], tag[16];
	unsigned cipher;
	int ret = 0;

	if (len < ZT_PACKET_MIN_LEN || len > ZT_PACKET_MAX_LEN)
		return -EBADMSG;
	cipher = (pkt[ZT_PACKET_IDX_FLAGS] >> 3) & 7;
	if (cipher != ZT_ARMOR_CIPHER_POLY1305_NONE && cipher != ZT_ARMOR_CIPHER_POLY1305_SALSA2012)
		return -EPROTONOSUPPORT;
	armor_mangle_key(pkt, len, key, mk);
	armor_mac(pkt, len, mk, tag);
	if (sodium_memcmp(tag, pkt + ZT_PACKET_IDX_MAC, 8)) {
		ret = -EBADMSG;
		goto out;
	}
	if (cipher == ZT_ARMOR_CIPHER_POLY1305_SALSA2012)
		zt_salsa2012_xor_ic(pkt + ZT_PACKET_IDX_VERB, pkt + ZT_PACKET_IDX_VERB,
				    len - ZT_PACKET_IDX_VERB, pkt + ZT_PACKET_IDX_IV, 1, mk);
out:
	sodium_memzero(mk, sizeof(mk));
	return ret;
}

void zt_armor_crypt_field(const uint8_t key[ZT_ARMOR_KEY_LEN], const uint8_t packet_id[8],
			  uint8_t *field, size_t len)
{
	uint8_t iv[8];

	memcpy(iv, packet_id, 8);
	iv[7] &= 0xf8;
	zt_salsa2012_xor_ic(field, field, len, iv, 0, key);
}
