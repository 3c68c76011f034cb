// SPDX-License-Identifier: BSD-2-Clause
/* Unit tests for src/zt/armor: every packet of the 1.4.6 lab capture opens; tampering fails. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "tap.h"
#include "zt_testutil.h"
#include "zt_pcap.h"
#include "zt/armor.h"
#include "zt/identity.h"
#include "zt/packet.h"
#include "zt/salsa2012.h"

#define M3 0x282e082f37ULL

static struct zt_identity me, peers[4];
static const char *const peer_names[] = {"root", "m1", "m2", "m3-legacy"};

static int key_for(uint64_t other, uint8_t key[48])
{
	for (int i = 0; i < 4; i++)
		if (peers[i].address == other)
			return zt_identity_agree(&me, &peers[i], key);
	return -ENOENT;
}

int main(void)
{
	struct zt_pcap pc;
	struct zt_pcap_dgram d;
	unsigned dgrams = 0, junk = 0, frags = 0, pkts = 0, opened = 0, suite0 = 0, suite1 = 0;
	unsigned lz4 = 0, flipped_fail = 0, resealed = 0, nokey = 0, hops1 = 0;
	uint8_t buf[ZT_PACKET_MAX_LEN], orig[ZT_PACKET_MAX_LEN];

	ok(zt_test_read_id("m3-legacy", "secret", &me) == 0 && me.has_private,
	   "m3-legacy secret loads");
	for (int i = 0; i < 4; i++)
		ok(zt_test_read_id(peer_names[i], "public", &peers[i]) == 0, "%s public loads",
		   peer_names[i]);

	if (!ok(zt_pcap_open(&pc, "tests/data/zt/join-legacy-1.4.6-hub-m3.pcap") == 0,
		"capture opens"))
		return done_testing();
	while (zt_pcap_next(&pc, &d) == 1) {
		uint8_t key[48];
		uint64_t other;
		unsigned cipher;
		int ret;

		dgrams++;
		if (d.len < 16) {
			junk++;
			continue;
		}
		if (d.data[13] == 0xff) {
			frags++;
			continue;
		}
		pkts++;
		memcpy(orig, d.data, d.len);
		memcpy(buf, d.data, d.len);
		other = zt_packet_source(buf) == M3 ? zt_packet_dest(buf) : zt_packet_source(buf);
		if (key_for(other, key)) {
			nokey++;
			continue;
		}
		cipher = zt_packet_cipher(buf);
		hops1 += zt_packet_hops(buf) == 1;
		ret = zt_armor_open(buf, d.len, key);
		if (ret) {
			diag("packet %u (%016llx) failed: %d", pkts,
			     (unsigned long long)zt_packet_id(orig), ret);
			continue;
		}
		opened++;
		suite0 += cipher == 0;
		suite1 += cipher == 1;
		lz4 += zt_packet_compressed(buf);
		if (cipher == 0 && memcmp(buf, orig, d.len) != 0)
			diag("suite 0 changed bytes");

		/* Sealing the plaintext again with the same ID gives the captured bytes. */
		{
			uint8_t again[ZT_PACKET_MAX_LEN];

			memcpy(again, buf, d.len);
			memset(again + ZT_PACKET_IDX_MAC, 0, 8);
			if (zt_armor_seal(again, d.len, key, cipher) == 0 &&
			    memcmp(again, orig, d.len) == 0)
				resealed++;
		}

		/* One flipped bit anywhere but the hop count must fail, leaving bytes as they were. */
		{
			size_t bit = ((size_t)pkts * 7919) % (d.len * 8);

			if (bit / 8 == ZT_PACKET_IDX_FLAGS)
				bit = ZT_PACKET_IDX_FLAGS * 8; /* the 0x80 bit, not the hops */
			memcpy(buf, orig, d.len);
			buf[bit / 8] ^= (uint8_t)(0x80 >> (bit % 8));
			memcpy(orig, buf, d.len);
			if (zt_armor_open(buf, d.len, key) == -EBADMSG &&
			    memcmp(buf, orig, d.len) == 0)
				flipped_fail++;
		}
	}
	zt_pcap_close(&pc);
	is_int(dgrams, 107, "107 UDP datagrams in the capture");
	is_int(junk, 2, "2 four-byte junk datagrams");
	is_int(frags, 0, "no fragments in this capture");
	is_int(pkts, 105, "105 ZeroTier packets");
	is_int(nokey, 0, "every packet is between m3 and a lab node");
	is_int(opened, 105, "every packet authenticates (and decrypts) with the agreed key");
	is_int(suite0, 17, "17 suite-0 (HELLO) packets");
	is_int(suite1, 88, "88 suite-1 packets");
	is_int(lz4, 11, "11 LZ4-compressed payloads");
	is_int(resealed, 105, "sealing the plaintext again reproduces every captured packet");
	is_int(flipped_fail, 105, "one flipped bit fails each packet, bytes untouched");
	ok(hops1 > 0, "relayed packets (hops 1) among them: %u", hops1);

	/* Synthetic packets: both suites, every byte position, hops are not covered. */
	{
		uint8_t key[32], p[1400], q[1400];
		int bad = 0, hop_ok;

		randombytes_buf(key, sizeof(key));
		for (unsigned cipher = 0; cipher < 2; cipher++) {
			zt_packet_init(p, 0x1122334455667788ULL, 0x282e082f37ULL, 0x5f4e89e209ULL,
				       ZT_VERB_FRAME);
			for (size_t i = ZT_PACKET_IDX_PAYLOAD; i < sizeof(p); i++)
				p[i] = (uint8_t)i;
			is_int(zt_armor_seal(p, sizeof(p), key, cipher), 0, "seal suite %u",
			       cipher);
			is_int(zt_packet_flags(p), cipher ? 0x88 : 0x00, "flags byte for suite %u",
			       cipher);
			ok((p[100] == 100) == (cipher == 0), "payload %s in suite %u",
			   cipher ? "encrypted" : "clear", cipher);
			bad = 0;
			for (size_t i = 0; i < sizeof(p); i++) {
				if (i == ZT_PACKET_IDX_FLAGS)
					continue;
				memcpy(q, p, sizeof(p));
				q[i] ^= 0x01;
				bad += zt_armor_open(q, sizeof(q), key) == -EBADMSG;
			}
			is_int(bad, (int)sizeof(p) - 1, "suite %u: any altered byte fails", cipher);
			memcpy(q, p, sizeof(p));
			zt_packet_set_hops(q, 2);
			hop_ok = zt_armor_open(q, sizeof(q), key) == 0 && q[100] == 100;
			ok(hop_ok, "suite %u: hop count change still opens", cipher);
			memcpy(q, p, sizeof(p));
			q[ZT_PACKET_IDX_FLAGS] ^= ZT_PACKET_FLAG_FRAGMENTED;
			is_int(zt_armor_open(q, sizeof(q), key), -EBADMSG,
			       "suite %u: fragmented bit is covered", cipher);
			is_int(zt_armor_open(p, sizeof(p) - 1, key), -EBADMSG,
			       "suite %u: truncated packet fails", cipher);
		}
		zt_packet_init(p, 1, 2, 3, ZT_VERB_NOP);
		p[ZT_PACKET_IDX_FLAGS] = 3 << 3;
		is_int(zt_armor_open(p, 28, key), -EPROTONOSUPPORT, "AES-GMAC-SIV not supported");
		is_int(zt_armor_open(p, 27, key), -EBADMSG, "27 bytes is too short");
		is_int(zt_armor_seal(p, 28, key, 3), -EINVAL, "cannot seal suite 3");
		is_int(ZT_ARMOR_PROTO_VERSION, 11, "we advertise protocol 11");
	}

	/* cryptField is its own inverse and ignores the low 3 bits of the ID. */
	{
		uint8_t key[32] = {1, 2, 3}, id1[8] = {9, 9, 9, 9, 9, 9, 9, 0xf0},
			id2[8] = {9, 9, 9, 9, 9, 9, 9, 0xf7}, f[40] = {0}, g[40] = {0};

		zt_armor_crypt_field(key, id1, f, sizeof(f));
		zt_armor_crypt_field(key, id2, g, sizeof(g));
		ok(memcmp(f, g, sizeof(f)) == 0 && f[0] | f[1] | f[2],
		   "cryptField masks the ID's low 3 bits");
		zt_armor_crypt_field(key, id1, f, sizeof(f));
		ok(!f[0] && !f[39], "cryptField twice restores the field");
	}

	/* Each wide Salsa20/12 this CPU has (SSE2, AVX2, AVX-512VL) agrees byte for byte with the
	 * one-block C code and with libsodium's Salsa20/12, for every length around the 4- and
	 * 8-block strides and for block counters whose low word wraps inside a stride. */
	for (unsigned level = ZT_SALSA2012_SSE2; level <= ZT_SALSA2012_AVX512VL; level++) {
		static uint8_t in[3200], wide[3200], ref[3200];
		static const uint64_t ics[] = {
		    0, 1, 7, 0xfffffffcULL, 0xfffffff9ULL, 0x1fffffffeULL};
		uint8_t key[32], nonce[8];
		int bad = 0;

		if (zt_salsa2012_select(level) != level) {
			skip("Salsa20/12 level %u: this CPU does not have it", level);
			continue;
		}
		randombytes_buf(key, sizeof(key));
		randombytes_buf(nonce, sizeof(nonce));
		randombytes_buf(in, sizeof(in));
		for (size_t len = 0; len <= sizeof(in); len++)
			for (size_t i = 0; i < sizeof(ics) / sizeof(ics[0]); i++) {
				zt_salsa2012_xor_ic(wide, in, len, nonce, ics[i], key);
				zt_salsa2012_xor_ic_ref(ref, in, len, nonce, ics[i], key);
				bad += memcmp(wide, ref, len) != 0;
			}
		is_int(bad, 0, "Salsa20/12 level %u equals the C one, lengths 0..3200, 6 counters",
		       level);
		memset(in, 0, sizeof(in));
		zt_salsa2012_xor_ic(wide, in, sizeof(in), nonce, 0, key);
		crypto_stream_salsa2012(ref, sizeof(in), nonce, key);
		ok(memcmp(wide, ref, sizeof(in)) == 0,
		   "Salsa20/12 level %u equals libsodium's keystream", level);
		memcpy(wide, in, sizeof(in));
		zt_salsa2012_xor_ic(wide, wide, 2800, nonce, 1, key);
		zt_salsa2012_xor_ic_ref(ref, in, 2800, nonce, 1, key);
		ok(memcmp(wide, ref, 2800) == 0, "Salsa20/12 level %u in place", level);
	}
	zt_salsa2012_select(ZT_SALSA2012_AVX512VL);

	/* Suite 1 against libsodium's Salsa20/12 keystream, every length 28..3000 (the armor takes
	 * block 0 and the payload's first blocks in one pass, the rest from block 8): the per-packet
	 * key, block 0 as the Poly1305 key over the ciphertext, blocks 1.. over the payload. */
	{
		static uint8_t p[3000], q[3000], ks[3100];
		uint8_t key[32], mk[32], tag[16];
		int bad = 0, unopened = 0;

		randombytes_buf(key, sizeof(key));
		for (size_t len = ZT_PACKET_MIN_LEN; len <= sizeof(p); len++) {
			size_t plen = len - ZT_PACKET_IDX_VERB;

			zt_packet_init(p, 0x0102030405060708ULL + len, 0x282e082f37ULL,
				       0x5f4e89e209ULL, ZT_VERB_FRAME);
			randombytes_buf(p + ZT_PACKET_IDX_VERB, plen);
			memcpy(q, p, len);
			if (zt_armor_seal(p, len, key, ZT_ARMOR_CIPHER_POLY1305_SALSA2012) < 0) {
				bad++;
				continue;
			}
			for (int i = 0; i < 18; i++)
				mk[i] = key[i] ^ p[i];
			mk[18] = key[18] ^ (p[ZT_PACKET_IDX_FLAGS] & 0xf8);
			mk[19] = key[19] ^ (uint8_t)len;
			mk[20] = key[20] ^ (uint8_t)(len >> 8);
			memcpy(mk + 21, key + 21, 11);
			crypto_stream_salsa2012(ks, 64 + plen, p + ZT_PACKET_IDX_IV, mk);
			for (size_t i = 0; i < plen; i++)
				q[ZT_PACKET_IDX_VERB + i] ^= ks[64 + i];
			crypto_onetimeauth_poly1305(tag, q + ZT_PACKET_IDX_VERB, plen, ks);
			bad += memcmp(p + ZT_PACKET_IDX_VERB, q + ZT_PACKET_IDX_VERB, plen) != 0 ||
			       memcmp(p + ZT_PACKET_IDX_MAC, tag, 8) != 0;
			for (size_t i = 0; i < plen; i++)
				q[ZT_PACKET_IDX_VERB + i] ^= ks[64 + i];
			unopened +=
			    zt_armor_open(p, len, key) != 0 ||
			    memcmp(p + ZT_PACKET_IDX_VERB, q + ZT_PACKET_IDX_VERB, plen) != 0;
		}
		is_int(bad, 0,
		       "suite 1 seal equals libsodium's keystream and Poly1305, lengths 28..3000");
		is_int(unopened, 0, "and opens back to the plaintext at every length");
	}
	return done_testing();
}
