/* SPDX-License-Identifier: BSD-2-Clause */
/* The TCP relay between a virtual socket's socketpair and its lwIP pcb: what vconn.c calls. */
#ifndef NETCON_VTCP_H
#define NETCON_VTCP_H

#include <stdint.h>

struct vconn;
struct vconn_client;
struct nc_sock_req;
struct nc_sock_reply;

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

#endif
