/* SPDX-License-Identifier: BSD-2-Clause */
/* ZeroTier's C25519 key pairs (X25519 + Ed25519) and its 96-byte signature form, over libsodium. */
#ifndef NETCON_ZT_C25519_H
#define NETCON_ZT_C25519_H

#include <stddef.h>
#include <stdint.h>

/* Public key: X25519 public (32) || Ed25519 public (32). */
#define ZT_C25519_PUBLIC_KEY_LEN 64
/* Private key: X25519 scalar (32) || Ed25519 seed (32). */
#define ZT_C25519_PRIVATE_KEY_LEN 64
/* Ed25519 signature (64) of SHA-512(msg)[0..31], followed by those 32 bytes. */
#define ZT_C25519_SIGNATURE_LEN 96
/* ZT_SYMMETRIC_KEY_SIZE: bytes of SHA-512(X25519 secret) kept per peer. */
#define ZT_C25519_AGREE_LEN 48

/* Fill priv with random bytes and pub with the matching public keys. Returns 0 or -errno. */
int zt_c25519_generate(uint8_t pub[ZT_C25519_PUBLIC_KEY_LEN],
		       uint8_t priv[ZT_C25519_PRIVATE_KEY_LEN]);

/* Recompute the X25519 half (pub[0..31]) from priv[0..31]. Returns 0 or -EINVAL. */
int zt_c25519_calc_pub_dh(uint8_t pub[ZT_C25519_PUBLIC_KEY_LEN],
			  const uint8_t priv[ZT_C25519_PRIVATE_KEY_LEN]);

/* Recompute the Ed25519 half (pub[32..63]) from the seed priv[32..63]. Returns 0 or -EINVAL. */
int zt_c25519_calc_pub_ed(uint8_t pub[ZT_C25519_PUBLIC_KEY_LEN],
			  const uint8_t priv[ZT_C25519_PRIVATE_KEY_LEN]);

/* Sign msg in ZeroTier's 96-byte form. Returns 0 or -EINVAL. */
int zt_c25519_sign(const uint8_t priv[ZT_C25519_PRIVATE_KEY_LEN],
		   const uint8_t pub[ZT_C25519_PUBLIC_KEY_LEN], const void *msg, size_t len,
		   uint8_t sig[ZT_C25519_SIGNATURE_LEN]);

/* Check a 96-byte signature of msg by pub. Returns 0 if valid, -EBADMSG if not (any siglen other
 * than 96 is invalid). */
int zt_c25519_verify(const uint8_t pub[ZT_C25519_PUBLIC_KEY_LEN], const void *msg, size_t len,
		     const uint8_t *sig, size_t siglen);

/* Key agreement: SHA-512(X25519(priv[0..31], peerpub[0..31]))[0..47]. Returns 0 or -EINVAL
 * (low-order peer key). */
int zt_c25519_agree(const uint8_t priv[ZT_C25519_PRIVATE_KEY_LEN],
		    const uint8_t peerpub[ZT_C25519_PUBLIC_KEY_LEN],
		    uint8_t key[ZT_C25519_AGREE_LEN]);

#endif
