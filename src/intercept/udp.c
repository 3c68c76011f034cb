// SPDX-License-Identifier: BSD-2-Clause
/* UDP data path of unconnected virtual sockets: a header in front of each datagram, by iovec. */
#include <errno.h>
#include <limits.h>
#include <unistd.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "common/addr.h"
#include "intercept/intercept.h"

/* Room for the program's iovecs behind our header. */
#define UDP_IOV_MAX 64
/* Datagrams one recvmmsg takes from a connected virtual UDP socket (their names kept aside). */
#define UDP_MMSG_MAX 64

ssize_t udp_sendmsg(int fd, struct fdent *e, const struct msghdr *msg, int flags)
{
	struct iovec iov[UDP_IOV_MAX + 1];
	struct nc_dgram_hdr h;
	struct msghdr m;
	ssize_t r;
	int saved;

	if (!msg->msg_name) {
		errno = EDESTADDRREQ;
		return -1;
	}
	if (msg->msg_iovlen > UDP_IOV_MAX) {
		errno = EMSGSIZE;
		return -1;
	}
	memset(&h, 0, sizeof(h));
	h.magic = NC_DGRAM_MAGIC;
	r = addr_from_sockaddr(&h.addr, msg->msg_name, msg->msg_namelen);
	if (r < 0) {
		errno = r == -EAFNOSUPPORT ? EAFNOSUPPORT : EINVAL;
		return -1;
	}
	if (e->family == 4 && h.addr.family != 4) {
		errno = EAFNOSUPPORT;
		return -1;
	}
	if (addr_is_linklocal6(&h.addr) && !h.addr.scope) {
		errno = EINVAL; /* which interface? */
		return -1;
	}
	if (addr_is_any(&h.addr) ||
	    (!addr_is_multicast(&h.addr) && icpt_virtual_addr(&h.addr, false) != 1)) {
		/* A virtual socket reaches only the virtual network. */
		errno = ENETUNREACH;
		return -1;
	}
	iov[0].iov_base = &h;
	iov[0].iov_len = sizeof(h);
	memcpy(iov + 1, msg->msg_iov, msg->msg_iovlen * sizeof(struct iovec));
	memset(&m, 0, sizeof(m));
	m.msg_iov = iov;
	m.msg_iovlen = msg->msg_iovlen + 1;
	r = REAL(sendmsg)(fd, &m, flags | MSG_NOSIGNAL);
	saved = errno;
	if (r >= (ssize_t)sizeof(h))
		r -= (ssize_t)sizeof(h);
	else if (r >= 0)
		r = 0;
	errno = saved;
	return r;
}

ssize_t udp_recvmsg(int fd, struct fdent *e, struct msghdr *msg, int flags)
{
	struct iovec iov[UDP_IOV_MAX + 1];
	struct nc_dgram_hdr h;
	struct msghdr m;
	ssize_t r;
	int saved;

	if (msg->msg_iovlen > UDP_IOV_MAX) {
		errno = EMSGSIZE;
		return -1;
	}
	for (;;) {
		iov[0].iov_base = &h;
		iov[0].iov_len = sizeof(h);
		memcpy(iov + 1, msg->msg_iov, msg->msg_iovlen * sizeof(struct iovec));
		memset(&m, 0, sizeof(m));
		m.msg_iov = iov;
		m.msg_iovlen = msg->msg_iovlen + 1;
		r = REAL(recvmsg)(fd, &m, flags);
		if (r < 0)
			return r;
		/* A record too short for a header is not a datagram of the daemon's: skip it
		 * (with MSG_PEEK it would come back, so report nothing rather than loop). */
		if ((size_t)r >= sizeof(h) && h.magic == NC_DGRAM_MAGIC)
			break;
		if (flags & MSG_PEEK) {
			errno = EAGAIN;
			return -1;
		}
	}
	saved = errno;
	msg->msg_flags = m.msg_flags;
	msg->msg_controllen = 0;
	if (msg->msg_name) {
		socklen_t len = msg->msg_namelen;

		addr_to_sockaddr(&h.addr, e->family == 4 ? AF_INET : AF_INET6, msg->msg_name, &len);
		msg->msg_namelen = len;
	}
	errno = saved;
	return r - (ssize_t)sizeof(h);
}

/* Why a send without an address on fd must fail (a positive errno), or 0 to let it through. The
 * common case, any fd that is not a virtual UDP socket, costs one look into the table. */
static int udp_plain_send_err(int fd)
{
	struct fdent *e = fdtab_peek(fd);

	if (!e || e->proto != NC_PROTO_UDP)
		return 0;
	if (e->flags & FDF_UDP_HDR) {
		/* Unconnected: the daemon would get a datagram without its header. */
		e = fdtab_get(fd);
		return udp_hdr_mode(e) ? EDESTADDRREQ : 0;
	}
	/* Connected: a port unreachable since the last call is this call's error, as in Linux.
	 * Only then is the entry checked against the file (a syscall). */
	if (!recv_refused_pending(e))
		return 0;
	e = fdtab_get(fd);
	return recv_take_refused(e, false) ? ECONNREFUSED : 0;
}

NC_EXPORT ssize_t write(int fd, const void *buf, size_t n)
{
	int err = udp_plain_send_err(fd);

	if (err) {
		errno = err;
		return -1;
	}
	return REAL(write)(fd, buf, n);
}

NC_EXPORT ssize_t writev(int fd, const struct iovec *iov, int cnt)
{
	int err = udp_plain_send_err(fd);

	if (err) {
		errno = err;
		return -1;
	}
	return REAL(writev)(fd, iov, cnt);
}

NC_EXPORT ssize_t send(int fd, const void *buf, size_t n, int flags)
{
	int err = udp_plain_send_err(fd);

	if (err) {
		errno = err;
		return -1;
	}
	return REAL(send)(fd, buf, n, flags);
}

/* sendmmsg/recvmmsg: one datagram at a time through the calls above, so each gets its header;
 * what is not an unconnected virtual UDP socket goes to the kernel in one call. */
NC_EXPORT int sendmmsg(int fd, struct mmsghdr *v, unsigned int n, int flags)
{
	struct fdent *e = cfg.active && v ? fdtab_peek(fd) : NULL;
	unsigned int i;

	/* Undecided sockets too: the first datagram may make the socket virtual. */
	if (e && e->proto == NC_PROTO_UDP && (e->state == FD_UNDECIDED || udp_hdr_mode(e)))
		e = fdtab_get(fd);
	else
		e = NULL;
	if (!e)
		return REAL(sendmmsg)(fd, v, n, flags);
	for (i = 0; i < n; i++) {
		ssize_t r = sendmsg(fd, &v[i].msg_hdr, flags);

		if (r < 0)
			return i ? (int)i : -1;
		v[i].msg_len = (unsigned int)r;
	}
	return (int)i;
}

/* recvmmsg on a connected virtual UDP socket: still one call to the kernel, without the name
 * buffers (the unix socket would fill them with an AF_UNIX name); then every datagram's source
 * is the peer, as Linux reports it. At most UDP_MMSG_MAX datagrams a call, fewer than asked as
 * Linux's own recvmmsg may return after a timeout or a signal. */
static int udp_recvmmsg_conn(int fd, const struct fdent *e, struct mmsghdr *v, unsigned int n,
			     int flags, struct timespec *timeout)
{
	struct {
		void *name;
		socklen_t len;
	} keep[UDP_MMSG_MAX];
	int r, saved;

	if (n > UDP_MMSG_MAX)
		n = UDP_MMSG_MAX;
	for (unsigned int i = 0; i < n; i++) {
		keep[i].name = v[i].msg_hdr.msg_name;
		keep[i].len = v[i].msg_hdr.msg_namelen;
		v[i].msg_hdr.msg_name = NULL;
	}
	r = REAL(recvmmsg)(fd, v, n, flags, timeout);
	saved = errno;
	for (unsigned int i = 0; i < n; i++) {
		struct msghdr *m = &v[i].msg_hdr;

		m->msg_name = keep[i].name;
		m->msg_namelen = keep[i].len;
		if ((int)i < r && m->msg_name)
			addr_to_sockaddr(&e->peer, e->family == 4 ? AF_INET : AF_INET6, m->msg_name,
					 &m->msg_namelen);
	}
	errno = saved;
	return r;
}

NC_EXPORT int recvmmsg(int fd, struct mmsghdr *v, unsigned int n, int flags,
		       struct timespec *timeout)
{
	unsigned int i;
	struct fdent *e = cfg.active && v ? fdtab_peek(fd) : NULL;

	/* From the table without a syscall, as write and send take a connected socket's entry:
	 * a program may call this for one datagram at a time. */
	if (e && e->proto == NC_PROTO_UDP && e->state == FD_CONNECTED)
		return udp_recvmmsg_conn(fd, e, v, n, flags, timeout);
	if (udp_hdr_mode(e))
		e = fdtab_get(fd);
	if (!udp_hdr_mode(e))
		return REAL(recvmmsg)(fd, v, n, flags, timeout);
	for (i = 0; i < n; i++) {
		/* MSG_WAITFORONE: block for the first only. */
		int f = flags & ~MSG_WAITFORONE;
		ssize_t r;

		if (i && (flags & MSG_WAITFORONE))
			f |= MSG_DONTWAIT;
		r = udp_recvmsg(fd, e, &v[i].msg_hdr, f);
		if (r < 0)
			return i ? (int)i : -1;
		v[i].msg_len = (unsigned int)r;
	}
	return (int)i;
}
