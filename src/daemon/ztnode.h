/* SPDX-License-Identifier: BSD-2-Clause */
/* The daemon's ZeroTier node: state in NETCON_HOME, the UDP transport, timers, control queries. */
#ifndef NETCON_ZTNODE_H
#define NETCON_ZTNODE_H

#include <stddef.h>
#include <stdint.h>

#include "daemon/loop.h"
#include "netcon/rpc.h"

#define ZTNODE_DEFAULT_PORT 9993 /* ZT_DEFAULT_PORT */

/* A network verb for the layers above the node (the networks, the controller), from a peer or
 * from ourselves: FRAME, EXT_FRAME, MULTICAST_*, NETWORK_*, and OK/ERROR in re of those.
 * packet_id is its packet's ID, for an answer's in re. */
typedef void (*ztnode_network_fn)(void *ctx, uint64_t from, uint64_t packet_id, unsigned verb,
				  const uint8_t *payload, size_t len, int64_t now);

struct ztnode_config {
	const char *home;
	const char *planet; /* a planet file to use (copied to HOME/planet), or NULL */
	int port; /* -1: 9993, or another free port if it is taken */
	ztnode_network_fn network; /* called from the loop, never inside a ztnode_* call */
	void *network_ctx;
};

/* Load or make identity.secret/identity.public, load the planet and peers.d/, open the UDP
 * socket and the timer. Returns 0 or -errno (logged). */
int ztnode_start(const struct ztnode_config *cfg);
void ztnode_stop(void);
/* LOOP_ZT_TIMER events. */
void ztnode_event(struct loop_obj *obj, uint32_t events);
/* After each loop iteration: run due timers, deliver what we sent ourselves, send what is
 * queued, re-arm the timer for the earlier of the node's deadline and next_above (the layers
 * above's, node time). */
void ztnode_idle(int64_t next_above);

/* For the layers above: the network layer (ztnet.c) and the controller role (ctrl.c). */
/* Send a packet of verb to dest; to our own address it is queued and handed to the network
 * callback from ztnode_idle. Returns 0 or -errno. */
int ztnode_send_verb(uint64_t dest, unsigned verb, const void *payload, size_t len, uint64_t *id);
uint64_t ztnode_address(void);
/* Node time: epoch ms that never jumps. */
int64_t ztnode_time(void);
const char *ztnode_home(void);
/* The public identity of a peer we know (or ours). Returns 0 or -ENOENT. */
struct zt_identity;
int ztnode_peer_identity(uint64_t address, struct zt_identity *out);
/* The planet's roots' addresses. */
unsigned ztnode_roots(uint64_t *out, unsigned max);

/* Control queries (NC_ZT_*). Each returns 0 or -errno. */
int ztnode_info(struct nc_zt_info *out);
int ztnode_peer(uint64_t index, struct nc_zt_peer *out);
int ztnode_send(const struct nc_zt_send_req *req, uint64_t *id);
int ztnode_result(uint64_t id, struct nc_zt_msg *out);
int ztnode_inbox(uint64_t cursor, struct nc_zt_msg *out);
/* The node's counters and peers' paths, for the metrics. Returns 0 or -ENOTCONN. */
struct zt_node_info;
int ztnode_node_info(struct zt_node_info *out);

#endif
