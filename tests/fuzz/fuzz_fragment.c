// SPDX-License-Identifier: BSD-2-Clause
/* libFuzzer harness: the fragment reassembly table fed a stream of datagrams, and splitting. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "zt/fragment.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Input: records of [2] length (big-endian), [1] time step in ms, [length] datagram. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct zt_fragment_table t;
	static uint8_t out[ZT_PACKET_MAX_LEN], piece[ZT_PACKET_MAX_LEN];
	int64_t now = 0;
	size_t off = 0;

	zt_fragment_table_init(&t, 0);
	while (size - off >= 3) {
		size_t len = (size_t)data[off] << 8 | data[off + 1];
		int n;

		now += data[off + 2] * 8;
		off += 3;
		if (len > size - off)
			len = size - off;
		n = zt_fragment_receive(&t, data + off, len, now, out, sizeof(out));
		if (n > 0) {
			/* Cut the reassembled packet again at an MTU taken from its length. */
			size_t mtu = 64 + (size_t)n % 1400;
			int k = zt_fragment_count((size_t)n, mtu);

			for (int i = 0; i < k; i++)
				zt_fragment_get(out, (size_t)n, mtu, (unsigned)i, piece,
						sizeof(piece));
		}
		off += len;
	}
	return 0;
}
