// SPDX-License-Identifier: BSD-2-Clause
/* syscall_api: socket calls made with syscall() are routed like their libc wrappers (TAP).
 * Run under `netcon run` with a daemon on 10.80.0.1/24; `syscall_api isolated` under --isolate. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/io_uring.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "tap.h"

int main(int argc, char **argv)
{
	struct sockaddr_in a, p;
	socklen_t len = sizeof(a);
	int l, c, s, one = 1;
	char buf[16];

	if (argc == 2 && !strcmp(argv[1], "isolated")) {
		struct io_uring_params prm;
		long r;

		memset(&prm, 0, sizeof(prm));
		errno = 0;
		r = syscall(SYS_io_uring_setup, 8, &prm);
		ok(r < 0 && errno == ENOSYS, "--isolate: io_uring_setup is refused with ENOSYS");
		return done_testing();
	}
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	inet_pton(AF_INET, "10.80.0.1", &a.sin_addr);
	l = (int)syscall(SYS_socket, AF_INET, SOCK_STREAM, 0);
	ok(l >= 0, "syscall(SYS_socket)");
	syscall(SYS_setsockopt, l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	is_int(syscall(SYS_bind, l, &a, sizeof(a)), 0, "syscall(SYS_bind) to a virtual address");
	is_int(syscall(SYS_listen, l, 8), 0, "syscall(SYS_listen)");
	is_int(syscall(SYS_getsockname, l, &a, &len), 0, "syscall(SYS_getsockname)");
	ok(ntohs(a.sin_port) != 0, "the listener has port %d", ntohs(a.sin_port));
	c = (int)syscall(SYS_socket, AF_INET, SOCK_STREAM, 0);
	is_int(syscall(SYS_connect, c, &a, sizeof(a)), 0, "syscall(SYS_connect) to it");
	len = sizeof(p);
	s = (int)syscall(SYS_accept4, l, &p, &len, SOCK_NONBLOCK);
	ok(s >= 0, "syscall(SYS_accept4), as libuv makes it");
	ok(s >= 0 && (fcntl(s, F_GETFL) & O_NONBLOCK), "SOCK_NONBLOCK applied");
	ok(len == sizeof(p) && p.sin_addr.s_addr == a.sin_addr.s_addr,
	   "accept4 reports the virtual peer %s", inet_ntoa(p.sin_addr));
	len = sizeof(p);
	ok(syscall(SYS_getpeername, c, &p, &len) == 0 && p.sin_port == a.sin_port,
	   "syscall(SYS_getpeername) gives the virtual server");
	is_int(syscall(SYS_sendto, c, "raw!", 4, 0, NULL, 0), 4, "syscall(SYS_sendto)");
	usleep(100000);
	memset(buf, 0, sizeof(buf));
	ok(syscall(SYS_recvfrom, s, buf, sizeof(buf), 0, NULL, NULL) == 4 &&
	       !memcmp(buf, "raw!", 4),
	   "syscall(SYS_recvfrom) gets the bytes");
	errno = 0;
	ok(syscall(SYS_getpid) == getpid(), "other syscalls pass through");
	return done_testing();
}
