/* SPDX-License-Identifier: BSD-2-Clause */
/* ZeroTier's Revocation credential: read, write, sign and verify. */
#ifndef NETCON_ZT_REVOCATION_H
#define NETCON_ZT_REVOCATION_H

#include <stddef.h>
#include <stdint.h>

#include "zt/identity.h"

/* Credential::Type: what a revocation revokes. */
#define ZT_CREDENTIAL_TYPE_NULL 0
#define ZT_CREDENTIAL_TYPE_COM 1
#define ZT_CREDENTIAL_TYPE_CAPABILITY 2
#define ZT_CREDENTIAL_TYPE_TAG 3
#define ZT_CREDENTIAL_TYPE_COO 4
#define ZT_CREDENTIAL_TYPE_REVOCATION 6

/* ZT_REVOCATION_FLAG_FAST_PROPAGATE: members pass a new revocation on to the members they know. */
#define ZT_REVOCATION_FLAG_FAST_PROPAGATE 0x1ULL

/* Wire form: [4] 0, [4] id, [8] network id, [4] 0, [4] credential id, [8] threshold, [8] flags,
 * [5] target, [5] signer, [1] credential type, [1] signature type 1, [2] 96, [96] signature,
 * [2] extension length, extension. ZT_REVOCATION_SIZE: with an empty extension, as written. */
#define ZT_REVOCATION_SIZE (4 + 4 + 8 + 4 + 4 + 8 + 8 + 5 + 5 + 1 + 1 + 2 + 96 + 2)
/* The signed form: the fields between two 0x7f7f7f7f7f7f7f7f markers, without the signature. */
#define ZT_REVOCATION_SIGNED_SIZE (8 + 4 + 4 + 8 + 4 + 4 + 8 + 8 + 5 + 5 + 1 + 2 + 8)

struct zt_revocation {
	uint32_t id; /* arbitrary (random) */
	uint32_t credential_id; /* 0 for certificates of membership, which have no id */
	uint64_t nwid;
	int64_t threshold; /* credentials of target timestamped at or before this are void */
	uint64_t flags;
	uint64_t target; /* the member whose credentials are revoked */
	uint64_t signed_by; /* 0: unsigned */
	uint8_t type; /* ZT_CREDENTIAL_TYPE_* being revoked */
	uint8_t signature[96];
};

/* Read a revocation from p[0..len). Returns the bytes consumed, or -EBADMSG (rev untouched) for a
 * short buffer or a signature that is not one 96-byte Ed25519 signature (type 1). */
int zt_revocation_deserialize(struct zt_revocation *rev, const uint8_t *p, size_t len);
/* Write a signed rev into out[0..size). Returns ZT_REVOCATION_SIZE, -ENOSPC, or -EINVAL
 * (unsigned). */
int zt_revocation_serialize(const struct zt_revocation *rev, uint8_t *out, size_t size);
/* Sign rev with the controller's identity (needs its private key); sets signed_by. Returns 0 or
 * -EINVAL. */
int zt_revocation_sign(struct zt_revocation *rev, const struct zt_identity *controller);
/* Is rev signed by controller, the controller of its network (nwid >> 24)? Returns 0, -EACCES
 * (no signer, or not the network's controller) or -EBADMSG (bad signature). */
int zt_revocation_verify(const struct zt_revocation *rev, const struct zt_identity *controller);

#endif
