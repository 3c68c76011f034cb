/* SPDX-License-Identifier: BSD-2-Clause */
/* Virtual sockets, private to the daemon's socket modules (vconn.c TCP, vudp.c UDP). */
#ifndef NETCON_VCONN_INT_H
#define NETCON_VCONN_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "lwip/ip_addr.h"
#include "lwip/tcp.h"
#include "lwip/udp.h"

#include "daemon/loop.h"
#include "daemon/vconn.h"
#include "netcon/rpc.h"

enum vconn_kind { VK_BOUND = 1, VK_LISTEN, VK_CONN, VK_UDP };

struct vconn {
	struct loop_obj obj;
	enum vconn_kind kind;
	uint8_t state; /* enum nc_sock_state */
	uint8_t family; /* the program's socket family, 4 or 6 */
	bool readable, writable; /* edge-triggered readiness of fd */
	bool rx_fin, tx_eof, prog_closed, dirty, ack_pending, in_failed;
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
	struct udp_pcb *upcb; /* VK_UDP */
	bool udp_connected;
	bool udp_refused; /* an ICMP port unreachable is waiting for the program (connected UDP) */
	uint8_t nmc; /* UDP: groups joined, in mc[] */
	struct vudp_mc *mc;
	struct pbuf *rx; /* received, not yet written to fd */
	uint32_t rx_off;
	uint8_t *tx_left; /* read from fd but refused by tcp_write (rare) */
	uint32_t tx_left_len;
	struct nc_addr local, peer;
	struct nc_opts opts;
	struct vconn *id_next, *ino_next, *list_prev, *list_next;
	struct vconn *pend_head, *pend_tail,
	    *pend_next; /* listener: accepted, not yet handed over */
	struct vconn *parent; /* pending connection: its listener */
	struct vconn *dirty_next, *dead_next, *failed_next;
};

/* A scratch buffer for one read or write; the daemon has one thread. */
#define VCONN_IO_MAX (64 * 1024)
extern uint8_t vconn_iobuf[VCONN_IO_MAX];

/* A new socket of who's tree, counted against its account: NULL with -EMFILE (the account is
 * full) or -ENOMEM in *err. */
struct vconn *vconn_new(enum vconn_kind kind, uint8_t family, const struct vconn_client *who,
			int *err);

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
 * and is of a kind the request takes (as Linux answers: -EINVAL for the wrong protocol or
 * -EOPNOTSUPP for listen on UDP, -EISCONN or -EINVAL for a socket already in use,
 * -ENOPROTOOPT for a UDP option on TCP). type is the request's (NC_LISTEN, NC_CONNECT, ...).
 * Changes nothing.
 */
struct vconn *vconn_get(uint64_t id, const struct vconn_client *who, int type, enum vconn_want want,
			int *err);
/* Out of every table now, freed at the end of the loop iteration. */
void vconn_kill(struct vconn *vc);
/* A socketpair of type; the daemon's end in vc->fd (non-blocking), the program's in *prog_fd. */
int vconn_pair(struct vconn *vc, int type, int *prog_fd);
void vconn_fill_reply(const struct vconn *vc, struct nc_sock_reply *r);
void vconn_to_ip(const struct nc_addr *a, ip_addr_t *ip);
void vconn_from_ip(struct nc_addr *a, const ip_addr_t *ip, u16_t port);
int vconn_lwip_err(err_t e);
int vconn_check_family(const struct nc_sock_req *req, const struct nc_addr *a);
/* Where a bind to a goes: checks the family and that a is ours (or the wildcard); the lwIP
 * address and pcb type (IPADDR_TYPE_ANY for a dual-stack wildcard). 0 or -errno. */
int vconn_bind_target(const struct nc_sock_req *req, const struct nc_addr *a, ip_addr_t *ip,
		      u8_t *type);
/* An unbound local address facing an IPv6 dst becomes our address of the longest prefix that
 * covers dst (stack_src6), so lwIP finds the interface of a 6plane peer. */
void vconn_pick_src6(ip_addr_t *local, const ip_addr_t *dst);
/* A bound socket, found by vconn_get, taken over by listen/connect: its old pair is closed. */
void vconn_take_bound(struct vconn *vc);

/* vudp.c */
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
/* NC_MCAST on a UDP socket: join, leave, sending options. 0 or -errno. */
int vudp_mcast(struct vconn *vc, const struct nc_mcast_req *req);

#endif
