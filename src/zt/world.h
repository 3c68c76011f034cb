/* SPDX-License-Identifier: BSD-2-Clause */
/* ZeroTier's World (planet or moon): the roots, their endpoints, and the key that signs updates. */
#ifndef NETCON_ZT_WORLD_H
#define NETCON_ZT_WORLD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "zt/identity.h"
#include "zt/inetaddr.h"

/* World::Type */
#define ZT_WORLD_TYPE_NULL 0
#define ZT_WORLD_TYPE_PLANET 1
#define ZT_WORLD_TYPE_MOON 127
/* ZT_WORLD_MAX_ROOTS, ZT_WORLD_MAX_STABLE_ENDPOINTS_PER_ROOT */
#define ZT_WORLD_MAX_ROOTS 4
#define ZT_WORLD_MAX_ENDPOINTS 32
/* ZT_WORLD_MAX_SERIALIZED_LENGTH */
#define ZT_WORLD_MAX_SIZE                                                                          \
	(((1024 + 32 * ZT_WORLD_MAX_ENDPOINTS) * ZT_WORLD_MAX_ROOTS) + 64 + 96 + 128)
/* ZT_WORLD_ID_EARTH: the public planet. */
#define ZT_WORLD_ID_EARTH 149604618ULL

struct zt_world_root {
	struct zt_identity identity; /* public only */
	unsigned n_endpoints;
	struct zt_inetaddr endpoints[ZT_WORLD_MAX_ENDPOINTS];
};

/* Wire form: [1] type, [8] id, [8] timestamp, [64] update key, [96] signature, [1] root count,
 * {identity, [1] endpoint count, InetAddress*}*, and for moons [2] length + that many bytes. The
 * signature covers 0x7f*8, the same fields without the signature, then 0xf7*8. */
struct zt_world {
	uint8_t type;
	uint64_t id;
	uint64_t timestamp; /* ms */
	uint8_t update_key[64]; /* C25519 public key that must sign updates (not a root's key) */
	uint8_t signature[96];
	unsigned n_roots;
	struct zt_world_root roots[ZT_WORLD_MAX_ROOTS];
};

/* Read a world from p[0..len). Returns the bytes consumed, or -EBADMSG (w untouched) for a bad
 * type, too many roots or endpoints, a bad identity or address, or a short buffer; -ENOMEM. */
int zt_world_deserialize(struct zt_world *w, const uint8_t *p, size_t len);
/* Write w into out[0..size); signed_form leaves out the signature and adds the markers the
 * signature covers. Returns the bytes written, -ENOSPC or -EINVAL. */
int zt_world_serialize(const struct zt_world *w, bool signed_form, uint8_t *out, size_t size);
/* Is w's signature valid for key (a world's own update_key, or for an update the update_key of
 * the world it replaces)? Returns 0 or -EBADMSG. */
int zt_world_verify(const struct zt_world *w, const uint8_t key[64]);
/* Set w's update key to pub and sign w with the key pair. Returns 0 or -errno. */
int zt_world_sign(struct zt_world *w, const uint8_t pub[64], const uint8_t priv[64]);
/* Should update replace cur: same id and type, newer, signed by cur's update key
 * (World::shouldBeReplacedBy)? A null cur is replaced by anything. */
bool zt_world_should_replace(const struct zt_world *cur, const struct zt_world *update);

#endif
