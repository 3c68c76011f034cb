/* Virtual sockets: lwIP TCP pcbs tied to the program's socketpair ends (bound, listening, connected). */
#ifndef NETCON_VSOCK_H
#define NETCON_VSOCK_H

#include <stdint.h>
#include <sys/types.h>

#include "daemon/loop.h"
#include "netcon/rpc.h"

struct vsock;

/* Handlers for the rpc requests; each fills reply and may return one fd for the program in
 * *fd_out (the caller sends it and closes its copy). Return 0 or -errno (then no fd). */
int vsock_bind(const struct nc_sock_req *req, pid_t pid, struct nc_sock_reply *reply, int *fd_out);
int vsock_listen(const struct nc_sock_req *req, pid_t pid, struct nc_sock_reply *reply,
		 int *fd_out);
int vsock_connect(const struct nc_sock_req *req, pid_t pid, struct nc_sock_reply *reply,
		  int *fd_out);
int vsock_setopt(const struct nc_opt_req *req);
/* NC_MCAST: a UDP socket's multicast group or option. 0 or -errno. */
int vsock_mcast(const struct nc_mcast_req *req);
/* An ICMP port unreachable: the connected UDP socket it names reports ECONNREFUSED once. */
struct icmperr;
void vsock_udp_unreach(const struct icmperr *e);
int vsock_geterr(const struct nc_sock_req *req, struct nc_sock_reply *reply);
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
