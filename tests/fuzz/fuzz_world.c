// SPDX-License-Identifier: BSD-2-Clause
/* libFuzzer: World parsing and verification; whatever parses writes back to an equal world. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "zt/world.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct zt_world w, w2;
	static uint8_t out[ZT_WORLD_MAX_SIZE], out2[ZT_WORLD_MAX_SIZE];
	int n, m, m2;

	n = zt_world_deserialize(&w, data, size);
	if (n < 0)
		return 0;
	if ((size_t)n > size)
		abort();
	zt_world_verify(&w, w.update_key);
	zt_world_should_replace(&w, &w);
	m = zt_world_serialize(&w, false, out, sizeof(out));
	if (m < 0 || m > n)
		abort();
	/* Skipped address types and moon extras are dropped once; then the form is stable. */
	if (zt_world_deserialize(&w2, out, (size_t)m) != m)
		abort();
	m2 = zt_world_serialize(&w2, false, out2, sizeof(out2));
	if (m2 != m || memcmp(out, out2, (size_t)m))
		abort();
	return 0;
}
