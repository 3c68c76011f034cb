// SPDX-License-Identifier: BSD-2-Clause
/* Socket options: which a virtual socket carries to the daemon and what it reports. */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>

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

/* ---- multicast ---- */

/* Linux's defaults for a socket that set nothing. */

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
