// SPDX-License-Identifier: BSD-2-Clause
/* netcon run's second front end: a seccomp filter on the program, its socket calls answered here. */
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/seccomp.h"
#include "common/addr.h"
#include "common/fdpass.h"
#include "common/log.h"
#include "common/route.h"
#include "common/sockopts.h"
#include "common/rpc_check.h"
#include "netcon/rpc.h"

#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL
#endif
#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

#define SC_X32_BIT 0x40000000u
/* i386 socket calls a 64-bit program could make with int 0x80: socketcall and 359-373. */
#define SC_I386_SOCKETCALL 102
#define SC_I386_SOCK_FIRST 359
#define SC_I386_SOCK_LAST 373
#define SC_ADDR_MAX ((socklen_t)sizeof(struct sockaddr_storage))

/* ---- the filter ---- */

/* A small BPF assembler: jumps name a label, resolved once the program is laid out. */
enum sc_label {
	SC_NEXT = 0,
	SC_NOTIFY,
	SC_ENOSYS,
	SC_ALLOW,
	SC_GSO,
	SC_SSO,
	SC_SOLOPT,
	SC_ADDR4,
	SC_I386,
	SC_NLABELS
};

struct sc_ins {
	uint16_t code;
	uint32_t k;
	uint8_t jt, jf; /* enum sc_label */
	uint8_t label; /* this instruction carries that label (0: none) */
};

static size_t sc_assemble(const struct sc_ins *in, size_t n, struct sock_filter *out)
{
	size_t at[SC_NLABELS] = {0};

	for (size_t i = 0; i < n; i++)
		if (in[i].label)
			at[in[i].label] = i;
	for (size_t i = 0; i < n; i++) {
		out[i].code = in[i].code;
		out[i].k = in[i].k;
		out[i].jt = in[i].jt ? (uint8_t)(at[in[i].jt] - i - 1) : 0;
		out[i].jf = in[i].jf ? (uint8_t)(at[in[i].jf] - i - 1) : 0;
	}
	return n;
}

#define LD(off)                                                                                    \
	{                                                                                          \
		BPF_LD | BPF_W | BPF_ABS, (uint32_t)(off), 0, 0, 0                                 \
	}
#define JEQ(v, t, f)                                                                               \
	{                                                                                          \
		BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)(v), t, f, 0                                  \
	}
#define JGE(v, t, f)                                                                               \
	{                                                                                          \
		BPF_JMP | BPF_JGE | BPF_K, (uint32_t)(v), t, f, 0                                  \
	}
#define JGT(v, t, f)                                                                               \
	{                                                                                          \
		BPF_JMP | BPF_JGT | BPF_K, (uint32_t)(v), t, f, 0                                  \
	}
#define RET(v, l)                                                                                  \
	{                                                                                          \
		BPF_RET | BPF_K, (uint32_t)(v), 0, 0, l                                            \
	}
#define ARG_LO(i) (offsetof(struct seccomp_data, args) + 8 * (i))

/* The calls that take or give a socket's identity; data calls (read, write, poll, send, recv)
 * are never trapped, so they cost the program nothing. sendmsg and sendmmsg are, every one: the
 * filter cannot see whether they carry an address (answered with one read when they do not). */
static const struct sc_ins sc_prog[] = {
    LD(offsetof(struct seccomp_data, arch)),
    JEQ(AUDIT_ARCH_X86_64, SC_NEXT, SC_I386),
    LD(offsetof(struct seccomp_data, nr)),
    JGE(SC_X32_BIT, SC_ENOSYS, SC_NEXT), /* x32 socket calls would get past: none at all */
    JEQ(SYS_bind, SC_NOTIFY, SC_NEXT),
    JEQ(SYS_listen, SC_NOTIFY, SC_NEXT),
    JEQ(SYS_shutdown, SC_NOTIFY, SC_NEXT), /* rare; its half-close would reach the daemon */
    JEQ(SYS_connect, SC_NOTIFY, SC_NEXT),
    JEQ(SYS_accept, SC_NOTIFY, SC_NEXT),
    JEQ(SYS_accept4, SC_NOTIFY, SC_NEXT),
    JEQ(SYS_getsockname, SC_NOTIFY, SC_NEXT),
    JEQ(SYS_getpeername, SC_NOTIFY, SC_NEXT),
    JEQ(SYS_sendto, SC_ADDR4, SC_NEXT),
    JEQ(SYS_recvfrom, SC_ADDR4, SC_NEXT),
    JEQ(SYS_sendmsg, SC_NOTIFY, SC_NEXT), /* msg_name is behind a pointer: every one */
    JEQ(SYS_sendmmsg, SC_NOTIFY, SC_NEXT),
    JEQ(SYS_recvmsg, SC_NOTIFY, SC_NEXT), /* the source of an unconnected datagram */
    JEQ(SYS_recvmmsg, SC_NOTIFY, SC_NEXT),
    JEQ(SYS_getsockopt, SC_GSO, SC_NEXT),
    JEQ(SYS_setsockopt, SC_SSO, SC_ALLOW),
    /* sendto/recvfrom: only with an address (unconnected UDP); send() and recv() have none. */
    {BPF_LD | BPF_W | BPF_ABS, ARG_LO(4), 0, 0, SC_ADDR4},
    JEQ(0, SC_NEXT, SC_NOTIFY),
    LD(ARG_LO(4) + 4),
    JEQ(0, SC_ALLOW, SC_NOTIFY),
    /* getsockopt: every IP and TCP option (a socketpair end has none), and the socket options
     * a socketpair end would answer for itself: its identity, what the daemon carries, and
     * SO_ERROR, which a virtual connect's outcome needs. The rest (the timeouts, SO_PEERCRED,
     * ...) act on the fd itself. */
    {BPF_LD | BPF_W | BPF_ABS, ARG_LO(1), 0, 0, SC_GSO},
    JEQ(IPPROTO_TCP, SC_NOTIFY, SC_NEXT),
    JEQ(IPPROTO_IP, SC_NOTIFY, SC_NEXT),
    JEQ(IPPROTO_IPV6, SC_NOTIFY, SC_NEXT),
    JEQ(SOL_SOCKET, SC_NEXT, SC_ALLOW),
    LD(ARG_LO(2)),
    JEQ(SO_TYPE, SC_NOTIFY, SC_NEXT),
    JEQ(SO_DOMAIN, SC_NOTIFY, SC_NEXT),
    JEQ(SO_PROTOCOL, SC_NOTIFY, SC_NEXT),
    JEQ(SO_ACCEPTCONN, SC_NOTIFY, SC_NEXT),
    JEQ(SO_ERROR, SC_NOTIFY, SC_SOLOPT),
    /* setsockopt: every IP and TCP option, and the socket options carried to the daemon. */
    {BPF_LD | BPF_W | BPF_ABS, ARG_LO(1), 0, 0, SC_SSO},
    JEQ(IPPROTO_TCP, SC_NOTIFY, SC_NEXT),
    JEQ(IPPROTO_IP, SC_NOTIFY, SC_NEXT),
    JEQ(IPPROTO_IPV6, SC_NOTIFY, SC_NEXT),
    JEQ(SOL_SOCKET, SC_NEXT, SC_ALLOW),
    LD(ARG_LO(2)),
    /* both: the options a virtual socket keeps in the daemon */
    {BPF_JMP | BPF_JEQ | BPF_K, SO_REUSEADDR, SC_NOTIFY, SC_NEXT, SC_SOLOPT},
    JEQ(SO_REUSEPORT, SC_NOTIFY, SC_NEXT),
    JEQ(SO_BROADCAST, SC_NOTIFY, SC_NEXT),
    JEQ(SO_KEEPALIVE, SC_NOTIFY, SC_NEXT),
    JEQ(SO_RCVBUF, SC_NOTIFY, SC_NEXT),
    JEQ(SO_SNDBUF, SC_NOTIFY, SC_NEXT),
    JEQ(SO_LINGER, SC_NOTIFY, SC_ALLOW),
    /* A 64-bit program can still make i386 system calls (int 0x80): no socket calls there. */
    {BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr), 0, 0, SC_I386},
    JEQ(SC_I386_SOCKETCALL, SC_ENOSYS, SC_NEXT),
    JGE(SC_I386_SOCK_FIRST, SC_NEXT, SC_ALLOW),
    JGT(SC_I386_SOCK_LAST, SC_ALLOW, SC_ENOSYS),
    RET(SECCOMP_RET_USER_NOTIF, SC_NOTIFY),
    RET(SECCOMP_RET_ERRNO | ENOSYS, SC_ENOSYS),
    RET(SECCOMP_RET_ALLOW, SC_ALLOW),
};

int seccomp_install(int sock)
{
	struct sock_filter f[sizeof(sc_prog) / sizeof(sc_prog[0])];
	struct sock_fprog prog = {
	    .len = (unsigned short)sc_assemble(sc_prog, sizeof(sc_prog) / sizeof(sc_prog[0]), f),
	    .filter = f};
	/* SPEC_ALLOW: by default the kernel switches on the speculative-store-bypass mitigation
	 * for a task with a filter, as if it were sandboxed untrusted code, and that slows the
	 * program on CPUs that have it. The program ran without it before netcon; this filter is
	 * not a sandbox. (This machine's CPU reports no such mitigation either way.) */
	unsigned long flags = SECCOMP_FILTER_FLAG_NEW_LISTENER | SECCOMP_FILTER_FLAG_SPEC_ALLOW;
	int fd, r = 0;
	char ack;

	/* Without CAP_SYS_ADMIN the kernel wants no_new_privs: setuid programs inside then run
	 * with the caller's rights. Root keeps setuid and file capabilities working. */
	if (geteuid() != 0 && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;
	/* Killable-only waits once the supervisor has a call: Go's preemption signals would
	 * otherwise interrupt and restart a trapped call in a loop. */
	fd = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
			  flags | SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV, &prog);
	if (fd < 0 && errno == EINVAL)
		fd = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
	if (fd < 0)
		return -errno;
	/* sendmsg is trapped from here on, and nobody answers yet: the listener's number goes by
	 * write, the supervisor takes the file with pidfd_getfd and says so by a byte back. */
	if (write(sock, &fd, sizeof(fd)) != (ssize_t)sizeof(fd) || read(sock, &ack, 1) != 1)
		r = errno ? -errno : -EPIPE;
	close(fd);
	return r;
}

/* ---- the supervisor's state ---- */

struct sc_sup {
	int listener;
	int chan; /* our channel to the daemon, one call at a time */
	pthread_mutex_t lock;
	uint32_t seq;
	struct nc_route routes[NC_MAX_ROUTES];
	int nroutes;
	bool isolate, listen_host;
};

static struct sc_sup sup = {.listener = -1, .chan = -1, .lock = PTHREAD_MUTEX_INITIALIZER};

/* One trapped call. */
struct sc_call {
	struct seccomp_notif n;
	int sock; /* our copy of the program's fd args[0], or -1 */
	int domain; /* its SO_DOMAIN */
	int newfd; /* blocking waits: the virtual end */
	int family; /* 4 or 6 */
	uint64_t sockid;
	struct nc_addr peer; /* connected UDP: the source of what it receives */
	char *buf; /* a waiting send: its bytes */
	size_t len;
	void *(*fn)(void *); /* a waiting call: the thread's function */
	int slot; /* ... and its place in sc_waits */
};

/* The calls that wait in threads, so that a supervisor forked into the background can take them
 * over (fork keeps only the thread that forks). */
#define SC_WAITS_MAX 1024
static struct sc_call *sc_waits[SC_WAITS_MAX];
static pthread_mutex_t sc_waits_lock = PTHREAD_MUTEX_INITIALIZER;

static void sc_done(struct sc_call *c)
{
	pthread_mutex_lock(&sc_waits_lock);
	if (c->slot >= 0 && sc_waits[c->slot] == c)
		sc_waits[c->slot] = NULL;
	pthread_mutex_unlock(&sc_waits_lock);
	free(c);
}

static int sc_call_daemon(void *req, size_t reqlen, void *rep, size_t replen, int *fd_out)
{
	struct nc_hdr *h = req, got;
	int r, fds[1], nfds;
	const char *why;
	ssize_t n;

	if (fd_out)
		*fd_out = -1;
	pthread_mutex_lock(&sup.lock);
	h->magic = NC_RPC_MAGIC;
	h->version = NC_RPC_VERSION;
	h->seq = ++sup.seq;
	n = fdpass_send(sup.chan, req, reqlen, NULL, 0, 0);
	if (n < 0) {
		r = -ENOTCONN;
		goto out;
	}
	for (;;) {
		nfds = 1;
		n = fdpass_recv(sup.chan, rep, replen, fds, &nfds, MSG_CMSG_CLOEXEC);
		if (n <= 0) {
			r = n == 0 ? -ENOTCONN : (int)n;
			goto out;
		}
		memcpy(&got, rep, (size_t)n >= sizeof(got) ? sizeof(got) : 0);
		if ((size_t)n >= sizeof(got) && got.seq == h->seq)
			break;
		for (int i = 0; i < nfds; i++)
			close(fds[i]);
	}
	if (rpc_check_reply(rep, (size_t)n, h->type, &why) < 0) {
		log_warn("bad reply from the daemon: %s", why);
		r = -EPROTO;
	} else {
		r = got.status;
	}
	if (nfds && fd_out && r == 0)
		*fd_out = fds[0];
	else if (nfds)
		close(fds[0]);
out:
	pthread_mutex_unlock(&sup.lock);
	return r;
}

static int sc_hello(const char *home)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	struct nc_hello_reply rep;
	int fd, tab = -1, nfds = 1;
	struct nc_hdr h;
	const char *why;
	ssize_t n;

	if (snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/%s", home, NC_CONTROL_NAME) >=
	    (int)sizeof(sun.sun_path))
		return -ENAMETOOLONG;
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0)
		goto fail;
	memset(&h, 0, sizeof(h));
	h.magic = NC_RPC_MAGIC;
	h.version = NC_RPC_VERSION;
	h.type = NC_HELLO;
	h.seq = ++sup.seq;
	if (fdpass_send(fd, &h, sizeof(h), NULL, 0, 0) < 0)
		goto fail;
	n = fdpass_recv(fd, &rep, sizeof(rep), &tab, &nfds, MSG_CMSG_CLOEXEC);
	if (nfds == 1)
		close(tab); /* the reset table is the intercept's; the kernel reports ours */
	if (n <= 0 || rpc_check_reply(&rep, (size_t)n, NC_HELLO, &why) < 0 || rep.h.status < 0) {
		errno = EPROTO;
		goto fail;
	}
	sup.nroutes = rep.nroutes > NC_MAX_ROUTES ? NC_MAX_ROUTES : (int)rep.nroutes;
	memcpy(sup.routes, rep.routes, sizeof(sup.routes));
	sup.chan = fd;
	return 0;
fail:
	n = -errno;
	close(fd);
	return (int)n;
}

/* ---- the program: its memory, its fds ---- */

/* Read the program's memory once; every decision is taken on this copy, never on what the
 * kernel would read again (another thread may change it in between). */
static int sc_peek(pid_t pid, uint64_t addr, void *buf, size_t len)
{
	struct iovec local = {buf, len}, remote = {(void *)(uintptr_t)addr, len};
	ssize_t n = process_vm_readv(pid, &local, 1, &remote, 1, 0);

	if (n < 0)
		return -errno == -ESRCH ? -ESRCH : -EFAULT;
	return (size_t)n == len ? 0 : -EFAULT;
}

static int sc_poke(pid_t pid, uint64_t addr, const void *buf, size_t len)
{
	struct iovec local = {(void *)buf, len}, remote = {(void *)(uintptr_t)addr, len};
	ssize_t n = process_vm_writev(pid, &local, 1, &remote, 1, 0);

	if (n < 0)
		return -EFAULT;
	return (size_t)n == len ? 0 : -EFAULT;
}

/* Is the call still waiting? (the program may have died, or the pid been reused, since) */
static bool sc_valid(const struct sc_call *c)
{
	uint64_t id = c->n.id;

	return ioctl(sup.listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) == 0;
}

/* The thread group of a thread, from /proc/TID/status; tid itself if that cannot be read. */
static pid_t sc_tgid(pid_t tid)
{
	char path[64], buf[1024], *p;
	ssize_t n;
	int f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	f = open(path, O_RDONLY | O_CLOEXEC);
	if (f < 0)
		return tid;
	n = read(f, buf, sizeof(buf) - 1);
	close(f);
	if (n <= 0)
		return tid;
	buf[n] = 0;
	p = strstr(buf, "\nTgid:");
	return p ? (pid_t)atoi(p + 6) : tid;
}

/* Our copy of the calling thread's fd (the file, not a new socket). */
static int sc_getfd(pid_t tid, int fd)
{
	int pfd = (int)syscall(SYS_pidfd_open, tid, PIDFD_THREAD), r;

	/* Before Linux 6.9 (no PIDFD_THREAD) a pidfd names a thread group: the fd table is the
	 * same for every thread of it. */
	if (pfd < 0 && errno == EINVAL)
		pfd = (int)syscall(SYS_pidfd_open, sc_tgid(tid), 0);
	if (pfd < 0)
		return -errno;
	r = (int)syscall(SYS_pidfd_getfd, pfd, fd, 0);
	if (r < 0)
		r = -errno;
	close(pfd);
	return r;
}

/* Did the program's fd have FD_CLOEXEC? ("flags:" of /proc/PID/fdinfo/FD, octal) */
static bool sc_cloexec(pid_t tid, int fd)
{
	char path[64], buf[512], *p;
	ssize_t n;
	int f;

	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", (int)tid, fd);
	f = open(path, O_RDONLY | O_CLOEXEC);
	if (f < 0)
		return false;
	n = read(f, buf, sizeof(buf) - 1);
	close(f);
	if (n <= 0)
		return false;
	buf[n] = 0;
	p = strstr(buf, "flags:");
	return p && (strtoul(p + 6, NULL, 8) & O_CLOEXEC);
}

static int sc_reply(const struct sc_call *c, int64_t val, int err)
{
	struct seccomp_notif_resp resp = {.id = c->n.id, .val = err ? -1 : val, .error = -err};

	if (ioctl(sup.listener, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0)
		return -errno;
	return 0;
}

/* Let the kernel do the call as the program made it: for calls that stay on the host. */
static int sc_continue(const struct sc_call *c)
{
	struct seccomp_notif_resp resp = {.id = c->n.id, .flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE};

	if (ioctl(sup.listener, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0)
		return -errno;
	return 0;
}

/* Put src in place of the program's fd number (its registrations with epoll are carried). */
static int sc_setfd(const struct sc_call *c, int src, int target, bool cloexec);

/* Put src into the program as a new fd, the call's result, atomically. */
static int sc_sendfd(const struct sc_call *c, int src, bool cloexec)
{
	struct seccomp_notif_addfd a = {.id = c->n.id,
					.flags = SECCOMP_ADDFD_FLAG_SEND,
					.srcfd = (uint32_t)src,
					.newfd_flags = cloexec ? O_CLOEXEC : 0};
	int r = ioctl(sup.listener, SECCOMP_IOCTL_NOTIF_ADDFD, &a);

	return r < 0 ? -errno : r;
}

/* ---- epoll: a replaced file loses its registrations; put them back ---- */

struct sc_epreg {
	int epfd;
	uint32_t events;
	uint64_t data;
};

/* The program's epoll registrations of fd: each epoll fd's fdinfo lists "tfd: N events: X
 * data: Y". Returns how many (at most max). */
static int sc_ep_find(pid_t tid, int fd, struct sc_epreg *out, int max)
{
	char path[64], link[64], buf[4096];
	struct dirent *d;
	DIR *dir;
	int n = 0;

	snprintf(path, sizeof(path), "/proc/%d/fd", (int)tid);
	dir = opendir(path);
	if (!dir)
		return 0;
	while (n < max && (d = readdir(dir))) {
		int epfd = atoi(d->d_name), f;
		ssize_t len;
		char *p;

		if (d->d_name[0] < '0' || d->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/fd/%d", (int)tid, epfd);
		len = readlink(path, link, sizeof(link) - 1);
		if (len <= 0)
			continue;
		link[len] = 0;
		if (strcmp(link, "anon_inode:[eventpoll]") != 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", (int)tid, epfd);
		f = open(path, O_RDONLY | O_CLOEXEC);
		if (f < 0)
			continue;
		len = read(f, buf, sizeof(buf) - 1);
		close(f);
		if (len <= 0)
			continue;
		buf[len] = 0;
		for (p = strstr(buf, "tfd:"); p && n < max; p = strstr(p + 4, "tfd:")) {
			unsigned long long ev = 0, data = 0;
			int tfd = -1;

			if (sscanf(p, "tfd: %d events: %llx data: %llx", &tfd, &ev, &data) == 3 &&
			    tfd == fd) {
				out[n].epfd = epfd;
				out[n].events = (uint32_t)ev;
				out[n].data = data;
				n++;
			}
		}
	}
	closedir(dir);
	return n;
}

/* A registration is keyed by (file, fd number): a helper process puts the new file under the
 * program's number in its own table and adds it to (our copy of) the program's epoll. */
static void sc_ep_restore(pid_t tid, int fd, int src, const struct sc_epreg *regs, int n)
{
	int eps[8];
	pid_t child;

	for (int i = 0; i < n; i++)
		eps[i] = sc_getfd(tid, regs[i].epfd);
	child = fork();
	if (child == 0) {
		if (dup2(src, fd) < 0)
			_exit(1);
		for (int i = 0; i < n; i++) {
			struct epoll_event ev = {.events = regs[i].events,
						 .data.u64 = regs[i].data};

			if (eps[i] >= 0 && eps[i] != fd)
				epoll_ctl(eps[i], EPOLL_CTL_ADD, fd, &ev);
		}
		_exit(0);
	}
	if (child > 0)
		waitpid(child, NULL, 0);
	for (int i = 0; i < n; i++)
		if (eps[i] >= 0)
			close(eps[i]);
}

static int sc_setfd(const struct sc_call *c, int src, int target, bool cloexec)
{
	struct seccomp_notif_addfd a = {.id = c->n.id,
					.flags = SECCOMP_ADDFD_FLAG_SETFD,
					.srcfd = (uint32_t)src,
					.newfd = (uint32_t)target,
					.newfd_flags = cloexec ? O_CLOEXEC : 0};
	struct sc_epreg regs[8];
	int nregs = sc_ep_find((pid_t)c->n.pid, target, regs, 8), r;

	r = ioctl(sup.listener, SECCOMP_IOCTL_NOTIF_ADDFD, &a);
	if (r < 0)
		return -errno;
	if (nregs > 0)
		sc_ep_restore((pid_t)c->n.pid, target, src, regs, nregs);
	return 0;
}

/* ---- the calls ---- */

static int sc_sockopt(int fd, int level, int name)
{
	int v = 0;
	socklen_t l = sizeof(v);

	return getsockopt(fd, level, name, &v, &l) == 0 ? v : 0;
}

/* A fresh kernel socket's buffer sizes (TCP, UDP): what a program that set none reads. */
static int sc_defbuf[2][2];

static void sc_defbuf_init(void)
{
	for (int i = 0; i < 2; i++) {
		int fd = socket(AF_INET, (i ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC, 0);

		if (fd < 0)
			continue;
		sc_defbuf[i][0] = sc_sockopt(fd, SOL_SOCKET, SO_RCVBUF);
		sc_defbuf[i][1] = sc_sockopt(fd, SOL_SOCKET, SO_SNDBUF);
		close(fd);
	}
}

/* The options a program set on its kernel socket before the decision, carried to the daemon:
 * the values it set, 0 where it kept the default (the daemon's default then). */
static void sc_opts_from(int sock, struct nc_opts *o)
{
	static const struct {
		int level, name;
		uint32_t flag;
	} flags[] = {
	    {SOL_SOCKET, SO_REUSEADDR, NC_OPT_REUSEADDR},
	    {SOL_SOCKET, SO_REUSEPORT, NC_OPT_REUSEPORT},
	    {SOL_SOCKET, SO_KEEPALIVE, NC_OPT_KEEPALIVE},
	    {SOL_SOCKET, SO_BROADCAST, NC_OPT_BROADCAST},
	    {IPPROTO_TCP, TCP_NODELAY, NC_OPT_NODELAY},
	};
	bool udp = sc_sockopt(sock, SOL_SOCKET, SO_TYPE) == SOCK_DGRAM;
	struct linger l = {0, 0};
	socklen_t ll = sizeof(l);
	int v;

	memset(o, 0, sizeof(*o));
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		if ((!udp || flags[i].level != IPPROTO_TCP) &&
		    sc_sockopt(sock, flags[i].level, flags[i].name))
			o->flags |= flags[i].flag;
	if (sc_sockopt(sock, SOL_SOCKET, SO_DOMAIN) == AF_INET6 &&
	    sc_sockopt(sock, IPPROTO_IPV6, IPV6_V6ONLY))
		o->flags |= NC_OPT_V6ONLY;
	if (getsockopt(sock, SOL_SOCKET, SO_LINGER, &l, &ll) == 0 && l.l_onoff) {
		o->flags |= NC_OPT_LINGER;
		o->linger = l.l_linger;
	}
	/* The kernel reports twice what was set. */
	v = sc_sockopt(sock, SOL_SOCKET, SO_RCVBUF);
	o->rcvbuf = v && v != sc_defbuf[udp][0] ? v / 2 : 0;
	v = sc_sockopt(sock, SOL_SOCKET, SO_SNDBUF);
	o->sndbuf = v && v != sc_defbuf[udp][1] ? v / 2 : 0;
	if (udp)
		return;
	v = sc_sockopt(sock, IPPROTO_TCP, TCP_KEEPIDLE);
	o->keepidle = v != SOCKOPTS_KEEPIDLE_DEFAULT ? v : 0;
	v = sc_sockopt(sock, IPPROTO_TCP, TCP_KEEPINTVL);
	o->keepintvl = v != SOCKOPTS_KEEPINTVL_DEFAULT ? v : 0;
	v = sc_sockopt(sock, IPPROTO_TCP, TCP_KEEPCNT);
	o->keepcnt = v != SOCKOPTS_KEEPCNT_DEFAULT ? v : 0;
	o->user_timeout = sc_sockopt(sock, IPPROTO_TCP, TCP_USER_TIMEOUT);
}

/* Is the program's fd a virtual socket? Asks the daemon by inode. 0 (rep filled) or -ENOENT. */
static int sc_lookup(const struct sc_call *c, struct nc_sock_reply *rep)
{
	struct nc_sock_req req;
	struct stat st;

	if (c->domain != AF_UNIX || fstat(c->sock, &st) < 0)
		return -ENOENT;
	memset(&req, 0, sizeof(req));
	req.h.type = NC_LOOKUP;
	req.ino = st.st_ino;
	return sc_call_daemon(&req, sizeof(req), rep, sizeof(*rep), NULL) < 0 ? -ENOENT : 0;
}

/* What a unix socket is, by its cookie (never reused, unlike an inode): a virtual end stays
 * what it was made (a UDP socket that connects again gets a new end), a program's own unix
 * socket never becomes virtual. So the hot calls (recvmsg on every socket, recvfrom on UDP)
 * ask the daemon once per socket, not per call. */
#define SC_KIND_SLOTS 1024
static struct sc_kind {
	uint64_t cookie;
	uint8_t proto; /* 0: not virtual */
	uint8_t state, family;
	struct nc_addr peer;
} sc_kinds[SC_KIND_SLOTS];
static pthread_mutex_t sc_kind_lock = PTHREAD_MUTEX_INITIALIZER;

/* Is the program's unix socket a virtual UDP end? 0 (*k filled: proto 0 if not virtual),
 * or -errno when the daemon cannot say. */
static int sc_kind(const struct sc_call *c, struct sc_kind *k)
{
	struct nc_sock_reply rep;
	struct nc_sock_req req;
	socklen_t l = sizeof(k->cookie);
	struct stat st;
	bool hit;
	int r;

	memset(k, 0, sizeof(*k));
	if (getsockopt(c->sock, SOL_SOCKET, SO_COOKIE, &k->cookie, &l) < 0 || !k->cookie)
		return -errno;
	pthread_mutex_lock(&sc_kind_lock);
	hit = sc_kinds[k->cookie % SC_KIND_SLOTS].cookie == k->cookie;
	if (hit)
		*k = sc_kinds[k->cookie % SC_KIND_SLOTS];
	pthread_mutex_unlock(&sc_kind_lock);
	if (hit)
		return 0;
	if (fstat(c->sock, &st) < 0)
		return -errno;
	memset(&req, 0, sizeof(req));
	req.h.type = NC_LOOKUP;
	req.ino = st.st_ino;
	r = sc_call_daemon(&req, sizeof(req), &rep, sizeof(rep), NULL);
	if (r < 0 && r != -ENOENT)
		return r;
	if (r == 0) {
		k->proto = rep.proto;
		k->state = rep.state;
		k->family = rep.family;
		k->peer = rep.peer;
	}
	/* A TCP end's state moves on: only what a UDP or a host socket is stays. */
	if (k->proto == NC_PROTO_TCP)
		return 0;
	pthread_mutex_lock(&sc_kind_lock);
	sc_kinds[k->cookie % SC_KIND_SLOTS] = *k;
	pthread_mutex_unlock(&sc_kind_lock);
	return 0;
}

/* An address written as the kernel writes a name: cut to room, the full length returned (or
 * -EFAULT). */
static int sc_put_name(const struct sc_call *c, const struct nc_addr *a, int family, uint64_t ptr,
		       socklen_t room)
{
	struct sockaddr_storage ss;
	socklen_t full = sizeof(ss);

	memset(&ss, 0, sizeof(ss));
	addr_to_sockaddr(a, family == 4 ? AF_INET : AF_INET6, (struct sockaddr *)&ss, &full);
	if (room && sc_poke((pid_t)c->n.pid, ptr, &ss, room < full ? room : full) < 0)
		return -EFAULT;
	return (int)full;
}

/* Write an address and its length back as getsockname does (truncated to the room given). */
static int sc_put_addr(const struct sc_call *c, const struct nc_addr *a, int family,
		       uint64_t sa_ptr, uint64_t len_ptr)
{
	struct sockaddr_storage ss;
	socklen_t room, full = sizeof(ss);
	int r;

	if (!sa_ptr)
		return 0;
	if (!len_ptr || sc_peek((pid_t)c->n.pid, len_ptr, &room, sizeof(room)) < 0)
		return -EFAULT;
	memset(&ss, 0, sizeof(ss));
	addr_to_sockaddr(a, family == 4 ? AF_INET : AF_INET6, (struct sockaddr *)&ss, &full);
	if ((int)room < 0)
		return -EINVAL;
	r = sc_poke((pid_t)c->n.pid, sa_ptr, &ss, room < full ? room : full);
	if (r == 0)
		r = sc_poke((pid_t)c->n.pid, len_ptr, &full, sizeof(full));
	return r;
}

/* The address argument, read once. 0, or -errno for the program. */
static int sc_get_addr(const struct sc_call *c, uint64_t ptr, uint64_t len, struct nc_addr *a)
{
	struct sockaddr_storage ss;
	int r;

	if (len < sizeof(sa_family_t) || len > SC_ADDR_MAX)
		return -EINVAL;
	memset(&ss, 0, sizeof(ss));
	r = sc_peek((pid_t)c->n.pid, ptr, &ss, (size_t)len);
	if (r < 0)
		return r;
	return addr_from_sockaddr(a, (struct sockaddr *)&ss, (socklen_t)len);
}

static void sc_req(struct nc_sock_req *req, int type, int family, int proto)
{
	memset(req, 0, sizeof(*req));
	req->h.type = (uint8_t)type;
	req->family = (uint8_t)family;
	req->proto = (uint8_t)proto;
}

/* The daemon's end goes in place of the program's socket, with its O_NONBLOCK and FD_CLOEXEC. */
static int sc_swap(struct sc_call *c, int newfd)
{
	int fl = fcntl(c->sock, F_GETFL);

	if (fl >= 0 && (fl & O_NONBLOCK))
		fcntl(newfd, F_SETFL, O_NONBLOCK);
	return sc_setfd(c, newfd, (int)c->n.data.args[0],
			sc_cloexec((pid_t)c->n.pid, (int)c->n.data.args[0]));
}

static void *sc_connect_wait(void *arg)
{
	struct sc_call *c = arg;
	struct pollfd p = {.fd = c->newfd, .events = POLLOUT};
	int err = 0;

	/* The program's end turns writable when the handshake has ended; a hang-up is failure. */
	while (poll(&p, 1, 1000) == 0)
		if (!sc_valid(c))
			goto out;
	if (p.revents & (POLLHUP | POLLERR)) {
		struct nc_sock_req req;
		struct nc_sock_reply rep;

		sc_req(&req, NC_GETERR, c->family, NC_PROTO_TCP);
		req.sockid = c->sockid;
		err = ECONNREFUSED;
		if (sc_call_daemon(&req, sizeof(req), &rep, sizeof(rep), NULL) == 0 && rep.error)
			err = rep.error;
	}
	sc_reply(c, 0, err);
out:
	close(c->newfd);
	sc_done(c);
	return NULL;
}

static int sc_spawn(void *(*fn)(void *), struct sc_call *c)
{
	struct sc_call *copy = malloc(sizeof(*copy));
	pthread_attr_t at;
	pthread_t t;
	int r;

	if (!copy)
		return -ENOMEM;
	*copy = *c;
	copy->fn = fn;
	copy->slot = -1;
	pthread_mutex_lock(&sc_waits_lock);
	for (int i = 0; i < SC_WAITS_MAX; i++) {
		if (!sc_waits[i]) {
			sc_waits[i] = copy;
			copy->slot = i;
			break;
		}
	}
	pthread_mutex_unlock(&sc_waits_lock);
	pthread_attr_init(&at);
	pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
	r = pthread_create(&t, &at, fn, copy);
	pthread_attr_destroy(&at);
	if (r) {
		sc_done(copy);
		return -r;
	}
	return 0;
}

/* In a supervisor just forked into the background: a thread again for each waiting call. */
static void sc_respawn(void)
{
	pthread_attr_t at;
	pthread_t t;

	pthread_mutex_init(&sc_waits_lock, NULL);
	pthread_mutex_init(&sup.lock, NULL);
	pthread_attr_init(&at);
	pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
	for (int i = 0; i < SC_WAITS_MAX; i++)
		if (sc_waits[i] && pthread_create(&t, &at, sc_waits[i]->fn, sc_waits[i]))
			sc_waits[i] = NULL;
	pthread_attr_destroy(&at);
}

/* A kernel IP socket's family and protocol if netcon carries it, else 0. */
static int sc_ip_proto(const struct sc_call *c, int *family)
{
	if (c->domain != AF_INET && c->domain != AF_INET6)
		return 0;
	*family = c->domain == AF_INET ? 4 : 6;
	return route_proto(c->domain, sc_sockopt(c->sock, SOL_SOCKET, SO_TYPE),
			   sc_sockopt(c->sock, SOL_SOCKET, SO_PROTOCOL));
}

static int sc_route(const struct nc_addr *a, enum route_op op)
{
	return route_virtual(a, op, sup.listen_host, sup.routes, sup.nroutes);
}

/* Connects we made, by the inode of the program's end: a failed one is no longer known by its
 * inode to the daemon, and SO_ERROR must still ask it for the error (by the socket's id). */
#define SC_CONN_SLOTS 1024
static struct sc_conn {
	uint64_t ino, sockid;
	uint8_t family;
	bool nb; /* a non-blocking connect: the next connect() says 0 once it is done */
} sc_conns[SC_CONN_SLOTS];

static void sc_conn_note(int fd, uint64_t sockid, int family, bool nb)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return;
	pthread_mutex_lock(&sup.lock);
	sc_conns[st.st_ino % SC_CONN_SLOTS] = (struct sc_conn){
	    .ino = st.st_ino, .sockid = sockid, .family = (uint8_t)family, .nb = nb};
	pthread_mutex_unlock(&sup.lock);
}

/* A connect() on a socket whose non-blocking connect is done: true the first time (Linux then
 * answers 0, EISCONN after). */
static bool sc_conn_nb_done(int fd)
{
	struct sc_conn *e;
	struct stat st;
	bool nb = false;

	if (fstat(fd, &st) < 0)
		return false;
	pthread_mutex_lock(&sup.lock);
	e = &sc_conns[st.st_ino % SC_CONN_SLOTS];
	if (e->ino == st.st_ino) {
		nb = e->nb;
		e->nb = false;
	}
	pthread_mutex_unlock(&sup.lock);
	return nb;
}

static bool sc_conn_take(int fd, struct nc_sock_req *req)
{
	struct sc_conn *e;
	struct stat st;
	bool found = false;

	if (fstat(fd, &st) < 0)
		return false;
	pthread_mutex_lock(&sup.lock);
	e = &sc_conns[st.st_ino % SC_CONN_SLOTS];
	if (e->ino == st.st_ino) {
		/* Reported once; after that 0, as the kernel (sockid 0: nothing to ask). */
		req->sockid = e->sockid;
		req->family = e->family;
		req->proto = NC_PROTO_TCP;
		e->sockid = 0;
		found = true;
	}
	pthread_mutex_unlock(&sup.lock);
	return found;
}

/* connect() on an fd the daemon has let go of: a failed connect is reported once more, as
 * Linux's second connect returns the socket's error; anything else goes to the kernel. */
static void sc_connect_failed(struct sc_call *c)
{
	struct nc_sock_reply rep;
	struct nc_sock_req req;
	int err = ECONNABORTED;

	memset(&req, 0, sizeof(req));
	if (c->domain != AF_UNIX || !sc_conn_take(c->sock, &req)) {
		sc_continue(c);
		return;
	}
	req.h.type = NC_GETERR;
	if (req.sockid && sc_call_daemon(&req, sizeof(req), &rep, sizeof(rep), NULL) == 0 &&
	    rep.error)
		err = rep.error;
	sc_reply(c, 0, err);
}

static void sc_connect(struct sc_call *c)
{
	struct nc_sock_reply rep;
	struct nc_sock_req req;
	struct nc_addr a;
	int family = 0, proto, r, newfd, fl;

	memset(&req, 0, sizeof(req));
	proto = sc_ip_proto(c, &family);
	if (!proto) {
		if (sc_lookup(c, &rep) < 0) {
			sc_connect_failed(c);
			return;
		}
		if (rep.proto == NC_PROTO_TCP && rep.state == NC_ST_LISTEN) {
			sc_reply(c, 0, EISCONN);
			return;
		}
		if (rep.proto == NC_PROTO_TCP && rep.state != NC_ST_BOUND) {
			/* Already connected: what the kernel says of a second connect. */
			if (rep.state == NC_ST_CONNECTING)
				sc_reply(c, 0, EALREADY);
			else
				sc_reply(c, 0, sc_conn_nb_done(c->sock) ? 0 : EISCONN);
			return;
		}
		/* A bound TCP socket connects from its address; UDP may connect again, elsewhere
		 * on the virtual network: a fresh socket. */
		family = rep.family;
		proto = rep.proto;
		if (proto == NC_PROTO_TCP) {
			req.sockid = rep.sockid;
			req.opts = rep.opts;
		}
	}
	r = sc_get_addr(c, c->n.data.args[1], c->n.data.args[2], &a);
	if (!sc_valid(c))
		return;
	if (c->domain == AF_UNIX) {
		if (r == -EAFNOSUPPORT || (r == 0 && !sc_route(&a, ROUTE_DEST)) ||
		    (r < 0 && r != -EFAULT)) {
			/* AF_UNSPEC keeps the old peer; back to the host it cannot go. */
			sc_reply(c, 0, r == -EAFNOSUPPORT ? 0 : r < 0 ? -r : ENETUNREACH);
			return;
		}
	}
	/* An IPv4 address on an IPv6 socket arrives v4-mapped and comes back as 4. */
	if (r < 0 || (a.family != family && !(family == 6 && a.family == 4)) ||
	    (addr_is_linklocal6(&a) && !a.scope)) {
		sc_continue(c); /* the kernel says what is wrong with it */
		return;
	}
	if (!sc_route(&a, ROUTE_DEST)) {
		r = route_refusal(&a, ROUTE_DEST, sup.isolate);
		if (r)
			sc_reply(c, 0, r);
		else
			sc_continue(c);
		return;
	}
	fl = fcntl(c->sock, F_GETFL);
	{
		uint64_t sockid = req.sockid;
		struct nc_opts o = req.opts;

		sc_req(&req, NC_CONNECT, family, proto);
		req.sockid = sockid;
		if (sockid)
			req.opts = o;
		else
			sc_opts_from(c->sock, &req.opts);
	}
	req.addr = a;
	if (fl >= 0 && (fl & O_NONBLOCK))
		req.opts.flags |= NC_OPT_NONBLOCK;
	r = sc_call_daemon(&req, sizeof(req), &rep, sizeof(rep), &newfd);
	if (r < 0) {
		sc_reply(c, 0, r == -ENOTCONN ? ENETUNREACH : -r);
		return;
	}
	r = sc_swap(c, newfd);
	if (r < 0) {
		close(newfd);
		sc_reply(c, 0, -r == ENOENT ? EBADF : -r);
		return;
	}
	log_debug("seccomp: pid %u fd %d: connect through the daemon", c->n.pid,
		  (int)c->n.data.args[0]);
	sc_conn_note(newfd, rep.sockid, family, fl >= 0 && (fl & O_NONBLOCK));
	if (proto == NC_PROTO_UDP) {
		close(newfd);
		sc_reply(c, 0, 0); /* no handshake */
		return;
	}
	if (fl >= 0 && (fl & O_NONBLOCK)) {
		close(newfd);
		sc_reply(c, 0, EINPROGRESS);
		return;
	}
	c->newfd = newfd;
	c->family = family;
	c->sockid = rep.sockid;
	if (sc_spawn(sc_connect_wait, c) < 0) {
		close(newfd);
		sc_reply(c, 0, ENOMEM);
	}
}

static void sc_mc_carry(int sock, int family, uint64_t sockid);

static void sc_bind(struct sc_call *c)
{
	struct nc_sock_reply rep;
	struct nc_sock_req req;
	struct nc_addr a;
	int family = 0, proto, r, newfd;

	proto = sc_ip_proto(c, &family);
	if (!proto) {
		sc_continue(c);
		return;
	}
	r = sc_get_addr(c, c->n.data.args[1], c->n.data.args[2], &a);
	if (!sc_valid(c))
		return;
	if (r < 0 || a.family != family) {
		/* An IPv4 address on an IPv6 socket arrives v4-mapped and comes back as 4. */
		if (!(r == 0 && family == 6 && a.family == 4)) {
			sc_continue(c);
			return;
		}
	}
	if (!sc_route(&a, ROUTE_BIND)) {
		r = route_refusal(&a, ROUTE_BIND, sup.isolate);
		if (r)
			sc_reply(c, 0, r);
		else
			sc_continue(c);
		return;
	}
	sc_req(&req, NC_BIND, family, proto);
	sc_opts_from(c->sock, &req.opts);
	req.addr = a;
	r = sc_call_daemon(&req, sizeof(req), &rep, sizeof(rep), &newfd);
	if (r < 0) {
		sc_reply(c, 0, r == -ENOTCONN ? EADDRNOTAVAIL : -r);
		return;
	}
	r = sc_swap(c, newfd);
	close(newfd);
	if (r == 0 && proto == NC_PROTO_UDP)
		sc_mc_carry(c->sock, family, rep.sockid);
	sc_reply(c, 0, r < 0 ? -r : 0);
}

/* shutdown() on a virtual socket: the shared decision (route_shutdown), else the unix end. */
static void sc_shutdown(struct sc_call *c)
{
	struct nc_sock_reply rep;
	int r;

	if (sc_lookup(c, &rep) < 0 || (r = route_shutdown(rep.state, (int)c->n.data.args[1])) > 0)
		sc_continue(c);
	else
		sc_reply(c, 0, -r);
}

static void sc_listen(struct sc_call *c)
{
	struct nc_sock_reply rep;
	struct nc_sock_req req;
	int family = 0, proto, r, newfd;
	int backlog = (int)c->n.data.args[1];

	proto = sc_ip_proto(c, &family);
	if (proto == NC_PROTO_TCP) {
		struct sockaddr_storage ss;
		socklen_t l = sizeof(ss);

		/* listen() without bind() picks a port on the wildcard: ours, unless
		 * --listen-host. A socket bound on the host stays there. */
		if (sup.listen_host || getsockname(c->sock, (struct sockaddr *)&ss, &l) < 0 ||
		    (ss.ss_family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
					     : ((struct sockaddr_in6 *)&ss)->sin6_port) != 0) {
			sc_continue(c);
			return;
		}
		sc_req(&req, NC_LISTEN, family, proto);
		sc_opts_from(c->sock, &req.opts);
		req.addr.family = (uint8_t)family;
	} else if (proto == 0 && sc_lookup(c, &rep) == 0) {
		if (rep.state == NC_ST_LISTEN) {
			sc_reply(c, 0, 0); /* again, as nginx does: the backlog stays */
			return;
		}
		if (rep.proto != NC_PROTO_TCP) {
			sc_reply(c, 0, EOPNOTSUPP);
			return;
		}
		if (rep.state != NC_ST_BOUND) {
			sc_reply(c, 0, EINVAL);
			return;
		}
		sc_req(&req, NC_LISTEN, rep.family, NC_PROTO_TCP);
		req.sockid = rep.sockid;
		req.opts = rep.opts;
	} else {
		sc_continue(c);
		return;
	}
	req.backlog = backlog <= 0 ? 1 : backlog > 65535 ? 65535 : backlog;
	r = sc_call_daemon(&req, sizeof(req), &rep, sizeof(rep), &newfd);
	if (r < 0) {
		sc_reply(c, 0, r == -ENOTCONN ? EADDRINUSE : -r);
		return;
	}
	r = sc_swap(c, newfd);
	close(newfd);
	sc_reply(c, 0, r < 0 ? -r : 0);
}

/* One connection from a virtual listener: its fd becomes the call's result. 0 if done, or
 * -EAGAIN if none is waiting. */
static int sc_accept_one(struct sc_call *c, int family, bool wait)
{
	int flags = c->n.data.nr == SYS_accept4 ? (int)c->n.data.args[3] : 0;
	struct nc_accept_msg m;
	int cfd = -1, nfd = 1, r;
	const char *why;
	ssize_t n;

	for (;;) {
		nfd = 1;
		n = fdpass_recv(c->sock, &m, sizeof(m), &cfd, &nfd,
				MSG_CMSG_CLOEXEC | (wait ? 0 : MSG_DONTWAIT));
		if (n < 0)
			return (int)n;
		if (n == 0)
			return -EINVAL; /* the daemon closed the listener */
		if (nfd == 1 && rpc_check_reply(&m, (size_t)n, NC_ACCEPT, &why) >= 0)
			break;
		if (nfd == 1)
			close(cfd);
	}
	if (flags & SOCK_NONBLOCK)
		fcntl(cfd, F_SETFL, O_NONBLOCK);
	r = sc_put_addr(c, &m.peer, family, c->n.data.args[1], c->n.data.args[2]);
	if (r < 0) {
		close(cfd);
		sc_reply(c, 0, -r);
		return 0;
	}
	r = sc_sendfd(c, cfd, flags & SOCK_CLOEXEC);
	close(cfd);
	if (r < 0 && r != -ENOENT)
		sc_reply(c, 0, -r);
	return 0;
}

static void *sc_accept_wait(void *arg)
{
	struct sc_call *c = arg;
	struct pollfd p = {.fd = c->sock, .events = POLLIN};

	for (;;) {
		int r = poll(&p, 1, 1000);

		if (!sc_valid(c))
			break;
		if (r <= 0)
			continue;
		r = sc_accept_one(c, c->family, false);
		if (r == -EAGAIN)
			continue; /* another process took it */
		if (r < 0)
			sc_reply(c, 0, -r);
		break;
	}
	close(c->sock);
	sc_done(c);
	return NULL;
}

static void sc_accept(struct sc_call *c)
{
	struct nc_sock_reply rep;
	int r, fl;

	if (sc_lookup(c, &rep) < 0) {
		sc_continue(c);
		return;
	}
	if (rep.state != NC_ST_LISTEN ||
	    (c->n.data.nr == SYS_accept4 &&
	     ((int)c->n.data.args[3] & ~(SOCK_NONBLOCK | SOCK_CLOEXEC)))) {
		sc_reply(c, 0, EINVAL);
		return;
	}
	r = sc_accept_one(c, rep.family, false);
	if (r != -EAGAIN) {
		if (r < 0)
			sc_reply(c, 0, -r);
		return;
	}
	fl = fcntl(c->sock, F_GETFL);
	if (fl >= 0 && (fl & O_NONBLOCK)) {
		sc_reply(c, 0, EAGAIN);
		return;
	}
	c->family = rep.family;
	r = sc_spawn(sc_accept_wait, c);
	if (r < 0)
		sc_reply(c, 0, -r);
	else
		c->sock = -1; /* the thread has it */
}

static void sc_names(struct sc_call *c)
{
	struct nc_sock_reply rep;
	bool peer = c->n.data.nr == SYS_getpeername;
	int r;

	if (sc_lookup(c, &rep) < 0) {
		sc_continue(c);
		return;
	}
	if (peer && rep.state != NC_ST_CONNECTED && rep.state != NC_ST_CLOSING &&
	    rep.state != NC_ST_RESET) {
		sc_reply(c, 0, ENOTCONN);
		return;
	}
	r = sc_put_addr(c, peer ? &rep.peer : &rep.local, rep.family, c->n.data.args[1],
			c->n.data.args[2]);
	if (r == 0 && !c->n.data.args[1])
		r = -EFAULT;
	sc_reply(c, 0, r < 0 ? -r : 0);
}

static void sc_so_error(struct sc_call *c)
{
	struct nc_sock_reply rep;
	struct nc_sock_req req;
	int err = 0, r, len = sizeof(int);
	socklen_t room;

	memset(&req, 0, sizeof(req));
	if (sc_lookup(c, &rep) == 0) {
		sc_req(&req, NC_GETERR, rep.family, rep.proto);
		req.sockid = rep.sockid;
	} else if (sc_conn_take(c->sock, &req)) {
		/* A failed connect: the daemon has let go of the end, not of its error. */
		req.h.type = NC_GETERR;
	} else {
		sc_continue(c);
		return;
	}
	if (!req.sockid)
		req.h.type = 0;
	if (req.h.type && sc_call_daemon(&req, sizeof(req), &rep, sizeof(rep), NULL) == 0)
		err = rep.error;
	r = sc_peek((pid_t)c->n.pid, c->n.data.args[4], &room, sizeof(room));
	if (r == 0 && room < sizeof(int))
		r = -EINVAL;
	if (r == 0)
		r = sc_poke((pid_t)c->n.pid, c->n.data.args[3], &err, sizeof(err));
	if (r == 0)
		r = sc_poke((pid_t)c->n.pid, c->n.data.args[4], &len, sizeof(len));
	sc_reply(c, 0, r < 0 ? -r : 0);
}

/* The multicast sending options of virtual UDP sockets, by socket id: the daemon applies
 * them but does not report them back (the intercept keeps them in its fd table). */
#define SC_MC_SLOTS 256
static struct sc_mc {
	uint64_t sockid;
	struct sockopts_mc mc;
} sc_mcs[SC_MC_SLOTS];
static pthread_mutex_t sc_mc_lock = PTHREAD_MUTEX_INITIALIZER;

static void sc_mc_get(uint64_t sockid, struct sockopts_mc *mc)
{
	struct sc_mc *e = &sc_mcs[sockid % SC_MC_SLOTS];

	pthread_mutex_lock(&sc_mc_lock);
	if (e->sockid == sockid)
		*mc = e->mc;
	else
		memset(mc, 0, sizeof(*mc));
	pthread_mutex_unlock(&sc_mc_lock);
}

static void sc_mc_put(uint64_t sockid, const struct sockopts_mc *mc)
{
	struct sc_mc *e = &sc_mcs[sockid % SC_MC_SLOTS];

	pthread_mutex_lock(&sc_mc_lock);
	e->sockid = sockid;
	e->mc = *mc;
	pthread_mutex_unlock(&sc_mc_lock);
}

/* A kernel UDP socket that named one of our interfaces with IP_MULTICAST_IF (the kernel knows
 * none of them), by its cookie: its datagrams to groups go on the virtual network. */
static struct sc_mc sc_mcpend[SC_MC_SLOTS];

static uint64_t sc_cookie(int fd)
{
	uint64_t v = 0;
	socklen_t l = sizeof(v);

	return getsockopt(fd, SOL_SOCKET, SO_COOKIE, &v, &l) == 0 ? v : 0;
}

static bool sc_mc_pending(int sock, struct sockopts_mc *mc)
{
	uint64_t k = sc_cookie(sock);
	struct sc_mc *e = &sc_mcpend[k % SC_MC_SLOTS];
	bool hit;

	pthread_mutex_lock(&sc_mc_lock);
	hit = k && e->sockid == k;
	if (hit && mc)
		*mc = e->mc;
	pthread_mutex_unlock(&sc_mc_lock);
	return hit;
}

/* IP_MULTICAST_IF on a kernel UDP socket naming a virtual interface: kept for when the socket
 * turns virtual. 1 if taken (answered), 0 if the kernel is to answer. */
static int sc_mc_if_kernel(struct sc_call *c, int level, int name)
{
	socklen_t len = (socklen_t)c->n.data.args[4];
	struct nc_mcast_req req;
	struct sockopts_mc mc;
	int family = 0, r;
	uint64_t k;
	char val[64];

	if (!(level == IPPROTO_IP && name == IP_MULTICAST_IF) &&
	    !(level == IPPROTO_IPV6 && name == IPV6_MULTICAST_IF))
		return 0;
	if (sc_ip_proto(c, &family) != NC_PROTO_UDP || (int)len < 0 || !c->n.data.args[3])
		return 0;
	if (len > sizeof(val))
		len = sizeof(val);
	memset(&mc, 0, sizeof(mc));
	sc_mc_pending(c->sock, &mc);
	if (sc_peek((pid_t)c->n.pid, c->n.data.args[3], val, len) < 0 || !sc_valid(c) ||
	    sockopts_mcast(&mc, family, level, name, val, len, &req) != SOCKOPTS_MC_TX ||
	    !route_mcast_if(mc.ifindex, &mc.ifaddr, sup.listen_host, sup.routes, sup.nroutes))
		return 0;
	k = sc_cookie(c->sock);
	if (!k)
		return 0;
	pthread_mutex_lock(&sc_mc_lock);
	sc_mcpend[k % SC_MC_SLOTS] = (struct sc_mc){.sockid = k, .mc = mc};
	pthread_mutex_unlock(&sc_mc_lock);
	r = sc_reply(c, 0, 0);
	(void)r;
	return 1;
}

/* A kernel UDP socket just made virtual (sock: the kernel socket, sockid: the new one): the
 * multicast sending options the program set on it, carried to the daemon. */
static void sc_mc_carry(int sock, int family, uint64_t sockid)
{
	struct nc_mcast_req req;
	struct sockopts_mc mc;
	struct nc_hdr h;
	int ttl, loop;

	memset(&mc, 0, sizeof(mc));
	if (!sc_mc_pending(sock, &mc)) {
		ttl = sc_sockopt(sock, family == 4 ? IPPROTO_IP : IPPROTO_IPV6,
				 family == 4 ? IP_MULTICAST_TTL : IPV6_MULTICAST_HOPS);
		loop = sc_sockopt(sock, family == 4 ? IPPROTO_IP : IPPROTO_IPV6,
				  family == 4 ? IP_MULTICAST_LOOP : IPV6_MULTICAST_LOOP);
		if (ttl == SOCKOPTS_MC_TTL && loop == SOCKOPTS_MC_LOOP)
			return;
		mc.set = 1;
		mc.ttl = (uint8_t)ttl;
		mc.loop = (uint8_t) !!loop;
	}
	memset(&req, 0, sizeof(req));
	req.h.type = NC_MCAST;
	req.sockid = sockid;
	req.op = NC_MC_TX;
	req.ttl = mc.ttl;
	req.loop = mc.loop;
	req.ifindex = mc.ifindex;
	req.ifaddr = mc.ifaddr;
	if (sc_call_daemon(&req, sizeof(req), &h, sizeof(h), NULL) == 0)
		sc_mc_put(sockid, &mc);
}

/* A multicast option on a virtual socket, as the intercept carries it: a group joined or left
 * through the daemon, or the sending options told to it. */
static void sc_mcast(struct sc_call *c, const struct nc_sock_reply *rep, int level, int name,
		     const void *val, socklen_t len)
{
	struct nc_mcast_req req;
	struct sockopts_mc mc;
	struct nc_hdr h;
	int r;

	if (rep->proto != NC_PROTO_UDP) {
		/* TCP takes the sending options and does nothing with them; groups are EPROTO,
		 * as Linux answers for connection-oriented sockets. */
		r = name == IP_ADD_MEMBERSHIP || name == IPV6_ADD_MEMBERSHIP ||
		    name == IP_DROP_MEMBERSHIP || name == IPV6_DROP_MEMBERSHIP;
		sc_reply(c, 0, r ? EPROTO : 0);
		return;
	}
	memset(&req, 0, sizeof(req));
	sc_mc_get(rep->sockid, &mc);
	r = sockopts_mcast(&mc, rep->family, level, name, val, len, &req);
	if (r == SOCKOPTS_MC_TX) {
		req.op = NC_MC_TX;
		req.ttl = mc.ttl;
		req.loop = mc.loop;
		req.ifindex = mc.ifindex;
		req.ifaddr = mc.ifaddr;
	}
	if (r > 0) {
		req.h.type = NC_MCAST;
		req.sockid = rep->sockid;
		r = sc_call_daemon(&req, sizeof(req), &h, sizeof(h), NULL);
		if (r == -ENOTCONN)
			r = -ENOBUFS;
	}
	if (r == 0 && req.op == NC_MC_TX)
		sc_mc_put(rep->sockid, &mc);
	sc_reply(c, 0, r < 0 ? -r : 0);
}

/* getsockopt on a virtual socket: what the daemon's record of it says (common/sockopts.c),
 * as the intercept answers. */
static void sc_getopt(struct sc_call *c)
{
	int level = (int)c->n.data.args[1], name = (int)c->n.data.args[2], r;
	union {
		struct tcp_info ti;
		struct linger l;
		int i;
	} v;
	struct nc_sock_reply rep;
	struct sockopts_sock so;
	socklen_t room, put;

	if (level == SOL_SOCKET && name == SO_ERROR) {
		sc_so_error(c);
		return;
	}
	if (sc_lookup(c, &rep) < 0) {
		sc_continue(c);
		return;
	}
	r = c->n.data.args[4] ? sc_peek((pid_t)c->n.pid, c->n.data.args[4], &room, sizeof(room))
			      : -EFAULT;
	if (r == 0 && (int)room < 0)
		r = -EINVAL;
	if (r < 0) {
		sc_reply(c, 0, -r);
		return;
	}
	put = room < sizeof(v) ? room : sizeof(v);
	memset(&v, 0, sizeof(v));
	if (level == IPPROTO_TCP && name == TCP_INFO && rep.proto == NC_PROTO_TCP) {
		sockopts_tcp_info(rep.state, &v.ti);
	} else {
		memset(&so, 0, sizeof(so));
		so.family = rep.family;
		so.proto = rep.proto;
		so.listening = rep.state == NC_ST_LISTEN;
		so.opts = rep.opts;
		sc_mc_get(rep.sockid, &so.mc);
		r = sockopts_get(&so, level, name, &v, &put);
		if (r == SOCKOPTS_FD) {
			sc_continue(c);
			return;
		}
	}
	if (r == 0 && put)
		r = sc_poke((pid_t)c->n.pid, c->n.data.args[3], &v, put);
	if (r == 0)
		r = sc_poke((pid_t)c->n.pid, c->n.data.args[4], &put, sizeof(put));
	sc_reply(c, 0, r < 0 ? -r : 0);
}

/* setsockopt on a virtual socket: recorded and carried to the daemon (common/sockopts.c),
 * which keeps them for the next call to read back. */
static void sc_setopt(struct sc_call *c)
{
	int level = (int)c->n.data.args[1], name = (int)c->n.data.args[2], r;
	socklen_t len = (socklen_t)c->n.data.args[4];
	struct nc_sock_reply rep;
	struct nc_opt_req req;
	struct nc_opts old;
	struct nc_hdr h;
	char val[64];

	if (sc_lookup(c, &rep) < 0) {
		if (!sc_mc_if_kernel(c, level, name))
			sc_continue(c);
		return;
	}
	if ((int)len < 0) {
		sc_reply(c, 0, EINVAL);
		return;
	}
	if (len > sizeof(val))
		len = sizeof(val);
	memset(val, 0, sizeof(val));
	r = len && !c->n.data.args[3] ? -EFAULT
				      : sc_peek((pid_t)c->n.pid, c->n.data.args[3], val, len);
	if (!sc_valid(c))
		return;
	if (r == 0 && sockopts_is_mcast(level, name)) {
		sc_mcast(c, &rep, level, name, val, len);
		return;
	}
	if (r == 0 && level == IPPROTO_IPV6 && name == IPV6_V6ONLY) {
		sc_reply(c, 0, EINVAL); /* as the kernel: only before bind */
		return;
	}
	old = rep.opts;
	if (r == 0)
		r = sockopts_record(&rep.opts, level, name, val, len);
	/* The daemon keeps the record: told of every change, even one it does not act on. */
	if (r >= 0 && memcmp(&old, &rep.opts, sizeof(old)) != 0) {
		memset(&req, 0, sizeof(req));
		req.h.type = NC_SETOPT;
		req.sockid = rep.sockid;
		req.opts = rep.opts;
		r = sc_call_daemon(&req, sizeof(req), &h, sizeof(h), NULL);
		if (r == -ENOTCONN)
			r = -ENOBUFS;
	}
	sc_reply(c, 0, r < 0 ? -r : 0);
}

/* ---- unconnected UDP: each datagram behind an nc_dgram_hdr on the virtual end ---- */

#define SC_DGRAM_ROOM (sizeof(struct nc_dgram_hdr) + NC_DGRAM_MAX)

/* Is this kernel socket still free to turn virtual (not bound on the host yet)? */
static bool sc_unbound(int sock)
{
	struct sockaddr_storage ss;
	socklen_t l = sizeof(ss);

	if (getsockname(sock, (struct sockaddr *)&ss, &l) < 0)
		return false;
	return (ss.ss_family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
					: ((struct sockaddr_in6 *)&ss)->sin6_port) == 0;
}

/* The call went away while we read its memory: nothing to answer. */
#define SC_GONE (-ESRCH - 1000)

/* One datagram to `to` on a virtual unconnected UDP end, its bytes gathered from the program's
 * iovecs riov[0..niov) in one read. The bytes sent, or -errno, or SC_GONE. */
static ssize_t sc_udp_send(struct sc_call *c, int fd, const struct nc_addr *to,
			   const struct iovec *riov, size_t niov, int flags)
{
	struct nc_dgram_hdr h = {.magic = NC_DGRAM_MAGIC, .addr = *to};
	struct iovec iov[2], local;
	struct msghdr m;
	size_t len = 0, i;
	char *buf;
	ssize_t n;

	for (i = 0; i < niov; i++) {
		if (riov[i].iov_len > NC_DGRAM_MAX || len + riov[i].iov_len > NC_DGRAM_MAX)
			return -EMSGSIZE;
		len += riov[i].iov_len;
	}
	if (addr_is_any(to) || (!addr_is_multicast(to) && !sc_route(to, ROUTE_DEST)))
		return -ENETUNREACH; /* a virtual socket reaches only the virtual network */
	buf = malloc(len ? len : 1);
	if (!buf)
		return -ENOMEM;
	local = (struct iovec){buf, len};
	n = len ? process_vm_readv((pid_t)c->n.pid, &local, 1, riov, (unsigned long)niov, 0) : 0;
	if (n < 0 || (size_t)n != len || !sc_valid(c)) {
		free(buf);
		return !sc_valid(c) ? SC_GONE : -EFAULT;
	}
	iov[0] = (struct iovec){&h, sizeof(h)};
	iov[1] = (struct iovec){buf, len};
	memset(&m, 0, sizeof(m));
	m.msg_iov = iov;
	m.msg_iovlen = 2;
	n = sendmsg(fd, &m, (flags & (MSG_DONTWAIT | MSG_CONFIRM | MSG_MORE)) | MSG_NOSIGNAL);
	free(buf);
	if (n < 0)
		return -errno;
	return n >= (ssize_t)sizeof(h) ? n - (ssize_t)sizeof(h) : 0;
}

/* Where a datagram to the address at (aptr, alen) goes from the program's socket: SC_HOST (the
 * kernel sends it), or 0 with *fd the virtual end to send it on (a new end, made virtual as the
 * kernel binds on a first datagram, if *fd != c->sock: the caller closes it) and *a the
 * destination; or -errno for the program, or SC_GONE. */
#define SC_HOST 1
#define SC_STREAM 2 /* a virtual TCP socket: the bytes go on its stream (sc_stream_send) */
static int sc_udp_dest(struct sc_call *c, uint64_t aptr, uint64_t alen, struct nc_addr *a, int *fd)
{
	struct nc_sock_reply rep;
	struct nc_sock_req req;
	struct sc_kind k;
	int family = 0, proto, r, newfd;

	proto = sc_ip_proto(c, &family);
	if (proto == 0 && c->domain == AF_UNIX && sc_kind(c, &k) == 0 && k.proto) {
		/* Connected TCP ignores the address, as Linux; unconnected it is EPIPE. */
		if (k.proto == NC_PROTO_TCP)
			return k.state == NC_ST_BOUND || k.state == NC_ST_LISTEN ? -EPIPE
										 : SC_STREAM;
		if (k.state != NC_ST_BOUND)
			return SC_HOST; /* connected UDP: the kernel answers */
		r = sc_get_addr(c, aptr, alen, a);
		if (!sc_valid(c))
			return SC_GONE;
		if (r < 0 || (k.family == 4 && a->family != 4))
			return r == -EAFNOSUPPORT || r == 0 ? -EAFNOSUPPORT : -EINVAL;
		*fd = c->sock;
		return 0;
	}
	if (proto != NC_PROTO_UDP || !sc_unbound(c->sock))
		return SC_HOST;
	r = sc_get_addr(c, aptr, alen, a);
	if (!sc_valid(c))
		return SC_GONE;
	if (r < 0 || (a->family != family && !(family == 6 && a->family == 4)) ||
	    (addr_is_linklocal6(a) && !a->scope))
		return SC_HOST;
	if (addr_is_multicast(a) ? !sup.isolate && !sc_mc_pending(c->sock, NULL)
				 : !sc_route(a, ROUTE_DEST)) {
		r = addr_is_multicast(a) ? 0 : route_refusal(a, ROUTE_DEST, sup.isolate);
		return r ? -r : SC_HOST;
	}
	/* The first datagram binds the socket, as the kernel does: to the wildcard, port 0. */
	sc_req(&req, NC_BIND, family, NC_PROTO_UDP);
	sc_opts_from(c->sock, &req.opts);
	req.addr.family = (uint8_t)family;
	r = sc_call_daemon(&req, sizeof(req), &rep, sizeof(rep), &newfd);
	if (r < 0)
		return r == -ENOTCONN ? -ENETUNREACH : r;
	r = sc_swap(c, newfd);
	if (r < 0) {
		close(newfd);
		return r;
	}
	sc_mc_carry(c->sock, family, rep.sockid);
	*fd = newfd;
	return 0;
}

/* Answer a send: n bytes or -errno; nothing if the call is gone. */
static void sc_send_reply(struct sc_call *c, ssize_t n)
{
	if (n == SC_GONE)
		return;
	if (n < 0)
		sc_reply(c, 0, (int)-n);
	else
		sc_reply(c, n, 0);
}

#define SC_STREAM_MAX (256 * 1024) /* bytes one trapped send takes, as a short write */

/* The rest of a blocking send, in a thread: the program's socket has no room yet. */
static void *sc_stream_wait(void *arg)
{
	struct sc_call *c = arg;
	struct pollfd p = {.fd = c->sock, .events = POLLOUT};
	size_t done = 0;

	while (done < c->len) {
		ssize_t n;

		if (poll(&p, 1, 1000) <= 0) {
			if (!sc_valid(c))
				goto out;
			continue;
		}
		n = send(c->sock, c->buf + done, c->len - done, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n < 0 && errno != EAGAIN && errno != EINTR) {
			if (!done)
				sc_reply(c, 0, errno);
			break;
		}
		if (n > 0)
			done += (size_t)n;
	}
	if (done)
		sc_reply(c, (int64_t)done, 0);
out:
	free(c->buf);
	close(c->sock);
	sc_done(c);
	return NULL;
}

/* sendto/sendmsg with an address on a virtual TCP socket: Linux ignores the address, and the
 * kernel would refuse it on the socketpair end (EISCONN), so the bytes are sent from here. */
static void sc_stream_send(struct sc_call *c, const struct iovec *riov, size_t niov, int flags)
{
	struct iovec local;
	size_t len = 0;
	ssize_t n;
	char *buf;
	int fl, err;

	for (size_t i = 0; i < niov && len < SC_STREAM_MAX; i++)
		len +=
		    riov[i].iov_len < SC_STREAM_MAX - len ? riov[i].iov_len : SC_STREAM_MAX - len;
	buf = malloc(len ? len : 1);
	if (!buf) {
		sc_reply(c, 0, ENOMEM);
		return;
	}
	local = (struct iovec){buf, len};
	n = len ? process_vm_readv((pid_t)c->n.pid, &local, 1, riov, (unsigned long)niov, 0) : 0;
	if (!sc_valid(c) || n < 0) {
		if (sc_valid(c))
			sc_reply(c, 0, EFAULT);
		free(buf);
		return;
	}
	len = (size_t)n;
	n = send(c->sock, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL | (flags & (MSG_OOB | MSG_MORE)));
	err = n < 0 ? errno : 0;
	fl = fcntl(c->sock, F_GETFL);
	if (err == EAGAIN && !(flags & MSG_DONTWAIT) && fl >= 0 && !(fl & O_NONBLOCK)) {
		c->buf = buf;
		c->len = len;
		if (sc_spawn(sc_stream_wait, c) == 0) {
			c->sock = -1; /* the thread has it, and the buffer */
			return;
		}
		err = ENOMEM;
	}
	free(buf);
	if (err == EPIPE && !(flags & MSG_NOSIGNAL))
		syscall(SYS_tgkill, sc_tgid((pid_t)c->n.pid), (pid_t)c->n.pid, SIGPIPE);
	sc_reply(c, err ? -1 : n, err);
}

static void sc_sendto(struct sc_call *c)
{
	struct iovec riov = {(void *)(uintptr_t)c->n.data.args[1], (size_t)c->n.data.args[2]};
	struct nc_addr a;
	int fd = -1, r;

	r = sc_udp_dest(c, c->n.data.args[4], c->n.data.args[5], &a, &fd);
	if (r == SC_HOST) {
		sc_continue(c);
		return;
	}
	if (r == SC_STREAM) {
		sc_stream_send(c, &riov, 1, (int)c->n.data.args[3]);
		return;
	}
	sc_send_reply(c, r < 0 ? r : sc_udp_send(c, fd, &a, &riov, 1, (int)c->n.data.args[3]));
	if (r == 0 && fd != c->sock)
		close(fd);
}

/* A msghdr's iovecs, read once; at most IOV_MAX, as the kernel takes. The count or -errno. */
static int sc_get_iov(const struct sc_call *c, const struct msghdr *m, struct iovec *iov)
{
	int r;

	if (m->msg_iovlen > IOV_MAX)
		return -EMSGSIZE;
	if (!m->msg_iovlen)
		return 0;
	r = sc_peek((pid_t)c->n.pid, (uint64_t)(uintptr_t)m->msg_iov, iov,
		    m->msg_iovlen * sizeof(*iov));
	return r < 0 ? r : (int)m->msg_iovlen;
}

/* sendmsg(fd, msg, flags): trapped on every call, as the filter cannot see msg_name. Without a
 * name, or to a host address from a host socket, the kernel sends it (sc_handle looked first). */
static void sc_sendmsg(struct sc_call *c, const struct msghdr *m)
{
	struct iovec iov[IOV_MAX];
	struct nc_addr a;
	int fd = -1, r, n;

	r = sc_udp_dest(c, (uint64_t)(uintptr_t)m->msg_name, m->msg_namelen, &a, &fd);
	if (r == SC_HOST) {
		sc_continue(c);
		return;
	}
	if (r == SC_STREAM) {
		n = sc_get_iov(c, m, iov);
		if (n < 0)
			sc_send_reply(c, n);
		else
			sc_stream_send(c, iov, (size_t)n, (int)c->n.data.args[2]);
		return;
	}
	if (r == 0) {
		n = sc_get_iov(c, m, iov);
		sc_send_reply(
		    c, n < 0 ? n : sc_udp_send(c, fd, &a, iov, (size_t)n, (int)c->n.data.args[2]));
		if (fd != c->sock)
			close(fd);
		return;
	}
	sc_send_reply(c, r);
}

#define SC_MMSG_MAX 1024 /* UIO_MAXIOV: the kernel sends no more at once */

/* sendmmsg(fd, vec, vlen, flags): the first message decides, as a first sendto would; on a
 * virtual end each message goes as sendmsg would, msg_len written back, the count answered. */
static void sc_sendmmsg(struct sc_call *c, const struct mmsghdr *v, unsigned int vlen)
{
	struct iovec iov[IOV_MAX];
	uint64_t vec = c->n.data.args[1];
	struct nc_addr a;
	unsigned int i, sent = 0;
	int fd = -1, r, n;
	ssize_t len = 0;

	r = sc_udp_dest(c, (uint64_t)(uintptr_t)v[0].msg_hdr.msg_name, v[0].msg_hdr.msg_namelen, &a,
			&fd);
	if (r == SC_HOST || r == SC_STREAM) { /* TCP: the kernel answers (EISCONN) */
		sc_continue(c);
		return;
	}
	if (r < 0) {
		sc_send_reply(c, r);
		return;
	}
	for (i = 0; i < vlen; i++) {
		const struct msghdr *m = &v[i].msg_hdr;
		unsigned int ml;

		if (i > 0 && !m->msg_name)
			len = -EDESTADDRREQ;
		else if (i > 0)
			len = sc_get_addr(c, (uint64_t)(uintptr_t)m->msg_name, m->msg_namelen, &a);
		if (len >= 0) {
			n = sc_get_iov(c, m, iov);
			len = n < 0
				  ? n
				  : sc_udp_send(c, fd, &a, iov, (size_t)n, (int)c->n.data.args[3]);
		}
		if (len == SC_GONE)
			break;
		if (len < 0)
			break;
		ml = (unsigned int)len;
		if (sc_poke((pid_t)c->n.pid,
			    vec + i * sizeof(*v) + offsetof(struct mmsghdr, msg_len), &ml,
			    sizeof(ml)) < 0) {
			len = -EFAULT;
			break;
		}
		sent++;
	}
	if (len != SC_GONE)
		sc_send_reply(c, sent ? (ssize_t)sent : len);
	if (fd != c->sock)
		close(fd);
}

/* One datagram for recvfrom(fd, buf, len, flags, addr, alen): 0 if answered, -EAGAIN if none. */
static int sc_udp_recv_one(struct sc_call *c, bool hdr, const struct nc_addr *peer, int family,
			   bool wait)
{
	size_t room = (size_t)c->n.data.args[2];
	int flags = (int)c->n.data.args[3];
	struct nc_dgram_hdr h;
	struct iovec iov[2];
	struct msghdr m;
	size_t got, put;
	char *buf;
	ssize_t n;
	int r;

	buf = malloc(NC_DGRAM_MAX);
	if (!buf)
		return -ENOMEM;
	iov[0] = (struct iovec){&h, sizeof(h)};
	iov[1] = (struct iovec){buf, NC_DGRAM_MAX};
	memset(&m, 0, sizeof(m));
	m.msg_iov = hdr ? iov : iov + 1;
	m.msg_iovlen = hdr ? 2 : 1;
	n = recvmsg(c->sock, &m, (flags & MSG_PEEK) | (wait ? 0 : MSG_DONTWAIT));
	if (n < 0) {
		r = -errno;
		free(buf);
		return r;
	}
	if (hdr && (n < (ssize_t)sizeof(h) || h.magic != NC_DGRAM_MAGIC)) {
		free(buf);
		return -EAGAIN; /* not a datagram of ours: skip it */
	}
	got = (size_t)n - (hdr ? sizeof(h) : 0);
	put = got < room ? got : room;
	r = sc_poke((pid_t)c->n.pid, c->n.data.args[1], buf, put);
	free(buf);
	if (r == 0)
		r = sc_put_addr(c, hdr ? &h.addr : peer, family, c->n.data.args[4],
				c->n.data.args[5]);
	if (r < 0)
		sc_reply(c, 0, -r);
	else
		sc_reply(c, (flags & MSG_TRUNC) ? (int64_t)got : (int64_t)put, 0);
	return 0;
}

static void *sc_udp_recv_wait(void *arg)
{
	struct sc_call *c = arg;
	struct pollfd p = {.fd = c->sock, .events = POLLIN};

	for (;;) {
		int r = poll(&p, 1, 1000);

		if (!sc_valid(c))
			break;
		if (r <= 0)
			continue;
		r = sc_udp_recv_one(c, c->newfd, &c->peer, c->family, false);
		if (r == -EAGAIN)
			continue;
		if (r < 0)
			sc_reply(c, 0, -r);
		break;
	}
	close(c->sock);
	sc_done(c);
	return NULL;
}

/* One datagram off a virtual UDP end (c->newfd: with its header) into the program's msghdr
 * (m: our copy, at maddr in its memory): the bytes scattered over its iovecs, the source in
 * msg_name, and msg_namelen, msg_flags and msg_controllen written back as the kernel writes
 * them. What the call returns for it, or -errno (-EAGAIN: none waiting). */
static ssize_t sc_udp_msg_one(struct sc_call *c, uint64_t maddr, const struct msghdr *m, int flags)
{
	struct iovec *riov = NULL, local, iov[2];
	struct nc_dgram_hdr h;
	struct msghdr km;
	size_t room = 0, got, put;
	int niov, mflags = 0, r = 0;
	socklen_t nl;
	uint64_t zero = 0;
	char *buf = NULL;
	ssize_t n;

	if (m->msg_iovlen > IOV_MAX)
		return -EMSGSIZE;
	riov = malloc((m->msg_iovlen ? m->msg_iovlen : 1) * sizeof(*riov));
	buf = malloc(NC_DGRAM_MAX);
	niov = riov && buf ? sc_get_iov(c, m, riov) : -ENOMEM;
	if (niov < 0) {
		r = niov;
		goto out;
	}
	for (int i = 0; i < niov; i++)
		room += riov[i].iov_len < NC_DGRAM_MAX ? riov[i].iov_len : NC_DGRAM_MAX;
	iov[0] = (struct iovec){&h, sizeof(h)};
	iov[1] = (struct iovec){buf, NC_DGRAM_MAX};
	memset(&km, 0, sizeof(km));
	km.msg_iov = c->newfd ? iov : iov + 1;
	km.msg_iovlen = c->newfd ? 2 : 1;
	n = recvmsg(c->sock, &km, MSG_DONTWAIT | (flags & MSG_PEEK));
	if (n < 0) {
		r = -errno;
		goto out;
	}
	if (c->newfd && (n < (ssize_t)sizeof(h) || h.magic != NC_DGRAM_MAGIC)) {
		r = -EAGAIN; /* not a datagram of ours: skipped */
		goto out;
	}
	got = (size_t)n - (c->newfd ? sizeof(h) : 0);
	put = got < room ? got : room;
	if (got > room)
		mflags |= MSG_TRUNC;
	local = (struct iovec){buf, put};
	if (put && process_vm_writev((pid_t)c->n.pid, &local, 1, riov, (unsigned long)niov, 0) !=
		       (ssize_t)put) {
		r = -EFAULT;
		goto out;
	}
	if (m->msg_name) {
		r = sc_put_name(c, c->newfd ? &h.addr : &c->peer, c->family,
				(uint64_t)(uintptr_t)m->msg_name, m->msg_namelen);
		nl = (socklen_t)r;
		if (r >= 0)
			r = sc_poke((pid_t)c->n.pid, maddr + offsetof(struct msghdr, msg_namelen),
				    &nl, sizeof(nl));
		if (r < 0)
			goto out;
	}
	r = sc_poke((pid_t)c->n.pid, maddr + offsetof(struct msghdr, msg_flags), &mflags,
		    sizeof(mflags));
	if (r == 0)
		r = sc_poke((pid_t)c->n.pid, maddr + offsetof(struct msghdr, msg_controllen), &zero,
			    sizeof(m->msg_controllen));
	if (r == 0) {
		free(riov);
		free(buf);
		return (flags & MSG_TRUNC) ? (ssize_t)got : (ssize_t)put;
	}
out:
	free(riov);
	free(buf);
	return r;
}

/* recvmsg or recvmmsg on a virtual UDP end, with the headers read when it was trapped (c->buf,
 * c->len of them): 0 if answered, -EAGAIN if nothing waits. recvmmsg takes what waits once
 * one has come, as with MSG_WAITFORONE. */
static int sc_udp_msgs(struct sc_call *c)
{
	bool mm = c->n.data.nr == SYS_recvmmsg;
	int flags = (int)c->n.data.args[mm ? 3 : 2];
	unsigned int i;
	ssize_t n = 0;

	if (!mm) {
		n = sc_udp_msg_one(c, c->n.data.args[1], (const struct msghdr *)c->buf, flags);
		if (n == -EAGAIN)
			return -EAGAIN;
		sc_reply(c, n < 0 ? -1 : n, n < 0 ? (int)-n : 0);
		return 0;
	}
	for (i = 0; i < c->len; i++) {
		uint64_t at = c->n.data.args[1] + i * sizeof(struct mmsghdr);
		unsigned int ml;

		n = sc_udp_msg_one(c, at, &((const struct mmsghdr *)c->buf)[i].msg_hdr, flags);
		if (n < 0)
			break;
		ml = (unsigned int)n;
		if (sc_poke((pid_t)c->n.pid, at + offsetof(struct mmsghdr, msg_len), &ml,
			    sizeof(ml)) < 0) {
			n = -EFAULT;
			break;
		}
	}
	if (i == 0 && n == -EAGAIN)
		return -EAGAIN;
	sc_reply(c, i ? (int64_t)i : -1, i ? 0 : (int)-n);
	return 0;
}

static void *sc_udp_msgs_wait(void *arg)
{
	struct sc_call *c = arg;
	struct pollfd p = {.fd = c->sock, .events = POLLIN};

	for (;;) {
		int r = poll(&p, 1, 1000);

		if (!sc_valid(c))
			break;
		if (r > 0 && sc_udp_msgs(c) != -EAGAIN)
			break;
	}
	free(c->buf);
	close(c->sock);
	sc_done(c);
	return NULL;
}

/* recvmsg(fd, msg, flags), recvmmsg(fd, vec, vlen, flags, timeout): trapped on every call, as
 * the filter cannot see the socket; on anything but a virtual UDP end the kernel does it (one
 * look at the socket's cookie). */
static void sc_recvmsgs(struct sc_call *c)
{
	bool mm = c->n.data.nr == SYS_recvmmsg;
	int flags = (int)c->n.data.args[mm ? 3 : 2], r, fl;
	size_t each = mm ? sizeof(struct mmsghdr) : sizeof(struct msghdr);
	unsigned int n = mm ? (unsigned int)c->n.data.args[2] : 1;
	struct sc_kind k;

	if (c->domain != AF_UNIX || (flags & MSG_ERRQUEUE) || sc_kind(c, &k) < 0 ||
	    k.proto != NC_PROTO_UDP || (mm && !n)) {
		sc_continue(c);
		return;
	}
	if (n > SC_MMSG_MAX)
		n = SC_MMSG_MAX;
	c->buf = malloc(n * each);
	if (!c->buf) {
		sc_reply(c, 0, ENOMEM);
		return;
	}
	r = sc_peek((pid_t)c->n.pid, c->n.data.args[1], c->buf, n * each);
	if (!sc_valid(c))
		goto out;
	if (r < 0) {
		sc_reply(c, 0, -r);
		goto out;
	}
	c->len = n;
	c->newfd = k.state == NC_ST_BOUND; /* unconnected: a header in front */
	c->peer = k.peer;
	c->family = k.family;
	if (sc_udp_msgs(c) != -EAGAIN)
		goto out;
	fl = fcntl(c->sock, F_GETFL);
	if ((fl >= 0 && (fl & O_NONBLOCK)) || (flags & MSG_DONTWAIT)) {
		sc_reply(c, 0, EAGAIN);
		goto out;
	}
	if (sc_spawn(sc_udp_msgs_wait, c) == 0) {
		c->sock = -1; /* the thread has it, and the headers */
		return;
	}
	sc_reply(c, 0, ENOMEM);
out:
	free(c->buf);
}

static void sc_recvfrom(struct sc_call *c)
{
	struct sc_kind rep;
	bool hdr;
	int r, fl;

	if (c->domain != AF_UNIX || sc_kind(c, &rep) < 0 || rep.proto != NC_PROTO_UDP) {
		sc_continue(c);
		return;
	}
	hdr = rep.state == NC_ST_BOUND;
	r = sc_udp_recv_one(c, hdr, &rep.peer, rep.family, false);
	if (r != -EAGAIN) {
		if (r < 0)
			sc_reply(c, 0, -r);
		return;
	}
	fl = fcntl(c->sock, F_GETFL);
	if ((fl >= 0 && (fl & O_NONBLOCK)) || ((int)c->n.data.args[3] & MSG_DONTWAIT)) {
		sc_reply(c, 0, EAGAIN);
		return;
	}
	c->newfd = hdr; /* the waiting thread's flag: a header in front */
	c->peer = rep.peer;
	c->family = rep.family;
	r = sc_spawn(sc_udp_recv_wait, c);
	if (r < 0)
		sc_reply(c, 0, -r);
	else
		c->sock = -1; /* the thread has it */
}

/* sendmsg and sendmmsg: their headers, read once. Without a name in the (first) message the
 * kernel sends it, at the cost of this one read: false then, answered. */
static bool sc_msg_named(struct sc_call *c, struct msghdr *m, struct mmsghdr **v,
			 unsigned int *vlen)
{
	int r;

	if (c->n.data.nr == SYS_sendmsg) {
		r = sc_peek((pid_t)c->n.pid, c->n.data.args[1], m, sizeof(*m));
	} else {
		*vlen = (unsigned int)c->n.data.args[2];
		if (*vlen > SC_MMSG_MAX)
			*vlen = SC_MMSG_MAX;
		*v = *vlen ? calloc(*vlen, sizeof(**v)) : NULL;
		r = *v ? sc_peek((pid_t)c->n.pid, c->n.data.args[1], *v, *vlen * sizeof(**v)) : -1;
		if (r == 0)
			*m = (*v)[0].msg_hdr;
	}
	if (r < 0 || !m->msg_name) {
		sc_continue(c); /* the kernel gives EFAULT, or sends it */
		return false;
	}
	return true;
}

static void sc_handle(struct sc_call *c)
{
	int fd = (int)c->n.data.args[0];
	struct mmsghdr *v = NULL;
	unsigned int vlen = 0;
	struct msghdr m;

	if ((c->n.data.nr == SYS_sendmsg || c->n.data.nr == SYS_sendmmsg) &&
	    !sc_msg_named(c, &m, &v, &vlen)) {
		free(v);
		return;
	}
	c->sock = sc_getfd((pid_t)c->n.pid, fd);
	if (c->sock < 0) {
		/* Not an fd (EBADF), or the program is gone: the kernel answers either way. */
		sc_continue(c);
		return;
	}
	c->domain = sc_sockopt(c->sock, SOL_SOCKET, SO_DOMAIN);
	switch (c->n.data.nr) {
	case SYS_connect:
		sc_connect(c);
		break;
	case SYS_bind:
		sc_bind(c);
		break;
	case SYS_listen:
		sc_listen(c);
		break;
	case SYS_shutdown:
		sc_shutdown(c);
		break;
	case SYS_accept:
	case SYS_accept4:
		sc_accept(c);
		break;
	case SYS_getsockname:
	case SYS_getpeername:
		sc_names(c);
		break;
	case SYS_getsockopt:
		sc_getopt(c);
		break;
	case SYS_setsockopt:
		sc_setopt(c);
		break;
	case SYS_sendto:
		sc_sendto(c);
		break;
	case SYS_recvfrom:
		sc_recvfrom(c);
		break;
	case SYS_sendmsg:
		sc_sendmsg(c, &m);
		break;
	case SYS_sendmmsg:
		sc_sendmmsg(c, v, vlen);
		break;
	case SYS_recvmsg:
	case SYS_recvmmsg:
		sc_recvmsgs(c);
		break;
	default:
		sc_continue(c);
		break;
	}
	free(v);
	if (c->sock >= 0)
		close(c->sock);
}

/* ---- the loop ---- */

static int sc_status(int st)
{
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return 1;
}

/* After the program has gone but others with the filter are left (a daemonised server): the
 * caller gets the program's status now, a background supervisor carries on. */
static bool sc_background(void)
{
	pid_t p = fork();
	int null;

	if (p != 0)
		return false;
	setsid();
	sc_respawn();
	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
		if (log_threshold < LOG_LVL_INFO)
			dup2(null, 2);
		close(null);
	}
	return true;
}

/* The child's listener: its number comes by read, the file by pidfd_getfd (see
 * seccomp_install), then a byte back lets the child go on. 1 if taken, 0 if the child said
 * nothing (it failed, and said why), -errno. */
static int sc_take_listener(pid_t pid, int sock)
{
	int fd, pfd;
	ssize_t n = read(sock, &fd, sizeof(fd));

	if (n <= 0)
		return n < 0 ? -errno : 0;
	if (n != (ssize_t)sizeof(fd))
		return -EPROTO;
	pfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pfd < 0)
		return -errno;
	sup.listener = (int)syscall(SYS_pidfd_getfd, pfd, fd, 0);
	close(pfd);
	if (sup.listener < 0)
		return -errno;
	return write(sock, "L", 1) == 1 ? 1 : -errno;
}

int seccomp_supervise(const struct seccomp_opts *o, pid_t pid, int sock)
{
	struct seccomp_notif_sizes sizes;
	int status = 0, r, child;
	bool reaped = false, background = false;

	sup.isolate = o->isolate;
	sup.listen_host = o->listen_host;
	r = sc_take_listener(pid, sock);
	close(sock);
	if (r <= 0) {
		/* The child said why on stderr before it exited. */
		waitpid(pid, &status, 0);
		return r == 0 && WIFEXITED(status) ? WEXITSTATUS(status) : 1;
	}
	if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) < 0 ||
	    sizes.seccomp_notif > sizeof(struct seccomp_notif))
		log_warn("seccomp: the kernel's notification is larger than ours");
	sc_defbuf_init();
	r = sc_hello(o->home);
	if (r < 0) {
		fprintf(stderr, "netcon run: no netcon daemon answers at %s: %s\n", o->home,
			strerror(-r));
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	/* The child's exit wakes the loop (a pidfd is readable then); without one, a poll tick. */
	child = (int)syscall(SYS_pidfd_open, pid, 0);
	for (;;) {
		struct pollfd p[2] = {{.fd = sup.listener, .events = POLLIN},
				      {.fd = reaped ? -1 : child, .events = POLLIN}};

		if (!reaped) {
			pid_t w = waitpid(pid, &status, WNOHANG);

			if (w == pid) {
				struct pollfd q = {.fd = sup.listener, .events = POLLIN};

				reaped = true;
				/* Others with the filter left (a daemonised server)? */
				if (poll(&q, 1, 0) == 1 && (q.revents & POLLHUP) &&
				    !(q.revents & POLLIN))
					break;
				if (!sc_background())
					return sc_status(status);
				background = true;
			}
		}
		r = poll(p, 2, reaped || child >= 0 ? -1 : 100);
		if (r < 0 && errno != EINTR)
			break;
		if (r <= 0)
			continue;
		if (p[0].revents & POLLIN) {
			struct sc_call call;

			memset(&call, 0, sizeof(call));
			call.sock = -1;
			if (ioctl(sup.listener, SECCOMP_IOCTL_NOTIF_RECV, &call.n) < 0)
				continue; /* ENOENT: the caller died meanwhile */
			sc_handle(&call);
			continue;
		}
		if (p[0].revents & (POLLHUP | POLLERR)) {
			/* No process with the filter is left. */
			if (!reaped)
				waitpid(pid, &status, 0);
			break;
		}
	}
	if (background)
		_exit(0);
	return sc_status(status);
}
