// SPDX-License-Identifier: BSD-2-Clause
/* The process's control channel to the daemon: connect, clone after fork, one call at a time. */
#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/fdpass.h"
#include "common/log.h"
#include "common/rpc_check.h"
#include "intercept/intercept.h"

/* The channel sits high, out of the way of programs that expect small descriptor numbers. */
#define CHAN_FD_MIN 512
#define CHAN_TIMEOUT_S 5

static pthread_mutex_t chan_lock = PTHREAD_MUTEX_INITIALIZER;
static int chan_fd = -1;
static ino_t chan_ino;
static pid_t chan_pid;
static uint32_t chan_seq;
static struct nc_route chan_route_tab[NC_MAX_ROUTES];
static int chan_nroutes = -1;
static int chan_complained;

static void chan_hdr(struct nc_hdr *h, int type)
{
	memset(h, 0, sizeof(*h));
	h->magic = NC_RPC_MAGIC;
	h->version = NC_RPC_VERSION;
	h->type = (uint8_t)type;
	h->seq = ++chan_seq;
}

static void chan_complain(const char *what, int err)
{
	char buf[256];
	int n;

	if (chan_complained++)
		return;
	n = snprintf(buf, sizeof(buf), "netcon: cannot reach the netcon daemon at %s: %s: %s\n",
		     cfg.control, what, strerror(err));
	if (n > 0 && write(STDERR_FILENO, buf,
			   (size_t)(n < (int)sizeof(buf) ? n : (int)sizeof(buf) - 1)) < 0) {
		/* stderr closed: nothing more to do */
	}
}

static int chan_settle(int fd)
{
	struct timeval tv = {.tv_sec = CHAN_TIMEOUT_S};
	struct stat st;
	int hi;

	REAL(setsockopt)(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	REAL(setsockopt)(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	hi = fcntl(fd, F_DUPFD_CLOEXEC, CHAN_FD_MIN);
	if (hi >= 0) {
		close(fd);
		fd = hi;
	}
	if (fstat(fd, &st) < 0) {
		close(fd);
		return -errno;
	}
	chan_ino = st.st_ino;
	return fd;
}

static int chan_read_hello(int fd, int type)
{
	struct nc_hello_reply rep;
	const char *why;
	int tabfd = -1, nfds = 1;
	ssize_t n = fdpass_recv(fd, &rep, sizeof(rep), &tabfd, &nfds, MSG_CMSG_CLOEXEC);

	if (n < 0)
		return (int)n == -EAGAIN ? -ETIMEDOUT : (int)n;
	if (nfds == 1)
		recv_map_reset(tabfd); /* the reset table, mapped once per process */
	if (n == 0)
		return -ECONNRESET;
	if (rpc_check_reply(&rep, (size_t)n, type, &why) < 0)
		return -EPROTO;
	if (rep.h.status < 0)
		return rep.h.status;
	chan_nroutes = rep.nroutes > NC_MAX_ROUTES ? NC_MAX_ROUTES : (int)rep.nroutes;
	memcpy(chan_route_tab, rep.routes, sizeof(chan_route_tab));
	return 0;
}

static int chan_connect_path(void)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	struct nc_hdr h;
	int fd, r;

	memcpy(sun.sun_path, cfg.control, sizeof(sun.sun_path) - 1);
	fd = REAL(socket)(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (REAL(connect)(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	fd = chan_settle(fd);
	if (fd < 0)
		return fd;
	chan_hdr(&h, NC_HELLO);
	r = (int)fdpass_send(fd, &h, sizeof(h), NULL, 0, 0);
	if (r >= 0)
		r = chan_read_hello(fd, NC_HELLO);
	if (r < 0) {
		close(fd);
		return r;
	}
	return fd;
}

/* After fork: a channel of our own, asked for over the inherited one; needs no filesystem. */
static int chan_clone(int inherited)
{
	struct nc_hdr h;
	int sv[2], r, fd;

	if (REAL(socket) == NULL || socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	chan_hdr(&h, NC_CLONE);
	r = (int)fdpass_send(inherited, &h, sizeof(h), &sv[1], 1, 0);
	close(sv[1]);
	if (r < 0) {
		close(sv[0]);
		return r;
	}
	fd = chan_settle(sv[0]);
	if (fd < 0)
		return fd;
	r = chan_read_hello(fd, NC_CLONE);
	if (r < 0) {
		close(fd);
		return r;
	}
	return fd;
}

/* Is chan_fd still our channel (a program may have closed it and reused the number)? */
static bool chan_intact(void)
{
	struct stat st;

	return chan_fd >= 0 && fstat(chan_fd, &st) == 0 && st.st_ino == chan_ino;
}

static int chan_ensure(void)
{
	pid_t me = getpid();
	int fd = -1;

	if (!cfg.active)
		return -ENOTCONN;
	if (chan_fd >= 0 && chan_pid == me && chan_intact())
		return 0;
	if (chan_fd >= 0 && chan_pid != me && chan_intact()) {
		int inherited = chan_fd;

		fd = chan_clone(inherited);
		close(inherited);
	} else if (chan_fd >= 0 && chan_pid != me) {
		chan_fd = -1; /* not ours any more: leave that number alone */
	}
	chan_fd = -1;
	if (fd < 0)
		fd = chan_connect_path();
	if (fd < 0) {
		chan_complain("connect", -fd);
		return -ENOTCONN;
	}
	chan_fd = fd;
	chan_pid = me;
	return 0;
}

int chan_call(void *req, size_t reqlen, void *rep, size_t replen, int *fd_out)
{
	struct nc_hdr *h = req, got;
	int r, fds[1], nfds;
	ssize_t n;
	const char *why;

	if (fd_out)
		*fd_out = -1;
	pthread_mutex_lock(&chan_lock);
	r = chan_ensure();
	if (r < 0)
		goto out;
	h->magic = NC_RPC_MAGIC;
	h->version = NC_RPC_VERSION;
	h->seq = ++chan_seq;
	n = fdpass_send(chan_fd, req, reqlen, NULL, 0, 0);
	if (n < 0) {
		r = (int)n;
		goto broken;
	}
	for (;;) {
		nfds = 1;
		n = fdpass_recv(chan_fd, rep, replen, fds, &nfds, MSG_CMSG_CLOEXEC);
		if (n == -EMFILE) {
			r = -EMFILE;
			goto out;
		}
		if (n <= 0) {
			r = n == 0 ? -ECONNRESET : (int)n;
			goto broken;
		}
		memcpy(&got, rep, sizeof(got) <= (size_t)n ? sizeof(got) : 0);
		if ((size_t)n < sizeof(got) || got.seq != h->seq) {
			/* A stale reply to a call that timed out: skip it. */
			for (int i = 0; i < nfds; i++)
				close(fds[i]);
			continue;
		}
		break;
	}
	if (rpc_check_reply(rep, (size_t)n, h->type, &why) < 0) {
		for (int i = 0; i < nfds; i++)
			close(fds[i]);
		log_warn("bad reply from the daemon: %s", why);
		r = -EPROTO;
		goto out;
	}
	r = got.status;
	if (nfds && fd_out && r == 0)
		*fd_out = fds[0];
	else if (nfds)
		close(fds[0]);
	goto out;
broken:
	chan_complain("request", -r);
	close(chan_fd);
	chan_fd = -1;
	r = -ENOTCONN;
out:
	pthread_mutex_unlock(&chan_lock);
	return r;
}

int chan_routes(const struct nc_route **routes)
{
	int r = 0;

	pthread_mutex_lock(&chan_lock);
	if (chan_nroutes < 0 || chan_pid != getpid())
		r = chan_ensure();
	pthread_mutex_unlock(&chan_lock);
	*routes = chan_route_tab;
	return r < 0 ? r : (chan_nroutes < 0 ? 0 : chan_nroutes);
}

void chan_before_fork(void)
{
	pthread_mutex_lock(&chan_lock);
}

void chan_after_fork_parent(void)
{
	pthread_mutex_unlock(&chan_lock);
}

void chan_after_fork_child(void)
{
	/* The lock was taken in prepare; the child's channel is cloned on first use. */
	pthread_mutex_init(&chan_lock, NULL);
	chan_complained = 0;
}
