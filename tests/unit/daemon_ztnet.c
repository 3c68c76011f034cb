// SPDX-License-Identifier: BSD-2-Clause
/* The daemon's network layer (src/daemon/ztnet.c) alone, over a fake node: join asks the
 * controller; a config answer brings the network up; a pushed config is acknowledged; a frame
 * from a peer without a certificate is refused; a GATHER is answered from the LIKEs; leave
 * removes the file. Links ztnet.o, stack.o, resolv.o and lwIP, nothing of the node. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/file.h"
#include "daemon/loop.h"
#include "daemon/stack.h"
#include "daemon/ztnet.h"
#include "daemon/ztnode.h"
#include "tap.h"
#include "zt_testutil.h"
#include "zt/bytes.h"
#include "zt/controller.h"
#include "zt/packet.h"

#define NOW 1795960000000LL
#define RX_ID 0x1122334455667788ULL
#define SENT_MAX 64

static struct zt_identity root, m1, m2;
static char home[] = "/tmp/netcon-ztnet-test.XXXXXX";

/* stack_init hands lwIP's poll to the loop; this test drives lwIP itself. */
void loop_set_poll(bool (*poll)(void), int (*timeout_ms)(int max_ms))
{
}

/* The fake node (we are m1; root is the controller and the planet's one root). */
static struct {
	struct {
		uint64_t to;
		unsigned verb;
		size_t len;
		uint8_t p[ZT_PACKET_MAX_LEN];
	} sent[SENT_MAX];
	unsigned n;
} node;

int ztnode_send_verb(uint64_t dest, unsigned verb, const void *payload, size_t len, uint64_t *id)
{
	if (node.n >= SENT_MAX || len > ZT_PACKET_MAX_LEN)
		return -EAGAIN;
	node.sent[node.n].to = dest;
	node.sent[node.n].verb = verb;
	node.sent[node.n].len = len;
	memcpy(node.sent[node.n].p, payload, len);
	node.n++;
	if (id)
		*id = 1;
	return 0;
}

int64_t ztnode_time(void)
{
	return NOW;
}

uint64_t ztnode_address(void)
{
	return m1.address;
}

const char *ztnode_home(void)
{
	return home;
}

unsigned ztnode_roots(uint64_t *out, unsigned max)
{
	if (!max)
		return 0;
	out[0] = root.address;
	return 1;
}

int ztnode_peer_identity(uint64_t address, struct zt_identity *out)
{
	const struct zt_identity *known[] = {&root, &m1, &m2};

	for (unsigned i = 0; i < 3; i++)
		if (known[i]->address == address) {
			*out = *known[i];
			out->has_private = false;
			return 0;
		}
	return -ENOENT;
}

/* The one packet of verb sent to `to`, or NULL. */
static const uint8_t *sent(uint64_t to, unsigned verb, size_t *len)
{
	for (unsigned i = 0; i < node.n; i++)
		if (node.sent[i].to == to && node.sent[i].verb == verb) {
			*len = node.sent[i].len;
			return node.sent[i].p;
		}
	return NULL;
}

int main(void)
{
	static struct zt_controller ctl;
	static struct zt_controller_answer ans;
	static uint8_t pkt[ZT_PACKET_MAX_LEN];
	struct zt_controller_network t, *net;
	struct zt_controller_member *mem;
	struct nc_net_info info;
	uint64_t nwid;
	const uint8_t *p;
	size_t len;
	char *path;
	struct stat st;
	int err;

	if (zt_test_read_id("root", "secret", &root) < 0 ||
	    zt_test_read_id("m1", "public", &m1) < 0 || zt_test_read_id("m2", "public", &m2) < 0 ||
	    !mkdtemp(home)) {
		printf("Bail out! lab identities or a temporary home\n");
		return 1;
	}
	/* The controller's side, from the library: a private network, m1 authorized. */
	zt_controller_init(&ctl, &root);
	zt_controller_network_defaults(&t);
	net = zt_controller_network_add(&ctl, &t, 0x7, NOW, &err);
	if (!net) {
		printf("Bail out! controller network: %d\n", err);
		return 1;
	}
	nwid = net->nwid;
	mem = zt_controller_member_get(net, m1.address, NOW);
	zt_controller_member_authorize(net, mem, true, NULL, 0, NOW);

	stack_init();
	ztnet_start(NOW);
	is_int(ztnet_info(0, &info), -ENOENT, "no network before a join");
	is_int(ztnet_join(nwid), 0, "join");
	path = file_path("%s/networks.d/%016llx.conf", home, (unsigned long long)nwid);
	ok(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600 && st.st_size == 1,
	   "networks.d/NWID.conf, mode 0600, a newline");
	{
		struct zt_packet_config_request q;

		p = sent(root.address, ZT_VERB_NETWORK_CONFIG_REQUEST, &len);
		ok(p && zt_packet_decode_config_request(&q, p, len) == 0 && q.nwid == nwid,
		   "a config request to the controller (the id's top 40 bits)");
	}

	/* The controller's answer: OK chunks in re the request. */
	is_int(zt_controller_request(&ctl, &m1, nwid, NULL, 0, 0x77, NOW, &ans), 0,
	       "the controller answers");
	{
		uint32_t off = 0;

		while (off < ans.dict_len) {
			int n =
			    zt_controller_chunk_payload(&ctl, &ans, RX_ID, &off, pkt, sizeof(pkt));

			if (n < 0)
				break;
			ztnet_input(root.address, RX_ID, ZT_VERB_OK, pkt, (size_t)n, NOW);
		}
	}
	ok(ztnet_info(0, &info) == 0 && info.nwid == nwid && info.status == NC_NET_OK,
	   "the config takes: status OK");

	/* A pushed config (NETWORK_CONFIG) is acknowledged with OK in re ECHO. */
	node.n = 0;
	zt_controller_request(&ctl, &m1, nwid, NULL, 0, 0x78, NOW, &ans);
	{
		struct zt_packet_config_ack a;
		uint32_t off = 0;
		int n = zt_controller_chunk_payload(&ctl, &ans, 0, &off, pkt, sizeof(pkt));

		ok(n > 0 && off == ans.dict_len, "one NETWORK_CONFIG chunk");
		ztnet_input(root.address, RX_ID, ZT_VERB_NETWORK_CONFIG, pkt, (size_t)n, NOW);
		p = sent(root.address, ZT_VERB_OK, &len);
		ok(p && zt_packet_decode_config_ack(&a, p, len) == 0 && a.in_re_id == RX_ID &&
		       a.nwid == nwid && a.update_id == 0x78,
		   "acknowledged: OK(ECHO) with the packet id, network and update id");
	}

	/* A FRAME from m2, who showed no certificate: refused and told. */
	node.n = 0;
	{
		struct zt_packet_frame f = {.nwid = nwid, .ethertype = 0x0800};
		struct zt_packet_error e;
		uint8_t ip[20] = {0x45};
		int n;

		f.data.p = ip;
		f.data.len = sizeof(ip);
		n = zt_packet_encode_frame(&f, pkt, sizeof(pkt));
		ztnet_input(m2.address, RX_ID, ZT_VERB_FRAME, pkt, (size_t)n, NOW);
		p = sent(m2.address, ZT_VERB_ERROR, &len);
		ok(p && zt_packet_decode_error(&e, p, len) == 0 && e.in_re_verb == ZT_VERB_FRAME &&
		       e.in_re_id == RX_ID && e.code == ZT_ERROR_NEED_MEMBERSHIP_CERTIFICATE &&
		       e.has_nwid && e.nwid == nwid,
		   "FRAME without a certificate: ERROR NEED_MEMBERSHIP_CERTIFICATE");
		ok(ztnet_info(0, &info) == 0 && info.counters[2] == 1,
		   "counted as dropped, not a member");
	}

	/* m2 LIKEs a group; a GATHER for it from the root is answered with m2. */
	node.n = 0;
	{
		struct zt_packet_like l = {
		    .nwid = nwid, .mac = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, .adi = 0x0a930102};
		struct zt_packet_gather q = {.nwid = nwid, .adi = 0x0a930102, .limit = 32};
		struct zt_packet_ok o;
		int n = zt_packet_encode_multicast_like(&l, 1, pkt, sizeof(pkt));

		ztnet_input(m2.address, RX_ID, ZT_VERB_MULTICAST_LIKE, pkt, (size_t)n, NOW);
		memset(q.mac, 0xff, 6);
		n = zt_packet_encode_gather(&q, pkt, sizeof(pkt));
		ztnet_input(root.address, RX_ID, ZT_VERB_MULTICAST_GATHER, pkt, (size_t)n, NOW);
		p = sent(root.address, ZT_VERB_OK, &len);
		ok(p && zt_packet_decode_ok(&o, p, len) == 0 &&
		       o.in_re_verb == ZT_VERB_MULTICAST_GATHER && o.in_re_id == RX_ID &&
		       o.u.gather.nwid == nwid && o.u.gather.adi == 0x0a930102 &&
		       o.u.gather.count == 1 && o.u.gather.total_known == 1 &&
		       zt_be_get(o.u.gather.addrs.p, 5) == m2.address,
		   "OK(MULTICAST_GATHER) names m2");
		node.n = 0;
		ztnet_input(m2.address, RX_ID, ZT_VERB_MULTICAST_GATHER, pkt, (size_t)n, NOW);
		p = sent(m2.address, ZT_VERB_OK, &len);
		ok(p && zt_packet_decode_ok(&o, p, len) == 0 && o.u.gather.count == 0,
		   "asked by m2 itself: nobody else to name");
	}

	is_int(ztnet_leave(nwid), 0, "leave");
	ok(stat(path, &st) < 0 && errno == ENOENT, "its file is gone");
	is_int(ztnet_info(0, &info), -ENOENT, "no network after leaving");
	free(path);
	ztnet_stop();
	zt_controller_free(&ctl);
	{
		char *cmd = file_path("rm -rf %s", home);

		if (cmd && system(cmd) != 0)
			diag("could not remove %s", home);
		free(cmd);
	}
	return done_testing();
}
