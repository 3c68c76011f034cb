/* SPDX-License-Identifier: BSD-2-Clause */
/* ZeroTier's local HTTP API (zerotier-cli, ztncui, Prometheus) on 127.0.0.1 and ::1. */
#ifndef NETCON_API_H
#define NETCON_API_H

#include <stdint.h>

#include "daemon/loop.h"

/* Listen on TCP port (the node's primary UDP port) on both loopbacks; write HOME/zerotier-one.port
 * and make HOME/authtoken.secret and HOME/metricstoken.secret if missing. Returns 0 or -errno. */
int api_start(const char *home, uint16_t port);
void api_stop(void);
/* LOOP_API_* events. */
void api_event(struct loop_obj *obj, uint32_t events);
/* Free connections closed during this loop iteration. */
void api_reap(void);

#endif
