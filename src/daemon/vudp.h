/* SPDX-License-Identifier: BSD-2-Clause */
/* The UDP relay between a virtual socket's socketpair and its lwIP pcb: what vconn.c calls. */
#ifndef NETCON_VUDP_H
#define NETCON_VUDP_H

#include <stdint.h>

struct vconn;
struct vconn_client;
struct nc_sock_req;
struct nc_sock_reply;
struct nc_mcast_req;

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
