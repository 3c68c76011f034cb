// SPDX-License-Identifier: BSD-2-Clause
/* ctl_client CONTROL [KIND]: talk to a daemon's control socket directly, as a test of its checks.
 *
 * With KIND "hello" (the default) it sends an NC_HELLO and prints "status N" (the reply's status,
 * 0 or -errno) or "closed" (the daemon hung up without a reply). With any other KIND it first
 * says a valid hello, then sends the bad message KIND names and prints what came back: "closed"
 * when the daemon dropped it (what a bad message must get), "reply TYPE status N" otherwise, or
 * "timeout". Exit status: 0 if something was printed, 1 if the connection itself failed. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "netcon/rpc.h"

static void hdr(void *buf, int type)
{
	struct nc_hdr h;

	memset(&h, 0, sizeof(h));
	h.magic = NC_RPC_MAGIC;
	h.version = NC_RPC_VERSION;
	h.type = (uint8_t)type;
	h.seq = 7;
	memcpy(buf, &h, sizeof(h));
}

static int send_fds(int fd, const void *buf, size_t len, const int *fds, int nfds)
{
	union {
		struct cmsghdr align;
		char b[CMSG_SPACE(sizeof(int) * 4)];
	} cbuf;
	struct iovec iov = {.iov_base = (void *)buf, .iov_len = len};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};

	if (nfds) {
		struct cmsghdr *cm;

		memset(&cbuf, 0, sizeof(cbuf));
		msg.msg_control = cbuf.b;
		msg.msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)nfds);
		cm = CMSG_FIRSTHDR(&msg);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)nfds);
		memcpy(CMSG_DATA(cm), fds, sizeof(int) * (size_t)nfds);
	}
	return sendmsg(fd, &msg, MSG_NOSIGNAL) < 0 ? -errno : 0;
}

/* Print what the daemon answers; returns 1 for a reply, 0 for closed, -1 for a timeout. */
static int answer(int fd, int quiet)
{
	uint8_t buf[NC_MSG_MAX];
	struct nc_hdr h;
	ssize_t n = recv(fd, buf, sizeof(buf), 0);

	if (n == 0 || (n < 0 && errno == ECONNRESET)) {
		printf("closed\n");
		return 0;
	}
	if (n < 0) {
		printf(errno == EAGAIN ? "timeout\n" : "error %s\n", strerror(errno));
		return -1;
	}
	if ((size_t)n < sizeof(h)) {
		printf("short reply of %zd bytes\n", n);
		return 1;
	}
	memcpy(&h, buf, sizeof(h));
	if (!quiet)
		printf("reply %d status %d\n", h.type, h.status);
	return 1;
}

int main(int argc, char **argv)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	struct timeval tv = {.tv_sec = 3};
	const char *kind = argc > 2 ? argv[2] : "hello";
	uint8_t m[2048];
	size_t len = sizeof(struct nc_hdr);
	int fd, fds[2] = {-1, -1}, nfds = 0, sv[2];

	if (argc < 2 || strlen(argv[1]) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "usage: ctl_client CONTROL [KIND]\n");
		return 2;
	}
	strcpy(sun.sun_path, argv[1]);
	fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		printf("connect failed: %s\n", strerror(errno));
		return 1;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	memset(m, 0, sizeof(m));
	hdr(m, NC_HELLO);
	/* A refusal may come (and the daemon hang up) before the hello is sent: read it anyway. */
	if (send_fds(fd, m, len, NULL, 0) < 0 || !strcmp(kind, "hello")) {
		struct nc_hello_reply rep;
		ssize_t n = recv(fd, &rep, sizeof(rep), 0);

		if (n <= 0)
			printf(n == 0 || errno == ECONNRESET ? "closed\n" : "error %s\n",
			       strerror(errno));
		else if ((size_t)n < sizeof(struct nc_hdr))
			printf("short reply of %zd bytes\n", n);
		else
			printf("status %d\n", rep.h.status);
		return 0;
	}
	/* The valid hello first, so a drop is due to what follows and not to the start. */
	if (answer(fd, 1) != 1)
		return 1;
	memset(m, 0, sizeof(m));
	if (!strcmp(kind, "runt")) { /* shorter than a header */
		hdr(m, NC_HELLO);
		len = 8;
	} else if (!strcmp(kind, "empty")) { /* a zero-length datagram */
		len = 0;
	} else if (!strcmp(kind, "trunc")) { /* a bind request cut short */
		hdr(m, NC_BIND);
		len = sizeof(struct nc_sock_req) - 8;
	} else if (!strcmp(kind, "oversize")) { /* a hello with a tail */
		hdr(m, NC_HELLO);
		len = sizeof(struct nc_hdr) + 48;
	} else if (!strcmp(kind, "huge")) { /* bigger than any message: truncated on receipt */
		hdr(m, NC_CONNECT);
		len = sizeof(m);
	} else if (!strcmp(kind, "badmagic")) {
		hdr(m, NC_HELLO);
		m[0] ^= 0xff;
	} else if (!strcmp(kind, "badversion")) {
		hdr(m, NC_HELLO);
		((struct nc_hdr *)m)->version = NC_RPC_VERSION + 1;
	} else if (!strcmp(kind, "unknown")) {
		hdr(m, 200);
	} else if (!strcmp(kind, "typezero")) {
		hdr(m, 0);
	} else if (!strcmp(kind, "notrequest")) { /* a reply type sent as a request */
		hdr(m, NC_INFO);
		len = sizeof(struct nc_info);
	} else if (!strcmp(kind, "fd")) { /* a hello carrying a descriptor it should not */
		hdr(m, NC_HELLO);
		fds[0] = open("/dev/null", O_RDONLY);
		nfds = 1;
	} else if (!strcmp(kind, "twofds")) { /* a clone with two descriptors */
		hdr(m, NC_CLONE);
		if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) < 0)
			return 1;
		fds[0] = sv[1];
		fds[1] = open("/dev/null", O_RDONLY);
		nfds = 2;
	} else if (!strcmp(kind, "clonenofd")) { /* a clone without its new channel */
		hdr(m, NC_CLONE);
	} else if (!strcmp(kind, "clonefile")) { /* a clone whose "channel" is a file */
		hdr(m, NC_CLONE);
		fds[0] = open("/dev/null", O_RDWR);
		nfds = 1;
	} else if (!strcmp(kind, "clonestream")) { /* a clone whose channel is a stream socket */
		hdr(m, NC_CLONE);
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
			return 1;
		fds[0] = sv[1];
		nfds = 1;
	} else if (!strcmp(kind, "badsockid")) { /* well formed, a socket that does not exist */
		struct nc_sock_req *r = (struct nc_sock_req *)m;

		hdr(m, NC_GETERR);
		r->sockid = 0x7fffffffffffULL;
		len = sizeof(*r);
	} else if (!strcmp(kind, "badfamily")) { /* well formed, an address family of 99 */
		struct nc_sock_req *r = (struct nc_sock_req *)m;

		hdr(m, NC_CONNECT);
		r->addr.family = 99;
		r->addr.port = 80;
		r->family = 99;
		r->proto = 6;
		len = sizeof(*r);
	} else {
		fprintf(stderr, "ctl_client: unknown kind %s\n", kind);
		return 2;
	}
	if (send_fds(fd, m, len, fds, nfds) < 0) {
		printf("closed\n");
		return 0;
	}
	answer(fd, 0);
	return 0;
}
