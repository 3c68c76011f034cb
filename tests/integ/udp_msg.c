// SPDX-License-Identifier: BSD-2-Clause
/* udp_msg: recvmsg, recvmmsg and the multicast options on UDP sockets, as Linux answers them
 * (TAP). `udp_msg IP` runs every check on sockets bound to IP: 127.0.0.1 without netcon (what the
 * kernel says), a virtual address under the intercept or the seccomp front end (the same).
 * `udp_msg IP nogroups` leaves out joining a group (a daemon with only --addr interfaces has no
 * multicast: mcast.t runs it on a ZeroTier network). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"

static struct sockaddr_in ip4;

static int udp_on(int port)
{
	struct sockaddr_in a = ip4;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	a.sin_port = htons((uint16_t)port);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		return -1;
	return fd;
}

static struct sockaddr_in addr_of(int fd)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);

	memset(&a, 0, sizeof(a));
	getsockname(fd, (struct sockaddr *)&a, &len);
	return a;
}

static void send_to(int c, int s, const char *data, size_t len)
{
	struct sockaddr_in to = addr_of(s);

	if (sendto(c, data, len, 0, (struct sockaddr *)&to, sizeof(to)) != (ssize_t)len)
		diag("sendto: %s", strerror(errno));
}

/* A child that sends to s after ms: for the blocking calls. */
static pid_t send_later(int s, const char *data, int ms)
{
	pid_t p = fork();

	if (p == 0) {
		int c = socket(AF_INET, SOCK_DGRAM, 0);

		usleep((useconds_t)ms * 1000);
		send_to(c, s, data, strlen(data));
		_exit(0);
	}
	return p;
}

static void t_recvmsg(void)
{
	int s = udp_on(0), c = udp_on(0);
	struct sockaddr_in from, cs = addr_of(c);
	char a[3], b[16], small[4];
	struct iovec iov[2] = {{a, sizeof(a)}, {b, sizeof(b)}};
	struct msghdr m;
	ssize_t n;

	send_to(c, s, "0123456789", 10);
	memset(&m, 0, sizeof(m));
	memset(&from, 0, sizeof(from));
	m.msg_name = &from;
	m.msg_namelen = sizeof(from) + 8; /* more room than the address needs */
	m.msg_iov = iov;
	m.msg_iovlen = 2;
	m.msg_controllen = 77; /* no buffer: reported back as 0 */
	m.msg_flags = -1;
	n = recvmsg(s, &m, 0);
	is_int(n, 10, "recvmsg: the datagram's 10 bytes");
	ok(!memcmp(a, "012", 3) && !memcmp(b, "3456789", 7), "scattered over two iovecs");
	ok(m.msg_namelen == sizeof(from) && from.sin_family == AF_INET &&
	       from.sin_addr.s_addr == ip4.sin_addr.s_addr && from.sin_port == cs.sin_port,
	   "msg_name: the sender's address and port, msg_namelen %u", (unsigned)m.msg_namelen);
	is_int(m.msg_flags, 0, "msg_flags 0");
	is_int(m.msg_controllen, 0, "msg_controllen 0");

	/* A short buffer: truncated, MSG_TRUNC in msg_flags; with MSG_TRUNC, the real length. */
	send_to(c, s, "abcdefgh", 8);
	send_to(c, s, "ABCDEFGH", 8);
	iov[0] = (struct iovec){small, sizeof(small)};
	m.msg_iovlen = 1;
	m.msg_namelen = sizeof(from);
	n = recvmsg(s, &m, 0);
	ok(n == 4 && !memcmp(small, "abcd", 4) && (m.msg_flags & MSG_TRUNC),
	   "a short buffer: 4 bytes and MSG_TRUNC (got %zd, flags %#x)", n, m.msg_flags);
	n = recvmsg(s, &m, MSG_TRUNC);
	ok(n == 8 && !memcmp(small, "ABCD", 4) && (m.msg_flags & MSG_TRUNC),
	   "with MSG_TRUNC: the real length, 8 (got %zd)", n);

	/* MSG_PEEK leaves it; a short msg_namelen cuts the name and says its length. */
	send_to(c, s, "peek", 4);
	iov[0] = (struct iovec){b, sizeof(b)};
	n = recvmsg(s, &m, MSG_PEEK);
	ok(n == 4 && !memcmp(b, "peek", 4), "MSG_PEEK sees the datagram");
	memset(&from, 0, sizeof(from));
	m.msg_namelen = 4;
	n = recvmsg(s, &m, 0);
	ok(n == 4 && !memcmp(b, "peek", 4), "and it is still there");
	ok(m.msg_namelen == sizeof(from) && from.sin_port == cs.sin_port &&
	       from.sin_addr.s_addr == 0,
	   "a name cut to 4 bytes: port written, msg_namelen the full %u", (unsigned)m.msg_namelen);

	/* No name wanted; an empty datagram; nothing there. */
	send_to(c, s, "", 0);
	m.msg_name = NULL;
	m.msg_namelen = 0;
	n = recvmsg(s, &m, 0);
	ok(n == 0 && m.msg_flags == 0, "an empty datagram: 0, no name asked");
	errno = 0;
	n = recvmsg(s, &m, MSG_DONTWAIT);
	ok(n == -1 && errno == EAGAIN, "MSG_DONTWAIT with nothing: EAGAIN");

	/* Blocking until a datagram comes. */
	{
		pid_t p = send_later(s, "late", 200);

		m.msg_name = &from;
		m.msg_namelen = sizeof(from);
		n = recvmsg(s, &m, 0);
		ok(n == 4 && !memcmp(b, "late", 4) && m.msg_namelen == sizeof(from) &&
		       from.sin_addr.s_addr == ip4.sin_addr.s_addr,
		   "a blocking recvmsg waits for the datagram and its source");
		waitpid(p, NULL, 0);
	}
	close(s);
	close(c);
}

static void t_recvmmsg(void)
{
	int s = udp_on(0), c = udp_on(0), good = 1;
	struct sockaddr_in from[8], cs = addr_of(c);
	struct mmsghdr v[8];
	struct iovec iov[8];
	char bufs[8][8];
	int n;

	for (int i = 0; i < 5; i++) {
		char d[16];

		snprintf(d, sizeof(d), "dgram-%d", i);
		send_to(c, s, d, strlen(d) + (i == 4 ? 3 : 0)); /* the last: 10 bytes, cut to 8 */
	}
	memset(v, 0, sizeof(v));
	memset(bufs, 0, sizeof(bufs));
	for (int i = 0; i < 8; i++) {
		iov[i] = (struct iovec){bufs[i], sizeof(bufs[i])};
		v[i].msg_hdr.msg_iov = &iov[i];
		v[i].msg_hdr.msg_iovlen = 1;
		v[i].msg_hdr.msg_name = &from[i];
		v[i].msg_hdr.msg_namelen = sizeof(from[i]);
	}
	usleep(100000);
	n = recvmmsg(s, v, 8, MSG_DONTWAIT, NULL);
	is_int(n, 5, "recvmmsg: the 5 waiting of 8 asked");
	for (int i = 0; i < 5 && i < n; i++) {
		char want[16];

		snprintf(want, sizeof(want), "dgram-%d", i);
		if (v[i].msg_len != (i == 4 ? 8 : 7) ||
		    memcmp(bufs[i], want, v[i].msg_len < 8 ? 7 : 8) ||
		    from[i].sin_port != cs.sin_port ||
		    v[i].msg_hdr.msg_namelen != sizeof(from[i]) ||
		    !!(v[i].msg_hdr.msg_flags & MSG_TRUNC) != (i == 4))
			good = 0;
	}
	ok(good, "each with its bytes, msg_len, source, and MSG_TRUNC on the one cut");
	{
		pid_t p = send_later(s, "w1", 200);

		v[0].msg_hdr.msg_namelen = sizeof(from[0]);
		n = recvmmsg(s, v, 8, MSG_WAITFORONE, NULL);
		ok(n == 1 && v[0].msg_len == 2 && !memcmp(bufs[0], "w1", 2),
		   "MSG_WAITFORONE: waits for one, returns it (%d)", n);
		waitpid(p, NULL, 0);
	}
	errno = 0;
	n = recvmmsg(s, v, 8, MSG_DONTWAIT, NULL);
	ok(n == -1 && errno == EAGAIN, "nothing waiting, MSG_DONTWAIT: EAGAIN");
	close(s);
	close(c);
}

/* Connected UDP: recvmsg's name is the peer. */
static void t_connected(void)
{
	int s = udp_on(0), c = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in to = addr_of(s), from, cs;
	struct iovec iov;
	struct msghdr m;
	char buf[16];
	ssize_t n;

	connect(c, (struct sockaddr *)&to, sizeof(to));
	cs = addr_of(c);
	sendto(s, "back", 4, 0, (struct sockaddr *)&cs, sizeof(cs));
	memset(&m, 0, sizeof(m));
	memset(&from, 0, sizeof(from));
	iov = (struct iovec){buf, sizeof(buf)};
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	m.msg_name = &from;
	m.msg_namelen = sizeof(from);
	n = recvmsg(c, &m, 0);
	ok(n == 4 && !memcmp(buf, "back", 4) && m.msg_namelen == sizeof(from) &&
	       from.sin_port == to.sin_port && from.sin_addr.s_addr == to.sin_addr.s_addr,
	   "connected UDP: recvmsg names the peer");
	close(s);
	close(c);
}

/* The multicast options: read back, groups joined and left with Linux's errors. */
static void t_mcast(bool groups)
{
	int s = udp_on(0), t = socket(AF_INET, SOCK_STREAM, 0), v = -1;
	struct ip_mreqn mr;
	socklen_t len = sizeof(v);
	unsigned char ttl = 7;

	getsockopt(s, IPPROTO_IP, IP_MULTICAST_TTL, &v, &len);
	is_int(v, 1, "IP_MULTICAST_TTL: 1 by default");
	getsockopt(s, IPPROTO_IP, IP_MULTICAST_LOOP, &v, &len);
	is_int(v, 1, "IP_MULTICAST_LOOP: 1 by default");
	v = 5;
	is_int(setsockopt(s, IPPROTO_IP, IP_MULTICAST_TTL, &v, sizeof(v)), 0, "IP_MULTICAST_TTL 5");
	getsockopt(s, IPPROTO_IP, IP_MULTICAST_TTL, &v, &len);
	is_int(v, 5, "reads back 5");
	is_int(setsockopt(s, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, 1), 0, "one byte, 7: taken");
	getsockopt(s, IPPROTO_IP, IP_MULTICAST_TTL, &v, &len);
	is_int(v, 7, "reads back 7");
	v = 256;
	errno = 0;
	ok(setsockopt(s, IPPROTO_IP, IP_MULTICAST_TTL, &v, sizeof(v)) == -1 && errno == EINVAL,
	   "IP_MULTICAST_TTL 256: EINVAL");
	v = 0;
	setsockopt(s, IPPROTO_IP, IP_MULTICAST_LOOP, &v, sizeof(v));
	v = -1;
	getsockopt(s, IPPROTO_IP, IP_MULTICAST_LOOP, &v, &len);
	is_int(v, 0, "IP_MULTICAST_LOOP 0 reads back 0");

	memset(&mr, 0, sizeof(mr));
	inet_pton(AF_INET, "239.77.1.2", &mr.imr_multiaddr);
	mr.imr_address = ip4.sin_addr;
	if (!groups)
		goto refused;
	ok(setsockopt(s, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, sizeof(mr)) == 0,
	   "IP_ADD_MEMBERSHIP 239.77.1.2 (%s)", strerror(errno));
	errno = 0;
	ok(setsockopt(s, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, sizeof(mr)) == -1 &&
	       errno == EADDRINUSE,
	   "joined twice: EADDRINUSE");
	is_int(setsockopt(s, IPPROTO_IP, IP_DROP_MEMBERSHIP, &mr, sizeof(mr)), 0, "and left");
	errno = 0;
	ok(setsockopt(s, IPPROTO_IP, IP_DROP_MEMBERSHIP, &mr, sizeof(mr)) == -1 &&
	       errno == EADDRNOTAVAIL,
	   "left again: EADDRNOTAVAIL");
	/* A socket that names the interface by its address sends to the group there: looped
	 * back to a member on this host (bound to the wildcard, as a group's member is). */
	{
		int u = socket(AF_INET, SOCK_DGRAM, 0), mm = socket(AF_INET, SOCK_DGRAM, 0);
		struct sockaddr_in g = {.sin_family = AF_INET}, from;
		socklen_t fl = sizeof(from);
		struct pollfd p = {.fd = mm, .events = POLLIN};
		char buf[8];

		bind(mm, (struct sockaddr *)&g, sizeof(g));
		g = addr_of(mm);
		setsockopt(mm, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, sizeof(mr));
		is_int(
		    setsockopt(u, IPPROTO_IP, IP_MULTICAST_IF, &ip4.sin_addr, sizeof(ip4.sin_addr)),
		    0, "IP_MULTICAST_IF: the address, on a socket not bound yet");
		g.sin_addr = mr.imr_multiaddr;
		is_int(sendto(u, "group", 5, 0, (struct sockaddr *)&g, sizeof(g)), 5,
		       "sendto the group through it");
		ok(poll(&p, 1, 3000) == 1 &&
		       recvfrom(mm, buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&from,
				&fl) == 5 &&
		       !memcmp(buf, "group", 5) && from.sin_addr.s_addr == ip4.sin_addr.s_addr,
		   "the member gets it, from the interface's address");
		close(mm);
		close(u);
	}
refused:
	inet_pton(AF_INET, "10.1.2.3", &mr.imr_multiaddr);
	errno = 0;
	ok(setsockopt(s, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, sizeof(mr)) == -1 && errno == EINVAL,
	   "a unicast group: EINVAL");
	inet_pton(AF_INET, "239.77.1.2", &mr.imr_multiaddr);
	errno = 0;
	ok(setsockopt(t, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, sizeof(mr)) == -1 && errno == EPROTO,
	   "a TCP socket joining: EPROTO");
	close(s);
	close(t);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2 || argc > 3 || (argc == 3 && strcmp(argv[2], "nogroups")) ||
	    inet_pton(AF_INET, argv[1], &ip4.sin_addr) != 1) {
		fprintf(stderr, "usage: udp_msg IPV4 [nogroups]\n");
		return 2;
	}
	ip4.sin_family = AF_INET;
	t_recvmsg();
	t_recvmmsg();
	t_connected();
	t_mcast(argc == 2);
	return done_testing();
}
