// SPDX-License-Identifier: BSD-2-Clause
/* Socket options: which a virtual socket carries to the daemon and what it reports. */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>

#include "common/addr.h"

#include "common/sockopts.h"

static void sockopts_flag(struct nc_opts *o, uint32_t flag, int on)
{
	if (on)
		o->flags |= flag;
	else
		o->flags &= ~flag;
}

int sockopts_record(struct nc_opts *o, int level, int name, const void *val, socklen_t len)
{
	int v = 0;

	if (level == SOL_SOCKET && name == SO_LINGER) {
		struct linger l;

		if (len < sizeof(l))
			return -EINVAL;
		memcpy(&l, val, sizeof(l));
		sockopts_flag(o, NC_OPT_LINGER, l.l_onoff);
		o->linger = l.l_linger;
		return 1;
	}
	if (len < sizeof(int))
		return -EINVAL;
	memcpy(&v, val, sizeof(int));
	if (level == SOL_SOCKET) {
		switch (name) {
		case SO_REUSEADDR:
			sockopts_flag(o, NC_OPT_REUSEADDR, v);
			return 1;
		case SO_REUSEPORT:
			sockopts_flag(o, NC_OPT_REUSEPORT, v);
			return 0;
		case SO_BROADCAST:
			sockopts_flag(o, NC_OPT_BROADCAST, v);
			return 1;
		case SO_KEEPALIVE:
			sockopts_flag(o, NC_OPT_KEEPALIVE, v);
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
			sockopts_flag(o, NC_OPT_NODELAY, v);
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
		sockopts_flag(o, NC_OPT_V6ONLY, v);
		return 0;
	}
	return 0;
}

int sockopts_tcp_get(const struct nc_opts *o, int name)
{
	switch (name) {
	case TCP_NODELAY:
		return !!(o->flags & NC_OPT_NODELAY);
	case TCP_KEEPIDLE:
		return o->keepidle ? o->keepidle : SOCKOPTS_KEEPIDLE_DEFAULT;
	case TCP_KEEPINTVL:
		return o->keepintvl ? o->keepintvl : SOCKOPTS_KEEPINTVL_DEFAULT;
	case TCP_KEEPCNT:
		return o->keepcnt ? o->keepcnt : SOCKOPTS_KEEPCNT_DEFAULT;
	case TCP_USER_TIMEOUT:
		return o->user_timeout;
	case TCP_MAXSEG:
		return SOCKOPTS_MSS;
	}
	return 0;
}

int sockopts_put_int(void *val, socklen_t *len, int v)
{
	if (!val || !len)
		return -EFAULT;
	if ((int)*len < 0)
		return -EINVAL;
	if (*len > sizeof(int))
		*len = sizeof(int);
	memcpy(val, &v, *len);
	return 0;
}

static int sockopts_get_sol(const struct sockopts_sock *s, int name, void *val, socklen_t *len)
{
	const struct nc_opts *o = &s->opts;
	bool udp = s->proto == NC_PROTO_UDP;

	switch (name) {
	case SO_TYPE:
		return sockopts_put_int(val, len, udp ? SOCK_DGRAM : SOCK_STREAM);
	case SO_DOMAIN:
		return sockopts_put_int(val, len, s->family == 4 ? AF_INET : AF_INET6);
	case SO_PROTOCOL:
		return sockopts_put_int(val, len, udp ? IPPROTO_UDP : IPPROTO_TCP);
	case SO_ACCEPTCONN:
		return sockopts_put_int(val, len, s->listening);
	case SO_REUSEADDR:
		return sockopts_put_int(val, len, !!(o->flags & NC_OPT_REUSEADDR));
	case SO_REUSEPORT:
		return sockopts_put_int(val, len, !!(o->flags & NC_OPT_REUSEPORT));
	case SO_BROADCAST:
		return sockopts_put_int(val, len, !!(o->flags & NC_OPT_BROADCAST));
	case SO_KEEPALIVE:
		return sockopts_put_int(val, len, !!(o->flags & NC_OPT_KEEPALIVE));
	case SO_RCVBUF:
		return sockopts_put_int(val, len,
					o->rcvbuf ? o->rcvbuf * 2 : SOCKOPTS_RCVBUF_DEFAULT);
	case SO_SNDBUF:
		return sockopts_put_int(val, len,
					o->sndbuf ? o->sndbuf * 2 : SOCKOPTS_SNDBUF_DEFAULT);
	case SO_LINGER: {
		struct linger l = {.l_onoff = !!(o->flags & NC_OPT_LINGER), .l_linger = o->linger};

		if (!val || !len)
			return -EFAULT;
		if ((int)*len < 0)
			return -EINVAL;
		if (*len > sizeof(l))
			*len = sizeof(l);
		memcpy(val, &l, *len);
		return 0;
	}
	}
	return SOCKOPTS_FD;
}

int sockopts_get(const struct sockopts_sock *s, int level, int name, void *val, socklen_t *len)
{
	const struct sockopts_mc *mc = &s->mc;

	if (level == SOL_SOCKET)
		return sockopts_get_sol(s, name, val, len);
	if (level == IPPROTO_TCP) {
		if (s->proto == NC_PROTO_UDP)
			return -EOPNOTSUPP;
		switch (name) {
		case TCP_NODELAY:
		case TCP_KEEPIDLE:
		case TCP_KEEPINTVL:
		case TCP_KEEPCNT:
		case TCP_USER_TIMEOUT:
		case TCP_MAXSEG:
			return sockopts_put_int(val, len, sockopts_tcp_get(&s->opts, name));
		}
		return sockopts_put_int(val, len, 0);
	}
	if (level == IPPROTO_IPV6 && name == IPV6_V6ONLY)
		return sockopts_put_int(val, len, !!(s->opts.flags & NC_OPT_V6ONLY));
	if ((level == IPPROTO_IP && name == IP_MULTICAST_TTL) ||
	    (level == IPPROTO_IPV6 && name == IPV6_MULTICAST_HOPS))
		return sockopts_put_int(val, len, mc->set ? mc->ttl : SOCKOPTS_MC_TTL);
	if ((level == IPPROTO_IP && name == IP_MULTICAST_LOOP) ||
	    (level == IPPROTO_IPV6 && name == IPV6_MULTICAST_LOOP))
		return sockopts_put_int(val, len, mc->set ? mc->loop : SOCKOPTS_MC_LOOP);
	if (level == IPPROTO_IPV6 && name == IPV6_MULTICAST_IF)
		return sockopts_put_int(val, len, (int)mc->ifindex);
	if (level == IPPROTO_IP && name == IP_MULTICAST_IF) {
		int a = 0;

		if (mc->ifaddr.family == 4)
			memcpy(&a, mc->ifaddr.ip, 4);
		return sockopts_put_int(val, len, a);
	}
	if (level == IPPROTO_IP && name == IP_OPTIONS) {
		if (!len)
			return -EFAULT;
		*len = 0;
		return 0;
	}
	if (level == IPPROTO_IP && name == IP_TTL)
		return sockopts_put_int(val, len, 64);
	if (level == IPPROTO_IP || level == IPPROTO_IPV6)
		return sockopts_put_int(val, len, 0);
	return -ENOPROTOOPT;
}

void sockopts_tcp_info(int state, struct tcp_info *ti)
{
	memset(ti, 0, sizeof(*ti));
	switch (state) {
	case NC_ST_LISTEN:
		ti->tcpi_state = TCP_LISTEN;
		break;
	case NC_ST_CONNECTING:
		ti->tcpi_state = TCP_SYN_SENT;
		break;
	case NC_ST_CONNECTED:
		ti->tcpi_state = TCP_ESTABLISHED;
		break;
	default:
		ti->tcpi_state = TCP_CLOSE;
		break;
	}
	ti->tcpi_snd_mss = SOCKOPTS_MSS;
	ti->tcpi_rcv_mss = SOCKOPTS_MSS;
	ti->tcpi_pmtu = 1500;
}

/* ---- multicast ---- */

bool sockopts_is_mcast(int level, int name)
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

/* An int, or (IPv4, as Linux takes it) one byte. -EINVAL if neither. */
static int sockopts_small_int(const void *val, socklen_t len, bool byte_ok, int *v)
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

int sockopts_mcast(struct sockopts_mc *out, int family, int level, int name, const void *val,
		   socklen_t len, struct nc_mcast_req *req)
{
	struct sockopts_mc mc = *out;
	int v;

	if (!mc.set) {
		mc.set = 1;
		mc.ttl = SOCKOPTS_MC_TTL;
		mc.loop = SOCKOPTS_MC_LOOP;
	}
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
		req->op = name == IP_ADD_MEMBERSHIP ? NC_MC_JOIN : NC_MC_LEAVE;
		memset(&req->group, 0, sizeof(req->group));
		req->group.family = 4;
		memcpy(req->group.ip, &m.imr_multiaddr, 4);
		if (!addr_is_multicast(&req->group))
			return -EINVAL;
		memset(&req->ifaddr, 0, sizeof(req->ifaddr));
		req->ifaddr.family = 4;
		memcpy(req->ifaddr.ip, &m.imr_address, 4);
		req->ifindex = (uint32_t)m.imr_ifindex;
		return SOCKOPTS_MC_GROUP;
	}
	if (level == IPPROTO_IPV6 &&
	    (name == IPV6_ADD_MEMBERSHIP || name == IPV6_DROP_MEMBERSHIP)) {
		struct ipv6_mreq m;

		if (family != 6)
			return -ENOPROTOOPT;
		if (len < sizeof(m))
			return -EINVAL;
		memcpy(&m, val, sizeof(m));
		req->op = name == IPV6_ADD_MEMBERSHIP ? NC_MC_JOIN : NC_MC_LEAVE;
		memset(&req->group, 0, sizeof(req->group));
		req->group.family = 6;
		memcpy(req->group.ip, &m.ipv6mr_multiaddr, 16);
		if (!addr_is_multicast(&req->group))
			return -EINVAL;
		memset(&req->ifaddr, 0, sizeof(req->ifaddr));
		req->ifindex = m.ipv6mr_interface;
		return SOCKOPTS_MC_GROUP;
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
		if (sockopts_small_int(val, len, level == IPPROTO_IP, &v) < 0)
			return -EINVAL;
		if (v == -1)
			v = SOCKOPTS_MC_TTL;
		if (v < 0 || v > 255)
			return -EINVAL;
		mc.ttl = (uint8_t)v;
	} else {
		if (sockopts_small_int(val, len, level == IPPROTO_IP, &v) < 0)
			return -EINVAL;
		if (level == IPPROTO_IPV6 && v != 0 && v != 1)
			return -EINVAL;
		mc.loop = !!v;
	}
	*out = mc;
	return SOCKOPTS_MC_TX;
}
