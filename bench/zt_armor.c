// SPDX-License-Identifier: BSD-2-Clause
/* Benchmark: ZeroTier armor (Salsa20/12 + Poly1305) seal+open per core, against memcpy; each of
 * our Salsa20/12 implementations (AVX-512VL, AVX2, SSE2, one-block C). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "zt/armor.h"
#include "zt/packet.h"
#include "zt/salsa2012.h"

static double bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Keep the compiler from dropping work whose result is unused. */
static volatile uint8_t bench_sink;

#define BENCH_SECONDS 0.5

int main(void)
{
	static uint8_t pkt[ZT_PACKET_MAX_LEN], copy[ZT_PACKET_MAX_LEN];
	static const size_t sizes[] = {1400, 2800};
	uint8_t key[32], nonce[8] = {0};

	if (sodium_init() < 0)
		return 1;
	randombytes_buf(key, sizeof(key));
	printf("%-28s %6s %12s %9s %10s\n", "operation (one core)", "bytes", "packets/s", "GB/s",
	       "vs memcpy");
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		size_t len = sizes[s];
		double t0, t, memcpy_gbs = 0;
		unsigned long n;

		zt_packet_init(pkt, 0x0102030405060708ULL, 0x282e082f37ULL, 0x5f4e89e209ULL,
			       ZT_VERB_FRAME);
		randombytes_buf(pkt + ZT_PACKET_IDX_PAYLOAD, len - ZT_PACKET_IDX_PAYLOAD);

		/* Baseline: copying the same bytes twice (armor and dearmor each pass once). */
		n = 0;
		t0 = bench_now();
		do {
			for (int i = 0; i < 1000; i++) {
				memcpy(copy, pkt, len);
				pkt[i & 63] ^= copy[len - 1];
				memcpy(pkt, copy, len);
			}
			n += 1000;
		} while ((t = bench_now() - t0) < BENCH_SECONDS);
		bench_sink = pkt[0];
		memcpy_gbs = (double)n * (double)len / t / 1e9;
		printf("%-28s %6zu %12.0f %9.2f %10s\n", "memcpy x2 (baseline)", len, n / t,
		       memcpy_gbs, "1.00");

		/* Each op runs with Salsa20/12 implementation `level` at most (the best is 3). */
		struct {
			const char *name;
			int what;
			unsigned level;
		} ops[] = {
		    {"seal+open suite 1", 1, ZT_SALSA2012_AVX512VL},
		    {"seal+open suite 0 (MAC)", 0, ZT_SALSA2012_AVX512VL},
		    {"salsa20/12 x2 AVX-512VL", 2, ZT_SALSA2012_AVX512VL},
		    {"salsa20/12 x2 AVX2", 2, ZT_SALSA2012_AVX2},
		    {"salsa20/12 x2 SSE2", 2, ZT_SALSA2012_SSE2},
		    {"salsa20/12 x2 C blocks", 2, ZT_SALSA2012_C},
		    {"seal+open suite 1, C blocks", 1, ZT_SALSA2012_C},
		    {"salsa20/20 x2 (sodium)", 3, ZT_SALSA2012_AVX512VL},
		    {"poly1305 x2", 4, ZT_SALSA2012_AVX512VL},
		};
		for (size_t o = 0; o < sizeof(ops) / sizeof(ops[0]); o++) {
			uint8_t tag[16];
			int bad = 0;

			if (zt_salsa2012_select(ops[o].level) != ops[o].level && ops[o].what == 2) {
				printf("# %s: not on this CPU\n", ops[o].name);
				continue;
			}
			n = 0;
			t0 = bench_now();
			do {
				for (int i = 0; i < 100; i++) {
					switch (ops[o].what) {
					case 0:
					case 1:
						zt_armor_seal(pkt, len, key, (unsigned)ops[o].what);
						bad |= zt_armor_open(pkt, len, key);
						break;
					case 2:
						zt_salsa2012_xor_ic(pkt, pkt, len, nonce, 1, key);
						zt_salsa2012_xor_ic(pkt, pkt, len, nonce, 1, key);
						break;
					case 3:
						crypto_stream_salsa20_xor_ic(pkt, pkt, len, nonce,
									     1, key);
						crypto_stream_salsa20_xor_ic(pkt, pkt, len, nonce,
									     1, key);
						break;
					case 4:
						crypto_onetimeauth_poly1305(tag, pkt, len, key);
						pkt[0] ^= tag[0];
						crypto_onetimeauth_poly1305(tag, pkt, len, key);
						pkt[0] ^= tag[0];
						break;
					}
				}
				n += 100;
			} while ((t = bench_now() - t0) < BENCH_SECONDS);
			if (bad)
				printf("# %s: open failed\n", ops[o].name);
			printf("%-28s %6zu %12.0f %9.2f %10.2f\n", ops[o].name, len, n / t,
			       (double)n * (double)len / t / 1e9,
			       ((double)n * (double)len / t / 1e9) / memcpy_gbs);
		}
	}
	zt_salsa2012_select(ZT_SALSA2012_AVX512VL);
	printf(
	    "# 'vs memcpy' is throughput relative to copying the same bytes twice in this run.\n");
	return 0;
}
