// SPDX-License-Identifier: BSD-2-Clause
/* libFuzzer: CertificateOfMembership parsing; whatever parses writes back the same bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "zt/com.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The lab controller: certificates are checked against it. */
static const char ROOT[] =
    "5f4e89e209:0:1dd7fd7689be332f02429daeb99444fcb351eecfadeecebedcde90647e5"
    "4ec234a9d71baa73a63a4b5fdd41fdd81c38920b2e8db032b2ad72f2c7f8725b3cb07";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct zt_identity root;
	static bool loaded;
	uint8_t out[ZT_COM_MAX_SIZE];
	struct zt_com c;
	int n, m;

	if (!loaded) {
		if (zt_identity_from_string(&root, ROOT) < 0)
			abort();
		loaded = true;
	}
	n = zt_com_deserialize(&c, data, size);
	if (n < 0)
		return 0;
	if ((size_t)n > size || (size_t)n != zt_com_size(&c))
		abort();
	m = zt_com_serialize(&c, out, sizeof(out));
	if (m != n || memcmp(out, data, (size_t)n))
		abort();
	zt_com_verify(&c, &root);
	zt_com_agrees(&c, &c, &root);
	return 0;
}
