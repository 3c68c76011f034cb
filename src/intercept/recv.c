// SPDX-License-Identifier: BSD-2-Clause
/* The receive calls: the kernel answers; an EOF on a connection the peer reset becomes ECONNRESET. */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "common/addr.h"
#include "intercept/intercept.h"

/*
 * A virtual connection is a unix socketpair end: when the peer resets it, the daemon closes its
 * end and the program reads EOF. The daemon's reset table says which of those EOFs were resets.
 * It is consulted only when a read returned 0 on a virtual connection, with no syscall: sshd's
 * seccomp-confined child reads its socket too.
 */
static const uint32_t *reset_tab;

extern void __chk_fail(void) __attribute__((noreturn));

void recv_map_reset(int fd)
{
	size_t size = (size_t)NC_RST_SLOTS * sizeof(uint32_t);
	struct stat st;

	if (!__atomic_load_n(&reset_tab, __ATOMIC_ACQUIRE) && fstat(fd, &st) == 0 &&
	    st.st_size >= (off_t)size) {
		void *p = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);

		if (p != MAP_FAILED)
			__atomic_store_n(&reset_tab, (const uint32_t *)p, __ATOMIC_RELEASE);
	}
	REAL(close)(fd);
}

bool recv_take_reset(struct fdent *e)
{
	const uint32_t *t = __atomic_load_n(&reset_tab, __ATOMIC_ACQUIRE);

	if (!t || !e || !e->rst_slot || e->rst_slot >= NC_RST_SLOTS || (e->flags & FDF_RST_SEEN) ||
	    e->proto == NC_PROTO_UDP || (e->state != FD_CONNECTED && e->state != FD_CONNECTING))
		return false;
	if (__atomic_load_n(&t[e->rst_slot], __ATOMIC_ACQUIRE) != (e->rst_gen | NC_RST_RESET))
		return false;
	e->flags |= FDF_RST_SEEN; /* once, then EOF, as Linux does */
	return true;
}

/* Connected UDP: has an ICMP port unreachable come (the daemon marked the slot), not yet
 * reported? */
bool recv_refused_pending(const struct fdent *e)
{
	const uint32_t *t = __atomic_load_n(&reset_tab, __ATOMIC_ACQUIRE);

	return t && e && e->proto == NC_PROTO_UDP && e->state == FD_CONNECTED && e->rst_slot &&
	       e->rst_slot < NC_RST_SLOTS && !(e->flags & FDF_RST_SEEN) &&
	       __atomic_load_n(&t[e->rst_slot], __ATOMIC_ACQUIRE) == (e->rst_gen | NC_RST_RESET);
}

bool recv_take_refused(struct fdent *e, bool record_read)
{
	struct nc_sock_req req;
	struct nc_sock_reply rep;
	int saved = errno;

	if (!recv_refused_pending(e))
		return false;
	/* The daemon's empty record is still queued: the read that meets it skips it. */
	if (!record_read && e->udp_skip < UINT8_MAX)
		e->udp_skip++;
	e->flags |= FDF_RST_SEEN;
	/* Once per refusal: the daemon gives the socket a new generation for the next one. */
	memset(&req, 0, sizeof(req));
	req.h.type = NC_GETERR;
	req.sockid = e->sockid;
	req.family = e->family;
	req.proto = NC_PROTO_UDP;
	if (chan_call(&req, sizeof(req), &rep, sizeof(rep), NULL) == 0 && rep.rst_slot) {
		e->rst_slot = rep.rst_slot;
		e->rst_gen = rep.rst_gen;
		e->flags &= (uint8_t)~FDF_RST_SEEN;
	}
	errno = saved;
	return true;
}

/* recv_eof: read again (the daemon's wake-up record of a refusal already reported). */
#define RECV_AGAIN (-2)

/* A read that returned 0 for want > 0 bytes: EOF, or -1/ECONNRESET once after a reset. On
 * connected UDP an empty record: a datagram, or the daemon's word of a port unreachable. */
static ssize_t recv_eof(int fd, size_t want)
{
	struct fdent *e = fdtab_peek(fd);

	if (e && e->proto == NC_PROTO_UDP) {
		if (e->udp_skip) {
			e->udp_skip--;
			return RECV_AGAIN;
		}
		if (recv_take_refused(e, true)) {
			errno = ECONNREFUSED;
			return -1;
		}
		return 0;
	}
	if (want && recv_take_reset(e)) {
		errno = ECONNRESET;
		return -1;
	}
	return 0;
}

static size_t recv_iov_len(const struct iovec *iov, size_t n)
{
	size_t sum = 0;

	for (size_t i = 0; iov && i < n; i++)
		sum |= iov[i].iov_len;
	return sum;
}

/* glibc declares the fortified entry points only under _FORTIFY_SOURCE. */
ssize_t __read_chk(int fd, void *buf, size_t n, size_t buflen);
ssize_t __recv_chk(int fd, void *buf, size_t n, size_t buflen, int flags);
ssize_t __recvfrom_chk(int fd, void *buf, size_t n, size_t buflen, int flags, struct sockaddr *sa,
		       socklen_t *len);

/* An unconnected virtual UDP socket? (its entry is checked against the file only then) */
static struct fdent *recv_udp_entry(int fd)
{
	struct fdent *e = fdtab_peek(fd);

	if (!udp_hdr_mode(e))
		return NULL;
	e = fdtab_get(fd);
	return udp_hdr_mode(e) ? e : NULL;
}

/* read/recv/recvfrom on such a socket: one datagram, its header stripped. */
static ssize_t recv_udp(int fd, struct fdent *e, void *buf, size_t n, int flags,
			struct sockaddr *sa, socklen_t *len)
{
	struct iovec iov = {.iov_base = buf, .iov_len = n};
	struct msghdr m = {
	    .msg_name = sa, .msg_namelen = len ? *len : 0, .msg_iov = &iov, .msg_iovlen = 1};
	ssize_t r = udp_recvmsg(fd, e, &m, flags);

	if (r >= 0 && sa && len)
		*len = m.msg_namelen;
	return r;
}

NC_EXPORT ssize_t read(int fd, void *buf, size_t n)
{
	struct fdent *u = recv_udp_entry(fd);
	ssize_t r;

	if (u)
		return recv_udp(fd, u, buf, n, 0, NULL, NULL);
	do
		r = REAL(read)(fd, buf, n);
	while (r == 0 && (r = recv_eof(fd, n)) == RECV_AGAIN);
	return r;
}

NC_EXPORT ssize_t __read_chk(int fd, void *buf, size_t n, size_t buflen)
{
	struct fdent *u = recv_udp_entry(fd);
	ssize_t r;

	if (u) {
		if (n > buflen)
			__chk_fail();
		return recv_udp(fd, u, buf, n, 0, NULL, NULL);
	}
	do
		r = REAL(__read_chk)(fd, buf, n, buflen);
	while (r == 0 && (r = recv_eof(fd, n)) == RECV_AGAIN);
	return r;
}

NC_EXPORT ssize_t readv(int fd, const struct iovec *iov, int cnt)
{
	struct fdent *u = recv_udp_entry(fd);
	ssize_t r;

	if (u) {
		struct msghdr m = {.msg_iov = (struct iovec *)iov,
				   .msg_iovlen = cnt > 0 ? (size_t)cnt : 0};

		return udp_recvmsg(fd, u, &m, 0);
	}
	do
		r = REAL(readv)(fd, iov, cnt);
	while (r == 0 &&
	       (r = recv_eof(fd, cnt > 0 ? recv_iov_len(iov, (size_t)cnt) : 0)) == RECV_AGAIN);
	return r;
}

NC_EXPORT ssize_t recv(int fd, void *buf, size_t n, int flags)
{
	struct fdent *u = recv_udp_entry(fd);
	ssize_t r;

	if (u)
		return recv_udp(fd, u, buf, n, flags, NULL, NULL);
	do
		r = REAL(recv)(fd, buf, n, flags);
	while (r == 0 && (r = recv_eof(fd, n)) == RECV_AGAIN);
	return r;
}

NC_EXPORT ssize_t __recv_chk(int fd, void *buf, size_t n, size_t buflen, int flags)
{
	struct fdent *u = recv_udp_entry(fd);
	ssize_t r;

	if (u) {
		if (n > buflen)
			__chk_fail();
		return recv_udp(fd, u, buf, n, flags, NULL, NULL);
	}
	do
		r = REAL(__recv_chk)(fd, buf, n, buflen, flags);
	while (r == 0 && (r = recv_eof(fd, n)) == RECV_AGAIN);
	return r;
}

/* The source of what a virtual connection received, as Linux reports it: a connected UDP
 * socket's peer (truncated to *len, *len the full size), nothing for TCP (*len 0). The peer is
 * the entry's: a connected UDP socket hears only from it, so no datagram carries it. */
static void recv_conn_source(const struct fdent *e, struct sockaddr *sa, socklen_t *len)
{
	if (e->proto == NC_PROTO_UDP && e->state == FD_CONNECTED)
		addr_to_sockaddr(&e->peer, e->family == 4 ? AF_INET : AF_INET6, sa, len);
	else
		*len = 0;
}

/* The unix socket underneath would report an AF_UNIX source: the kernel gets no name buffer. */
NC_EXPORT ssize_t recvfrom(int fd, void *buf, size_t n, int flags, struct sockaddr *sa,
			   socklen_t *len)
{
	struct fdent *u = recv_udp_entry(fd), *e;
	ssize_t r;
	int saved;

	if (u)
		return recv_udp(fd, u, buf, n, flags, sa, len);
	if (!sa || !len || !cfg.active || fdtab_known_host(fd) || !(e = fdtab_resolve(fd))) {
		do
			r = REAL(recvfrom)(fd, buf, n, flags, sa, len);
		while (r == 0 && (r = recv_eof(fd, n)) == RECV_AGAIN);
		return r;
	}
	do
		r = REAL(recvfrom)(fd, buf, n, flags, NULL, NULL);
	while (r == 0 && (r = recv_eof(fd, n)) == RECV_AGAIN);
	saved = errno;
	if (r >= 0)
		recv_conn_source(e, sa, len);
	errno = saved;
	return r;
}

NC_EXPORT ssize_t __recvfrom_chk(int fd, void *buf, size_t n, size_t buflen, int flags,
				 struct sockaddr *sa, socklen_t *len)
{
	if (n > buflen)
		__chk_fail(); /* what glibc's own __recvfrom_chk does for an overflow */
	return recvfrom(fd, buf, n, flags, sa, len);
}

NC_EXPORT ssize_t recvmsg(int fd, struct msghdr *msg, int flags)
{
	struct fdent *u = msg ? recv_udp_entry(fd) : NULL, *e = NULL;
	socklen_t namelen = msg ? msg->msg_namelen : 0;
	ssize_t r;
	int saved;

	if (u)
		return udp_recvmsg(fd, u, msg, flags);
	if (msg && msg->msg_name && cfg.active && !fdtab_known_host(fd))
		e = fdtab_resolve(fd);
again:
	if (!e) {
		r = REAL(recvmsg)(fd, msg, flags);
	} else {
		void *name = msg->msg_name;

		msg->msg_name = NULL;
		msg->msg_namelen = 0;
		r = REAL(recvmsg)(fd, msg, flags);
		saved = errno;
		msg->msg_name = name;
		msg->msg_namelen = namelen;
		if (r >= 0)
			recv_conn_source(e, name, &msg->msg_namelen);
		errno = saved;
	}
	if (r == 0 && msg) {
		r = recv_eof(fd, recv_iov_len(msg->msg_iov, msg->msg_iovlen));
		if (r == RECV_AGAIN)
			goto again;
	}
	return r;
}
