// SPDX-License-Identifier: BSD-2-Clause
/* ZeroTier's World (planet or moon): the roots, their endpoints, and the key that signs updates. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "zt/c25519.h"
#include "zt/world.h"

/* Markers around the signed form (World::serialize with forSign). */
#define ZT_WORLD_SIGN_HEAD 0x7f
#define ZT_WORLD_SIGN_TAIL 0xf7

static uint64_t get_be64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static void put_be64(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

int zt_world_deserialize(struct zt_world *w, const uint8_t *p, size_t len)
{
	struct zt_world *t;
	size_t off;
	int r;

	if (len < 1 + 8 + 8 + 64 + 96 + 1)
		return -EBADMSG;
	if (p[0] != ZT_WORLD_TYPE_NULL && p[0] != ZT_WORLD_TYPE_PLANET &&
	    p[0] != ZT_WORLD_TYPE_MOON)
		return -EBADMSG;
	/* About 3 KB: built aside so that w stays untouched on failure. */
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->type = p[0];
	t->id = get_be64(p + 1);
	t->timestamp = get_be64(p + 9);
	memcpy(t->update_key, p + 17, 64);
	memcpy(t->signature, p + 81, 96);
	t->n_roots = p[177];
	off = 178;
	r = -EBADMSG;
	if (t->n_roots > ZT_WORLD_MAX_ROOTS)
		goto out;
	for (unsigned i = 0; i < t->n_roots; i++) {
		struct zt_world_root *root = &t->roots[i];

		r = zt_identity_deserialize(&root->identity, p + off, len - off);
		if (r < 0)
			goto bad;
		off += (size_t)r;
		/* Roots are published with their public keys only; never carry a secret around. */
		root->identity.has_private = false;
		memset(root->identity.priv, 0, sizeof(root->identity.priv));
		r = -EBADMSG;
		if (off >= len)
			goto out;
		root->n_endpoints = p[off++];
		if (root->n_endpoints > ZT_WORLD_MAX_ENDPOINTS)
			goto out;
		for (unsigned k = 0; k < root->n_endpoints; k++) {
			r = zt_inetaddr_deserialize(&root->endpoints[k], p + off, len - off);
			if (r < 0)
				goto bad;
			off += (size_t)r;
		}
	}
	if (t->type == ZT_WORLD_TYPE_MOON) {
		size_t extra;

		r = -EBADMSG;
		if (len - off < 2)
			goto out;
		extra = (size_t)p[off] << 8 | p[off + 1];
		if (len - off - 2 < extra)
			goto out;
		off += 2 + extra;
	}
	*w = *t;
	r = (int)off;
	goto out;
bad:
	r = -EBADMSG;
out:
	free(t);
	return r;
}

int zt_world_serialize(const struct zt_world *w, bool signed_form, uint8_t *out, size_t size)
{
	size_t off = 0;
	int r;

	if (w->n_roots > ZT_WORLD_MAX_ROOTS)
		return -EINVAL;
	if (size < 8 + 1 + 8 + 8 + 64 + 96 + 1)
		return -ENOSPC;
	if (signed_form) {
		memset(out, ZT_WORLD_SIGN_HEAD, 8);
		off = 8;
	}
	out[off] = w->type;
	put_be64(out + off + 1, w->id);
	put_be64(out + off + 9, w->timestamp);
	memcpy(out + off + 17, w->update_key, 64);
	off += 81;
	if (!signed_form) {
		memcpy(out + off, w->signature, 96);
		off += 96;
	}
	out[off++] = (uint8_t)w->n_roots;
	for (unsigned i = 0; i < w->n_roots; i++) {
		const struct zt_world_root *root = &w->roots[i];

		if (root->n_endpoints > ZT_WORLD_MAX_ENDPOINTS)
			return -EINVAL;
		r = zt_identity_serialize(&root->identity, false, out + off, size - off);
		if (r < 0)
			return r;
		off += (size_t)r;
		if (off >= size)
			return -ENOSPC;
		out[off++] = (uint8_t)root->n_endpoints;
		for (unsigned k = 0; k < root->n_endpoints; k++) {
			r = zt_inetaddr_serialize(&root->endpoints[k], out + off, size - off);
			if (r < 0)
				return r;
			off += (size_t)r;
		}
	}
	if (w->type == ZT_WORLD_TYPE_MOON) {
		/* No attached dictionary (for future use, says World.hpp). */
		if (size - off < 2)
			return -ENOSPC;
		out[off++] = 0;
		out[off++] = 0;
	}
	if (signed_form) {
		if (size - off < 8)
			return -ENOSPC;
		memset(out + off, ZT_WORLD_SIGN_TAIL, 8);
		off += 8;
	}
	return (int)off;
}

int zt_world_verify(const struct zt_world *w, const uint8_t key[64])
{
	uint8_t *buf = malloc(ZT_WORLD_MAX_SIZE);
	int n, r;

	if (!buf)
		return -ENOMEM;
	n = zt_world_serialize(w, true, buf, ZT_WORLD_MAX_SIZE);
	r = n < 0 ? -EBADMSG : zt_c25519_verify(key, buf, (size_t)n, w->signature, 96);
	free(buf);
	return r < 0 ? -EBADMSG : 0;
}

int zt_world_sign(struct zt_world *w, const uint8_t pub[64], const uint8_t priv[64])
{
	uint8_t *buf = malloc(ZT_WORLD_MAX_SIZE), sig[96];
	int n, r;

	if (!buf)
		return -ENOMEM;
	memcpy(w->update_key, pub, 64);
	n = zt_world_serialize(w, true, buf, ZT_WORLD_MAX_SIZE);
	r = n < 0 ? n : zt_c25519_sign(priv, pub, buf, (size_t)n, sig);
	if (r == 0)
		memcpy(w->signature, sig, 96);
	free(buf);
	return r;
}

bool zt_world_should_replace(const struct zt_world *cur, const struct zt_world *update)
{
	if (cur->id == 0 || cur->type == ZT_WORLD_TYPE_NULL)
		return true;
	return cur->id == update->id && cur->type == update->type &&
	       cur->timestamp < update->timestamp && zt_world_verify(update, cur->update_key) == 0;
}
