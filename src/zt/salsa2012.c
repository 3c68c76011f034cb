// SPDX-License-Identifier: BSD-2-Clause
/* Salsa20 stream ciphers ZeroTier uses: Salsa20/12 for packets, Salsa20/20 for the identity hash. */
#include <stdbool.h>
#include <string.h>

#include <sodium.h>

#include "zt/salsa2012.h"

static uint32_t salsa_load32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void salsa_store32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

#define SALSA_ROTL(v, n) (((v) << (n)) | ((v) >> (32 - (n))))
#define SALSA_QR(a, b, c, d)                                                                       \
	do {                                                                                       \
		b ^= SALSA_ROTL(a + d, 7);                                                         \
		c ^= SALSA_ROTL(b + a, 9);                                                         \
		d ^= SALSA_ROTL(c + b, 13);                                                        \
		a ^= SALSA_ROTL(d + c, 18);                                                        \
	} while (0)

void zt_salsa2012_xor_ic_ref(uint8_t *out, const uint8_t *in, size_t len,
			     const uint8_t nonce[ZT_SALSA2012_NONCE_LEN], uint64_t ic,
			     const uint8_t key[ZT_SALSA2012_KEY_LEN])
{
	/* The key schedule is loaded once per call, not once per block as crypto_core_salsa2012
	 * would: that alone is most of the difference on short packets. */
	uint32_t st[16], x[16];
	uint8_t ks[ZT_SALSA2012_BLOCK_LEN];
	size_t i, n;

	st[0] = 0x61707865; /* "expand 32-byte k" */
	st[5] = 0x3320646e;
	st[10] = 0x79622d32;
	st[15] = 0x6b206574;
	for (i = 0; i < 4; i++) {
		st[1 + i] = salsa_load32(key + 4 * i);
		st[11 + i] = salsa_load32(key + 16 + 4 * i);
	}
	st[6] = salsa_load32(nonce);
	st[7] = salsa_load32(nonce + 4);
	while (len) {
		st[8] = (uint32_t)ic;
		st[9] = (uint32_t)(ic >> 32);
		memcpy(x, st, sizeof(x));
		for (int r = 0; r < 12; r += 2) {
			SALSA_QR(x[0], x[4], x[8], x[12]);
			SALSA_QR(x[5], x[9], x[13], x[1]);
			SALSA_QR(x[10], x[14], x[2], x[6]);
			SALSA_QR(x[15], x[3], x[7], x[11]);
			SALSA_QR(x[0], x[1], x[2], x[3]);
			SALSA_QR(x[5], x[6], x[7], x[4]);
			SALSA_QR(x[10], x[11], x[8], x[9]);
			SALSA_QR(x[15], x[12], x[13], x[14]);
		}
		n = len < sizeof(ks) ? len : sizeof(ks);
		if (n == sizeof(ks)) {
			for (i = 0; i < 16; i++)
				salsa_store32(out + 4 * i,
					      salsa_load32(in + 4 * i) ^ (x[i] + st[i]));
		} else {
			for (i = 0; i < 16; i++)
				salsa_store32(ks + 4 * i, x[i] + st[i]);
			for (i = 0; i < n; i++)
				out[i] = in[i] ^ ks[i];
		}
		out += n;
		in += n;
		len -= n;
		ic++;
	}
	sodium_memzero(ks, sizeof(ks));
	sodium_memzero(x, sizeof(x));
	sodium_memzero(st, sizeof(st));
}

#if defined(__x86_64__)
#include <immintrin.h>

/* The wide paths compute 4 (SSE2) or 8 (AVX2) consecutive blocks at once, one vector per state
 * word with one block in each lane, then transpose the lanes back into blocks for the XOR. */

static void salsa_state(uint32_t st[16], const uint8_t nonce[ZT_SALSA2012_NONCE_LEN],
			const uint8_t key[ZT_SALSA2012_KEY_LEN])
{
	st[0] = 0x61707865; /* "expand 32-byte k" */
	st[5] = 0x3320646e;
	st[10] = 0x79622d32;
	st[15] = 0x6b206574;
	for (int i = 0; i < 4; i++) {
		st[1 + i] = salsa_load32(key + 4 * i);
		st[11 + i] = salsa_load32(key + 16 + 4 * i);
	}
	st[6] = salsa_load32(nonce);
	st[7] = salsa_load32(nonce + 4);
	st[8] = 0;
	st[9] = 0;
}

#define SALSA_V4_ROTL(v, n) _mm_or_si128(_mm_slli_epi32(v, n), _mm_srli_epi32(v, 32 - (n)))
#define SALSA_V4_QR(a, b, c, d)                                                                    \
	do {                                                                                       \
		b = _mm_xor_si128(b, SALSA_V4_ROTL(_mm_add_epi32(a, d), 7));                       \
		c = _mm_xor_si128(c, SALSA_V4_ROTL(_mm_add_epi32(b, a), 9));                       \
		d = _mm_xor_si128(d, SALSA_V4_ROTL(_mm_add_epi32(c, b), 13));                      \
		a = _mm_xor_si128(a, SALSA_V4_ROTL(_mm_add_epi32(d, c), 18));                      \
	} while (0)

/* 256 bytes (blocks ic..ic+3); returns the number of bytes done, a multiple of 256. */
static size_t salsa_sse2(uint8_t *out, const uint8_t *in, size_t len, const uint32_t st[16],
			 uint64_t ic)
{
	size_t done = 0;

	for (; len - done >= 256; done += 256, ic += 4) {
		__m128i x[16], o[16];
		uint32_t lo[4], hi[4];

		for (int j = 0; j < 4; j++) {
			lo[j] = (uint32_t)(ic + (uint64_t)j);
			hi[j] = (uint32_t)((ic + (uint64_t)j) >> 32);
		}
		for (int i = 0; i < 16; i++)
			o[i] = _mm_set1_epi32((int)st[i]);
		o[8] = _mm_loadu_si128((const __m128i *)lo);
		o[9] = _mm_loadu_si128((const __m128i *)hi);
		memcpy(x, o, sizeof(x));
		for (int r = 0; r < 12; r += 2) {
			SALSA_V4_QR(x[0], x[4], x[8], x[12]);
			SALSA_V4_QR(x[5], x[9], x[13], x[1]);
			SALSA_V4_QR(x[10], x[14], x[2], x[6]);
			SALSA_V4_QR(x[15], x[3], x[7], x[11]);
			SALSA_V4_QR(x[0], x[1], x[2], x[3]);
			SALSA_V4_QR(x[5], x[6], x[7], x[4]);
			SALSA_V4_QR(x[10], x[11], x[8], x[9]);
			SALSA_V4_QR(x[15], x[12], x[13], x[14]);
		}
		for (int i = 0; i < 16; i++)
			x[i] = _mm_add_epi32(x[i], o[i]);
		/* Words 4g..4g+3 of the 4 blocks form a 4x4 matrix: transpose it. */
		for (int g = 0; g < 4; g++) {
			__m128i t0 = _mm_unpacklo_epi32(x[4 * g], x[4 * g + 1]);
			__m128i t1 = _mm_unpacklo_epi32(x[4 * g + 2], x[4 * g + 3]);
			__m128i t2 = _mm_unpackhi_epi32(x[4 * g], x[4 * g + 1]);
			__m128i t3 = _mm_unpackhi_epi32(x[4 * g + 2], x[4 * g + 3]);
			__m128i b[4] = {_mm_unpacklo_epi64(t0, t1), _mm_unpackhi_epi64(t0, t1),
					_mm_unpacklo_epi64(t2, t3), _mm_unpackhi_epi64(t2, t3)};

			for (int k = 0; k < 4; k++) {
				size_t at = done + 64 * (size_t)k + 16 * (size_t)g;
				__m128i v = _mm_loadu_si128((const __m128i *)(in + at));

				_mm_storeu_si128((__m128i *)(out + at), _mm_xor_si128(v, b[k]));
			}
		}
	}
	return done;
}

#define SALSA_V8_ROTL(v, n) _mm256_or_si256(_mm256_slli_epi32(v, n), _mm256_srli_epi32(v, 32 - (n)))
#define SALSA_V8_QR(rotl, a, b, c, d)                                                              \
	do {                                                                                       \
		b = _mm256_xor_si256(b, rotl(_mm256_add_epi32(a, d), 7));                          \
		c = _mm256_xor_si256(c, rotl(_mm256_add_epi32(b, a), 9));                          \
		d = _mm256_xor_si256(d, rotl(_mm256_add_epi32(c, b), 13));                         \
		a = _mm256_xor_si256(a, rotl(_mm256_add_epi32(d, c), 18));                         \
	} while (0)
#define SALSA_V8_ROUNDS(rotl, x)                                                                   \
	for (int r = 0; r < 12; r += 2) {                                                          \
		SALSA_V8_QR(rotl, x[0], x[4], x[8], x[12]);                                        \
		SALSA_V8_QR(rotl, x[5], x[9], x[13], x[1]);                                        \
		SALSA_V8_QR(rotl, x[10], x[14], x[2], x[6]);                                       \
		SALSA_V8_QR(rotl, x[15], x[3], x[7], x[11]);                                       \
		SALSA_V8_QR(rotl, x[0], x[1], x[2], x[3]);                                         \
		SALSA_V8_QR(rotl, x[5], x[6], x[7], x[4]);                                         \
		SALSA_V8_QR(rotl, x[10], x[11], x[8], x[9]);                                       \
		SALSA_V8_QR(rotl, x[15], x[12], x[13], x[14]);                                     \
	}

/* The 12 rounds on 8 blocks, with the state in memory between calls so that one AVX2 loop can
 * use either: AVX2 rotates with two shifts and an OR; AVX-512VL has a rotate instruction for
 * the same 256-bit vectors, a third fewer instructions per round. */
typedef void (*salsa_v8_rounds_fn)(__m256i st[16]);

__attribute__((target("avx2"))) static void salsa_v8_rounds_avx2(__m256i st[16])
{
	__m256i x[16];

	memcpy(x, st, sizeof(x));
	SALSA_V8_ROUNDS(SALSA_V8_ROTL, x)
	memcpy(st, x, sizeof(x));
}

__attribute__((target("avx2,avx512f,avx512vl"))) static void salsa_v8_rounds_vl(__m256i st[16])
{
	__m256i x[16];

	memcpy(x, st, sizeof(x));
	SALSA_V8_ROUNDS(_mm256_rol_epi32, x)
	memcpy(st, x, sizeof(x));
}

/* 512 bytes (blocks ic..ic+7) at a time; returns the bytes done, a multiple of 512. */
__attribute__((target("avx2"))) static size_t salsa_avx2(uint8_t *out, const uint8_t *in,
							 size_t len, const uint32_t st[16],
							 uint64_t ic, salsa_v8_rounds_fn rounds)
{
	size_t done = 0;

	for (; len - done >= 512; done += 512, ic += 8) {
		__m256i x[16], o[16];
		uint32_t lo[8], hi[8];

		for (int j = 0; j < 8; j++) {
			lo[j] = (uint32_t)(ic + (uint64_t)j);
			hi[j] = (uint32_t)((ic + (uint64_t)j) >> 32);
		}
		for (int i = 0; i < 16; i++)
			o[i] = _mm256_set1_epi32((int)st[i]);
		o[8] = _mm256_loadu_si256((const __m256i *)lo);
		o[9] = _mm256_loadu_si256((const __m256i *)hi);
		memcpy(x, o, sizeof(x));
		rounds(x);
		for (int i = 0; i < 16; i++)
			x[i] = _mm256_add_epi32(x[i], o[i]);
		/* Per 128-bit half, the same 4x4 transposes as SSE2: the low halves hold blocks 0-3,
		 * the high halves blocks 4-7. y[g][k] has words 4g..4g+3 of blocks k and k+4. */
		__m256i y[4][4];

		for (int g = 0; g < 4; g++) {
			__m256i t0 = _mm256_unpacklo_epi32(x[4 * g], x[4 * g + 1]);
			__m256i t1 = _mm256_unpacklo_epi32(x[4 * g + 2], x[4 * g + 3]);
			__m256i t2 = _mm256_unpackhi_epi32(x[4 * g], x[4 * g + 1]);
			__m256i t3 = _mm256_unpackhi_epi32(x[4 * g + 2], x[4 * g + 3]);

			y[g][0] = _mm256_unpacklo_epi64(t0, t1);
			y[g][1] = _mm256_unpackhi_epi64(t0, t1);
			y[g][2] = _mm256_unpacklo_epi64(t2, t3);
			y[g][3] = _mm256_unpackhi_epi64(t2, t3);
		}
		for (int k = 0; k < 4; k++) {
			__m256i w[4] = {_mm256_permute2x128_si256(y[0][k], y[1][k], 0x20),
					_mm256_permute2x128_si256(y[2][k], y[3][k], 0x20),
					_mm256_permute2x128_si256(y[0][k], y[1][k], 0x31),
					_mm256_permute2x128_si256(y[2][k], y[3][k], 0x31)};
			size_t at[4] = {done + 64 * (size_t)k, done + 64 * (size_t)k + 32,
					done + 64 * (size_t)(k + 4),
					done + 64 * (size_t)(k + 4) + 32};

			for (int h = 0; h < 4; h++) {
				__m256i v = _mm256_loadu_si256((const __m256i *)(in + at[h]));

				_mm256_storeu_si256((__m256i *)(out + at[h]),
						    _mm256_xor_si256(v, w[h]));
			}
		}
	}
	return done;
}

/* The best level this CPU has, and the cap zt_salsa2012_select sets. */
static unsigned salsa_cpu_level, salsa_cap = ZT_SALSA2012_AVX512VL;
static bool salsa_cpu_known;

static unsigned salsa_level(void)
{
	if (!salsa_cpu_known) {
		__builtin_cpu_init();
		salsa_cpu_level = ZT_SALSA2012_SSE2;
		if (__builtin_cpu_supports("avx2"))
			salsa_cpu_level = ZT_SALSA2012_AVX2;
		if (salsa_cpu_level == ZT_SALSA2012_AVX2 && __builtin_cpu_supports("avx512f") &&
		    __builtin_cpu_supports("avx512vl"))
			salsa_cpu_level = ZT_SALSA2012_AVX512VL;
		salsa_cpu_known = true;
	}
	return salsa_cpu_level < salsa_cap ? salsa_cpu_level : salsa_cap;
}

unsigned zt_salsa2012_select(unsigned level)
{
	salsa_cap = level;
	return salsa_level();
}

/* out = in ^ ks for a tail shorter than a wide pass, 8 bytes at a time. */
static void salsa_xor_tail(uint8_t *out, const uint8_t *in, const uint8_t *ks, size_t n)
{
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t a, b;

		memcpy(&a, in + i, 8);
		memcpy(&b, ks + i, 8);
		a ^= b;
		memcpy(out + i, &a, 8);
	}
	for (; i < n; i++)
		out[i] = in[i] ^ ks[i];
}

void zt_salsa2012_xor_ic(uint8_t *out, const uint8_t *in, size_t len,
			 const uint8_t nonce[ZT_SALSA2012_NONCE_LEN], uint64_t ic,
			 const uint8_t key[ZT_SALSA2012_KEY_LEN])
{
	unsigned level = salsa_level();
	uint32_t st[16];
	size_t done = 0;

	if (len > 2 * ZT_SALSA2012_BLOCK_LEN && level >= ZT_SALSA2012_SSE2) {
		salsa_v8_rounds_fn rounds =
		    level == ZT_SALSA2012_AVX512VL ? salsa_v8_rounds_vl : salsa_v8_rounds_avx2;

		salsa_state(st, nonce, key);
		if (len >= 512 && level >= ZT_SALSA2012_AVX2)
			done = salsa_avx2(out, in, len, st, ic, rounds);
		if (len - done > 256 && level >= ZT_SALSA2012_AVX2) {
			/* A tail of 5 to 8 blocks (a 2800-byte packet's payload ends in one):
			 * one more 8-block pass into a keystream buffer costs about what a
			 * 4-block one does, and leaves no block for the C code. */
			uint8_t ks[512] = {0};

			salsa_avx2(ks, ks, sizeof(ks), st, ic + done / 64, rounds);
			salsa_xor_tail(out + done, in + done, ks, len - done);
			done = len;
			sodium_memzero(ks, sizeof(ks));
		}
		done += salsa_sse2(out + done, in + done, len - done, st, ic + done / 64);
		if (len - done > ZT_SALSA2012_BLOCK_LEN) {
			/* A tail of 2 to 4 blocks: one more wide pass into a keystream buffer
			 * costs less than the blocks one by one (a 4-block pass is about one
			 * block of the C code). */
			uint8_t ks[256] = {0};

			salsa_sse2(ks, ks, sizeof(ks), st, ic + done / 64);
			salsa_xor_tail(out + done, in + done, ks, len - done);
			done = len;
			sodium_memzero(ks, sizeof(ks));
		}
		sodium_memzero(st, sizeof(st));
	}
	if (done < len)
		zt_salsa2012_xor_ic_ref(out + done, in + done, len - done, nonce, ic + done / 64,
					key);
}
#else
void zt_salsa2012_xor_ic(uint8_t *out, const uint8_t *in, size_t len,
			 const uint8_t nonce[ZT_SALSA2012_NONCE_LEN], uint64_t ic,
			 const uint8_t key[ZT_SALSA2012_KEY_LEN])
{
	zt_salsa2012_xor_ic_ref(out, in, len, nonce, ic, key);
}

unsigned zt_salsa2012_select(unsigned level)
{
	return ZT_SALSA2012_C;
}
#endif

void zt_salsa2012_xor20_ic(uint8_t *out, const uint8_t *in, size_t len,
			   const uint8_t nonce[ZT_SALSA2012_NONCE_LEN], uint64_t ic,
			   const uint8_t key[ZT_SALSA2012_KEY_LEN])
{
	crypto_stream_salsa20_xor_ic(out, in, len, nonce, ic, key);
}
