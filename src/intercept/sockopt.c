// SPDX-License-Identifier: BSD-2-Clause
/* getsockopt/setsockopt: recorded before a socket turns virtual, answered truthfully after. */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>

#include "common/addr.h"
#include "common/sockopts.h"

#include "intercept/intercept.h"

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

/* ---- multicast ---- */

/* Linux's defaults for a socket that set nothing. */
#define SOCKOPT_MC_TTL 1
#define SOCKOPT_MC_LOOP 1

static bool sockopt_is_mcast(int level, int name)
{
	if (level == IPPROTO_IP)
		return name == IP_ADD_MEMBERSHIP || name == IP_DROP_MEMBERSHIP ||
		       name == IP_MULTICAST_IF || name == IP_MULTICAST_TTL ||
		       name == IP_MULTICAST_LOOP;
	if (level == IPPROTO_IPV6)
		return name == IPV6_ADD_MEMBERSHIP || name == IPV6_DROP_MEMBERSHIP ||
		       name == IPV6_MULTICAST_IF || name == IPV6_MULTICAST_HOPS ||
		       name == IPV6_MULTICAST_LOOP;
	return false;
}

static int sockopt_mcast_call(struct nc_mcast_req *req, const struct fdent *e)
{
	struct nc_hdr rep;
	int r;

	req->h.type = NC_MCAST;
	req->sockid = e->sockid;
	r = chan_call(req, sizeof(*req), &rep, sizeof(rep), NULL);
	return r == -ENOTCONN ? -ENOBUFS : r;
}

int sockopt_mcast_tx(const struct fdent *e)
{
	struct nc_mcast_req req;

	memset(&req, 0, sizeof(req));
	req.op = NC_MC_TX;
	req.ttl = e->mc.set ? e->mc.ttl : SOCKOPT_MC_TTL;
	req.loop = e->mc.set ? e->mc.loop : SOCKOPT_MC_LOOP;
	req.ifindex = e->mc.ifindex;
	req.ifaddr = e->mc.ifaddr;
	return sockopt_mcast_call(&req, e);
}

bool sockopt_mcast_virtual(const struct fdent *e)
{
	if (cfg.isolate)
		return true;
	if (!e->mc.set)
		return false;
	if (e->mc.ifindex)
		return e->mc.ifindex >= NC_IFINDEX_BASE && e->mc.ifindex <= NC_IFINDEX_MAX;
	return e->mc.ifaddr.family && !addr_is_any(&e->mc.ifaddr) &&
	       icpt_virtual_addr(&e->mc.ifaddr, false) == 1;
}

/* An int, or (IPv4, as Linux takes it) one byte. -EINVAL if neither. */
static int sockopt_small_int(const void *val, socklen_t len, bool byte_ok, int *v)
{
	if (len >= sizeof(int)) {
		memcpy(v, val, sizeof(int));
		return 0;
	}
	if (byte_ok && len >= 1) {
		*v = *(const unsigned char *)val;
		return 0;
	}
	return -EINVAL;
}

/* The sending options (recorded, and told to the daemon if virtual) or a join/leave (virtual
 * sockets only). 0 or -errno. */
static int sockopt_mcast(struct fdent *e, int level, int name, const void *val, socklen_t len,
			 bool is_virtual)
{
	struct fd_mcast mc = e->mc;
	struct nc_mcast_req req;
	int v;

	if (!mc.set) {
		mc.set = 1;
		mc.ttl = SOCKOPT_MC_TTL;
		mc.loop = SOCKOPT_MC_LOOP;
	}
	memset(&req, 0, sizeof(req));
	if (!val)
		return -EFAULT;
	if (level == IPPROTO_IP && (name == IP_ADD_MEMBERSHIP || name == IP_DROP_MEMBERSHIP)) {
		struct ip_mreqn m;

		memset(&m, 0, sizeof(m));
		if (len >= sizeof(struct ip_mreqn))
			memcpy(&m, val, sizeof(m));
		else if (len >= sizeof(struct ip_mreq))
			memcpy(&m, val, sizeof(struct ip_mreq));
		else
			return -EINVAL;
		req.op = name == IP_ADD_MEMBERSHIP ? NC_MC_JOIN : NC_MC_LEAVE;
		req.group.family = 4;
		memcpy(req.group.ip, &m.imr_multiaddr, 4);
		if (!addr_is_multicast(&req.group))
			return -EINVAL;
		req.ifaddr.family = 4;
		memcpy(req.ifaddr.ip, &m.imr_address, 4);
		req.ifindex = (uint32_t)m.imr_ifindex;
		return is_virtual ? sockopt_mcast_call(&req, e) : 0;
	}
	if (level == IPPROTO_IPV6 &&
	    (name == IPV6_ADD_MEMBERSHIP || name == IPV6_DROP_MEMBERSHIP)) {
		struct ipv6_mreq m;

		if (e->family != 6)
			return -ENOPROTOOPT;
		if (len < sizeof(m))
			return -EINVAL;
		memcpy(&m, val, sizeof(m));
		req.op = name == IPV6_ADD_MEMBERSHIP ? NC_MC_JOIN : NC_MC_LEAVE;
		req.group.family = 6;
		memcpy(req.group.ip, &m.ipv6mr_multiaddr, 16);
		if (!addr_is_multicast(&req.group))
			return -EINVAL;
		req.ifindex = m.ipv6mr_interface;
		return is_virtual ? sockopt_mcast_call(&req, e) : 0;
	}
	if (level == IPPROTO_IP && name == IP_MULTICAST_IF) {
		struct ip_mreqn m;

		memset(&m, 0, sizeof(m));
		if (len >= sizeof(struct ip_mreqn))
			memcpy(&m, val, sizeof(m));
		else if (len >= sizeof(struct ip_mreq))
			memcpy(&m, val, sizeof(struct ip_mreq));
		else if (len >= sizeof(struct in_addr))
			memcpy(&m.imr_address, val, sizeof(struct in_addr));
		else
			return -EINVAL;
		if (len >= sizeof(struct ip_mreq) && len < sizeof(struct ip_mreqn))
			m.imr_address = ((const struct ip_mreq *)val)->imr_interface;
		memset(&mc.ifaddr, 0, sizeof(mc.ifaddr));
		mc.ifaddr.family = 4;
		memcpy(mc.ifaddr.ip, &m.imr_address, 4);
		mc.ifindex = (uint32_t)m.imr_ifindex;
	} else if (level == IPPROTO_IPV6 && name == IPV6_MULTICAST_IF) {
		if (len < sizeof(int))
			return -EINVAL;
		memcpy(&v, val, sizeof(int));
		memset(&mc.ifaddr, 0, sizeof(mc.ifaddr));
		mc.ifindex = (uint32_t)v;
	} else if (name == IP_MULTICAST_TTL || name == IPV6_MULTICAST_HOPS) {
		if (sockopt_small_int(val, len, level == IPPROTO_IP, &v) < 0)
			return -EINVAL;
		if (v == -1)
			v = SOCKOPT_MC_TTL;
		if (v < 0 || v > 255)
			return -EINVAL;
		mc.ttl = (uint8_t)v;
	} else {
		if (sockopt_small_int(val, len, level == IPPROTO_IP, &v) < 0)
			return -EINVAL;
		if (level == IPPROTO_IPV6 && v != 0 && v != 1)
			return -EINVAL;
		mc.loop = !!v;
	}
	if (is_virtual) {
		struct fd_mcast old = e->mc;
		int r;

		e->mc = mc;
		r = sockopt_mcast_tx(e);
		if (r < 0) {
			e->mc = old;
			return r;
		}
		return 0;
	}
	e->mc = mc;
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
		if (e && e->state == FD_UNDECIDED && e->proto == NC_PROTO_UDP &&
		    (name == IP_MULTICAST_IF || name == IPV6_MULTICAST_IF) &&
		    sockopt_is_mcast(level, name)) {
			struct fdent t = *e;

			/* Naming a virtual interface: the kernel does not know it, and the
			 * socket goes virtual with its first datagram to a group. */
			if (sockopt_mcast(&t, level, name, val, len, false) == 0 &&
			    sockopt_mcast_virtual(&t) && !cfg.isolate) {
				e->mc = t.mc;
				return 0;
			}
		}
		r = REAL(setsockopt)(fd, level, name, val, len);
		/* Before the decision: applied to the kernel socket and kept for the daemon. */
		if (r == 0 && e && e->state == FD_UNDECIDED) {
			sockopts_record(&e->opts, level, name, val, len);
			if (e->proto == NC_PROTO_UDP && sockopt_is_mcast(level, name))
				sockopt_mcast(e, level, name, val, len, false);
		}
		return r;
	}
	if (sockopt_is_mcast(level, name)) {
		if (e->proto != NC_PROTO_UDP) {
			/* TCP takes the sending options and does nothing with them; groups are
			 * EPROTO, as Linux answers for connection-oriented sockets. */
			if (name == IP_ADD_MEMBERSHIP || name == IPV6_ADD_MEMBERSHIP ||
			    name == IP_DROP_MEMBERSHIP || name == IPV6_DROP_MEMBERSHIP) {
				errno = EPROTO;
				return -1;
			}
			return 0;
		}
		r = sockopt_mcast(e, level, name, val, len, e->state != FD_FAILED);
		if (r < 0) {
			errno = -r;
			return -1;
		}
		return 0;
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
	r = sockopts_record(&e->opts, level, name, val, len);
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
	ti.tcpi_snd_mss = SOCKOPTS_MSS;
	ti.tcpi_rcv_mss = SOCKOPTS_MSS;
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
			/* A port unreachable on connected UDP: ECONNREFUSED, as Linux. */
			if (!err && recv_take_refused(e, false))
				err = ECONNREFUSED;
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
					       o->rcvbuf ? o->rcvbuf * 2 : SOCKOPTS_RCVBUF_DEFAULT);
		case SO_SNDBUF:
			return sockopt_put_int(val, len,
					       o->sndbuf ? o->sndbuf * 2 : SOCKOPTS_SNDBUF_DEFAULT);
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
		case TCP_KEEPIDLE:
		case TCP_KEEPINTVL:
		case TCP_KEEPCNT:
		case TCP_USER_TIMEOUT:
		case TCP_MAXSEG:
			return sockopt_put_int(val, len, sockopts_tcp_get(o, name));
		case TCP_INFO:
			return sockopt_tcp_info(e, val, len);
		}
		return sockopt_put_int(val, len, 0);
	}
	if (level == IPPROTO_IPV6 && name == IPV6_V6ONLY)
		return sockopt_put_int(val, len, !!(o->flags & NC_OPT_V6ONLY));
	if ((level == IPPROTO_IP && name == IP_MULTICAST_TTL) ||
	    (level == IPPROTO_IPV6 && name == IPV6_MULTICAST_HOPS))
		return sockopt_put_int(val, len, e->mc.set ? e->mc.ttl : SOCKOPT_MC_TTL);
	if ((level == IPPROTO_IP && name == IP_MULTICAST_LOOP) ||
	    (level == IPPROTO_IPV6 && name == IPV6_MULTICAST_LOOP))
		return sockopt_put_int(val, len, e->mc.set ? e->mc.loop : SOCKOPT_MC_LOOP);
	if (level == IPPROTO_IPV6 && name == IPV6_MULTICAST_IF)
		return sockopt_put_int(val, len, (int)e->mc.ifindex);
	if (level == IPPROTO_IP && name == IP_MULTICAST_IF) {
		int a = 0;

		if (e->mc.ifaddr.family == 4)
			memcpy(&a, e->mc.ifaddr.ip, 4);
		return sockopt_put_int(val, len, a);
	}
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
