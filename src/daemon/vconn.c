// SPDX-License-Identifier: BSD-2-Clause
/* Virtual sockets: the table (by id, by inode), ownership checks, and dispatch to vtcp.c/vudp.c. */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/epoll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lwip/ip.h"
#include "lwip/ip_addr.h"

#include "common/addr.h"
#include "common/icmperr.h"
#include "common/log.h"
#include "daemon/rstab.h"
#include "daemon/stack.h"
#include "daemon/vconn.h"
#include "daemon/vconn_int.h"

#define VCONN_HASH 65536
/* Failed connects are kept this many at most until the program asks for SO_ERROR. */
#define VCONN_FAILED_MAX 1024

LIST_HEAD(vconn_chain, vconn);
SLIST_HEAD(vconn_stack, vconn);

static struct vconn_chain by_id[VCONN_HASH], by_ino[VCONN_HASH];
static struct vconn_queue all = TAILQ_HEAD_INITIALIZER(all); /* in id order */
/* LIFO, as each is walked once per loop iteration and order does not matter. */
static struct vconn_stack dirty = SLIST_HEAD_INITIALIZER(dirty);
static struct vconn_stack dead = SLIST_HEAD_INITIALIZER(dead);
static struct vconn_queue failed = TAILQ_HEAD_INITIALIZER(failed); /* newest first */
static bool flushing; /* in vconn_flush, which walks the dirty list to its end */
static uint64_t next_id = 1;
static uint64_t nsocks;
static int nfailed;
uint8_t vconn_iobuf[VCONN_IO_MAX];

/* ---- accounts ---- */

static LIST_HEAD(, vconn_acct) accts = LIST_HEAD_INITIALIZER(accts);
static uint32_t max_sockets;

struct vconn_acct *vconn_acct_get(uint64_t tree)
{
	struct vconn_acct *a;

	if (tree) {
		LIST_FOREACH (a, &accts, link) {
			if (a->tree == tree) {
				a->refs++;
				return a;
			}
		}
	}
	a = calloc(1, sizeof(*a));
	if (!a)
		return NULL;
	a->tree = tree;
	a->refs = 1;
	LIST_INSERT_HEAD(&accts, a, link);
	return a;
}

void vconn_acct_put(struct vconn_acct *a)
{
	if (!a || --a->refs)
		return;
	LIST_REMOVE(a, link);
	free(a);
}

void vconn_set_max_sockets(uint32_t max)
{
	max_sockets = max;
}

/* ---- the table ---- */

static unsigned vconn_hash(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	return (unsigned)(k & (VCONN_HASH - 1));
}

struct vconn *vconn_new(uint8_t family, const struct vconn_client *who, int *err)
{
	struct vconn *vc;

	if (who->acct && max_sockets && who->acct->nsocks >= max_sockets) {
		*err = -EMFILE;
		return NULL;
	}
	vc = calloc(1, sizeof(*vc));
	if (!vc) {
		*err = -ENOMEM;
		return NULL;
	}
	vc->obj.type = LOOP_VCONN;
	vc->state = VC_NEW;
	vc->family = family;
	vc->pid = who->pid;
	vc->tree = who->tree;
	vc->acct = who->acct;
	if (vc->acct) {
		vc->acct->refs++;
		vc->acct->nsocks++;
	}
	vc->fd = -1;
	vc->keep_fd = -1;
	vc->id = next_id++;
	TAILQ_INIT(&vc->pending);
	LIST_INSERT_HEAD(&by_id[vconn_hash(vc->id)], vc, id_link);
	TAILQ_INSERT_TAIL(&all, vc, all_link);
	nsocks++;
	return vc;
}

void vconn_move(struct vconn *vc, enum vconn_event ev)
{
	int to = vconn_fsm_next(vc->state, ev);

	if (to < 0) {
		log_err("socket %llu: %s in state %s: no such move", (unsigned long long)vc->id,
			vconn_fsm_event_name(ev), vconn_fsm_state_name(vc->state));
		assert(!"illegal virtual socket transition");
		return;
	}
	vc->state = (uint8_t)to;
}

static struct vconn *vconn_find(uint64_t id)
{
	struct vconn *vc;

	LIST_FOREACH (vc, &by_id[vconn_hash(id)], id_link)
		if (vc->id == id && !vc->obj.dead)
			return vc;
	return NULL;
}

struct vconn *vconn_get(uint64_t id, const struct vconn_client *who, int type, enum vconn_want want,
			int *err)
{
	struct vconn *vc = id ? vconn_find(id) : NULL;
	int e = 0;

	if (!vc || (who->tree && vc->tree != who->tree)) {
		*err = -EBADF;
		return NULL;
	}
	switch (want) {
	case VW_ANY:
		break;
	case VW_UDP:
		if (!vconn_is_udp(vc))
			e = -ENOPROTOOPT;
		break;
	case VW_TCP_BOUND:
		if (vconn_is_udp(vc))
			e = type == NC_LISTEN ? -EOPNOTSUPP : -EINVAL;
		else if (vc->state != VC_TCP_BOUND)
			e = type == NC_LISTEN ? -EINVAL : -EISCONN;
		break;
	case VW_UDP_UNCONN:
		if (!vconn_is_udp(vc))
			e = -EINVAL;
		else if (vc->state == VC_UDP_CONNECTED)
			e = -EISCONN;
		break;
	}
	if (e < 0) {
		*err = e;
		return NULL;
	}
	return vc;
}

static void vconn_set_ino(struct vconn *vc, uint64_t ino)
{
	vc->ino = ino;
	LIST_INSERT_HEAD(&by_ino[vconn_hash(ino)], vc, ino_link);
}

void vconn_unlink_ino(struct vconn *vc)
{
	if (!vc->ino)
		return;
	LIST_REMOVE(vc, ino_link);
	vc->ino = 0;
}

void vconn_close_ends(struct vconn *vc)
{
	if (vc->fd >= 0) {
		loop_del(vc->fd);
		close(vc->fd);
		vc->fd = -1;
	}
	if (vc->keep_fd >= 0) {
		close(vc->keep_fd);
		vc->keep_fd = -1;
	}
}

void vconn_kill(struct vconn *vc)
{
	if (vc->obj.dead)
		return;
	vc->obj.dead = 1;
	vudp_release(vc);
	if (vc->acct) {
		vc->acct->nsocks--;
		vconn_acct_put(vc->acct);
		vc->acct = NULL;
	}
	vconn_close_ends(vc);
	if (vc->rx) {
		pbuf_free(vc->rx);
		vc->rx = NULL;
	}
	free(vc->tx_left);
	vc->tx_left = NULL;
	rstab_free(vc->rst_slot);
	vc->rst_slot = 0;
	vconn_unlink_ino(vc);
	if (vc->state == VC_TCP_FAILED) {
		TAILQ_REMOVE(&failed, vc, failed_link);
		nfailed--;
	}
	if (vc->parent) {
		TAILQ_REMOVE(&vc->parent->pending, vc, pend_link);
		vc->parent->npending--;
		vc->parent = NULL;
	}
	LIST_REMOVE(vc, id_link);
	TAILQ_REMOVE(&all, vc, all_link);
	nsocks--;
	vconn_move(vc, VE_KILL);
	SLIST_INSERT_HEAD(&dead, vc, dead_link);
}

void vconn_mark_dirty(struct vconn *vc)
{
	if (vc->dirty)
		return;
	vc->dirty = true;
	SLIST_INSERT_HEAD(&dirty, vc, dirty_link);
	if (!flushing)
		loop_again(); /* queued after this pass's flush (a due timer, a self-sent frame) */
}

void vconn_keep_failed(struct vconn *vc)
{
	if (nfailed >= VCONN_FAILED_MAX)
		vconn_kill(TAILQ_LAST(&failed, vconn_queue)); /* the oldest */
	TAILQ_INSERT_HEAD(&failed, vc, failed_link);
	nfailed++;
}

/* ---- helpers ---- */

int vconn_lwip_err(err_t e)
{
	switch (e) {
	case ERR_OK:
		return 0;
	case ERR_MEM:
	case ERR_BUF:
		return -ENOMEM;
	case ERR_TIMEOUT:
		return -ETIMEDOUT;
	case ERR_RTE:
		return -ENETUNREACH;
	case ERR_INPROGRESS:
		return -EINPROGRESS;
	case ERR_VAL:
		return -EINVAL;
	case ERR_USE:
		return -EADDRINUSE;
	case ERR_ALREADY:
		return -EALREADY;
	case ERR_ISCONN:
		return -EISCONN;
	case ERR_CONN:
		return -ENOTCONN;
	case ERR_ABRT:
		return -ECONNABORTED;
	case ERR_RST:
		return -ECONNRESET;
	case ERR_CLSD:
		return -ENOTCONN;
	default:
		return -EIO;
	}
}
void vconn_to_ip(const struct nc_addr *a, ip_addr_t *ip)
{
	memset(ip, 0, sizeof(*ip));
	if (a->family == 4) {
		IP_SET_TYPE(ip, IPADDR_TYPE_V4);
		memcpy(&ip_2_ip4(ip)->addr, a->ip, 4);
	} else {
		IP_SET_TYPE(ip, IPADDR_TYPE_V6);
		memcpy(ip_2_ip6(ip)->addr, a->ip, 16);
		/* A link-local address names its interface by scope id, as in the kernel. */
		if (a->scope >= NC_IFINDEX_BASE && a->scope <= NC_IFINDEX_MAX &&
		    ip6_addr_has_scope(ip_2_ip6(ip), IP6_UNKNOWN))
			ip6_addr_set_zone(ip_2_ip6(ip), (u8_t)(a->scope - NC_IFINDEX_BASE));
	}
}

void vconn_from_ip(struct nc_addr *a, const ip_addr_t *ip, u16_t port)
{
	memset(a, 0, sizeof(*a));
	a->port = port;
	if (IP_IS_V4(ip)) {
		a->family = 4;
		memcpy(a->ip, &ip_2_ip4(ip)->addr, 4);
	} else if (IP_IS_V6(ip) || IP_IS_ANY_TYPE_VAL(*ip)) {
		a->family = 6;
		memcpy(a->ip, ip_2_ip6(ip)->addr, 16);
		if (ip6_addr_has_zone(ip_2_ip6(ip)))
			a->scope = NC_IFINDEX_BASE + ip6_addr_zone(ip_2_ip6(ip));
	}
}

/* A socketpair, daemon end non-blocking; the program end's inode recorded. */
int vconn_pair(struct vconn *vc, int type, int *prog_fd)
{
	int sv[2];
	struct stat st;

	if (socketpair(AF_UNIX, type | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	if (fcntl(sv[1], F_SETFL, O_NONBLOCK) < 0 || fstat(sv[0], &st) < 0) {
		int e = -errno;

		close(sv[0]);
		close(sv[1]);
		return e;
	}
	vc->fd = sv[1];
	vconn_set_ino(vc, st.st_ino);
	*prog_fd = sv[0];
	return 0;
}

void vconn_fill_reply(const struct vconn *vc, struct nc_sock_reply *r)
{
	r->sockid = vc->id;
	r->ino = vc->ino;
	r->local = vc->local;
	r->peer = vc->peer;
	r->state = vconn_fsm_nc_state(vc->state);
	r->family = vc->family;
	r->proto = vconn_is_udp(vc) ? NC_PROTO_UDP : NC_PROTO_TCP;
	r->opts = vc->opts;
	r->rst_slot = vc->rst_slot;
	r->rst_gen = vc->rst_gen;
}

int vconn_check_family(const struct nc_sock_req *req, const struct nc_addr *a)
{
	if (req->family != 4 && req->family != 6)
		return -EAFNOSUPPORT;
	if (a->family != 4 && a->family != 6)
		return -EAFNOSUPPORT;
	if (req->family == 4 && a->family != 4)
		return -EAFNOSUPPORT;
	if (req->family == 6 && a->family == 4 && (req->opts.flags & NC_OPT_V6ONLY))
		return -ENETUNREACH;
	return 0;
}

static u8_t vconn_iptype(const struct nc_sock_req *req, const struct nc_addr *a)
{
	if (a->family == 4)
		return IPADDR_TYPE_V4;
	if (req->family == 6 && addr_is_any(a) && !(req->opts.flags & NC_OPT_V6ONLY))
		return IPADDR_TYPE_ANY;
	return IPADDR_TYPE_V6;
}

/* Where a bind to a goes: checks the family and that a is ours (or the wildcard); the lwIP
 * address and pcb type (IPADDR_TYPE_ANY for a dual-stack wildcard). 0 or -errno. */
static int vconn_bind_target(const struct nc_sock_req *req, const struct nc_addr *a, ip_addr_t *ip,
			     u8_t *type)
{
	int r = vconn_check_family(req, a);

	if (r < 0)
		return r;
	if (!addr_is_any(a) && !stack_is_local(a))
		return -EADDRNOTAVAIL;
	*type = vconn_iptype(req, a);
	if (*type == IPADDR_TYPE_ANY)
		*ip = *IP_ANY_TYPE;
	else
		vconn_to_ip(a, ip);
	return 0;
}

struct vconn *vconn_new_bind(const struct nc_sock_req *req, const struct nc_addr *a,
			     const struct vconn_client *who, bool udp, ip_addr_t *ip, int *err)
{
	struct vconn *vc;
	u8_t type;
	int r = vconn_bind_target(req, a, ip, &type);

	if (r < 0) {
		*err = r;
		return NULL;
	}
	vc = vconn_new(req->family, who, err);
	if (!vc)
		return NULL;
	vc->opts = req->opts;
	if (udp)
		vc->upcb = udp_new_ip_type(type);
	else
		vc->pcb = tcp_new_ip_type(type);
	if (!vc->upcb && !vc->pcb) {
		vconn_kill(vc);
		*err = -ENOMEM;
		return NULL;
	}
	return vc;
}

void vconn_pick_src6(ip_addr_t *local, const ip_addr_t *dst)
{
	uint8_t src[16];

	if (!IP_IS_V6(dst) || !ip_addr_isany(local) ||
	    stack_src6((const uint8_t *)ip_2_ip6(dst)->addr, src) < 0)
		return;
	ip_addr_set_zero_ip6(local);
	memcpy(ip_2_ip6(local)->addr, src, 16);
}

/* Take over a bound socket for listen/connect: its placeholder pair is dropped. */
void vconn_take_bound(struct vconn *vc)
{
	if (vc->fd >= 0) {
		loop_del(vc->fd);
		close(vc->fd);
		vc->fd = -1;
	}
	vconn_unlink_ino(vc);
}

/* ---- rpc handlers: checks, then the protocol's relay ---- */

int vconn_bind(const struct nc_sock_req *req, const struct vconn_client *who,
	       struct nc_sock_reply *reply, int *fd_out)
{
	if (req->proto == NC_PROTO_UDP)
		return vudp_bind(req, who, reply, fd_out);
	return vtcp_bind(req, who, reply, fd_out);
}

int vconn_listen(const struct nc_sock_req *req, const struct vconn_client *who,
		 struct nc_sock_reply *reply, int *fd_out)
{
	return vtcp_listen(req, who, reply, fd_out);
}

int vconn_connect(const struct nc_sock_req *req, const struct vconn_client *who,
		  struct nc_sock_reply *reply, int *fd_out)
{
	if (req->proto == NC_PROTO_UDP)
		return vudp_connect(req, who, reply, fd_out);
	return vtcp_connect(req, who, reply, fd_out);
}

int vconn_setopt(const struct nc_opt_req *req, const struct vconn_client *who)
{
	int r;
	struct vconn *vc = vconn_get(req->sockid, who, NC_SETOPT, VW_ANY, &r);

	if (!vc)
		return r;
	vc->opts = req->opts;
	if (vconn_is_udp(vc))
		vudp_apply_opts(vc);
	else
		vtcp_apply_opts(vc);
	return 0;
}

int vconn_mcast(const struct nc_mcast_req *req, const struct vconn_client *who)
{
	int r;
	struct vconn *vc = vconn_get(req->sockid, who, NC_MCAST, VW_UDP, &r);

	if (!vc)
		return r;
	return vudp_mcast(vc, req);
}

int vconn_geterr(const struct nc_sock_req *req, const struct vconn_client *who,
		 struct nc_sock_reply *reply)
{
	int r;
	struct vconn *vc = vconn_get(req->sockid, who, NC_GETERR, VW_ANY, &r);

	if (!vc)
		return r;
	if (vconn_is_udp(vc)) {
		vudp_geterr(vc, reply);
		return 0;
	}
	vconn_fill_reply(vc, reply);
	reply->error = vc->error;
	if (vc->state == VC_TCP_FAILED) {
		/* Reported once, as the kernel does; then the record goes. */
		vconn_kill(vc);
	} else {
		vc->error = 0;
	}
	return 0;
}

void vconn_udp_unreach(const struct icmperr *e)
{
	size_t n = e->remote.family == 4 ? 4 : 16;
	struct vconn *vc;

	/* A walk of every socket, but only for a port unreachable, which lwIP itself answers
	 * only to datagrams we sent. */
	TAILQ_FOREACH (vc, &all, all_link) {
		if (vc->state == VC_UDP_CONNECTED && !vc->obj.dead &&
		    vc->local.port == e->local.port && vc->peer.port == e->remote.port &&
		    vc->peer.family == e->remote.family && !memcmp(vc->peer.ip, e->remote.ip, n))
			vudp_refused(vc);
	}
}

int vconn_lookup(const struct nc_sock_req *req, struct nc_sock_reply *reply)
{
	struct vconn *vc;

	LIST_FOREACH (vc, &by_ino[vconn_hash(req->ino)], ino_link) {
		if (vc->ino == req->ino && !vc->obj.dead) {
			vconn_fill_reply(vc, reply);
			return 0;
		}
	}
	return -ENOENT;
}

/* The sockets on port whose program has closed its end, hang-up not yet read, closed now. */
static int vconn_reap_port(bool udp, uint16_t port)
{
	uint64_t ids[16];
	struct vconn *vc;
	int n = 0, reaped = 0;

	TAILQ_FOREACH (vc, &all, all_link) {
		struct pollfd p = {.fd = vc->fd, .events = POLLRDHUP};

		if (vc->obj.dead || vc->fd < 0 || vconn_is_udp(vc) != udp ||
		    vc->local.port != port ||
		    (vc->state != VC_TCP_BOUND && vc->state != VC_TCP_LISTEN && !udp))
			continue;
		if (poll(&p, 1, 0) == 1 && (p.revents & (POLLHUP | POLLERR)) &&
		    n < (int)(sizeof(ids) / sizeof(ids[0])))
			ids[n++] = vc->id;
	}
	/* By id: closing a listener closes its queue, which may hold the next one. */
	for (int i = 0; i < n; i++) {
		vc = vconn_find(ids[i]);
		if (vc && !vc->obj.dead) {
			vconn_event(&vc->obj, EPOLLHUP);
			reaped++;
		}
	}
	return reaped;
}

err_t vconn_pcb_bind(struct vconn *vc, const ip_addr_t *ip, u16_t port)
{
	bool udp = vc->upcb != NULL;
	err_t e;

	for (int again = 0;; again++) {
		e = udp ? udp_bind(vc->upcb, ip, port) : tcp_bind(vc->pcb, ip, port);
		if (e != ERR_USE || !port || again || vconn_reap_port(udp, port) == 0)
			return e;
	}
}

/* ---- the loop ---- */

void vconn_event(struct loop_obj *obj, uint32_t events)
{
	struct vconn *vc = (struct vconn *)obj;

	if (vconn_is_udp(vc))
		vudp_event(vc, events);
	else
		vtcp_event(vc, events);
}

void vconn_flush(void)
{
	struct vconn *vc;

	flushing = true;
	while ((vc = SLIST_FIRST(&dirty))) {
		SLIST_REMOVE_HEAD(&dirty, dirty_link);
		vc->dirty = false;
		if (!vc->obj.dead)
			vtcp_flush(vc);
	}
	flushing = false;
	while ((vc = SLIST_FIRST(&dead))) {
		SLIST_REMOVE_HEAD(&dead, dead_link);
		vtcp_free(vc);
		free(vc);
	}
}

void vconn_shutdown_all(void)
{
	struct vconn *vc;

	while ((vc = TAILQ_FIRST(&all))) {
		if (!vconn_is_udp(vc))
			vtcp_shutdown(vc);
		vconn_kill(vc);
	}
	vconn_flush();
}

int vconn_list(uint64_t after, struct nc_status_entry *out, int max)
{
	struct vconn *vc;
	int n = 0;

	TAILQ_FOREACH (vc, &all, all_link) {
		if (n >= max)
			break;
		/* A failed connect waits for SO_ERROR; it is no socket any more. */
		if (vc->id <= after || vc->state == VC_TCP_FAILED)
			continue;
		memset(&out[n], 0, sizeof(out[n]));
		out[n].sockid = vc->id;
		out[n].local = vc->local;
		out[n].peer = vc->peer;
		out[n].pid = vc->pid;
		out[n].state = vconn_fsm_nc_state(vc->state);
		out[n].proto = vconn_is_udp(vc) ? NC_PROTO_UDP : NC_PROTO_TCP;
		out[n].bytes_in = vc->bytes_in;
		out[n].bytes_out = vc->bytes_out;
		n++;
	}
	return n;
}

uint64_t vconn_count(void)
{
	return nsocks;
}
