// SPDX-License-Identifier: BSD-2-Clause
/* Unit tests for src/daemon/transport: batched sends to our own socket arrive whole and in order,
 * with UDP GSO/GRO, without them, and when the kernel refuses a GSO run. */
#include <poll.h>

#include "tap.h"

/* The module is compiled in: libnc.a has no daemon objects, and its statics (the offload flags,
 * the receive slots) are what is checked. The loop is stubbed: events are driven by hand. */
#include "daemon/transport.c"

int loop_add(int fd, uint32_t events, struct loop_obj *obj)
{
	return 0;
}

void loop_del(int fd)
{
}

void loop_set_due(void (*run_due)(void), int (*timeout_ms)(int max_ms))
{
}

#define T_MAX 200
static uint8_t got[T_MAX][1500];
static size_t got_len[T_MAX];
static unsigned got_n, coalesced;

static void t_rx(const struct zt_inetaddr *from, const uint8_t *data, size_t len)
{
	if (got_n < T_MAX && len <= sizeof(got[0])) {
		memcpy(got[got_n], data, len);
		got_len[got_n] = len;
	}
	got_n++;
}

static void t_fill(uint8_t *p, size_t len, unsigned i)
{
	for (size_t k = 0; k < len; k++)
		p[k] = (uint8_t)(i * 7 + k * 13);
}

/* Datagram i's length: runs of 1400 with a shorter one ending some, and odd sizes between. */
static size_t t_len(unsigned i)
{
	if (i % 50 == 49)
		return 100 + i;
	if (i % 50 == 30)
		return 1000;
	return 1400;
}

/* Send n datagrams to our own port, then drain; true if all arrived, in order, byte for byte. */
static bool t_roundtrip(uint16_t port, unsigned n)
{
	struct zt_inetaddr self;
	uint8_t ip[4] = {127, 0, 0, 1}, buf[1500];
	bool same = true;

	zt_inetaddr_set(&self, 4, ip, port);
	got_n = 0;
	coalesced = 0;
	for (unsigned i = 0; i < n; i++) {
		t_fill(buf, t_len(i), i);
		transport_send(&self, buf, t_len(i), 0);
	}
	transport_flush();
	for (int tries = 0; got_n < n && tries < 50; tries++) {
		struct pollfd pfd = {.fd = udp_fd, .events = POLLIN};

		if (poll(&pfd, 1, 100) <= 0)
			continue;
		transport_event(&udp_obj, EPOLLIN);
		for (unsigned i = 0; i < TRANSPORT_BATCH; i++)
			if (rx.msg[i].msg_len > 1400)
				coalesced++;
	}
	if (got_n != n) {
		diag("%u datagrams of %u arrived", got_n, n);
		return false;
	}
	for (unsigned i = 0; i < n && same; i++) {
		t_fill(buf, t_len(i), i);
		same = got_len[i] == t_len(i) && memcmp(got[i], buf, t_len(i)) == 0;
		if (!same)
			diag("datagram %u differs (length %zu, want %zu)", i, got_len[i], t_len(i));
	}
	return same;
}

int main(void)
{
	struct transport_stats st;
	int port, one = 1;

	port = transport_open(0, false, t_rx);
	ok(port > 0, "transport_open binds a port (%d)", port);
	if (port <= 0)
		return done_testing();
	if (use_gso && use_gro) {
		ok(t_roundtrip((uint16_t)port, 150),
		   "150 datagrams with GSO and GRO: all, in order");
		ok(coalesced > 0, "GRO handed over coalesced datagrams (%u buffers)", coalesced);
		transport_get_stats(&st);
		is_int(st.gso_fallbacks, 0, "the kernel took every GSO run");
	} else {
		skip("this kernel has no UDP GSO/GRO (gso %d, gro %d)", use_gso, use_gro);
		skip("no GRO");
		skip("no GSO");
	}
	/* With checksums off on sends the kernel refuses GSO (EINVAL): the run goes out datagram
	 * by datagram and GSO stays on for sends that can use it. */
	if (use_gso && setsockopt(udp_fd, SOL_SOCKET, SO_NO_CHECK, &one, sizeof(one)) == 0) {
		ok(t_roundtrip((uint16_t)port, 120),
		   "a refused GSO run is sent datagram by datagram");
		transport_get_stats(&st);
		ok(st.gso_fallbacks > 0, "the refusals are counted (%llu)",
		   (unsigned long long)st.gso_fallbacks);
		is_int(st.tx_errors, 0, "nothing dropped");
		ok(use_gso, "GSO stays on after EINVAL");
	} else {
		skip("no GSO or no SO_NO_CHECK");
		skip("no GSO");
		skip("no GSO");
		skip("no GSO");
	}
	transport_close();

	setenv("NETCON_TEST_NO_OFFLOAD", "1", 1);
	port = transport_open(0, false, t_rx);
	ok(port > 0 && !use_gso && !use_gro, "NETCON_TEST_NO_OFFLOAD=1 turns GSO and GRO off");
	ok(port > 0 && t_roundtrip((uint16_t)port, 150),
	   "150 datagrams without offload: all, in order");
	is_int(coalesced, 0, "nothing coalesced");
	transport_close();
	return done_testing();
}
