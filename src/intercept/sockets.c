// SPDX-License-Identifier: BSD-2-Clause
/* The socket calls: socket, bind, listen, connect, accept; each decides host or virtual. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "common/addr.h"
#include "common/fdpass.h"
#include "common/log.h"
#include "common/route.h"
#include "common/rpc_check.h"
#include "intercept/intercept.h"

#define RET_ERR(e)                                                                                 \
	do {                                                                                       \
		errno = (e);                                                                       \
		return -1;                                                                         \
	} while (0)

/* Does a go through the daemon? The shared decision (common/route.c); the subnets are asked
 * of the daemon only when it needs them. */
int icpt_virtual_addr(const struct nc_addr *a, bool for_bind)
{
	enum route_op op = for_bind ? ROUTE_BIND : ROUTE_DEST;
	const struct nc_route *routes = NULL;
	int n = 0;

	if (route_needs_subnets(a, op)) {
		n = chan_routes(&routes);
		if (n < 0)
			return n;
	}
	return route_virtual(a, op, cfg.listen_host, routes, n);
}

static void icpt_req(struct nc_sock_req *req, int type, const struct fdent *e)
{
	memset(req, 0, sizeof(*req));
	req->h.type = (uint8_t)type;
	req->sockid = e->sockid;
	req->family = e->family;
	req->proto = e->proto ? e->proto : NC_PROTO_TCP;
	req->opts = e->opts;
}

/* The one way a socket turns virtual (bind, listen, connect, a first datagram): send req, put
 * the daemon's end in place of fd (same number, flags, epoll registrations) and record what
 * the daemon says. 0 or -errno; -ENOTCONN when there is no daemon to ask. */
static int icpt_switch(int fd, struct fdent *e, struct nc_sock_req *req)
{
	struct nc_sock_reply rep;
	int r, newfd;

	r = chan_call(req, sizeof(*req), &rep, sizeof(rep), &newfd);
	if (r < 0)
		return r;
	r = fdtab_replace(fd, e, newfd);
	if (r < 0)
		return r;
	fdtab_from_reply(e, &rep);
	/* Multicast options set before the decision went to the kernel socket: carry them. */
	if (e->proto == NC_PROTO_UDP && e->mc.set)
		sockopt_mcast_tx(e);
	return 0;
}

/* Where a UDP datagram to a goes, or a connect to it: a group has no route of its own. */
static int icpt_dest_virtual(const struct fdent *e, const struct nc_addr *a)
{
	if (e->proto == NC_PROTO_UDP && addr_is_multicast(a))
		return sockopt_mcast_virtual(e);
	return icpt_virtual_addr(a, false);
}

NC_EXPORT int socket(int domain, int type, int protocol)
{
	int fd = REAL(socket)(domain, type, protocol), saved = errno;
	int proto = route_proto(domain, type, protocol);
	struct fdent *e;

	if (fd < 0 || !cfg.active)
		return fd;
	/* A family or protocol netcon does not carry is the host's from birth: its calls go to
	 * libc without a question to the daemon. */
	e = fdtab_new(fd, proto ? FD_UNDECIDED : FD_HOST);
	if (e && proto) {
		e->family = domain == AF_INET ? 4 : 6;
		e->proto = (uint8_t)proto;
	}
	errno = saved;
	return fd;
}

NC_EXPORT int bind(int fd, const struct sockaddr *sa, socklen_t len)
{
	struct fdent *e = fdtab_get(fd);
	struct nc_sock_req req;
	struct nc_addr a;
	int r;

	if (!e || e->state == FD_HOST)
		return REAL(bind)(fd, sa, len);
	if (e->state != FD_UNDECIDED)
		RET_ERR(EINVAL);
	if (!sa || len < sizeof(sa_family_t))
		RET_ERR(EINVAL);
	if ((e->family == 4 && sa->sa_family != AF_INET) ||
	    (e->family == 6 && sa->sa_family != AF_INET6))
		RET_ERR(sa->sa_family == AF_UNSPEC && e->family == 4 ? EAFNOSUPPORT : EINVAL);
	r = addr_from_sockaddr(&a, sa, len);
	if (r < 0)
		RET_ERR(-r);
	r = icpt_virtual_addr(&a, true);
	if (r == 0) {
		r = route_refusal(&a, ROUTE_BIND, cfg.isolate);
		if (r)
			RET_ERR(r);
		e->state = FD_HOST;
		return REAL(bind)(fd, sa, len);
	}
	if (r < 0)
		RET_ERR(EADDRNOTAVAIL);
	icpt_req(&req, NC_BIND, e);
	req.addr = a;
	r = icpt_switch(fd, e, &req);
	if (r < 0)
		RET_ERR(r == -ENOTCONN ? EADDRNOTAVAIL : -r);
	return 0;
}

NC_EXPORT int listen(int fd, int backlog)
{
	struct fdent *e = fdtab_resolve(fd);
	struct nc_sock_req req;
	int r;

	if (!e) {
		e = fdtab_get(fd);
		if (!e || e->state != FD_UNDECIDED || cfg.listen_host)
			return REAL(listen)(fd, backlog);
		/* listen() without bind() picks a port on the wildcard: ours, in a container. */
	}
	if (e->proto == NC_PROTO_UDP) {
		if (e->state == FD_UNDECIDED)
			return REAL(listen)(fd, backlog);
		RET_ERR(EOPNOTSUPP);
	}
	if (e->state == FD_LISTEN)
		return 0; /* again, as nginx does: the backlog stays */
	if (e->state != FD_UNDECIDED && e->state != FD_BOUND)
		RET_ERR(EINVAL);
	icpt_req(&req, NC_LISTEN, e);
	if (backlog <= 0)
		backlog = 1;
	req.backlog = backlog > 65535 ? 65535 : backlog;
	r = icpt_switch(fd, e, &req);
	if (r < 0)
		RET_ERR(r == -ENOTCONN ? EADDRINUSE : -r);
	return 0;
}

/* Ask the daemon how a connect went; updates the entry. Returns 0 or -errno. */
/* shutdown(): the shared decision (route_shutdown), else the unix end. */
NC_EXPORT int shutdown(int fd, int how)
{
	struct fdent *e = fdtab_resolve(fd);
	int r;

	if (!e)
		return REAL(shutdown)(fd, how);
	r = route_shutdown(e->state == FD_BOUND	   ? NC_ST_BOUND
			   : e->state == FD_LISTEN ? NC_ST_LISTEN
						   : NC_ST_CONNECTED,
			   how);
	if (r < 0)
		RET_ERR(-r);
	return r == 0 ? 0 : REAL(shutdown)(fd, how);
}

int icpt_refresh(int fd, struct fdent *e)
{
	struct pollfd p = {.fd = fd, .events = POLLOUT};
	struct nc_sock_req req;
	struct nc_sock_reply rep;
	int r;

	/* The program's end turns writable only once the handshake has ended, and a failed
	 * connect closes the daemon's end: so writable without a hang-up is success, and not
	 * writable is still connecting. Only a failure needs the daemon (for its errno). */
	if (e->state == FD_CONNECTING) {
		r = poll(&p, 1, 0);
		if (r == 0)
			return 0;
		if (r == 1 && !(p.revents & (POLLHUP | POLLERR | POLLNVAL))) {
			e->state = FD_CONNECTED;
			return 0;
		}
	}
	icpt_req(&req, NC_GETERR, e);
	r = chan_call(&req, sizeof(req), &rep, sizeof(rep), NULL);
	if (r < 0)
		return r;
	e->local = rep.local;
	e->peer = rep.peer;
	if (rep.state == NC_ST_FAILED) {
		e->state = FD_FAILED;
		e->error = rep.error;
	} else if (rep.state != NC_ST_CONNECTING) {
		e->state = FD_CONNECTED;
		if (rep.error)
			e->error = rep.error;
	}
	return 0;
}

/* After a connect: wait for the handshake like the kernel does for a blocking socket. */
static int icpt_connect_wait(int fd, struct fdent *e)
{
	struct pollfd p = {.fd = fd, .events = POLLOUT};

	for (;;) {
		int r = poll(&p, 1, -1);

		if (r < 0)
			RET_ERR(errno); /* EINTR: the connect goes on, as in the kernel */
		if (r > 0)
			break;
	}
	if (icpt_refresh(fd, e) < 0)
		RET_ERR(ECONNREFUSED);
	if (e->state == FD_FAILED) {
		int err = e->error ? e->error : ECONNREFUSED;

		e->error = 0;
		RET_ERR(err);
	}
	if (e->state == FD_CONNECTING)
		RET_ERR(EINPROGRESS);
	return 0;
}

NC_EXPORT int connect(int fd, const struct sockaddr *sa, socklen_t len)
{
	struct fdent *e = fdtab_resolve(fd);
	struct nc_sock_req req;
	struct nc_addr a;
	int r, fl;

	if (!e) {
		e = fdtab_get(fd);
		if (!e || e->state != FD_UNDECIDED)
			return REAL(connect)(fd, sa, len);
	}
	if (e->proto == NC_PROTO_UDP && e->state == FD_CONNECTED) {
		/* UDP may connect again, elsewhere: a fresh virtual socket (AF_UNSPEC: kept). */
		if (sa && len >= sizeof(sa_family_t) && sa->sa_family == AF_UNSPEC)
			return 0;
		e->sockid = 0;
		e->state = FD_UNDECIDED;
	}
	switch (e->proto == NC_PROTO_UDP ? FD_NONE : e->state) {
	case FD_CONNECTING:
		if (icpt_refresh(fd, e) < 0)
			RET_ERR(EALREADY);
		if (e->state == FD_CONNECTING)
			RET_ERR(EALREADY);
		if (e->state == FD_CONNECTED) {
			e->flags |= FDF_ISCONN;
			return 0; /* once, then EISCONN */
		}
		r = e->error ? e->error : ECONNREFUSED;
		e->error = 0;
		RET_ERR(r);
	case FD_CONNECTED:
		/* Finished after a non-blocking connect (seen by poll and SO_ERROR): the kernel
		 * answers the next connect() with 0, once. */
		if (!(e->flags & FDF_ISCONN)) {
			e->flags |= FDF_ISCONN;
			return 0;
		}
		RET_ERR(EISCONN);
	case FD_LISTEN:
		RET_ERR(EISCONN);
	default:
		break;
	}
	if (!sa || len < sizeof(sa_family_t))
		RET_ERR(EINVAL);
	if (sa->sa_family == AF_UNSPEC && e->state == FD_UNDECIDED)
		return REAL(connect)(fd, sa, len);
	if ((e->family == 4 && sa->sa_family != AF_INET) ||
	    (e->family == 6 && sa->sa_family != AF_INET6))
		RET_ERR(EAFNOSUPPORT);
	r = addr_from_sockaddr(&a, sa, len);
	if (r < 0)
		RET_ERR(-r);
	/* As the kernel: a link-local peer needs its interface. */
	if (addr_is_linklocal6(&a) && !a.scope)
		RET_ERR(EINVAL);
	if (e->state == FD_UNDECIDED) {
		r = icpt_dest_virtual(e, &a);
		if (r == 0) {
			r = route_refusal(&a, ROUTE_DEST, cfg.isolate);
			if (r)
				RET_ERR(r);
			e->state = FD_HOST;
			return REAL(connect)(fd, sa, len);
		}
		if (r < 0)
			RET_ERR(ENETUNREACH);
	}
	if (e->state == FD_FAILED) {
		/* A new attempt on a socket whose connect failed: start from scratch. */
		e->sockid = 0;
		e->error = 0;
	}
	fl = fcntl(fd, F_GETFL);
	icpt_req(&req, NC_CONNECT, e);
	req.addr = a;
	if (fl >= 0 && (fl & O_NONBLOCK))
		req.opts.flags |= NC_OPT_NONBLOCK;
	r = icpt_switch(fd, e, &req);
	if (r < 0)
		RET_ERR(r == -ENOTCONN ? ENETUNREACH : -r);
	e->opts.flags &= ~(uint32_t)NC_OPT_NONBLOCK;
	if (e->proto == NC_PROTO_UDP)
		return 0; /* no handshake */
	if (fl >= 0 && (fl & O_NONBLOCK))
		RET_ERR(EINPROGRESS);
	r = icpt_connect_wait(fd, e);
	if (r == 0)
		e->flags |= FDF_ISCONN;
	return r;
}

static int icpt_accept(int fd, struct sockaddr *sa, socklen_t *len, int flags)
{
	struct fdent *e = fdtab_resolve(fd), *ne;
	struct nc_accept_msg m;
	const char *why;
	int nfd = 1, cfd;
	ssize_t n;

	if (!e) {
		int r = REAL(accept4)(fd, sa, len, flags), saved = errno;

		/* What a unix (or other non-IP) listener accepts is the host's too: known now, it
		 * costs no question to the daemon later. A host TCP listener's pay nothing here. */
		if (r >= 0 && fdtab_known_host(fd) && !fdtab_peek(fd)->proto)
			fdtab_new(r, FD_HOST);
		errno = saved;
		return r;
	}
	if (e->state != FD_LISTEN)
		RET_ERR(EINVAL);
	if (flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC))
		RET_ERR(EINVAL);
	if (sa && !len)
		RET_ERR(EFAULT);
	for (;;) {
		n = fdpass_recv(fd, &m, sizeof(m), &cfd, &nfd,
				(flags & SOCK_CLOEXEC) ? MSG_CMSG_CLOEXEC : 0);
		if (n < 0)
			RET_ERR(-n == EMFILE ? EMFILE : (int)-n);
		if (n == 0)
			RET_ERR(EINVAL); /* the daemon closed the listener */
		if (nfd == 1 && rpc_check_reply(&m, (size_t)n, NC_ACCEPT, &why) >= 0)
			break;
		if (nfd == 1)
			close(cfd);
		nfd = 1;
	}
	if (flags & SOCK_NONBLOCK)
		fcntl(cfd, F_SETFL, O_NONBLOCK);
	ne = fdtab_new(cfd, FD_CONNECTED);
	if (ne) {
		ne->sockid = m.sockid;
		ne->family = e->family;
		ne->local = m.local;
		ne->peer = m.peer;
		ne->opts = e->opts;
		ne->flags = FDF_ISCONN;
		ne->rst_slot = m.rst_slot;
		ne->rst_gen = m.rst_gen;
	}
	if (sa)
		addr_to_sockaddr(&m.peer, e->family == 4 ? AF_INET : AF_INET6, sa, len);
	return cfd;
}

NC_EXPORT int accept(int fd, struct sockaddr *sa, socklen_t *len)
{
	if (!cfg.active)
		return REAL(accept)(fd, sa, len);
	return icpt_accept(fd, sa, len, 0);
}

NC_EXPORT int accept4(int fd, struct sockaddr *sa, socklen_t *len, int flags)
{
	if (!cfg.active)
		return REAL(accept4)(fd, sa, len, flags);
	return icpt_accept(fd, sa, len, flags);
}

NC_EXPORT int getsockname(int fd, struct sockaddr *sa, socklen_t *len)
{
	struct fdent *e = cfg.active ? fdtab_resolve(fd) : NULL;

	if (!e)
		return REAL(getsockname)(fd, sa, len);
	if (!sa || !len)
		RET_ERR(EFAULT);
	addr_to_sockaddr(&e->local, e->family == 4 ? AF_INET : AF_INET6, sa, len);
	return 0;
}

NC_EXPORT int getpeername(int fd, struct sockaddr *sa, socklen_t *len)
{
	struct fdent *e = cfg.active ? fdtab_resolve(fd) : NULL;

	if (!e)
		return REAL(getpeername)(fd, sa, len);
	if (!sa || !len)
		RET_ERR(EFAULT);
	if (e->state == FD_CONNECTING)
		icpt_refresh(fd, e);
	if (e->state != FD_CONNECTED)
		RET_ERR(ENOTCONN);
	addr_to_sockaddr(&e->peer, e->family == 4 ? AF_INET : AF_INET6, sa, len);
	return 0;
}

NC_EXPORT int epoll_ctl(int epfd, int op, int fd, struct epoll_event *ev)
{
	int r = REAL(epoll_ctl)(epfd, op, fd, ev), saved = errno;
	struct fdent *e;

	if (r < 0 || !cfg.active)
		return r;
	e = fdtab_get(fd);
	/* Remember registrations of sockets that may still be replaced by a virtual one. */
	if (!e || (e->state != FD_UNDECIDED && e->state != FD_BOUND && e->state != FD_FAILED))
		return r;
	for (int i = 0; i < e->nepoll; i++) {
		if (e->ep[i].epfd != epfd)
			continue;
		if (op == EPOLL_CTL_DEL) {
			e->ep[i] = e->ep[--e->nepoll];
		} else if (ev) {
			e->ep[i].ev = *ev;
		}
		errno = saved;
		return r;
	}
	if (op == EPOLL_CTL_ADD && ev && e->nepoll < FD_EPOLL_MAX) {
		e->ep[e->nepoll].epfd = epfd;
		e->ep[e->nepoll].ev = *ev;
		e->nepoll++;
	}
	errno = saved;
	return r;
}

int udp_decide_send(int fd, struct fdent *e, const struct sockaddr *sa, socklen_t len)
{
	struct nc_sock_req req;
	struct nc_addr a;
	int r;

	if (addr_from_sockaddr(&a, sa, len) < 0)
		return 0; /* the kernel will say what is wrong */
	r = icpt_dest_virtual(e, &a);
	if (r <= 0) {
		if (r == 0 && cfg.isolate)
			return -ENETUNREACH;
		if (r == 0)
			e->state = FD_HOST;
		return r < 0 ? -ENETUNREACH : 0;
	}
	/* The first datagram binds the socket, as the kernel does: to the wildcard, port 0. */
	icpt_req(&req, NC_BIND, e);
	req.addr.family = e->family;
	r = icpt_switch(fd, e, &req);
	if (r < 0)
		return r == -ENOTCONN ? -ENETUNREACH : r;
	return 1;
}

/* The UDP cases of sendto/sendmsg; returns 1 if handled (result in *out), 2 if the socket is
 * known (checked against its file just now) to be a host one, 0 if the caller must look. */
static int icpt_udp_send(int fd, const struct msghdr *msg, int flags, ssize_t *out)
{
	struct fdent *e = fdtab_peek(fd);

	if (!e || e->proto != NC_PROTO_UDP || !cfg.active)
		return 0;
	if (e->state == FD_HOST)
		return 2; /* decided for good: no syscall (fdtab_known_host) */
	e = fdtab_get(fd);
	if (!e)
		return 0;
	if (e->state == FD_UNDECIDED && msg->msg_name) {
		int r = udp_decide_send(fd, e, msg->msg_name, msg->msg_namelen);

		if (r < 0) {
			errno = -r;
			*out = -1;
			return 1;
		}
	}
	if (udp_hdr_mode(e)) {
		*out = udp_sendmsg(fd, e, msg, flags);
		return 1;
	}
	if (recv_take_refused(e, false)) {
		errno = ECONNREFUSED;
		*out = -1;
		return 1;
	}
	/* Host datagrams cost one fstat here, not a second in fdtab_resolve. */
	return fdtab_is_virtual(e) ? 0 : 2;
}

/* Connected TCP ignores a destination address; the unix socket underneath would refuse it. */
NC_EXPORT ssize_t sendto(int fd, const void *buf, size_t n, int flags, const struct sockaddr *sa,
			 socklen_t len)
{
	struct iovec iov = {.iov_base = (void *)buf, .iov_len = n};
	struct msghdr m = {
	    .msg_name = (void *)sa, .msg_namelen = len, .msg_iov = &iov, .msg_iovlen = 1};
	ssize_t r;
	int u = icpt_udp_send(fd, &m, flags, &r);

	if (u == 1)
		return r;
	if (u == 0 && sa && cfg.active && !fdtab_known_host(fd) && fdtab_resolve(fd))
		return REAL(sendto)(fd, buf, n, flags, NULL, 0);
	return REAL(sendto)(fd, buf, n, flags, sa, len);
}

NC_EXPORT ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)
{
	ssize_t r;
	int u = msg ? icpt_udp_send(fd, msg, flags, &r) : 0;

	if (u == 1)
		return r;
	if (u == 0 && msg && msg->msg_name && cfg.active && !fdtab_known_host(fd) &&
	    fdtab_resolve(fd)) {
		struct msghdr m = *msg;

		m.msg_name = NULL;
		m.msg_namelen = 0;
		return REAL(sendmsg)(fd, &m, flags);
	}
	return REAL(sendmsg)(fd, msg, flags);
}
