// SPDX-License-Identifier: BSD-2-Clause
/* ICMP and ICMPv6 port unreachable: which UDP datagram of ours a received error quotes. */
#include <errno.h>
#include <string.h>

#include "common/icmperr.h"

#define ICMPERR_PROTO_ICMP 1
#define ICMPERR_PROTO_UDP 17
#define ICMPERR_PROTO_ICMPV6 58
#define ICMPERR_V4_UNREACH 3 /* ICMP_DEST_UNREACH */
#define ICMPERR_V4_PORT 3 /* ICMP_PORT_UNREACH */
#define ICMPERR_V6_UNREACH 1 /* ICMP6_DST_UNREACH */
#define ICMPERR_V6_PORT 4 /* ICMP6_DST_UNREACH_NOPORT */
#define ICMPERR_HDR 8 /* type, code, checksum, 4 unused: then the quoted packet */
#define ICMPERR_V6_HDR 40

static uint16_t icmperr_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static int icmperr_v4(const uint8_t *pkt, size_t len, struct icmperr *out)
{
	size_t ihl, qihl;
	const uint8_t *icmp, *q;
	struct icmperr e;

	if (len < 20)
		return -EBADMSG;
	ihl = (size_t)(pkt[0] & 0x0f) * 4;
	if (ihl < 20 || len < ihl)
		return -EBADMSG;
	if (pkt[9] != ICMPERR_PROTO_ICMP)
		return -ENOENT;
	if (len < ihl + ICMPERR_HDR)
		return -EBADMSG;
	icmp = pkt + ihl;
	if (icmp[0] != ICMPERR_V4_UNREACH || icmp[1] != ICMPERR_V4_PORT)
		return -ENOENT;
	q = icmp + ICMPERR_HDR;
	len -= ihl + ICMPERR_HDR;
	if (len < 20 || (q[0] >> 4) != 4)
		return -EBADMSG;
	qihl = (size_t)(q[0] & 0x0f) * 4;
	if (qihl < 20 || len < qihl + 4)
		return -EBADMSG;
	if (q[9] != ICMPERR_PROTO_UDP)
		return -ENOENT;
	memset(&e, 0, sizeof(e));
	e.local.family = e.remote.family = 4;
	memcpy(e.local.ip, q + 12, 4);
	memcpy(e.remote.ip, q + 16, 4);
	e.local.port = icmperr_be16(q + qihl);
	e.remote.port = icmperr_be16(q + qihl + 2);
	*out = e;
	return 0;
}

static int icmperr_v6(const uint8_t *pkt, size_t len, struct icmperr *out)
{
	const uint8_t *icmp, *q;
	struct icmperr e;

	if (len < ICMPERR_V6_HDR)
		return -EBADMSG;
	/* Extension headers before the ICMPv6 one are not followed: lwIP sends none. */
	if (pkt[6] != ICMPERR_PROTO_ICMPV6)
		return -ENOENT;
	if (len < ICMPERR_V6_HDR + ICMPERR_HDR)
		return -EBADMSG;
	icmp = pkt + ICMPERR_V6_HDR;
	if (icmp[0] != ICMPERR_V6_UNREACH || icmp[1] != ICMPERR_V6_PORT)
		return -ENOENT;
	q = icmp + ICMPERR_HDR;
	len -= ICMPERR_V6_HDR + ICMPERR_HDR;
	if (len < ICMPERR_V6_HDR + 4 || (q[0] >> 4) != 6)
		return -EBADMSG;
	if (q[6] != ICMPERR_PROTO_UDP)
		return -ENOENT;
	memset(&e, 0, sizeof(e));
	e.local.family = e.remote.family = 6;
	memcpy(e.local.ip, q + 8, 16);
	memcpy(e.remote.ip, q + 24, 16);
	e.local.port = icmperr_be16(q + ICMPERR_V6_HDR);
	e.remote.port = icmperr_be16(q + ICMPERR_V6_HDR + 2);
	*out = e;
	return 0;
}

int icmperr_parse(const uint8_t *pkt, size_t len, struct icmperr *out)
{
	if (!pkt || len < 1)
		return -EBADMSG;
	switch (pkt[0] >> 4) {
	case 4:
		return icmperr_v4(pkt, len, out);
	case 6:
		return icmperr_v6(pkt, len, out);
	default:
		return -ENOENT;
	}
}
