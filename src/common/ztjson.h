/* SPDX-License-Identifier: BSD-2-Clause */
/* The JSON of ZeroTier's local API (zerotier-cli -j's keys), built from the daemon's replies.
 * One builder for both `netcon ... --json` and the daemon's HTTP API (src/daemon/api.c). */
#ifndef NETCON_ZTJSON_H
#define NETCON_ZTJSON_H

#include <stdint.h>

#include "common/json.h"
#include "netcon/rpc.h"

/* GET /status. clock: epoch ms; home: the node's home, or NULL when unknown. */
void ztjson_status(struct json_buf *b, const struct nc_zt_info *info, int64_t clock,
		   const char *home);
/* One element of GET /peer, and GET /peer/ADDR. */
void ztjson_peer(struct json_buf *b, const struct nc_zt_peer *p);
/* One element of GET /network, and GET /network/NWID. */
void ztjson_network(struct json_buf *b, const struct nc_net_info *n);
/* GET /controller/network/NWID: a controller's network record. */
void ztjson_ctl_net(struct json_buf *b, const struct nc_ctl_net *n);
/* GET /controller/network/NWID/member/ADDR. identity: the member's public identity or "". */
void ztjson_ctl_member(struct json_buf *b, const struct nc_ctl_member *m, const char *identity);

/* An address as ZeroTier prints it: "IP/PORT" (bits: the port field is a prefix length), or "IP"
 * when port_sep is 0. buf needs 64 bytes; "" for family 0. */
const char *ztjson_addr(const struct nc_addr *a, char *buf, int port_sep);

#endif
