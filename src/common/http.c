// SPDX-License-Identifier: BSD-2-Clause
/* A small HTTP/1.1 request parser for the local JSON API: bytes in, one request out, no I/O. */
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "common/http.h"

static int http_hex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Percent-decode s[0..n) into out (size bytes, NUL-terminated); %00 and overlong input refused. */
static int http_decode(const char *s, size_t n, char *out, size_t size)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		int c = (unsigned char)s[i];

		if (c == '%') {
			int hi, lo;

			if (i + 2 >= n)
				return -EBADMSG;
			hi = http_hex((unsigned char)s[i + 1]);
			lo = http_hex((unsigned char)s[i + 2]);
			if (hi < 0 || lo < 0)
				return -EBADMSG;
			c = hi * 16 + lo;
			if (c == 0)
				return -EBADMSG;
			i += 2;
		} else if (c == '+') {
			c = ' ';
		}
		if (o + 1 >= size)
			return -EMSGSIZE;
		out[o++] = (char)c;
	}
	out[o] = 0;
	return 0;
}

static int http_method_of(const char *s, size_t n)
{
	static const struct {
		const char *name;
		enum http_method m;
	} tab[] = {{"GET", HTTP_GET},	  {"HEAD", HTTP_HEAD},	   {"POST", HTTP_POST},
		   {"PUT", HTTP_PUT},	  {"DELETE", HTTP_DELETE}, {"OPTIONS", HTTP_OTHER},
		   {"PATCH", HTTP_OTHER}, {"TRACE", HTTP_OTHER},   {"CONNECT", HTTP_OTHER}};

	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (strlen(tab[i].name) == n && memcmp(tab[i].name, s, n) == 0)
			return tab[i].m;
	return -EBADMSG;
}

/* A header name is a token: visible ASCII without separators. */
static bool http_tchar(int c)
{
	return c > 0x20 && c < 0x7f && !strchr("()<>@,;:\\\"/[]?={}", c);
}

static bool http_name_is(const char *s, size_t n, const char *name)
{
	return strlen(name) == n && strncasecmp(s, name, n) == 0;
}

/* Copy a header value (trimmed) into out; too long is refused. */
static int http_copy(const char *v, size_t n, char *out, size_t size)
{
	if (n >= size)
		return -EMSGSIZE;
	memcpy(out, v, n);
	out[n] = 0;
	return 0;
}

/* ?auth=TOKEN among the query's parameters. */
static int http_query(const char *q, size_t n, struct http_req *r)
{
	size_t i = 0;

	while (i < n) {
		size_t j = i;

		while (j < n && q[j] != '&')
			j++;
		if (j - i > 5 && memcmp(q + i, "auth=", 5) == 0) {
			int e = http_decode(q + i + 5, j - i - 5, r->auth, sizeof(r->auth));

			if (e < 0)
				return e;
		}
		i = j + 1;
	}
	return 0;
}

int http_parse(const uint8_t *buf, size_t len, struct http_req *out)
{
	const char *p = (const char *)buf, *end, *line, *sp1, *sp2, *q;
	size_t head, n, clen = 0;
	int method, nheaders = 0, e;
	bool has_clen = false, close_hdr = false, keep_hdr = false, http10;
	struct http_req r;

	/* The head ends at the first blank line; bare LF line ends are refused. */
	end = NULL;
	n = len < HTTP_MAX_HEAD ? len : HTTP_MAX_HEAD;
	for (size_t i = 0; i + 3 < n; i++)
		if (memcmp(p + i, "\r\n\r\n", 4) == 0) {
			end = p + i;
			break;
		}
	if (!end)
		return len >= HTTP_MAX_HEAD ? -EMSGSIZE : -EAGAIN;
	head = (size_t)(end - p) + 4;
	memset(&r, 0, sizeof(r));

	/* Request line: METHOD SP TARGET SP HTTP/1.x CRLF */
	line = p;
	q = memchr(line, '\r', (size_t)(end + 2 - line));
	if (q[1] != '\n')
		return -EBADMSG;
	sp1 = memchr(line, ' ', (size_t)(q - line));
	if (!sp1)
		return -EBADMSG;
	sp2 = memchr(sp1 + 1, ' ', (size_t)(q - sp1 - 1));
	if (!sp2 || q - sp2 - 1 != 8 || memcmp(sp2 + 1, "HTTP/1.", 7) != 0 ||
	    (sp2[8] != '0' && sp2[8] != '1'))
		return -EBADMSG;
	http10 = sp2[8] == '0';
	method = http_method_of(line, (size_t)(sp1 - line));
	if (method < 0)
		return method;
	r.method = (enum http_method)method;
	{
		const char *t = sp1 + 1, *qm;
		size_t tl = (size_t)(sp2 - t);

		if (tl == 0 || t[0] != '/')
			return -EBADMSG;
		for (size_t i = 0; i < tl; i++)
			if ((unsigned char)t[i] <= 0x20 || (unsigned char)t[i] >= 0x7f)
				return -EBADMSG;
		qm = memchr(t, '?', tl);
		e = http_decode(t, qm ? (size_t)(qm - t) : tl, r.path, sizeof(r.path));
		if (e < 0)
			return e == -EMSGSIZE ? -EMSGSIZE : -EBADMSG;
		if (qm) {
			e = http_query(qm + 1, (size_t)(t + tl - qm - 1), &r);
			if (e < 0)
				return e == -EMSGSIZE ? -EMSGSIZE : -EBADMSG;
		}
	}

	/* Headers: NAME ":" OWS VALUE OWS CRLF, no folding. */
	line = q + 2;
	while (line < end + 2) {
		const char *colon, *v, *ve;

		q = memchr(line, '\r', (size_t)(end + 2 - line));
		if (!q || q[1] != '\n')
			return -EBADMSG;
		if (q == line)
			break;
		if (++nheaders > HTTP_MAX_HEADERS)
			return -EMSGSIZE;
		colon = memchr(line, ':', (size_t)(q - line));
		if (!colon || colon == line)
			return -EBADMSG;
		for (const char *c = line; c < colon; c++)
			if (!http_tchar((unsigned char)*c))
				return -EBADMSG;
		for (const char *c = colon + 1; c < q; c++)
			if ((unsigned char)*c < 0x20 && *c != '\t')
				return -EBADMSG;
		v = colon + 1;
		while (v < q && (*v == ' ' || *v == '\t'))
			v++;
		ve = q;
		while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
			ve--;
		n = (size_t)(colon - line);
		if (http_name_is(line, n, "Content-Length")) {
			size_t x = 0;

			if (ve == v || has_clen)
				return -EBADMSG;
			for (const char *c = v; c < ve; c++) {
				if (*c < '0' || *c > '9')
					return -EBADMSG;
				if (x > HTTP_MAX_BODY)
					return -EMSGSIZE;
				x = x * 10 + (size_t)(*c - '0');
			}
			if (x > HTTP_MAX_BODY)
				return -EMSGSIZE;
			clen = x;
			has_clen = true;
		} else if (http_name_is(line, n, "Transfer-Encoding")) {
			return -EBADMSG;
		} else if (http_name_is(line, n, "X-ZT1-Auth")) {
			e = http_copy(v, (size_t)(ve - v), r.auth, sizeof(r.auth));
			if (e < 0)
				return e;
		} else if (http_name_is(line, n, "Authorization")) {
			if (ve - v > 7 && strncasecmp(v, "Bearer ", 7) == 0) {
				const char *t = v + 7;

				while (t < ve && *t == ' ')
					t++;
				e = http_copy(t, (size_t)(ve - t), r.bearer, sizeof(r.bearer));
				if (e < 0)
					return e;
			}
		} else if (http_name_is(line, n, "Connection")) {
			if (ve - v == 5 && strncasecmp(v, "close", 5) == 0)
				close_hdr = true;
			else if (ve - v == 10 && strncasecmp(v, "keep-alive", 10) == 0)
				keep_hdr = true;
		}
		line = q + 2;
	}
	if (len - head < clen)
		return -EAGAIN;
	r.keep_alive = http10 ? keep_hdr && !close_hdr : !close_hdr;
	r.body = buf + head;
	r.body_len = clen;
	*out = r;
	return (int)(head + clen);
}

const char *http_reason(int status)
{
	switch (status) {
	case 200:
		return "OK";
	case 400:
		return "Bad Request";
	case 401:
		return "Unauthorized";
	case 403:
		return "Forbidden";
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	case 408:
		return "Request Timeout";
	case 409:
		return "Conflict";
	case 413:
		return "Payload Too Large";
	case 500:
		return "Internal Server Error";
	case 503:
		return "Service Unavailable";
	default:
		return "Unknown";
	}
}
