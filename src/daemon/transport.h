/* SPDX-License-Identifier: BSD-2-Clause */
/* The ZeroTier UDP transport: one dual-stack socket in the epoll loop, batched receive and send
 * (with UDP segmentation and receive offload where the kernel has them). */
#ifndef NETCON_TRANSPORT_H
#define NETCON_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "daemon/loop.h"
#include "zt/inetaddr.h"

/* Datagrams per recvmmsg/sendmmsg. */
#define TRANSPORT_BATCH 64

typedef void (*transport_rx_fn)(const struct zt_inetaddr *from, const uint8_t *data, size_t len);

struct transport_stats {
	uint64_t tx_errors; /* datagrams the kernel refused (unreachable, buffer full) */
	uint64_t rx_truncated; /* datagrams longer than a ZeroTier packet */
	uint64_t gso_fallbacks; /* GSO runs the kernel refused, sent datagram by datagram */
};

/* Bind UDP port (0: any) on [::] with IPv4 mapped in, or on 0.0.0.0 when IPv6 is off. With
 * fallback, a port in use gives way to a random one. Datagrams go to rx. Returns the bound port
 * or -errno. */
int transport_open(uint16_t port, bool fallback, transport_rx_fn rx);
void transport_close(void);
/* The loop's LOOP_UDP events. */
void transport_event(struct loop_obj *obj, uint32_t events);
/* Queue a datagram (sent at the next flush or when the batch is full); ttl != 0 sends it at
 * once with that IP TTL. */
void transport_send(const struct zt_inetaddr *to, const uint8_t *data, size_t len, unsigned ttl);
/* Send what is queued (sendmmsg; runs of one size to one address as one GSO buffer). */
void transport_flush(void);
/* Test knob NETCON_TEST_DELAY_MS: hand the node the held datagrams now due; and the loop's
 * epoll timeout, max_ms or less so it wakes when the next one is due. */
void transport_run_due(void);
int transport_timeout_ms(int max_ms);
void transport_get_stats(struct transport_stats *out);

#endif
