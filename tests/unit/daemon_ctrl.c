// SPDX-License-Identifier: BSD-2-Clause
/* The daemon's controller role (src/daemon/ctrl.c) alone, over a fake node: what it sends for a
 * config request, a refused one, a deauthorization (to ourselves too, through the node), and
 * its records across a restart. Links ctrl.o and the library, nothing of the node. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/file.h"
#include "daemon/ctrl.h"
#include "daemon/ztnode.h"
#include "tap.h"
#include "zt_testutil.h"
#include "zt/controller.h"
#include "zt/netconf.h"
#include "zt/packet.h"

#define NOW 1795960000000LL
#define RX_ID 0x1122334455667788ULL
#define SENT_MAX 64

static struct zt_identity root, m1, m2;

/* The fake node: what ctrl.c asks of it, and what it sent. */
static struct {
	int64_t now;
	struct {
		uint64_t to;
		unsigned verb;
		size_t len;
		uint8_t p[ZT_PACKET_MAX_LEN];
	} sent[SENT_MAX];
	unsigned n;
} node = {.now = NOW};

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
	return node.now;
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

static char home[] = "/tmp/netcon-ctrl-test.XXXXXX";

/* A config request from member for nwid, as a node sends it. */
static bool request(uint64_t from, uint64_t nwid)
{
	static const char meta[] = "v=0000000000000007\nvend=0000000000000001\n";
	struct zt_packet_config_request q = {.nwid = nwid};
	uint8_t pkt[1024];
	int n;

	q.metadata.p = (const uint8_t *)meta;
	q.metadata.len = sizeof(meta) - 1;
	n = zt_packet_encode_config_request(&q, pkt, sizeof(pkt));
	node.n = 0;
	return n > 0 &&
	       ctrl_input(from, RX_ID, ZT_VERB_NETWORK_CONFIG_REQUEST, pkt, (size_t)n, node.now);
}

/* The config the OK chunks sent to `to` carry, reassembled as the member would. */
static int config_of(uint64_t to, uint64_t nwid, struct zt_netconf *out)
{
	struct zt_netconf_asm *as = malloc(sizeof(*as));
	int done = 0, r = -EBADMSG;
	struct zt_dict d;

	zt_netconf_asm_init(as, nwid);
	for (unsigned i = 0; i < node.n && done == 0; i++) {
		struct zt_packet_ok ok;
		const uint8_t *p = node.sent[i].p;

		if (node.sent[i].to != to || node.sent[i].verb != ZT_VERB_OK ||
		    zt_packet_decode_ok(&ok, p, node.sent[i].len) < 0 ||
		    ok.in_re_verb != ZT_VERB_NETWORK_CONFIG_REQUEST || ok.in_re_id != RX_ID)
			continue;
		done = zt_netconf_asm_add(as, &root, p + 9, node.sent[i].len - 9);
	}
	if (done == 1) {
		zt_dict_view(&d, as->buf, as->total);
		r = zt_netconf_from_dict(out, &d);
	}
	free(as);
	return r;
}

static unsigned count_sent(uint64_t to, unsigned verb)
{
	unsigned k = 0;

	for (unsigned i = 0; i < node.n; i++)
		k += node.sent[i].to == to && node.sent[i].verb == verb;
	return k;
}

int main(void)
{
	struct nc_ctl_net net = {0}, out;
	struct nc_ctl_member mem = {0}, mout;
	struct zt_netconf *nc = malloc(sizeof(*nc));
	uint64_t nwid = (root.address << 24) | 1;
	char *path;
	struct stat st;

	if (zt_test_read_id("root", "secret", &root) < 0 ||
	    zt_test_read_id("m1", "public", &m1) < 0 || zt_test_read_id("m2", "public", &m2) < 0 ||
	    !mkdtemp(home)) {
		printf("Bail out! lab identities or a temporary home\n");
		return 1;
	}
	nwid = (root.address << 24) | 1;
	{
		char text[600];
		int n = zt_identity_to_string(&root, true, text, sizeof(text));

		path = file_path("%s/identity.secret", home);
		ok(n > 0 && file_write_atomic(path, text, (size_t)n, 0600) == 0,
		   "a home with the root's identity");
		free(path);
	}
	is_int(ctrl_start(home, NOW), 0, "ctrl_start");

	net.nwid = nwid;
	net.flags = NC_CTL_PRIVATE | NC_CTL_V4_AUTO;
	snprintf(net.name, sizeof(net.name), "lab");
	net.npools = 1;
	net.pools[0].first = 0x0a930001;
	net.pools[0].last = 0x0a9300fe;
	net.nroutes = 1; /* the pool's addresses are assigned within a managed route */
	net.routes[0].target.family = 4;
	memcpy(net.routes[0].target.ip, "\x0a\x93\x00\x00", 4);
	net.routes[0].target.port = 16;
	is_int(ctrl_net_create(&net, &out), 0, "create a private network");
	path = file_path("%s/controller.d/network/%016llx.json", home, (unsigned long long)nwid);
	ok(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600, "its record, mode 0600");
	free(path);

	ok(!request(m1.address, nwid ^ (1ULL << 60)), "a request for another controller's network "
						      "is not ours");
	ok(request(m1.address, nwid), "m1's request is ours");
	is_int(count_sent(m1.address, ZT_VERB_ERROR), 1, "m1, not authorized: one ERROR");
	{
		struct zt_packet_error e;

		ok(node.n == 1 &&
		       zt_packet_decode_error(&e, node.sent[0].p, node.sent[0].len) == 0 &&
		       e.in_re_verb == ZT_VERB_NETWORK_CONFIG_REQUEST && e.in_re_id == RX_ID &&
		       e.code == ZT_ERROR_NETWORK_ACCESS_DENIED && e.has_nwid && e.nwid == nwid,
		   "ERROR access denied, in re the request's packet id, with the network");
	}

	mem.nwid = nwid;
	mem.address = m1.address;
	mem.flags = NC_CTL_AUTHORIZED;
	node.n = 0;
	is_int(ctrl_member_set(&mem, &mout), 0, "authorize m1");
	ok(mout.flags & NC_CTL_AUTHORIZED, "m1 is authorized");
	node.now += 1000;
	ok(request(m1.address, nwid), "m1 asks again");
	ok(config_of(m1.address, nwid, nc) == 0 && nc->nwid == nwid &&
	       nc->issued_to == m1.address && nc->n_static_ips == 1 &&
	       nc->static_ips[0].ip[0] == 10 && nc->static_ips[0].ip[1] == 147,
	   "OK chunks in re its request: a config for m1 signed by the controller, an IP from "
	   "the pool");

	/* Deauthorizing a member that has a config revokes it, to every member that asked and
	 * to ourselves: through the node's send (its queue to ourselves), not into the networks. */
	mem.address = m2.address;
	is_int(ctrl_member_set(&mem, &mout), 0, "authorize m2");
	ok(request(m2.address, nwid) && config_of(m2.address, nwid, nc) == 0, "m2 gets a config");
	mem.address = m1.address;
	mem.flags = 0;
	node.n = 0;
	node.now += 1000;
	is_int(ctrl_member_set(&mem, &mout), 0, "deauthorize m1");
	is_int(count_sent(root.address, ZT_VERB_NETWORK_CREDENTIALS), 1,
	       "the revocation to ourselves goes through ztnode_send_verb");
	is_int(count_sent(m2.address, ZT_VERB_NETWORK_CREDENTIALS), 1,
	       "and to m2, who asked for a config");
	is_int(count_sent(m1.address, ZT_VERB_NETWORK_CREDENTIALS), 0, "not to m1 itself");
	{
		struct zt_packet_credentials c;
		unsigned i = 0;

		while (i < node.n && node.sent[i].to != m2.address)
			i++;
		ok(i < node.n &&
		       zt_packet_decode_credentials(&c, node.sent[i].p, node.sent[i].len) == 0 &&
		       c.nrev == 1 && c.ncom == 0,
		   "one signed revocation in it");
	}

	/* A restart reads the records back. */
	ctrl_stop();
	is_int(ctrl_start(home, node.now), 0, "ctrl_start again");
	{
		struct nc_ctl_req q = {.nwid = nwid, .address = m1.address};

		ok(ctrl_member_get(&q, &mout) == 0 && !(mout.flags & NC_CTL_AUTHORIZED) &&
		       mout.last_deauthorized,
		   "m1's record: deauthorized");
		q.address = m2.address;
		ok(ctrl_member_get(&q, &mout) == 0 && (mout.flags & NC_CTL_AUTHORIZED) &&
		       mout.nips == 1,
		   "m2's record: authorized, with its IP");
		q.address = 0;
		is_int(ctrl_net_delete(&q), 0, "delete the network");
		is_int(ctrl_net_get(&q, &out), -ENOENT, "gone");
	}
	ctrl_stop();
	free(nc);
	{
		char *cmd = file_path("rm -rf %s", home);

		if (cmd && system(cmd) != 0)
			diag("could not remove %s", home);
		free(cmd);
	}
	return done_testing();
}
