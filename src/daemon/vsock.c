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
#include "daemon/vsock.h"
#include "daemon/vsock_int.h"

#define VSOCK_HASH 65536
/* The program end's send buffer once connected (what the kernel gives a unix socket by default). */
#define VSOCK_SNDBUF_DEFAULT (212992 / 2)
/* Failed connects are kept this many at most until the program asks for SO_ERROR. */
#define VSOCK_FAILED_MAX 1024
#define VSOCK_BACKLOG_MAX 4096
#define VSOCK_FILLER_MAX 65536
#define VSOCK_MSS_MAX 16384
#define VSOCK_TIMEWAIT_MAX 1024
#define VSOCK_TIMEWAIT_EVERY 64
/* The most one tcp_write takes (its length is a u16_t). */
#define VSOCK_WRITE_MAX 0xffffu

static struct vsock *by_id[VSOCK_HASH], *by_ino[VSOCK_HASH];
static struct vsock *all_head, *all_tail; /* in id order, for status listings */
static struct vsock *dirty_head, *dead_head, *failed_head;
static uint64_t next_id = 1;
static uint64_t nsocks;
static int nfailed;
uint8_t vsock_iobuf[VSOCK_IO_MAX];

static void vsock_close_conn(struct vsock *vs, bool reset);

/* ---- tables ---- */

static unsigned vsock_hash(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	return (unsigned)(k & (VSOCK_HASH - 1));
}

static struct vsock_acct *accts;
static uint32_t max_sockets;

struct vsock_acct *vsock_acct_get(uint64_t tree)
{
	struct vsock_acct *a;

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

void vsock_acct_put(struct vsock_acct *a)
{
	if (!a || --a->refs)
		return;
	for (struct vsock_acct **pp = &accts; *pp; pp = &(*pp)->next) {
		if (*pp == a) {
			*pp = a->next;
			break;
		}
	}
	free(a);
}

void vsock_set_max_sockets(uint32_t max)
{
	max_sockets = max;
}

struct vsock *vsock_new(enum vsock_kind kind, uint8_t family, const struct vsock_client *who,
			int *err)
{
	struct vsock *vs;
	unsigned h;

	if (who->acct && max_sockets && who->acct->nsocks >= max_sockets) {
		*err = -EMFILE;
		return NULL;
	}
	vs = calloc(1, sizeof(*vs));
	if (!vs) {
		*err = -ENOMEM;
		return NULL;
	}
	vs->obj.type = LOOP_VSOCK;
	vs->kind = kind;
	vs->family = family;
	vs->pid = who->pid;
	vs->tree = who->tree;
	vs->acct = who->acct;
	if (vs->acct) {
		vs->acct->refs++;
		vs->acct->nsocks++;
	}
	vs->fd = -1;
	vs->keep_fd = -1;
	vs->id = next_id++;
	h = vsock_hash(vs->id);
	vs->id_next = by_id[h];
	by_id[h] = vs;
	vs->list_prev = all_tail;
	if (all_tail)
		all_tail->list_next = vs;
	else
		all_head = vs;
	all_tail = vs;
	nsocks++;
	return vs;
}

static struct vsock *vsock_find(uint64_t id)
{
	for (struct vsock *vs = by_id[vsock_hash(id)]; vs; vs = vs->id_next)
		if (vs->id == id && !vs->obj.dead)
			return vs;
	return NULL;
}

struct vsock *vsock_get(uint64_t id, const struct vsock_client *who, int type, enum vsock_want want,
			int *err)
{
	struct vsock *vs = id ? vsock_find(id) : NULL;
	int e = 0;

	if (!vs || (who->tree && vs->tree != who->tree)) {
		*err = -EBADF;
		return NULL;
	}
	switch (want) {
	case VW_ANY:
		break;
	case VW_UDP:
		if (vs->kind != VK_UDP)
			e = -ENOPROTOOPT;
		break;
	case VW_TCP_BOUND:
		if (vs->kind == VK_UDP)
			e = type == NC_LISTEN ? -EOPNOTSUPP : -EINVAL;
		else if (vs->kind != VK_BOUND)
			e = type == NC_LISTEN ? -EINVAL : -EISCONN;
		break;
	case VW_UDP_UNCONN:
		if (vs->kind != VK_UDP)
			e = -EINVAL;
		else if (vs->udp_connected)
			e = -EISCONN;
		break;
	}
	if (e < 0) {
		*err = e;
		return NULL;
	}
	return vs;
}

static void vsock_set_ino(struct vsock *vs, uint64_t ino)
{
	unsigned h = vsock_hash(ino);

	vs->ino = ino;
	vs->ino_next = by_ino[h];
	by_ino[h] = vs;
}

static void vsock_unlink_ino(struct vsock *vs)
{
	struct vsock **pp;

	if (!vs->ino)
		return;
	for (pp = &by_ino[vsock_hash(vs->ino)]; *pp; pp = &(*pp)->ino_next) {
		if (*pp == vs) {
			*pp = vs->ino_next;
			break;
		}
	}
	vs->ino = 0;
}

static void vsock_unlink_failed(struct vsock *vs)
{
	if (!vs->in_failed)
		return;
	for (struct vsock **pp = &failed_head; *pp; pp = &(*pp)->failed_next) {
		if (*pp == vs) {
			*pp = vs->failed_next;
			break;
		}
	}
	vs->in_failed = false;
	nfailed--;
}

/* Mark dead: out of every table now, memory freed at the end of the loop iteration. */
void vsock_kill(struct vsock *vs)
{
	struct vsock **pp;

	if (vs->obj.dead)
		return;
	vs->obj.dead = 1;
	vudp_release(vs);
	if (vs->acct) {
		vs->acct->nsocks--;
		vsock_acct_put(vs->acct);
		vs->acct = NULL;
	}
	if (vs->fd >= 0) {
		loop_del(vs->fd);
		close(vs->fd);
		vs->fd = -1;
	}
	if (vs->keep_fd >= 0) {
		close(vs->keep_fd);
		vs->keep_fd = -1;
	}
	if (vs->rx) {
		pbuf_free(vs->rx);
		vs->rx = NULL;
	}
	free(vs->tx_left);
	vs->tx_left = NULL;
	rstab_free(vs->rst_slot);
	vs->rst_slot = 0;
	vsock_unlink_ino(vs);
	vsock_unlink_failed(vs);
	if (vs->parent) {
		struct vsock *l = vs->parent, *prev = NULL;

		for (struct vsock *p = l->pend_head; p; prev = p, p = p->pend_next) {
			if (p != vs)
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
		vs->parent = NULL;
	}
	for (pp = &by_id[vsock_hash(vs->id)]; *pp; pp = &(*pp)->id_next) {
		if (*pp == vs) {
			*pp = vs->id_next;
			break;
		}
	}
	if (vs->list_prev)
		vs->list_prev->list_next = vs->list_next;
	else
		all_head = vs->list_next;
	if (vs->list_next)
		vs->list_next->list_prev = vs->list_prev;
	else
		all_tail = vs->list_prev;
	nsocks--;
	vs->dead_next = dead_head;
	dead_head = vs;
}

static void vsock_mark_dirty(struct vsock *vs)
{
	if (vs->dirty)
		return;
	vs->dirty = true;
	vs->dirty_next = dirty_head;
	dirty_head = vs;
}

/* ---- helpers ---- */

int vsock_lwip_err(err_t e)
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

void vsock_to_ip(const struct nc_addr *a, ip_addr_t *ip)
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

void vsock_from_ip(struct nc_addr *a, const ip_addr_t *ip, u16_t port)
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

static void vsock_apply_opts(struct vsock *vs)
{
	struct tcp_pcb *pcb = vs->pcb;

	if (!pcb)
		return;
	if (vs->opts.flags & NC_OPT_REUSEADDR)
		ip_set_option(pcb, SOF_REUSEADDR);
	else
		ip_reset_option(pcb, SOF_REUSEADDR);
	if (pcb->state == LISTEN)
		return; /* a listen pcb has no more fields */
	if (vs->opts.flags & NC_OPT_KEEPALIVE)
		ip_set_option(pcb, SOF_KEEPALIVE);
	else
		ip_reset_option(pcb, SOF_KEEPALIVE);
	/* lwIP counts these in slow-timer ticks, which run faster than it thinks (stack.c) */
	pcb->keep_idle = stack_tcp_ms(vs->opts.keepidle > 0 ? (u32_t)vs->opts.keepidle * 1000
							    : TCP_KEEPIDLE_DEFAULT);
	pcb->keep_intvl = stack_tcp_ms(vs->opts.keepintvl > 0 ? (u32_t)vs->opts.keepintvl * 1000
							      : TCP_KEEPINTVL_DEFAULT);
	if (vs->opts.keepcnt > 0)
		pcb->keep_cnt = (u32_t)vs->opts.keepcnt;
	if (vs->opts.flags & NC_OPT_NODELAY)
		tcp_nagle_disable(pcb);
	else
		tcp_nagle_enable(pcb);
}

/* A socketpair, daemon end non-blocking; the program end's inode recorded. */
int vsock_pair(struct vsock *vs, int type, int *prog_fd)
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
	vs->fd = sv[1];
	vsock_set_ino(vs, st.st_ino);
	*prog_fd = sv[0];
	return 0;
}

void vsock_fill_reply(const struct vsock *vs, struct nc_sock_reply *r)
{
	r->sockid = vs->id;
	r->ino = vs->ino;
	r->local = vs->local;
	r->peer = vs->peer;
	r->state = vs->state;
	r->family = vs->family;
	r->proto = vs->kind == VK_UDP ? NC_PROTO_UDP : NC_PROTO_TCP;
	r->opts = vs->opts;
	r->rst_slot = vs->rst_slot;
	r->rst_gen = vs->rst_gen;
}

/* ---- TCP callbacks and the relay ---- */

static void vsock_flush_rx(struct vsock *vs);
static void vsock_pump_tx(struct vsock *vs);

static void vsock_forget_pcb(struct vsock *vs)
{
	if (!vs->pcb)
		return;
	tcp_arg(vs->pcb, NULL);
	if (vs->pcb->state == LISTEN) {
		/* A listen pcb has only an accept callback (lwIP asserts on the others). */
		tcp_accept(vs->pcb, NULL);
	} else {
		tcp_recv(vs->pcb, NULL);
		tcp_sent(vs->pcb, NULL);
		tcp_err(vs->pcb, NULL);
		tcp_poll(vs->pcb, NULL, 0);
	}
	vs->pcb = NULL;
}

static void vsock_fail_connect(struct vsock *vs, int err)
{
	vs->state = NC_ST_FAILED;
	vs->error = err;
	vs->pcb = NULL;
	/* Closing our end (its queue still holds the filler) wakes the program's poll with
	 * POLLOUT|POLLHUP; SO_ERROR then comes from here. */
	if (vs->fd >= 0) {
		loop_del(vs->fd);
		close(vs->fd);
		vs->fd = -1;
	}
	if (vs->keep_fd >= 0) {
		close(vs->keep_fd);
		vs->keep_fd = -1;
	}
	vsock_unlink_ino(vs);
	/* Keep it for SO_ERROR, within a bound. */
	if (nfailed >= VSOCK_FAILED_MAX) {
		struct vsock *old = failed_head, *prev = NULL;

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
			vsock_kill(old);
		}
	}
	vs->failed_next = failed_head;
	failed_head = vs;
	vs->in_failed = true;
	nfailed++;
}

static void vsock_on_err(void *arg, err_t err)
{
	struct vsock *vs = arg;

	if (!vs || vs->obj.dead)
		return;
	vs->pcb = NULL; /* lwIP has freed it */
	if (vs->state == NC_ST_CONNECTING) {
		int e = err == ERR_RST ? ECONNREFUSED : -vsock_lwip_err(err);

		/* lwIP aborts a connect whose SYNs went unanswered: the kernel says ETIMEDOUT. */
		if (err == ERR_ABRT)
			e = vs->error ? vs->error : ETIMEDOUT;
		vsock_fail_connect(vs, e);
		return;
	}
	log_debug("socket %llu: reset (%d)", (unsigned long long)vs->id, err);
	/* The program's next EOF reads as ECONNRESET (not after a FIN it has seen: Linux too
	 * reports EOF then). Written before our end closes, so the program sees it with the EOF. */
	if (vs->state == NC_ST_CONNECTED && !vs->rx_fin)
		rstab_reset(vs->rst_slot, vs->rst_gen);
	vs->state = NC_ST_RESET;
	vs->error = ECONNRESET;
	vsock_kill(vs);
}

static void vsock_connect_timeout(void *arg)
{
	struct vsock *vs = arg;

	if (vs->state != NC_ST_CONNECTING || !vs->pcb)
		return;
	vs->error = ETIMEDOUT;
	tcp_abort(vs->pcb); /* calls vsock_on_err with ERR_ABRT */
}

static err_t vsock_on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
	struct vsock *vs = arg;

	if (!vs || vs->obj.dead) {
		if (p) {
			tcp_recved(pcb, p->tot_len);
			pbuf_free(p);
		}
		return ERR_OK;
	}
	if (!p) {
		vs->rx_fin = true;
	} else if (vs->prog_closed) {
		/* Data for a program that has gone: as Linux does, reset. */
		pbuf_free(p);
		vsock_close_conn(vs, true);
		return ERR_ABRT;
	} else {
		vs->bytes_in += p->tot_len;
		if (vs->rx)
			pbuf_cat(vs->rx, p);
		else
			vs->rx = p;
		vs->ack_pending = true;
	}
	/* Written out at the end of the loop iteration, with what else arrives meanwhile:
	 * one writev per batch rather than one per segment. */
	vsock_mark_dirty(vs);
	return ERR_OK;
}

static err_t vsock_on_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
	struct vsock *vs = arg;

	if (vs && !vs->obj.dead && vs->readable)
		vsock_pump_tx(vs);
	return ERR_OK;
}

/* Write what lwIP gave us into the program's socket; open the window only by what went in. */
static void vsock_flush_rx(struct vsock *vs)
{
	while (vs->rx && vs->fd >= 0) {
		struct iovec iov[64];
		int n = 0;
		uint32_t off = vs->rx_off;
		ssize_t w;

		for (struct pbuf *q = vs->rx; q && n < 64; q = q->next) {
			if (off >= q->len) {
				off -= q->len;
				continue;
			}
			iov[n].iov_base = (uint8_t *)q->payload + off;
			iov[n].iov_len = q->len - off;
			off = 0;
			n++;
		}
		w = writev(vs->fd, iov, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN) {
				vs->writable = false;
				return;
			}
			/* The program shut its reading side or went away. */
			vsock_close_conn(vs, true);
			return;
		}
		vs->rx_off += (uint32_t)w;
		while (vs->rx && vs->rx_off >= vs->rx->len) {
			struct pbuf *q = vs->rx;

			vs->rx_off -= q->len;
			vs->rx = q->next;
			if (vs->rx)
				pbuf_ref(vs->rx);
			pbuf_free(q);
		}
		if (vs->pcb) {
			size_t left = (size_t)w;

			while (left) {
				u16_t c = left > 0xffff ? 0xffff : (u16_t)left;

				tcp_recved(vs->pcb, c);
				left -= c;
			}
			vsock_mark_dirty(vs);
		}
	}
	if (!vs->rx && vs->rx_fin && vs->fd >= 0 && !vs->obj.dead) {
		shutdown(vs->fd, SHUT_WR);
		vs->rx_fin = false;
		vs->state = NC_ST_CLOSING;
	}
}

/* Read from the program as far as lwIP's send buffer has room. */
static void vsock_pump_tx(struct vsock *vs)
{
	while (vs->pcb && vs->fd >= 0 && !vs->tx_eof) {
		size_t room = tcp_sndbuf(vs->pcb), segs;
		ssize_t n;
		err_t e;

		/* tcp_write takes a u16_t length: never more than that at once, whatever lwIP's
		 * send buffer (a window-scaled build may make it larger). */
		if (room > VSOCK_WRITE_MAX)
			room = VSOCK_WRITE_MAX;
		if (vs->tx_left) {
			u16_t c = (u16_t)(vs->tx_left_len < room ? vs->tx_left_len : room);

			if (!c || tcp_write(vs->pcb, vs->tx_left, c, TCP_WRITE_FLAG_COPY) != ERR_OK)
				return;
			vs->bytes_out += c;
			vs->tx_left_len -= c;
			memmove(vs->tx_left, vs->tx_left + c, vs->tx_left_len);
			vsock_mark_dirty(vs);
			if (vs->tx_left_len)
				return;
			free(vs->tx_left);
			vs->tx_left = NULL;
			continue;
		}
		segs = tcp_sndqueuelen(vs->pcb) + 2 < TCP_SND_QUEUELEN
			   ? TCP_SND_QUEUELEN - tcp_sndqueuelen(vs->pcb) - 2
			   : 0;
		if (room > segs * tcp_mss(vs->pcb))
			room = segs * tcp_mss(vs->pcb);
		if (room > sizeof(vsock_iobuf))
			room = sizeof(vsock_iobuf);
		if (room == 0)
			return; /* vsock_on_sent resumes */
		n = read(vs->fd, vsock_iobuf, room);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN) {
				vs->readable = false;
				return;
			}
			vsock_close_conn(vs, true);
			return;
		}
		if (n == 0) {
			vs->tx_eof = true;
			vs->readable = false;
			if (vs->prog_closed) {
				vsock_close_conn(vs, false);
			} else {
				tcp_shutdown(vs->pcb, 0, 1);
				vsock_mark_dirty(vs);
			}
			return;
		}
		e = tcp_write(vs->pcb, vsock_iobuf, (u16_t)n, TCP_WRITE_FLAG_COPY);
		if (e != ERR_OK) {
			vs->tx_left = malloc((size_t)n);
			if (!vs->tx_left) {
				vsock_close_conn(vs, true);
				return;
			}
			memcpy(vs->tx_left, vsock_iobuf, (size_t)n);
			vs->tx_left_len = (uint32_t)n;
			return;
		}
		vs->bytes_out += (uint64_t)n;
		vsock_mark_dirty(vs);
	}
}

/* The program closed (or we must end it): FIN after what is queued, or RST. */
static void vsock_close_conn(struct vsock *vs, bool reset)
{
	struct tcp_pcb *pcb = vs->pcb;

	if (vs->obj.dead)
		return;
	if (vs->opts.flags & NC_OPT_LINGER && vs->opts.linger == 0)
		reset = true;
	if (pcb) {
		vsock_forget_pcb(vs);
		if (reset || tcp_close(pcb) != ERR_OK)
			tcp_abort(pcb);
	}
	vsock_kill(vs);
}

/* lwIP's MSS is fixed at build time (1460); where the route's MTU allows more (the standalone
 * interface, ZeroTier's 2800), larger segments cut lwIP's per-segment work, the bulk of its
 * cost. The congestion window must then hold whole segments, or the sender never starts. */
static void vsock_raise_mss(struct tcp_pcb *pcb)
{
	struct netif *n = ip_route(&pcb->local_ip, &pcb->remote_ip);
	bool v6 = IP_IS_V6(&pcb->remote_ip);
	int mss;

	if (!n)
		return;
	mss = (v6 ? n->mtu6 : n->mtu) - (v6 ? 60 : 40);
	if (mss > VSOCK_MSS_MAX)
		mss = VSOCK_MSS_MAX;
	if (mss <= pcb->mss)
		return;
	pcb->mss = (u16_t)mss;
	if (pcb->cwnd < 4u * (u32_t)mss)
		pcb->cwnd = 4u * (u32_t)mss;
}

static void vsock_start_relay(struct vsock *vs)
{
	vsock_raise_mss(vs->pcb);
	tcp_arg(vs->pcb, vs);
	tcp_recv(vs->pcb, vsock_on_recv);
	tcp_sent(vs->pcb, vsock_on_sent);
	tcp_err(vs->pcb, vsock_on_err);
	vsock_apply_opts(vs);
}

static err_t vsock_on_connected(void *arg, struct tcp_pcb *pcb, err_t err)
{
	struct vsock *vs = arg;
	int sndbuf, left;

	if (!vs || vs->obj.dead)
		return ERR_OK;
	sndbuf = vs->opts.sndbuf > 0 ? vs->opts.sndbuf : VSOCK_SNDBUF_DEFAULT;
	left = vs->filler;
	sys_untimeout(vsock_connect_timeout, vs);
	vs->state = NC_ST_CONNECTED;
	vsock_raise_mss(pcb);
	vsock_from_ip(&vs->local, &pcb->local_ip, pcb->local_port);
	/* Take the filler back: the program could write nothing while it was there. */
	setsockopt(vs->keep_fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
	while (left > 0) {
		ssize_t n = read(vs->fd, vsock_iobuf,
				 left < (int)sizeof(vsock_iobuf) ? left : (int)sizeof(vsock_iobuf));

		if (n <= 0) {
			if (n < 0 && errno == EINTR)
				continue;
			break;
		}
		left -= (int)n;
	}
	vs->filler = 0;
	close(vs->keep_fd);
	vs->keep_fd = -1;
	vsock_pump_tx(vs);
	vsock_flush_rx(vs);
	return ERR_OK;
}

static void vsock_pending_push(struct vsock *l);

static void vsock_trim_timewait(void);

static err_t vsock_on_accept(void *arg, struct tcp_pcb *newpcb, err_t err)
{
	struct vsock *l = arg, *vs;
	struct vsock_client lw;
	int prog_fd, r;

	vsock_trim_timewait();
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
	vs = vsock_new(VK_CONN, l->family, &lw, &r);
	if (!vs) {
		tcp_abort(newpcb);
		return ERR_ABRT;
	}
	r = vsock_pair(vs, SOCK_STREAM, &prog_fd);
	if (r < 0) {
		vsock_kill(vs);
		tcp_abort(newpcb);
		return ERR_ABRT;
	}
	vs->pcb = newpcb;
	vs->state = NC_ST_CONNECTED;
	vs->opts = l->opts;
	vs->opts.flags &= ~(uint32_t)NC_OPT_NONBLOCK;
	vsock_from_ip(&vs->local, &newpcb->local_ip, newpcb->local_port);
	vsock_from_ip(&vs->peer, &newpcb->remote_ip, newpcb->remote_port);
	vs->keep_fd = prog_fd; /* until handed to the program */
	vs->parent = l;
	rstab_alloc(&vs->rst_slot, &vs->rst_gen);
	vsock_start_relay(vs);
	if (loop_add(vs->fd, EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET, &vs->obj) < 0) {
		vsock_close_conn(vs, true);
		return ERR_ABRT;
	}
	if (l->pend_tail)
		l->pend_tail->pend_next = vs;
	else
		l->pend_head = vs;
	l->pend_tail = vs;
	l->npending++;
	vsock_pending_push(l);
	return ERR_OK;
}

/* Hand queued connections to the program through the listening pair, while it takes them. */
static void vsock_pending_push(struct vsock *l)
{
	while (l->pend_head) {
		struct vsock *vs = l->pend_head;
		struct nc_accept_msg m;
		ssize_t r;

		if (vs->obj.dead || vs->keep_fd < 0) {
			l->pend_head = vs->pend_next;
			if (!l->pend_head)
				l->pend_tail = NULL;
			l->npending--;
			continue;
		}
		memset(&m, 0, sizeof(m));
		m.h.magic = NC_RPC_MAGIC;
		m.h.version = NC_RPC_VERSION;
		m.h.type = NC_ACCEPT;
		m.sockid = vs->id;
		m.ino = vs->ino;
		m.local = vs->local;
		m.peer = vs->peer;
		m.rst_slot = vs->rst_slot;
		m.rst_gen = vs->rst_gen;
		r = fdpass_send(l->fd, &m, sizeof(m), &vs->keep_fd, 1, MSG_DONTWAIT);
		if (r == -EAGAIN) {
			l->writable = false;
			return;
		}
		l->pend_head = vs->pend_next;
		if (!l->pend_head)
			l->pend_tail = NULL;
		l->npending--;
		vs->parent = NULL;
		close(vs->keep_fd);
		vs->keep_fd = -1;
		if (r < 0) {
			log_warn("listener %llu: handing over a connection: %s",
				 (unsigned long long)l->id, strerror((int)-r));
			vsock_close_conn(vs, true);
		}
	}
}

/* ---- rpc handlers ---- */

int vsock_check_family(const struct nc_sock_req *req, const struct nc_addr *a)
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

static u8_t vsock_iptype(const struct nc_sock_req *req, const struct nc_addr *a)
{
	if (a->family == 4)
		return IPADDR_TYPE_V4;
	if (req->family == 6 && addr_is_any(a) && !(req->opts.flags & NC_OPT_V6ONLY))
		return IPADDR_TYPE_ANY;
	return IPADDR_TYPE_V6;
}

int vsock_bind_target(const struct nc_sock_req *req, const struct nc_addr *a, ip_addr_t *ip,
		      u8_t *type)
{
	int r = vsock_check_family(req, a);

	if (r < 0)
		return r;
	if (!addr_is_any(a) && !stack_is_local(a))
		return -EADDRNOTAVAIL;
	*type = vsock_iptype(req, a);
	if (*type == IPADDR_TYPE_ANY)
		*ip = *IP_ANY_TYPE;
	else
		vsock_to_ip(a, ip);
	return 0;
}

/* A new pcb bound to a (port 0: an ephemeral one). */
static int vsock_new_bound(const struct nc_sock_req *req, const struct nc_addr *a,
			   const struct vsock_client *who, struct vsock **out)
{
	struct vsock *vs;
	ip_addr_t ip;
	u8_t type;
	err_t e;
	int r = vsock_bind_target(req, a, &ip, &type);

	if (r < 0)
		return r;
	vs = vsock_new(VK_BOUND, req->family, who, &r);
	if (!vs)
		return r;
	vs->opts = req->opts;
	vs->pcb = tcp_new_ip_type(type);
	if (!vs->pcb) {
		vsock_kill(vs);
		return -ENOMEM;
	}
	vsock_apply_opts(vs);
	e = tcp_bind(vs->pcb, &ip, a->port);
	if (e != ERR_OK) {
		tcp_abort(vs->pcb);
		vs->pcb = NULL;
		vsock_kill(vs);
		return vsock_lwip_err(e);
	}
	vs->local = *a;
	vs->local.port = vs->pcb->local_port;
	vs->state = NC_ST_BOUND;
	*out = vs;
	return 0;
}

int vsock_bind(const struct nc_sock_req *req, const struct vsock_client *who,
	       struct nc_sock_reply *reply, int *fd_out)
{
	struct vsock *vs;
	int r;

	if (req->proto == NC_PROTO_UDP)
		return vudp_bind(req, who, reply, fd_out);
	r = vsock_new_bound(req, &req->addr, who, &vs);

	if (r < 0)
		return r;
	/* The program's fd becomes one end of a pair, so that its close frees the port. */
	r = vsock_pair(vs, SOCK_STREAM, fd_out);
	if (r == 0)
		r = loop_add(vs->fd, EPOLLRDHUP | EPOLLET, &vs->obj);
	if (r < 0) {
		tcp_abort(vs->pcb);
		vs->pcb = NULL;
		vsock_kill(vs);
		return r;
	}
	vsock_fill_reply(vs, reply);
	return 0;
}

/* Take over a bound socket for listen/connect: its placeholder pair is dropped. */
void vsock_take_bound(struct vsock *vs)
{
	if (vs->fd >= 0) {
		loop_del(vs->fd);
		close(vs->fd);
		vs->fd = -1;
	}
	vsock_unlink_ino(vs);
}

int vsock_listen(const struct nc_sock_req *req, const struct vsock_client *who,
		 struct nc_sock_reply *reply, int *fd_out)
{
	struct vsock *vs;
	struct tcp_pcb *lpcb;
	err_t e = ERR_OK;
	int r;

	if (req->sockid) {
		vs = vsock_get(req->sockid, who, NC_LISTEN, VW_TCP_BOUND, &r);
		if (!vs)
			return r;
		vsock_take_bound(vs);
	} else {
		struct nc_addr any;

		memset(&any, 0, sizeof(any));
		any.family = req->family;
		r = vsock_new_bound(req, &any, who, &vs);
		if (r < 0)
			return r;
	}
	vs->opts = req->opts;
	vsock_apply_opts(vs);
	lpcb = tcp_listen_with_backlog_and_err(vs->pcb, 255, &e);
	if (!lpcb) {
		r = e == ERR_USE ? -EADDRINUSE : -ENOMEM;
		tcp_abort(vs->pcb);
		vs->pcb = NULL;
		vsock_kill(vs);
		return r;
	}
	vs->pcb = lpcb;
	vs->kind = VK_LISTEN;
	vs->state = NC_ST_LISTEN;
	vs->backlog = req->backlog <= 0 ? 1 : req->backlog;
	if (vs->backlog > VSOCK_BACKLOG_MAX)
		vs->backlog = VSOCK_BACKLOG_MAX;
	tcp_arg(lpcb, vs);
	tcp_accept(lpcb, vsock_on_accept);
	r = vsock_pair(vs, SOCK_SEQPACKET, fd_out);
	if (r == 0)
		r = loop_add(vs->fd, EPOLLOUT | EPOLLRDHUP | EPOLLET, &vs->obj);
	if (r < 0) {
		vsock_forget_pcb(vs);
		tcp_close(lpcb);
		vsock_kill(vs);
		return r;
	}
	vs->writable = true;
	vsock_fill_reply(vs, reply);
	return 0;
}

/*
 * Both ends of a local connection live in this lwIP: the side that closed first keeps the
 * four-tuple in TIME_WAIT (lwIP: 2 MSL, two minutes), and lwIP, unlike Linux, ignores a SYN that
 * reuses it, so once the ephemeral ports wrap, connects time out. Pick the port now and free a
 * TIME_WAIT pcb that holds the same four-tuple, as Linux's TIME_WAIT reuse would.
 */
static void vsock_reuse_timewait(struct tcp_pcb *pcb, const ip_addr_t *dst, u16_t dport)
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
 * VSOCK_TIMEWAIT_MAX, dropping the oldest, as Linux's tcp_max_tw_buckets does; checked every
 * VSOCK_TIMEWAIT_EVERY new connections.
 */
static void vsock_trim_timewait(void)
{
	static unsigned calls;
	struct tcp_pcb *tw, *cut = NULL;
	unsigned n = 0;

	if (++calls % VSOCK_TIMEWAIT_EVERY)
		return;
	for (tw = tcp_tw_pcbs; tw; tw = tw->next)
		if (++n == VSOCK_TIMEWAIT_MAX)
			cut = tw;
	if (!cut)
		return;
	/* New TIME_WAIT pcbs go to the head: what follows cut is the oldest. */
	while (cut->next)
		tcp_abort(cut->next); /* unlinks it from the list */
}

/* Unwritable until the handshake ends (doc/design.md, "The filler: non-blocking connect"). */
static int vsock_fill(struct vsock *vs, int prog_fd)
{
	int one = 1, fl = fcntl(prog_fd, F_GETFL);

	setsockopt(prog_fd, SOL_SOCKET, SO_SNDBUF, &one, sizeof(one));
	fcntl(prog_fd, F_SETFL, fl | O_NONBLOCK);
	memset(vsock_iobuf, 0, 256);
	while (vs->filler < VSOCK_FILLER_MAX) {
		ssize_t n = write(prog_fd, vsock_iobuf, 256);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		vs->filler += (int)n;
	}
	fcntl(prog_fd, F_SETFL, fl);
	return vs->filler < VSOCK_FILLER_MAX ? 0 : -EIO;
}

void vsock_pick_src6(ip_addr_t *local, const ip_addr_t *dst)
{
	uint8_t src[16];

	if (!IP_IS_V6(dst) || !ip_addr_isany(local) ||
	    stack_src6((const uint8_t *)ip_2_ip6(dst)->addr, src) < 0)
		return;
	ip_addr_set_zero_ip6(local);
	memcpy(ip_2_ip6(local)->addr, src, 16);
}

int vsock_connect(const struct nc_sock_req *req, const struct vsock_client *who,
		  struct nc_sock_reply *reply, int *fd_out)
{
	struct vsock *vs;
	ip_addr_t ip;
	err_t e;
	int r, prog_fd;

	if (req->proto == NC_PROTO_UDP)
		return vudp_connect(req, who, reply, fd_out);
	/* The socket named is checked first: a wrong one is EBADF whatever the address. */
	vs = req->sockid ? vsock_get(req->sockid, who, NC_CONNECT, VW_TCP_BOUND, &r) : NULL;
	if (req->sockid && !vs)
		return r;
	r = vsock_check_family(req, &req->addr);
	if (r < 0)
		return r;
	if (addr_is_any(&req->addr) || req->addr.port == 0)
		return addr_is_any(&req->addr) ? -ENETUNREACH : -ECONNREFUSED;
	if (vs) {
		vsock_take_bound(vs);
		vs->opts = req->opts;
	} else {
		vs = vsock_new(VK_CONN, req->family, who, &r);
		if (!vs)
			return r;
		vs->opts = req->opts;
		vs->pcb = tcp_new_ip_type(req->addr.family == 4 ? IPADDR_TYPE_V4 : IPADDR_TYPE_V6);
		if (!vs->pcb) {
			vsock_kill(vs);
			return -ENOMEM;
		}
	}
	vs->kind = VK_CONN;
	vs->peer = req->addr;
	vsock_to_ip(&req->addr, &ip);
	r = vsock_pair(vs, SOCK_STREAM, &prog_fd);
	if (r == 0)
		r = vsock_fill(vs, prog_fd);
	if (r < 0)
		goto fail;
	vs->state = NC_ST_CONNECTING;
	tcp_arg(vs->pcb, vs);
	tcp_err(vs->pcb, vsock_on_err);
	tcp_recv(vs->pcb, vsock_on_recv);
	tcp_sent(vs->pcb, vsock_on_sent);
	vsock_apply_opts(vs);
	vsock_trim_timewait();
	vsock_reuse_timewait(vs->pcb, &ip, req->addr.port);
	vsock_pick_src6(&vs->pcb->local_ip, &ip);
	e = tcp_connect(vs->pcb, &ip, req->addr.port, vsock_on_connected);
	if (e != ERR_OK) {
		r = vsock_lwip_err(e);
		close(prog_fd);
		goto fail;
	}
	vsock_from_ip(&vs->local, &vs->pcb->local_ip, vs->pcb->local_port);
	if (vs->opts.user_timeout > 0)
		sys_timeout((u32_t)vs->opts.user_timeout, vsock_connect_timeout, vs);
	r = loop_add(vs->fd, EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET, &vs->obj);
	if (r < 0) {
		close(prog_fd);
		goto fail;
	}
	vs->keep_fd = dup(prog_fd);
	if (vs->keep_fd < 0) {
		r = -errno;
		close(prog_fd);
		goto fail;
	}
	rstab_alloc(&vs->rst_slot, &vs->rst_gen);
	vsock_mark_dirty(vs);
	vsock_fill_reply(vs, reply);
	*fd_out = prog_fd;
	return 0;
fail:
	if (vs->pcb) {
		struct tcp_pcb *pcb = vs->pcb;

		vsock_forget_pcb(vs);
		tcp_abort(pcb);
	}
	vsock_kill(vs);
	return r;
}

int vsock_setopt(const struct nc_opt_req *req, const struct vsock_client *who)
{
	int r;
	struct vsock *vs = vsock_get(req->sockid, who, NC_SETOPT, VW_ANY, &r);

	if (!vs)
		return r;
	vs->opts = req->opts;
	if (vs->kind == VK_UDP)
		vudp_apply_opts(vs);
	else
		vsock_apply_opts(vs);
	return 0;
}

int vsock_mcast(const struct nc_mcast_req *req, const struct vsock_client *who)
{
	int r;
	struct vsock *vs = vsock_get(req->sockid, who, NC_MCAST, VW_UDP, &r);

	if (!vs)
		return r;
	return vudp_mcast(vs, req);
}

int vsock_geterr(const struct nc_sock_req *req, const struct vsock_client *who,
		 struct nc_sock_reply *reply)
{
	int r;
	struct vsock *vs = vsock_get(req->sockid, who, NC_GETERR, VW_ANY, &r);

	if (!vs)
		return r;
	if (vs->kind == VK_UDP) {
		/* The program took the refusal: a new generation, so the next one shows. */
		reply->error = vs->udp_refused ? ECONNREFUSED : 0;
		if (vs->udp_refused && vs->rst_slot) {
			rstab_free(vs->rst_slot);
			rstab_alloc(&vs->rst_slot, &vs->rst_gen);
		}
		vs->udp_refused = false;
		vsock_fill_reply(vs, reply);
		return 0;
	}
	vsock_fill_reply(vs, reply);
	reply->error = vs->error;
	if (vs->state == NC_ST_FAILED) {
		/* Reported once, as the kernel does; then the record goes. */
		vsock_kill(vs);
	} else {
		vs->error = 0;
	}
	return 0;
}

void vsock_udp_unreach(const struct icmperr *e)
{
	size_t n = e->remote.family == 4 ? 4 : 16;

	/* A walk of every socket, but only for a port unreachable, which lwIP itself answers
	 * only to datagrams we sent. */
	for (struct vsock *vs = all_head; vs; vs = vs->list_next)
		if (vs->kind == VK_UDP && vs->udp_connected && !vs->obj.dead &&
		    vs->local.port == e->local.port && vs->peer.port == e->remote.port &&
		    vs->peer.family == e->remote.family && !memcmp(vs->peer.ip, e->remote.ip, n))
			vudp_refused(vs);
}

int vsock_lookup(const struct nc_sock_req *req, struct nc_sock_reply *reply)
{
	for (struct vsock *vs = by_ino[vsock_hash(req->ino)]; vs; vs = vs->ino_next) {
		if (vs->ino == req->ino && !vs->obj.dead) {
			vsock_fill_reply(vs, reply);
			return 0;
		}
	}
	return -ENOENT;
}

/* ---- events ---- */

void vsock_event(struct loop_obj *obj, uint32_t events)
{
	struct vsock *vs = (struct vsock *)obj;

	switch (vs->kind) {
	case VK_UDP:
		vudp_event(vs, events);
		return;
	case VK_BOUND:
		if (events & (EPOLLHUP | EPOLLRDHUP | EPOLLERR)) {
			/* The program closed a bound, unused socket: free its port. */
			if (vs->pcb) {
				struct tcp_pcb *pcb = vs->pcb;

				vsock_forget_pcb(vs);
				tcp_abort(pcb);
			}
			vsock_kill(vs);
		}
		return;
	case VK_LISTEN:
		if (events & (EPOLLHUP | EPOLLERR)) {
			struct tcp_pcb *pcb = vs->pcb;

			for (struct vsock *p = vs->pend_head; p; p = p->pend_next)
				vsock_close_conn(p, true);
			vs->pend_head = vs->pend_tail = NULL;
			if (pcb) {
				vsock_forget_pcb(vs);
				tcp_close(pcb);
			}
			vsock_kill(vs);
			return;
		}
		if (events & EPOLLOUT) {
			vs->writable = true;
			vsock_pending_push(vs);
		}
		return;
	case VK_CONN:
		if (events & EPOLLHUP)
			vs->prog_closed = true;
		if (events & (EPOLLIN | EPOLLHUP | EPOLLRDHUP | EPOLLERR))
			vs->readable = true;
		if (events & EPOLLOUT)
			vs->writable = true;
		if (vs->state == NC_ST_CONNECTING)
			return; /* the filler is not data; vsock_on_connected takes over */
		if (vs->writable && vs->rx)
			vsock_flush_rx(vs);
		if (!vs->obj.dead && vs->readable) {
			if (vs->tx_eof) {
				/* Already half-closed by the program; now it has gone. */
				if (vs->prog_closed)
					vsock_close_conn(vs, false);
				vs->readable = false;
			} else if (vs->pcb) {
				vsock_pump_tx(vs);
			} else {
				vsock_kill(vs);
			}
		}
		return;
	}
}

void vsock_flush(void)
{
	while (dirty_head) {
		struct vsock *vs = dirty_head;

		dirty_head = vs->dirty_next;
		vs->dirty = false;
		if (vs->obj.dead)
			continue;
		if ((vs->rx || vs->rx_fin) && vs->state != NC_ST_CONNECTING)
			vsock_flush_rx(vs);
		if (vs->obj.dead || !vs->pcb)
			continue;
		/* No round trip waits on lwIP's delayed-ACK timer. */
		if (vs->ack_pending && (vs->pcb->flags & TF_ACK_DELAY))
			tcp_ack_now(vs->pcb);
		vs->ack_pending = false;
		tcp_output(vs->pcb);
	}
	while (dead_head) {
		struct vsock *vs = dead_head;

		dead_head = vs->dead_next;
		sys_untimeout(vsock_connect_timeout, vs);
		free(vs);
	}
}

void vsock_shutdown_all(void)
{
	while (all_head) {
		struct vsock *vs = all_head;

		if (vs->kind == VK_CONN && vs->state == NC_ST_CONNECTED && !vs->rx_fin)
			rstab_reset(vs->rst_slot, vs->rst_gen);
		if (vs->pcb) {
			struct tcp_pcb *pcb = vs->pcb;

			vsock_forget_pcb(vs);
			if (pcb->state == LISTEN)
				tcp_close(pcb);
			else
				tcp_abort(pcb);
		}
		vsock_kill(vs);
	}
	vsock_flush();
}

int vsock_list(uint64_t after, struct nc_status_entry *out, int max)
{
	int n = 0;

	for (struct vsock *vs = all_head; vs && n < max; vs = vs->list_next) {
		if (vs->id <= after || vs->in_failed)
			continue;
		memset(&out[n], 0, sizeof(out[n]));
		out[n].sockid = vs->id;
		out[n].local = vs->local;
		out[n].peer = vs->peer;
		out[n].pid = vs->pid;
		out[n].state = vs->state;
		out[n].proto = vs->kind == VK_UDP ? NC_PROTO_UDP : NC_PROTO_TCP;
		out[n].bytes_in = vs->bytes_in;
		out[n].bytes_out = vs->bytes_out;
		n++;
	}
	return n;
}

uint64_t vsock_count(void)
{
	return nsocks;
}
