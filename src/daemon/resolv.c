// SPDX-License-Identifier: BSD-2-Clause
/* HOME/resolv.conf: written at start (and by network configs), read by the intercept. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "common/file.h"
#include "common/log.h"
#include "daemon/resolv.h"

int resolv_parse_server(struct nc_addr *out, const char *s)
{
	char ip[INET6_ADDRSTRLEN + 1];
	const char *port = NULL, *end;
	struct nc_addr a;
	size_t n;

	memset(&a, 0, sizeof(a));
	if (*s == '[') {
		end = strchr(s, ']');
		if (!end || (end[1] && end[1] != ':'))
			return -EINVAL;
		n = (size_t)(end - s - 1);
		s++;
		port = end[1] ? end + 2 : NULL;
	} else {
		end = strchr(s, ':');
		/* One colon: IPv4 with a port; more: a bare IPv6 address. */
		if (end && !strchr(end + 1, ':')) {
			n = (size_t)(end - s);
			port = end + 1;
		} else {
			n = strlen(s);
		}
	}
	if (n == 0 || n >= sizeof(ip))
		return -EINVAL;
	memcpy(ip, s, n);
	ip[n] = 0;
	if (inet_pton(AF_INET, ip, a.ip) == 1)
		a.family = 4;
	else if (inet_pton(AF_INET6, ip, a.ip) == 1)
		a.family = 6;
	else
		return -EINVAL;
	a.port = 53;
	if (port) {
		char *e;
		long v = strtol(port, &e, 10);

		if (!*port || *e || v < 1 || v > 65535)
			return -EINVAL;
		a.port = (uint16_t)v;
	}
	*out = a;
	return 0;
}

/* The joined networks' settings (ZTNET_MAX of them at most; more are refused, logged). */
#define RESOLV_MAX_NETS 16
#define RESOLV_DOMAIN_MAX 253

struct resolv_net {
	uint64_t nwid; /* 0: free */
	char domain[RESOLV_DOMAIN_MAX + 1];
	int n;
	struct nc_addr servers[RESOLV_MAX_SERVERS + 1]; /* ZT_MAX_DNS_SERVERS = 4 */
};

static struct {
	char *home; /* NULL until resolv_start */
	struct nc_addr servers[RESOLV_MAX_SERVERS];
	int n;
	char domain[RESOLV_DOMAIN_MAX + 1];
	struct resolv_net nets[RESOLV_MAX_NETS];
	bool written; /* a file with settings was written: keep one (empty) until exit */
	char last[1024]; /* the text last written */
} rs;

static bool resolv_domain_ok(const char *d)
{
	return *d && strlen(d) <= RESOLV_DOMAIN_MAX && !strpbrk(d, " \t\r\n#;\\");
}

static bool resolv_same(const struct nc_addr *a, const struct nc_addr *b)
{
	return a->family == b->family && a->port == b->port &&
	       !memcmp(a->ip, b->ip, a->family == 4 ? 4 : 16);
}

/* Add a to out[0..*n) unless it is there; one past the limit counts in *dropped. */
static void resolv_add_server(struct nc_addr *out, int *n, const struct nc_addr *a, int *dropped)
{
	for (int i = 0; i < *n; i++)
		if (resolv_same(&out[i], a))
			return;
	if (*n >= RESOLV_MAX_SERVERS) {
		(*dropped)++;
		return;
	}
	out[(*n)++] = *a;
}

/* The merged text into buf. Returns its length; 0 when there is nothing to say. */
static size_t resolv_text(char *buf, size_t size, int *dropped)
{
	struct nc_addr all[RESOLV_MAX_SERVERS];
	const char *doms[1 + RESOLV_MAX_NETS];
	char ip[INET6_ADDRSTRLEN];
	int n = 0, nd = 0;
	size_t len;

	for (int i = 0; i < rs.n; i++)
		resolv_add_server(all, &n, &rs.servers[i], dropped);
	if (rs.domain[0])
		doms[nd++] = rs.domain;
	for (int k = 0; k < RESOLV_MAX_NETS; k++) {
		const struct resolv_net *e = &rs.nets[k];
		bool dup = false;

		if (!e->nwid)
			continue;
		for (int i = 0; i < e->n; i++)
			resolv_add_server(all, &n, &e->servers[i], dropped);
		for (int i = 0; i < nd && e->domain[0]; i++)
			dup |= !strcasecmp(doms[i], e->domain);
		if (e->domain[0] && !dup)
			doms[nd++] = e->domain;
	}
	if (!n && !nd)
		return 0;
	len = (size_t)snprintf(buf, size, "# written by the netcon daemon\n");
	for (int i = 0; i < n && len < size; i++) {
		inet_ntop(all[i].family == 6 ? AF_INET6 : AF_INET, all[i].ip, ip, sizeof(ip));
		if (all[i].port && all[i].port != 53)
			len += (size_t)snprintf(buf + len, size - len, "nameserver %s#%u\n", ip,
						all[i].port);
		else
			len += (size_t)snprintf(buf + len, size - len, "nameserver %s\n", ip);
	}
	/* resolv.conf(5) allows six search domains in 256 bytes; the intercept reads six. */
	for (int i = 0; i < nd && i < 6 && len < size; i++)
		len +=
		    (size_t)snprintf(buf + len, size - len, "%s%s", i ? " " : "search ", doms[i]);
	if (nd && len < size)
		len += (size_t)snprintf(buf + len, size - len, "\n");
	return len < size ? len : size - 1;
}

/* HOME/resolv.conf (free it), or NULL. */
static char *resolv_path(const char *home)
{
	return file_path("%s/" RESOLV_FILE, home);
}

/* Atomically replace HOME/resolv.conf with text[0..len). */
static int resolv_put(const char *text, size_t len)
{
	char *path = resolv_path(rs.home);
	int r = path ? file_write_atomic(path, text, len, 0644) : -ENOMEM;

	free(path);
	return r;
}

static int resolv_update(void)
{
	char text[1024];
	size_t len;
	int r, dropped = 0;

	if (!rs.home)
		return 0;
	len = resolv_text(text, sizeof(text), &dropped);
	if (len == 0 && !rs.written) {
		resolv_remove(rs.home);
		rs.last[0] = 0;
		return 0;
	}
	if (len == 0)
		len = (size_t)snprintf(text, sizeof(text),
				       "# written by the netcon daemon: no DNS settings now\n");
	if (!strcmp(text, rs.last))
		return 0;
	r = resolv_put(text, len);
	if (r < 0)
		return r;
	memcpy(rs.last, text, len + 1);
	rs.written = true;
	if (dropped)
		log_warn("%s/" RESOLV_FILE
			 ": %d DNS server(s) of the networks left out, %d at most",
			 rs.home, dropped, RESOLV_MAX_SERVERS);
	return 0;
}

int resolv_start(const char *home, const struct nc_addr *servers, int n, const char *domain)
{
	free(rs.home);
	rs.home = strdup(home);
	if (!rs.home)
		return -ENOMEM;
	if (domain && *domain && !resolv_domain_ok(domain))
		return -EINVAL;
	rs.n = 0;
	for (int i = 0; i < n && i < RESOLV_MAX_SERVERS; i++)
		rs.servers[rs.n++] = servers[i];
	snprintf(rs.domain, sizeof(rs.domain), "%s", domain ? domain : "");
	rs.written = false;
	rs.last[0] = 0;
	return resolv_update();
}

void resolv_network(uint64_t nwid, const char *domain, const struct nc_addr *servers, int n)
{
	struct resolv_net *e = NULL, *free_slot = NULL;
	int r;

	for (int k = 0; k < RESOLV_MAX_NETS; k++) {
		if (rs.nets[k].nwid == nwid)
			e = &rs.nets[k];
		else if (!rs.nets[k].nwid && !free_slot)
			free_slot = &rs.nets[k];
	}
	if (domain && *domain && !resolv_domain_ok(domain)) {
		log_warn("network %016llx: DNS search domain is not usable; ignored",
			 (unsigned long long)nwid);
		domain = NULL;
	}
	if (n <= 0 && (!domain || !*domain)) {
		if (!e)
			return;
		memset(e, 0, sizeof(*e));
	} else {
		if (!e)
			e = free_slot;
		if (!e) {
			log_warn("network %016llx: DNS settings of too many networks; ignored",
				 (unsigned long long)nwid);
			return;
		}
		memset(e, 0, sizeof(*e));
		e->nwid = nwid;
		snprintf(e->domain, sizeof(e->domain), "%s", domain ? domain : "");
		for (int i = 0; i < n && e->n < (int)(sizeof(e->servers) / sizeof(e->servers[0]));
		     i++) {
			if (servers[i].family != 4 && servers[i].family != 6)
				continue;
			e->servers[e->n] = servers[i];
			if (!e->servers[e->n].port)
				e->servers[e->n].port = 53;
			e->n++;
		}
	}
	r = resolv_update();
	if (r < 0)
		log_warn("writing %s/" RESOLV_FILE ": %s", rs.home, strerror(-r));
}

void resolv_remove(const char *home)
{
	char *path = resolv_path(home);

	if (path)
		unlink(path);
	free(path);
}
