// SPDX-License-Identifier: BSD-2-Clause
/* Benchmark: ECHO round trips between two nodes, direct and through a root relay, with the nodes
 * wired in memory (no sockets): the state machine's packets per second and CPU per packet, beside
 * the bare seal+open of the same packets as the baseline. */
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "zt/armor.h"
#include "zt/node.h"
#include "zt/packet.h"

enum { ROOT, A, B, NN };

struct dg {
	int to;
	struct zt_inetaddr from;
	size_t len;
	uint8_t d[1500];
};

static struct zt_node *node[NN];
static struct zt_identity id[NN];
static struct zt_inetaddr ep[NN];
static struct dg q[256];
static unsigned qh, qt;
static bool block_ab;
static uint64_t replies, datagrams;
static int64_t now = 1700000000000LL;

static void cb_send(void *ctx, const struct zt_inetaddr *to, const uint8_t *d, size_t len,
		    unsigned ttl)
{
	int me = (int)(intptr_t)ctx, t = -1;

	for (int i = 0; i < NN; i++)
		if (zt_inetaddr_equal(to, &ep[i]))
			t = i;
	if (t < 0 || len > sizeof(q[0].d) || qt - qh >= 256)
		return;
	if (block_ab && ((me == A && t == B) || (me == B && t == A)))
		return;
	q[qt % 256].to = t;
	q[qt % 256].from = ep[me];
	q[qt % 256].len = len;
	memcpy(q[qt % 256].d, d, len);
	qt++;
}

static void cb_echo(void *ctx, uint64_t from, uint64_t pid, const uint8_t *d, size_t len,
		    unsigned hops, int64_t rtt)
{
	replies++;
}

static void pump(void)
{
	while (qh != qt) {
		struct dg *g = &q[qh++ % 256];

		datagrams++;
		zt_node_receive(node[g->to], &g->from, g->d, g->len, now);
	}
}

static double cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double wall_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void load(int i, const char *path)
{
	char buf[400];
	FILE *f = fopen(path, "r");

	if (!f || !fgets(buf, sizeof(buf), f) || zt_identity_from_string(&id[i], buf) < 0) {
		fprintf(stderr, "cannot read %s (run from the top of the tree)\n", path);
		exit(1);
	}
	fclose(f);
}

/* n ECHOs of size bytes A->B; returns ns of CPU per datagram and prints the line. */
static double run(const char *name, unsigned n, size_t size)
{
	uint8_t payload[1200];
	uint64_t r0 = replies, d0 = datagrams;
	double c0 = cpu_s(), w0 = wall_s(), c, w;

	memset(payload, 0x5a, sizeof(payload));
	for (unsigned i = 0; i < n; i++) {
		zt_node_echo(node[A], id[B].address, payload, size, now, NULL);
		pump();
	}
	c = cpu_s() - c0;
	w = wall_s() - w0;
	printf("%-28s %5zu B  %8.0f ECHO/s  %9.0f datagrams/s  %6.0f ns CPU/datagram  (%llu/%u "
	       "answered)\n",
	       name, size, n / w, (datagrams - d0) / w, c * 1e9 / (double)(datagrams - d0),
	       (unsigned long long)(replies - r0), n);
	return c * 1e9 / (double)(datagrams - d0);
}

static double baseline(size_t size, unsigned n)
{
	uint8_t pkt[1500], key[32];
	double c0 = cpu_s();

	randombytes_buf(key, sizeof(key));
	for (unsigned i = 0; i < n; i++) {
		zt_packet_init(pkt, i + 1, 1, 2, ZT_VERB_ECHO);
		memset(pkt + 28, 0x5a, size);
		zt_armor_seal(pkt, 28 + size, key, ZT_ARMOR_CIPHER_POLY1305_SALSA2012);
		zt_armor_open(pkt, 28 + size, key);
	}
	return (cpu_s() - c0) * 1e9 / n;
}

int main(int argc, char **argv)
{
	struct zt_world planet;
	unsigned n = argc > 1 ? (unsigned)atoi(argv[1]) : 200000;

	if (sodium_init() < 0)
		return 1;
	load(ROOT, "tests/data/zt/root.identity.secret");
	load(A, "tests/data/zt/m1.identity.secret");
	load(B, "tests/data/zt/m2.identity.secret");
	memset(&planet, 0, sizeof(planet));
	planet.type = ZT_WORLD_TYPE_PLANET;
	planet.n_roots = 1;
	planet.roots[0].identity = id[ROOT];
	planet.roots[0].identity.has_private = false;
	planet.roots[0].n_endpoints = 1;
	for (int i = 0; i < NN; i++) {
		uint8_t ip[4] = {10, 0, 0, (uint8_t)(i + 1)};
		zt_inetaddr_set(&ep[i], 4, ip, 9993);
		if (i == ROOT)
			planet.roots[0].endpoints[0] = ep[i];
	}
	for (int i = 0; i < NN; i++) {
		struct zt_node_callbacks cb = {
		    .ctx = (void *)(intptr_t)i, .send = cb_send, .echo_reply = cb_echo};

		node[i] = zt_node_new(&id[i], &planet, &cb, now);
	}
	for (int i = 0; i < NN; i++)
		zt_node_tick(node[i], now);
	pump();
	/* Relayed: no direct path between A and B (RENDEZVOUS has nowhere to lead). */
	block_ab = true;
	zt_node_echo(node[A], id[B].address, NULL, 0, now, NULL);
	pump();
	printf("ZeroTier node pair, in memory (no sockets), one core; %u ECHOs per line\n", n);
	double rel = run("relayed through a root", n, 0);
	double rel_big = run("relayed through a root", n / 4, 1100);
	block_ab = false;
	/* Past ZT_MIN_UNITE_INTERVAL, with keepalives: the next relay unites A and B. */
	for (int s = 0; s < 32; s++) {
		now += 1000;
		for (int i = 0; i < NN; i++)
			zt_node_tick(node[i], now);
		pump();
	}
	zt_node_echo(node[A], id[B].address, NULL, 0, now, NULL);
	pump();
	zt_node_echo(node[A], id[B].address, NULL, 0, now, NULL);
	pump();
	double dir = run("direct", n, 0);
	double dir_big = run("direct", n / 4, 1100);
	double b0 = baseline(9, n), b1 = baseline(1109, n / 4);

	printf("baseline: seal+open of one packet: %.0f ns (9 B payload), %.0f ns (1109 B)\n", b0,
	       b1);
	printf("ratio node CPU/datagram to bare seal+open: direct %.2fx / %.2fx, relayed %.2fx / "
	       "%.2fx (a relayed datagram costs the root no crypto)\n",
	       dir / b0, dir_big / b1, rel / b0, rel_big / b1);
	for (int i = 0; i < NN; i++)
		zt_node_free(node[i]);
	return 0;
}
