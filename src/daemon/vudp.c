// SPDX-License-Identifier: BSD-2-Clause
/* Virtual UDP sockets: an lwIP udp_pcb tied to the program's SOCK_SEQPACKET socketpair end. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "lwip/igmp.h"
#include "lwip/ip.h"
#include "lwip/mld6.h"
#include "lwip/pbuf.h"
#include "lwip/udp.h"

#include "common/addr.h"
#include "common/log.h"
#include "daemon/rstab.h"
#include "daemon/stack.h"
#include "daemon/vconn_int.h"

/* Datagrams the program may have queued toward the network per wakeup, so one busy socket does
 * not starve the loop. */
#define VUDP_BATCH 64
/* Room for a burst of datagrams in each direction of the pair. */
#define VUDP_SOCKBUF (1024 * 1024)
/* Groups one socket may join (Linux: IP_MAX_MEMBERSHIPS). */
#define VUDP_MC_MAX 20

/* A group a socket joined, on the interface of that lwIP index. */
struct vudp_mc {
	ip_addr_t group;
	u8_t ifidx;
};

/* lwIP counts joins per interface: each socket leaves what it joined, once. */
static void vudp_mc_leave(const struct vudp_mc *m)
{
	struct netif *n = netif_get_by_index(m->ifidx);

	if (!n)
		return; /* the network is gone, and its groups with it */
	if (IP_IS_V4(&m->group))
		igmp_leavegroup_netif(n, ip_2_ip4(&m->group));
	else
		mld6_leavegroup_netif(n, ip_2_ip6(&m->group));
}

int vudp_mcast(struct vconn *vc, const struct nc_mcast_req *req)
{
	bool has_if = req->ifindex || (req->ifaddr.family && !addr_is_any(&req->ifaddr));
	struct netif *n;
	ip_addr_t g;
	int i;
	err_t e;

	if (!vc->upcb)
		return -EBADF;
	if (req->op == NC_MC_TX) {
		n = has_if ? stack_mcast_netif(&req->ifaddr, req->ifindex, 0) : NULL;
		if (has_if && !n)
			return req->ifindex ? -ENODEV : -EADDRNOTAVAIL;
		udp_set_multicast_netif_index(vc->upcb, n ? netif_get_index(n) : NETIF_NO_INDEX);
		udp_set_multicast_ttl(vc->upcb, req->ttl);
		if (req->loop)
			udp_set_flags(vc->upcb, UDP_FLAGS_MULTICAST_LOOP);
		else
			udp_clear_flags(vc->upcb, UDP_FLAGS_MULTICAST_LOOP);
		return 0;
	}
	if ((req->op != NC_MC_JOIN && req->op != NC_MC_LEAVE) || !addr_is_multicast(&req->group))
		return -EINVAL;
	vconn_to_ip(&req->group, &g);
	n = has_if || req->op == NC_MC_JOIN
		? stack_mcast_netif(&req->ifaddr, req->ifindex, req->group.family)
		: NULL;
	if (!n && (has_if || req->op == NC_MC_JOIN))
		return -ENODEV;
	if (n && IP_IS_V6(&g))
		ip6_addr_assign_zone(ip_2_ip6(&g), IP6_MULTICAST, n);
	for (i = 0; i < vc->nmc; i++)
		if (ip_addr_cmp_zoneless(&vc->mc[i].group, &g) &&
		    (!n || vc->mc[i].ifidx == netif_get_index(n)))
			break;
	if (req->op == NC_MC_LEAVE) {
		if (i == vc->nmc)
			return -EADDRNOTAVAIL;
		vudp_mc_leave(&vc->mc[i]);
		vc->mc[i] = vc->mc[--vc->nmc];
		return 0;
	}
	if (i < vc->nmc)
		return -EADDRINUSE;
	if (vc->nmc >= VUDP_MC_MAX)
		return -ENOBUFS;
	if (!vc->mc) {
		vc->mc = calloc(VUDP_MC_MAX, sizeof(*vc->mc));
		if (!vc->mc)
			return -ENOMEM;
	}
	if (req->group.family == 4)
		e = igmp_joingroup_netif(n, ip_2_ip4(&g));
	else
		e = mld6_joingroup_netif(n, ip_2_ip6(&g));
	if (e != ERR_OK)
		return vconn_lwip_err(e);
	vc->mc[vc->nmc].group = g;
	vc->mc[vc->nmc++].ifidx = netif_get_index(n);
	return 0;
}

void vudp_apply_opts(struct vconn *vc)
{
	if (!vc->upcb)
		return;
	if (vc->opts.flags & NC_OPT_REUSEADDR)
		ip_set_option(vc->upcb, SOF_REUSEADDR);
	else
		ip_reset_option(vc->upcb, SOF_REUSEADDR);
	if (vc->opts.flags & NC_OPT_BROADCAST)
		ip_set_option(vc->upcb, SOF_BROADCAST);
	else
		ip_reset_option(vc->upcb, SOF_BROADCAST);
}

void vudp_release(struct vconn *vc)
{
	for (int i = 0; i < vc->nmc; i++)
		vudp_mc_leave(&vc->mc[i]);
	vc->nmc = 0;
	free(vc->mc);
	vc->mc = NULL;
	if (vc->upcb) {
		udp_recv(vc->upcb, NULL, NULL);
		udp_remove(vc->upcb);
		vc->upcb = NULL;
	}
}

/* A datagram from the network: to the program, behind a header unless connected. Dropped when
 * the program's queue is full, as UDP does. */
static void vudp_on_recv(void *arg, struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *addr,
			 u16_t port)
{
	struct vconn *vc = arg;
	struct nc_dgram_hdr h;
	struct iovec iov[33];
	int n = 0;

	if (!vc || vc->obj.dead || vc->fd < 0) {
		pbuf_free(p);
		return;
	}
	if (vc->state != VC_UDP_CONNECTED) {
		memset(&h, 0, sizeof(h));
		h.magic = NC_DGRAM_MAGIC;
		vconn_from_ip(&h.addr, addr, port);
		iov[n].iov_base = &h;
		iov[n++].iov_len = sizeof(h);
	}
	for (struct pbuf *q = p; q && n < 33; q = q->next) {
		iov[n].iov_base = q->payload;
		iov[n++].iov_len = q->len;
	}
	{
		struct msghdr m = {.msg_iov = iov, .msg_iovlen = (size_t)n};

		if (sendmsg(vc->fd, &m, MSG_DONTWAIT | MSG_NOSIGNAL) >= 0)
			vc->bytes_in += p->tot_len;
	}
	pbuf_free(p);
}

/* lwIP routes a group by subnet and finds none: without IP_MULTICAST_IF, a group goes out of
 * the interface of the bound address, else of the first joined network. */
static err_t vudp_sendto(struct vconn *vc, struct pbuf *p, const struct nc_addr *a,
			 const ip_addr_t *ip)
{
	struct netif *n;

	if (!addr_is_multicast(a) || vc->upcb->mcast_ifindex != NETIF_NO_INDEX)
		return udp_sendto(vc->upcb, p, ip, a->port);
	n = stack_mcast_netif(vc->local.family == 4 ? &vc->local : NULL, 0, a->family);
	if (!n)
		return ERR_RTE;
	return udp_sendto_if(vc->upcb, p, ip, a->port, n);
}

/* Datagrams from the program: to the network. closing: the program's end is gone, so a read
 * of 0 is the end of the queue rather than an empty datagram. */
static void vudp_pump(struct vconn *vc, bool closing)
{
	for (int i = 0; i < VUDP_BATCH && vc->upcb && vc->fd >= 0; i++) {
		struct nc_dgram_hdr h;
		struct iovec iov[2];
		struct msghdr m = {.msg_iov = iov};
		struct pbuf *p;
		ip_addr_t ip;
		ssize_t n;
		size_t len;
		err_t e;

		if (vc->state == VC_UDP_CONNECTED) {
			iov[0].iov_base = vconn_iobuf;
			iov[0].iov_len = sizeof(vconn_iobuf);
			m.msg_iovlen = 1;
		} else {
			iov[0].iov_base = &h;
			iov[0].iov_len = sizeof(h);
			iov[1].iov_base = vconn_iobuf;
			iov[1].iov_len = sizeof(vconn_iobuf);
			m.msg_iovlen = 2;
		}
		n = recvmsg(vc->fd, &m, MSG_DONTWAIT);
		if (n < 0 || (n == 0 && closing)) {
			if (n < 0 && errno == EINTR)
				continue;
			vc->readable = false;
			return;
		}
		if (vc->state != VC_UDP_CONNECTED) {
			if ((size_t)n < sizeof(h) || h.magic != NC_DGRAM_MAGIC ||
			    (h.addr.family != 4 && h.addr.family != 6)) {
				log_info("udp socket %llu: datagram without a valid header dropped",
					 (unsigned long long)vc->id);
				continue;
			}
			len = (size_t)n - sizeof(h);
		} else {
			len = (size_t)n;
		}
		/* NC_DGRAM_MAX also keeps len within pbuf_alloc's u16_t. */
		_Static_assert(NC_DGRAM_MAX <= 0xffff, "a datagram's length fits a u16_t");
		if ((m.msg_flags & MSG_TRUNC) || len > NC_DGRAM_MAX)
			continue;
		p = pbuf_alloc(PBUF_TRANSPORT, (u16_t)len, PBUF_RAM);
		if (!p)
			continue;
		memcpy(p->payload, vconn_iobuf, len);
		if (vc->state == VC_UDP_CONNECTED && !addr_is_multicast(&vc->peer)) {
			e = udp_send(vc->upcb, p);
		} else if (vc->state == VC_UDP_CONNECTED) {
			vconn_to_ip(&vc->peer, &ip);
			e = vudp_sendto(vc, p, &vc->peer, &ip);
		} else {
			ip_addr_t src = vc->upcb->local_ip;
			struct netif *nif;

			vconn_to_ip(&h.addr, &ip);
			if (addr_is_multicast(&h.addr)) {
				e = vudp_sendto(vc, p, &h.addr, &ip);
			} else {
				/* An unbound socket's source: the longest prefix (6plane). */
				vconn_pick_src6(&src, &ip);
				if (!ip_addr_cmp(&src, &vc->upcb->local_ip) &&
				    (nif = ip_route(&src, &ip)))
					e = udp_sendto_if_src(vc->upcb, p, &ip, h.addr.port, nif,
							      &src);
				else
					e = udp_sendto(vc->upcb, p, &ip, h.addr.port);
			}
		}
		pbuf_free(p);
		if (e == ERR_OK)
			vc->bytes_out += len;
		else
			log_debug("udp socket %llu: send: lwIP error %d",
				  (unsigned long long)vc->id, e);
	}
}

void vudp_event(struct vconn *vc, uint32_t events)
{
	if (events & (EPOLLHUP | EPOLLERR)) {
		/* What the program sent before it closed still goes out, as the kernel's would. */
		vc->readable = !(events & EPOLLERR);
		while (vc->readable && vc->upcb && vc->fd >= 0)
			vudp_pump(vc, true);
		vudp_release(vc);
		vconn_kill(vc);
		return;
	}
	if (vc->tx_eof)
		return;
	if (events & EPOLLIN)
		vc->readable = true;
	if (events & EPOLLRDHUP) {
		/* shutdown(SHUT_WR) by the program: a read of 0 is now the end of its queue, not
		 * an empty datagram (read as one, the end never drains: the loop would spin). What
		 * it queued goes out; datagrams to it still arrive. */
		while (vc->readable && vc->upcb && vc->fd >= 0)
			vudp_pump(vc, true);
		vc->tx_eof = true;
		return;
	}
	if (vc->readable)
		vudp_pump(vc, false);
	/* Edge-triggered: what is left is read on the next loop iteration. */
	if (vc->readable && !vc->obj.dead)
		loop_mod(vc->fd, EPOLLIN | EPOLLRDHUP | EPOLLET, &vc->obj);
}

static int vudp_pair(struct vconn *vc, int *fd_out)
{
	/* SEQPACKET, not DGRAM: records keep datagram boundaries, and unlike a unix datagram
	 * pair, the program's close reaches us as a hang-up, which frees the port. */
	int size = VUDP_SOCKBUF, r = vconn_pair(vc, SOCK_SEQPACKET, fd_out);

	if (r < 0)
		return r;
	vc->tx_eof = false; /* a new end (connect after bind): the old one's shutdown is gone */
	setsockopt(vc->fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	setsockopt(vc->fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	setsockopt(*fd_out, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	setsockopt(*fd_out, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	r = loop_add(vc->fd, EPOLLIN | EPOLLRDHUP | EPOLLET, &vc->obj);
	if (r < 0) {
		close(*fd_out);
		*fd_out = -1;
	}
	return r;
}

/* A udp_pcb bound to a (port 0: an ephemeral one). */
static int vudp_new_bound(const struct nc_sock_req *req, const struct nc_addr *a,
			  const struct vconn_client *who, struct vconn **out)
{
	struct vconn *vc;
	ip_addr_t ip;
	err_t e;
	int r;

	vc = vconn_new_bind(req, a, who, true, &ip, &r);
	if (!vc)
		return r;
	vudp_apply_opts(vc);
	/* Linux's defaults: groups are looped back to the host's own members, TTL 1. */
	udp_set_multicast_ttl(vc->upcb, 1);
	udp_set_flags(vc->upcb, UDP_FLAGS_MULTICAST_LOOP);
	e = vconn_pcb_bind(vc, &ip, a->port);
	if (e != ERR_OK) {
		vudp_release(vc);
		vconn_kill(vc);
		return vconn_lwip_err(e);
	}
	/* lwIP sends a bound pcb's datagrams out of the route's interface and drops them if its
	 * address is not the pcb's: with several addresses in one subnet, send from the owner. */
	if (!addr_is_any(a) && stack_netif_of(a))
		udp_bind_netif(vc->upcb, stack_netif_of(a));
	udp_recv(vc->upcb, vudp_on_recv, vc);
	vc->local = *a;
	vc->local.port = vc->upcb->local_port;
	vconn_move(vc, VE_UDP_BIND);
	*out = vc;
	return 0;
}

int vudp_bind(const struct nc_sock_req *req, const struct vconn_client *who,
	      struct nc_sock_reply *reply, int *fd_out)
{
	struct vconn *vc;
	int r = vudp_new_bound(req, &req->addr, who, &vc);

	if (r < 0)
		return r;
	r = vudp_pair(vc, fd_out);
	if (r < 0) {
		vudp_release(vc);
		vconn_kill(vc);
		return r;
	}
	vconn_fill_reply(vc, reply);
	return 0;
}

void vudp_geterr(struct vconn *vc, struct nc_sock_reply *reply)
{
	/* The program took the refusal: a new generation, so the next one shows. */
	reply->error = vc->udp_refused ? ECONNREFUSED : 0;
	if (vc->udp_refused && vc->rst_slot) {
		rstab_free(vc->rst_slot);
		rstab_alloc(&vc->rst_slot, &vc->rst_gen);
	}
	vc->udp_refused = false;
	vconn_fill_reply(vc, reply);
}

void vudp_refused(struct vconn *vc)
{
	if (vc->udp_refused || vc->fd < 0)
		return;
	vc->udp_refused = true;
	/* The slot says why, and an empty record behind what is queued wakes a blocked read or
	 * poll: the intercept turns it into ECONNREFUSED. */
	if (vc->rst_slot)
		rstab_reset(vc->rst_slot, vc->rst_gen);
	if (send(vc->fd, "", 0, MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
		log_debug("udp socket %llu: wake-up record: %s", (unsigned long long)vc->id,
			  strerror(errno));
}

int vudp_connect(const struct nc_sock_req *req, const struct vconn_client *who,
		 struct nc_sock_reply *reply, int *fd_out)
{
	struct vconn *vc;
	struct netif *n;
	ip_addr_t ip;
	err_t e;
	int r;

	/* The socket named is checked first, and taken over only once everything else is. */
	vc = req->sockid ? vconn_get(req->sockid, who, NC_CONNECT, VW_UDP_UNCONN, &r) : NULL;
	if (req->sockid && !vc)
		return r;
	r = vconn_check_family(req, &req->addr);
	if (r < 0)
		return r;
	if (addr_is_any(&req->addr))
		return -ENETUNREACH;
	if (vc) {
		vconn_take_bound(vc);
	} else {
		struct nc_addr any;

		memset(&any, 0, sizeof(any));
		any.family = req->addr.family == 4 && req->family == 4 ? 4 : req->family;
		r = vudp_new_bound(req, &any, who, &vc);
		if (r < 0)
			return r;
	}
	vc->opts = req->opts;
	vudp_apply_opts(vc);
	vconn_to_ip(&req->addr, &ip);
	vconn_pick_src6(&vc->upcb->local_ip, &ip);
	e = udp_connect(vc->upcb, &ip, req->addr.port);
	if (e != ERR_OK) {
		r = vconn_lwip_err(e);
		goto fail;
	}
	/* The source address the route gives, as the kernel reports after connect. */
	if (addr_is_multicast(&req->addr))
		n = stack_mcast_netif(vc->local.family == 4 ? &vc->local : NULL, 0,
				      req->addr.family);
	else
		n = ip_route(&vc->upcb->local_ip, &ip);
	if (!n) {
		r = -ENETUNREACH;
		goto fail;
	}
	if (addr_is_any(&vc->local)) {
		if (req->addr.family == 4) {
			ip_addr_t src;

			ip_addr_copy_from_ip4(src, *netif_ip4_addr(n));
			vconn_from_ip(&vc->local, &src, vc->upcb->local_port);
		} else {
			const ip_addr_t *src = ip6_select_source_address(n, ip_2_ip6(&ip));

			if (src)
				vconn_from_ip(&vc->local, src, vc->upcb->local_port);
		}
	}
	vc->peer = req->addr;
	vconn_move(vc, VE_CONNECT);
	vc->udp_refused = false;
	if (!vc->rst_slot)
		rstab_alloc(&vc->rst_slot, &vc->rst_gen);
	r = vudp_pair(vc, fd_out);
	if (r < 0)
		goto fail;
	vconn_fill_reply(vc, reply);
	return 0;
fail:
	vudp_release(vc);
	vconn_kill(vc);
	return r;
}
