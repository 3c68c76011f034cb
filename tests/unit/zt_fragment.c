// SPDX-License-Identifier: BSD-2-Clause
/* Unit tests for src/zt/fragment: split/reassemble in any order, timeouts, bounds under floods. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "tap.h"
#include "zt_testutil.h"
#include "zt_pcap.h"
#include "zt/armor.h"
#include "zt/fragment.h"
#include "zt/identity.h"
#include "zt/packet.h"

static struct zt_fragment_table table;
static uint8_t dg[ZT_FRAGMENT_MAX][ZT_PACKET_MAX_LEN];
static size_t dglen[ZT_FRAGMENT_MAX];

static void make_packet(uint8_t *p, size_t len, uint64_t id)
{
	zt_packet_init(p, id, 0x282e082f37ULL, 0x5f4e89e209ULL, ZT_VERB_FRAME);
	for (size_t i = ZT_PACKET_IDX_PAYLOAD; i < len; i++)
		p[i] = (uint8_t)(i * 31 + id);
}

/* Split p; returns the number of datagrams. */
static int split(const uint8_t *p, size_t len, size_t mtu)
{
	int n = zt_fragment_count(len, mtu);

	for (int i = 0; i < n; i++)
		dglen[i] = (size_t)zt_fragment_get(p, len, mtu, (unsigned)i, dg[i], sizeof(dg[i]));
	return n;
}

/* Feed the datagrams in the order given; returns the reassembled length (or last result). */
static int feed(const int *order, int n, int64_t now, uint8_t *out)
{
	int ret = 0;

	for (int i = 0; i < n; i++)
		ret = zt_fragment_receive(&table, dg[order[i]], dglen[order[i]], now, out,
					  ZT_PACKET_MAX_LEN);
	return ret;
}

int main(void)
{
	static uint8_t p[ZT_PACKET_MAX_LEN], out[ZT_PACKET_MAX_LEN];
	static const size_t sizes[] = {28, 1432, 1433, 2800, 4000, 5000, 9928};
	int order[ZT_FRAGMENT_MAX];

	/* Counts and layout. */
	is_int(zt_fragment_count(1432, 1432), 1, "1432 bytes fit one datagram");
	is_int(zt_fragment_count(1433, 1432), 2, "1433 bytes need two");
	is_int(zt_fragment_count(2800, 1432), 2, "2800 bytes need two (1432 + 16 + 1368)");
	is_int(zt_fragment_count(2849, 1432), 3, "2849 bytes need three");
	is_int(zt_fragment_count(9928, 1432), 7, "9928 bytes (1432 + 6 x 1416) need seven");
	is_int(zt_fragment_count(9929, 1432), -EMSGSIZE, "9929 bytes would need eight");
	is_int(zt_fragment_count(10025, 9000), -EMSGSIZE, "10025 bytes are too long");
	is_int(zt_fragment_count(5000, 500), -EMSGSIZE, "more than 7 fragments refused");
	make_packet(p, 4000, 0x0102030405060708ULL);
	p[ZT_PACKET_IDX_FLAGS] |= ZT_PACKET_FLAG_FRAGMENTED;
	is_int(split(p, 4000, 1432), 3, "split 4000");
	ok(dglen[0] == 1432 && dglen[1] == 1432 && dglen[2] == 16u + 4000 - 1432 - 1416,
	   "datagram lengths 1432, 1432, %zu", dglen[2]);
	ok(memcmp(dg[1], p, 8) == 0 && memcmp(dg[1] + 8, p + 8, 5) == 0 && dg[1][13] == 0xff &&
	       dg[1][14] == 0x31 && dg[2][14] == 0x32 && dg[1][15] == 0,
	   "fragment header: ID, destination, 0xff, total<<4|number, hops");
	ok(memcmp(dg[1] + 16, p + 1432, 1416) == 0, "fragment 1 carries bytes 1432..2847");
	ok(zt_fragment_is_fragment(dg[1], dglen[1]) && !zt_fragment_is_fragment(dg[0], dglen[0]),
	   "fragment / head classification");

	/* Every size, every rotation of arrival order, with a duplicate of the first. */
	zt_fragment_table_init(&table, 0);
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		int n, good = 0, rot;

		make_packet(p, sizes[s], 1000 + s);
		n = zt_fragment_count(sizes[s], 1432);
		if (n > 1)
			p[ZT_PACKET_IDX_FLAGS] |= ZT_PACKET_FLAG_FRAGMENTED;
		split(p, sizes[s], 1432);
		if (n == 1) {
			ok(dglen[0] == sizes[s] && memcmp(dg[0], p, sizes[s]) == 0,
			   "%zu bytes: one datagram, unchanged", sizes[s]);
			continue;
		}
		for (rot = 0; rot < n; rot++) {
			int r;

			for (int i = 0; i < n; i++)
				order[i] = (n - 1 - i + rot) % n; /* reversed and rotated */
			r = zt_fragment_receive(&table, dg[order[0]], dglen[order[0]], 0, out,
						sizeof(out));
			if (r != 0)
				continue;
			r = feed(order, n, 1, out); /* the first again: a duplicate */
			if (r == (int)sizes[s] && memcmp(out, p, sizes[s]) == 0)
				good++;
		}
		is_int(good, n, "%zu bytes in %d datagrams: every arrival order reassembles",
		       sizes[s], n);
	}

	/* Timeout: a piece older than 500 ms is forgotten. */
	zt_fragment_table_init(&table, 0);
	make_packet(p, 4000, 77);
	p[ZT_PACKET_IDX_FLAGS] |= ZT_PACKET_FLAG_FRAGMENTED;
	split(p, 4000, 1432);
	is_int(zt_fragment_receive(&table, dg[0], dglen[0], 1000, out, sizeof(out)), 0, "head in");
	is_int(zt_fragment_receive(&table, dg[1], dglen[1], 1400, out, sizeof(out)), 0, "frag 1");
	is_int(zt_fragment_receive(&table, dg[2], dglen[2], 1600, out, sizeof(out)), 0,
	       "frag 2 after 600 ms: the entry expired, nothing completes");
	is_int(table.expired, 1, "one entry expired");
	is_int(zt_fragment_receive(&table, dg[0], dglen[0], 1700, out, sizeof(out)), 0, "head");
	is_int(zt_fragment_receive(&table, dg[1], dglen[1], 1700, out, sizeof(out)), 4000,
	       "resent pieces complete within the timeout");

	/* Flood: 10,000 distinct IDs never take more than the fixed table, and a real packet
	 * interleaved with fewer than 32 other IDs at a time still completes. */
	{
		uint8_t junk[64];
		int active = 0, done = 0;

		zt_fragment_table_init(&table, 0);
		memset(junk, 0xab, sizeof(junk));
		junk[13] = 0xff;
		junk[14] = 0x71;
		for (uint32_t i = 0; i < 10000; i++) {
			memcpy(junk, &i, 4);
			zt_fragment_receive(&table, junk, sizeof(junk), 5, out, sizeof(out));
		}
		for (size_t i = 0; i < ZT_FRAGMENT_TABLE_ENTRIES; i++)
			active += table.e[i].active;
		is_int(active, ZT_FRAGMENT_TABLE_ENTRIES, "table stays at its fixed size");
		is_int(table.evicted, 10000 - ZT_FRAGMENT_TABLE_ENTRIES, "oldest evicted");
		ok(sizeof(table) < 400 * 1024, "table is %zu bytes, fixed", sizeof(table));

		make_packet(p, 5000, 4242);
		p[ZT_PACKET_IDX_FLAGS] |= ZT_PACKET_FLAG_FRAGMENTED;
		split(p, 5000, 1432);
		for (int i = 0; i < 4; i++) {
			int r = zt_fragment_receive(&table, dg[i], dglen[i], 6, out, sizeof(out));

			for (uint32_t j = 0; j < 8; j++) {
				uint32_t id = 20000 + (uint32_t)i * 8 + j;

				memcpy(junk, &id, 4);
				zt_fragment_receive(&table, junk, sizeof(junk), 6, out,
						    sizeof(out));
			}
			if (r == 5000 && memcmp(out, p, 5000) == 0)
				done = 1;
		}
		ok(done, "packet completes in the middle of a flood");
	}

	/* Malformed pieces. */
	{
		uint8_t f[40] = {0};

		zt_fragment_table_init(&table, 0);
		f[13] = 0xff;
		f[14] = 0x30;
		is_int(zt_fragment_receive(&table, f, sizeof(f), 0, out, sizeof(out)), -EBADMSG,
		       "fragment number 0 rejected");
		f[14] = 0x81;
		is_int(zt_fragment_receive(&table, f, sizeof(f), 0, out, sizeof(out)), -EBADMSG,
		       "total 8 rejected");
		f[14] = 0x33;
		is_int(zt_fragment_receive(&table, f, sizeof(f), 0, out, sizeof(out)), -EBADMSG,
		       "number >= total rejected");
		f[14] = 0x12;
		is_int(zt_fragment_receive(&table, f, sizeof(f), 0, out, sizeof(out)), -EBADMSG,
		       "total 1 rejected");
		f[14] = 0x31;
		is_int(zt_fragment_receive(&table, f, 16, 0, out, sizeof(out)), -EBADMSG,
		       "empty fragment rejected");
		is_int(zt_fragment_receive(&table, f, sizeof(f), 0, out, sizeof(out)), 0,
		       "1 of 3 stored");
		f[14] = 0x42;
		is_int(zt_fragment_receive(&table, f, sizeof(f), 0, out, sizeof(out)), -EBADMSG,
		       "inconsistent total rejected");
		make_packet(p, 100, 5);
		is_int(zt_fragment_receive(&table, p, 100, 0, out, sizeof(out)), -EBADMSG,
		       "head without the fragmented flag rejected");
		/* Pieces adding up past a whole packet are dropped. */
		{
			static uint8_t big[ZT_PACKET_MAX_LEN];
			int r = 0;

			zt_fragment_table_init(&table, 0);
			memset(big, 0, sizeof(big));
			big[13] = 0xff;
			for (unsigned i = 1; i < 7 && r == 0; i++) {
				big[14] = (uint8_t)(0x70 | i);
				r = zt_fragment_receive(&table, big, 2000, 0, out, sizeof(out));
			}
			is_int(r, -EBADMSG, "pieces beyond 10024 bytes in all are dropped");
		}
		make_packet(p, 2800, 9);
		p[ZT_PACKET_IDX_FLAGS] |= ZT_PACKET_FLAG_FRAGMENTED;
		split(p, 2800, 1432);
		zt_fragment_table_init(&table, 0);
		zt_fragment_receive(&table, dg[0], dglen[0], 0, out, sizeof(out));
		is_int(zt_fragment_receive(&table, dg[1], dglen[1], 0, out, 100), -ENOSPC,
		       "small output buffer: ENOSPC");
	}

	/* Real packets: each packet of the 1.4.6 capture, opened, flagged fragmented, sealed
	 * again, cut at a 128-byte MTU where it is long enough, reassembled out of order, opens. */
	{
		struct zt_identity me, peers[4];
		static const char *const names[] = {"root", "m1", "m2", "m3-legacy"};
		struct zt_pcap pc;
		struct zt_pcap_dgram d;
		int tried = 0, good = 0;

		zt_test_read_id("m3-legacy", "secret", &me);
		for (int i = 0; i < 4; i++)
			zt_test_read_id(names[i], "public", &peers[i]);
		zt_fragment_table_init(&table, 0);
		if (zt_pcap_open(&pc, "tests/data/zt/join-legacy-1.4.6-hub-m3.pcap") == 0) {
			while (zt_pcap_next(&pc, &d) == 1) {
				uint8_t key[48];
				uint64_t other;
				unsigned cipher;
				int n, r;

				if (d.len < 28 || d.len > 128 * 7 - 6 * 16 || d.len <= 128)
					continue;
				memcpy(p, d.data, d.len);
				other = zt_packet_source(p) == 0x282e082f37ULL
					    ? zt_packet_dest(p)
					    : zt_packet_source(p);
				for (int i = 0; i < 4; i++)
					if (peers[i].address == other)
						zt_identity_agree(&me, &peers[i], key);
				cipher = zt_packet_cipher(p);
				if (zt_armor_open(p, d.len, key))
					continue;
				tried++;
				p[ZT_PACKET_IDX_FLAGS] |= ZT_PACKET_FLAG_FRAGMENTED;
				zt_armor_seal(p, d.len, key, cipher);
				n = split(p, d.len, 128);
				for (int i = 0; i < n; i++)
					order[i] = n - 1 - i; /* tail first */
				r = feed(order, n, 0, out);
				if (r == (int)d.len && zt_armor_open(out, (size_t)r, key) == 0 &&
				    zt_packet_fragmented(out))
					good++;
			}
			zt_pcap_close(&pc);
		}
		ok(tried > 20, "%d captured packets between 129 and 800 bytes", tried);
		is_int(good, tried, "each reassembles out of order and then authenticates");
	}
	return done_testing();
}
