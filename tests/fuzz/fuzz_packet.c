// SPDX-License-Identifier: BSD-2-Clause
/* libFuzzer harness: dearmor with the lab keys, LZ4, and every verb's payload decoder. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "zt/armor.h"
#include "zt/identity.h"
#include "zt/packet.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Lab identities (tests/data/zt): m3's secret and its three peers, so that captured packets in
 * the corpus authenticate and the fuzzer reaches the decoders through the real path. */
static const char m3_secret[] =
    "282e082f37:0:60dcd2d90befa40f66d94ac314a548831ee38edae83fec4dc5e7741aa644cc52b556cd30317a"
    "40694b96bc0ecd836d88b158c40ccb09e01ef7bb28b5ddf74b00:4f85e7306137e4fe73e1b316b707326f915ed"
    "355a42bc10ab2151fe1ce7fde6e7cf0af757b142d81e845ec1eefb349e544abe5a775fb934121d609241a0de26d";
static const char *const peer_public[] = {
    "5f4e89e209:0:1dd7fd7689be332f02429daeb99444fcb351eecfadeecebedcde90647e54ec234a9d71baa73a"
    "63a4b5fdd41fdd81c38920b2e8db032b2ad72f2c7f8725b3cb07",
    "8f953d94cf:0:3506c066770b3cb91eace90bc4a69b24e822dad20ad6e6399bf940701a19f35fa0984d1a0241"
    "76d888add664d47f3360b5358b034686e4c5461c72550275233d",
    "e7173b777d:0:836025c8f92c54ec877fdce82157398fd93f2b83d479e2f2f70c537340835f5be0a5b3292e76"
    "dfc4934f6f14480d884587d67f654215700ebada9b8c11326f36",
};

static struct zt_identity me, peers[3];
static uint8_t keys[3][48];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	zt_identity_from_string(&me, m3_secret);
	for (int i = 0; i < 3; i++) {
		zt_identity_from_string(&peers[i], peer_public[i]);
		zt_identity_agree(&me, &peers[i], keys[i]);
	}
	return 0;
}

static void decode(const uint8_t *q, size_t n, const uint8_t *key)
{
	const uint8_t *p = q + ZT_PACKET_IDX_PAYLOAD;
	size_t len = n - ZT_PACKET_IDX_PAYLOAD;
	static uint8_t enc[ZT_PACKET_MAX_LEN];

	switch (zt_packet_verb(q)) {
	case ZT_VERB_HELLO: {
		struct zt_packet_hello h;

		if (!zt_packet_decode_hello(&h, p, len, key, q))
			zt_packet_encode_hello(&h, key, q, enc, sizeof(enc));
		break;
	}
	case ZT_VERB_OK: {
		struct zt_packet_ok o;

		if (!zt_packet_decode_ok(&o, p, len))
			zt_packet_encode_ok(&o, enc, sizeof(enc));
		break;
	}
	case ZT_VERB_ERROR: {
		struct zt_packet_error e;

		if (!zt_packet_decode_error(&e, p, len))
			zt_packet_encode_error(&e, enc, sizeof(enc));
		break;
	}
	case ZT_VERB_WHOIS: {
		struct zt_packet_whois w;

		if (!zt_packet_decode_whois(&w, p, len))
			zt_packet_encode_whois(&w, enc, sizeof(enc));
		break;
	}
	case ZT_VERB_RENDEZVOUS: {
		struct zt_packet_rendezvous r;

		if (!zt_packet_decode_rendezvous(&r, p, len))
			zt_packet_encode_rendezvous(&r, enc, sizeof(enc));
		break;
	}
	case ZT_VERB_FRAME: {
		struct zt_packet_frame f;

		if (!zt_packet_decode_frame(&f, p, len))
			zt_packet_encode_frame(&f, enc, sizeof(enc));
		break;
	}
	case ZT_VERB_EXT_FRAME: {
		struct zt_packet_ext_frame f;

		if (!zt_packet_decode_ext_frame(&f, p, len))
			zt_packet_encode_ext_frame(&f, enc, sizeof(enc));
		break;
	}
	case ZT_VERB_ECHO: {
		struct zt_packet_echo e;

		if (!zt_packet_decode_echo(&e, p, len))
			zt_packet_encode_echo(&e, enc, sizeof(enc));
		break;
	}
	case ZT_VERB_MULTICAST_LIKE: {
		static struct zt_packet_like l[ZT_PACKET_MAX_LEN / 18];
		int k = zt_packet_decode_multicast_like(l, sizeof(l) / sizeof(l[0]), p, len);

		if (k >= 0)
			zt_packet_encode_multicast_like(l, (size_t)k, enc, sizeof(enc));
		break;
	}
	case ZT_VERB_NETWORK_CREDENTIALS: {
		struct zt_packet_credentials c;

		if (!zt_packet_decode_credentials(&c, p, len))
			zt_packet_encode_credentials(&c, enc, sizeof(enc));
		break;
	}
	case ZT_VERB_NETWORK_CONFIG_REQUEST: {
		struct zt_packet_config_request c;

		if (!zt_packet_decode_config_request(&c, p, len))
			zt_packet_encode_config_request(&c, enc, sizeof(enc));
		break;
	}
	case ZT_VERB_NETWORK_CONFIG: {
		struct zt_packet_config c;

		if (!zt_packet_decode_config(&c, p, len))
			zt_packet_encode_config(&c, enc, sizeof(enc));
		break;
	}
	case ZT_VERB_MULTICAST_GATHER: {
		struct zt_packet_gather g;

		if (!zt_packet_decode_gather(&g, p, len))
			zt_packet_encode_gather(&g, enc, sizeof(enc));
		break;
	}
	case ZT_VERB_MULTICAST_FRAME: {
		struct zt_packet_mcframe m;

		if (!zt_packet_decode_mcframe(&m, p, len))
			zt_packet_encode_mcframe(&m, enc, sizeof(enc));
		break;
	}
	case ZT_VERB_PUSH_DIRECT_PATHS: {
		struct zt_packet_path pp[64];
		int k = zt_packet_decode_push_paths(pp, 64, p, len);

		if (k >= 0)
			zt_packet_encode_push_paths(pp, (size_t)k, enc, sizeof(enc));
		break;
	}
	case ZT_VERB_USER_MESSAGE: {
		struct zt_packet_user_message u;

		if (!zt_packet_decode_user_message(&u, p, len))
			zt_packet_encode_user_message(&u, enc, sizeof(enc));
		break;
	}
	default:
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t pkt[ZT_PACKET_MAX_LEN], out[ZT_PACKET_MAX_LEN];
	const uint8_t *key = keys[0];
	uint64_t other;
	int n;

	if (size < ZT_PACKET_MIN_LEN || size > ZT_PACKET_MAX_LEN)
		return 0;
	memcpy(pkt, data, size);
	other = zt_packet_source(pkt) == me.address ? zt_packet_dest(pkt) : zt_packet_source(pkt);
	for (int i = 0; i < 3; i++)
		if (peers[i].address == other)
			key = keys[i];
	/* The real path: authenticate, decrypt, decompress, decode. */
	if (zt_armor_open(pkt, size, key) == 0) {
		n = zt_packet_decompress(pkt, size, out, sizeof(out));
		if (n >= ZT_PACKET_MIN_LEN)
			decode(out, (size_t)n, key);
	}
	/* And the input taken as already dearmored, so mutations reach the decoders directly. */
	n = zt_packet_decompress(data, size, out, sizeof(out));
	if (n >= ZT_PACKET_MIN_LEN)
		decode(out, (size_t)n, key);
	return 0;
}
