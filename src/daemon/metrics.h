/* SPDX-License-Identifier: BSD-2-Clause */
/* GET /metrics: the node's counters in Prometheus' text format (zerotier-one's names where netcon
 * has the quantity, netcon_* for its own). */
#ifndef NETCON_METRICS_H
#define NETCON_METRICS_H

#include "common/json.h"

/* api_conns: the local API's open connections. */
void metrics_write(struct json_buf *b, unsigned api_conns);

#endif
