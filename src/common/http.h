/* SPDX-License-Identifier: BSD-2-Clause */
/* A small HTTP/1.1 request parser for the local JSON API: bytes in, one request out, no I/O. */
#ifndef NETCON_HTTP_H
#define NETCON_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HTTP_MAX_HEAD 8192 /* request line and headers, the blank line included */
#define HTTP_MAX_BODY 65536
#define HTTP_MAX_HEADERS 32
#define HTTP_MAX_PATH 512
#define HTTP_MAX_TOKEN 128

enum http_method { HTTP_GET = 1, HTTP_HEAD, HTTP_POST, HTTP_PUT, HTTP_DELETE, HTTP_OTHER };

struct http_req {
	enum http_method method;
	char path[HTTP_MAX_PATH]; /* before '?', percent-decoded, NUL-terminated */
	char auth[HTTP_MAX_TOKEN]; /* X-ZT1-Auth, or ?auth= in the query; "" if neither */
	char bearer[HTTP_MAX_TOKEN]; /* Authorization: Bearer TOKEN; "" if none */
	bool keep_alive; /* HTTP/1.1 without "Connection: close", or 1.0 with keep-alive */
	const uint8_t *body; /* points into the buffer given to http_parse */
	size_t body_len;
};

/* Parse one request at buf[0..len). Returns the number of bytes it takes (head and body), or
 * -EAGAIN (incomplete: read more), -EMSGSIZE (head or body over the bounds above: 413), or
 * -EBADMSG (malformed: 400; also chunked bodies, which this API never needs). out is written
 * only on success. */
int http_parse(const uint8_t *buf, size_t len, struct http_req *out);

/* The reason phrase of a status code ("OK", "Not Found"...). */
const char *http_reason(int status);

#endif
