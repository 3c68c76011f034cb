// SPDX-License-Identifier: BSD-2-Clause
/* GET /metrics: the node's counters in Prometheus' text format (zerotier-one's names where netcon
 * has the quantity, netcon_* for its own). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "daemon/ctrl.h"
#include "daemon/metrics.h"
#include "daemon/rpc_srv.h"
#include "daemon/vconn.h"
#include "daemon/ztnet.h"
#include "daemon/ztnode.h"
#include "netcon/rpc.h"
#include "zt/node.h"
#include "zt/packet.h"

#define METRICS_SOCK_PAGE 256

/* zerotier-one's packet_type label of each verb it counts. */
static const struct {
	unsigned verb;
	const char *name;
} metrics_verbs[] = {
    {ZT_VERB_NOP, "nop"},
    {ZT_VERB_HELLO, "hello"},
    {ZT_VERB_ERROR, "error"},
    {ZT_VERB_OK, "ok"},
    {ZT_VERB_WHOIS, "whois"},
    {ZT_VERB_RENDEZVOUS, "rendezvous"},
    {ZT_VERB_FRAME, "frame"},
    {ZT_VERB_EXT_FRAME, "ext_frame"},
    {ZT_VERB_ECHO, "echo"},
    {ZT_VERB_MULTICAST_LIKE, "multicast_like"},
    {ZT_VERB_NETWORK_CREDENTIALS, "network_credentials"},
    {ZT_VERB_NETWORK_CONFIG_REQUEST, "network_config_request"},
    {ZT_VERB_NETWORK_CONFIG, "network_config"},
    {ZT_VERB_MULTICAST_GATHER, "multicast_gather"},
    {ZT_VERB_MULTICAST_FRAME, "multicast_frame"},
    {ZT_VERB_PUSH_DIRECT_PATHS, "push_direct_paths"},
    {ZT_VERB_ACK, "ack"},
    {ZT_VERB_QOS_MEASUREMENT, "qos"},
    {ZT_VERB_USER_MESSAGE, "user_message"},
    {ZT_VERB_REMOTE_TRACE, "remote_trace"},
    {ZT_VERB_PATH_NEGOTIATION_REQUEST, "path_negotiation_request"},
};

static void metrics_head(struct json_buf *b, const char *name, const char *type, const char *help)
{
	json_buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void metrics_packets(struct json_buf *b, const struct zt_node_stats *s)
{
	metrics_head(b, "zt_packet", "counter", "ZeroTier packet type counts");
	for (int d = 0; d < 2; d++)
		for (size_t i = 0; i < sizeof(metrics_verbs) / sizeof(metrics_verbs[0]); i++)
			json_buf_printf(
			    b, "zt_packet{direction=\"%s\",packet_type=\"%s\"} %" PRIu64 "\n",
			    d ? "tx" : "rx", metrics_verbs[i].name,
			    (d ? s->tx_verb : s->rx_verb)[metrics_verbs[i].verb]);
	metrics_head(b, "netcon_zt_drops_total", "counter",
		     "ZeroTier datagrams and packets netcon dropped, by cause");
	{
		const struct {
			const char *cause;
			uint64_t v;
		} d[] = {{"short", s->drop_short}, {"malformed", s->drop_malformed},
			 {"mac", s->drop_mac},	   {"unknown_peer", s->drop_unknown_peer},
			 {"hello", s->drop_hello}, {"rate_limited", s->drop_rate_limited},
			 {"relay", s->drop_relay}, {"unknown_verb", s->unknown_verb}};

		for (size_t i = 0; i < sizeof(d) / sizeof(d[0]); i++)
			json_buf_printf(b, "netcon_zt_drops_total{cause=\"%s\"} %" PRIu64 "\n",
					d[i].cause, d[i].v);
	}
	metrics_head(b, "netcon_zt_datagrams_total", "counter",
		     "UDP datagrams of the ZeroTier node");
	json_buf_printf(b, "netcon_zt_datagrams_total{direction=\"rx\"} %" PRIu64 "\n",
			s->rx_datagrams);
	json_buf_printf(b, "netcon_zt_datagrams_total{direction=\"tx\"} %" PRIu64 "\n",
			s->tx_datagrams);
	metrics_head(b, "netcon_zt_relayed_total", "counter", "datagrams relayed as a root");
	json_buf_printf(b, "netcon_zt_relayed_total %" PRIu64 "\n", s->relayed);
}

static void metrics_peers(struct json_buf *b)
{
	struct nc_zt_peer p;
	unsigned np = 0;

	metrics_head(b, "zt_peer_path_count", "gauge", "number of paths to peer");
	for (uint64_t i = 0; ztnode_peer(i, &p) == 0; i++) {
		unsigned alive = 0, dead = 0;

		for (uint32_t k = 0; k < p.npaths && k < NC_ZT_MAX_PATHS; k++) {
			if (p.paths[k].flags & 1)
				dead++;
			else
				alive++;
		}
		json_buf_printf(
		    b, "zt_peer_path_count{node_id=\"%010" PRIx64 "\",status=\"dead\"} %u\n",
		    p.address, dead);
		json_buf_printf(
		    b, "zt_peer_path_count{node_id=\"%010" PRIx64 "\",status=\"alive\"} %u\n",
		    p.address, alive);
		np++;
	}
	metrics_head(b, "netcon_peer_latency_seconds", "gauge",
		     "last measured latency to each peer (peers not yet measured are left out)");
	for (uint64_t i = 0; ztnode_peer(i, &p) == 0; i++)
		if (p.latency >= 0)
			json_buf_printf(
			    b, "netcon_peer_latency_seconds{node_id=\"%010" PRIx64 "\"} %d.%03d\n",
			    p.address, p.latency / 1000, p.latency % 1000);
	metrics_head(b, "netcon_peers", "gauge", "peers the ZeroTier node knows");
	json_buf_printf(b, "netcon_peers %u\n", np);
}

static void metrics_networks(struct json_buf *b)
{
	struct nc_net_info n;
	unsigned count = 0;

	metrics_head(b, "zt_network_packets", "counter",
		     "number of incoming/outgoing packets per network");
	for (uint64_t i = 0; ztnet_info(i, &n) == 0; i++) {
		json_buf_printf(b,
				"zt_network_packets{accepted=\"yes\",direction=\"rx\","
				"network_id=\"%016" PRIx64 "\"} %" PRIu64 "\n"
				"zt_network_packets{accepted=\"no\",direction=\"rx\","
				"network_id=\"%016" PRIx64 "\"} %" PRIu64 "\n"
				"zt_network_packets{accepted=\"yes\",direction=\"tx\","
				"network_id=\"%016" PRIx64 "\"} %" PRIu64 "\n",
				n.nwid, n.counters[0], n.nwid, n.counters[2] + n.counters[3],
				n.nwid, n.counters[1]);
		count++;
	}
	metrics_head(b, "zt_num_networks", "gauge",
		     "number of networks this instance is joined to");
	json_buf_printf(b, "zt_num_networks %u\n", count);
}

static void metrics_controller(struct json_buf *b)
{
	struct nc_ctl_req req = {0};
	struct nc_ctl_net n;
	unsigned nets = 0, members = 0;

	if (ctrl_net_get(&req, &n) == -ENOTCONN)
		return;
	for (req.index = 0; ctrl_net_get(&req, &n) == 0; req.index++) {
		nets++;
		members += n.nmembers;
	}
	metrics_head(b, "controller_network_count", "gauge",
		     "number of networks the controller is serving");
	json_buf_printf(b, "controller_network_count %u\n", nets);
	metrics_head(b, "controller_member_count", "gauge",
		     "number of network members the controller is serving");
	json_buf_printf(b, "controller_member_count %u\n", members);
}

static void metrics_sockets(struct json_buf *b)
{
	static struct nc_status_entry e[METRICS_SOCK_PAGE];
	uint64_t after = 0, in = 0, out = 0, tcp = 0, udp = 0, connected = 0;
	int n;

	do {
		n = vconn_list(after, e, METRICS_SOCK_PAGE);
		for (int i = 0; i < n; i++) {
			in += e[i].bytes_in;
			out += e[i].bytes_out;
			if (e[i].proto == NC_PROTO_UDP)
				udp++;
			else
				tcp++;
			if (e[i].state == NC_ST_CONNECTED)
				connected++;
			if (e[i].sockid > after)
				after = e[i].sockid;
		}
	} while (n == METRICS_SOCK_PAGE);
	metrics_head(b, "netcon_virtual_sockets", "gauge", "virtual sockets open, by protocol");
	json_buf_printf(b, "netcon_virtual_sockets{protocol=\"tcp\"} %" PRIu64 "\n", tcp);
	json_buf_printf(b, "netcon_virtual_sockets{protocol=\"udp\"} %" PRIu64 "\n", udp);
	metrics_head(b, "netcon_virtual_connections", "gauge",
		     "virtual TCP connections established");
	json_buf_printf(b, "netcon_virtual_connections %" PRIu64 "\n", connected);
	metrics_head(b, "netcon_virtual_socket_bytes", "gauge",
		     "bytes moved by the virtual sockets open now, by direction");
	json_buf_printf(b, "netcon_virtual_socket_bytes{direction=\"rx\"} %" PRIu64 "\n", in);
	json_buf_printf(b, "netcon_virtual_socket_bytes{direction=\"tx\"} %" PRIu64 "\n", out);
}

static void metrics_process(struct json_buf *b, unsigned api_conns)
{
	unsigned long size = 0, rss = 0;
	FILE *f = fopen("/proc/self/statm", "re");

	if (f) {
		if (fscanf(f, "%lu %lu", &size, &rss) != 2)
			rss = 0;
		fclose(f);
	}
	metrics_head(b, "netcon_rpc_clients", "gauge",
		     "programs and CLI commands connected to the control socket");
	json_buf_printf(b, "netcon_rpc_clients %" PRIu64 "\n", rpc_srv_clients());
	metrics_head(b, "netcon_api_connections", "gauge", "open connections to this HTTP API");
	json_buf_printf(b, "netcon_api_connections %u\n", api_conns);
	metrics_head(b, "process_resident_memory_bytes", "gauge", "resident memory of the daemon");
	json_buf_printf(b, "process_resident_memory_bytes %lu\n",
			rss * (unsigned long)sysconf(_SC_PAGESIZE));
}

void metrics_write(struct json_buf *b, unsigned api_conns)
{
	struct zt_node_info info;

	memset(&info, 0, sizeof(info));
	if (ztnode_node_info(&info) == 0)
		metrics_packets(b, &info.stats);
	metrics_peers(b);
	metrics_networks(b);
	metrics_controller(b);
	metrics_sockets(b);
	metrics_process(b, api_conns);
}
