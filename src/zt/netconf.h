/* SPDX-License-Identifier: BSD-2-Clause */
/* ZeroTier network configs: the fields a member needs, to/from a Dictionary, and the signed
 * chunks NETWORK_CONFIG and OK(NETWORK_CONFIG_REQUEST) carry them in. */
#ifndef NETCON_ZT_NETCONF_H
#define NETCON_ZT_NETCONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "zt/com.h"
#include "zt/dictionary.h"
#include "zt/identity.h"
#include "zt/inetaddr.h"

/* ZT_NETWORKCONFIG_VERSION; configs older than 6 are refused (no old-style support). */
#define ZT_NETCONF_VERSION 7
#define ZT_NETCONF_MIN_VERSION 6
/* ZT_NETWORKCONFIG_FLAG_* */
#define ZT_NETCONF_FLAG_ENABLE_BROADCAST 0x02ULL
#define ZT_NETCONF_FLAG_ENABLE_IPV6_NDP_EMULATION 0x04ULL
#define ZT_NETCONF_FLAG_RULES_RESULT_OF_UNSUPPORTED_MATCH 0x08ULL
#define ZT_NETCONF_FLAG_DISABLE_COMPRESSION 0x10ULL
/* ZT_NETWORK_TYPE_* */
#define ZT_NETCONF_TYPE_PRIVATE 0
#define ZT_NETCONF_TYPE_PUBLIC 1
/* ZT_NETWORKCONFIG_SPECIALIST_TYPE_*: role bits above the 40-bit address. */
#define ZT_NETCONF_SPECIALIST_ACTIVE_BRIDGE 0x0000020000000000ULL
#define ZT_NETCONF_SPECIALIST_ANCHOR 0x0000040000000000ULL
#define ZT_NETCONF_SPECIALIST_MULTICAST_REPLICATOR 0x0000080000000000ULL
/* ZT_DEFAULT_MTU, the IPv6 minimum and ZT_MAX_MTU: "mtu" is clamped to this range. */
#define ZT_NETCONF_DEFAULT_MTU 2800
#define ZT_NETCONF_MIN_MTU 1280
#define ZT_NETCONF_MAX_MTU 10000
/* ZT_MAX_NETWORK_SHORT_NAME_LENGTH, ZT_MAX_ZT_ASSIGNED_ADDRESSES, ZT_MAX_NETWORK_ROUTES,
 * ZT_MAX_NETWORK_SPECIALISTS, ZT_MAX_DNS_SERVERS */
#define ZT_NETCONF_MAX_NAME 127
#define ZT_NETCONF_MAX_STATIC_IPS 32
#define ZT_NETCONF_MAX_ROUTES 128
#define ZT_NETCONF_MAX_SPECIALISTS 256
#define ZT_NETCONF_DNS_SERVERS 4
#define ZT_NETCONF_DNS_DOMAIN_LEN 128
/* Our bounds on blobs kept as received (4 COOs of 16 things fit; rules are pushed back as is). */
#define ZT_NETCONF_MAX_COO_BYTES 2048
#define ZT_NETCONF_MAX_RULES_BYTES 16384
/* Our bound on a whole config dictionary (ZeroTier's capacity is larger; real configs are ~1 KB). */
#define ZT_NETCONF_MAX_DICT 65536

struct zt_netconf_route {
	struct zt_inetaddr target; /* port = netmask bits */
	struct zt_inetaddr via; /* family 0: on-link */
	uint16_t flags;
	uint16_t metric;
};

/* One network's config (NetworkConfig), from the keys the member uses. CAP and TAG are skipped;
 * R (rules) and COO (certificates of ownership) are kept as received so they can be re-sent. */
struct zt_netconf {
	uint64_t version; /* v */
	uint64_t nwid; /* nwid */
	uint64_t timestamp; /* ts, ms */
	uint64_t ctmd; /* ctmd: credential time max delta */
	uint64_t revision; /* r */
	uint64_t issued_to; /* id: our address */
	uint64_t trace_target; /* tt */
	uint64_t trace_level; /* tl */
	uint64_t flags; /* f: ZT_NETCONF_FLAG_* */
	uint64_t multicast_limit; /* ml: 0 disables multicast */
	uint64_t type; /* t: ZT_NETCONF_TYPE_* */
	char name[ZT_NETCONF_MAX_NAME + 1]; /* n */
	uint32_t mtu; /* mtu */
	bool has_com;
	struct zt_com com; /* C */
	unsigned n_static_ips;
	struct zt_inetaddr static_ips[ZT_NETCONF_MAX_STATIC_IPS]; /* I: port = netmask bits */
	unsigned n_routes;
	struct zt_netconf_route routes[ZT_NETCONF_MAX_ROUTES]; /* RT */
	unsigned n_specialists;
	uint64_t specialists[ZT_NETCONF_MAX_SPECIALISTS]; /* S */
	size_t rules_len;
	uint8_t rules[ZT_NETCONF_MAX_RULES_BYTES]; /* R */
	size_t coo_len;
	uint8_t coo[ZT_NETCONF_MAX_COO_BYTES]; /* COO, concatenated */
	unsigned n_coo;
	bool has_dns;
	char dns_domain[ZT_NETCONF_DNS_DOMAIN_LEN]; /* DNS: NUL-terminated search domain */
	struct zt_inetaddr dns_servers[ZT_NETCONF_DNS_SERVERS]; /* family 0 for unused */
	bool has_sso; /* ssov/ssoe present (1.14 writes them) */
	uint64_t sso_version;
	bool sso_enabled;
};

/* Fill nc from a config dictionary. Requires v >= 6, a nonzero nwid and id; integers must be
 * hex; blobs must be well formed (COM, InetAddresses, routes, COOs, DNS); unknown keys are
 * ignored; more static IPs, routes or specialists than the maxima are dropped, as ZeroTier does.
 * Returns 0, -EBADMSG (nc untouched) or -ENOMEM. */
int zt_netconf_from_dict(struct zt_netconf *nc, const struct zt_dict *d);
/* Write nc into the empty writable dictionary d, keys in the order ZeroTier 1.14 writes them
 * (a config it saved re-serializes byte for byte). Returns 0, -ENOSPC or -EINVAL. */
int zt_netconf_to_dict(const struct zt_netconf *nc, struct zt_dict *d);
/* The Ethernet MAC of node addr on network nwid (ZeroTier's MAC::fromAddress): locally
 * administered, first byte from the network id, the rest the address XORed with it. */
void zt_netconf_mac(uint64_t nwid, uint64_t addr, uint8_t mac[6]);
/* The node address behind a MAC of network nwid (MAC::toAddress); 0 if mac is not one that
 * zt_netconf_mac gives for this network. */
uint64_t zt_netconf_mac_address(uint64_t nwid, const uint8_t mac[6]);
/* Fill nc with a fresh config's defaults (v 7, MTU 2800, private). */
void zt_netconf_init(struct zt_netconf *nc, uint64_t nwid, uint64_t issued_to);

/* A config chunk: [8] nwid, [2] length, [length] dictionary bytes, [1] flags, [8] config update
 * id, [4] total length, [4] offset of this chunk, [1] signature type 1, [2] 96, [96] signature
 * by the controller over everything from nwid through the offset. */
#define ZT_NETCONF_CHUNK_FLAG_FAST_PROPAGATE 0x01
#define ZT_NETCONF_CHUNK_OVERHEAD (8 + 2 + 1 + 8 + 4 + 4 + 1 + 2 + 96)
/* Node::ncSendConfig: ZT_PROTO_MAX_PACKET_LENGTH - (ZT_PACKET_IDX_PAYLOAD + 256). */
#define ZT_NETCONF_CHUNK_MAX_DATA (10024 - (28 + 256))
/* ZT_NETWORK_MAX_UPDATE_CHUNKS, for our ZT_NETCONF_MAX_DICT. */
#define ZT_NETCONF_MAX_CHUNKS (ZT_NETCONF_MAX_DICT / 1024 + 1)

struct zt_netconf_chunk {
	const uint8_t *start; /* the chunk's first byte (nwid) */
	uint64_t nwid;
	const uint8_t *data; /* this chunk's dictionary bytes */
	uint16_t len;
	uint8_t flags;
	uint64_t update_id;
	uint32_t total;
	uint32_t offset;
	const uint8_t *signature; /* 96 bytes */
	size_t signed_len; /* bytes from start covered by the signature */
};

/* Parse a chunk at p[0..len) (pointers into p). Returns the bytes consumed, or -EBADMSG (c
 * untouched): short, offset + length beyond total, total >= ZT_NETCONF_MAX_DICT, a signature
 * type or length other than 1/96, or an unsigned pre-1.2 chunk (not accepted). */
int zt_netconf_chunk_parse(struct zt_netconf_chunk *c, const uint8_t *p, size_t len);
/* Is c signed by controller, the controller of c->nwid? 0, or -EKEYREJECTED. */
int zt_netconf_chunk_verify(const struct zt_netconf_chunk *c, const struct zt_identity *controller);
/* Write the chunk of dict[0..total) starting at *offset, at most max_data (<=
 * ZT_NETCONF_CHUNK_MAX_DATA) bytes of it, signed by controller; advance *offset past it. Loop
 * until *offset == total. Returns the bytes written into out[0..size), -ENOSPC or -EINVAL. */
int zt_netconf_chunk_make(uint8_t *out, size_t size, const struct zt_identity *controller,
			  uint64_t nwid, uint64_t update_id, uint8_t flags, const void *dict,
			  uint32_t total, uint32_t *offset, size_t max_data);

/* Reassembly of one config update from its chunks (Network::handleConfigChunk). About 66 KB:
 * allocate it. */
struct zt_netconf_asm {
	uint64_t nwid;
	uint64_t update_id; /* 0: none yet */
	uint32_t total;
	uint32_t have; /* bytes received */
	unsigned n;
	bool complete;
	struct {
		uint32_t offset, len;
	} got[ZT_NETCONF_MAX_CHUNKS];
	uint8_t buf[ZT_NETCONF_MAX_DICT + 1]; /* the dictionary text, NUL after it when complete */
};

/* Start reassembling configs of network nwid. */
void zt_netconf_asm_init(struct zt_netconf_asm *a, uint64_t nwid);
/* Add one chunk (p[0..len)) after checking it against the controller's identity. A chunk of
 * another update id starts over (the newest update wins). Returns 1 when the update is complete
 * (a->buf[0..a->total)), 0 when more chunks are needed or it was a duplicate, -EBADMSG for a bad
 * chunk, another network, or one that overlaps differently what we have, -EKEYREJECTED for a bad
 * signature. On failure a is unchanged. */
int zt_netconf_asm_add(struct zt_netconf_asm *a, const struct zt_identity *controller,
		       const uint8_t *p, size_t len);

#endif
