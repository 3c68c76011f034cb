// SPDX-License-Identifier: BSD-2-Clause
/* hostsock: every socket call on sockets netcon does not carry (AF_UNIX stream and datagram,
 * socketpair and accepted ends, AF_NETLINK), after each first call a program may make
 * (setsockopt, getsockopt, getsockname, fcntl, ioctl, all of them in either order). Prints one
 * line per call, "KIND/FIRST CALL rc errno detail", for hostsock.t to compare with the same
 * program run without netcon. Run in an empty directory: socket paths are relative. */
#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

static const char *kind, *first;

static void say(const char *call, long rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void say(const char *call, long rc, const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	printf("%s/%s %s rc=%ld errno=%d", kind, first, call, rc < 0 ? -1 : rc, rc < 0 ? err : 0);
	if (fmt) {
		putchar(' ');
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
	}
	putchar('\n');
	fflush(stdout);
}

/* A name as the test can compare it across runs: family, length, unix path (netlink: whether
 * a port id is set, which differs between runs). */
static const char *name_of(const void *sa, socklen_t len)
{
	static char out[160];
	const struct sockaddr *s = sa;

	if (len < sizeof(sa_family_t)) {
		snprintf(out, sizeof(out), "len=%u", (unsigned)len);
	} else if (s->sa_family == AF_UNIX) {
		const struct sockaddr_un *u = sa;
		int n = (int)(len - offsetof(struct sockaddr_un, sun_path));

		snprintf(out, sizeof(out), "len=%u unix '%.*s'", (unsigned)len, n > 0 ? n : 0,
			 u->sun_path[0] ? u->sun_path : "@");
	} else if (s->sa_family == AF_NETLINK) {
		const struct sockaddr_nl *nl = sa;

		snprintf(out, sizeof(out), "len=%u netlink pid%s groups=%u", (unsigned)len,
			 nl->nl_pid ? "!=0" : "=0", nl->nl_groups);
	} else {
		snprintf(out, sizeof(out), "len=%u family=%d", (unsigned)len, s->sa_family);
	}
	return out;
}

/* The first call(s) under test, on fd. */
static void first_calls(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int v = 1, n;

	for (const char *p = first; *p; p++) {
		switch (*p) {
		case 's':
			say("first-setsockopt",
			    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &v, sizeof(v)), NULL);
			break;
		case 'g':
			len = sizeof(v);
			n = getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &len);
			say("first-getsockopt", n, "type=%d", n == 0 ? v : -1);
			break;
		case 'n':
			len = sizeof(ss);
			n = getsockname(fd, (struct sockaddr *)&ss, &len);
			say("first-getsockname", n, "%s", n == 0 ? name_of(&ss, len) : "-");
			break;
		case 'f':
			n = fcntl(fd, F_SETFD, FD_CLOEXEC);
			say("first-fcntl", n, "getfd=%d", fcntl(fd, F_GETFD));
			break;
		case 'i':
			n = ioctl(fd, FIONREAD, &v);
			say("first-ioctl", n, NULL);
			break;
		}
	}
}

static socklen_t un_addr(struct sockaddr_un *a, const char *path)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	snprintf(a->sun_path, sizeof(a->sun_path), "%s", path);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path) + 1);
}

static void names(const char *what, int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	int n = getsockname(fd, (struct sockaddr *)&ss, &len);
	char call[64];

	snprintf(call, sizeof(call), "getsockname(%s)", what);
	say(call, n, "%s", n == 0 ? name_of(&ss, len) : "-");
	len = sizeof(ss);
	n = getpeername(fd, (struct sockaddr *)&ss, &len);
	snprintf(call, sizeof(call), "getpeername(%s)", what);
	say(call, n, "%s", n == 0 ? name_of(&ss, len) : "-");
}

static void opts(const char *what, int fd)
{
	int v = 65536, n;
	socklen_t len = sizeof(v);
	char call[64];

	snprintf(call, sizeof(call), "setsockopt(%s)", what);
	say(call, setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v, sizeof(v)), NULL);
	n = getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &len);
	snprintf(call, sizeof(call), "getsockopt(%s)", what);
	say(call, n, "type=%d", n == 0 ? v : -1);
}

/* sendto/recvfrom then sendmsg/recvmsg from a to b; to: a's destination (NULL: connected). */
static void traffic(int a, int b, const struct sockaddr *to, socklen_t tolen)
{
	char buf[64];
	struct sockaddr_storage from;
	socklen_t len = sizeof(from);
	struct iovec iov = {.iov_base = buf, .iov_len = sizeof(buf)};
	struct msghdr m;
	ssize_t n;

	n = sendto(a, "hello", 5, 0, to, tolen);
	say("sendto", n, NULL);
	memset(&from, 0, sizeof(from));
	n = recvfrom(b, buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&from, &len);
	say("recvfrom", n, "'%.*s' %s", n > 0 ? (int)n : 0, buf,
	    n >= 0 ? name_of(&from, len) : "-");
	memset(&m, 0, sizeof(m));
	iov.iov_base = (void *)"world!";
	iov.iov_len = 6;
	m.msg_name = (void *)to;
	m.msg_namelen = tolen;
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	n = sendmsg(a, &m, 0);
	say("sendmsg", n, NULL);
	memset(&from, 0, sizeof(from));
	memset(&m, 0, sizeof(m));
	iov.iov_base = buf;
	iov.iov_len = sizeof(buf);
	m.msg_name = &from;
	m.msg_namelen = sizeof(from);
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	n = recvmsg(b, &m, MSG_DONTWAIT);
	say("recvmsg", n, "'%.*s' %s", n > 0 ? (int)n : 0, buf,
	    n >= 0 ? name_of(&from, m.msg_namelen) : "-");
}

static void unix_stream(void)
{
	struct sockaddr_un a, peer;
	socklen_t alen = un_addr(&a, "stream.sock"), plen = sizeof(peer);
	int s, c, acc, sp[2];
	char buf[16];

	kind = "unix-stream";
	unlink("stream.sock");
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	first_calls(s);
	say("bind", bind(s, (struct sockaddr *)&a, alen), NULL);
	say("listen", listen(s, 4), NULL);
	first_calls(c);
	say("connect", connect(c, (struct sockaddr *)&a, alen), NULL);
	acc = accept(s, (struct sockaddr *)&peer, &plen);
	say("accept", acc < 0 ? -1 : 0, "%s", acc >= 0 ? name_of(&peer, plen) : "-");
	/* The accepted end is a socket the program never made: the intercept meets it first here. */
	first_calls(acc);
	names("listener", s);
	names("client", c);
	names("accepted", acc);
	opts("accepted", acc);
	traffic(c, acc, NULL, 0);
	say("shutdown", shutdown(acc, SHUT_WR), NULL);
	say("read-after-shutdown", read(c, buf, sizeof(buf)), NULL);
	say("listen-connected", listen(c, 1), NULL);
	say("accept4-connected", accept4(c, NULL, NULL, SOCK_CLOEXEC), NULL);
	close(acc);
	close(c);
	close(s);
	/* A socketpair end, unknown to the intercept, bound after the first calls. */
	kind = "unix-pair";
	unlink("pair.sock");
	say("socketpair", socketpair(AF_UNIX, SOCK_STREAM, 0, sp), NULL);
	first_calls(sp[0]);
	alen = un_addr(&a, "pair.sock");
	say("bind", bind(sp[0], (struct sockaddr *)&a, alen), NULL);
	names("pair0", sp[0]);
	opts("pair0", sp[0]);
	traffic(sp[0], sp[1], NULL, 0);
	say("connect-connected", connect(sp[0], (struct sockaddr *)&a, alen), NULL);
	say("shutdown", shutdown(sp[0], SHUT_RDWR), NULL);
	close(sp[0]);
	close(sp[1]);
}

static void unix_dgram(void)
{
	struct sockaddr_un ra, wa;
	socklen_t ralen = un_addr(&ra, "dgram-r.sock"), walen = un_addr(&wa, "dgram-w.sock");
	int r, w, sp[2];

	kind = "unix-dgram";
	unlink("dgram-r.sock");
	unlink("dgram-w.sock");
	r = socket(AF_UNIX, SOCK_DGRAM, 0);
	w = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	first_calls(r);
	say("bind", bind(r, (struct sockaddr *)&ra, ralen), NULL);
	first_calls(w);
	say("bind", bind(w, (struct sockaddr *)&wa, walen), NULL);
	traffic(w, r, (struct sockaddr *)&ra, ralen);
	say("connect", connect(w, (struct sockaddr *)&ra, ralen), NULL);
	names("reader", r);
	names("writer", w);
	opts("writer", w);
	traffic(w, r, NULL, 0);
	say("listen", listen(r, 1), NULL);
	say("accept", accept(r, NULL, NULL), NULL);
	say("shutdown", shutdown(w, SHUT_WR), NULL);
	say("send-after-shutdown", send(w, "x", 1, MSG_NOSIGNAL), NULL);
	close(r);
	close(w);
	kind = "unix-dgram-pair";
	say("socketpair", socketpair(AF_UNIX, SOCK_DGRAM, 0, sp), NULL);
	first_calls(sp[1]);
	names("pair1", sp[1]);
	traffic(sp[0], sp[1], NULL, 0);
	traffic(sp[1], sp[0], NULL, 0);
	say("sendto-connected", sendto(sp[1], "x", 1, 0, (struct sockaddr *)&ra, ralen), NULL);
	close(sp[0]);
	close(sp[1]);
}

static void netlink(void)
{
	struct sockaddr_nl k = {.nl_family = AF_NETLINK}, me = {.nl_family = AF_NETLINK}, from;
	struct {
		struct nlmsghdr h;
		struct rtgenmsg g;
	} req;
	struct iovec iov;
	struct msghdr m;
	char buf[32768];
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE), links = 0, done = 0;
	int fd2;
	ssize_t n;

	kind = "netlink";
	first_calls(fd);
	say("bind", bind(fd, (struct sockaddr *)&me, sizeof(me)), NULL);
	names("nl", fd);
	opts("nl", fd);
	memset(&req, 0, sizeof(req));
	req.h.nlmsg_len = sizeof(req);
	req.h.nlmsg_type = RTM_GETLINK;
	req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.h.nlmsg_seq = 1;
	req.g.rtgen_family = AF_UNSPEC;
	say("sendto", sendto(fd, &req, sizeof(req), 0, (struct sockaddr *)&k, sizeof(k)), NULL);
	/* The dump: count the links, each answer's source checked to be the kernel. */
	while (!done) {
		struct nlmsghdr *h;

		memset(&m, 0, sizeof(m));
		iov.iov_base = buf;
		iov.iov_len = sizeof(buf);
		m.msg_name = &from;
		m.msg_namelen = sizeof(from);
		m.msg_iov = &iov;
		m.msg_iovlen = 1;
		n = recvmsg(fd, &m, 0);
		if (n <= 0 || m.msg_namelen != sizeof(from) || from.nl_pid != 0) {
			say("recvmsg-dump", n, "namelen=%u", (unsigned)m.msg_namelen);
			break;
		}
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_type == NLMSG_DONE || h->nlmsg_type == NLMSG_ERROR)
				done = 1;
			else if (h->nlmsg_type == RTM_NEWLINK)
				links++;
		}
	}
	say("dump", done ? 0 : -1, "links>0: %d", links > 0);
	say("connect", connect(fd, (struct sockaddr *)&k, sizeof(k)), NULL);
	names("nl-connected", fd);
	req.h.nlmsg_seq = 2;
	memset(&m, 0, sizeof(m));
	iov.iov_base = &req;
	iov.iov_len = sizeof(req);
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	say("sendmsg", sendmsg(fd, &m, 0), NULL);
	{
		socklen_t len = sizeof(from);

		n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &len);
		say("recvfrom", n > 0 ? 0 : n, "%s", n > 0 ? name_of(&from, len) : "-");
	}
	say("listen", listen(fd, 1), NULL);
	say("accept", accept(fd, NULL, NULL), NULL);
	say("shutdown", shutdown(fd, SHUT_RDWR), NULL);
	close(fd);
	/* A second one, never bound: the kernel binds it on its first send. */
	fd2 = socket(AF_NETLINK, SOCK_DGRAM, NETLINK_ROUTE);
	first_calls(fd2);
	req.h.nlmsg_seq = 3;
	say("sendto-unbound", sendto(fd2, &req, sizeof(req), 0, (struct sockaddr *)&k, sizeof(k)),
	    NULL);
	names("nl2", fd2);
	close(fd2);
}

int main(int argc, char **argv)
{
	static const char *firsts[] = {"-", "s", "g", "n", "f", "i", "sgnfi", "ifngs"};

	if (argc != 2 || chdir(argv[1]) < 0) {
		fprintf(stderr, "usage: hostsock EMPTY-DIR\n");
		return 2;
	}
	alarm(60);
	signal(SIGPIPE, SIG_IGN);
	for (size_t i = 0; i < sizeof(firsts) / sizeof(firsts[0]); i++) {
		first = firsts[i];
		unix_stream();
		unix_dgram();
		netlink();
	}
	return 0;
}
