/* SPDX-License-Identifier: BSD-2-Clause */
/* The netcon daemon: start-up, the loop, shutdown. */
#ifndef NETCON_DAEMON_H
#define NETCON_DAEMON_H

#include <stdbool.h>

#include "netcon/rpc.h"

/* In the background the daemon logs to HOME/DAEMON_LOG_NAME, moved to DAEMON_LOG_NAME.1 when it
 * would pass log_max bytes (DAEMON_LOG_MAX unless NETCON_LOG_MAX says otherwise). */
#define DAEMON_LOG_NAME "netcon.log"
#define DAEMON_LOG_MAX (1L << 20)
#define DAEMON_LOG_MIN 4096

struct daemon_config {
	const char *home;
	struct nc_route addrs[NC_MAX_ROUTES];
	int naddrs;
	bool background;
	long log_max; /* the log file's bound in bytes (background only) */
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
