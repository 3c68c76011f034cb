// SPDX-License-Identifier: BSD-2-Clause
/* ZeroTier 1.x packets: header fields, verbs, LZ4 payloads, and the payload of every verb we use. */
#include <errno.h>
#include <string.h>

#include <lz4.h>

#include "zt/armor.h"
#include "zt/packet.h"
#include "zt/bytes.h"

/* Bounds-checked reader: any read past the end marks it bad and yields zeros. */
struct packet_rd {
	const uint8_t *p;
	size_t len, off;
	bool bad;
};

static const uint8_t *rd_take(struct packet_rd *r, size_t n)
{
	const uint8_t *q;

	if (r->bad || n > r->len - r->off) {
		r->bad = true;
		return NULL;
	}
	q = r->p + r->off;
	r->off += n;
	return q;
}

static uint64_t rd_be(struct packet_rd *r, size_t n)
{
	const uint8_t *q = rd_take(r, n);
	uint64_t v = 0;

	if (!q)
		return 0;
	for (size_t i = 0; i < n; i++)
		v = (v << 8) | q[i];
	return v;
}

static size_t rd_left(const struct packet_rd *r)
{
	return r->bad ? 0 : r->len - r->off;
}

static void rd_copy(struct packet_rd *r, void *dst, size_t n)
{
	const uint8_t *q = rd_take(r, n);

	if (q)
		memcpy(dst, q, n);
	else
		memset(dst, 0, n);
}

static struct zt_span rd_span(struct packet_rd *r, size_t n)
{
	struct zt_span s = {rd_take(r, n), n};

	if (!s.p)
		s.len = 0;
	return s;
}

static void rd_inetaddr(struct packet_rd *r, struct zt_inetaddr *a)
{
	int n;

	if (r->bad)
		return;
	n = zt_inetaddr_deserialize(a, r->p + r->off, r->len - r->off);
	if (n < 0)
		r->bad = true;
	else
		r->off += (size_t)n;
}

/* Bounded writer: overflow marks it bad. */
struct packet_wr {
	uint8_t *p;
	size_t size, off;
	bool bad;
};

static uint8_t *wr_take(struct packet_wr *w, size_t n)
{
	uint8_t *q;

	if (w->bad || n > w->size - w->off) {
		w->bad = true;
		return NULL;
	}
	q = w->p + w->off;
	w->off += n;
	return q;
}

static void wr_be(struct packet_wr *w, uint64_t v, size_t n)
{
	uint8_t *q = wr_take(w, n);

	if (!q)
		return;
	for (size_t i = 0; i < n; i++)
		q[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
}

static void wr_bytes(struct packet_wr *w, const void *src, size_t n)
{
	uint8_t *q = wr_take(w, n);

	if (q && n)
		memcpy(q, src, n);
}

static void wr_span(struct packet_wr *w, struct zt_span s)
{
	wr_bytes(w, s.p, s.len);
}

static void wr_inetaddr(struct packet_wr *w, const struct zt_inetaddr *a)
{
	int n;

	if (w->bad)
		return;
	n = zt_inetaddr_serialize(a, w->p + w->off, w->size - w->off);
	if (n < 0)
		w->bad = true;
	else
		w->off += (size_t)n;
}

static int wr_done(const struct packet_wr *w)
{
	return w->bad ? -ENOSPC : (int)w->off;
}

#define RD(p, len)                                                                                 \
	{                                                                                          \
		(p), (len), 0, false                                                               \
	}
#define WR(buf, size)                                                                              \
	{                                                                                          \
		(buf), (size), 0, false                                                            \
	}

/* --- header --- */

uint64_t zt_packet_id(const uint8_t *pkt)
{
	return zt_be_get(pkt + ZT_PACKET_IDX_IV, 8);
}

uint64_t zt_packet_dest(const uint8_t *pkt)
{
	return zt_be_get(pkt + ZT_PACKET_IDX_DEST, 5);
}

uint64_t zt_packet_source(const uint8_t *pkt)
{
	return zt_be_get(pkt + ZT_PACKET_IDX_SOURCE, 5);
}

unsigned zt_packet_flags(const uint8_t *pkt)
{
	return pkt[ZT_PACKET_IDX_FLAGS];
}

unsigned zt_packet_cipher(const uint8_t *pkt)
{
	return (pkt[ZT_PACKET_IDX_FLAGS] >> 3) & 7;
}

unsigned zt_packet_hops(const uint8_t *pkt)
{
	return pkt[ZT_PACKET_IDX_FLAGS] & 7;
}

unsigned zt_packet_verb(const uint8_t *pkt)
{
	return pkt[ZT_PACKET_IDX_VERB] & 0x1f;
}

bool zt_packet_compressed(const uint8_t *pkt)
{
	return pkt[ZT_PACKET_IDX_VERB] & ZT_PACKET_VERB_FLAG_COMPRESSED;
}

bool zt_packet_fragmented(const uint8_t *pkt)
{
	return pkt[ZT_PACKET_IDX_FLAGS] & ZT_PACKET_FLAG_FRAGMENTED;
}

void zt_packet_init(uint8_t *pkt, uint64_t id, uint64_t dest, uint64_t source, unsigned verb)
{
	zt_be_put(pkt + ZT_PACKET_IDX_IV, id, 8);
	zt_be_put(pkt + ZT_PACKET_IDX_DEST, dest, 5);
	zt_be_put(pkt + ZT_PACKET_IDX_SOURCE, source, 5);
	pkt[ZT_PACKET_IDX_FLAGS] = 0;
	memset(pkt + ZT_PACKET_IDX_MAC, 0, 8);
	pkt[ZT_PACKET_IDX_VERB] = (uint8_t)verb;
}

void zt_packet_set_hops(uint8_t *pkt, unsigned hops)
{
	pkt[ZT_PACKET_IDX_FLAGS] = (uint8_t)((pkt[ZT_PACKET_IDX_FLAGS] & 0xf8) | (hops & 7));
}

int zt_packet_decompress(const uint8_t *pkt, size_t len, uint8_t *out, size_t outsize)
{
	int n;

	if (len < ZT_PACKET_MIN_LEN || len > ZT_PACKET_MAX_LEN || outsize < len)
		return -EBADMSG;
	if (!zt_packet_compressed(pkt)) {
		memmove(out, pkt, len);
		return (int)len;
	}
	if (outsize > ZT_PACKET_MAX_LEN)
		outsize = ZT_PACKET_MAX_LEN;
	n = LZ4_decompress_safe(
	    (const char *)pkt + ZT_PACKET_IDX_PAYLOAD, (char *)out + ZT_PACKET_IDX_PAYLOAD,
	    (int)(len - ZT_PACKET_IDX_PAYLOAD), (int)(outsize - ZT_PACKET_IDX_PAYLOAD));
	if (n < 0)
		return -EBADMSG;
	memcpy(out, pkt, ZT_PACKET_IDX_PAYLOAD);
	out[ZT_PACKET_IDX_VERB] &= (uint8_t)~ZT_PACKET_VERB_FLAG_COMPRESSED;
	return n + ZT_PACKET_IDX_PAYLOAD;
}

int zt_packet_compress(const uint8_t *pkt, size_t len, uint8_t *out, size_t outsize)
{
	size_t plen = len - ZT_PACKET_IDX_PAYLOAD;
	int n = 0;

	if (len < ZT_PACKET_MIN_LEN || len > ZT_PACKET_MAX_LEN || outsize < len)
		return -ENOSPC;
	/* Packet::compress: only payloads over 64 bytes, and only when it helps. */
	if (plen > 64)
		n = LZ4_compress_default((const char *)pkt + ZT_PACKET_IDX_PAYLOAD,
					 (char *)out + ZT_PACKET_IDX_PAYLOAD, (int)plen,
					 (int)(plen - 1));
	if (n <= 0 || (size_t)n >= plen) {
		memmove(out, pkt, len);
		return (int)len;
	}
	memcpy(out, pkt, ZT_PACKET_IDX_PAYLOAD);
	out[ZT_PACKET_IDX_VERB] |= ZT_PACKET_VERB_FLAG_COMPRESSED;
	return n + ZT_PACKET_IDX_PAYLOAD;
}

/* --- HELLO --- */

int zt_packet_decode_hello(struct zt_packet_hello *out, const uint8_t *p, size_t len,
			   const uint8_t *key, const uint8_t packet_id[8])
{
	struct packet_rd r = RD(p, len);
	struct zt_packet_hello h;
	int n;

	memset(&h, 0, sizeof(h));
	h.proto = (uint8_t)rd_be(&r, 1);
	h.major = (uint8_t)rd_be(&r, 1);
	h.minor = (uint8_t)rd_be(&r, 1);
	h.revision = (uint16_t)rd_be(&r, 2);
	h.timestamp = rd_be(&r, 8);
	if (r.bad)
		return -EBADMSG;
	n = zt_identity_deserialize(&h.identity, p + r.off, len - r.off);
	/* A HELLO carries a public identity only. */
	if (n < 0 || h.identity.has_private)
		return -EBADMSG;
	r.off += (size_t)n;
	/* Every field after the identity is optional (_doHELLO checks ptr < size()). */
	if (rd_left(&r))
		rd_inetaddr(&r, &h.dest);
	if (rd_left(&r) >= 16) {
		h.has_world = true;
		h.world_id = rd_be(&r, 8);
		h.world_ts = rd_be(&r, 8);
	}
	if (r.bad)
		return -EBADMSG;
	if (rd_left(&r) && key) {
		uint8_t tail[ZT_PACKET_MAX_LEN];
		size_t tl = rd_left(&r);
		struct packet_rd t = RD(tail, tl);

		if (tl > sizeof(tail))
			return -EBADMSG;
		memcpy(tail, p + r.off, tl);
		zt_armor_crypt_field(key, packet_id, tail, tl);
		if (tl >= 2) {
			unsigned count = (unsigned)rd_be(&t, 2);

			h.has_moons = true;
			for (unsigned i = 0; i < count && rd_left(&t) >= 17; i++) {
				struct zt_packet_moon m;

				m.type = (uint8_t)rd_be(&t, 1);
				m.id = rd_be(&t, 8);
				m.ts = rd_be(&t, 8);
				if (h.moon_count < ZT_PACKET_HELLO_MAX_MOONS)
					h.moons[h.moon_count++] = m;
			}
		}
	}
	*out = h;
	return 0;
}

int zt_packet_encode_hello(const struct zt_packet_hello *in, const uint8_t *key,
			   const uint8_t packet_id[8], uint8_t *buf, size_t size)
{
	struct packet_wr w = WR(buf, size);
	int n;

	if (in->moon_count > ZT_PACKET_HELLO_MAX_MOONS)
		return -EINVAL;
	wr_be(&w, in->proto, 1);
	wr_be(&w, in->major, 1);
	wr_be(&w, in->minor, 1);
	wr_be(&w, in->revision, 2);
	wr_be(&w, in->timestamp, 8);
	if (w.bad)
		return -ENOSPC;
	n = zt_identity_serialize(&in->identity, false, buf + w.off, size - w.off);
	if (n < 0)
		return n;
	w.off += (size_t)n;
	wr_inetaddr(&w, &in->dest);
	if (!in->has_world)
		return wr_done(&w);
	wr_be(&w, in->world_id, 8);
	wr_be(&w, in->world_ts, 8);
	if (key && !w.bad) {
		size_t start = w.off;

		wr_be(&w, in->moon_count, 2);
		for (unsigned i = 0; i < in->moon_count; i++) {
			wr_be(&w, in->moons[i].type, 1);
			wr_be(&w, in->moons[i].id, 8);
			wr_be(&w, in->moons[i].ts, 8);
		}
		if (!w.bad)
			zt_armor_crypt_field(key, packet_id, buf + start, w.off - start);
	}
	return wr_done(&w);
}

/* --- credentials and their lengths --- */

int zt_packet_com_len(const uint8_t *p, size_t len)
{
	struct packet_rd r = RD(p, len);
	uint64_t q;

	if (rd_be(&r, 1) != 1)
		return -EBADMSG;
	q = rd_be(&r, 2);
	rd_take(&r, q * 24);
	if (rd_be(&r, 5) != 0)
		rd_take(&r, 96);
	return r.bad ? -EBADMSG : (int)r.off;
}

/* [1] signature type; type 1 is [2] 96 + 96 bytes, others [2] length + bytes. */
static void cred_skip_sig(struct packet_rd *r)
{
	unsigned type = (unsigned)rd_be(r, 1);
	unsigned n = (unsigned)rd_be(r, 2);

	if (type == 1 && n != 96)
		r->bad = true;
	rd_take(r, n);
}

static void cred_skip_ext(struct packet_rd *r)
{
	rd_take(r, rd_be(r, 2));
}

/* Capability.hpp: nwid, ts, id, rules, custody chain ending at a zero address, extension. */
static int cred_cap_len(const uint8_t *p, size_t len)
{
	struct packet_rd r = RD(p, len);
	unsigned rc, maxchain;

	rd_take(&r, 8 + 8 + 4);
	rc = (unsigned)rd_be(&r, 2);
	for (unsigned i = 0; i < rc && !r.bad; i++) {
		rd_take(&r, 1);
		rd_take(&r, rd_be(&r, 1));
	}
	maxchain = (unsigned)rd_be(&r, 1);
	if (maxchain < 1 || maxchain > 7)
		return -EBADMSG;
	for (unsigned i = 0; !r.bad; i++) {
		if (rd_be(&r, 5) == 0)
			break;
		if (i >= maxchain)
			return -EBADMSG;
		rd_take(&r, 5);
		cred_skip_sig(&r);
	}
	cred_skip_ext(&r);
	return r.bad ? -EBADMSG : (int)r.off;
}

/* Tag.hpp: nwid, ts, id, value, issued-to, signed-by, signature, extension. */
static int cred_tag_len(const uint8_t *p, size_t len)
{
	struct packet_rd r = RD(p, len);

	rd_take(&r, 8 + 8 + 4 + 4 + 5 + 5);
	cred_skip_sig(&r);
	cred_skip_ext(&r);
	return r.bad ? -EBADMSG : (int)r.off;
}

/* Revocation.hpp: 4 unused, id, nwid, 4 unused, credential id, threshold, flags, target,
 * signer, credential type, signature, extension. */
static int cred_rev_len(const uint8_t *p, size_t len)
{
	struct packet_rd r = RD(p, len);

	rd_take(&r, 4 + 4 + 8 + 4 + 4 + 8 + 8 + 5 + 5 + 1);
	cred_skip_sig(&r);
	cred_skip_ext(&r);
	return r.bad ? -EBADMSG : (int)r.off;
}

/* CertificateOfOwnership.hpp: nwid, ts, flags, id, things, issued-to, signed-by, signature,
 * extension. */
static int cred_coo_len(const uint8_t *p, size_t len)
{
	struct packet_rd r = RD(p, len);

	rd_take(&r, 8 + 8 + 8 + 4);
	rd_take(&r, rd_be(&r, 2) * 17);
	rd_take(&r, 5 + 5);
	cred_skip_sig(&r);
	cred_skip_ext(&r);
	return r.bad ? -EBADMSG : (int)r.off;
}

static int cred_list(struct packet_rd *r, struct zt_span *out, unsigned *count,
		     int (*len_of)(const uint8_t *, size_t))
{
	unsigned n = (unsigned)rd_be(r, 2);

	if (r->bad || n > ZT_PACKET_CRED_MAX)
		return -EBADMSG;
	for (unsigned i = 0; i < n; i++) {
		int l = len_of(r->p + r->off, r->len - r->off);

		if (l < 0)
			return -EBADMSG;
		out[i] = rd_span(r, (size_t)l);
	}
	*count = n;
	return 0;
}

int zt_packet_decode_credentials(struct zt_packet_credentials *out, const uint8_t *p, size_t len)
{
	struct packet_rd r = RD(p, len);
	struct zt_packet_credentials c;

	memset(&c, 0, sizeof(c));
	/* COMs until a zero byte: a COM's own first byte is 1. */
	while (rd_left(&r) && p[r.off] != 0) {
		int l = zt_packet_com_len(p + r.off, len - r.off);

		if (l < 0 || c.ncom >= ZT_PACKET_CRED_MAX)
			return -EBADMSG;
		c.com[c.ncom++] = rd_span(&r, (size_t)l);
	}
	if (rd_be(&r, 1) != 0 || r.bad)
		return -EBADMSG;
	/* Older senders may stop after any list. */
	if (rd_left(&r) && cred_list(&r, c.cap, &c.ncap, cred_cap_len))
		return -EBADMSG;
	if (rd_left(&r) && cred_list(&r, c.tag, &c.ntag, cred_tag_len))
		return -EBADMSG;
	if (rd_left(&r) && cred_list(&r, c.rev, &c.nrev, cred_rev_len))
		return -EBADMSG;
	if (rd_left(&r) && cred_list(&r, c.coo, &c.ncoo, cred_coo_len))
		return -EBADMSG;
	*out = c;
	return 0;
}

int zt_packet_encode_credentials(const struct zt_packet_credentials *in, uint8_t *buf, size_t size)
{
	struct packet_wr w = WR(buf, size);
	const struct {
		unsigned n;
		const struct zt_span *s;
	} lists[] = {
	    {in->ncap, in->cap}, {in->ntag, in->tag}, {in->nrev, in->rev}, {in->ncoo, in->coo}};

	if (in->ncom > ZT_PACKET_CRED_MAX)
		return -EINVAL;
	for (unsigned i = 0; i < in->ncom; i++)
		wr_span(&w, in->com[i]);
	wr_be(&w, 0, 1);
	for (size_t l = 0; l < sizeof(lists) / sizeof(lists[0]); l++) {
		if (lists[l].n > ZT_PACKET_CRED_MAX)
			return -EINVAL;
		wr_be(&w, lists[l].n, 2);
		for (unsigned i = 0; i < lists[l].n; i++)
			wr_span(&w, lists[l].s[i]);
	}
	return wr_done(&w);
}

/* --- config chunks and requests --- */

int zt_packet_decode_config(struct zt_packet_config *out, const uint8_t *p, size_t len)
{
	struct packet_rd r = RD(p, len);
	struct zt_packet_config c;

	memset(&c, 0, sizeof(c));
	c.nwid = rd_be(&r, 8);
	c.dict = rd_span(&r, rd_be(&r, 2));
	if (r.bad)
		return -EBADMSG;
	if (rd_left(&r)) {
		c.has_signature = true;
		c.flags = (uint8_t)rd_be(&r, 1);
		c.update_id = rd_be(&r, 8);
		c.total_len = (uint32_t)rd_be(&r, 4);
		c.offset = (uint32_t)rd_be(&r, 4);
		c.signed_part.p = p;
		c.signed_part.len = r.off;
		c.sig_type = (uint8_t)rd_be(&r, 1);
		if (rd_be(&r, 2) != 96 || c.sig_type != 1)
			return -EBADMSG;
		c.sig = rd_span(&r, 96);
		if (r.bad || (uint64_t)c.offset + c.dict.len > c.total_len)
			return -EBADMSG;
	} else {
		c.total_len = (uint32_t)c.dict.len;
	}
	*out = c;
	return 0;
}

int zt_packet_encode_config(const struct zt_packet_config *in, uint8_t *buf, size_t size)
{
	struct packet_wr w = WR(buf, size);

	if (in->dict.len > 0xffff || (in->has_signature && in->sig.len != 96))
		return -EINVAL;
	wr_be(&w, in->nwid, 8);
	wr_be(&w, in->dict.len, 2);
	wr_span(&w, in->dict);
	if (in->has_signature) {
		wr_be(&w, in->flags, 1);
		wr_be(&w, in->update_id, 8);
		wr_be(&w, in->total_len, 4);
		wr_be(&w, in->offset, 4);
		wr_be(&w, 1, 1);
		wr_be(&w, 96, 2);
		wr_span(&w, in->sig);
	}
	return wr_done(&w);
}

int zt_packet_decode_config_request(struct zt_packet_config_request *out, const uint8_t *p,
				    size_t len)
{
	struct packet_rd r = RD(p, len);
	struct zt_packet_config_request c;

	memset(&c, 0, sizeof(c));
	c.nwid = rd_be(&r, 8);
	c.metadata = rd_span(&r, rd_be(&r, 2));
	if (rd_left(&r) >= 16) {
		c.has_revision = true;
		c.revision = rd_be(&r, 8);
		c.timestamp = rd_be(&r, 8);
	}
	if (r.bad)
		return -EBADMSG;
	*out = c;
	return 0;
}

int zt_packet_encode_config_request(const struct zt_packet_config_request *in, uint8_t *buf,
				    size_t size)
{
	struct packet_wr w = WR(buf, size);

	if (in->metadata.len > 0xffff)
		return -EINVAL;
	wr_be(&w, in->nwid, 8);
	wr_be(&w, in->metadata.len, 2);
	wr_span(&w, in->metadata);
	if (in->has_revision) {
		wr_be(&w, in->revision, 8);
		wr_be(&w, in->timestamp, 8);
	}
	return wr_done(&w);
}

/* --- OK and ERROR --- */

int zt_packet_decode_ok(struct zt_packet_ok *out, const uint8_t *p, size_t len)
{
	struct packet_rd r = RD(p, len);
	struct zt_packet_ok ok;
	int ret = 0;

	memset(&ok, 0, sizeof(ok));
	ok.in_re_verb = (uint8_t)rd_be(&r, 1);
	ok.in_re_id = rd_be(&r, 8);
	if (r.bad)
		return -EBADMSG;
	ok.rest.p = p + r.off;
	ok.rest.len = rd_left(&r);
	switch (ok.in_re_verb) {
	case ZT_VERB_HELLO: {
		struct zt_packet_ok_hello *h = &ok.u.hello;

		h->timestamp = rd_be(&r, 8);
		h->proto = (uint8_t)rd_be(&r, 1);
		h->major = (uint8_t)rd_be(&r, 1);
		h->minor = (uint8_t)rd_be(&r, 1);
		h->revision = (uint16_t)rd_be(&r, 2);
		if (rd_left(&r))
			rd_inetaddr(&r, &h->surface);
		if (rd_left(&r) >= 2)
			h->worlds = rd_span(&r, rd_be(&r, 2));
		break;
	}
	case ZT_VERB_WHOIS:
		while (rd_left(&r)) {
			int n;

			if (ok.u.whois.count >= ZT_PACKET_WHOIS_MAX)
				break;
			n = zt_identity_deserialize(&ok.u.whois.ids[ok.u.whois.count], p + r.off,
						    rd_left(&r));
			if (n < 0 || ok.u.whois.ids[ok.u.whois.count].has_private)
				return -EBADMSG;
			r.off += (size_t)n;
			ok.u.whois.count++;
		}
		if (!ok.u.whois.count)
			return -EBADMSG;
		break;
	case ZT_VERB_NETWORK_CONFIG_REQUEST:
		ret = zt_packet_decode_config(&ok.u.config, ok.rest.p, ok.rest.len);
		break;
	case ZT_VERB_MULTICAST_GATHER: {
		struct zt_packet_ok_gather *g = &ok.u.gather;

		g->nwid = rd_be(&r, 8);
		rd_copy(&r, g->mac, 6);
		g->adi = (uint32_t)rd_be(&r, 4);
		g->total_known = (uint32_t)rd_be(&r, 4);
		g->count = (uint16_t)rd_be(&r, 2);
		g->addrs = rd_span(&r, (size_t)g->count * 5);
		break;
	}
	case ZT_VERB_MULTICAST_FRAME: {
		struct zt_packet_ok_mcframe *m = &ok.u.mcframe;

		m->nwid = rd_be(&r, 8);
		rd_copy(&r, m->mac, 6);
		m->adi = (uint32_t)rd_be(&r, 4);
		m->flags = (uint8_t)rd_be(&r, 1);
		if (!r.bad && (m->flags & ZT_PACKET_OK_MCFRAME_FLAG_COM)) {
			int l = zt_packet_com_len(p + r.off, rd_left(&r));

			if (l < 0)
				return -EBADMSG;
			m->com = rd_span(&r, (size_t)l);
		}
		if (m->flags & ZT_PACKET_OK_MCFRAME_FLAG_GATHER) {
			m->total_known = (uint32_t)rd_be(&r, 4);
			m->count = (uint16_t)rd_be(&r, 2);
			m->addrs = rd_span(&r, (size_t)m->count * 5);
		}
		break;
	}
	default:
		break;
	}
	if (r.bad || ret)
		return -EBADMSG;
	*out = ok;
	return 0;
}

int zt_packet_encode_ok(const struct zt_packet_ok *in, uint8_t *buf, size_t size)
{
	struct packet_wr w = WR(buf, size);
	int n;

	wr_be(&w, in->in_re_verb, 1);
	wr_be(&w, in->in_re_id, 8);
	if (w.bad)
		return -ENOSPC;
	switch (in->in_re_verb) {
	case ZT_VERB_HELLO: {
		const struct zt_packet_ok_hello *h = &in->u.hello;

		if (h->worlds.len > 0xffff)
			return -EINVAL;
		wr_be(&w, h->timestamp, 8);
		wr_be(&w, h->proto, 1);
		wr_be(&w, h->major, 1);
		wr_be(&w, h->minor, 1);
		wr_be(&w, h->revision, 2);
		wr_inetaddr(&w, &h->surface);
		wr_be(&w, h->worlds.len, 2);
		wr_span(&w, h->worlds);
		break;
	}
	case ZT_VERB_WHOIS:
		if (!in->u.whois.count || in->u.whois.count > ZT_PACKET_WHOIS_MAX)
			return -EINVAL;
		for (unsigned i = 0; i < in->u.whois.count && !w.bad; i++) {
			n = zt_identity_serialize(&in->u.whois.ids[i], false, buf + w.off,
						  size - w.off);
			if (n < 0)
				return n;
			w.off += (size_t)n;
		}
		break;
	case ZT_VERB_NETWORK_CONFIG_REQUEST:
		n = zt_packet_encode_config(&in->u.config, buf + w.off, size - w.off);
		if (n < 0)
			return n;
		w.off += (size_t)n;
		break;
	case ZT_VERB_MULTICAST_GATHER: {
		const struct zt_packet_ok_gather *g = &in->u.gather;

		if (g->addrs.len != (size_t)g->count * 5)
			return -EINVAL;
		wr_be(&w, g->nwid, 8);
		wr_bytes(&w, g->mac, 6);
		wr_be(&w, g->adi, 4);
		wr_be(&w, g->total_known, 4);
		wr_be(&w, g->count, 2);
		wr_span(&w, g->addrs);
		break;
	}
	case ZT_VERB_MULTICAST_FRAME: {
		const struct zt_packet_ok_mcframe *m = &in->u.mcframe;

		wr_be(&w, m->nwid, 8);
		wr_bytes(&w, m->mac, 6);
		wr_be(&w, m->adi, 4);
		wr_be(&w, m->flags, 1);
		if (m->flags & ZT_PACKET_OK_MCFRAME_FLAG_COM)
			wr_span(&w, m->com);
		if (m->flags & ZT_PACKET_OK_MCFRAME_FLAG_GATHER) {
			if (m->addrs.len != (size_t)m->count * 5)
				return -EINVAL;
			wr_be(&w, m->total_known, 4);
			wr_be(&w, m->count, 2);
			wr_span(&w, m->addrs);
		}
		break;
	}
	default:
		wr_span(&w, in->rest);
		break;
	}
	return wr_done(&w);
}

int zt_packet_decode_config_ack(struct zt_packet_config_ack *out, const uint8_t *p, size_t len)
{
	struct packet_rd r = RD(p, len);
	struct zt_packet_config_ack a;

	if (len != ZT_PACKET_CONFIG_ACK_LEN || rd_be(&r, 1) != ZT_VERB_ECHO)
		return -EBADMSG;
	a.in_re_id = rd_be(&r, 8);
	a.nwid = rd_be(&r, 8);
	a.update_id = rd_be(&r, 8);
	*out = a;
	return 0;
}

int zt_packet_encode_config_ack(const struct zt_packet_config_ack *in, uint8_t *buf, size_t size)
{
	struct packet_wr w = WR(buf, size);

	wr_be(&w, ZT_VERB_ECHO, 1);
	wr_be(&w, in->in_re_id, 8);
	wr_be(&w, in->nwid, 8);
	wr_be(&w, in->update_id, 8);
	return wr_done(&w);
}

int zt_packet_decode_error(struct zt_packet_error *out, const uint8_t *p, size_t len)
{
	struct packet_rd r = RD(p, len);
	struct zt_packet_error e;

	memset(&e, 0, sizeof(e));
	e.in_re_verb = (uint8_t)rd_be(&r, 1);
	e.in_re_id = rd_be(&r, 8);
	e.code = (uint8_t)rd_be(&r, 1);
	if (r.bad)
		return -EBADMSG;
	e.rest.p = p + r.off;
	e.rest.len = rd_left(&r);
	if (rd_left(&r) >= 8) {
		e.has_nwid = true;
		e.nwid = zt_be_get(p + r.off, 8);
	}
	*out = e;
	return 0;
}

int zt_packet_encode_error(const struct zt_packet_error *in, uint8_t *buf, size_t size)
{
	struct packet_wr w = WR(buf, size);

	wr_be(&w, in->in_re_verb, 1);
	wr_be(&w, in->in_re_id, 8);
	wr_be(&w, in->code, 1);
	if (in->rest.len)
		wr_span(&w, in->rest);
	else if (in->has_nwid)
		wr_be(&w, in->nwid, 8);
	return wr_done(&w);
}

/* --- WHOIS, RENDEZVOUS --- */

int zt_packet_decode_whois(struct zt_packet_whois *out, const uint8_t *p, size_t len)
{
	struct packet_rd r = RD(p, len);
	struct zt_packet_whois wh;

	memset(&wh, 0, sizeof(wh));
	/* Trailing bytes short of an address are ignored, as in _doWHOIS. */
	while (rd_left(&r) >= 5 && wh.count < ZT_PACKET_WHOIS_MAX)
		wh.addrs[wh.count++] = rd_be(&r, 5);
	if (!wh.count)
		return -EBADMSG;
	*out = wh;
	return 0;
}

int zt_packet_encode_whois(const struct zt_packet_whois *in, uint8_t *buf, size_t size)
{
	struct packet_wr w = WR(buf, size);

	if (!in->count || in->count > ZT_PACKET_WHOIS_MAX)
		return -EINVAL;
	for (unsigned i = 0; i < in->count; i++)
		wr_be(&w, in->addrs[i], 5);
	return wr_done(&w);
}

int zt_packet_decode_rendezvous(struct zt_packet_rendezvous *out, const uint8_t *p, size_t len)
{
	struct packet_rd r = RD(p, len);
	struct zt_packet_rendezvous rv;
	unsigned alen;
	uint16_t port;
	const uint8_t *ip;

	memset(&rv, 0, sizeof(rv));
	rv.flags = (uint8_t)rd_be(&r, 1);
	rv.peer = rd_be(&r, 5);
	port = (uint16_t)rd_be(&r, 2);
	alen = (unsigned)rd_be(&r, 1);
	if (alen != 4 && alen != 16)
		return -EBADMSG;
	ip = rd_take(&r, alen);
	if (r.bad)
		return -EBADMSG;
	zt_inetaddr_set(&rv.addr, alen == 4 ? 4 : 6, ip, port);
	*out = rv;
	return 0;
}

int zt_packet_encode_rendezvous(const struct zt_packet_rendezvous *in, uint8_t *buf, size_t size)
{
	struct packet_wr w = WR(buf, size);
	size_t alen = in->addr.family == 4 ? 4 : in->addr.family == 6 ? 16 : 0;

	if (!alen)
		return -EINVAL;
	wr_be(&w, in->flags, 1);
	wr_be(&w, in->peer, 5);
	wr_be(&w, in->addr.port, 2);
	wr_be(&w, alen, 1);
	wr_bytes(&w, in->addr.ip, alen);
	return wr_done(&w);
}

/* --- frames --- */

int zt_packet_decode_frame(struct zt_packet_frame *out, const uint8_t *p, size_t len)
{
	struct packet_rd r = RD(p, len);
	struct zt_packet_frame f;

	f.nwid = rd_be(&r, 8);
	f.ethertype = (uint16_t)rd_be(&r, 2);
	if (r.bad)
		return -EBADMSG;
	f.data = rd_span(&r, rd_left(&r));
	*out = f;
	return 0;
}

int zt_packet_encode_frame(const struct zt_packet_frame *in, uint8_t *buf, size_t size)
{
	struct packet_wr w = WR(buf, size);

	wr_be(&w, in->nwid, 8);
	wr_be(&w, in->ethertype, 2);
	wr_span(&w, in->data);
	return wr_done(&w);
}

static void rd_com(struct packet_rd *r, struct zt_span *com)
{
	int l;

	if (r->bad)
		return;
	l = zt_packet_com_len(r->p + r->off, r->len - r->off);
	if (l < 0)
		r->bad = true;
	else
		*com = rd_span(r, (size_t)l);
}

int zt_packet_decode_ext_frame(struct zt_packet_ext_frame *out, const uint8_t *p, size_t len)
{
	struct packet_rd r = RD(p, len);
	struct zt_packet_ext_frame f;

	memset(&f, 0, sizeof(f));
	f.nwid = rd_be(&r, 8);
	f.flags = (uint8_t)rd_be(&r, 1);
	if (f.flags & ZT_PACKET_EXT_FRAME_FLAG_COM)
		rd_com(&r, &f.com);
	rd_copy(&r, f.dest, 6);
	rd_copy(&r, f.src, 6);
	f.ethertype = (uint16_t)rd_be(&r, 2);
	if (r.bad)
		return -EBADMSG;
	f.data = rd_span(&r, rd_left(&r));
	*out = f;
	return 0;
}

int zt_packet_encode_ext_frame(const struct zt_packet_ext_frame *in, uint8_t *buf, size_t size)
{
	struct packet_wr w = WR(buf, size);

	wr_be(&w, in->nwid, 8);
	wr_be(&w, in->flags, 1);
	if (in->flags & ZT_PACKET_EXT_FRAME_FLAG_COM)
		wr_span(&w, in->com);
	wr_bytes(&w, in->dest, 6);
	wr_bytes(&w, in->src, 6);
	wr_be(&w, in->ethertype, 2);
	wr_span(&w, in->data);
	return wr_done(&w);
}

int zt_packet_decode_mcframe(struct zt_packet_mcframe *out, const uint8_t *p, size_t len)
{
	struct packet_rd r = RD(p, len);
	struct zt_packet_mcframe f;

	memset(&f, 0, sizeof(f));
	f.nwid = rd_be(&r, 8);
	f.flags = (uint8_t)rd_be(&r, 1);
	if (f.flags & ZT_PACKET_MCFRAME_FLAG_COM)
		rd_com(&r, &f.com);
	if (f.flags & ZT_PACKET_MCFRAME_FLAG_GATHER)
		f.gather_limit = (uint32_t)rd_be(&r, 4);
	if (f.flags & ZT_PACKET_MCFRAME_FLAG_SOURCE)
		rd_copy(&r, f.src, 6);
	rd_copy(&r, f.dest, 6);
	f.adi = (uint32_t)rd_be(&r, 4);
	f.ethertype = (uint16_t)rd_be(&r, 2);
	if (r.bad)
		return -EBADMSG;
	f.data = rd_span(&r, rd_left(&r));
	*out = f;
	return 0;
}

int zt_packet_encode_mcframe(const struct zt_packet_mcframe *in, uint8_t *buf, size_t size)
{
	struct packet_wr w = WR(buf, size);

	wr_be(&w, in->nwid, 8);
	wr_be(&w, in->flags, 1);
	if (in->flags & ZT_PACKET_MCFRAME_FLAG_COM)
		wr_span(&w, in->com);
	if (in->flags & ZT_PACKET_MCFRAME_FLAG_GATHER)
		wr_be(&w, in->gather_limit, 4);
	if (in->flags & ZT_PACKET_MCFRAME_FLAG_SOURCE)
		wr_bytes(&w, in->src, 6);
	wr_bytes(&w, in->dest, 6);
	wr_be(&w, in->adi, 4);
	wr_be(&w, in->ethertype, 2);
	wr_span(&w, in->data);
	return wr_done(&w);
}

int zt_packet_decode_eth(struct zt_packet_eth *out, unsigned verb, const uint8_t *p, size_t len)
{
	struct zt_packet_eth e;

	memset(&e, 0, sizeof(e));
	e.verb = (uint8_t)verb;
	if (verb == ZT_VERB_FRAME) {
		struct zt_packet_frame f;

		if (zt_packet_decode_frame(&f, p, len) < 0)
			return -EBADMSG;
		e.nwid = f.nwid;
		e.ethertype = f.ethertype;
		e.data = f.data;
	} else if (verb == ZT_VERB_EXT_FRAME) {
		struct zt_packet_ext_frame f;

		if (zt_packet_decode_ext_frame(&f, p, len) < 0)
			return -EBADMSG;
		e.nwid = f.nwid;
		if (f.flags & ZT_PACKET_EXT_FRAME_FLAG_COM)
			e.com = f.com;
		e.has_dest = e.has_src = true;
		memcpy(e.dest, f.dest, 6);
		memcpy(e.src, f.src, 6);
		e.ethertype = f.ethertype;
		e.data = f.data;
	} else if (verb == ZT_VERB_MULTICAST_FRAME) {
		struct zt_packet_mcframe f;

		if (zt_packet_decode_mcframe(&f, p, len) < 0)
			return -EBADMSG;
		e.nwid = f.nwid;
		if (f.flags & ZT_PACKET_MCFRAME_FLAG_COM)
			e.com = f.com;
		e.has_dest = true;
		memcpy(e.dest, f.dest, 6);
		e.has_src = f.flags & ZT_PACKET_MCFRAME_FLAG_SOURCE;
		memcpy(e.src, f.src, 6);
		e.ethertype = f.ethertype;
		e.data = f.data;
	} else {
		return -EBADMSG;
	}
	*out = e;
	return 0;
}

/* --- ECHO, USER_MESSAGE --- */

int zt_packet_decode_echo(struct zt_packet_echo *out, const uint8_t *p, size_t len)
{
	out->data.p = p;
	out->data.len = len;
	return 0;
}

int zt_packet_encode_echo(const struct zt_packet_echo *in, uint8_t *buf, size_t size)
{
	struct packet_wr w = WR(buf, size);

	wr_span(&w, in->data);
	return wr_done(&w);
}

int zt_packet_decode_user_message(struct zt_packet_user_message *out, const uint8_t *p, size_t len)
{
	struct packet_rd r = RD(p, len);
	struct zt_packet_user_message m;

	m.type = rd_be(&r, 8);
	if (r.bad)
		return -EBADMSG;
	m.data = rd_span(&r, rd_left(&r));
	*out = m;
	return 0;
}

int zt_packet_encode_user_message(const struct zt_packet_user_message *in, uint8_t *buf,
				  size_t size)
{
	struct packet_wr w = WR(buf, size);

	wr_be(&w, in->type, 8);
	wr_span(&w, in->data);
	return wr_done(&w);
}

/* --- multicast --- */

int zt_packet_decode_multicast_like(struct zt_packet_like *out, size_t max, const uint8_t *p,
				    size_t len)
{
	struct packet_rd r = RD(p, len);
	size_t n = len / 18;

	if (len % 18 || n > max || n > 0x7fffffff)
		return -EBADMSG;
	for (size_t i = 0; i < n; i++) {
		out[i].nwid = rd_be(&r, 8);
		rd_copy(&r, out[i].mac, 6);
		out[i].adi = (uint32_t)rd_be(&r, 4);
	}
	return (int)n;
}

int zt_packet_encode_multicast_like(const struct zt_packet_like *in, size_t n, uint8_t *buf,
				    size_t size)
{
	struct packet_wr w = WR(buf, size);

	for (size_t i = 0; i < n; i++) {
		wr_be(&w, in[i].nwid, 8);
		wr_bytes(&w, in[i].mac, 6);
		wr_be(&w, in[i].adi, 4);
	}
	return wr_done(&w);
}

int zt_packet_decode_gather(struct zt_packet_gather *out, const uint8_t *p, size_t len)
{
	struct packet_rd r = RD(p, len);
	struct zt_packet_gather g;

	memset(&g, 0, sizeof(g));
	g.nwid = rd_be(&r, 8);
	g.flags = (uint8_t)rd_be(&r, 1);
	rd_copy(&r, g.mac, 6);
	g.adi = (uint32_t)rd_be(&r, 4);
	g.limit = (uint32_t)rd_be(&r, 4);
	if (g.flags & ZT_PACKET_GATHER_FLAG_COM)
		rd_com(&r, &g.com);
	if (r.bad)
		return -EBADMSG;
	*out = g;
	return 0;
}

int zt_packet_encode_gather(const struct zt_packet_gather *in, uint8_t *buf, size_t size)
{
	struct packet_wr w = WR(buf, size);

	wr_be(&w, in->nwid, 8);
	wr_be(&w, in->flags, 1);
	wr_bytes(&w, in->mac, 6);
	wr_be(&w, in->adi, 4);
	wr_be(&w, in->limit, 4);
	if (in->flags & ZT_PACKET_GATHER_FLAG_COM)
		wr_span(&w, in->com);
	return wr_done(&w);
}

/* --- PUSH_DIRECT_PATHS --- */

int zt_packet_decode_push_paths(struct zt_packet_path *out, size_t max, const uint8_t *p,
				size_t len)
{
	struct packet_rd r = RD(p, len);
	unsigned count = (unsigned)rd_be(&r, 2);

	if (r.bad || count > max)
		return -EBADMSG;
	/* Validate everything before writing anything, so out stays untouched on failure. */
	for (int pass = 0; pass < 2; pass++) {
		r.off = 2;
		for (unsigned i = 0; i < count; i++) {
			uint8_t flags = (uint8_t)rd_be(&r, 1);
			unsigned type, alen;
			const uint8_t *a;

			rd_take(&r, rd_be(&r, 2)); /* extensions */
			type = (unsigned)rd_be(&r, 1);
			alen = (unsigned)rd_be(&r, 1);
			a = rd_take(&r, alen);
			if (r.bad)
				return -EBADMSG;
			if (!pass)
				continue;
			out[i].flags = flags;
			memset(&out[i].addr, 0, sizeof(out[i].addr));
			if (type == 4 && alen == 6)
				zt_inetaddr_set(&out[i].addr, 4, a, (uint16_t)((a[4] << 8) | a[5]));
			else if (type == 6 && alen == 18)
				zt_inetaddr_set(&out[i].addr, 6, a,
						(uint16_t)((a[16] << 8) | a[17]));
		}
	}
	return (int)count;
}

int zt_packet_encode_push_paths(const struct zt_packet_path *in, size_t n, uint8_t *buf,
				size_t size)
{
	struct packet_wr w = WR(buf, size);

	if (n > 0xffff)
		return -EINVAL;
	wr_be(&w, n, 2);
	for (size_t i = 0; i < n; i++) {
		size_t alen = in[i].addr.family == 4 ? 4 : in[i].addr.family == 6 ? 16 : 0;

		if (!alen)
			return -EINVAL;
		wr_be(&w, in[i].flags, 1);
		wr_be(&w, 0, 2);
		wr_be(&w, in[i].addr.family, 1);
		wr_be(&w, alen + 2, 1);
		wr_bytes(&w, in[i].addr.ip, alen);
		wr_be(&w, in[i].addr.port, 2);
	}
	return wr_done(&w);
}

const char *zt_packet_verb_name(unsigned verb)
{
	static const char *const names[] = {
	    [ZT_VERB_NOP] = "NOP",
	    [ZT_VERB_HELLO] = "HELLO",
	    [ZT_VERB_ERROR] = "ERROR",
	    [ZT_VERB_OK] = "OK",
	    [ZT_VERB_WHOIS] = "WHOIS",
	    [ZT_VERB_RENDEZVOUS] = "RENDEZVOUS",
	    [ZT_VERB_FRAME] = "FRAME",
	    [ZT_VERB_EXT_FRAME] = "EXT_FRAME",
	    [ZT_VERB_ECHO] = "ECHO",
	    [ZT_VERB_MULTICAST_LIKE] = "MULTICAST_LIKE",
	    [ZT_VERB_NETWORK_CREDENTIALS] = "NETWORK_CREDENTIALS",
	    [ZT_VERB_NETWORK_CONFIG_REQUEST] = "NETWORK_CONFIG_REQUEST",
	    [ZT_VERB_NETWORK_CONFIG] = "NETWORK_CONFIG",
	    [ZT_VERB_MULTICAST_GATHER] = "MULTICAST_GATHER",
	    [ZT_VERB_MULTICAST_FRAME] = "MULTICAST_FRAME",
	    [ZT_VERB_PUSH_DIRECT_PATHS] = "PUSH_DIRECT_PATHS",
	    [ZT_VERB_ACK] = "ACK",
	    [ZT_VERB_QOS_MEASUREMENT] = "QOS_MEASUREMENT",
	    [ZT_VERB_USER_MESSAGE] = "USER_MESSAGE",
	    [ZT_VERB_REMOTE_TRACE] = "REMOTE_TRACE",
	    [ZT_VERB_PATH_NEGOTIATION_REQUEST] = "PATH_NEGOTIATION_REQUEST",
	};

	return verb < sizeof(names) / sizeof(names[0]) ? names[verb] : NULL;
}
