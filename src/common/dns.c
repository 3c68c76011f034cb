// SPDX-License-Identifier: BSD-2-Clause
/* DNS messages (RFC 1035): one-question queries and the answers to them, bounds-checked. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "common/dns.h"

/* Compression pointers followed within one name: each must point before the last, so a loop is
 * impossible anyway; the count bounds the work on a hostile message. */
#define DNS_PTR_MAX 64
/* Answer records looked at; a longer answer section is parsed only this far. */
#define DNS_RR_MAX 64

#define DNS_FLAG_QR 0x8000
#define DNS_FLAG_TC 0x0200
#define DNS_FLAG_RD 0x0100
#define DNS_OPCODE_MASK 0x7800

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Names compare without case (RFC 4343) and without a trailing dot. */
static int dns_name_eq(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (la && a[la - 1] == '.')
		la--;
	if (lb && b[lb - 1] == '.')
		lb--;
	if (la != lb)
		return 0;
	for (size_t i = 0; i < la; i++)
		if (lower(a[i]) != lower(b[i]))
			return 0;
	return 1;
}

int dns_query_encode(uint8_t *buf, size_t cap, uint16_t id, const char *name, uint16_t qtype)
{
	size_t n = strlen(name), pos = DNS_HDR_LEN, start = 0;

	if (n && name[n - 1] == '.')
		n--;
	if (n == 0 || n > DNS_NAME_MAX)
		return -EINVAL;
	/* header + labels (n + 1 length bytes incl. root) + type and class */
	if (cap < DNS_HDR_LEN + n + 2 + 4)
		return -ENOSPC;
	memset(buf, 0, DNS_HDR_LEN);
	put16(buf, id);
	put16(buf + 2, DNS_FLAG_RD);
	put16(buf + 4, 1);
	while (start <= n) {
		size_t end = start;

		while (end < n && name[end] != '.')
			end++;
		if (end == start || end - start > 63)
			return -EINVAL;
		buf[pos++] = (uint8_t)(end - start);
		memcpy(buf + pos, name + start, end - start);
		pos += end - start;
		start = end + 1;
	}
	buf[pos++] = 0;
	put16(buf + pos, qtype);
	put16(buf + pos + 2, DNS_CLASS_IN);
	return (int)(pos + 4);
}

int dns_name_read(const uint8_t *msg, size_t len, size_t *off, char out[DNS_NAME_MAX + 1])
{
	size_t pos = *off, end = 0, outlen = 0;
	int ptrs = 0, jumped = 0;
	char tmp[DNS_NAME_MAX + 1];

	for (;;) {
		uint8_t l;

		if (pos >= len)
			return -EBADMSG;
		l = msg[pos];
		if ((l & 0xc0) == 0xc0) {
			size_t to;

			if (pos + 1 >= len || ++ptrs > DNS_PTR_MAX)
				return -EBADMSG;
			to = (size_t)(l & 0x3f) << 8 | msg[pos + 1];
			if (!jumped)
				end = pos + 2;
			/* Only backwards: a name cannot point at itself or ahead. */
			if (to >= pos)
				return -EBADMSG;
			jumped = 1;
			pos = to;
			continue;
		}
		if (l & 0xc0) /* 0x40 and 0x80: extended and reserved label types */
			return -EBADMSG;
		if (l == 0) {
			pos++;
			break;
		}
		if (pos + 1 + l > len || outlen + (outlen ? 1 : 0) + l > DNS_NAME_MAX)
			return -EBADMSG;
		if (outlen)
			tmp[outlen++] = '.';
		for (size_t i = 0; i < l; i++) {
			char c = (char)msg[pos + 1 + i];

			if (c == '.' || c == 0)
				return -EBADMSG;
			tmp[outlen++] = lower(c);
		}
		pos += 1 + (size_t)l;
	}
	tmp[outlen] = 0;
	memcpy(out, tmp, outlen + 1);
	*off = jumped ? end : pos;
	return 0;
}

struct dns_rr {
	size_t name_off; /* where the owner name starts */
	uint16_t type;
	uint16_t rdlen;
	uint32_t ttl;
	size_t rdata;
};

int dns_answer_parse(const uint8_t *msg, size_t len, uint16_t id, const char *name, uint16_t qtype,
		     struct dns_result *out)
{
	struct dns_rr rr[DNS_RR_MAX];
	char qn[DNS_NAME_MAX + 1], owner[DNS_NAME_MAX + 1];
	struct dns_result res;
	uint16_t flags, qd, an, cls;
	size_t pos = DNS_HDR_LEN;
	int nrr = 0;

	if (len < DNS_HDR_LEN)
		return -EBADMSG;
	if (get16(msg) != id)
		return -ESRCH;
	flags = get16(msg + 2);
	qd = get16(msg + 4);
	an = get16(msg + 6);
	if (!(flags & DNS_FLAG_QR) || (flags & DNS_OPCODE_MASK) || qd != 1)
		return -ESRCH;
	if (dns_name_read(msg, len, &pos, qn) < 0 || pos + 4 > len)
		return -EBADMSG;
	if (!dns_name_eq(qn, name) || get16(msg + pos) != qtype ||
	    get16(msg + pos + 2) != DNS_CLASS_IN)
		return -ESRCH;
	pos += 4;
	if (flags & DNS_FLAG_TC)
		return -EMSGSIZE;
	if ((flags & 0xf) == DNS_RCODE_NXDOMAIN)
		return -ENOENT;
	if (flags & 0xf)
		return -EIO;
	for (unsigned i = 0; i < an; i++) {
		struct dns_rr r = {.name_off = pos};

		if (dns_name_read(msg, len, &pos, owner) < 0 || pos + 10 > len)
			return -EBADMSG;
		r.type = get16(msg + pos);
		cls = get16(msg + pos + 2);
		r.ttl = get32(msg + pos + 4);
		r.rdlen = get16(msg + pos + 8);
		r.rdata = pos + 10;
		if (r.rdata + r.rdlen > len)
			return -EBADMSG;
		pos = r.rdata + r.rdlen;
		if (cls == DNS_CLASS_IN && nrr < DNS_RR_MAX)
			rr[nrr++] = r;
	}

	memset(&res, 0, sizeof(res));
	res.ttl = UINT32_MAX;
	memcpy(res.canon, qn, sizeof(qn));
	/* Follow CNAMEs from the question's name, as far as the answer carries them. */
	for (int hop = 0;; hop++) {
		int moved = 0;

		for (int i = 0; i < nrr && !moved; i++) {
			size_t p = rr[i].name_off, t = rr[i].rdata;
			char target[DNS_NAME_MAX + 1];

			if (rr[i].type != DNS_TYPE_CNAME)
				continue;
			if (dns_name_read(msg, len, &p, owner) < 0)
				return -EBADMSG;
			if (!dns_name_eq(owner, res.canon))
				continue;
			if (dns_name_read(msg, len, &t, target) < 0 ||
			    t != rr[i].rdata + rr[i].rdlen)
				return -EBADMSG;
			if (hop >= DNS_CNAME_MAX)
				return -EBADMSG;
			memcpy(res.canon, target, sizeof(target));
			if (rr[i].ttl < res.ttl)
				res.ttl = rr[i].ttl;
			moved = 1;
		}
		if (!moved)
			break;
	}
	for (int i = 0; i < nrr; i++) {
		size_t p = rr[i].name_off, want = qtype == DNS_TYPE_A ? 4 : 16;

		if (rr[i].type != qtype || (qtype != DNS_TYPE_A && qtype != DNS_TYPE_AAAA))
			continue;
		if (rr[i].rdlen != want)
			return -EBADMSG;
		if (dns_name_read(msg, len, &p, owner) < 0)
			return -EBADMSG;
		if (!dns_name_eq(owner, res.canon) || res.naddr >= DNS_ADDR_MAX)
			continue;
		res.addr[res.naddr].family = qtype == DNS_TYPE_A ? AF_INET : AF_INET6;
		memcpy(res.addr[res.naddr].ip, msg + rr[i].rdata, want);
		res.naddr++;
		if (rr[i].ttl < res.ttl)
			res.ttl = rr[i].ttl;
	}
	if (res.ttl == UINT32_MAX)
		res.ttl = 0;
	*out = res;
	return 0;
}
