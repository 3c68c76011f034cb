// SPDX-License-Identifier: BSD-2-Clause
/* Revocation: the wire and signed layouts byte by byte, sign/verify, tampering, bad input. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "zt_testutil.h"
#include "zt/identity.h"
#include "zt/packet.h"
#include "zt/revocation.h"

#define NWID 0x5f4e89e209000001ULL

/* The fields as Revocation.hpp lays them out, written here independently of the module. */
static size_t fields(uint8_t *p, uint64_t signer)
{
	/* clang-format off */
	static const uint8_t f[] = {
		0, 0, 0, 0,				/* unused */
		0xde, 0xad, 0xbe, 0xef,			/* id */
		0x5f, 0x4e, 0x89, 0xe2, 0x09, 0, 0, 1,	/* network id */
		0, 0, 0, 0,				/* unused */
		0, 0, 0, 0,				/* credential id */
		0, 0, 0x01, 0x8b, 0xcf, 0xe5, 0x68, 0,	/* threshold 1700000000000 */
		0, 0, 0, 0, 0, 0, 0, 1,			/* flags: fast propagate */
		0x12, 0x34, 0x56, 0x78, 0x9a,		/* target */
	};
	/* clang-format on */
	memcpy(p, f, sizeof(f));
	for (int i = 0; i < 5; i++)
		p[sizeof(f) + (size_t)i] = (uint8_t)(signer >> (32 - 8 * i));
	p[sizeof(f) + 5] = 1; /* COM */
	return sizeof(f) + 6;
}

int main(void)
{
	struct zt_identity root, m1;
	struct zt_revocation r, back, keep;
	uint8_t wire[ZT_REVOCATION_SIZE + 16], want[ZT_REVOCATION_SIZE], sgn[128], sig[96];
	size_t o;
	int n;

	zt_test_load_id(&root, ZT_TEST_DATA "root.identity.secret");
	zt_test_load_id(&m1, ZT_TEST_DATA "m1.identity.secret");
	memset(&r, 0, sizeof(r));
	r.id = 0xdeadbeef;
	r.nwid = NWID;
	r.threshold = 1700000000000LL;
	r.flags = ZT_REVOCATION_FLAG_FAST_PROPAGATE;
	r.target = 0x123456789aULL;
	r.type = ZT_CREDENTIAL_TYPE_COM;

	is_int(zt_revocation_serialize(&r, wire, sizeof(wire)), -EINVAL, "unsigned: not written");
	is_int(zt_revocation_sign(&r, &m1), 0, "m1 can sign (verification decides)");
	is_int(zt_revocation_verify(&r, &m1), -EACCES, "m1 is not the network's controller");
	is_int(zt_revocation_sign(&r, &root), 0, "the controller signs");
	is_int((long long)r.signed_by, (long long)root.address, "signed_by is the controller");
	is_int(zt_revocation_verify(&r, &root), 0, "and it verifies");

	/* The signed form: markers, fields, empty extension length, markers. */
	memset(sgn, 0x7f, 8);
	o = 8 + fields(sgn + 8, root.address);
	sgn[o++] = 0;
	sgn[o++] = 0;
	memset(sgn + o, 0x7f, 8);
	o += 8;
	is_int(o, ZT_REVOCATION_SIGNED_SIZE, "signed form size");
	zt_identity_sign(&root, sgn, o, sig);
	ok(!memcmp(sig, r.signature, 96), "the signature covers Revocation::serialize(forSign)");

	/* The wire form. */
	o = fields(want, root.address);
	want[o++] = 1;
	want[o++] = 0;
	want[o++] = 96;
	memcpy(want + o, sig, 96);
	o += 96;
	want[o++] = 0;
	want[o++] = 0;
	n = zt_revocation_serialize(&r, wire, sizeof(wire));
	is_int(n, ZT_REVOCATION_SIZE, "serialized size %d", ZT_REVOCATION_SIZE);
	ok(n == (int)o && !memcmp(wire, want, o), "wire bytes as Revocation.hpp writes them");
	is_int(zt_revocation_serialize(&r, wire, ZT_REVOCATION_SIZE - 1), -ENOSPC, "short buffer");

	n = zt_revocation_serialize(&r, wire, sizeof(wire));
	is_int(zt_revocation_deserialize(&back, wire, (size_t)n), n, "reads back whole");
	ok(back.id == r.id && back.nwid == r.nwid && back.threshold == r.threshold &&
	       back.flags == r.flags && back.target == r.target && back.signed_by == r.signed_by &&
	       back.type == r.type && !memcmp(back.signature, r.signature, 96),
	   "every field read back");
	is_int(zt_revocation_verify(&back, &root), 0, "what was read verifies");

	/* Every truncation fails and leaves the output alone. */
	{
		int bad = 0;

		memset(&keep, 0xa5, sizeof(keep));
		for (int l = 0; l < n; l++) {
			back = keep;
			if (zt_revocation_deserialize(&back, wire, (size_t)l) != -EBADMSG ||
			    memcmp(&back, &keep, sizeof(keep)))
				bad++;
		}
		is_int(bad, 0, "each of the %d truncations is -EBADMSG, output untouched", n);
	}
	/* An extension is skipped (ZeroTier writes none yet). */
	wire[n - 1] = 3;
	memcpy(wire + n, "abc", 3);
	is_int(zt_revocation_deserialize(&back, wire, (size_t)n + 3), n + 3, "extension skipped");
	is_int(zt_revocation_deserialize(&back, wire, (size_t)n + 2), -EBADMSG,
	       "extension past the end");
	wire[n - 1] = 0;
	/* [51] signature type, [52..53] its length. */
	wire[51] = 2;
	is_int(zt_revocation_deserialize(&back, wire, (size_t)n), -EBADMSG, "signature type 2");
	wire[51] = 1;
	wire[53] = 64;
	is_int(zt_revocation_deserialize(&back, wire, (size_t)n), -EBADMSG,
	       "signature of 64 bytes");
	wire[53] = 96;
	is_int(zt_revocation_deserialize(&back, wire, (size_t)n), n, "restored, it reads again");

	/* In NETWORK_CREDENTIALS, as the controller sends it: no COM, no caps or tags, one. */
	{
		struct zt_packet_credentials c, d;
		uint8_t pl[512];
		int pn;

		memset(&c, 0, sizeof(c));
		c.nrev = 1;
		c.rev[0].p = wire;
		c.rev[0].len = (size_t)n;
		pn = zt_packet_encode_credentials(&c, pl, sizeof(pl));
		is_int(pn, 1 + 2 + 2 + 2 + n + 2, "NETWORK_CREDENTIALS with one revocation");
		ok(zt_packet_decode_credentials(&d, pl, (size_t)pn) == 0 && d.ncom == 0 &&
		       d.nrev == 1 && d.rev[0].len == (size_t)n &&
		       !memcmp(d.rev[0].p, wire, (size_t)n),
		   "the credentials parser finds it whole");
	}

	/* Any changed field breaks the signature. */
	back = r;
	back.threshold++;
	is_int(zt_revocation_verify(&back, &root), -EBADMSG, "a later threshold does not verify");
	back = r;
	back.target ^= 1;
	is_int(zt_revocation_verify(&back, &root), -EBADMSG, "another target does not verify");
	back = r;
	back.nwid = NWID + 1;
	is_int(zt_revocation_verify(&back, &root), -EBADMSG, "another network does not verify");
	back = r;
	back.nwid = 0x1111111111000001ULL;
	is_int(zt_revocation_verify(&back, &root), -EACCES, "a network of another controller");
	back = r;
	back.signature[10] ^= 1;
	is_int(zt_revocation_verify(&back, &root), -EBADMSG, "a flipped signature bit");
	back = r;
	back.signed_by = 0;
	is_int(zt_revocation_verify(&back, &root), -EACCES, "unsigned");
	return done_testing();
}
