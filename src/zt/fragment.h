/* SPDX-License-Identifier: BSD-2-Clause */
/* ZeroTier packet fragmentation at a path MTU and a bounded, clock-free reassembly table. */
#ifndef NETCON_ZT_FRAGMENT_H
#define NETCON_ZT_FRAGMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "zt/packet.h"

/* ZT_DEFAULT_PHYSMTU: UDP payload bytes per datagram. */
#define ZT_FRAGMENT_DEFAULT_MTU 1432
/* [8] packet ID, [5] destination, [1] 0xff, [1] total<<4|number, [1] hops. */
#define ZT_FRAGMENT_HEADER_LEN 16
/* ZT_PACKET_FRAGMENT_INDICATOR: where a packet has the first byte of its source address. */
#define ZT_FRAGMENT_INDICATOR 0xff
#define ZT_FRAGMENT_IDX_INDICATOR 13
/* ZT_MAX_PACKET_FRAGMENTS: head included. */
#define ZT_FRAGMENT_MAX 7
/* Packets being reassembled at once; a new one evicts the oldest when all are in use. */
#define ZT_FRAGMENT_TABLE_ENTRIES 32
/* ZT_FRAGMENTED_PACKET_RECEIVE_TIMEOUT, milliseconds. */
#define ZT_FRAGMENT_TIMEOUT_MS 500

struct zt_fragment_wire_header {
	uint8_t id[8];
	uint8_t dest[5];
	uint8_t indicator;
	uint8_t total_number;
	uint8_t hops;
} __attribute__((packed));
_Static_assert(sizeof(struct zt_fragment_wire_header) == ZT_FRAGMENT_HEADER_LEN,
	       "fragment header is 16 bytes");

/* True when a datagram is a fragment (not a packet head). */
bool zt_fragment_is_fragment(const uint8_t *d, size_t len);

/* Datagrams a packet of len bytes needs at mtu: 1 (no fragmenting) to 7, or -EMSGSIZE. Set
 * ZT_PACKET_FLAG_FRAGMENTED on the packet before armoring when this is more than 1. */
int zt_fragment_count(size_t len, size_t mtu);

/* Write datagram i (0 = the head) of the armored packet pkt[0..len) cut at mtu into out.
 * Returns its length, -EINVAL (bad i or mtu) or -ENOSPC. */
int zt_fragment_get(const uint8_t *pkt, size_t len, size_t mtu, unsigned i, uint8_t *out,
		    size_t size);

struct zt_fragment_entry {
	uint64_t id;
	int64_t first_seen;
	uint8_t total; /* 0 until a fragment told us */
	uint8_t have; /* bit i: piece i stored */
	uint16_t off[ZT_FRAGMENT_MAX], len[ZT_FRAGMENT_MAX]; /* piece data within buf */
	uint16_t used; /* bytes of buf in use */
	bool active;
	uint8_t buf[ZT_PACKET_MAX_LEN];
};

struct zt_fragment_table {
	int64_t timeout;
	unsigned evicted, expired; /* counters for the caller's statistics */
	struct zt_fragment_entry e[ZT_FRAGMENT_TABLE_ENTRIES];
};

/* Empty the table; pieces older than timeout_ms (0: ZT_FRAGMENT_TIMEOUT_MS) are dropped. */
void zt_fragment_table_init(struct zt_fragment_table *t, int64_t timeout_ms);

/* Feed a fragment, or a packet head with the fragmented flag, received at now (ms). When the
 * packet is complete it is written to out and its length returned; 0 means more pieces are
 * needed; -EBADMSG for a malformed or inconsistent piece, -ENOSPC when out is too small. */
int zt_fragment_receive(struct zt_fragment_table *t, const uint8_t *d, size_t len, int64_t now,
			uint8_t *out, size_t size);

/* Drop entries older than the timeout. */
void zt_fragment_expire(struct zt_fragment_table *t, int64_t now);

#endif
