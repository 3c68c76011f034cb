// SPDX-License-Identifier: BSD-2-Clause
/* netcon daemon: parse the command line and run the daemon. */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/opt.h"
#include "common/addr.h"
#include "common/file.h"
#include "daemon/daemon.h"
#include "daemon/resolv.h"
#include "daemon/sandbox.h"

static void daemon_usage(FILE *f)
{
	fprintf(
	    f, "Usage: netcon daemon [--home DIR] [--addr CIDR]... [--port N] [--planet FILE]\n"
	       "                     [--dns IP[:PORT]]... [--domain NAME] [--no-sandbox] [-d]\n\n"
	       "Runs the netcon daemon: the lwIP stack that programs started with 'netcon run'\n"
	       "use for their sockets, its control socket DIR/control, and a ZeroTier node\n"
	       "(identity.secret/identity.public made in DIR on first start, planet, peers.d/).\n\n"
	       "  --home DIR    state directory (default $NETCON_HOME, ~/.netcon, or\n"
	       "                /var/lib/netcon for root)\n"
	       "  --addr CIDR   a virtual address and its subnet, IPv4 or IPv6, repeatable\n"
	       "                (standalone mode: programs on this host on a private virtual LAN)\n"
	       "  --port N      ZeroTier UDP port, IPv4 and IPv6 (default 9993, or a random\n"
	       "                free one if 9993 is taken; 0 = any free port)\n"
	       "  --planet FILE the planet (roots) to use, e.g. from 'netcon planet create';\n"
	       "                copied to DIR/planet. Default $NETCON_PLANET, else DIR/planet,\n"
	       "                else ZeroTier's public planet. A node whose identity is a\n"
	       "                root of its planet serves as that root.\n"
	       "  --dns IP[:PORT]  a DNS server on the virtual network for names that\n"
	       "                programs under 'netcon run' look up (IPv6: [IP]:PORT),\n"
	       "                repeatable (3 at most); written to DIR/resolv.conf\n"
	       "  --domain NAME the virtual network's search domain (DIR/resolv.conf)\n"
	       "  --no-sandbox  for debugging: stay the user it was started as (root too)\n"
	       "                and make any system call. By default, once started, the\n"
	       "                daemon sets no-new-privileges and a seccomp filter that ends\n"
	       "                it, naming the call, on a system call it does not make; as\n"
	       "                root it first gives DIR to user '" SANDBOX_USER
	       "' (else '" SANDBOX_USER_FALLBACK "')\n"
	       "                and runs as that user\n"
	       "  -d            run in the background; print the daemon's pid once it is ready,\n"
	       "                then log to DIR/netcon.log (moved to netcon.log.1 past 1 MiB,\n"
	       "                or $NETCON_LOG_MAX bytes); in the foreground: stderr\n");
}

static int daemon_opt_addr(const char *sub, void *o, const char *value)
{
	struct daemon_config *cfg = o;

	if (cfg->naddrs >= NC_MAX_ROUTES)
		return cli_usage_error(sub, "at most %d --addr", NC_MAX_ROUTES);
	if (addr_parse_cidr(&cfg->addrs[cfg->naddrs], value) < 0)
		return cli_usage_error(sub,
				       "--addr '%s' is not an address/prefix such as "
				       "10.7.0.1/24 or fd00:7::1/64",
				       value);
	for (int i = 0; i < cfg->naddrs; i++)
		if (!memcmp(cfg->addrs[i].addr.ip, cfg->addrs[cfg->naddrs].addr.ip, 16))
			return cli_usage_error(sub, "--addr %s given twice", value);
	cfg->naddrs++;
	return 0;
}

static int daemon_opt_port(const char *sub, void *o, const char *value)
{
	struct daemon_config *cfg = o;
	char *end;
	long v = strtol(value, &end, 10);

	if (!*value || *end || v < 0 || v > 65535)
		return cli_usage_error(sub, "--port '%s' is not 0..65535", value);
	cfg->port = (int)v;
	return 0;
}

static int daemon_opt_dns(const char *sub, void *o, const char *value)
{
	struct daemon_config *cfg = o;

	if (cfg->ndns >= RESOLV_MAX_SERVERS)
		return cli_usage_error(sub, "at most %d --dns", RESOLV_MAX_SERVERS);
	if (resolv_parse_server(&cfg->dns[cfg->ndns], value) < 0)
		return cli_usage_error(sub, "--dns '%s' is not IP, IP:PORT or [IP6]:PORT", value);
	cfg->ndns++;
	return 0;
}

static int daemon_opt_domain(const char *sub, void *o, const char *value)
{
	struct daemon_config *cfg = o;

	if (!*value || strlen(value) > 253 || strpbrk(value, " \t\n#;") || value[0] == '.')
		return cli_usage_error(sub, "--domain '%s' is not a domain name", value);
	cfg->domain = value;
	return 0;
}

static const struct opt daemon_options[] = {
    OPT_STRING("home", 0, struct daemon_config, home),
    OPT_VALUE("addr", 0, daemon_opt_addr),
    OPT_VALUE("port", 0, daemon_opt_port),
    OPT_STRING("planet", 0, struct daemon_config, planet),
    OPT_VALUE("dns", 0, daemon_opt_dns),
    OPT_VALUE("domain", 0, daemon_opt_domain),
    OPT_FLAG("no-sandbox", 0, struct daemon_config, no_sandbox),
    OPT_FLAG(NULL, 'd', struct daemon_config, background),
    {0},
};

static const struct opt_verb daemon_verb = {
    .name = "daemon", .usage = daemon_usage, .opts = daemon_options, .stop_at_arg = true};

/* $NETCON_LOG_MAX into cfg: returns 0, or the exit status of its usage error. */
static int daemon_log_max(struct daemon_config *cfg)
{
	const char *s = getenv("NETCON_LOG_MAX");
	char *end;
	long v;

	cfg->log_max = DAEMON_LOG_MAX;
	if (!s || !*s)
		return 0;
	v = strtol(s, &end, 10);
	if (*end || v < DAEMON_LOG_MIN)
		return cli_usage_error("daemon",
				       "NETCON_LOG_MAX '%s' is not a number of bytes >= %d", s,
				       DAEMON_LOG_MIN);
	cfg->log_max = v;
	return 0;
}

int cmd_daemon(int argc, char **argv)
{
	struct daemon_config cfg;
	char *home;
	int r;

	memset(&cfg, 0, sizeof(cfg));
	cfg.port = -1;
	cfg.planet = getenv("NETCON_PLANET");
	if (cfg.planet && !*cfg.planet)
		cfg.planet = NULL;
	r = opt_parse(&daemon_verb, argc, argv, &cfg);
	if (r >= 0)
		return r;
	home = cli_home(cfg.home);
	if (!home)
		return cli_usage_error("daemon", "home path too long");
	cfg.home = home;
	r = daemon_log_max(&cfg);
	if (!r)
		r = daemon_main(&cfg);
	free(home);
	return r;
}

int cmd_daemon_start(const char *home, int port, const char *planet, int *pid)
{
	struct daemon_config cfg = {
	    .home = home, .port = port, .planet = planet, .background = true};
	char *path;
	int st, null;
	pid_t child;
	FILE *f;

	if (daemon_log_max(&cfg))
		return -1;
	/* daemon_main says the daemon's pid on stdout, and returns in the daemon too when it
	 * stops: it runs in a child of ours, stdout on /dev/null, that ends with it. With no exec,
	 * ps shows the daemon with our command line (netcon init ...). */
	fflush(stdout);
	child = fork();
	if (child < 0)
		return -1;
	if (child == 0) {
		null = open("/dev/null", O_WRONLY | O_CLOEXEC);
		if (null < 0 || dup2(null, STDOUT_FILENO) < 0)
			_exit(1);
		close(null);
		exit(daemon_main(&cfg));
	}
	if (waitpid(child, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
		return -1;
	/* Written before the daemon says it is ready. */
	*pid = 0;
	path = file_path("%s/netcon.pid", home);
	f = path ? fopen(path, "r") : NULL;
	free(path);
	if (f) {
		if (fscanf(f, "%d", pid) != 1)
			*pid = 0;
		fclose(f);
	}
	return 0;
}
