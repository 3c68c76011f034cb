// SPDX-License-Identifier: BSD-2-Clause
/* Network configs: the lab members' saved configs parse and re-serialize byte for byte; chunks
 * signed by the controller reassemble; tampered or foreign chunks are refused. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "zt_testutil.h"
#include "zt/netconf.h"

#define NWID 0x5f4e89e209000001ULL

static struct zt_identity root, root_secret;
static struct zt_netconf nc, nc2;
static char text[8192], out[8192];

static void test_member(const char *home, uint64_t addr, int last_octet, bool v114)
{
	char path[128], s[ZT_INETADDR_STRLEN], want[32];
	struct zt_dict d, w;
	size_t n;

	snprintf(path, sizeof(path), "tests/data/zt/homes/%s/networks.d/5f4e89e209000001.conf",
		 home);
	n = zt_test_slurp(path, text, sizeof(text));
	zt_dict_view(&d, text, n);
	is_int(zt_netconf_from_dict(&nc, &d), 0, "%s: config parses", home);
	ok(nc.nwid == NWID, "%s: nwid 5f4e89e209000001", home);
	ok(nc.issued_to == addr, "%s: issued to its address", home);
	ok(!strcmp(nc.name, "ztlab"), "%s: name ztlab", home);
	is_int(nc.mtu, 2800, "%s: MTU 2800", home);
	is_int(nc.multicast_limit, 32, "%s: multicast limit 32", home);
	is_int(nc.type, ZT_NETCONF_TYPE_PRIVATE, "%s: private", home);
	ok(nc.flags == ZT_NETCONF_FLAG_ENABLE_BROADCAST, "%s: broadcast on", home);
	ok(nc.version == 7 && nc.revision == 1 && nc.ctmd == 1800000, "%s: v 7, r 1, ctmd", home);
	is_int(nc.n_routes, 1, "%s: one route", home);
	ok(!strcmp(zt_inetaddr_to_string(&nc.routes[0].target, s), "10.147.20.0/24") &&
	       nc.routes[0].via.family == 0 && nc.routes[0].flags == 0 && nc.routes[0].metric == 0,
	   "%s: route 10.147.20.0/24, on-link", home);
	is_int(nc.n_static_ips, 1, "%s: one static IP", home);
	snprintf(want, sizeof(want), "10.147.20.%d/24", last_octet);
	ok(!strcmp(zt_inetaddr_to_string(&nc.static_ips[0], s), want), "%s: static IP %s", home,
	   want);
	ok(nc.rules_len == 2 && nc.rules[0] == 1 && nc.rules[1] == 0, "%s: one ACCEPT rule", home);
	is_int(nc.n_coo, 1, "%s: one certificate of ownership", home);
	ok(nc.has_com && zt_com_verify(&nc.com, &root) == 0, "%s: COM verifies", home);
	ok(zt_com_issued_to(&nc.com) == addr && zt_com_network_id(&nc.com) == NWID,
	   "%s: COM names the member and the network", home);
	ok(nc.has_dns == v114 && nc.has_sso == v114, "%s: DNS/ssov/ssoe %s", home,
	   v114 ? "present" : "absent (1.4.6)");
	if (v114)
		ok(nc.dns_domain[0] == 0 && nc.dns_servers[0].family == 0, "%s: DNS empty", home);

	zt_dict_init(&w, out, sizeof(out));
	is_int(zt_netconf_to_dict(&nc, &w), 0, "%s: writes back", home);
	ok(w.len == n && !memcmp(out, text, n), "%s: byte-identical to the file (%zu bytes)", home,
	   n);
}

static void test_errors(void)
{
	struct zt_dict d, w;
	size_t n = zt_test_slurp("tests/data/zt/homes/m1/networks.d/5f4e89e209000001.conf", text,
				 sizeof(text));
	char small[64];

	memset(&nc2, 0x77, sizeof(nc2));
	zt_dict_view(&d, "v=0000000000000005\nnwid=1\nid=1", 30);
	is_int(zt_netconf_from_dict(&nc2, &d), -EBADMSG, "v 5 refused");
	zt_dict_view(&d, "v=7\nnwid=1", 10);
	is_int(zt_netconf_from_dict(&nc2, &d), -EBADMSG, "no id: refused");
	zt_dict_view(&d, "v=7\nid=1", 8);
	is_int(zt_netconf_from_dict(&nc2, &d), -EBADMSG, "no nwid: refused");
	zt_dict_view(&d, "v=7\nnwid=1\nid=1\nml=zz", 21);
	is_int(zt_netconf_from_dict(&nc2, &d), -EBADMSG, "non-hex integer refused");
	zt_dict_view(&d, "v=7\nnwid=1\nid=1\nmtu=10", 22);
	ok(zt_netconf_from_dict(&nc2, &d) == 0 && nc2.mtu == 1280 && nc2.type == 0 &&
	       !nc2.has_com && nc2.n_routes == 0,
	   "minimal config: MTU clamped to 1280, private, nothing else");
	zt_dict_view(&d, "v=7\nnwid=1\nid=1\nmtu=ffffff", 26);
	ok(zt_netconf_from_dict(&nc2, &d) == 0 && nc2.mtu == 10000, "MTU clamped to 10000");
	zt_dict_view(&d, "v=7\nnwid=1\nid=1\nRT=\x04\x0a\x93\x14", 21);
	memset(&nc2, 0x77, sizeof(nc2));
	is_int(zt_netconf_from_dict(&nc2, &d), -EBADMSG, "truncated route refused");
	ok(nc2.nwid == 0x7777777777777777ULL, "output untouched");
	/* Cut the COM short inside the m1 text: C=... ends at the LF before COO. */
	{
		char *c = strstr(text, "\nCOO=");
		memmove(c - 5, c, strlen(c) + 1);
		zt_dict_view(&d, text, strlen(text));
		is_int(zt_netconf_from_dict(&nc2, &d), -EBADMSG, "COM cut short: refused");
	}
	zt_dict_init(&w, small, sizeof(small));
	zt_netconf_init(&nc2, NWID, 0x8f953d94cfULL);
	is_int(zt_netconf_to_dict(&nc2, &w), -ENOSPC, "writing into 64 bytes: -ENOSPC");
	(void)n;
}

static void test_build(void)
{
	struct zt_identity m1;
	struct zt_dict w, d;

	zt_test_load_id(&m1, ZT_TEST_DATA "m1.identity.public");
	zt_netconf_init(&nc2, NWID, m1.address);
	nc2.timestamp = 1234;
	nc2.ctmd = 7200000;
	strcpy(nc2.name, "built=here\n");
	nc2.n_routes = 2;
	zt_inetaddr_from_string(&nc2.routes[0].target, "10.1.0.0/16");
	zt_inetaddr_from_string(&nc2.routes[1].target, "fd00::/64");
	zt_inetaddr_from_string(&nc2.routes[1].via, "10.1.0.1/0");
	nc2.routes[1].metric = 5;
	nc2.n_static_ips = 2;
	zt_inetaddr_from_string(&nc2.static_ips[0], "10.1.2.3/16");
	zt_inetaddr_from_string(&nc2.static_ips[1], "fd00::3/64");
	nc2.n_specialists = 1;
	nc2.specialists[0] = ZT_NETCONF_SPECIALIST_ANCHOR | 0x1122334455ULL;
	nc2.has_com = true;
	zt_com_init(&nc2.com, 1234, nc2.ctmd, NWID, &m1);
	zt_com_sign(&nc2.com, &root_secret);
	nc2.has_dns = true;
	strcpy(nc2.dns_domain, "lab.example");
	zt_inetaddr_from_string(&nc2.dns_servers[0], "10.1.0.53/53");
	zt_dict_init(&w, out, sizeof(out));
	is_int(zt_netconf_to_dict(&nc2, &w), 0, "a built config writes");
	zt_dict_view(&d, out, w.len);
	is_int(zt_netconf_from_dict(&nc, &d), 0, "and reads back");
	ok(!strcmp(nc.name, "built=here\n") && nc.n_routes == 2 && nc.routes[1].metric == 5 &&
	       zt_inetaddr_equal(&nc.routes[1].via, &nc2.routes[1].via) && nc.n_static_ips == 2 &&
	       zt_inetaddr_equal(&nc.static_ips[1], &nc2.static_ips[1]) &&
	       nc.specialists[0] == nc2.specialists[0] && !strcmp(nc.dns_domain, "lab.example") &&
	       zt_inetaddr_equal(&nc.dns_servers[0], &nc2.dns_servers[0]) &&
	       zt_com_verify(&nc.com, &root) == 0 && nc.ctmd == 7200000,
	   "every field survives");
}

static void test_chunks(void)
{
	static struct zt_netconf_asm a;
	static uint8_t ch[8][2048];
	int len[8], n, r, k;
	size_t tlen = zt_test_slurp("tests/data/zt/homes/m1/networks.d/5f4e89e209000001.conf", text,
				    sizeof(text));
	uint32_t off = 0;
	struct zt_netconf_chunk c;
	struct zt_identity m1;
	struct zt_dict d;

	zt_test_load_id(&m1, ZT_TEST_DATA "m1.identity.public");
	/* One chunk, as the controller sends a 1.1 KB config. */
	n = zt_netconf_chunk_make(ch[0], sizeof(ch[0]), &root_secret, NWID, 0x1122334455667788ULL,
				  0, text, (uint32_t)tlen, &off, ZT_NETCONF_CHUNK_MAX_DATA);
	is_int(n, (int)tlen + ZT_NETCONF_CHUNK_OVERHEAD, "one chunk of 1126 + 126 bytes");
	ok(off == tlen, "offset advanced to the end");
	is_int(zt_netconf_chunk_parse(&c, ch[0], (size_t)n), n, "chunk parses");
	ok(c.nwid == NWID && c.len == tlen && c.total == tlen && c.offset == 0 &&
	       c.update_id == 0x1122334455667788ULL && c.signed_len == (size_t)n - 99,
	   "fields read back");
	is_int(zt_netconf_chunk_verify(&c, &root), 0, "signature verifies");
	is_int(zt_netconf_chunk_verify(&c, &m1), -EKEYREJECTED, "not by another identity");
	zt_netconf_asm_init(&a, NWID);
	is_int(zt_netconf_asm_add(&a, &root, ch[0], (size_t)n), 1, "one chunk completes");
	ok(a.total == tlen && !memcmp(a.buf, text, tlen), "reassembled text is the config");
	zt_dict_view(&d, a.buf, a.total);
	ok(zt_netconf_from_dict(&nc, &d) == 0 && nc.issued_to == m1.address, "and parses");

	/* Five chunks of 250 bytes, fed out of order with a duplicate. */
	off = 0;
	for (k = 0; off < tlen; k++)
		len[k] = zt_netconf_chunk_make(ch[k], sizeof(ch[k]), &root_secret, NWID, 42, 0,
					       text, (uint32_t)tlen, &off, 250);
	is_int(k, 5, "1126 bytes in chunks of 250: five");
	zt_netconf_asm_init(&a, NWID);
	r = 0;
	r |= zt_netconf_asm_add(&a, &root, ch[3], (size_t)len[3]);
	r |= zt_netconf_asm_add(&a, &root, ch[0], (size_t)len[0]);
	r |= zt_netconf_asm_add(&a, &root, ch[3], (size_t)len[3]);
	r |= zt_netconf_asm_add(&a, &root, ch[4], (size_t)len[4]);
	r |= zt_netconf_asm_add(&a, &root, ch[1], (size_t)len[1]);
	is_int(r, 0, "four of five (and a duplicate): not complete");
	is_int(a.have, 3 * 250 + 126, "876 bytes so far");
	{
		uint8_t bad[2048];
		static struct zt_netconf_asm before;

		memcpy(bad, ch[2], (size_t)len[2]);
		bad[20] ^= 1;
		before = a;
		is_int(zt_netconf_asm_add(&a, &root, bad, (size_t)len[2]), -EKEYREJECTED,
		       "a tampered chunk: -EKEYREJECTED");
		ok(!memcmp(&before, &a, sizeof(a)), "state unchanged");
		is_int(zt_netconf_asm_add(&a, &m1, ch[2], (size_t)len[2]), -EKEYREJECTED,
		       "checked against the wrong identity: -EKEYREJECTED");
		is_int(zt_netconf_asm_add(&a, &root, ch[2], (size_t)len[2] - 1), -EBADMSG,
		       "a truncated chunk: -EBADMSG");
	}
	is_int(zt_netconf_asm_add(&a, &root, ch[2], (size_t)len[2]), 1, "last chunk completes");
	ok(a.total == tlen && !memcmp(a.buf, text, tlen) && a.buf[tlen] == 0,
	   "five chunks reassemble the config");
	is_int(zt_netconf_asm_add(&a, &root, ch[2], (size_t)len[2]), 0, "a late duplicate: 0");

	/* Same update id, different cut: overlapping chunks refused. */
	off = 0;
	n = zt_netconf_chunk_make(ch[5], sizeof(ch[5]), &root_secret, NWID, 42, 0, text,
				  (uint32_t)tlen, &off, 300);
	zt_netconf_asm_init(&a, NWID);
	zt_netconf_asm_add(&a, &root, ch[0], (size_t)len[0]);
	is_int(zt_netconf_asm_add(&a, &root, ch[5], (size_t)n), -EBADMSG, "overlap: -EBADMSG");
	/* A newer update id starts over. */
	off = 0;
	n = zt_netconf_chunk_make(ch[6], sizeof(ch[6]), &root_secret, NWID, 43, 0, text,
				  (uint32_t)tlen, &off, ZT_NETCONF_CHUNK_MAX_DATA);
	is_int(zt_netconf_asm_add(&a, &root, ch[6], (size_t)n), 1, "another update id starts over");
	zt_netconf_asm_init(&a, NWID + 1);
	is_int(zt_netconf_asm_add(&a, &root, ch[6], (size_t)n), -EBADMSG,
	       "another network: -EBADMSG");

	/* Header checks. */
	memcpy(ch[7], ch[6], (size_t)n);
	ch[7][n - 99] = 2;
	is_int(zt_netconf_chunk_parse(&c, ch[7], (size_t)n), -EBADMSG, "signature type 2 refused");
	memcpy(ch[7], ch[6], (size_t)n);
	ch[7][10 + tlen + 1 + 8 + 3] -= 1; /* total one less than offset + length */
	is_int(zt_netconf_chunk_parse(&c, ch[7], (size_t)n), -EBADMSG,
	       "offset + length beyond total refused");
	is_int(zt_netconf_chunk_parse(&c, ch[6], 10 + tlen), -EBADMSG,
	       "an unsigned (pre-1.2) chunk refused");
	off = 0;
	is_int(zt_netconf_chunk_make(ch[7], sizeof(ch[7]), &root, NWID, 1, 0, text, (uint32_t)tlen,
				     &off, 250),
	       -EINVAL, "cannot sign without the private key");
}

/* MACs a stock ZeroTierOne 1.14.1 node showed for itself in listnetworks (make interop). */
static void test_mac(void)
{
	static const struct {
		uint64_t nwid, addr;
		uint8_t mac[6];
	} v[] = {
	    {0x7d0594f3b4f4f19cULL, 0x0a89957513ULL, {0x9e, 0xfb, 0x7d, 0x21, 0x86, 0x87}},
	    {0x844dc9fae9f4a4efULL, 0x844dc9fae9ULL, {0xee, 0x20, 0xb9, 0x20, 0x00, 0x20}},
	};
	uint8_t mac[6];

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		zt_netconf_mac(v[i].nwid, v[i].addr, mac);
		ok(!memcmp(mac, v[i].mac, 6), "MAC of %010llx on %016llx as the stock node has it",
		   (unsigned long long)v[i].addr, (unsigned long long)v[i].nwid);
	}
	/* A first byte of 0x52 is replaced by 0x32. */
	zt_netconf_mac(0x5f4e89e209000053ULL, 0x8f953d94cfULL, mac);
	is_int(mac[0], 0x32, "first byte 0x52 becomes 0x32");
}

int main(void)
{
	zt_test_load_id(&root, ZT_TEST_DATA "root.identity.public");
	zt_test_load_id(&root_secret, ZT_TEST_DATA "root.identity.secret");
	test_member("m1", 0x8f953d94cfULL, 11, true);
	test_member("m2", 0xe7173b777dULL, 12, true);
	test_member("m3-legacy", 0x282e082f37ULL, 13, false);
	test_errors();
	test_build();
	test_mac();
	test_chunks();
	return done_testing();
}
