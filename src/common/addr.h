/* SPDX-License-Identifier: BSD-2-Clause */
/* Addresses: conversions between sockaddr and the rpc's nc_addr, CIDR parsing, formatting. */
#ifndef NETCON_ADDR_H
#define NETCON_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "netcon/rpc.h"

/* sockaddr (AF_INET or AF_INET6) to nc_addr; v4-mapped IPv6 becomes IPv4. -EAFNOSUPPORT/-EINVAL. */
int addr_from_sockaddr(struct nc_addr *out, const struct sockaddr *sa, socklen_t len);
/* nc_addr to a sockaddr of the given socket family (AF_INET6 maps IPv4 to ::ffff:a.b.c.d).
 * Copies at most *len bytes (as getsockname does) and sets *len to the full size. */
void addr_to_sockaddr(const struct nc_addr *a, int family, struct sockaddr *sa, socklen_t *len);
bool addr_is_any(const struct nc_addr *a);
bool addr_is_loopback(const struct nc_addr *a);
/* 224.0.0.0/4 or ff00::/8 */
bool addr_is_multicast(const struct nc_addr *a);
/* fe80::/10 */
bool addr_is_linklocal6(const struct nc_addr *a);
/* Is a inside route r (same family, first prefix bits equal)? */
bool addr_in_route(const struct nc_addr *a, const struct nc_route *r);
/* "10.1.2.3/24" or "fd00::1/64" to a route; the address keeps its host bits. -EINVAL if bad. */
int addr_parse_cidr(struct nc_route *out, const char *s);
/* "IP" (port ignored), "IP:port" or "[IP6]:port" into buf; returns buf. */
char *addr_format(const struct nc_addr *a, bool with_port, char *buf, size_t size);

#endif
