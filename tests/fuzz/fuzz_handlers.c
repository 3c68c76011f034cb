// SPDX-License-Identifier: BSD-2-Clause
/* libFuzzer: the daemon's request handlers driven statefully, in one process: real lwIP with the
 * standalone interfaces of `netcon daemon --addr 10.7.0.1/24 --addr 10.7.0.2/24 --addr fd07::1/64`,
 * three clients on socketpairs with identities of our choosing (uid, pid, netcon run tree), and
 * the input decoded as a sequence of requests, data on the program ends, closes and clock ticks.
 * Besides the sanitizers, it checks that a request naming another run's socket is refused, that
 * the loop settles, and, after closing everything and letting the virtual clock run four
 * minutes, that nothing is left behind (no socket without a program, no lwIP pcb without a
 * socket); then it resets. FUZZ_HANDLERS_TRACE=1 shows what a reproducer does. */
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "lwip/priv/tcp_priv.h"
#include "lwip/tcp.h"
#include "lwip/udp.h"

#include "common/addr.h"
#include "common/fdpass.h"
#include "common/log.h"
#include "daemon/loop.h"
#include "daemon/rpc_srv.h"
#include "daemon/rstab.h"
#include "daemon/stack.h"
#include "daemon/vconn.h"
#include "netcon/rpc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
u32_t sys_now(void);

#define FH_CLIENTS 3
#define FH_FDS 48
#define FH_IDS 64
#define FH_OPS 96
/* How long the final drain lets the virtual clock run: past connect's give-up (~21 s),
 * TIME_WAIT and FIN_WAIT_2 (lwIP's ticks run STACK_TCP_SLOW_SCALE times as fast). */
#define FH_DRAIN_MS (4 * 60 * 1000)
#define FH_STEP_MS 250

#define FH_CHECK(c, ...)                                                                           \
	do {                                                                                       \
		if (!(c)) {                                                                        \
			fprintf(stderr, "fuzz_handlers: " __VA_ARGS__);                            \
			fputc('\n', stderr);                                                       \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

/* FUZZ_HANDLERS_LEAKS=0 turns off the checks for leaked sockets and pcbs (to look for crashes
 * behind a known leak). */
static bool leak_check = true;
/* FUZZ_HANDLERS_TRACE=1 prints what each operation got, to read a reproducer. */
static bool trace;

/* ---- the daemon's epoll loop, driven without blocking (loop.c is not linked) ---- */

static int epfd = -1;

int loop_init(void)
{
	epfd = epoll_create1(EPOLL_CLOEXEC);
	return epfd < 0 ? -errno : 0;
}

int loop_add(int fd, uint32_t events, struct loop_obj *obj)
{
	struct epoll_event ev = {.events = events, .data.ptr = obj};

	return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) < 0 ? -errno : 0;
}

int loop_mod(int fd, uint32_t events, struct loop_obj *obj)
{
	struct epoll_event ev = {.events = events, .data.ptr = obj};

	return epoll_ctl(epfd, EPOLL_CTL_MOD, fd, &ev) < 0 ? -errno : 0;
}

void loop_del(int fd)
{
	epoll_ctl(epfd, EPOLL_CTL_DEL, fd, NULL);
}

void loop_stop(void)
{
}

static bool again;

void loop_again(void)
{
	again = true;
}

/* fh_pump calls stack_poll itself. */
void loop_set_poll(bool (*poll)(void), int (*timeout_ms)(int max_ms))
{
}

/* The transport's delay knob is not set here. */
void loop_set_due(void (*run_due)(void), int (*timeout_ms)(int max_ms))
{
}

/* lwIP's clock: virtual, advanced by the input (the library calls this through its PLT). */
static u32_t now_ms;

u32_t sys_now(void)
{
	return now_ms;
}

static void fh_idle(void)
{
	vconn_flush();
	rpc_srv_reap();
}

/* What loop_run does, until nothing is ready. The input's work is bounded (a few hundred KB
 * at most): a loop that never settles is a daemon spinning. */
#define FH_ROUNDS_MAX 2000

static void fh_pump(void)
{
	for (int round = 0;; round++) {
		struct epoll_event evs[64];
		int n = epoll_wait(epfd, evs, 64, 0);
		bool did = false;

		for (int i = 0; i < n; i++) {
			struct loop_obj *o = evs[i].data.ptr;

			if (o->dead)
				continue;
			if (o->type == LOOP_CLIENT || o->type == LOOP_CONTROL)
				rpc_srv_event(o, evs[i].events);
			else if (o->type == LOOP_VCONN)
				vconn_event(o, evs[i].events);
		}
		for (int k = 0; k < 64; k++) {
			again = false;
			fh_idle();
			if (!stack_poll() && !again)
				break;
			did = true;
		}
		if (n <= 0 && !did)
			return;
		FH_CHECK(
		    round<FH_ROUNDS_MAX,
			  "the daemon never settles: %d loop iterations with events (last %#x)",
			  round, n> 0
			? evs[0].events
			: 0);
	}
}

static void fh_advance(uint32_t ms)
{
	while (ms) {
		uint32_t step = ms < FH_STEP_MS ? ms : FH_STEP_MS;

		now_ms += step;
		ms -= step;
		fh_pump();
	}
}

/* ---- the programs' side ---- */

enum fh_kind { FK_NONE, FK_BOUND, FK_LISTEN, FK_STREAM, FK_UDP };

struct fh_fd {
	int fd;
	enum fh_kind kind;
	int client;
	uint64_t sockid;
	bool connected; /* UDP */
};

struct fh_client {
	int fd; /* the program's end of its channel, -1 when gone */
	uid_t uid;
	pid_t pid;
	uint64_t tree; /* its netcon run, 0: outside any */
};

static struct fh_client clients[FH_CLIENTS];
static struct fh_fd fds[FH_FDS];
static uint64_t ids[FH_IDS];
static uint64_t id_tree[FH_IDS]; /* the run tree that owns ids[i] */
static int nids;
static uint32_t seq;

struct fh_in {
	const uint8_t *p;
	size_t n;
};

static uint8_t in_u8(struct fh_in *in)
{
	if (!in->n)
		return 0;
	in->n--;
	return *in->p++;
}

static uint16_t in_u16(struct fh_in *in)
{
	return (uint16_t)(in_u8(in) | in_u8(in) << 8);
}

static uint32_t in_u32(struct fh_in *in)
{
	return (uint32_t)in_u16(in) | (uint32_t)in_u16(in) << 16;
}

static void fh_add_fd(int fd, enum fh_kind kind, int client, uint64_t sockid, bool connected)
{
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	/* A bound socket that became a listener or a connection: its new end takes the old one's
	 * place, as the intercept's dup2 does. */
	for (int i = 0; i < FH_FDS; i++) {
		if (fds[i].kind != FK_NONE && fds[i].sockid == sockid && fds[i].client == client) {
			close(fds[i].fd);
			fds[i] = (struct fh_fd){fd, kind, client, sockid, connected};
			return;
		}
	}
	for (int i = 0; i < FH_FDS; i++) {
		if (fds[i].kind == FK_NONE) {
			fds[i] = (struct fh_fd){fd, kind, client, sockid, connected};
			return;
		}
	}
	close(fd); /* no room: the program closed it */
}

static void fh_close_fd(struct fh_fd *f)
{
	close(f->fd);
	f->kind = FK_NONE;
	f->fd = -1;
}

static struct fh_fd *fh_pick_fd(struct fh_in *in)
{
	uint8_t b = in_u8(in);

	for (int i = 0; i < FH_FDS; i++) {
		struct fh_fd *f = &fds[(b + i) % FH_FDS];

		if (f->kind != FK_NONE)
			return f;
	}
	return NULL;
}

static void fh_note_id(uint64_t id, uint64_t tree)
{
	for (int i = 0; i < nids; i++)
		if (ids[i] == id)
			return;
	if (nids < FH_IDS) {
		id_tree[nids] = tree;
		ids[nids++] = id;
	}
}

static uint64_t fh_id_tree(uint64_t id, bool *known)
{
	for (int i = 0; i < nids; i++) {
		if (ids[i] == id) {
			*known = true;
			return id_tree[i];
		}
	}
	*known = false;
	return 0;
}

/* A sockid: one issued in this run, mostly, else 0, a neighbour of one, or any. */
static uint64_t fh_sockid(struct fh_in *in)
{
	uint8_t b = in_u8(in);

	if (b < 0xe0)
		return nids ? ids[b % nids] : 0;
	switch (b & 3) {
	case 0:
		return 0;
	case 1:
		return nids ? ids[nids - 1] + 1 : 1;
	case 2:
		return UINT64_MAX;
	default:
		return in_u32(in);
	}
}

/* The inode of a program end we hold, or any. */
static uint64_t fh_ino(struct fh_in *in)
{
	struct fh_fd *f = fh_pick_fd(in);
	struct stat st;

	if (in_u8(in) & 1)
		return in_u32(in);
	if (!f || fstat(f->fd, &st) < 0)
		return 0;
	return st.st_ino;
}

static const uint16_t ports[] = {0, 7000, 7001, 7002};

/* An address from a small set, so connections form between clients. */
static void fh_addr(struct fh_in *in, struct nc_addr *a)
{
	static const uint8_t v6[16] = {0xfd, 0x07, [15] = 1};
	static const uint8_t ll6[16] = {0xfe, 0x80, [15] = 1};
	static const uint8_t mc6[16] = {0xff, 0x02, [15] = 0xfb};
	static const uint8_t mapped[16] = {[10] = 0xff, [11] = 0xff, 10, 7, 0, 1};
	uint8_t b = in_u8(in), p = in_u8(in);

	memset(a, 0, sizeof(*a));
	a->family = 4;
	switch (b % 14) {
	case 0:
		memcpy(a->ip, (uint8_t[]){10, 7, 0, 1}, 4);
		break;
	case 1:
		memcpy(a->ip, (uint8_t[]){10, 7, 0, 2}, 4);
		break;
	case 2: /* on the subnet, nobody there */
		memcpy(a->ip, (uint8_t[]){10, 7, 0, 3}, 4);
		break;
	case 3: /* the wildcard */
		break;
	case 4:
		a->family = 6;
		memcpy(a->ip, v6, 16);
		break;
	case 5:
		a->family = 6;
		break;
	case 6:
		a->family = 6;
		memcpy(a->ip, mapped, 16);
		break;
	case 7:
		memcpy(a->ip, (uint8_t[]){224, 0, 0, 251}, 4);
		break;
	case 8:
		a->family = 6;
		memcpy(a->ip, mc6, 16);
		break;
	case 9:
		memcpy(a->ip, (uint8_t[]){127, 0, 0, 1}, 4);
		break;
	case 10: /* no route */
		memcpy(a->ip, (uint8_t[]){10, 8, 0, 1}, 4);
		break;
	case 11:
		a->family = 6;
		memcpy(a->ip, ll6, 16);
		a->scope = NC_IFINDEX_BASE + (b >> 4);
		break;
	case 12:
		memcpy(a->ip, (uint8_t[]){10, 7, 0, 255}, 4);
		break;
	default: /* a family the daemon must refuse */
		a->family = (uint8_t)(b >> 4);
		memcpy(a->ip, (uint8_t[]){10, 7, 0, 1}, 4);
		break;
	}
	a->port = p < 0xf0 ? ports[p % 4] : in_u16(in);
}

static void fh_opts(struct fh_in *in, struct nc_opts *o)
{
	uint8_t b = in_u8(in);

	memset(o, 0, sizeof(*o));
	o->flags = in_u8(in);
	if (b & 1) {
		o->keepidle = (int8_t)in_u8(in);
		o->keepintvl = (int8_t)in_u8(in);
		o->keepcnt = (int8_t)in_u8(in);
	}
	if (b & 2)
		o->linger = (int8_t)in_u8(in);
	if (b & 4)
		o->user_timeout = (int32_t)in_u16(in) * 4;
	if (b & 8) {
		o->rcvbuf = (int32_t)in_u32(in);
		o->sndbuf = (int32_t)in_u32(in);
	}
}

static void fh_hdr(struct nc_hdr *h, int type)
{
	memset(h, 0, sizeof(*h));
	h->magic = NC_RPC_MAGIC;
	h->version = NC_RPC_VERSION;
	h->type = (uint8_t)type;
	h->seq = ++seq;
}

/* The request that names another run's socket, which the daemon must refuse (seq 0: none). */
static uint32_t refuse_seq;
static uint64_t refuse_id, refuse_tree;

/* A request of client c naming sockid: if the socket is another run's, its answer must be a
 * refusal (processes outside any run, tree 0, may name any). */
static void fh_expect(int c, uint64_t sockid)
{
	bool known;
	uint64_t tree = fh_id_tree(sockid, &known);

	refuse_seq = 0;
	if (!sockid || !known || !clients[c].tree || tree == clients[c].tree)
		return;
	refuse_seq = seq;
	refuse_id = sockid;
	refuse_tree = tree;
}

/* Read what the daemon answered on a channel; keep the descriptors of new sockets. */
static void fh_replies(int c)
{
	for (int i = 0; i < 16 && clients[c].fd >= 0; i++) {
		union {
			struct nc_hdr h;
			struct nc_sock_reply sock;
			uint8_t b[NC_MSG_MAX];
		} m;
		int fd = -1, nfd = 1;
		ssize_t n = fdpass_recv(clients[c].fd, &m, sizeof(m), &fd, &nfd, MSG_DONTWAIT);

		if (n == 0 || (n < 0 && n != -EAGAIN && n != -EINTR)) {
			close(clients[c].fd);
			clients[c].fd = -1;
			return;
		}
		if (n < 0)
			return;
		if (nfd < 1)
			fd = -1;
		if (trace)
			fprintf(stderr, "  client %d: reply type %u status %d sockid %llu%s\n", c,
				m.h.type, m.h.status,
				(size_t)n == sizeof(m.sock) ? (unsigned long long)m.sock.sockid
							    : 0ULL,
				fd >= 0 ? " +fd" : "");
		FH_CHECK(!refuse_seq || m.h.seq != refuse_seq || m.h.status < 0,
			 "a process of run %llu used socket %llu of run %llu (request type %u)",
			 (unsigned long long)clients[c].tree, (unsigned long long)refuse_id,
			 (unsigned long long)refuse_tree, m.h.type);
		if ((size_t)n == sizeof(m.sock) && m.h.status == 0 &&
		    (m.h.type == NC_BIND || m.h.type == NC_LISTEN || m.h.type == NC_CONNECT))
			fh_note_id(m.sock.sockid, clients[c].tree);
		if (fd < 0)
			continue;
		if ((size_t)n != sizeof(m.sock) || m.h.status != 0) {
			close(fd); /* the reset table, or a descriptor we did not ask for */
			continue;
		}
		switch (m.h.type) {
		case NC_BIND:
			fh_add_fd(fd, m.sock.proto == NC_PROTO_UDP ? FK_UDP : FK_BOUND, c,
				  m.sock.sockid, false);
			break;
		case NC_LISTEN:
			fh_add_fd(fd, FK_LISTEN, c, m.sock.sockid, false);
			break;
		case NC_CONNECT:
			fh_add_fd(fd, m.sock.proto == NC_PROTO_UDP ? FK_UDP : FK_STREAM, c,
				  m.sock.sockid, m.sock.proto == NC_PROTO_UDP);
			break;
		default:
			close(fd);
			break;
		}
	}
}

/* A new channel for client slot c with the identity the input gives. */
static void fh_client_open(int c, uid_t uid, pid_t pid, uint64_t tree)
{
	int sv[2], off = 0;

	if (clients[c].fd >= 0)
		close(clients[c].fd);
	clients[c].fd = -1;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) < 0)
		return;
	clients[c].fd = sv[0];
	clients[c].uid = uid;
	clients[c].pid = pid;
	clients[c].tree = tree;
	rpc_srv_adopt(sv[1], uid, pid, tree);
	/* Each client stands for a process of its own: the kernel would stamp its messages with
	 * its pid, not ours, so the daemon takes the pid it was given at accept. */
	setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &off, sizeof(off));
}

static void fh_send(int c, const void *m, size_t len, int fd)
{
	if (clients[c].fd < 0)
		return;
	if (fdpass_send(clients[c].fd, m, len, &fd, fd >= 0 ? 1 : 0, MSG_DONTWAIT) < 0) {
		close(clients[c].fd);
		clients[c].fd = -1;
	}
}

static const uint8_t req_types[] = {NC_BIND,   NC_LISTEN, NC_CONNECT, NC_SETOPT,
				    NC_GETERR, NC_LOOKUP, NC_STATUS,  NC_MCAST,
				    NC_HELLO,  NC_CLONE,  NC_CONNECT, NC_BIND};

static void fh_request(struct fh_in *in)
{
	int c = in_u8(in) % FH_CLIENTS;
	int type = req_types[in_u8(in) % sizeof(req_types)];

	switch (type) {
	case NC_SETOPT: {
		struct nc_opt_req q;

		fh_hdr(&q.h, type);
		q.sockid = fh_sockid(in);
		fh_opts(in, &q.opts);
		fh_expect(c, q.sockid);
		fh_send(c, &q, sizeof(q), -1);
		break;
	}
	case NC_MCAST: {
		static const uint32_t ifx[] = {0, NC_IFINDEX_BASE + 1, NC_IFINDEX_BASE + 2, 7};
		struct nc_mcast_req q;
		uint8_t b;

		memset(&q, 0, sizeof(q));
		fh_hdr(&q.h, type);
		q.sockid = fh_sockid(in);
		b = in_u8(in);
		q.op = (uint8_t)(b % 4);
		fh_addr(in, &q.group);
		if (b & 4)
			fh_addr(in, &q.ifaddr);
		q.ifindex = ifx[(b >> 3) % 4];
		q.ttl = in_u8(in);
		q.loop = (b >> 5) & 1;
		fh_expect(c, q.sockid);
		fh_send(c, &q, sizeof(q), -1);
		break;
	}
	case NC_HELLO: {
		struct nc_hdr h;

		fh_hdr(&h, type);
		fh_send(c, &h, sizeof(h), -1);
		break;
	}
	case NC_CLONE: {
		/* A fork: the child's channel goes over the parent's, into another slot. */
		int d = (c + 1 + in_u8(in) % (FH_CLIENTS - 1)) % FH_CLIENTS, sv[2];
		struct nc_hdr h;

		if (clients[c].fd < 0 ||
		    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) < 0)
			return;
		fh_hdr(&h, type);
		fh_send(c, &h, sizeof(h), sv[1]);
		close(sv[1]);
		if (clients[d].fd >= 0)
			close(clients[d].fd);
		clients[d].fd = sv[0];
		clients[d].uid = clients[c].uid;
		clients[d].pid = clients[c].pid;
		clients[d].tree = clients[c].tree;
		fh_pump();
		fh_replies(d);
		break;
	}
	default: {
		struct nc_sock_req q;
		uint8_t b;

		memset(&q, 0, sizeof(q));
		fh_hdr(&q.h, type);
		b = in_u8(in);
		q.family = b & 0x80 ? (uint8_t)(b >> 4) : (b & 1 ? 6 : 4);
		q.proto = b & 2 ? NC_PROTO_UDP : b & 0x40 ? (uint8_t)b : NC_PROTO_TCP;
		q.sockid = b & 4 ? fh_sockid(in) : 0;
		if (type == NC_LOOKUP)
			q.ino = fh_ino(in);
		fh_addr(in, &q.addr);
		q.backlog = (int8_t)in_u8(in);
		if (b & 8)
			fh_opts(in, &q.opts);
		if (type == NC_LISTEN || type == NC_CONNECT || type == NC_GETERR)
			fh_expect(c, q.sockid);
		fh_send(c, &q, sizeof(q), -1);
		break;
	}
	}
	fh_pump();
	fh_replies(c);
	refuse_seq = 0;
}

/* Bytes the input gives, as a message of any shape (the rpc validator's side). */
static void fh_raw(struct fh_in *in)
{
	uint8_t m[256];
	int c = in_u8(in) % FH_CLIENTS;
	size_t len = in_u8(in);

	for (size_t i = 0; i < len; i++)
		m[i] = in_u8(in);
	if (len >= sizeof(struct nc_hdr) && (m[0] & 1)) {
		/* Mostly a valid header, so the handlers see the body. */
		m[0] = NC_RPC_MAGIC & 0xff;
		m[1] = NC_RPC_MAGIC >> 8;
		m[2] = NC_RPC_VERSION;
		m[3] = req_types[m[3] % sizeof(req_types)];
	}
	fh_send(c, m, len, -1);
	fh_pump();
	fh_replies(c);
}

static void fh_write(struct fh_in *in)
{
	struct fh_fd *f = fh_pick_fd(in);
	uint8_t len = in_u8(in);
	uint8_t buf[256 + sizeof(struct nc_dgram_hdr)];
	size_t off = 0, total;

	if (!f)
		return;
	if (f->kind == FK_UDP && !f->connected) {
		struct nc_dgram_hdr h = {.magic = NC_DGRAM_MAGIC};

		fh_addr(in, &h.addr);
		if (len & 0x80) /* a bad header now and then */
			h.magic = in_u32(in);
		memcpy(buf, &h, sizeof(h));
		off = sizeof(h);
	}
	total = off + len;
	for (size_t i = off; i < total; i++)
		buf[i] = (uint8_t)(i * 7);
	if (f->kind == FK_STREAM && (len & 0x80)) {
		/* A bulk write, to fill lwIP's send buffer and the pair's queues. */
		static uint8_t bulk[64 * 1024];

		if (write(f->fd, bulk, sizeof(bulk)) < 0 && errno != EAGAIN)
			return;
		return;
	}
	if (send(f->fd, buf, total, MSG_DONTWAIT | MSG_NOSIGNAL) < 0 && errno != EAGAIN)
		return;
	fh_pump();
}

/* Read a program end: data, datagrams, or an accepted connection. */
static void fh_read(struct fh_in *in)
{
	struct fh_fd *f = fh_pick_fd(in);

	if (!f)
		return;
	for (int i = 0; i < 8; i++) {
		static uint8_t buf[64 * 1024];
		int fd = -1, nfd = 1;
		ssize_t n = fdpass_recv(f->fd, buf, sizeof(buf), &fd, &nfd, MSG_DONTWAIT);

		if (trace)
			fprintf(stderr, "  slot %d: read %zd%s\n", (int)(f - fds), n,
				fd >= 0 && nfd > 0 ? " +fd" : "");
		if (n <= 0)
			break;
		if (fd >= 0 && nfd > 0) {
			struct nc_accept_msg am;

			memcpy(&am, buf, (size_t)n < sizeof(am) ? (size_t)n : sizeof(am));
			if (f->kind == FK_LISTEN && (size_t)n == sizeof(am)) {
				fh_note_id(am.sockid, clients[f->client].tree);
				fh_add_fd(fd, FK_STREAM, f->client, am.sockid, false);
			} else {
				close(fd);
			}
		}
	}
	fh_pump();
}

static void fh_close_client(struct fh_in *in)
{
	int c = in_u8(in) % FH_CLIENTS;

	if (clients[c].fd >= 0)
		close(clients[c].fd);
	clients[c].fd = -1;
	fh_pump();
}

static void fh_reopen_client(struct fh_in *in)
{
	static const uid_t uids[] = {0, 1000, 1000, 65534};
	int c = in_u8(in) % FH_CLIENTS;
	uint8_t b = in_u8(in);

	/* Tree 0: outside any netcon run (refused unless root); 101..103: runs. */
	fh_client_open(c, uids[b % 4], 4000 + c * 10 + (b >> 2) % 4,
		       (b >> 4) % 4 ? 100 + (b >> 4) % 4 : 0);
	fh_pump();
}

static void fh_op(struct fh_in *in)
{
	uint8_t op = in_u8(in);
	struct fh_fd *f;

	if (trace)
		fprintf(stderr, "op %u at %u ms\n", op % 12, now_ms);
	switch (op % 12) {
	case 0:
	case 1:
	case 2:
	case 3:
		fh_request(in);
		break;
	case 4:
		fh_write(in);
		break;
	case 5:
		fh_read(in);
		break;
	case 6:
		f = fh_pick_fd(in);
		if (f) {
			fh_close_fd(f);
			fh_pump();
		}
		break;
	case 7:
		f = fh_pick_fd(in);
		if (f) {
			shutdown(f->fd, SHUT_WR);
			fh_pump();
		}
		break;
	case 8: {
		uint8_t b = in_u8(in);

		fh_advance(b & 0x80 ? (b & 0x7fu) * 1000u : b * 10u);
		break;
	}
	case 9:
		fh_close_client(in);
		break;
	case 10:
		fh_reopen_client(in);
		break;
	default:
		fh_raw(in);
		break;
	}
}

/* Every program has gone: after enough virtual time nothing of theirs may remain. */
static void fh_check_drained(void)
{
	struct nc_status_entry e[4];
	struct tcp_pcb *p;
	int n;

	fh_advance(FH_DRAIN_MS);
	n = vconn_list(0, e, 4);
	FH_CHECK(n == 0 || !leak_check,
		 "socket %llu (state %u, proto %u) outlives its programs by %d s: it is leaked",
		 n ? (unsigned long long)e[0].sockid : 0ULL, n ? e[0].state : 0, n ? e[0].proto : 0,
		 FH_DRAIN_MS / 1000);
	vconn_shutdown_all();
	if (!leak_check)
		return;
	FH_CHECK(!tcp_bound_pcbs, "a bound TCP pcb (port %u) belongs to no socket",
		 tcp_bound_pcbs ? tcp_bound_pcbs->local_port : 0);
	FH_CHECK(!tcp_listen_pcbs.listen_pcbs, "a listening pcb (port %u) belongs to no socket",
		 tcp_listen_pcbs.listen_pcbs ? tcp_listen_pcbs.listen_pcbs->local_port : 0);
	FH_CHECK(!udp_pcbs, "a UDP pcb (port %u) belongs to no socket",
		 udp_pcbs ? udp_pcbs->local_port : 0);
	for (p = tcp_active_pcbs; p; p = p->next)
		FH_CHECK(!p->callback_arg, "a TCP pcb (port %u, state %d) points to a freed socket",
			 p->local_port, p->state);
}

/* Back to the state after start-up, whatever the run left. */
static void fh_reset(void)
{
	for (int i = 0; i < FH_FDS; i++)
		if (fds[i].kind != FK_NONE)
			fh_close_fd(&fds[i]);
	for (int c = 0; c < FH_CLIENTS; c++) {
		if (clients[c].fd >= 0)
			close(clients[c].fd);
		clients[c].fd = -1;
	}
	rpc_srv_close();
	fh_pump();
	fh_check_drained();
	/* What lwIP still holds (closing connections; orphans when not checking). */
	while (tcp_active_pcbs)
		tcp_abort(tcp_active_pcbs);
	while (tcp_bound_pcbs)
		tcp_abort(tcp_bound_pcbs);
	while (tcp_listen_pcbs.listen_pcbs)
		tcp_close((struct tcp_pcb *)tcp_listen_pcbs.listen_pcbs);
	while (udp_pcbs)
		udp_remove(udp_pcbs);
	while (tcp_tw_pcbs)
		tcp_abort(tcp_tw_pcbs);
	fh_advance(10 * 1000);
	nids = 0;
}

static void fh_init(void)
{
	static const char *nets[] = {"10.7.0.1/24", "10.7.0.2/24", "fd07::1/64"};

	signal(SIGPIPE, SIG_IGN);
	trace = getenv("FUZZ_HANDLERS_TRACE") != NULL;
	leak_check = !getenv("FUZZ_HANDLERS_LEAKS") || strcmp(getenv("FUZZ_HANDLERS_LEAKS"), "0");
	/* The daemon's warnings for refused requests would drown the fuzzer's output. */
	log_set_level(getenv("NETCON_LOG") ? getenv("NETCON_LOG") : "error");
	FH_CHECK(loop_init() == 0, "epoll: %s", strerror(errno));
	FH_CHECK(rstab_init() == 0, "reset table: %s", strerror(errno));
	stack_init();
	stack_set_unreach_cb(vconn_udp_unreach);
	for (size_t i = 0; i < sizeof(nets) / sizeof(nets[0]); i++) {
		struct nc_route r;

		FH_CHECK(addr_parse_cidr(&r, nets[i]) == 0 && stack_standalone_add(&r) == 0,
			 "--addr %s", nets[i]);
	}
	for (int c = 0; c < FH_CLIENTS; c++)
		clients[c].fd = -1;
	for (int i = 0; i < FH_FDS; i++)
		fds[i].kind = FK_NONE;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;
	struct fh_in in = {data, size};

	if (!ready) {
		fh_init();
		ready = true;
	}
	/* Processes of two `netcon run` trees of one user, and of a third run of another user. */
	fh_client_open(0, 1000, 4000, 101);
	fh_client_open(1, 1000, 4010, 102);
	fh_client_open(2, 0, 4020, 103);
	fh_pump();
	for (int i = 0; i < FH_OPS && in.n; i++)
		fh_op(&in);
	fh_reset();
	return 0;
}
