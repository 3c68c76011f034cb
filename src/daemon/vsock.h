/* SPDX-License-Identifier: BSD-2-Clause */
/* Transitional: the old names daemon.c still uses, until it follows the renames (issue 14). */
#ifndef NETCON_VSOCK_H
#define NETCON_VSOCK_H

#include "daemon/loop.h"
#include "daemon/vconn.h"

/* Delete this file once daemon.c includes daemon/vconn.h and says vconn_event, vconn_flush,
 * vconn_udp_unreach, vconn_shutdown_all, LOOP_VCONN and stack_standalone_add. */
#define LOOP_VSOCK LOOP_VCONN
#define vsock_event vconn_event
#define vsock_flush vconn_flush
#define vsock_udp_unreach vconn_udp_unreach
#define vsock_shutdown_all vconn_shutdown_all
#define stack_add_route stack_standalone_add

#endif
