/* SPDX-License-Identifier: BSD-2-Clause */
/* Header-only reader of classic pcap files (Ethernet/IPv4/UDP) for the ZeroTier capture tests. */
#ifndef NETCON_TESTS_ZT_PCAP_H
#define NETCON_TESTS_ZT_PCAP_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct zt_pcap_dgram {
	uint8_t src_ip[4], dst_ip[4];
	uint16_t src_port, dst_port;
	const uint8_t *data;
	size_t len;
};

struct zt_pcap {
	uint8_t *buf;
	size_t len, off;
	int swap;
};

static inline uint32_t zt_pcap_u32(const struct zt_pcap *pc, const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return pc->swap ? __builtin_bswap32(v) : v;
}

/* Load a whole pcap file; 0 or -1. */
static inline int zt_pcap_open(struct zt_pcap *pc, const char *path)
{
	FILE *f = fopen(path, "rb");
	long n;
	uint32_t magic;

	memset(pc, 0, sizeof(*pc));
	if (!f)
		return -1;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	pc->buf = malloc((size_t)n);
	if (!pc->buf || fread(pc->buf, 1, (size_t)n, f) != (size_t)n || n < 24) {
		fclose(f);
		return -1;
	}
	fclose(f);
	pc->len = (size_t)n;
	memcpy(&magic, pc->buf, 4);
	if (magic == 0xa1b2c3d4 || magic == 0xa1b23c4d)
		pc->swap = 0;
	else if (magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1)
		pc->swap = 1;
	else
		return -1;
	if (zt_pcap_u32(pc, pc->buf + 20) != 1) /* LINKTYPE_ETHERNET */
		return -1;
	pc->off = 24;
	return 0;
}

/* Next UDP/IPv4 datagram: 1, 0 at the end, -1 on a malformed file. Other frames are skipped. */
static inline int zt_pcap_next(struct zt_pcap *pc, struct zt_pcap_dgram *d)
{
	while (pc->off + 16 <= pc->len) {
		uint32_t incl = zt_pcap_u32(pc, pc->buf + pc->off + 8);
		const uint8_t *e = pc->buf + pc->off + 16;
		size_t ihl, iplen, l2 = 14;
		uint16_t et;

		if (incl > pc->len - pc->off - 16)
			return -1;
		pc->off += 16 + incl;
		if (incl < 14)
			continue;
		et = (uint16_t)(e[12] << 8 | e[13]);
		if (et == 0x8100 && incl >= 18) {
			et = (uint16_t)(e[16] << 8 | e[17]);
			l2 = 18;
		}
		if (et != 0x0800 || incl < l2 + 20)
			continue;
		e += l2;
		incl -= (uint32_t)l2;
		ihl = (size_t)(e[0] & 0x0f) * 4;
		iplen = (size_t)(e[2] << 8 | e[3]);
		if ((e[0] >> 4) != 4 || e[9] != 17 || ihl < 20 || iplen > incl || iplen < ihl + 8)
			continue;
		memcpy(d->src_ip, e + 12, 4);
		memcpy(d->dst_ip, e + 16, 4);
		d->src_port = (uint16_t)(e[ihl] << 8 | e[ihl + 1]);
		d->dst_port = (uint16_t)(e[ihl + 2] << 8 | e[ihl + 3]);
		d->data = e + ihl + 8;
		d->len = iplen - ihl - 8;
		return 1;
	}
	return 0;
}

static inline void zt_pcap_close(struct zt_pcap *pc)
{
	free(pc->buf);
	pc->buf = NULL;
}

#endif
