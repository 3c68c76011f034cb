// SPDX-License-Identifier: BSD-2-Clause
/* The control socket: channels to programs and the CLI, access checks, request dispatch. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/sockios.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/fdpass.h"
#include "common/log.h"
#include "common/rpc_check.h"
#include "daemon/loop.h"
#include "daemon/rpc_srv.h"
#include "daemon/rstab.h"
#include "daemon/ctrl.h"
#include "daemon/stack.h"
#include "daemon/vconn.h"
#include "daemon/ztnet.h"
#include "daemon/ztnode.h"
#include "netcon/version.h"

#define RPC_MAX_RUNS 256
#define RPC_STATUS_PAGE 8
#define RPC_MAX_REFUSED 64
/* Per-client bounds, their defaults (README: "Limits per client"). A client of the intercept has one
 * request in flight at a time; a `netcon run` tree as big as a busy nginx stays well within. */
#define RPC_MAX_SOCKETS_DEFAULT 65536
#define RPC_MAX_CHANNELS_DEFAULT 16384
#define RPC_MAX_QUEUED_DEFAULT (64 * 1024)
#define RPC_MAX_FDS_DEFAULT 64

struct client {
	struct loop_obj obj;
	int fd;
	uid_t uid;
	pid_t pid;
	bool refused;
	struct vconn_client who; /* its tree and account (one reference) */
	uint32_t fds_sent; /* fds sent since its queue of answers was last seen empty */
	struct client *next;
};

static struct loop_obj control_obj = {.type = LOOP_CONTROL};
static int control_fd = -1;
static char control_path[sizeof(((struct sockaddr_un *)0)->sun_path)];
static struct client *clients, *dead_clients;
static uint64_t nclients;
static int nrefused;
static uid_t my_uid;
static struct {
	pid_t pid;
	unsigned long long start;
	uint64_t tree;
} runs[RPC_MAX_RUNS];
static uint64_t next_tree = 1;
static uint32_t max_channels = RPC_MAX_CHANNELS_DEFAULT, max_queued = RPC_MAX_QUEUED_DEFAULT,
		max_fds = RPC_MAX_FDS_DEFAULT;

/* Field 22 of /proc/PID/stat (start time) and field 4 (parent), so a reused pid is not trusted. */
static int rpc_proc_stat(pid_t pid, pid_t *ppid, unsigned long long *start)
{
	char path[64], buf[1024], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -EIO;
	buf[n] = 0;
	p = strrchr(buf, ')'); /* the command name may hold spaces and parentheses */
	if (!p)
		return -EIO;
	if (sscanf(
		p + 2,
		"%*c %d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %*d %*d %llu",
		ppid, start) != 2)
		return -EIO;
	return 0;
}

/* The tree of the outermost registered `netcon run` that pid descends from (or is) and that is
 * still alive, or 0: its programs share their sockets, as processes of one run do by fork, exec
 * and SCM_RIGHTS, and nobody else may touch them. */
static uint64_t rpc_run_tree(pid_t pid)
{
	uint64_t tree = 0;

	for (int depth = 0; depth < 64 && pid > 1; depth++) {
		unsigned long long start;
		pid_t ppid;

		if (rpc_proc_stat(pid, &ppid, &start) < 0)
			break;
		for (int i = 0; i < RPC_MAX_RUNS; i++)
			if (runs[i].pid == pid && runs[i].start == start)
				tree = runs[i].tree;
		pid = ppid;
	}
	return tree;
}

static void rpc_register_run(pid_t pid)
{
	unsigned long long start;
	pid_t ppid;
	int slot = -1;

	if (rpc_proc_stat(pid, &ppid, &start) < 0)
		return;
	for (int i = 0; i < RPC_MAX_RUNS; i++) {
		unsigned long long s;
		pid_t pp;

		/* Reuse slots of runs that have ended. */
		if (!runs[i].pid || rpc_proc_stat(runs[i].pid, &pp, &s) < 0 || s != runs[i].start) {
			slot = i;
			break;
		}
	}
	if (slot < 0)
		slot = (int)(pid % RPC_MAX_RUNS);
	runs[slot].pid = pid;
	runs[slot].start = start;
	runs[slot].tree = next_tree++;
}

/* A channel of tree (0: outside any run), counted against its account: acct, whose reference
 * it takes, or a new one. NULL (and nothing taken) without memory or beyond the channel bound. */
static struct client *rpc_client_new(int fd, uid_t uid, pid_t pid, uint64_t tree,
				     struct vconn_acct *acct)
{
	struct client *c;
	int one = 1;

	if (!acct)
		acct = vconn_acct_get(tree);
	else
		acct->refs++;
	if (!acct)
		return NULL;
	if (max_channels && acct->nchannels >= max_channels) {
		log_info("client pid %d: its run has %u channels open already; refused", (int)pid,
			 acct->nchannels);
		vconn_acct_put(acct);
		return NULL;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		vconn_acct_put(acct);
		return NULL;
	}
	c->obj.type = LOOP_CLIENT;
	c->fd = fd;
	c->uid = uid;
	c->pid = pid;
	c->who.pid = pid;
	c->who.tree = tree;
	c->who.acct = acct;
	/* Each message then carries its sender's pid, checked by the kernel. */
	setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one));
	if (loop_add(fd, EPOLLIN, &c->obj) < 0) {
		vconn_acct_put(acct);
		free(c);
		return NULL;
	}
	acct->nchannels++;
	c->next = clients;
	clients = c;
	nclients++;
	return c;
}

static void rpc_client_drop(struct client *c)
{
	if (c->obj.dead)
		return;
	c->obj.dead = 1;
	loop_del(c->fd);
	close(c->fd);
	for (struct client **pp = &clients; *pp; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
	nclients--;
	if (c->refused)
		nrefused--;
	c->who.acct->nchannels--;
	vconn_acct_put(c->who.acct);
	c->who.acct = NULL;
	c->next = dead_clients;
	dead_clients = c;
}

void rpc_srv_reap(void)
{
	while (dead_clients) {
		struct client *c = dead_clients;

		dead_clients = c->next;
		free(c);
	}
}

static void rpc_hdr(struct nc_hdr *h, int type, uint32_t seq, int status)
{
	memset(h, 0, sizeof(*h));
	h->magic = NC_RPC_MAGIC;
	h->version = NC_RPC_VERSION;
	h->type = (uint8_t)type;
	h->seq = seq;
	h->status = status;
}

static int rpc_send(struct client *c, const void *m, size_t len, int fd)
{
	ssize_t r = fdpass_send(c->fd, m, len, &fd, fd >= 0 ? 1 : 0, MSG_DONTWAIT);

	return r < 0 ? (int)r : 0;
}

static void rpc_hello_reply(struct nc_hello_reply *r, int type, uint32_t seq)
{
	memset(r, 0, sizeof(*r));
	rpc_hdr(&r->h, type, seq, 0);
	r->nroutes = (uint32_t)stack_routes(r->routes, NC_MAX_ROUTES);
}

static int rpc_status(struct client *c, const struct nc_sock_req *req)
{
	struct nc_info info;
	struct nc_status_entry e[RPC_STATUS_PAGE];
	struct nc_hdr end;
	int n, r;

	memset(&info, 0, sizeof(info));
	rpc_hdr(&info.h, NC_INFO, req->h.seq, 0);
	info.h.reserved = log_file() ? NC_INFO_LOG_FILE : 0;
	info.pid = getpid();
	info.nroutes = (uint32_t)stack_routes(info.routes, NC_MAX_ROUTES);
	info.sockets = vconn_count();
	info.clients = nclients;
	snprintf(info.version, sizeof(info.version), "%s", NETCON_VERSION);
	r = rpc_send(c, &info, sizeof(info), -1);
	n = vconn_list(req->sockid, e, RPC_STATUS_PAGE);
	for (int i = 0; i < n && r == 0; i++) {
		rpc_hdr(&e[i].h, NC_STATUS_ENTRY, req->h.seq, 0);
		r = rpc_send(c, &e[i], sizeof(e[i]), -1);
	}
	rpc_hdr(&end, NC_STATUS_END, req->h.seq, 0);
	end.reserved = n == RPC_STATUS_PAGE; /* more after the last id */
	if (r == 0)
		r = rpc_send(c, &end, sizeof(end), -1);
	return r;
}

/* The ZeroTier node's queries: one reply each, a bare header carrying the error on failure. */
static int rpc_zt(struct client *c, int type, const uint8_t *buf)
{
	union {
		struct nc_hdr h;
		struct nc_zt_info info;
		struct nc_zt_peer peer;
		struct nc_zt_req req;
		struct nc_zt_msg msg;
	} rep;
	struct nc_zt_send_req sreq;
	struct nc_zt_req req;
	struct nc_hdr h;
	size_t len = 0;
	int r;

	memcpy(&h, buf, sizeof(h));
	memset(&rep, 0, sizeof(rep));
	switch (type) {
	case NC_ZT_INFO:
		r = ztnode_info(&rep.info);
		len = sizeof(rep.info);
		break;
	case NC_ZT_SEND:
		memcpy(&sreq, buf, sizeof(sreq));
		r = ztnode_send(&sreq, &rep.req.id);
		len = sizeof(rep.req);
		break;
	default:
		memcpy(&req, buf, sizeof(req));
		if (type == NC_ZT_PEER) {
			r = ztnode_peer(req.id, &rep.peer);
			len = sizeof(rep.peer);
		} else if (type == NC_ZT_RESULT) {
			r = ztnode_result(req.id, &rep.msg);
			len = sizeof(rep.msg);
		} else {
			r = ztnode_inbox(req.id, &rep.msg);
			len = sizeof(rep.msg);
		}
		break;
	}
	if (r < 0)
		len = sizeof(rep.h);
	rpc_hdr(&rep.h, type, h.seq, r < 0 ? r : 0);
	return rpc_send(c, &rep, len, -1);
}

/* Joined networks: join, leave, list. */
static int rpc_net(struct client *c, int type, const uint8_t *buf)
{
	union {
		struct nc_hdr h;
		struct nc_net_info info;
	} rep;
	struct nc_zt_req req;
	size_t len = sizeof(rep.h);
	int r;

	memcpy(&req, buf, sizeof(req));
	memset(&rep, 0, sizeof(rep));
	if (type == NC_NET_JOIN) {
		r = ztnet_join(req.id);
	} else if (type == NC_NET_LEAVE) {
		r = ztnet_leave(req.id);
	} else {
		r = ztnet_info(req.id, &rep.info);
		len = sizeof(rep.info);
	}
	if (r < 0)
		len = sizeof(rep.h);
	rpc_hdr(&rep.h, type, req.h.seq, r < 0 ? r : 0);
	return rpc_send(c, &rep, len, -1);
}

/* The controller role: only the daemon's own user and root administer it. */
static int rpc_ctl(struct client *c, int type, const uint8_t *buf)
{
	union {
		struct nc_hdr h;
		struct nc_ctl_net net;
		struct nc_ctl_member member;
	} rep;
	union {
		struct nc_hdr h;
		struct nc_ctl_net net;
		struct nc_ctl_req req;
		struct nc_ctl_member member;
	} in;
	size_t len = sizeof(rep.h);
	int r;

	/* rpc_handle checked the size for the type. */
	memset(&rep, 0, sizeof(rep));
	switch (type) {
	case NC_CTL_NET_CREATE:
	case NC_CTL_NET_SET:
		memcpy(&in.net, buf, sizeof(in.net));
		len = sizeof(rep.net);
		break;
	case NC_CTL_MEMBER_SET:
		memcpy(&in.member, buf, sizeof(in.member));
		len = sizeof(rep.member);
		break;
	default:
		memcpy(&in.req, buf, sizeof(in.req));
		len = type == NC_CTL_NET_GET	  ? sizeof(rep.net)
		      : type == NC_CTL_MEMBER_GET ? sizeof(rep.member)
						  : sizeof(rep.h);
		break;
	}
	if (c->uid != my_uid && c->uid != 0)
		r = -EPERM;
	else if (type == NC_CTL_NET_CREATE)
		r = ctrl_net_create(&in.net, &rep.net);
	else if (type == NC_CTL_NET_SET)
		r = ctrl_net_set(&in.net, &rep.net);
	else if (type == NC_CTL_NET_GET)
		r = ctrl_net_get(&in.req, &rep.net);
	else if (type == NC_CTL_NET_DELETE)
		r = ctrl_net_delete(&in.req);
	else if (type == NC_CTL_MEMBER_GET)
		r = ctrl_member_get(&in.req, &rep.member);
	else
		r = ctrl_member_set(&in.member, &rep.member);
	if (r < 0)
		len = sizeof(rep.h);
	rpc_hdr(&rep.h, type, in.h.seq, r < 0 ? r : 0);
	return rpc_send(c, &rep, len, -1);
}

/*
 * The answers a client has not read yet stay in the daemon's socket buffer: past max_queued bytes
 * of them, or max_fds descriptors, a request is answered -ENOBUFS and not carried out, and an
 * answer that finds the buffer full drops the client: the daemon never waits for a client.
 */
static int rpc_backlog(struct client *c, bool sends_fd)
{
	int outq = 0;

	if (ioctl(c->fd, SIOCOUTQ, &outq) < 0)
		outq = 0;
	if (outq == 0)
		c->fds_sent = 0;
	if (max_queued && (uint32_t)outq > max_queued)
		return -ENOBUFS;
	if (sends_fd && max_fds && c->fds_sent >= max_fds)
		return -ENOBUFS;
	return 0;
}

static void rpc_handle(struct client *c, const uint8_t *buf, size_t len, pid_t pid, int in_fd)
{
	union {
		struct nc_hdr h;
		struct nc_hello_reply hello;
		struct nc_sock_reply sock;
	} rep;
	const char *why = NULL;
	int type = rpc_check_request(buf, len, &why), r = 0, out_fd = -1;
	struct nc_sock_req req;
	struct nc_hdr h;

	if (type < 0) {
		log_warn("client pid %d: bad message (%zu bytes): %s; dropping it", (int)pid, len,
			 why);
		goto drop;
	}
	memcpy(&h, buf, sizeof(h));
	if (in_fd >= 0 && type != NC_CLONE) {
		log_warn("client pid %d: unexpected descriptor; dropping it", (int)pid);
		goto drop;
	}
	memset(&rep, 0, sizeof(rep));
	c->who.pid = pid;
	if (type != NC_CLONE) {
		r = rpc_backlog(c, type == NC_HELLO || type == NC_BIND || type == NC_LISTEN ||
				       type == NC_CONNECT);
		if (r < 0) {
			rpc_hdr(&rep.h, type, h.seq, r);
			if (rpc_send(c, &rep.h, sizeof(rep.h), -1) < 0) {
				log_info("client pid %d: does not read its answers; dropping it",
					 (int)pid);
				rpc_client_drop(c);
			}
			return;
		}
	}
	switch (type) {
	case NC_HELLO:
		rpc_hello_reply(&rep.hello, NC_HELLO, h.seq);
		r = rpc_send(c, &rep.hello, sizeof(rep.hello), rstab_fd());
		c->fds_sent += rstab_fd() >= 0;
		break;
	case NC_CLONE: {
		struct client *nc;
		struct ucred cr;
		socklen_t cl = sizeof(cr);

		if (in_fd < 0) {
			log_warn("client pid %d: clone without a channel; dropping it", (int)pid);
			goto drop;
		}
		{
			int dom = 0, st = 0;
			socklen_t dl = sizeof(dom), sl = sizeof(st);

			if (getsockopt(in_fd, SOL_SOCKET, SO_DOMAIN, &dom, &dl) < 0 ||
			    getsockopt(in_fd, SOL_SOCKET, SO_TYPE, &st, &sl) < 0 ||
			    dom != AF_UNIX || st != SOCK_SEQPACKET ||
			    getsockopt(in_fd, SOL_SOCKET, SO_PEERCRED, &cr, &cl) < 0) {
				log_warn(
				    "client pid %d: clone with a descriptor that is not a unix "
				    "seqpacket socket; dropping it",
				    (int)pid);
				goto drop;
			}
		}
		fcntl(in_fd, F_SETFL, O_NONBLOCK);
		fcntl(in_fd, F_SETFD, FD_CLOEXEC);
		/* Inherits the parent's authorization, tree and account: it comes over an
		 * authorized channel, from a process of the same run. */
		nc = rpc_client_new(in_fd, cr.uid, cr.pid, c->who.tree, c->who.acct);
		if (!nc) {
			close(in_fd);
			return;
		}
		rpc_hello_reply(&rep.hello, NC_CLONE, h.seq);
		if (rpc_send(nc, &rep.hello, sizeof(rep.hello), rstab_fd()) < 0)
			rpc_client_drop(nc);
		return;
	}
	case NC_RUN_REGISTER:
		rpc_register_run(pid);
		rpc_hdr(&rep.h, type, h.seq, 0);
		r = rpc_send(c, &rep.h, sizeof(rep.h), -1);
		break;
	case NC_SETOPT: {
		struct nc_opt_req oreq;

		memcpy(&oreq, buf, sizeof(oreq));
		rpc_hdr(&rep.h, type, h.seq, vconn_setopt(&oreq, &c->who));
		r = rpc_send(c, &rep.h, sizeof(rep.h), -1);
		break;
	}
	case NC_MCAST: {
		struct nc_mcast_req mreq;

		memcpy(&mreq, buf, sizeof(mreq));
		rpc_hdr(&rep.h, type, h.seq, vconn_mcast(&mreq, &c->who));
		r = rpc_send(c, &rep.h, sizeof(rep.h), -1);
		break;
	}
	case NC_STATUS:
		memcpy(&req, buf, sizeof(req));
		r = rpc_status(c, &req);
		break;
	case NC_BIND:
	case NC_LISTEN:
	case NC_CONNECT:
	case NC_GETERR:
	case NC_LOOKUP:
		memcpy(&req, buf, sizeof(req));
		switch (type) {
		case NC_BIND:
			r = vconn_bind(&req, &c->who, &rep.sock, &out_fd);
			break;
		case NC_LISTEN:
			r = vconn_listen(&req, &c->who, &rep.sock, &out_fd);
			break;
		case NC_CONNECT:
			r = vconn_connect(&req, &c->who, &rep.sock, &out_fd);
			break;
		case NC_GETERR:
			r = vconn_geterr(&req, &c->who, &rep.sock);
			break;
		default:
			r = vconn_lookup(&req, &rep.sock);
			break;
		}
		if (r < 0) {
			rpc_hdr(&rep.h, type, h.seq, r);
			r = rpc_send(c, &rep.h, sizeof(rep.h), -1);
		} else {
			rpc_hdr(&rep.sock.h, type, h.seq, 0);
			r = rpc_send(c, &rep.sock, sizeof(rep.sock), out_fd);
			c->fds_sent += out_fd >= 0;
		}
		if (out_fd >= 0)
			close(out_fd);
		break;
	case NC_ZT_INFO:
	case NC_ZT_PEER:
	case NC_ZT_SEND:
	case NC_ZT_RESULT:
	case NC_ZT_INBOX:
		r = rpc_zt(c, type, buf);
		break;
	case NC_NET_JOIN:
	case NC_NET_LEAVE:
	case NC_NET_LIST:
		r = rpc_net(c, type, buf);
		break;
	case NC_CTL_NET_CREATE:
	case NC_CTL_NET_GET:
	case NC_CTL_NET_DELETE:
	case NC_CTL_MEMBER_GET:
	case NC_CTL_MEMBER_SET:
	case NC_CTL_NET_SET:
		r = rpc_ctl(c, type, buf);
		break;
	default:
		log_warn("client pid %d: message type %d is not a request; dropping it", (int)pid,
			 type);
		goto drop;
	}
	if (r < 0) {
		log_info("client pid %d: reply failed: %s; dropping it", (int)pid, strerror(-r));
		rpc_client_drop(c);
	}
	return;
drop:
	if (in_fd >= 0)
		close(in_fd);
	rpc_client_drop(c);
}

static void rpc_client_event(struct client *c, uint32_t events)
{
	/* A few messages per wakeup, so one busy process cannot starve the others. */
	for (int i = 0; i < 16 && !c->obj.dead; i++) {
		uint8_t buf[NC_MSG_MAX];
		union {
			struct cmsghdr align;
			char b[CMSG_SPACE(sizeof(struct ucred)) +
			       CMSG_SPACE(sizeof(int) * FDPASS_MAX)];
		} cbuf;
		struct iovec iov = {.iov_base = buf, .iov_len = sizeof(buf)};
		struct msghdr msg = {.msg_iov = &iov,
				     .msg_iovlen = 1,
				     .msg_control = cbuf.b,
				     .msg_controllen = sizeof(cbuf.b)};
		pid_t pid = c->pid;
		int in_fd = -1, extra = 0;
		ssize_t n = recvmsg(c->fd, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);

		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return;
			rpc_client_drop(c);
			return;
		}
		for (struct cmsghdr *cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm)) {
			if (cm->cmsg_level != SOL_SOCKET)
				continue;
			if (cm->cmsg_type == SCM_CREDENTIALS &&
			    cm->cmsg_len >= CMSG_LEN(sizeof(struct ucred))) {
				struct ucred cr;

				memcpy(&cr, CMSG_DATA(cm), sizeof(cr));
				pid = cr.pid;
			} else if (cm->cmsg_type == SCM_RIGHTS) {
				int cnt = (int)((cm->cmsg_len - CMSG_LEN(0)) / sizeof(int));

				for (int k = 0; k < cnt; k++) {
					int fd;

					memcpy(&fd, CMSG_DATA(cm) + k * sizeof(int), sizeof(int));
					if (in_fd < 0) {
						in_fd = fd;
					} else {
						close(fd);
						extra = 1;
					}
				}
			}
		}
		if (n == 0) {
			if (in_fd >= 0)
				close(in_fd);
			rpc_client_drop(c);
			return;
		}
		if (extra || (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC))) {
			log_warn("client pid %d: oversized or truncated message; dropping it",
				 (int)pid);
			if (in_fd >= 0)
				close(in_fd);
			rpc_client_drop(c);
			return;
		}
		if (c->refused) {
			struct nc_hdr h;

			rpc_hdr(&h, NC_HELLO, 0, -EACCES);
			if ((size_t)n >= sizeof(h)) {
				struct nc_hdr q;

				memcpy(&q, buf, sizeof(q));
				h.type = q.type;
				h.seq = q.seq;
			}
			rpc_send(c, &h, sizeof(h), -1);
			if (in_fd >= 0)
				close(in_fd);
			rpc_client_drop(c);
			return;
		}
		rpc_handle(c, buf, (size_t)n, pid, in_fd);
	}
}

void rpc_srv_adopt(int fd, uid_t uid, pid_t pid, uint64_t tree)
{
	if (uid != my_uid && uid != 0 && !tree) {
		struct client *rc;

		log_warn("control: refused uid %u pid %d: not the daemon's user, root, "
			 "or a program started by netcon run",
			 (unsigned)uid, (int)pid);
		/* Its first message gets the EACCES answer (closing now would lose the
		 * reply behind the unread hello); a bounded number may wait. */
		rc = nrefused < RPC_MAX_REFUSED ? rpc_client_new(fd, uid, pid, 0, NULL) : NULL;
		if (!rc) {
			close(fd);
		} else {
			rc->refused = true;
			nrefused++;
		}
		return;
	}
	if (!rpc_client_new(fd, uid, pid, tree, NULL))
		close(fd);
}

static void rpc_control_event(void)
{
	for (;;) {
		struct ucred cr;
		socklen_t cl = sizeof(cr);
		int fd = accept4(control_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0) {
			if (errno == EMFILE || errno == ENFILE)
				log_warn("control: out of descriptors");
			return;
		}
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &cl) < 0) {
			close(fd);
			continue;
		}
		rpc_srv_adopt(fd, cr.uid, cr.pid, rpc_run_tree(cr.pid));
	}
}

void rpc_srv_event(struct loop_obj *obj, uint32_t events)
{
	if (obj->type == LOOP_CONTROL)
		rpc_control_event();
	else
		rpc_client_event((struct client *)obj, events);
}

/* A limit from the environment: a count (0 = none), or the default when unset or malformed. */
static uint32_t rpc_env_limit(const char *name, uint32_t def)
{
	const char *e = getenv(name);
	char *end;
	unsigned long v;

	if (!e || !*e)
		return def;
	errno = 0;
	v = strtoul(e, &end, 10);
	if (errno || *end || v > UINT32_MAX || *e == '-') {
		log_warn("%s=%s is not a count; using %u", name, e, def);
		return def;
	}
	return (uint32_t)v;
}

int rpc_srv_open(const char *home)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	int fd, n;

	my_uid = geteuid();
	vconn_set_max_sockets(rpc_env_limit("NETCON_MAX_SOCKETS", RPC_MAX_SOCKETS_DEFAULT));
	max_channels = rpc_env_limit("NETCON_MAX_CHANNELS", RPC_MAX_CHANNELS_DEFAULT);
	max_queued = rpc_env_limit("NETCON_MAX_QUEUED", RPC_MAX_QUEUED_DEFAULT);
	max_fds = rpc_env_limit("NETCON_MAX_FDS_IN_FLIGHT", RPC_MAX_FDS_DEFAULT);
	n = rstab_init();
	if (n < 0)
		log_warn("reset table: %s; reset connections will read as EOF", strerror(-n));
	n = snprintf(control_path, sizeof(control_path), "%s/%s", home, NC_CONTROL_NAME);
	if (n < 0 || n >= (int)sizeof(control_path))
		return -ENAMETOOLONG;
	memcpy(sun.sun_path, control_path, (size_t)n + 1);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* A live daemon answers on the path; a stale socket file does not. */
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0) {
		close(fd);
		return -EADDRINUSE;
	}
	close(fd);
	unlink(control_path);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 || listen(fd, 512) < 0) {
		int e = -errno;

		close(fd);
		return e;
	}
	/* Reachable by any user: who may use it is decided by SO_PEERCRED at accept. */
	chmod(control_path, 0666);
	control_fd = fd;
	return loop_add(fd, EPOLLIN, &control_obj);
}

uint64_t rpc_srv_clients(void)
{
	return nclients;
}

void rpc_srv_close(void)
{
	while (clients)
		rpc_client_drop(clients);
	rpc_srv_reap();
	if (control_fd >= 0) {
		loop_del(control_fd);
		close(control_fd);
		unlink(control_path);
		control_fd = -1;
	}
}
