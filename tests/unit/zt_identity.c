// SPDX-License-Identifier: BSD-2-Clause
/* Unit tests for src/zt/identity and c25519: lab identities, tampering, sign/verify, agreement. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "tap.h"
#include "zt/identity.h"

/* ZeroTierOne selftest.cpp KNOWN_GOOD_IDENTITY (golden data). */
static const char known_good[] =
    "8e4df28b72:0:ac3d46abe0c21f3cfe7a6c8d6a85cfcffcb82fbd55af6a4d6350657c68200843fa2e16f9418bbd"
    "9702cae365f2af5fb4c420908b803a681d4daef6114d78a2d7:bd8dd6e4ce7022d2f812797a80c6ee8ad180dc4e"
    "bf301dec8b06d1be08832bddd63a2f1cfa7b2c504474c75bdc8898ba476ef92e8e2d0509f8441985171ff16e";

static const struct {
	const char *node;
	uint64_t address;
} lab[] = {
    {"root", 0x5f4e89e209ULL},
    {"m1", 0x8f953d94cfULL},
    {"m2", 0xe7173b777dULL},
    {"m3-legacy", 0x282e082f37ULL},
};

#define NLAB (sizeof(lab) / sizeof(lab[0]))

static int read_file(const char *path, uint8_t *buf, size_t size, size_t *len)
{
	FILE *f = fopen(path, "rb");

	if (!f)
		return -errno;
	*len = fread(buf, 1, size - 1, f);
	buf[*len] = 0;
	fclose(f);
	return 0;
}

static int load(const char *node, const char *kind, struct zt_identity *id, char *text, size_t sz)
{
	char path[256];
	size_t len;
	int ret;

	snprintf(path, sizeof(path), "tests/data/zt/%s.identity.%s", node, kind);
	ret = read_file(path, (uint8_t *)text, sz, &len);
	if (ret)
		return ret;
	return zt_identity_from_string(id, text);
}

int main(void)
{
	struct zt_identity secret[NLAB], pub, t;
	char text[600], out[ZT_IDENTITY_STRING_LEN], hex[ZT_IDENTITY_ADDRESS_STRING_LEN];
	uint8_t bin[ZT_IDENTITY_SECRET_BIN_LEN + 4], sig[96];
	static const char msg[] = "netcon signs this";
	size_t i, j;
	int n;

	for (i = 0; i < NLAB; i++) {
		is_int(load(lab[i].node, "secret", &secret[i], text, sizeof(text)), 0,
		       "%s secret parses", lab[i].node);
		is_int(secret[i].address, lab[i].address, "%s address from text", lab[i].node);
		ok(secret[i].has_private, "%s has its private key", lab[i].node);
		is_int(zt_identity_validate(&secret[i]), 0, "%s validates (hash and key pair)",
		       lab[i].node);
		n = zt_identity_to_string(&secret[i], true, out, sizeof(out));
		ok(n == 270 && strncmp(out, text, 270) == 0, "%s secret text round trip",
		   lab[i].node);

		is_int(load(lab[i].node, "public", &pub, text, sizeof(text)), 0, "%s public parses",
		       lab[i].node);
		ok(!pub.has_private && memcmp(pub.pub, secret[i].pub, 64) == 0,
		   "%s public file matches the secret one", lab[i].node);
		is_int(zt_identity_validate(&pub), 0, "%s public validates", lab[i].node);
		n = zt_identity_to_string(&pub, false, out, sizeof(out));
		ok(n == 141 && strncmp(out, text, 141) == 0, "%s public text round trip",
		   lab[i].node);
		ok(strncmp(zt_identity_address_to_hex(pub.address, hex), text, 10) == 0 &&
		       strlen(hex) == 10,
		   "%s address hex %s", lab[i].node, hex);
	}

	/* Tampering: any byte of the public key, or the address, breaks validation. */
	{
		struct zt_identity id = secret[3];
		int bad = 0;

		id.has_private = false;
		for (j = 0; j < 64; j += 9) {
			t = id;
			t.pub[j] ^= 0x01;
			bad += zt_identity_validate(&t) == -EINVAL;
		}
		is_int(bad, 8, "flipping a public key bit breaks validation (8 positions)");
		t = id;
		t.address ^= 1;
		is_int(zt_identity_validate(&t), -EINVAL, "wrong address fails");
		t = secret[3];
		t.priv[40] ^= 0x80;
		is_int(zt_identity_validate(&t), -EINVAL, "private key not matching fails");
		t = id;
		t.address = 0;
		is_int(zt_identity_validate(&t), -EINVAL, "reserved address 0 fails");
	}

	/* selftest.cpp golden identity. */
	is_int(zt_identity_from_string(&t, known_good), 0, "KNOWN_GOOD_IDENTITY parses");
	is_int(zt_identity_validate(&t), 0, "KNOWN_GOOD_IDENTITY validates");
	t.address ^= 0x1000000000ULL;
	is_int(zt_identity_validate(&t), -EINVAL, "KNOWN_BAD (first digit changed) fails");

	/* Text parser rejects malformed input and leaves the output untouched. */
	{
		static const char *bad[] = {
		    "",
		    "8e4df28b72:0:",
		    "8e4df28b72:1:"
		    "ac3d46abe0c21f3cfe7a6c8d6a85cfcffcb82fbd55af6a4d6350657c68200843fa2e16"
		    "f9418bbd9702cae365f2af5fb4c420908b803a681d4daef6114d78a2d7",
		    "ff4df28b72:0:"
		    "ac3d46abe0c21f3cfe7a6c8d6a85cfcffcb82fbd55af6a4d6350657c68200843fa2e16"
		    "f9418bbd9702cae365f2af5fb4c420908b803a681d4daef6114d78a2d7",
		    "8e4df28b72:0:"
		    "ac3d46abe0c21f3cfe7a6c8d6a85cfcffcb82fbd55af6a4d6350657c68200843fa2e16"
		    "f9418bbd9702cae365f2af5fb4c420908b803a681d4daef6114d78a2dx",
		    "8e4df28b72:0:"
		    "ac3d46abe0c21f3cfe7a6c8d6a85cfcffcb82fbd55af6a4d6350657c68200843fa2e16"
		    "f9418bbd9702cae365f2af5fb4c420908b803a681d4daef6114d78a2d7:00",
		};
		struct zt_identity keep = secret[0], o = secret[0];
		int rej = 0;

		for (j = 0; j < sizeof(bad) / sizeof(bad[0]); j++)
			rej += zt_identity_from_string(&o, bad[j]) == -EBADMSG;
		is_int(rej, (int)(sizeof(bad) / sizeof(bad[0])), "malformed text rejected");
		ok(memcmp(&o, &keep, sizeof(o)) == 0, "output untouched on failure");
	}

	/* Binary form. */
	n = zt_identity_serialize(&secret[0], false, bin, sizeof(bin));
	is_int(n, 71, "public binary is 71 bytes");
	ok(bin[0] == 0x5f && bin[4] == 0x09 && bin[5] == 0 && bin[70] == 0 &&
	       memcmp(bin + 6, secret[0].pub, 64) == 0,
	   "public binary layout");
	is_int(zt_identity_deserialize(&t, bin, (size_t)n), 71, "public binary parses");
	ok(t.address == secret[0].address && !t.has_private, "public binary round trip");
	is_int(zt_identity_deserialize(&t, bin, 70), -EBADMSG, "truncated binary rejected");
	n = zt_identity_serialize(&secret[0], true, bin, sizeof(bin));
	is_int(n, 135, "secret binary is 135 bytes");
	is_int(zt_identity_deserialize(&t, bin, sizeof(bin)), 135, "secret binary parses");
	ok(memcmp(&t, &secret[0], sizeof(t)) == 0, "secret binary round trip");
	bin[70] = 32;
	is_int(zt_identity_deserialize(&t, bin, sizeof(bin)), -EBADMSG,
	       "private length other than 0/64 rejected");
	is_int(zt_identity_serialize(&secret[0], true, bin, 100), -ENOSPC, "short buffer: ENOSPC");

	/* Sign and verify. */
	is_int(zt_identity_sign(&secret[1], msg, sizeof(msg), sig), 0, "m1 signs");
	is_int(load("m1", "public", &pub, text, sizeof(text)), 0, "m1 public loads");
	ok(zt_identity_verify(&pub, msg, sizeof(msg), sig, 96), "m1's signature verifies");
	ok(!zt_identity_verify(&pub, msg, sizeof(msg) - 1, sig, 96), "other message fails");
	ok(!zt_identity_verify(&secret[2], msg, sizeof(msg), sig, 96), "other key fails");
	ok(!zt_identity_verify(&pub, msg, sizeof(msg), sig, 95), "siglen 95 fails");
	{
		int bad = 0;

		for (j = 0; j < 96; j++) {
			sig[j] ^= 0x04;
			bad += !zt_identity_verify(&pub, msg, sizeof(msg), sig, 96);
			sig[j] ^= 0x04;
		}
		is_int(bad, 96, "every flipped signature byte fails");
	}
	is_int(zt_identity_sign(&pub, msg, sizeof(msg), sig), -EINVAL, "no private key: EINVAL");

	/* A real signature made by stock ZeroTier: the lab planet, signed form
	 * 0x7f*8 || planet without its signature || 0xf7*8, checked with the key it carries. */
	{
		uint8_t planet[300], signed_form[300];
		size_t len = 0, sl;

		is_int(read_file("tests/data/zt/planet.bin", planet, sizeof(planet), &len), 0,
		       "planet.bin reads");
		is_int(len, 257, "planet is 257 bytes");
		memset(signed_form, 0x7f, 8);
		memcpy(signed_form + 8, planet, 81);
		memcpy(signed_form + 89, planet + 177, len - 177);
		sl = 89 + len - 177;
		memset(signed_form + sl, 0xf7, 8);
		sl += 8;
		ok(zt_c25519_verify(planet + 17, signed_form, sl, planet + 81, 96) == 0,
		   "planet signature by stock mkworld verifies");
		signed_form[20] ^= 1;
		ok(zt_c25519_verify(planet + 17, signed_form, sl, planet + 81, 96) == -EBADMSG,
		   "altered planet fails");
	}

	/* Agreement is symmetric for every pair and differs between pairs. */
	{
		uint8_t k1[48], k2[48], k3[48];
		int sym = 0;

		for (i = 0; i < NLAB; i++)
			for (j = 0; j < NLAB; j++) {
				if (i == j)
					continue;
				zt_identity_agree(&secret[i], &secret[j], k1);
				zt_identity_agree(&secret[j], &secret[i], k2);
				sym += memcmp(k1, k2, 48) == 0;
			}
		is_int(sym, (int)(NLAB * (NLAB - 1)), "agreement symmetric for all pairs");
		zt_identity_agree(&secret[0], &secret[1], k1);
		zt_identity_agree(&secret[0], &secret[2], k3);
		ok(memcmp(k1, k3, 48) != 0, "different pairs give different keys");
		is_int(zt_identity_agree(&pub, &secret[0], k1), -EINVAL,
		       "agree needs a private key");
	}

	/* Generation: a new identity validates and survives its text form. */
	{
		struct zt_identity g, g2;

		is_int(zt_identity_generate(&g), 0, "generate");
		is_int(zt_identity_validate(&g), 0, "generated identity validates");
		n = zt_identity_to_string(&g, true, out, sizeof(out));
		is_int(zt_identity_from_string(&g2, out), 0, "generated text parses");
		ok(memcmp(&g, &g2, sizeof(g)) == 0, "generated text round trip");
		diag("generated %s", zt_identity_address_to_hex(g.address, hex));
	}
	return done_testing();
}
