/* SPDX-License-Identifier: BSD-2-Clause */
/* Virtual sockets: what the rpc server and the loop call (vconn.c; the relays are vtcp.c, vudp.c). */
#ifndef NETCON_VCONN_H
#define NETCON_VCONN_H

#include <stdint.h>
#include <sys/queue.h>
#include <sys/types.h>

#include "daemon/loop.h"
#include "netcon/rpc.h"

struct vconn;

/*
 * What a client's sockets count against: one per `netcon run` tree (every process of the run
 * shares it, however it reached the daemon), or one per channel and the channels cloned from it
 * for clients outside any run. Reference-counted: by each channel and each socket.
 */
struct vconn_acct {
	uint64_t tree;
	uint32_t nsocks, nchannels, refs;
	LIST_ENTRY(vconn_acct) link;
};

/* Who sends a request: the checks of every request that names a socket are made against it. */
struct vconn_client {
	pid_t pid; /* recorded on the sockets it makes (status listings) */
	/* Its `netcon run` tree (the outermost run it descends from, or the tree of the channel it
	 * was cloned from); 0 for root and the daemon's own user outside any run, who may act on
	 * every socket (they could as well ptrace its owner). */
	uint64_t tree;
	struct vconn_acct *acct;
};

/* The account of tree (0: a new one of its own), with a reference taken; NULL without memory. */
struct vconn_acct *vconn_acct_get(uint64_t tree);
void vconn_acct_put(struct vconn_acct *a);
/* The most sockets one account may hold at once (0: no limit); beyond it requests get EMFILE and
 * incoming connections are refused. */
void vconn_set_max_sockets(uint32_t max);

/* Handlers for the rpc requests; each fills reply and may return one fd for the program in
 * *fd_out (the caller sends it and closes its copy). Return 0 or -errno (then no fd). A request
 * that names a socket (sockid) is refused, with nothing changed, unless that socket exists, is
 * of a kind the request takes, and belongs to who's tree (vconn_get). */
int vconn_bind(const struct nc_sock_req *req, const struct vconn_client *who,
	       struct nc_sock_reply *reply, int *fd_out);
int vconn_listen(const struct nc_sock_req *req, const struct vconn_client *who,
		 struct nc_sock_reply *reply, int *fd_out);
int vconn_connect(const struct nc_sock_req *req, const struct vconn_client *who,
		  struct nc_sock_reply *reply, int *fd_out);
int vconn_setopt(const struct nc_opt_req *req, const struct vconn_client *who);
/* NC_MCAST: a UDP socket's multicast group or option. 0 or -errno. */
int vconn_mcast(const struct nc_mcast_req *req, const struct vconn_client *who);
/* An ICMP port unreachable: the connected UDP socket it names reports ECONNREFUSED once. */
struct icmperr;
void vconn_udp_unreach(const struct icmperr *e);
int vconn_geterr(const struct nc_sock_req *req, const struct vconn_client *who,
		 struct nc_sock_reply *reply);
int vconn_lookup(const struct nc_sock_req *req, struct nc_sock_reply *reply);

/* Epoll events on a virtual socket's daemon end. */
void vconn_event(struct loop_obj *obj, uint32_t events);
/* End of a loop iteration: push queued TCP output and ACKs, free what died. */
void vconn_flush(void);
/* Daemon shutdown: reset every connection and close every end. */
void vconn_shutdown_all(void);

/* Status listing: fill up to max entries with id > after; returns how many. */
int vconn_list(uint64_t after, struct nc_status_entry *out, int max);
uint64_t vconn_count(void);

#endif
