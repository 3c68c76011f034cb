// SPDX-License-Identifier: BSD-2-Clause
/* The controller role: configs for authorized members parse and carry a COM the controller signed
 * that agrees with another member's; chunks verify; denied and not found; pool assignment without
 * collisions (IPv4 and IPv6); JSON records round trip; the lab controller's records load; the JSON reader refuses
 * malformed text. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "tap.h"
#include "zt_testutil.h"
#include "zt/com.h"
#include "zt/controller.h"
#include "zt/netconf.h"
#include "zt/packet.h"

#define NWID 0x5f4e89e209000001ULL
#define VEC "tests/data/zt/homes/root/controller.d-network"
#define NOW 1795960000000LL

static const char meta[] = "v=0000000000000007\nvend=0000000000000001\npv=000000000000000b\n"
			   "majv=0000000000000001\nminv=0000000000000004\nrevv=0000000000000006\n"
			   "revr=0000000000000001";

static struct zt_identity root, m1, m2, m3, stranger;
static struct zt_controller ctl;
static struct zt_controller_answer ans, ans2;
static struct zt_netconf nc, nc2;

/* Reassemble the answer's chunks as a member would (OK payloads) and parse the config. */
static int member_parse(const struct zt_controller_answer *a, struct zt_netconf *out)
{
	static uint8_t pkt[ZT_PACKET_MAX_LEN];
	struct zt_netconf_asm *as = malloc(sizeof(*as));
	uint32_t off = 0;
	struct zt_dict d;
	int r = -EBADMSG, done = 0;

	zt_netconf_asm_init(as, a->network->nwid);
	while (off < a->dict_len) {
		int n = zt_controller_chunk_payload(&ctl, a, 0x1234, &off, pkt, sizeof(pkt));

		if (n < 10 || pkt[0] != ZT_VERB_NETWORK_CONFIG_REQUEST)
			goto out;
		done = zt_netconf_asm_add(as, &root, pkt + 9, (size_t)n - 9);
		if (done < 0)
			goto out;
	}
	if (done != 1)
		goto out;
	zt_dict_view(&d, as->buf, as->total);
	r = zt_netconf_from_dict(out, &d);
out:
	free(as);
	return r;
}

static void test_json(void)
{
	static const char *bad[] = {
	    "",		  "{",		 "{\"a\":}",	"[1,]",	   "{\"a\" 1}",
	    "\"abc",	  "01",		 "1.",		"-",	   "tru",
	    "{\"a\":1}x", "\"\\u0000\"", "\"\\ud800\"", "\"\\q\"", "[\"\x01\"]",
	    "{1:2}",	  "nul",	 "[1 2]",
	};
	char err[128], deep[200];
	struct json *j;
	int64_t i;
	const char *s;
	bool b;

	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		err[0] = 0;
		ok(json_parse(bad[k], strlen(bad[k]), &j, err, sizeof(err)) == -EBADMSG && err[0],
		   "JSON '%s' refused: %s", bad[k], err);
	}
	memset(deep, '[', sizeof(deep));
	ok(json_parse(deep, sizeof(deep), &j, err, sizeof(err)) == -EBADMSG,
	   "200 nested arrays refused: %s", err);
	const char *good = " {\"a\":[1,-2.5e3,true,null,{\"b\":\"x\\\"\\u00e9\\ud83d\\ude00\"}],"
			   "\"n\":1795959391387,\"s\":\"t\\n\"} ";
	is_int(json_parse(good, strlen(good), &j, err, sizeof(err)), 0, "JSON sample parses");
	ok(json_get_int(j, "n", &i) == 0 && i == 1795959391387LL, "integer exact");
	ok(json_get_str(j, "s", &s) == 0 && !strcmp(s, "t\n"), "escape \\n");
	ok(json_get(j, "a")->len == 5 && json_get(j, "a")->items[1].d == -2500.0, "array, float");
	ok(!strcmp(json_get(&json_get(j, "a")->items[4], "b")->s, "x\"\xc3\xa9\xf0\x9f\x98\x80"),
	   "\\u escapes and a surrogate pair as UTF-8");
	ok(json_get_bool(j, "s", &b) == -EINVAL && json_get_int(j, "zz", &i) == -ENOENT,
	   "typed getters: wrong type, absent");
	json_free(j);
}

static void test_vectors(void)
{
	static char text[8192];
	char err[128], path[256];
	const struct zt_controller_network *n;
	const struct zt_controller_member *m;
	static const char *mem[] = {"282e082f37", "8f953d94cf", "e7173b777d"};
	size_t len;

	len = zt_test_slurp(VEC "/5f4e89e209000001.json", text, sizeof(text));
	is_int(zt_controller_load_network(&ctl, text, len, err, sizeof(err)), 0,
	       "lab network record loads %s", err);
	for (int k = 0; k < 3; k++) {
		snprintf(path, sizeof(path), VEC "/5f4e89e209000001/member/%s.json", mem[k]);
		len = zt_test_slurp(path, text, sizeof(text));
		is_int(zt_controller_load_member(&ctl, text, len, err, sizeof(err)), 0,
		       "lab member %s loads %s", mem[k], err);
	}
	n = zt_controller_network_find(&ctl, NWID);
	ok(n && !strcmp(n->name, "ztlab") && n->private_net && n->mtu == 2800 &&
	       n->multicast_limit == 32 && n->enable_broadcast && n->n_routes == 1 &&
	       n->routes[0].target.port == 24 && n->revision == 1,
	   "network fields: ztlab, private, 2800, 32, broadcast, one /24 route");
	ok(n && n->n_members == 3, "three members");
	m = n ? zt_controller_member_find(n, 0x8f953d94cfULL) : NULL;
	ok(m && m->authorized && m->n_ips == 1 && m->ips[0].ip[3] == 11 && m->has_identity &&
	       m->revision == 3 && m->vmajor == 1 && m->vminor == 14 && m->vproto == 12,
	   "member 8f953d94cf: authorized, 10.147.20.11, identity, version 1.14 proto 12");

	/* Round trip: what we write reads back the same. */
	{
		char *out, *out2;
		size_t ol, ol2;
		struct zt_controller c2;

		zt_controller_init(&c2, &root);
		zt_controller_network_json(n, &out, &ol);
		is_int(zt_controller_load_network(&c2, out, ol, err, sizeof(err)), 0,
		       "network JSON we write loads");
		zt_controller_network_json(zt_controller_network_find(&c2, NWID), &out2, &ol2);
		ok(ol == ol2 && !memcmp(out, out2, ol), "and writes back byte for byte");
		len = zt_test_slurp(VEC "/5f4e89e209000001.json", text, sizeof(text));
		ok(ol == len && !memcmp(out, text, len),
		   "our network JSON equals the stock controller's record");
		free(out);
		free(out2);
		zt_controller_member_json(n, m, &out, &ol);
		is_int(zt_controller_load_member(&c2, out, ol, err, sizeof(err)), 0,
		       "member JSON we write loads");
		zt_controller_member_json(
		    n, zt_controller_member_find(zt_controller_network_find(&c2, NWID), m->address),
		    &out2, &ol2);
		ok(ol == ol2 && !memcmp(out, out2, ol), "and writes back byte for byte");
		len = zt_test_slurp(VEC "/5f4e89e209000001/member/8f953d94cf.json", text,
				    sizeof(text));
		ok(ol == len && !memcmp(out, text, len),
		   "our member JSON equals the stock controller's record");
		free(out);
		free(out2);
		ok(zt_controller_load_member(&c2, text, len - 5, err, sizeof(err)) == -EBADMSG,
		   "a truncated member record is refused: %s", err);
		/* tags and capabilities are kept as given, and read back. */
		{
			static const char tc[] =
			    "{\"id\":\"1234567890\",\"nwid\":\"5f4e89e209000001\","
			    "\"tags\":[[1,2],[3,4294967295]],\"capabilities\":[7,8]}";
			const struct zt_controller_member *t;

			is_int(zt_controller_load_member(&c2, tc, sizeof(tc) - 1, err, sizeof(err)),
			       0, "a member with tags and capabilities loads %s", err);
			t = zt_controller_member_find(zt_controller_network_find(&c2, NWID),
						      0x1234567890ULL);
			ok(t && t->n_tags == 2 && t->tags[1][1] == 4294967295u && t->n_caps == 2 &&
			       t->caps[1] == 8,
			   "its tags and capabilities");
			zt_controller_member_json(zt_controller_network_find(&c2, NWID), t, &out,
						  &ol);
			ok(strstr(out, "\"capabilities\":[7,8]") &&
			       strstr(out, "\"tags\":[[1,2],[3,4294967295]]"),
			   "written back as given");
			free(out);
		}
		{
			static const char *bad[] = {
			    "{\"id\":\"1234567890\",\"nwid\":\"5f4e89e209000001\",\"tags\":[[1]]}",
			    "{\"id\":\"1234567890\",\"nwid\":\"5f4e89e209000001\",\"tags\":[[1,-2]]"
			    "}",
			    "{\"id\":\"1234567890\",\"nwid\":\"5f4e89e209000001\","
			    "\"capabilities\":[1,2,3,4,5,6,7,8,9]}",
			    "{\"id\":\"1234567890\",\"nwid\":\"5f4e89e209000001\","
			    "\"capabilities\":[\"x\"]}",
			};

			for (int k = 0; k < 4; k++)
				ok(zt_controller_load_member(&c2, bad[k], strlen(bad[k]), err,
							     sizeof(err)) == -EBADMSG,
				   "bad tags/capabilities refused (%d): %s", k, err);
		}
		zt_controller_free(&c2);
	}
}

/* v6AssignMode rfc4193 + 6plane on a public network: each member's config carries both addresses
 * (computed by hand from InetAddress::makeIpv6rfc4193/makeIpv66plane), NDP emulation on; the
 * record keeps the modes in the stock shape. */
static void test_v6modes(void)
{
	struct zt_controller_network t, *n;
	struct zt_controller_member *mm;
	char a[64], b[64], *text;
	size_t len;
	int err;

	zt_controller_network_defaults(&t);
	t.private_net = false;
	t.v6_rfc4193 = t.v6_6plane = true;
	n = zt_controller_network_add(&ctl, &t, 0x6, NOW, &err);
	ok(n && n->nwid == 0x5f4e89e209000006ULL,
	   "network 5f4e89e209000006 with rfc4193 and 6plane");
	if (!n)
		return;
	zt_controller_request(&ctl, &m1, n->nwid, NULL, 0, 200, NOW, &ans);
	ok(ans.error == 0 && member_parse(&ans, &nc) == 0 && nc.n_static_ips == 2,
	   "m1 gets a config with two static IPs");
	inet_ntop(AF_INET6, nc.static_ips[0].ip, a, sizeof(a));
	inet_ntop(AF_INET6, nc.static_ips[1].ip, b, sizeof(b));
	ok(nc.static_ips[0].family == 6 && !strcmp(a, "fd5f:4e89:e209:0:699:938f:953d:94cf") &&
	       nc.static_ips[0].port == 88,
	   "first the rfc4193 address /88: %s/%u", a, nc.static_ips[0].port);
	ok(nc.static_ips[1].family == 6 && !strcmp(b, "fc56:4e89:e48f:953d:94cf::1") &&
	       nc.static_ips[1].port == 40,
	   "then the 6plane address /40: %s/%u", b, nc.static_ips[1].port);
	ok(nc.flags & ZT_NETCONF_FLAG_ENABLE_IPV6_NDP_EMULATION, "f has NDP emulation (0x04)");
	mm = zt_controller_member_find(n, m1.address);
	ok(mm && mm->n_ips == 0, "the computed addresses are not recorded as ipAssignments");
	if (zt_controller_network_json(n, &text, &len) == 0) {
		static const char want[] =
		    "\"v6AssignMode\":{\"6plane\":true,\"rfc4193\":true,\"zt\":false}";

		ok(strstr(text, want) != NULL, "the record has v6AssignMode in the stock shape");
		free(text);
	}
	mm->no_auto_assign_ips = true;
	zt_controller_request(&ctl, &m1, n->nwid, NULL, 0, 201, NOW, &ans);
	ok(ans.error == 0 && member_parse(&ans, &nc) == 0 && nc.n_static_ips == 0 &&
	       !(nc.flags & ZT_NETCONF_FLAG_ENABLE_IPV6_NDP_EMULATION),
	   "noAutoAssignIps: neither address, no NDP emulation");
	zt_controller_network_delete(&ctl, n->nwid);
}

static void test_requests(void)
{
	struct zt_controller_network t, *n;
	struct zt_controller_member *mm;
	uint8_t pl[64];
	int err;

	/* The lab network: m1 (8f953d94cf) is authorized with 10.147.20.11. */
	is_int(zt_controller_request(&ctl, &m1, NWID, (const uint8_t *)meta, strlen(meta), 77, NOW,
				     &ans),
	       0, "request from m1");
	is_int(ans.error, 0, "m1 gets a config");
	is_int(member_parse(&ans, &nc), 0, "m1's chunks verify with the controller and parse");
	ok(nc.nwid == NWID && nc.issued_to == m1.address && nc.timestamp == (uint64_t)NOW &&
	       nc.ctmd == ZT_CONTROLLER_CTMD && !strcmp(nc.name, "ztlab") && nc.mtu == 2800 &&
	       nc.multicast_limit == 32 && nc.flags == ZT_NETCONF_FLAG_ENABLE_BROADCAST &&
	       nc.type == ZT_NETCONF_TYPE_PRIVATE,
	   "nwid, id, ts, ctmd, name, mtu, ml, f, t as the stock controller sends");
	ok(nc.n_static_ips == 1 && nc.static_ips[0].ip[3] == 11 && nc.static_ips[0].port == 24,
	   "I = 10.147.20.11/24");
	ok(nc.n_routes == 1 && nc.routes[0].target.port == 24 && nc.routes[0].via.family == 0,
	   "RT = 10.147.20.0/24");
	ok(nc.rules_len == 2 && nc.rules[0] == 1, "R = one ACCEPT");
	ok(nc.has_dns && nc.has_sso, "DNS, ssov, ssoe as 1.14 sends");
	ok(nc.has_com && zt_com_verify(&nc.com, &root) == 0,
	   "its COM verifies with the controller");
	ok(zt_com_issued_to(&nc.com) == m1.address && zt_com_network_id(&nc.com) == NWID,
	   "COM issued to m1 for the network");
	is_int(zt_controller_request(&ctl, &m2, NWID, (const uint8_t *)meta, strlen(meta), 78,
				     NOW + 5000, &ans2),
	       0, "request from m2 (e7173b777d, authorized)");
	is_int(member_parse(&ans2, &nc2), 0, "m2's config parses");
	ok(zt_com_agrees(&nc.com, &nc2.com, &m2) && zt_com_agrees(&nc2.com, &nc.com, &m1),
	   "m1's and m2's COMs agree both ways");
	ok(!zt_com_agrees(&nc.com, &nc2.com, &m1), "m2's COM does not pass for m1's identity");

	/* A stranger on the private network: denied, recorded unauthorized. */
	is_int(zt_controller_request(&ctl, &stranger, NWID, (const uint8_t *)meta, strlen(meta), 79,
				     NOW, &ans),
	       0, "request from the stranger (a new identity)");
	is_int(ans.error, ZT_ERROR_NETWORK_ACCESS_DENIED, "denied: NETWORK_ACCESS_DENIED");
	mm = zt_controller_member_find(zt_controller_network_find(&ctl, NWID), stranger.address);
	ok(mm && !mm->authorized && mm->has_identity && mm->dirty && mm->vminor == 4,
	   "the stranger recorded, unauthorized, with its identity and version");
	is_int(zt_controller_error_payload(pl, sizeof(pl), 0xabc, NWID, ans.error), 18,
	       "ERROR payload is 18 bytes");
	ok(pl[0] == ZT_VERB_NETWORK_CONFIG_REQUEST && pl[8] == 0xbc && pl[9] == 7 && pl[17] == 1,
	   "in-re verb, packet id, code 7, nwid");
	is_int(zt_controller_member_authorize(zt_controller_network_find(&ctl, NWID), mm, true,
					      NULL, 0, NOW),
	       0, "authorize the stranger");
	zt_controller_request(&ctl, &stranger, NWID, (const uint8_t *)meta, strlen(meta), 80, NOW,
			      &ans);
	ok(ans.error == 0 && member_parse(&ans, &nc) == 0 && nc.issued_to == stranger.address,
	   "the stranger's next request gets a config");
	ok(nc.n_static_ips == 0, "no pools on the lab network: no address for the stranger");
	zt_controller_member_authorize(zt_controller_network_find(&ctl, NWID), mm, false, NULL, 0,
				       NOW);
	zt_controller_request(&ctl, &stranger, NWID, (const uint8_t *)meta, strlen(meta), 81, NOW,
			      &ans);
	is_int(ans.error, ZT_ERROR_NETWORK_ACCESS_DENIED,
	       "deauthorized: the next request is denied");

	/* Unknown network. */
	zt_controller_request(&ctl, &m1, NWID + 1, (const uint8_t *)meta, strlen(meta), 82, NOW,
			      &ans);
	is_int(ans.error, ZT_ERROR_OBJ_NOT_FOUND, "unknown network: OBJ_NOT_FOUND");

	/* A public network with a small pool: anyone is authorized, addresses never collide. */
	zt_controller_network_defaults(&t);
	t.private_net = false;
	t.v4_zt = true;
	t.n_pools = 1;
	t.pools[0].first = 0x0a000001; /* 10.0.0.1 - 10.0.0.3 */
	t.pools[0].last = 0x0a000003;
	t.n_routes = 1;
	zt_controller_parse_ip("10.0.0.0/24", &t.routes[0].target, NULL);
	n = zt_controller_network_add(&ctl, &t, 0x42, NOW, &err);
	ok(n && n->nwid == ((root.address << 24) | 0x42), "new network id = address + 000042");
	{
		const struct zt_identity *ids[3] = {&m1, &m2, &m3};
		uint8_t got[3] = {0};

		for (int k = 0; k < 3; k++) {
			zt_controller_request(&ctl, ids[k], n->nwid, NULL, 0, 90 + k, NOW, &ans);
			ok(ans.error == 0 && member_parse(&ans, &nc) == 0 && nc.n_static_ips == 1 &&
			       nc.static_ips[0].ip[0] == 10 && nc.static_ips[0].port == 24 &&
			       nc.type == ZT_NETCONF_TYPE_PUBLIC,
			   "public network: member %d authorized and given 10.0.0.x/24", k);
			got[k] = nc.static_ips[0].ip[3];
		}
		ok(got[0] != got[1] && got[1] != got[2] && got[0] != got[2] && got[0] >= 1 &&
		       got[0] <= 3 && got[1] >= 1 && got[1] <= 3 && got[2] >= 1 && got[2] <= 3,
		   "three members, three distinct addresses in the pool (%u %u %u)", got[0], got[1],
		   got[2]);
		zt_controller_request(&ctl, &m2, n->nwid, NULL, 0, 99, NOW, &ans);
		ok(member_parse(&ans, &nc) == 0 && nc.static_ips[0].ip[3] == got[1],
		   "assignments are stable across requests");
		mm = zt_controller_member_find(n, m1.address);
		{
			struct zt_inetaddr ip;

			zt_controller_parse_ip("10.0.0.7", &ip, NULL);
			zt_inetaddr_set(&ip, 4, (uint8_t[]){10, 0, 0, got[1]}, 0);
			is_int(zt_controller_member_authorize(n, mm, true, &ip, 1, NOW),
			       -EADDRINUSE, "an address another member holds is refused");
		}
	}
	{
		zt_controller_request(&ctl, &stranger, n->nwid, NULL, 0, 100, NOW, &ans);
		ok(ans.error == 0 && member_parse(&ans, &nc) == 0 && nc.n_static_ips == 0,
		   "pool exhausted: a fourth member gets a config without an address");
	}
	{
		uint64_t nwid = n->nwid; /* n is freed by the delete */

		is_int(zt_controller_network_delete(&ctl, nwid), 0, "delete the network");
		ok(!zt_controller_network_find(&ctl, nwid), "gone");
	}
	test_v6modes();
}

/* DNS settings: stock JSON shape in and out, carried in the config as the DNS blob. */
static void test_dns(void)
{
	static const char rec[] =
	    "{\"id\":\"5f4e89e209000001\",\"name\":\"ztlab\",\"private\":true,"
	    "\"routes\":[{\"target\":\"10.147.20.0/24\",\"via\":null}],"
	    "\"dns\":{\"domain\":\"lab.zt\",\"servers\":[\"10.147.20.11\",\"fd00::53/5353\","
	    "\"10.147.20.12\",\"10.147.20.13\",\"10.147.20.14\"]}}";
	static const char *bad[] = {
	    "{\"id\":\"5f4e89e209000001\",\"dns\":{\"servers\":[\"10.1.2.300\"]}}",
	    "{\"id\":\"5f4e89e209000001\",\"dns\":{\"servers\":[53]}}",
	    "{\"id\":\"5f4e89e209000001\",\"dns\":{\"servers\":[\"10.1.2.3/0\"]}}",
	    "{\"id\":\"5f4e89e209000001\",\"dns\":\"lab\"}",
	    "{\"id\":\"5f4e89e209000001\",\"dns\":{\"domain\":7}}",
	};
	static const char none[] = "{\"id\":\"5f4e89e209000001\",\"dns\":[]}";
	struct zt_controller_network *n;
	char err[160], *out, big[400];
	size_t ol;

	is_int(zt_controller_load_network(&ctl, rec, strlen(rec), err, sizeof(err)), 0,
	       "a record with dns {domain, servers} loads");
	n = zt_controller_network_find(&ctl, NWID);
	ok(n && n->has_dns && !strcmp(n->dns_domain, "lab.zt") && n->n_dns == 4 &&
	       n->dns_servers[0].family == 4 && n->dns_servers[0].port == 0 &&
	       n->dns_servers[1].family == 6 && n->dns_servers[1].port == 5353,
	   "domain, 4 servers (the fifth ignored, as stock), IP/PORT keeps the port");
	zt_controller_network_json(n, &out, &ol);
	ok(strstr(out, "\"dns\":{\"domain\":\"lab.zt\",\"servers\":[\"10.147.20.11\","
		       "\"fd00::53/5353\",\"10.147.20.12\",\"10.147.20.13\"]},\"enableBroadcast\""),
	   "written back in the stock shape, in key order");
	free(out);
	is_int(zt_controller_request(&ctl, &m1, NWID, (const uint8_t *)meta, strlen(meta), 80, NOW,
				     &ans),
	       0, "m1 asks again");
	is_int(member_parse(&ans, &nc), 0, "its config parses");
	ok(nc.has_dns && !strcmp(nc.dns_domain, "lab.zt") && nc.dns_servers[0].family == 4 &&
	       !memcmp(nc.dns_servers[0].ip, "\x0a\x93\x14\x0b", 4) &&
	       nc.dns_servers[1].port == 5353 && nc.dns_servers[3].ip[3] == 13,
	   "the config carries the domain and the servers (DNS blob)");
	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		err[0] = 0;
		ok(zt_controller_load_network(&ctl, bad[k], strlen(bad[k]), err, sizeof(err)) ==
			   -EBADMSG &&
		       strstr(err, "dns"),
		   "bad dns refused with a reason: %s", err);
	}
	memset(big, 'a', sizeof(big));
	memcpy(big, "{\"id\":\"5f4e89e209000001\",\"dns\":{\"domain\":\"", 42);
	memcpy(big + 42 + 200, "\"}}", 4);
	ok(zt_controller_load_network(&ctl, big, strlen(big), err, sizeof(err)) == -EBADMSG &&
	       strstr(err, "127"),
	   "a 200-byte domain is refused (the config holds 127)");
	is_int(zt_controller_load_network(&ctl, none, strlen(none), err, sizeof(err)), 0,
	       "dns [] loads");
	n = zt_controller_network_find(&ctl, NWID);
	ok(n && !n->has_dns, "and means none");
	zt_controller_network_json(n, &out, &ol);
	ok(strstr(out, "\"dns\":[],") != NULL, "written as [] again");
	free(out);
	is_int(zt_controller_request(&ctl, &m1, NWID, (const uint8_t *)meta, strlen(meta), 81, NOW,
				     &ans),
	       0, "m1 asks again");
	ok(member_parse(&ans, &nc) == 0 && nc.has_dns && !nc.dns_domain[0] &&
	       nc.dns_servers[0].family == 0,
	   "the config's DNS blob is empty, as 1.14 sends it");
}

/* IPv6 pools: kept in the record beside the IPv4 ones, and with v6AssignMode.zt each member gets
 * one address of them that no other member has, with the netmask bits of its route. */
static void test_v6pools(void)
{
	static const char rec[] =
	    "{\"id\":\"5f4e89e209000001\",\"name\":\"mixed\",\"v6AssignMode\":{\"zt\":true},"
	    "\"ipAssignmentPools\":[{\"ipRangeStart\":\"fd00::10\",\"ipRangeEnd\":\"fd00::ff\"},"
	    "{\"ipRangeStart\":\"10.9.0.1\",\"ipRangeEnd\":\"10.9.0.9\"},"
	    "{\"ipRangeStart\":\"fd00:1::\",\"ipRangeEnd\":\"fd00:1::ffff:ffff:ffff\"}],"
	    "\"routes\":[{\"target\":\"fd00::/64\",\"via\":null}]}";
	static const char badfam[] =
	    "{\"id\":\"5f4e89e209000001\",\"ipAssignmentPools\":[{\"ipRangeStart\":\"fd00::1\","
	    "\"ipRangeEnd\":\"10.0.0.1\"}]}";
	const struct zt_identity *ids[3] = {&m1, &m2, &m3};
	struct zt_controller_network *n, t;
	char err[160], *out, *out2;
	size_t ol, ol2;
	uint8_t got[3] = {0};
	int e;

	is_int(zt_controller_load_network(&ctl, rec, strlen(rec), err, sizeof(err)), 0,
	       "a record with IPv4 and IPv6 pools loads");
	n = zt_controller_network_find(&ctl, NWID);
	ok(n && n->n_pools == 1 && n->n_pools6 == 2 && n->v6_zt &&
	       !memcmp(n->pools6[0].first, "\xfd\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x10", 16) &&
	       !memcmp(n->pools6[0].last, "\xfd\0\0\0\0\0\0\0\0\0\0\0\0\0\0\xff", 16),
	   "one IPv4 pool, two IPv6 pools kept");
	zt_controller_network_json(n, &out, &ol);
	ok(strstr(out,
		  "\"ipAssignmentPools\":[{\"ipRangeEnd\":\"10.9.0.9\",\"ipRangeStart\":"
		  "\"10.9.0.1\"},{\"ipRangeEnd\":\"fd00::ff\",\"ipRangeStart\":\"fd00::10\"},"
		  "{\"ipRangeEnd\":\"fd00:1::ffff:ffff:ffff\",\"ipRangeStart\":\"fd00:1::\"}]") !=
	       NULL,
	   "written back with the IPv6 pools in the stock shape");
	is_int(zt_controller_load_network(&ctl, out, ol, err, sizeof(err)), 0, "which loads again");
	n = zt_controller_network_find(&ctl, NWID);
	zt_controller_network_json(n, &out2, &ol2);
	ok(ol == ol2 && !memcmp(out, out2, ol), "and is written the same: the record round-trips");
	free(out);
	free(out2);
	err[0] = 0;
	ok(zt_controller_load_network(&ctl, badfam, strlen(badfam), err, sizeof(err)) == -EBADMSG &&
	       strstr(err, "ipAssignmentPools"),
	   "a pool from IPv6 to IPv4 is refused: %s", err);

	/* Three addresses, three members: all in the pool, distinct, /64 from the route. */
	zt_controller_network_defaults(&t);
	t.private_net = false;
	t.v6_zt = true;
	t.n_pools6 = 1;
	inet_pton(AF_INET6, "fd00::10", t.pools6[0].first);
	inet_pton(AF_INET6, "fd00::12", t.pools6[0].last);
	t.n_routes = 1;
	zt_controller_parse_ip("fd00::/64", &t.routes[0].target, NULL);
	n = zt_controller_network_add(&ctl, &t, 0x43, NOW, &e);
	ok(n != NULL, "a public network with a 3-address IPv6 pool");
	for (int k = 0; k < 3; k++) {
		zt_controller_request(&ctl, ids[k], n->nwid, NULL, 0, 110 + k, NOW, &ans);
		ok(ans.error == 0 && member_parse(&ans, &nc) == 0 && nc.n_static_ips == 1 &&
		       nc.static_ips[0].family == 6 && nc.static_ips[0].port == 64 &&
		       !memcmp(nc.static_ips[0].ip, "\xfd\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 15) &&
		       !(nc.flags & ZT_NETCONF_FLAG_ENABLE_IPV6_NDP_EMULATION),
		   "member %d gets fd00::x/64, no NDP emulation", k);
		got[k] = nc.static_ips[0].ip[15];
		ok(zt_controller_member_find(n, ids[k]->address)->n_ips == 1,
		   "and has it in its ipAssignments");
	}
	ok(got[0] != got[1] && got[1] != got[2] && got[0] != got[2] && got[0] >= 0x10 &&
	       got[0] <= 0x12 && got[1] >= 0x10 && got[1] <= 0x12 && got[2] >= 0x10 &&
	       got[2] <= 0x12,
	   "three distinct addresses in fd00::10-fd00::12 (%x %x %x)", got[0], got[1], got[2]);
	zt_controller_request(&ctl, &m2, n->nwid, NULL, 0, 120, NOW, &ans);
	ok(member_parse(&ans, &nc) == 0 && nc.n_static_ips == 1 &&
	       nc.static_ips[0].ip[15] == got[1],
	   "stable across requests");
	zt_controller_request(&ctl, &stranger, n->nwid, NULL, 0, 121, NOW, &ans);
	ok(ans.error == 0 && member_parse(&ans, &nc) == 0 && nc.n_static_ips == 0,
	   "pool exhausted: a fourth member gets no IPv6 address");
	zt_controller_network_delete(&ctl, n->nwid);

	/* A large pool: the address is the start plus the node address; no route, no address. */
	inet_pton(AF_INET6, "fd00:9::", t.pools6[0].first);
	inet_pton(AF_INET6, "fd00:9::ffff:ffff:ffff:ffff", t.pools6[0].last);
	zt_controller_parse_ip("fd00:9::/48", &t.routes[0].target, NULL);
	n = zt_controller_network_add(&ctl, &t, 0x44, NOW, &e);
	zt_controller_request(&ctl, &m1, n->nwid, NULL, 0, 122, NOW, &ans);
	{
		uint8_t want[16] = {0xfd, 0, 0, 9};

		for (int i = 0; i < 5; i++)
			want[11 + i] = (uint8_t)(m1.address >> (32 - 8 * i));
		ok(member_parse(&ans, &nc) == 0 && nc.n_static_ips == 1 &&
		       !memcmp(nc.static_ips[0].ip, want, 16) && nc.static_ips[0].port == 48,
		   "large pool: fd00:9:: + node address, /48 of its route");
	}
	n->routes[0].via.family = 0;
	zt_controller_parse_ip("fd01::/64", &n->routes[0].target, NULL);
	zt_controller_request(&ctl, &m2, n->nwid, NULL, 0, 123, NOW, &ans);
	ok(member_parse(&ans, &nc) == 0 && nc.n_static_ips == 0 &&
	       zt_controller_member_find(n, m2.address)->n_ips == 0,
	   "no route holds the pool: no address");
	n->v6_zt = false;
	n->routes[0] = t.routes[0];
	zt_controller_request(&ctl, &m2, n->nwid, NULL, 0, 124, NOW, &ans);
	ok(member_parse(&ans, &nc) == 0 && nc.n_static_ips == 0, "v6AssignMode.zt off: none");
	zt_controller_network_delete(&ctl, n->nwid);
}

int main(void)
{
	zt_test_load_id(&root, ZT_TEST_DATA "root.identity.secret");
	zt_test_load_id(&m1, ZT_TEST_DATA "m1.identity.public");
	zt_test_load_id(&m2, ZT_TEST_DATA "m2.identity.public");
	zt_test_load_id(&m3, ZT_TEST_DATA "m3-legacy.identity.public");
	if (zt_identity_generate(&stranger) < 0) {
		printf("Bail out! identity generation\n");
		return 1;
	}
	is_int(zt_controller_init(&ctl, &root), 0, "controller for the lab root's identity");
	test_json();
	test_vectors();
	test_requests();
	test_dns();
	test_v6pools();
	zt_controller_free(&ctl);
	return done_testing();
}
