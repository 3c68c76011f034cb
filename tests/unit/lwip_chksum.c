// SPDX-License-Identifier: BSD-2-Clause
/* Unit tests for lwip/src/chksum.c: the same sums as RFC 1071's 16-bit loop, for every length,
 * start offset and the values where one's complement folding has edges. */
#include <stdint.h>

#include "tap.h"

#include "../../lwip/src/chksum.c"

/* RFC 1071, one 16-bit word (in memory order) at a time: what lwIP's own routine computes. */
static unsigned short ref_chksum(const uint8_t *p, int len)
{
	uint32_t sum = 0;
	uint16_t w;

	for (; len > 1; p += 2, len -= 2) {
		memcpy(&w, p, 2);
		sum += w;
	}
	if (len) {
		uint8_t last[2] = {*p, 0};

		memcpy(&w, last, 2);
		sum += w;
	}
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (unsigned short)sum;
}

int main(void)
{
	static uint8_t buf[70000];
	uint32_t x = 12345;
	int bad = 0, n = 0;

	for (size_t i = 0; i < sizeof(buf); i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		buf[i] = (uint8_t)x;
	}
	for (int off = 0; off < 8; off++)
		for (int len = 0; len <= 3000; len++, n++)
			if (netcon_lwip_chksum(buf + off, len) != ref_chksum(buf + off, len) &&
			    bad++ < 5)
				diag("offset %d length %d: %04x, want %04x", off, len,
				     netcon_lwip_chksum(buf + off, len),
				     ref_chksum(buf + off, len));
	is_int(bad, 0, "random bytes: %d offsets and lengths agree with RFC 1071's loop", n);
	is_int(netcon_lwip_chksum(buf + 3, 65535), ref_chksum(buf + 3, 65535),
	       "65535 bytes from an odd address");
	memset(buf, 0xff, sizeof(buf));
	is_int(netcon_lwip_chksum(buf, 65535), ref_chksum(buf, 65535),
	       "all ones: the carries fold as RFC 1071's do");
	memset(buf, 0, sizeof(buf));
	is_int(netcon_lwip_chksum(buf, 1500), 0, "all zeros sum to 0");
	buf[0] = 0xff;
	buf[1] = 0xff;
	buf[2] = 0x00;
	buf[3] = 0x01;
	is_int(netcon_lwip_chksum(buf, 4), ref_chksum(buf, 4), "0xffff + 0x0100 wraps around");
	return done_testing();
}
