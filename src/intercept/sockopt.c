/* getsockopt/setsockopt: recorded before a socket turns virtual, answered truthfully after. */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>

#include "intercept/intercept.h"

/* Linux's defaults, reported until a program sets its own. */
#define SOCKOPT_RCVBUF_DEFAULT 131072
#define SOCKOPT_SNDBUF_DEFAULT 16384
#define SOCKOPT_KEEPIDLE_DEFAULT 7200
#define SOCKOPT_KEEPINTVL_DEFAULT 75
#define SOCKOPT_KEEPCNT_DEFAULT 9
#define SOCKOPT_MSS 1460

static int sockopt_put_int(void *val, socklen_t *len, int v)
{
	if (!val || !len) {
		errno = EFAULT;
		return -1;
	}
	if (*len >= sizeof(int)) {
		memcpy(val, &v, sizeof(int));
		*len = sizeof(int);
	} else if (*len > 0) {
		/* The kernel copies what fits for a short buffer. */
		memcpy(val, &v, *len);
	}
	return 0;
}

static void sockopt_flag(struct nc_opts *o, uint32_t flag, int on)
{
	if (on)
		o->flags |= flag;
	else
		o->flags &= ~flag;
}

/* Record an option; returns 1 if the daemon needs to hear of it, 0 if not, -errno if invalid. */
static int sockopt_record(struct nc_opts *o, int level, int name, const void *val, socklen_t len)
{
	int v = 0;

	if (level == SOL_SOCKET && name == SO_LINGER) {
		struct linger l;

		if (len < sizeof(l))
			return -EINVAL;
		memcpy(&l, val, sizeof(l));
		sockopt_flag(o, NC_OPT_LINGER, l.l_onoff);
		o->linger = l.l_linger;
		return 1;
	}
	if (len < sizeof(int))
		return -EINVAL;
	memcpy(&v, val, sizeof(int));
	if (level == SOL_SOCKET) {
		switch (name) {
		case SO_REUSEADDR:
			sockopt_flag(o, NC_OPT_REUSEADDR, v);
			return 1;
		case SO_REUSEPORT:
			sockopt_flag(o, NC_OPT_REUSEPORT, v);
			return 0;
		case SO_BROADCAST:
			sockopt_flag(o, NC_OPT_BROADCAST, v);
			return 1;
		case SO_KEEPALIVE:
			sockopt_flag(o, NC_OPT_KEEPALIVE, v);
			return 1;
		case SO_RCVBUF:
			o->rcvbuf = v;
			return 0;
		case SO_SNDBUF:
			o->sndbuf = v;
			return 0;
		}
		return 0;
	}
	if (level == IPPROTO_TCP) {
		switch (name) {
		case TCP_NODELAY:
			sockopt_flag(o, NC_OPT_NODELAY, v);
			return 1;
		case TCP_KEEPIDLE:
		case TCP_KEEPINTVL:
		case TCP_KEEPCNT:
			if (v < 1 || v > 32767)
				return -EINVAL;
			if (name == TCP_KEEPIDLE)
				o->keepidle = v;
			else if (name == TCP_KEEPINTVL)
				o->keepintvl = v;
			else
				o->keepcnt = v;
			return 1;
		case TCP_USER_TIMEOUT:
			if (v < 0)
				return -EINVAL;
			o->user_timeout = v;
			return 1;
		}
		return 0;
	}
	if (level == IPPROTO_IPV6 && name == IPV6_V6ONLY) {
		sockopt_flag(o, NC_OPT_V6ONLY, v);
		return 0;
	}
	return 0;
}

NC_EXPORT int setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
	struct fdent *e = cfg.active ? fdtab_resolve(fd) : NULL;
	struct nc_opt_req req;
	struct nc_hdr rep;
	int r;

	if (!e) {
		e = cfg.active ? fdtab_get(fd) : NULL;
		r = REAL(setsockopt)(fd, level, name, val, len);
		/* Before the decision: applied to the kernel socket and kept for the daemon. */
		if (r == 0 && e && e->state == FD_UNDECIDED)
			sockopt_record(&e->opts, level, name, val, len);
		return r;
	}
	if (!val && len) {
		errno = EFAULT;
		return -1;
	}
	if (level == SOL_SOCKET &&
	    (name == SO_RCVTIMEO || name == SO_SNDTIMEO || name == SO_RCVLOWAT ||
	     name == SO_SNDLOWAT || name == SO_PASSCRED))
		return REAL(setsockopt)(fd, level, name, val, len); /* they act on the fd itself */
	if (level == IPPROTO_IPV6 && name == IPV6_V6ONLY && e->state != FD_UNDECIDED) {
		errno = EINVAL; /* as the kernel: only before bind */
		return -1;
	}
	r = sockopt_record(&e->opts, level, name, val, len);
	if (r < 0) {
		errno = -r;
		return -1;
	}
	if (r == 1 && e->sockid && e->state != FD_FAILED) {
		memset(&req, 0, sizeof(req));
		req.h.type = NC_SETOPT;
		req.sockid = e->sockid;
		req.opts = e->opts;
		r = chan_call(&req, sizeof(req), &rep, sizeof(rep), NULL);
		if (r < 0 && r != -EBADF) {
			errno = r == -ENOTCONN ? ENOBUFS : -r;
			return -1;
		}
	}
	return 0;
}

static int sockopt_tcp_info(const struct fdent *e, void *val, socklen_t *len)
{
	struct tcp_info ti;

	memset(&ti, 0, sizeof(ti));
	switch (e->state) {
	case FD_LISTEN:
		ti.tcpi_state = TCP_LISTEN;
		break;
	case FD_CONNECTING:
		ti.tcpi_state = TCP_SYN_SENT;
		break;
	case FD_CONNECTED:
		ti.tcpi_state = TCP_ESTABLISHED;
		break;
	default:
		ti.tcpi_state = TCP_CLOSE;
		break;
	}
	ti.tcpi_snd_mss = SOCKOPT_MSS;
	ti.tcpi_rcv_mss = SOCKOPT_MSS;
	ti.tcpi_pmtu = 1500;
	if (!val || !len) {
		errno = EFAULT;
		return -1;
	}
	if (*len > sizeof(ti))
		*len = sizeof(ti);
	memcpy(val, &ti, *len);
	return 0;
}

NC_EXPORT int getsockopt(int fd, int level, int name, void *val, socklen_t *len)
{
	struct fdent *e = cfg.active ? fdtab_resolve(fd) : NULL;
	const struct nc_opts *o;

	if (!e)
		return REAL(getsockopt)(fd, level, name, val, len);
	o = &e->opts;
	if (level == SOL_SOCKET) {
		switch (name) {
		case SO_TYPE:
			return sockopt_put_int(val, len,
					       e->proto == NC_PROTO_UDP ? SOCK_DGRAM : SOCK_STREAM);
		case SO_DOMAIN:
			return sockopt_put_int(val, len, e->family == 4 ? AF_INET : AF_INET6);
		case SO_PROTOCOL:
			return sockopt_put_int(
			    val, len, e->proto == NC_PROTO_UDP ? IPPROTO_UDP : IPPROTO_TCP);
		case SO_ACCEPTCONN:
			return sockopt_put_int(val, len, e->state == FD_LISTEN);
		case SO_ERROR: {
			int err;

			if (e->state == FD_CONNECTING)
				icpt_refresh(fd, e);
			err = e->error;
			e->error = 0;
			/* A reset peer: SO_ERROR reports it, once, as a read would. */
			if (!err && recv_take_reset(e))
				err = ECONNRESET;
			return sockopt_put_int(val, len, err);
		}
		case SO_REUSEADDR:
			return sockopt_put_int(val, len, !!(o->flags & NC_OPT_REUSEADDR));
		case SO_REUSEPORT:
			return sockopt_put_int(val, len, !!(o->flags & NC_OPT_REUSEPORT));
		case SO_BROADCAST:
			return sockopt_put_int(val, len, !!(o->flags & NC_OPT_BROADCAST));
		case SO_KEEPALIVE:
			return sockopt_put_int(val, len, !!(o->flags & NC_OPT_KEEPALIVE));
		case SO_RCVBUF:
			return sockopt_put_int(val, len,
					       o->rcvbuf ? o->rcvbuf * 2 : SOCKOPT_RCVBUF_DEFAULT);
		case SO_SNDBUF:
			return sockopt_put_int(val, len,
					       o->sndbuf ? o->sndbuf * 2 : SOCKOPT_SNDBUF_DEFAULT);
		case SO_LINGER: {
			struct linger l = {.l_onoff = !!(o->flags & NC_OPT_LINGER),
					   .l_linger = o->linger};

			if (!val || !len) {
				errno = EFAULT;
				return -1;
			}
			if (*len > sizeof(l))
				*len = sizeof(l);
			memcpy(val, &l, *len);
			return 0;
		}
		}
		return REAL(getsockopt)(fd, level, name, val, len);
	}
	if (level == IPPROTO_TCP) {
		switch (name) {
		case TCP_NODELAY:
			return sockopt_put_int(val, len, !!(o->flags & NC_OPT_NODELAY));
		case TCP_KEEPIDLE:
			return sockopt_put_int(
			    val, len, o->keepidle ? o->keepidle : SOCKOPT_KEEPIDLE_DEFAULT);
		case TCP_KEEPINTVL:
			return sockopt_put_int(
			    val, len, o->keepintvl ? o->keepintvl : SOCKOPT_KEEPINTVL_DEFAULT);
		case TCP_KEEPCNT:
			return sockopt_put_int(val, len,
					       o->keepcnt ? o->keepcnt : SOCKOPT_KEEPCNT_DEFAULT);
		case TCP_USER_TIMEOUT:
			return sockopt_put_int(val, len, o->user_timeout);
		case TCP_MAXSEG:
			return sockopt_put_int(val, len, SOCKOPT_MSS);
		case TCP_INFO:
			return sockopt_tcp_info(e, val, len);
		}
		return sockopt_put_int(val, len, 0);
	}
	if (level == IPPROTO_IPV6 && name == IPV6_V6ONLY)
		return sockopt_put_int(val, len, !!(o->flags & NC_OPT_V6ONLY));
	if (level == IPPROTO_IP && name == IP_OPTIONS) {
		if (!len) {
			errno = EFAULT;
			return -1;
		}
		*len = 0;
		return 0;
	}
	if (level == IPPROTO_IP && name == IP_TTL)
		return sockopt_put_int(val, len, 64);
	if (level == IPPROTO_IP || level == IPPROTO_IPV6)
		return sockopt_put_int(val, len, 0);
	errno = ENOPROTOOPT;
	return -1;
}
