/* SPDX-License-Identifier: BSD-2-Clause */
/* ZeroTier's CertificateOfMembership: read, write, sign, verify and the agreement of two. */
#ifndef NETCON_ZT_COM_H
#define NETCON_ZT_COM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "zt/identity.h"

/* ZT_NETWORK_COM_MAX_QUALIFIERS */
#define ZT_COM_MAX_QUALIFIERS 8
/* Reserved qualifier ids (CertificateOfMembership::ReservedId). */
#define ZT_COM_ID_TIMESTAMP 0
#define ZT_COM_ID_NETWORK_ID 1
#define ZT_COM_ID_ISSUED_TO 2
/* Ids 3..6: SHA-384(address || public key)[0..31] as four big-endian u64 (Identity::publicKeyHash). */
#define ZT_COM_ID_KEY_HASH_FIRST 3
#define ZT_COM_ID_KEY_HASH_LAST 6
/* Serialized size of a signed certificate with n qualifiers. */
#define ZT_COM_SIZE(n) (3 + (n)*24 + 5 + 96)
/* The largest serialized certificate. */
#define ZT_COM_MAX_SIZE ZT_COM_SIZE(ZT_COM_MAX_QUALIFIERS)

struct zt_com_qualifier {
	uint64_t id;
	uint64_t value;
	uint64_t max_delta;
};

/* Wire form: [1] 0x01, [2] count, {[8] id, [8] value, [8] max delta}* sorted by id, [5] signer,
 * [96] signature if the signer is not 0. */
struct zt_com {
	unsigned count;
	struct zt_com_qualifier q[ZT_COM_MAX_QUALIFIERS];
	uint64_t signed_by; /* 0: unsigned */
	uint8_t signature[96];
};

/* Read a certificate from p[0..len). Returns the bytes consumed, or -EBADMSG (com untouched) for
 * a bad type, more than ZT_COM_MAX_QUALIFIERS, ids out of order, or a short buffer. */
int zt_com_deserialize(struct zt_com *com, const uint8_t *p, size_t len);
/* Bytes zt_com_serialize writes. */
size_t zt_com_size(const struct zt_com *com);
/* Write com into out[0..size). Returns the bytes written, -ENOSPC, or -EINVAL (too many
 * qualifiers). */
int zt_com_serialize(const struct zt_com *com, uint8_t *out, size_t size);

/* A new unsigned 7-qualifier certificate, as current controllers issue: timestamp (with max delta
 * ctmd), network id, issued-to address and the hash of issued_to's public key. Returns 0 or
 * -EINVAL (issued_to has a reserved address). */
int zt_com_init(struct zt_com *com, uint64_t timestamp, uint64_t ctmd, uint64_t nwid,
		const struct zt_identity *issued_to);
/* Sign com with the controller's identity (needs its private key). Returns 0 or -EINVAL. */
int zt_com_sign(struct zt_com *com, const struct zt_identity *controller);
/* Is com signed by controller, the controller of the network it names (nwid >> 24), with a
 * valid signature? Returns 0, -EACCES (wrong or missing signer, no network id) or -EBADMSG
 * (bad signature). */
int zt_com_verify(const struct zt_com *com, const struct zt_identity *controller);

/* Value of qualifier id. Returns 0 or -ENOENT. */
int zt_com_get(const struct zt_com *com, uint64_t id, uint64_t *value);
/* Shorthands for the reserved qualifiers; 0 when absent. */
uint64_t zt_com_timestamp(const struct zt_com *com);
uint64_t zt_com_network_id(const struct zt_com *com);
uint64_t zt_com_issued_to(const struct zt_com *com);

/* Does theirs (presented by the peer with identity their_id) agree with ours? Every qualifier of
 * ours must be in theirs within our max delta; if ours carries the key hash (ids 3..6), theirs
 * must carry the hash of their_id's public key (CertificateOfMembership::agreesWith). Signatures
 * are not checked here: verify theirs first. */
bool zt_com_agrees(const struct zt_com *ours, const struct zt_com *theirs,
		   const struct zt_identity *their_id);

/* SHA-384 of address (5 bytes, big-endian) || public key: the hash carried in ids 3..6. */
void zt_com_identity_hash(const struct zt_identity *id, uint8_t out[48]);

#endif
