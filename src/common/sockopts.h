/* SPDX-License-Identifier: BSD-2-Clause */
/* Socket options: which a virtual socket carries to the daemon and what it reports, for both
 * front ends (the intercept and the seccomp supervisor). */
#ifndef NETCON_SOCKOPTS_H
#define NETCON_SOCKOPTS_H

#include <sys/socket.h>

#include "netcon/rpc.h"

/* Linux's defaults, reported until a program sets its own. */
#define SOCKOPTS_RCVBUF_DEFAULT 131072
#define SOCKOPTS_SNDBUF_DEFAULT 16384
#define SOCKOPTS_KEEPIDLE_DEFAULT 7200
#define SOCKOPTS_KEEPINTVL_DEFAULT 75
#define SOCKOPTS_KEEPCNT_DEFAULT 9
#define SOCKOPTS_MSS 1460

/* Record an option a program sets (val: len bytes, already in our memory); returns 1 if the
 * daemon needs to hear of it (NC_SETOPT), 0 if not, -errno if the value is invalid. */
int sockopts_record(struct nc_opts *o, int level, int name, const void *val, socklen_t len);

/* What getsockopt(IPPROTO_TCP, name) reports for a virtual TCP socket with these options
 * (TCP_NODELAY, the keepalive timers, TCP_USER_TIMEOUT, TCP_MAXSEG; 0 for the rest). */
int sockopts_tcp_get(const struct nc_opts *o, int name);

#endif
