// SPDX-License-Identifier: BSD-2-Clause
/* The intercept's table of sockets by fd number, validated by inode; close/dup keep it current. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "intercept/intercept.h"

#define FDTAB_MAX (1 << 20)

static struct fdent *tab;
static int tab_size;

void fdtab_init(void)
{
	struct rlimit rl;
	size_t n = 65536;
	void *p;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_max != RLIM_INFINITY && rl.rlim_max > n)
		n = rl.rlim_max;
	if (n > FDTAB_MAX)
		n = FDTAB_MAX;
	/* Reserved, not committed: only the pages of descriptors in use are ever touched. */
	p = mmap(NULL, n * sizeof(struct fdent), PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return;
	tab = p;
	tab_size = (int)n;
}

static uint64_t fdtab_ino(int fd)
{
	struct stat st;

	if (fstat(fd, &st) < 0 || !S_ISSOCK(st.st_mode))
		return 0;
	return st.st_ino;
}

struct fdent *fdtab_get(int fd)
{
	struct fdent *e;

	if (!tab || fd < 0 || fd >= tab_size)
		return NULL;
	e = &tab[fd];
	if (e->state == FD_NONE)
		return NULL;
	if (fdtab_ino(fd) != e->ino) {
		memset(e, 0, sizeof(*e));
		return NULL;
	}
	return e;
}

struct fdent *fdtab_peek(int fd)
{
	if (!tab || fd < 0 || fd >= tab_size || tab[fd].state == FD_NONE)
		return NULL;
	return &tab[fd];
}

void fdtab_copy(int oldfd, int newfd)
{
	if (!tab || newfd < 0 || newfd >= tab_size || oldfd == newfd)
		return;
	if (oldfd < 0 || oldfd >= tab_size || tab[oldfd].state == FD_NONE) {
		if (tab[newfd].state != FD_NONE)
			memset(&tab[newfd], 0, sizeof(tab[newfd]));
		return;
	}
	tab[newfd] = tab[oldfd];
	tab[newfd].nepoll = 0;
}

bool fdtab_is_virtual(const struct fdent *e)
{
	return e && e->state >= FD_BOUND;
}

struct fdent *fdtab_new(int fd, uint8_t state)
{
	struct fdent *e;

	if (!tab || fd < 0 || fd >= tab_size)
		return NULL;
	e = &tab[fd];
	memset(e, 0, sizeof(*e));
	e->ino = fdtab_ino(fd);
	e->state = state;
	return e;
}

void fdtab_clear(int fd)
{
	if (tab && fd >= 0 && fd < tab_size)
		memset(&tab[fd], 0, sizeof(tab[fd]));
}

void fdtab_from_reply(struct fdent *e, const struct nc_sock_reply *r)
{
	e->sockid = r->sockid;
	e->local = r->local;
	e->peer = r->peer;
	e->family = r->family;
	e->opts = r->opts;
	e->rst_slot = r->rst_slot;
	e->rst_gen = r->rst_gen;
	e->proto = r->proto;
	if (r->proto == NC_PROTO_UDP && r->state == NC_ST_BOUND)
		e->flags |= FDF_UDP_HDR;
	else
		e->flags &= (uint8_t)~FDF_UDP_HDR;
	switch (r->state) {
	case NC_ST_BOUND:
		e->state = FD_BOUND;
		break;
	case NC_ST_LISTEN:
		e->state = FD_LISTEN;
		break;
	case NC_ST_CONNECTING:
		e->state = FD_CONNECTING;
		break;
	case NC_ST_FAILED:
		e->state = FD_FAILED;
		break;
	default:
		e->state = FD_CONNECTED;
		break;
	}
}

/* Is r, the result of a LOOKUP, the daemon's word on the socket? Not when the daemon could not
 * be asked (stopped, restarting, a signal in the wait) or lacked the means to answer: a virtual
 * fd taken for a host one would stay so for good. */
static bool fdtab_answer_final(int r)
{
	switch (-r) {
	case ENOTCONN: /* no channel: chan_call's transport failure */
	case EINTR:
	case EAGAIN:
	case ETIMEDOUT:
	case ECONNRESET:
	case EPROTO:
	case ENOBUFS:
	case ENOMEM:
	case EMFILE:
	case ENFILE:
		return false;
	default:
		return true;
	}
}

struct fdent *fdtab_resolve(int fd)
{
	static __thread struct fdent scratch;
	struct fdent *e = fdtab_get(fd);
	struct nc_sock_req req;
	struct nc_sock_reply rep;
	int domain = 0, r;
	socklen_t len = sizeof(domain);
	uint64_t ino;

	if (e)
		return fdtab_is_virtual(e) ? e : NULL;
	if (!cfg.active)
		return NULL;
	ino = fdtab_ino(fd);
	if (!ino)
		return NULL;
	if (REAL(getsockopt)(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) < 0)
		return NULL;
	if (domain != AF_UNIX) {
		/* Only a unix socket can be a virtual one. */
		fdtab_new(fd, FD_HOST);
		return NULL;
	}
	/* A unix socket we have not seen: perhaps a virtual fd inherited across exec. */
	memset(&req, 0, sizeof(req));
	req.h.type = NC_LOOKUP;
	req.ino = ino;
	r = chan_call(&req, sizeof(req), &rep, sizeof(rep), NULL);
	if (r < 0) {
		if (fdtab_answer_final(r))
			fdtab_new(fd, FD_HOST);
		return NULL;
	}
	e = fdtab_new(fd, FD_UNDECIDED);
	if (!e) {
		/* Beyond the table: answer from a scratch entry, not cached. */
		e = &scratch;
		memset(e, 0, sizeof(*e));
	}
	e->ino = ino;
	fdtab_from_reply(e, &rep);
	if (e->state == FD_CONNECTED)
		e->flags |= FDF_ISCONN; /* inherited: its connect() was long ago */
	return e;
}

int fdtab_replace(int fd, struct fdent *e, int newfd)
{
	int fl = fcntl(fd, F_GETFL), fdfl = fcntl(fd, F_GETFD), r;

	if (fl < 0 || fdfl < 0) {
		r = -errno;
		close(newfd);
		return r;
	}
	if (REAL(dup3)(newfd, fd, (fdfl & FD_CLOEXEC) ? O_CLOEXEC : 0) < 0) {
		r = -errno;
		close(newfd);
		return r;
	}
	close(newfd);
	fcntl(fd, F_SETFL, fl & (O_NONBLOCK | O_ASYNC));
	e->ino = fdtab_ino(fd);
	/* The old file's epoll registrations went with it: put them back (nginx registers
	 * upstream sockets before connect). */
	for (int i = 0; i < e->nepoll; i++)
		REAL(epoll_ctl)(e->ep[i].epfd, EPOLL_CTL_ADD, fd, &e->ep[i].ev);
	return 0;
}
