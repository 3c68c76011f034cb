/* SPDX-License-Identifier: BSD-2-Clause */
/* Salsa20 stream ciphers ZeroTier uses: Salsa20/12 for packets, Salsa20/20 for the identity hash. */
#ifndef NETCON_ZT_SALSA2012_H
#define NETCON_ZT_SALSA2012_H

#include <stddef.h>
#include <stdint.h>

#define ZT_SALSA2012_KEY_LEN 32
#define ZT_SALSA2012_NONCE_LEN 8
#define ZT_SALSA2012_BLOCK_LEN 64

/* XOR len bytes of in with the Salsa20/12 keystream of (key, nonce) that starts at 64-byte block
 * ic, into out (in == out allowed). A trailing partial block discards the rest of its keystream,
 * as ZeroTier's Salsa20 does. */
void zt_salsa2012_xor_ic(uint8_t *out, const uint8_t *in, size_t len,
			 const uint8_t nonce[ZT_SALSA2012_NONCE_LEN], uint64_t ic,
			 const uint8_t key[ZT_SALSA2012_KEY_LEN]);

/* The same, one block at a time in plain C: what the SSE2/AVX2 paths of zt_salsa2012_xor_ic are
 * checked against, and what it uses for the last blocks. */
void zt_salsa2012_xor_ic_ref(uint8_t *out, const uint8_t *in, size_t len,
			     const uint8_t nonce[ZT_SALSA2012_NONCE_LEN], uint64_t ic,
			     const uint8_t key[ZT_SALSA2012_KEY_LEN]);

/* Implementations of zt_salsa2012_xor_ic, slowest first. */
#define ZT_SALSA2012_C 0 /* one block at a time (zt_salsa2012_xor_ic_ref) */
#define ZT_SALSA2012_SSE2 1 /* 4 blocks at a time */
#define ZT_SALSA2012_AVX2 2 /* 8 blocks at a time */
#define ZT_SALSA2012_AVX512VL 3 /* 8 blocks, AVX-512VL rotates */

/* Use at most implementation `level` from now on (for tests and benchmarks, which compare them;
 * the default is the best the CPU has). Returns the level in use, lower if the CPU lacks it. */
unsigned zt_salsa2012_select(unsigned level);

/* The same with 20 rounds (the memory-hard identity hash). */
void zt_salsa2012_xor20_ic(uint8_t *out, const uint8_t *in, size_t len,
			   const uint8_t nonce[ZT_SALSA2012_NONCE_LEN], uint64_t ic,
			   const uint8_t key[ZT_SALSA2012_KEY_LEN]);

#endif
