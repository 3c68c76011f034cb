// SPDX-License-Identifier: BSD-2-Clause
/* udp_peer: the source a connected socket's receive calls report, checked on the kernel's own
 * loopback sockets and on virtual ones in the same run (TAP). A connected UDP socket reports its
 * peer (recvfrom, recvmsg, recvmmsg; truncated to the caller's buffer, the full length
 * reported) for IPv4, IPv6 and v4-mapped; a connected TCP socket leaves the name untouched and
 * reports length 0.
 *   udp_peer local V4 V6          both on one node (run under netcon run)
 *   udp_peer serve V4 PORT        an echo server for the two-node check (prints "ready")
 *   udp_peer client V4 PORT       the client side of it, on another node */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "tap.h"

/* Datagrams the server sends for each one it gets: one per receive check. */
#define PONGS 7
#define FILL 0xAA

static socklen_t mkaddr(struct sockaddr_storage *ss, int family, const char *ip, int port)
{
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET) {
		struct sockaddr_in *a = (struct sockaddr_in *)ss;

		a->sin_family = AF_INET;
		a->sin_port = htons((uint16_t)port);
		if (inet_pton(AF_INET, ip, &a->sin_addr) != 1)
			return 0;
		return sizeof(*a);
	} else {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;

		a->sin6_family = AF_INET6;
		a->sin6_port = htons((uint16_t)port);
		if (inet_pton(AF_INET6, ip, &a->sin6_addr) != 1)
			return 0;
		return sizeof(*a);
	}
}

static int port_of(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		return -1;
	return ntohs(((struct sockaddr_in *)&ss)->sin_port); /* same place in sockaddr_in6 */
}

static int wait_in(int fd)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};

	return poll(&p, 1, 5000) == 1;
}

/* Did a receive report want (wantlen bytes) into a name buffer of room bytes? The full length,
 * the first min(room, full) bytes, the rest of the buffer untouched. */
static int name_ok(const unsigned char *got, socklen_t gotlen, socklen_t room,
		   const struct sockaddr_storage *want, socklen_t wantlen)
{
	socklen_t n = room < wantlen ? room : wantlen;

	if (gotlen != wantlen || memcmp(got, want, n))
		return 0;
	for (size_t i = n; i < sizeof(struct sockaddr_storage); i++)
		if (got[i] != FILL)
			return 0;
	return 1;
}

/* One echo: the datagram from c answered with PONGS datagrams. */
static void serve_one(int s)
{
	struct sockaddr_storage from;
	socklen_t len = sizeof(from);
	char buf[64];

	if (!wait_in(s) || recvfrom(s, buf, sizeof(buf), 0, (struct sockaddr *)&from, &len) < 0)
		return;
	for (int i = 0; i < PONGS; i++)
		sendto(s, "pong", 4, 0, (struct sockaddr *)&from, len);
}

/* The receive checks on c, connected to want; serve answers the "go" it sends (NULL: a
 * server elsewhere). */
static void udp_checks(const char *label, int c, const struct sockaddr_storage *want,
		       socklen_t wantlen, int s)
{
	struct sockaddr_storage peer, name[2];
	socklen_t plen = sizeof(peer), len;
	char buf[2][64];
	struct iovec iov[2] = {{buf[0], sizeof(buf[0])}, {buf[1], sizeof(buf[1])}};
	struct mmsghdr mm[2];
	struct msghdr m;
	ssize_t n;
	int r;

	r = getpeername(c, (struct sockaddr *)&peer, &plen);
	ok(r == 0 && plen == wantlen && !memcmp(&peer, want, wantlen),
	   "%s: getpeername is the address connected to (len %u)", label, (unsigned)plen);
	n = send(c, "go", 2, 0);
	ok(n == 2, "%s: send on the connected socket: %zd", label, n);
	if (s >= 0)
		serve_one(s);

	memset(name, FILL, sizeof(name));
	len = sizeof(name[0]);
	n = wait_in(c) ? recvfrom(c, buf[0], sizeof(buf[0]), 0, (struct sockaddr *)name, &len) : -1;
	ok(n == 4 && name_ok((unsigned char *)name, len, sizeof(name[0]), want, wantlen),
	   "%s: recvfrom reports the peer, length %u (want %u)", label, (unsigned)len,
	   (unsigned)wantlen);

	memset(name, FILL, sizeof(name));
	len = 10;
	n = wait_in(c) ? recvfrom(c, buf[0], sizeof(buf[0]), 0, (struct sockaddr *)name, &len) : -1;
	ok(n == 4 && name_ok((unsigned char *)name, len, 10, want, wantlen),
	   "%s: recvfrom into 10 bytes: truncated, the full length %u reported", label,
	   (unsigned)len);

	memset(name, FILL, sizeof(name));
	len = 0;
	n = wait_in(c) ? recvfrom(c, buf[0], sizeof(buf[0]), 0, (struct sockaddr *)name, &len) : -1;
	ok(n == 4 && name_ok((unsigned char *)name, len, 0, want, wantlen),
	   "%s: recvfrom into 0 bytes: nothing written, length %u reported", label, (unsigned)len);

	memset(name, FILL, sizeof(name));
	memset(&m, 0, sizeof(m));
	m.msg_name = name;
	m.msg_namelen = sizeof(name[0]);
	m.msg_iov = iov;
	m.msg_iovlen = 1;
	n = wait_in(c) ? recvmsg(c, &m, 0) : -1;
	ok(n == 4 && name_ok((unsigned char *)name, m.msg_namelen, sizeof(name[0]), want, wantlen),
	   "%s: recvmsg reports the peer, msg_namelen %u", label, (unsigned)m.msg_namelen);

	memset(name, FILL, sizeof(name));
	m.msg_namelen = 4;
	n = wait_in(c) ? recvmsg(c, &m, 0) : -1;
	ok(n == 4 && name_ok((unsigned char *)name, m.msg_namelen, 4, want, wantlen),
	   "%s: recvmsg into 4 bytes: truncated, msg_namelen %u", label, (unsigned)m.msg_namelen);

	memset(name, FILL, sizeof(name));
	memset(mm, 0, sizeof(mm));
	for (int i = 0; i < 2; i++) {
		mm[i].msg_hdr.msg_name = &name[i];
		mm[i].msg_hdr.msg_namelen = i ? 12 : sizeof(name[i]);
		mm[i].msg_hdr.msg_iov = &iov[i];
		mm[i].msg_hdr.msg_iovlen = 1;
	}
	r = wait_in(c) ? recvmmsg(c, mm, 2, 0, NULL) : -1;
	ok(r == 2 && mm[0].msg_len == 4 && mm[1].msg_len == 4 &&
	       name_ok((unsigned char *)&name[0], mm[0].msg_hdr.msg_namelen, sizeof(name[0]), want,
		       wantlen) &&
	       name_ok((unsigned char *)&name[1], mm[1].msg_hdr.msg_namelen, 12, want, wantlen),
	   "%s: recvmmsg reports the peer for each (%d datagrams, namelen %u and %u)", label, r,
	   (unsigned)mm[0].msg_hdr.msg_namelen, (unsigned)mm[1].msg_hdr.msg_namelen);
}

/* A server on ip (family sfam), a client of family cfam connected to it at cip. */
static void udp_case(const char *label, int sfam, const char *ip, int cfam, const char *cip)
{
	struct sockaddr_storage sa, want;
	socklen_t salen = mkaddr(&sa, sfam, ip, 0), wantlen;
	int s = socket(sfam, SOCK_DGRAM, 0), c = socket(cfam, SOCK_DGRAM, 0);

	if (s < 0 || c < 0 || !salen || bind(s, (struct sockaddr *)&sa, salen) < 0) {
		ok(0, "%s: a server on %s: %s", label, ip, strerror(errno));
		return;
	}
	wantlen = mkaddr(&want, cfam, cip, port_of(s));
	if (connect(c, (struct sockaddr *)&want, wantlen) < 0) {
		ok(0, "%s: connect to %s: %s", label, cip, strerror(errno));
		return;
	}
	udp_checks(label, c, &want, wantlen, s);
	close(s);
	close(c);
}

/* Connected TCP: the name buffer untouched, length 0 (recvfrom and recvmsg). */
static void tcp_case(const char *label, int family, const char *ip)
{
	struct sockaddr_storage sa, name;
	socklen_t salen = mkaddr(&sa, family, ip, 0), len;
	int l = socket(family, SOCK_STREAM, 0), c = socket(family, SOCK_STREAM, 0), a = -1, clean;
	struct iovec iov;
	struct msghdr m;
	char buf[16];
	ssize_t n;

	if (l < 0 || c < 0 || bind(l, (struct sockaddr *)&sa, salen) < 0 || listen(l, 1) < 0) {
		ok(0, "%s: a listener on %s: %s", label, ip, strerror(errno));
		return;
	}
	salen = mkaddr(&sa, family, ip, port_of(l));
	if (connect(c, (struct sockaddr *)&sa, salen) < 0 || (a = accept(l, NULL, NULL)) < 0) {
		ok(0, "%s: a connection to %s: %s", label, ip, strerror(errno));
		return;
	}
	send(a, "data", 4, 0);
	memset(&name, FILL, sizeof(name));
	len = sizeof(name);
	n = wait_in(c) ? recvfrom(c, buf, sizeof(buf), 0, (struct sockaddr *)&name, &len) : -1;
	clean = 1;
	for (size_t i = 0; i < sizeof(name); i++)
		clean &= ((unsigned char *)&name)[i] == FILL;
	ok(n == 4 && len == 0 && clean, "%s: TCP recvfrom: length %u, name untouched: %d", label,
	   (unsigned)len, clean);
	send(a, "more", 4, 0);
	memset(&name, FILL, sizeof(name));
	memset(&m, 0, sizeof(m));
	iov.iov_base = buf;
	iov.iov_len = sizeof(buf);
	m.msg_name = &name;
	m.msg_namelen = sizeof(name);
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	n = wait_in(c) ? recvmsg(c, &m, 0) : -1;
	clean = 1;
	for (size_t i = 0; i < sizeof(name); i++)
		clean &= ((unsigned char *)&name)[i] == FILL;
	ok(n == 4 && m.msg_namelen == 0 && clean,
	   "%s: TCP recvmsg: msg_namelen %u, name untouched: %d", label, (unsigned)m.msg_namelen,
	   clean);
	close(a);
	close(c);
	close(l);
}

static void local(const char *v4, const char *v6)
{
	char mapped[64], label[96];
	const char *ips[2][2] = {{"127.0.0.1", "::1"}, {v4, v6}};
	const char *who[2] = {"kernel", "netcon"};

	for (int k = 0; k < 2; k++) {
		snprintf(label, sizeof(label), "%s IPv4 %s", who[k], ips[k][0]);
		udp_case(label, AF_INET, ips[k][0], AF_INET, ips[k][0]);
		snprintf(label, sizeof(label), "%s IPv6 %s", who[k], ips[k][1]);
		udp_case(label, AF_INET6, ips[k][1], AF_INET6, ips[k][1]);
		snprintf(mapped, sizeof(mapped), "::ffff:%s", ips[k][0]);
		snprintf(label, sizeof(label), "%s v4-mapped %s", who[k], mapped);
		udp_case(label, AF_INET, ips[k][0], AF_INET6, mapped);
		snprintf(label, sizeof(label), "%s TCP IPv4 %s", who[k], ips[k][0]);
		tcp_case(label, AF_INET, ips[k][0]);
		snprintf(label, sizeof(label), "%s TCP IPv6 %s", who[k], ips[k][1]);
		tcp_case(label, AF_INET6, ips[k][1]);
	}
}

/* Two nodes: an echo server on one, the IPv4 and v4-mapped clients on the other. */
static int serve(const char *ip, int port)
{
	struct sockaddr_storage sa;
	socklen_t salen = mkaddr(&sa, AF_INET, ip, port);
	int s = socket(AF_INET, SOCK_DGRAM, 0);

	if (s < 0 || !salen || bind(s, (struct sockaddr *)&sa, salen) < 0) {
		printf("bind %s:%d: %s\n", ip, port, strerror(errno));
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	for (int i = 0; i < 2; i++)
		serve_one(s);
	return 0;
}

static void client(const char *ip, int port)
{
	struct sockaddr_storage want;
	socklen_t wantlen;
	char mapped[64];
	int c = socket(AF_INET, SOCK_DGRAM, 0), c6 = socket(AF_INET6, SOCK_DGRAM, 0);

	wantlen = mkaddr(&want, AF_INET, ip, port);
	if (connect(c, (struct sockaddr *)&want, wantlen) < 0)
		ok(0, "two nodes IPv4: connect: %s", strerror(errno));
	else
		udp_checks("two nodes IPv4", c, &want, wantlen, -1);
	snprintf(mapped, sizeof(mapped), "::ffff:%s", ip);
	wantlen = mkaddr(&want, AF_INET6, mapped, port);
	if (connect(c6, (struct sockaddr *)&want, wantlen) < 0)
		ok(0, "two nodes v4-mapped: connect: %s", strerror(errno));
	else
		udp_checks("two nodes v4-mapped", c6, &want, wantlen, -1);
}

int main(int argc, char **argv)
{
	alarm(60);
	if (argc == 4 && !strcmp(argv[1], "local"))
		local(argv[2], argv[3]);
	else if (argc == 4 && !strcmp(argv[1], "serve"))
		return serve(argv[2], atoi(argv[3]));
	else if (argc == 4 && !strcmp(argv[1], "client"))
		client(argv[2], atoi(argv[3]));
	else {
		fprintf(stderr, "usage: udp_peer local V4 V6 | serve V4 PORT | client V4 PORT\n");
		return 2;
	}
	return done_testing();
}
