/* SPDX-License-Identifier: BSD-2-Clause */
/* DNS messages (RFC 1035): a query for one name and type, and the parse of its answer. Pure code:
 * no I/O, no allocation; every read is bounds-checked and anything malformed is -EBADMSG. */
#ifndef NETCON_DNS_H
#define NETCON_DNS_H

#include <stddef.h>
#include <stdint.h>

#define DNS_TYPE_A 1
#define DNS_TYPE_CNAME 5
#define DNS_TYPE_AAAA 28
#define DNS_CLASS_IN 1
#define DNS_RCODE_NXDOMAIN 3

#define DNS_HDR_LEN 12
/* Longest name in text form, without the trailing dot (255 bytes on the wire). */
#define DNS_NAME_MAX 253
/* Room for a query of any name: header, name, type and class. */
#define DNS_QUERY_MAX (DNS_HDR_LEN + 255 + 4)
/* Addresses kept from one answer; more are ignored. */
#define DNS_ADDR_MAX 16
/* CNAME links followed within one answer. */
#define DNS_CNAME_MAX 8

struct dns_addr {
	uint8_t family; /* AF_INET or AF_INET6 */
	uint8_t ip[16]; /* 4 or 16 bytes used */
};

struct dns_result {
	char canon[DNS_NAME_MAX + 1]; /* where the CNAME chain ends (the name if none) */
	int naddr;
	uint32_t ttl; /* smallest TTL of the records used */
	struct dns_addr addr[DNS_ADDR_MAX];
};

/* A recursive query for name (text, one trailing dot allowed) and qtype into buf. Returns its
 * length, -EINVAL for a name that cannot be a DNS name, -ENOSPC if cap is too small. */
int dns_query_encode(uint8_t *buf, size_t cap, uint16_t id, const char *name, uint16_t qtype);

/* The answer in msg to the query (id, name, qtype): addresses of qtype at the end of the CNAME
 * chain that starts at name. Returns 0 (naddr may be 0: the name has no such records),
 * -ESRCH if msg answers another query (wrong id or question: keep waiting), -ENOENT for NXDOMAIN,
 * -EIO for another error code, -EMSGSIZE if truncated (no TCP fallback), -EBADMSG if malformed.
 * out is written only on 0. */
int dns_answer_parse(const uint8_t *msg, size_t len, uint16_t id, const char *name, uint16_t qtype,
		     struct dns_result *out);

/* The name at *off in msg, decompressed, as lower-case text without the trailing dot ("" for the
 * root). On success *off is just past the name where it started (not where a pointer led) and
 * out holds a NUL-terminated string of at most DNS_NAME_MAX bytes. Labels holding '.' or NUL
 * bytes are refused. Returns 0 or -EBADMSG. */
int dns_name_read(const uint8_t *msg, size_t len, size_t *off, char out[DNS_NAME_MAX + 1]);

#endif
