// SPDX-License-Identifier: BSD-2-Clause
/* ZeroTier packet fragmentation at a path MTU and a bounded, clock-free reassembly table. */
#include <errno.h>
#include <string.h>

#include "zt/fragment.h"
#include "zt/bytes.h"

bool zt_fragment_is_fragment(const uint8_t *d, size_t len)
{
	return len >= ZT_FRAGMENT_HEADER_LEN &&
	       d[ZT_FRAGMENT_IDX_INDICATOR] == ZT_FRAGMENT_INDICATOR;
}

int zt_fragment_count(size_t len, size_t mtu)
{
	size_t chunk, n;

	if (mtu <= ZT_FRAGMENT_HEADER_LEN || mtu < ZT_PACKET_MIN_LEN || len < ZT_PACKET_MIN_LEN ||
	    len > ZT_PACKET_MAX_LEN)
		return -EMSGSIZE;
	if (len <= mtu)
		return 1;
	chunk = mtu - ZT_FRAGMENT_HEADER_LEN;
	n = 1 + (len - mtu + chunk - 1) / chunk;
	return n > ZT_FRAGMENT_MAX ? -EMSGSIZE : (int)n;
}

int zt_fragment_get(const uint8_t *pkt, size_t len, size_t mtu, unsigned i, uint8_t *out,
		    size_t size)
{
	int total = zt_fragment_count(len, mtu);
	size_t chunk, start, n;

	if (total < 0 || i >= (unsigned)total)
		return -EINVAL;
	if (i == 0) {
		n = len < mtu ? len : mtu;
		if (size < n)
			return -ENOSPC;
		memcpy(out, pkt, n);
		return (int)n;
	}
	chunk = mtu - ZT_FRAGMENT_HEADER_LEN;
	start = mtu + (i - 1) * chunk;
	n = len - start < chunk ? len - start : chunk;
	if (size < ZT_FRAGMENT_HEADER_LEN + n)
		return -ENOSPC;
	memcpy(out, pkt + ZT_PACKET_IDX_IV, 8);
	memcpy(out + 8, pkt + ZT_PACKET_IDX_DEST, 5);
	out[ZT_FRAGMENT_IDX_INDICATOR] = ZT_FRAGMENT_INDICATOR;
	out[14] = (uint8_t)((total << 4) | i);
	out[15] = 0; /* hops: relays count them */
	memcpy(out + ZT_FRAGMENT_HEADER_LEN, pkt + start, n);
	return (int)(ZT_FRAGMENT_HEADER_LEN + n);
}

void zt_fragment_table_init(struct zt_fragment_table *t, int64_t timeout_ms)
{
	t->timeout = timeout_ms > 0 ? timeout_ms : ZT_FRAGMENT_TIMEOUT_MS;
	t->evicted = t->expired = 0;
	for (size_t i = 0; i < ZT_FRAGMENT_TABLE_ENTRIES; i++)
		t->e[i].active = false;
}

void zt_fragment_expire(struct zt_fragment_table *t, int64_t now)
{
	for (size_t i = 0; i < ZT_FRAGMENT_TABLE_ENTRIES; i++)
		if (t->e[i].active && now - t->e[i].first_seen > t->timeout) {
			t->e[i].active = false;
			t->expired++;
		}
}

/* The entry for id, or a fresh one: a free slot, else the oldest is evicted. */
static struct zt_fragment_entry *fragment_slot(struct zt_fragment_table *t, uint64_t id,
					       int64_t now)
{
	struct zt_fragment_entry *free_e = NULL, *oldest = NULL;

	zt_fragment_expire(t, now);
	for (size_t i = 0; i < ZT_FRAGMENT_TABLE_ENTRIES; i++) {
		struct zt_fragment_entry *e = &t->e[i];

		if (!e->active) {
			if (!free_e)
				free_e = e;
			continue;
		}
		if (e->id == id)
			return e;
		if (!oldest || e->first_seen < oldest->first_seen)
			oldest = e;
	}
	if (!free_e) {
		free_e = oldest;
		t->evicted++;
	}
	free_e->active = true;
	free_e->id = id;
	free_e->first_seen = now;
	free_e->total = 0;
	free_e->have = 0;
	free_e->used = 0;
	return free_e;
}

int zt_fragment_receive(struct zt_fragment_table *t, const uint8_t *d, size_t len, int64_t now,
			uint8_t *out, size_t size)
{
	struct zt_fragment_entry *e;
	unsigned number, total = 0;
	const uint8_t *data;
	size_t dlen, sum = 0;

	if (zt_fragment_is_fragment(d, len)) {
		total = d[14] >> 4;
		number = d[14] & 0x0f;
		if (number == 0 || total < 2 || total > ZT_FRAGMENT_MAX || number >= total ||
		    len == ZT_FRAGMENT_HEADER_LEN)
			return -EBADMSG;
		data = d + ZT_FRAGMENT_HEADER_LEN;
		dlen = len - ZT_FRAGMENT_HEADER_LEN;
	} else {
		if (len < ZT_PACKET_MIN_LEN || !zt_packet_fragmented(d))
			return -EBADMSG;
		number = 0;
		data = d;
		dlen = len;
	}
	if (dlen > ZT_PACKET_MAX_LEN)
		return -EBADMSG;
	e = fragment_slot(t, zt_be_get(d, 8), now);
	if (total) {
		if (e->total && e->total != total)
			return -EBADMSG;
		e->total = (uint8_t)total;
	}
	if (e->have & (1u << number))
		return 0; /* duplicate */
	if (dlen > sizeof(e->buf) - e->used) {
		/* More than a whole packet's worth: not a real packet. */
		e->active = false;
		return -EBADMSG;
	}
	memcpy(e->buf + e->used, data, dlen);
	e->off[number] = e->used;
	e->len[number] = (uint16_t)dlen;
	e->used = (uint16_t)(e->used + dlen);
	e->have |= (uint8_t)(1u << number);
	if (!e->total || e->have != (1u << e->total) - 1)
		return 0;
	/* Complete: the pieces are at most ZT_PACKET_MAX_LEN bytes in all (checked above). */
	for (unsigned i = 0; i < e->total; i++)
		sum += e->len[i];
	e->active = false;
	if (sum > size)
		return -ENOSPC;
	sum = 0;
	for (unsigned i = 0; i < e->total; i++) {
		memcpy(out + sum, e->buf + e->off[i], e->len[i]);
		sum += e->len[i];
	}
	return (int)sum;
}
