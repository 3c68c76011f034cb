/* The netcon daemon: start-up, the loop, shutdown. */
#ifndef NETCON_DAEMON_H
#define NETCON_DAEMON_H

#include <stdbool.h>

#include "netcon/rpc.h"

struct daemon_config {
	const char *home;
	struct nc_route addrs[NC_MAX_ROUTES];
	int naddrs;
	bool background;
	bool no_sandbox; /* --no-sandbox: no user change, no system call filter */
	const char *planet; /* --planet FILE, or NULL */
	int port; /* --port N, or -1 for 9993 (another if taken) */
	struct nc_addr dns[3]; /* --dns IP[:PORT] (RESOLV_MAX_SERVERS), for HOME/resolv.conf */
	int ndns;
	const char *domain; /* --domain NAME, the search domain there */
};

/* Run the daemon until SIGTERM/SIGINT; returns the exit status. */
int daemon_main(const struct daemon_config *cfg);

#endif
