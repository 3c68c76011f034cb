/* SPDX-License-Identifier: BSD-2-Clause */
/* Virtual sockets, private to the socket modules: vconn.c (table, dispatch), vtcp.c, vudp.c. */
#ifndef NETCON_VCONN_INT_H
#define NETCON_VCONN_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/queue.h>
#include <sys/types.h>

#include "lwip/ip_addr.h"
#include "lwip/tcp.h"
#include "lwip/udp.h"

#include "daemon/loop.h"
#include "daemon/vconn.h"
#include "daemon/vconn_fsm.h"
#include "netcon/rpc.h"

TAILQ_HEAD(vconn_queue, vconn);

struct vconn {
	struct loop_obj obj;
	uint8_t state; /* enum vconn_state: changed only by vconn_move */
	uint8_t family; /* the program's socket family, 4 or 6 */
	/* Not states but the program's end as the relay last found it: edge-triggered readiness,
	 * and what the program has done to its side (shut its sending half, closed every copy). */
	bool readable, writable;
	bool tx_eof, prog_closed;
	bool dirty; /* on the dirty list */
	bool ack_pending; /* data arrived since the last flush: ACK it then */
	bool udp_refused; /* an ICMP port unreachable is waiting for the program (connected UDP) */
	int fd; /* the daemon's end */
	int keep_fd; /* the program's end, kept while a connect is in progress */
	int filler; /* bytes written through keep_fd to hold off POLLOUT */
	int error; /* pending socket error (positive errno) */
	int backlog, npending;
	pid_t pid;
	uint64_t tree; /* the run tree it belongs to (vconn_client) */
	struct vconn_acct *acct; /* what it counts against, or NULL */
	uint64_t id, ino;
	uint32_t rst_slot, rst_gen; /* connections: the reset table slot */
	uint64_t bytes_in, bytes_out;
	struct tcp_pcb *pcb;
	struct udp_pcb *upcb; /* UDP */
	uint8_t nmc; /* UDP: groups joined, in mc[] */
	struct vudp_mc *mc;
	/* Received, not yet written to fd; rx_tail its last pbuf. The chain is appended through
	 * rx_tail and read by len and next only: its tot_len fields go stale (pbuf_cat would walk
	 * all of it, 1,500 pbufs with a 4 MiB window, for every segment). */
	struct pbuf *rx, *rx_tail;
	uint32_t rx_off;
	uint8_t *tx_left; /* read from fd but refused by tcp_write (rare) */
	uint32_t tx_left_len;
	struct nc_addr local, peer;
	struct nc_opts opts;
	LIST_ENTRY(vconn) id_link, ino_link; /* hash chains; ino_link only while ino != 0 */
	TAILQ_ENTRY(vconn) all_link; /* every live socket, in id order (status listings) */
	struct vconn_queue pending; /* listener: accepted, not yet handed over */
	TAILQ_ENTRY(vconn) pend_link; /* on parent's pending queue */
	struct vconn *parent; /* pending connection: its listener */
	SLIST_ENTRY(vconn) dirty_link, dead_link;
	TAILQ_ENTRY(vconn) failed_link; /* VC_TCP_FAILED: kept for SO_ERROR, newest first */
};

/* A scratch buffer for one read or write; the daemon has one thread. */
#define VCONN_IO_MAX (64 * 1024)
extern uint8_t vconn_iobuf[VCONN_IO_MAX];

/* ---- vconn.c: the table ---- */

/* A new socket (VC_NEW) of who's tree, counted against its account: NULL with -EMFILE (the
 * account is full) or -ENOMEM in *err. */
struct vconn *vconn_new(uint8_t family, const struct vconn_client *who, int *err);
/* Every state change: ev must be legal in vc's state (vconn_fsm.c), or the daemon has a bug. */
void vconn_move(struct vconn *vc, enum vconn_event ev);
static inline bool vconn_is_udp(const struct vconn *vc)
{
	return vconn_fsm_is_udp(vc->state);
}

/* What a request may name (vconn_get). */
enum vconn_want {
	VW_ANY, /* SETOPT, GETERR: any socket */
	VW_UDP, /* MCAST: a UDP socket */
	VW_TCP_BOUND, /* LISTEN, TCP CONNECT: a bound TCP socket */
	VW_UDP_UNCONN, /* UDP CONNECT: an unconnected UDP socket */
};

/*
 * The one lookup of every request that names a socket: the socket id exists and is alive
 * (-EBADF), belongs to who's tree (-EBADF too: another's socket is not told apart from none),
 * and is in a state the request takes (as Linux answers: -EINVAL for the wrong protocol or
 * -EOPNOTSUPP for listen on UDP, -EISCONN or -EINVAL for a socket already in use,
 * -ENOPROTOOPT for a UDP option on TCP). type is the request's (NC_LISTEN, NC_CONNECT, ...).
 * Changes nothing.
 */
struct vconn *vconn_get(uint64_t id, const struct vconn_client *who, int type, enum vconn_want want,
			int *err);
/* VE_KILL: out of every table now, freed at the end of the loop iteration. */
void vconn_kill(struct vconn *vc);
/* On the list vconn_flush walks at the end of the loop iteration. */
void vconn_mark_dirty(struct vconn *vc);
/* A failed connect, its ends closed: kept for SO_ERROR, the oldest dropped past a bound. */
void vconn_keep_failed(struct vconn *vc);
/* The daemon's end out of the loop and closed, and keep_fd closed. */
void vconn_close_ends(struct vconn *vc);
/* A socketpair of type; the daemon's end in vc->fd (non-blocking), the program's in *prog_fd. */
int vconn_pair(struct vconn *vc, int type, int *prog_fd);
/* The program's end is gone (a failed connect): the inode no longer finds it. */
void vconn_unlink_ino(struct vconn *vc);
void vconn_fill_reply(const struct vconn *vc, struct nc_sock_reply *r);
void vconn_to_ip(const struct nc_addr *a, ip_addr_t *ip);
void vconn_from_ip(struct nc_addr *a, const ip_addr_t *ip, u16_t port);
int vconn_lwip_err(err_t e);
int vconn_check_family(const struct nc_sock_req *req, const struct nc_addr *a);
/* A new socket (VC_NEW) with the request's options and a new pcb (UDP or TCP), for a bind to a:
 * the family checked, a ours (or the wildcard; the pcb is dual-stack for the v6 wildcard); the
 * lwIP address in *ip. NULL with -errno in *err. */
struct vconn *vconn_new_bind(const struct nc_sock_req *req, const struct nc_addr *a,
			     const struct vconn_client *who, bool udp, ip_addr_t *ip, int *err);
/* An unbound local address facing an IPv6 dst becomes our address of the longest prefix that
 * covers dst (stack_src6), so lwIP finds the interface of a 6plane peer. */
void vconn_pick_src6(ip_addr_t *local, const ip_addr_t *dst);
/* A bound socket, found by vconn_get, taken over by listen/connect: its old pair is closed. */
void vconn_take_bound(struct vconn *vc);
/* Bind vc's new pcb (UDP if it has one, else TCP) to ip:port. A port in use is tried once more
 * after the sockets on it whose program has closed its end, hang-up not yet read, are closed:
 * Linux frees a port at close(). */
err_t vconn_pcb_bind(struct vconn *vc, const ip_addr_t *ip, u16_t port);

/* ---- vtcp.c: the TCP relay ---- */
int vtcp_bind(const struct nc_sock_req *req, const struct vconn_client *who,
	      struct nc_sock_reply *reply, int *fd_out);
int vtcp_listen(const struct nc_sock_req *req, const struct vconn_client *who,
		struct nc_sock_reply *reply, int *fd_out);
int vtcp_connect(const struct nc_sock_req *req, const struct vconn_client *who,
		 struct nc_sock_reply *reply, int *fd_out);
void vtcp_apply_opts(struct vconn *vc);
void vtcp_event(struct vconn *vc, uint32_t events);
/* A dirty connection at the end of the loop iteration: write out what arrived, send ACKs and
 * queued segments. */
void vtcp_flush(struct vconn *vc);
/* Daemon shutdown: the program reads a reset; the pcb is aborted (a listener closed). */
void vtcp_shutdown(struct vconn *vc);
/* Before the memory goes: no lwIP timer may still name it. */
void vtcp_free(struct vconn *vc);

/* ---- vudp.c: the UDP relay ---- */
int vudp_bind(const struct nc_sock_req *req, const struct vconn_client *who,
	      struct nc_sock_reply *reply, int *fd_out);
int vudp_connect(const struct nc_sock_req *req, const struct vconn_client *who,
		 struct nc_sock_reply *reply, int *fd_out);
void vudp_apply_opts(struct vconn *vc);
void vudp_event(struct vconn *vc, uint32_t events);
void vudp_release(struct vconn *vc);
/* A port unreachable for this connected socket: marks it and wakes the program (once until the
 * program has taken it with NC_GETERR). */
void vudp_refused(struct vconn *vc);
/* NC_GETERR on a UDP socket: the refusal, once; a new reset slot generation for the next. */
void vudp_geterr(struct vconn *vc, struct nc_sock_reply *reply);
/* NC_MCAST on a UDP socket: join, leave, sending options. 0 or -errno. */
int vudp_mcast(struct vconn *vc, const struct nc_mcast_req *req);

#endif
