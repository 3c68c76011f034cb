/* SPDX-License-Identifier: BSD-2-Clause */
/* ZeroTier's NDP emulation for rfc4193 and 6plane addresses: no solicitation leaves the node. */
#ifndef NETCON_ZT_NDP_H
#define NETCON_ZT_NDP_H

/*
 * A member whose config has ZT_NETCONF_FLAG_ENABLE_IPV6_NDP_EMULATION and an rfc4193 (/88) or
 * 6plane (/40) static IP knows the link-layer address of every other member's address of that
 * form: the node's ZeroTier address is written in it, and its MAC follows from that. A neighbor
 * solicitation for such an address is answered at once by a forged advertisement, as ZeroTier's
 * Switch::onLocalEthernet does, instead of travelling to a peer that may not answer. Pure: no I/O.
 */

#include <stddef.h>
#include <stdint.h>

#include "zt/inetaddr.h"

/* The advertisement: IPv6 header (40), ICMPv6 NA (24), target link-layer address option (8). */
#define ZT_NDP_NA_LEN 72
/* IPv6 next header ICMPv6; ICMPv6 types neighbor solicitation and advertisement. */
#define ZT_NDP_NH_ICMPV6 0x3a
#define ZT_NDP_NEIGHBOR_SOLICIT 0x87
#define ZT_NDP_NEIGHBOR_ADVERT 0x88

/* The ZeroTier address embedded in ip (16 bytes) if ip lies in the rfc4193 /88 or the 6plane /40
 * of one of our static IPs ips[0..n) on network nwid (only static IPs of those exact forms and
 * netmasks count); *mine then points at that static IP. 0 otherwise. */
uint64_t zt_ndp_embedded(uint64_t nwid, const struct zt_inetaddr *ips, unsigned n,
			 const uint8_t ip[16], const struct zt_inetaddr **mine);
/* Is pkt[0..len) (an IPv6 packet, no Ethernet header) a neighbor solicitation, as ZeroTier tells
 * (next header ICMPv6 with no extension header, type 135, room for the target)? Then *target
 * points at its 16-byte target address and 0 is returned; else -EBADMSG. */
int zt_ndp_solicitation(const uint8_t *pkt, size_t len, const uint8_t **target);
/* Write the advertisement ZeroTier forges: from target to dst (the static IP that matched), hop
 * limit 255, flags solicited and override, target link-layer address mac, checksum filled. */
void zt_ndp_advert(uint8_t out[ZT_NDP_NA_LEN], const uint8_t target[16], const uint8_t dst[16],
		   const uint8_t mac[6]);

#endif
