/* SPDX-License-Identifier: BSD-2-Clause */
/* Socket options: which a virtual socket carries to the daemon and what it reports, for both
 * front ends (the intercept and the seccomp supervisor). */
#ifndef NETCON_SOCKOPTS_H
#define NETCON_SOCKOPTS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "netcon/rpc.h"

/* Linux's defaults, reported until a program sets its own. */
#define SOCKOPTS_RCVBUF_DEFAULT 131072
#define SOCKOPTS_SNDBUF_DEFAULT 16384
#define SOCKOPTS_KEEPIDLE_DEFAULT 7200
#define SOCKOPTS_KEEPINTVL_DEFAULT 75
#define SOCKOPTS_KEEPCNT_DEFAULT 9
#define SOCKOPTS_MSS 1460
#define SOCKOPTS_MC_TTL 1
#define SOCKOPTS_MC_LOOP 1

/* A UDP socket's multicast sending options as the program set them (set: any was). */
struct sockopts_mc {
	uint8_t set, ttl, loop, pad;
	uint32_t ifindex;
	struct nc_addr ifaddr;
};

/* A virtual socket, as getsockopt describes it. */
struct sockopts_sock {
	uint8_t family; /* 4 or 6 */
	uint8_t proto; /* NC_PROTO_TCP or NC_PROTO_UDP */
	bool listening;
	struct nc_opts opts;
	struct sockopts_mc mc;
};

/* Record an option a program sets (val: len bytes, already in our memory); returns 1 if the
 * daemon needs to hear of it (NC_SETOPT), 0 if not, -errno if the value is invalid. */
int sockopts_record(struct nc_opts *o, int level, int name, const void *val, socklen_t len);

/* What getsockopt(IPPROTO_TCP, name) reports for a virtual TCP socket with these options
 * (TCP_NODELAY, the keepalive timers, TCP_USER_TIMEOUT, TCP_MAXSEG; 0 for the rest). */
int sockopts_tcp_get(const struct nc_opts *o, int name);

/* getsockopt(level, name) on a virtual socket, for every option but SO_ERROR and TCP_INFO
 * (which need its live state): up to *len bytes of the value in val and *len set, as the
 * kernel copies them; 0, or SOCKOPTS_FD when the descriptor itself answers (the timeouts),
 * or -errno. */
#define SOCKOPTS_FD 1
int sockopts_get(const struct sockopts_sock *s, int level, int name, void *val, socklen_t *len);

/* An int option's value as the kernel copies it: what fits of the int, *len cut to that.
 * 0 or -errno. */
int sockopts_put_int(void *val, socklen_t *len, int v);

/* TCP_INFO for a virtual socket in this state (enum nc_sock_state; 0: not connected yet). */
struct tcp_info;
void sockopts_tcp_info(int state, struct tcp_info *ti);

/* Is (level, name) a multicast option (a group, or a sending option)? */
bool sockopts_is_mcast(int level, int name);

/* A multicast setsockopt on a UDP socket of this family (4 or 6): SOCKOPTS_MC_TX with *mc
 * changed (a sending option: the daemon hears of it with NC_MC_TX), or SOCKOPTS_MC_GROUP
 * with req's op, group, ifaddr and ifindex filled (a join or a leave), or -errno (*mc
 * untouched). */
#define SOCKOPTS_MC_TX 1
#define SOCKOPTS_MC_GROUP 2
int sockopts_mcast(struct sockopts_mc *mc, int family, int level, int name, const void *val,
		   socklen_t len, struct nc_mcast_req *req);

#endif
