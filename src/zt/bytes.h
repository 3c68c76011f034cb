/* SPDX-License-Identifier: BSD-2-Clause */
/* Big-endian integers of 1 to 8 bytes, as ZeroTier puts every field on the wire. */
#ifndef NETCON_ZT_BYTES_H
#define NETCON_ZT_BYTES_H

#include <stddef.h>
#include <stdint.h>

static inline uint64_t zt_be_get(const uint8_t *p, size_t n)
{
	uint64_t v = 0;

	for (size_t i = 0; i < n; i++)
		v = (v << 8) | p[i];
	return v;
}

/* Returns n, so that writers can advance by it. */
static inline size_t zt_be_put(uint8_t *p, uint64_t v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
	return n;
}

#endif
