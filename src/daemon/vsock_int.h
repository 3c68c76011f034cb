/* SPDX-License-Identifier: BSD-2-Clause */
/* Virtual sockets, private to the daemon's socket modules (vsock.c TCP, vudp.c UDP). */
#ifndef NETCON_VSOCK_INT_H
#define NETCON_VSOCK_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "lwip/ip_addr.h"
#include "lwip/tcp.h"
#include "lwip/udp.h"

#include "daemon/loop.h"
#include "daemon/vsock.h"
#include "netcon/rpc.h"

enum vsock_kind { VK_BOUND = 1, VK_LISTEN, VK_CONN, VK_UDP };

struct vsock {
	struct loop_obj obj;
	enum vsock_kind kind;
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
	uint64_t tree; /* the run tree it belongs to (vsock_client) */
	struct vsock_acct *acct; /* what it counts against, or NULL */
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
	struct vsock *id_next, *ino_next, *list_prev, *list_next;
	struct vsock *pend_head, *pend_tail,
	    *pend_next; /* listener: accepted, not yet handed over */
	struct vsock *parent; /* pending connection: its listener */
	struct vsock *dirty_next, *dead_next, *failed_next;
};

/* A scratch buffer for one read or write; the daemon has one thread. */
#define VSOCK_IO_MAX (64 * 1024)
extern uint8_t vsock_iobuf[VSOCK_IO_MAX];

/* A new socket of who's tree, counted against its account: NULL with -EMFILE (the account is
 * full) or -ENOMEM in *err. */
struct vsock *vsock_new(enum vsock_kind kind, uint8_t family, const struct vsock_client *who,
			int *err);

/* What a request may name (vsock_get). */
enum vsock_want {
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
struct vsock *vsock_get(uint64_t id, const struct vsock_client *who, int type, enum vsock_want want,
			int *err);
/* Out of every table now, freed at the end of the loop iteration. */
void vsock_kill(struct vsock *vs);
/* A socketpair of type; the daemon's end in vs->fd (non-blocking), the program's in *prog_fd. */
int vsock_pair(struct vsock *vs, int type, int *prog_fd);
void vsock_fill_reply(const struct vsock *vs, struct nc_sock_reply *r);
void vsock_to_ip(const struct nc_addr *a, ip_addr_t *ip);
void vsock_from_ip(struct nc_addr *a, const ip_addr_t *ip, u16_t port);
int vsock_lwip_err(err_t e);
int vsock_check_family(const struct nc_sock_req *req, const struct nc_addr *a);
/* Where a bind to a goes: checks the family and that a is ours (or the wildcard); the lwIP
 * address and pcb type (IPADDR_TYPE_ANY for a dual-stack wildcard). 0 or -errno. */
int vsock_bind_target(const struct nc_sock_req *req, const struct nc_addr *a, ip_addr_t *ip,
		      u8_t *type);
/* An unbound local address facing an IPv6 dst becomes our address of the longest prefix that
 * covers dst (stack_src6), so lwIP finds the interface of a 6plane peer. */
void vsock_pick_src6(ip_addr_t *local, const ip_addr_t *dst);
/* A bound socket, found by vsock_get, taken over by listen/connect: its old pair is closed. */
void vsock_take_bound(struct vsock *vs);

/* vudp.c */
int vudp_bind(const struct nc_sock_req *req, const struct vsock_client *who,
	      struct nc_sock_reply *reply, int *fd_out);
int vudp_connect(const struct nc_sock_req *req, const struct vsock_client *who,
		 struct nc_sock_reply *reply, int *fd_out);
void vudp_apply_opts(struct vsock *vs);
void vudp_event(struct vsock *vs, uint32_t events);
void vudp_release(struct vsock *vs);
/* A port unreachable for this connected socket: marks it and wakes the program (once until the
 * program has taken it with NC_GETERR). */
void vudp_refused(struct vsock *vs);
/* NC_MCAST on a UDP socket: join, leave, sending options. 0 or -errno. */
int vudp_mcast(struct vsock *vs, const struct nc_mcast_req *req);

#endif
