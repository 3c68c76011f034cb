// SPDX-License-Identifier: BSD-2-Clause
/* lwIP glue: one-thread lwIP driven from the daemon's epoll loop, netifs for the virtual addresses. */
#include <errno.h>
#include <arpa/inet.h>
#include <string.h>

#include "lwip/init.h"
#include "lwip/pbuf.h"
#include "lwip/prot/ip.h"
#include "lwip/prot/ip6.h"
#include "lwip/raw.h"
#include "lwip/ip_addr.h"
#include "lwip/netif.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/tcpip.h"
#include "lwip/timeouts.h"

#include "common/addr.h"
#include "common/icmperr.h"
#include "common/log.h"
#include "daemon/loop.h"
#include "daemon/stack.h"

#define STACK_MAX_NETIFS 8
/* The standalone interface is a virtual LAN inside one host: like the kernel's loopback, it
 * takes large packets. */
#define STACK_MTU 65535

static struct netif netifs[STACK_MAX_NETIFS];
static int nnetifs;
static bool loop_pending[STACK_MAX_NETIFS];
static bool any_loop_pending;
static struct nc_route routes[NC_MAX_ROUTES];
static const void *route_owner[NC_MAX_ROUTES]; /* NULL: the standalone interface */
static bool route_local[NC_MAX_ROUTES]; /* the address is ours (bindable), not only routed */
static int nroutes;
/* Interfaces others own (one per joined ZeroTier network): their loopback is polled here too. */
#define STACK_MAX_EXT 16
static struct netif *ext[STACK_MAX_EXT];
static bool ext_pending[STACK_MAX_EXT];
static void (*unreach_cb)(const struct icmperr *e);
/* Enough of a packet for its IP and ICMP headers and the quoted IP and UDP headers. */
#define STACK_PEEK (40 + 8 + 40 + 8)

/* A raw pcb sees every ICMP packet before lwIP does, and leaves it to lwIP (loopback included,
 * which bypasses the interfaces' input functions). */
static u8_t stack_raw_recv(void *arg, struct raw_pcb *pcb, struct pbuf *p, const ip_addr_t *addr)
{
	uint8_t b[STACK_PEEK];
	struct icmperr e;
	u16_t n;

	if (unreach_cb) {
		n = pbuf_copy_partial(p, b, sizeof(b), 0);
		if (icmperr_parse(b, n, &e) == 0)
			unreach_cb(&e);
	}
	return 0; /* not eaten */
}

void stack_set_unreach_cb(void (*cb)(const struct icmperr *e))
{
	static struct raw_pcb *r4, *r6;

	unreach_cb = cb;
	if (!r4 && (r4 = raw_new_ip_type(IPADDR_TYPE_V4, IP_PROTO_ICMP)))
		raw_recv(r4, stack_raw_recv, NULL);
	if (!r6 && (r6 = raw_new_ip_type(IPADDR_TYPE_V6, IP6_NEXTH_ICMP6)))
		raw_recv(r6, stack_raw_recv, NULL);
}

/*
 * lwIP built with NO_SYS=0 hands looped-back packets to its tcpip thread through
 * tcpip_try_callback(netif_poll, netif). We run no such thread: this definition, in the
 * executable, takes precedence over the library's for its PLT calls, and records the netif so
 * that stack_poll() delivers the packets from the daemon's own loop.
 */
err_t tcpip_try_callback(tcpip_callback_fn function, void *ctx);
err_t tcpip_try_callback(tcpip_callback_fn function, void *ctx)
{
	for (int i = 0; i < nnetifs; i++) {
		if (ctx == &netifs[i]) {
			loop_pending[i] = true;
			any_loop_pending = true;
			return ERR_OK;
		}
	}
	for (int i = 0; i < STACK_MAX_EXT; i++) {
		if (ext[i] && ctx == ext[i]) {
			ext_pending[i] = true;
			any_loop_pending = true;
			return ERR_OK;
		}
	}
	/* Anything else lwIP would defer: run it now, we are the only thread. */
	function(ctx);
	return ERR_OK;
}

/* Standalone mode: frames for other hosts on the virtual LAN have nowhere to go. */
/* Standalone mode: several --addr in one subnet are one virtual LAN. lwIP routes by subnet to
 * the first such interface and loops back only its own address: a packet for a sibling's address
 * is handed to the sibling here. Anything else has nowhere to go. */
static err_t stack_drop4(struct netif *n, struct pbuf *p, const ip4_addr_t *a)
{
	for (int i = 0; i < nnetifs; i++)
		if (&netifs[i] != n && netifs[i].output == stack_drop4 &&
		    ip4_addr_cmp(a, netif_ip4_addr(&netifs[i])))
			return netif_loop_output(&netifs[i], p);
	return ERR_OK;
}

static err_t stack_drop6(struct netif *n, struct pbuf *p, const ip6_addr_t *a)
{
	return ERR_OK;
}

static err_t stack_netif_init(struct netif *n)
{
	n->name[0] = 'n';
	n->name[1] = 'c';
	n->mtu = STACK_MTU;
	n->mtu6 = STACK_MTU;
	n->output = stack_drop4;
	n->output_ip6 = stack_drop6;
	n->flags = NETIF_FLAG_UP | NETIF_FLAG_LINK_UP;
	return ERR_OK;
}

/*
 * lwIP counts TCP retransmission timeouts in ticks of its slow timer (TCP_SLOW_INTERVAL, 500 ms in
 * Debian's prebuilt library, 250 ms in ours: lwip/include/lwipopts.h), never fewer than 3, so
 * with Debian's no RTO is below ~1.5 s, and without SACK a lossy path recovers segment by segment
 * at that pace. While there are TCP connections we run the slow timer
 * STACK_TCP_SLOW_SCALE times as often: finer ticks, a finer RTT estimate, a lower RTO floor.
 * Times lwIP counts in ticks shrink by as much: TIME_WAIT, FIN_WAIT_2, SYN_RCVD and the total
 * time before it gives up retransmitting (12 tries). Two stay as they were: a SYN_SENT
 * connection does not age in our extra ticks (connect() still gives up after ~21 s), and
 * keepalive times are given to lwIP scaled up (stack_tcp_ms).
 */
static bool tcp_extra_armed;
/* A SYN_SENT retransmission timer held still through one of our ticks (lwIP counts only >= 0). */
#define STACK_RTIME_HELD (-2)

static void stack_tcp_extra(void *arg)
{
	struct tcp_pcb *p;

	for (p = tcp_active_pcbs; p; p = p->next)
		if (p->state == SYN_SENT && p->rtime > 0)
			p->rtime--; /* the tick adds it back */
		else if (p->state == SYN_SENT && p->rtime == 0)
			p->rtime = STACK_RTIME_HELD;
	tcp_slowtmr();
	for (p = tcp_active_pcbs; p; p = p->next)
		if (p->state == SYN_SENT && p->rtime == STACK_RTIME_HELD)
			p->rtime = 0;
	tcp_extra_armed = tcp_active_pcbs || tcp_tw_pcbs;
	if (tcp_extra_armed)
		sys_timeout(TCP_SLOW_INTERVAL / (STACK_TCP_SLOW_SCALE - 1), stack_tcp_extra, NULL);
}

uint32_t stack_tcp_ms(uint32_t ms)
{
	return ms > UINT32_MAX / STACK_TCP_SLOW_SCALE ? UINT32_MAX : ms * STACK_TCP_SLOW_SCALE;
}

void stack_init(void)
{
	lwip_init();
	loop_set_poll(stack_poll, stack_timeout_ms);
}

static struct netif *stack_new_netif(void)
{
	struct netif *n;

	if (nnetifs >= STACK_MAX_NETIFS)
		return NULL;
	n = &netifs[nnetifs++];
	if (!netif_add(n, NULL, NULL, NULL, NULL, stack_netif_init, netif_input))
		return NULL;
	/* lwIP puts a new interface first and routes by the first subnet match: move it last, so
	 * the first --addr of a subnet is its primary address, the source the route picks. */
	if (netif_list == n && n->next) {
		struct netif *t = n->next;

		netif_list = n->next;
		while (t->next)
			t = t->next;
		t->next = n;
		n->next = NULL;
	}
	netif_set_up(n);
	netif_set_link_up(n);
	return n;
}

int stack_standalone_add(const struct nc_route *r)
{
	struct netif *n = NULL;

	if (nroutes >= NC_MAX_ROUTES)
		return -ENOSPC;
	if (r->addr.family == 4) {
		ip4_addr_t ip, mask, gw;
		uint32_t m = r->prefix ? htonl(~0u << (32 - r->prefix)) : 0;

		n = stack_new_netif();
		if (!n)
			return -ENOSPC;
		memcpy(&ip.addr, r->addr.ip, 4);
		mask.addr = m;
		gw.addr = 0;
		netif_set_addr(n, &ip, &mask, &gw);
	} else {
		ip6_addr_t ip6;
		s8_t idx;

		/* IPv6 addresses go on the first interface (lwIP keeps six per netif). */
		n = nnetifs ? &netifs[0] : stack_new_netif();
		if (!n)
			return -ENOSPC;
		memset(&ip6, 0, sizeof(ip6));
		memcpy(ip6.addr, r->addr.ip, 16);
		if (netif_add_ip6_address(n, &ip6, &idx) != ERR_OK)
			return -ENOSPC;
		netif_ip6_addr_set_state(n, idx, IP6_ADDR_PREFERRED);
	}
	route_owner[nroutes] = NULL;
	route_local[nroutes] = true;
	routes[nroutes++] = *r;
	return 0;
}

int stack_route_add(const struct nc_route *r, const void *owner, bool local)
{
	if (nroutes >= NC_MAX_ROUTES)
		return -ENOSPC;
	route_owner[nroutes] = owner;
	route_local[nroutes] = local;
	routes[nroutes++] = *r;
	return 0;
}

void stack_routes_remove(const void *owner)
{
	int j = 0;

	for (int i = 0; i < nroutes; i++) {
		if (owner && route_owner[i] == owner)
			continue;
		routes[j] = routes[i];
		route_owner[j] = route_owner[i];
		route_local[j] = route_local[i];
		j++;
	}
	nroutes = j;
}

int stack_netif_register(struct netif *n)
{
	for (int i = 0; i < STACK_MAX_EXT; i++) {
		if (!ext[i]) {
			ext[i] = n;
			ext_pending[i] = false;
			return 0;
		}
	}
	return -ENOSPC;
}

void stack_netif_unregister(struct netif *n)
{
	for (int i = 0; i < STACK_MAX_EXT; i++)
		if (ext[i] == n)
			ext[i] = NULL;
}

int stack_routes(struct nc_route *out, int max)
{
	int n = nroutes < max ? nroutes : max;

	memcpy(out, routes, n * sizeof(*out));
	return n;
}

struct netif *stack_netif_of(const struct nc_addr *a)
{
	struct netif *n;

	if (a->family != 4)
		return NULL;
	NETIF_FOREACH(n)
	{
		if (!memcmp(&netif_ip4_addr(n)->addr, a->ip, 4))
			return n;
	}
	return NULL;
}

struct netif *stack_mcast_netif(const struct nc_addr *ifaddr, uint32_t ifindex, int family)
{
	struct netif *n;

	if (ifindex) {
		if (ifindex < NC_IFINDEX_BASE || ifindex > NC_IFINDEX_MAX)
			return NULL;
		return netif_get_by_index((u8_t)(ifindex - NC_IFINDEX_BASE));
	}
	if (ifaddr && ifaddr->family && !addr_is_any(ifaddr))
		return stack_netif_of(ifaddr);
	/* The first joined network's interface: the standalone ones do no multicast. */
	NETIF_FOREACH(n)
	{
		if (!netif_is_up(n) || !(n->flags & (NETIF_FLAG_IGMP | NETIF_FLAG_MLD6)))
			continue;
		if (family == 4 && ip4_addr_isany_val(*netif_ip4_addr(n)))
			continue;
		return n;
	}
	return NULL;
}

static bool stack_prefix6(const uint8_t *a, const uint8_t *b, unsigned bits)
{
	unsigned whole = bits / 8, rest = bits % 8;

	if (bits > 128 || memcmp(a, b, whole))
		return false;
	return !rest || !((a[whole] ^ b[whole]) & (0xff00 >> rest));
}

int stack_src6(const uint8_t dst[16], uint8_t src[16])
{
	int best = -1;

	for (int i = 0; i < nroutes; i++)
		if (route_local[i] && routes[i].addr.family == 6 &&
		    (best < 0 || routes[i].prefix > routes[best].prefix) &&
		    stack_prefix6(routes[i].addr.ip, dst, routes[i].prefix))
			best = i;
	if (best < 0)
		return -ENOENT;
	memcpy(src, routes[best].addr.ip, 16);
	return 0;
}

bool stack_is_local(const struct nc_addr *a)
{
	if (addr_is_linklocal6(a)) {
		/* Not a route's: the interface's own fe80:: address, named with its index. */
		struct netif *n = a->scope ? stack_mcast_netif(NULL, a->scope, 6) : NULL;

		for (int i = 0; n && i < LWIP_IPV6_NUM_ADDRESSES; i++)
			if (ip6_addr_isvalid(netif_ip6_addr_state(n, i)) &&
			    !memcmp(netif_ip6_addr(n, i)->addr, a->ip, 16))
				return true;
		return false;
	}
	for (int i = 0; i < nroutes; i++)
		if (route_local[i] && routes[i].addr.family == a->family &&
		    !memcmp(routes[i].addr.ip, a->ip, a->family == 4 ? 4 : 16))
			return true;
	return false;
}

bool stack_poll(void)
{
	bool did = false;

	/* Bounded, so a storm of looped-back packets cannot starve the rest of the loop. */
	for (int round = 0; round < 64 && any_loop_pending; round++) {
		any_loop_pending = false;
		for (int i = 0; i < nnetifs; i++) {
			if (loop_pending[i]) {
				loop_pending[i] = false;
				netif_poll(&netifs[i]);
				did = true;
			}
		}
		for (int i = 0; i < STACK_MAX_EXT; i++) {
			if (ext[i] && ext_pending[i]) {
				ext_pending[i] = false;
				netif_poll(ext[i]);
				did = true;
			}
		}
	}
	if (!tcp_extra_armed && (tcp_active_pcbs || tcp_tw_pcbs)) {
		tcp_extra_armed = true;
		sys_timeout(TCP_SLOW_INTERVAL / (STACK_TCP_SLOW_SCALE - 1), stack_tcp_extra, NULL);
	}
	/* Timers that ran may have queued output for idle to flush. */
	if (sys_timeouts_sleeptime() == 0)
		did = true;
	sys_check_timeouts();
	return did || any_loop_pending;
}

int stack_timeout_ms(int max_ms)
{
	u32_t t;

	if (any_loop_pending)
		return 0;
	t = sys_timeouts_sleeptime();
	if (t == SYS_TIMEOUTS_SLEEPTIME_INFINITE || t > (u32_t)max_ms)
		return max_ms;
	return (int)t;
}
