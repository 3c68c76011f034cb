/* SPDX-License-Identifier: BSD-2-Clause */
/* Joined ZeroTier networks: membership, configs, certificates, multicast, one lwIP Ethernet each. */
#ifndef NETCON_ZTNET_H
#define NETCON_ZTNET_H

#include <stddef.h>
#include <stdint.h>

#include "netcon/rpc.h"

/* ZT_NETWORK_AUTOCONF_DELAY: configs are asked for again this often, so the certificate stays
 * within the network's ctmd. NETCON_NETCONF_PERIOD_MS overrides it (tests). */
#define ZTNET_AUTOCONF_DELAY 60000
/* Networks joined at once. */
#define ZTNET_MAX 8

/* Load networks.d/ (each NWID.conf is a joined network, its config as last received). */
void ztnet_start(int64_t now);
/* Leave nothing behind in lwIP (the files stay). */
void ztnet_stop(void);
/* A network verb from a peer, in its packet packet_id (what an answer names in re): FRAME,
 * EXT_FRAME, MULTICAST_*, NETWORK_CREDENTIALS, NETWORK_CONFIG, OK in re
 * NETWORK_CONFIG_REQUEST/MULTICAST_GATHER, ERROR with a network id. */
void ztnet_input(uint64_t from, uint64_t packet_id, unsigned verb, const uint8_t *payload,
		 size_t len, int64_t now);
/* Timers: config requests, multicast announcements, gathers. Returns the next deadline. */
int64_t ztnet_tick(int64_t now);

/* Control: join (idempotent), leave, list. Return 0 or -errno. */
int ztnet_join(uint64_t nwid);
int ztnet_leave(uint64_t nwid);
int ztnet_info(uint64_t index, struct nc_net_info *out);

#endif
