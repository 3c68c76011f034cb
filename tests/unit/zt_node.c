// SPDX-License-Identifier: BSD-2-Clause
/* Node state machine: a root and two leaves wired together in memory with a fake clock. */
#include <errno.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "zt_testutil.h"
#include "zt/armor.h"
#include "zt/fragment.h"
#include "zt/node.h"
#include "zt/packet.h"

#define NNODES 3
#define QMAX 4096
#define NALIAS 4

enum { ROOT, A, B };

struct dgram {
	int to;
	struct zt_inetaddr from;
	size_t len;
	uint8_t d[ZT_PACKET_MAX_LEN];
};

static struct sim {
	struct zt_node *node[NNODES];
	struct zt_identity id[NNODES];
	struct zt_inetaddr ep[NNODES];
	/* more addresses of each node, as a host's other interfaces: a datagram to alias[t][k]
	 * comes from alias[me][k] (the kernel picks the source on the same interface) */
	struct zt_inetaddr alias[NNODES][NALIAS];
	unsigned nalias;
	bool down[NNODES]; /* drops everything to and from this node */
	bool block_ab; /* no direct path between A and B */
	int64_t lag_to_a; /* ms each datagram to A takes (the clock moves on as it is delivered) */
	int tamper_next_to; /* flip a byte in the next datagram to this node, -1 none */
	struct dgram *q;
	unsigned qn;
	int64_t now;
	/* what the callbacks saw */
	unsigned echo_replies, echo_hops, user_msgs, user_hops, net_calls, net_verb;
	uint64_t echo_id, echo_from, user_from, user_type, net_from, net_packet_id;
	char echo_data[64], user_data[64];
	unsigned sent_to_root_endpoint;
	unsigned to_b; /* datagrams sent to B */
	size_t to_b_max; /* the longest of them */
	/* what each node's peer_paths callback last said about each other node (its peers.d) */
	struct zt_inetaddr cache[NNODES][NNODES][ZT_NODE_MAX_PATHS];
	unsigned ncache[NNODES][NNODES], peer_paths_calls;
} S;

struct zt_world planet;

static int ep_index(const struct zt_inetaddr *a)
{
	for (int i = 0; i < NNODES; i++)
		if (zt_inetaddr_equal(a, &S.ep[i]))
			return i;
	return -1;
}

/* Which node has address a among its other addresses (and which one: *k), or -1. */
static int alias_index(const struct zt_inetaddr *a, unsigned *k)
{
	for (int i = 0; i < NNODES; i++)
		for (*k = 0; *k < S.nalias; (*k)++)
			if (zt_inetaddr_equal(a, &S.alias[i][*k]))
				return i;
	return -1;
}

static void cb_send(void *ctx, const struct zt_inetaddr *to, const uint8_t *data, size_t len,
		    unsigned ttl)
{
	int me = (int)(intptr_t)ctx, t = ep_index(to);
	struct zt_inetaddr from = S.ep[me];
	struct dgram *d;
	unsigned k;

	if (t < 0 && (t = alias_index(to, &k)) >= 0)
		from = S.alias[me][k];

	if (t < 0 || S.down[me] || S.down[t] || S.qn >= QMAX)
		return;
	if (S.block_ab && ((me == A && t == B) || (me == B && t == A)))
		return;
	if (t == ROOT)
		S.sent_to_root_endpoint++;
	if (t == B) {
		S.to_b++;
		S.to_b_max = len > S.to_b_max ? len : S.to_b_max;
	}
	d = &S.q[S.qn++];
	d->to = t;
	d->from = from;
	d->len = len;
	memcpy(d->d, data, len);
	if (S.tamper_next_to == t && len > 40) {
		d->d[len - 1] ^= 0x01;
		S.tamper_next_to = -1;
	}
}

static void cb_echo(void *ctx, uint64_t from, uint64_t id, const uint8_t *data, size_t len,
		    unsigned hops, int64_t rtt)
{
	S.echo_replies++;
	S.echo_hops = hops;
	S.echo_id = id;
	S.echo_from = from;
	snprintf(S.echo_data, sizeof(S.echo_data), "%.*s", (int)len, (const char *)data);
}

static void cb_user(void *ctx, uint64_t from, uint64_t type, const uint8_t *data, size_t len,
		    unsigned hops)
{
	S.user_msgs++;
	S.user_hops = hops;
	S.user_from = from;
	S.user_type = type;
	snprintf(S.user_data, sizeof(S.user_data), "%.*s", (int)len, (const char *)data);
}

static void cb_net(void *ctx, uint64_t from, uint64_t packet_id, unsigned verb,
		   const uint8_t *payload, size_t len)
{
	S.net_calls++;
	S.net_from = from;
	S.net_packet_id = packet_id;
	S.net_verb = verb;
}

static void cb_paths(void *ctx, const struct zt_identity *id, const struct zt_inetaddr *paths,
		     unsigned count)
{
	int me = (int)(intptr_t)ctx;

	S.peer_paths_calls++;
	for (int w = 0; w < NNODES; w++) {
		if (S.id[w].address != id->address || count > ZT_NODE_MAX_PATHS)
			continue;
		memcpy(S.cache[me][w], paths, count * sizeof(*paths));
		S.ncache[me][w] = count;
	}
}

/* Deliver everything queued (and what that causes), in order. */
static void pump(void)
{
	static struct dgram cur;

	for (int rounds = 0; S.qn && rounds < 100000; rounds++) {
		cur = S.q[0];
		memmove(S.q, S.q + 1, (S.qn - 1) * sizeof(*S.q));
		S.qn--;
		if (cur.to == A)
			S.now += S.lag_to_a;
		if (S.node[cur.to] && !S.down[cur.to])
			zt_node_receive(S.node[cur.to], &cur.from, cur.d, cur.len, S.now);
	}
}

/* Datagrams a 3000-byte ECHO from A to B takes on the direct path, and the longest. */
static unsigned big_echo_dgrams(size_t *max)
{
	static uint8_t big[3000];

	S.to_b = 0;
	S.to_b_max = 0;
	S.echo_replies = 0;
	zt_node_echo(S.node[A], S.id[B].address, big, sizeof(big), S.now, NULL);
	pump();
	*max = S.to_b_max;
	return S.echo_replies == 1 && S.echo_hops == 0 ? S.to_b : 0;
}

/* Advance the clock in steps, running every node's timers. */
static void run(int64_t ms)
{
	int64_t end = S.now + ms;

	do {
		for (int i = 0; i < NNODES; i++)
			if (S.node[i] && !S.down[i])
				zt_node_tick(S.node[i], S.now);
		pump();
		S.now += 50;
	} while (S.now < end);
}

static struct zt_node *start(int i)
{
	struct zt_node_callbacks cb = {
	    .ctx = (void *)(intptr_t)i,
	    .send = cb_send,
	    .echo_reply = cb_echo,
	    .user_message = cb_user,
	    .network = cb_net,
	    .peer_paths = cb_paths,
	};

	return zt_node_new(&S.id[i], &planet, &cb, S.now);
}

static int peer(int at, int who, struct zt_node_peer_info *pi)
{
	return zt_node_peer_find(S.node[at], S.id[who].address, pi, S.now);
}

/* The preferred (best) path of node at to peer who, or NULL. */
static const struct zt_inetaddr *preferred(int at, int who, struct zt_node_peer_info *pi)
{
	if (peer(at, who, pi) < 0)
		return NULL;
	for (unsigned i = 0; i < pi->npaths; i++)
		if (pi->paths[i].preferred)
			return &pi->paths[i].addr;
	return NULL;
}

/* A is killed and restarts on a new UDP port, knowing B's endpoint from its cache (peers.d). Its
 * HELLO from the new port is B's first sign of it: B confirms the new endpoint and must use it at
 * once, though the old one has not timed out yet and had the lower latency (the new path is
 * slower here, as a loaded machine makes it). */
static void test_restart_new_port(void)
{
	struct zt_node_peer_info pi;
	struct zt_identity bpub = S.id[B];
	const struct zt_inetaddr *pa;
	struct zt_inetaddr old = S.ep[A];

	/* A (restarted above) knows B again and has a direct path to it. */
	zt_node_echo(S.node[B], S.id[A].address, (const uint8_t *)"warm", 4, S.now, NULL);
	run(2000);
	S.echo_replies = 0;
	zt_node_echo(S.node[B], S.id[A].address, (const uint8_t *)"before", 6, S.now, NULL);
	pump();
	pa = preferred(B, A, &pi);
	ok(S.echo_replies == 1 && S.echo_hops == 0 && pa && zt_inetaddr_equal(pa, &old),
	   "before: B reaches A directly at its endpoint");
	ok(S.ncache[A][B] == 1 && zt_inetaddr_equal(&S.cache[A][B][0], &S.ep[B]),
	   "A's peer_paths callback gave B's endpoint to cache as soon as it was confirmed");
	ok(S.ncache[A][ROOT] == 0, "roots are not cached (the planet has them)");

	/* Just before, B was made to try another endpoint for A (A's packet, seen from a NAT's other
	 * port): that must not hold back the try at A's new one. */
	zt_node_echo(S.node[A], S.id[B].address, (const uint8_t *)"elsewhere", 9, S.now, NULL);
	{
		uint8_t ip[4] = {10, 0, 0, 9};

		zt_inetaddr_set(&S.q[S.qn - 1].from, 4, ip, 4242);
	}
	pump();

	zt_node_free(S.node[A]); /* SIGKILL: no goodbye */
	S.ep[A].port = 9994; /* nothing answers at the old endpoint now */
	S.lag_to_a = 5;
	S.node[A] = start(A);
	bpub.has_private = false;
	memset(bpub.priv, 0, sizeof(bpub.priv));
	is_int(zt_node_add_peer(S.node[A], &bpub, S.cache[A][B], S.ncache[A][B], S.now), 0,
	       "A restarted on a new port, B and its endpoint from A's cache");
	run(100);
	pa = preferred(B, A, &pi);
	ok(pa && zt_inetaddr_equal(pa, &S.ep[A]),
	   "at once B prefers A's new endpoint (the old one is %s)",
	   pa && zt_inetaddr_equal(pa, &old) ? "still preferred" : "not preferred");
	ok(pi.npaths == 2 && !pi.relayed, "B keeps the old path until it expires (%u paths)",
	   pi.npaths);
	ok(S.ncache[B][A] == 2 && zt_inetaddr_equal(&S.cache[B][A][1], &S.ep[A]),
	   "B's cache of A has both endpoints, the new one included");
	S.echo_replies = 0;
	zt_node_echo(S.node[B], S.id[A].address, (const uint8_t *)"after", 5, S.now, NULL);
	pump();
	ok(S.echo_replies == 1 && S.echo_hops == 0 && !strcmp(S.echo_data, "after"),
	   "B's next ECHO reaches A directly at once");
	S.lag_to_a = 0;
}

/* The same on a host with several interfaces (as the machines the stress test runs on: loopback,
 * a v4 and a v6 address, containers' veths): each node has NALIAS + 1 endpoints, B has a path at
 * each of A's, A's cache has all of B's, and after A's restart its HELLOs reach B from that many
 * new endpoints at once. */
static void test_restart_new_port_aliases(void)
{
	struct zt_node_peer_info pi;
	struct zt_identity bpub = S.id[B];
	struct zt_inetaddr bcache[NALIAS + 1];
	const struct zt_inetaddr *pa;
	unsigned k;

	S.nalias = NALIAS;
	for (int i = 0; i < NNODES; i++)
		for (k = 0; k < NALIAS; k++) {
			uint8_t ip[4] = {10, (uint8_t)(k + 1), 0, (uint8_t)(i + 1)};

			zt_inetaddr_set(&S.alias[i][k], 4, ip, S.ep[i].port);
		}
	/* B meets A at each of its other addresses (A's packet from there, B's HELLO, A's OK). */
	for (k = 0; k < NALIAS; k++) {
		zt_node_echo(S.node[A], S.id[B].address, (const uint8_t *)"alias", 5, S.now, NULL);
		S.q[S.qn - 1].from = S.alias[A][k];
		pump();
		run(ZT_PATH_HELLO_RATE_LIMIT + 100);
	}
	ok(peer(B, A, &pi) == 0 && pi.npaths >= NALIAS + 1,
	   "B has a path at each of A's %u addresses (%u paths)", NALIAS + 1, pi.npaths);

	zt_node_free(S.node[A]);
	S.ep[A].port = 9995;
	for (k = 0; k < NALIAS; k++)
		S.alias[A][k].port = 9995;
	S.node[A] = start(A);
	bpub.has_private = false;
	memset(bpub.priv, 0, sizeof(bpub.priv));
	bcache[0] = S.ep[B];
	for (k = 0; k < NALIAS; k++)
		bcache[k + 1] = S.alias[B][k];
	is_int(zt_node_add_peer(S.node[A], &bpub, bcache, NALIAS + 1, S.now), 0,
	       "A restarted on a new port with B's %u endpoints cached", NALIAS + 1);
	run(100);
	pa = preferred(B, A, &pi);
	ok(pa && pa->port == 9995, "at once B prefers one of A's new endpoints (%u paths, %s)",
	   pi.npaths, pa ? (pa->port == 9995 ? "new" : "an old one") : "none");
	S.echo_replies = 0;
	zt_node_echo(S.node[B], S.id[A].address, (const uint8_t *)"after", 5, S.now, NULL);
	pump();
	ok(S.echo_replies == 1 && S.echo_hops == 0, "B's next ECHO reaches A directly at once");
	S.nalias = 0;
}

/* A restarts on a new port and B's one try at the new endpoint is lost (a datagram dropped on a
 * loaded machine; or B's per-second budget of tries is spent). A must not leave B on the dead
 * endpoint until its next ping check: as ZeroTier's Peer::received, the first packet from B makes
 * A push its direct paths, and B tries those at once. */
static void test_restart_new_port_lost_try(void)
{
	struct zt_node_peer_info pi;
	struct zt_identity bpub = S.id[B];
	const struct zt_inetaddr *pa;

	run(ZT_PATH_HELLO_RATE_LIMIT + 100); /* B's tries at A's last endpoints are not recent */
	zt_node_free(S.node[A]);
	S.ep[A].port = 9997;
	S.node[A] = start(A);
	zt_node_set_local_addrs(S.node[A], &S.ep[A], 1); /* the daemon does so before peers.d */
	bpub.has_private = false;
	memset(bpub.priv, 0, sizeof(bpub.priv));
	S.tamper_next_to = A; /* B's HELLO to A's new endpoint: A drops it (bad MAC) */
	is_int(zt_node_add_peer(S.node[A], &bpub, &S.ep[B], 1, S.now), 0,
	       "A restarted on a new port, B cached");
	run(100);
	ok(S.tamper_next_to == -1, "B's first datagram to A's new endpoint was lost");
	pa = preferred(B, A, &pi);
	ok(pa && zt_inetaddr_equal(pa, &S.ep[A]),
	   "B's try lost: B still takes A's new endpoint at once (%s)",
	   pa ? (zt_inetaddr_equal(pa, &S.ep[A]) ? "new" : "an old one") : "none");
	S.echo_replies = 0;
	zt_node_echo(S.node[B], S.id[A].address, (const uint8_t *)"after", 5, S.now, NULL);
	pump();
	ok(S.echo_replies == 1 && S.echo_hops == 0, "B's next ECHO reaches A directly at once");
	S.tamper_next_to = -1;
}

static void test_flood_and_garbage(void)
{
	struct zt_node_info before, after;
	uint8_t pkt[512], junk[200];
	unsigned i;

	zt_node_get_info(S.node[ROOT], &before, S.now);
	/* 200 HELLOs, each from a fresh identity whose address is not its hash, MAC valid. */
	for (i = 0; i < 200; i++) {
		struct zt_packet_hello h;
		uint8_t key[48];
		int len;

		memset(&h, 0, sizeof(h));
		h.proto = 11;
		zt_c25519_generate(h.identity.pub, h.identity.priv);
		h.identity.has_private = true;
		h.identity.address = 0x1000000000ULL + i;
		h.timestamp = 1;
		zt_identity_agree(&h.identity, &S.id[ROOT], key);
		h.identity.has_private = false;
		len = zt_packet_encode_hello(&h, NULL, NULL, pkt + 28, sizeof(pkt) - 28);
		zt_packet_init(pkt, 0x1234 + i, S.id[ROOT].address, h.identity.address,
			       ZT_VERB_HELLO);
		zt_armor_seal(pkt, 28 + (size_t)len, key, ZT_ARMOR_CIPHER_POLY1305_NONE);
		zt_node_receive(S.node[ROOT], &S.ep[A], pkt, 28 + (size_t)len, S.now);
	}
	zt_node_get_info(S.node[ROOT], &after, S.now);
	ok(after.stats.identity_validations - before.stats.identity_validations <=
	       ZT_NODE_VALIDATE_SOURCE_BURST,
	   "a flood of 200 fresh-identity HELLOs from one prefix costs at most %d hashes (%llu)",
	   ZT_NODE_VALIDATE_SOURCE_BURST,
	   (unsigned long long)(after.stats.identity_validations -
				before.stats.identity_validations));
	ok(after.stats.drop_rate_limited - before.stats.drop_rate_limited >= 190,
	   "the rest are refused by the rate gate");
	is_int(after.npeers, before.npeers, "no peer was added");

	/* Garbage: random lengths and bytes, and a packet from an unknown address. */
	zt_node_get_info(S.node[B], &before, S.now);
	for (i = 0; i < 2000; i++) {
		size_t len = 1 + (size_t)randombytes_uniform(sizeof(junk));

		randombytes_buf(junk, len);
		zt_identity_address_put(junk + 8, S.id[B].address);
		zt_node_receive(S.node[B], &S.ep[A], junk, len, S.now);
	}
	zt_node_get_info(S.node[B], &after, S.now);
	ok(after.stats.rx_packets == before.stats.rx_packets,
	   "2000 random datagrams: none authenticated");
	ok(after.stats.drop_short + after.stats.drop_malformed + after.stats.drop_unknown_peer +
		   after.stats.drop_mac >
	       before.stats.drop_short + before.stats.drop_malformed +
		   before.stats.drop_unknown_peer + before.stats.drop_mac,
	   "and they are counted as dropped");
}

int main(void)
{
	struct zt_node_peer_info pi;
	struct zt_node_info info;
	uint64_t id;
	int r;

	if (sodium_init() < 0)
		return 1;
	S.q = calloc(QMAX, sizeof(*S.q));
	S.tamper_next_to = -1;
	S.now = 1700000000000LL;
	zt_test_load_id(&S.id[ROOT], ZT_TEST_DATA "root.identity.secret");
	zt_test_load_id(&S.id[A], ZT_TEST_DATA "m1.identity.secret");
	zt_test_load_id(&S.id[B], ZT_TEST_DATA "m2.identity.secret");
	for (int i = 0; i < NNODES; i++) {
		uint8_t ip[4] = {10, 0, 0, (uint8_t)(i + 1)};

		zt_inetaddr_set(&S.ep[i], 4, ip, 9993);
	}
	planet.type = ZT_WORLD_TYPE_PLANET;
	planet.id = 42;
	planet.timestamp = 1;
	planet.n_roots = 1;
	planet.roots[0].identity = S.id[ROOT];
	planet.roots[0].identity.has_private = false;
	planet.roots[0].n_endpoints = 1;
	planet.roots[0].endpoints[0] = S.ep[ROOT];

	for (int i = 0; i < NNODES; i++)
		S.node[i] = start(i);
	ok(S.node[ROOT] && S.node[A] && S.node[B], "three nodes");
	zt_node_get_info(S.node[ROOT], &info, S.now);
	ok(info.is_root && info.online, "the planet's root knows it is one");
	zt_node_get_info(S.node[A], &info, S.now);
	ok(!info.is_root && !info.online, "a leaf starts offline");

	run(200);
	zt_node_get_info(S.node[A], &info, S.now);
	ok(info.online, "after HELLO/OK(HELLO) with the root, A is online");
	ok(info.surface.family == 4 && !memcmp(info.surface.ip, S.ep[A].ip, 4),
	   "the root told A the address it sees A at");
	ok(peer(A, ROOT, &pi) == 0 && pi.npaths == 1 && !pi.relayed &&
	       pi.role == ZT_NODE_ROLE_PLANET,
	   "A has a direct path to the root, role PLANET");
	ok(pi.proto == 11 && pi.latency >= 0, "root's protocol version 11 and a latency");
	ok(peer(ROOT, A, &pi) == 0 && peer(ROOT, B, &pi) == 0, "the root knows A and B");
	ok(peer(A, B, &pi) == -ENOENT, "A does not know B yet");

	/* First ECHO: WHOIS, then relayed through the root; the root unites A and B. */
	S.echo_replies = 0;
	r = zt_node_echo(S.node[A], S.id[B].address, (const uint8_t *)"ping-1", 6, S.now, &id);
	is_int(r, 0, "ECHO to B queued behind a WHOIS");
	pump();
	ok(S.echo_replies == 1 && S.echo_id == id && !strcmp(S.echo_data, "ping-1") &&
	       S.echo_from == S.id[B].address,
	   "OK(ECHO) from B with the same payload");
	is_int(S.echo_hops, 1, "the first reply came through the root (1 hop)");
	zt_node_get_info(S.node[ROOT], &info, S.now);
	ok(info.stats.relayed >= 2 && info.stats.rendezvous_sent >= 2,
	   "the root relayed and sent RENDEZVOUS to both ends");
	ok(peer(A, B, &pi) == 0 && !pi.relayed && pi.npaths == 1 &&
	       zt_inetaddr_equal(&pi.paths[0].addr, &S.ep[B]),
	   "A now has a direct path to B at B's endpoint");
	ok(peer(B, A, &pi) == 0 && !pi.relayed, "and B to A");

	S.echo_replies = 0;
	zt_node_echo(S.node[A], S.id[B].address, (const uint8_t *)"ping-2", 6, S.now, &id);
	pump();
	ok(S.echo_replies == 1 && S.echo_hops == 0, "the next ECHO goes direct (0 hops)");
	{
		size_t max;
		unsigned n = big_echo_dgrams(&max);

		ok(n == 3 && max <= ZT_FRAGMENT_DEFAULT_MTU,
		   "3000-byte ECHO on a 10.0.0.x path: 3 datagrams of at most %d bytes (%u, %zu)",
		   ZT_FRAGMENT_DEFAULT_MTU, n, max);
	}

	zt_node_user_message(S.node[B], S.id[A].address, 0x1234, (const uint8_t *)"hello A", 7,
			     S.now);
	pump();
	ok(S.user_msgs == 1 && S.user_from == S.id[B].address && S.user_type == 0x1234 &&
	       !strcmp(S.user_data, "hello A") && S.user_hops == 0,
	   "USER_MESSAGE from B to A, direct");
	{
		/* A network verb reaches the network callback with the ID of its packet, which an
		 * answer names in re. */
		static const uint8_t frame[] = {0, 0, 0, 0, 0, 0, 0, 1, 0x08, 0x00, 'x'};
		uint64_t frame_id = 0;

		S.net_calls = 0;
		ok(zt_node_send(S.node[A], S.id[B].address, ZT_VERB_FRAME, frame, sizeof(frame),
				S.now, &frame_id) == 0 &&
		       frame_id,
		   "A sends B a FRAME");
		pump();
		ok(S.net_calls == 1 && S.net_from == S.id[A].address &&
		       S.net_verb == ZT_VERB_FRAME && S.net_packet_id == frame_id,
		   "B's network callback: from A, FRAME, the packet ID A sent (%u calls)",
		   S.net_calls);
	}

	/* A tampered packet fails its MAC and is counted. */
	zt_node_get_info(S.node[B], &info, S.now);
	S.tamper_next_to = B;
	S.echo_replies = 0;
	zt_node_echo(S.node[A], S.id[B].address, (const uint8_t *)"tampered-payload-xyz", 20, S.now,
		     NULL);
	pump();
	{
		struct zt_node_info after;

		zt_node_get_info(S.node[B], &after, S.now);
		is_int(after.stats.drop_mac - info.stats.drop_mac, 1,
		       "tampered ECHO: MAC failure counted");
		is_int(S.echo_replies, 0, "and not answered");
	}

	/* The root goes away: keepalives keep the direct path; traffic keeps flowing. */
	S.down[ROOT] = true;
	run(10 * 60 * 1000);
	S.echo_replies = 0;
	zt_node_echo(S.node[A], S.id[B].address, (const uint8_t *)"ping-3", 6, S.now, NULL);
	pump();
	ok(S.echo_replies == 1 && S.echo_hops == 0,
	   "10 minutes with the root down: ECHO still answered directly");
	ok(peer(A, B, &pi) == 0 && !pi.relayed, "the path to B stayed alive on keepalives");
	ok(peer(A, ROOT, &pi) == 0 && pi.relayed && pi.npaths == 0, "the root's path expired");
	zt_node_get_info(S.node[A], &info, S.now);
	ok(!info.online, "with no root heard for 10 minutes A is offline");

	/* The root comes back; then the direct link breaks: traffic falls back to relaying. */
	S.down[ROOT] = false;
	run(6000);
	zt_node_get_info(S.node[A], &info, S.now);
	ok(info.online, "root back: A online again within a ping period");
	S.block_ab = true;
	run(ZT_PATH_HEARTBEAT_PERIOD + 6000);
	S.echo_replies = 0;
	zt_node_echo(S.node[A], S.id[B].address, (const uint8_t *)"ping-4", 6, S.now, NULL);
	pump();
	ok(S.echo_replies == 1 && S.echo_hops == 1,
	   "direct link cut: the ECHO is relayed by the root again");
	S.block_ab = false;

	/* A restarts with the same identity: the root takes its HELLO (no collision). */
	zt_node_free(S.node[A]);
	S.node[A] = start(A);
	run(200);
	zt_node_get_info(S.node[A], &info, S.now);
	ok(info.online && info.address == S.id[A].address, "A restarted, same address, online");

	/* WHOIS for an address nobody has: the queued packet is given up, bounded. */
	r = zt_node_echo(S.node[A], 0x0102030405ULL, NULL, 0, S.now, NULL);
	is_int(r, 0, "ECHO to an unknown address is queued");
	run(ZT_NODE_QUEUE_TIMEOUT + 3000);
	zt_node_get_info(S.node[A], &info, S.now);
	ok(info.stats.whois_sent >= 2, "WHOIS asked and retried (%llu)",
	   (unsigned long long)info.stats.whois_sent);

	test_restart_new_port();
	test_restart_new_port_aliases();
	test_restart_new_port_lost_try();
	test_flood_and_garbage();

	for (int i = 0; i < NNODES; i++)
		zt_node_free(S.node[i]);

	/* The same three nodes on loopback endpoints: whole packets, one datagram each. */
	for (int i = 0; i < NNODES; i++) {
		uint8_t ip[4] = {127, 0, 0, 1};

		zt_inetaddr_set(&S.ep[i], 4, ip, (uint16_t)(9993 + i));
		S.node[i] = NULL;
	}
	planet.roots[0].endpoints[0] = S.ep[ROOT];
	for (int i = 0; i < NNODES; i++)
		S.node[i] = start(i);
	run(200);
	zt_node_echo(S.node[A], S.id[B].address, (const uint8_t *)"lo", 2, S.now, NULL);
	pump();
	{
		size_t max;
		unsigned n = big_echo_dgrams(&max);

		ok(n == 1 && max > 3000,
		   "3000-byte ECHO on a loopback path: 1 datagram, not fragmented (%u, %zu)", n,
		   max);
	}
	for (int i = 0; i < NNODES; i++)
		zt_node_free(S.node[i]);
	free(S.q);
	return done_testing();
}
