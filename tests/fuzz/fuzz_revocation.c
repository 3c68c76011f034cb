// SPDX-License-Identifier: BSD-2-Clause
/* libFuzzer: Revocation parsing; what parses writes back and reads back the same. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "zt/revocation.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The lab controller: revocations are checked against it. */
static const char ROOT[] =
    "5f4e89e209:0:1dd7fd7689be332f02429daeb99444fcb351eecfadeecebedcde90647e5"
    "4ec234a9d71baa73a63a4b5fdd41fdd81c38920b2e8db032b2ad72f2c7f8725b3cb07";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct zt_identity root;
	static bool loaded;
	uint8_t out[ZT_REVOCATION_SIZE];
	struct zt_revocation r, back;
	int n, m;

	if (!loaded) {
		if (zt_identity_from_string(&root, ROOT) < 0)
			abort();
		loaded = true;
	}
	n = zt_revocation_deserialize(&r, data, size);
	if (n < 0)
		return 0;
	if ((size_t)n > size || n < ZT_REVOCATION_SIZE)
		abort();
	zt_revocation_verify(&r, &root);
	m = zt_revocation_serialize(&r, out, sizeof(out));
	if (!r.signed_by) {
		if (m >= 0)
			abort();
		return 0;
	}
	if (m != ZT_REVOCATION_SIZE || zt_revocation_deserialize(&back, out, (size_t)m) != m ||
	    memcmp(&back, &r, sizeof(r)))
		abort();
	return 0;
}
