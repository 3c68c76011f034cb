// SPDX-License-Identifier: BSD-2-Clause
/* DNS codec: query encoding, answers with CNAME chains and compression, and malformed input. */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "common/dns.h"
#include "tap.h"

/* An answer builder: the query's bytes with QR set, then records appended by hand. */
struct msg {
	uint8_t b[1024];
	size_t n;
};

static void put(struct msg *m, const void *p, size_t n)
{
	memcpy(m->b + m->n, p, n);
	m->n += n;
}

static void put16(struct msg *m, unsigned v)
{
	uint8_t b[2] = {(uint8_t)(v >> 8), (uint8_t)v};

	put(m, b, 2);
}

static void reply_of(struct msg *m, uint16_t id, const char *name, uint16_t qtype, int rcode,
		     int ancount)
{
	m->n = (size_t)dns_query_encode(m->b, sizeof(m->b), id, name, qtype);
	m->b[2] = 0x81;
	m->b[3] = (uint8_t)(0x80 | rcode);
	m->b[7] = (uint8_t)ancount;
}

/* A record whose owner is a pointer to offset ptr (12: the question's name). */
static void rr(struct msg *m, unsigned ptr, uint16_t type, const void *rdata, uint16_t rdlen)
{
	put16(m, 0xc000 | ptr);
	put16(m, type);
	put16(m, DNS_CLASS_IN);
	put16(m, 0);
	put16(m, 300);
	put16(m, rdlen);
	put(m, rdata, rdlen);
}

int main(void)
{
	uint8_t q[DNS_QUERY_MAX];
	struct dns_result res;
	struct msg m;
	char name[DNS_NAME_MAX + 1], big[300];
	size_t off;
	uint8_t v4[4] = {10, 79, 0, 7}, v6[16] = {0xfd, 0x79, [15] = 7};
	int n;

	n = dns_query_encode(q, sizeof(q), 0x1234, "web.vnet.", DNS_TYPE_A);
	is_int(n, 12 + 10 + 4, "a query for web.vnet. is 26 bytes");
	ok(q[0] == 0x12 && q[1] == 0x34 && q[2] == 0x01 && q[5] == 1 &&
	       !memcmp(q + 12, "\3web\4vnet\0\0\1\0\1", 14),
	   "id, RD, one question, labels, type A, class IN");
	is_int(dns_query_encode(q, sizeof(q), 1, "a..b", DNS_TYPE_A), -EINVAL, "empty label");
	is_int(dns_query_encode(q, sizeof(q), 1, "", DNS_TYPE_A), -EINVAL, "empty name");
	memset(big, 'a', 64);
	big[64] = 0;
	is_int(dns_query_encode(q, sizeof(q), 1, big, DNS_TYPE_A), -EINVAL, "a 64-byte label");
	memset(big, 'a', 260);
	for (int i = 63; i < 260; i += 64)
		big[i] = '.';
	big[259] = 0;
	is_int(dns_query_encode(q, sizeof(q), 1, big, DNS_TYPE_A), -EINVAL, "a 259-byte name");
	is_int(dns_query_encode(q, 20, 1, "web.vnet", DNS_TYPE_A), -ENOSPC, "a short buffer");

	reply_of(&m, 7, "Web.VNET", DNS_TYPE_A, 0, 2);
	rr(&m, 12, DNS_TYPE_A, v4, 4);
	v4[3] = 8;
	rr(&m, 12, DNS_TYPE_A, v4, 4);
	is_int(dns_answer_parse(m.b, m.n, 7, "web.vnet", DNS_TYPE_A, &res), 0, "two A records");
	ok(res.naddr == 2 && res.addr[0].family == AF_INET && res.addr[0].ip[3] == 7 &&
	       res.addr[1].ip[3] == 8 && res.ttl == 300 && !strcmp(res.canon, "web.vnet"),
	   "addresses in order, ttl, canonical name lower-cased");
	is_int(dns_answer_parse(m.b, m.n, 8, "web.vnet", DNS_TYPE_A, &res), -ESRCH, "wrong id");
	is_int(dns_answer_parse(m.b, m.n, 7, "db.vnet", DNS_TYPE_A, &res), -ESRCH, "wrong name");
	is_int(dns_answer_parse(m.b, m.n, 7, "web.vnet", DNS_TYPE_AAAA, &res), -ESRCH,
	       "wrong type");
	for (size_t cut = 0; cut < m.n; cut++) {
		int r = dns_answer_parse(m.b, cut, 7, "web.vnet", DNS_TYPE_A, &res);

		if (r != -EBADMSG && !(cut < 12 && r == -ESRCH)) {
			ok(0, "truncated at %zu: %d", cut, r);
			break;
		}
		if (cut == m.n - 1)
			ok(1, "every truncation is -EBADMSG");
	}

	/* www -> web (CNAME, its target compressed against the question) -> AAAA */
	reply_of(&m, 9, "www.vnet", DNS_TYPE_AAAA, 0, 2);
	{
		size_t cname_rdata;
		uint8_t target[] = {3, 'w', 'e', 'b', 0xc0, 16}; /* "web" + pointer to "vnet" */

		rr(&m, 12, DNS_TYPE_CNAME, target, sizeof(target));
		cname_rdata = m.n - sizeof(target);
		rr(&m, (unsigned)cname_rdata, DNS_TYPE_AAAA, v6, 16);
	}
	is_int(dns_answer_parse(m.b, m.n, 9, "www.vnet", DNS_TYPE_AAAA, &res), 0,
	       "CNAME then AAAA");
	ok(res.naddr == 1 && res.addr[0].family == AF_INET6 && !memcmp(res.addr[0].ip, v6, 16) &&
	       !strcmp(res.canon, "web.vnet"),
	   "the chain is followed: canonical web.vnet, fd79::7");

	reply_of(&m, 3, "nope.vnet", DNS_TYPE_A, DNS_RCODE_NXDOMAIN, 0);
	is_int(dns_answer_parse(m.b, m.n, 3, "nope.vnet", DNS_TYPE_A, &res), -ENOENT, "NXDOMAIN");
	reply_of(&m, 3, "nope.vnet", DNS_TYPE_A, 2, 0);
	is_int(dns_answer_parse(m.b, m.n, 3, "nope.vnet", DNS_TYPE_A, &res), -EIO, "SERVFAIL");
	reply_of(&m, 3, "nope.vnet", DNS_TYPE_A, 0, 0);
	is_int(dns_answer_parse(m.b, m.n, 3, "nope.vnet", DNS_TYPE_A, &res), 0, "NODATA is 0");
	is_int(res.naddr, 0, "with no addresses");
	m.b[2] |= 0x02;
	is_int(dns_answer_parse(m.b, m.n, 3, "nope.vnet", DNS_TYPE_A, &res), -EMSGSIZE, "TC set");

	/* A record of the wrong size. */
	reply_of(&m, 4, "web.vnet", DNS_TYPE_A, 0, 1);
	rr(&m, 12, DNS_TYPE_A, v6, 5);
	is_int(dns_answer_parse(m.b, m.n, 4, "web.vnet", DNS_TYPE_A, &res), -EBADMSG,
	       "an A record of 5 bytes");
	/* A pointer to itself, and one forward. */
	reply_of(&m, 4, "web.vnet", DNS_TYPE_A, 0, 1);
	put16(&m, 0xc000 | (unsigned)m.n);
	is_int(dns_answer_parse(m.b, m.n, 4, "web.vnet", DNS_TYPE_A, &res), -EBADMSG,
	       "a compression pointer to itself");
	m.b[m.n - 1] = (uint8_t)(m.n + 4);
	is_int(dns_answer_parse(m.b, m.n, 4, "web.vnet", DNS_TYPE_A, &res), -EBADMSG,
	       "a compression pointer forward");
	/* A CNAME loop a -> b -> a. */
	reply_of(&m, 5, "a", DNS_TYPE_A, 0, 2);
	{
		uint8_t b_name[] = {1, 'b', 0}, a_ptr[] = {0xc0, 12};
		size_t b_at;

		rr(&m, 12, DNS_TYPE_CNAME, b_name, 3);
		b_at = m.n - 3;
		rr(&m, (unsigned)b_at, DNS_TYPE_CNAME, a_ptr, 2);
	}
	is_int(dns_answer_parse(m.b, m.n, 5, "a", DNS_TYPE_A, &res), -EBADMSG, "a CNAME loop");

	/* dns_name_read: a label with a dot in it, and the 0x40 label type. */
	memcpy(m.b, "\3a.b\0", 5);
	off = 0;
	is_int(dns_name_read(m.b, 5, &off, name), -EBADMSG, "a label holding a dot");
	memcpy(m.b, "\x41x\0", 3);
	off = 0;
	is_int(dns_name_read(m.b, 3, &off, name), -EBADMSG, "an extended label type");
	memcpy(m.b, "\0", 1);
	off = 0;
	ok(dns_name_read(m.b, 1, &off, name) == 0 && !*name && off == 1, "the root name");
	return done_testing();
}
