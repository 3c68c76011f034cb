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

/* Keystream blocks 0..k of the packet's key into ks (at most 8 blocks: k is 7, or fewer for a
 * short payload); returns the payload bytes that blocks 1..k cover (448 at most). */
static size_t armor_keystream(const uint8_t *pkt, size_t plen, const uint8_t mk[32],
			      uint8_t ks[8 * ZT_SALSA2012_BLOCK_LEN])
{
	size_t n = plen < 7 * ZT_SALSA2012_BLOCK_LEN ? plen : 7 * ZT_SALSA2012_BLOCK_LEN;
	/* Whole blocks: a partial last block would end the keystream there. */
	size_t blocks = 1 + (n + ZT_SALSA2012_BLOCK_LEN - 1) / ZT_SALSA2012_BLOCK_LEN;

	memset(ks, 0, blocks * ZT_SALSA2012_BLOCK_LEN);
	zt_salsa2012_xor_ic(ks, ks, blocks * ZT_SALSA2012_BLOCK_LEN, pkt + ZT_PACKET_IDX_IV, 0, mk);
	return n;
}

static void armor_xor(uint8_t *p, const uint8_t *ks, size_t n)
{
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t a, b;

		memcpy(&a, p + i, 8);
		memcpy(&b, ks + i, 8);
		a ^= b;
		memcpy(p + i, &a, 8);
	}
	for (; i < n; i++)
		p[i] ^= ks[i];
}

int zt_armor_seal(uint8_t *pkt, size_t len, const uint8_t key[ZT_ARMOR_KEY_LEN], unsigned cipher)
{
	/* Suite 1: keystream block 0 (the Poly1305 key) and blocks 1..7 (the first 448 bytes of
	 * the payload) in one wide pass, the rest of the payload from block 8: block 0 on its own
	 * was a pass of the one-block C code per packet. */
	uint8_t mk[32], tag[16], ks[8 * ZT_SALSA2012_BLOCK_LEN];
	uint8_t *flags = &pkt[ZT_PACKET_IDX_FLAGS], *pl = pkt + ZT_PACKET_IDX_VERB;
	size_t plen = len - ZT_PACKET_IDX_VERB, n;

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
	if (cipher == ZT_ARMOR_CIPHER_POLY1305_SALSA2012) {
		n = armor_keystream(pkt, plen, mk, ks);
		armor_xor(pl, ks + ZT_SALSA2012_BLOCK_LEN, n);
		if (plen > n)
			zt_salsa2012_xor_ic(pl + n, pl + n, plen - n, pkt + ZT_PACKET_IDX_IV,
					    1 + n / ZT_SALSA2012_BLOCK_LEN, mk);
		crypto_onetimeauth_poly1305(tag, pl, plen, ks);
		sodium_memzero(ks, sizeof(ks));
	} else {
		armor_mac(pkt, len, mk, tag);
	}
	memcpy(pkt + ZT_PACKET_IDX_MAC, tag, 8);
	sodium_memzero(mk, sizeof(mk));
	return 0;
}

int zt_armor_open(uint8_t *pkt, size_t len, const uint8_t key[ZT_ARMOR_KEY_LEN])
{
	uint8_t mk[32], tag[16], ks[8 * ZT_SALSA2012_BLOCK_LEN];
	uint8_t *pl = pkt + ZT_PACKET_IDX_VERB;
	size_t plen = len - ZT_PACKET_IDX_VERB, n = 0;
	unsigned cipher;
	int ret = 0;

	if (len < ZT_PACKET_MIN_LEN || len > ZT_PACKET_MAX_LEN)
		return -EBADMSG;
	cipher = (pkt[ZT_PACKET_IDX_FLAGS] >> 3) & 7;
	if (cipher != ZT_ARMOR_CIPHER_POLY1305_NONE && cipher != ZT_ARMOR_CIPHER_POLY1305_SALSA2012)
		return -EPROTONOSUPPORT;
	armor_mangle_key(pkt, len, key, mk);
	/* As in seal: block 0 and the first blocks of the payload's keystream in one pass. */
	if (cipher == ZT_ARMOR_CIPHER_POLY1305_SALSA2012) {
		n = armor_keystream(pkt, plen, mk, ks);
		crypto_onetimeauth_poly1305(tag, pl, plen, ks);
	} else {
		armor_mac(pkt, len, mk, tag);
	}
	if (sodium_memcmp(tag, pkt + ZT_PACKET_IDX_MAC, 8)) {
		ret = -EBADMSG;
		goto out;
	}
	if (cipher == ZT_ARMOR_CIPHER_POLY1305_SALSA2012) {
		armor_xor(pl, ks + ZT_SALSA2012_BLOCK_LEN, n);
		if (plen > n)
			zt_salsa2012_xor_ic(pl + n, pl + n, plen - n, pkt + ZT_PACKET_IDX_IV,
					    1 + n / ZT_SALSA2012_BLOCK_LEN, mk);
	}
out:
	sodium_memzero(ks, sizeof(ks));
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
