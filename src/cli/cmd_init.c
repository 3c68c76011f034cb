// SPDX-License-Identifier: BSD-2-Clause
/* netcon init: the embedded default, a private planet and network on this node in one command. */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/client.h"
#include "cli/opt.h"
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

/* Run this program with args; its stdout into out[0..size) (NUL-terminated). Returns its exit
 * status, or -errno. */
static int init_run(char *out, size_t size, const char *const *args)
{
	char *argv[32];
	int p[2], st, n = 0;
	size_t len = 0;
	pid_t pid;

	for (n = 0; args[n] && n < 30; n++)
		argv[n + 1] = (char *)args[n];
	argv[0] = "netcon";
	argv[n + 1] = NULL;
	if (pipe(p) < 0)
		return -errno;
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		dup2(p[1], 1);
		close(p[0]);
		close(p[1]);
		execv("/proc/self/exe", argv);
		_exit(127);
	}
	close(p[1]);
	for (;;) {
		ssize_t r = read(p[0], out + len, size - 1 - len);

		if (r <= 0)
			break;
		len += (size_t)r;
		if (len >= size - 1)
			break;
	}
	out[len] = 0;
	close(p[0]);
	if (waitpid(pid, &st, 0) < 0)
		return -errno;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
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

int cmd_init(int argc, char **argv)
{
	struct init_opts o = {.endpoint = "127.0.0.1/9993", .name = "netcon"};
	char home[PATH_MAX], path[PATH_MAX + 64], pub[PATH_MAX + 64], planet[PATH_MAX + 64];
	char out[4096], addr[16] = "", nwid_s[17] = "", port[16];
	struct nc_net_info ni;
	uint64_t nwid;
	const char *slash, *homeopt, *endpoint, *name, *pool, *route;
	int r, fd;
	FILE *f;

	r = opt_parse(&init_verb, argc, argv, &o);
	if (r >= 0)
		return r;
	homeopt = o.home, endpoint = o.endpoint, name = o.name, pool = o.pool, route = o.route;
	slash = strrchr(endpoint, '/');
	{
		char ip[64];
		unsigned char bin[16];
		char *end;
		long v = slash ? strtol(slash + 1, &end, 10) : -1;

		snprintf(ip, sizeof(ip), "%.*s", slash ? (int)(slash - endpoint) : 0, endpoint);
		if (!slash || !slash[1] || *end || v < 1 || v > 65535 ||
		    (inet_pton(AF_INET, ip, bin) != 1 && inet_pton(AF_INET6, ip, bin) != 1))
			return cli_usage_error(
			    "init", "--endpoint '%s' is not IP/PORT (e.g. 192.0.2.1/9993)",
			    endpoint);
	}
	snprintf(port, sizeof(port), "%s", slash + 1);
	if (cli_home(homeopt, home, sizeof(home)) < 0)
		return cli_usage_error("init", "home path too long");
	if (mkdir(home, 0711) < 0 && errno != EEXIST) {
		fprintf(stderr, "netcon init: %s: %s\n", home, strerror(errno));
		return 1;
	}
	snprintf(path, sizeof(path), "%s/identity.secret", home);
	snprintf(pub, sizeof(pub), "%s/identity.public", home);
	snprintf(planet, sizeof(planet), "%s/planet", home);
	if (access(path, F_OK) < 0) {
		const char *a[] = {"idtool", "generate", path, pub, NULL};

		if (init_run(out, sizeof(out), a) != 0) {
			fprintf(stderr, "netcon init: making an identity failed\n");
			return 1;
		}
	}
	f = fopen(pub, "r");
	if (!f || !fgets(out, sizeof(out), f) || strlen(out) < 10) {
		fprintf(stderr, "netcon init: cannot read %s\n", pub);
		if (f)
			fclose(f);
		return 1;
	}
	fclose(f);
	memcpy(addr, out, 10);
	fd = client_open(home);
	if (fd >= 0) {
		close(fd);
	} else {
		const char *pa[] = {"planet", "create", "--root", pub, "--endpoint",
				    endpoint, "--out",	planet,	  NULL};
		const char *da[] = {"daemon",	"--home", home, "--port", port,
				    "--planet", planet,	  "-d", NULL};

		/* Our own planet, unless one we made is there already (same id and key). */
		if (init_run(out, sizeof(out), pa) != 0) {
			fprintf(stderr, "netcon init: making the planet failed\n");
			return 1;
		}
		if (init_run(out, sizeof(out), da) != 0) {
			fprintf(stderr, "netcon init: the daemon did not start (see above)\n");
			return 1;
		}
		printf("# daemon started, pid %s", out);
	}
	snprintf(path, sizeof(path), "%s/init.network", home);
	f = fopen(path, "r");
	if (f) {
		if (!fgets(nwid_s, sizeof(nwid_s), f))
			nwid_s[0] = 0;
		fclose(f);
	}
	if (strlen(nwid_s) != 16) {
		/* A --pool without --route gets the route that covers it (the controller's rule);
		 * neither gives the defaults. */
		const char *ca[] = {"controller",
				    "network",
				    "create",
				    "--home",
				    home,
				    "--name",
				    name,
				    "--private",
				    "--pool",
				    pool ? pool : INIT_DEFAULT_POOL,
				    route || !pool ? "--route" : NULL,
				    route ? route : INIT_DEFAULT_ROUTE,
				    NULL};
		char *p;

		r = init_run(out, sizeof(out), ca);
		p = out;
		while (*p && !(strspn(p, "0123456789abcdef") >= 16))
			p++;
		if (r != 0 || strlen(p) < 16) {
			fprintf(stderr, "netcon init: creating the network failed: %s\n", out);
			return 1;
		}
		memcpy(nwid_s, p, 16);
		nwid_s[16] = 0;
		f = fopen(path, "w");
		if (f) {
			fprintf(f, "%s\n", nwid_s);
			fclose(f);
		}
	}
	nwid = strtoull(nwid_s, NULL, 16);
	{
		const char *ja[] = {"join", "--home", home, nwid_s, NULL};
		const char *aa[] = {"controller", "member", "authorize", "--home",
				    home,	  nwid_s,   addr,	 NULL};

		if (init_run(out, sizeof(out), ja) != 0 || init_run(out, sizeof(out), aa) != 0) {
			fprintf(stderr, "netcon init: join or authorize failed: %s\n", out);
			return 1;
		}
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
		return 1;
	}
	if (!ni.naddrs) {
		fprintf(stderr,
			"netcon init: network %s is up but gave this node no address (does a "
			"route cover the pool? see 'netcon controller network show --home %s "
			"%s')\n",
			nwid_s, home, nwid_s);
		return 1;
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
	return 0;
}
