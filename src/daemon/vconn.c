// SPDX-License-Identifier: BSD-2-Clause
/* Virtual sockets: lwIP TCP pcbs tied to the program's socketpair ends (bound, listening, connected). */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "lwip/ip.h"
#include "lwip/ip_addr.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/tcp.h"
#include "lwip/timeouts.h"

#include "common/addr.h"
#include "common/fdpass.h"
#include "common/icmperr.h"
#include "common/log.h"
#include "daemon/rstab.h"
#include "daemon/stack.h"
#include "daemon/vconn.h"
#include "daemon/vconn_int.h"

#define VCONN_HASH 65536
/* The program end's send buffer once connected (what the kernel gives a unix socket by default). */
#define VCONN_SNDBUF_DEFAULT (212992 / 2)
/* Failed connects are kept this many at most until the program asks for SO_ERROR. */
#define VCONN_FAILED_MAX 1024
#define VCONN_BACKLOG_MAX 4096
#define VCONN_FILLER_MAX 65536
#define VCONN_MSS_MAX 16384
#define VCONN_TIMEWAIT_MAX 1024
#define VCONN_TIMEWAIT_EVERY 64
/* The most one tcp_write takes (its length is a u16_t). */
#define VCONN_WRITE_MAX 0xffffu

static struct vconn *by_id[VCONN_HASH], *by_ino[VCONN_HASH];
static struct vconn *all_head, *all_tail; /* in id order, for status listings */
static struct vconn *dirty_head, *dead_head, *failed_head;
static uint64_t next_id = 1;
static uint64_t nsocks;
static int nfailed;
uint8_t vconn_iobuf[VCONN_IO_MAX];

static void vconn_close_conn(struct vconn *vc, bool reset);

/* ---- tables ---- */

static unsigned vconn_hash(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	return (unsigned)(k & (VCONN_HASH - 1));
}

static struct vconn_acct *accts;
static uint32_t max_sockets;

struct vconn_acct *vconn_acct_get(uint64_t tree)
{
	struct vconn_acct *a;

	for (a = tree ? accts : NULL; a; a = a->next) {
		if (a->tree == tree) {
			a->refs++;
			return a;
		}
	}
	a = calloc(1, sizeof(*a));
	if (!a)
		return NULL;
	a->tree = tree;
	a->refs = 1;
	a->next = accts;
	accts = a;
	return a;
}

void vconn_acct_put(struct vconn_acct *a)
{
	if (!a || --a->refs)
		return;
	for (struct vconn_acct **pp = &accts; *pp; pp = &(*pp)->next) {
		if (*pp == a) {
			*pp = a->next;
			break;
		}
	}
	free(a);
}

void vconn_set_max_sockets(uint32_t max)
{
	max_sockets = max;
}

struct vconn *vconn_new(enum vconn_kind kind, uint8_t family, const struct vconn_client *who,
			int *err)
{
	struct vconn *vc;
	unsigned h;

	if (who->acct && max_sockets && who->acct->nsocks >= max_sockets) {
		*err = -EMFILE;
		return NULL;
	}
	vc = calloc(1, sizeof(*vc));
	if (!vc) {
		*err = -ENOMEM;
		return NULL;
	}
	vc->obj.type = LOOP_VCONN;
	vc->kind = kind;
	vc->family = family;
	vc->pid = who->pid;
	vc->tree = who->tree;
	vc->acct = who->acct;
	if (vc->acct) {
		vc->acct->refs++;
		vc->acct->nsocks++;
	}
	vc->fd = -1;
	vc->keep_fd = -1;
	vc->id = next_id++;
	h = vconn_hash(vc->id);
	vc->id_next = by_id[h];
	by_id[h] = vc;
	vc->list_prev = all_tail;
	if (all_tail)
		all_tail->list_next = vc;
	else
		all_head = vc;
	all_tail = vc;
	nsocks++;
	return vc;
}

static struct vconn *vconn_find(uint64_t id)
{
	for (struct vconn *vc = by_id[vconn_hash(id)]; vc; vc = vc->id_next)
		if (vc->id == id && !vc->obj.dead)
			return vc;
	return NULL;
}

struct vconn *vconn_get(uint64_t id, const struct vconn_client *who, int type, enum vconn_want want,
			int *err)
{
	struct vconn *vc = id ? vconn_find(id) : NULL;
	int e = 0;

	if (!vc || (who->tree && vc->tree != who->tree)) {
		*err = -EBADF;
		return NULL;
	}
	switch (want) {
	case VW_ANY:
		break;
	case VW_UDP:
		if (vc->kind != VK_UDP)
			e = -ENOPROTOOPT;
		break;
	case VW_TCP_BOUND:
		if (vc->kind == VK_UDP)
			e = type == NC_LISTEN ? -EOPNOTSUPP : -EINVAL;
		else if (vc->kind != VK_BOUND)
			e = type == NC_LISTEN ? -EINVAL : -EISCONN;
		break;
	case VW_UDP_UNCONN:
		if (vc->kind != VK_UDP)
			e = -EINVAL;
		else if (vc->udp_connected)
			e = -EISCONN;
		break;
	}
	if (e < 0) {
		*err = e;
		return NULL;
	}
	return vc;
}

static void vconn_set_ino(struct vconn *vc, uint64_t ino)
{
	unsigned h = vconn_hash(ino);

	vc->ino = ino;
	vc->ino_next = by_ino[h];
	by_ino[h] = vc;
}

static void vconn_unlink_ino(struct vconn *vc)
{
	struct vconn **pp;

	if (!vc->ino)
		return;
	for (pp = &by_ino[vconn_hash(vc->ino)]; *pp; pp = &(*pp)->ino_next) {
		if (*pp == vc) {
			*pp = vc->ino_next;
			break;
		}
	}
	vc->ino = 0;
}

static void vconn_unlink_failed(struct vconn *vc)
{
	if (!vc->in_failed)
		return;
	for (struct vconn **pp = &failed_head; *pp; pp = &(*pp)->failed_next) {
		if (*pp == vc) {
			*pp = vc->failed_next;
			break;
		}
	}
	vc->in_failed = false;
	nfailed--;
}

/* Mark dead: out of every table now, memory freed at the end of the loop iteration. */
void vconn_kill(struct vconn *vc)
{
	struct vconn **pp;

	if (vc->obj.dead)
		return;
	vc->obj.dead = 1;
	vudp_release(vc);
	if (vc->acct) {
		vc->acct->nsocks--;
		vconn_acct_put(vc->acct);
		vc->acct = NULL;
	}
	if (vc->fd >= 0) {
		loop_del(vc->fd);
		close(vc->fd);
		vc->fd = -1;
	}
	if (vc->keep_fd >= 0) {
		close(vc->keep_fd);
		vc->keep_fd = -1;
	}
	if (vc->rx) {
		pbuf_free(vc->rx);
		vc->rx = NULL;
	}
	free(vc->tx_left);
	vc->tx_left = NULL;
	rstab_free(vc->rst_slot);
	vc->rst_slot = 0;
	vconn_unlink_ino(vc);
	vconn_unlink_failed(vc);
	if (vc->parent) {
		struct vconn *l = vc->parent, *prev = NULL;

		for (struct vconn *p = l->pend_head; p; prev = p, p = p->pend_next) {
			if (p != vc)
				continue;
			if (prev)
				prev->pend_next = p->pend_next;
			else
				l->pend_head = p->pend_next;
			if (l->pend_tail == p)
				l->pend_tail = prev;
			l->npending--;
			break;
		}
		vc->parent = NULL;
	}
	for (pp = &by_id[vconn_hash(vc->id)]; *pp; pp = &(*pp)->id_next) {
		if (*pp == vc) {
			*pp = vc->id_next;
			break;
		}
	}
	if (vc->list_prev)
		vc->list_prev->list_next = vc->list_next;
	else
		all_head = vc->list_next;
	if (vc->list_next)
		vc->list_next->list_prev = vc->list_prev;
	else
		all_tail = vc->list_prev;
	nsocks--;
	vc->dead_next = dead_head;
	dead_head = vc;
}

static void vconn_mark_dirty(struct vconn *vc)
{
	if (vc->dirty)
		return;
	vc->dirty = true;
	vc->dirty_next = dirty_head;
	dirty_head = vc;
}

/* ---- helpers ---- */

int vconn_lwip_err(err_t e)
{
	switch (e) {
	case ERR_OK:
		return 0;
	case ERR_MEM:
	case ERR_BUF:
		return -ENOMEM;
	case ERR_TIMEOUT:
		return -ETIMEDOUT;
	case ERR_RTE:
		return -ENETUNREACH;
	case ERR_INPROGRESS:
		return -EINPROGRESS;
	case ERR_VAL:
		return -EINVAL;
	case ERR_USE:
		return -EADDRINUSE;
	case ERR_ALREADY:
		return -EALREADY;
	case ERR_ISCONN:
		return -EISCONN;
	case ERR_CONN:
		return -ENOTCONN;
	case ERR_ABRT:
		return -ECONNABORTED;
	case ERR_RST:
		return -ECONNRESET;
	case ERR_CLSD:
		return -ENOTCONN;
	default:
		return -EIO;
	}
}

void vconn_to_ip(const struct nc_addr *a, ip_addr_t *ip)
{
	memset(ip, 0, sizeof(*ip));
	if (a->family == 4) {
		IP_SET_TYPE(ip, IPADDR_TYPE_V4);
		memcpy(&ip_2_ip4(ip)->addr, a->ip, 4);
	} else {
		IP_SET_TYPE(ip, IPADDR_TYPE_V6);
		memcpy(ip_2_ip6(ip)->addr, a->ip, 16);
		/* A link-local address names its interface by scope id, as in the kernel. */
		if (a->scope >= NC_IFINDEX_BASE && a->scope <= NC_IFINDEX_MAX &&
		    ip6_addr_has_scope(ip_2_ip6(ip), IP6_UNKNOWN))
			ip6_addr_set_zone(ip_2_ip6(ip), (u8_t)(a->scope - NC_IFINDEX_BASE));
	}
}

void vconn_from_ip(struct nc_addr *a, const ip_addr_t *ip, u16_t port)
{
	memset(a, 0, sizeof(*a));
	a->port = port;
	if (IP_IS_V4(ip)) {
		a->family = 4;
		memcpy(a->ip, &ip_2_ip4(ip)->addr, 4);
	} else if (IP_IS_V6(ip) || IP_IS_ANY_TYPE_VAL(*ip)) {
		a->family = 6;
		memcpy(a->ip, ip_2_ip6(ip)->addr, 16);
		if (ip6_addr_has_zone(ip_2_ip6(ip)))
			a->scope = NC_IFINDEX_BASE + ip6_addr_zone(ip_2_ip6(ip));
	}
}

static void vconn_apply_opts(struct vconn *vc)
{
	struct tcp_pcb *pcb = vc->pcb;

	if (!pcb)
		return;
	if (vc->opts.flags & NC_OPT_REUSEADDR)
		ip_set_option(pcb, SOF_REUSEADDR);
	else
		ip_reset_option(pcb, SOF_REUSEADDR);
	if (pcb->state == LISTEN)
		return; /* a listen pcb has no more fields */
	if (vc->opts.flags & NC_OPT_KEEPALIVE)
		ip_set_option(pcb, SOF_KEEPALIVE);
	else
		ip_reset_option(pcb, SOF_KEEPALIVE);
	/* lwIP counts these in slow-timer ticks, which run faster than it thinks (stack.c) */
	pcb->keep_idle = stack_tcp_ms(vc->opts.keepidle > 0 ? (u32_t)vc->opts.keepidle * 1000
							    : TCP_KEEPIDLE_DEFAULT);
	pcb->keep_intvl = stack_tcp_ms(vc->opts.keepintvl > 0 ? (u32_t)vc->opts.keepintvl * 1000
							      : TCP_KEEPINTVL_DEFAULT);
	if (vc->opts.keepcnt > 0)
		pcb->keep_cnt = (u32_t)vc->opts.keepcnt;
	if (vc->opts.flags & NC_OPT_NODELAY)
		tcp_nagle_disable(pcb);
	else
		tcp_nagle_enable(pcb);
}

/* A socketpair, daemon end non-blocking; the program end's inode recorded. */
int vconn_pair(struct vconn *vc, int type, int *prog_fd)
{
	int sv[2];
	struct stat st;

	if (socketpair(AF_UNIX, type | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	if (fcntl(sv[1], F_SETFL, O_NONBLOCK) < 0 || fstat(sv[0], &st) < 0) {
		int e = -errno;

		close(sv[0]);
		close(sv[1]);
		return e;
	}
	vc->fd = sv[1];
	vconn_set_ino(vc, st.st_ino);
	*prog_fd = sv[0];
	return 0;
}

void vconn_fill_reply(const struct vconn *vc, struct nc_sock_reply *r)
{
	r->sockid = vc->id;
	r->ino = vc->ino;
	r->local = vc->local;
	r->peer = vc->peer;
	r->state = vc->state;
	r->family = vc->family;
	r->proto = vc->kind == VK_UDP ? NC_PROTO_UDP : NC_PROTO_TCP;
	r->opts = vc->opts;
	r->rst_slot = vc->rst_slot;
	r->rst_gen = vc->rst_gen;
}

/* ---- TCP callbacks and the relay ---- */

static void vconn_flush_rx(struct vconn *vc);
static void vconn_pump_tx(struct vconn *vc);

static void vconn_forget_pcb(struct vconn *vc)
{
	if (!vc->pcb)
		return;
	tcp_arg(vc->pcb, NULL);
	if (vc->pcb->state == LISTEN) {
		/* A listen pcb has only an accept callback (lwIP asserts on the others). */
		tcp_accept(vc->pcb, NULL);
	} else {
		tcp_recv(vc->pcb, NULL);
		tcp_sent(vc->pcb, NULL);
		tcp_err(vc->pcb, NULL);
		tcp_poll(vc->pcb, NULL, 0);
	}
	vc->pcb = NULL;
}

static void vconn_fail_connect(struct vconn *vc, int err)
{
	vc->state = NC_ST_FAILED;
	vc->error = err;
	vc->pcb = NULL;
	/* Closing our end (its queue still holds the filler) wakes the program's poll with
	 * POLLOUT|POLLHUP; SO_ERROR then comes from here. */
	if (vc->fd >= 0) {
		loop_del(vc->fd);
		close(vc->fd);
		vc->fd = -1;
	}
	if (vc->keep_fd >= 0) {
		close(vc->keep_fd);
		vc->keep_fd = -1;
	}
	vconn_unlink_ino(vc);
	/* Keep it for SO_ERROR, within a bound. */
	if (nfailed >= VCONN_FAILED_MAX) {
		struct vconn *old = failed_head, *prev = NULL;

		while (old && old->failed_next) {
			prev = old;
			old = old->failed_next;
		}
		if (old) {
			if (prev)
				prev->failed_next = NULL;
			else
				failed_head = NULL;
			old->in_failed = false;
			nfailed--;
			vconn_kill(old);
		}
	}
	vc->failed_next = failed_head;
	failed_head = vc;
	vc->in_failed = true;
	nfailed++;
}

static void vconn_on_err(void *arg, err_t err)
{
	struct vconn *vc = arg;

	if (!vc || vc->obj.dead)
		return;
	vc->pcb = NULL; /* lwIP has freed it */
	if (vc->state == NC_ST_CONNECTING) {
		int e = err == ERR_RST ? ECONNREFUSED : -vconn_lwip_err(err);

		/* lwIP aborts a connect whose SYNs went unanswered: the kernel says ETIMEDOUT. */
		if (err == ERR_ABRT)
			e = vc->error ? vc->error : ETIMEDOUT;
		vconn_fail_connect(vc, e);
		return;
	}
	log_debug("socket %llu: reset (%d)", (unsigned long long)vc->id, err);
	/* The program's next EOF reads as ECONNRESET (not after a FIN it has seen: Linux too
	 * reports EOF then). Written before our end closes, so the program sees it with the EOF. */
	if (vc->state == NC_ST_CONNECTED && !vc->rx_fin)
		rstab_reset(vc->rst_slot, vc->rst_gen);
	vc->state = NC_ST_RESET;
	vc->error = ECONNRESET;
	vconn_kill(vc);
}

static void vconn_connect_timeout(void *arg)
{
	struct vconn *vc = arg;

	if (vc->state != NC_ST_CONNECTING || !vc->pcb)
		return;
	vc->error = ETIMEDOUT;
	tcp_abort(vc->pcb); /* calls vconn_on_err with ERR_ABRT */
}

static err_t vconn_on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
	struct vconn *vc = arg;

	if (!vc || vc->obj.dead) {
		if (p) {
			tcp_recved(pcb, p->tot_len);
			pbuf_free(p);
		}
		return ERR_OK;
	}
	if (!p) {
		vc->rx_fin = true;
	} else if (vc->prog_closed) {
		/* Data for a program that has gone: as Linux does, reset. */
		pbuf_free(p);
		vconn_close_conn(vc, true);
		return ERR_ABRT;
	} else {
		vc->bytes_in += p->tot_len;
		if (vc->rx)
			pbuf_cat(vc->rx, p);
		else
			vc->rx = p;
		vc->ack_pending = true;
	}
	/* Written out at the end of the loop iteration, with what else arrives meanwhile:
	 * one writev per batch rather than one per segment. */
	vconn_mark_dirty(vc);
	return ERR_OK;
}

static err_t vconn_on_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
	struct vconn *vc = arg;

	if (vc && !vc->obj.dead && vc->readable)
		vconn_pump_tx(vc);
	return ERR_OK;
}

/* Write what lwIP gave us into the program's socket; open the window only by what went in. */
static void vconn_flush_rx(struct vconn *vc)
{
	while (vc->rx && vc->fd >= 0) {
		struct iovec iov[64];
		int n = 0;
		uint32_t off = vc->rx_off;
		ssize_t w;

		for (struct pbuf *q = vc->rx; q && n < 64; q = q->next) {
			if (off >= q->len) {
				off -= q->len;
				continue;
			}
			iov[n].iov_base = (uint8_t *)q->payload + off;
			iov[n].iov_len = q->len - off;
			off = 0;
			n++;
		}
		w = writev(vc->fd, iov, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN) {
				vc->writable = false;
				return;
			}
			/* The program shut its reading side or went away. */
			vconn_close_conn(vc, true);
			return;
		}
		vc->rx_off += (uint32_t)w;
		while (vc->rx && vc->rx_off >= vc->rx->len) {
			struct pbuf *q = vc->rx;

			vc->rx_off -= q->len;
			vc->rx = q->next;
			if (vc->rx)
				pbuf_ref(vc->rx);
			pbuf_free(q);
		}
		if (vc->pcb) {
			size_t left = (size_t)w;

			while (left) {
				u16_t c = left > 0xffff ? 0xffff : (u16_t)left;

				tcp_recved(vc->pcb, c);
				left -= c;
			}
			vconn_mark_dirty(vc);
		}
	}
	if (!vc->rx && vc->rx_fin && vc->fd >= 0 && !vc->obj.dead) {
		shutdown(vc->fd, SHUT_WR);
		vc->rx_fin = false;
		vc->state = NC_ST_CLOSING;
	}
}

/* Read from the program as far as lwIP's send buffer has room. */
static void vconn_pump_tx(struct vconn *vc)
{
	while (vc->pcb && vc->fd >= 0 && !vc->tx_eof) {
		size_t room = tcp_sndbuf(vc->pcb), segs;
		ssize_t n;
		err_t e;

		/* tcp_write takes a u16_t length: never more than that at once, whatever lwIP's
		 * send buffer (a window-scaled build may make it larger). */
		if (room > VCONN_WRITE_MAX)
			room = VCONN_WRITE_MAX;
		if (vc->tx_left) {
			u16_t c = (u16_t)(vc->tx_left_len < room ? vc->tx_left_len : room);

			if (!c || tcp_write(vc->pcb, vc->tx_left, c, TCP_WRITE_FLAG_COPY) != ERR_OK)
				return;
			vc->bytes_out += c;
			vc->tx_left_len -= c;
			memmove(vc->tx_left, vc->tx_left + c, vc->tx_left_len);
			vconn_mark_dirty(vc);
			if (vc->tx_left_len)
				return;
			free(vc->tx_left);
			vc->tx_left = NULL;
			continue;
		}
		segs = tcp_sndqueuelen(vc->pcb) + 2 < TCP_SND_QUEUELEN
			   ? TCP_SND_QUEUELEN - tcp_sndqueuelen(vc->pcb) - 2
			   : 0;
		if (room > segs * tcp_mss(vc->pcb))
			room = segs * tcp_mss(vc->pcb);
		if (room > sizeof(vconn_iobuf))
			room = sizeof(vconn_iobuf);
		if (room == 0)
			return; /* vconn_on_sent resumes */
		n = read(vc->fd, vconn_iobuf, room);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN) {
				vc->readable = false;
				return;
			}
			vconn_close_conn(vc, true);
			return;
		}
		if (n == 0) {
			vc->tx_eof = true;
			vc->readable = false;
			if (vc->prog_closed) {
				vconn_close_conn(vc, false);
			} else {
				tcp_shutdown(vc->pcb, 0, 1);
				vconn_mark_dirty(vc);
			}
			return;
		}
		e = tcp_write(vc->pcb, vconn_iobuf, (u16_t)n, TCP_WRITE_FLAG_COPY);
		if (e != ERR_OK) {
			vc->tx_left = malloc((size_t)n);
			if (!vc->tx_left) {
				vconn_close_conn(vc, true);
				return;
			}
			memcpy(vc->tx_left, vconn_iobuf, (size_t)n);
			vc->tx_left_len = (uint32_t)n;
			return;
		}
		vc->bytes_out += (uint64_t)n;
		vconn_mark_dirty(vc);
	}
}

/* The program closed (or we must end it): FIN after what is queued, or RST. */
static void vconn_close_conn(struct vconn *vc, bool reset)
{
	struct tcp_pcb *pcb = vc->pcb;

	if (vc->obj.dead)
		return;
	if (vc->opts.flags & NC_OPT_LINGER && vc->opts.linger == 0)
		reset = true;
	if (pcb) {
		vconn_forget_pcb(vc);
		if (reset || tcp_close(pcb) != ERR_OK)
			tcp_abort(pcb);
	}
	vconn_kill(vc);
}

/* lwIP's MSS is fixed at build time (1460); where the route's MTU allows more (the standalone
 * interface, ZeroTier's 2800), larger segments cut lwIP's per-segment work, the bulk of its
 * cost. The congestion window must then hold whole segments, or the sender never starts. */
static void vconn_raise_mss(struct tcp_pcb *pcb)
{
	struct netif *n = ip_route(&pcb->local_ip, &pcb->remote_ip);
	bool v6 = IP_IS_V6(&pcb->remote_ip);
	int mss;

	if (!n)
		return;
	mss = (v6 ? n->mtu6 : n->mtu) - (v6 ? 60 : 40);
	if (mss > VCONN_MSS_MAX)
		mss = VCONN_MSS_MAX;
	if (mss <= pcb->mss)
		return;
	pcb->mss = (u16_t)mss;
	if (pcb->cwnd < 4u * (u32_t)mss)
		pcb->cwnd = 4u * (u32_t)mss;
}

static void vconn_start_relay(struct vconn *vc)
{
	vconn_raise_mss(vc->pcb);
	tcp_arg(vc->pcb, vc);
	tcp_recv(vc->pcb, vconn_on_recv);
	tcp_sent(vc->pcb, vconn_on_sent);
	tcp_err(vc->pcb, vconn_on_err);
	vconn_apply_opts(vc);
}

static err_t vconn_on_connected(void *arg, struct tcp_pcb *pcb, err_t err)
{
	struct vconn *vc = arg;
	int sndbuf, left;

	if (!vc || vc->obj.dead)
		return ERR_OK;
	sndbuf = vc->opts.sndbuf > 0 ? vc->opts.sndbuf : VCONN_SNDBUF_DEFAULT;
	left = vc->filler;
	sys_untimeout(vconn_connect_timeout, vc);
	vc->state = NC_ST_CONNECTED;
	vconn_raise_mss(pcb);
	vconn_from_ip(&vc->local, &pcb->local_ip, pcb->local_port);
	/* Take the filler back: the program could write nothing while it was there. */
	setsockopt(vc->keep_fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
	while (left > 0) {
		ssize_t n = read(vc->fd, vconn_iobuf,
				 left < (int)sizeof(vconn_iobuf) ? left : (int)sizeof(vconn_iobuf));

		if (n <= 0) {
			if (n < 0 && errno == EINTR)
				continue;
			break;
		}
		left -= (int)n;
	}
	vc->filler = 0;
	close(vc->keep_fd);
	vc->keep_fd = -1;
	vconn_pump_tx(vc);
	vconn_flush_rx(vc);
	return ERR_OK;
}

static void vconn_pending_push(struct vconn *l);

static void vconn_trim_timewait(void);

static err_t vconn_on_accept(void *arg, struct tcp_pcb *newpcb, err_t err)
{
	struct vconn *l = arg, *vc;
	struct vconn_client lw;
	int prog_fd, r;

	vconn_trim_timewait();
	if (!l || l->obj.dead || err != ERR_OK || !newpcb)
		return ERR_VAL;
	if (l->npending >= l->backlog) {
		/* The program is not accepting: refuse, as a full queue does. */
		tcp_abort(newpcb);
		return ERR_ABRT;
	}
	/* The connection belongs to the listener's tree and counts against its account: beyond
	 * the account's limit it is refused, as a full queue would be. */
	lw.pid = l->pid;
	lw.tree = l->tree;
	lw.acct = l->acct;
	vc = vconn_new(VK_CONN, l->family, &lw, &r);
	if (!vc) {
		tcp_abort(newpcb);
		return ERR_ABRT;
	}
	r = vconn_pair(vc, SOCK_STREAM, &prog_fd);
	if (r < 0) {
		vconn_kill(vc);
		tcp_abort(newpcb);
		return ERR_ABRT;
	}
	vc->pcb = newpcb;
	vc->state = NC_ST_CONNECTED;
	vc->opts = l->opts;
	vc->opts.flags &= ~(uint32_t)NC_OPT_NONBLOCK;
	vconn_from_ip(&vc->local, &newpcb->local_ip, newpcb->local_port);
	vconn_from_ip(&vc->peer, &newpcb->remote_ip, newpcb->remote_port);
	vc->keep_fd = prog_fd; /* until handed to the program */
	vc->parent = l;
	rstab_alloc(&vc->rst_slot, &vc->rst_gen);
	vconn_start_relay(vc);
	if (loop_add(vc->fd, EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET, &vc->obj) < 0) {
		vconn_close_conn(vc, true);
		return ERR_ABRT;
	}
	if (l->pend_tail)
		l->pend_tail->pend_next = vc;
	else
		l->pend_head = vc;
	l->pend_tail = vc;
	l->npending++;
	vconn_pending_push(l);
	return ERR_OK;
}

/* Hand queued connections to the program through the listening pair, while it takes them. */
static void vconn_pending_push(struct vconn *l)
{
	while (l->pend_head) {
		struct vconn *vc = l->pend_head;
		struct nc_accept_msg m;
		ssize_t r;

		if (vc->obj.dead || vc->keep_fd < 0) {
			l->pend_head = vc->pend_next;
			if (!l->pend_head)
				l->pend_tail = NULL;
			l->npending--;
			continue;
		}
		memset(&m, 0, sizeof(m));
		m.h.magic = NC_RPC_MAGIC;
		m.h.version = NC_RPC_VERSION;
		m.h.type = NC_ACCEPT;
		m.sockid = vc->id;
		m.ino = vc->ino;
		m.local = vc->local;
		m.peer = vc->peer;
		m.rst_slot = vc->rst_slot;
		m.rst_gen = vc->rst_gen;
		r = fdpass_send(l->fd, &m, sizeof(m), &vc->keep_fd, 1, MSG_DONTWAIT);
		if (r == -EAGAIN) {
			l->writable = false;
			return;
		}
		l->pend_head = vc->pend_next;
		if (!l->pend_head)
			l->pend_tail = NULL;
		l->npending--;
		vc->parent = NULL;
		close(vc->keep_fd);
		vc->keep_fd = -1;
		if (r < 0) {
			log_warn("listener %llu: handing over a connection: %s",
				 (unsigned long long)l->id, strerror((int)-r));
			vconn_close_conn(vc, true);
		}
	}
}

/* ---- rpc handlers ---- */

int vconn_check_family(const struct nc_sock_req *req, const struct nc_addr *a)
{
	if (req->family != 4 && req->family != 6)
		return -EAFNOSUPPORT;
	if (a->family != 4 && a->family != 6)
		return -EAFNOSUPPORT;
	if (req->family == 4 && a->family != 4)
		return -EAFNOSUPPORT;
	if (req->family == 6 && a->family == 4 && (req->opts.flags & NC_OPT_V6ONLY))
		return -ENETUNREACH;
	return 0;
}

static u8_t vconn_iptype(const struct nc_sock_req *req, const struct nc_addr *a)
{
	if (a->family == 4)
		return IPADDR_TYPE_V4;
	if (req->family == 6 && addr_is_any(a) && !(req->opts.flags & NC_OPT_V6ONLY))
		return IPADDR_TYPE_ANY;
	return IPADDR_TYPE_V6;
}

int vconn_bind_target(const struct nc_sock_req *req, const struct nc_addr *a, ip_addr_t *ip,
		      u8_t *type)
{
	int r = vconn_check_family(req, a);

	if (r < 0)
		return r;
	if (!addr_is_any(a) && !stack_is_local(a))
		return -EADDRNOTAVAIL;
	*type = vconn_iptype(req, a);
	if (*type == IPADDR_TYPE_ANY)
		*ip = *IP_ANY_TYPE;
	else
		vconn_to_ip(a, ip);
	return 0;
}

/* A new pcb bound to a (port 0: an ephemeral one). */
static int vconn_new_bound(const struct nc_sock_req *req, const struct nc_addr *a,
			   const struct vconn_client *who, struct vconn **out)
{
	struct vconn *vc;
	ip_addr_t ip;
	u8_t type;
	err_t e;
	int r = vconn_bind_target(req, a, &ip, &type);

	if (r < 0)
		return r;
	vc = vconn_new(VK_BOUND, req->family, who, &r);
	if (!vc)
		return r;
	vc->opts = req->opts;
	vc->pcb = tcp_new_ip_type(type);
	if (!vc->pcb) {
		vconn_kill(vc);
		return -ENOMEM;
	}
	vconn_apply_opts(vc);
	e = tcp_bind(vc->pcb, &ip, a->port);
	if (e != ERR_OK) {
		tcp_abort(vc->pcb);
		vc->pcb = NULL;
		vconn_kill(vc);
		return vconn_lwip_err(e);
	}
	vc->local = *a;
	vc->local.port = vc->pcb->local_port;
	vc->state = NC_ST_BOUND;
	*out = vc;
	return 0;
}

int vconn_bind(const struct nc_sock_req *req, const struct vconn_client *who,
	       struct nc_sock_reply *reply, int *fd_out)
{
	struct vconn *vc;
	int r;

	if (req->proto == NC_PROTO_UDP)
		return vudp_bind(req, who, reply, fd_out);
	r = vconn_new_bound(req, &req->addr, who, &vc);

	if (r < 0)
		return r;
	/* The program's fd becomes one end of a pair, so that its close frees the port. */
	r = vconn_pair(vc, SOCK_STREAM, fd_out);
	if (r == 0)
		r = loop_add(vc->fd, EPOLLRDHUP | EPOLLET, &vc->obj);
	if (r < 0) {
		tcp_abort(vc->pcb);
		vc->pcb = NULL;
		vconn_kill(vc);
		return r;
	}
	vconn_fill_reply(vc, reply);
	return 0;
}

/* Take over a bound socket for listen/connect: its placeholder pair is dropped. */
void vconn_take_bound(struct vconn *vc)
{
	if (vc->fd >= 0) {
		loop_del(vc->fd);
		close(vc->fd);
		vc->fd = -1;
	}
	vconn_unlink_ino(vc);
}

int vconn_listen(const struct nc_sock_req *req, const struct vconn_client *who,
		 struct nc_sock_reply *reply, int *fd_out)
{
	struct vconn *vc;
	struct tcp_pcb *lpcb;
	err_t e = ERR_OK;
	int r;

	if (req->sockid) {
		vc = vconn_get(req->sockid, who, NC_LISTEN, VW_TCP_BOUND, &r);
		if (!vc)
			return r;
		vconn_take_bound(vc);
	} else {
		struct nc_addr any;

		memset(&any, 0, sizeof(any));
		any.family = req->family;
		r = vconn_new_bound(req, &any, who, &vc);
		if (r < 0)
			return r;
	}
	vc->opts = req->opts;
	vconn_apply_opts(vc);
	lpcb = tcp_listen_with_backlog_and_err(vc->pcb, 255, &e);
	if (!lpcb) {
		r = e == ERR_USE ? -EADDRINUSE : -ENOMEM;
		tcp_abort(vc->pcb);
		vc->pcb = NULL;
		vconn_kill(vc);
		return r;
	}
	vc->pcb = lpcb;
	vc->kind = VK_LISTEN;
	vc->state = NC_ST_LISTEN;
	vc->backlog = req->backlog <= 0 ? 1 : req->backlog;
	if (vc->backlog > VCONN_BACKLOG_MAX)
		vc->backlog = VCONN_BACKLOG_MAX;
	tcp_arg(lpcb, vc);
	tcp_accept(lpcb, vconn_on_accept);
	r = vconn_pair(vc, SOCK_SEQPACKET, fd_out);
	if (r == 0)
		r = loop_add(vc->fd, EPOLLOUT | EPOLLRDHUP | EPOLLET, &vc->obj);
	if (r < 0) {
		vconn_forget_pcb(vc);
		tcp_close(lpcb);
		vconn_kill(vc);
		return r;
	}
	vc->writable = true;
	vconn_fill_reply(vc, reply);
	return 0;
}

/*
 * Both ends of a local connection live in this lwIP: the side that closed first keeps the
 * four-tuple in TIME_WAIT (lwIP: 2 MSL, two minutes), and lwIP, unlike Linux, ignores a SYN that
 * reuses it, so once the ephemeral ports wrap, connects time out. Pick the port now and free a
 * TIME_WAIT pcb that holds the same four-tuple, as Linux's TIME_WAIT reuse would.
 */
static void vconn_reuse_timewait(struct tcp_pcb *pcb, const ip_addr_t *dst, u16_t dport)
{
	struct tcp_pcb *tw, *next;

	if (!pcb->local_port &&
	    tcp_bind(pcb, IP_IS_V6(dst) ? IP6_ADDR_ANY : IP4_ADDR_ANY, 0) != ERR_OK)
		return;
	for (tw = tcp_tw_pcbs; tw; tw = next) {
		next = tw->next;
		if (tw->local_port == dport && tw->remote_port == pcb->local_port &&
		    ip_addr_cmp(&tw->local_ip, dst))
			tcp_abort(tw); /* a TIME_WAIT pcb is freed, no RST */
	}
}

/*
 * lwIP keeps its pcbs in lists that every incoming segment walks (TIME_WAIT before listeners):
 * two minutes of connection churn would make each SYN walk tens of thousands. Keep at most
 * VCONN_TIMEWAIT_MAX, dropping the oldest, as Linux's tcp_max_tw_buckets does; checked every
 * VCONN_TIMEWAIT_EVERY new connections.
 */
static void vconn_trim_timewait(void)
{
	static unsigned calls;
	struct tcp_pcb *tw, *cut = NULL;
	unsigned n = 0;

	if (++calls % VCONN_TIMEWAIT_EVERY)
		return;
	for (tw = tcp_tw_pcbs; tw; tw = tw->next)
		if (++n == VCONN_TIMEWAIT_MAX)
			cut = tw;
	if (!cut)
		return;
	/* New TIME_WAIT pcbs go to the head: what follows cut is the oldest. */
	while (cut->next)
		tcp_abort(cut->next); /* unlinks it from the list */
}

/* Unwritable until the handshake ends (doc/design.md, "The filler: non-blocking connect"). */
static int vconn_fill(struct vconn *vc, int prog_fd)
{
	int one = 1, fl = fcntl(prog_fd, F_GETFL);

	setsockopt(prog_fd, SOL_SOCKET, SO_SNDBUF, &one, sizeof(one));
	fcntl(prog_fd, F_SETFL, fl | O_NONBLOCK);
	memset(vconn_iobuf, 0, 256);
	while (vc->filler < VCONN_FILLER_MAX) {
		ssize_t n = write(prog_fd, vconn_iobuf, 256);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		vc->filler += (int)n;
	}
	fcntl(prog_fd, F_SETFL, fl);
	return vc->filler < VCONN_FILLER_MAX ? 0 : -EIO;
}

void vconn_pick_src6(ip_addr_t *local, const ip_addr_t *dst)
{
	uint8_t src[16];

	if (!IP_IS_V6(dst) || !ip_addr_isany(local) ||
	    stack_src6((const uint8_t *)ip_2_ip6(dst)->addr, src) < 0)
		return;
	ip_addr_set_zero_ip6(local);
	memcpy(ip_2_ip6(local)->addr, src, 16);
}

int vconn_connect(const struct nc_sock_req *req, const struct vconn_client *who,
		  struct nc_sock_reply *reply, int *fd_out)
{
	struct vconn *vc;
	ip_addr_t ip;
	err_t e;
	int r, prog_fd;

	if (req->proto == NC_PROTO_UDP)
		return vudp_connect(req, who, reply, fd_out);
	/* The socket named is checked first: a wrong one is EBADF whatever the address. */
	vc = req->sockid ? vconn_get(req->sockid, who, NC_CONNECT, VW_TCP_BOUND, &r) : NULL;
	if (req->sockid && !vc)
		return r;
	r = vconn_check_family(req, &req->addr);
	if (r < 0)
		return r;
	if (addr_is_any(&req->addr) || req->addr.port == 0)
		return addr_is_any(&req->addr) ? -ENETUNREACH : -ECONNREFUSED;
	if (vc) {
		vconn_take_bound(vc);
		vc->opts = req->opts;
	} else {
		vc = vconn_new(VK_CONN, req->family, who, &r);
		if (!vc)
			return r;
		vc->opts = req->opts;
		vc->pcb = tcp_new_ip_type(req->addr.family == 4 ? IPADDR_TYPE_V4 : IPADDR_TYPE_V6);
		if (!vc->pcb) {
			vconn_kill(vc);
			return -ENOMEM;
		}
	}
	vc->kind = VK_CONN;
	vc->peer = req->addr;
	vconn_to_ip(&req->addr, &ip);
	r = vconn_pair(vc, SOCK_STREAM, &prog_fd);
	if (r == 0)
		r = vconn_fill(vc, prog_fd);
	if (r < 0)
		goto fail;
	vc->state = NC_ST_CONNECTING;
	tcp_arg(vc->pcb, vc);
	tcp_err(vc->pcb, vconn_on_err);
	tcp_recv(vc->pcb, vconn_on_recv);
	tcp_sent(vc->pcb, vconn_on_sent);
	vconn_apply_opts(vc);
	vconn_trim_timewait();
	vconn_reuse_timewait(vc->pcb, &ip, req->addr.port);
	vconn_pick_src6(&vc->pcb->local_ip, &ip);
	e = tcp_connect(vc->pcb, &ip, req->addr.port, vconn_on_connected);
	if (e != ERR_OK) {
		r = vconn_lwip_err(e);
		close(prog_fd);
		goto fail;
	}
	vconn_from_ip(&vc->local, &vc->pcb->local_ip, vc->pcb->local_port);
	if (vc->opts.user_timeout > 0)
		sys_timeout((u32_t)vc->opts.user_timeout, vconn_connect_timeout, vc);
	r = loop_add(vc->fd, EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET, &vc->obj);
	if (r < 0) {
		close(prog_fd);
		goto fail;
	}
	vc->keep_fd = dup(prog_fd);
	if (vc->keep_fd < 0) {
		r = -errno;
		close(prog_fd);
		goto fail;
	}
	rstab_alloc(&vc->rst_slot, &vc->rst_gen);
	vconn_mark_dirty(vc);
	vconn_fill_reply(vc, reply);
	*fd_out = prog_fd;
	return 0;
fail:
	if (vc->pcb) {
		struct tcp_pcb *pcb = vc->pcb;

		vconn_forget_pcb(vc);
		tcp_abort(pcb);
	}
	vconn_kill(vc);
	return r;
}

int vconn_setopt(const struct nc_opt_req *req, const struct vconn_client *who)
{
	int r;
	struct vconn *vc = vconn_get(req->sockid, who, NC_SETOPT, VW_ANY, &r);

	if (!vc)
		return r;
	vc->opts = req->opts;
	if (vc->kind == VK_UDP)
		vudp_apply_opts(vc);
	else
		vconn_apply_opts(vc);
	return 0;
}

int vconn_mcast(const struct nc_mcast_req *req, const struct vconn_client *who)
{
	int r;
	struct vconn *vc = vconn_get(req->sockid, who, NC_MCAST, VW_UDP, &r);

	if (!vc)
		return r;
	return vudp_mcast(vc, req);
}

int vconn_geterr(const struct nc_sock_req *req, const struct vconn_client *who,
		 struct nc_sock_reply *reply)
{
	int r;
	struct vconn *vc = vconn_get(req->sockid, who, NC_GETERR, VW_ANY, &r);

	if (!vc)
		return r;
	if (vc->kind == VK_UDP) {
		/* The program took the refusal: a new generation, so the next one shows. */
		reply->error = vc->udp_refused ? ECONNREFUSED : 0;
		if (vc->udp_refused && vc->rst_slot) {
			rstab_free(vc->rst_slot);
			rstab_alloc(&vc->rst_slot, &vc->rst_gen);
		}
		vc->udp_refused = false;
		vconn_fill_reply(vc, reply);
		return 0;
	}
	vconn_fill_reply(vc, reply);
	reply->error = vc->error;
	if (vc->state == NC_ST_FAILED) {
		/* Reported once, as the kernel does; then the record goes. */
		vconn_kill(vc);
	} else {
		vc->error = 0;
	}
	return 0;
}

void vconn_udp_unreach(const struct icmperr *e)
{
	size_t n = e->remote.family == 4 ? 4 : 16;

	/* A walk of every socket, but only for a port unreachable, which lwIP itself answers
	 * only to datagrams we sent. */
	for (struct vconn *vc = all_head; vc; vc = vc->list_next)
		if (vc->kind == VK_UDP && vc->udp_connected && !vc->obj.dead &&
		    vc->local.port == e->local.port && vc->peer.port == e->remote.port &&
		    vc->peer.family == e->remote.family && !memcmp(vc->peer.ip, e->remote.ip, n))
			vudp_refused(vc);
}

int vconn_lookup(const struct nc_sock_req *req, struct nc_sock_reply *reply)
{
	for (struct vconn *vc = by_ino[vconn_hash(req->ino)]; vc; vc = vc->ino_next) {
		if (vc->ino == req->ino && !vc->obj.dead) {
			vconn_fill_reply(vc, reply);
			return 0;
		}
	}
	return -ENOENT;
}

/* ---- events ---- */

void vconn_event(struct loop_obj *obj, uint32_t events)
{
	struct vconn *vc = (struct vconn *)obj;

	switch (vc->kind) {
	case VK_UDP:
		vudp_event(vc, events);
		return;
	case VK_BOUND:
		if (events & (EPOLLHUP | EPOLLRDHUP | EPOLLERR)) {
			/* The program closed a bound, unused socket: free its port. */
			if (vc->pcb) {
				struct tcp_pcb *pcb = vc->pcb;

				vconn_forget_pcb(vc);
				tcp_abort(pcb);
			}
			vconn_kill(vc);
		}
		return;
	case VK_LISTEN:
		if (events & (EPOLLHUP | EPOLLERR)) {
			struct tcp_pcb *pcb = vc->pcb;

			for (struct vconn *p = vc->pend_head; p; p = p->pend_next)
				vconn_close_conn(p, true);
			vc->pend_head = vc->pend_tail = NULL;
			if (pcb) {
				vconn_forget_pcb(vc);
				tcp_close(pcb);
			}
			vconn_kill(vc);
			return;
		}
		if (events & EPOLLOUT) {
			vc->writable = true;
			vconn_pending_push(vc);
		}
		return;
	case VK_CONN:
		if (events & EPOLLHUP)
			vc->prog_closed = true;
		if (events & (EPOLLIN | EPOLLHUP | EPOLLRDHUP | EPOLLERR))
			vc->readable = true;
		if (events & EPOLLOUT)
			vc->writable = true;
		if (vc->state == NC_ST_CONNECTING)
			return; /* the filler is not data; vconn_on_connected takes over */
		if (vc->writable && vc->rx)
			vconn_flush_rx(vc);
		if (!vc->obj.dead && vc->readable) {
			if (vc->tx_eof) {
				/* Already half-closed by the program; now it has gone. */
				if (vc->prog_closed)
					vconn_close_conn(vc, false);
				vc->readable = false;
			} else if (vc->pcb) {
				vconn_pump_tx(vc);
			} else {
				vconn_kill(vc);
			}
		}
		return;
	}
}

void vconn_flush(void)
{
	while (dirty_head) {
		struct vconn *vc = dirty_head;

		dirty_head = vc->dirty_next;
		vc->dirty = false;
		if (vc->obj.dead)
			continue;
		if ((vc->rx || vc->rx_fin) && vc->state != NC_ST_CONNECTING)
			vconn_flush_rx(vc);
		if (vc->obj.dead || !vc->pcb)
			continue;
		/* No round trip waits on lwIP's delayed-ACK timer. */
		if (vc->ack_pending && (vc->pcb->flags & TF_ACK_DELAY))
			tcp_ack_now(vc->pcb);
		vc->ack_pending = false;
		tcp_output(vc->pcb);
	}
	while (dead_head) {
		struct vconn *vc = dead_head;

		dead_head = vc->dead_next;
		sys_untimeout(vconn_connect_timeout, vc);
		free(vc);
	}
}

void vconn_shutdown_all(void)
{
	while (all_head) {
		struct vconn *vc = all_head;

		if (vc->kind == VK_CONN && vc->state == NC_ST_CONNECTED && !vc->rx_fin)
			rstab_reset(vc->rst_slot, vc->rst_gen);
		if (vc->pcb) {
			struct tcp_pcb *pcb = vc->pcb;

			vconn_forget_pcb(vc);
			if (pcb->state == LISTEN)
				tcp_close(pcb);
			else
				tcp_abort(pcb);
		}
		vconn_kill(vc);
	}
	vconn_flush();
}

int vconn_list(uint64_t after, struct nc_status_entry *out, int max)
{
	int n = 0;

	for (struct vconn *vc = all_head; vc && n < max; vc = vc->list_next) {
		if (vc->id <= after || vc->in_failed)
			continue;
		memset(&out[n], 0, sizeof(out[n]));
		out[n].sockid = vc->id;
		out[n].local = vc->local;
		out[n].peer = vc->peer;
		out[n].pid = vc->pid;
		out[n].state = vc->state;
		out[n].proto = vc->kind == VK_UDP ? NC_PROTO_UDP : NC_PROTO_TCP;
		out[n].bytes_in = vc->bytes_in;
		out[n].bytes_out = vc->bytes_out;
		n++;
	}
	return n;
}

uint64_t vconn_count(void)
{
	return nsocks;
}
