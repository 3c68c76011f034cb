// SPDX-License-Identifier: BSD-2-Clause
/* libFuzzer harness: the NDP emulation's view of an outgoing IPv6 packet, and the forged reply. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "zt/ndp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Input: [8] nwid, [1] count (at most 4) of static IPs {[1] netmask bits, [16] IPv6}, then the IPv6
 * packet a member's stack sends. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct zt_inetaddr ips[4];
	const struct zt_inetaddr *mine = NULL;
	const uint8_t *target;
	uint8_t na[ZT_NDP_NA_LEN];
	static const uint8_t mac[6] = {0x32, 1, 2, 3, 4, 5};
	uint64_t nwid = 0, node;
	unsigned k;
	uint32_t sum = 0;

	if (size < 9)
		return 0;
	for (int i = 0; i < 8; i++)
		nwid = nwid << 8 | data[i];
	k = data[8] % 5;
	data += 9;
	size -= 9;
	if (size < k * 17u)
		return 0;
	for (unsigned i = 0; i < k; i++, data += 17, size -= 17)
		zt_inetaddr_set(&ips[i], 6, data + 1, data[0]);
	if (zt_ndp_solicitation(data, size, &target) < 0)
		return 0;
	if (target < data || target + 16 > data + size)
		abort();
	node = zt_ndp_embedded(nwid, ips, k, target, &mine);
	if (!node)
		return 0;
	if (node >> 40 || !mine || mine < ips || mine >= ips + k)
		abort();
	zt_ndp_advert(na, target, mine->ip, mac);
	/* The advertisement must carry a valid ICMPv6 checksum. */
	for (int i = 8; i < 40; i += 2)
		sum += (uint32_t)(na[i] << 8 | na[i + 1]);
	sum += (ZT_NDP_NA_LEN - 40) + ZT_NDP_NH_ICMPV6;
	for (int i = 40; i < ZT_NDP_NA_LEN; i += 2)
		sum += (uint32_t)(na[i] << 8 | na[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	if (sum != 0xffff || memcmp(na + 48, target, 16))
		abort();
	return 0;
}
