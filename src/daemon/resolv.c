/* HOME/resolv.conf: written at start (and by network configs), read by the intercept. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

int resolv_write(const char *home, const struct nc_addr *servers, int n, const char *domain)
{
	char path[4096], tmp[4096], text[1024], ip[INET6_ADDRSTRLEN];
	size_t len = 0;
	int fd, r = 0;

	if (snprintf(path, sizeof(path), "%s/" RESOLV_FILE, home) >= (int)sizeof(path) ||
	    snprintf(tmp, sizeof(tmp), "%s/." RESOLV_FILE ".%d", home, (int)getpid()) >=
		(int)sizeof(tmp))
		return -ENAMETOOLONG;
	if (n <= 0 && (!domain || !*domain)) {
		resolv_remove(home);
		return 0;
	}
	len += (size_t)snprintf(text, sizeof(text), "# written by the netcon daemon\n");
	for (int i = 0; i < n && i < RESOLV_MAX_SERVERS; i++) {
		inet_ntop(servers[i].family == 6 ? AF_INET6 : AF_INET, servers[i].ip, ip,
			  sizeof(ip));
		if (servers[i].port && servers[i].port != 53)
			len += (size_t)snprintf(text + len, sizeof(text) - len,
						"nameserver %s#%u\n", ip, servers[i].port);
		else
			len +=
			    (size_t)snprintf(text + len, sizeof(text) - len, "nameserver %s\n", ip);
	}
	if (domain && *domain) {
		if (strlen(domain) > 253 || strpbrk(domain, " \t\n#;"))
			return -EINVAL;
		len += (size_t)snprintf(text + len, sizeof(text) - len, "search %s\n", domain);
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	if (write(fd, text, len) != (ssize_t)len)
		r = -EIO;
	if (close(fd) < 0 && !r)
		r = -errno;
	if (!r && rename(tmp, path) < 0)
		r = -errno;
	if (r)
		unlink(tmp);
	return r;
}

void resolv_remove(const char *home)
{
	char path[4096];

	if (snprintf(path, sizeof(path), "%s/" RESOLV_FILE, home) < (int)sizeof(path))
		unlink(path);
}
