/* SPDX-License-Identifier: BSD-2-Clause */
/* The netcon command: subcommand entry points and helpers they share. */
#ifndef NETCON_CLI_H
#define NETCON_CLI_H

#include <stdbool.h>

/* Each subcommand: argv[0] is the subcommand's name; returns the process exit status. */
int cmd_daemon(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_idtool(int argc, char **argv);
int cmd_planet(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_peers(int argc, char **argv);
int cmd_ping(int argc, char **argv);
int cmd_message(int argc, char **argv);
int cmd_join(int argc, char **argv);
int cmd_leave(int argc, char **argv);
int cmd_networks(int argc, char **argv);
int cmd_controller(int argc, char **argv);
int cmd_init(int argc, char **argv);

/* NETCON_HOME resolution: --home, then $NETCON_HOME, then ~/.netcon (or /var/lib/netcon as root).
 * Writes into buf; returns 0 or -ENAMETOOLONG. */
int cli_home(const char *opt, char *buf, unsigned long size);
/* Print "netcon SUB: message" on stderr; returns 2 (the usage-error exit status) for chaining. */
int cli_usage_error(const char *sub, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Join or leave (type NC_NET_JOIN or NC_NET_LEAVE) the network NWID (16 hex digits) on the
 * daemon at home (NULL for the default), as 'netcon SUB --home HOME NWID' does, without its
 * "200 SUB OK". Returns the exit status, having said on stderr what went wrong. */
int net_member(const char *sub, int type, const char *home, const char *nwid);

#endif
