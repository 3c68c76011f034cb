/* HOME/resolv.conf: the DNS servers and domain of the virtual network, for the intercept. */
#ifndef NETCON_RESOLV_H
#define NETCON_RESOLV_H

#include "netcon/rpc.h"

#define RESOLV_MAX_SERVERS 3
#define RESOLV_FILE "resolv.conf"

/* "IP", "IP:PORT" or "[IP6]:PORT" (port 53 if none) into out. Returns 0 or -EINVAL. */
int resolv_parse_server(struct nc_addr *out, const char *s);

/* Write HOME/resolv.conf atomically: one `nameserver IP` line per server (`IP#PORT` when the
 * port is not 53) and `search DOMAIN` if domain is set. With no servers and no domain the file
 * is removed. Returns 0 or -errno. */
int resolv_write(const char *home, const struct nc_addr *servers, int n, const char *domain);

/* Remove HOME/resolv.conf (at exit). */
void resolv_remove(const char *home);

#endif
