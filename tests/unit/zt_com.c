// SPDX-License-Identifier: BSD-2-Clause
/* CertificateOfMembership: the lab members' certificates verify, agree, and re-sign identically. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "zt_testutil.h"
#include "zt/com.h"
#include "zt/dictionary.h"
#include "zt/identity.h"

#define NWID 0x5f4e89e209000001ULL

/* The COM bytes from a member's saved network config. */
static int member_com(const char *home, uint8_t *out, size_t size)
{
	static char text[8192];
	char path[128];
	struct zt_dict d;
	size_t n;

	snprintf(path, sizeof(path), "tests/data/zt/homes/%s/networks.d/5f4e89e209000001.conf",
		 home);
	n = zt_test_slurp(path, text, sizeof(text));
	zt_dict_view(&d, text, n);
	return zt_dict_get(&d, "C", out, size);
}

int main(void)
{
	struct zt_identity root, m1, m2, m3, root_secret;
	uint8_t b1[400], b2[400], b3[400], out[400], bad[400];
	struct zt_com c1, c2, c3, t;
	int n1, n2, n3, r;
	uint64_t v;

	zt_test_load_id(&root, ZT_TEST_DATA "root.identity.public");
	zt_test_load_id(&root_secret, ZT_TEST_DATA "root.identity.secret");
	zt_test_load_id(&m1, ZT_TEST_DATA "m1.identity.public");
	zt_test_load_id(&m2, ZT_TEST_DATA "m2.identity.public");
	zt_test_load_id(&m3, ZT_TEST_DATA "m3-legacy.identity.public");

	n1 = member_com("m1", b1, sizeof(b1));
	n2 = member_com("m2", b2, sizeof(b2));
	n3 = member_com("m3-legacy", b3, sizeof(b3));
	ok(n1 == 272 && n2 == 272 && n3 == 272, "three 272-byte COMs in the saved configs");
	is_int(zt_com_deserialize(&c1, b1, n1), 272, "m1 COM parses, all bytes consumed");
	is_int(zt_com_deserialize(&c2, b2, n2), 272, "m2 COM parses");
	is_int(zt_com_deserialize(&c3, b3, n3), 272, "m3 COM parses");
	is_int(c1.count, 7, "seven qualifiers");
	ok(c1.signed_by == 0x5f4e89e209ULL, "signed by the controller 5f4e89e209");
	ok(zt_com_network_id(&c1) == NWID && zt_com_network_id(&c2) == NWID &&
	       zt_com_network_id(&c3) == NWID,
	   "network id 5f4e89e209000001 in each");
	ok(zt_com_issued_to(&c1) == 0x8f953d94cfULL, "m1's COM issued to 8f953d94cf");
	ok(zt_com_issued_to(&c2) == 0xe7173b777dULL, "m2's COM issued to e7173b777d");
	ok(zt_com_issued_to(&c3) == 0x282e082f37ULL, "m3's COM issued to 282e082f37");
	ok(zt_com_timestamp(&c1) == 0x1a2278ae93aULL && c1.q[0].max_delta == 0x1b7740,
	   "m1 timestamp and ctmd");
	ok(c1.q[3].id == 3 && c1.q[3].value == 0x6bdedc7356b4886eULL &&
	       c1.q[3].max_delta == UINT64_MAX,
	   "qualifier 3 = 6bdedc7356b4886e");

	is_int(zt_com_verify(&c1, &root), 0, "m1 COM verifies against the controller");
	is_int(zt_com_verify(&c2, &root), 0, "m2 COM verifies");
	is_int(zt_com_verify(&c3, &root), 0, "m3 COM verifies");
	is_int(zt_com_verify(&c1, &m1), -EACCES, "not against another identity");

	ok(zt_com_agrees(&c1, &c2, &m2), "m1 accepts m2's COM");
	ok(zt_com_agrees(&c2, &c1, &m1), "m2 accepts m1's COM");
	ok(zt_com_agrees(&c1, &c3, &m3) && zt_com_agrees(&c3, &c1, &m1), "m1 and m3 agree");
	ok(!zt_com_agrees(&c1, &c2, &m3), "m2's COM presented by m3: key hash mismatch");
	ok(!zt_com_agrees(&c1, &c1, &m2), "m1's COM presented by m2: key hash mismatch");

	/* The key hash: SHA-384(address || public key), first 32 bytes. */
	{
		uint8_t h[48];

		zt_com_identity_hash(&m1, h);
		ok(h[0] == 0x6b && h[1] == 0xde && h[7] == 0x6e && h[8] == 0x29 && h[9] == 0x92,
		   "our SHA-384 of m1 gives the controller's qualifiers 3 and 4");
	}

	/* Agreement: timestamps within ctmd only; a missing qualifier fails. */
	t = c2;
	t.q[0].value = zt_com_timestamp(&c1) + 0x1b7740;
	ok(zt_com_agrees(&c1, &t, &m2), "timestamp delta == ctmd agrees");
	t.q[0].value++;
	ok(!zt_com_agrees(&c1, &t, &m2), "timestamp delta > ctmd does not");
	t = c2;
	t.q[1].value ^= 1;
	ok(!zt_com_agrees(&c1, &t, &m2), "another network does not agree");
	t = c2;
	t.count = 3;
	ok(!zt_com_agrees(&c1, &t, &m2), "their COM without the key hash does not agree");
	t = c1;
	t.count = 3;
	ok(zt_com_agrees(&t, &c2, &m2), "ours without the key hash skips that check");

	/* Serialization round trip and tampering. */
	is_int(zt_com_serialize(&c1, out, sizeof(out)), 272, "serialize 272 bytes");
	ok(!memcmp(out, b1, 272), "byte-identical to the controller's");
	is_int(zt_com_serialize(&c1, out, 271), -ENOSPC, "-ENOSPC when short");
	for (int i = 3; i < 272; i += 13) {
		memcpy(bad, b1, 272);
		bad[i] ^= 0x04;
		r = zt_com_deserialize(&t, bad, 272);
		if (r >= 0 && zt_com_verify(&t, &root) == 0) {
			ok(0, "flipping byte %d is caught", i);
			break;
		}
		if (i + 13 >= 272)
			ok(1, "flipping any of 21 bytes across the COM breaks it");
	}
	memcpy(bad, b1, 272);
	bad[200] ^= 0x80;
	is_int(zt_com_deserialize(&t, bad, 272), 272, "signature-flipped COM still parses");
	is_int(zt_com_verify(&t, &root), -EBADMSG, "and fails verification");

	/* Parser bounds: every truncation, bad type, too many, unsorted. */
	memset(&t, 0xa5, sizeof(t));
	r = 0;
	for (int len = 0; len < 272; len++)
		if (zt_com_deserialize(&t, b1, len) != -EBADMSG)
			r++;
	is_int(r, 0, "every truncation is -EBADMSG");
	ok(t.count == 0xa5a5a5a5u, "and leaves the output untouched");
	memcpy(bad, b1, 272);
	bad[0] = 2;
	is_int(zt_com_deserialize(&t, bad, 272), -EBADMSG, "type 2 refused");
	memcpy(bad, b1, 272);
	bad[2] = 9;
	is_int(zt_com_deserialize(&t, bad, 272), -EBADMSG, "9 qualifiers refused");
	memcpy(bad, b1, 272);
	bad[3 + 24 + 7] = 7; /* qualifier 1's id becomes 7, before 2 */
	is_int(zt_com_deserialize(&t, bad, 272), -EBADMSG, "unsorted ids refused");
	{
		uint8_t u[3 + 24 + 5] = {1, 0, 1};

		is_int(zt_com_deserialize(&t, u, sizeof(u)), (int)sizeof(u),
		       "unsigned COM: no signature follows");
		is_int(zt_com_verify(&t, &root), -EACCES, "an unsigned COM does not verify");
	}

	/* Issue m1's certificate again: Ed25519 is deterministic, so the bytes must be the lab's. */
	is_int(zt_com_init(&t, 0x1a2278ae93aULL, 0x1b7740, NWID, &m1), 0, "init a COM for m1");
	is_int(zt_com_sign(&t, &root), -EINVAL, "cannot sign without the private key");
	is_int(zt_com_sign(&t, &root_secret), 0, "sign with the controller's secret");
	is_int(zt_com_serialize(&t, out, sizeof(out)), 272, "272 bytes");
	ok(!memcmp(out, b1, 272), "identical to the COM the stock controller issued");
	is_int(zt_com_get(&t, 99, &v), -ENOENT, "absent qualifier: -ENOENT");
	{
		struct zt_identity other = root_secret;

		other.address = 0x1122334455ULL;
		zt_com_sign(&t, &other);
		is_int(zt_com_verify(&t, &root), -EACCES, "signer not the network's controller");
	}
	return done_testing();
}
