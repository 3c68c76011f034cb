// SPDX-License-Identifier: BSD-2-Clause
/* The netcon command: a table of subcommands, each in its own file. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "common/file.h"
#include "common/log.h"
#include "netcon/version.h"

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *description;
} subcommands[] = {
    {"daemon", cmd_daemon, "run the netcon daemon (lwIP stack, ZeroTier node)"},
    {"run", cmd_run, "run a program with its sockets on the virtual network"},
    {"status", cmd_status, "show the daemon's addresses, sockets and connections"},
    {"idtool", cmd_idtool, "generate, validate, sign and verify ZeroTier identities"},
    {"planet", cmd_planet, "show or create ZeroTier planet (world) files"},
    {"info", cmd_info, "the daemon's ZeroTier node: address, online, port, planet, counters"},
    {"peers", cmd_peers, "the ZeroTier peers the daemon knows, their paths and latency"},
    {"ping", cmd_ping, "send ZeroTier ECHOs to a node and show the replies"},
    {"message", cmd_message, "send a ZeroTier USER_MESSAGE, or show those received"},
    {"join", cmd_join, "join a ZeroTier network (its controller assigns the addresses)"},
    {"leave", cmd_leave, "leave a ZeroTier network"},
    {"networks", cmd_networks, "the networks joined: status, MAC, addresses, routes, MTU"},
    {"controller", cmd_controller, "the controller role: networks, members, authorization"},
    {"init", cmd_init, "make this node the root and controller of a new private network"},
};

static void usage(FILE *f)
{
	fprintf(f, "Usage: netcon COMMAND [ARGS...]\n\n"
		   "netcon runs unmodified programs with their TCP and UDP sockets on a virtual\n"
		   "network served by a user-space TCP/IP stack (lwIP) in the netcon daemon.\n\n"
		   "Commands:\n");
	for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		fprintf(f, "  %-10s %s\n", subcommands[i].name, subcommands[i].description);
	fprintf(f, "\nEvery command takes --help. Version " NETCON_VERSION ".\n");
}

int cli_usage_error(const char *sub, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "netcon %s: ", sub);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n(try 'netcon %s --help')\n", sub);
	return 2;
}

/* No buffer bounds the home, the kernel does: a path it would refuse (PATH_MAX with its 0)
 * is refused here, so every verb says so the same way before touching a file. */
static char *cli_home_check(char *home)
{
	if (strlen(home) < PATH_MAX)
		return home;
	free(home);
	errno = ENAMETOOLONG;
	return NULL;
}

char *cli_home(const char *opt)
{
	const char *h = opt ? opt : getenv("NETCON_HOME");
	char *home, *cwd;

	if (h && *h)
		home = file_path("%s", h);
	else if (geteuid() == 0)
		home = file_path("/var/lib/netcon");
	else
		home = file_path("%s/.netcon", getenv("HOME") ? getenv("HOME") : "/tmp");
	if (home && home[0] == '/')
		return cli_home_check(home);
	if (!home)
		return NULL;
	/* The daemon and its programs must agree on the home; make it absolute. getcwd(NULL, 0)
	 * allocates what the working directory needs, however long. */
	cwd = getcwd(NULL, 0);
	if (cwd) {
		char *abs = file_path("%s/%s", cwd, home);

		free(cwd);
		free(home);
		return abs ? cli_home_check(abs) : NULL;
	}
	free(home);
	return NULL;
}

int main(int argc, char **argv)
{
	/* Each subcommand says what is wrong with its options itself (cli_opt_error). */
	opterr = 0;
	if (log_set_level(getenv("NETCON_LOG")) < 0)
		fprintf(stderr, "netcon: NETCON_LOG must be error, warn, info or debug; ignored\n");
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		printf("netcon %s\n", NETCON_VERSION);
		return 0;
	}
	for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		if (!strcmp(argv[1], subcommands[i].name))
			return subcommands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "netcon: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
