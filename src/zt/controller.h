/* SPDX-License-Identifier: BSD-2-Clause */
/* The network controller role: networks and members in memory, config requests answered with
 * signed configs and certificates, IPv4 and IPv6 pool assignment, rfc4193 and 6plane addresses,
 * records as stock-controller JSON. */
#ifndef NETCON_ZT_CONTROLLER_H
#define NETCON_ZT_CONTROLLER_H

/*
 * Pure logic, as the node: no I/O, the time is passed in. The daemon (src/daemon/ctrl.c) keeps
 * the records on disk (controller.d/network/NWID.json and NWID/member/ADDR.json, the layout and
 * JSON shape of ZeroTierOne's controller/FileDB.cpp) and carries packets to and from the node.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "zt/identity.h"
#include "zt/inetaddr.h"
#include "zt/netconf.h"

/* Our bounds per network and member. */
#define ZT_CONTROLLER_MAX_POOLS 16
#define ZT_CONTROLLER_MAX_ROUTES 16
#define ZT_CONTROLLER_MAX_IPS 8 /* ipAssignments of a member */
#define ZT_CONTROLLER_MAX_TAGS 8 /* a member's tags, [[id,value],...], kept as given */
#define ZT_CONTROLLER_MAX_CAPS 8 /* a member's capabilities, [id,...], kept as given */
#define ZT_CONTROLLER_MAX_NETWORKS 1024
#define ZT_CONTROLLER_MAX_MEMBERS 65536 /* per network */
/* The credential time max delta stock controllers put in configs and COMs (ms). */
#define ZT_CONTROLLER_CTMD 1800000
/* ZT_NETWORKCONFIG_DEFAULT_MULTICAST_LIMIT */
#define ZT_CONTROLLER_DEFAULT_MULTICAST_LIMIT 32

/* An IPv4 pool: ipAssignmentPools {ipRangeStart, ipRangeEnd}, host byte order. */
struct zt_controller_pool {
	uint32_t first, last;
};

/* An IPv6 pool: the same record entry with IPv6 ends, network byte order. */
struct zt_controller_pool6 {
	uint8_t first[16], last[16];
};

/* routes {target "CIDR", via "IP"|null}: target.port = netmask bits; via family 0 = null. */
struct zt_controller_route {
	struct zt_inetaddr target;
	struct zt_inetaddr via;
};

struct zt_controller_member {
	uint64_t address;
	bool authorized;
	bool active_bridge;
	bool no_auto_assign_ips;
	bool has_identity;
	struct zt_identity identity; /* public, learned from the first request */
	unsigned n_ips;
	struct zt_inetaddr ips[ZT_CONTROLLER_MAX_IPS]; /* ipAssignments; port 0 */
	/* tags and capabilities as the API gave them; netcon issues no tag or capability
	 * credentials (it has no rules engine), so they only live in the record. */
	unsigned n_tags, n_caps;
	uint32_t tags[ZT_CONTROLLER_MAX_TAGS][2];
	uint32_t caps[ZT_CONTROLLER_MAX_CAPS];
	uint64_t revision;
	int64_t creation_time, last_authorized_time, last_deauthorized_time;
	char last_authorized_credential_type[16]; /* "api", "public", "" */
	int vmajor, vminor, vrev, vproto; /* from the request metadata; -1 unknown */
	int64_t last_request; /* in memory only, 0 = none */
	bool dirty; /* changed since last saved */
};

struct zt_controller_network {
	uint64_t nwid;
	char name[ZT_NETCONF_MAX_NAME + 1];
	bool private_net;
	bool enable_broadcast;
	uint32_t mtu;
	uint32_t multicast_limit;
	bool v4_zt; /* v4AssignMode.zt: assign from the pools */
	bool v6_zt; /* v6AssignMode.zt: assign from the IPv6 pools */
	bool v6_6plane, v6_rfc4193; /* v6AssignMode: each member gets that address */
	unsigned n_pools;
	struct zt_controller_pool pools[ZT_CONTROLLER_MAX_POOLS];
	unsigned n_pools6;
	struct zt_controller_pool6 pools6[ZT_CONTROLLER_MAX_POOLS];
	unsigned n_routes;
	struct zt_controller_route routes[ZT_CONTROLLER_MAX_ROUTES];
	/* dns {domain, servers}: has_dns false is the stock record's "dns":[] (none set). A
	 * server's port is 0 unless the record says "IP/PORT" (InetAddress text form). */
	bool has_dns;
	char dns_domain[ZT_NETCONF_DNS_DOMAIN_LEN];
	unsigned n_dns;
	struct zt_inetaddr dns_servers[ZT_NETCONF_DNS_SERVERS];
	uint64_t revision;
	int64_t creation_time;
	bool dirty;
	unsigned n_members, cap_members;
	struct zt_controller_member *members; /* sorted by address */
};

struct zt_controller {
	struct zt_identity id; /* ours, with the private key */
	unsigned n_networks;
	struct zt_controller_network *networks[ZT_CONTROLLER_MAX_NETWORKS];
};

/* Start an empty controller for identity me (with its private key). Returns 0 or -EINVAL. */
int zt_controller_init(struct zt_controller *c, const struct zt_identity *me);
void zt_controller_free(struct zt_controller *c);

/* Defaults of a new network (private, MTU 2800, multicast limit 32, broadcast on). */
void zt_controller_network_defaults(struct zt_controller_network *n);
/* Add a network shaped like tmpl (its members ignored). tmpl->nwid 0: a new id of ours, from
 * rnd (retried with rnd + k while taken); else it must be ours (top 40 bits our address).
 * Returns the network, or NULL with *err -EEXIST, -EINVAL, -ENOSPC or -ENOMEM. */
struct zt_controller_network *zt_controller_network_add(struct zt_controller *c,
							const struct zt_controller_network *tmpl,
							uint64_t rnd, int64_t now, int *err);
struct zt_controller_network *zt_controller_network_find(const struct zt_controller *c,
							 uint64_t nwid);
/* Remove a network and its members. Returns 0 or -ENOENT. */
int zt_controller_network_delete(struct zt_controller *c, uint64_t nwid);

struct zt_controller_member *zt_controller_member_find(const struct zt_controller_network *n,
						       uint64_t address);
/* Find or add (unauthorized) a member. NULL on -ENOSPC/-ENOMEM. */
struct zt_controller_member *zt_controller_member_get(struct zt_controller_network *n,
						      uint64_t address, int64_t now);
/* Authorize or deauthorize; ips (n_ips > 0) replace the member's assignments after a collision
 * check against the other members (-EADDRINUSE). Returns 0 or -errno. */
int zt_controller_member_authorize(struct zt_controller_network *n, struct zt_controller_member *m,
				   bool authorized, const struct zt_inetaddr *ips, unsigned n_ips,
				   int64_t now);
/* Give m an IPv4 address from the pools if the network assigns them and m has none. Returns 0
 * (assigned or nothing to do), -ENOSPC (pools exhausted). */
int zt_controller_assign_ipv4(struct zt_controller_network *n, struct zt_controller_member *m);
/* The same for IPv6 (v6AssignMode.zt): an address of the IPv6 pools that an on-link route holds
 * and no other member has, the search starting at first + the node address (what stock
 * controllers take first when the range is that large). 0 or -ENOSPC. */
int zt_controller_assign_ipv6(struct zt_controller_network *n, struct zt_controller_member *m);

/* What a NETWORK_CONFIG_REQUEST gets. */
struct zt_controller_answer {
	int error; /* 0: config below; else ZT_ERROR_OBJ_NOT_FOUND, ZT_ERROR_NETWORK_ACCESS_DENIED */
	struct zt_controller_member *member; /* the requester's record (changed: save it) */
	struct zt_controller_network *network;
	uint64_t update_id; /* config update id of the chunks */
	size_t dict_len;
	char dict[ZT_NETCONF_MAX_DICT]; /* the config dictionary text */
};

/* Answer a config request from requester (public identity) for nwid with metadata (dictionary
 * text). The member is recorded (unauthorized on private networks; authorized on public ones),
 * its version and last request noted, an IPv4 assigned when due. update_id is a fresh random
 * value. Returns 0 (see a->error) or -errno for our own failures (-ENOSPC, -ENOMEM). */
int zt_controller_request(struct zt_controller *c, const struct zt_identity *requester,
			  uint64_t nwid, const uint8_t *metadata, size_t metadata_len,
			  uint64_t update_id, int64_t now, struct zt_controller_answer *a);
/* The config an authorized member m gets now (also used for pushes). Returns 0 or -errno. */
int zt_controller_config(struct zt_controller *c, struct zt_controller_network *n,
			 struct zt_controller_member *m, int64_t now, struct zt_netconf *out);

/* Payloads to send: ERROR(NETWORK_CONFIG_REQUEST) for request packet id; OK(NETWORK_CONFIG_REQUEST)
 * (in_re_id != 0) or NETWORK_CONFIG (in_re_id 0) carrying the chunk at *offset of a's config,
 * *offset advanced (loop until it reaches a->dict_len). Return the payload length or -errno. */
int zt_controller_error_payload(uint8_t *out, size_t size, uint64_t in_re_id, uint64_t nwid,
				int code);
int zt_controller_chunk_payload(const struct zt_controller *c, const struct zt_controller_answer *a,
				uint64_t in_re_id, uint32_t *offset, uint8_t *out, size_t size);

/* Records as JSON text (stock controller shape); the caller frees *out. 0 or -ENOMEM. */
int zt_controller_network_json(const struct zt_controller_network *n, char **out, size_t *len);
int zt_controller_member_json(const struct zt_controller_network *n,
			      const struct zt_controller_member *m, char **out, size_t *len);
/* Load records (a network before its members). Bad JSON or fields: -EBADMSG with a reason in
 * err. Loading a network that exists replaces its settings and keeps its members. */
int zt_controller_load_network(struct zt_controller *c, const char *text, size_t len, char *err,
			       size_t errsize);
int zt_controller_load_member(struct zt_controller *c, const char *text, size_t len, char *err,
			      size_t errsize);

/* A DNS server as a record keeps it: "IP" or "IP/PORT" (port 1..65535, else 0). 0 or -EINVAL. */
int zt_controller_parse_dns_server(const char *s, struct zt_inetaddr *out);
/* "a.b.c.d/bits" of a route target or "a.b.c.d" (port ignored); buf of ZT_INETADDR_STRLEN. */
char *zt_controller_ip_string(const struct zt_inetaddr *a, bool with_bits, char *buf);
/* Parse "IP" or "IP/bits" (bits stored in port; -1 => none given, port 0). 0 or -EINVAL. */
int zt_controller_parse_ip(const char *s, struct zt_inetaddr *out, bool *has_bits);

/* A member record's "tags" ([[id,value],...]) and "capabilities" ([id,...]): 0, or -EINVAL for
 * another shape, a number outside 0..2^32-1, or more than the maximum. null or absent: none. */
struct json;
int zt_controller_parse_tags(const struct json *a, uint32_t tags[][2], unsigned max, unsigned *n);
int zt_controller_parse_caps(const struct json *a, uint32_t *caps, unsigned max, unsigned *n);

#endif
