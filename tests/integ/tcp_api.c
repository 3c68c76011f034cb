// SPDX-License-Identifier: BSD-2-Clause
/* tcp_api: the socket API's TCP semantics through the intercept, one forked child per subtest (TAP). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define V4 "10.77.0.1"
#define V6 "fd77::1"
#define V4_OTHER "10.77.0.5" /* in the subnet, not ours */
#define BLACKHOLE "10.77.0.99" /* in the subnet, nobody answers */
#define OUTSIDE "192.0.2.99" /* in no virtual subnet */
#define NOBODY 65534
#define TEST_TIMEOUT_S 60

static const char *self_exe;

/* ---- helpers ---- */

static void diag(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > 0)
		printf("# %s\n", buf);
	fflush(stdout);
}

#define CHECK(c)                                                                                   \
	do {                                                                                       \
		if (!(c)) {                                                                        \
			diag("line %d: %s (errno %d %s)", __LINE__, #c, errno, strerror(errno));   \
			return 1;                                                                  \
		}                                                                                  \
	} while (0)

/* call must fail with errno want */
#define CHECK_ERR(call, want)                                                                      \
	do {                                                                                       \
		errno = 0;                                                                         \
		long r_ = (long)(call);                                                            \
		int e_ = errno;                                                                    \
		if (r_ != -1 || e_ != (want)) {                                                    \
			diag("line %d: %s gave %ld errno %d %s, want -1 %s", __LINE__, #call, r_,  \
			     e_, strerror(e_), strerror(want));                                    \
			return 1;                                                                  \
		}                                                                                  \
	} while (0)

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static socklen_t mkaddr(struct sockaddr_storage *ss, const char *ip, int port)
{
	memset(ss, 0, sizeof(*ss));
	if (strchr(ip, ':')) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		if (inet_pton(AF_INET6, ip, &s6->sin6_addr) != 1)
			abort();
		return sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		if (inet_pton(AF_INET, ip, &s4->sin_addr) != 1)
			abort();
		return sizeof(*s4);
	}
}

static int fam_of(const char *ip)
{
	return strchr(ip, ':') ? AF_INET6 : AF_INET;
}

static int port_of(const struct sockaddr_storage *ss)
{
	return ss->ss_family == AF_INET ? ntohs(((const struct sockaddr_in *)ss)->sin_port)
					: ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
}

/* Does ss hold ip:port (port -1: any)? */
static int addr_is(const struct sockaddr_storage *ss, socklen_t len, const char *ip, int port)
{
	struct sockaddr_storage want;
	socklen_t wl = mkaddr(&want, ip, port < 0 ? 0 : port);
	char buf[64] = "?";

	if (len != wl || ss->ss_family != want.ss_family)
		goto bad;
	if (ss->ss_family == AF_INET) {
		if (memcmp(&((struct sockaddr_in *)ss)->sin_addr,
			   &((struct sockaddr_in *)&want)->sin_addr, 4))
			goto bad;
	} else if (memcmp(&((struct sockaddr_in6 *)ss)->sin6_addr,
			  &((struct sockaddr_in6 *)&want)->sin6_addr, 16)) {
		goto bad;
	}
	if (port >= 0 && port_of(ss) != port)
		goto bad;
	return 1;
bad:
	if (ss->ss_family == AF_INET)
		inet_ntop(AF_INET, &((struct sockaddr_in *)ss)->sin_addr, buf, sizeof(buf));
	else if (ss->ss_family == AF_INET6)
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)ss)->sin6_addr, buf, sizeof(buf));
	diag("address is family %d %s port %d len %u, want %s port %d len %u", ss->ss_family, buf,
	     port_of(ss), (unsigned)len, ip, port, (unsigned)wl);
	return 0;
}

/* A listener on ip:port (0: any), its port in *port. -1 on failure. */
static int listen_on(int family, const char *ip, int *port)
{
	struct sockaddr_storage ss;
	socklen_t len = mkaddr(&ss, ip, *port), gl = sizeof(ss);
	int fd = socket(family, SOCK_STREAM, 0);

	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&ss, len) < 0 || listen(fd, 64) < 0 ||
	    getsockname(fd, (struct sockaddr *)&ss, &gl) < 0) {
		diag("listen_on %s: %s", ip, strerror(errno));
		close(fd);
		return -1;
	}
	*port = port_of(&ss);
	return fd;
}

static int connect_to(int family, const char *ip, int port)
{
	struct sockaddr_storage ss;
	socklen_t len = mkaddr(&ss, ip, port);
	int fd = socket(family, SOCK_STREAM, 0);

	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&ss, len) < 0) {
		diag("connect_to %s:%d: %s", ip, port, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* A connected pair through the daemon: *c the connecting side, *s the accepted side. */
static int tcp_pair(int family, const char *ip, int *c, int *s)
{
	int port = 0, l = listen_on(family, ip, &port);

	if (l < 0)
		return -1;
	*c = connect_to(family, ip, port);
	*s = *c < 0 ? -1 : accept(l, NULL, NULL);
	close(l);
	if (*c < 0 || *s < 0)
		return -1;
	return 0;
}

static int wait_fd(int fd, short events, int ms)
{
	struct pollfd p = {.fd = fd, .events = events};
	int r = poll(&p, 1, ms);

	return r <= 0 ? 0 : p.revents;
}

static int write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;

	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Read exactly n bytes within ms; 0 or -1 (short: errno EPIPE; timeout: ETIMEDOUT). */
static int read_all(int fd, void *buf, size_t n, int ms)
{
	char *p = buf;
	double end = now_s() + ms / 1000.0;

	while (n) {
		ssize_t r;

		if (!wait_fd(fd, POLLIN, (int)((end - now_s()) * 1000) + 1)) {
			errno = ETIMEDOUT;
			return -1;
		}
		r = read(fd, p, n);
		if (r < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r < 0)
			return -1;
		if (r == 0) {
			errno = EPIPE;
			return -1;
		}
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

/* Send msg on a and expect exactly it on b. */
static int roundtrip(int a, int b, const char *msg)
{
	char buf[256];
	size_t n = strlen(msg);

	if (write_all(a, msg, n) < 0 || read_all(b, buf, n, 3000) < 0)
		return -1;
	if (memcmp(buf, msg, n)) {
		diag("got '%.*s', want '%s'", (int)n, buf, msg);
		return -1;
	}
	return 0;
}

/* The next read on fd: returns its result with errno; waits up to ms for readiness. */
static ssize_t read_once(int fd, int ms)
{
	char c;

	wait_fd(fd, POLLIN, ms);
	return read(fd, &c, 1);
}

static int child_status_ok(pid_t pid)
{
	int st;

	if (waitpid(pid, &st, 0) != pid)
		return 0;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 1;
	diag("child %d: %s %d", (int)pid, WIFEXITED(st) ? "exit" : "signal",
	     WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
	return 0;
}

static int getint(int fd, int level, int name)
{
	int v = -12345;
	socklen_t l = sizeof(v);

	if (getsockopt(fd, level, name, &v, &l) < 0)
		return -12345;
	return v;
}

static int setint(int fd, int level, int name, int v)
{
	return setsockopt(fd, level, name, &v, sizeof(v));
}

/* ---- socket(), bind() ---- */

static int t_socket_flags(void)
{
	struct sockaddr_storage ss;
	socklen_t len = mkaddr(&ss, V4, 0);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), c, port = 0;

	CHECK(fd >= 0);
	CHECK(fcntl(fd, F_GETFL) & O_NONBLOCK);
	CHECK(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	CHECK(bind(fd, (struct sockaddr *)&ss, len) == 0);
	CHECK(fcntl(fd, F_GETFL) & O_NONBLOCK);
	CHECK(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	CHECK(listen(fd, 8) == 0);
	CHECK(fcntl(fd, F_GETFL) & O_NONBLOCK);
	CHECK(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	CHECK_ERR(accept(fd, NULL, NULL), EAGAIN);
	len = sizeof(ss);
	CHECK(getsockname(fd, (struct sockaddr *)&ss, &len) == 0);
	port = port_of(&ss);
	c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	CHECK(c >= 0);
	len = mkaddr(&ss, V4, port);
	CHECK_ERR(connect(c, (struct sockaddr *)&ss, len), EINPROGRESS);
	CHECK(fcntl(c, F_GETFL) & O_NONBLOCK);
	CHECK(!(fcntl(c, F_GETFD) & FD_CLOEXEC));
	CHECK(wait_fd(c, POLLOUT, 3000) & POLLOUT);
	CHECK(getint(c, SOL_SOCKET, SO_ERROR) == 0);
	/* A plain socket stays blocking and inheritable after it turns virtual. */
	c = socket(AF_INET6, SOCK_STREAM, IPPROTO_TCP);
	CHECK(c >= 0);
	len = mkaddr(&ss, V6, 0);
	CHECK(bind(c, (struct sockaddr *)&ss, len) == 0);
	CHECK(!(fcntl(c, F_GETFL) & O_NONBLOCK));
	CHECK(!(fcntl(c, F_GETFD) & FD_CLOEXEC));
	return 0;
}

static int echo_family(int family, const char *ip)
{
	int c, s;

	CHECK(tcp_pair(family, ip, &c, &s) == 0);
	CHECK(roundtrip(c, s, "ping") == 0);
	CHECK(roundtrip(s, c, "pong") == 0);
	return 0;
}

static int t_echo_v4(void)
{
	return echo_family(AF_INET, V4);
}

static int t_echo_v6(void)
{
	return echo_family(AF_INET6, V6);
}

static int t_v4mapped(void)
{
	struct sockaddr_storage ss, peer;
	socklen_t len, pl = sizeof(peer);
	int port = 0, l = listen_on(AF_INET, V4, &port), c, s;

	CHECK(l >= 0);
	c = socket(AF_INET6, SOCK_STREAM, 0);
	CHECK(c >= 0);
	len = mkaddr(&ss, "::ffff:" V4, port);
	CHECK(connect(c, (struct sockaddr *)&ss, len) == 0);
	s = accept(l, (struct sockaddr *)&peer, &pl);
	CHECK(s >= 0);
	CHECK(addr_is(&peer, pl, V4, -1));
	len = sizeof(ss);
	CHECK(getpeername(c, (struct sockaddr *)&ss, &len) == 0);
	CHECK(addr_is(&ss, len, "::ffff:" V4, port));
	len = sizeof(ss);
	CHECK(getsockname(c, (struct sockaddr *)&ss, &len) == 0);
	CHECK(addr_is(&ss, len, "::ffff:" V4, port_of(&peer)));
	CHECK(getint(c, SOL_SOCKET, SO_DOMAIN) == AF_INET6);
	CHECK(roundtrip(c, s, "mapped") == 0);
	CHECK(roundtrip(s, c, "back") == 0);
	return 0;
}

static int t_bind_port0(void)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd;

	for (int i = 0; i < 2; i++) {
		const char *ip = i ? V6 : V4;

		fd = socket(fam_of(ip), SOCK_STREAM, 0);
		CHECK(fd >= 0);
		len = mkaddr(&ss, ip, 0);
		CHECK(bind(fd, (struct sockaddr *)&ss, len) == 0);
		len = sizeof(ss);
		CHECK(getsockname(fd, (struct sockaddr *)&ss, &len) == 0);
		CHECK(addr_is(&ss, len, ip, -1));
		CHECK(port_of(&ss) != 0);
		/* bound twice: the kernel says EINVAL */
		len = mkaddr(&ss, ip, 0);
		CHECK_ERR(bind(fd, (struct sockaddr *)&ss, len), EINVAL);
		close(fd);
	}
	/* An address in the subnet that is not ours cannot be bound. */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	len = mkaddr(&ss, V4_OTHER, 0);
	CHECK_ERR(bind(fd, (struct sockaddr *)&ss, len), EADDRNOTAVAIL);
	return 0;
}

static int t_bind_wildcard(void)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int port = 0, l, c, s;

	l = listen_on(AF_INET, "0.0.0.0", &port);
	CHECK(l >= 0 && port != 0);
	len = sizeof(ss);
	CHECK(getsockname(l, (struct sockaddr *)&ss, &len) == 0);
	CHECK(addr_is(&ss, len, "0.0.0.0", port));
	c = connect_to(AF_INET, V4, port);
	CHECK(c >= 0);
	s = accept(l, NULL, NULL);
	CHECK(s >= 0);
	len = sizeof(ss);
	CHECK(getsockname(s, (struct sockaddr *)&ss, &len) == 0);
	CHECK(addr_is(&ss, len, V4, port));
	CHECK(roundtrip(c, s, "wild") == 0);
	close(l);
	/* [::] without V6ONLY takes both families. */
	port = 0;
	l = listen_on(AF_INET6, "::", &port);
	CHECK(l >= 0 && port != 0);
	c = connect_to(AF_INET, V4, port);
	CHECK(c >= 0);
	len = sizeof(ss);
	s = accept(l, (struct sockaddr *)&ss, &len);
	CHECK(s >= 0);
	CHECK(addr_is(&ss, len, "::ffff:" V4, -1));
	len = sizeof(ss);
	CHECK(getsockname(s, (struct sockaddr *)&ss, &len) == 0);
	CHECK(addr_is(&ss, len, "::ffff:" V4, port));
	CHECK(roundtrip(s, c, "dual") == 0);
	c = connect_to(AF_INET6, V6, port);
	CHECK(c >= 0);
	len = sizeof(ss);
	s = accept(l, (struct sockaddr *)&ss, &len);
	CHECK(s >= 0);
	CHECK(addr_is(&ss, len, V6, -1));
	CHECK(roundtrip(c, s, "six") == 0);
	return 0;
}

static int t_bind_inuse(void)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int port = 0, l = listen_on(AF_INET, V4, &port), b;

	CHECK(l >= 0);
	b = socket(AF_INET, SOCK_STREAM, 0);
	len = mkaddr(&ss, V4, port);
	CHECK_ERR(bind(b, (struct sockaddr *)&ss, len), EADDRINUSE);
	close(b);
	b = socket(AF_INET, SOCK_STREAM, 0);
	len = mkaddr(&ss, "0.0.0.0", port);
	CHECK_ERR(bind(b, (struct sockaddr *)&ss, len), EADDRINUSE);
	close(b);
	/* SO_REUSEADDR does not share a port with a listener (Linux) */
	b = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(setint(b, SOL_SOCKET, SO_REUSEADDR, 1) == 0);
	len = mkaddr(&ss, V4, port);
	CHECK_ERR(bind(b, (struct sockaddr *)&ss, len), EADDRINUSE);
	close(b);
	/* Once the listener is closed the port is free again. */
	close(l);
	b = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(bind(b, (struct sockaddr *)&ss, len) == 0);
	return 0;
}

/* A port with a connection in TIME_WAIT: bind needs SO_REUSEADDR, as on Linux. */
static int t_reuseaddr(void)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int port = 0, l = listen_on(AF_INET, V4, &port), c, s, b;

	CHECK(l >= 0);
	c = connect_to(AF_INET, V4, port);
	CHECK(c >= 0);
	s = accept(l, NULL, NULL);
	CHECK(s >= 0);
	close(l);
	close(s); /* the server closes first: its side goes to TIME_WAIT */
	CHECK(read_once(c, 3000) == 0);
	close(c);
	usleep(200000);
	len = mkaddr(&ss, V4, port);
	b = socket(AF_INET, SOCK_STREAM, 0);
	CHECK_ERR(bind(b, (struct sockaddr *)&ss, len), EADDRINUSE);
	close(b);
	b = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(setint(b, SOL_SOCKET, SO_REUSEADDR, 1) == 0);
	CHECK(getint(b, SOL_SOCKET, SO_REUSEADDR) == 1);
	CHECK(bind(b, (struct sockaddr *)&ss, len) == 0);
	CHECK(listen(b, 4) == 0);
	CHECK(getint(b, SOL_SOCKET, SO_REUSEADDR) == 1);
	c = connect_to(AF_INET, V4, port);
	CHECK(c >= 0);
	s = accept(b, NULL, NULL);
	CHECK(s >= 0);
	CHECK(roundtrip(c, s, "again") == 0);
	return 0;
}

/* ---- listen(), accept() ---- */

static int t_listen_twice(void)
{
	int port = 0, l = listen_on(AF_INET, V4, &port), c, s;

	CHECK(l >= 0);
	CHECK(listen(l, 5) == 0);
	CHECK(listen(l, 100) == 0);
	CHECK(getint(l, SOL_SOCKET, SO_ACCEPTCONN) == 1);
	c = connect_to(AF_INET, V4, port);
	CHECK(c >= 0);
	s = accept(l, NULL, NULL);
	CHECK(s >= 0);
	CHECK(roundtrip(c, s, "twice") == 0);
	return 0;
}

static int t_accept_flags(void)
{
	struct sockaddr_storage peer, cn;
	socklen_t pl = sizeof(peer), cl = sizeof(cn);
	int port = 0, l = listen_on(AF_INET, V4, &port), c1, c2, s;

	CHECK(l >= 0);
	c1 = connect_to(AF_INET, V4, port);
	c2 = connect_to(AF_INET, V4, port);
	CHECK(c1 >= 0 && c2 >= 0);
	CHECK_ERR(accept4(l, NULL, NULL, 0x40000000), EINVAL);
	s = accept4(l, (struct sockaddr *)&peer, &pl, SOCK_NONBLOCK | SOCK_CLOEXEC);
	CHECK(s >= 0);
	CHECK(fcntl(s, F_GETFL) & O_NONBLOCK);
	CHECK(fcntl(s, F_GETFD) & FD_CLOEXEC);
	CHECK(getsockname(c1, (struct sockaddr *)&cn, &cl) == 0);
	CHECK(addr_is(&peer, pl, V4, port_of(&cn)));
	CHECK_ERR(read(s, &cn, 1), EAGAIN);
	CHECK(roundtrip(c1, s, "first") == 0);
	pl = sizeof(peer);
	s = accept(l, (struct sockaddr *)&peer, &pl);
	CHECK(s >= 0);
	CHECK(!(fcntl(s, F_GETFL) & O_NONBLOCK));
	CHECK(!(fcntl(s, F_GETFD) & FD_CLOEXEC));
	cl = sizeof(cn);
	CHECK(getsockname(c2, (struct sockaddr *)&cn, &cl) == 0);
	CHECK(addr_is(&peer, pl, V4, port_of(&cn)));
	CHECK(roundtrip(c2, s, "second") == 0);
	/* a short address buffer: truncated, the full length reported */
	c1 = connect_to(AF_INET, V4, port);
	CHECK(c1 >= 0);
	pl = 4;
	memset(&peer, 0, sizeof(peer));
	s = accept(l, (struct sockaddr *)&peer, &pl);
	CHECK(s >= 0);
	CHECK(pl == sizeof(struct sockaddr_in));
	CHECK(peer.ss_family == AF_INET && port_of(&peer) != 0);
	return 0;
}

static int t_accept_eagain(void)
{
	int port = 0, l = listen_on(AF_INET, V4, &port), c, s;

	CHECK(l >= 0);
	CHECK(fcntl(l, F_SETFL, O_NONBLOCK) == 0);
	CHECK_ERR(accept(l, NULL, NULL), EAGAIN);
	CHECK_ERR(accept4(l, NULL, NULL, SOCK_CLOEXEC), EAGAIN);
	c = connect_to(AF_INET, V4, port);
	CHECK(c >= 0);
	CHECK(wait_fd(l, POLLIN, 3000) & POLLIN);
	s = accept(l, NULL, NULL);
	CHECK(s >= 0);
	CHECK_ERR(accept(l, NULL, NULL), EAGAIN);
	return 0;
}

static int t_listener_ready(void)
{
	int port = 0, l = listen_on(AF_INET, V4, &port), c, ep, s;
	struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 77};
	struct timeval tv = {.tv_usec = 100000};
	fd_set rf;

	CHECK(l >= 0);
	ep = epoll_create1(0);
	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, l, &ev) == 0);
	CHECK(wait_fd(l, POLLIN, 100) == 0);
	FD_ZERO(&rf);
	FD_SET(l, &rf);
	CHECK(select(l + 1, &rf, NULL, NULL, &tv) == 0);
	CHECK(epoll_wait(ep, &ev, 1, 100) == 0);
	c = connect_to(AF_INET, V4, port);
	CHECK(c >= 0);
	CHECK(wait_fd(l, POLLIN, 3000) == POLLIN);
	FD_ZERO(&rf);
	FD_SET(l, &rf);
	tv.tv_sec = 3;
	CHECK(select(l + 1, &rf, NULL, NULL, &tv) == 1 && FD_ISSET(l, &rf));
	CHECK(epoll_wait(ep, &ev, 1, 3000) == 1 && ev.data.u64 == 77 && (ev.events & EPOLLIN));
	s = accept(l, NULL, NULL);
	CHECK(s >= 0);
	CHECK(wait_fd(l, POLLIN, 100) == 0);
	CHECK(epoll_wait(ep, &ev, 1, 100) == 0);
	return 0;
}

/* Prefork: children accepting on one inherited listener each get whole, distinct connections. */
static int t_prefork_accept(void)
{
	enum { N = 4 };
	int port = 0, l = listen_on(AF_INET, V4, &port), c[N];
	pid_t kids[N];
	long got[N];

	CHECK(l >= 0);
	for (int i = 0; i < N; i++) {
		kids[i] = fork();
		CHECK(kids[i] >= 0);
		if (kids[i] == 0) {
			char buf[32];
			int s = accept(l, NULL, NULL), n;

			if (s < 0)
				_exit(1);
			n = snprintf(buf, sizeof(buf), "%-16d", (int)getpid());
			_exit(write_all(s, buf, (size_t)n) < 0 ? 2 : 0);
		}
	}
	for (int i = 0; i < N; i++) {
		char buf[17] = {0};

		c[i] = connect_to(AF_INET, V4, port);
		CHECK(c[i] >= 0);
		CHECK(read_all(c[i], buf, 16, 5000) == 0);
		got[i] = atol(buf);
	}
	for (int i = 0; i < N; i++) {
		int found = 0;

		for (int j = 0; j < N; j++)
			found += got[j] == kids[i];
		CHECK(found == 1);
		CHECK(child_status_ok(kids[i]));
	}
	return 0;
}

/* ---- connect() ---- */

static int t_connect_refused(void)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd, port = 0, l;

	/* A port that was just in use and is not any more. */
	l = listen_on(AF_INET, V4, &port);
	CHECK(l >= 0);
	close(l);
	usleep(50000);
	for (int i = 0; i < 2; i++) {
		const char *ip = i ? V6 : V4;

		fd = socket(fam_of(ip), SOCK_STREAM, 0);
		len = mkaddr(&ss, ip, port);
		CHECK_ERR(connect(fd, (struct sockaddr *)&ss, len), ECONNREFUSED);
		CHECK(getint(fd, SOL_SOCKET, SO_ERROR) == 0);
		close(fd);
	}
	return 0;
}

static int t_connect_timeout(void)
{
	struct sockaddr_storage ss;
	socklen_t len = mkaddr(&ss, BLACKHOLE, 80);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	double t0, dt;

	CHECK(setint(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, 1000) == 0);
	CHECK(getint(fd, IPPROTO_TCP, TCP_USER_TIMEOUT) == 1000);
	t0 = now_s();
	CHECK_ERR(connect(fd, (struct sockaddr *)&ss, len), ETIMEDOUT);
	dt = now_s() - t0;
	diag("timed out after %.2f s", dt);
	CHECK(dt > 0.8 && dt < 3.0);
	return 0;
}

static int t_connect_netunreach(void)
{
	struct sockaddr_storage ss;
	socklen_t len = mkaddr(&ss, V4, 0);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	double t0 = now_s();

	CHECK(bind(fd, (struct sockaddr *)&ss, len) == 0);
	len = mkaddr(&ss, OUTSIDE, 80);
	CHECK_ERR(connect(fd, (struct sockaddr *)&ss, len), ENETUNREACH);
	CHECK(now_s() - t0 < 1.0);
	return 0;
}

static int t_nb_connect(void)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int port = 0, l = listen_on(AF_INET, V4, &port), fd, s;

	CHECK(l >= 0);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	len = mkaddr(&ss, V4, port);
	CHECK_ERR(connect(fd, (struct sockaddr *)&ss, len), EINPROGRESS);
	CHECK(wait_fd(fd, POLLOUT, 3000) & POLLOUT);
	CHECK(getint(fd, SOL_SOCKET, SO_ERROR) == 0);
	CHECK(connect(fd, (struct sockaddr *)&ss, len) == 0);
	CHECK_ERR(connect(fd, (struct sockaddr *)&ss, len), EISCONN);
	len = sizeof(ss);
	CHECK(getpeername(fd, (struct sockaddr *)&ss, &len) == 0);
	CHECK(addr_is(&ss, len, V4, port));
	s = accept(l, NULL, NULL);
	CHECK(s >= 0);
	CHECK(roundtrip(fd, s, "nb") == 0);
	CHECK(roundtrip(s, fd, "bn") == 0);
	return 0;
}

/* A slow peer: not writable, EALREADY, then the timeout through poll and SO_ERROR. */
static int t_nb_connect_slow(void)
{
	struct sockaddr_storage ss;
	socklen_t len = mkaddr(&ss, BLACKHOLE, 80);
	struct epoll_event ev = {.events = EPOLLOUT | EPOLLET};
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), ep = epoll_create1(0), rev;
	char c = 'x';
	double t0;

	CHECK(setint(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, 1500) == 0);
	t0 = now_s();
	CHECK_ERR(connect(fd, (struct sockaddr *)&ss, len), EINPROGRESS);
	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) == 0);
	CHECK(wait_fd(fd, POLLOUT, 200) == 0);
	CHECK(epoll_wait(ep, &ev, 1, 100) == 0);
	CHECK_ERR(connect(fd, (struct sockaddr *)&ss, len), EALREADY);
	CHECK_ERR(write(fd, &c, 1), EAGAIN);
	len = sizeof(ss);
	CHECK_ERR(getpeername(fd, (struct sockaddr *)&ss, &len), ENOTCONN);
	rev = wait_fd(fd, POLLOUT, 5000);
	diag("writable after %.2f s, revents 0x%x", now_s() - t0, rev);
	CHECK(rev & POLLOUT);
	CHECK(now_s() - t0 > 1.2);
	CHECK(epoll_wait(ep, &ev, 1, 1000) == 1 && (ev.events & EPOLLOUT));
	CHECK(getint(fd, SOL_SOCKET, SO_ERROR) == ETIMEDOUT);
	CHECK(getint(fd, SOL_SOCKET, SO_ERROR) == 0);
	return 0;
}

static int t_nb_connect_refused(void)
{
	struct sockaddr_storage ss;
	socklen_t len = mkaddr(&ss, V4, 1);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	int r;

	r = connect(fd, (struct sockaddr *)&ss, len);
	CHECK(r == -1 && (errno == EINPROGRESS || errno == ECONNREFUSED));
	if (errno == EINPROGRESS) {
		CHECK(wait_fd(fd, POLLOUT, 3000) & POLLOUT);
		CHECK(getint(fd, SOL_SOCKET, SO_ERROR) == ECONNREFUSED);
		CHECK(getint(fd, SOL_SOCKET, SO_ERROR) == 0);
	}
	return 0;
}

/* nginx registers upstream sockets with epoll before connect(): the registration must survive. */
/* Wait up to ms for an event on ep with this data carrying bits; other events are skipped (an
 * edge-triggered socket may be reported more than once). */
static int epoll_until(int ep, uint64_t data, uint32_t bits, int ms)
{
	for (int waited = 0; waited < ms; waited += 50) {
		struct epoll_event ev;
		int n = epoll_wait(ep, &ev, 1, 50);

		if (n == 1 && ev.data.u64 == data && (ev.events & bits) == bits)
			return 1;
	}
	diag("no event %#x for %#llx within %d ms", bits, (unsigned long long)data, ms);
	return 0;
}

static int t_epoll_before_connect(void)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int port = 0, l = listen_on(AF_INET, V4, &port), ep = epoll_create1(0), fd, s;
	struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET,
				 .data.u64 = 0xfeedbeef};

	CHECK(l >= 0);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) == 0);
	len = mkaddr(&ss, V4, port);
	CHECK_ERR(connect(fd, (struct sockaddr *)&ss, len), EINPROGRESS);
	/* The registration made before connect() reports the handshake's end... */
	CHECK(epoll_until(ep, 0xfeedbeef, EPOLLOUT, 3000));
	CHECK(getint(fd, SOL_SOCKET, SO_ERROR) == 0);
	s = accept(l, NULL, NULL);
	CHECK(s >= 0);
	CHECK(write_all(s, "x", 1) == 0);
	/* ...and data. */
	CHECK(epoll_until(ep, 0xfeedbeef, EPOLLIN, 3000));
	/* The first socket leaves the set before the next part watches for silence. */
	CHECK(epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL) == 0);
	close(fd);
	/* A blocking connect on a socket registered (then modified to EPOLLIN) before it: no
	 * EPOLLOUT is reported, and EPOLLIN comes with the data. */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	ev.events = EPOLLOUT;
	ev.data.u64 = 5;
	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) == 0);
	ev.events = EPOLLIN;
	ev.data.u64 = 6;
	CHECK(epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev) == 0);
	CHECK(connect(fd, (struct sockaddr *)&ss, len) == 0);
	s = accept(l, NULL, NULL);
	CHECK(s >= 0);
	{
		struct epoll_event e2;
		int n = epoll_wait(ep, &e2, 1, 100);

		if (n != 0)
			diag("unexpected event %#x data %#llx", e2.events,
			     (unsigned long long)e2.data.u64);
		CHECK(n == 0);
	}
	CHECK(write_all(s, "y", 1) == 0);
	CHECK(epoll_until(ep, 6, EPOLLIN, 3000));
	return 0;
}

static int names_family(int family, const char *ip)
{
	struct sockaddr_storage a, b;
	socklen_t al = sizeof(a), bl = sizeof(b);
	int port = 0, l = listen_on(family, ip, &port), c, s;

	CHECK(l >= 0);
	c = connect_to(family, ip, port);
	CHECK(c >= 0);
	s = accept(l, (struct sockaddr *)&a, &al);
	CHECK(s >= 0);
	CHECK(getsockname(c, (struct sockaddr *)&b, &bl) == 0);
	CHECK(addr_is(&b, bl, ip, port_of(&a)));
	CHECK(port_of(&b) != 0 && port_of(&b) != port);
	bl = sizeof(b);
	CHECK(getpeername(c, (struct sockaddr *)&b, &bl) == 0);
	CHECK(addr_is(&b, bl, ip, port));
	bl = sizeof(b);
	CHECK(getsockname(s, (struct sockaddr *)&b, &bl) == 0);
	CHECK(addr_is(&b, bl, ip, port));
	bl = sizeof(b);
	CHECK(getpeername(s, (struct sockaddr *)&b, &bl) == 0);
	CHECK(addr_is(&b, bl, ip, port_of(&a)));
	bl = sizeof(b);
	CHECK_ERR(getpeername(l, (struct sockaddr *)&b, &bl), ENOTCONN);
	/* a short buffer is filled as far as it goes, the full length returned */
	bl = 2;
	memset(&b, 0xaa, sizeof(b));
	CHECK(getsockname(s, (struct sockaddr *)&b, &bl) == 0);
	CHECK(bl == (family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6)));
	CHECK(b.ss_family == family && ((unsigned char *)&b)[2] == 0xaa);
	return 0;
}

static int t_names(void)
{
	CHECK(names_family(AF_INET, V4) == 0);
	CHECK(names_family(AF_INET6, V6) == 0);
	return 0;
}

/* ---- data ---- */

static int t_io_calls(void)
{
	char buf[256], a[8], b[8];
	struct iovec iov[3];
	struct msghdr m;
	struct sockaddr_storage ss;
	socklen_t sl;
	int c, s, tf;
	char path[] = "/tmp/netcon-sendfile.XXXXXX";
	static char big[100000], got[100000];
	off_t off = 0;

	CHECK(tcp_pair(AF_INET, V4, &c, &s) == 0);
	/* write/read */
	CHECK(write(c, "hello", 5) == 5);
	CHECK(read_all(s, buf, 5, 3000) == 0 && !memcmp(buf, "hello", 5));
	/* send/recv */
	CHECK(send(s, "world", 5, 0) == 5);
	CHECK(wait_fd(c, POLLIN, 3000));
	usleep(20000);
	CHECK(recv(c, buf, sizeof(buf), 0) == 5 && !memcmp(buf, "world", 5));
	/* writev/readv */
	iov[0] = (struct iovec){"ab", 2};
	iov[1] = (struct iovec){"cde", 3};
	iov[2] = (struct iovec){"fgh", 3};
	CHECK(writev(c, iov, 3) == 8);
	CHECK(wait_fd(s, POLLIN, 3000));
	usleep(20000);
	iov[0] = (struct iovec){a, 3};
	iov[1] = (struct iovec){b, 5};
	CHECK(readv(s, iov, 2) == 8 && !memcmp(a, "abc", 3) && !memcmp(b, "defgh", 5));
	/* sendmsg with a destination (ignored by connected TCP), recvmsg with a name buffer */
	memset(&m, 0, sizeof(m));
	sl = mkaddr(&ss, V4, 9);
	m.msg_name = &ss;
	m.msg_namelen = sl;
	iov[0] = (struct iovec){"msg!", 4};
	m.msg_iov = iov;
	m.msg_iovlen = 1;
	CHECK(sendmsg(s, &m, MSG_NOSIGNAL) == 4);
	memset(&m, 0, sizeof(m));
	m.msg_name = &ss;
	m.msg_namelen = sizeof(ss);
	iov[0] = (struct iovec){buf, sizeof(buf)};
	m.msg_iov = iov;
	m.msg_iovlen = 1;
	CHECK(wait_fd(c, POLLIN, 3000));
	usleep(20000);
	CHECK(recvmsg(c, &m, 0) == 4 && !memcmp(buf, "msg!", 4));
	CHECK(m.msg_namelen == 0);
	CHECK(!(m.msg_flags & (MSG_TRUNC | MSG_CTRUNC)));
	/* sendto with an address, recvfrom with one */
	CHECK(sendto(c, "to", 2, 0, (struct sockaddr *)&ss, sl) == 2);
	sl = sizeof(ss);
	CHECK(wait_fd(s, POLLIN, 3000));
	usleep(20000);
	CHECK(recvfrom(s, buf, sizeof(buf), 0, (struct sockaddr *)&ss, &sl) == 2);
	CHECK(!memcmp(buf, "to", 2) && sl == 0);
	/* sendfile from a file */
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)(i * 7 + (i >> 8));
	tf = mkstemp(path);
	CHECK(tf >= 0);
	unlink(path);
	CHECK(write_all(tf, big, sizeof(big)) == 0);
	for (size_t left = sizeof(big); left;) {
		ssize_t n = sendfile(c, tf, &off, left);

		CHECK(n > 0);
		left -= (size_t)n;
	}
	CHECK(read_all(s, got, sizeof(got), 5000) == 0);
	CHECK(!memcmp(big, got, sizeof(big)));
	return 0;
}

static void *late_writer(void *arg)
{
	int fd = *(int *)arg;

	usleep(100000);
	if (write(fd, "12345", 5) != 5)
		return (void *)1;
	usleep(100000);
	if (write(fd, "67890", 5) != 5)
		return (void *)1;
	return NULL;
}

static int t_recv_flags(void)
{
	char buf[64];
	int c, s, n;
	pthread_t th;
	double t0;

	CHECK(tcp_pair(AF_INET6, V6, &c, &s) == 0);
	CHECK_ERR(recv(c, buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
	CHECK(ioctl(c, FIONREAD, &n) == 0 && n == 0);
	CHECK(send(s, "abcdef", 6, MSG_NOSIGNAL | MSG_DONTWAIT) == 6);
	for (int i = 0; i < 100; i++) {
		if (ioctl(c, FIONREAD, &n) == 0 && n == 6)
			break;
		usleep(10000);
	}
	CHECK(ioctl(c, FIONREAD, &n) == 0 && n == 6);
	CHECK(recv(c, buf, 3, MSG_PEEK) == 3 && !memcmp(buf, "abc", 3));
	CHECK(recv(c, buf, sizeof(buf), MSG_PEEK | MSG_DONTWAIT) == 6);
	CHECK(ioctl(c, FIONREAD, &n) == 0 && n == 6);
	CHECK(read(c, buf, sizeof(buf)) == 6 && !memcmp(buf, "abcdef", 6));
	CHECK(ioctl(c, FIONREAD, &n) == 0 && n == 0);
	/* MSG_WAITALL waits for the second half */
	CHECK(pthread_create(&th, NULL, late_writer, &s) == 0);
	t0 = now_s();
	CHECK(recv(c, buf, 10, MSG_WAITALL) == 10);
	CHECK(!memcmp(buf, "1234567890", 10));
	CHECK(now_s() - t0 > 0.15);
	pthread_join(th, NULL);
	return 0;
}

static uint64_t pattern_word(uint64_t i)
{
	i += 0x9e3779b97f4a7c15ULL;
	i = (i ^ (i >> 30)) * 0xbf58476d1ce4e5b9ULL;
	i = (i ^ (i >> 27)) * 0x94d049bb133111ebULL;
	return i ^ (i >> 31);
}

static int t_bulk_64m(void)
{
	enum { TOTAL = 64 << 20, CHUNK = 65536 };
	static uint64_t buf[CHUNK / 8], want[CHUNK / 8];
	int c, s;
	pid_t pid;
	size_t got = 0;
	double t0 = now_s();

	CHECK(tcp_pair(AF_INET, V4, &c, &s) == 0);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		close(s);
		for (uint64_t w = 0; w < TOTAL / 8; w += CHUNK / 8) {
			for (int k = 0; k < CHUNK / 8; k++)
				buf[k] = pattern_word(w + k);
			if (write_all(c, buf, CHUNK) < 0)
				_exit(1);
		}
		_exit(0);
	}
	close(c);
	while (got < TOTAL) {
		size_t off = got % CHUNK;
		ssize_t n = read(s, (char *)buf + off, CHUNK - off);

		CHECK(n > 0);
		got += (size_t)n;
		if (got % CHUNK == 0) {
			uint64_t w0 = (got - CHUNK) / 8;

			for (int k = 0; k < CHUNK / 8; k++)
				want[k] = pattern_word(w0 + k);
			if (memcmp(buf, want, CHUNK)) {
				diag("corrupt data in the chunk ending at %zu", got);
				return 1;
			}
		}
	}
	CHECK(read_once(s, 5000) == 0); /* the writer's exit closed it */
	CHECK(child_status_ok(pid));
	diag("64 MiB in %.2f s", now_s() - t0);
	return 0;
}

/* ---- ending connections ---- */

static int t_shutdown_wr(void)
{
	char buf[16];
	int c, s;

	CHECK(tcp_pair(AF_INET, V4, &c, &s) == 0);
	CHECK(write_all(c, "req", 3) == 0);
	CHECK(shutdown(c, SHUT_WR) == 0);
	CHECK_ERR(send(c, "x", 1, MSG_NOSIGNAL), EPIPE);
	CHECK(read_all(s, buf, 3, 3000) == 0 && !memcmp(buf, "req", 3));
	CHECK(read_once(s, 3000) == 0);
	CHECK(write_all(s, "resp", 4) == 0);
	CHECK(read_all(c, buf, 4, 3000) == 0 && !memcmp(buf, "resp", 4));
	CHECK(wait_fd(c, POLLIN, 100) == 0); /* not EOF yet: the server is still open */
	CHECK(close(s) == 0);
	CHECK(read_once(c, 3000) == 0);
	return 0;
}

static int t_close_fin(void)
{
	char buf[8];
	int c, s;

	CHECK(tcp_pair(AF_INET, V4, &c, &s) == 0);
	CHECK(write_all(c, "last", 4) == 0);
	CHECK(close(c) == 0);
	CHECK(read_all(s, buf, 4, 3000) == 0 && !memcmp(buf, "last", 4));
	errno = 0;
	CHECK(read_once(s, 3000) == 0);
	CHECK(read_once(s, 100) == 0);
	return 0;
}

/* SO_LINGER {1,0} + close resets; each read call sees ECONNRESET once, then EOF. */
static int linger_reset_with(int how)
{
	struct linger lg = {1, 0};
	char buf[8];
	struct iovec iov = {buf, sizeof(buf)};
	struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1};
	volatile size_t vlen = sizeof(buf);
	int c, s;
	ssize_t r;

	CHECK(tcp_pair(how & 1 ? AF_INET6 : AF_INET, how & 1 ? V6 : V4, &c, &s) == 0);
	CHECK(roundtrip(c, s, "hi") == 0);
	CHECK(setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)) == 0);
	CHECK(close(s) == 0);
	CHECK(wait_fd(c, POLLIN, 3000));
	errno = 0;
	switch (how) {
	case 0:
		r = read(c, buf, vlen); /* __read_chk when fortified */
		break;
	case 1:
		r = recv(c, buf, sizeof(buf), 0);
		break;
	case 2:
		r = readv(c, &iov, 1);
		break;
	case 3:
		r = recvmsg(c, &m, 0);
		break;
	default:
		r = recvfrom(c, buf, sizeof(buf), 0, NULL, NULL);
		break;
	}
	CHECK(r == -1 && errno == ECONNRESET);
	CHECK(read(c, buf, sizeof(buf)) == 0);
	return 0;
}

static int t_linger_reset(void)
{
	for (int how = 0; how < 5; how++)
		if (linger_reset_with(how)) {
			diag("read call #%d", how);
			return 1;
		}
	return 0;
}

static int t_epipe(void)
{
	int c, s, got_epipe = 0;
	pid_t pid;

	CHECK(tcp_pair(AF_INET, V4, &c, &s) == 0);
	CHECK(close(s) == 0);
	CHECK(read_once(c, 3000) == 0);
	for (int i = 0; i < 300 && !got_epipe; i++) {
		ssize_t r = send(c, "data", 4, MSG_NOSIGNAL);

		if (r < 0) {
			CHECK(errno == EPIPE || errno == ECONNRESET);
			got_epipe = errno == EPIPE;
		}
		usleep(10000);
	}
	CHECK(got_epipe);
	/* without MSG_NOSIGNAL: SIGPIPE */
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		signal(SIGPIPE, SIG_DFL);
		if (write(c, "x", 1) < 0)
			_exit(3);
		_exit(4);
	}
	{
		int st;

		CHECK(waitpid(pid, &st, 0) == pid);
		CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGPIPE);
	}
	return 0;
}

/* ---- options ---- */

static int check_opts(int fd, const char *when)
{
	struct linger lg;
	socklen_t ll = sizeof(lg);

	diag("options %s", when);
	CHECK(getint(fd, SOL_SOCKET, SO_REUSEADDR) == 1);
	CHECK(getint(fd, SOL_SOCKET, SO_REUSEPORT) == 1);
	CHECK(getint(fd, SOL_SOCKET, SO_KEEPALIVE) == 1);
	CHECK(getint(fd, IPPROTO_TCP, TCP_NODELAY) == 1);
	CHECK(getint(fd, IPPROTO_TCP, TCP_KEEPIDLE) == 30);
	CHECK(getint(fd, IPPROTO_TCP, TCP_KEEPINTVL) == 5);
	CHECK(getint(fd, IPPROTO_TCP, TCP_KEEPCNT) == 3);
	CHECK(getint(fd, SOL_SOCKET, SO_RCVBUF) == 2 * 65536);
	CHECK(getint(fd, SOL_SOCKET, SO_SNDBUF) == 2 * 65536);
	CHECK(getsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, &ll) == 0);
	CHECK(ll == sizeof(lg) && lg.l_onoff == 1 && lg.l_linger == 5);
	return 0;
}

static int set_opts(int fd)
{
	struct linger lg = {1, 5};

	CHECK(setint(fd, SOL_SOCKET, SO_REUSEADDR, 1) == 0);
	CHECK(setint(fd, SOL_SOCKET, SO_REUSEPORT, 1) == 0);
	CHECK(setint(fd, SOL_SOCKET, SO_KEEPALIVE, 1) == 0);
	CHECK(setint(fd, IPPROTO_TCP, TCP_NODELAY, 1) == 0);
	CHECK(setint(fd, IPPROTO_TCP, TCP_KEEPIDLE, 30) == 0);
	CHECK(setint(fd, IPPROTO_TCP, TCP_KEEPINTVL, 5) == 0);
	CHECK(setint(fd, IPPROTO_TCP, TCP_KEEPCNT, 3) == 0);
	CHECK(setint(fd, SOL_SOCKET, SO_RCVBUF, 65536) == 0);
	CHECK(setint(fd, SOL_SOCKET, SO_SNDBUF, 65536) == 0);
	CHECK(setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)) == 0);
	return 0;
}

static int t_sockopts(void)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int port = 0, l = listen_on(AF_INET, V4, &port), fd, s;
	char small = 1;

	CHECK(l >= 0);
	/* set before the socket turns virtual: carried over */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(set_opts(fd) == 0);
	CHECK(check_opts(fd, "before connect") == 0);
	len = mkaddr(&ss, V4, port);
	CHECK(connect(fd, (struct sockaddr *)&ss, len) == 0);
	CHECK(check_opts(fd, "after connect") == 0);
	s = accept(l, NULL, NULL);
	CHECK(s >= 0);
	/* set on a virtual connected socket */
	CHECK(set_opts(s) == 0);
	CHECK(check_opts(s, "set on the accepted socket") == 0);
	CHECK(setint(s, IPPROTO_TCP, TCP_NODELAY, 0) == 0);
	CHECK(getint(s, IPPROTO_TCP, TCP_NODELAY) == 0);
	CHECK_ERR(setint(s, IPPROTO_TCP, TCP_KEEPIDLE, 0), EINVAL);
	CHECK_ERR(setsockopt(s, SOL_SOCKET, SO_KEEPALIVE, &small, 1), EINVAL);
	CHECK(roundtrip(fd, s, "opts") == 0);
	/* the timeouts act on the fd itself */
	{
		struct timeval tv = {0, 200000}, got;
		socklen_t gl = sizeof(got);
		char c;
		double t0 = now_s();

		CHECK(setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == 0);
		CHECK(getsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &got, &gl) == 0);
		CHECK(got.tv_sec == 0 && got.tv_usec == 200000);
		CHECK_ERR(read(s, &c, 1), EAGAIN);
		CHECK(now_s() - t0 > 0.15);
	}
	return 0;
}

static int t_sockopt_identity(void)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int port = 0, l = listen_on(AF_INET6, V6, &port), c, s, b;
	struct tcp_info ti;
	socklen_t tl = sizeof(ti);

	CHECK(l >= 0);
	c = connect_to(AF_INET6, V6, port);
	CHECK(c >= 0);
	s = accept(l, NULL, NULL);
	CHECK(s >= 0);
	b = socket(AF_INET, SOCK_STREAM, 0);
	len = mkaddr(&ss, V4, 0);
	CHECK(bind(b, (struct sockaddr *)&ss, len) == 0);
	for (int i = 0; i < 4; i++) {
		int fd = i == 0 ? l : i == 1 ? c : i == 2 ? s : b;

		CHECK(getint(fd, SOL_SOCKET, SO_TYPE) == SOCK_STREAM);
		CHECK(getint(fd, SOL_SOCKET, SO_DOMAIN) == (i == 3 ? AF_INET : AF_INET6));
		CHECK(getint(fd, SOL_SOCKET, SO_PROTOCOL) == IPPROTO_TCP);
		CHECK(getint(fd, SOL_SOCKET, SO_ACCEPTCONN) == (i == 0));
		CHECK(getint(fd, SOL_SOCKET, SO_ERROR) == 0);
	}
	CHECK(getsockopt(c, IPPROTO_TCP, TCP_INFO, &ti, &tl) == 0);
	CHECK(ti.tcpi_state == TCP_ESTABLISHED);
	tl = sizeof(ti);
	CHECK(getsockopt(l, IPPROTO_TCP, TCP_INFO, &ti, &tl) == 0);
	CHECK(ti.tcpi_state == TCP_LISTEN);
	return 0;
}

static int t_v6only(void)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int l = socket(AF_INET6, SOCK_STREAM, 0), c, s, port;

	CHECK(getint(l, IPPROTO_IPV6, IPV6_V6ONLY) == 0);
	CHECK(setint(l, IPPROTO_IPV6, IPV6_V6ONLY, 1) == 0);
	CHECK(getint(l, IPPROTO_IPV6, IPV6_V6ONLY) == 1);
	len = mkaddr(&ss, "::", 0);
	CHECK(bind(l, (struct sockaddr *)&ss, len) == 0);
	CHECK(listen(l, 8) == 0);
	CHECK(getint(l, IPPROTO_IPV6, IPV6_V6ONLY) == 1);
	CHECK_ERR(setint(l, IPPROTO_IPV6, IPV6_V6ONLY, 0), EINVAL);
	len = sizeof(ss);
	CHECK(getsockname(l, (struct sockaddr *)&ss, &len) == 0);
	port = port_of(&ss);
	/* v4 does not reach a v6-only listener */
	c = socket(AF_INET, SOCK_STREAM, 0);
	len = mkaddr(&ss, V4, port);
	CHECK_ERR(connect(c, (struct sockaddr *)&ss, len), ECONNREFUSED);
	c = connect_to(AF_INET6, V6, port);
	CHECK(c >= 0);
	s = accept(l, NULL, NULL);
	CHECK(s >= 0);
	CHECK(roundtrip(c, s, "v6only") == 0);
	/* a v6-only socket cannot connect to a v4-mapped address */
	c = socket(AF_INET6, SOCK_STREAM, 0);
	CHECK(setint(c, IPPROTO_IPV6, IPV6_V6ONLY, 1) == 0);
	len = mkaddr(&ss, "::ffff:" V4, port);
	CHECK_ERR(connect(c, (struct sockaddr *)&ss, len), ENETUNREACH);
	return 0;
}

/* ---- descriptors, processes, threads ---- */

static int t_dup(void)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int port, c, s, d[5];
	char buf[8];

	CHECK(tcp_pair(AF_INET, V4, &c, &s) == 0);
	len = sizeof(ss);
	CHECK(getsockname(s, (struct sockaddr *)&ss, &len) == 0);
	port = port_of(&ss);
	d[0] = dup(c);
	d[1] = dup2(c, 100);
	d[2] = dup3(c, 101, O_CLOEXEC);
	d[3] = fcntl(c, F_DUPFD, 200);
	d[4] = fcntl(c, F_DUPFD_CLOEXEC, 300);
	CHECK(d[0] >= 0 && d[1] == 100 && d[2] == 101 && d[3] >= 200 && d[4] >= 300);
	CHECK(fcntl(d[2], F_GETFD) & FD_CLOEXEC);
	CHECK(fcntl(d[4], F_GETFD) & FD_CLOEXEC);
	CHECK(!(fcntl(d[1], F_GETFD) & FD_CLOEXEC));
	for (int i = 0; i < 5; i++) {
		len = sizeof(ss);
		CHECK(getpeername(d[i], (struct sockaddr *)&ss, &len) == 0);
		CHECK(addr_is(&ss, len, V4, port));
		CHECK(getint(d[i], SOL_SOCKET, SO_DOMAIN) == AF_INET);
	}
	CHECK(close(c) == 0);
	for (int i = 0; i < 5; i++) {
		char m[2] = {(char)('0' + i), 0};

		CHECK(roundtrip(d[i], s, m) == 0);
		CHECK(roundtrip(s, d[i], m) == 0);
	}
	for (int i = 0; i < 4; i++)
		close(d[i]);
	CHECK(wait_fd(s, POLLIN, 200) == 0); /* one holder is left */
	close(d[4]);
	CHECK(read_once(s, 3000) == 0);
	(void)buf;
	return 0;
}

static int t_fork_share(void)
{
	int c, s;
	pid_t pid;

	CHECK(tcp_pair(AF_INET, V4, &c, &s) == 0);
	CHECK(write_all(s, "to-child", 8) == 0);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		char buf[8];
		struct sockaddr_storage ss;
		socklen_t len = sizeof(ss);

		if (read_all(c, buf, 8, 3000) < 0 || memcmp(buf, "to-child", 8))
			_exit(1);
		if (getpeername(c, (struct sockaddr *)&ss, &len) < 0 || !addr_is(&ss, len, V4, -1))
			_exit(2);
		if (write_all(c, "from-child", 10) < 0)
			_exit(3);
		close(c);
		_exit(0);
	}
	CHECK(child_status_ok(pid));
	{
		char buf[10];

		CHECK(read_all(s, buf, 10, 3000) == 0 && !memcmp(buf, "from-child", 10));
	}
	CHECK(wait_fd(s, POLLIN, 200) == 0); /* the parent still holds it: no EOF */
	CHECK(roundtrip(c, s, "parent") == 0);
	CHECK(roundtrip(s, c, "reply") == 0);
	close(c);
	CHECK(read_once(s, 3000) == 0);
	return 0;
}

/* exec-helper FD PEERPORT: a virtual fd inherited across execve. */
static int exec_helper(int fd, int port)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char buf[4];
	ssize_t r;

	if (getpeername(fd, (struct sockaddr *)&ss, &len) < 0) {
		diag("helper: getpeername: %s", strerror(errno));
		return 10;
	}
	if (!addr_is(&ss, len, V4, port))
		return 11;
	len = sizeof(ss);
	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0 || !addr_is(&ss, len, V4, -1))
		return 12;
	if (getint(fd, SOL_SOCKET, SO_DOMAIN) != AF_INET ||
	    getint(fd, SOL_SOCKET, SO_ACCEPTCONN) != 0)
		return 13;
	if (write_all(fd, "exec-ok", 7) < 0)
		return 14;
	if (read_all(fd, buf, 3, 3000) < 0 || memcmp(buf, "ack", 3))
		return 15;
	/* the parent then resets the connection */
	wait_fd(fd, POLLIN, 3000);
	r = read(fd, buf, 1);
	if (r != -1 || errno != ECONNRESET) {
		diag("helper: read after reset gave %zd (%s)", r, strerror(errno));
		return 16;
	}
	return 0;
}

static int t_exec(void)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	struct linger lg = {1, 0};
	int c, s;
	pid_t pid;
	char buf[8];

	CHECK(tcp_pair(AF_INET, V4, &c, &s) == 0);
	CHECK(getsockname(s, (struct sockaddr *)&ss, &len) == 0);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		char fdarg[16], portarg[16];

		close(s); /* or the helper would hold the peer open too */
		snprintf(fdarg, sizeof(fdarg), "%d", c);
		snprintf(portarg, sizeof(portarg), "%d", port_of(&ss));
		execl(self_exe, self_exe, "exec-helper", fdarg, portarg, (char *)NULL);
		_exit(127);
	}
	close(c);
	CHECK(read_all(s, buf, 7, 5000) == 0 && !memcmp(buf, "exec-ok", 7));
	CHECK(write_all(s, "ack", 3) == 0);
	usleep(100000);
	CHECK(setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)) == 0);
	close(s);
	CHECK(child_status_ok(pid));
	return 0;
}

enum { TH_N = 8, TH_CONNS = 200, TH_MSG = 32 };
static int th_port;
static int th_listener;
static int th_fail;

static void *th_server(void *arg)
{
	for (;;) {
		char buf[TH_MSG];
		int s = accept(th_listener, NULL, NULL);

		if (s < 0)
			return NULL;
		if (read_all(s, buf, TH_MSG, 10000) < 0 || write_all(s, buf, TH_MSG) < 0)
			__atomic_add_fetch(&th_fail, 1, __ATOMIC_RELAXED);
		close(s);
	}
}

static void *th_client(void *arg)
{
	long id = (long)arg;

	for (int i = 0; i < TH_CONNS; i++) {
		char msg[64], buf[TH_MSG];
		int fd = connect_to(i & 1 ? AF_INET6 : AF_INET, i & 1 ? V6 : V4, th_port);

		memset(msg, '.', sizeof(msg));
		snprintf(msg, sizeof(msg), "thread %ld conn %d ", id, i);
		if (fd < 0 || write_all(fd, msg, TH_MSG) < 0 ||
		    read_all(fd, buf, TH_MSG, 10000) < 0 || memcmp(msg, buf, TH_MSG)) {
			diag("thread %ld conn %d failed: %s", id, i, strerror(errno));
			__atomic_add_fetch(&th_fail, 1, __ATOMIC_RELAXED);
		}
		if (fd >= 0)
			close(fd);
	}
	return NULL;
}

static int t_threads(void)
{
	pthread_t srv[TH_N], cli[TH_N];
	double t0 = now_s();

	th_port = 0;
	th_listener = listen_on(AF_INET6, "::", &th_port);
	CHECK(th_listener >= 0);
	for (long i = 0; i < TH_N; i++)
		CHECK(pthread_create(&srv[i], NULL, th_server, NULL) == 0);
	for (long i = 0; i < TH_N; i++)
		CHECK(pthread_create(&cli[i], NULL, th_client, (void *)i) == 0);
	for (int i = 0; i < TH_N; i++)
		pthread_join(cli[i], NULL);
	diag("%d connections from %d threads in %.2f s", TH_N * TH_CONNS, TH_N, now_s() - t0);
	CHECK(th_fail == 0);
	return 0;
}

/* Drop to nobody (optionally after chroot to an empty directory). 0 or -1. */
static int drop_privs(int do_chroot)
{
	gid_t g = NOBODY;

	if (do_chroot) {
		char dir[] = "/tmp/netcon-chroot.XXXXXX";

		if (!mkdtemp(dir) || chroot(dir) < 0 || chdir("/") < 0)
			return -1;
	}
	if (setgroups(1, &g) < 0 || setgid(NOBODY) < 0 || setuid(NOBODY) < 0)
		return -1;
	return getuid() == NOBODY && geteuid() == NOBODY ? 0 : -1;
}

static int privdrop_with(int do_chroot)
{
	int port = 0, l = listen_on(AF_INET, V4, &port), c, s, c2;
	pid_t pid;
	char buf[16];

	if (geteuid() != 0) {
		diag("SKIP: not root");
		return 0;
	}
	CHECK(l >= 0);
	c = connect_to(AF_INET, V4, port);
	CHECK(c >= 0);
	s = accept(l, NULL, NULL);
	CHECK(s >= 0);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		struct sockaddr_storage ss;
		socklen_t len = sizeof(ss);
		int a;

		if (drop_privs(do_chroot) < 0)
			_exit(20);
		/* an existing connection */
		if (write_all(s, "dropped", 7) < 0 || read_all(s, buf, 2, 3000) < 0)
			_exit(21);
		if (getpeername(s, (struct sockaddr *)&ss, &len) < 0 || !addr_is(&ss, len, V4, -1))
			_exit(22);
		/* an inherited listener */
		a = accept(l, NULL, NULL);
		if (a < 0)
			_exit(23);
		len = sizeof(ss);
		if (getpeername(a, (struct sockaddr *)&ss, &len) < 0 || !addr_is(&ss, len, V4, -1))
			_exit(24);
		snprintf(buf, sizeof(buf), "%-8d", port_of(&ss));
		if (write_all(a, buf, 8) < 0)
			_exit(25);
		_exit(0);
	}
	CHECK(read_all(c, buf, 7, 3000) == 0 && !memcmp(buf, "dropped", 7));
	CHECK(write_all(c, "ok", 2) == 0);
	c2 = connect_to(AF_INET, V4, port);
	CHECK(c2 >= 0);
	{
		struct sockaddr_storage ss;
		socklen_t len = sizeof(ss);

		CHECK(getsockname(c2, (struct sockaddr *)&ss, &len) == 0);
		CHECK(read_all(c2, buf, 8, 5000) == 0);
		buf[8] = 0;
		CHECK(atoi(buf) == port_of(&ss));
	}
	CHECK(child_status_ok(pid));
	return 0;
}

static int t_privdrop(void)
{
	return privdrop_with(0);
}

static int t_privdrop_chroot(void)
{
	return privdrop_with(1);
}

/* A process that dropped root then makes a new virtual socket: it clones its parent's channel. */
static int t_privdrop_new_socket(void)
{
	int port = 0, l = listen_on(AF_INET, V4, &port), s;
	pid_t pid;
	char buf[8];

	if (geteuid() != 0) {
		diag("SKIP: not root");
		return 0;
	}
	CHECK(l >= 0);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		int fd;

		close(l);
		if (drop_privs(1) < 0)
			_exit(20);
		fd = connect_to(AF_INET, V4, port);
		if (fd < 0)
			_exit(21);
		_exit(write_all(fd, "nobody", 6) < 0 ? 22 : 0);
	}
	s = accept(l, NULL, NULL);
	CHECK(s >= 0);
	CHECK(read_all(s, buf, 6, 5000) == 0 && !memcmp(buf, "nobody", 6));
	CHECK(child_status_ok(pid));
	return 0;
}

static int t_unix_untouched(void)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX}, got;
	socklen_t gl = sizeof(got);
	char dir[] = "/tmp/netcon-unix.XXXXXX";
	int sv[2], l, c, s;

	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	CHECK(roundtrip(sv[0], sv[1], "pair") == 0);
	CHECK(getint(sv[0], SOL_SOCKET, SO_DOMAIN) == AF_UNIX);
	CHECK(mkdtemp(dir) != NULL);
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/sock", dir);
	l = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK(bind(l, (struct sockaddr *)&sun, sizeof(sun)) == 0);
	CHECK(getsockname(l, (struct sockaddr *)&got, &gl) == 0);
	CHECK(got.sun_family == AF_UNIX && !strcmp(got.sun_path, sun.sun_path));
	CHECK(listen(l, 4) == 0);
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK(connect(c, (struct sockaddr *)&sun, sizeof(sun)) == 0);
	gl = sizeof(got);
	s = accept(l, (struct sockaddr *)&got, &gl);
	CHECK(s >= 0 && got.sun_family == AF_UNIX);
	gl = sizeof(got);
	CHECK(getpeername(c, (struct sockaddr *)&got, &gl) == 0);
	CHECK(!strcmp(got.sun_path, sun.sun_path));
	CHECK(roundtrip(c, s, "unix") == 0);
	unlink(sun.sun_path);
	rmdir(dir);
	return 0;
}

/* ---- modes for the shell script ---- */

/* nodaemon: NETCON_HOME has no daemon. Virtual addresses fail fast with plausible errors. */
static int mode_nodaemon(void)
{
	struct sockaddr_storage ss;
	socklen_t len = mkaddr(&ss, V4, 0);
	int fd = socket(AF_INET, SOCK_STREAM, 0), bad = 0;
	double t0 = now_s();

	errno = 0;
	if (bind(fd, (struct sockaddr *)&ss, len) != -1 || errno != EADDRNOTAVAIL) {
		printf("# bind gave errno %d %s\n", errno, strerror(errno));
		bad = 1;
	}
	fd = socket(AF_INET, SOCK_STREAM, 0);
	len = mkaddr(&ss, V4, 80);
	errno = 0;
	if (connect(fd, (struct sockaddr *)&ss, len) != -1 ||
	    (errno != ENETUNREACH && errno != ECONNREFUSED)) {
		printf("# connect gave errno %d %s\n", errno, strerror(errno));
		bad = 1;
	}
	if (now_s() - t0 > 1.0) {
		printf("# took %.2f s\n", now_s() - t0);
		bad = 1;
	}
	/* loopback is untouched */
	{
		int port = 0, l = listen_on(AF_INET, "127.0.0.1", &port), c;

		c = l < 0 ? -1 : connect_to(AF_INET, "127.0.0.1", port);
		if (c < 0) {
			printf("# loopback failed\n");
			bad = 1;
		}
	}
	return bad;
}

/* serve IP PORT: write a magic line to every connection, until killed. */
static int mode_serve(const char *ip, int port)
{
	int l = listen_on(fam_of(ip), ip, &port);
	char msg[64];
	int n = snprintf(msg, sizeof(msg), "netcon-magic-%d\n", port);

	if (l < 0)
		return 1;
	printf("ready\n");
	fflush(stdout);
	for (;;) {
		int s = accept(l, NULL, NULL);

		if (s < 0)
			continue;
		if (write_all(s, msg, (size_t)n) < 0) {
			/* the peer may be gone */
		}
		close(s);
	}
}

/* probe IP PORT: exit 0 if the magic line of `serve` comes back within 2 s, 1 if not. */
static int mode_probe(const char *ip, int port)
{
	struct sockaddr_storage ss;
	socklen_t len = mkaddr(&ss, ip, port);
	int fd = socket(fam_of(ip), SOCK_STREAM | SOCK_NONBLOCK, 0), got = 0;
	char want[64], buf[256];
	double end = now_s() + 2;

	snprintf(want, sizeof(want), "netcon-magic-%d\n", port);
	if (connect(fd, (struct sockaddr *)&ss, len) < 0 && errno != EINPROGRESS) {
		printf("# probe %s:%d: connect: %s\n", ip, port, strerror(errno));
		return 1;
	}
	while (now_s() < end && got < (int)sizeof(buf) - 1) {
		ssize_t n;

		if (!wait_fd(fd, POLLIN, 100))
			continue;
		n = read(fd, buf + got, sizeof(buf) - 1 - (size_t)got);
		if (n <= 0)
			break;
		got += (int)n;
	}
	buf[got] = 0;
	if (strstr(buf, want))
		return 0;
	printf("# probe %s:%d: %d bytes, not the server's\n", ip, port, got);
	return 1;
}

/* daemon-signal PID SIG: a transfer in progress when the daemon gets SIG. Neither side may hang:
 * the reader sees EOF or ECONNRESET (SIGTERM: ECONNRESET), the writer EPIPE or ECONNRESET. */
static int mode_daemon_signal(pid_t dpid, int sig)
{
	static char buf[65536];
	int c, s, st;
	size_t got = 0;
	pid_t pid;
	ssize_t r;

	alarm(30);
	if (tcp_pair(AF_INET, V4, &c, &s) < 0)
		return 1;
	pid = fork();
	if (pid == 0) {
		close(s);
		memset(buf, 'z', sizeof(buf));
		for (;;) {
			r = send(c, buf, sizeof(buf), MSG_NOSIGNAL);
			if (r < 0) {
				if (errno == EINTR)
					continue;
				_exit(errno == EPIPE || errno == ECONNRESET ? 0 : 1);
			}
		}
	}
	close(c);
	while (got < (4 << 20)) {
		r = read(s, buf, sizeof(buf));
		if (r <= 0) {
			printf("# read before the signal gave %zd: %s\n", r, strerror(errno));
			return 1;
		}
		got += (size_t)r;
	}
	if (kill(dpid, sig) < 0) {
		printf("# kill: %s\n", strerror(errno));
		return 1;
	}
	for (;;) {
		if (!wait_fd(s, POLLIN, 10000)) {
			printf("# the reader hangs after the signal\n");
			return 1;
		}
		r = read(s, buf, sizeof(buf));
		if (r > 0)
			continue;
		break;
	}
	printf("# after %zu bytes and signal %d the reader got %zd (%s)\n", got, sig, r,
	       r < 0 ? strerror(errno) : "EOF");
	if (r < 0 && errno != ECONNRESET)
		return 1;
	if (sig == SIGTERM && !(r < 0 && errno == ECONNRESET))
		return 1;
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		printf("# the writer ended badly (status 0x%x)\n", st);
		return 1;
	}
	return 0;
}

/* ---- the runner ---- */

struct test {
	const char *name;
	int (*fn)(void);
};

static const struct test tests[] = {
    {"socket_flags", t_socket_flags},
    {"echo_v4", t_echo_v4},
    {"echo_v6", t_echo_v6},
    {"v4mapped", t_v4mapped},
    {"bind_port0", t_bind_port0},
    {"bind_wildcard", t_bind_wildcard},
    {"bind_inuse", t_bind_inuse},
    {"reuseaddr", t_reuseaddr},
    {"listen_twice", t_listen_twice},
    {"accept_flags", t_accept_flags},
    {"accept_eagain", t_accept_eagain},
    {"listener_ready", t_listener_ready},
    {"prefork_accept", t_prefork_accept},
    {"connect_refused", t_connect_refused},
    {"connect_timeout", t_connect_timeout},
    {"connect_netunreach", t_connect_netunreach},
    {"nb_connect", t_nb_connect},
    {"nb_connect_slow", t_nb_connect_slow},
    {"nb_connect_refused", t_nb_connect_refused},
    {"epoll_before_connect", t_epoll_before_connect},
    {"names", t_names},
    {"io_calls", t_io_calls},
    {"recv_flags", t_recv_flags},
    {"bulk_64m", t_bulk_64m},
    {"shutdown_wr", t_shutdown_wr},
    {"close_fin", t_close_fin},
    {"linger_reset", t_linger_reset},
    {"epipe", t_epipe},
    {"sockopts", t_sockopts},
    {"sockopt_identity", t_sockopt_identity},
    {"v6only", t_v6only},
    {"dup", t_dup},
    {"fork_share", t_fork_share},
    {"exec", t_exec},
    {"threads", t_threads},
    {"privdrop", t_privdrop},
    {"privdrop_chroot", t_privdrop_chroot},
    {"privdrop_new_socket", t_privdrop_new_socket},
    {"unix_untouched", t_unix_untouched},
};

static int run_one(int n, const struct test *t)
{
	pid_t pid;
	int st;
	double t0 = now_s();

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		setpgid(0, 0); /* its own group: whatever it leaves behind is killed with it */
		alarm(TEST_TIMEOUT_S);
		signal(SIGPIPE, SIG_IGN);
		_exit(t->fn() ? 1 : 0);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid) {
		printf("not ok %d - %s # fork/wait failed\n", n, t->name);
		return 1;
	}
	kill(-pid, SIGKILL);
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0) {
		printf("ok %d - %s (%.2f s)\n", n, t->name, now_s() - t0);
		return 0;
	}
	if (WIFSIGNALED(st))
		printf("not ok %d - %s # killed by signal %d%s\n", n, t->name, WTERMSIG(st),
		       WTERMSIG(st) == SIGALRM ? " (timeout)" : "");
	else
		printf("not ok %d - %s\n", n, t->name);
	return 1;
}

int main(int argc, char **argv)
{
	static char exe[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	int failed = 0, count = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	self_exe = n > 0 ? (exe[n] = 0, exe) : argv[0];
	if (argc == 4 && !strcmp(argv[1], "exec-helper"))
		return exec_helper(atoi(argv[2]), atoi(argv[3]));
	if (argc == 2 && !strcmp(argv[1], "nodaemon"))
		return mode_nodaemon();
	if (argc == 4 && !strcmp(argv[1], "serve"))
		return mode_serve(argv[2], atoi(argv[3]));
	if (argc == 4 && !strcmp(argv[1], "probe"))
		return mode_probe(argv[2], atoi(argv[3]));
	if (argc == 4 && !strcmp(argv[1], "daemon-signal"))
		return mode_daemon_signal((pid_t)atoi(argv[2]), atoi(argv[3]));
	if (argc == 2 && !strcmp(argv[1], "list")) {
		for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
			printf("%s\n", tests[i].name);
		return 0;
	}
	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		int want = argc < 2;

		for (int a = 1; a < argc; a++)
			want |= !strcmp(argv[a], tests[i].name);
		if (!want)
			continue;
		failed += run_one(++count, &tests[i]);
	}
	printf("1..%d\n", count);
	return failed ? 1 : 0;
}
