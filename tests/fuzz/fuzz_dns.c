// SPDX-License-Identifier: BSD-2-Clause
/* libFuzzer: DNS answers as the intercept parses them (dns_answer_parse for the query the
 * message's own question names, and for a fixed one), names read at every offset, and queries
 * encoded from fuzzed names that must parse back as their own question. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/dns.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)                                                                                   \
	do {                                                                                       \
		if (!(c))                                                                          \
			abort();                                                                   \
	} while (0)

static void check_result(int r, const struct dns_result *res)
{
	CHECK(r == 0 || r == -ESRCH || r == -ENOENT || r == -EIO || r == -EMSGSIZE ||
	      r == -EBADMSG);
	if (r)
		return;
	CHECK(res->naddr >= 0 && res->naddr <= DNS_ADDR_MAX);
	CHECK(strlen(res->canon) <= DNS_NAME_MAX);
	for (int i = 0; i < res->naddr; i++)
		CHECK(res->addr[i].family == 2 || res->addr[i].family == 10);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dns_result res;
	char name[DNS_NAME_MAX + 1], qname[DNS_NAME_MAX + 1];
	size_t off = DNS_HDR_LEN;
	uint16_t id = size >= 2 ? (uint16_t)(data[0] << 8 | data[1]) : 0;
	int r;

	memset(&res, 0, sizeof(res));
	check_result(dns_answer_parse(data, size, id, "web.vnet", DNS_TYPE_A, &res), &res);
	if (size > DNS_HDR_LEN && dns_name_read(data, size, &off, qname) == 0) {
		CHECK(off <= size);
		if (*qname) {
			check_result(dns_answer_parse(data, size, id, qname, DNS_TYPE_A, &res),
				     &res);
			check_result(dns_answer_parse(data, size, id, qname, DNS_TYPE_AAAA, &res),
				     &res);
		}
	}
	for (size_t i = 0; i < size && i < 64; i++) {
		off = i;
		if (dns_name_read(data, size, &off, name) == 0)
			CHECK(off > i && off <= size && strlen(name) <= DNS_NAME_MAX);
	}
	/* The input as a name: an encoded query must be its own well-formed question. */
	if (size <= DNS_NAME_MAX + 1) {
		uint8_t q[DNS_QUERY_MAX];
		char text[DNS_NAME_MAX + 2];

		memcpy(text, data, size);
		text[size] = 0;
		r = dns_query_encode(q, sizeof(q), 0x4242, text, DNS_TYPE_AAAA);
		CHECK(r == -EINVAL || (r > DNS_HDR_LEN && r <= (int)sizeof(q)));
		if (r > 0) {
			off = DNS_HDR_LEN;
			if (dns_name_read(q, (size_t)r, &off, name) == 0)
				CHECK(off + 4 == (size_t)r);
		}
	}
	return 0;
}
