/* SPDX-License-Identifier: BSD-2-Clause */
/* libnetcon.so internals: configuration, real libc functions, the control channel, the fd table. */
#ifndef NETCON_INTERCEPT_H
#define NETCON_INTERCEPT_H

#include <stdbool.h>
#include <netdb.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include "common/sockopts.h"
#include "netcon/rpc.h"

#define NC_EXPORT __attribute__((visibility("default")))

/* The libc functions we wrap, resolved with dlsym(RTLD_NEXT). */
struct real_fns {
	int (*socket)(int, int, int);
	int (*bind)(int, const struct sockaddr *, socklen_t);
	int (*listen)(int, int);
	int (*shutdown)(int, int);
	int (*accept)(int, struct sockaddr *, socklen_t *);
	int (*accept4)(int, struct sockaddr *, socklen_t *, int);
	int (*connect)(int, const struct sockaddr *, socklen_t);
	int (*getsockname)(int, struct sockaddr *, socklen_t *);
	int (*getpeername)(int, struct sockaddr *, socklen_t *);
	int (*getsockopt)(int, int, int, void *, socklen_t *);
	int (*setsockopt)(int, int, int, const void *, socklen_t);
	int (*epoll_ctl)(int, int, int, struct epoll_event *);
	ssize_t (*sendto)(int, const void *, size_t, int, const struct sockaddr *, socklen_t);
	ssize_t (*sendmsg)(int, const struct msghdr *, int);
	ssize_t (*recvfrom)(int, void *, size_t, int, struct sockaddr *, socklen_t *);
	ssize_t (*recvmsg)(int, struct msghdr *, int);
	long (*syscall)(long, ...);
	int (*sendmmsg)(int, struct mmsghdr *, unsigned int, int);
	int (*recvmmsg)(int, struct mmsghdr *, unsigned int, int, struct timespec *);
	ssize_t (*read)(int, void *, size_t);
	ssize_t (*write)(int, const void *, size_t);
	ssize_t (*writev)(int, const struct iovec *, int);
	ssize_t (*send)(int, const void *, size_t, int);
	ssize_t (*readv)(int, const struct iovec *, int);
	ssize_t (*recv)(int, void *, size_t, int);
	ssize_t (*__read_chk)(int, void *, size_t, size_t);
	ssize_t (*__recv_chk)(int, void *, size_t, size_t, int);
	int (*close)(int);
	int (*dup)(int);
	int (*dup2)(int, int);
	int (*dup3)(int, int, int);
	int (*getaddrinfo)(const char *, const char *, const struct addrinfo *, struct addrinfo **);
	int (*getnameinfo)(const struct sockaddr *, socklen_t, char *, socklen_t, char *, socklen_t,
			   int);
	struct hostent *(*gethostbyname)(const char *);
	struct hostent *(*gethostbyname2)(const char *, int);
	struct hostent *(*gethostbyaddr)(const void *, socklen_t, int);
	int (*gethostbyname_r)(const char *, struct hostent *, char *, size_t, struct hostent **,
			       int *);
	int (*gethostbyname2_r)(const char *, int, struct hostent *, char *, size_t,
				struct hostent **, int *);
	int (*gethostbyaddr_r)(const void *, socklen_t, int, struct hostent *, char *, size_t,
			       struct hostent **, int *);
};
extern struct real_fns real;

/* Configuration, read once in the constructor (programs may scrub their environment later). */
struct nc_config {
	bool active; /* NETCON_HOME was set by `netcon run` */
	bool isolate; /* refuse what is not on the virtual network */
	bool listen_host; /* wildcard binds stay on the host */
	char control[108];
};
extern struct nc_config cfg;

void icpt_resolve(void);
#define REAL(fn) (real.fn ? real.fn : (icpt_resolve(), real.fn))

/* ---- control channel (chan.c) ---- */

/* One request, one reply (and at most one fd back). Returns 0 or -errno: a daemon error is the
 * reply's status; a transport failure is -ENOTCONN after one line on stderr. */
int chan_call(void *req, size_t reqlen, void *rep, size_t replen, int *fd_out);
/* The virtual subnets, from the daemon's hello (connecting first if needed). */
int chan_routes(const struct nc_route **routes);
void chan_after_fork_child(void);
void chan_before_fork(void);
void chan_after_fork_parent(void);

/* ---- fd table (fdtab.c) ---- */

enum fd_state {
	FD_NONE = 0,
	FD_UNDECIDED, /* kernel socket, virtual or not not yet known */
	FD_HOST, /* not carried by netcon: every call goes to libc unchanged (an IP socket decided
		  * for the host, a unix socket the daemon does not know, any other family) */
	FD_BOUND,
	FD_LISTEN,
	FD_CONNECTING,
	FD_CONNECTED,
	FD_FAILED, /* a connect failed; the error is reported once */
};

#define FD_EPOLL_MAX 4

enum fd_flag {
	FDF_ISCONN = 1 << 0, /* connect() has reported success (later calls: EISCONN) */
	FDF_RST_SEEN = 1 << 1, /* ECONNRESET has been reported once */
	FDF_UDP_HDR = 1 << 2, /* unconnected virtual UDP: datagrams travel behind nc_dgram_hdr */
};

/* A UDP socket's multicast sending options, as the program set them (set 0: Linux's defaults). */
struct fdent {
	uint64_t ino;
	uint64_t sockid;
	uint8_t state;
	uint8_t family; /* 4 or 6 */
	uint8_t nepoll;
	uint8_t flags; /* enum fd_flag */
	uint8_t proto; /* NC_PROTO_TCP or NC_PROTO_UDP */
	uint8_t udp_skip; /* connected UDP: wake-up records of refusals already reported */
	int error; /* pending SO_ERROR */
	uint32_t rst_slot, rst_gen; /* the connection's place in the daemon's reset table */
	struct nc_opts opts;
	struct nc_addr local, peer;
	struct sockopts_mc mc; /* multicast sending options */
	struct {
		int epfd;
		struct epoll_event ev;
	} ep[FD_EPOLL_MAX];
};

void fdtab_init(void);
/* The entry for fd if it is still the same file, else NULL (and the stale entry is cleared). */
struct fdent *fdtab_get(int fd);
/* The entry for fd as recorded, not checked against the file (no syscall): NULL if none. */
struct fdent *fdtab_peek(int fd);
/* Was fd decided a host socket (FD_HOST)? Taken from the table without a syscall, for the
 * per-datagram paths: a host socket's own traffic pays nothing for the intercept. An entry is
 * stale only if the fd was closed where the intercept does not see it (glibc's closefrom, raw
 * system calls) and its number came back as a virtual socket without passing through socket,
 * accept or an exec (SCM_RIGHTS): then an address would reach the unix socket as given. */
static inline bool fdtab_known_host(int fd)
{
	const struct fdent *e = fdtab_peek(fd);

	return e && e->state == FD_HOST;
}
/* newfd now refers to oldfd's file (dup): it gets oldfd's entry, without the epoll records. */
void fdtab_copy(int oldfd, int newfd);
/* As fdtab_get, and for an unknown unix socket ask the daemon (a virtual fd inherited across
 * exec). Returns NULL if fd is not a virtual socket of ours. Only the daemon's answer is
 * recorded: when it cannot be asked just now the fd stays unknown, and the next call asks. */
struct fdent *fdtab_resolve(int fd);
/* A fresh entry for fd (its inode recorded). NULL if fd is out of the table's range. */
struct fdent *fdtab_new(int fd, uint8_t state);
void fdtab_clear(int fd);
/* Put newfd in place of fd (same number, flags and epoll registrations); closes newfd. */
int fdtab_replace(int fd, struct fdent *e, int newfd);
/* Fill from a daemon reply. */
void fdtab_from_reply(struct fdent *e, const struct nc_sock_reply *r);
bool fdtab_is_virtual(const struct fdent *e);

/* ---- resets (recv.c) ---- */

/* Map the daemon's reset table from a HELLO/CLONE reply's descriptor (once); closes fd. */
void recv_map_reset(int fd);
/* Has the connection on e been reset, and not yet reported? Marks it reported if so. */
bool recv_take_reset(struct fdent *e);

/* Connected UDP: an ICMP port unreachable not yet reported? Takes it if so (the caller fails
 * with ECONNREFUSED); record_read: the daemon's wake-up record was what the read just got. */
bool recv_take_refused(struct fdent *e, bool record_read);
/* The same question, without taking it (no syscall). */
bool recv_refused_pending(const struct fdent *e);

/* ---- routing (sockets.c) ---- */

/* Does a go through the daemon? 1 yes, 0 no (host), -errno if the routes are unknown. */
int icpt_virtual_addr(const struct nc_addr *a, bool for_bind);
/* How a connect on fd is going: updates e's state (and pending error). 0 or -errno. */
int icpt_refresh(int fd, struct fdent *e);

/* ---- multicast (sockopt.c) ---- */

/* The recorded multicast sending options of e to the daemon (after it turned virtual). */
int sockopt_mcast_tx(const struct fdent *e);
/* Does a datagram to a group from this undecided socket go to the virtual network? (it does
 * under --isolate, or when IP_MULTICAST_IF/IPV6_MULTICAST_IF names a virtual interface) */
bool sockopt_mcast_virtual(const struct fdent *e);

/* ---- names (names.c) ---- */

/* Where HOME/hosts and HOME/resolv.conf are; reads both once (they are kept if a later read
 * fails, e.g. after chroot). Called by the constructor. */
void names_init(const char *home);

/* ---- UDP (udp.c) ---- */

/* sendmsg/recvmsg on an unconnected virtual UDP socket (FDF_UDP_HDR): the header goes in
 * front of the program's iovecs. Return as the real calls do. */
ssize_t udp_sendmsg(int fd, struct fdent *e, const struct msghdr *msg, int flags);
ssize_t udp_recvmsg(int fd, struct fdent *e, struct msghdr *msg, int flags);
/* An undecided UDP socket sending to a: turns virtual (bound to the wildcard) if a is virtual.
 * Returns 1 if it is now virtual, 0 if it stays on the host, -errno. */
int udp_decide_send(int fd, struct fdent *e, const struct sockaddr *sa, socklen_t len);
/* Is this entry an unconnected virtual UDP socket? (no syscall) */
static inline bool udp_hdr_mode(const struct fdent *e)
{
	return e && (e->flags & FDF_UDP_HDR) && e->state == FD_BOUND;
}

#endif
