// SPDX-License-Identifier: BSD-2-Clause
/* ZeroTier identities: address from the memory-hard hash, text and binary forms, sign/agree. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "zt/identity.h"
#include "zt/salsa2012.h"
#include "zt/bytes.h"

#define IDENTITY_GEN_WORDS (ZT_IDENTITY_GEN_MEMORY / 8)

uint64_t zt_identity_address_get(const uint8_t b[5])
{
	return ((uint64_t)b[0] << 32) | ((uint64_t)b[1] << 24) | ((uint64_t)b[2] << 16) |
	       ((uint64_t)b[3] << 8) | b[4];
}

void zt_identity_address_put(uint8_t b[5], uint64_t address)
{
	for (int i = 0; i < 5; i++)
		b[i] = (uint8_t)(address >> (8 * (4 - i)));
}

bool zt_identity_address_reserved(uint64_t address)
{
	return address == 0 || (address >> 32) == 0xff;
}

char *zt_identity_address_to_hex(uint64_t address, char buf[ZT_IDENTITY_ADDRESS_STRING_LEN])
{
	static const char hex[] = "0123456789abcdef";

	for (int i = 0; i < 10; i++)
		buf[i] = hex[(address >> (4 * (9 - i))) & 0xf];
	buf[10] = 0;
	return buf;
}

int zt_identity_hash(const uint8_t pub[64], uint8_t digest[64], uint8_t *genmem)
{
	uint8_t *mem = genmem;
	uint64_t ic = 0;
	size_t i;

	if (!mem) {
		mem = malloc(ZT_IDENTITY_GEN_MEMORY);
		if (!mem)
			return -ENOMEM;
	}
	crypto_hash_sha512(digest, pub, 64);
	/* key = digest[0..31], nonce = digest[32..39], taken once: digest changes below. */
	uint8_t key[32], nonce[8];
	memcpy(key, digest, 32);
	memcpy(nonce, digest + 32, 8);

	/* Chain each block on the previous one so the memory cannot be computed by seeking. */
	memset(mem, 0, 64);
	zt_salsa2012_xor20_ic(mem, mem, 64, nonce, ic++, key);
	for (i = 64; i < ZT_IDENTITY_GEN_MEMORY; i += 64) {
		memcpy(mem + i, mem + i - 64, 64);
		zt_salsa2012_xor20_ic(mem + i, mem + i, 64, nonce, ic++, key);
	}

	/* Words are indexed by their big-endian value but swapped as raw bytes. */
	for (i = 0; i < IDENTITY_GEN_WORDS; i += 2) {
		size_t idx1 = (size_t)(zt_be_get(mem + 8 * i, 8) % 8);
		size_t idx2 = (size_t)(zt_be_get(mem + 8 * (i + 1), 8) % IDENTITY_GEN_WORDS);
		uint8_t tmp[8];

		memcpy(tmp, mem + 8 * idx2, 8);
		memcpy(mem + 8 * idx2, digest + 8 * idx1, 8);
		memcpy(digest + 8 * idx1, tmp, 8);
		zt_salsa2012_xor20_ic(digest, digest, 64, nonce, ic++, key);
	}
	if (!genmem)
		free(mem);
	return 0;
}

static bool identity_hash_ok(const uint8_t digest[64], uint64_t *address)
{
	*address = zt_identity_address_get(digest + 59);
	return digest[0] < ZT_IDENTITY_GEN_HASHCASH_FIRST_BYTE_LESS_THAN &&
	       !zt_identity_address_reserved(*address);
}

int zt_identity_generate(struct zt_identity *id)
{
	uint8_t digest[64], *genmem;
	uint64_t address;
	int ret;

	genmem = malloc(ZT_IDENTITY_GEN_MEMORY);
	if (!genmem)
		return -ENOMEM;
	memset(id, 0, sizeof(*id));
	ret = zt_c25519_generate(id->pub, id->priv);
	if (ret)
		goto out;
	/* As C25519::generateSatisfying: keep the Ed25519 half, walk the X25519 scalar by bumping
	 * u64 word 1 up and word 2 down (native order), until the hashcash condition holds. */
	for (;;) {
		uint64_t w1, w2;

		ret = zt_c25519_calc_pub_dh(id->pub, id->priv);
		if (ret)
			goto out;
		ret = zt_identity_hash(id->pub, digest, genmem);
		if (ret)
			goto out;
		if (identity_hash_ok(digest, &address))
			break;
		memcpy(&w1, id->priv + 8, 8);
		memcpy(&w2, id->priv + 16, 8);
		w1++;
		w2--;
		memcpy(id->priv + 8, &w1, 8);
		memcpy(id->priv + 16, &w2, 8);
	}
	id->address = address;
	id->has_private = true;
out:
	free(genmem);
	if (ret)
		sodium_memzero(id, sizeof(*id));
	return ret;
}

int zt_identity_validate(const struct zt_identity *id)
{
	uint8_t digest[64];
	uint64_t address;
	int ret;

	if (zt_identity_address_reserved(id->address))
		return -EINVAL;
	if (id->has_private) {
		uint8_t pub[64];

		if (zt_c25519_calc_pub_dh(pub, id->priv) || zt_c25519_calc_pub_ed(pub, id->priv) ||
		    sodium_memcmp(pub, id->pub, 64))
			return -EINVAL;
	}
	ret = zt_identity_hash(id->pub, digest, NULL);
	if (ret)
		return ret;
	if (!identity_hash_ok(digest, &address) || address != id->address)
		return -EINVAL;
	return 0;
}

static int identity_unhex(uint8_t *out, const char *s, size_t n)
{
	for (size_t i = 0; i < 2 * n; i++) {
		int c = s[i], v;

		if (c >= '0' && c <= '9')
			v = c - '0';
		else if (c >= 'a' && c <= 'f')
			v = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v = c - 'A' + 10;
		else
			return -EBADMSG;
		if (i & 1)
			out[i / 2] |= (uint8_t)v;
		else
			out[i / 2] = (uint8_t)(v << 4);
	}
	return 0;
}

int zt_identity_from_string(struct zt_identity *id, const char *s)
{
	struct zt_identity t;
	uint8_t a[5];
	size_t n;

	memset(&t, 0, sizeof(t));
	n = strlen(s);
	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (n != 10 + 3 + 128 && n != 10 + 3 + 128 + 1 + 128)
		return -EBADMSG;
	if (identity_unhex(a, s, 5) || s[10] != ':' || s[11] != '0' || s[12] != ':' ||
	    identity_unhex(t.pub, s + 13, 64))
		return -EBADMSG;
	t.address = zt_identity_address_get(a);
	if (zt_identity_address_reserved(t.address))
		return -EBADMSG;
	if (n > 141) {
		if (s[141] != ':' || identity_unhex(t.priv, s + 142, 64))
			return -EBADMSG;
		t.has_private = true;
	}
	*id = t;
	sodium_memzero(&t, sizeof(t));
	return 0;
}

static void identity_hex(char *out, const uint8_t *in, size_t n)
{
	static const char hex[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hex[in[i] >> 4];
		out[2 * i + 1] = hex[in[i] & 0xf];
	}
}

int zt_identity_to_string(const struct zt_identity *id, bool with_private, char *buf, size_t size)
{
	size_t need = with_private ? 10 + 3 + 128 + 1 + 128 : 10 + 3 + 128;

	if (with_private && !id->has_private)
		return -EINVAL;
	if (size < need + 1)
		return -ENOSPC;
	zt_identity_address_to_hex(id->address, buf);
	memcpy(buf + 10, ":0:", 3);
	identity_hex(buf + 13, id->pub, 64);
	if (with_private) {
		buf[141] = ':';
		identity_hex(buf + 142, id->priv, 64);
	}
	buf[need] = 0;
	return (int)need;
}

int zt_identity_serialize(const struct zt_identity *id, bool with_private, uint8_t *buf,
			  size_t size)
{
	size_t need = with_private ? ZT_IDENTITY_SECRET_BIN_LEN : ZT_IDENTITY_PUBLIC_BIN_LEN;

	if (with_private && !id->has_private)
		return -EINVAL;
	if (size < need)
		return -ENOSPC;
	zt_identity_address_put(buf, id->address);
	buf[5] = 0; /* type 0: C25519 */
	memcpy(buf + 6, id->pub, 64);
	buf[70] = with_private ? 64 : 0;
	if (with_private)
		memcpy(buf + 71, id->priv, 64);
	return (int)need;
}

int zt_identity_deserialize(struct zt_identity *id, const uint8_t *buf, size_t len)
{
	struct zt_identity t;

	if (len < ZT_IDENTITY_PUBLIC_BIN_LEN || buf[5] != 0)
		return -EBADMSG;
	memset(&t, 0, sizeof(t));
	t.address = zt_identity_address_get(buf);
	if (zt_identity_address_reserved(t.address))
		return -EBADMSG;
	memcpy(t.pub, buf + 6, 64);
	if (buf[70] == 0) {
		*id = t;
		return ZT_IDENTITY_PUBLIC_BIN_LEN;
	}
	if (buf[70] != 64 || len < ZT_IDENTITY_SECRET_BIN_LEN)
		return -EBADMSG;
	memcpy(t.priv, buf + 71, 64);
	t.has_private = true;
	*id = t;
	sodium_memzero(&t, sizeof(t));
	return ZT_IDENTITY_SECRET_BIN_LEN;
}

int zt_identity_sign(const struct zt_identity *id, const void *msg, size_t len, uint8_t sig[96])
{
	if (!id->has_private)
		return -EINVAL;
	return zt_c25519_sign(id->priv, id->pub, msg, len, sig);
}

bool zt_identity_verify(const struct zt_identity *id, const void *msg, size_t len,
			const uint8_t *sig, size_t siglen)
{
	return zt_c25519_verify(id->pub, msg, len, sig, siglen) == 0;
}

int zt_identity_agree(const struct zt_identity *me, const struct zt_identity *peer, uint8_t key[48])
{
	if (!me->has_private)
		return -EINVAL;
	return zt_c25519_agree(me->priv, peer->pub, key);
}
