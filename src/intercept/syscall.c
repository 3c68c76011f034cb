// SPDX-License-Identifier: BSD-2-Clause
/* syscall(): the socket calls made through it (libuv's accept4, for one) are routed like their
 * libc wrappers; io_uring, which the intercept cannot see into, is refused under --isolate. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "intercept/intercept.h"

static void syscall_say_uring(void)
{
	static int said;
	static const char msg[] = "netcon: this program uses io_uring, which bypasses netcon: "
				  "its io_uring sockets stay on the host\n";

	if (__atomic_exchange_n(&said, 1, __ATOMIC_RELAXED))
		return;
	if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0) {
		/* stderr closed: nothing more to say it with */
	}
}

NC_EXPORT long syscall(long nr, ...)
{
	long a[6];
	va_list ap;

	va_start(ap, nr);
	for (int i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	if (cfg.active) {
		switch (nr) {
		case SYS_socket:
			return socket((int)a[0], (int)a[1], (int)a[2]);
		case SYS_bind:
			return bind((int)a[0], (const struct sockaddr *)a[1], (socklen_t)a[2]);
		case SYS_connect:
			return connect((int)a[0], (const struct sockaddr *)a[1], (socklen_t)a[2]);
		case SYS_shutdown:
			return shutdown((int)a[0], (int)a[1]);
		case SYS_listen:
			return listen((int)a[0], (int)a[1]);
		case SYS_accept:
			return accept((int)a[0], (struct sockaddr *)a[1], (socklen_t *)a[2]);
		case SYS_accept4:
			return accept4((int)a[0], (struct sockaddr *)a[1], (socklen_t *)a[2],
				       (int)a[3]);
		case SYS_getsockname:
			return getsockname((int)a[0], (struct sockaddr *)a[1], (socklen_t *)a[2]);
		case SYS_getpeername:
			return getpeername((int)a[0], (struct sockaddr *)a[1], (socklen_t *)a[2]);
		case SYS_setsockopt:
			return setsockopt((int)a[0], (int)a[1], (int)a[2], (const void *)a[3],
					  (socklen_t)a[4]);
		case SYS_getsockopt:
			return getsockopt((int)a[0], (int)a[1], (int)a[2], (void *)a[3],
					  (socklen_t *)a[4]);
		case SYS_sendto:
			return sendto((int)a[0], (const void *)a[1], (size_t)a[2], (int)a[3],
				      (const struct sockaddr *)a[4], (socklen_t)a[5]);
		case SYS_recvfrom:
			return recvfrom((int)a[0], (void *)a[1], (size_t)a[2], (int)a[3],
					(struct sockaddr *)a[4], (socklen_t *)a[5]);
		case SYS_sendmsg:
			return sendmsg((int)a[0], (const struct msghdr *)a[1], (int)a[2]);
		case SYS_recvmsg:
			return recvmsg((int)a[0], (struct msghdr *)a[1], (int)a[2]);
		case SYS_sendmmsg:
			return sendmmsg((int)a[0], (struct mmsghdr *)a[1], (unsigned int)a[2],
					(int)a[3]);
		case SYS_recvmmsg:
			return recvmmsg((int)a[0], (struct mmsghdr *)a[1], (unsigned int)a[2],
					(int)a[3], (struct timespec *)a[4]);
		case SYS_epoll_ctl:
			return epoll_ctl((int)a[0], (int)a[1], (int)a[2],
					 (struct epoll_event *)a[3]);
		case SYS_close:
			return close((int)a[0]);
		case SYS_dup:
			return dup((int)a[0]);
		case SYS_dup3:
			return dup3((int)a[0], (int)a[1], (int)a[2]);
		case SYS_io_uring_setup:
			if (cfg.isolate) {
				/* Refused rather than a silent way around --isolate; programs fall
				 * back to epoll. */
				errno = ENOSYS;
				return -1;
			}
			syscall_say_uring();
			break;
		}
	}
	return REAL(syscall)(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
}
