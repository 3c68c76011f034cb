/* SPDX-License-Identifier: BSD-2-Clause */
/* netcon run --isolate: a network namespace of the program's own, with only a loopback. */
#ifndef NETCON_CLI_NETNS_H
#define NETCON_CLI_NETNS_H

/* Moves the calling process into a new network namespace whose only interface is a loopback
 * that is up. As root: unshare(CLONE_NEWNET). Otherwise first a user namespace that maps the
 * current uid and gid to themselves (and nothing else), which gives the capability the network
 * namespace needs; exec drops it again, since the uid inside is not 0. A mount namespace too,
 * where /etc/hosts is localhost plus HOME/hosts and /etc/resolv.conf is HOME/resolv.conf (the
 * network's DNS servers), for programs that read them themselves (Go). Returns 0 or -errno;
 * on failure the process may already be in the user namespace. */
int netns_isolate(const char *home);

#endif
