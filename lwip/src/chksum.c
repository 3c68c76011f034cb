// SPDX-License-Identifier: BSD-2-Clause
/* The Internet checksum for our lwIP build (LWIP_CHKSUM in lwipopts.h), 16 bytes a step. */
#include <stdint.h>
#include <string.h>

#include "../include/lwipopts.h"

/* lwIP's own (LWIP_CHKSUM_ALGORITHM 2) adds 16-bit words one at a time; over every segment sent
 * and received it was a twentieth of the daemons' CPU. Here 32-bit words go into 64-bit sums,
 * which cannot carry out before 2^32 words, and the total folds to 16 bits at the end. The
 * words are read in memory order from data, as lwIP's are, so the result is the same: the
 * one's complement sum (not inverted) of the 16-bit words that start at data, a last odd byte
 * padded with zero. */
unsigned short netcon_lwip_chksum(const void *data, int len)
{
	const uint8_t *p = data;
	uint64_t a = 0, b = 0;
	uint32_t w[4];

	for (; len >= 16; p += 16, len -= 16) {
		memcpy(w, p, sizeof(w));
		a += w[0];
		b += w[1];
		a += w[2];
		b += w[3];
	}
	a += b;
	for (; len >= 4; p += 4, len -= 4) {
		memcpy(w, p, 4);
		a += w[0];
	}
	if (len > 0) {
		w[0] = 0;
		memcpy(w, p, (size_t)len);
		a += w[0];
	}
	a = (a & 0xffffffffu) + (a >> 32);
	a = (a & 0xffffffffu) + (a >> 32);
	a = (a & 0xffff) + (a >> 16);
	a = (a & 0xffff) + (a >> 16);
	return (unsigned short)a;
}
