/* SPDX-License-Identifier: BSD-2-Clause */
/* lwIP glue: one-thread lwIP driven from the daemon's epoll loop, netifs for the virtual addresses. */
#ifndef NETCON_STACK_H
#define NETCON_STACK_H

#include <stdbool.h>
#include <stdint.h>

#include "netcon/rpc.h"

/* Start lwIP (no tcpip thread: timers and loopback are driven by stack_poll, which it hands
 * to the loop). */
void stack_init(void);
/* `--addr`: a standalone interface with this address (IPv4 or IPv6 CIDR), and its subnet in the
 * route table as ours. Returns 0 or -errno. */
int stack_standalone_add(const struct nc_route *r);
/* Only a route table entry, no interface: a joined network's subnet (owner = its state), whose
 * destinations the intercept then sends through the daemon; local: the address is ours
 * (bindable). Returns 0 or -ENOSPC. */
int stack_route_add(const struct nc_route *r, const void *owner, bool local);
/* Drop every route of owner. */
void stack_routes_remove(const void *owner);
/* Interfaces made elsewhere (ztnet.c): their looped-back packets are delivered by stack_poll. */
struct netif;
int stack_netif_register(struct netif *n);
void stack_netif_unregister(struct netif *n);
/* The virtual subnets (what the intercept sends through the daemon). */
int stack_routes(struct nc_route *out, int max);
struct netif;
/* The interface that owns IPv4 address a, or NULL. */
struct netif *stack_netif_of(const struct nc_addr *a);
/* The interface for multicast: by index (NC_IFINDEX_BASE + lwIP's), by one of its IPv4
 * addresses (ifaddr, family 0 or the wildcard: none), else the first one that does multicast
 * for family (4 or 6; 0: either). NULL if there is none. */
struct netif *stack_mcast_netif(const struct nc_addr *ifaddr, uint32_t ifindex, int family);

/* The source for IPv6 destination dst: our address whose route has the longest prefix covering
 * dst (RFC 6724 rule 8). lwIP by itself compares /64s only, so it finds no way to a 6plane /40
 * peer from an unbound socket. Returns 0 or -ENOENT. */
int stack_src6(const uint8_t dst[16], uint8_t src[16]);
/* Is this address one of ours (bindable)? */
bool stack_is_local(const struct nc_addr *a);
/* Every ICMP packet lwIP receives is shown first to cb when it is an ICMP/ICMPv6 port unreachable
 * quoting a UDP datagram (lwIP 2.1 cannot hand those to a UDP pcb). */
struct icmperr;
void stack_set_unreach_cb(void (*cb)(const struct icmperr *e));
/* Run lwIP's due timers and deliver looped-back packets; returns true if work was done. */
bool stack_poll(void);
/* Milliseconds until lwIP's next timer (for epoll_wait), at most max_ms. */
int stack_timeout_ms(int max_ms);
/* lwIP's TCP slow timer runs this many times as often as its library thinks (stack.c). */
#define STACK_TCP_SLOW_SCALE 4
/* A TCP time in ms (keepalive) as lwIP must be given it to last ms. */
uint32_t stack_tcp_ms(uint32_t ms);

#endif
