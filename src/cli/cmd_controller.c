// SPDX-License-Identifier: BSD-2-Clause
/* netcon controller: networks and members of the daemon's controller role. */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/client.h"
#include "cli/opt.h"
#include "common/ztjson.h"
#include "netcon/rpc.h"

#define SUB "controller"

static void ctl_usage(FILE *f)
{
	fprintf(f,
		"Usage:\n"
		"  netcon controller network create [--name N] [--private|--public]\n"
		"                 [--pool FIRST-LAST]... [--route CIDR[,VIA]]... [--mtu N]\n"
		"                 [--dns-domain D] [--dns-server IP[/PORT]]...\n"
		"                 [--v6 MODE[,MODE]...]   (rfc4193, 6plane, zt)\n"
		"  netcon controller network set NWID [--name N] [--mtu N]\n"
		"                 [--dns-domain D] [--dns-server IP[/PORT]]... | [--no-dns]\n"
		"                 [--v6 MODE[,MODE]...|none]\n"
		"  netcon controller network list [--json]\n"
		"  netcon controller network show NWID [--json]\n"
		"  netcon controller network delete NWID\n"
		"  netcon controller member list NWID [--json]\n"
		"  netcon controller member authorize NWID NODE [--ip IP]...\n"
		"  netcon controller member deauthorize NWID NODE\n"
		"Every command takes --home DIR (the daemon's NETCON_HOME).\n\n"
		"The daemon is the controller of networks whose id starts with its address.\n"
		"Records live in HOME/controller.d/ in the layout of ZeroTier's controller.\n"
		"A pool (IPv4, or IPv6 up to %d) without --route gets the smallest route that\n"
		"covers it.\n"
		"DNS settings (a search domain, up to 4 servers) go to members in the network's\n"
		"config; `set` pushes the changed config to every authorized member at once.\n"
		"--v6 rfc4193: each member gets fdNN:NNNN:NNNN:NNNN:NN99:93MM:MMMM:MMMM/88;\n"
		"--v6 6plane: fcXX:XXXX:XXMM:MMMM:MM00::1/40 (N network id, X its two halves\n"
		"XORed, M node address); --v6 zt: each member gets an address of the IPv6\n"
		"pools that a route holds.\n",
		NC_CTL_MAX_POOLS6);
}

struct ctl_opts {
	const char *home;
	bool json, set_private, set_public;
	const char *name;
	unsigned npools, nroutes, nips;
	struct nc_ctl_pool pools[NC_CTL_MAX_POOLS];
	unsigned npools6;
	struct nc_ctl_pool6 pools6[NC_CTL_MAX_POOLS6];
	struct nc_ctl_route routes[NC_CTL_MAX_ROUTES];
	struct nc_addr ips[NC_CTL_MAX_IPS];
	long mtu;
	bool set_name, set_dns, no_dns;
	const char *dns_domain;
	unsigned ndns;
	struct nc_addr dns[NC_CTL_MAX_DNS];
	uint32_t v6; /* NC_CTL_V6_* */
	bool set_v6;
};

/* "IP" or "IP/PORT", as ZeroTier's controller records write a DNS server. */
static int ctl_parse_dns(const char *s, struct nc_addr *a)
{
	char tmp[64], *slash, *end;
	long port = 0;

	if (strlen(s) >= sizeof(tmp))
		return -EINVAL;
	strcpy(tmp, s);
	slash = strchr(tmp, '/');
	if (slash) {
		*slash++ = 0;
		port = strtol(slash, &end, 10);
		if (!*slash || *end || port < 1 || port > 65535)
			return -EINVAL;
	}
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, tmp, a->ip) == 1)
		a->family = 4;
	else if (inet_pton(AF_INET6, tmp, a->ip) == 1)
		a->family = 6;
	else
		return -EINVAL;
	a->port = (uint16_t)port;
	return 0;
}

static int ctl_parse_addr(const char *s, struct nc_addr *a, int *bits)
{
	char tmp[64], *slash;
	char *end;

	if (strlen(s) >= sizeof(tmp))
		return -EINVAL;
	strcpy(tmp, s);
	slash = strchr(tmp, '/');
	if (slash)
		*slash++ = 0;
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, tmp, a->ip) == 1)
		a->family = 4;
	else if (inet_pton(AF_INET6, tmp, a->ip) == 1)
		a->family = 6;
	else
		return -EINVAL;
	if (!bits)
		return slash ? -EINVAL : 0;
	if (!slash || !*slash)
		return -EINVAL;
	*bits = (int)strtol(slash, &end, 10);
	if (*end || *bits < 0 || *bits > (a->family == 4 ? 32 : 128))
		return -EINVAL;
	a->port = (uint16_t)*bits;
	return 0;
}

static uint32_t ctl_v4(const struct nc_addr *a)
{
	return (uint32_t)a->ip[0] << 24 | (uint32_t)a->ip[1] << 16 | (uint32_t)a->ip[2] << 8 |
	       a->ip[3];
}

/* "rfc4193,6plane,zt" (any of them, any order) or "none": v6AssignMode as flags. */
static int ctl_parse_v6(const char *s, uint32_t *out)
{
	char buf[64], *save = NULL;
	uint32_t f = 0;

	if (!strcmp(s, "none")) {
		*out = 0;
		return 0;
	}
	if (strlen(s) >= sizeof(buf) || !*s)
		return -EINVAL;
	strcpy(buf, s);
	for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (!strcmp(t, "rfc4193"))
			f |= NC_CTL_V6_RFC4193;
		else if (!strcmp(t, "6plane"))
			f |= NC_CTL_V6_6PLANE;
		else if (!strcmp(t, "zt"))
			f |= NC_CTL_V6_ZT;
		else
			return -EINVAL;
	}
	if (!f)
		return -EINVAL;
	*out = f;
	return 0;
}

static int ctl_opt_name(const char *sub, void *opts, const char *value)
{
	struct ctl_opts *o = opts;

	if (strlen(value) >= NC_CTL_NAME_LEN)
		return cli_usage_error(sub, "--name is longer than %d bytes", NC_CTL_NAME_LEN - 1);
	o->name = value;
	o->set_name = true;
	return 0;
}

static int ctl_opt_dns_domain(const char *sub, void *opts, const char *value)
{
	struct ctl_opts *o = opts;

	if (strlen(value) >= NC_CTL_DNS_DOMAIN_LEN || !*value || strpbrk(value, " \t\n#;"))
		return cli_usage_error(sub, "--dns-domain '%s' is not a domain name", value);
	o->dns_domain = value;
	o->set_dns = true;
	return 0;
}

static int ctl_opt_dns_server(const char *sub, void *opts, const char *value)
{
	struct ctl_opts *o = opts;

	if (o->ndns >= NC_CTL_MAX_DNS)
		return cli_usage_error(sub, "at most %d --dns-server", NC_CTL_MAX_DNS);
	if (ctl_parse_dns(value, &o->dns[o->ndns]) < 0)
		return cli_usage_error(sub, "bad --dns-server '%s' (IP or IP/PORT)", value);
	o->ndns++;
	o->set_dns = true;
	return 0;
}

/* FIRST-LAST: an IPv6 pool if both are IPv6, else an IPv4 one. */
static int ctl_opt_pool(const char *sub, void *opts, const char *value)
{
	struct ctl_opts *o = opts;
	char buf[128], *dash;
	struct nc_addr f, l;

	snprintf(buf, sizeof(buf), "%s", value);
	dash = strchr(buf, '-');
	if (!dash)
		return cli_usage_error(sub, "--pool wants FIRST-LAST, got '%s'", value);
	*dash++ = 0;
	if (ctl_parse_addr(buf, &f, NULL) == 0 && ctl_parse_addr(dash, &l, NULL) == 0 &&
	    f.family == 6 && l.family == 6) {
		if (memcmp(l.ip, f.ip, 16) < 0)
			return cli_usage_error(sub, "bad IPv6 --pool '%s'", value);
		if (o->npools6 >= NC_CTL_MAX_POOLS6)
			return cli_usage_error(sub, "at most %d IPv6 pools", NC_CTL_MAX_POOLS6);
		memcpy(o->pools6[o->npools6].first, f.ip, 16);
		memcpy(o->pools6[o->npools6++].last, l.ip, 16);
		return 0;
	}
	if (ctl_parse_addr(buf, &f, NULL) < 0 || ctl_parse_addr(dash, &l, NULL) < 0 ||
	    f.family != 4 || l.family != 4 || ctl_v4(&l) < ctl_v4(&f) || ctl_v4(&f) == 0)
		return cli_usage_error(sub, "bad IPv4 --pool '%s'", value);
	if (o->npools >= NC_CTL_MAX_POOLS)
		return cli_usage_error(sub, "at most %d pools", NC_CTL_MAX_POOLS);
	o->pools[o->npools].first = ctl_v4(&f);
	o->pools[o->npools++].last = ctl_v4(&l);
	return 0;
}

static int ctl_opt_route(const char *sub, void *opts, const char *value)
{
	struct ctl_opts *o = opts;
	char buf[128], *comma;
	int bits;

	snprintf(buf, sizeof(buf), "%s", value);
	comma = strchr(buf, ',');
	if (comma)
		*comma++ = 0;
	if (o->nroutes >= NC_CTL_MAX_ROUTES)
		return cli_usage_error(sub, "at most %d routes", NC_CTL_MAX_ROUTES);
	if (ctl_parse_addr(buf, &o->routes[o->nroutes].target, &bits) < 0 ||
	    (comma && ctl_parse_addr(comma, &o->routes[o->nroutes].via, NULL) < 0))
		return cli_usage_error(sub, "bad --route '%s' (CIDR[,VIA])", value);
	o->nroutes++;
	return 0;
}

static int ctl_opt_mtu(const char *sub, void *opts, const char *value)
{
	struct ctl_opts *o = opts;
	char *end;

	o->mtu = strtol(value, &end, 10);
	if (!*value || *end || o->mtu < 1280 || o->mtu > 10000)
		return cli_usage_error(sub, "--mtu '%s' is not 1280..10000", value);
	return 0;
}

static int ctl_opt_ip(const char *sub, void *opts, const char *value)
{
	struct ctl_opts *o = opts;

	if (o->nips >= NC_CTL_MAX_IPS)
		return cli_usage_error(sub, "at most %d --ip", NC_CTL_MAX_IPS);
	if (ctl_parse_addr(value, &o->ips[o->nips], NULL) < 0)
		return cli_usage_error(sub, "bad --ip '%s'", value);
	o->nips++;
	return 0;
}

static int ctl_opt_v6(const char *sub, void *opts, const char *value)
{
	struct ctl_opts *o = opts;

	if (ctl_parse_v6(value, &o->v6) < 0)
		return cli_usage_error(sub,
				       "bad --v6 '%s' (rfc4193, 6plane, zt, comma-separated, or "
				       "none)",
				       value);
	o->set_v6 = true;
	return 0;
}

/* One table for every controller command: each takes the others' options too. */
static const struct opt ctl_options[] = {
    OPT_STRING("home", 0, struct ctl_opts, home),
    OPT_FLAG("json", 0, struct ctl_opts, json),
    OPT_VALUE("name", 0, ctl_opt_name),
    OPT_FLAG("private", 0, struct ctl_opts, set_private),
    OPT_FLAG("public", 0, struct ctl_opts, set_public),
    OPT_VALUE("pool", 0, ctl_opt_pool),
    OPT_VALUE("route", 0, ctl_opt_route),
    OPT_VALUE("mtu", 0, ctl_opt_mtu),
    OPT_VALUE("ip", 0, ctl_opt_ip),
    OPT_VALUE("dns-domain", 0, ctl_opt_dns_domain),
    OPT_VALUE("dns-server", 0, ctl_opt_dns_server),
    OPT_FLAG("no-dns", 0, struct ctl_opts, no_dns),
    OPT_VALUE("v6", 0, ctl_opt_v6),
    {0},
};

static const struct opt_verb ctl_verb = {
    .name = SUB, .usage = ctl_usage, .opts = ctl_options, .max_args = OPT_ANY_ARGS};

/* The options of a controller command into o, checked against each other. Returns -1 to go on,
 * else the exit status. */
static int ctl_getopts(int argc, char **argv, struct ctl_opts *o)
{
	int r;

	memset(o, 0, sizeof(*o));
	r = opt_parse(&ctl_verb, argc, argv, o);
	if (r >= 0)
		return r;
	if (o->set_private && o->set_public)
		return cli_usage_error(SUB, "--private and --public exclude each other");
	if (o->no_dns && o->set_dns)
		return cli_usage_error(SUB, "--no-dns excludes --dns-domain and --dns-server");
	return -1;
}

static int ctl_parse_nwid(const char *s, uint64_t *out)
{
	char *end;

	if (strlen(s) != 16)
		return -EINVAL;
	*out = strtoull(s, &end, 16);
	return *end ? -EINVAL : 0;
}

static int ctl_parse_node(const char *s, uint64_t *out)
{
	char *end;

	if (strlen(s) != 10)
		return -EINVAL;
	*out = strtoull(s, &end, 16);
	return *end || *out == 0 || (*out >> 32) == 0xff ? -EINVAL : 0;
}

/* The arguments after the options of WHAT: exactly n, NWID [NODE]. Returns 0 or the usage
 * error's exit status, having said what is wrong. */
static int ctl_args(const char *what, int argc, char **argv, int n)
{
	if (optind + n > argc)
		return cli_usage_error(SUB, "%s: missing %s", what,
				       optind == argc ? "NWID" : "NODE");
	if (optind + n < argc)
		return cli_usage_error(SUB, "%s: unexpected argument '%s'", what, argv[optind + n]);
	return 0;
}

/* The same, the network id parsed into nwid. */
static int ctl_nwid_arg(const char *what, int argc, char **argv, int n, uint64_t *nwid)
{
	int r = ctl_args(what, argc, argv, n);

	if (r)
		return r;
	if (ctl_parse_nwid(argv[optind], nwid) < 0)
		return cli_usage_error(SUB, "'%s' is not a network id (16 hex digits)",
				       argv[optind]);
	return 0;
}

static const char *ctl_ip(const struct nc_addr *a, char *buf, size_t size, bool bits)
{
	size_t n;

	buf[0] = 0;
	if (a->family != 4 && a->family != 6)
		return buf;
	inet_ntop(a->family == 4 ? AF_INET : AF_INET6, a->ip, buf, (socklen_t)size);
	n = strlen(buf);
	if (bits)
		snprintf(buf + n, size - n, "/%u", a->port);
	return buf;
}

static const char *ctl_v4str(uint32_t v, char *buf)
{
	snprintf(buf, 16, "%u.%u.%u.%u", v >> 24, (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff);
	return buf;
}

static const char *ctl_dns_str(const struct nc_addr *a, char *buf, size_t size)
{
	size_t n;

	ctl_ip(a, buf, size, false);
	n = strlen(buf);
	if (a->port)
		snprintf(buf + n, size - n, "/%u", a->port);
	return buf;
}

/* A record as the controller's local API shows it (common/ztjson.c builds both). */
static void ctl_print_buf(void (*net)(struct json_buf *, const struct nc_ctl_net *),
			  const struct nc_ctl_net *n, const struct nc_ctl_member *m)
{
	struct json_buf b;

	json_buf_init(&b);
	if (net)
		net(&b, n);
	else
		ztjson_ctl_member(&b, m, "");
	if (!b.err)
		fwrite(b.p, 1, b.len, stdout);
	json_buf_free(&b);
}

static void ctl_print_net(const struct nc_ctl_net *n, bool json)
{
	char a[64], b[64];

	if (!json) {
		printf("%016" PRIx64 " %-16s %-7s members %u (authorized %u)", n->nwid,
		       n->name[0] ? n->name : "-", n->flags & NC_CTL_PRIVATE ? "private" : "public",
		       n->nmembers, n->nauthorized);
		for (unsigned k = 0; k < n->npools; k++)
			printf(" pool %s-%s", ctl_v4str(n->pools[k].first, a),
			       ctl_v4str(n->pools[k].last, b));
		for (unsigned k = 0; k < n->npools6 && k < NC_CTL_MAX_POOLS6; k++)
			printf(" pool %s-%s", inet_ntop(AF_INET6, n->pools6[k].first, a, sizeof(a)),
			       inet_ntop(AF_INET6, n->pools6[k].last, b, sizeof(b)));
		for (unsigned k = 0; k < n->nroutes; k++)
			printf(" route %s%s%s", ctl_ip(&n->routes[k].target, a, sizeof(a), true),
			       n->routes[k].via.family ? " via " : "",
			       ctl_ip(&n->routes[k].via, b, sizeof(b), false));
		if (n->flags & (NC_CTL_V6_RFC4193 | NC_CTL_V6_6PLANE | NC_CTL_V6_ZT)) {
			const char *sep = " v6 ";

			if (n->flags & NC_CTL_V6_RFC4193) {
				printf("%srfc4193", sep);
				sep = ",";
			}
			if (n->flags & NC_CTL_V6_6PLANE) {
				printf("%s6plane", sep);
				sep = ",";
			}
			if (n->flags & NC_CTL_V6_ZT)
				printf("%szt", sep);
		}
		printf(" mtu %u", n->mtu);
		if (n->flags & NC_CTL_DNS) {
			printf(" dns %s", n->dns_domain[0] ? n->dns_domain : "-");
			for (unsigned k = 0; k < n->ndns && k < NC_CTL_MAX_DNS; k++)
				printf(" %s", ctl_dns_str(&n->dns[k], a, sizeof(a)));
		}
		printf("\n");
		return;
	}
	ctl_print_buf(ztjson_ctl_net, n, NULL);
}

static void ctl_print_member(const struct nc_ctl_member *m, bool json)
{
	char a[64];

	if (!json) {
		printf("%010" PRIx64 " %-12s", m->address,
		       m->flags & NC_CTL_AUTHORIZED ? "authorized" : "unauthorized");
		for (unsigned k = 0; k < m->nips; k++)
			printf(" %s", ctl_ip(&m->ips[k], a, sizeof(a), false));
		if (m->vmajor >= 0)
			printf(" v%d.%d.%d", m->vmajor, m->vminor, m->vrev);
		printf("\n");
		return;
	}
	ctl_print_buf(NULL, NULL, m);
}

/* Why the daemon refused a request about network nwid (NULL for none) and member node (or NULL),
 * on stderr; returns the exit status 1. */
static int ctl_fail(const char *nwid, const char *node, int r)
{
	fprintf(stderr, "netcon controller: ");
	switch (-r) {
	case EPERM:
		fprintf(stderr, "only the daemon's user and root may administer the controller\n");
		break;
	case ENOTCONN:
		fprintf(stderr, "the daemon's controller role is not running (see its log)\n");
		break;
	case EREMOTE:
		fprintf(stderr,
			"this node is not the controller of %s (its controller is node %.10s)\n",
			nwid, nwid);
		break;
	case ENOENT:
		fprintf(stderr, "no network %s\n", nwid);
		break;
	case ESRCH:
		fprintf(stderr, "%s is not a member of %s\n", node, nwid);
		break;
	case EADDRINUSE:
		fprintf(stderr, "an --ip address is in use by another member of %s\n", nwid);
		break;
	case ENOSPC:
		if (node)
			fprintf(stderr, "network %s has as many members as it can hold\n", nwid);
		else
			fprintf(stderr, "the controller has as many networks as it can hold\n");
		break;
	default:
		fprintf(stderr, "%s%s%s\n", nwid ? nwid : "", nwid ? ": " : "", client_strerror(r));
	}
	return 1;
}

/* The DNS options into a request (NC_CTL_DNS set when any was given). */
static void ctl_dns_req(const struct ctl_opts *o, struct nc_ctl_net *req)
{
	if (!o->set_dns)
		return;
	req->flags |= NC_CTL_DNS;
	snprintf(req->dns_domain, sizeof(req->dns_domain), "%s",
		 o->dns_domain ? o->dns_domain : "");
	req->ndns = o->ndns;
	memcpy(req->dns, o->dns, sizeof(o->dns));
}

/* The smallest prefix that covers first..last. */
static void ctl_cover(const struct nc_ctl_pool *p, struct nc_ctl_route *rt)
{
	unsigned bits = 32;
	uint32_t net;

	while (bits > 0 && (p->first >> (32 - bits)) != (p->last >> (32 - bits)))
		bits--;
	net = bits ? p->first & (0xffffffffu << (32 - bits)) : 0;
	memset(rt, 0, sizeof(*rt));
	rt->target.family = 4;
	rt->target.ip[0] = (uint8_t)(net >> 24);
	rt->target.ip[1] = (uint8_t)(net >> 16);
	rt->target.ip[2] = (uint8_t)(net >> 8);
	rt->target.ip[3] = (uint8_t)net;
	rt->target.port = (uint16_t)bits;
}

/* The same for an IPv6 pool. */
static void ctl_cover6(const struct nc_ctl_pool6 *p, struct nc_ctl_route *rt)
{
	unsigned bits = 0;

	while (bits < 128 && !((p->first[bits / 8] ^ p->last[bits / 8]) & (0x80u >> (bits % 8))))
		bits++;
	memset(rt, 0, sizeof(*rt));
	rt->target.family = 6;
	for (unsigned b = 0; b < bits; b++)
		rt->target.ip[b / 8] |= p->first[b / 8] & (0x80u >> (b % 8));
	rt->target.port = (uint16_t)bits;
}

/* Make the network o describes; the controller's record of it into rep. Returns the exit
 * status, having said on stderr what went wrong. */
static int ctl_net_create(const struct ctl_opts *o, struct nc_ctl_net *rep)
{
	struct nc_ctl_net req;
	int r, fd;

	memset(&req, 0, sizeof(req));
	req.flags = (o->set_public ? 0 : NC_CTL_PRIVATE) | NC_CTL_BROADCAST |
		    (o->npools ? NC_CTL_V4_AUTO : 0) | o->v6;
	req.mtu = (uint32_t)o->mtu;
	req.multicast_limit = 32;
	req.h.type = NC_CTL_NET_CREATE;
	snprintf(req.name, sizeof(req.name), "%s", o->name ? o->name : "");
	req.npools = o->npools;
	memcpy(req.pools, o->pools, sizeof(o->pools));
	req.nroutes = o->nroutes;
	memcpy(req.routes, o->routes, sizeof(o->routes));
	req.npools6 = o->npools6;
	memcpy(req.pools6, o->pools6, sizeof(o->pools6));
	if (!o->nroutes && o->npools + o->npools6 > NC_CTL_MAX_ROUTES)
		return cli_usage_error(SUB, "more pools than routes (%d): give --route",
				       NC_CTL_MAX_ROUTES);
	for (unsigned k = 0; !o->nroutes && k < o->npools; k++)
		ctl_cover(&o->pools[k], &req.routes[req.nroutes++]);
	for (unsigned k = 0; !o->nroutes && k < o->npools6; k++)
		ctl_cover6(&o->pools6[k], &req.routes[req.nroutes++]);
	if (o->no_dns)
		return cli_usage_error(SUB, "--no-dns goes with set");
	ctl_dns_req(o, &req);
	if ((fd = client_connect("controller", o->home)) < 0)
		return 1;
	r = client_call(fd, &req, sizeof(req), rep, sizeof(*rep));
	close(fd);
	return r < 0 ? ctl_fail(NULL, NULL, r) : 0;
}

int ctl_create_private(const char *home, const char *name, const char *pool, const char *route,
		       uint64_t *nwid)
{
	struct ctl_opts o;
	struct nc_ctl_net rep;
	int r;

	memset(&o, 0, sizeof(o));
	o.home = home;
	o.set_private = true;
	r = ctl_opt_name(SUB, &o, name);
	if (!r && pool)
		r = ctl_opt_pool(SUB, &o, pool);
	if (!r && route)
		r = ctl_opt_route(SUB, &o, route);
	if (!r)
		r = ctl_net_create(&o, &rep);
	if (!r)
		*nwid = rep.nwid;
	return r;
}

/* (De)authorize member node of network nwid (both as given), with o's --ip; the controller's
 * record of it into rep. Returns the exit status, having said on stderr what went wrong. */
static int ctl_member_set(const struct ctl_opts *o, const char *nwid, const char *node, bool auth,
			  struct nc_ctl_member *rep)
{
	struct nc_ctl_member req;
	int r, fd;

	memset(&req, 0, sizeof(req));
	if (ctl_parse_nwid(nwid, &req.nwid) < 0)
		return cli_usage_error(SUB, "'%s' is not a network id (16 hex digits)", nwid);
	if (ctl_parse_node(node, &req.address) < 0)
		return cli_usage_error(SUB, "'%s' is not a node address (10 hex digits)", node);
	if (!auth && o->nips)
		return cli_usage_error(SUB, "--ip goes with authorize");
	req.h.type = NC_CTL_MEMBER_SET;
	req.flags = (auth ? NC_CTL_AUTHORIZED : 0) | (o->nips ? NC_CTL_SET_IPS : 0);
	req.nips = o->nips;
	memcpy(req.ips, o->ips, sizeof(o->ips));
	if ((fd = client_connect("controller", o->home)) < 0)
		return 1;
	r = client_call(fd, &req, sizeof(req), rep, sizeof(*rep));
	close(fd);
	return r < 0 ? ctl_fail(nwid, node, r) : 0;
}

int ctl_authorize(const char *home, const char *nwid, const char *node)
{
	struct ctl_opts o;
	struct nc_ctl_member rep;

	memset(&o, 0, sizeof(o));
	o.home = home;
	return ctl_member_set(&o, nwid, node, true, &rep);
}

static int ctl_network_create(int argc, char **argv, void *ctx)
{
	struct ctl_opts *o = ctx;
	struct nc_ctl_net rep;
	int r;

	if (optind != argc)
		return cli_usage_error(SUB, "network create takes no arguments");
	r = ctl_net_create(o, &rep);
	if (r)
		return r;
	if (o->json) {
		ctl_print_net(&rep, true);
		printf("\n");
	} else {
		printf("%016" PRIx64 "\n", rep.nwid);
	}
	return 0;
}

static int ctl_network_set(int argc, char **argv, void *ctx)
{
	struct ctl_opts *o = ctx;
	struct nc_ctl_net req, rep;
	int r, fd;

	memset(&req, 0, sizeof(req));
	r = ctl_nwid_arg("network set", argc, argv, 1, &req.nwid);
	if (r)
		return r;
	if (o->npools || o->npools6 || o->nroutes || o->nips || o->set_private || o->set_public)
		return cli_usage_error(SUB, "network set changes --name, --mtu, DNS and --v6 only");
	req.h.type = NC_CTL_NET_SET;
	if (o->set_name) {
		req.change |= NC_CTL_CHANGE_NAME;
		snprintf(req.name, sizeof(req.name), "%s", o->name);
	}
	if (o->mtu) {
		req.change |= NC_CTL_CHANGE_MTU;
		req.mtu = (uint32_t)o->mtu;
	}
	if (o->set_dns || o->no_dns)
		req.change |= NC_CTL_CHANGE_DNS;
	ctl_dns_req(o, &req);
	if (o->set_v6) {
		req.change |= NC_CTL_CHANGE_V6;
		req.flags |= o->v6;
	}
	if (!req.change)
		return cli_usage_error(SUB, "network set: nothing to change");
	if ((fd = client_connect("controller", o->home)) < 0)
		return 1;
	r = client_call(fd, &req, sizeof(req), &rep, sizeof(rep));
	if (r < 0)
		return ctl_fail(argv[optind], NULL, r);
	ctl_print_net(&rep, o->json);
	if (o->json)
		printf("\n");
	return 0;
}

static int ctl_network_list(int argc, char **argv, void *ctx)
{
	struct ctl_opts *o = ctx;
	int r, fd;

	if (optind != argc)
		return cli_usage_error(SUB, "network list takes no arguments");
	if ((fd = client_connect("controller", o->home)) < 0)
		return 1;
	if (o->json)
		printf("[");
	for (uint64_t i = 0;; i++) {
		struct nc_ctl_req req = {.h.type = NC_CTL_NET_GET, .index = i};
		struct nc_ctl_net rep;

		r = client_call(fd, &req, sizeof(req), &rep, sizeof(rep));
		if (r == -ENOENT)
			break;
		if (r < 0)
			return ctl_fail(NULL, NULL, r);
		if (o->json && i)
			printf(",");
		ctl_print_net(&rep, o->json);
	}
	if (o->json)
		printf("]\n");
	return 0;
}

/* network show and network delete: the same request but its type. */
static int ctl_network_get(int argc, char **argv, void *ctx)
{
	struct ctl_opts *o = ctx;
	bool delete = !strcmp(argv[0], "delete");
	struct nc_ctl_req req = {0};
	struct nc_ctl_net rep;
	int r, fd;

	r = ctl_nwid_arg(delete ? "network delete" : "network show", argc, argv, 1, &req.nwid);
	if (r)
		return r;
	req.h.type = delete ? NC_CTL_NET_DELETE : NC_CTL_NET_GET;
	if ((fd = client_connect("controller", o->home)) < 0)
		return 1;
	if (delete) {
		r = client_call(fd, &req, sizeof(req), &rep, sizeof(struct nc_hdr));
		return r < 0 ? ctl_fail(argv[optind], NULL, r) : 0;
	}
	r = client_call(fd, &req, sizeof(req), &rep, sizeof(rep));
	if (r < 0)
		return ctl_fail(argv[optind], NULL, r);
	ctl_print_net(&rep, o->json);
	if (o->json)
		printf("\n");
	return 0;
}

static int ctl_member_list(int argc, char **argv, void *ctx)
{
	struct ctl_opts *o = ctx;
	uint64_t nwid;
	int r, fd;

	r = ctl_nwid_arg("member list", argc, argv, 1, &nwid);
	if (r)
		return r;
	if ((fd = client_connect("controller", o->home)) < 0)
		return 1;
	if (o->json)
		printf("[");
	for (uint64_t i = 0;; i++) {
		struct nc_ctl_req req = {.h.type = NC_CTL_MEMBER_GET, .nwid = nwid, .index = i};
		struct nc_ctl_member rep;

		r = client_call(fd, &req, sizeof(req), &rep, sizeof(rep));
		if (r == -ENOENT && i > 0)
			break;
		if (r == -ENOENT) {
			/* No members, or no network: tell which. */
			struct nc_ctl_req nq = {.h.type = NC_CTL_NET_GET, .nwid = nwid};
			struct nc_ctl_net nrep;

			r = client_call(fd, &nq, sizeof(nq), &nrep, sizeof(nrep));
			if (r < 0)
				return ctl_fail(argv[optind], NULL, r);
			break;
		}
		if (r < 0)
			return ctl_fail(argv[optind], NULL, r);
		if (o->json && i)
			printf(",");
		ctl_print_member(&rep, o->json);
	}
	if (o->json)
		printf("]\n");
	return 0;
}

/* member authorize and member deauthorize. */
static int ctl_member_auth(int argc, char **argv, void *ctx)
{
	struct ctl_opts *o = ctx;
	bool auth = !strcmp(argv[0], "authorize");
	struct nc_ctl_member rep;
	int r;

	r = ctl_args(auth ? "member authorize" : "member deauthorize", argc, argv, 2);
	if (r)
		return r;
	r = ctl_member_set(o, argv[optind], argv[optind + 1], auth, &rep);
	if (r)
		return r;
	ctl_print_member(&rep, o->json);
	if (o->json)
		printf("\n");
	return 0;
}

static const struct opt_cmd ctl_network_cmds[] = {
    {"create", ctl_network_create}, {"set", ctl_network_set},	 {"list", ctl_network_list},
    {"show", ctl_network_get},	    {"delete", ctl_network_get}, {NULL, NULL},
};

static const struct opt_cmd ctl_member_cmds[] = {
    {"list", ctl_member_list},
    {"authorize", ctl_member_auth},
    {"deauthorize", ctl_member_auth},
    {NULL, NULL},
};

/* A noun's verbs (network create): the options first, so that a bad one is said before an
 * unknown verb, as getopt did. */
static int ctl_noun(int argc, char **argv, const struct opt_cmd *cmds, const char *choices)
{
	const char *verb = argc > 1 ? argv[1] : NULL;
	const struct opt_cmd *c;
	struct ctl_opts o;
	int r;

	if (!verb)
		return cli_usage_error(SUB, "%s: %s?", argv[0], choices);
	r = ctl_getopts(argc - 1, argv + 1, &o);
	if (r >= 0)
		return r;
	c = opt_cmd_find(cmds, verb);
	if (!c)
		return cli_usage_error(SUB, "unknown %s command '%s'", argv[0], verb);
	return c->fn(argc - 1, argv + 1, &o);
}

static int ctl_network(int argc, char **argv, void *ctx)
{
	return ctl_noun(argc, argv, ctl_network_cmds, "create, set, list, show or delete");
}

static int ctl_member(int argc, char **argv, void *ctx)
{
	return ctl_noun(argc, argv, ctl_member_cmds, "list, authorize or deauthorize");
}

static const struct opt_cmd ctl_nouns[] = {
    {"network", ctl_network},
    {"member", ctl_member},
    {NULL, NULL},
};

int cmd_controller(int argc, char **argv)
{
	const struct opt_cmd *c;

	if (argc < 2)
		return cli_usage_error(SUB, "network or member?");
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		ctl_usage(stdout);
		return 0;
	}
	c = opt_cmd_find(ctl_nouns, argv[1]);
	if (!c)
		return cli_usage_error(SUB, "unknown command '%s' (network or member)", argv[1]);
	return c->fn(argc - 1, argv + 1, NULL);
}
