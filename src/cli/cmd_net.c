// SPDX-License-Identifier: BSD-2-Clause
/* netcon join, leave, networks: ZeroTier network membership, zerotier-cli's keys in --json. */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>

#include "cli/cli.h"
#include "cli/client.h"
#include "cli/opt.h"
#include "common/ztjson.h"
#include "netcon/rpc.h"

static const char *const net_status_names[] = {"REQUESTING_CONFIGURATION", "OK", "ACCESS_DENIED",
					       "NOT_FOUND"};

static int net_parse_id(const char *s, uint64_t *out)
{
	char *end;

	if (strlen(s) != 16)
		return -EINVAL;
	*out = strtoull(s, &end, 16);
	return *end || !*out ? -EINVAL : 0;
}

struct net_opts {
	const char *home;
	bool json;
};

static int net_no_json(const char *sub, void *o, const char *value)
{
	return cli_usage_error(sub, "no --json here");
}

static const struct opt net_member_options[] = {
    OPT_STRING("home", 0, struct net_opts, home),
    OPT_CHECK("json", 'j', net_no_json),
    {0},
};

static const struct opt networks_options[] = {
    OPT_STRING("home", 0, struct net_opts, home),
    OPT_FLAG("json", 'j', struct net_opts, json),
    {0},
};

int net_member(const char *sub, int type, const char *home, const char *nwid_arg)
{
	struct nc_zt_req req;
	struct nc_hdr rep;
	uint64_t nwid;
	int fd, r;

	if (net_parse_id(nwid_arg, &nwid) < 0)
		return cli_usage_error(sub, "'%s' is not a network id (16 hex digits)", nwid_arg);
	fd = client_connect(sub, home);
	if (fd < 0)
		return 1;
	memset(&req, 0, sizeof(req));
	req.h.type = (uint8_t)type;
	req.id = nwid;
	r = client_call(fd, &req, sizeof(req), &rep, sizeof(rep));
	close(fd);
	if (r == -ENOENT)
		fprintf(stderr, "netcon %s: this node is not a member of %016" PRIx64 "\n", sub,
			nwid);
	else if (r == -EINVAL)
		fprintf(stderr,
			"netcon %s: %016" PRIx64 " cannot be a network id: its controller address "
			"%010" PRIx64 " is reserved\n",
			sub, nwid, nwid >> 24);
	else if (r == -ENOSPC)
		fprintf(stderr, "netcon %s: the daemon is in as many networks as it can be\n", sub);
	else if (r < 0)
		fprintf(stderr, "netcon %s: %016" PRIx64 ": %s\n", sub, nwid, client_strerror(r));
	return r < 0 ? 1 : 0;
}

static int net_call(const struct opt_verb *v, int type, int argc, char **argv)
{
	struct net_opts o = {0};
	int r = opt_parse(v, argc, argv, &o);

	if (r >= 0)
		return r;
	if (optind == argc)
		return cli_usage_error(v->name, "missing NWID (16 hex digits)");
	r = net_member(v->name, type, o.home, argv[optind]);
	if (!r)
		printf("200 %s OK\n", v->name);
	return r;
}

static const struct opt_verb join_verb = {
    .name = "join",
    .help = "Usage: netcon join [--home DIR] NWID\n\n"
	    "Join the ZeroTier network NWID (16 hex digits): the daemon asks the\n"
	    "network's controller (the first 10 digits) for a config, keeps the network\n"
	    "in HOME/networks.d/NWID.conf across restarts, and gives the network's\n"
	    "addresses to programs run with 'netcon run'. See 'netcon networks'.\n",
    .opts = net_member_options,
    .max_args = 1};

int cmd_join(int argc, char **argv)
{
	return net_call(&join_verb, NC_NET_JOIN, argc, argv);
}

static const struct opt_verb leave_verb = {
    .name = "leave",
    .help = "Usage: netcon leave [--home DIR] NWID\n\n"
	    "Leave the ZeroTier network NWID: its interface and routes go, and\n"
	    "HOME/networks.d/NWID.conf is removed.\n",
    .opts = net_member_options,
    .max_args = 1};

int cmd_leave(int argc, char **argv)
{
	return net_call(&leave_verb, NC_NET_LEAVE, argc, argv);
}

static char *net_addr(const struct nc_addr *a, unsigned prefix, char *buf, size_t size)
{
	char ip[INET6_ADDRSTRLEN];

	if (!inet_ntop(a->family == 4 ? AF_INET : AF_INET6, a->ip, ip, sizeof(ip)))
		snprintf(ip, sizeof(ip), "?");
	snprintf(buf, size, "%s/%u", ip, prefix);
	return buf;
}

/* One network as zerotier-cli -j listnetworks prints it (common/ztjson.c builds it). */
static int net_print_json(const struct nc_net_info *n, bool first)
{
	struct json_buf b;
	int r;

	json_buf_init(&b);
	if (!first)
		json_buf_raw(&b, ",", 1);
	ztjson_network(&b, n);
	r = b.err || fwrite(b.p, 1, b.len, stdout) != b.len ? -EIO : 0;
	json_buf_free(&b);
	return r;
}

static const struct opt_verb networks_verb = {
    .name = "networks",
    .help = "Usage: netcon networks [--home DIR] [--json]\n\n"
	    "The ZeroTier networks the daemon has joined: id, name, MAC, status\n"
	    "(REQUESTING_CONFIGURATION, OK, ACCESS_DENIED, NOT_FOUND), type, MTU and the\n"
	    "assigned addresses. --json prints the keys of 'zerotier-cli -j listnetworks'\n"
	    "(with routes) plus netcon's frame counters.\n",
    .opts = networks_options};

int cmd_networks(int argc, char **argv)
{
	struct net_opts o = {0};
	int fd, r = opt_parse(&networks_verb, argc, argv, &o);

	if (r >= 0)
		return r;
	fd = client_connect("networks", o.home);
	if (fd < 0)
		return 1;
	if (o.json)
		printf("[");
	else
		printf("200 listnetworks <nwid> <name> <mac> <status> <type> <dev> "
		       "<ZT assigned ips>\n");
	for (uint64_t i = 0;; i++) {
		struct nc_zt_req req;
		struct nc_net_info n;
		char b[80];

		memset(&req, 0, sizeof(req));
		req.h.type = NC_NET_LIST;
		req.id = i;
		r = client_call(fd, &req, sizeof(req), &n, sizeof(n));
		if (r == -ENOENT)
			break;
		if (r != (int)sizeof(n)) {
			fprintf(stderr, "netcon networks: %s\n",
				client_strerror(r < 0 ? r : -EPROTO));
			close(fd);
			return 1;
		}
		n.name[sizeof(n.name) - 1] = 0;
		if (o.json) {
			if (net_print_json(&n, i == 0) < 0) {
				fprintf(stderr, "netcon networks: writing the JSON failed\n");
				close(fd);
				return 1;
			}
			continue;
		}
		printf("200 listnetworks %016" PRIx64
		       " %s %02x:%02x:%02x:%02x:%02x:%02x %s %s lwip ",
		       n.nwid, n.name[0] ? n.name : "-", n.mac[0], n.mac[1], n.mac[2], n.mac[3],
		       n.mac[4], n.mac[5], n.status < 4 ? net_status_names[n.status] : "?",
		       n.type ? "PUBLIC" : "PRIVATE");
		for (unsigned k = 0; k < n.naddrs && k < NC_NET_MAX_ADDRS; k++)
			printf("%s%s", k ? "," : "",
			       net_addr(&n.addrs[k].addr, n.addrs[k].prefix, b, sizeof(b)));
		printf("%s\n", n.naddrs ? "" : "-");
	}
	close(fd);
	if (o.json)
		printf("]\n");
	return 0;
}
