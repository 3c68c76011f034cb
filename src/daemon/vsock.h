/* SPDX-License-Identifier: BSD-2-Clause */
/* Virtual sockets: lwIP TCP pcbs tied to the program's socketpair ends (bound, listening, connected). */
#ifndef NETCON_VSOCK_H
#define NETCON_VSOCK_H

#include <stdint.h>
#include <sys/types.h>

#include "daemon/loop.h"
#include "netcon/rpc.h"

struct vsock;

/*
 * What a client's sockets count against: one per `netcon run` tree (every process of the run
 * shares it, however it reached the daemon), or one per channel and the channels cloned from it
 * for clients outside any run. Reference-counted: by each channel and each socket.
 */
struct vsock_acct {
	uint64_t tree;
	uint32_t nsocks, nchannels, refs;
	struct vsock_acct *next;
};

/* Who sends a request: the checks of every request that names a socket are made against it. */
struct vsock_client {
	pid_t pid; /* recorded on the sockets it makes (status listings) */
	/* Its `netcon run` tree (the outermost run it descends from, or the tree of the channel it
	 * was cloned from); 0 for root and the daemon's own user outside any run, who may act on
	 * every socket (they could as well ptrace its owner). */
	uint64_t tree;
	struct vsock_acct *acct;
};

/* The account of tree (0: a new one of its own), with a reference taken; NULL without memory. */
struct vsock_acct *vsock_acct_get(uint64_t tree);
void vsock_acct_put(struct vsock_acct *a);
/* The most sockets one account may hold at once (0: no limit); beyond it requests get EMFILE and
 * incoming connections are refused. */
void vsock_set_max_sockets(uint32_t max);

/* Handlers for the rpc requests; each fills reply and may return one fd for the program in
 * *fd_out (the caller sends it and closes its copy). Return 0 or -errno (then no fd). A request
 * that names a socket (sockid) is refused, with nothing changed, unless that socket exists, is
 * of a kind the request takes, and belongs to who's tree (vsock_get). */
int vsock_bind(const struct nc_sock_req *req, const struct vsock_client *who,
	       struct nc_sock_reply *reply, int *fd_out);
int vsock_listen(const struct nc_sock_req *req, const struct vsock_client *who,
		 struct nc_sock_reply *reply, int *fd_out);
int vsock_connect(const struct nc_sock_req *req, const struct vsock_client *who,
		  struct nc_sock_reply *reply, int *fd_out);
int vsock_setopt(const struct nc_opt_req *req, const struct vsock_client *who);
/* NC_MCAST: a UDP socket's multicast group or option. 0 or -errno. */
int vsock_mcast(const struct nc_mcast_req *req, const struct vsock_client *who);
/* An ICMP port unreachable: the connected UDP socket it names reports ECONNREFUSED once. */
struct icmperr;
void vsock_udp_unreach(const struct icmperr *e);
int vsock_geterr(const struct nc_sock_req *req, const struct vsock_client *who,
		 struct nc_sock_reply *reply);
int vsock_lookup(const struct nc_sock_req *req, struct nc_sock_reply *reply);

/* Epoll events on a vsock's daemon end. */
void vsock_event(struct loop_obj *obj, uint32_t events);
/* End of a loop iteration: push queued TCP output and ACKs, free what died. */
void vsock_flush(void);
/* Daemon shutdown: reset every connection and close every end. */
void vsock_shutdown_all(void);

/* Status listing: fill up to max entries with id > after; returns how many. */
int vsock_list(uint64_t after, struct nc_status_entry *out, int max);
uint64_t vsock_count(void);

#endif
