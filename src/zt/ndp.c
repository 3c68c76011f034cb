// SPDX-License-Identifier: BSD-2-Clause
/* ZeroTier's NDP emulation for rfc4193 and 6plane addresses: no solicitation leaves the node. */
#include <errno.h>
#include <string.h>

#include "zt/bytes.h"
#include "zt/ndp.h"

/* The prefix lengths, in bytes, that ZeroTier compares: fd + nwid + 99 93, and fc + nwid32. */
#define NDP_RFC4193_PREFIX 11
#define NDP_6PLANE_PREFIX 5

uint64_t zt_ndp_embedded(uint64_t nwid, const struct zt_inetaddr *ips, unsigned n,
			 const uint8_t ip[16], const struct zt_inetaddr **mine)
{
	struct zt_inetaddr plane;

	/* Our 6plane prefix, to check that a /40 static IP really is this network's. */
	zt_inetaddr_6plane(&plane, nwid, 0);
	for (unsigned i = 0; i < n; i++) {
		const uint8_t *my = ips[i].ip;

		if (ips[i].family != 6)
			continue;
		if (ips[i].port == ZT_INETADDR_RFC4193_BITS && my[0] == 0xfd && my[9] == 0x99 &&
		    my[10] == 0x93 && !memcmp(ip, my, NDP_RFC4193_PREFIX)) {
			*mine = &ips[i];
			return zt_be_get(ip + NDP_RFC4193_PREFIX, 5);
		}
		if (ips[i].port == ZT_INETADDR_6PLANE_BITS &&
		    !memcmp(my, plane.ip, NDP_6PLANE_PREFIX) &&
		    !memcmp(ip, my, NDP_6PLANE_PREFIX)) {
			*mine = &ips[i];
			return zt_be_get(ip + NDP_6PLANE_PREFIX, 5);
		}
	}
	return 0;
}

int zt_ndp_solicitation(const uint8_t *pkt, size_t len, const uint8_t **target)
{
	/* IPv6 header, ICMPv6 header (4) and reserved (4), target (16) */
	if (len < 40 + 8 + 16 || (pkt[0] >> 4) != 6 || pkt[6] != ZT_NDP_NH_ICMPV6 ||
	    pkt[40] != ZT_NDP_NEIGHBOR_SOLICIT)
		return -EBADMSG;
	*target = pkt + 48;
	return 0;
}

void zt_ndp_advert(uint8_t out[ZT_NDP_NA_LEN], const uint8_t target[16], const uint8_t dst[16],
		   const uint8_t mac[6])
{
	uint32_t sum = 0;

	memset(out, 0, ZT_NDP_NA_LEN);
	out[0] = 0x60; /* version 6 */
	out[5] = ZT_NDP_NA_LEN - 40; /* payload length */
	out[6] = ZT_NDP_NH_ICMPV6;
	out[7] = 255; /* hop limit: receivers drop NDP with any other */
	memcpy(out + 8, target, 16);
	memcpy(out + 24, dst, 16);
	out[40] = ZT_NDP_NEIGHBOR_ADVERT;
	out[44] = 0x60; /* solicited, override */
	memcpy(out + 48, target, 16);
	out[64] = 2; /* option: target link-layer address */
	out[65] = 1; /* length in units of 8 bytes */
	memcpy(out + 66, mac, 6);
	/* ICMPv6 checksum over the pseudo-header (addresses, length, next header) and the message. */
	for (int i = 8; i < 40; i += 2)
		sum += (uint32_t)(out[i] << 8 | out[i + 1]);
	sum += ZT_NDP_NA_LEN - 40;
	sum += ZT_NDP_NH_ICMPV6;
	for (int i = 40; i < ZT_NDP_NA_LEN; i += 2)
		sum += (uint32_t)(out[i] << 8 | out[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	sum = ~sum & 0xffff;
	out[42] = (uint8_t)(sum >> 8);
	out[43] = (uint8_t)sum;
}
