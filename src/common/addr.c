// SPDX-License-Identifier: BSD-2-Clause
/* Addresses: conversions between sockaddr and the rpc's nc_addr, CIDR parsing, formatting. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/addr.h"

static const uint8_t v4mapped_prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

int addr_from_sockaddr(struct nc_addr *out, const struct sockaddr *sa, socklen_t len)
{
	struct nc_addr a;

	memset(&a, 0, sizeof(a));
	if (!sa || len < (socklen_t)sizeof(sa_family_t))
		return -EINVAL;
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)sa;

		if (len < (socklen_t)sizeof(*s4))
			return -EINVAL;
		a.family = 4;
		a.port = ntohs(s4->sin_port);
		memcpy(a.ip, &s4->sin_addr, 4);
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;

		if (len < (socklen_t)sizeof(*s6))
			return -EINVAL;
		a.port = ntohs(s6->sin6_port);
		if (!memcmp(&s6->sin6_addr, v4mapped_prefix, 12)) {
			a.family = 4;
			memcpy(a.ip, (const uint8_t *)&s6->sin6_addr + 12, 4);
		} else {
			a.family = 6;
			a.scope = s6->sin6_scope_id;
			memcpy(a.ip, &s6->sin6_addr, 16);
		}
	} else {
		return -EAFNOSUPPORT;
	}
	*out = a;
	return 0;
}

void addr_to_sockaddr(const struct nc_addr *a, int family, struct sockaddr *sa, socklen_t *len)
{
	struct sockaddr_storage ss;
	socklen_t full;

	memset(&ss, 0, sizeof(ss));
	if (family == AF_INET) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons(a->port);
		if (a->family == 4)
			memcpy(&s4->sin_addr, a->ip, 4);
		full = sizeof(*s4);
	} else {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(a->port);
		if (a->family == 4) {
			memcpy(&s6->sin6_addr, v4mapped_prefix, 12);
			memcpy((uint8_t *)&s6->sin6_addr + 12, a->ip, 4);
		} else if (a->family == 6) {
			memcpy(&s6->sin6_addr, a->ip, 16);
			s6->sin6_scope_id = a->scope;
		}
		full = sizeof(*s6);
	}
	if (sa && len)
		memcpy(sa, &ss, *len < full ? *len : full);
	if (len)
		*len = full;
}

bool addr_is_any(const struct nc_addr *a)
{
	static const uint8_t zero[16];

	return !memcmp(a->ip, zero, a->family == 4 ? 4 : 16);
}

bool addr_is_loopback(const struct nc_addr *a)
{
	static const uint8_t lo6[16] = {[15] = 1};

	if (a->family == 4)
		return a->ip[0] == 127;
	return !memcmp(a->ip, lo6, 16);
}

bool addr_in_route(const struct nc_addr *a, const struct nc_route *r)
{
	int bits = r->prefix, bytes = bits / 8, rem = bits % 8;

	if (a->family != r->addr.family || bits > (a->family == 4 ? 32 : 128))
		return false;
	if (memcmp(a->ip, r->addr.ip, bytes))
		return false;
	if (rem) {
		uint8_t mask = (uint8_t)(0xff << (8 - rem));

		if ((a->ip[bytes] & mask) != (r->addr.ip[bytes] & mask))
			return false;
	}
	return true;
}

int addr_parse_cidr(struct nc_route *out, const char *s)
{
	char buf[INET6_ADDRSTRLEN + 8], *slash, *end;
	struct nc_route r;
	long bits;

	memset(&r, 0, sizeof(r));
	if (!s || strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (slash)
		*slash++ = 0;
	if (inet_pton(AF_INET, buf, r.addr.ip) == 1)
		r.addr.family = 4;
	else if (inet_pton(AF_INET6, buf, r.addr.ip) == 1)
		r.addr.family = 6;
	else
		return -EINVAL;
	bits = r.addr.family == 4 ? 32 : 128;
	if (slash) {
		errno = 0;
		long b = strtol(slash, &end, 10);

		if (!*slash || *end || errno || b < 0 || b > bits)
			return -EINVAL;
		bits = b;
	}
	r.prefix = (uint8_t)bits;
	*out = r;
	return 0;
}

char *addr_format(const struct nc_addr *a, bool with_port, char *buf, size_t size)
{
	char ip[INET6_ADDRSTRLEN];

	if (a->family == 4)
		inet_ntop(AF_INET, a->ip, ip, sizeof(ip));
	else if (a->family == 6)
		inet_ntop(AF_INET6, a->ip, ip, sizeof(ip));
	else
		snprintf(ip, sizeof(ip), "-");
	if (!with_port || !a->family)
		snprintf(buf, size, "%s", ip);
	else if (a->family == 6)
		snprintf(buf, size, "[%s]:%u", ip, a->port);
	else
		snprintf(buf, size, "%s:%u", ip, a->port);
	return buf;
}

bool addr_is_multicast(const struct nc_addr *a)
{
	return (a->family == 4 && (a->ip[0] & 0xf0) == 0xe0) ||
	       (a->family == 6 && a->ip[0] == 0xff);
}

bool addr_is_linklocal6(const struct nc_addr *a)
{
	return a->family == 6 && a->ip[0] == 0xfe && (a->ip[1] & 0xc0) == 0x80;
}
