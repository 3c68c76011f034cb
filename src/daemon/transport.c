// SPDX-License-Identifier: BSD-2-Clause
/* The ZeroTier UDP transport: one dual-stack socket in the epoll loop, batched receive and send. */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/udp.h>
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
/* recvmmsg rounds per wake-up, and datagrams (GRO gives many per message), so other sockets get
 * their turn under a flood. */
#define TRANSPORT_RX_ROUNDS 8
#define TRANSPORT_RX_BUDGET (TRANSPORT_RX_ROUNDS * TRANSPORT_BATCH)
/* Segmentation offload (UDP GSO, Linux 4.18) and its receive side (UDP GRO, 5.0): datagrams of one
 * size to one address leave in one sendmsg as one buffer that the kernel cuts (on loopback it
 * reaches the peer's socket whole), and arrive as one buffer of up to 64 KiB with the size to cut
 * at. Per datagram the kernel then walks the UDP/IP stack once per run instead of once each: the
 * most of the daemons' CPU per byte. A run holds at most 64 datagrams (the kernel's
 * UDP_MAX_SEGMENTS until 6.x) and one IP packet's payload. */
#define TRANSPORT_GSO_SEGS 64
#define TRANSPORT_GSO_BYTES (65535 - 40 - 8)
/* A receive slot with GRO: the largest coalesced datagram. */
#define TRANSPORT_GRO_LEN 65536

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

/* The cmsg a GSO send carries (the segment size as a u16: any other length is EINVAL) and a GRO
 * receive gets (an int). */
union transport_cmsg {
	char buf[CMSG_SPACE(sizeof(int))];
	struct cmsghdr align;
};

/* Receive slots: TRANSPORT_MTU each, or TRANSPORT_GRO_LEN with GRO (allocated at open; pages
 * are touched only as far as datagrams fill them). */
static struct {
	struct mmsghdr msg[TRANSPORT_BATCH];
	struct iovec iov[TRANSPORT_BATCH];
	struct sockaddr_in6 addr[TRANSPORT_BATCH];
	union transport_cmsg cmsg[TRANSPORT_BATCH];
	uint8_t *buf;
	size_t slot;
} rx;
/* Queued datagrams (iov, addr, buf: one per datagram) and the messages they leave in (msg,
 * cmsg: one per run of datagrams sent with GSO, or per datagram). */
static struct {
	struct mmsghdr msg[TRANSPORT_BATCH];
	struct iovec iov[TRANSPORT_BATCH];
	struct sockaddr_in6 addr[TRANSPORT_BATCH];
	socklen_t addrlen[TRANSPORT_BATCH];
	union transport_cmsg cmsg[TRANSPORT_BATCH];
	unsigned first[TRANSPORT_BATCH]; /* msg i sends datagrams first[i]..first[i+1]-1 */
	uint8_t buf[TRANSPORT_BATCH][TRANSPORT_MTU];
} tx;
static unsigned tx_n;
static bool use_gso, use_gro;

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
	loop_set_due(transport_run_due, transport_timeout_ms);
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

/* GSO and GRO where the kernel has them; NETCON_TEST_NO_OFFLOAD=1 turns both off (to measure
 * what they save, and to test the plain path on a kernel that has them). */
static void transport_offload_init(int fd)
{
	const char *off = getenv("NETCON_TEST_NO_OFFLOAD");
	int one = 1, size = 0;
	socklen_t sl = sizeof(size);

	use_gso = use_gro = false;
	if (off && *off && strcmp(off, "0") != 0)
		return;
	/* The socket-wide segment size stays 0 (no GSO): each send that wants it says so. */
	use_gso = getsockopt(fd, IPPROTO_UDP, UDP_SEGMENT, &size, &sl) == 0;
	use_gro = setsockopt(fd, IPPROTO_UDP, UDP_GRO, &one, sizeof(one)) == 0;
	log_debug("udp: segmentation offload %s, receive offload %s", use_gso ? "on" : "off",
		  use_gro ? "on" : "off");
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
	transport_offload_init(fd);
	rx.slot = use_gro ? TRANSPORT_GRO_LEN : TRANSPORT_MTU;
	rx.buf = malloc(TRANSPORT_BATCH * rx.slot);
	if (!rx.buf) {
		loop_del(fd);
		close(fd);
		return -ENOMEM;
	}
	udp_fd = fd;
	rx_fn = rx_cb;
	transport_loss_init();
	transport_delay_init();
	for (unsigned i = 0; i < TRANSPORT_BATCH; i++) {
		rx.iov[i].iov_base = rx.buf + i * rx.slot;
		rx.iov[i].iov_len = rx.slot;
		rx.msg[i].msg_hdr.msg_iov = &rx.iov[i];
		rx.msg[i].msg_hdr.msg_iovlen = 1;
		tx.iov[i].iov_base = tx.buf[i];
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
	free(rx.buf);
	rx.buf = NULL;
}

/* One datagram to the node, or to the test knobs' queue. */
static void transport_rx_one(const struct zt_inetaddr *from, const uint8_t *data, size_t len)
{
	if (len > ZT_PACKET_MAX_LEN) {
		stats.rx_truncated++;
		return;
	}
	if (transport_loss_drop())
		return;
	if (dq.ring)
		transport_delay_push(from, data, len);
	else
		rx_fn(from, data, len);
}

/* A received message: one datagram, or with GRO several of one size (the last may be shorter)
 * that the kernel coalesced, cut at the size its cmsg gives. Returns the datagrams in it. */
static unsigned transport_rx_msg(const struct zt_inetaddr *from, const struct mmsghdr *m,
				 const uint8_t *data)
{
	size_t len = m->msg_len, seg = len;
	struct msghdr *h = (struct msghdr *)&m->msg_hdr;
	unsigned n = 0;

	if (h->msg_flags & MSG_TRUNC) {
		stats.rx_truncated++;
		return 1;
	}
	for (struct cmsghdr *c = CMSG_FIRSTHDR(h); c; c = CMSG_NXTHDR(h, c)) {
		if (c->cmsg_level == IPPROTO_UDP && c->cmsg_type == UDP_GRO &&
		    c->cmsg_len >= CMSG_LEN(sizeof(int))) {
			int g;

			memcpy(&g, CMSG_DATA(c), sizeof(g));
			if (g > 0)
				seg = (size_t)g;
		}
	}
	for (size_t off = 0; off < len; off += seg, n++)
		transport_rx_one(from, data + off, len - off < seg ? len - off : seg);
	return n;
}

void transport_event(struct loop_obj *obj, uint32_t events)
{
	unsigned got = 0;

	for (int round = 0; round < TRANSPORT_RX_ROUNDS && got < TRANSPORT_RX_BUDGET; round++) {
		int n;

		for (unsigned i = 0; i < TRANSPORT_BATCH; i++) {
			rx.msg[i].msg_hdr.msg_name = &rx.addr[i];
			rx.msg[i].msg_hdr.msg_namelen = sizeof(rx.addr[i]);
			rx.msg[i].msg_hdr.msg_flags = 0;
			rx.msg[i].msg_hdr.msg_control = use_gro ? rx.cmsg[i].buf : NULL;
			rx.msg[i].msg_hdr.msg_controllen = use_gro ? sizeof(rx.cmsg[i].buf) : 0;
		}
		n = recvmmsg(udp_fd, rx.msg, TRANSPORT_BATCH, MSG_DONTWAIT, NULL);
		if (n <= 0) {
			if (n < 0 && errno != EAGAIN && errno != EINTR)
				log_debug("udp recvmmsg: %m");
			break;
		}
		for (int i = 0; i < n; i++) {
			struct zt_inetaddr from;

			if (!transport_from_sockaddr(&from, &rx.addr[i]))
				continue;
			got += transport_rx_msg(&from, &rx.msg[i],
						(const uint8_t *)rx.iov[i].iov_base);
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
	tx.addrlen[tx_n] = sl;
	tx_n++;
}

/* Can datagram j join the run first..j-1 (sent as one with GSO)? Same address; every datagram
 * but the run's last as long as the first; within the kernel's limits. */
static bool transport_run_extends(unsigned first, unsigned j)
{
	size_t seg = tx.iov[first].iov_len, len = tx.iov[j].iov_len;

	return j - first < TRANSPORT_GSO_SEGS && tx.iov[j - 1].iov_len == seg && len <= seg &&
	       (j - first + 1) * seg <= TRANSPORT_GSO_BYTES && tx.addrlen[j] == tx.addrlen[first] &&
	       memcmp(&tx.addr[j], &tx.addr[first], tx.addrlen[j]) == 0;
}

/* Message m sends datagrams first..end-1: as one GSO buffer when gso and there are several. */
static void transport_msg_set(unsigned m, unsigned first, unsigned end, bool gso)
{
	struct msghdr *h = &tx.msg[m].msg_hdr;

	memset(h, 0, sizeof(*h));
	h->msg_name = &tx.addr[first];
	h->msg_namelen = tx.addrlen[first];
	h->msg_iov = &tx.iov[first];
	h->msg_iovlen = end - first;
	tx.first[m] = first;
	if (gso && end - first > 1) {
		struct cmsghdr *c = (struct cmsghdr *)tx.cmsg[m].buf;
		uint16_t seg = (uint16_t)tx.iov[first].iov_len;

		h->msg_control = tx.cmsg[m].buf;
		h->msg_controllen = CMSG_SPACE(sizeof(seg));
		c->cmsg_level = IPPROTO_UDP;
		c->cmsg_type = UDP_SEGMENT;
		c->cmsg_len = CMSG_LEN(sizeof(seg));
		memcpy(CMSG_DATA(c), &seg, sizeof(seg));
	}
}

/* Datagrams first..end-1 one by one. */
static void transport_send_plain(unsigned first, unsigned end)
{
	struct mmsghdr m[TRANSPORT_GSO_SEGS];
	unsigned k = 0, done = 0;

	for (unsigned j = first; j < end && k < TRANSPORT_GSO_SEGS; j++, k++) {
		memset(&m[k], 0, sizeof(m[k]));
		m[k].msg_hdr.msg_name = &tx.addr[j];
		m[k].msg_hdr.msg_namelen = tx.addrlen[j];
		m[k].msg_hdr.msg_iov = &tx.iov[j];
		m[k].msg_hdr.msg_iovlen = 1;
	}
	while (done < k) {
		int n = sendmmsg(udp_fd, m + done, k - done, MSG_DONTWAIT);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			stats.tx_errors++;
			n = 1;
		}
		done += (unsigned)n;
	}
}

/* Send messages 0..nmsg-1 (msg m covers datagrams first[m]..first[m+1]-1, first[nmsg] = tx_n).
 * A message the kernel refuses is dropped, as UDP may; a refused GSO run is retried datagram by
 * datagram, and GSO is given up when the kernel cannot do it at all. */
static void transport_send_msgs(unsigned nmsg, bool gso)
{
	unsigned done = 0;

	while (done < nmsg) {
		int n = sendmmsg(udp_fd, tx.msg + done, nmsg - done, MSG_DONTWAIT);
		unsigned first, end;

		if (n >= 0) {
			done += (unsigned)n;
			continue;
		}
		if (errno == EINTR)
			continue;
		first = tx.first[done];
		end = done + 1 < nmsg ? tx.first[done + 1] : tx_n;
		if (gso && end - first > 1 && errno != EAGAIN && errno != ENOBUFS) {
			/* EIO: no checksum offload on the route; EINVAL: a run longer than the
			 * path MTU allows (or too many segments on an older kernel). */
			int e = errno;

			if (e == EIO || e == ENOPROTOOPT || e == EOPNOTSUPP) {
				log_debug("udp: segmentation offload refused (%d), off", e);
				use_gso = false;
			}
			stats.gso_fallbacks++;
			transport_send_plain(first, end);
		} else {
			/* EAGAIN or an unreachable destination. */
			stats.tx_errors += end - first;
		}
		done++;
	}
}

void transport_flush(void)
{
	unsigned nmsg = 0;
	bool gso = use_gso;

	for (unsigned i = 0; i < tx_n;) {
		unsigned end = i + 1;

		while (gso && end < tx_n && transport_run_extends(i, end))
			end++;
		transport_msg_set(nmsg++, i, end, gso);
		i = end;
	}
	transport_send_msgs(nmsg, gso);
	tx_n = 0;
}

void transport_get_stats(struct transport_stats *out)
{
	*out = stats;
}
