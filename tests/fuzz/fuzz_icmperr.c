// SPDX-License-Identifier: BSD-2-Clause
/* libFuzzer: ICMP/ICMPv6 port unreachable parsing (the daemon's IP input path): any bytes give
 * 0, -ENOENT or -EBADMSG, the output is touched only on 0, and a result names a UDP 4-tuple of
 * the packet's own family. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/icmperr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)                                                                                   \
	do {                                                                                       \
		if (!(c))                                                                          \
			abort();                                                                   \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct icmperr e, untouched;
	int r;

	memset(&e, 0xa5, sizeof(e));
	untouched = e;
	r = icmperr_parse(data, size, &e);
	CHECK(r == 0 || r == -ENOENT || r == -EBADMSG);
	if (r) {
		CHECK(!memcmp(&e, &untouched, sizeof(e)));
		return 0;
	}
	CHECK(size >= 1);
	CHECK(e.local.family == e.remote.family);
	CHECK(e.local.family == (data[0] >> 4));
	return 0;
}
