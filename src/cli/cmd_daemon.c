// SPDX-License-Identifier: BSD-2-Clause
/* netcon daemon: parse the command line and run the daemon. */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "common/addr.h"
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

int cmd_daemon(int argc, char **argv)
{
	/* clang-format off */
	static const struct option opts[] = {
	    {"home", required_argument, NULL, 'H'},
	    {"addr", required_argument, NULL, 'a'},
	    {"port", required_argument, NULL, 'p'},
	    {"planet", required_argument, NULL, 'P'},
	    {"dns", required_argument, NULL, 'D'},
	    {"domain", required_argument, NULL, 'N'},
	    {"no-sandbox", no_argument, NULL, 'S'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	/* clang-format on */
	struct daemon_config cfg;
	const char *home = NULL;
	char homebuf[PATH_MAX];
	int c;

	memset(&cfg, 0, sizeof(cfg));
	cfg.port = -1;
	cfg.planet = getenv("NETCON_PLANET");
	if (cfg.planet && !*cfg.planet)
		cfg.planet = NULL;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+:dh", opts, NULL)) != -1) {
		switch (c) {
		case 'H':
			home = optarg;
			break;
		case 'a':
			if (cfg.naddrs >= NC_MAX_ROUTES)
				return cli_usage_error("daemon", "at most %d --addr",
						       NC_MAX_ROUTES);
			if (addr_parse_cidr(&cfg.addrs[cfg.naddrs], optarg) < 0)
				return cli_usage_error(
				    "daemon",
				    "--addr '%s' is not an address/prefix such as "
				    "10.7.0.1/24 or fd00:7::1/64",
				    optarg);
			for (int i = 0; i < cfg.naddrs; i++)
				if (!memcmp(cfg.addrs[i].addr.ip, cfg.addrs[cfg.naddrs].addr.ip,
					    16))
					return cli_usage_error("daemon", "--addr %s given twice",
							       optarg);
			cfg.naddrs++;
			break;
		case 'p': {
			char *end;
			long v = strtol(optarg, &end, 10);

			if (!*optarg || *end || v < 0 || v > 65535)
				return cli_usage_error("daemon", "--port '%s' is not 0..65535",
						       optarg);
			cfg.port = (int)v;
			break;
		}
		case 'P':
			cfg.planet = optarg;
			break;
		case 'D':
			if (cfg.ndns >= RESOLV_MAX_SERVERS)
				return cli_usage_error("daemon", "at most %d --dns",
						       RESOLV_MAX_SERVERS);
			if (resolv_parse_server(&cfg.dns[cfg.ndns], optarg) < 0)
				return cli_usage_error(
				    "daemon", "--dns '%s' is not IP, IP:PORT or [IP6]:PORT",
				    optarg);
			cfg.ndns++;
			break;
		case 'N':
			if (!*optarg || strlen(optarg) > 253 || strpbrk(optarg, " \t\n#;") ||
			    optarg[0] == '.')
				return cli_usage_error(
				    "daemon", "--domain '%s' is not a domain name", optarg);
			cfg.domain = optarg;
			break;
		case 'S':
			cfg.no_sandbox = true;
			break;
		case 'd':
			cfg.background = true;
			break;
		case 'h':
			daemon_usage(stdout);
			return 0;
		default:
			return cli_opt_error("daemon", c, argv);
		}
	}
	if (optind < argc)
		return cli_usage_error("daemon", "unexpected argument '%s'", argv[optind]);
	if (cli_home(home, homebuf, sizeof(homebuf)) < 0)
		return cli_usage_error("daemon", "home path too long");
	cfg.home = homebuf;
	cfg.log_max = DAEMON_LOG_MAX;
	if (getenv("NETCON_LOG_MAX") && *getenv("NETCON_LOG_MAX")) {
		const char *s = getenv("NETCON_LOG_MAX");
		char *end;
		long v = strtol(s, &end, 10);

		if (*end || v < DAEMON_LOG_MIN)
			return cli_usage_error("daemon",
					       "NETCON_LOG_MAX '%s' is not a number of bytes >= %d",
					       s, DAEMON_LOG_MIN);
		cfg.log_max = v;
	}
	return daemon_main(&cfg);
}
