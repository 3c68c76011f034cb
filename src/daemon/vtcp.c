// SPDX-License-Identifier: BSD-2-Clause
/* Virtual TCP: lwIP TCP pcbs relayed to the program's socketpair ends (bound, listening, connected). */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "lwip/ip.h"
#include "lwip/ip_addr.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/tcp.h"
#include "lwip/timeouts.h"

#include "common/addr.h"
#include "common/fdpass.h"
#include "common/log.h"
#include "daemon/rstab.h"
#include "daemon/stack.h"
#include "daemon/vconn_int.h"

/* The program end's send buffer once connected (what the kernel gives a unix socket by default). */
#define VTCP_SNDBUF_DEFAULT (212992 / 2)
#define VTCP_BACKLOG_MAX 4096
#define VTCP_FILLER_MAX 65536
#define VTCP_MSS_MAX 16384
#define VTCP_TIMEWAIT_MAX 1024
#define VTCP_TIMEWAIT_EVERY 64
/* The most one tcp_write takes (its length is a u16_t). */
#define VTCP_WRITE_MAX 0xffffu

static void vtcp_close_conn(struct vconn *vc, bool reset);

void vtcp_apply_opts(struct vconn *vc)
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

/* SO_RCVBUF and SO_SNDBUF set before the connection exists size its receive window and send
 * buffer, as Linux sizes them (the value doubled), within our lwIP's (TCP_WND, TCP_SND_BUF) and
 * never below 64 KiB, which a SYN-ACK may have offered already. lwIP gives back to both only
 * what was consumed, so a smaller start stays the bound for the connection's life. Called before
 * tcp_connect and when a connection is accepted; later settings size only the socketpair. */
#define VTCP_BUF_FLOOR 65535
static void vtcp_size_buffers(struct vconn *vc)
{
	struct tcp_pcb *pcb = vc->pcb;
	uint64_t want;

	if (vc->opts.rcvbuf > 0) {
		want = 2 * (uint64_t)vc->opts.rcvbuf;
		want = want < VTCP_BUF_FLOOR ? VTCP_BUF_FLOOR : want;
		if (want < pcb->rcv_wnd) {
			pcb->rcv_wnd = (tcpwnd_size_t)want;
			if (pcb->rcv_ann_wnd > pcb->rcv_wnd)
				pcb->rcv_ann_wnd = pcb->rcv_wnd;
		}
	}
	if (vc->opts.sndbuf > 0) {
		want = 2 * (uint64_t)vc->opts.sndbuf;
		want = want < VTCP_BUF_FLOOR ? VTCP_BUF_FLOOR : want;
		if (want < pcb->snd_buf)
			pcb->snd_buf = (tcpwnd_size_t)want;
	}
}

/* ---- TCP callbacks and the relay ---- */

static void vtcp_flush_rx(struct vconn *vc);
static void vtcp_pump_tx(struct vconn *vc);

static void vtcp_forget_pcb(struct vconn *vc)
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

static void vtcp_fail_connect(struct vconn *vc, int err)
{
	vconn_move(vc, VE_CONNECT_FAILED);
	vc->error = err;
	vc->pcb = NULL;
	/* Closing our end (its queue still holds the filler) wakes the program's poll with
	 * POLLOUT|POLLHUP; SO_ERROR then comes from here. */
	vconn_close_ends(vc);
	vconn_unlink_ino(vc);
	vconn_keep_failed(vc);
}

static void vtcp_on_err(void *arg, err_t err)
{
	struct vconn *vc = arg;

	if (!vc || vc->obj.dead)
		return;
	vc->pcb = NULL; /* lwIP has freed it */
	if (vc->state == VC_TCP_CONNECTING) {
		int e = err == ERR_RST ? ECONNREFUSED : -vconn_lwip_err(err);

		/* lwIP aborts a connect whose SYNs went unanswered: the kernel says ETIMEDOUT. */
		if (err == ERR_ABRT)
			e = vc->error ? vc->error : ETIMEDOUT;
		vtcp_fail_connect(vc, e);
		return;
	}
	log_debug("socket %llu: reset (%d)", (unsigned long long)vc->id, err);
	/* The program's next EOF reads as ECONNRESET (not after a FIN it has seen: Linux too
	 * reports EOF then). Written before our end closes, so the program sees it with the EOF. */
	if (vc->state == VC_TCP_CONNECTED)
		rstab_reset(vc->rst_slot, vc->rst_gen);
	vconn_move(vc, VE_RESET);
	vc->error = ECONNRESET;
	vconn_kill(vc);
}

static void vtcp_connect_timeout(void *arg)
{
	struct vconn *vc = arg;

	if (vc->state != VC_TCP_CONNECTING || !vc->pcb)
		return;
	vc->error = ETIMEDOUT;
	tcp_abort(vc->pcb); /* calls vtcp_on_err with ERR_ABRT */
}

static err_t vtcp_on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
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
		vconn_move(vc, VE_PEER_FIN);
	} else if (vc->prog_closed) {
		/* Data for a program that has gone: as Linux does, reset. */
		pbuf_free(p);
		vtcp_close_conn(vc, true);
		return ERR_ABRT;
	} else {
		vc->bytes_in += p->tot_len;
		if (vc->rx)
			vc->rx_tail->next = p;
		else
			vc->rx = p;
		for (vc->rx_tail = p; vc->rx_tail->next;)
			vc->rx_tail = vc->rx_tail->next;
		vc->ack_pending = true;
	}
	/* Written out at the end of the loop iteration, with what else arrives meanwhile:
	 * one writev per batch rather than one per segment. */
	vconn_mark_dirty(vc);
	return ERR_OK;
}

static err_t vtcp_on_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
	struct vconn *vc = arg;

	if (vc && !vc->obj.dead && vc->readable)
		vtcp_pump_tx(vc);
	return ERR_OK;
}

/* Write what lwIP gave us into the program's socket; open the window only by what went in. */
static void vtcp_flush_rx(struct vconn *vc)
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
			vtcp_close_conn(vc, true);
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
	if (!vc->rx && vc->state == VC_TCP_PEER_FIN && vc->fd >= 0 && !vc->obj.dead) {
		shutdown(vc->fd, SHUT_WR);
		vconn_move(vc, VE_EOF_GIVEN);
	}
}

/* Read from the program as far as lwIP's send buffer has room. */
static void vtcp_pump_tx(struct vconn *vc)
{
	while (vc->pcb && vc->fd >= 0 && !vc->tx_eof) {
		size_t room = tcp_sndbuf(vc->pcb), segs;
		ssize_t n;
		err_t e;

		/* tcp_write takes a u16_t length: never more than that at once, whatever lwIP's
		 * send buffer (a window-scaled build may make it larger). */
		if (room > VTCP_WRITE_MAX)
			room = VTCP_WRITE_MAX;
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
			return; /* vtcp_on_sent resumes */
		n = read(vc->fd, vconn_iobuf, room);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN) {
				vc->readable = false;
				return;
			}
			vtcp_close_conn(vc, true);
			return;
		}
		if (n == 0) {
			vc->tx_eof = true;
			vc->readable = false;
			if (vc->prog_closed) {
				vtcp_close_conn(vc, false);
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
				vtcp_close_conn(vc, true);
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
static void vtcp_close_conn(struct vconn *vc, bool reset)
{
	struct tcp_pcb *pcb = vc->pcb;

	if (vc->obj.dead)
		return;
	if (vc->opts.flags & NC_OPT_LINGER && vc->opts.linger == 0)
		reset = true;
	if (pcb) {
		vtcp_forget_pcb(vc);
		if (reset || tcp_close(pcb) != ERR_OK)
			tcp_abort(pcb);
	}
	vconn_kill(vc);
}

/* lwIP's MSS is fixed at build time (1460); where the route's MTU allows more (the standalone
 * interface, ZeroTier's 2800), larger segments cut lwIP's per-segment work, the bulk of its
 * cost. The congestion window must then hold whole segments, or the sender never starts. */
static void vtcp_raise_mss(struct tcp_pcb *pcb)
{
	struct netif *n = ip_route(&pcb->local_ip, &pcb->remote_ip);
	bool v6 = IP_IS_V6(&pcb->remote_ip);
	int mss;

	if (!n)
		return;
	mss = (v6 ? n->mtu6 : n->mtu) - (v6 ? 60 : 40);
	if (mss > VTCP_MSS_MAX)
		mss = VTCP_MSS_MAX;
	if (mss <= pcb->mss)
		return;
	pcb->mss = (u16_t)mss;
	if (pcb->cwnd < 4u * (u32_t)mss)
		pcb->cwnd = 4u * (u32_t)mss;
}

static void vtcp_start_relay(struct vconn *vc)
{
	vtcp_raise_mss(vc->pcb);
	tcp_arg(vc->pcb, vc);
	tcp_recv(vc->pcb, vtcp_on_recv);
	tcp_sent(vc->pcb, vtcp_on_sent);
	tcp_err(vc->pcb, vtcp_on_err);
	vtcp_apply_opts(vc);
}

static err_t vtcp_on_connected(void *arg, struct tcp_pcb *pcb, err_t err)
{
	struct vconn *vc = arg;
	int sndbuf, left;

	if (!vc || vc->obj.dead)
		return ERR_OK;
	sndbuf = vc->opts.sndbuf > 0 ? vc->opts.sndbuf : VTCP_SNDBUF_DEFAULT;
	left = vc->filler;
	sys_untimeout(vtcp_connect_timeout, vc);
	vconn_move(vc, VE_ESTABLISHED);
	vtcp_raise_mss(pcb);
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
	vtcp_pump_tx(vc);
	vtcp_flush_rx(vc);
	return ERR_OK;
}

static void vtcp_pending_push(struct vconn *l);

static void vtcp_trim_timewait(void);

static err_t vtcp_on_accept(void *arg, struct tcp_pcb *newpcb, err_t err)
{
	struct vconn *l = arg, *vc;
	struct vconn_client lw;
	int prog_fd, r;

	vtcp_trim_timewait();
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
	vc = vconn_new(l->family, &lw, &r);
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
	vconn_move(vc, VE_ACCEPT);
	vc->opts = l->opts;
	vc->opts.flags &= ~(uint32_t)NC_OPT_NONBLOCK;
	vconn_from_ip(&vc->local, &newpcb->local_ip, newpcb->local_port);
	vconn_from_ip(&vc->peer, &newpcb->remote_ip, newpcb->remote_port);
	vc->keep_fd = prog_fd; /* until handed to the program */
	rstab_alloc(&vc->rst_slot, &vc->rst_gen);
	vtcp_start_relay(vc);
	vtcp_size_buffers(vc);
	if (loop_add(vc->fd, EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET, &vc->obj) < 0) {
		vtcp_close_conn(vc, true);
		return ERR_ABRT;
	}
	vc->parent = l; /* on the queue while parent is set: vconn_kill takes it off */
	TAILQ_INSERT_TAIL(&l->pending, vc, pend_link);
	l->npending++;
	vtcp_pending_push(l);
	return ERR_OK;
}

/* Hand queued connections to the program through the listening pair, while it takes them. */
static void vtcp_pending_push(struct vconn *l)
{
	struct vconn *vc;

	while ((vc = TAILQ_FIRST(&l->pending))) {
		struct nc_accept_msg m;
		ssize_t r;

		if (vc->obj.dead || vc->keep_fd < 0) {
			TAILQ_REMOVE(&l->pending, vc, pend_link);
			vc->parent = NULL;
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
		TAILQ_REMOVE(&l->pending, vc, pend_link);
		l->npending--;
		vc->parent = NULL;
		close(vc->keep_fd);
		vc->keep_fd = -1;
		if (r < 0) {
			log_warn("listener %llu: handing over a connection: %s",
				 (unsigned long long)l->id, strerror((int)-r));
			vtcp_close_conn(vc, true);
		}
	}
}

/* A new pcb bound to a (port 0: an ephemeral one). */
static int vtcp_new_bound(const struct nc_sock_req *req, const struct nc_addr *a,
			  const struct vconn_client *who, struct vconn **out)
{
	struct vconn *vc;
	ip_addr_t ip;
	err_t e;
	int r;

	vc = vconn_new_bind(req, a, who, false, &ip, &r);
	if (!vc)
		return r;
	vtcp_apply_opts(vc);
	e = vconn_pcb_bind(vc, &ip, a->port);
	if (e != ERR_OK) {
		tcp_abort(vc->pcb);
		vc->pcb = NULL;
		vconn_kill(vc);
		return vconn_lwip_err(e);
	}
	vc->local = *a;
	vc->local.port = vc->pcb->local_port;
	vconn_move(vc, VE_TCP_BIND);
	*out = vc;
	return 0;
}

int vtcp_bind(const struct nc_sock_req *req, const struct vconn_client *who,
	      struct nc_sock_reply *reply, int *fd_out)
{
	struct vconn *vc;
	int r;

	r = vtcp_new_bound(req, &req->addr, who, &vc);
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

int vtcp_listen(const struct nc_sock_req *req, const struct vconn_client *who,
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
		r = vtcp_new_bound(req, &any, who, &vc);
		if (r < 0)
			return r;
	}
	vc->opts = req->opts;
	vtcp_apply_opts(vc);
	lpcb = tcp_listen_with_backlog_and_err(vc->pcb, 255, &e);
	if (!lpcb) {
		r = e == ERR_USE ? -EADDRINUSE : -ENOMEM;
		tcp_abort(vc->pcb);
		vc->pcb = NULL;
		vconn_kill(vc);
		return r;
	}
	vc->pcb = lpcb;
	vconn_move(vc, VE_LISTEN);
	vc->backlog = req->backlog <= 0 ? 1 : req->backlog;
	if (vc->backlog > VTCP_BACKLOG_MAX)
		vc->backlog = VTCP_BACKLOG_MAX;
	tcp_arg(lpcb, vc);
	tcp_accept(lpcb, vtcp_on_accept);
	r = vconn_pair(vc, SOCK_SEQPACKET, fd_out);
	if (r == 0)
		r = loop_add(vc->fd, EPOLLOUT | EPOLLRDHUP | EPOLLET, &vc->obj);
	if (r < 0) {
		vtcp_forget_pcb(vc);
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
static void vtcp_reuse_timewait(struct tcp_pcb *pcb, const ip_addr_t *dst, u16_t dport)
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
 * VTCP_TIMEWAIT_MAX, dropping the oldest, as Linux's tcp_max_tw_buckets does; checked every
 * VTCP_TIMEWAIT_EVERY new connections.
 */
static void vtcp_trim_timewait(void)
{
	static unsigned calls;
	struct tcp_pcb *tw, *cut = NULL;
	unsigned n = 0;

	if (++calls % VTCP_TIMEWAIT_EVERY)
		return;
	for (tw = tcp_tw_pcbs; tw; tw = tw->next)
		if (++n == VTCP_TIMEWAIT_MAX)
			cut = tw;
	if (!cut)
		return;
	/* New TIME_WAIT pcbs go to the head: what follows cut is the oldest. */
	while (cut->next)
		tcp_abort(cut->next); /* unlinks it from the list */
}

/* Unwritable until the handshake ends (doc/design.md, "The filler: non-blocking connect"). */
static int vtcp_fill(struct vconn *vc, int prog_fd)
{
	int one = 1, fl = fcntl(prog_fd, F_GETFL);

	setsockopt(prog_fd, SOL_SOCKET, SO_SNDBUF, &one, sizeof(one));
	fcntl(prog_fd, F_SETFL, fl | O_NONBLOCK);
	memset(vconn_iobuf, 0, 256);
	while (vc->filler < VTCP_FILLER_MAX) {
		ssize_t n = write(prog_fd, vconn_iobuf, 256);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		vc->filler += (int)n;
	}
	fcntl(prog_fd, F_SETFL, fl);
	return vc->filler < VTCP_FILLER_MAX ? 0 : -EIO;
}

int vtcp_connect(const struct nc_sock_req *req, const struct vconn_client *who,
		 struct nc_sock_reply *reply, int *fd_out)
{
	struct vconn *vc;
	ip_addr_t ip;
	err_t e;
	int r, prog_fd;

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
		vc = vconn_new(req->family, who, &r);
		if (!vc)
			return r;
		vc->opts = req->opts;
		vc->pcb = tcp_new_ip_type(req->addr.family == 4 ? IPADDR_TYPE_V4 : IPADDR_TYPE_V6);
		if (!vc->pcb) {
			vconn_kill(vc);
			return -ENOMEM;
		}
	}
	vc->peer = req->addr;
	vconn_to_ip(&req->addr, &ip);
	r = vconn_pair(vc, SOCK_STREAM, &prog_fd);
	if (r == 0)
		r = vtcp_fill(vc, prog_fd);
	if (r < 0)
		goto fail;
	vconn_move(vc, VE_CONNECT);
	tcp_arg(vc->pcb, vc);
	tcp_err(vc->pcb, vtcp_on_err);
	tcp_recv(vc->pcb, vtcp_on_recv);
	tcp_sent(vc->pcb, vtcp_on_sent);
	vtcp_apply_opts(vc);
	vtcp_size_buffers(vc);
	vtcp_trim_timewait();
	vtcp_reuse_timewait(vc->pcb, &ip, req->addr.port);
	vconn_pick_src6(&vc->pcb->local_ip, &ip);
	e = tcp_connect(vc->pcb, &ip, req->addr.port, vtcp_on_connected);
	if (e != ERR_OK) {
		r = vconn_lwip_err(e);
		close(prog_fd);
		goto fail;
	}
	vconn_from_ip(&vc->local, &vc->pcb->local_ip, vc->pcb->local_port);
	if (vc->opts.user_timeout > 0)
		sys_timeout((u32_t)vc->opts.user_timeout, vtcp_connect_timeout, vc);
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

		vtcp_forget_pcb(vc);
		tcp_abort(pcb);
	}
	vconn_kill(vc);
	return r;
}

/* ---- the loop ---- */

void vtcp_event(struct vconn *vc, uint32_t events)
{
	switch (vc->state) {
	case VC_TCP_BOUND:
		if (events & (EPOLLHUP | EPOLLRDHUP | EPOLLERR)) {
			/* The program closed a bound, unused socket: free its port. */
			if (vc->pcb) {
				struct tcp_pcb *pcb = vc->pcb;

				vtcp_forget_pcb(vc);
				tcp_abort(pcb);
			}
			vconn_kill(vc);
		}
		return;
	case VC_TCP_LISTEN:
		if (events & (EPOLLHUP | EPOLLERR)) {
			struct tcp_pcb *pcb = vc->pcb;
			struct vconn *p;

			/* Each one killed leaves the queue. */
			while ((p = TAILQ_FIRST(&vc->pending)))
				vtcp_close_conn(p, true);
			if (pcb) {
				vtcp_forget_pcb(vc);
				tcp_close(pcb);
			}
			vconn_kill(vc);
			return;
		}
		if (events & EPOLLOUT) {
			vc->writable = true;
			vtcp_pending_push(vc);
		}
		return;
	default:
		break;
	}
	/* A connection. */
	if (events & EPOLLHUP)
		vc->prog_closed = true;
	if (events & (EPOLLIN | EPOLLHUP | EPOLLRDHUP | EPOLLERR))
		vc->readable = true;
	if (events & EPOLLOUT)
		vc->writable = true;
	if (vc->state == VC_TCP_CONNECTING)
		return; /* the filler is not data; vtcp_on_connected takes over */
	if (vc->writable && vc->rx)
		vtcp_flush_rx(vc);
	if (!vc->obj.dead && vc->readable) {
		if (vc->tx_eof) {
			/* Already half-closed by the program; now it has gone. */
			if (vc->prog_closed)
				vtcp_close_conn(vc, false);
			vc->readable = false;
		} else if (vc->pcb) {
			vtcp_pump_tx(vc);
		} else {
			vconn_kill(vc);
		}
	}
}

void vtcp_flush(struct vconn *vc)
{
	if ((vc->rx || vc->state == VC_TCP_PEER_FIN) && vc->state != VC_TCP_CONNECTING)
		vtcp_flush_rx(vc);
	if (vc->obj.dead || !vc->pcb)
		return;
	/* No round trip waits on lwIP's delayed-ACK timer. */
	if (vc->ack_pending && (vc->pcb->flags & TF_ACK_DELAY))
		tcp_ack_now(vc->pcb);
	vc->ack_pending = false;
	tcp_output(vc->pcb);
}

void vtcp_shutdown(struct vconn *vc)
{
	struct tcp_pcb *pcb = vc->pcb;

	if (vc->state == VC_TCP_CONNECTED)
		rstab_reset(vc->rst_slot, vc->rst_gen);
	if (!pcb)
		return;
	vtcp_forget_pcb(vc);
	if (pcb->state == LISTEN)
		tcp_close(pcb);
	else
		tcp_abort(pcb);
}

void vtcp_free(struct vconn *vc)
{
	sys_untimeout(vtcp_connect_timeout, vc);
}
