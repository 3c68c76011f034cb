// SPDX-License-Identifier: BSD-2-Clause
/* libFuzzer harness: the node state machine's packet input. The input is a script of records
 * [1] kind, [2] length, [length] bytes: kind 0 a raw datagram from one of two endpoints; kind 1
 * a packet armored by the root (first byte: verb, the rest: payload), kind 2 the same from a
 * known leaf, kind 3 a HELLO-suite packet from the root, kind 4 "advance the clock and tick".
 * Armoring with the real keys lets mutations reach every verb handler, not only the MAC check. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "zt/armor.h"
#include "zt/identity.h"
#include "zt/node.h"
#include "zt/packet.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Lab identities (tests/data/zt): m3 is the node under test, 5f4e89e209 the root of its planet,
 * 8f953d94cf a leaf it already knows. */
static const char m3_secret[] =
    "282e082f37:0:60dcd2d90befa40f66d94ac314a548831ee38edae83fec4dc5e7741aa644cc52b556cd30317a"
    "40694b96bc0ecd836d88b158c40ccb09e01ef7bb28b5ddf74b00:4f85e7306137e4fe73e1b316b707326f915ed"
    "355a42bc10ab2151fe1ce7fde6e7cf0af757b142d81e845ec1eefb349e544abe5a775fb934121d609241a0de26d";
static const char root_public[] =
    "5f4e89e209:0:1dd7fd7689be332f02429daeb99444fcb351eecfadeecebedcde90647e54ec234a9d71baa73a"
    "63a4b5fdd41fdd81c38920b2e8db032b2ad72f2c7f8725b3cb07";
static const char leaf_public[] =
    "8f953d94cf:0:3506c066770b3cb91eace90bc4a69b24e822dad20ad6e6399bf940701a19f35fa0984d1a0241"
    "76d888add664d47f3360b5358b034686e4c5461c72550275233d";

static struct zt_identity me, root, leaf;
static uint8_t root_key[48], leaf_key[48];
static struct zt_world planet;
static struct zt_inetaddr ep[2];
static size_t sent_bytes;

static void fz_send(void *ctx, const struct zt_inetaddr *to, const uint8_t *d, size_t len,
		    unsigned ttl)
{
	/* Touch every byte so ASan sees reads past what was written. */
	for (size_t i = 0; i < len; i++)
		sent_bytes += d[i];
}

static void fz_user(void *ctx, uint64_t from, uint64_t type, const uint8_t *d, size_t len,
		    unsigned hops)
{
	for (size_t i = 0; i < len; i++)
		sent_bytes += d[i];
}

static void fz_echo(void *ctx, uint64_t from, uint64_t id, const uint8_t *d, size_t len,
		    unsigned hops, int64_t rtt)
{
	for (size_t i = 0; i < len; i++)
		sent_bytes += d[i];
}

static void fz_net(void *ctx, uint64_t from, uint64_t packet_id, unsigned verb, const uint8_t *d,
		   size_t len)
{
	for (size_t i = 0; i < len; i++)
		sent_bytes += d[i];
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	uint8_t r[4] = {10, 213, 0, 1}, l[4] = {10, 213, 0, 2};

	zt_identity_from_string(&me, m3_secret);
	zt_identity_from_string(&root, root_public);
	zt_identity_from_string(&leaf, leaf_public);
	zt_identity_agree(&me, &root, root_key);
	zt_identity_agree(&me, &leaf, leaf_key);
	zt_inetaddr_set(&ep[0], 4, r, 9993);
	zt_inetaddr_set(&ep[1], 4, l, 9993);
	planet.type = ZT_WORLD_TYPE_PLANET;
	planet.id = 2054450274ULL;
	planet.n_roots = 1;
	planet.roots[0].identity = root;
	planet.roots[0].n_endpoints = 1;
	planet.roots[0].endpoints[0] = ep[0];
	return 0;
}

static void fz_packet(struct zt_node *n, const struct zt_identity *from, const uint8_t *key,
		      unsigned cipher, const uint8_t *d, size_t len, int64_t now)
{
	static uint8_t pkt[ZT_PACKET_MAX_LEN];
	static uint64_t id = 1;

	if (!len || len > ZT_PACKET_MAX_LEN - ZT_PACKET_MIN_LEN + 1)
		return;
	zt_packet_init(pkt, id++, me.address, from->address, d[0]);
	pkt[ZT_PACKET_IDX_VERB] = d[0]; /* the compressed bit too */
	memcpy(pkt + ZT_PACKET_MIN_LEN, d + 1, len - 1);
	if (zt_armor_seal(pkt, ZT_PACKET_MIN_LEN + len - 1, key, cipher) == 0)
		zt_node_receive(n, &ep[from == &leaf], pkt, ZT_PACKET_MIN_LEN + len - 1, now);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct zt_node_callbacks cb = {
	    .send = fz_send, .user_message = fz_user, .echo_reply = fz_echo, .network = fz_net};
	struct zt_node_peer_info pi;
	struct zt_node_info info;
	int64_t now = 1700000000000LL;
	struct zt_node *n = zt_node_new(&me, &planet, &cb, now);

	if (!n)
		abort();
	zt_node_add_peer(n, &leaf, &ep[1], 1, now);
	while (size >= 3) {
		unsigned kind = data[0];
		size_t len = (size_t)data[1] << 8 | data[2];

		data += 3;
		size -= 3;
		if (len > size)
			len = size;
		switch (kind % 5) {
		case 0:
			zt_node_receive(n, &ep[kind >> 7], data, len, now);
			break;
		case 1:
			fz_packet(n, &root, root_key, ZT_ARMOR_CIPHER_POLY1305_SALSA2012, data, len,
				  now);
			break;
		case 2:
			fz_packet(n, &leaf, leaf_key, ZT_ARMOR_CIPHER_POLY1305_SALSA2012, data, len,
				  now);
			break;
		case 3:
			fz_packet(n, &root, root_key, ZT_ARMOR_CIPHER_POLY1305_NONE, data, len,
				  now);
			break;
		default:
			now += len ? (int64_t)data[0] * 1000 : 1;
			zt_node_tick(n, now);
			break;
		}
		data += len;
		size -= len;
	}
	zt_node_get_info(n, &info, now);
	for (unsigned i = 0; zt_node_peer_info(n, i, &pi, now) == 0; i++)
		;
	zt_node_free(n);
	return 0;
}
