// SPDX-License-Identifier: BSD-2-Clause
/* World: the lab planet and ZeroTier's public planet parse and verify; sign, update, tamper. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "zt_testutil.h"
#include "zt/c25519.h"
#include "zt/world.h"

static struct zt_world w, t;

static void test_lab_planet(void)
{
	uint8_t buf[1024], out[1024], bad[1024];
	char s[ZT_INETADDR_STRLEN], idtext[300], roottext[300];
	size_t n = zt_test_slurp("tests/data/zt/planet.bin", buf, sizeof(buf));
	int r, caught;

	is_int(n, 257, "planet.bin is 257 bytes");
	is_int(zt_world_deserialize(&w, buf, n), 257, "parses, all bytes consumed");
	is_int(w.type, ZT_WORLD_TYPE_PLANET, "a planet");
	ok(w.id == 2054450274ULL, "world id 2054450274");
	ok(w.timestamp == 0x1a2278521e0ULL, "timestamp 0x1a2278521e0");
	is_int(w.n_roots, 1, "one root");
	ok(w.roots[0].identity.address == 0x5f4e89e209ULL, "root 5f4e89e209");
	ok(!w.roots[0].identity.has_private, "public identity only");
	zt_identity_to_string(&w.roots[0].identity, false, idtext, sizeof(idtext));
	memset(roottext, 0, sizeof(roottext));
	zt_test_slurp("tests/data/zt/root.identity.public", roottext, sizeof(roottext) - 1);
	roottext[strcspn(roottext, "\r\n")] = '\0';
	ok(!strcmp(idtext, roottext), "root identity is the controller's identity.public");
	is_int(w.roots[0].n_endpoints, 1, "one endpoint");
	ok(!strcmp(zt_inetaddr_to_string(&w.roots[0].endpoints[0], s), "10.213.0.1/9993"),
	   "endpoint 10.213.0.1/9993");
	is_int(zt_world_verify(&w, w.update_key), 0, "signature verifies with its update key");
	is_int(zt_world_verify(&w, w.roots[0].identity.pub), -EBADMSG,
	       "not with the root's identity key");
	is_int(zt_world_serialize(&w, false, out, sizeof(out)), 257, "serializes to 257 bytes");
	ok(!memcmp(out, buf, 257), "byte-identical");
	r = zt_world_serialize(&w, true, out, sizeof(out));
	is_int(r, 257 - 96 + 16, "signed form: no signature, 16 marker bytes");
	ok(out[0] == 0x7f && out[7] == 0x7f && out[r - 1] == 0xf7 && out[r - 8] == 0xf7,
	   "markers 7f.. and ..f7");
	is_int(zt_world_serialize(&w, false, out, 256), -ENOSPC, "-ENOSPC when short");

	caught = 0;
	for (size_t i = 0; i < n; i++) {
		memcpy(bad, buf, n);
		bad[i] ^= 0x01;
		r = zt_world_deserialize(&t, bad, n);
		if (r < 0 || zt_world_verify(&t, w.update_key) < 0 || r != (int)n)
			caught++;
	}
	is_int(caught, (int)n, "flipping any bit-0 of the 257 bytes is caught");
	memset(&t, 0x5a, sizeof(t));
	caught = 0;
	for (size_t len = 0; len < n; len++)
		caught += zt_world_deserialize(&t, buf, len) == -EBADMSG;
	is_int(caught, (int)n, "every truncation is -EBADMSG");
	ok(t.type == 0x5a && t.n_roots == 0x5a5a5a5au, "output untouched on failure");
	memcpy(bad, buf, n);
	bad[0] = 2;
	is_int(zt_world_deserialize(&t, bad, n), -EBADMSG, "type 2 refused");
	memcpy(bad, buf, n);
	bad[177] = 5;
	is_int(zt_world_deserialize(&t, bad, n), -EBADMSG, "5 roots refused");
}

static void test_public_planet(void)
{
	static const uint64_t roots[4] = {0xcafe9efeb9ULL, 0x778cde7190ULL, 0x62f865ae71ULL,
					  0xcafe04eba9ULL};
	uint8_t buf[1024];
	size_t n = zt_test_slurp("tests/data/zt/public-planet.bin", buf, sizeof(buf));
	int good = 0;
	char s[ZT_INETADDR_STRLEN];

	is_int(n, 570, "public planet is 570 bytes");
	is_int(zt_world_deserialize(&w, buf, n), 570, "parses");
	ok(w.id == ZT_WORLD_ID_EARTH && w.timestamp == 1644592324813ULL,
	   "world 149604618, timestamp 1644592324813");
	is_int(w.n_roots, 4, "four roots");
	for (int i = 0; i < 4; i++)
		good +=
		    w.roots[i].identity.address == roots[i] && w.roots[i].n_endpoints == 2 &&
		    w.roots[i].endpoints[0].family == 4 && w.roots[i].endpoints[1].family == 6 &&
		    w.roots[i].endpoints[0].port == 9993 && w.roots[i].endpoints[1].port == 9993;
	is_int(good, 4, "cafe9efeb9 778cde7190 62f865ae71 cafe04eba9, IPv4+IPv6 on 9993 each");
	zt_inetaddr_to_string(&w.roots[0].endpoints[1], s);
	ok(strchr(s, ':') && strstr(s, "/9993"), "IPv6 endpoint written IP/PORT (%s)", s);
	is_int(zt_world_verify(&w, w.update_key), 0, "signature verifies");
}

static void test_sign_update(void)
{
	uint8_t pub[64], priv[64], pub2[64], priv2[64], buf[ZT_WORLD_MAX_SIZE];
	struct zt_world cur, upd;
	int n;

	zt_c25519_generate(pub, priv);
	zt_c25519_generate(pub2, priv2);
	n = (int)zt_test_slurp("tests/data/zt/planet.bin", buf, sizeof(buf));
	zt_world_deserialize(&cur, buf, (size_t)n);
	cur.type = ZT_WORLD_TYPE_MOON;
	cur.id = 0x5f4e89e209ULL;
	cur.roots[1] = cur.roots[0];
	cur.roots[1].n_endpoints = 2;
	zt_inetaddr_from_string(&cur.roots[1].endpoints[1], "fd00::1/9993");
	cur.n_roots = 2;
	is_int(zt_world_sign(&cur, pub, priv), 0, "sign a new moon");
	ok(!memcmp(cur.update_key, pub, 64), "its update key is the signing key");
	n = zt_world_serialize(&cur, false, buf, sizeof(buf));
	is_int(n, 257 + 71 + 1 + 7 + 19 + 2, "moon with two roots: 357 bytes");
	is_int(zt_world_deserialize(&upd, buf, (size_t)n), n, "parses back");
	is_int(zt_world_verify(&upd, pub), 0, "verifies");
	is_int(zt_world_verify(&upd, pub2), -EBADMSG, "not with another key");
	is_int(upd.n_roots, 2, "two roots back");
	ok(zt_inetaddr_equal(&upd.roots[1].endpoints[1], &cur.roots[1].endpoints[1]),
	   "IPv6 endpoint back");
	is_int(zt_world_deserialize(&upd, buf, (size_t)n - 1), -EBADMSG,
	       "moon without its dictionary length: -EBADMSG");

	upd = cur;
	upd.timestamp++;
	zt_world_sign(&upd, pub, priv);
	ok(zt_world_should_replace(&cur, &upd), "newer, same key: replaces");
	ok(!zt_world_should_replace(&upd, &cur), "older: does not");
	upd.timestamp++;
	zt_world_sign(&upd, pub2, priv2);
	ok(!zt_world_should_replace(&cur, &upd), "newer but another key: does not");
	upd = cur;
	upd.timestamp++;
	upd.id++;
	zt_world_sign(&upd, pub, priv);
	ok(!zt_world_should_replace(&cur, &upd), "another world id: does not");
	memset(&cur, 0, sizeof(cur));
	ok(zt_world_should_replace(&cur, &upd), "no world yet: anything replaces it");
}

int main(void)
{
	test_lab_planet();
	test_public_planet();
	test_sign_update();
	return done_testing();
}
