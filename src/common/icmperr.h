/* SPDX-License-Identifier: BSD-2-Clause */
/* ICMP and ICMPv6 port unreachable: which UDP datagram of ours a received error quotes. */
#ifndef NETCON_ICMPERR_H
#define NETCON_ICMPERR_H

#include <stddef.h>
#include <stdint.h>

#include "netcon/rpc.h"

/* The quoted datagram's source (ours) and destination (the peer that refused it). */
struct icmperr {
	struct nc_addr local, remote;
};

/* pkt[0..len) is an IPv4 or IPv6 packet. 0 if it is an ICMP port unreachable (type 3 code 3) or
 * ICMPv6 port unreachable (type 1 code 4) quoting a UDP header, with out filled; -ENOENT if it is
 * some other well-formed packet; -EBADMSG if it is cut short. out is untouched unless 0. */
int icmperr_parse(const uint8_t *pkt, size_t len, struct icmperr *out);

#endif
