// SPDX-License-Identifier: BSD-2-Clause
/* trust_client CONTROL MODE ...: a raw RPC client that sends requests naming sockets it should not
 * touch, as a test of the daemon's per-request checks (tests/integ/trust.t, flood.t).
 *
 *   kinds VIP PORT      one client: every request with the wrong kind of socket, closed sockets,
 *                       ids never issued, and a forked child acting on its parent's sockets
 *   own FILE VIP PORT   make one socket of each kind, write "NAME ID" lines to FILE, wait for
 *                       stdin to close, then check that every one is as it was
 *   attack FILE VIP PORT  every request on every id of FILE: each must be refused with EBADF
 *   share FILE          as a process of the owner's own run: GETERR and SETOPT on each id of FILE
 *                       are carried out (EBADF only for the closed one)
 *   flood N             bind sockets until refused (prints "sockets N errno E"), then send
 *                       requests without reading the answers for N seconds (prints what came back)
 *   ping N              N round trips (NC_HELLO), printing the median and the worst in µs
 *
 * Prints "PASS what" or "FAIL what (why)" lines; exit 0 unless the daemon could not be reached. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <arpa/inet.h>
#include <time.h>
#include <unistd.h>

#include "netcon/rpc.h"

static int chan = -1;
static uint32_t seq = 1;
static int failures;

static void pass(const char *what)
{
	printf("PASS %s\n", what);
	fflush(stdout);
}

static void fail(const char *what, const char *why)
{
	printf("FAIL %s (%s)\n", what, why);
	fflush(stdout);
	failures++;
}

static void hdr(struct nc_hdr *h, int type)
{
	memset(h, 0, sizeof(*h));
	h->magic = NC_RPC_MAGIC;
	h->version = NC_RPC_VERSION;
	h->type = (uint8_t)type;
	h->seq = seq++;
}

static int send_msg(int fd, const void *buf, size_t len, int pass_fd, int flags)
{
	union {
		struct cmsghdr align;
		char b[CMSG_SPACE(sizeof(int))];
	} cbuf;
	struct iovec iov = {.iov_base = (void *)buf, .iov_len = len};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};

	if (pass_fd >= 0) {
		struct cmsghdr *cm;

		memset(&cbuf, 0, sizeof(cbuf));
		msg.msg_control = cbuf.b;
		msg.msg_controllen = CMSG_SPACE(sizeof(int));
		cm = CMSG_FIRSTHDR(&msg);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &pass_fd, sizeof(int));
	}
	return sendmsg(fd, &msg, MSG_NOSIGNAL | flags) < 0 ? -errno : 0;
}

/* One reply into rep (up to replen bytes), its fd in *fd_out; its length, 0 closed, -errno. */
static ssize_t recv_msg(int fd, void *rep, size_t replen, int *fd_out, int flags)
{
	union {
		struct cmsghdr align;
		char b[CMSG_SPACE(sizeof(int) * 4)];
	} cbuf;
	struct iovec iov = {.iov_base = rep, .iov_len = replen};
	struct msghdr msg = {.msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = cbuf.b,
			     .msg_controllen = sizeof(cbuf.b)};
	ssize_t n = recvmsg(fd, &msg, MSG_CMSG_CLOEXEC | flags);

	if (fd_out)
		*fd_out = -1;
	if (n < 0)
		return -errno;
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm)) {
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS) {
			int cnt = (int)((cm->cmsg_len - CMSG_LEN(0)) / sizeof(int));

			for (int k = 0; k < cnt; k++) {
				int f;

				memcpy(&f, CMSG_DATA(cm) + k * sizeof(int), sizeof(int));
				if (fd_out && *fd_out < 0)
					*fd_out = f;
				else
					close(f);
			}
		}
	}
	return n;
}

/* A request and its reply: the reply's status (0 or -errno), or -EPIPE if the daemon hung up. */
static int call(const void *req, size_t len, void *rep, size_t replen, int *fd_out)
{
	struct nc_hdr h;
	ssize_t n;

	if (send_msg(chan, req, len, -1, 0) < 0)
		return -EPIPE;
	n = recv_msg(chan, rep, replen, fd_out, 0);
	if (n < (ssize_t)sizeof(h))
		return -EPIPE;
	memcpy(&h, rep, sizeof(h));
	return h.status;
}

static int open_chan(const char *path)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	struct timeval tv = {.tv_sec = 10};
	struct nc_hello_reply rep;
	struct nc_hdr h;
	int fd, r;

	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	chan = fd;
	hdr(&h, NC_HELLO);
	r = call(&h, sizeof(h), &rep, sizeof(rep), NULL);
	return r < 0 ? r : fd;
}

static void sock_req(struct nc_sock_req *r, int type, int proto, uint64_t id, const char *ip,
		     int port)
{
	memset(r, 0, sizeof(*r));
	hdr(&r->h, type);
	r->sockid = id;
	r->family = 4;
	r->proto = (uint8_t)proto;
	r->backlog = 8;
	if (ip) {
		r->addr.family = 4;
		r->addr.port = (uint16_t)port;
		inet_pton(AF_INET, ip, r->addr.ip);
	}
}

/* A request of TYPE (NC_BIND/LISTEN/CONNECT/GETERR) on id; status, reply in *rep, fd in *fd. */
static int sock_call(int type, int proto, uint64_t id, const char *ip, int port,
		     struct nc_sock_reply *rep, int *fd)
{
	struct nc_sock_req req;
	struct nc_sock_reply tmp;
	int f = -1, r;

	sock_req(&req, type, proto, id, ip, port);
	r = call(&req, sizeof(req), rep ? rep : &tmp, sizeof(tmp), &f);
	if (fd)
		*fd = f;
	else if (f >= 0)
		close(f);
	return r;
}

static int setopt_call(uint64_t id, uint32_t flags, int linger)
{
	struct nc_opt_req req;
	struct nc_hdr rep;

	memset(&req, 0, sizeof(req));
	hdr(&req.h, NC_SETOPT);
	req.sockid = id;
	req.opts.flags = flags;
	req.opts.linger = linger;
	return call(&req, sizeof(req), &rep, sizeof(rep), NULL);
}

static int mcast_op(uint64_t id, int op)
{
	struct nc_mcast_req req;
	struct nc_hdr rep;

	memset(&req, 0, sizeof(req));
	hdr(&req.h, NC_MCAST);
	req.sockid = id;
	req.op = (uint8_t)op;
	req.ttl = 1;
	req.group.family = 4;
	inet_pton(AF_INET, "239.1.2.3", req.group.ip);
	return call(&req, sizeof(req), &rep, sizeof(rep), NULL);
}

static int mcast_call(uint64_t id)
{
	return mcast_op(id, NC_MC_JOIN);
}

static void expect(const char *what, int got, int want)
{
	char why[96];

	if (got == want) {
		pass(what);
		return;
	}
	snprintf(why, sizeof(why), "got %d %s, want %d %s", got, strerror(-got), want,
		 strerror(-want));
	fail(what, why);
}

static const char *state_name(int st)
{
	static const char *n[] = {"?",	       "BOUND",	  "LISTEN", "CONNECTING",
				  "CONNECTED", "CLOSING", "FAILED", "RESET"};

	return st >= 0 && st <= NC_ST_RESET ? n[st] : "?";
}

/* The daemon still answers, and socket id is in state st with no linger set. */
static void intact(const char *what, uint64_t id, int st)
{
	struct nc_sock_reply rep;
	char why[128];
	int r = sock_call(NC_GETERR, 0, id, NULL, 0, &rep, NULL);

	if (r < 0)
		snprintf(why, sizeof(why), "GETERR: %s", strerror(-r));
	else if (rep.state != st)
		snprintf(why, sizeof(why), "state %s, was %s", state_name(rep.state),
			 state_name(st));
	else if (rep.opts.flags & NC_OPT_LINGER)
		snprintf(why, sizeof(why), "its options were changed (linger set)");
	else if (rep.error)
		snprintf(why, sizeof(why), "an error appeared: %s", strerror(rep.error));
	else {
		pass(what);
		return;
	}
	fail(what, why);
}

struct owned {
	uint64_t tb, tb2, ub, tl, tc, uc;
	int ftb, ftb2, fub, ftl, ftc, fuc, acc;
};

/* One socket of each kind: TCP bound (two), UDP bound, TCP listening on VIP:port, a TCP
 * connection to that listener (accepted), a connected UDP socket. */
static int make_owned(struct owned *o, const char *vip, int port)
{
	struct nc_sock_reply rep;
	struct pollfd p;
	int r, fd;

	memset(o, 0, sizeof(*o));
	if ((r = sock_call(NC_BIND, NC_PROTO_TCP, 0, vip, 0, &rep, &o->ftb)) < 0)
		return r;
	o->tb = rep.sockid;
	if ((r = sock_call(NC_BIND, NC_PROTO_TCP, 0, vip, 0, &rep, &o->ftb2)) < 0)
		return r;
	o->tb2 = rep.sockid;
	if ((r = sock_call(NC_BIND, NC_PROTO_UDP, 0, vip, 0, &rep, &o->fub)) < 0)
		return r;
	o->ub = rep.sockid;
	if ((r = sock_call(NC_BIND, NC_PROTO_TCP, 0, vip, port, &rep, &o->ftl)) < 0)
		return r;
	o->tl = rep.sockid;
	/* The placeholder is kept until the listening end replaces it: its close frees the port. */
	fd = o->ftl;
	r = sock_call(NC_LISTEN, NC_PROTO_TCP, o->tl, vip, port, &rep, &o->ftl);
	close(fd);
	if (r < 0)
		return r;
	if ((r = sock_call(NC_CONNECT, NC_PROTO_TCP, 0, vip, port, &rep, &o->ftc)) < 0)
		return r;
	o->tc = rep.sockid;
	/* The accepted end arrives on the listening pair. */
	p.fd = o->ftl;
	p.events = POLLIN;
	if (poll(&p, 1, 5000) != 1)
		return -ETIMEDOUT;
	{
		uint8_t buf[NC_MSG_MAX];

		if (recv_msg(o->ftl, buf, sizeof(buf), &o->acc, 0) <= 0 || o->acc < 0)
			return -EPROTO;
	}
	/* Connected once the filler is gone: the program's end becomes writable. */
	for (int i = 0; i < 100; i++) {
		if (sock_call(NC_GETERR, 0, o->tc, NULL, 0, &rep, NULL) == 0 &&
		    rep.state == NC_ST_CONNECTED)
			break;
		usleep(20000);
	}
	if ((r = sock_call(NC_CONNECT, NC_PROTO_UDP, 0, vip, 9, &rep, &o->fuc)) < 0)
		return r;
	o->uc = rep.sockid;
	return 0;
}

/* Closed, then gone from the daemon (it sees the hang-up). */
static uint64_t closed_id(const char *vip)
{
	struct nc_sock_reply rep;
	int fd;
	uint64_t id;

	if (sock_call(NC_BIND, NC_PROTO_TCP, 0, vip, 0, &rep, &fd) < 0)
		return 0;
	id = rep.sockid;
	close(fd);
	for (int i = 0; i < 100; i++) {
		if (sock_call(NC_GETERR, 0, id, NULL, 0, &rep, NULL) == -EBADF)
			return id;
		usleep(20000);
	}
	return id;
}

/* Every request that names a socket, on id: each refused with want. */
static void refuse_all(const char *name, uint64_t id, const char *vip, int port, int want)
{
	char what[128];

	snprintf(what, sizeof(what), "%s: SETOPT (linger 0) refused", name);
	expect(what, setopt_call(id, NC_OPT_LINGER, 0), want);
	snprintf(what, sizeof(what), "%s: GETERR refused", name);
	expect(what, sock_call(NC_GETERR, 0, id, NULL, 0, NULL, NULL), want);
	snprintf(what, sizeof(what), "%s: MCAST refused", name);
	expect(what, mcast_call(id), want);
	if (!id)
		return; /* for LISTEN and CONNECT, sockid 0 asks for a new socket */
	snprintf(what, sizeof(what), "%s: LISTEN refused", name);
	expect(what, sock_call(NC_LISTEN, NC_PROTO_TCP, id, vip, 0, NULL, NULL), want);
	snprintf(what, sizeof(what), "%s: CONNECT (TCP) refused", name);
	expect(what, sock_call(NC_CONNECT, NC_PROTO_TCP, id, vip, port, NULL, NULL), want);
	snprintf(what, sizeof(what), "%s: CONNECT (UDP) refused", name);
	expect(what, sock_call(NC_CONNECT, NC_PROTO_UDP, id, vip, port, NULL, NULL), want);
}

static void alive(const char *what)
{
	struct nc_hello_reply rep;
	struct nc_hdr h;

	hdr(&h, NC_HELLO);
	expect(what, call(&h, sizeof(h), &rep, sizeof(rep), NULL), 0);
}

static int mode_kinds(const char *vip, int port)
{
	struct owned o;
	struct nc_sock_reply rep;
	uint64_t gone;
	int r = make_owned(&o, vip, port), fd;

	if (r < 0) {
		fail("sockets of each kind made", strerror(-r));
		return 0;
	}
	pass("sockets of each kind made");

	/* The crash: a TCP connect naming a bound UDP socket. */
	expect("CONNECT (TCP) naming a UDP socket: EINVAL",
	       sock_call(NC_CONNECT, NC_PROTO_TCP, o.ub, vip, port, NULL, NULL), -EINVAL);
	alive("the daemon still answers");
	intact("the UDP socket is as it was", o.ub, NC_ST_BOUND);
	/* The orphan: a UDP connect naming a bound TCP socket. */
	expect("CONNECT (UDP) naming a bound TCP socket: EINVAL",
	       sock_call(NC_CONNECT, NC_PROTO_UDP, o.tb, vip, port, NULL, NULL), -EINVAL);
	intact("the bound TCP socket is as it was", o.tb, NC_ST_BOUND);
	r = sock_call(NC_LISTEN, NC_PROTO_TCP, o.tb, vip, 0, &rep, &fd);
	expect("... and can still listen (not orphaned)", r, 0);
	if (r == 0)
		close(fd);
	expect("LISTEN naming a UDP socket: EOPNOTSUPP",
	       sock_call(NC_LISTEN, NC_PROTO_TCP, o.ub, vip, 0, NULL, NULL), -EOPNOTSUPP);
	expect("LISTEN naming a connected UDP socket: EOPNOTSUPP",
	       sock_call(NC_LISTEN, NC_PROTO_TCP, o.uc, vip, 0, NULL, NULL), -EOPNOTSUPP);
	expect("LISTEN naming a TCP connection: EINVAL",
	       sock_call(NC_LISTEN, NC_PROTO_TCP, o.tc, vip, 0, NULL, NULL), -EINVAL);
	expect("LISTEN naming a listening socket: EINVAL",
	       sock_call(NC_LISTEN, NC_PROTO_TCP, o.tl, vip, 0, NULL, NULL), -EINVAL);
	expect("CONNECT (TCP) naming a listening socket: EISCONN",
	       sock_call(NC_CONNECT, NC_PROTO_TCP, o.tl, vip, port, NULL, NULL), -EISCONN);
	expect("CONNECT (TCP) naming a TCP connection: EISCONN",
	       sock_call(NC_CONNECT, NC_PROTO_TCP, o.tc, vip, port, NULL, NULL), -EISCONN);
	expect("CONNECT (UDP) naming a listening socket: EINVAL",
	       sock_call(NC_CONNECT, NC_PROTO_UDP, o.tl, vip, port, NULL, NULL), -EINVAL);
	expect("CONNECT (UDP) naming a TCP connection: EINVAL",
	       sock_call(NC_CONNECT, NC_PROTO_UDP, o.tc, vip, port, NULL, NULL), -EINVAL);
	expect("CONNECT (TCP) naming a connected UDP socket: EINVAL",
	       sock_call(NC_CONNECT, NC_PROTO_TCP, o.uc, vip, port, NULL, NULL), -EINVAL);
	expect("MCAST naming a bound TCP socket: ENOPROTOOPT", mcast_call(o.tb2), -ENOPROTOOPT);
	expect("MCAST naming a listening socket: ENOPROTOOPT", mcast_call(o.tl), -ENOPROTOOPT);
	expect("MCAST naming a TCP connection: ENOPROTOOPT", mcast_call(o.tc), -ENOPROTOOPT);
	intact("the second bound TCP socket is as it was", o.tb2, NC_ST_BOUND);
	intact("the listening socket is as it was", o.tl, NC_ST_LISTEN);
	intact("the TCP connection is as it was", o.tc, NC_ST_CONNECTED);
	intact("the connected UDP socket is as it was", o.uc, NC_ST_CONNECTED);
	{
		/* Bytes still flow both ways on the connection. */
		char buf[8] = {0};

		if (write(o.ftc, "ping", 4) == 4 && read(o.acc, buf, 4) == 4 &&
		    !memcmp(buf, "ping", 4) && write(o.acc, "pong", 4) == 4 &&
		    read(o.ftc, buf, 4) == 4 && !memcmp(buf, "pong", 4))
			pass("the TCP connection carries bytes both ways");
		else
			fail("the TCP connection carries bytes both ways", strerror(errno));
	}

	gone = closed_id(vip);
	refuse_all("a closed socket", gone, vip, port, -EBADF);
	refuse_all("id 0", 0, vip, port, -EBADF);
	refuse_all("an id never issued (2^47)", 1ull << 47, vip, port, -EBADF);
	refuse_all("an id never issued (next + 1000)", gone + 1000, vip, port, -EBADF);
	refuse_all("an id never issued (2^64 - 1)", ~0ull, vip, port, -EBADF);
	alive("the daemon still answers after all of it");

	/* A forked child, on its own channel (NC_CLONE), may act on its parent's sockets. */
	{
		pid_t pid;
		int st;

		fflush(stdout);
		pid = fork();
		if (pid == 0) {
			struct nc_hello_reply hrep;
			struct nc_hdr h;
			int sv[2], child_fails;

			if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
				_exit(2);
			hdr(&h, NC_CLONE);
			if (send_msg(chan, &h, sizeof(h), sv[1], 0) < 0)
				_exit(2);
			close(sv[1]);
			chan = sv[0];
			if (recv_msg(chan, &hrep, sizeof(hrep), NULL, 0) <= 0 || hrep.h.status)
				_exit(2);
			expect("a forked child: GETERR on its parent's connection",
			       sock_call(NC_GETERR, 0, o.tc, NULL, 0, NULL, NULL), 0);
			expect("a forked child: SETOPT on its parent's connection",
			       setopt_call(o.tc, NC_OPT_NODELAY, 0), 0);
			expect("a forked child: MCAST (TTL) on its parent's UDP socket",
			       mcast_op(o.ub, NC_MC_TX), 0);
			child_fails = failures;
			_exit(child_fails ? 1 : 0);
		}
		if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) ||
		    WEXITSTATUS(st) == 2)
			fail("a forked child asked for its own channel", "fork or NC_CLONE failed");
	}
	alive("the daemon still answers at the end");
	return 0;
}

static int mode_own(const char *file, const char *vip, int port)
{
	struct owned o;
	uint64_t gone;
	char c;
	FILE *f;
	int r = make_owned(&o, vip, port);

	if (r < 0) {
		fail("the owner's sockets made", strerror(-r));
		return 0;
	}
	gone = closed_id(vip);
	f = fopen(file, "w");
	if (!f)
		return 1;
	fprintf(f,
		"tcp-bound %llu\nudp-bound %llu\nlistening %llu\ntcp-conn %llu\n"
		"udp-conn %llu\nclosed %llu\n",
		(unsigned long long)o.tb, (unsigned long long)o.ub, (unsigned long long)o.tl,
		(unsigned long long)o.tc, (unsigned long long)o.uc, (unsigned long long)gone);
	fclose(f);
	pass("the owner's sockets made");
	while (read(0, &c, 1) > 0)
		;
	intact("owner: its bound TCP socket is as it was", o.tb, NC_ST_BOUND);
	intact("owner: its UDP socket is as it was", o.ub, NC_ST_BOUND);
	intact("owner: its listening socket is as it was", o.tl, NC_ST_LISTEN);
	intact("owner: its TCP connection is as it was", o.tc, NC_ST_CONNECTED);
	intact("owner: its connected UDP socket is as it was", o.uc, NC_ST_CONNECTED);
	r = sock_call(NC_LISTEN, NC_PROTO_TCP, o.tb, vip, 0, NULL, NULL);
	expect("owner: its bound TCP socket can still listen", r, 0);
	return 0;
}

static int mode_attack(const char *file, const char *vip, int port)
{
	char name[64];
	unsigned long long id;
	FILE *f = fopen(file, "r");
	int n = 0;

	if (!f) {
		fail("the owner's ids read", strerror(errno));
		return 0;
	}
	while (fscanf(f, "%63s %llu", name, &id) == 2) {
		char what[96];

		snprintf(what, sizeof(what), "another client's %s socket", name);
		refuse_all(what, id, vip, port, -EBADF);
		n++;
	}
	fclose(f);
	if (n != 6)
		fail("the owner's ids read", "not 6 of them");
	alive("the daemon still answers the attacker");
	return 0;
}

static int mode_share(const char *file)
{
	char name[64], what[128];
	unsigned long long id;
	FILE *f = fopen(file, "r");

	if (!f) {
		fail("the owner's ids read", strerror(errno));
		return 0;
	}
	while (fscanf(f, "%63s %llu", name, &id) == 2) {
		int want = strcmp(name, "closed") ? 0 : -EBADF;

		snprintf(what, sizeof(what), "same run, another process: GETERR on its %s socket",
			 name);
		expect(what, sock_call(NC_GETERR, 0, id, NULL, 0, NULL, NULL), want);
		snprintf(what, sizeof(what), "same run, another process: SETOPT on its %s socket",
			 name);
		expect(what, setopt_call(id, 0, 0), want);
	}
	fclose(f);
	return 0;
}

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

static int mode_ping(int n)
{
	long long *t = calloc((size_t)n, sizeof(*t));
	struct nc_sock_reply rep;
	int fd;

	if (!t || n <= 0)
		return 1;
	for (int i = 0; i < n; i++) {
		long long t0 = now_us();
		int r = sock_call(NC_BIND, NC_PROTO_TCP, 0, "0.0.0.0", 0, &rep, &fd);

		t[i] = now_us() - t0;
		if (r < 0) {
			fail("a bind round trip", strerror(-r));
			return 0;
		}
		close(fd);
	}
	qsort(t, (size_t)n, sizeof(*t), cmp_ll);
	printf("median_us %lld max_us %lld\n", t[n / 2], t[n - 1]);
	return 0;
}

/* Read what came back on chan without waiting: counts of answers, ENOBUFS, descriptors; 1 if the
 * daemon hung up. */
static int drain(int *answers, int *enobufs, int *fds)
{
	for (;;) {
		uint8_t buf[NC_MSG_MAX];
		struct nc_hdr h;
		int fd;
		ssize_t n = recv_msg(chan, buf, sizeof(buf), &fd, MSG_DONTWAIT);

		if (n <= 0)
			return n == 0 || n == -ECONNRESET;
		if (fd >= 0) {
			close(fd);
			(*fds)++;
		}
		memcpy(&h, buf, sizeof(h));
		(*answers)++;
		if (h.status == -ENOBUFS)
			(*enobufs)++;
	}
}

static int mode_flood(const char *path, int seconds)
{
	struct rlimit rl;
	struct nc_sock_reply rep;
	long long end;
	int fd, r = 0, nsocks = 0, sent = 0, enobufs = 0, answers = 0, closed = 0, fds = 0;

	/* Room for every socket the daemon gives us. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	for (;;) {
		r = sock_call(NC_BIND, NC_PROTO_UDP, 0, "0.0.0.0", 0, &rep, &fd);
		if (r < 0)
			break;
		nsocks++;
	}
	printf("sockets %d errno %d\n", nsocks, -r);
	fflush(stdout);
	/* Requests without reading the answers, as fast as the channel takes them: hellos (each
	 * answer carries a descriptor) and GETERRs; hung up on, it comes back on a new channel. */
	end = now_us() + seconds * 1000000LL;
	while (now_us() < end) {
		struct nc_sock_req req;
		struct nc_hdr h;

		sock_req(&req, NC_GETERR, NC_PROTO_UDP, 1, NULL, 0);
		hdr(&h, NC_HELLO);
		if (sent % 2)
			r = send_msg(chan, &h, sizeof(h), -1, MSG_DONTWAIT);
		else
			r = send_msg(chan, &req, sizeof(req), -1, MSG_DONTWAIT);
		if (r == -EAGAIN) {
			usleep(1000);
			continue;
		}
		if (r < 0) {
			closed += drain(&answers, &enobufs, &fds);
			close(chan);
			if (open_chan(path) < 0)
				break;
			continue;
		}
		sent++;
	}
	closed += drain(&answers, &enobufs, &fds);
	printf("sent %d answers %d enobufs %d fds %d closed %d\n", sent, answers, enobufs, fds,
	       closed);
	return 0;
}

int main(int argc, char **argv)
{
	int r;

	if (argc < 3) {
		fprintf(stderr, "usage: trust_client CONTROL MODE ARGS...\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	r = open_chan(argv[1]);
	if (r < 0) {
		printf("FAIL the daemon answers a hello (%s)\n", strerror(-r));
		return 1;
	}
	if (!strcmp(argv[2], "kinds") && argc == 5)
		return mode_kinds(argv[3], atoi(argv[4]));
	if (!strcmp(argv[2], "own") && argc == 6)
		return mode_own(argv[3], argv[4], atoi(argv[5]));
	if (!strcmp(argv[2], "attack") && argc == 6)
		return mode_attack(argv[3], argv[4], atoi(argv[5]));
	if (!strcmp(argv[2], "share") && argc == 4)
		return mode_share(argv[3]);
	if (!strcmp(argv[2], "flood") && argc == 4)
		return mode_flood(argv[1], atoi(argv[3]));
	if (!strcmp(argv[2], "ping") && argc == 4)
		return mode_ping(atoi(argv[3]));
	fprintf(stderr, "trust_client: bad arguments\n");
	return 2;
}
