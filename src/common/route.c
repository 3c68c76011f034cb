// SPDX-License-Identifier: BSD-2-Clause
/* Where a socket goes: the decision the intercept and the seccomp supervisor both take. */
#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "common/addr.h"
#include "common/route.h"

int route_proto(int domain, int type, int protocol)
{
	if (domain != AF_INET && domain != AF_INET6)
		return 0;
	if ((type & 0xf) == SOCK_STREAM && (protocol == 0 || protocol == IPPROTO_TCP))
		return NC_PROTO_TCP;
	if ((type & 0xf) == SOCK_DGRAM && (protocol == 0 || protocol == IPPROTO_UDP))
		return NC_PROTO_UDP;
	return 0;
}

bool route_needs_subnets(const struct nc_addr *a, enum route_op op)
{
	if (addr_is_loopback(a) || addr_is_linklocal6(a))
		return false;
	return !(op == ROUTE_BIND && addr_is_any(a));
}

int route_virtual(const struct nc_addr *a, enum route_op op, bool listen_host,
		  const struct nc_route *subnets, int n)
{
	if (addr_is_loopback(a))
		return 0;
	/* Link-local: the scope id says which interface, ours or the host's. */
	if (addr_is_linklocal6(a))
		return a->scope >= NC_IFINDEX_BASE && a->scope <= NC_IFINDEX_MAX;
	if (op == ROUTE_BIND && addr_is_any(a))
		return listen_host ? 0 : 1;
	for (int i = 0; i < n; i++)
		if (addr_in_route(a, &subnets[i]))
			return 1;
	return 0;
}

int route_refusal(const struct nc_addr *a, enum route_op op, bool isolate)
{
	if (!isolate)
		return 0;
	if (op == ROUTE_BIND)
		return addr_is_any(a) ? 0 : EADDRNOTAVAIL;
	return ENETUNREACH;
}

bool route_mcast_if(uint32_t ifindex, const struct nc_addr *ifaddr, bool listen_host,
		    const struct nc_route *subnets, int n)
{
	if (ifindex)
		return ifindex >= NC_IFINDEX_BASE && ifindex <= NC_IFINDEX_MAX;
	return ifaddr->family && !addr_is_any(ifaddr) &&
	       route_virtual(ifaddr, ROUTE_DEST, listen_host, subnets, n) == 1;
}

int route_shutdown(uint8_t nc_state, int how)
{
	if (how != SHUT_RD && how != SHUT_WR && how != SHUT_RDWR)
		return -EINVAL;
	if (nc_state == NC_ST_BOUND)
		return -ENOTCONN;
	if (nc_state == NC_ST_LISTEN && how == SHUT_WR)
		return 0;
	return 1;
}
