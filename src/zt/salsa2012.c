/* Salsa20 stream ciphers ZeroTier uses: Salsa20/12 for packets, Salsa20/20 for the identity hash. */
#include <string.h>

#include <sodium.h>

#include "zt/salsa2012.h"

void zt_salsa2012_xor_ic(uint8_t *out, const uint8_t *in, size_t len,
			 const uint8_t nonce[ZT_SALSA2012_NONCE_LEN], uint64_t ic,
			 const uint8_t key[ZT_SALSA2012_KEY_LEN])
{
	/* libsodium 1.0.18 has no crypto_stream_salsa2012_xor_ic: run the core per block. */
	uint8_t blkin[16], ks[ZT_SALSA2012_BLOCK_LEN];
	size_t i, n;

	memcpy(blkin, nonce, 8);
	while (len) {
		for (i = 0; i < 8; i++)
			blkin[8 + i] = (uint8_t)(ic >> (8 * i));
		crypto_core_salsa2012(ks, blkin, key, NULL);
		n = len < sizeof(ks) ? len : sizeof(ks);
		for (i = 0; i < n; i++)
			out[i] = in[i] ^ ks[i];
		out += n;
		in += n;
		len -= n;
		ic++;
	}
	sodium_memzero(ks, sizeof(ks));
}

void zt_salsa2012_xor20_ic(uint8_t *out, const uint8_t *in, size_t len,
			   const uint8_t nonce[ZT_SALSA2012_NONCE_LEN], uint64_t ic,
			   const uint8_t key[ZT_SALSA2012_KEY_LEN])
{
	crypto_stream_salsa20_xor_ic(out, in, len, nonce, ic, key);
}
