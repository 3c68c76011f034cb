// SPDX-License-Identifier: BSD-2-Clause
/* ZeroTier's C25519 key pairs (X25519 + Ed25519) and its 96-byte signature form, over libsodium. */
#include <errno.h>
#include <string.h>

#include <sodium.h>

#include "zt/c25519.h"

static int c25519_init(void)
{
	return sodium_init() < 0 ? -EIO : 0;
}

int zt_c25519_calc_pub_dh(uint8_t pub[ZT_C25519_PUBLIC_KEY_LEN],
			  const uint8_t priv[ZT_C25519_PRIVATE_KEY_LEN])
{
	if (c25519_init())
		return -EIO;
	return crypto_scalarmult_curve25519_base(pub, priv) ? -EINVAL : 0;
}

int zt_c25519_calc_pub_ed(uint8_t pub[ZT_C25519_PUBLIC_KEY_LEN],
			  const uint8_t priv[ZT_C25519_PRIVATE_KEY_LEN])
{
	uint8_t sk[crypto_sign_SECRETKEYBYTES];
	int ret;

	if (c25519_init())
		return -EIO;
	ret = crypto_sign_seed_keypair(pub + 32, sk, priv + 32) ? -EINVAL : 0;
	sodium_memzero(sk, sizeof(sk));
	return ret;
}

int zt_c25519_generate(uint8_t pub[ZT_C25519_PUBLIC_KEY_LEN],
		       uint8_t priv[ZT_C25519_PRIVATE_KEY_LEN])
{
	int ret;

	if (c25519_init())
		return -EIO;
	randombytes_buf(priv, ZT_C25519_PRIVATE_KEY_LEN);
	ret = zt_c25519_calc_pub_dh(pub, priv);
	if (!ret)
		ret = zt_c25519_calc_pub_ed(pub, priv);
	return ret;
}

int zt_c25519_sign(const uint8_t priv[ZT_C25519_PRIVATE_KEY_LEN],
		   const uint8_t pub[ZT_C25519_PUBLIC_KEY_LEN], const void *msg, size_t len,
		   uint8_t sig[ZT_C25519_SIGNATURE_LEN])
{
	uint8_t digest[crypto_hash_sha512_BYTES];
	uint8_t sk[crypto_sign_SECRETKEYBYTES];
	int ret;

	if (c25519_init())
		return -EIO;
	crypto_hash_sha512(digest, msg, len);
	/* libsodium's secret key is seed || Ed25519 public: the same deterministic signature. */
	memcpy(sk, priv + 32, 32);
	memcpy(sk + 32, pub + 32, 32);
	ret = crypto_sign_detached(sig, NULL, digest, 32, sk) ? -EINVAL : 0;
	memcpy(sig + 64, digest, 32);
	sodium_memzero(sk, sizeof(sk));
	return ret;
}

int zt_c25519_verify(const uint8_t pub[ZT_C25519_PUBLIC_KEY_LEN], const void *msg, size_t len,
		     const uint8_t *sig, size_t siglen)
{
	uint8_t digest[crypto_hash_sha512_BYTES];

	if (siglen != ZT_C25519_SIGNATURE_LEN || c25519_init())
		return -EBADMSG;
	crypto_hash_sha512(digest, msg, len);
	if (sodium_memcmp(sig + 64, digest, 32))
		return -EBADMSG;
	return crypto_sign_verify_detached(sig, digest, 32, pub + 32) ? -EBADMSG : 0;
}

int zt_c25519_agree(const uint8_t priv[ZT_C25519_PRIVATE_KEY_LEN],
		    const uint8_t peerpub[ZT_C25519_PUBLIC_KEY_LEN],
		    uint8_t key[ZT_C25519_AGREE_LEN])
{
	uint8_t raw[crypto_scalarmult_curve25519_BYTES];
	uint8_t digest[crypto_hash_sha512_BYTES];

	if (c25519_init())
		return -EIO;
	if (crypto_scalarmult_curve25519(raw, priv, peerpub))
		return -EINVAL;
	crypto_hash_sha512(digest, raw, sizeof(raw));
	memcpy(key, digest, ZT_C25519_AGREE_LEN);
	sodium_memzero(raw, sizeof(raw));
	sodium_memzero(digest, sizeof(digest));
	return 0;
}
