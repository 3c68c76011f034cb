/* SPDX-License-Identifier: BSD-2-Clause */
/* The ZeroTier node's protocol state machine: peers, paths, WHOIS, relaying, root role; no I/O. */
#ifndef NETCON_ZT_NODE_H
#define NETCON_ZT_NODE_H

/*
 * The node takes datagrams (bytes, the endpoint they came from, the time in ms) and answers through
 * callbacks: "send these bytes to this endpoint", "a network packet arrived", "a user message
 * arrived", "an ECHO was answered". It never reads a clock or a socket, so tests wire nodes
 * together in memory with a fake clock (doc/style.md, "Protocol logic without I/O").
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "zt/identity.h"
#include "zt/inetaddr.h"
#include "zt/world.h"

/* Periods and limits, named and valued as in ZeroTierOne's node/Constants.hpp (ms). */
#define ZT_PING_CHECK_INTERVAL 5000
#define ZT_PATH_HEARTBEAT_PERIOD 14000
#define ZT_PATH_HELLO_RATE_LIMIT 1000
#define ZT_PEER_PING_PERIOD 60000
#define ZT_PEER_PATH_EXPIRATION ((ZT_PEER_PING_PERIOD * 4) + 3000)
#define ZT_PEER_ACTIVITY_TIMEOUT 500000
#define ZT_PEER_IN_MEMORY_EXPIRATION 600000
#define ZT_WHOIS_RETRY_DELAY 500
#define ZT_MAX_WHOIS_RETRIES 4
#define ZT_RELAY_MAX_HOPS 3
#define ZT_MIN_UNITE_INTERVAL 30000
#define ZT_DIRECT_PATH_PUSH_INTERVAL 15000
#define ZT_DIRECT_PATH_PUSH_INTERVAL_HAVEPATH 120000
#define ZT_PUSH_DIRECT_PATHS_CUTOFF_TIME 30000
#define ZT_PUSH_DIRECT_PATHS_CUTOFF_LIMIT 8
#define ZT_PEER_WHOIS_RATE_LIMIT 100
#define ZT_IDENTITY_VALIDATION_SOURCE_RATE_LIMIT 2000

/* netcon's own bounds. */
#define ZT_NODE_MAX_PATHS 8 /* direct paths kept per peer */
#define ZT_NODE_MAX_PEERS 8192 /* peers in memory; the idlest leaf is evicted past this */
#define ZT_NODE_QUEUE 16 /* packets waiting for a WHOIS answer, each way */
#define ZT_NODE_QUEUE_TIMEOUT 5000
#define ZT_NODE_WHOIS_PENDING 64 /* addresses being asked for at once */
#define ZT_NODE_MAX_LOCAL_ADDRS 16
/* Identity validations (the 2 MiB hash, ~30 ms): per source prefix, a burst then one per
 * ZT_IDENTITY_VALIDATION_SOURCE_RATE_LIMIT; for the whole node, a burst then one per
 * ZT_NODE_VALIDATE_INTERVAL (so at most ~30% of a core however many sources). */
#define ZT_NODE_VALIDATE_SOURCE_BURST 8
#define ZT_NODE_VALIDATE_INTERVAL 100
#define ZT_NODE_VALIDATE_BURST 16
/* WHOIS requests we send, whole node. */
#define ZT_NODE_WHOIS_INTERVAL 20
#define ZT_NODE_WHOIS_BURST 64

/* The version we tell peers in HELLO and OK(HELLO). */
#define ZT_NODE_VERSION_MAJOR 0
#define ZT_NODE_VERSION_MINOR 1
#define ZT_NODE_VERSION_REVISION 0

struct zt_node;

struct zt_node_callbacks {
	void *ctx;
	/* Send one datagram. ttl 0: the default; otherwise the IP TTL (the NAT-opening junk). */
	void (*send)(void *ctx, const struct zt_inetaddr *to, const uint8_t *data, size_t len,
		     unsigned ttl);
	/* An authenticated packet of a network verb (FRAME, EXT_FRAME, MULTICAST_*,
	 * NETWORK_*) from a peer in its packet packet_id (what an OK or ERROR answering it names
	 * in re): payload = bytes 28.. after decompression. May be NULL. */
	void (*network)(void *ctx, uint64_t from, uint64_t packet_id, unsigned verb,
			const uint8_t *payload, size_t len);
	/* USER_MESSAGE from a peer; hops > 0 when it came through a relay. May be NULL. */
	void (*user_message)(void *ctx, uint64_t from, uint64_t type, const uint8_t *data,
			     size_t len, unsigned hops);
	/* OK(ECHO) for an ECHO we sent with zt_node_echo. rtt in ms. May be NULL. */
	void (*echo_reply)(void *ctx, uint64_t from, uint64_t packet_id, const uint8_t *data,
			   size_t len, unsigned hops, int64_t rtt);
	/* A peer whose identity we validated (to cache in peers.d). May be NULL. */
	void (*peer_new)(void *ctx, const struct zt_identity *id);
	/* A leaf peer gained a direct path (confirmed): all its paths now, so a cache (peers.d)
	 * written at once lets a restart after a crash say HELLO there. May be NULL. */
	void (*peer_paths)(void *ctx, const struct zt_identity *id, const struct zt_inetaddr *paths,
			   unsigned count);
};

/* Counters (shown by `netcon info --json`). */
struct zt_node_stats {
	uint64_t rx_datagrams, tx_datagrams;
	uint64_t rx_packets; /* authenticated, for us */
	uint64_t drop_short; /* < 16 bytes (NAT junk) or a head < 28 */
	uint64_t drop_malformed; /* bad fragment, bad payload, bad compression */
	uint64_t drop_mac; /* failed authentication */
	uint64_t drop_unknown_peer; /* queue full or WHOIS never answered */
	uint64_t drop_hello; /* HELLO refused: rate limit, bad identity, collision, version */
	uint64_t drop_rate_limited; /* identity validations refused by the rate gates */
	uint64_t drop_relay; /* not for us and not relayable */
	uint64_t relayed; /* datagrams relayed as a root */
	uint64_t identity_validations;
	uint64_t whois_sent, whois_answered;
	uint64_t rendezvous_sent, rendezvous_received;
	uint64_t push_paths_sent;
	uint64_t unknown_verb;
	/* Authenticated packets received and packets sent, by verb (the metrics' zt_packet). */
	uint64_t rx_verb[32], tx_verb[32];
};

#define ZT_NODE_ROLE_LEAF 0
#define ZT_NODE_ROLE_MOON 1
#define ZT_NODE_ROLE_PLANET 2

struct zt_node_path_info {
	struct zt_inetaddr addr;
	int64_t last_send, last_receive;
	bool expired, preferred;
};

struct zt_node_peer_info {
	uint64_t address;
	struct zt_identity identity; /* public */
	int role;
	int proto; /* -1 unknown */
	int major, minor, revision; /* -1 unknown */
	int latency; /* ms, -1 unknown */
	int64_t last_receive;
	unsigned npaths;
	struct zt_node_path_info paths[ZT_NODE_MAX_PATHS];
	bool relayed; /* no alive direct path: traffic goes through relay */
	uint64_t relay; /* the root that would relay, 0 if none */
};

struct zt_node_info {
	uint64_t address;
	bool online, is_root;
	uint64_t planet_id, planet_ts;
	unsigned npeers;
	struct zt_inetaddr surface; /* our address as a root last saw it; family 0 if none */
	struct zt_node_stats stats;
};

/* Make a node for identity me (with its private key) under planet. Returns NULL on -ENOMEM or
 * -EINVAL (no private key). The planet's roots become peers at once (their identities are
 * trusted: the planet is signed). */
struct zt_node *zt_node_new(const struct zt_identity *me, const struct zt_world *planet,
			    const struct zt_node_callbacks *cb, int64_t now);
void zt_node_free(struct zt_node *n);

/* One UDP datagram from an endpoint. */
void zt_node_receive(struct zt_node *n, const struct zt_inetaddr *from, const uint8_t *data,
		     size_t len, int64_t now);
/* Timers: keepalives, HELLOs to roots, WHOIS retries, expiry. Returns the time of the next
 * deadline (call again then, or sooner). */
int64_t zt_node_tick(struct zt_node *n, int64_t now);

/* Send a packet of verb with payload to a peer, WHOISing it first if unknown (then queued).
 * The packet ID goes to *id if not NULL. Returns 0, -EINVAL, -EMSGSIZE, -EAGAIN (queue full). */
int zt_node_send(struct zt_node *n, uint64_t dest, unsigned verb, const uint8_t *payload,
		 size_t len, int64_t now, uint64_t *id);
/* ECHO with data; the answer comes to cb->echo_reply with the same packet ID. */
int zt_node_echo(struct zt_node *n, uint64_t dest, const uint8_t *data, size_t len, int64_t now,
		 uint64_t *id);
int zt_node_user_message(struct zt_node *n, uint64_t dest, uint64_t type, const uint8_t *data,
			 size_t len, int64_t now);

/* Add a peer whose identity comes from our own cache (peers.d): trusted, not re-validated. We
 * say HELLO at once to each endpoint where it was last seen; its answer makes a path again.
 * Returns 0, -EINVAL (our own address or a bad identity), -EEXIST, -ENOMEM. */
int zt_node_add_peer(struct zt_node *n, const struct zt_identity *id,
		     const struct zt_inetaddr *endpoints, unsigned count, int64_t now);
/* Our own endpoints to announce with PUSH_DIRECT_PATHS (at most ZT_NODE_MAX_LOCAL_ADDRS). */
void zt_node_set_local_addrs(struct zt_node *n, const struct zt_inetaddr *a, unsigned count);

void zt_node_get_info(const struct zt_node *n, struct zt_node_info *out, int64_t now);
/* The i-th peer (0..). Returns 0 or -ENOENT past the end. */
int zt_node_peer_info(const struct zt_node *n, unsigned i, struct zt_node_peer_info *out,
		      int64_t now);
/* Looks up a peer by address; same as zt_node_peer_info. */
int zt_node_peer_find(const struct zt_node *n, uint64_t address, struct zt_node_peer_info *out,
		      int64_t now);

#endif
