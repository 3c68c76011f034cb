// SPDX-License-Identifier: BSD-2-Clause
/* libFuzzer: the local API's HTTP request parser on any bytes, and the invariants it promises. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_req r;
	/* A copy of exactly size bytes: ASan sees any read past the end. */
	uint8_t *buf = malloc(size ? size : 1);
	int n;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	memset(&r, 0xa5, sizeof(r));
	n = http_parse(buf, size, &r);
	if (n > 0) {
		if ((size_t)n > size || r.body < buf || r.body + r.body_len != buf + n ||
		    r.body_len > HTTP_MAX_BODY || r.path[0] != '/' ||
		    strnlen(r.path, sizeof(r.path)) == sizeof(r.path) ||
		    strnlen(r.auth, sizeof(r.auth)) == sizeof(r.auth) ||
		    strnlen(r.bearer, sizeof(r.bearer)) == sizeof(r.bearer))
			abort();
		/* Parsing the same request twice gives the same length. */
		if (http_parse(buf, (size_t)n, &r) != n)
			abort();
	} else if (n != -EAGAIN && n != -EBADMSG && n != -EMSGSIZE) {
		abort();
	}
	free(buf);
	return 0;
}
