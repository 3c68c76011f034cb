// SPDX-License-Identifier: BSD-2-Clause
/* The local API's HTTP request parser: requests it takes, requests it refuses, and its bounds. */
#include <errno.h>
#include <string.h>

#include "common/http.h"
#include "tap.h"

static int parse(const char *s, struct http_req *r)
{
	memset(r, 0, sizeof(*r));
	return http_parse((const uint8_t *)s, strlen(s), r);
}

int main(void)
{
	static char big[HTTP_MAX_HEAD + 64];
	struct http_req r;
	const char *s;
	int n;

	s = "GET /status HTTP/1.1\r\nHost: x\r\nX-ZT1-Auth:  tok123 \r\n\r\n";
	n = parse(s, &r);
	is_int(n, strlen(s), "a GET: its whole length taken");
	ok(r.method == HTTP_GET && !strcmp(r.path, "/status"), "method and path");
	ok(!strcmp(r.auth, "tok123"), "X-ZT1-Auth, spaces trimmed");
	ok(r.keep_alive && r.body_len == 0, "HTTP/1.1 keeps the connection; no body");

	s = "POST /network/5f4e89e209e1c792?x=1&auth=a%2Bb HTTP/1.1\r\nContent-Length: 2\r\n"
	    "Connection: close\r\n\r\n{}GET";
	n = parse(s, &r);
	is_int(n, strlen(s) - 3, "a POST: head and body taken, the next request left");
	ok(r.method == HTTP_POST && r.body_len == 2 && !memcmp(r.body, "{}", 2), "its body");
	ok(!strcmp(r.path, "/network/5f4e89e209e1c792") && !strcmp(r.auth, "a+b"),
	   "path without the query; ?auth= decoded");
	ok(!r.keep_alive, "Connection: close");

	n = parse("GET /metrics HTTP/1.0\r\nAuthorization: Bearer  mtok\r\n\r\n", &r);
	ok(n > 0 && !strcmp(r.bearer, "mtok") && !r.keep_alive, "Bearer token; 1.0 closes");

	is_int(parse("GET /status HTTP/1.1\r\nHost: x\r\n", &r), -EAGAIN, "no blank line yet");
	is_int(parse("POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nab", &r), -EAGAIN,
	       "body not all there yet");
	is_int(parse("POST / HTTP/1.1\r\nContent-Length: 65537\r\n\r\n", &r), -EMSGSIZE,
	       "a body over 64 KiB: refused before it is read");
	is_int(parse("GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx", &r),
	       -EBADMSG, "two Content-Lengths");
	is_int(parse("GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", &r), -EBADMSG,
	       "chunked");
	is_int(parse("GET /a%zz HTTP/1.1\r\n\r\n", &r), -EBADMSG, "a bad percent escape");
	is_int(parse("GET /a%00 HTTP/1.1\r\n\r\n", &r), -EBADMSG, "%%00 in the path");
	is_int(parse("GET /a% HTTP/1.1\r\n\r\n", &r), -EBADMSG, "a cut percent escape");
	is_int(parse("GET status HTTP/1.1\r\n\r\n", &r), -EBADMSG, "a target without /");
	is_int(parse("GET / HTTP/2.0\r\n\r\n", &r), -EBADMSG, "HTTP/2.0");
	is_int(parse("BREW / HTTP/1.1\r\n\r\n", &r), -EBADMSG, "an unknown method");
	is_int(parse("GET / HTTP/1.1\r\nNo colon\r\n\r\n", &r), -EBADMSG, "a header without ':'");
	is_int(parse("GET / HTTP/1.1\r\nA b: c\r\n\r\n", &r), -EBADMSG, "a space in a name");
	is_int(parse("GET / HTTP/1.1\nHost: x\n\n", &r), -EAGAIN,
	       "bare LF line ends: never a complete head");
	memset(big, 'a', sizeof(big) - 1);
	memcpy(big, "GET / HTTP/1.1\r\nX: ", 19);
	is_int(parse(big, &r), -EMSGSIZE, "8 KiB of head without its end");
	{
		char h[4096] = "GET / HTTP/1.1\r\n";

		for (int i = 0; i < HTTP_MAX_HEADERS + 1; i++)
			snprintf(h + strlen(h), sizeof(h) - strlen(h), "X-%d: v\r\n", i);
		strcat(h, "\r\n");
		is_int(parse(h, &r), -EMSGSIZE, "more than %d headers", HTTP_MAX_HEADERS);
	}
	{
		char h[512];

		snprintf(h, sizeof(h), "GET / HTTP/1.1\r\nX-ZT1-Auth: %0200d\r\n\r\n", 1);
		is_int(parse(h, &r), -EMSGSIZE, "a token longer than %d", HTTP_MAX_TOKEN - 1);
	}
	memset(&r, 0x5a, sizeof(r));
	http_parse((const uint8_t *)"GET x", 5, &r);
	ok(r.method == (enum http_method)0x5a5a5a5a, "the output untouched on failure");
	return done_testing();
}
