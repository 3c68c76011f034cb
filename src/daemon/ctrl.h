/* SPDX-License-Identifier: BSD-2-Clause */
/* The daemon's controller role: records in controller.d/, config requests, control messages. */
#ifndef NETCON_CTRL_H
#define NETCON_CTRL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netcon/rpc.h"

/* Load our identity and controller.d/ (network/NWID.json, network/NWID/member/ADDR.json); a
 * record that does not parse is reported and skipped. Returns 0 or -errno (logged). */
int ctrl_start(const char *home, int64_t now);
void ctrl_stop(void);
/* A network verb from a peer, in its packet packet_id (what an answer names in re):
 * NETWORK_CONFIG_REQUEST for one of our networks is answered here (true); anything else is not
 * ours (false). */
bool ctrl_input(uint64_t from, uint64_t packet_id, unsigned verb, const uint8_t *payload,
		size_t len, int64_t now);

/* Control messages (NC_CTL_*). Each returns 0 or -errno. */
int ctrl_net_create(const struct nc_ctl_net *req, struct nc_ctl_net *out);
/* Change a network's name, MTU or DNS settings (req->change); every authorized member gets the
 * new config at once. */
int ctrl_net_set(const struct nc_ctl_net *req, struct nc_ctl_net *out);
int ctrl_net_get(const struct nc_ctl_req *req, struct nc_ctl_net *out);
int ctrl_net_delete(const struct nc_ctl_req *req);
int ctrl_member_get(const struct nc_ctl_req *req, struct nc_ctl_member *out);
int ctrl_member_set(const struct nc_ctl_member *req, struct nc_ctl_member *out);

#endif
