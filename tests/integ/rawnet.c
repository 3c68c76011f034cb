// SPDX-License-Identifier: BSD-2-Clause
/* A test program that reaches the network without libc's socket calls where asked: inline
 * `syscall` instructions and io_uring. Built dynamic and, with musl-gcc, static, to check what
 * netcon's front ends and --isolate catch from each kind of program.
 *
 *   rawnet connect-libc|connect-asm|connect-uring IP PORT   connect and write "leak\n";
 *       prints "connected" (exit 0) or "refused ERRNO-NAME" (exit 1)
 *   rawnet listen IP PORT          a host service: prints "ready", then "accepted" and the first
 *       line each connection sends, forever
 *   rawnet echo-server IP PORT N   accepts N connections one after the other and echoes each
 *       to its end; prints "ready", then "peer ADDR" for each
 *   rawnet echo-client IP PORT BYTES   sends BYTES patterned bytes, reads them back, checks them;
 *       prints "local ADDR", "peer ADDR" and "echo ok BYTES" (exit 0)
 *   rawnet epoll-connect IP PORT   registers a non-blocking socket with epoll before connect
 *       (as nginx and Go's poller may): prints "epoll ok" if the registration, its data and
 *       later EPOLL_CTL_MOD/DEL still work after the connect
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#ifdef __x86_64__
static long raw6(long n, long a, long b, long c, long d, long e, long f)
{
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}
#define SYS_SOCKET 41
#define SYS_CONNECT 42
#define SYS_WRITE 1
#define SYS_IO_URING_SETUP 425
#define SYS_IO_URING_ENTER 426
#endif

/* io_uring's ABI, written out so that musl-gcc needs no kernel headers. */
struct ring_sqe {
	uint8_t opcode, flags;
	uint16_t ioprio;
	int32_t fd;
	uint64_t off, addr;
	uint32_t len, op_flags;
	uint64_t user_data;
	uint16_t buf_index, personality;
	int32_t splice_fd_in;
	uint64_t pad[2];
};
struct ring_sq_off {
	uint32_t head, tail, ring_mask, ring_entries, flags, dropped, array, resv1;
	uint64_t user_addr;
};
struct ring_cq_off {
	uint32_t head, tail, ring_mask, ring_entries, overflow, cqes, flags, resv1;
	uint64_t user_addr;
};
struct ring_params {
	uint32_t sq_entries, cq_entries, flags, sq_thread_cpu, sq_thread_idle, features, wq_fd;
	uint32_t resv[3];
	struct ring_sq_off sq_off;
	struct ring_cq_off cq_off;
};
struct ring_cqe {
	uint64_t user_data;
	int32_t res;
	uint32_t flags;
};
_Static_assert(sizeof(struct ring_sqe) == 64, "sqe");
_Static_assert(sizeof(struct ring_params) == 120, "params");
#define RING_OP_CONNECT 16
#define RING_OFF_CQ_RING 0x8000000ULL
#define RING_OFF_SQES 0x10000000ULL
#define RING_ENTER_GETEVENTS 1

static const char *errname(int e)
{
	switch (e) {
	case ENETUNREACH:
		return "ENETUNREACH";
	case ECONNREFUSED:
		return "ECONNREFUSED";
	case EHOSTUNREACH:
		return "EHOSTUNREACH";
	case EADDRNOTAVAIL:
		return "EADDRNOTAVAIL";
	case EPERM:
		return "EPERM";
	case EACCES:
		return "EACCES";
	case ETIMEDOUT:
		return "ETIMEDOUT";
	case ENOSYS:
		return "ENOSYS";
	default:
		return strerror(e);
	}
}

static int parse(const char *ip, const char *port, struct sockaddr_in *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)atoi(port));
	return inet_pton(AF_INET, ip, &sa->sin_addr) == 1 ? 0 : -EINVAL;
}

/* Returns 0 or -errno; the socket in *fd either way. */
static int connect_libc(const struct sockaddr_in *sa, int *fd)
{
	*fd = socket(AF_INET, SOCK_STREAM, 0);
	if (*fd < 0)
		return -errno;
	return connect(*fd, (const struct sockaddr *)sa, sizeof(*sa)) < 0 ? -errno : 0;
}

#ifdef __x86_64__
static int connect_asm(const struct sockaddr_in *sa, int *fd)
{
	long r = raw6(SYS_SOCKET, AF_INET, SOCK_STREAM, 0, 0, 0, 0);

	if (r < 0)
		return (int)r;
	*fd = (int)r;
	return (int)raw6(SYS_CONNECT, *fd, (long)sa, sizeof(*sa), 0, 0, 0);
}

static int connect_uring(const struct sockaddr_in *sa, int *fd)
{
	struct ring_params p;
	struct ring_sqe *sqes;
	struct ring_cqe *cqes;
	unsigned char *sq, *cq;
	uint32_t *tail, *array, idx;
	long rfd, r;

	*fd = socket(AF_INET, SOCK_STREAM, 0);
	if (*fd < 0)
		return -errno;
	memset(&p, 0, sizeof(p));
	rfd = raw6(SYS_IO_URING_SETUP, 4, (long)&p, 0, 0, 0, 0);
	if (rfd < 0)
		return (int)rfd;
	sq = mmap(NULL, p.sq_off.array + p.sq_entries * 4, PROT_READ | PROT_WRITE, MAP_SHARED,
		  (int)rfd, 0);
	cq = mmap(NULL, p.cq_off.cqes + p.cq_entries * sizeof(struct ring_cqe),
		  PROT_READ | PROT_WRITE, MAP_SHARED, (int)rfd, RING_OFF_CQ_RING);
	sqes = mmap(NULL, p.sq_entries * sizeof(struct ring_sqe), PROT_READ | PROT_WRITE,
		    MAP_SHARED, (int)rfd, RING_OFF_SQES);
	if (sq == MAP_FAILED || cq == MAP_FAILED || sqes == MAP_FAILED)
		return -errno;
	tail = (uint32_t *)(sq + p.sq_off.tail);
	array = (uint32_t *)(sq + p.sq_off.array);
	idx = *tail & *(uint32_t *)(sq + p.sq_off.ring_mask);
	memset(&sqes[idx], 0, sizeof(sqes[idx]));
	sqes[idx].opcode = RING_OP_CONNECT;
	sqes[idx].fd = *fd;
	sqes[idx].addr = (uint64_t)(uintptr_t)sa;
	sqes[idx].off = sizeof(*sa);
	array[idx] = idx;
	__atomic_store_n(tail, *tail + 1, __ATOMIC_RELEASE);
	r = raw6(SYS_IO_URING_ENTER, rfd, 1, 1, RING_ENTER_GETEVENTS, 0, 0);
	if (r < 0)
		return (int)r;
	cqes = (struct ring_cqe *)(cq + p.cq_off.cqes);
	idx = __atomic_load_n((uint32_t *)(cq + p.cq_off.head), __ATOMIC_ACQUIRE) &
	      *(uint32_t *)(cq + p.cq_off.ring_mask);
	return cqes[idx].res;
}
#endif

static int do_connect(const char *mode, const struct sockaddr_in *sa)
{
	int fd = -1, r;

	if (strcmp(mode, "connect-libc") == 0)
		r = connect_libc(sa, &fd);
#ifdef __x86_64__
	else if (strcmp(mode, "connect-asm") == 0)
		r = connect_asm(sa, &fd);
	else if (strcmp(mode, "connect-uring") == 0)
		r = connect_uring(sa, &fd);
#endif
	else {
		fprintf(stderr, "rawnet: unknown mode %s\n", mode);
		return 2;
	}
	if (r < 0) {
		printf("refused %s\n", errname(-r));
		return 1;
	}
	if (write(fd, "leak\n", 5) != 5) {
		printf("refused write %s\n", errname(errno));
		return 1;
	}
	printf("connected\n");
	return 0;
}

static int listen_on(const struct sockaddr_in *sa)
{
	int one = 1, fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (const struct sockaddr *)sa, sizeof(*sa)) < 0 || listen(fd, 16) < 0) {
		perror("rawnet: bind/listen");
		return -1;
	}
	return fd;
}

static void print_addr(const char *what, const struct sockaddr_in *sa)
{
	char ip[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &sa->sin_addr, ip, sizeof(ip));
	printf("%s %s:%u\n", what, ip, ntohs(sa->sin_port));
	fflush(stdout);
}

static int host_service(const struct sockaddr_in *sa)
{
	int fd = listen_on(sa);

	if (fd < 0)
		return 1;
	printf("ready\n");
	fflush(stdout);
	for (;;) {
		char buf[64];
		ssize_t n;
		int c = accept(fd, NULL, NULL);

		if (c < 0)
			continue;
		n = read(c, buf, sizeof(buf) - 1);
		buf[n > 0 ? n : 0] = 0;
		printf("accepted %s", buf);
		if (n <= 0 || buf[n - 1] != '\n')
			printf("\n");
		fflush(stdout);
		close(c);
	}
}

static int echo_server(const struct sockaddr_in *sa, int count)
{
	int fd = listen_on(sa);

	if (fd < 0)
		return 1;
	printf("ready\n");
	fflush(stdout);
	for (int i = 0; i < count; i++) {
		struct sockaddr_in peer;
		socklen_t len = sizeof(peer);
		char buf[16384];
		ssize_t n;
		int c = accept(fd, (struct sockaddr *)&peer, &len);

		if (c < 0) {
			perror("rawnet: accept");
			return 1;
		}
		print_addr("peer", &peer);
		while ((n = read(c, buf, sizeof(buf))) > 0)
			if (write(c, buf, (size_t)n) != n) {
				perror("rawnet: write");
				return 1;
			}
		close(c);
	}
	return 0;
}

static int echo_client(const struct sockaddr_in *sa, long bytes)
{
	struct sockaddr_in me;
	socklen_t len = sizeof(me);
	long sent = 0, got = 0;
	char buf[16384];
	int fd = -1, r = connect_libc(sa, &fd);

	if (r < 0) {
		printf("refused %s\n", errname(-r));
		return 1;
	}
	if (getsockname(fd, (struct sockaddr *)&me, &len) == 0)
		print_addr("local", &me);
	len = sizeof(me);
	if (getpeername(fd, (struct sockaddr *)&me, &len) == 0)
		print_addr("peer", &me);
	while (got < bytes) {
		struct pollfd p = {fd, POLLIN | (sent < bytes ? POLLOUT : 0), 0};
		ssize_t n;

		if (poll(&p, 1, 10000) <= 0) {
			printf("timeout after %ld of %ld\n", got, bytes);
			return 1;
		}
		if (p.revents & POLLOUT) {
			size_t want = (size_t)(bytes - sent) < sizeof(buf) ? (size_t)(bytes - sent)
									   : sizeof(buf);

			for (size_t i = 0; i < want; i++)
				buf[i] = (char)((sent + (long)i) * 7 % 251);
			n = write(fd, buf, want);
			if (n > 0)
				sent += n;
			if (sent == bytes)
				shutdown(fd, SHUT_WR);
		}
		if (p.revents & (POLLIN | POLLHUP)) {
			n = read(fd, buf, sizeof(buf));
			if (n <= 0) {
				printf("short echo %ld of %ld\n", got, bytes);
				return 1;
			}
			for (ssize_t i = 0; i < n; i++)
				if (buf[i] != (char)((got + i) * 7 % 251)) {
					printf("bad byte at %ld\n", got + (long)i);
					return 1;
				}
			got += n;
		}
	}
	printf("echo ok %ld\n", got);
	return 0;
}

static int epoll_connect(const struct sockaddr_in *sa)
{
	struct epoll_event ev = {.events = EPOLLOUT, .data.u64 = 0x5eccull << 32 | 77}, got;
	int ep = epoll_create1(0), fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), n;

	if (ep < 0 || fd < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0) {
		perror("rawnet: epoll");
		return 1;
	}
	if (connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0 || errno != EINPROGRESS) {
		printf("connect: %s\n", errname(errno));
		return 1;
	}
	n = epoll_wait(ep, &got, 1, 5000);
	if (n != 1 || got.data.u64 != ev.data.u64 || !(got.events & EPOLLOUT)) {
		printf("epoll_wait after connect: %d events, data %llx\n", n,
		       n == 1 ? (unsigned long long)got.data.u64 : 0ULL);
		return 1;
	}
	{
		struct sockaddr_in peer;
		socklen_t len = sizeof(peer);
		int err = -1;
		socklen_t elen = sizeof(err);

		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) < 0 || err != 0 ||
		    getpeername(fd, (struct sockaddr *)&peer, &len) < 0 ||
		    peer.sin_port != sa->sin_port) {
			printf("not connected after epoll_wait: SO_ERROR %s\n", errname(err));
			return 1;
		}
	}
	ev.events = EPOLLIN;
	if (epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev) < 0 ||
	    epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL) < 0) {
		printf("epoll_ctl MOD/DEL: %s\n", errname(errno));
		return 1;
	}
	if (epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL) == 0 || errno != ENOENT) {
		printf("a second DEL did not fail with ENOENT\n");
		return 1;
	}
	printf("epoll ok\n");
	return 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_in sa;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 4 || parse(argv[2], argv[3], &sa) < 0) {
		fprintf(stderr, "usage: rawnet MODE IP PORT [N]\n");
		return 2;
	}
	if (strcmp(argv[1], "listen") == 0)
		return host_service(&sa);
	if (strcmp(argv[1], "echo-server") == 0)
		return echo_server(&sa, argc > 4 ? atoi(argv[4]) : 1);
	if (strcmp(argv[1], "echo-client") == 0)
		return echo_client(&sa, argc > 4 ? atol(argv[4]) : 100000);
	if (strcmp(argv[1], "epoll-connect") == 0)
		return epoll_connect(&sa);
	return do_connect(argv[1], &sa);
}
