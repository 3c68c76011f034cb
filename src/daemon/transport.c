// SPDX-License-Identifier: BSD-2-Clause
/* The ZeroTier UDP transport: one dual-stack socket in the epoll loop, batched receive and send. */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "daemon/transport.h"
#include "zt/packet.h"

/* Room for a whole unfragmented ZeroTier packet; anything longer is not one. */
#define TRANSPORT_MTU (ZT_PACKET_MAX_LEN + 1)
/* recvmmsg rounds per wake-up, so other sockets get their turn under a flood. */
#define TRANSPORT_RX_ROUNDS 8

static struct loop_obj udp_obj = {.type = LOOP_UDP};
static int udp_fd = -1, udp_family;
static transport_rx_fn rx_fn;
static struct transport_stats stats;
/* Test-only: NETCON_TEST_LOSS=PERCENT[:SEED] drops that share of received datagrams (seeded
 * xorshift32), for tests/stress/loss.sh; the machines it runs on have no netem. */
static uint32_t loss_permille, loss_state;
/* Test-only: NETCON_TEST_DELAY_MS=MS and NETCON_TEST_JITTER_MS=MS hold each received datagram that
 * long (plus 0..jitter, never overtaking the one before: order is kept) before the node sees it,
 * to emulate distance. A ring of datagrams with their due times; the loop sleeps until the next is
 * due (transport_timeout_ms). When the ring is full (DELAY_SLOTS datagrams, DELAY_BYTES in all)
 * new datagrams are dropped, as a router's full queue would. */
#define DELAY_SLOTS 32768
#define DELAY_BYTES (48u << 20)
struct delayed {
	uint64_t due_us;
	struct zt_inetaddr from;
	size_t len;
	uint8_t *data;
};
static struct {
	uint32_t delay_us, jitter_us, rng;
	struct delayed *ring; /* DELAY_SLOTS, allocated when the knob is set */
	unsigned head, n;
	size_t bytes;
	uint64_t last_due_us;
} dq;

static struct {
	struct mmsghdr msg[TRANSPORT_BATCH];
	struct iovec iov[TRANSPORT_BATCH];
	struct sockaddr_in6 addr[TRANSPORT_BATCH];
	uint8_t buf[TRANSPORT_BATCH][TRANSPORT_MTU];
} rx, tx;
static unsigned tx_n;

/* zt_inetaddr to a sockaddr for our socket (IPv4 as ::ffff:a.b.c.d on a dual-stack one). */
static socklen_t transport_sockaddr(const struct zt_inetaddr *a, struct sockaddr_in6 *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (udp_family == AF_INET) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

		if (a->family != 4)
			return 0;
		s4->sin_family = AF_INET;
		s4->sin_port = htons(a->port);
		memcpy(&s4->sin_addr, a->ip, 4);
		return sizeof(*s4);
	}
	ss->sin6_family = AF_INET6;
	ss->sin6_port = htons(a->port);
	if (a->family == 4) {
		ss->sin6_addr.s6_addr[10] = 0xff;
		ss->sin6_addr.s6_addr[11] = 0xff;
		memcpy(&ss->sin6_addr.s6_addr[12], a->ip, 4);
	} else if (a->family == 6) {
		memcpy(&ss->sin6_addr, a->ip, 16);
	} else {
		return 0;
	}
	return sizeof(*ss);
}

static bool transport_from_sockaddr(struct zt_inetaddr *out, const struct sockaddr_in6 *ss)
{
	if (ss->sin6_family == AF_INET) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;

		zt_inetaddr_set(out, 4, &s4->sin_addr, ntohs(s4->sin_port));
		return true;
	}
	if (ss->sin6_family != AF_INET6)
		return false;
	if (IN6_IS_ADDR_V4MAPPED(&ss->sin6_addr))
		zt_inetaddr_set(out, 4, &ss->sin6_addr.s6_addr[12], ntohs(ss->sin6_port));
	else
		zt_inetaddr_set(out, 6, &ss->sin6_addr, ntohs(ss->sin6_port));
	return true;
}

static int transport_bind(int family, uint16_t port)
{
	int fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), zero = 0,
	    buf = 4 << 20;
	struct sockaddr_in6 ss;
	socklen_t len;

	if (fd < 0)
		return -errno;
	memset(&ss, 0, sizeof(ss));
	if (family == AF_INET6) {
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
		ss.sin6_family = AF_INET6;
		ss.sin6_port = htons(port);
		len = sizeof(ss);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		len = sizeof(*s4);
	}
	/* Bursts of small datagrams: ask for roomy buffers (capped by rmem_max unless root). */
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof(buf));
	if (bind(fd, (struct sockaddr *)&ss, len) < 0) {
		int r = -errno;

		close(fd);
		return r;
	}
	return fd;
}

static void transport_loss_init(void)
{
	const char *e = getenv("NETCON_TEST_LOSS"), *colon;
	double pct;

	if (!e || !*e)
		return;
	pct = atof(e);
	colon = strchr(e, ':');
	loss_state = colon ? (uint32_t)strtoul(colon + 1, NULL, 0) : 1;
	if (!loss_state)
		loss_state = 1;
	if (pct <= 0 || pct > 100)
		return;
	loss_permille = (uint32_t)(pct * 10 + 0.5);
	log_warn(
	    "NETCON_TEST_LOSS: dropping %.1f%% of received UDP datagrams (seed %u), a test knob",
	    loss_permille / 10.0, loss_state);
}

static bool transport_loss_drop(void)
{
	if (!loss_permille)
		return false;
	loss_state ^= loss_state << 13;
	loss_state ^= loss_state >> 17;
	loss_state ^= loss_state << 5;
	return loss_state % 1000 < loss_permille;
}

static uint64_t transport_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void transport_delay_init(void)
{
	const char *d = getenv("NETCON_TEST_DELAY_MS"), *j = getenv("NETCON_TEST_JITTER_MS");
	double dms = d && *d ? atof(d) : 0, jms = j && *j ? atof(j) : 0;

	if (dms < 0 || dms > 10000 || jms < 0 || jms > 10000) {
		log_warn("NETCON_TEST_DELAY_MS/JITTER_MS out of 0..10000, ignored");
		return;
	}
	if (dms <= 0 && jms <= 0)
		return;
	dq.ring = calloc(DELAY_SLOTS, sizeof(*dq.ring));
	if (!dq.ring) {
		log_warn("NETCON_TEST_DELAY_MS: no memory for the queue, not delaying");
		return;
	}
	dq.rng = 0x9e3779b9u;
	dq.delay_us = (uint32_t)(dms * 1000);
	dq.jitter_us = (uint32_t)(jms * 1000);
	log_warn("NETCON_TEST_DELAY_MS: holding received UDP datagrams %.1f ms (+0..%.1f ms "
		 "jitter, in order), a test knob",
		 dq.delay_us / 1000.0, dq.jitter_us / 1000.0);
}

/* Queue a received datagram for later; false if the queue is full (then it is dropped). */
static bool transport_delay_push(const struct zt_inetaddr *from, const uint8_t *data, size_t len)
{
	struct delayed *e;
	uint64_t due = transport_now_us() + dq.delay_us;

	if (dq.n == DELAY_SLOTS || dq.bytes + len > DELAY_BYTES)
		return false;
	if (dq.jitter_us) {
		dq.rng ^= dq.rng << 13;
		dq.rng ^= dq.rng >> 17;
		dq.rng ^= dq.rng << 5;
		due += dq.rng % (dq.jitter_us + 1);
	}
	if (due < dq.last_due_us)
		due = dq.last_due_us;
	e = &dq.ring[(dq.head + dq.n) % DELAY_SLOTS];
	e->data = malloc(len);
	if (!e->data)
		return false;
	memcpy(e->data, data, len);
	e->len = len;
	e->from = *from;
	e->due_us = due;
	dq.last_due_us = due;
	dq.bytes += len;
	dq.n++;
	return true;
}

void transport_run_due(void)
{
	uint64_t now;
	unsigned done = 0;

	if (!dq.n)
		return;
	now = transport_now_us();
	/* A bounded batch per call, so a long queue does not starve the loop. */
	while (dq.n && done < 8 * TRANSPORT_BATCH) {
		struct delayed *e = &dq.ring[dq.head];

		if (e->due_us > now)
			break;
		dq.head = (dq.head + 1) % DELAY_SLOTS;
		dq.n--;
		dq.bytes -= e->len;
		if (rx_fn)
			rx_fn(&e->from, e->data, e->len);
		free(e->data);
		e->data = NULL;
		done++;
	}
	if (done)
		transport_flush();
}

int transport_timeout_ms(int max_ms)
{
	uint64_t now, due, wait;

	if (!dq.n)
		return max_ms;
	now = transport_now_us();
	due = dq.ring[dq.head].due_us;
	if (due <= now)
		return 0;
	wait = (due - now + 999) / 1000; /* rounded up: never wake before it is due */
	return wait < (uint64_t)max_ms ? (int)wait : max_ms;
}

int transport_open(uint16_t port, bool fallback, transport_rx_fn rx_cb)
{
	struct sockaddr_in6 ss;
	socklen_t len = sizeof(ss);
	int fd = -1, r;

	for (int attempt = 0; attempt < 64; attempt++) {
		udp_family = AF_INET6;
		fd = transport_bind(AF_INET6, port);
		if (fd == -EAFNOSUPPORT || fd == -EADDRNOTAVAIL) {
			udp_family = AF_INET;
			fd = transport_bind(AF_INET, port);
		}
		if (fd != -EADDRINUSE || !fallback)
			break;
		/* ZeroTier's service, too, moves to another port when its own is taken. */
		port = (uint16_t)(20000 + (unsigned)random() % 40000);
	}
	if (fd < 0)
		return fd;
	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	r = loop_add(fd, EPOLLIN, &udp_obj);
	if (r < 0) {
		close(fd);
		return r;
	}
	udp_fd = fd;
	rx_fn = rx_cb;
	transport_loss_init();
	transport_delay_init();
	for (unsigned i = 0; i < TRANSPORT_BATCH; i++) {
		rx.iov[i].iov_base = rx.buf[i];
		rx.iov[i].iov_len = TRANSPORT_MTU;
		rx.msg[i].msg_hdr.msg_iov = &rx.iov[i];
		rx.msg[i].msg_hdr.msg_iovlen = 1;
		tx.iov[i].iov_base = tx.buf[i];
		tx.msg[i].msg_hdr.msg_iov = &tx.iov[i];
		tx.msg[i].msg_hdr.msg_iovlen = 1;
		tx.msg[i].msg_hdr.msg_name = &tx.addr[i];
	}
	return ntohs(ss.sin6_port); /* sin_port sits at the same offset */
}

void transport_close(void)
{
	if (udp_fd < 0)
		return;
	transport_flush();
	while (dq.n) {
		free(dq.ring[dq.head].data);
		dq.head = (dq.head + 1) % DELAY_SLOTS;
		dq.n--;
	}
	free(dq.ring);
	dq.ring = NULL;
	dq.bytes = 0;
	loop_del(udp_fd);
	close(udp_fd);
	udp_fd = -1;
}

void transport_event(struct loop_obj *obj, uint32_t events)
{
	for (int round = 0; round < TRANSPORT_RX_ROUNDS; round++) {
		int n;

		for (unsigned i = 0; i < TRANSPORT_BATCH; i++) {
			rx.msg[i].msg_hdr.msg_name = &rx.addr[i];
			rx.msg[i].msg_hdr.msg_namelen = sizeof(rx.addr[i]);
			rx.msg[i].msg_hdr.msg_flags = 0;
		}
		n = recvmmsg(udp_fd, rx.msg, TRANSPORT_BATCH, MSG_DONTWAIT, NULL);
		if (n <= 0) {
			if (n < 0 && errno != EAGAIN && errno != EINTR)
				log_debug("udp recvmmsg: %m");
			break;
		}
		for (int i = 0; i < n; i++) {
			struct zt_inetaddr from;
			size_t len = rx.msg[i].msg_len;

			if (len > ZT_PACKET_MAX_LEN || (rx.msg[i].msg_hdr.msg_flags & MSG_TRUNC)) {
				stats.rx_truncated++;
				continue;
			}
			if (transport_loss_drop())
				continue;
			if (!transport_from_sockaddr(&from, &rx.addr[i]))
				continue;
			if (dq.ring)
				transport_delay_push(&from, rx.buf[i], len);
			else
				rx_fn(&from, rx.buf[i], len);
		}
		transport_flush();
		if (n < TRANSPORT_BATCH)
			break;
	}
}

static void transport_send_ttl(const struct zt_inetaddr *to, const uint8_t *data, size_t len,
			       unsigned ttl)
{
	struct sockaddr_in6 ss;
	socklen_t sl = transport_sockaddr(to, &ss);
	int t = (int)ttl, def = -1;

	if (!sl)
		return;
	/* On a dual-stack socket IPv4 traffic follows IP_TTL; set both, then restore. */
	setsockopt(udp_fd, IPPROTO_IP, IP_TTL, &t, sizeof(t));
	if (udp_family == AF_INET6)
		setsockopt(udp_fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &t, sizeof(t));
	if (sendto(udp_fd, data, len, MSG_DONTWAIT, (struct sockaddr *)&ss, sl) < 0)
		stats.tx_errors++;
	t = 64;
	setsockopt(udp_fd, IPPROTO_IP, IP_TTL, &t, sizeof(t));
	if (udp_family == AF_INET6)
		setsockopt(udp_fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &def, sizeof(def));
}

void transport_send(const struct zt_inetaddr *to, const uint8_t *data, size_t len, unsigned ttl)
{
	socklen_t sl;

	if (udp_fd < 0 || len > ZT_PACKET_MAX_LEN)
		return;
	if (ttl) {
		transport_flush();
		transport_send_ttl(to, data, len, ttl);
		return;
	}
	if (tx_n == TRANSPORT_BATCH)
		transport_flush();
	sl = transport_sockaddr(to, &tx.addr[tx_n]);
	if (!sl) {
		stats.tx_errors++;
		return;
	}
	memcpy(tx.buf[tx_n], data, len);
	tx.iov[tx_n].iov_len = len;
	tx.msg[tx_n].msg_hdr.msg_namelen = sl;
	tx_n++;
}

void transport_flush(void)
{
	unsigned done = 0;

	while (done < tx_n) {
		int n = sendmmsg(udp_fd, tx.msg + done, tx_n - done, MSG_DONTWAIT);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			/* EAGAIN or an unreachable destination: drop this one, as UDP may. */
			stats.tx_errors++;
			n = 1;
		}
		done += (unsigned)n;
	}
	tx_n = 0;
}

void transport_get_stats(struct transport_stats *out)
{
	*out = stats;
}
