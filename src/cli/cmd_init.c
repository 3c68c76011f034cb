// SPDX-License-Identifier: BSD-2-Clause
/* netcon init: the embedded default, a private planet and network on this node in one command. */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/client.h"
#include "cli/opt.h"
#include "common/file.h"
#include "netcon/rpc.h"

#define INIT_DEFAULT_POOL "10.147.17.1-10.147.17.254"
#define INIT_DEFAULT_ROUTE "10.147.17.0/24"
#define INIT_WAIT_MS 15000

static void init_usage(FILE *f)
{
	fprintf(f,
		"Usage: netcon init [--home DIR] [--endpoint IP/PORT] [--name NAME]\n"
		"                   [--pool FIRST-LAST] [--route CIDR]\n\n"
		"Stand up a private ZeroTier network with nothing but this node: it becomes the\n"
		"one root of a new private planet (DIR/planet, reachable at IP/PORT, default\n"
		"127.0.0.1/9993) and the controller of a new private network (addresses from\n"
		"--pool, default " INIT_DEFAULT_POOL ", route " INIT_DEFAULT_ROUTE "); the\n"
		"daemon is started (in the background) if it is not running, joins the network\n"
		"and authorizes itself. Prints 'key: value' lines: planet, network, node,\n"
		"address, then what another node runs to join. Running it again reuses the\n"
		"identity, planet and network (DIR/init.network).\n");
}

static int init_net_status(const char *home, uint64_t nwid, struct nc_net_info *out)
{
	int fd = client_open(home), r = -ENOENT;

	if (fd < 0)
		return fd;
	for (uint64_t i = 0; i < 64; i++) {
		struct nc_zt_req req;

		memset(&req, 0, sizeof(req));
		req.h.type = NC_NET_LIST;
		req.id = i;
		r = client_call(fd, &req, sizeof(req), out, sizeof(*out));
		if (r < 0)
			break;
		if (out->nwid == nwid) {
			r = 0;
			break;
		}
	}
	close(fd);
	return r;
}

struct init_opts {
	const char *home, *endpoint, *name, *pool, *route;
};

static const struct opt init_options[] = {
    OPT_STRING("home", 0, struct init_opts, home),
    OPT_STRING("endpoint", 0, struct init_opts, endpoint),
    OPT_STRING("name", 0, struct init_opts, name),
    OPT_STRING("pool", 0, struct init_opts, pool),
    OPT_STRING("route", 0, struct init_opts, route),
    {0},
};

static const struct opt_verb init_verb = {
    .name = "init", .usage = init_usage, .opts = init_options};

/* The port of IP/PORT, or -1 if endpoint is not that. */
static long init_endpoint_port(const char *endpoint)
{
	const char *slash = strrchr(endpoint, '/');
	unsigned char bin[16];
	char ip[64], *end;
	long v;

	if (!slash || !slash[1])
		return -1;
	v = strtol(slash + 1, &end, 10);
	snprintf(ip, sizeof(ip), "%.*s", (int)(slash - endpoint), endpoint);
	if (*end || v < 1 || v > 65535 ||
	    (inet_pton(AF_INET, ip, bin) != 1 && inet_pton(AF_INET6, ip, bin) != 1))
		return -1;
	return v;
}

/* This node's identity, made if there is none; its address into addr. Returns the exit status. */
static int init_identity(const char *home, const char *pub, char addr[11])
{
	char *secret = file_path("%s/identity.secret", home), line[4096];
	FILE *f;
	int r = secret ? 0 : 1;

	if (!r && access(secret, F_OK) < 0 && idtool_new(secret, pub, NULL, false) != 0) {
		fprintf(stderr, "netcon init: making an identity failed\n");
		r = 1;
	}
	free(secret);
	if (r)
		return r;
	f = fopen(pub, "r");
	if (!f || !fgets(line, sizeof(line), f) || strlen(line) < 10) {
		fprintf(stderr, "netcon init: cannot read %s\n", pub);
		if (f)
			fclose(f);
		return 1;
	}
	fclose(f);
	memcpy(addr, line, 10);
	addr[10] = 0;
	return 0;
}

/* Unless a daemon answers at home: our own planet (unless one we made is there already: same id
 * and key) and a daemon in the background that serves it. Returns the exit status. */
static int init_daemon(const char *home, const char *pub, const char *endpoint, int port,
		       const char *planet)
{
	int fd = client_open(home), pid;

	if (fd >= 0) {
		close(fd);
		return 0;
	}
	if (planet_new_root(planet, pub, endpoint) != 0) {
		fprintf(stderr, "netcon init: making the planet failed\n");
		return 1;
	}
	if (cmd_daemon_start(home, port, planet, &pid) < 0) {
		fprintf(stderr, "netcon init: the daemon did not start (see above)\n");
		return 1;
	}
	printf("# daemon started, pid %d\n", pid);
	return 0;
}

/* The network made on an earlier run (HOME/init.network), else a new one. Its id into nwid_s.
 * Returns the exit status. */
static int init_network(const char *home, const struct init_opts *o, char nwid_s[17])
{
	char *path = file_path("%s/init.network", home);
	uint64_t nwid;
	FILE *f;

	if (!path)
		return 1;
	f = fopen(path, "r");
	if (f) {
		if (!fgets(nwid_s, 17, f))
			nwid_s[0] = 0;
		fclose(f);
	}
	if (strlen(nwid_s) == 16) {
		free(path);
		return 0;
	}
	/* A --pool without --route gets the route that covers it (the controller's rule); neither
	 * gives the defaults. */
	if (ctl_create_private(home, o->name, o->pool ? o->pool : INIT_DEFAULT_POOL,
			       o->route || !o->pool ? (o->route ? o->route : INIT_DEFAULT_ROUTE)
						    : NULL,
			       &nwid) != 0) {
		/* The ": " with nothing after it, as when this quoted the command's output. */
		fprintf(stderr, "netcon init: creating the network failed: \n");
		free(path);
		return 1;
	}
	snprintf(nwid_s, 17, "%016" PRIx64, nwid);
	f = fopen(path, "w");
	if (f) {
		fprintf(f, "%s\n", nwid_s);
		fclose(f);
	}
	free(path);
	return 0;
}

int cmd_init(int argc, char **argv)
{
	struct init_opts o = {.endpoint = "127.0.0.1/9993", .name = "netcon"};
	char *home = NULL, *pub = NULL, *planet = NULL, addr[11], nwid_s[17] = "";
	struct nc_net_info ni;
	uint64_t nwid;
	long port;
	int r;

	r = opt_parse(&init_verb, argc, argv, &o);
	if (r >= 0)
		return r;
	port = init_endpoint_port(o.endpoint);
	if (port < 0)
		return cli_usage_error(
		    "init", "--endpoint '%s' is not IP/PORT (e.g. 192.0.2.1/9993)", o.endpoint);
	home = cli_home(o.home);
	if (!home)
		return cli_usage_error("init", "home path too long");
	r = 1;
	if (mkdir(home, 0711) < 0 && errno != EEXIST) {
		fprintf(stderr, "netcon init: %s: %s\n", home, strerror(errno));
		goto out;
	}
	pub = file_path("%s/identity.public", home);
	planet = file_path("%s/planet", home);
	if (!pub || !planet || init_identity(home, pub, addr) ||
	    init_daemon(home, pub, o.endpoint, (int)port, planet) || init_network(home, &o, nwid_s))
		goto out;
	nwid = strtoull(nwid_s, NULL, 16);
	if (net_member("join", NC_NET_JOIN, home, nwid_s) != 0 ||
	    ctl_authorize(home, nwid_s, addr) != 0) {
		/* The same empty ": ". */
		fprintf(stderr, "netcon init: join or authorize failed: \n");
		goto out;
	}
	for (int waited = 0; waited < INIT_WAIT_MS; waited += 100) {
		struct timespec ts = {0, 100 * 1000 * 1000};

		if (init_net_status(home, nwid, &ni) == 0 && ni.status == NC_NET_OK && ni.naddrs)
			break;
		nanosleep(&ts, NULL);
	}
	if (init_net_status(home, nwid, &ni) < 0 || ni.status != NC_NET_OK) {
		fprintf(stderr, "netcon init: the network did not come up (status %u)\n",
			ni.status);
		goto out;
	}
	if (!ni.naddrs) {
		fprintf(stderr,
			"netcon init: network %s is up but gave this node no address (does a "
			"route cover the pool? see 'netcon controller network show --home %s "
			"%s')\n",
			nwid_s, home, nwid_s);
		goto out;
	}
	printf("planet: %s\nnetwork: %s\nnode: %s\n", planet, nwid_s, addr);
	for (unsigned i = 0; i < ni.naddrs && i < NC_NET_MAX_ADDRS; i++) {
		char ip[64];

		if (ni.addrs[i].addr.family == 4) {
			snprintf(ip, sizeof(ip), "%u.%u.%u.%u/%u", ni.addrs[i].addr.ip[0],
				 ni.addrs[i].addr.ip[1], ni.addrs[i].addr.ip[2],
				 ni.addrs[i].addr.ip[3], ni.addrs[i].prefix);
			printf("address: %s\n", ip);
		}
	}
	printf("# On another node (any home, any free port):\n"
	       "#   netcon daemon --home DIR --planet %s -d\n"
	       "#   netcon join --home DIR %s\n"
	       "# then here, with that node's address (netcon info --home DIR):\n"
	       "#   netcon controller member authorize --home %s %s ADDRESS\n",
	       planet, nwid_s, home, nwid_s);
	r = 0;
out:
	free(planet);
	free(pub);
	free(home);
	return r;
}
