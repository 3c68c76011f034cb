// SPDX-License-Identifier: BSD-2-Clause
/* The ZeroTier node's protocol state machine: peers, paths, WHOIS, relaying, root role; no I/O. */
#include <errno.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "zt/armor.h"
#include "zt/fragment.h"
#include "zt/node.h"
#include "zt/packet.h"

#define NODE_BUCKETS 4096
#define NODE_EXPECT 256 /* recently sent packet IDs whose OK we accept (Node::expectingReplyTo) */
#define NODE_EXPECT_TIMEOUT 30000
#define NODE_UNITE_SLOTS 256
#define NODE_GATE_SLOTS 1024
#define NODE_BAD_IDS 256
#define NODE_PUSH_MAX 16 /* paths read from one PUSH_DIRECT_PATHS */
#define NODE_JUNK_TTL 2 /* the NAT-opening datagram of RENDEZVOUS */
#define NODE_MTU ZT_FRAGMENT_DEFAULT_MTU
/* Loopback has no 1500-byte links to fit: a whole packet goes in one datagram (ZeroTier reads
 * datagrams of any size up to its largest packet), which halves the datagrams of a 2800-byte
 * frame and skips reassembly. */
#define NODE_MTU_LOOPBACK ZT_PACKET_MAX_LEN
#define NODE_PROBES 4 /* unconfirmed endpoints of a peer we say HELLO to per rate-limit period */

struct node_path {
	struct zt_inetaddr addr;
	int64_t last_in, last_out;
	int64_t learned; /* when it was confirmed and added */
	int latency;
};

struct node_probe {
	struct zt_inetaddr addr;
	int64_t t;
};

struct node_peer {
	struct node_peer *next; /* hash chain */
	unsigned index; /* in zt_node.peers */
	struct zt_identity id; /* public only */
	uint8_t key[48];
	int root; /* index in the planet + 1, or 0 */
	int proto, major, minor, revision, latency;
	int64_t created, last_receive, last_hello_full, last_whois_in, last_push;
	struct node_probe probes[NODE_PROBES];
	int64_t push_window;
	unsigned push_count;
	unsigned npaths;
	struct node_path paths[ZT_NODE_MAX_PATHS];
};

struct node_expect {
	uint64_t id;
	uint64_t dest;
	uint8_t verb;
	int64_t t;
};

struct node_whois {
	uint64_t addr;
	int64_t first, last;
	unsigned tries;
};

struct node_rxq {
	struct zt_inetaddr from;
	int64_t t;
	size_t len; /* 0: free */
	uint8_t data[ZT_PACKET_MAX_LEN];
};

struct node_txq {
	uint64_t dest, id;
	unsigned verb;
	int64_t t;
	size_t len;
	bool used;
	uint8_t data[ZT_PACKET_MAX_LEN - ZT_PACKET_MIN_LEN];
};

struct node_unite {
	uint64_t a, b;
	int64_t t;
};

struct zt_node {
	struct zt_identity me;
	struct zt_world planet;
	bool is_root;
	struct zt_node_callbacks cb;
	struct zt_node_stats st;
	struct node_peer **peers;
	unsigned npeers, cap;
	struct node_peer *buckets[NODE_BUCKETS];
	int64_t last_ping, last_root_receive;
	struct zt_inetaddr surface;
	struct zt_inetaddr local[ZT_NODE_MAX_LOCAL_ADDRS];
	unsigned nlocal;
	struct node_expect expect[NODE_EXPECT];
	struct node_whois whois[ZT_NODE_WHOIS_PENDING];
	struct node_rxq rxq[ZT_NODE_QUEUE];
	struct node_txq txq[ZT_NODE_QUEUE];
	struct node_unite unite[NODE_UNITE_SLOTS];
	int64_t gate_src[NODE_GATE_SLOTS], gate_all, gate_whois;
	uint64_t bad_ids[NODE_BAD_IDS];
	struct zt_fragment_table frags;
	uint8_t rxbuf[ZT_PACKET_MAX_LEN];
	uint8_t plain[ZT_PACKET_MAX_LEN];
	uint8_t txbuf[ZT_PACKET_MAX_LEN];
	uint8_t payload[ZT_PACKET_MAX_LEN];
	uint8_t dgram[ZT_PACKET_MAX_LEN];
};

/* ---- small helpers ---- */

static uint64_t node_be64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

/* Packet IDs are the armor's nonces: kernel CSPRNG output, drawn 512 bytes at a time so that a
 * packet does not cost a getrandom() call (perf showed it at 1-2% of a daemon under load). The
 * daemon is one thread; each value is used once and wiped. */
static uint64_t node_random64(void)
{
	static uint64_t pool[64];
	static unsigned left;
	uint64_t v;

	if (!left) {
		randombytes_buf(pool, sizeof(pool));
		left = sizeof(pool) / sizeof(pool[0]);
	}
	v = pool[--left];
	pool[left] = 0;
	return v;
}

/* Generic cell rate gate: a burst of `burst`, then one per interval. */
static bool node_gate(int64_t *tat, int64_t now, int64_t interval, int burst)
{
	int64_t t = *tat > now ? *tat : now;

	if (t - now > interval * (burst - 1))
		return false;
	*tat = t + interval;
	return true;
}

/* Rate gate slot of an IP prefix: the first 24 bits of IPv4, 48 of IPv6 (as ZeroTier does). */
static unsigned node_prefix_slot(const struct zt_inetaddr *a)
{
	uint64_t h = a->family;
	unsigned n = a->family == 6 ? 6 : 3;

	for (unsigned i = 0; i < n; i++)
		h = h * 1099511628211ULL ^ a->ip[i];
	return (unsigned)(h % NODE_GATE_SLOTS);
}

static unsigned node_bucket(uint64_t address)
{
	return (unsigned)((address * 0x9E3779B97F4A7C15ULL) >> 52) % NODE_BUCKETS;
}

static struct node_peer *node_find(const struct zt_node *n, uint64_t address)
{
	for (struct node_peer *p = n->buckets[node_bucket(address)]; p; p = p->next)
		if (p->id.address == address)
			return p;
	return NULL;
}

static void node_peer_remove(struct zt_node *n, struct node_peer *p)
{
	struct node_peer **pp = &n->buckets[node_bucket(p->id.address)];

	while (*pp && *pp != p)
		pp = &(*pp)->next;
	if (*pp)
		*pp = p->next;
	n->peers[p->index] = n->peers[--n->npeers];
	n->peers[p->index]->index = p->index;
	sodium_memzero(p->key, sizeof(p->key));
	free(p);
}

/* Add a peer with its agreed key; evicts the idlest leaf when the table is full. */
static struct node_peer *node_peer_add(struct zt_node *n, const struct zt_identity *id,
				       const uint8_t key[48], int64_t now)
{
	struct node_peer *p;
	unsigned b;

	if (n->npeers >= ZT_NODE_MAX_PEERS) {
		struct node_peer *idlest = NULL;

		for (unsigned i = 0; i < n->npeers; i++)
			if (!n->peers[i]->root &&
			    (!idlest || n->peers[i]->last_receive < idlest->last_receive))
				idlest = n->peers[i];
		if (!idlest)
			return NULL;
		node_peer_remove(n, idlest);
	}
	if (n->npeers == n->cap) {
		unsigned cap = n->cap ? n->cap * 2 : 64;
		struct node_peer **np = realloc(n->peers, cap * sizeof(*np));

		if (!np)
			return NULL;
		n->peers = np;
		n->cap = cap;
	}
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->id = *id;
	p->id.has_private = false;
	memset(p->id.priv, 0, sizeof(p->id.priv));
	memcpy(p->key, key, 48);
	p->proto = p->major = p->minor = p->revision = p->latency = -1;
	p->created = p->last_receive = now;
	p->last_hello_full = p->last_whois_in = p->last_push = INT64_MIN / 2;
	for (unsigned i = 0; i < NODE_PROBES; i++)
		p->probes[i].t = INT64_MIN / 2;
	b = node_bucket(id->address);
	p->next = n->buckets[b];
	n->buckets[b] = p;
	p->index = n->npeers;
	n->peers[n->npeers++] = p;
	return p;
}

static struct node_path *node_path_find(struct node_peer *p, const struct zt_inetaddr *a)
{
	for (unsigned i = 0; i < p->npaths; i++)
		if (zt_inetaddr_equal(&p->paths[i].addr, a))
			return &p->paths[i];
	return NULL;
}

static bool node_path_alive(const struct node_path *path, int64_t now)
{
	return now - path->last_in < ZT_PATH_HEARTBEAT_PERIOD + 5000;
}

/* The alive direct path with the lowest latency (then the most recent), or NULL. A path that has
 * not been heard from since a newer path to the same peer was confirmed is passed over: the peer
 * has moved (restarted on a new port, a NAT rebinding), so its old endpoint is likely dead though
 * not yet timed out, and its older latency figure says nothing (as ZeroTier 1.x learns paths on
 * authenticated receipt, Peer::received). It is used again once it answers. */
static struct node_path *node_best_path(struct node_peer *p, int64_t now)
{
	struct node_path *best = NULL;
	int64_t newest = INT64_MIN;

	for (unsigned i = 0; i < p->npaths; i++)
		if (node_path_alive(&p->paths[i], now) && p->paths[i].learned > newest)
			newest = p->paths[i].learned;
	for (unsigned i = 0; i < p->npaths; i++) {
		struct node_path *c = &p->paths[i];
		unsigned cl = (unsigned)c->latency, bl;

		if (!node_path_alive(c, now) || c->last_in < newest)
			continue;
		if (!best) {
			best = c;
			continue;
		}
		bl = (unsigned)best->latency; /* -1 (unknown) sorts last */
		if (cl < bl || (cl == bl && c->last_in > best->last_in))
			best = c;
	}
	return best;
}

static struct node_path *node_path_learn(struct node_peer *p, const struct zt_inetaddr *a,
					 int64_t now)
{
	struct node_path *path = node_path_find(p, a);

	if (!path) {
		if (p->npaths < ZT_NODE_MAX_PATHS) {
			path = &p->paths[p->npaths++];
		} else {
			path = &p->paths[0];
			for (unsigned i = 1; i < p->npaths; i++)
				if (p->paths[i].last_in < path->last_in)
					path = &p->paths[i];
		}
		memset(path, 0, sizeof(*path));
		path->addr = *a;
		path->latency = -1;
		path->last_out = now;
		path->learned = now;
	}
	path->last_in = now;
	return path;
}

/* The root to relay and WHOIS through: one with an alive path, else the first that is not us. */
static struct node_peer *node_best_root(struct zt_node *n, int64_t now)
{
	struct node_peer *first = NULL;

	for (unsigned i = 0; i < n->planet.n_roots; i++) {
		struct node_peer *r = node_find(n, n->planet.roots[i].identity.address);

		if (!r)
			continue;
		if (node_best_path(r, now))
			return r;
		if (!first)
			first = r;
	}
	return first;
}

static void node_expect_add(struct zt_node *n, uint64_t id, uint64_t dest, unsigned verb,
			    int64_t now)
{
	struct node_expect *e = &n->expect[id % NODE_EXPECT];

	e->id = id;
	e->dest = dest;
	e->verb = (uint8_t)verb;
	e->t = now;
}

static struct node_expect *node_expect_find(struct zt_node *n, uint64_t id, uint64_t from,
					    int64_t now)
{
	struct node_expect *e = &n->expect[id % NODE_EXPECT];

	if (!id || e->id != id || now - e->t > NODE_EXPECT_TIMEOUT)
		return NULL;
	/* A WHOIS may be answered by any root; everything else by whom we sent it to. */
	if (e->dest != from && e->verb != ZT_VERB_WHOIS)
		return NULL;
	return e;
}

/* ---- sending ---- */

static void node_send_raw(struct zt_node *n, const struct zt_inetaddr *to, const uint8_t *d,
			  size_t len, unsigned ttl)
{
	n->st.tx_datagrams++;
	n->cb.send(n->cb.ctx, to, d, len, ttl);
}

/* Cut an armored packet at mtu and send its datagrams. */
static void node_send_packet(struct zt_node *n, const struct zt_inetaddr *to, const uint8_t *pkt,
			     size_t len, size_t mtu)
{
	int count = zt_fragment_count(len, mtu);

	if (count <= 1) {
		node_send_raw(n, to, pkt, len, 0);
		return;
	}
	for (int i = 0; i < count; i++) {
		int dl = zt_fragment_get(pkt, len, mtu, (unsigned)i, n->dgram, sizeof(n->dgram));

		if (dl > 0)
			node_send_raw(n, to, n->dgram, (size_t)dl, 0);
	}
}

/* Build, armor and send a packet to peer p: to `via` if given, else over its best direct path,
 * else (a root) to its stable endpoints, else through a root. id 0 picks a random one. */
static int node_emit(struct zt_node *n, struct node_peer *p, unsigned verb, const uint8_t *payload,
		     size_t plen, const struct zt_inetaddr *via, uint64_t id, int64_t now)
{
	uint8_t *pkt = n->txbuf;
	size_t len = ZT_PACKET_MIN_LEN + plen;
	struct node_path *path;
	size_t mtu = NODE_MTU;
	int count, r;

	if (plen > ZT_PACKET_MAX_LEN - ZT_PACKET_MIN_LEN)
		return -EMSGSIZE;
	while (!id)
		id = node_random64();
	zt_packet_init(pkt, id, p->id.address, n->me.address, verb);
	n->st.tx_verb[verb & 31]++;
	if (plen)
		memcpy(pkt + ZT_PACKET_IDX_PAYLOAD, payload, plen);
	/* The path is chosen first: its MTU decides the fragmenting, which the armor covers. */
	path = via ? node_path_find(p, via) : node_best_path(p, now);
	if (via ? zt_inetaddr_is_loopback(via) : path && zt_inetaddr_is_loopback(&path->addr))
		mtu = NODE_MTU_LOOPBACK;
	count = zt_fragment_count(len, mtu);
	if (count < 0)
		return count;
	if (count > 1)
		pkt[ZT_PACKET_IDX_FLAGS] |= ZT_PACKET_FLAG_FRAGMENTED;
	r = zt_armor_seal(pkt, len, p->key,
			  verb == ZT_VERB_HELLO ? ZT_ARMOR_CIPHER_POLY1305_NONE
						: ZT_ARMOR_CIPHER_POLY1305_SALSA2012);
	if (r < 0)
		return r;
	if (verb == ZT_VERB_HELLO || verb == ZT_VERB_ECHO || verb == ZT_VERB_WHOIS ||
	    verb == ZT_VERB_NETWORK_CONFIG_REQUEST || verb == ZT_VERB_MULTICAST_GATHER)
		node_expect_add(n, id, p->id.address, verb, now);
	if (via) {
		node_send_packet(n, via, pkt, len, mtu);
	} else if (path) {
		node_send_packet(n, &path->addr, pkt, len, mtu);
	} else if (p->root) {
		const struct zt_world_root *wr = &n->planet.roots[p->root - 1];

		for (unsigned i = 0; i < wr->n_endpoints; i++)
			node_send_packet(n, &wr->endpoints[i], pkt, len, mtu);
	} else {
		struct node_peer *relay = node_best_root(n, now);
		struct node_path *rp;

		if (!relay || relay == p)
			return -EHOSTUNREACH;
		rp = node_best_path(relay, now);
		if (rp)
			node_send_packet(n, &rp->addr, pkt, len, mtu);
		else
			for (unsigned i = 0; i < n->planet.roots[relay->root - 1].n_endpoints; i++)
				node_send_packet(n, &n->planet.roots[relay->root - 1].endpoints[i],
						 pkt, len, mtu);
	}
	if (path)
		path->last_out = now;
	return 0;
}

static void node_send_hello(struct zt_node *n, struct node_peer *p, const struct zt_inetaddr *to,
			    int64_t now)
{
	struct zt_packet_hello h;
	int len;

	memset(&h, 0, sizeof(h));
	h.proto = ZT_ARMOR_PROTO_VERSION;
	h.major = ZT_NODE_VERSION_MAJOR;
	h.minor = ZT_NODE_VERSION_MINOR;
	h.revision = ZT_NODE_VERSION_REVISION;
	h.timestamp = (uint64_t)now;
	h.identity = n->me;
	h.identity.has_private = false;
	if (to)
		h.dest = *to;
	h.has_world = true;
	h.world_id = n->planet.id;
	h.world_ts = n->planet.timestamp;
	len = zt_packet_encode_hello(&h, NULL, NULL, n->payload, sizeof(n->payload));
	sodium_memzero(h.identity.priv, sizeof(h.identity.priv));
	if (len < 0)
		return;
	node_emit(n, p, ZT_VERB_HELLO, n->payload, (size_t)len, to, 0, now);
	p->last_hello_full = now;
}

/* Keepalive or contact attempt at one endpoint (Peer::attemptToContactAt). */
static void node_contact(struct zt_node *n, struct node_peer *p, const struct zt_inetaddr *to,
			 bool full, int64_t now)
{
	if (full || p->proto < 5)
		node_send_hello(n, p, to, now);
	else
		node_emit(n, p, ZT_VERB_ECHO, NULL, 0, to, 0, now);
}

static void node_whois_send(struct zt_node *n, struct node_whois *w, int64_t now)
{
	struct node_peer *root = node_best_root(n, now);
	struct zt_packet_whois q = {.count = 1, .addrs = {w->addr}};
	int len;

	w->last = now;
	w->tries++;
	if (!root || !node_gate(&n->gate_whois, now, ZT_NODE_WHOIS_INTERVAL, ZT_NODE_WHOIS_BURST))
		return;
	len = zt_packet_encode_whois(&q, n->payload, sizeof(n->payload));
	if (len > 0 &&
	    node_emit(n, root, ZT_VERB_WHOIS, n->payload, (size_t)len, NULL, 0, now) == 0)
		n->st.whois_sent++;
}

/* Ask the roots who address is (once per address while it is pending). */
static void node_whois(struct zt_node *n, uint64_t address, int64_t now)
{
	struct node_whois *w = NULL;

	if (zt_identity_address_reserved(address) || address == n->me.address)
		return;
	for (unsigned i = 0; i < ZT_NODE_WHOIS_PENDING; i++)
		if (n->whois[i].addr == address)
			return;
	/* A free slot, else the oldest request gives way. */
	for (unsigned i = 0; i < ZT_NODE_WHOIS_PENDING; i++) {
		struct node_whois *c = &n->whois[i];

		if (!c->addr) {
			w = c;
			break;
		}
		if (!w || c->first < w->first)
			w = c;
	}
	memset(w, 0, sizeof(*w));
	w->addr = address;
	w->first = now;
	node_whois_send(n, w, now);
}

static void node_whois_done(struct zt_node *n, uint64_t address)
{
	for (unsigned i = 0; i < ZT_NODE_WHOIS_PENDING; i++)
		if (n->whois[i].addr == address)
			n->whois[i].addr = 0;
}

static bool node_whois_pending(struct zt_node *n, uint64_t address)
{
	for (unsigned i = 0; i < ZT_NODE_WHOIS_PENDING; i++)
		if (n->whois[i].addr == address)
			return true;
	return false;
}

/* ---- receiving ---- */

static bool node_bad_id_known(struct zt_node *n, const struct zt_identity *id)
{
	uint64_t h = node_be64(id->pub) ^ id->address;

	return n->bad_ids[h % NODE_BAD_IDS] == h;
}

static void node_bad_id_add(struct zt_node *n, const struct zt_identity *id)
{
	uint64_t h = node_be64(id->pub) ^ id->address;

	n->bad_ids[h % NODE_BAD_IDS] = h;
}

/* May we say HELLO to an unconfirmed endpoint of p? Each endpoint at most once per
 * ZT_PATH_HELLO_RATE_LIMIT (as ZeroTier's Peer::_lastTriedPath), and at most NODE_PROBES endpoints
 * in that time, so packets replayed from many addresses cannot make us send many HELLOs. Per
 * endpoint, not per peer: a try elsewhere a moment ago must not hold back the one at a peer's new
 * endpoint. */
static bool node_probe_due(struct node_peer *p, const struct zt_inetaddr *a, int64_t now)
{
	struct node_probe *slot = NULL;

	for (unsigned i = 0; i < NODE_PROBES; i++) {
		struct node_probe *s = &p->probes[i];
		bool recent = now - s->t < ZT_PATH_HELLO_RATE_LIMIT;

		if (recent && zt_inetaddr_equal(&s->addr, a))
			return false;
		if (!recent && !slot)
			slot = s;
	}
	if (!slot)
		return false;
	slot->addr = *a;
	slot->t = now;
	return true;
}

static void node_push_paths(struct zt_node *n, struct node_peer *p, int64_t now);

/* Bookkeeping for every authenticated packet: activity, and paths. A new endpoint becomes a
 * path only when it answers something we sent there (confirm: an expected OK); any other
 * packet from it makes us say HELLO there (node_probe_due). */
static void node_authenticated(struct zt_node *n, struct node_peer *p,
			       const struct zt_inetaddr *from, unsigned hops, bool confirm,
			       int64_t now)
{
	struct node_path *path;

	n->st.rx_packets++;
	p->last_receive = now;
	if (p->root)
		n->last_root_receive = now;
	if (hops)
		return;
	path = node_path_find(p, from);
	if (path) {
		path->last_in = now;
	} else if (confirm) {
		node_path_learn(p, from, now);
		if (!p->root && n->cb.peer_paths) {
			struct zt_inetaddr a[ZT_NODE_MAX_PATHS];

			for (unsigned i = 0; i < p->npaths; i++)
				a[i] = p->paths[i].addr;
			n->cb.peer_paths(n->cb.ctx, &p->id, a, p->npaths);
		}
	} else if (node_probe_due(p, from, now)) {
		node_send_hello(n, p, from, now);
	}
	/* Our direct paths go to a peer when due on a direct packet from it, not only at the next
	 * ping check (as ZeroTier's Peer::received): after a restart on a new port, the first
	 * answer from a cached peer gets them at once, so the peer has a second way to our new
	 * endpoint if its one try at the endpoint our HELLO came from is lost or rate-limited,
	 * instead of waiting ~ZT_PING_CHECK_INTERVAL on the dead one. */
	if (!p->root && !n->is_root && now - p->last_push >= ZT_DIRECT_PATH_PUSH_INTERVAL_HAVEPATH)
		node_push_paths(n, p, now);
}

static void node_do_hello(struct zt_node *n, const struct zt_inetaddr *from, uint8_t *pkt,
			  size_t len, int64_t now)
{
	struct zt_packet_hello h;
	struct zt_packet_ok ok;
	struct node_peer *p;
	uint8_t key[48];
	int plen;

	if (zt_packet_decode_hello(&h, pkt + ZT_PACKET_IDX_PAYLOAD, len - ZT_PACKET_IDX_PAYLOAD,
				   NULL, NULL) < 0) {
		n->st.drop_malformed++;
		return;
	}
	if (h.identity.address != zt_packet_source(pkt) || h.proto < 4) {
		n->st.drop_hello++;
		return;
	}
	p = node_find(n, h.identity.address);
	if (p) {
		if (memcmp(p->id.pub, h.identity.pub, 64)) {
			n->st.drop_hello++; /* identity collision: keep the one we have */
			return;
		}
		if (zt_armor_open(pkt, len, p->key) < 0) {
			n->st.drop_mac++;
			return;
		}
	} else {
		/* Cheapest checks first: known-bad, rate gates, X25519 + MAC, then the hash. */
		if (node_bad_id_known(n, &h.identity)) {
			n->st.drop_hello++;
			return;
		}
		if (!node_gate(&n->gate_src[node_prefix_slot(from)], now,
			       ZT_IDENTITY_VALIDATION_SOURCE_RATE_LIMIT,
			       ZT_NODE_VALIDATE_SOURCE_BURST) ||
		    !node_gate(&n->gate_all, now, ZT_NODE_VALIDATE_INTERVAL,
			       ZT_NODE_VALIDATE_BURST)) {
			n->st.drop_rate_limited++;
			return;
		}
		if (zt_identity_agree(&n->me, &h.identity, key) < 0) {
			n->st.drop_hello++;
			return;
		}
		if (zt_armor_open(pkt, len, key) < 0) {
			sodium_memzero(key, sizeof(key));
			n->st.drop_mac++;
			return;
		}
		n->st.identity_validations++;
		if (zt_identity_validate(&h.identity) < 0) {
			sodium_memzero(key, sizeof(key));
			node_bad_id_add(n, &h.identity);
			n->st.drop_hello++;
			return;
		}
		p = node_peer_add(n, &h.identity, key, now);
		sodium_memzero(key, sizeof(key));
		if (!p)
			return;
		node_whois_done(n, p->id.address);
		if (n->cb.peer_new)
			n->cb.peer_new(n->cb.ctx, &p->id);
	}
	p->proto = h.proto;
	p->major = h.major;
	p->minor = h.minor;
	p->revision = h.revision;
	node_authenticated(n, p, from, zt_packet_hops(pkt), false, now);

	memset(&ok, 0, sizeof(ok));
	ok.in_re_verb = ZT_VERB_HELLO;
	ok.in_re_id = zt_packet_id(pkt);
	ok.u.hello.timestamp = h.timestamp;
	ok.u.hello.proto = ZT_ARMOR_PROTO_VERSION;
	ok.u.hello.major = ZT_NODE_VERSION_MAJOR;
	ok.u.hello.minor = ZT_NODE_VERSION_MINOR;
	ok.u.hello.revision = ZT_NODE_VERSION_REVISION;
	ok.u.hello.surface = *from;
	plen = zt_packet_encode_ok(&ok, n->payload, sizeof(n->payload));
	if (plen > 0)
		node_emit(n, p, ZT_VERB_OK, n->payload, (size_t)plen, from, 0, now);
}

static void node_do_ok(struct zt_node *n, struct node_peer *p, struct node_expect *e,
		       const uint8_t *pl, size_t plen, unsigned hops, int64_t now)
{
	struct zt_packet_ok ok;

	if (!e) /* not a reply to anything we sent recently */
		return;
	if (zt_packet_decode_ok(&ok, pl, plen) < 0 || ok.in_re_verb != e->verb) {
		n->st.drop_malformed++;
		return;
	}
	switch (ok.in_re_verb) {
	case ZT_VERB_HELLO: {
		int64_t rtt = now - (int64_t)ok.u.hello.timestamp;

		if (rtt >= 0 && rtt < NODE_EXPECT_TIMEOUT && hops == 0) {
			p->latency = p->latency < 0 ? (int)rtt : (p->latency + (int)rtt) / 2;
			for (unsigned i = 0; i < p->npaths; i++)
				if (p->paths[i].last_in == now)
					p->paths[i].latency = (int)rtt;
		}
		p->proto = ok.u.hello.proto;
		p->major = ok.u.hello.major;
		p->minor = ok.u.hello.minor;
		p->revision = ok.u.hello.revision;
		if (p->root && ok.u.hello.surface.family)
			n->surface = ok.u.hello.surface;
		break;
	}
	case ZT_VERB_WHOIS:
		if (!p->root)
			break; /* only roots are believed (IncomingPacket::_doOK) */
		for (unsigned i = 0; i < ok.u.whois.count; i++) {
			const struct zt_identity *id = &ok.u.whois.ids[i];
			struct node_peer *np;
			uint8_t key[48];

			if (!node_whois_pending(n, id->address) || node_find(n, id->address))
				continue;
			n->st.identity_validations++;
			if (zt_identity_validate(id) < 0 ||
			    zt_identity_agree(&n->me, id, key) < 0) {
				node_bad_id_add(n, id);
				continue;
			}
			np = node_peer_add(n, id, key, now);
			sodium_memzero(key, sizeof(key));
			if (!np)
				continue;
			node_whois_done(n, id->address);
			n->st.whois_answered++;
			if (n->cb.peer_new)
				n->cb.peer_new(n->cb.ctx, &np->id);
		}
		break;
	case ZT_VERB_ECHO:
		if (n->cb.echo_reply)
			n->cb.echo_reply(n->cb.ctx, p->id.address, ok.in_re_id, ok.rest.p,
					 ok.rest.len, hops, now - e->t);
		break;
	case ZT_VERB_NETWORK_CONFIG_REQUEST:
	case ZT_VERB_MULTICAST_GATHER:
		/* The network layer decodes these (config chunks, gather results). */
		if (n->cb.network)
			n->cb.network(n->cb.ctx, p->id.address, zt_packet_id(n->plain), ZT_VERB_OK,
				      pl, plen);
		break;
	default:
		break;
	}
	e->id = 0;
}

static void node_do_whois(struct zt_node *n, struct node_peer *p, const uint8_t *pl, size_t plen,
			  uint64_t packet_id, int64_t now)
{
	struct zt_packet_whois q;
	struct zt_packet_ok ok;
	int len;

	if (zt_packet_decode_whois(&q, pl, plen) < 0) {
		n->st.drop_malformed++;
		return;
	}
	/* Roots answer everyone; leaves at most every ZT_PEER_WHOIS_RATE_LIMIT per peer. */
	if (!n->is_root) {
		if (now - p->last_whois_in < ZT_PEER_WHOIS_RATE_LIMIT)
			return;
		p->last_whois_in = now;
	}
	memset(&ok, 0, sizeof(ok));
	ok.in_re_verb = ZT_VERB_WHOIS;
	ok.in_re_id = packet_id;
	for (unsigned i = 0; i < q.count; i++) {
		struct node_peer *k = q.addrs[i] == n->me.address ? NULL : node_find(n, q.addrs[i]);

		if (q.addrs[i] == n->me.address) {
			ok.u.whois.ids[ok.u.whois.count] = n->me;
			ok.u.whois.ids[ok.u.whois.count++].has_private = false;
		} else if (k) {
			ok.u.whois.ids[ok.u.whois.count++] = k->id;
		} else {
			struct zt_packet_error er;
			uint8_t a[5];

			memset(&er, 0, sizeof(er));
			er.in_re_verb = ZT_VERB_WHOIS;
			er.in_re_id = packet_id;
			er.code = ZT_ERROR_OBJ_NOT_FOUND;
			zt_identity_address_put(a, q.addrs[i]);
			er.rest.p = a;
			er.rest.len = 5;
			len = zt_packet_encode_error(&er, n->payload, sizeof(n->payload));
			if (len > 0)
				node_emit(n, p, ZT_VERB_ERROR, n->payload, (size_t)len, NULL, 0,
					  now);
		}
	}
	if (ok.u.whois.count) {
		len = zt_packet_encode_ok(&ok, n->payload, sizeof(n->payload));
		if (len > 0)
			node_emit(n, p, ZT_VERB_OK, n->payload, (size_t)len, NULL, 0, now);
	}
	sodium_memzero(&ok, sizeof(ok));
}

static void node_do_rendezvous(struct zt_node *n, struct node_peer *p, const uint8_t *pl,
			       size_t plen, int64_t now)
{
	struct zt_packet_rendezvous rv;
	struct node_peer *with;
	uint32_t junk;

	if (!p->root)
		return; /* accepted only from roots */
	if (zt_packet_decode_rendezvous(&rv, pl, plen) < 0 || !rv.addr.family) {
		n->st.drop_malformed++;
		return;
	}
	n->st.rendezvous_received++;
	with = node_find(n, rv.peer);
	if (!with) {
		node_whois(n, rv.peer, now);
		return;
	}
	if (node_path_find(with, &rv.addr))
		return;
	/* Open our NAT towards them with a datagram that dies on the way, then say HELLO. */
	randombytes_buf(&junk, sizeof(junk));
	node_send_raw(n, &rv.addr, (const uint8_t *)&junk, sizeof(junk), NODE_JUNK_TTL);
	node_send_hello(n, with, &rv.addr, now);
}

static void node_do_push_paths(struct zt_node *n, struct node_peer *p, const uint8_t *pl,
			       size_t plen, int64_t now)
{
	struct zt_packet_path paths[NODE_PUSH_MAX];
	int count = zt_packet_decode_push_paths(paths, NODE_PUSH_MAX, pl, plen);

	if (count < 0) {
		n->st.drop_malformed++;
		return;
	}
	for (int i = 0; i < count; i++) {
		if (!paths[i].addr.family || (paths[i].flags & ZT_PACKET_PATH_FLAG_FORGET) ||
		    node_path_find(p, &paths[i].addr))
			continue;
		/* At most ZT_PUSH_DIRECT_PATHS_CUTOFF_LIMIT tries per peer and cutoff time. */
		if (now - p->push_window >= ZT_PUSH_DIRECT_PATHS_CUTOFF_TIME) {
			p->push_window = now;
			p->push_count = 0;
		}
		if (p->push_count >= ZT_PUSH_DIRECT_PATHS_CUTOFF_LIMIT)
			break;
		p->push_count++;
		node_send_hello(n, p, &paths[i].addr, now);
	}
}

static void node_rxq_add(struct zt_node *n, const struct zt_inetaddr *from, const uint8_t *pkt,
			 size_t len, int64_t now)
{
	struct node_rxq *q = NULL;

	for (unsigned i = 0; i < ZT_NODE_QUEUE; i++) {
		if (!n->rxq[i].len) {
			q = &n->rxq[i];
			break;
		}
		if (!q || n->rxq[i].t < q->t)
			q = &n->rxq[i];
	}
	if (q->len)
		n->st.drop_unknown_peer++; /* the oldest waiting packet gives way */
	q->from = *from;
	q->t = now;
	q->len = len;
	memcpy(q->data, pkt, len);
}

/* A whole packet for us (reassembled if it was fragmented), in a buffer we may change. */
static void node_process(struct zt_node *n, const struct zt_inetaddr *from, uint8_t *pkt,
			 size_t len, int64_t now)
{
	uint64_t source = zt_packet_source(pkt);
	unsigned hops = zt_packet_hops(pkt), verb;
	struct node_expect *e = NULL;
	struct node_peer *p;
	const uint8_t *pl;
	size_t plen;
	int r;

	if (source == n->me.address || zt_identity_address_reserved(source)) {
		n->st.drop_malformed++;
		return;
	}
	if (zt_packet_cipher(pkt) == ZT_ARMOR_CIPHER_POLY1305_NONE &&
	    (pkt[ZT_PACKET_IDX_VERB] & 0x1f) == ZT_VERB_HELLO) {
		n->st.rx_verb[ZT_VERB_HELLO]++;
		node_do_hello(n, from, pkt, len, now);
		return;
	}
	p = node_find(n, source);
	if (!p) {
		/* Nothing but a HELLO is acted on from an unknown peer: keep it until a root
		 * tells us who that is. */
		node_rxq_add(n, from, pkt, len, now);
		node_whois(n, source, now);
		return;
	}
	r = zt_armor_open(pkt, len, p->key);
	if (r < 0) {
		if (r == -EBADMSG)
			n->st.drop_mac++;
		else
			n->st.drop_malformed++;
		return;
	}
	r = zt_packet_decompress(pkt, len, n->plain, sizeof(n->plain));
	if (r < 0) {
		n->st.drop_malformed++;
		return;
	}
	pl = n->plain + ZT_PACKET_IDX_PAYLOAD;
	plen = (size_t)r - ZT_PACKET_IDX_PAYLOAD;
	verb = zt_packet_verb(n->plain);
	n->st.rx_verb[verb & 31]++;
	if (verb == ZT_VERB_OK && plen >= 9)
		e = node_expect_find(n, node_be64(pl + 1), p->id.address, now);
	node_authenticated(n, p, from, hops, e && e->verb != ZT_VERB_WHOIS, now);

	switch (verb) {
	case ZT_VERB_NOP:
		break;
	case ZT_VERB_HELLO: /* a HELLO in suite 1: refuse, as ZeroTier does */
		n->st.drop_hello++;
		break;
	case ZT_VERB_OK:
		node_do_ok(n, p, e, pl, plen, hops, now);
		break;
	case ZT_VERB_ERROR: {
		struct zt_packet_error er;

		if (zt_packet_decode_error(&er, pl, plen) < 0)
			n->st.drop_malformed++;
		else if (er.has_nwid && n->cb.network)
			/* ACCESS_DENIED, OBJ_NOT_FOUND, NEED_MEMBERSHIP_CERTIFICATE...: the network
			 * layer checks who may say so. */
			n->cb.network(n->cb.ctx, p->id.address, zt_packet_id(n->plain),
				      ZT_VERB_ERROR, pl, plen);
		break;
	}
	case ZT_VERB_WHOIS:
		node_do_whois(n, p, pl, plen, zt_packet_id(n->plain), now);
		break;
	case ZT_VERB_RENDEZVOUS:
		node_do_rendezvous(n, p, pl, plen, now);
		break;
	case ZT_VERB_ECHO: {
		struct zt_packet_ok ok;
		int olen;

		memset(&ok, 0, sizeof(ok));
		ok.in_re_verb = ZT_VERB_ECHO;
		ok.in_re_id = zt_packet_id(n->plain);
		if (plen > sizeof(n->payload) - 9)
			break;
		ok.rest.p = pl;
		ok.rest.len = plen;
		olen = zt_packet_encode_ok(&ok, n->payload, sizeof(n->payload));
		if (olen > 0)
			node_emit(n, p, ZT_VERB_OK, n->payload, (size_t)olen, hops ? NULL : from, 0,
				  now);
		break;
	}
	case ZT_VERB_USER_MESSAGE: {
		struct zt_packet_user_message um;

		if (zt_packet_decode_user_message(&um, pl, plen) < 0)
			n->st.drop_malformed++;
		else if (n->cb.user_message)
			n->cb.user_message(n->cb.ctx, p->id.address, um.type, um.data.p,
					   um.data.len, hops);
		break;
	}
	case ZT_VERB_PUSH_DIRECT_PATHS:
		node_do_push_paths(n, p, pl, plen, now);
		break;
	case ZT_VERB_FRAME:
	case ZT_VERB_EXT_FRAME:
	case ZT_VERB_MULTICAST_LIKE:
	case ZT_VERB_NETWORK_CREDENTIALS:
	case ZT_VERB_NETWORK_CONFIG_REQUEST:
	case ZT_VERB_NETWORK_CONFIG:
	case ZT_VERB_MULTICAST_GATHER:
	case ZT_VERB_MULTICAST_FRAME:
		if (n->cb.network)
			n->cb.network(n->cb.ctx, p->id.address, zt_packet_id(n->plain), verb, pl,
				      plen);
		break;
	default:
		n->st.unknown_verb++;
		break;
	}
}

static bool node_unite_due(struct zt_node *n, uint64_t a, uint64_t b, int64_t now)
{
	uint64_t lo = a < b ? a : b, hi = a < b ? b : a;
	struct node_unite *u = &n->unite[(lo * 31 + hi) % NODE_UNITE_SLOTS];

	if (u->a == lo && u->b == hi && now - u->t < ZT_MIN_UNITE_INTERVAL)
		return false;
	u->a = lo;
	u->b = hi;
	u->t = now;
	return true;
}

/* Tell each of two peers where the other is (the root's half of hole punching). */
static void node_unite(struct zt_node *n, struct node_peer *a, struct node_path *ap,
		       struct node_peer *b, struct node_path *bp, int64_t now)
{
	struct zt_packet_rendezvous rv;
	int len;

	if (!node_unite_due(n, a->id.address, b->id.address, now))
		return;
	memset(&rv, 0, sizeof(rv));
	rv.peer = b->id.address;
	rv.addr = bp->addr;
	len = zt_packet_encode_rendezvous(&rv, n->payload, sizeof(n->payload));
	if (len > 0 &&
	    node_emit(n, a, ZT_VERB_RENDEZVOUS, n->payload, (size_t)len, NULL, 0, now) == 0)
		n->st.rendezvous_sent++;
	rv.peer = a->id.address;
	rv.addr = ap->addr;
	len = zt_packet_encode_rendezvous(&rv, n->payload, sizeof(n->payload));
	if (len > 0 &&
	    node_emit(n, b, ZT_VERB_RENDEZVOUS, n->payload, (size_t)len, NULL, 0, now) == 0)
		n->st.rendezvous_sent++;
}

/* A datagram for someone else: roots pass it on with one more hop (Switch::onRemotePacket). */
static void node_relay(struct zt_node *n, const uint8_t *d, size_t len, bool fragment, int64_t now)
{
	unsigned hop_idx = fragment ? 15 : ZT_PACKET_IDX_FLAGS;
	unsigned hops = d[hop_idx] & 0x07;
	uint64_t dest = zt_identity_address_get(d + ZT_PACKET_IDX_DEST);
	struct node_peer *to;
	struct node_path *tp;

	if (!n->is_root || hops >= ZT_RELAY_MAX_HOPS) {
		n->st.drop_relay++;
		return;
	}
	to = node_find(n, dest);
	tp = to ? node_best_path(to, now) : NULL;
	if (!tp) {
		n->st.drop_relay++;
		return;
	}
	memcpy(n->dgram, d, len);
	n->dgram[hop_idx] = (uint8_t)((d[hop_idx] & ~0x07u) | (hops + 1));
	node_send_raw(n, &tp->addr, n->dgram, len, 0);
	tp->last_out = now;
	n->st.relayed++;
	if (!fragment) {
		struct node_peer *from = node_find(n, zt_packet_source(d));
		struct node_path *fp = from ? node_best_path(from, now) : NULL;

		if (fp && from != to)
			node_unite(n, from, fp, to, tp, now);
	}
}

/* Packets that waited for a WHOIS: process or send those whose peer is now known. */
static void node_flush_queues(struct zt_node *n, int64_t now)
{
	for (unsigned i = 0; i < ZT_NODE_QUEUE; i++) {
		struct node_rxq *q = &n->rxq[i];

		if (!q->len)
			continue;
		if (node_find(n, zt_packet_source(q->data))) {
			size_t len = q->len;

			q->len = 0;
			node_process(n, &q->from, q->data, len, now);
		} else if (now - q->t > ZT_NODE_QUEUE_TIMEOUT) {
			q->len = 0;
			n->st.drop_unknown_peer++;
		}
	}
	for (unsigned i = 0; i < ZT_NODE_QUEUE; i++) {
		struct node_txq *q = &n->txq[i];
		struct node_peer *p;

		if (!q->used)
			continue;
		p = node_find(n, q->dest);
		if (p) {
			q->used = false;
			node_emit(n, p, q->verb, q->data, q->len, NULL, q->id, now);
		} else if (now - q->t > ZT_NODE_QUEUE_TIMEOUT) {
			q->used = false;
		}
	}
}

void zt_node_receive(struct zt_node *n, const struct zt_inetaddr *from, const uint8_t *data,
		     size_t len, int64_t now)
{
	bool fragment;
	int r;

	n->st.rx_datagrams++;
	if (len < ZT_FRAGMENT_HEADER_LEN) {
		n->st.drop_short++; /* NAT junk, LAN beacons */
		return;
	}
	if (len > ZT_PACKET_MAX_LEN) {
		n->st.drop_malformed++;
		return;
	}
	fragment = zt_fragment_is_fragment(data, len);
	if (!fragment && len < ZT_PACKET_MIN_LEN) {
		n->st.drop_short++;
		return;
	}
	if (zt_identity_address_get(data + ZT_PACKET_IDX_DEST) != n->me.address) {
		node_relay(n, data, len, fragment, now);
		return;
	}
	if (fragment || zt_packet_fragmented(data)) {
		r = zt_fragment_receive(&n->frags, data, len, now, n->rxbuf, sizeof(n->rxbuf));
		if (r < 0)
			n->st.drop_malformed++;
		if (r <= 0)
			return;
		len = (size_t)r;
	} else {
		memcpy(n->rxbuf, data, len);
	}
	node_process(n, from, n->rxbuf, len, now);
	node_flush_queues(n, now);
}

/* ---- timers ---- */

static void node_push_paths(struct zt_node *n, struct node_peer *p, int64_t now)
{
	struct zt_packet_path paths[ZT_NODE_MAX_LOCAL_ADDRS + 1];
	size_t count = 0;
	int len;

	for (unsigned i = 0; i < n->nlocal; i++)
		paths[count++] = (struct zt_packet_path){.addr = n->local[i]};
	if (n->surface.family)
		paths[count++] = (struct zt_packet_path){.addr = n->surface};
	if (!count)
		return;
	len = zt_packet_encode_push_paths(paths, count, n->payload, sizeof(n->payload));
	if (len > 0 &&
	    node_emit(n, p, ZT_VERB_PUSH_DIRECT_PATHS, n->payload, (size_t)len, NULL, 0, now) == 0)
		n->st.push_paths_sent++;
	p->last_push = now;
}

static void node_ping_peer(struct zt_node *n, struct node_peer *p, int64_t now)
{
	bool full = now - p->last_hello_full >= ZT_PEER_PING_PERIOD, sent = false;
	bool has_path;

	for (unsigned i = 0; i < p->npaths;) {
		struct node_path *path = &p->paths[i];

		if (now - path->last_in >= ZT_PEER_PATH_EXPIRATION) {
			p->paths[i] = p->paths[--p->npaths];
			continue;
		}
		/* A root that stopped answering our keepalive may have restarted and forgotten
		 * us: say a full HELLO rather than wait for the next ZT_PEER_PING_PERIOD. */
		if (p->root && path->last_out > path->last_in &&
		    now - path->last_in >= 2 * ZT_PING_CHECK_INTERVAL)
			full = true;
		if (full || now - path->last_out >= ZT_PATH_HEARTBEAT_PERIOD) {
			node_contact(n, p, &path->addr, full, now);
			path->last_out = now;
			sent = true;
		}
		i++;
	}
	has_path = node_best_path(p, now) != NULL;
	/* Roots are always contacted: at their stable endpoints while no path answers. */
	if (p->root && !has_path && !sent) {
		const struct zt_world_root *wr = &n->planet.roots[p->root - 1];

		for (unsigned i = 0; i < wr->n_endpoints; i++)
			node_send_hello(n, p, &wr->endpoints[i], now);
	}
	if (!p->root && !n->is_root &&
	    now - p->last_push >=
		(has_path ? ZT_DIRECT_PATH_PUSH_INTERVAL_HAVEPATH : ZT_DIRECT_PATH_PUSH_INTERVAL))
		node_push_paths(n, p, now);
}

int64_t zt_node_tick(struct zt_node *n, int64_t now)
{
	int64_t next = now + ZT_PING_CHECK_INTERVAL;

	if (now - n->last_ping >= ZT_PING_CHECK_INTERVAL) {
		n->last_ping = now;
		for (unsigned i = 0; i < n->npeers;) {
			struct node_peer *p = n->peers[i];

			if (!p->root && now - p->last_receive >= ZT_PEER_IN_MEMORY_EXPIRATION) {
				node_peer_remove(n, p);
				continue;
			}
			if (p->root || now - p->last_receive < ZT_PEER_ACTIVITY_TIMEOUT)
				node_ping_peer(n, p, now);
			i++;
		}
		zt_fragment_expire(&n->frags, now);
	} else {
		next = n->last_ping + ZT_PING_CHECK_INTERVAL;
	}
	for (unsigned i = 0; i < ZT_NODE_WHOIS_PENDING; i++) {
		struct node_whois *w = &n->whois[i];

		if (!w->addr)
			continue;
		if (now - w->last >= ZT_WHOIS_RETRY_DELAY) {
			if (w->tries > ZT_MAX_WHOIS_RETRIES)
				w->addr = 0;
			else
				node_whois_send(n, w, now);
		}
		if (w->addr && w->last + ZT_WHOIS_RETRY_DELAY < next)
			next = w->last + ZT_WHOIS_RETRY_DELAY;
	}
	node_flush_queues(n, now);
	for (unsigned i = 0; i < ZT_NODE_QUEUE; i++) {
		if (n->rxq[i].len && n->rxq[i].t + ZT_NODE_QUEUE_TIMEOUT + 1 < next)
			next = n->rxq[i].t + ZT_NODE_QUEUE_TIMEOUT + 1;
		if (n->txq[i].used && n->txq[i].t + ZT_NODE_QUEUE_TIMEOUT + 1 < next)
			next = n->txq[i].t + ZT_NODE_QUEUE_TIMEOUT + 1;
	}
	return next > now ? next : now + 1;
}

/* ---- API ---- */

struct zt_node *zt_node_new(const struct zt_identity *me, const struct zt_world *planet,
			    const struct zt_node_callbacks *cb, int64_t now)
{
	struct zt_node *n;

	if (!me->has_private || !cb || !cb->send)
		return NULL;
	n = calloc(1, sizeof(*n));
	if (!n)
		return NULL;
	n->me = *me;
	n->planet = *planet;
	n->cb = *cb;
	n->last_ping = INT64_MIN / 2;
	n->last_root_receive = INT64_MIN / 2;
	zt_fragment_table_init(&n->frags, 0);
	for (unsigned i = 0; i < planet->n_roots; i++) {
		const struct zt_identity *rid = &planet->roots[i].identity;
		struct node_peer *p;
		uint8_t key[48];

		if (rid->address == me->address) {
			n->is_root = true;
			continue;
		}
		if (node_find(n, rid->address) || zt_identity_agree(me, rid, key) < 0)
			continue;
		p = node_peer_add(n, rid, key, now);
		sodium_memzero(key, sizeof(key));
		if (!p) {
			zt_node_free(n);
			return NULL;
		}
		p->root = (int)i + 1;
	}
	return n;
}

void zt_node_free(struct zt_node *n)
{
	if (!n)
		return;
	while (n->npeers)
		node_peer_remove(n, n->peers[0]);
	free(n->peers);
	sodium_memzero(&n->me, sizeof(n->me));
	free(n);
}

int zt_node_send(struct zt_node *n, uint64_t dest, unsigned verb, const uint8_t *payload,
		 size_t len, int64_t now, uint64_t *id)
{
	struct node_peer *p;
	struct node_txq *q = NULL;
	uint64_t pid = 0;

	if (dest == n->me.address || zt_identity_address_reserved(dest) || verb > 0x1f)
		return -EINVAL;
	if (len > ZT_PACKET_MAX_LEN - ZT_PACKET_MIN_LEN)
		return -EMSGSIZE;
	while (!pid)
		pid = node_random64();
	if (id)
		*id = pid;
	p = node_find(n, dest);
	if (p)
		return node_emit(n, p, verb, payload, len, NULL, pid, now);
	for (unsigned i = 0; i < ZT_NODE_QUEUE && !q; i++)
		if (!n->txq[i].used)
			q = &n->txq[i];
	if (!q)
		return -EAGAIN;
	q->used = true;
	q->dest = dest;
	q->id = pid;
	q->verb = verb;
	q->t = now;
	q->len = len;
	if (len)
		memcpy(q->data, payload, len);
	node_whois(n, dest, now);
	return 0;
}

int zt_node_echo(struct zt_node *n, uint64_t dest, const uint8_t *data, size_t len, int64_t now,
		 uint64_t *id)
{
	return zt_node_send(n, dest, ZT_VERB_ECHO, data, len, now, id);
}

int zt_node_user_message(struct zt_node *n, uint64_t dest, uint64_t type, const uint8_t *data,
			 size_t len, int64_t now)
{
	struct zt_packet_user_message um = {.type = type, .data = {data, len}};
	int plen = zt_packet_encode_user_message(&um, n->payload, sizeof(n->payload));

	if (plen < 0)
		return plen;
	return zt_node_send(n, dest, ZT_VERB_USER_MESSAGE, n->payload, (size_t)plen, now, NULL);
}

int zt_node_add_peer(struct zt_node *n, const struct zt_identity *id,
		     const struct zt_inetaddr *endpoints, unsigned count, int64_t now)
{
	uint8_t key[48];
	struct node_peer *p;

	if (id->address == n->me.address || zt_identity_address_reserved(id->address))
		return -EINVAL;
	if (node_find(n, id->address))
		return -EEXIST;
	if (zt_identity_agree(&n->me, id, key) < 0)
		return -EINVAL;
	p = node_peer_add(n, id, key, now);
	sodium_memzero(key, sizeof(key));
	if (!p)
		return -ENOMEM;
	/* A cached peer is not active until it talks to us. */
	p->last_receive = now - ZT_PEER_ACTIVITY_TIMEOUT;
	for (unsigned i = 0; i < count && i < ZT_NODE_MAX_PATHS; i++)
		if (endpoints[i].family == 4 || endpoints[i].family == 6)
			node_send_hello(n, p, &endpoints[i], now);
	return 0;
}

void zt_node_set_local_addrs(struct zt_node *n, const struct zt_inetaddr *a, unsigned count)
{
	if (count > ZT_NODE_MAX_LOCAL_ADDRS)
		count = ZT_NODE_MAX_LOCAL_ADDRS;
	memcpy(n->local, a, count * sizeof(*a));
	n->nlocal = count;
}

void zt_node_get_info(const struct zt_node *n, struct zt_node_info *out, int64_t now)
{
	memset(out, 0, sizeof(*out));
	out->address = n->me.address;
	out->is_root = n->is_root;
	out->online = n->is_root || now - n->last_root_receive < ZT_PEER_ACTIVITY_TIMEOUT;
	out->planet_id = n->planet.id;
	out->planet_ts = n->planet.timestamp;
	out->npeers = n->npeers;
	out->surface = n->surface;
	out->stats = n->st;
}

int zt_node_peer_info(const struct zt_node *n, unsigned i, struct zt_node_peer_info *out,
		      int64_t now)
{
	struct node_peer *p;
	struct node_path *best;

	if (i >= n->npeers)
		return -ENOENT;
	p = n->peers[i];
	memset(out, 0, sizeof(*out));
	out->address = p->id.address;
	out->identity = p->id;
	out->role = p->root ? ZT_NODE_ROLE_PLANET : ZT_NODE_ROLE_LEAF;
	out->proto = p->proto;
	out->major = p->major;
	out->minor = p->minor;
	out->revision = p->revision;
	out->latency = p->latency;
	out->last_receive = p->last_receive;
	best = node_best_path(p, now);
	for (unsigned k = 0; k < p->npaths; k++) {
		struct zt_node_path_info *pi = &out->paths[out->npaths++];

		pi->addr = p->paths[k].addr;
		pi->last_send = p->paths[k].last_out;
		pi->last_receive = p->paths[k].last_in;
		pi->expired = !node_path_alive(&p->paths[k], now);
		pi->preferred = &p->paths[k] == best;
	}
	out->relayed = !best;
	if (!best) {
		struct node_peer *r = node_best_root((struct zt_node *)n, now);

		out->relay = r && r != p ? r->id.address : 0;
	}
	return 0;
}

int zt_node_peer_find(const struct zt_node *n, uint64_t address, struct zt_node_peer_info *out,
		      int64_t now)
{
	struct node_peer *p = node_find(n, address);

	return p ? zt_node_peer_info(n, p->index, out, now) : -ENOENT;
}
