/* SPDX-License-Identifier: BSD-2-Clause */
/* Where a socket goes: the decision the intercept and the seccomp supervisor both take. */
#ifndef NETCON_ROUTE_H
#define NETCON_ROUTE_H

#include <stdbool.h>

#include "netcon/rpc.h"

/* What a call asks of an address: a local one (bind) or a destination (connect, a datagram). */
enum route_op {
	ROUTE_BIND = 1,
	ROUTE_DEST,
};

/* The protocol a socket() call asks for, if netcon carries it: NC_PROTO_TCP or NC_PROTO_UDP
 * over IPv4/IPv6; 0 for everything else (unix, raw, SCTP...), which is left to the kernel. */
int route_proto(int domain, int type, int protocol);

/* Can a be decided without the virtual subnets? (loopback, link-local with its scope id, a
 * wildcard bind): callers that fetch the subnets lazily ask this first. */
bool route_needs_subnets(const struct nc_addr *a, enum route_op op);

/* Does a go through the daemon? 1 yes, 0 no (the host). Loopback never does; link-local does
 * when its scope id names a virtual interface; a wildcard bind does unless listen_host; the
 * rest when it is inside one of the n subnets. */
int route_virtual(const struct nc_addr *a, enum route_op op, bool listen_host,
		  const struct nc_route *subnets, int n);

/* A call that stays on the host: 0 to let it through, or the errno that refuses it under
 * --isolate (EADDRNOTAVAIL for a bind to a host address, ENETUNREACH for a destination; a
 * wildcard bind is let through, there is nothing of the host's in it). */
int route_refusal(const struct nc_addr *a, enum route_op op, bool isolate);

/* Does a multicast sending interface (IP_MULTICAST_IF's index, or address) name one of ours?
 * A socket that names one sends to groups on the virtual network. */
bool route_mcast_if(uint32_t ifindex, const struct nc_addr *ifaddr, bool listen_host,
		    const struct nc_route *subnets, int n);

/* shutdown(how) on a virtual socket in nc_state (enum nc_sock_state), as Linux answers it where
 * the daemon's end would read a half-close otherwise: -EINVAL (bad how), -ENOTCONN (bound,
 * neither connected nor listening: the socket stays), 0 (SHUT_WR on a listener: nothing to
 * do), or 1: the unix end takes it, and the daemon carries the half-close to the peer. */
int route_shutdown(uint8_t nc_state, int how);

#endif
