/* SPDX-License-Identifier: BSD-2-Clause */
/* HOME/resolv.conf: the DNS servers and domain of the virtual network, for the intercept. */
#ifndef NETCON_RESOLV_H
#define NETCON_RESOLV_H

#include <stdint.h>

#include "netcon/rpc.h"

#define RESOLV_MAX_SERVERS 3
#define RESOLV_FILE "resolv.conf"

/* "IP", "IP:PORT" or "[IP6]:PORT" (port 53 if none) into out. Returns 0 or -EINVAL. */
int resolv_parse_server(struct nc_addr *out, const char *s);

/* Start keeping HOME/resolv.conf: the daemon's own settings (--dns, --domain) merged with the
 * joined networks' (resolv_network), written now. Returns 0 or -errno. */
int resolv_start(const char *home, const struct nc_addr *servers, int n, const char *domain);

/* A joined network's DNS settings, from its config: a search domain ("" none) and servers (port
 * 0 means 53); n 0 and no domain withdraws them (left, denied). The file is rewritten when the
 * merge changes it: the daemon's servers first, then each network's, RESOLV_MAX_SERVERS in
 * all; every domain in the search line. Once written, settings that all go away leave a file
 * with no servers, so programs already running stop using them. */
void resolv_network(uint64_t nwid, const char *domain, const struct nc_addr *servers, int n);

/* Remove HOME/resolv.conf (at exit). */
void resolv_remove(const char *home);

#endif
