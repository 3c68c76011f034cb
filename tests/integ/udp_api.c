// SPDX-License-Identifier: BSD-2-Clause
/* udp_api: UDP through the intercept, checked byte for byte (TAP). Run under `netcon run` with a
 * daemon on 10.79.0.1/24 and fd79::1/64; `udp_api host PORT` serves the split-routing check. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"

#define V4 "10.79.0.1"
#define V6 "fd79::1"

static struct sockaddr_in sin4(const char *ip, int port)
{
	struct sockaddr_in a;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons((uint16_t)port);
	inet_pton(AF_INET, ip, &a.sin_addr);
	return a;
}

static int udp_bound(const char *ip, int port)
{
	struct sockaddr_in a = sin4(ip, port);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		return -1;
	return fd;
}

static int port_of(int fd)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);

	if (getsockname(fd, (struct sockaddr *)&a, &len) < 0)
		return -1;
	return ntohs(a.sin_port);
}

static void t_unconnected(void)
{
	int s = udp_bound(V4, 0), c = socket(AF_INET, SOCK_DGRAM, 0), sp = port_of(s), cp, v;
	struct sockaddr_in to = sin4(V4, sp), from;
	socklen_t len = sizeof(from), vl = sizeof(v);
	char buf[64];
	ssize_t n;

	ok(s >= 0 && sp > 0, "bind to a virtual address, port 0: getsockname gives port %d", sp);
	is_int(sendto(c, "hello", 5, 0, (struct sockaddr *)&to, sizeof(to)), 5,
	       "sendto from an unbound socket");
	cp = port_of(c);
	ok(cp > 0, "the first sendto bound the client to port %d", cp);
	n = recvfrom(s, buf, sizeof(buf), 0, (struct sockaddr *)&from, &len);
	ok(n == 5 && !memcmp(buf, "hello", 5), "recvfrom gets the datagram (%zd bytes)", n);
	ok(len == sizeof(from) && from.sin_family == AF_INET && ntohs(from.sin_port) == cp &&
	       from.sin_addr.s_addr == to.sin_addr.s_addr,
	   "recvfrom reports the source %s:%d", inet_ntoa(from.sin_addr), ntohs(from.sin_port));
	is_int(sendto(s, "world!", 6, 0, (struct sockaddr *)&from, len), 6, "reply with sendto");
	n = recv(c, buf, sizeof(buf), 0);
	ok(n == 6 && !memcmp(buf, "world!", 6), "recv gets the reply");
	ok(getsockopt(s, SOL_SOCKET, SO_TYPE, &v, &vl) == 0 && v == SOCK_DGRAM,
	   "SO_TYPE is SOCK_DGRAM");
	vl = sizeof(v);
	ok(getsockopt(s, SOL_SOCKET, SO_PROTOCOL, &v, &vl) == 0 && v == IPPROTO_UDP,
	   "SO_PROTOCOL is IPPROTO_UDP");
	close(s);
	close(c);
}

/* Linux: a datagram without an address on an unconnected socket is EDESTADDRREQ, whatever the
 * call; the socket stays usable. */
static void t_nodest(void)
{
	int s = udp_bound(V4, 0), c = udp_bound(V4, 0);
	struct sockaddr_in to = sin4(V4, port_of(s));
	struct iovec iov = {.iov_base = "v", .iov_len = 1};
	struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1};
	char buf[16];
	ssize_t n;

	errno = 0;
	ok(write(c, "w", 1) < 0 && errno == EDESTADDRREQ,
	   "write without a destination: EDESTADDRREQ");
	errno = 0;
	ok(send(c, "s", 1, 0) < 0 && errno == EDESTADDRREQ,
	   "send without a destination: EDESTADDRREQ");
	errno = 0;
	ok(writev(c, &iov, 1) < 0 && errno == EDESTADDRREQ,
	   "writev without a destination: EDESTADDRREQ");
	errno = 0;
	ok(sendto(c, "t", 1, 0, NULL, 0) < 0 && errno == EDESTADDRREQ,
	   "sendto without an address: EDESTADDRREQ");
	errno = 0;
	ok(sendmsg(c, &m, 0) < 0 && errno == EDESTADDRREQ, "sendmsg without a name: EDESTADDRREQ");
	is_int(sendto(c, "after", 5, 0, (struct sockaddr *)&to, sizeof(to)), 5,
	       "the socket still sends with an address");
	n = recv(s, buf, sizeof(buf), 0);
	ok(n == 5 && !memcmp(buf, "after", 5), "and only that datagram arrives (%zd bytes)", n);
	close(s);
	close(c);
}

/* A port nobody listens on: bound, then closed. */
static int closed_port(int family)
{
	struct sockaddr_in6 a6 = {.sin6_family = AF_INET6};
	int fd, p;

	if (family == AF_INET)
		return (fd = udp_bound(V4, 0)) < 0 ? -1 : (p = port_of(fd), close(fd), p);
	inet_pton(AF_INET6, V6, &a6.sin6_addr);
	fd = socket(AF_INET6, SOCK_DGRAM, 0);
	if (bind(fd, (struct sockaddr *)&a6, sizeof(a6)) < 0)
		return -1;
	{
		socklen_t l = sizeof(a6);

		getsockname(fd, (struct sockaddr *)&a6, &l);
	}
	close(fd);
	return ntohs(a6.sin6_port);
}

/* Linux: a port unreachable on a connected socket is the next call's ECONNREFUSED, once; poll
 * wakes for it. Unconnected sockets hear nothing of it. */
static void t_refused(void)
{
	int c = socket(AF_INET, SOCK_DGRAM, 0), u = udp_bound(V4, 0), v, c6;
	struct sockaddr_in to = sin4(V4, closed_port(AF_INET));
	struct sockaddr_in6 to6 = {.sin6_family = AF_INET6,
				   .sin6_port = htons((uint16_t)closed_port(AF_INET6))};
	struct pollfd p = {.fd = c, .events = POLLIN};
	socklen_t vl = sizeof(v);
	char buf[16];

	ok(connect(c, (struct sockaddr *)&to, sizeof(to)) == 0, "connect to a closed port %d",
	   ntohs(to.sin_port));
	is_int(send(c, "x", 1, 0), 1, "the first send goes out");
	ok(poll(&p, 1, 5000) == 1 && (p.revents & POLLIN),
	   "poll wakes when the port unreachable comes");
	errno = 0;
	ok(recv(c, buf, sizeof(buf), 0) < 0 && errno == ECONNREFUSED, "recv: ECONNREFUSED");
	errno = 0;
	ok(recv(c, buf, sizeof(buf), MSG_DONTWAIT) < 0 && errno == EAGAIN,
	   "once: the next recv finds nothing (EAGAIN)");
	is_int(write(c, "y", 1), 1, "write goes out again");
	p.revents = 0;
	poll(&p, 1, 5000);
	errno = 0;
	ok(write(c, "z", 1) < 0 && errno == ECONNREFUSED,
	   "a second refusal: the next write gives ECONNREFUSED");
	errno = 0;
	ok(recv(c, buf, sizeof(buf), MSG_DONTWAIT) < 0 && errno == EAGAIN,
	   "and recv then finds nothing (EAGAIN)");
	is_int(send(c, "w", 1, 0), 1, "send goes out again");
	poll(&p, 1, 5000);
	ok(getsockopt(c, SOL_SOCKET, SO_ERROR, &v, &vl) == 0 && v == ECONNREFUSED,
	   "a third: SO_ERROR gives ECONNREFUSED");
	vl = sizeof(v);
	ok(getsockopt(c, SOL_SOCKET, SO_ERROR, &v, &vl) == 0 && v == 0, "then 0");
	is_int(sendto(u, "q", 1, 0, (struct sockaddr *)&to, sizeof(to)), 1,
	       "an unconnected socket sends to the closed port");
	usleep(300000);
	errno = 0;
	ok(sendto(u, "r", 1, 0, (struct sockaddr *)&to, sizeof(to)) == 1 &&
	       recv(u, buf, sizeof(buf), MSG_DONTWAIT) < 0 && errno == EAGAIN,
	   "and hears nothing of the refusal, as Linux without IP_RECVERR");
	inet_pton(AF_INET6, V6, &to6.sin6_addr);
	c6 = socket(AF_INET6, SOCK_DGRAM, 0);
	ok(connect(c6, (struct sockaddr *)&to6, sizeof(to6)) == 0 && send(c6, "6", 1, 0) == 1,
	   "IPv6: connect to a closed port and send");
	errno = 0;
	ok(recv(c6, buf, sizeof(buf), 0) < 0 && errno == ECONNREFUSED,
	   "IPv6: recv gives ECONNREFUSED (ICMPv6 port unreachable)");
	close(c);
	close(c6);
	close(u);
}

static void t_boundaries(void)
{
	int s = udp_bound(V4, 0), c = socket(AF_INET, SOCK_DGRAM, 0), good = 1;
	struct sockaddr_in to = sin4(V4, port_of(s));
	struct msghdr m;
	struct iovec iov;
	char buf[4096], small[4];
	ssize_t n;

	for (int i = 1; i <= 3; i++) {
		memset(buf, 'a' + i, (size_t)i * 100);
		sendto(c, buf, (size_t)i * 100, 0, (struct sockaddr *)&to, sizeof(to));
	}
	for (int i = 1; i <= 3; i++) {
		n = recv(s, buf, sizeof(buf), 0);
		if (n != i * 100 || buf[0] != 'a' + i || buf[n - 1] != 'a' + i)
			good = 0;
	}
	ok(good, "three datagrams of 100, 200, 300 bytes keep their boundaries");
	sendto(c, "0123456789", 10, 0, (struct sockaddr *)&to, sizeof(to));
	n = recv(s, small, sizeof(small), MSG_PEEK);
	ok(n == 4 && !memcmp(small, "0123", 4), "MSG_PEEK shows the start");
	memset(&m, 0, sizeof(m));
	iov.iov_base = small;
	iov.iov_len = sizeof(small);
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	n = recvmsg(s, &m, 0);
	ok(n == 4 && (m.msg_flags & MSG_TRUNC), "a short buffer truncates: 4 bytes and MSG_TRUNC");
	sendto(c, "0123456789", 10, 0, (struct sockaddr *)&to, sizeof(to));
	n = recv(s, small, sizeof(small), MSG_TRUNC);
	is_int(n, 10, "recv with MSG_TRUNC returns the real length");
	n = sendto(c, "", 0, 0, (struct sockaddr *)&to, sizeof(to));
	is_int(n, 0, "an empty datagram is sent");
	n = recv(s, buf, sizeof(buf), 0);
	is_int(n, 0, "and received as an empty datagram");
	close(s);
	close(c);
}

static void t_connected(void)
{
	int s = udp_bound(V4, 0), c = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in to = sin4(V4, port_of(s)), peer, from;
	socklen_t len = sizeof(peer);
	char buf[64];
	ssize_t n;

	is_int(connect(c, (struct sockaddr *)&to, sizeof(to)), 0,
	       "connect a UDP socket: 0 at once");
	ok(getpeername(c, (struct sockaddr *)&peer, &len) == 0 && peer.sin_port == to.sin_port,
	   "getpeername gives the connected address");
	len = sizeof(peer);
	ok(getsockname(c, (struct sockaddr *)&peer, &len) == 0 &&
	       peer.sin_addr.s_addr == to.sin_addr.s_addr && peer.sin_port != 0,
	   "getsockname gives the source address the route picks");
	is_int(write(c, "abc", 3), 3, "write on a connected UDP socket");
	is_int(send(c, "defg", 4, 0), 4, "send on a connected UDP socket");
	len = sizeof(from);
	n = recvfrom(s, buf, sizeof(buf), 0, (struct sockaddr *)&from, &len);
	ok(n == 3 && !memcmp(buf, "abc", 3), "the server gets the write");
	n = read(s, buf, sizeof(buf));
	ok(n == 4 && !memcmp(buf, "defg", 4), "and the send, as one datagram each (read)");
	sendto(s, "reply", 5, 0, (struct sockaddr *)&from, len);
	n = read(c, buf, sizeof(buf));
	ok(n == 5 && !memcmp(buf, "reply", 5), "read on the connected socket gets the reply");
	close(s);
	close(c);
}

static void t_nonblock(void)
{
	int s = udp_bound(V4, 0), c = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	struct sockaddr_in to = sin4(V4, port_of(s));
	struct pollfd p = {.fd = s, .events = POLLIN};
	char buf[16];

	fcntl(s, F_SETFL, O_NONBLOCK);
	errno = 0;
	ok(recv(s, buf, sizeof(buf), 0) < 0 && errno == EAGAIN,
	   "non-blocking recv with nothing: EAGAIN");
	is_int(poll(&p, 1, 0), 0, "poll: not readable yet");
	sendto(c, "z", 1, 0, (struct sockaddr *)&to, sizeof(to));
	ok(poll(&p, 1, 2000) == 1 && (p.revents & POLLIN), "poll: readable once a datagram waits");
	is_int(recv(s, buf, sizeof(buf), 0), 1, "and recv gets it");
	close(s);
	close(c);
}

static void t_mmsg(void)
{
	int s = udp_bound(V4, 0), c = socket(AF_INET, SOCK_DGRAM, 0), good = 1;
	struct sockaddr_in to = sin4(V4, port_of(s)), from[8];
	struct mmsghdr v[8];
	struct iovec iov[8];
	char bufs[8][32];

	memset(v, 0, sizeof(v));
	for (int i = 0; i < 8; i++) {
		snprintf(bufs[i], sizeof(bufs[i]), "datagram %d", i);
		iov[i].iov_base = bufs[i];
		iov[i].iov_len = strlen(bufs[i]);
		v[i].msg_hdr.msg_iov = &iov[i];
		v[i].msg_hdr.msg_iovlen = 1;
		v[i].msg_hdr.msg_name = &to;
		v[i].msg_hdr.msg_namelen = sizeof(to);
	}
	is_int(sendmmsg(c, v, 8, 0), 8, "sendmmsg sends 8 datagrams");
	memset(v, 0, sizeof(v));
	memset(bufs, 0, sizeof(bufs));
	for (int i = 0; i < 8; i++) {
		iov[i].iov_base = bufs[i];
		iov[i].iov_len = sizeof(bufs[i]);
		v[i].msg_hdr.msg_iov = &iov[i];
		v[i].msg_hdr.msg_iovlen = 1;
		v[i].msg_hdr.msg_name = &from[i];
		v[i].msg_hdr.msg_namelen = sizeof(from[i]);
	}
	usleep(100000);
	is_int(recvmmsg(s, v, 8, MSG_DONTWAIT, NULL), 8, "recvmmsg receives 8");
	for (int i = 0; i < 8; i++) {
		char want[32];

		snprintf(want, sizeof(want), "datagram %d", i);
		if (v[i].msg_len != strlen(want) || memcmp(bufs[i], want, strlen(want)) ||
		    ntohs(from[i].sin_port) != port_of(c))
			good = 0;
	}
	ok(good, "each with its bytes and source address");
	close(s);
	close(c);
}

static void t_v6(void)
{
	int s = socket(AF_INET6, SOCK_DGRAM, 0), c = socket(AF_INET6, SOCK_DGRAM, 0);
	struct sockaddr_in6 a, from;
	socklen_t len = sizeof(a);
	char buf[16];
	ssize_t n;

	memset(&a, 0, sizeof(a));
	a.sin6_family = AF_INET6;
	inet_pton(AF_INET6, V6, &a.sin6_addr);
	ok(bind(s, (struct sockaddr *)&a, sizeof(a)) == 0, "IPv6: bind to %s", V6);
	getsockname(s, (struct sockaddr *)&a, &len);
	is_int(sendto(c, "six", 3, 0, (struct sockaddr *)&a, sizeof(a)), 3, "IPv6: sendto");
	len = sizeof(from);
	n = recvfrom(s, buf, sizeof(buf), 0, (struct sockaddr *)&from, &len);
	ok(n == 3 && from.sin6_family == AF_INET6 &&
	       !memcmp(&from.sin6_addr, &a.sin6_addr, sizeof(a.sin6_addr)),
	   "IPv6: recvfrom with the source address");
	close(s);
	close(c);
}

/* 10,000 datagrams through an echo in a child process, every one checked. */
static void t_bulk(void)
{
	int s = udp_bound(V4, 0), c = socket(AF_INET, SOCK_DGRAM, 0), bad = 0, got = 0;
	struct sockaddr_in to = sin4(V4, port_of(s));
	pid_t pid = fork();

	if (pid == 0) {
		char b[2048];
		struct sockaddr_in f;
		socklen_t l;

		for (;;) {
			ssize_t n;

			l = sizeof(f);
			n = recvfrom(s, b, sizeof(b), 0, (struct sockaddr *)&f, &l);
			if (n == 1 && b[0] == 'Q')
				_exit(0);
			if (n >= 0)
				sendto(s, b, (size_t)n, 0, (struct sockaddr *)&f, l);
		}
	}
	connect(c, (struct sockaddr *)&to, sizeof(to));
	for (int i = 0; i < 10000; i++) {
		char b[1400], r[2048];
		size_t len = 64 + (size_t)(i % 1300);
		struct pollfd p = {.fd = c, .events = POLLIN};

		for (size_t k = 0; k < len; k++)
			b[k] = (char)(i * 31 + k);
		memcpy(b, &i, sizeof(i));
		if (send(c, b, len, 0) != (ssize_t)len) {
			bad++;
			continue;
		}
		if (poll(&p, 1, 2000) != 1) {
			bad++;
			continue;
		}
		if (recv(c, r, sizeof(r), 0) != (ssize_t)len || memcmp(b, r, len))
			bad++;
		else
			got++;
	}
	send(c, "Q", 1, 0);
	waitpid(pid, NULL, 0);
	ok(got == 10000 && bad == 0,
	   "10,000 datagrams of 64..1363 bytes echoed, all equal (%d ok, %d bad)", got, bad);
	close(s);
	close(c);
}

/* The host's own services stay reachable: UDP to 127.0.0.1 goes through the kernel. */
static void t_split(int host_port)
{
	int c = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in to = sin4("127.0.0.1", host_port);
	struct pollfd p = {.fd = c, .events = POLLIN};
	char buf[32];
	ssize_t n = -1;

	sendto(c, "ping", 4, 0, (struct sockaddr *)&to, sizeof(to));
	if (poll(&p, 1, 3000) == 1)
		n = recv(c, buf, sizeof(buf), 0);
	ok(n == 8 && !memcmp(buf, "host:ok!", 8),
	   "UDP to a host service on 127.0.0.1 stays on the host");
	close(c);
}

/* Across nodes: `udp_api echo-server IP PORT` echoes every datagram back to its sender;
 * `udp_api echo-client IP PORT N` sends N datagrams of 64..1363 bytes, each checked on return. */
static int echo_mode(int argc, char **argv)
{
	struct sockaddr_in a = sin4(argv[2], atoi(argv[3]));
	int fd = socket(AF_INET, SOCK_DGRAM, 0), n = argc > 4 ? atoi(argv[4]) : 0, good = 0,
	    bad = 0;

	if (!strcmp(argv[1], "echo-server")) {
		char b[65536];

		if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
			return 1;
		printf("ready\n");
		fflush(stdout);
		for (;;) {
			struct sockaddr_in f;
			socklen_t l = sizeof(f);
			ssize_t r = recvfrom(fd, b, sizeof(b), 0, (struct sockaddr *)&f, &l);

			if (r >= 0)
				sendto(fd, b, (size_t)r, 0, (struct sockaddr *)&f, l);
		}
	}
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		return 1;
	for (int i = 0; i < n; i++) {
		char b[1400], r[2048];
		size_t len = 64 + (size_t)(i % 1300);
		struct pollfd p = {.fd = fd, .events = POLLIN};
		int tries = 0;

		for (size_t k = 0; k < len; k++)
			b[k] = (char)(i * 31 + k);
		memcpy(b, &i, sizeof(i));
	again:
		/* UDP may lose a datagram (ARP still resolving at first): resend, a few times. */
		if (send(fd, b, len, 0) != (ssize_t)len) {
			bad++;
			continue;
		}
		if (poll(&p, 1, 1000) != 1) {
			if (++tries < 5)
				goto again;
			bad++;
			continue;
		}
		if (recv(fd, r, sizeof(r), 0) == (ssize_t)len && !memcmp(b, r, len))
			good++;
		else
			bad++;
	}
	printf("%d good %d bad\n", good, bad);
	return good == n ? 0 : 1;
}

int main(int argc, char **argv)
{
	if (argc >= 4 && !strncmp(argv[1], "echo-", 5))
		return echo_mode(argc, argv);
	if (argc == 3 && !strcmp(argv[1], "host")) {
		/* A host UDP service: answers one datagram with "host:ok!". */
		int s = socket(AF_INET, SOCK_DGRAM, 0);
		struct sockaddr_in a = sin4("127.0.0.1", atoi(argv[2])), f;
		socklen_t l = sizeof(f);
		char b[16];

		if (bind(s, (struct sockaddr *)&a, sizeof(a)) < 0)
			return 1;
		printf("ready\n");
		fflush(stdout);
		if (recvfrom(s, b, sizeof(b), 0, (struct sockaddr *)&f, &l) >= 0)
			sendto(s, "host:ok!", 8, 0, (struct sockaddr *)&f, l);
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "isolated")) {
		int c = socket(AF_INET, SOCK_DGRAM, 0);
		struct sockaddr_in to = sin4("127.0.0.1", 9);
		ssize_t n;

		errno = 0;
		n = sendto(c, "x", 1, 0, (struct sockaddr *)&to, sizeof(to));
		ok(n < 0 && errno == ENETUNREACH,
		   "--isolate: UDP to the host is refused (ENETUNREACH)");
		return done_testing();
	}
	t_unconnected();
	t_nodest();
	t_refused();
	t_boundaries();
	t_connected();
	t_nonblock();
	t_mmsg();
	t_v6();
	t_bulk();
	if (argc == 2)
		t_split(atoi(argv[1]));
	return done_testing();
}
