// SPDX-License-Identifier: BSD-2-Clause
/* ZeroTier's CertificateOfMembership: read, write, sign, verify and the agreement of two. */
#include <errno.h>
#include <sodium.h>
#include <string.h>

#include "zt/com.h"

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

int zt_com_deserialize(struct zt_com *com, const uint8_t *p, size_t len)
{
	struct zt_com c;
	size_t off = 3;
	unsigned n;

	if (len < 3 || p[0] != 1)
		return -EBADMSG;
	n = (unsigned)(p[1] << 8 | p[2]);
	if (n > ZT_COM_MAX_QUALIFIERS || len < off + (size_t)n * 24 + 5)
		return -EBADMSG;
	memset(&c, 0, sizeof(c));
	c.count = n;
	for (unsigned i = 0; i < n; i++, off += 24) {
		c.q[i].id = get_be64(p + off);
		c.q[i].value = get_be64(p + off + 8);
		c.q[i].max_delta = get_be64(p + off + 16);
		/* Sorted by id; equal ids are tolerated as ZeroTier does. */
		if (i > 0 && c.q[i].id < c.q[i - 1].id)
			return -EBADMSG;
	}
	c.signed_by = zt_identity_address_get(p + off);
	off += 5;
	if (c.signed_by) {
		if (len < off + 96)
			return -EBADMSG;
		memcpy(c.signature, p + off, 96);
		off += 96;
	}
	*com = c;
	return (int)off;
}

size_t zt_com_size(const struct zt_com *com)
{
	return 3 + (size_t)com->count * 24 + 5 + (com->signed_by ? 96 : 0);
}

int zt_com_serialize(const struct zt_com *com, uint8_t *out, size_t size)
{
	size_t off = 3, n = zt_com_size(com);

	if (com->count > ZT_COM_MAX_QUALIFIERS)
		return -EINVAL;
	if (size < n)
		return -ENOSPC;
	out[0] = 1;
	out[1] = (uint8_t)(com->count >> 8);
	out[2] = (uint8_t)com->count;
	for (unsigned i = 0; i < com->count; i++, off += 24) {
		put_be64(out + off, com->q[i].id);
		put_be64(out + off + 8, com->q[i].value);
		put_be64(out + off + 16, com->q[i].max_delta);
	}
	zt_identity_address_put(out + off, com->signed_by);
	off += 5;
	if (com->signed_by) {
		memcpy(out + off, com->signature, 96);
		off += 96;
	}
	return (int)off;
}

void zt_com_identity_hash(const struct zt_identity *id, uint8_t out[48])
{
	/* SHA-384 is SHA-512 with its own initial values, truncated; libsodium has only SHA-512,
	 * whose public state struct takes the other initial values. */
	static const uint64_t sha384_iv[8] = {
	    0xcbbb9d5dc1059ed8ULL, 0x629a292a367cd507ULL, 0x9159015a3070dd17ULL,
	    0x152fecd8f70e5939ULL, 0x67332667ffc00b31ULL, 0x8eb44a8768581511ULL,
	    0xdb0c2e0d64f98fa7ULL, 0x47b5481dbefa4fa4ULL,
	};
	crypto_hash_sha512_state st;
	uint8_t addr[5], full[64];

	zt_identity_address_put(addr, id->address);
	crypto_hash_sha512_init(&st);
	memcpy(st.state, sha384_iv, sizeof(sha384_iv));
	crypto_hash_sha512_update(&st, addr, sizeof(addr));
	crypto_hash_sha512_update(&st, id->pub, sizeof(id->pub));
	crypto_hash_sha512_final(&st, full);
	memcpy(out, full, 48);
	sodium_memzero(full, sizeof(full));
}

int zt_com_init(struct zt_com *com, uint64_t timestamp, uint64_t ctmd, uint64_t nwid,
		const struct zt_identity *issued_to)
{
	uint8_t h[48];

	if (zt_identity_address_reserved(issued_to->address))
		return -EINVAL;
	memset(com, 0, sizeof(*com));
	com->q[0] = (struct zt_com_qualifier){ZT_COM_ID_TIMESTAMP, timestamp, ctmd};
	com->q[1] = (struct zt_com_qualifier){ZT_COM_ID_NETWORK_ID, nwid, 0};
	com->q[2] = (struct zt_com_qualifier){ZT_COM_ID_ISSUED_TO, issued_to->address, UINT64_MAX};
	zt_com_identity_hash(issued_to, h);
	for (int i = 0; i < 4; i++)
		com->q[3 + i] = (struct zt_com_qualifier){(uint64_t)(ZT_COM_ID_KEY_HASH_FIRST + i),
							  get_be64(h + 8 * i), UINT64_MAX};
	com->count = 7;
	return 0;
}

/* The signed bytes: the qualifiers as big-endian u64 triples. */
static size_t signed_form(const struct zt_com *com, uint8_t buf[ZT_COM_MAX_QUALIFIERS * 24])
{
	for (unsigned i = 0; i < com->count; i++) {
		put_be64(buf + 24 * i, com->q[i].id);
		put_be64(buf + 24 * i + 8, com->q[i].value);
		put_be64(buf + 24 * i + 16, com->q[i].max_delta);
	}
	return (size_t)com->count * 24;
}

int zt_com_sign(struct zt_com *com, const struct zt_identity *controller)
{
	uint8_t buf[ZT_COM_MAX_QUALIFIERS * 24], sig[96];
	size_t n;
	int r;

	if (com->count > ZT_COM_MAX_QUALIFIERS || !controller->has_private ||
	    zt_identity_address_reserved(controller->address))
		return -EINVAL;
	n = signed_form(com, buf);
	r = zt_identity_sign(controller, buf, n, sig);
	if (r < 0)
		return r;
	memcpy(com->signature, sig, 96);
	com->signed_by = controller->address;
	return 0;
}

int zt_com_verify(const struct zt_com *com, const struct zt_identity *controller)
{
	uint8_t buf[ZT_COM_MAX_QUALIFIERS * 24];
	uint64_t nwid;

	if (com->count > ZT_COM_MAX_QUALIFIERS || !com->signed_by ||
	    com->signed_by != controller->address)
		return -EACCES;
	if (zt_com_get(com, ZT_COM_ID_NETWORK_ID, &nwid) < 0 || (nwid >> 24) != com->signed_by)
		return -EACCES;
	if (!zt_identity_verify(controller, buf, signed_form(com, buf), com->signature, 96))
		return -EBADMSG;
	return 0;
}

int zt_com_get(const struct zt_com *com, uint64_t id, uint64_t *value)
{
	for (unsigned i = 0; i < com->count && i < ZT_COM_MAX_QUALIFIERS; i++)
		if (com->q[i].id == id) {
			*value = com->q[i].value;
			return 0;
		}
	return -ENOENT;
}

static uint64_t get_or_zero(const struct zt_com *com, uint64_t id)
{
	uint64_t v = 0;

	zt_com_get(com, id, &v);
	return v;
}

uint64_t zt_com_timestamp(const struct zt_com *com)
{
	return get_or_zero(com, ZT_COM_ID_TIMESTAMP);
}

uint64_t zt_com_network_id(const struct zt_com *com)
{
	return get_or_zero(com, ZT_COM_ID_NETWORK_ID);
}

uint64_t zt_com_issued_to(const struct zt_com *com)
{
	return get_or_zero(com, ZT_COM_ID_ISSUED_TO);
}

bool zt_com_agrees(const struct zt_com *ours, const struct zt_com *theirs,
		   const struct zt_identity *their_id)
{
	bool key_hash = false;
	uint8_t h[48];

	if (!ours->count || !theirs->count || ours->count > ZT_COM_MAX_QUALIFIERS ||
	    theirs->count > ZT_COM_MAX_QUALIFIERS)
		return false;
	for (unsigned i = 0; i < ours->count; i++) {
		uint64_t a = ours->q[i].value, b, d;

		if (ours->q[i].id >= ZT_COM_ID_KEY_HASH_FIRST &&
		    ours->q[i].id <= ZT_COM_ID_KEY_HASH_LAST)
			key_hash = true;
		/* With repeated ids the last one counts, as in ZeroTier's map. */
		b = 0;
		bool found = false;
		for (unsigned j = 0; j < theirs->count; j++)
			if (theirs->q[j].id == ours->q[i].id) {
				b = theirs->q[j].value;
				found = true;
			}
		if (!found)
			return false;
		d = a >= b ? a - b : b - a;
		if (d > ours->q[i].max_delta)
			return false;
	}
	if (!key_hash)
		return true;
	zt_com_identity_hash(their_id, h);
	for (int i = 0; i < 4; i++) {
		uint64_t v = 0;
		bool found = false;

		for (unsigned j = 0; j < theirs->count; j++)
			if (theirs->q[j].id == (uint64_t)(ZT_COM_ID_KEY_HASH_FIRST + i)) {
				v = theirs->q[j].value;
				found = true;
			}
		if (!found || v != get_be64(h + 8 * i))
			return false;
	}
	return true;
}
