/* SPDX-License-Identifier: BSD-2-Clause */
/* ZeroTier identities: address from the memory-hard hash, text and binary forms, sign/agree. */
#ifndef NETCON_ZT_IDENTITY_H
#define NETCON_ZT_IDENTITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "zt/c25519.h"

/* ZT_ADDRESS_LENGTH */
#define ZT_IDENTITY_ADDRESS_LEN 5
/* ZT_IDENTITY_GEN_MEMORY: scratch of the memory-hard hash. */
#define ZT_IDENTITY_GEN_MEMORY 2097152
/* ZT_IDENTITY_GEN_HASHCASH_FIRST_BYTE_LESS_THAN */
#define ZT_IDENTITY_GEN_HASHCASH_FIRST_BYTE_LESS_THAN 17
/* Binary form: [5] address, [1] type 0, [64] public, [1] private length, [64] private. */
#define ZT_IDENTITY_PUBLIC_BIN_LEN (5 + 1 + 64 + 1)
#define ZT_IDENTITY_SECRET_BIN_LEN (ZT_IDENTITY_PUBLIC_BIN_LEN + 64)
/* Text form "aaaaaaaaaa:0:<128 hex>[:<128 hex>]" plus NUL. */
#define ZT_IDENTITY_STRING_LEN (10 + 3 + 128 + 1 + 128 + 1)
/* Address as 10 hex digits plus NUL. */
#define ZT_IDENTITY_ADDRESS_STRING_LEN 11

struct zt_identity {
	uint64_t address; /* low 40 bits */
	uint8_t pub[64];
	uint8_t priv[64];
	bool has_private;
};

/* Make a new identity with a private key (about 15 runs of the 2 MiB hash). Returns 0 or -errno. */
int zt_identity_generate(struct zt_identity *id);

/* Check that the address is the memory-hard hash of the public key, that the hashcash condition
 * holds and that the address is not reserved. With a private key, also that it matches the public
 * key. Returns 0 when valid, -EINVAL when not, -ENOMEM. */
int zt_identity_validate(const struct zt_identity *id);

/* Compute the 64-byte memory-hard digest of a 64-byte public key. genmem is 2 MiB of scratch
 * (NULL: allocated here). Returns 0 or -ENOMEM. */
int zt_identity_hash(const uint8_t pub[64], uint8_t digest[64], uint8_t *genmem);

/* Parse the text form (trailing whitespace allowed). Returns 0 or -EBADMSG, id untouched. */
int zt_identity_from_string(struct zt_identity *id, const char *s);

/* Write the text form, with the private key if asked and present. Returns the string length or
 * -ENOSPC (size too small), -EINVAL (private asked, none present). */
int zt_identity_to_string(const struct zt_identity *id, bool with_private, char *buf, size_t size);

/* Binary form as ZeroTier writes it. Returns the length written or -ENOSPC / -EINVAL. */
int zt_identity_serialize(const struct zt_identity *id, bool with_private, uint8_t *buf,
			  size_t size);

/* Parse a binary identity at the start of buf. Returns bytes consumed or -EBADMSG, id untouched. */
int zt_identity_deserialize(struct zt_identity *id, const uint8_t *buf, size_t len);

/* Sign msg with the private key. Returns 0, or -EINVAL when id has no private key. */
int zt_identity_sign(const struct zt_identity *id, const void *msg, size_t len, uint8_t sig[96]);

/* True when sig (siglen must be 96) is id's signature of msg. */
bool zt_identity_verify(const struct zt_identity *id, const void *msg, size_t len,
			const uint8_t *sig, size_t siglen);

/* 48-byte shared key of me (with private key) and peer. Returns 0 or -EINVAL. */
int zt_identity_agree(const struct zt_identity *me, const struct zt_identity *peer,
		      uint8_t key[48]);

/* Write an address as 10 lowercase hex digits into buf[11]. Returns buf. */
char *zt_identity_address_to_hex(uint64_t address, char buf[ZT_IDENTITY_ADDRESS_STRING_LEN]);

/* Read a 40-bit address from 5 big-endian bytes / write it. */
uint64_t zt_identity_address_get(const uint8_t b[5]);
void zt_identity_address_put(uint8_t b[5], uint64_t address);

/* True for addresses ZeroTier reserves: 0 and those starting with 0xff. */
bool zt_identity_address_reserved(uint64_t address);

#endif
