// SPDX-License-Identifier: BSD-2-Clause
/* netcon info, peers, ping, message: the daemon's ZeroTier node, zerotier-cli's keys in --json. */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/client.h"
#include "cli/opt.h"
#include "common/ztjson.h"
#include "netcon/rpc.h"
#include "zt/inetaddr.h"

static int64_t node_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static char *node_addr_str(const struct nc_addr *a, char buf[ZT_INETADDR_STRLEN])
{
	struct zt_inetaddr z;

	if (a->family != 4 && a->family != 6) {
		buf[0] = 0;
		return buf;
	}
	zt_inetaddr_set(&z, a->family, a->ip, a->port);
	return zt_inetaddr_to_string(&z, buf);
}

/* Print a built JSON text and a newline; 0, or 1 if it could not be built or written. */
static int node_print_buf(struct json_buf *b)
{
	int r = b->err || fwrite(b->p, 1, b->len, stdout) != b->len || putchar('\n') == EOF;

	json_buf_free(b);
	if (r)
		fprintf(stderr, "netcon: writing the JSON failed\n");
	return r;
}

/* The options of info, peers, ping and message. */
struct node_opts {
	const char *home;
	bool json;
	int count, interval_ms, timeout_ms;
	const char *data;
	uint64_t type;
	bool recv, timeout_set;
};

static int node_parse_address(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (strlen(s) != 10)
		return -EINVAL;
	v = strtoull(s, &end, 16);
	if (*end || v == 0 || (v >> 32) == 0xff)
		return -EINVAL;
	*out = v;
	return 0;
}

static int node_opt_type(const char *sub, void *o, const char *value)
{
	struct node_opts *no = o;
	char *end;

	no->type = strtoull(value, &end, 0);
	if (!*value || *end)
		return cli_usage_error(sub, "bad --type '%s'", value);
	return 0;
}

/* A count or seconds: 0 to a million. */
static int node_opt_number(const char *sub, const char *value, double *v)
{
	char *end;

	*v = strtod(value, &end);
	if (!*value || *end || *v < 0 || *v > 1e6)
		return cli_usage_error(sub, "bad number '%s'", value);
	return 0;
}

static int node_opt_count(const char *sub, void *o, const char *value)
{
	double v;
	int r = node_opt_number(sub, value, &v);

	if (!r)
		((struct node_opts *)o)->count = (int)v;
	return r;
}

static int node_opt_interval(const char *sub, void *o, const char *value)
{
	double v;
	int r = node_opt_number(sub, value, &v);

	if (!r)
		((struct node_opts *)o)->interval_ms = (int)(v * 1000);
	return r;
}

static int node_opt_timeout(const char *sub, void *o, const char *value)
{
	struct node_opts *no = o;
	double v;
	int r = node_opt_number(sub, value, &v);

	if (!r) {
		no->timeout_ms = (int)(v * 1000);
		no->timeout_set = true;
	}
	return r;
}

/* One table for the four verbs: each takes the others' options too. */
static const struct opt node_options[] = {
    OPT_STRING("home", 0, struct node_opts, home),
    OPT_FLAG("json", 0, struct node_opts, json),
    OPT_VALUE("count", 'c', node_opt_count),
    OPT_VALUE("interval", 'i', node_opt_interval),
    OPT_VALUE("timeout", 'w', node_opt_timeout),
    OPT_STRING("data", 0, struct node_opts, data),
    OPT_VALUE("type", 0, node_opt_type),
    OPT_FLAG("recv", 0, struct node_opts, recv),
    {0},
};

/* The options of verb v into o, with their defaults. Returns -1 to go on, else the exit status. */
static int node_getopts(const struct opt_verb *v, int argc, char **argv, struct node_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->count = 1;
	o->interval_ms = 1000;
	o->timeout_ms = 5000;
	return opt_parse(v, argc, argv, o);
}

/* Why the daemon would not send to dest. */
static const char *node_send_error(uint64_t dest, int r)
{
	static char buf[96];

	if (r == -EINVAL) {
		snprintf(buf, sizeof(buf), "%010" PRIx64 " is this node or a reserved address",
			 dest);
		return buf;
	}
	if (r == -EAGAIN)
		return "too many packets wait for nodes to be looked up; try again";
	return client_strerror(r);
}

/* ---- info ---- */

static void info_usage(FILE *f)
{
	fprintf(f, "Usage: netcon info [--home DIR] [--json]\n\n"
		   "The daemon's ZeroTier node: address, version, ONLINE/OFFLINE (a root of the\n"
		   "planet answered recently), whether it is a root, its UDP port, the planet id,\n"
		   "its address as the roots see it, and packet counters (drops by cause). --json\n"
		   "prints the keys of 'zerotier-cli -j info' plus netcon's own.\n");
}

static const struct opt_verb info_verb = {
    .name = "info", .usage = info_usage, .opts = node_options};

int cmd_info(int argc, char **argv)
{
	static const char *const names[NC_ZT_COUNTERS] = NC_ZT_COUNTER_NAMES;
	struct node_opts o;
	struct nc_zt_info info;
	struct nc_hdr req;
	char s[ZT_INETADDR_STRLEN];
	int fd, r = node_getopts(&info_verb, argc, argv, &o);

	if (r >= 0)
		return r;
	fd = client_connect("info", o.home);
	if (fd < 0)
		return 1;
	memset(&req, 0, sizeof(req));
	req.type = NC_ZT_INFO;
	r = client_call(fd, &req, sizeof(req), &info, sizeof(info));
	close(fd);
	if (r != (int)sizeof(info)) {
		fprintf(stderr, "netcon info: %s\n", client_strerror(r < 0 ? r : -EPROTO));
		return 1;
	}
	info.identity[sizeof(info.identity) - 1] = 0;
	node_addr_str(&info.surface, s);
	if (o.json) {
		struct json_buf b;

		json_buf_init(&b);
		ztjson_status(&b, &info, node_now_ms(), NULL);
		return node_print_buf(&b);
	}
	printf("address %010" PRIx64 "\nversion %u.%u.%u (protocol %u)\nstatus %s\nrole %s\n"
	       "port %u\nplanet %" PRIu64 " (timestamp %" PRIu64 ")\nsurface %s\npeers %u\n",
	       info.address, info.version_major, info.version_minor, info.version_rev, info.proto,
	       (info.flags & NC_ZT_ONLINE) ? "ONLINE" : "OFFLINE",
	       (info.flags & NC_ZT_ROOT) ? "root" : "leaf", info.port, info.planet_id,
	       info.planet_ts, s[0] ? s : "-", info.npeers);
	for (int i = 0; i < NC_ZT_COUNTERS; i++)
		printf("%s %" PRIu64 "\n", names[i], info.counters[i]);
	return 0;
}

/* ---- peers ---- */

static void peers_usage(FILE *f)
{
	fprintf(f,
		"Usage: netcon peers [--home DIR] [--json]\n\n"
		"The peers the daemon's ZeroTier node knows: address, role (PLANET for roots,\n"
		"LEAF), version, latency (ms, -1 unknown) and its direct paths (endpoint, time\n"
		"since last receive, preferred or expired), or 'relayed' through a root when no\n"
		"direct path is alive. --json prints the keys of 'zerotier-cli -j listpeers';\n"
		"each path also says \"direct\":true, and a peer \"relayed\" and \"relay\".\n");
}

static const struct opt_verb peers_verb = {
    .name = "peers", .usage = peers_usage, .opts = node_options};

static const char *peer_role(int r)
{
	return r == NC_ZT_PLANET ? "PLANET" : r == NC_ZT_MOON ? "MOON" : "LEAF";
}

int cmd_peers(int argc, char **argv)
{
	struct node_opts o;
	int fd, r = node_getopts(&peers_verb, argc, argv, &o);
	int64_t now = node_now_ms();

	if (r >= 0)
		return r;
	fd = client_connect("peers", o.home);
	if (fd < 0)
		return 1;
	if (o.json)
		printf("[");
	else
		printf("%-10s %-6s %-9s %7s  %s\n", "ADDRESS", "ROLE", "VERSION", "LATENCY",
		       "PATHS");
	for (uint64_t i = 0;; i++) {
		struct nc_zt_req req = {.id = i};
		struct nc_zt_peer p;
		char ver[40], s[ZT_INETADDR_STRLEN];

		req.h.type = NC_ZT_PEER;
		r = client_call(fd, &req, sizeof(req), &p, sizeof(p));
		if (r == -ENOENT)
			break;
		if (r != (int)sizeof(p)) {
			fprintf(stderr, "netcon peers: %s\n", client_strerror(r < 0 ? r : -EPROTO));
			close(fd);
			return 1;
		}
		if (p.npaths > NC_ZT_MAX_PATHS)
			p.npaths = NC_ZT_MAX_PATHS;
		snprintf(ver, sizeof(ver), "%d.%d.%d", p.major, p.minor, p.rev);
		if (o.json) {
			struct json_buf b;

			json_buf_init(&b);
			if (i)
				json_buf_raw(&b, ",", 1);
			ztjson_peer(&b, &p);
			if (b.err || fwrite(b.p, 1, b.len, stdout) != b.len) {
				json_buf_free(&b);
				close(fd);
				return 1;
			}
			json_buf_free(&b);
			continue;
		}
		printf("%010" PRIx64 " %-6s %-9s %7d ", p.address, peer_role(p.role),
		       p.major < 0 ? "-" : ver, p.latency);
		for (uint32_t k = 0; k < p.npaths; k++)
			printf(" %s;%" PRId64 "ms%s%s", node_addr_str(&p.paths[k].addr, s),
			       now - p.paths[k].last_receive,
			       (p.paths[k].flags & 2) ? ";preferred" : "",
			       (p.paths[k].flags & 1) ? ";expired" : "");
		if (p.relayed) {
			if (p.relay)
				printf(" relayed via %010" PRIx64, p.relay);
			else
				printf(" relayed (no root)");
		}
		printf("\n");
	}
	if (o.json)
		printf("]\n");
	close(fd);
	return 0;
}

/* ---- ping (ECHO) ---- */

static void ping_usage(FILE *f)
{
	fprintf(f, "Usage: netcon ping [--home DIR] [-c COUNT] [-i SECONDS] [-w TIMEOUT]\n"
		   "                  [--data TEXT] [--json] ADDRESS\n\n"
		   "Sends ZeroTier ECHO packets to the node ADDRESS (10 hex digits) through the\n"
		   "daemon and prints each OK(ECHO): round trip in ms and whether it came direct\n"
		   "or relayed (hops > 0). The first ECHO to an unknown node waits for a WHOIS.\n"
		   "Exits 0 when every ECHO was answered, 1 otherwise.\n");
}

static const struct opt_verb ping_verb = {
    .name = "ping", .usage = ping_usage, .opts = node_options, .max_args = 1};

static void node_sleep_ms(int ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000};

	nanosleep(&ts, NULL);
}

int cmd_ping(int argc, char **argv)
{
	struct node_opts o;
	uint64_t dest;
	int fd, answered = 0, r = node_getopts(&ping_verb, argc, argv, &o);

	if (r >= 0)
		return r;
	if (optind == argc)
		return cli_usage_error("ping", "missing ADDRESS (10 hex digits)");
	if (node_parse_address(argv[optind], &dest) < 0)
		return cli_usage_error("ping", "'%s' is not a ZeroTier address (10 hex digits)",
				       argv[optind]);
	if (o.data && strlen(o.data) > NC_ZT_DATA_MAX)
		return cli_usage_error("ping", "--data longer than %d bytes", NC_ZT_DATA_MAX);
	fd = client_connect("ping", o.home);
	if (fd < 0)
		return 1;
	for (int seq = 0; seq < o.count; seq++) {
		struct nc_zt_send_req sr;
		struct nc_zt_req rep, q;
		struct nc_zt_msg m;
		int waited = 0;

		memset(&sr, 0, sizeof(sr));
		sr.h.type = NC_ZT_SEND;
		sr.kind = NC_ZT_ECHO;
		sr.dest = dest;
		if (o.data) {
			sr.len = (uint32_t)strlen(o.data);
			memcpy(sr.data, o.data, sr.len);
		}
		r = client_call(fd, &sr, sizeof(sr), &rep, sizeof(rep));
		if (r != (int)sizeof(rep)) {
			fprintf(stderr, "netcon ping: %s\n",
				node_send_error(dest, r < 0 ? r : -EPROTO));
			close(fd);
			return 1;
		}
		/* The daemon keeps the answer; ask until it is there. */
		for (;;) {
			memset(&q, 0, sizeof(q));
			q.h.type = NC_ZT_RESULT;
			q.id = rep.id;
			r = client_call(fd, &q, sizeof(q), &m, sizeof(m));
			if (r != -EAGAIN || waited >= o.timeout_ms)
				break;
			node_sleep_ms(5);
			waited += 5;
		}
		if (r == (int)sizeof(m)) {
			answered++;
			if (o.json) {
				printf("{\"seq\":%d,\"from\":\"%010" PRIx64 "\",\"rtt\":%d,"
				       "\"hops\":%u,\"direct\":%s,\"data\":",
				       seq, m.from, m.rtt, m.hops, m.hops ? "false" : "true");
				client_json_str(m.data,
						m.len > NC_ZT_DATA_MAX ? NC_ZT_DATA_MAX : m.len);
				printf("}\n");
			} else {
				printf("reply from %010" PRIx64 ": seq=%d time=%d ms %s\n", m.from,
				       seq, m.rtt, m.hops ? "relayed" : "direct");
			}
		} else if (o.json) {
			printf("{\"seq\":%d,\"timeout\":true}\n", seq);
		} else {
			printf("no reply from %010" PRIx64 ": seq=%d\n", dest, seq);
		}
		fflush(stdout);
		if (seq + 1 < o.count)
			node_sleep_ms(o.interval_ms);
	}
	close(fd);
	return answered == o.count ? 0 : 1;
}

/* ---- message (USER_MESSAGE) ---- */

static void message_usage(FILE *f)
{
	fprintf(f, "Usage: netcon message [--home DIR] [--type N] ADDRESS TEXT\n"
		   "       netcon message [--home DIR] --recv [-w SECONDS] [--json]\n\n"
		   "Sends TEXT as a ZeroTier USER_MESSAGE (type N, default 0) to the node\n"
		   "ADDRESS, or prints the USER_MESSAGEs the daemon received (its last 64):\n"
		   "sender, type, hops and text, one per line. With -w, waits up to that long for\n"
		   "at least one and exits 1 if none came.\n");
}

static const struct opt_verb message_verb = {
    .name = "message", .usage = message_usage, .opts = node_options, .max_args = OPT_ANY_ARGS};

int cmd_message(int argc, char **argv)
{
	struct node_opts o;
	uint64_t dest;
	int fd, r = node_getopts(&message_verb, argc, argv, &o);

	if (r >= 0)
		return r;
	if (o.recv) {
		int waited = 0, printed = 0, deadline;

		if (optind < argc)
			return cli_usage_error("message", "unexpected argument '%s'", argv[optind]);
		fd = client_connect("message", o.home);
		if (fd < 0)
			return 1;
		deadline = o.timeout_set ? o.timeout_ms : 0;
		for (uint64_t cursor = 0;;) {
			struct nc_zt_req q = {.id = cursor};
			struct nc_zt_msg m;

			q.h.type = NC_ZT_INBOX;
			r = client_call(fd, &q, sizeof(q), &m, sizeof(m));
			if (r == (int)sizeof(m)) {
				if (m.len > NC_ZT_DATA_MAX)
					m.len = NC_ZT_DATA_MAX;
				if (o.json) {
					printf("{\"seq\":%" PRIu64 ",\"from\":\"%010" PRIx64
					       "\",\"type\":%" PRIu64 ",\"hops\":%u,\"direct\":%s,"
					       "\"data\":",
					       m.id, m.from, m.type, m.hops,
					       m.hops ? "false" : "true");
					client_json_str(m.data, m.len);
					printf("}\n");
				} else {
					printf("from %010" PRIx64 " type %" PRIu64 " %s: %.*s\n",
					       m.from, m.type, m.hops ? "relayed" : "direct",
					       (int)m.len, (const char *)m.data);
				}
				printed++;
				cursor = m.id + 1;
				continue;
			}
			if (r != -ENOENT) {
				fprintf(stderr, "netcon message: %s\n",
					client_strerror(r < 0 ? r : -EPROTO));
				close(fd);
				return 1;
			}
			if (printed || waited >= deadline)
				break;
			node_sleep_ms(10);
			waited += 10;
		}
		close(fd);
		return printed || !deadline ? 0 : 1;
	}
	if (optind + 2 > argc)
		return cli_usage_error("message", "missing %s",
				       optind == argc ? "ADDRESS and TEXT" : "TEXT");
	if (optind + 2 < argc)
		return cli_usage_error("message", "unexpected argument '%s' (quote TEXT)",
				       argv[optind + 2]);
	if (node_parse_address(argv[optind], &dest) < 0)
		return cli_usage_error("message", "'%s' is not a ZeroTier address (10 hex digits)",
				       argv[optind]);
	if (strlen(argv[optind + 1]) > NC_ZT_DATA_MAX)
		return cli_usage_error("message", "TEXT longer than %d bytes", NC_ZT_DATA_MAX);
	fd = client_connect("message", o.home);
	if (fd < 0)
		return 1;
	{
		struct nc_zt_send_req sr;
		struct nc_zt_req rep;

		memset(&sr, 0, sizeof(sr));
		sr.h.type = NC_ZT_SEND;
		sr.kind = NC_ZT_USER_MESSAGE;
		sr.dest = dest;
		sr.type = o.type;
		sr.len = (uint32_t)strlen(argv[optind + 1]);
		memcpy(sr.data, argv[optind + 1], sr.len);
		r = client_call(fd, &sr, sizeof(sr), &rep, sizeof(rep));
	}
	close(fd);
	if (r < 0) {
		fprintf(stderr, "netcon message: %s\n", node_send_error(dest, r));
		return 1;
	}
	return 0;
}
