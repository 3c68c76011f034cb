/* SPDX-License-Identifier: BSD-2-Clause */
/* The netcon command: subcommand entry points and helpers they share. */
#ifndef NETCON_CLI_H
#define NETCON_CLI_H

#include <stdbool.h>
#include <stdint.h>

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
 * Returns it absolute, in a new string (free it), or NULL with errno set (ENAMETOOLONG: longer
 * than the kernel takes a path). */
char *cli_home(const char *opt);
/* Print "netcon SUB: message" on stderr; returns 2 (the usage-error exit status) for chaining. */
int cli_usage_error(const char *sub, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* What netcon init does with the other verbs' code, as functions. Each returns the exit status the
 * verb's command line would end with, having said on stderr what went wrong, as the verb does. */

/* idtool generate SECRET PUBLIC VANITY: a new identity (its address starting with the hex prefix
 * vanity, or any for NULL) into secret (0600) and public (0644), or on stdout without secret;
 * say: print "FILE written" for each. */
int idtool_new(const char *secret, const char *public, const char *vanity, bool say);
/* planet create --root ROOT --endpoint ENDPOINT --out OUT. */
int planet_new_root(const char *out, const char *root, const char *endpoint);
/* daemon --home HOME --port PORT --planet PLANET -d, with the pid in *pid (0 if it cannot be
 * read) rather than on stdout: returns 0 once the daemon is ready, else -1. */
int cmd_daemon_start(const char *home, int port, const char *planet, int *pid);
/* join or leave (type NC_NET_JOIN, NC_NET_LEAVE) --home HOME NWID, without its "200 SUB OK". */
int net_member(const char *sub, int type, const char *home, const char *nwid);
/* controller network create --home HOME --name NAME --private [--pool POOL] [--route ROUTE];
 * the new network's id into *nwid rather than on stdout. */
int ctl_create_private(const char *home, const char *name, const char *pool, const char *route,
		       uint64_t *nwid);
/* controller member authorize --home HOME NWID NODE, printing nothing. */
int ctl_authorize(const char *home, const char *nwid, const char *node);

#endif
