// SPDX-License-Identifier: BSD-2-Clause
/* ZeroTier's Revocation credential: read, write, sign and verify. */
#include <errno.h>
#include <string.h>

#include "zt/revocation.h"
#include "zt/bytes.h"

#define SIG_TYPE_ED25519 1
#define SIG_LEN 96
#define SIGN_MARKER 0x7f7f7f7f7f7f7f7fULL

/* The fields shared by the wire and signed forms, from the first unused word to the type. */
static size_t put_fields(const struct zt_revocation *rev, uint8_t *p)
{
	size_t o = 0;

	o += zt_be_put(p + o, 0, 4);
	o += zt_be_put(p + o, rev->id, 4);
	o += zt_be_put(p + o, rev->nwid, 8);
	o += zt_be_put(p + o, 0, 4);
	o += zt_be_put(p + o, rev->credential_id, 4);
	o += zt_be_put(p + o, (uint64_t)rev->threshold, 8);
	o += zt_be_put(p + o, rev->flags, 8);
	o += zt_be_put(p + o, rev->target, 5);
	o += zt_be_put(p + o, rev->signed_by, 5);
	p[o++] = rev->type;
	return o;
}

#define FIELDS_SIZE (4 + 4 + 8 + 4 + 4 + 8 + 8 + 5 + 5 + 1)
_Static_assert(ZT_REVOCATION_SIZE == FIELDS_SIZE + 1 + 2 + SIG_LEN + 2, "wire size");
_Static_assert(ZT_REVOCATION_SIGNED_SIZE == 8 + FIELDS_SIZE + 2 + 8, "signed size");

int zt_revocation_deserialize(struct zt_revocation *rev, const uint8_t *p, size_t len)
{
	struct zt_revocation r;
	size_t o = 0, ext;

	if (len < FIELDS_SIZE + 1 + 2)
		return -EBADMSG;
	memset(&r, 0, sizeof(r));
	o += 4; /* unused */
	r.id = (uint32_t)zt_be_get(p + o, 4), o += 4;
	r.nwid = zt_be_get(p + o, 8), o += 8;
	o += 4; /* unused */
	r.credential_id = (uint32_t)zt_be_get(p + o, 4), o += 4;
	r.threshold = (int64_t)zt_be_get(p + o, 8), o += 8;
	r.flags = zt_be_get(p + o, 8), o += 8;
	r.target = zt_be_get(p + o, 5), o += 5;
	r.signed_by = zt_be_get(p + o, 5), o += 5;
	r.type = p[o++];
	/* Only Ed25519 signatures exist; anything else could never verify. */
	if (p[o] != SIG_TYPE_ED25519 || zt_be_get(p + o + 1, 2) != SIG_LEN)
		return -EBADMSG;
	o += 3;
	if (len - o < SIG_LEN + 2)
		return -EBADMSG;
	memcpy(r.signature, p + o, SIG_LEN);
	o += SIG_LEN;
	ext = (size_t)zt_be_get(p + o, 2);
	o += 2;
	if (len - o < ext)
		return -EBADMSG;
	o += ext;
	*rev = r;
	return (int)o;
}

int zt_revocation_serialize(const struct zt_revocation *rev, uint8_t *out, size_t size)
{
	size_t o;

	if (!rev->signed_by)
		return -EINVAL;
	if (size < ZT_REVOCATION_SIZE)
		return -ENOSPC;
	o = put_fields(rev, out);
	out[o++] = SIG_TYPE_ED25519;
	o += zt_be_put(out + o, SIG_LEN, 2);
	memcpy(out + o, rev->signature, SIG_LEN);
	o += SIG_LEN;
	o += zt_be_put(out + o, 0, 2); /* no extension */
	return (int)o;
}

/* Revocation::serialize(forSign): markers around the fields and an empty extension length. */
static size_t signed_form(const struct zt_revocation *rev, uint8_t buf[ZT_REVOCATION_SIGNED_SIZE])
{
	size_t o = 0;

	o += zt_be_put(buf + o, SIGN_MARKER, 8);
	o += put_fields(rev, buf + o);
	o += zt_be_put(buf + o, 0, 2);
	o += zt_be_put(buf + o, SIGN_MARKER, 8);
	return o;
}

int zt_revocation_sign(struct zt_revocation *rev, const struct zt_identity *controller)
{
	uint8_t buf[ZT_REVOCATION_SIGNED_SIZE], sig[SIG_LEN];
	uint64_t before = rev->signed_by;
	int r;

	if (!controller->has_private || zt_identity_address_reserved(controller->address))
		return -EINVAL;
	rev->signed_by = controller->address;
	r = zt_identity_sign(controller, buf, signed_form(rev, buf), sig);
	if (r < 0) {
		rev->signed_by = before;
		return r;
	}
	memcpy(rev->signature, sig, SIG_LEN);
	return 0;
}

int zt_revocation_verify(const struct zt_revocation *rev, const struct zt_identity *controller)
{
	uint8_t buf[ZT_REVOCATION_SIGNED_SIZE];

	if (!rev->signed_by || rev->signed_by != controller->address ||
	    (rev->nwid >> 24) != rev->signed_by)
		return -EACCES;
	if (!zt_identity_verify(controller, buf, signed_form(rev, buf), rev->signature, SIG_LEN))
		return -EBADMSG;
	return 0;
}
