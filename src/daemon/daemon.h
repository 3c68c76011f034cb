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
};

/* Run the daemon until SIGTERM/SIGINT; returns the exit status. */
int daemon_main(const struct daemon_config *cfg);

#endif
