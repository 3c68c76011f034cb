// SPDX-License-Identifier: BSD-2-Clause
/* ZeroTier's InetAddress: its binary form (HELLO, World, network configs) and its IP/PORT text. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zt/bytes.h"
#include "zt/inetaddr.h"

int zt_inetaddr_deserialize(struct zt_inetaddr *out, const uint8_t *p, size_t len)
{
	struct zt_inetaddr a;
	size_t n;

	if (len < 1)
		return -EBADMSG;
	memset(&a, 0, sizeof(a));
	switch (p[0]) {
	case ZT_INETADDR_TYPE_NIL:
		n = 1;
		break;
	case ZT_INETADDR_TYPE_ETHERNET:
	case ZT_INETADDR_TYPE_BLUETOOTH:
		n = 7;
		break;
	case ZT_INETADDR_TYPE_OTHER:
		if (len < 3)
			return -EBADMSG;
		n = 3 + (((size_t)p[1] << 8) | p[2]);
		break;
	case ZT_INETADDR_TYPE_IPV4:
		n = 7;
		if (len < n)
			return -EBADMSG;
		a.family = 4;
		memcpy(a.ip, p + 1, 4);
		a.port = (uint16_t)(p[5] << 8 | p[6]);
		break;
	case ZT_INETADDR_TYPE_IPV6:
		n = 19;
		if (len < n)
			return -EBADMSG;
		a.family = 6;
		memcpy(a.ip, p + 1, 16);
		a.port = (uint16_t)(p[17] << 8 | p[18]);
		break;
	default:
		return -EBADMSG;
	}
	if (len < n)
		return -EBADMSG;
	*out = a;
	return (int)n;
}

size_t zt_inetaddr_size(const struct zt_inetaddr *a)
{
	return a->family == 4 ? 7 : a->family == 6 ? 19 : 1;
}

int zt_inetaddr_serialize(const struct zt_inetaddr *a, uint8_t *out, size_t size)
{
	size_t n = zt_inetaddr_size(a), iplen = a->family == 4 ? 4 : 16;

	if (a->family != 0 && a->family != 4 && a->family != 6)
		return -EINVAL;
	if (size < n)
		return -ENOSPC;
	if (a->family == 0) {
		out[0] = ZT_INETADDR_TYPE_NIL;
		return 1;
	}
	out[0] = a->family == 4 ? ZT_INETADDR_TYPE_IPV4 : ZT_INETADDR_TYPE_IPV6;
	memcpy(out + 1, a->ip, iplen);
	out[1 + iplen] = (uint8_t)(a->port >> 8);
	out[2 + iplen] = (uint8_t)a->port;
	return (int)n;
}

char *zt_inetaddr_to_string(const struct zt_inetaddr *a, char *buf)
{
	size_t n;

	buf[0] = '\0';
	if (a->family != 4 && a->family != 6)
		return buf;
	if (!inet_ntop(a->family == 4 ? AF_INET : AF_INET6, a->ip, buf, ZT_INETADDR_STRLEN)) {
		buf[0] = '\0';
		return buf;
	}
	n = strlen(buf);
	snprintf(buf + n, ZT_INETADDR_STRLEN - n, "/%u", (unsigned)a->port);
	return buf;
}

int zt_inetaddr_from_string(struct zt_inetaddr *out, const char *s)
{
	char ip[INET6_ADDRSTRLEN];
	const char *slash = strrchr(s, '/');
	struct zt_inetaddr a;
	unsigned long port;
	char *end;

	if (!slash || (size_t)(slash - s) >= sizeof(ip) || slash == s)
		return -EINVAL;
	memcpy(ip, s, slash - s);
	ip[slash - s] = '\0';
	if (slash[1] < '0' || slash[1] > '9')
		return -EINVAL;
	errno = 0;
	port = strtoul(slash + 1, &end, 10);
	if (errno || *end || port > 65535)
		return -EINVAL;
	memset(&a, 0, sizeof(a));
	if (inet_pton(AF_INET, ip, a.ip) == 1)
		a.family = 4;
	else if (inet_pton(AF_INET6, ip, a.ip) == 1)
		a.family = 6;
	else
		return -EINVAL;
	a.port = (uint16_t)port;
	*out = a;
	return 0;
}

void zt_inetaddr_set(struct zt_inetaddr *out, int family, const void *ip, uint16_t port)
{
	memset(out, 0, sizeof(*out));
	if (family != 4 && family != 6)
		return;
	out->family = (uint8_t)family;
	memcpy(out->ip, ip, family == 4 ? 4 : 16);
	out->port = port;
}

bool zt_inetaddr_equal(const struct zt_inetaddr *a, const struct zt_inetaddr *b)
{
	return a->family == b->family && a->port == b->port &&
	       !memcmp(a->ip, b->ip,
		       a->family == 4	? 4
		       : a->family == 6 ? 16
					: 0);
}

bool zt_inetaddr_is_loopback(const struct zt_inetaddr *a)
{
	static const uint8_t v6_loop[16] = {[15] = 1};
	static const uint8_t v4_mapped[12] = {[10] = 0xff, [11] = 0xff};

	if (a->family == 4)
		return a->ip[0] == 127;
	if (a->family != 6)
		return false;
	return !memcmp(a->ip, v6_loop, 16) || (!memcmp(a->ip, v4_mapped, 12) && a->ip[12] == 127);
}

void zt_inetaddr_rfc4193(struct zt_inetaddr *out, uint64_t nwid, uint64_t node)
{
	memset(out, 0, sizeof(*out));
	out->family = 6;
	out->ip[0] = 0xfd;
	zt_be_put(out->ip + 1, nwid, 8);
	/* 0x9993: ZeroTier's port, the marker of this form */
	out->ip[9] = 0x99;
	out->ip[10] = 0x93;
	zt_be_put(out->ip + 11, node, 5);
	out->port = ZT_INETADDR_RFC4193_BITS;
}

void zt_inetaddr_6plane(struct zt_inetaddr *out, uint64_t nwid, uint64_t node)
{
	memset(out, 0, sizeof(*out));
	out->family = 6;
	out->ip[0] = 0xfc;
	zt_be_put(out->ip + 1, (nwid ^ (nwid >> 32)) & 0xffffffffu, 4);
	zt_be_put(out->ip + 5, node, 5);
	out->ip[15] = 0x01;
	out->port = ZT_INETADDR_6PLANE_BITS;
}
