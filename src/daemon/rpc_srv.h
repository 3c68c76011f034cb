/* SPDX-License-Identifier: BSD-2-Clause */
/* The control socket: channels to programs and the CLI, access checks, request dispatch. */
#ifndef NETCON_RPC_SRV_H
#define NETCON_RPC_SRV_H

#include <stdint.h>
#include <sys/types.h>

#include "daemon/loop.h"

/* Listen on <home>/control. -EADDRINUSE if a live daemon already answers there. */
int rpc_srv_open(const char *home);
/* A channel accepted on the control socket, from a peer of that uid and pid (SO_PEERCRED; the
 * handler fuzzer gives its own) in that `netcon run` tree (0: none): a client, refused unless the
 * daemon's user, root or in a run. Takes fd (closed if it cannot be kept). */
void rpc_srv_adopt(int fd, uid_t uid, pid_t pid, uint64_t tree);
/* Events on the control socket or a client channel. */
void rpc_srv_event(struct loop_obj *obj, uint32_t events);
/* Free clients dropped during this loop iteration. */
void rpc_srv_reap(void);
/* Channels open now (for the metrics). */
uint64_t rpc_srv_clients(void);
/* Drop every client, remove the control socket. */
void rpc_srv_close(void);

#endif
