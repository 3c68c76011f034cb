// SPDX-License-Identifier: BSD-2-Clause
/* Unit tests for src/zt/packet: every packet of the 1.4.6 capture decodes to the lab's values and
 * re-encodes to the same bytes; synthetic round trips for the verbs the capture lacks. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "zt_testutil.h"
#include "zt_pcap.h"
#include "zt/armor.h"
#include "zt/bytes.h"
#include "zt/fragment.h"
#include "zt/identity.h"
#include "zt/packet.h"

#define NWID 0x5f4e89e209000001ULL
#define WORLD_ID 2054450274ULL
#define ROOT 0x5f4e89e209ULL
#define M1 0x8f953d94cfULL
#define M2 0xe7173b777dULL
#define M3 0x282e082f37ULL

/* The lab table of zt-vectors/README.md. */
static const struct {
	const char *name;
	uint64_t address;
	uint8_t phys[4];
	uint8_t virt[4];
} lab[] = {
    {"root", ROOT, {10, 213, 0, 1}, {0, 0, 0, 0}},
    {"m1", M1, {10, 213, 0, 11}, {10, 147, 20, 11}},
    {"m2", M2, {10, 213, 0, 12}, {10, 147, 20, 12}},
    {"m3-legacy", M3, {10, 213, 0, 13}, {10, 147, 20, 13}},
};

static struct zt_identity ids[4], me;

static int lab_index(uint64_t address)
{
	for (int i = 0; i < 4; i++)
		if (lab[i].address == address)
			return i;
	return -1;
}

static bool is_phys(const struct zt_inetaddr *a, uint64_t address)
{
	int i = lab_index(address);

	return i >= 0 && a->family == 4 && memcmp(a->ip, lab[i].phys, 4) == 0 && a->port == 9993;
}

static bool has(const struct zt_span *s, const char *needle)
{
	size_t n = strlen(needle);

	for (size_t i = 0; i + n <= s->len; i++)
		if (memcmp(s->p + i, needle, n) == 0)
			return true;
	return false;
}

/* Counters of what the capture showed. */
static struct {
	unsigned pkts, decoded, reencoded, lz4, hello, hello_m3, hello_new, hello_keys, hello_dest;
	unsigned ok_hello, ok_hello_surface, whois, ok_whois, rendezvous, ncr, config_ok, like_arp;
	unsigned gather, gather_com, ok_gather, creds, mcframe_arp, frame_arp_reply, frame_icmp;
	unsigned frame_tcp, push, push_phys, ok_echo_ack, ok_mcframe, truncations_ok, fail;
	unsigned config_ack, gather_answer, eth;
} c;

static uint64_t config_update_id;

/* An OK(MULTICAST_GATHER) built as the daemon answers a GATHER (every member it names is all it
 * knows) from the captured answer's fields: the captured bytes. */
static int gather_answer(const struct zt_packet_ok *o, const uint8_t *pl, size_t pn)
{
	const struct zt_packet_ok_gather *g = &o->u.gather;
	uint8_t addrs[5 * 64], b[64 + sizeof(addrs)];
	struct zt_packet_ok a;
	int n;

	if (g->count > 64 || g->total_known != g->count)
		return 0;
	for (unsigned i = 0; i < g->count; i++)
		zt_be_put(addrs + 5 * i, zt_be_get(g->addrs.p + 5 * i, 5), 5);
	memset(&a, 0, sizeof(a));
	a.in_re_verb = ZT_VERB_MULTICAST_GATHER;
	a.in_re_id = o->in_re_id;
	a.u.gather.nwid = g->nwid;
	memcpy(a.u.gather.mac, g->mac, 6);
	a.u.gather.adi = g->adi;
	a.u.gather.total_known = g->count;
	a.u.gather.count = g->count;
	a.u.gather.addrs.p = addrs;
	a.u.gather.addrs.len = 5 * (size_t)g->count;
	n = zt_packet_encode_ok(&a, b, sizeof(b));
	return n == (int)pn && memcmp(b, pl, pn) == 0;
}

/* zt_packet_decode_eth sees the frame the verb's own decoder sees. */
static int eth_matches(unsigned verb, const uint8_t *pl, size_t pn, uint64_t nwid,
		       const uint8_t *dest, const uint8_t *src, uint16_t ethertype,
		       struct zt_span data)
{
	struct zt_packet_eth e;

	return zt_packet_decode_eth(&e, verb, pl, pn) == 0 && e.verb == verb && e.nwid == nwid &&
	       e.has_dest == !!dest && (!dest || !memcmp(e.dest, dest, 6)) && e.has_src == !!src &&
	       (!src || !memcmp(e.src, src, 6)) && e.ethertype == ethertype && e.data.p == data.p &&
	       e.data.len == data.len;
}

static int decode_and_check(const uint8_t *q, size_t n, const uint8_t *key)
{
	const uint8_t *pl = q + ZT_PACKET_IDX_PAYLOAD;
	size_t pn = n - ZT_PACKET_IDX_PAYLOAD;
	uint64_t src = zt_packet_source(q), dst = zt_packet_dest(q);
	static uint8_t enc[ZT_PACKET_MAX_LEN];
	int r = -1, e = -1;

	switch (zt_packet_verb(q)) {
	case ZT_VERB_HELLO: {
		struct zt_packet_hello h;
		int si = lab_index(src);

		r = zt_packet_decode_hello(&h, pl, pn, key, q);
		if (r)
			break;
		c.hello++;
		if (src == M3 && h.proto == 10 && h.major == 1 && h.minor == 4 && h.revision == 6)
			c.hello_m3++;
		if (src != M3 && h.proto == 12 && h.major == 1 && h.minor == 14 && h.revision == 1)
			c.hello_new++;
		if (si >= 0 && h.identity.address == src &&
		    memcmp(h.identity.pub, ids[si].pub, 64) == 0 && h.has_world &&
		    h.world_id == WORLD_ID && h.has_moons && h.moon_count == 0)
			c.hello_keys++;
		c.hello_dest += is_phys(&h.dest, dst);
		e = zt_packet_encode_hello(&h, key, q, enc, sizeof(enc));
		break;
	}
	case ZT_VERB_OK: {
		struct zt_packet_ok o;

		r = zt_packet_decode_ok(&o, pl, pn);
		if (r)
			break;
		switch (o.in_re_verb) {
		case ZT_VERB_HELLO:
			c.ok_hello++;
			c.ok_hello_surface += is_phys(&o.u.hello.surface, dst) &&
					      o.u.hello.proto == (src == M3 ? 10 : 12);
			break;
		case ZT_VERB_WHOIS: {
			int wi = lab_index(o.u.whois.ids[0].address);

			if (o.u.whois.count == 1 && wi >= 0 &&
			    memcmp(o.u.whois.ids[0].pub, ids[wi].pub, 64) == 0 &&
			    zt_identity_validate(&o.u.whois.ids[0]) == 0)
				c.ok_whois++;
			break;
		}
		case ZT_VERB_NETWORK_CONFIG_REQUEST: {
			struct zt_packet_config *k = &o.u.config;

			if (k->nwid == NWID && k->dict.len == 1120 && k->total_len == 1120 &&
			    k->offset == 0 && has(&k->dict, "id=282e082f37") &&
			    zt_identity_verify(&ids[0], k->signed_part.p, k->signed_part.len,
					       k->sig.p, k->sig.len))
				c.config_ok++;
			break;
		}
		case ZT_VERB_MULTICAST_GATHER: {
			struct zt_packet_ok_gather *g = &o.u.gather;
			uint64_t a = g->count == 1
					 ? (uint64_t)g->addrs.p[0] << 32 |
					       (uint64_t)g->addrs.p[1] << 24 |
					       (uint64_t)g->addrs.p[2] << 16 |
					       (uint64_t)g->addrs.p[3] << 8 | g->addrs.p[4]
					 : 0;
			int ai = lab_index(a);
			uint32_t vip = ai > 0 ? (uint32_t)lab[ai].virt[0] << 24 |
						    (uint32_t)lab[ai].virt[1] << 16 |
						    (uint32_t)lab[ai].virt[2] << 8 | lab[ai].virt[3]
					      : 1;

			/* The root answers with the member that owns the IP in the ADI. */
			if (g->nwid == NWID && g->adi == vip && g->mac[0] == 0xff)
				c.ok_gather++;
			break;
		}
		case ZT_VERB_MULTICAST_FRAME:
			c.ok_mcframe += o.u.mcframe.nwid == NWID &&
					(o.u.mcframe.flags & ZT_PACKET_OK_MCFRAME_FLAG_GATHER) &&
					o.u.mcframe.count == 1;
			break;
		case ZT_VERB_ECHO:
			/* The answer to a NETWORK_CONFIG push: nwid and config update ID. */
			if (o.rest.len == 16 && o.rest.p[0] == 0x5f && o.rest.p[7] == 0x01 &&
			    config_update_id &&
			    ((uint64_t)o.rest.p[8] << 56 | (uint64_t)o.rest.p[15]) ==
				(config_update_id & 0xff000000000000ffULL))
				c.ok_echo_ack++;
			{
				/* The daemon's encoder for this answer gives the captured bytes. */
				struct zt_packet_config_ack a;
				uint8_t b[ZT_PACKET_CONFIG_ACK_LEN];

				if (zt_packet_decode_config_ack(&a, pl, pn) == 0 &&
				    a.nwid == NWID && a.in_re_id &&
				    a.update_id == config_update_id &&
				    zt_packet_encode_config_ack(&a, b, sizeof(b)) == (int)pn &&
				    memcmp(b, pl, pn) == 0)
					c.config_ack++;
			}
			break;
		}
		if (o.in_re_verb == ZT_VERB_MULTICAST_GATHER)
			c.gather_answer += gather_answer(&o, pl, pn);
		e = zt_packet_encode_ok(&o, enc, sizeof(enc));
		break;
	}
	case ZT_VERB_WHOIS: {
		struct zt_packet_whois w;

		r = zt_packet_decode_whois(&w, pl, pn);
		if (!r && w.count == 1 && (w.addrs[0] == M1 || w.addrs[0] == M2))
			c.whois++;
		if (!r)
			e = zt_packet_encode_whois(&w, enc, sizeof(enc));
		break;
	}
	case ZT_VERB_RENDEZVOUS: {
		struct zt_packet_rendezvous v;

		r = zt_packet_decode_rendezvous(&v, pl, pn);
		if (!r && src == ROOT && v.flags == 0 && is_phys(&v.addr, v.peer))
			c.rendezvous++;
		if (!r)
			e = zt_packet_encode_rendezvous(&v, enc, sizeof(enc));
		break;
	}
	case ZT_VERB_FRAME: {
		struct zt_packet_frame f;

		r = zt_packet_decode_frame(&f, pl, pn);
		if (r || f.nwid != NWID)
			break;
		if (f.ethertype == 0x0806 && f.data.len == 28 && f.data.p[7] == 2 &&
		    memcmp(f.data.p + 14, lab[lab_index(src)].virt, 4) == 0 &&
		    memcmp(f.data.p + 24, lab[lab_index(dst)].virt, 4) == 0)
			c.frame_arp_reply++;
		if (f.ethertype == 0x0800 && f.data.len >= 20 &&
		    memcmp(f.data.p + 12, lab[lab_index(src)].virt, 4) == 0 &&
		    memcmp(f.data.p + 16, lab[lab_index(dst)].virt, 4) == 0) {
			c.frame_icmp += f.data.p[9] == 1;
			c.frame_tcp += f.data.p[9] == 6;
		}
		c.eth +=
		    eth_matches(ZT_VERB_FRAME, pl, pn, f.nwid, NULL, NULL, f.ethertype, f.data);
		e = zt_packet_encode_frame(&f, enc, sizeof(enc));
		break;
	}
	case ZT_VERB_MULTICAST_LIKE: {
		struct zt_packet_like l[64];
		int k = zt_packet_decode_multicast_like(l, 64, pl, pn);

		r = k < 0 ? k : 0;
		for (int i = 0; i < k; i++)
			if (l[i].nwid == NWID && l[i].mac[0] == 0xff && l[i].mac[5] == 0xff &&
			    src == M3 && l[i].adi == 0x0a93140d)
				c.like_arp++;
		if (k >= 0)
			e = zt_packet_encode_multicast_like(l, (size_t)k, enc, sizeof(enc));
		break;
	}
	case ZT_VERB_NETWORK_CREDENTIALS: {
		struct zt_packet_credentials k;

		r = zt_packet_decode_credentials(&k, pl, pn);
		if (!r && k.ncom == 1 && k.com[0].len == 272 && k.com[0].p[0] == 1 && k.ncoo == 1 &&
		    k.ncap == 0 && k.ntag == 0 && k.nrev == 0)
			c.creds++;
		if (!r)
			e = zt_packet_encode_credentials(&k, enc, sizeof(enc));
		break;
	}
	case ZT_VERB_NETWORK_CONFIG_REQUEST: {
		struct zt_packet_config_request k;

		r = zt_packet_decode_config_request(&k, pl, pn);
		if (!r && k.nwid == NWID && k.metadata.len == 248 &&
		    memcmp(k.metadata.p, "v=0000000000000007\n", 19) == 0 && k.has_revision &&
		    k.revision == 0 && k.timestamp == 0)
			c.ncr++;
		if (!r)
			e = zt_packet_encode_config_request(&k, enc, sizeof(enc));
		break;
	}
	case ZT_VERB_NETWORK_CONFIG: {
		struct zt_packet_config k;

		r = zt_packet_decode_config(&k, pl, pn);
		if (!r && k.nwid == NWID && k.dict.len == 1120 && k.has_signature &&
		    zt_identity_verify(&ids[0], k.signed_part.p, k.signed_part.len, k.sig.p,
				       k.sig.len)) {
			c.config_ok++;
			config_update_id = k.update_id;
		}
		if (!r)
			e = zt_packet_encode_config(&k, enc, sizeof(enc));
		break;
	}
	case ZT_VERB_MULTICAST_GATHER: {
		struct zt_packet_gather g;

		r = zt_packet_decode_gather(&g, pl, pn);
		if (!r && g.nwid == NWID && g.limit == 33) {
			c.gather++;
			c.gather_com += g.com.len == 272 && g.com.p[0] == 1;
		}
		if (!r)
			e = zt_packet_encode_gather(&g, enc, sizeof(enc));
		break;
	}
	case ZT_VERB_MULTICAST_FRAME: {
		struct zt_packet_mcframe m;

		r = zt_packet_decode_mcframe(&m, pl, pn);
		/* ARP request for the IP in the ADI, broadcast MAC, limit 33 (ml 32 + 1). */
		if (!r && m.nwid == NWID && m.flags == 0x02 && m.gather_limit == 33 &&
		    m.dest[0] == 0xff && m.ethertype == 0x0806 && m.data.len == 28 &&
		    m.data.p[7] == 1 && memcmp(m.data.p + 14, lab[3].virt, 4) == 0 &&
		    ((uint32_t)m.data.p[24] << 24 | (uint32_t)m.data.p[25] << 16 |
		     (uint32_t)m.data.p[26] << 8 | m.data.p[27]) == m.adi)
			c.mcframe_arp++;
		if (!r)
			c.eth +=
			    eth_matches(ZT_VERB_MULTICAST_FRAME, pl, pn, m.nwid, m.dest,
					(m.flags & ZT_PACKET_MCFRAME_FLAG_SOURCE) ? m.src : NULL,
					m.ethertype, m.data);
		if (!r)
			e = zt_packet_encode_mcframe(&m, enc, sizeof(enc));
		break;
	}
	case ZT_VERB_PUSH_DIRECT_PATHS: {
		struct zt_packet_path p[8];
		int k = zt_packet_decode_push_paths(p, 8, pl, pn);

		r = k < 0 ? k : 0;
		if (k > 0) {
			c.push++;
			for (int i = 0; i < k; i++)
				c.push_phys += is_phys(&p[i].addr, src);
			e = zt_packet_encode_push_paths(p, (size_t)k, enc, sizeof(enc));
		}
		break;
	}
	default:
		break;
	}
	if (r == 0)
		c.decoded++;
	if (e == (int)pn && memcmp(enc, pl, pn) == 0)
		c.reencoded++;
	else
		diag("verb %s did not re-encode (%d of %zu)",
		     zt_packet_verb_name(zt_packet_verb(q)), e, pn);
	return r;
}

/* Every truncation of a payload: the decoder returns 0 or -EBADMSG with its output untouched. */
static int truncations(const uint8_t *q, size_t n, const uint8_t *key)
{
	const uint8_t *pl = q + ZT_PACKET_IDX_PAYLOAD;
	size_t pn = n - ZT_PACKET_IDX_PAYLOAD;
	union {
		struct zt_packet_hello h;
		struct zt_packet_ok o;
		struct zt_packet_whois w;
		struct zt_packet_rendezvous v;
		struct zt_packet_frame f;
		struct zt_packet_credentials k;
		struct zt_packet_config_request cr;
		struct zt_packet_config cf;
		struct zt_packet_gather g;
		struct zt_packet_mcframe m;
		struct zt_packet_like l[64];
		struct zt_packet_path p[8];
	} u, sentinel;

	memset(&sentinel, 0xa5, sizeof(sentinel));
	for (size_t t = 0; t < pn; t++) {
		int r = 0;

		u = sentinel;
		switch (zt_packet_verb(q)) {
		case ZT_VERB_HELLO:
			r = zt_packet_decode_hello(&u.h, pl, t, key, q);
			break;
		case ZT_VERB_OK:
			r = zt_packet_decode_ok(&u.o, pl, t);
			break;
		case ZT_VERB_WHOIS:
			r = zt_packet_decode_whois(&u.w, pl, t);
			break;
		case ZT_VERB_RENDEZVOUS:
			r = zt_packet_decode_rendezvous(&u.v, pl, t);
			break;
		case ZT_VERB_FRAME:
			r = zt_packet_decode_frame(&u.f, pl, t);
			break;
		case ZT_VERB_NETWORK_CREDENTIALS:
			r = zt_packet_decode_credentials(&u.k, pl, t);
			break;
		case ZT_VERB_NETWORK_CONFIG_REQUEST:
			r = zt_packet_decode_config_request(&u.cr, pl, t);
			break;
		case ZT_VERB_NETWORK_CONFIG:
			r = zt_packet_decode_config(&u.cf, pl, t);
			break;
		case ZT_VERB_MULTICAST_GATHER:
			r = zt_packet_decode_gather(&u.g, pl, t);
			break;
		case ZT_VERB_MULTICAST_FRAME:
			r = zt_packet_decode_mcframe(&u.m, pl, t);
			break;
		case ZT_VERB_MULTICAST_LIKE:
			r = zt_packet_decode_multicast_like(u.l, 64, pl, t);
			r = r < 0 ? r : 0;
			break;
		case ZT_VERB_PUSH_DIRECT_PATHS:
			r = zt_packet_decode_push_paths(u.p, 8, pl, t);
			r = r < 0 ? r : 0;
			break;
		}
		if (r != 0 && (r != -EBADMSG || memcmp(&u, &sentinel, sizeof(u)) != 0))
			return -1;
	}
	return 0;
}

static void capture(void)
{
	static struct zt_fragment_table ft;
	static uint8_t p[ZT_PACKET_MAX_LEN], q[ZT_PACKET_MAX_LEN];
	struct zt_pcap pc;
	struct zt_pcap_dgram d;

	zt_fragment_table_init(&ft, 0);
	if (!ok(zt_pcap_open(&pc, "tests/data/zt/join-legacy-1.4.6-hub-m3.pcap") == 0,
		"capture opens"))
		return;
	while (zt_pcap_next(&pc, &d) == 1) {
		uint8_t key[48] = {0};
		size_t len = d.len;
		uint64_t other;
		int n, oi;

		if (d.len < ZT_FRAGMENT_HEADER_LEN)
			continue; /* NAT-opening junk */
		/* Fragments first: reassemble before authenticating. */
		if (zt_fragment_is_fragment(d.data, d.len) || zt_packet_fragmented(d.data)) {
			n = zt_fragment_receive(&ft, d.data, d.len, 0, p, sizeof(p));
			if (n <= 0)
				continue;
			len = (size_t)n;
		} else {
			memcpy(p, d.data, d.len);
		}
		c.pkts++;
		other = zt_packet_source(p) == M3 ? zt_packet_dest(p) : zt_packet_source(p);
		oi = lab_index(other);
		if (oi < 0 || zt_identity_agree(&me, &ids[oi], key) || zt_armor_open(p, len, key)) {
			c.fail++;
			continue;
		}
		c.lz4 += zt_packet_compressed(p);
		n = zt_packet_decompress(p, len, q, sizeof(q));
		if (n < 0) {
			c.fail++;
			continue;
		}
		decode_and_check(q, (size_t)n, key);
		c.truncations_ok += truncations(q, (size_t)n, key) == 0;
	}
	zt_pcap_close(&pc);

	is_int(c.pkts, 105, "105 packets");
	is_int(c.fail, 0, "none fails to open or decompress");
	is_int(c.lz4, 11, "11 LZ4 payloads decompress");
	is_int(c.decoded, 105, "every payload decodes");
	is_int(c.reencoded, 105, "every payload re-encodes to the captured bytes");
	is_int(c.truncations_ok, 105, "every truncation: 0 or -EBADMSG with output untouched");
	is_int(c.hello, 17, "17 HELLO");
	is_int(c.hello_m3, 11, "m3's HELLOs: protocol 10, 1.4.6");
	is_int(c.hello_new, 6, "the others' HELLOs: protocol 12, 1.14.1");
	is_int(c.hello_keys, 17, "HELLO identities are the senders' keys; planet 2054450274");
	is_int(c.hello_dest, 17, "HELLO destination is the receiver's physical address/9993");
	is_int(c.ok_hello, 17, "17 OK(HELLO)");
	is_int(c.ok_hello_surface, 17, "OK(HELLO) reports the receiver's physical address");
	is_int(c.whois, 2, "WHOIS for m1 and m2");
	is_int(c.ok_whois, 2, "OK(WHOIS) identities match the lab keys and validate");
	is_int(c.rendezvous, 2, "RENDEZVOUS from the root with each member's endpoint");
	is_int(c.ncr, 1, "NETWORK_CONFIG_REQUEST: nwid, 248 bytes of metadata, v=7");
	is_int(c.config_ok, 2, "OK(NCR) and NETWORK_CONFIG: 1120-byte chunk, root's signature");
	is_int(c.ok_echo_ack, 1, "OK(ECHO) acknowledges the pushed config's update ID");
	is_int(c.config_ack, 1, "zt_packet_encode_config_ack gives that OK(ECHO)'s bytes");
	is_int(c.gather_answer, 4, "OK(MULTICAST_GATHER) as the daemon builds it: the bytes");
	is_int(c.eth, 23,
	       "zt_packet_decode_eth agrees with FRAME's and MULTICAST_FRAME's decoders");
	is_int(c.like_arp, 3,
	       "m3 LIKEs (broadcast, 10.147.20.13) 3 times (1 plain, 2 in LZ4 lists)");
	is_int(c.gather, 16, "16 MULTICAST_GATHER, limit 33");
	is_int(c.gather_com, 16, "each with an inline 272-byte COM");
	is_int(c.ok_gather, 4, "OK(MULTICAST_GATHER) names the owner of the IP in the ADI");
	is_int(c.creds, 4, "NETWORK_CREDENTIALS: one COM and one COO");
	is_int(c.mcframe_arp, 2, "MULTICAST_FRAME: ARP requests from 10.147.20.13");
	is_int(c.ok_mcframe, 2, "OK(MULTICAST_FRAME) with gather results");
	is_int(c.frame_arp_reply, 2, "FRAME: ARP replies between the members' virtual IPs");
	is_int(c.frame_icmp, 10, "FRAME: 10 ICMP packets between virtual IPs");
	is_int(c.frame_tcp, 9, "FRAME: 9 TCP segments between virtual IPs");
	is_int(c.push, 4, "4 PUSH_DIRECT_PATHS");
	is_int(c.push_phys, 6, "their endpoints are the senders' physical addresses");
}

static void synthetic(void)
{
	static uint8_t buf[ZT_PACKET_MAX_LEN];
	uint8_t com[272] = {1, 0, 7}, key[32] = {7};
	uint8_t eth[60], pid[8] = {1, 2, 3, 4, 5, 6, 7, 0xff};
	int n;

	memset(com + 3, 0x11, 7 * 24);
	memset(com + 3 + 7 * 24, 0x5f, 5);
	memset(com + 3 + 7 * 24 + 5, 0x22, 96);
	for (size_t i = 0; i < sizeof(eth); i++)
		eth[i] = (uint8_t)i;
	is_int(zt_packet_com_len(com, sizeof(com)), 272, "7-qualifier COM is 272 bytes");
	is_int(zt_packet_com_len(com, 271), -EBADMSG, "truncated COM rejected");

	{ /* HELLO with moons */
		struct zt_packet_hello h = {0}, h2;

		h.proto = ZT_ARMOR_PROTO_VERSION;
		h.major = 1;
		h.minor = 4;
		h.revision = 6;
		h.timestamp = 0x0102030405060708ULL;
		h.identity = ids[3];
		h.identity.has_private = false;
		memset(h.identity.priv, 0, 64);
		zt_inetaddr_set(&h.dest, 6, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01", 9993);
		h.has_world = true;
		h.world_id = WORLD_ID;
		h.world_ts = 42;
		h.moon_count = 2;
		h.moons[0] = (struct zt_packet_moon){127, 0xdeadbeefULL, 5};
		h.moons[1] = (struct zt_packet_moon){127, 0xfeedULL, 6};
		n = zt_packet_encode_hello(&h, key, pid, buf, sizeof(buf));
		is_int(n, 13 + 71 + 19 + 16 + 2 + 34, "HELLO with IPv6 and two moons");
		ok(buf[n - 1] != 6, "moon list is encrypted (cryptField)");
		ok(zt_packet_decode_hello(&h2, buf, (size_t)n, key, pid) == 0 &&
		       h2.moon_count == 2 && h2.moons[1].id == 0xfeed && h2.moons[0].ts == 5 &&
		       h2.proto == 11 && h2.timestamp == h.timestamp &&
		       zt_inetaddr_equal(&h2.dest, &h.dest) &&
		       memcmp(h2.identity.pub, h.identity.pub, 64) == 0,
		   "HELLO round trip");
		n = zt_packet_encode_hello(&h, NULL, pid, buf, sizeof(buf));
		ok(zt_packet_decode_hello(&h2, buf, (size_t)n, NULL, pid) == 0 && !h2.has_moons &&
		       h2.has_world,
		   "HELLO without moons ends after the planet");
		buf[5 + 8 + 5] = 1; /* identity type 1 */
		is_int(zt_packet_decode_hello(&h2, buf, (size_t)n, NULL, pid), -EBADMSG,
		       "identity type 1 rejected");
	}
	{ /* ERROR */
		struct zt_packet_error e = {ZT_VERB_NETWORK_CONFIG_REQUEST,
					    0x1122,
					    0,
					    false,
					    0,
					    {NULL, 0}},
				       e2;

		e.code = ZT_ERROR_NEED_MEMBERSHIP_CERTIFICATE;
		e.has_nwid = true;
		e.nwid = NWID;
		n = zt_packet_encode_error(&e, buf, sizeof(buf));
		ok(n == 18 && zt_packet_decode_error(&e2, buf, (size_t)n) == 0 &&
		       e2.in_re_verb == 0x0b && e2.in_re_id == 0x1122 && e2.code == 6 &&
		       e2.has_nwid && e2.nwid == NWID,
		   "ERROR(NEED_MEMBERSHIP_CERTIFICATE, nwid) round trip");
		is_int(zt_packet_decode_error(&e2, buf, 9), -EBADMSG,
		       "ERROR without code rejected");
	}
	{ /* EXT_FRAME with COM */
		struct zt_packet_ext_frame f = {0}, f2;

		f.nwid = NWID;
		f.flags = ZT_PACKET_EXT_FRAME_FLAG_COM;
		f.com = (struct zt_span){com, sizeof(com)};
		memcpy(f.dest, "\x32\x11\x22\x33\x44\x55", 6);
		memcpy(f.src, "\x32\x66\x77\x88\x99\xaa", 6);
		f.ethertype = 0x86dd;
		f.data = (struct zt_span){eth, sizeof(eth)};
		n = zt_packet_encode_ext_frame(&f, buf, sizeof(buf));
		ok(n == 9 + 272 + 14 + 60 && zt_packet_decode_ext_frame(&f2, buf, (size_t)n) == 0 &&
		       f2.com.len == 272 && f2.ethertype == 0x86dd && f2.data.len == 60 &&
		       memcmp(f2.src, f.src, 6) == 0 && memcmp(f2.data.p, eth, 60) == 0,
		   "EXT_FRAME with inline COM round trip");
		{
			struct zt_packet_eth e;

			ok(zt_packet_decode_eth(&e, ZT_VERB_EXT_FRAME, buf, (size_t)n) == 0 &&
			       e.nwid == NWID && e.com.len == 272 && e.has_dest && e.has_src &&
			       !memcmp(e.dest, f.dest, 6) && !memcmp(e.src, f.src, 6) &&
			       e.ethertype == 0x86dd && e.data.len == 60,
			   "EXT_FRAME through zt_packet_decode_eth: COM, both MACs, data");
			is_int(zt_packet_decode_eth(&e, ZT_VERB_ECHO, buf, (size_t)n), -EBADMSG,
			       "zt_packet_decode_eth refuses a verb that carries no frame");
		}
		{
			struct zt_packet_config_ack a = {0x0102030405060708ULL, NWID, 0xaabbULL},
						    a2;
			uint8_t b[ZT_PACKET_CONFIG_ACK_LEN + 1];

			is_int(zt_packet_encode_config_ack(&a, b, sizeof(b)),
			       ZT_PACKET_CONFIG_ACK_LEN, "config ack: 25 bytes");
			ok(b[0] == ZT_VERB_ECHO && b[1] == 1 && b[8] == 8 && b[9] == 0x5f &&
			       b[23] == 0xaa && b[24] == 0xbb,
			   "config ack: in re ECHO, packet id, nwid, update id, big-endian");
			ok(zt_packet_decode_config_ack(&a2, b, ZT_PACKET_CONFIG_ACK_LEN) == 0 &&
			       !memcmp(&a, &a2, sizeof(a)),
			   "config ack round trip");
			is_int(zt_packet_encode_config_ack(&a, b, ZT_PACKET_CONFIG_ACK_LEN - 1),
			       -ENOSPC, "config ack into a short buffer: -ENOSPC");
			is_int(zt_packet_decode_config_ack(&a2, b, ZT_PACKET_CONFIG_ACK_LEN - 1),
			       -EBADMSG, "a short config ack: -EBADMSG");
		}
		buf[9] = 2; /* COM version byte wrong */
		is_int(zt_packet_decode_ext_frame(&f2, buf, (size_t)n), -EBADMSG,
		       "EXT_FRAME with a bad COM rejected");
	}
	{ /* ECHO, USER_MESSAGE */
		struct zt_packet_echo ec = {{eth, 10}}, ec2;
		struct zt_packet_user_message um = {0x1234, {eth, 5}}, um2;

		n = zt_packet_encode_echo(&ec, buf, sizeof(buf));
		ok(n == 10 && zt_packet_decode_echo(&ec2, buf, 10) == 0 && ec2.data.len == 10,
		   "ECHO round trip");
		n = zt_packet_encode_user_message(&um, buf, sizeof(buf));
		ok(n == 13 && zt_packet_decode_user_message(&um2, buf, 13) == 0 &&
		       um2.type == 0x1234 && um2.data.len == 5,
		   "USER_MESSAGE round trip");
		is_int(zt_packet_decode_user_message(&um2, buf, 7), -EBADMSG, "short USER_MESSAGE");
	}
	{ /* RENDEZVOUS and PUSH_DIRECT_PATHS over IPv6 */
		struct zt_packet_rendezvous v = {0}, v2;
		struct zt_packet_path pp[2] = {{0}}, pp2[2];

		v.peer = M2;
		zt_inetaddr_set(&v.addr, 6, "\xfd\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x02", 12345);
		n = zt_packet_encode_rendezvous(&v, buf, sizeof(buf));
		ok(n == 25 && zt_packet_decode_rendezvous(&v2, buf, 25) == 0 &&
		       zt_inetaddr_equal(&v.addr, &v2.addr) && v2.peer == M2,
		   "RENDEZVOUS IPv6 round trip");
		buf[8] = 5;
		is_int(zt_packet_decode_rendezvous(&v2, buf, 25), -EBADMSG,
		       "RENDEZVOUS address length 5 rejected");
		pp[0].flags = ZT_PACKET_PATH_FLAG_FORGET;
		zt_inetaddr_set(&pp[0].addr, 6, "\xfd\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x02", 9993);
		zt_inetaddr_set(&pp[1].addr, 4, "\x0a\xd5\x00\x0b", 9993);
		n = zt_packet_encode_push_paths(pp, 2, buf, sizeof(buf));
		ok(n == 2 + 23 + 11 && zt_packet_decode_push_paths(pp2, 2, buf, (size_t)n) == 2 &&
		       pp2[0].flags == 1 && zt_inetaddr_equal(&pp2[0].addr, &pp[0].addr) &&
		       zt_inetaddr_equal(&pp2[1].addr, &pp[1].addr),
		   "PUSH_DIRECT_PATHS round trip");
		is_int(zt_packet_decode_push_paths(pp2, 1, buf, (size_t)n), -EBADMSG,
		       "more paths than room rejected");
	}
	{ /* OK(MULTICAST_FRAME) with COM and gather results; OK(WHOIS) with two identities */
		struct zt_packet_ok o = {0}, o2;
		uint8_t addrs[10] = {0x8f, 0x95, 0x3d, 0x94, 0xcf, 0xe7, 0x17, 0x3b, 0x77, 0x7d};

		o.in_re_verb = ZT_VERB_MULTICAST_FRAME;
		o.in_re_id = 99;
		o.u.mcframe.nwid = NWID;
		memset(o.u.mcframe.mac, 0xff, 6);
		o.u.mcframe.adi = 0x0a93140b;
		o.u.mcframe.flags = 3;
		o.u.mcframe.com = (struct zt_span){com, sizeof(com)};
		o.u.mcframe.total_known = 2;
		o.u.mcframe.count = 2;
		o.u.mcframe.addrs = (struct zt_span){addrs, 10};
		n = zt_packet_encode_ok(&o, buf, sizeof(buf));
		ok(n == 9 + 19 + 272 + 6 + 10 && zt_packet_decode_ok(&o2, buf, (size_t)n) == 0 &&
		       o2.u.mcframe.com.len == 272 && o2.u.mcframe.count == 2 &&
		       memcmp(o2.u.mcframe.addrs.p, addrs, 10) == 0,
		   "OK(MULTICAST_FRAME) with COM and gather round trip");
		is_int(zt_packet_decode_ok(&o2, buf, (size_t)n - 1), -EBADMSG,
		       "OK(MULTICAST_FRAME) missing an address byte rejected");
		memset(&o, 0, sizeof(o));
		o.in_re_verb = ZT_VERB_WHOIS;
		o.u.whois.count = 2;
		o.u.whois.ids[0] = ids[1];
		o.u.whois.ids[1] = ids[2];
		n = zt_packet_encode_ok(&o, buf, sizeof(buf));
		ok(n == 9 + 142 && zt_packet_decode_ok(&o2, buf, (size_t)n) == 0 &&
		       o2.u.whois.count == 2 && o2.u.whois.ids[1].address == M2,
		   "OK(WHOIS) with two identities round trip");
	}
	{ /* WHOIS of several addresses, MULTICAST_LIKE limits */
		struct zt_packet_whois w = {3, {M1, M2, ROOT}}, w2;
		struct zt_packet_like l[2];

		n = zt_packet_encode_whois(&w, buf, sizeof(buf));
		ok(n == 15 && zt_packet_decode_whois(&w2, buf, 15) == 0 && w2.count == 3 &&
		       w2.addrs[2] == ROOT,
		   "WHOIS of three round trip");
		is_int(zt_packet_decode_whois(&w2, buf, 4), -EBADMSG, "WHOIS under 5 bytes");
		memset(buf, 0, 54);
		is_int(zt_packet_decode_multicast_like(l, 2, buf, 54), -EBADMSG,
		       "LIKE with more tuples than room rejected");
		is_int(zt_packet_decode_multicast_like(l, 2, buf, 19), -EBADMSG,
		       "LIKE of 19 bytes rejected");
	}
	{ /* LZ4: compress then decompress; corrupted streams fail */
		static uint8_t pk[2000], z[ZT_PACKET_MAX_LEN], un[ZT_PACKET_MAX_LEN];

		zt_packet_init(pk, 5, M1, M3, ZT_VERB_MULTICAST_LIKE);
		for (size_t i = 28; i < sizeof(pk); i++)
			pk[i] = (uint8_t)((i / 18) & 3);
		n = zt_packet_compress(pk, sizeof(pk), z, sizeof(z));
		ok(n > 28 && n < 200 && zt_packet_compressed(z),
		   "LIKE-like payload compresses to %d", n);
		ok(zt_packet_decompress(z, (size_t)n, un, sizeof(un)) == (int)sizeof(pk) &&
		       memcmp(un, pk, sizeof(pk)) == 0,
		   "and decompresses to the same bytes");
		z[n - 3] ^= 0xff;
		z[30] = 0xff;
		ok(zt_packet_decompress(z, (size_t)n, un, sizeof(un)) < 0 ||
		       memcmp(un, pk, sizeof(pk)) != 0,
		   "a corrupted stream fails or differs");
		is_int(zt_packet_decompress(z, (size_t)n, un, 1000), -EBADMSG,
		       "output beyond the buffer is refused");
		n = zt_packet_compress(pk, 60, z, sizeof(z));
		ok(n == 60 && !zt_packet_compressed(z), "payloads of 64 bytes or less stay plain");
	}
	is_int(
	    strcmp(zt_packet_verb_name(ZT_VERB_NETWORK_CONFIG_REQUEST), "NETWORK_CONFIG_REQUEST"),
	    0, "verb names");
	ok(zt_packet_verb_name(0x1f) == NULL, "unknown verb has no name");
}

int main(void)
{
	for (int i = 0; i < 4; i++)
		ok(zt_test_read_id(lab[i].name, "public", &ids[i]) == 0, "%s public loads",
		   lab[i].name);
	ok(zt_test_read_id("m3-legacy", "secret", &me) == 0, "m3 secret loads");
	capture();
	synthetic();
	return done_testing();
}
