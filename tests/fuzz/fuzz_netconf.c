// SPDX-License-Identifier: BSD-2-Clause
/* libFuzzer: network configs from any dictionary (stable after one rewrite) and config chunks
 * through the reassembler. The first byte picks which. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "zt/netconf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char ROOT[] =
    "5f4e89e209:0:1dd7fd7689be332f02429daeb99444fcb351eecfadeecebedcde90647e5"
    "4ec234a9d71baa73a63a4b5fdd41fdd81c38920b2e8db032b2ad72f2c7f8725b3cb07";

static void fuzz_dict(const uint8_t *data, size_t size)
{
	static struct zt_netconf a, b;
	static char buf[262144];
	struct zt_dict d, w;

	zt_dict_view(&d, data, size);
	if (zt_netconf_from_dict(&a, &d) < 0)
		return;
	zt_dict_init(&w, buf, sizeof(buf));
	if (zt_netconf_to_dict(&a, &w) < 0)
		abort();
	zt_dict_view(&d, w.text, w.len);
	if (zt_netconf_from_dict(&b, &d) < 0)
		abort();
	if (memcmp(&a, &b, sizeof(a)))
		abort();
}

static void fuzz_chunks(const uint8_t *data, size_t size)
{
	static struct zt_netconf_asm a;
	static struct zt_identity root;
	static bool loaded;
	struct zt_netconf_chunk c;

	if (!loaded) {
		if (zt_identity_from_string(&root, ROOT) < 0)
			abort();
		loaded = true;
	}
	zt_netconf_asm_init(&a, 0x5f4e89e209000001ULL);
	/* Several chunks back to back, each parsed at the offset the previous one ended. */
	while (size > 0) {
		int n = zt_netconf_chunk_parse(&c, data, size);

		if (n < 0)
			break;
		if ((size_t)n > size || (uint64_t)c.offset + c.len > c.total)
			abort();
		zt_netconf_asm_add(&a, &root, data, (size_t)n);
		if (a.have > a.total)
			abort();
		data += n;
		size -= (size_t)n;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 65536)
		return 0;
	if (data[0] & 1)
		fuzz_chunks(data + 1, size - 1);
	else
		fuzz_dict(data + 1, size - 1);
	return 0;
}
