// SPDX-License-Identifier: BSD-2-Clause
/* The CLI's connection to a running daemon's control socket. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/client.h"
#include "netcon/rpc.h"

int client_open(const char *home)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	struct timeval tv = {.tv_sec = 10};
	struct nc_hello_reply rep;
	struct nc_hdr h;
	int fd, n, r;

	n = snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/%s", home, NC_CONTROL_NAME);
	if (n < 0 || n >= (int)sizeof(sun.sun_path))
		return -ENAMETOOLONG;
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	memset(&h, 0, sizeof(h));
	h.type = NC_HELLO;
	r = client_call(fd, &h, sizeof(h), &rep, sizeof(rep));
	if (r < 0) {
		close(fd);
		return r;
	}
	return fd;
}

void client_open_error(const char *sub, const char *home, int r)
{
	if (r == -ENOENT || r == -ECONNREFUSED || r == -ENOTDIR)
		fprintf(stderr,
			"netcon %s: no daemon at %s (start it with 'netcon daemon --home %s -d')\n",
			sub, home, home);
	else if (r == -EACCES || r == -EPERM)
		fprintf(stderr,
			"netcon %s: the daemon at %s refused us: permission denied (only its user, "
			"root and programs started by 'netcon run' may use it)\n",
			sub, home);
	else
		fprintf(stderr, "netcon %s: cannot reach the daemon at %s: %s\n", sub, home,
			client_strerror(r));
}

int client_connect(const char *sub, const char *homeopt)
{
	char *home = cli_home(homeopt);
	int fd;

	if (!home) {
		cli_usage_error(sub, "home path too long");
		return -1;
	}
	fd = client_open(home);
	if (fd < 0)
		client_open_error(sub, home, fd);
	free(home);
	return fd < 0 ? -1 : fd;
}

const char *client_strerror(int r)
{
	switch (-r) {
	case ECONNRESET:
	case EPIPE:
		return "the daemon closed the connection (see its log)";
	case EAGAIN:
		return "the daemon did not answer within 10 s";
	case EPROTO:
		return "the daemon's answer is not what this netcon expects (another version?)";
	case ENOTCONN:
		return "the daemon's ZeroTier node is not running (see its log)";
	default:
		return strerror(r < 0 ? -r : r);
	}
}

void client_json_str(const void *s, size_t n)
{
	const unsigned char *p = s;

	putchar('"');
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '"' || p[i] == '\\')
			printf("\\%c", p[i]);
		else if (p[i] < 0x20 || p[i] >= 0x7f)
			printf("\\u%04x", p[i]);
		else
			putchar(p[i]);
	}
	putchar('"');
}

int client_recv(int fd, void *buf, size_t len)
{
	ssize_t n;

	do
		n = recv(fd, buf, len, 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (n == 0)
		return -ECONNRESET;
	if ((size_t)n < sizeof(struct nc_hdr))
		return -EPROTO;
	return (int)n;
}

int client_call(int fd, void *req, size_t reqlen, void *rep, size_t replen)
{
	struct nc_hdr *h = req, *rh = rep;
	int n;

	h->magic = NC_RPC_MAGIC;
	h->version = NC_RPC_VERSION;
	if (send(fd, req, reqlen, MSG_NOSIGNAL) < 0)
		return -errno;
	n = client_recv(fd, rep, replen);
	if (n < 0)
		return n;
	if (rh->status < 0)
		return rh->status;
	return n;
}
