// SPDX-License-Identifier: BSD-2-Clause
/* netcon status: the daemon's addresses and a table of its sockets and connections. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/client.h"
#include "cli/opt.h"
#include "common/addr.h"
#include "common/file.h"
#include "daemon/daemon.h"
#include "netcon/rpc.h"

static const char *status_state(int s)
{
	static const char *const names[] = {"?",	 "BOUND",   "LISTEN", "CONNECTING",
					    "CONNECTED", "CLOSING", "FAILED", "RESET"};

	return s >= 0 && s < (int)(sizeof(names) / sizeof(names[0])) ? names[s] : "?";
}

static void status_usage(FILE *f)
{
	fprintf(f, "Usage: netcon status [--home DIR] [--json]\n\n"
		   "Shows the daemon's virtual addresses and its sockets: local and remote\n"
		   "address, state, owning pid, bytes in (network to program) and out.\n");
}

struct status_opts {
	const char *home;
	bool json;
};

static const struct opt status_options[] = {
    OPT_STRING("home", 0, struct status_opts, home),
    OPT_FLAG("json", 0, struct status_opts, json),
    {0},
};

static const struct opt_verb status_verb = {
    .name = "status", .usage = status_usage, .opts = status_options};

/* The daemon's NC_INFO: the head of the report. */
static void status_info(const struct status_opts *o, const struct nc_info *info, bool log_file)
{
	char a[80], *home, *log = NULL;
	const char *shown;

	if (log_file) {
		home = cli_home(o->home);
		log = home ? file_path("%s/" DAEMON_LOG_NAME, home) : NULL;
		free(home);
	}
	shown = log ? log : "stderr";
	if (o->json) {
		printf("{\"pid\":%d,\"version\":\"%.15s\",\"sockets\":%llu,"
		       "\"clients\":%llu,\"log\":",
		       info->pid, info->version, (unsigned long long)info->sockets,
		       (unsigned long long)info->clients);
		client_json_str(shown, strlen(shown));
		printf(",\"addresses\":[");
	} else {
		printf("netcon daemon pid %d, version %.15s, %llu sockets, "
		       "%llu channels\nlog: %s\naddresses:",
		       info->pid, info->version, (unsigned long long)info->sockets,
		       (unsigned long long)info->clients,
		       log_file ? shown : "stderr (the daemon runs in the foreground)");
	}
	for (unsigned i = 0; i < info->nroutes && i < NC_MAX_ROUTES; i++) {
		addr_format(&info->routes[i].addr, false, a, sizeof(a));
		printf(o->json ? "%s\"%s/%u\"" : "%s%s/%u", o->json && i ? "," : " ", a,
		       info->routes[i].prefix);
	}
	if (o->json)
		printf("],\"sockets_table\":[");
	else
		printf("\n%-6s %-5s %-28s %-28s %-11s %7s %12s %12s\n", "ID", "PROTO", "LOCAL",
		       "REMOTE", "STATE", "PID", "BYTES_IN", "BYTES_OUT");
	free(log);
}

int cmd_status(int argc, char **argv)
{
	struct status_opts o = {0};
	char a[80], b[80];
	bool info_done = false, more = true;
	unsigned long long nent = 0;
	uint64_t cursor = 0;
	int fd, n = opt_parse(&status_verb, argc, argv, &o);

	if (n >= 0)
		return n;
	n = 0;
	fd = client_connect("status", o.home);
	if (fd < 0)
		return 1;
	while (more) {
		struct nc_sock_req req;
		union {
			struct nc_hdr h;
			struct nc_info info;
			struct nc_status_entry e;
		} m;

		memset(&req, 0, sizeof(req));
		req.h.type = NC_STATUS;
		req.sockid = cursor;
		req.h.magic = NC_RPC_MAGIC;
		req.h.version = NC_RPC_VERSION;
		if (send(fd, &req, sizeof(req), MSG_NOSIGNAL) < 0) {
			n = -errno;
			goto broken;
		}
		for (;;) {
			n = client_recv(fd, &m, sizeof(m));
			if (n < 0)
				goto broken;
			if (m.h.type == NC_INFO && n == sizeof(m.info)) {
				if (info_done)
					continue;
				info_done = true;
				status_info(&o, &m.info, m.h.reserved & NC_INFO_LOG_FILE);
			} else if (m.h.type == NC_STATUS_ENTRY && n == sizeof(m.e)) {
				const char *proto = m.e.proto == NC_PROTO_UDP ? "udp" : "tcp";

				addr_format(&m.e.local, true, a, sizeof(a));
				addr_format(&m.e.peer, true, b, sizeof(b));
				if (o.json)
					printf("%s{\"id\":%llu,\"proto\":\"%s\",\"local\":\"%s\","
					       "\"remote\":\"%s\",\"state\":\"%s\",\"pid\":%d,"
					       "\"bytes_in\":%llu,\"bytes_out\":%llu}",
					       nent ? "," : "", (unsigned long long)m.e.sockid,
					       proto, a, b, status_state(m.e.state), m.e.pid,
					       (unsigned long long)m.e.bytes_in,
					       (unsigned long long)m.e.bytes_out);
				else
					printf("%-6llu %-5s %-28s %-28s %-11s %7d %12llu %12llu\n",
					       (unsigned long long)m.e.sockid, proto, a, b,
					       status_state(m.e.state), m.e.pid,
					       (unsigned long long)m.e.bytes_in,
					       (unsigned long long)m.e.bytes_out);
				cursor = m.e.sockid;
				nent++;
			} else if (m.h.type == NC_STATUS_END) {
				more = m.h.reserved != 0;
				break;
			} else {
				fprintf(stderr,
					"netcon status: unexpected message from the daemon\n");
				close(fd);
				return 1;
			}
		}
	}
	if (o.json)
		printf("]}\n");
	close(fd);
	return 0;
broken:
	fprintf(stderr, "netcon status: %s\n", client_strerror(n));
	close(fd);
	return 1;
}
