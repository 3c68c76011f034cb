// SPDX-License-Identifier: BSD-2-Clause
/* getsockopt/setsockopt: recorded before a socket turns virtual, answered truthfully after. */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>

#include "common/addr.h"
#include "common/sockopts.h"

#include "intercept/intercept.h"

/* ---- multicast ---- */

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
	req.ttl = e->mc.set ? e->mc.ttl : SOCKOPTS_MC_TTL;
	req.loop = e->mc.set ? e->mc.loop : SOCKOPTS_MC_LOOP;
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

/* The sending options (recorded, and told to the daemon if virtual) or a join/leave (virtual
 * sockets only). 0 or -errno. */
static int sockopt_mcast(struct fdent *e, int level, int name, const void *val, socklen_t len,
			 bool is_virtual)
{
	struct sockopts_mc old = e->mc;
	struct nc_mcast_req req;
	int r;

	memset(&req, 0, sizeof(req));
	r = sockopts_mcast(&e->mc, e->family, level, name, val, len, &req);
	if (r == SOCKOPTS_MC_GROUP)
		return is_virtual ? sockopt_mcast_call(&req, e) : 0;
	if (r < 0 || !is_virtual)
		return r < 0 ? r : 0;
	r = sockopt_mcast_tx(e);
	if (r < 0)
		e->mc = old;
	return r < 0 ? r : 0;
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
		    sockopts_is_mcast(level, name)) {
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
			if (e->proto == NC_PROTO_UDP && sockopts_is_mcast(level, name))
				sockopt_mcast(e, level, name, val, len, false);
		}
		return r;
	}
	if (sockopts_is_mcast(level, name)) {
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

NC_EXPORT int getsockopt(int fd, int level, int name, void *val, socklen_t *len)
{
	struct fdent *e = cfg.active ? fdtab_resolve(fd) : NULL;
	struct sockopts_sock s;
	int r, v;

	if (!e)
		return REAL(getsockopt)(fd, level, name, val, len);
	if (level == SOL_SOCKET && name == SO_ERROR) {
		if (e->state == FD_CONNECTING)
			icpt_refresh(fd, e);
		v = e->error;
		e->error = 0;
		/* A reset peer: SO_ERROR reports it, once, as a read would. */
		if (!v && recv_take_reset(e))
			v = ECONNRESET;
		/* A port unreachable on connected UDP: ECONNREFUSED, as Linux. */
		if (!v && recv_take_refused(e, false))
			v = ECONNREFUSED;
		r = sockopts_put_int(val, len, v);
	} else if (level == IPPROTO_TCP && name == TCP_INFO && e->proto == NC_PROTO_TCP) {
		struct tcp_info ti;
		int st = e->state == FD_LISTEN	     ? NC_ST_LISTEN
			 : e->state == FD_CONNECTING ? NC_ST_CONNECTING
			 : e->state == FD_CONNECTED  ? NC_ST_CONNECTED
						     : 0;

		sockopts_tcp_info(st, &ti);
		if (!val || !len) {
			errno = EFAULT;
			return -1;
		}
		if (*len > sizeof(ti))
			*len = sizeof(ti);
		memcpy(val, &ti, *len);
		return 0;
	} else {
		memset(&s, 0, sizeof(s));
		s.family = e->family;
		s.proto = e->proto;
		s.listening = e->state == FD_LISTEN;
		s.opts = e->opts;
		s.mc = e->mc;
		r = sockopts_get(&s, level, name, val, len);
		if (r == SOCKOPTS_FD)
			return REAL(getsockopt)(fd, level, name, val, len);
	}
	if (r < 0) {
		errno = -r;
		return -1;
	}
	return 0;
}
