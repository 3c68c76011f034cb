/* Salsa20 stream ciphers ZeroTier uses: Salsa20/12 for packets, Salsa20/20 for the identity hash. */
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

void zt_salsa2012_xor_ic(uint8_t *out, const uint8_t *in, size_t len,
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

void zt_salsa2012_xor20_ic(uint8_t *out, const uint8_t *in, size_t len,
			   const uint8_t nonce[ZT_SALSA2012_NONCE_LEN], uint64_t ic,
			   const uint8_t key[ZT_SALSA2012_KEY_LEN])
{
	crypto_stream_salsa20_xor_ic(out, in, len, nonce, ic, key);
}
