// SPDX-License-Identifier: BSD-2-Clause
/* libFuzzer: control-message validation (rpc_check_request/reply) against an independent oracle,
 * then every field the daemon, intercept and CLI read from an accepted message, decoded the way
 * they decode it (addresses to sockaddrs and text, routes), and the --addr CIDR parser. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/addr.h"
#include "common/rpc_check.h"
#include "netcon/rpc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct nc_msg_size sizes[NC_MSG_TYPE_MAX] = NC_MSG_SIZES;

#define CHECK(c)                                                                                   \
	do {                                                                                       \
		if (!(c))                                                                          \
			abort();                                                                   \
	} while (0)

/* What a message must look like, written out again from rpc.h rather than from rpc_check.c. */
static int oracle_common(const uint8_t *d, size_t n, struct nc_hdr *h)
{
	if (n < sizeof(*h))
		return -1;
	memcpy(h, d, sizeof(*h));
	if (h->magic != NC_RPC_MAGIC || h->version != NC_RPC_VERSION)
		return -1;
	if (h->type < 1 || h->type >= NC_MSG_TYPE_MAX)
		return -1;
	return 0;
}

static int oracle_request(const uint8_t *d, size_t n)
{
	struct nc_hdr h;

	if (oracle_common(d, n, &h) < 0)
		return -1;
	return sizes[h.type].req && n == sizes[h.type].req ? h.type : -1;
}

static int oracle_reply(const uint8_t *d, size_t n, int want)
{
	struct nc_hdr h;

	if (oracle_common(d, n, &h) < 0 || h.type != want)
		return -1;
	if (h.status < 0 && n == sizeof(h))
		return h.type;
	return sizes[h.type].reply && n == sizes[h.type].reply ? h.type : -1;
}

/* An address as the daemon and intercept use it: both sockaddr families (full and short
 * buffers, as getsockname/accept give), back again, text, and route tests. */
static void decode_addr(const struct nc_addr *a)
{
	static const int lens[] = {0, 1, 2, 8, 16, 27, 28, 128};
	struct sockaddr_storage ss;
	struct nc_addr back;
	char txt[INET6_ADDRSTRLEN + 16], small[4];
	struct nc_route r;

	for (int fam = 0; fam < 2; fam++) {
		int af = fam ? AF_INET6 : AF_INET;

		for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
			socklen_t len = (socklen_t)lens[i];

			memset(&ss, 0xa5, sizeof(ss));
			addr_to_sockaddr(a, af, (struct sockaddr *)&ss, &len);
			CHECK(len == (af == AF_INET ? sizeof(struct sockaddr_in)
						    : sizeof(struct sockaddr_in6)));
			/* Nothing past what the caller offered is touched. */
			for (size_t k = (size_t)lens[i]; k < sizeof(ss); k++)
				CHECK(((uint8_t *)&ss)[k] == 0xa5);
		}
		socklen_t len = sizeof(ss);

		addr_to_sockaddr(a, af, (struct sockaddr *)&ss, &len);
		CHECK(addr_from_sockaddr(&back, (struct sockaddr *)&ss, len) == 0);
		CHECK(back.port == a->port);
		if (a->family == 4) {
			CHECK(back.family == 4 && !memcmp(back.ip, a->ip, 4));
		} else if (a->family == 6 && af == AF_INET6) {
			static const uint8_t mapped[12] = {[10] = 0xff, [11] = 0xff};

			if (!memcmp(a->ip, mapped, 12))
				CHECK(back.family == 4 && !memcmp(back.ip, a->ip + 12, 4));
			else
				CHECK(back.family == 6 && !memcmp(back.ip, a->ip, 16) &&
				      back.scope == a->scope);
		}
		addr_to_sockaddr(a, af, NULL, &len);
		addr_to_sockaddr(a, af, (struct sockaddr *)&ss, NULL);
	}
	addr_format(a, true, txt, sizeof(txt));
	CHECK(memchr(txt, 0, sizeof(txt)));
	addr_format(a, false, txt, sizeof(txt));
	addr_format(a, true, small, sizeof(small));
	CHECK(memchr(small, 0, sizeof(small)));
	if (a->family == 4 || a->family == 6) {
		addr_is_any(a);
		addr_is_loopback(a);
		/* The text form parses back to the same address. */
		addr_format(a, false, txt, sizeof(txt));
		CHECK(addr_parse_cidr(&r, txt) == 0);
		CHECK(r.addr.family == a->family &&
		      !memcmp(r.addr.ip, a->ip, a->family == 4 ? 4 : 16));
		CHECK(addr_in_route(a, &r));
	}
}

static void decode_route(const struct nc_route *rt)
{
	struct nc_addr probe;

	decode_addr(&rt->addr);
	addr_in_route(&rt->addr, rt);
	memset(&probe, 0, sizeof(probe));
	probe.family = 4;
	addr_in_route(&probe, rt);
	probe.family = 6;
	addr_in_route(&probe, rt);
}

/* The fields each side reads from a request it accepted. */
static void decode_request(int type, const uint8_t *d)
{
	switch (type) {
	case NC_BIND:
	case NC_LISTEN:
	case NC_CONNECT:
	case NC_GETERR:
	case NC_LOOKUP:
	case NC_STATUS: {
		struct nc_sock_req q;

		memcpy(&q, d, sizeof(q));
		decode_addr(&q.addr);
		break;
	}
	case NC_SETOPT: {
		struct nc_opt_req q;

		memcpy(&q, d, sizeof(q));
		break;
	}
	}
}

/* The fields the intercept and the CLI read from a reply they accepted (as chan.c and
 * cmd_status.c do: route counts are clamped to NC_MAX_ROUTES). */
static void decode_reply(int type, const uint8_t *d, size_t n)
{
	struct nc_hdr h;

	memcpy(&h, d, sizeof(h));
	if (n == sizeof(h) && sizes[type].reply != sizeof(h)) {
		CHECK(h.status < 0); /* an error reply */
		return;
	}
	switch (type) {
	case NC_HELLO:
	case NC_CLONE: {
		struct nc_hello_reply r;
		uint32_t nr;

		memcpy(&r, d, sizeof(r));
		nr = r.nroutes > NC_MAX_ROUTES ? NC_MAX_ROUTES : r.nroutes;
		for (uint32_t i = 0; i < nr; i++)
			decode_route(&r.routes[i]);
		break;
	}
	case NC_INFO: {
		struct nc_info r;
		uint32_t nr;

		memcpy(&r, d, sizeof(r));
		nr = r.nroutes > NC_MAX_ROUTES ? NC_MAX_ROUTES : r.nroutes;
		for (uint32_t i = 0; i < nr; i++)
			decode_route(&r.routes[i]);
		CHECK(strnlen(r.version, sizeof(r.version)) <= sizeof(r.version));
		break;
	}
	case NC_BIND:
	case NC_LISTEN:
	case NC_CONNECT:
	case NC_GETERR:
	case NC_LOOKUP: {
		struct nc_sock_reply r;

		memcpy(&r, d, sizeof(r));
		decode_addr(&r.local);
		decode_addr(&r.peer);
		break;
	}
	case NC_ACCEPT: {
		struct nc_accept_msg r;

		memcpy(&r, d, sizeof(r));
		decode_addr(&r.local);
		decode_addr(&r.peer);
		break;
	}
	case NC_STATUS_ENTRY: {
		struct nc_status_entry r;

		memcpy(&r, d, sizeof(r));
		decode_addr(&r.local);
		decode_addr(&r.peer);
		break;
	}
	}
}

/* The CLI's --addr parser on the input as text; what parses formats and parses back. */
static void fuzz_cidr(const uint8_t *d, size_t n)
{
	char s[96], txt[INET6_ADDRSTRLEN + 8];
	struct nc_route r, r2;

	if (n >= sizeof(s))
		n = sizeof(s) - 1;
	memcpy(s, d, n);
	s[n] = 0;
	memset(&r, 0x5a, sizeof(r));
	if (addr_parse_cidr(&r, s) < 0) {
		/* Pure: a failure leaves the output untouched. */
		for (size_t i = 0; i < sizeof(r); i++)
			CHECK(((uint8_t *)&r)[i] == 0x5a);
		return;
	}
	CHECK(r.addr.family == 4 || r.addr.family == 6);
	CHECK(r.prefix <= (r.addr.family == 4 ? 32 : 128));
	CHECK(r.addr.port == 0);
	addr_format(&r.addr, false, txt, sizeof(txt));
	snprintf(s, sizeof(s), "%s/%u", txt, r.prefix);
	CHECK(addr_parse_cidr(&r2, s) == 0);
	CHECK(!memcmp(&r, &r2, sizeof(r)));
	CHECK(addr_in_route(&r.addr, &r));
	decode_route(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* An aligned copy, as the daemon's and intercept's receive buffers are. */
	static uint8_t buf[4096] __attribute__((aligned(16)));
	const char *why;
	int r, o;

	if (size > sizeof(buf))
		return 0;
	memcpy(buf, data, size);

	why = NULL;
	r = rpc_check_request(buf, size, &why);
	o = oracle_request(buf, size);
	CHECK(r == o || (r == -EBADMSG && o == -1));
	CHECK(r >= 0 || why != NULL);
	CHECK(rpc_check_request(buf, size, NULL) == r);
	if (r >= 0)
		decode_request(r, buf);

	for (int want = 0; want <= NC_MSG_TYPE_MAX; want++) {
		why = NULL;
		r = rpc_check_reply(buf, size, want, &why);
		o = oracle_reply(buf, size, want);
		CHECK(r == o || (r == -EBADMSG && o == -1));
		CHECK(r >= 0 || why != NULL);
		CHECK(rpc_check_reply(buf, size, want, NULL) == r);
		if (r >= 0)
			decode_reply(r, buf, size);
	}

	fuzz_cidr(buf, size);
	return 0;
}
