/* SPDX-License-Identifier: BSD-2-Clause */
/* ZeroTier 1.x packets: header fields, verbs, LZ4 payloads, and the payload of every verb we use. */
#ifndef NETCON_ZT_PACKET_H
#define NETCON_ZT_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "zt/identity.h"
#include "zt/inetaddr.h"

/* Header layout (Packet.hpp ZT_PACKET_IDX_*). */
#define ZT_PACKET_IDX_IV 0
#define ZT_PACKET_IDX_DEST 8
#define ZT_PACKET_IDX_SOURCE 13
#define ZT_PACKET_IDX_FLAGS 18
#define ZT_PACKET_IDX_MAC 19
#define ZT_PACKET_IDX_VERB 27
#define ZT_PACKET_IDX_PAYLOAD 28
#define ZT_PACKET_MIN_LEN 28
/* ZT_PROTO_MAX_PACKET_LENGTH: 7 fragments of ZT_DEFAULT_PHYSMTU. */
#define ZT_PACKET_MAX_LEN 10024

#define ZT_PACKET_FLAG_ENCRYPTED 0x80 /* ZT_PROTO_FLAG_ENCRYPTED, legacy, set with suite 1 */
#define ZT_PACKET_FLAG_FRAGMENTED 0x40 /* ZT_PROTO_FLAG_FRAGMENTED */
#define ZT_PACKET_VERB_FLAG_COMPRESSED 0x80 /* ZT_PROTO_VERB_FLAG_COMPRESSED */
#define ZT_PACKET_MAX_HOPS 7

/* The 28-byte header as it is on the wire. */
struct zt_packet_header {
	uint8_t id[8];
	uint8_t dest[5];
	uint8_t source[5];
	uint8_t flags;
	uint8_t mac[8];
	uint8_t verb;
} __attribute__((packed));
_Static_assert(sizeof(struct zt_packet_header) == ZT_PACKET_MIN_LEN, "ZeroTier header is 28 bytes");

/* Packet.hpp enum Verb. */
enum zt_verb {
	ZT_VERB_NOP = 0x00,
	ZT_VERB_HELLO = 0x01,
	ZT_VERB_ERROR = 0x02,
	ZT_VERB_OK = 0x03,
	ZT_VERB_WHOIS = 0x04,
	ZT_VERB_RENDEZVOUS = 0x05,
	ZT_VERB_FRAME = 0x06,
	ZT_VERB_EXT_FRAME = 0x07,
	ZT_VERB_ECHO = 0x08,
	ZT_VERB_MULTICAST_LIKE = 0x09,
	ZT_VERB_NETWORK_CREDENTIALS = 0x0a,
	ZT_VERB_NETWORK_CONFIG_REQUEST = 0x0b,
	ZT_VERB_NETWORK_CONFIG = 0x0c,
	ZT_VERB_MULTICAST_GATHER = 0x0d,
	ZT_VERB_MULTICAST_FRAME = 0x0e,
	ZT_VERB_PUSH_DIRECT_PATHS = 0x10,
	ZT_VERB_ACK = 0x12,
	ZT_VERB_QOS_MEASUREMENT = 0x13,
	ZT_VERB_USER_MESSAGE = 0x14,
	ZT_VERB_REMOTE_TRACE = 0x15,
	ZT_VERB_PATH_NEGOTIATION_REQUEST = 0x16,
};

/* Packet.hpp enum ErrorCode. */
enum zt_error_code {
	ZT_ERROR_NONE = 0x00,
	ZT_ERROR_INVALID_REQUEST = 0x01,
	ZT_ERROR_BAD_PROTOCOL_VERSION = 0x02,
	ZT_ERROR_OBJ_NOT_FOUND = 0x03,
	ZT_ERROR_IDENTITY_COLLISION = 0x04,
	ZT_ERROR_UNSUPPORTED_OPERATION = 0x05,
	ZT_ERROR_NEED_MEMBERSHIP_CERTIFICATE = 0x06,
	ZT_ERROR_NETWORK_ACCESS_DENIED = 0x07,
	ZT_ERROR_UNWANTED_MULTICAST = 0x08,
	ZT_ERROR_NETWORK_AUTHENTICATION_REQUIRED = 0x09,
};

/* Flags of EXT_FRAME, MULTICAST_GATHER and MULTICAST_FRAME. */
#define ZT_PACKET_EXT_FRAME_FLAG_COM 0x01
#define ZT_PACKET_EXT_FRAME_FLAG_ACK 0x10
#define ZT_PACKET_GATHER_FLAG_COM 0x01
#define ZT_PACKET_MCFRAME_FLAG_COM 0x01
#define ZT_PACKET_MCFRAME_FLAG_GATHER 0x02
#define ZT_PACKET_MCFRAME_FLAG_SOURCE 0x04
#define ZT_PACKET_MCFRAME_FLAG_REPLICATE 0x08
#define ZT_PACKET_OK_MCFRAME_FLAG_COM 0x01
#define ZT_PACKET_OK_MCFRAME_FLAG_GATHER 0x02
#define ZT_PACKET_PATH_FLAG_FORGET 0x01
#define ZT_PACKET_PATH_FLAG_CLUSTER_REDIRECT 0x02

#define ZT_PACKET_HELLO_MAX_MOONS 8
#define ZT_PACKET_WHOIS_MAX 16
#define ZT_PACKET_CRED_MAX 16

/* A byte range inside the decoded buffer (not copied). */
struct zt_span {
	const uint8_t *p;
	size_t len;
};

/* --- header --- */

uint64_t zt_packet_id(const uint8_t *pkt);
uint64_t zt_packet_dest(const uint8_t *pkt);
uint64_t zt_packet_source(const uint8_t *pkt);
unsigned zt_packet_flags(const uint8_t *pkt);
/* Cipher suite from bits 5..3 of the flags. */
unsigned zt_packet_cipher(const uint8_t *pkt);
unsigned zt_packet_hops(const uint8_t *pkt);
/* Verb without the compressed bit (meaningful after dearmor). */
unsigned zt_packet_verb(const uint8_t *pkt);
bool zt_packet_compressed(const uint8_t *pkt);
bool zt_packet_fragmented(const uint8_t *pkt);

/* Write a 28-byte header: id, addresses, flags 0 (hops 0), MAC 0, verb. */
void zt_packet_init(uint8_t *pkt, uint64_t id, uint64_t dest, uint64_t source, unsigned verb);
/* Set the hop count (relays). */
void zt_packet_set_hops(uint8_t *pkt, unsigned hops);

/* After dearmor: copy pkt[0..len) to out, LZ4-decoding the payload if the verb says so and
 * clearing that bit; the result is at most min(outsize, ZT_PACKET_MAX_LEN). Returns the new
 * length or -EBADMSG. */
int zt_packet_decompress(const uint8_t *pkt, size_t len, uint8_t *out, size_t outsize);

/* Before armor: LZ4-compress the payload of pkt[0..len) into out (with the header and the
 * compressed bit) if that makes it shorter and the payload is over 64 bytes, else copy. Returns
 * the new length or -ENOSPC. */
int zt_packet_compress(const uint8_t *pkt, size_t len, uint8_t *out, size_t outsize);

/* --- payloads: decode(out, payload, len) returns 0 or -EBADMSG with out untouched on failure;
 * encode(in, buf, size) returns the payload length or -ENOSPC/-EINVAL. Payload = bytes 28.. of a
 * dearmored, decompressed packet. Spans point into the decoded buffer. --- */

struct zt_packet_moon {
	uint8_t type;
	uint64_t id;
	uint64_t ts;
};

struct zt_packet_hello {
	uint8_t proto, major, minor;
	uint16_t revision;
	uint64_t timestamp;
	struct zt_identity identity; /* public only */
	struct zt_inetaddr dest; /* where the sender sent it; family 0 when absent */
	bool has_world;
	uint64_t world_id, world_ts;
	bool has_moons; /* cryptField tail present and a key given to open it */
	uint16_t moon_count; /* moons stored below (at most ZT_PACKET_HELLO_MAX_MOONS) */
	struct zt_packet_moon moons[ZT_PACKET_HELLO_MAX_MOONS];
};

/* key (32 bytes, may be NULL) opens the cryptField tail, whose ID is packet_id. */
int zt_packet_decode_hello(struct zt_packet_hello *out, const uint8_t *p, size_t len,
			   const uint8_t *key, const uint8_t packet_id[8]);
/* Without a key the HELLO ends after the planet fields; with one the moon list is written and
 * cryptField-encrypted under packet_id. */
int zt_packet_encode_hello(const struct zt_packet_hello *in, const uint8_t *key,
			   const uint8_t packet_id[8], uint8_t *buf, size_t size);

struct zt_packet_ok_hello {
	uint64_t timestamp; /* echoed */
	uint8_t proto, major, minor;
	uint16_t revision;
	struct zt_inetaddr surface; /* our address as the replier saw it; family 0 if absent */
	struct zt_span worlds; /* serialized World updates, possibly empty */
};

struct zt_packet_ok_whois {
	unsigned count;
	struct zt_identity ids[ZT_PACKET_WHOIS_MAX];
};

/* A config chunk: NETWORK_CONFIG payload, or OK(NETWORK_CONFIG_REQUEST) after in-re. */
struct zt_packet_config {
	uint64_t nwid;
	struct zt_span dict; /* this chunk of the dictionary text */
	bool has_signature; /* false: legacy unsigned single chunk */
	uint8_t flags;
	uint64_t update_id;
	uint32_t total_len;
	uint32_t offset;
	uint8_t sig_type;
	struct zt_span sig; /* 96 bytes */
	struct zt_span signed_part; /* nwid through offset: what sig covers */
};

struct zt_packet_ok_gather {
	uint64_t nwid;
	uint8_t mac[6];
	uint32_t adi;
	uint32_t total_known;
	uint16_t count;
	struct zt_span addrs; /* 5 * count bytes */
};

struct zt_packet_ok_mcframe {
	uint64_t nwid;
	uint8_t mac[6];
	uint32_t adi;
	uint8_t flags;
	struct zt_span com;
	uint32_t total_known;
	uint16_t count;
	struct zt_span addrs;
};

struct zt_packet_ok {
	uint8_t in_re_verb;
	uint64_t in_re_id;
	union {
		struct zt_packet_ok_hello hello;
		struct zt_packet_ok_whois whois;
		struct zt_packet_config config; /* in re NETWORK_CONFIG_REQUEST */
		struct zt_packet_ok_gather gather;
		struct zt_packet_ok_mcframe mcframe;
	} u;
	struct zt_span rest; /* everything after in-re (ECHO data, config acks, other verbs) */
};

int zt_packet_decode_ok(struct zt_packet_ok *out, const uint8_t *p, size_t len);
int zt_packet_encode_ok(const struct zt_packet_ok *in, uint8_t *buf, size_t size);

/* OK in re ECHO that acknowledges a pushed NETWORK_CONFIG chunk (_doNETWORK_CONFIG): the
 * network and the config's update ID. The whole OK payload, 25 bytes. */
struct zt_packet_config_ack {
	uint64_t in_re_id;
	uint64_t nwid;
	uint64_t update_id;
};

#define ZT_PACKET_CONFIG_ACK_LEN 25

int zt_packet_decode_config_ack(struct zt_packet_config_ack *out, const uint8_t *p, size_t len);
int zt_packet_encode_config_ack(const struct zt_packet_config_ack *in, uint8_t *buf, size_t size);

struct zt_packet_error {
	uint8_t in_re_verb;
	uint64_t in_re_id;
	uint8_t code;
	bool has_nwid; /* 8 more bytes followed the code */
	uint64_t nwid;
	struct zt_span rest; /* after the code */
};

int zt_packet_decode_error(struct zt_packet_error *out, const uint8_t *p, size_t len);
int zt_packet_encode_error(const struct zt_packet_error *in, uint8_t *buf, size_t size);

struct zt_packet_whois {
	unsigned count;
	uint64_t addrs[ZT_PACKET_WHOIS_MAX];
};

int zt_packet_decode_whois(struct zt_packet_whois *out, const uint8_t *p, size_t len);
int zt_packet_encode_whois(const struct zt_packet_whois *in, uint8_t *buf, size_t size);

struct zt_packet_rendezvous {
	uint8_t flags;
	uint64_t peer;
	struct zt_inetaddr addr;
};

int zt_packet_decode_rendezvous(struct zt_packet_rendezvous *out, const uint8_t *p, size_t len);
int zt_packet_encode_rendezvous(const struct zt_packet_rendezvous *in, uint8_t *buf, size_t size);

struct zt_packet_frame {
	uint64_t nwid;
	uint16_t ethertype;
	struct zt_span data;
};

int zt_packet_decode_frame(struct zt_packet_frame *out, const uint8_t *p, size_t len);
int zt_packet_encode_frame(const struct zt_packet_frame *in, uint8_t *buf, size_t size);

struct zt_packet_ext_frame {
	uint64_t nwid;
	uint8_t flags;
	struct zt_span com; /* when flags & ZT_PACKET_EXT_FRAME_FLAG_COM */
	uint8_t dest[6], src[6];
	uint16_t ethertype;
	struct zt_span data;
};

int zt_packet_decode_ext_frame(struct zt_packet_ext_frame *out, const uint8_t *p, size_t len);
int zt_packet_encode_ext_frame(const struct zt_packet_ext_frame *in, uint8_t *buf, size_t size);

/* ECHO and USER_MESSAGE. */
struct zt_packet_echo {
	struct zt_span data;
};

int zt_packet_decode_echo(struct zt_packet_echo *out, const uint8_t *p, size_t len);
int zt_packet_encode_echo(const struct zt_packet_echo *in, uint8_t *buf, size_t size);

struct zt_packet_user_message {
	uint64_t type;
	struct zt_span data;
};

int zt_packet_decode_user_message(struct zt_packet_user_message *out, const uint8_t *p, size_t len);
int zt_packet_encode_user_message(const struct zt_packet_user_message *in, uint8_t *buf,
				  size_t size);

/* One multicast group subscription of MULTICAST_LIKE. */
struct zt_packet_like {
	uint64_t nwid;
	uint8_t mac[6];
	uint32_t adi;
};

/* Decode up to max entries; returns the count or -EBADMSG (not a whole number of 18-byte
 * tuples, or more than max). */
int zt_packet_decode_multicast_like(struct zt_packet_like *out, size_t max, const uint8_t *p,
				    size_t len);
int zt_packet_encode_multicast_like(const struct zt_packet_like *in, size_t n, uint8_t *buf,
				    size_t size);

/* Credentials as opaque byte ranges (each a whole serialized credential). */
struct zt_packet_credentials {
	unsigned ncom, ncap, ntag, nrev, ncoo;
	struct zt_span com[ZT_PACKET_CRED_MAX];
	struct zt_span cap[ZT_PACKET_CRED_MAX];
	struct zt_span tag[ZT_PACKET_CRED_MAX];
	struct zt_span rev[ZT_PACKET_CRED_MAX];
	struct zt_span coo[ZT_PACKET_CRED_MAX];
};

int zt_packet_decode_credentials(struct zt_packet_credentials *out, const uint8_t *p, size_t len);
int zt_packet_encode_credentials(const struct zt_packet_credentials *in, uint8_t *buf, size_t size);

/* Length of the serialized CertificateOfMembership at p, or -EBADMSG. */
int zt_packet_com_len(const uint8_t *p, size_t len);

struct zt_packet_config_request {
	uint64_t nwid;
	struct zt_span metadata; /* dictionary text, no NUL */
	bool has_revision;
	uint64_t revision, timestamp;
};

int zt_packet_decode_config_request(struct zt_packet_config_request *out, const uint8_t *p,
				    size_t len);
int zt_packet_encode_config_request(const struct zt_packet_config_request *in, uint8_t *buf,
				    size_t size);

/* NETWORK_CONFIG payload (also the chunk part of OK(NETWORK_CONFIG_REQUEST)). */
int zt_packet_decode_config(struct zt_packet_config *out, const uint8_t *p, size_t len);
/* Writes nwid..offset and, if has_signature, the signature from in->sig (96 bytes). */
int zt_packet_encode_config(const struct zt_packet_config *in, uint8_t *buf, size_t size);

struct zt_packet_gather {
	uint64_t nwid;
	uint8_t flags;
	uint8_t mac[6];
	uint32_t adi;
	uint32_t limit;
	struct zt_span com;
};

int zt_packet_decode_gather(struct zt_packet_gather *out, const uint8_t *p, size_t len);
int zt_packet_encode_gather(const struct zt_packet_gather *in, uint8_t *buf, size_t size);

struct zt_packet_mcframe {
	uint64_t nwid;
	uint8_t flags;
	struct zt_span com;
	uint32_t gather_limit; /* flags & 0x02 */
	uint8_t src[6]; /* flags & 0x04, else zero */
	uint8_t dest[6];
	uint32_t adi;
	uint16_t ethertype;
	struct zt_span data;
};

int zt_packet_decode_mcframe(struct zt_packet_mcframe *out, const uint8_t *p, size_t len);
int zt_packet_encode_mcframe(const struct zt_packet_mcframe *in, uint8_t *buf, size_t size);

/* FRAME, EXT_FRAME or MULTICAST_FRAME as the one Ethernet frame each carries, so a receiver has
 * one input path. FRAME names neither end (to the receiver, from the sender's MAC);
 * MULTICAST_FRAME names its source only with ZT_PACKET_MCFRAME_FLAG_SOURCE. */
struct zt_packet_eth {
	uint8_t verb;
	uint64_t nwid;
	struct zt_span com; /* a COM that came with the frame, len 0 if none */
	bool has_dest, has_src;
	uint8_t dest[6], src[6];
	uint16_t ethertype;
	struct zt_span data;
};

/* verb is ZT_VERB_FRAME, ZT_VERB_EXT_FRAME or ZT_VERB_MULTICAST_FRAME; -EBADMSG otherwise. */
int zt_packet_decode_eth(struct zt_packet_eth *out, unsigned verb, const uint8_t *p, size_t len);

struct zt_packet_path {
	uint8_t flags;
	struct zt_inetaddr addr; /* family 0: a type we skip */
};

/* Decode up to max paths; returns the count or -EBADMSG. */
int zt_packet_decode_push_paths(struct zt_packet_path *out, size_t max, const uint8_t *p,
				size_t len);
int zt_packet_encode_push_paths(const struct zt_packet_path *in, size_t n, uint8_t *buf,
				size_t size);

/* Name of a verb ("HELLO"), or NULL. */
const char *zt_packet_verb_name(unsigned verb);

#endif
