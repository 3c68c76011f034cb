// SPDX-License-Identifier: BSD-2-Clause
/* rfc4193 and 6plane address derivations against published and hand-computed vectors, and the
 * NDP emulation: which solicitations are answered, and the advertisement's bytes. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "tap.h"
#include "zt/inetaddr.h"
#include "zt/ndp.h"

static const char *v6(const struct zt_inetaddr *a, char *buf)
{
	return inet_ntop(AF_INET6, a->ip, buf, 64);
}

static void test_derivations(void)
{
	/* Published by ZeroTier staff (gist laduke/fa1e9a68...: "ZeroTier 6PLANE and RFC4193
	 * address calculation"), for network 9bee8941b5de0691 and node 1234512345, and a second
	 * 6plane one for 1d7193940403e728 / 12345fedcb. */
	static const struct {
		uint64_t nwid, node;
		const char *rfc4193, *plane;
	} vec[] = {
	    {0x9bee8941b5de0691ULL, 0x1234512345ULL, "fd9b:ee89:41b5:de06:9199:9312:3451:2345",
	     "fc2e:308f:d012:3451:2345::1"},
	    {0x1d7193940403e728ULL, 0x12345fedcbULL, "fd1d:7193:9404:3e7:2899:9312:345f:edcb",
	     "fc19:7274:bc12:345f:edcb::1"},
	    /* The lab network of zt-vectors and its members m1 and m2 (by hand from the formula). */
	    {0x5f4e89e209000001ULL, 0x8f953d94cfULL, "fd5f:4e89:e209:0:199:938f:953d:94cf",
	     "fc56:4e89:e38f:953d:94cf::1"},
	    {0x5f4e89e209000001ULL, 0xe7173b777dULL, "fd5f:4e89:e209:0:199:93e7:173b:777d",
	     "fc56:4e89:e3e7:173b:777d::1"},
	};
	struct zt_inetaddr a;
	char buf[64];

	for (size_t i = 0; i < sizeof(vec) / sizeof(vec[0]); i++) {
		zt_inetaddr_rfc4193(&a, vec[i].nwid, vec[i].node);
		ok(a.family == 6 && a.port == 88 && !strcmp(v6(&a, buf), vec[i].rfc4193),
		   "rfc4193 %016llx/%010llx = %s/88 (got %s/%u)", (unsigned long long)vec[i].nwid,
		   (unsigned long long)vec[i].node, vec[i].rfc4193, buf, a.port);
		zt_inetaddr_6plane(&a, vec[i].nwid, vec[i].node);
		ok(a.family == 6 && a.port == 40 && !strcmp(v6(&a, buf), vec[i].plane),
		   "6plane %016llx/%010llx = %s/40 (got %s/%u)", (unsigned long long)vec[i].nwid,
		   (unsigned long long)vec[i].node, vec[i].plane, buf, a.port);
	}
	zt_inetaddr_rfc4193(&a, 0x5f4e89e209000001ULL, 0xff8f953d94cfULL);
	ok(!strcmp(v6(&a, buf), "fd5f:4e89:e209:0:199:938f:953d:94cf"),
	   "only the low 40 bits of the node address are used");
}

#define NWID 0x5f4e89e209000001ULL
#define M1 0x8f953d94cfULL
#define M2 0xe7173b777dULL

/* A neighbor solicitation as lwIP sends it: from src for target, to the solicited-node group. */
static size_t make_ns(uint8_t *p, const uint8_t src[16], const uint8_t target[16])
{
	memset(p, 0, 72);
	p[0] = 0x60;
	p[5] = 32;
	p[6] = 58;
	p[7] = 255;
	memcpy(p + 8, src, 16);
	p[24] = 0xff;
	p[25] = 0x02;
	p[35] = 1;
	p[36] = 0xff;
	memcpy(p + 37, target + 13, 3);
	p[40] = 135;
	memcpy(p + 48, target, 16);
	p[64] = 1;
	p[65] = 1;
	return 72;
}

/* The one's-complement sum of the ICMPv6 message with its pseudo-header: 0xffff when valid. */
static unsigned icmp6_sum(const uint8_t *p, size_t len)
{
	uint32_t s = 0;
	size_t plen = len - 40;

	for (int i = 8; i < 40; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	s += (uint32_t)plen + 58;
	for (size_t i = 40; i + 1 < len; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return s;
}

static void test_emulation(void)
{
	struct zt_inetaddr mine[3], r2, p2, other;
	const struct zt_inetaddr *m;
	const uint8_t *target;
	uint8_t ns[72], na[ZT_NDP_NA_LEN];
	static const uint8_t mac[6] = {0x5e, 0x11, 0x22, 0x33, 0x44, 0x55};

	/* m1's static IPs: an IPv4 one, its rfc4193 and 6plane addresses. */
	zt_inetaddr_set(&mine[0], 4, (uint8_t[]){10, 1, 2, 3}, 24);
	zt_inetaddr_rfc4193(&mine[1], NWID, M1);
	zt_inetaddr_6plane(&mine[2], NWID, M1);
	zt_inetaddr_rfc4193(&r2, NWID, M2);
	zt_inetaddr_6plane(&p2, NWID, M2);
	is_int(zt_ndp_embedded(NWID, mine, 3, r2.ip, &m), M2, "m2's rfc4193 address embeds m2");
	ok(m == &mine[1], "matched by our rfc4193 address");
	is_int(zt_ndp_embedded(NWID, mine, 3, p2.ip, &m), M2, "m2's 6plane address embeds m2");
	ok(m == &mine[2], "matched by our 6plane address");
	p2.ip[15] = 0x77; /* anywhere in m2's /80 */
	p2.ip[11] = 0x42;
	is_int(zt_ndp_embedded(NWID, mine, 3, p2.ip, &m), M2, "any address in m2's /80 is m2's");
	zt_inetaddr_rfc4193(&other, NWID + 1, M2);
	is_int(zt_ndp_embedded(NWID, mine, 3, other.ip, &m), 0, "another network's rfc4193: no");
	zt_inetaddr_6plane(&other, NWID ^ 0x100000000ULL, M2);
	is_int(zt_ndp_embedded(NWID, mine, 3, other.ip, &m), 0, "another network's 6plane: no");
	mine[1].port = 64;
	is_int(zt_ndp_embedded(NWID, mine, 2, r2.ip, &m), 0,
	       "an rfc4193-looking address with another netmask does not count");
	mine[1].port = 88;
	is_int(zt_ndp_embedded(NWID, mine, 1, r2.ip, &m), 0, "without such an address of ours: no");

	make_ns(ns, mine[1].ip, r2.ip);
	is_int(zt_ndp_solicitation(ns, sizeof(ns), &target), 0, "a solicitation is recognized");
	ok(target == ns + 48, "its target");
	is_int(zt_ndp_solicitation(ns, 63, &target), -EBADMSG, "short: no");
	ns[40] = 136;
	is_int(zt_ndp_solicitation(ns, sizeof(ns), &target), -EBADMSG, "an advertisement: no");
	ns[40] = 135;
	ns[6] = 0; /* hop-by-hop options first */
	is_int(zt_ndp_solicitation(ns, sizeof(ns), &target), -EBADMSG,
	       "behind an extension header: not recognized (as ZeroTier)");

	zt_ndp_advert(na, r2.ip, mine[1].ip, mac);
	ok(na[0] == 0x60 && na[4] == 0 && na[5] == 32 && na[6] == 58 && na[7] == 255,
	   "IPv6 header: payload 32, ICMPv6, hop limit 255");
	ok(!memcmp(na + 8, r2.ip, 16) && !memcmp(na + 24, mine[1].ip, 16),
	   "from the target to our address");
	ok(na[40] == 136 && na[41] == 0 && na[44] == 0x60 && !memcmp(na + 48, r2.ip, 16),
	   "NA, flags solicited|override, target");
	ok(na[64] == 2 && na[65] == 1 && !memcmp(na + 66, mac, 6),
	   "target link-layer option: the MAC");
	is_int(icmp6_sum(na, sizeof(na)), 0xffff, "ICMPv6 checksum verifies");
}

int main(void)
{
	test_derivations();
	test_emulation();
	return done_testing();
}
