// SPDX-License-Identifier: BSD-2-Clause
/* inherit: a virtual socket inherited across exec while the daemon cannot answer (stopped) is
 * not taken for a host socket for good: once the daemon is back, the next call finds it virtual.
 * `inherit DAEMON-PID` under netcon run with a daemon on 10.81.0.1/24 (TAP). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tap.h"

static int child(int fd, pid_t daemon, int port)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	socklen_t len = sizeof(ss);
	char buf[16];
	ssize_t n;
	int r;

	/* The first call meets a daemon that accepts the channel but never answers. */
	if (kill(daemon, SIGSTOP) < 0) {
		ok(0, "stop the daemon: %s", strerror(errno));
		return 1;
	}
	r = getsockname(fd, (struct sockaddr *)&ss, &len);
	kill(daemon, SIGCONT);
	ok(r < 0 || ss.ss_family != AF_INET,
	   "daemon stopped: the inherited fd is not known to be virtual (family %d)",
	   r == 0 ? ss.ss_family : -1);
	len = sizeof(ss);
	r = getsockname(fd, (struct sockaddr *)&ss, &len);
	ok(r == 0 && ss.ss_family == AF_INET && ntohs(sin->sin_port) == port,
	   "daemon back: the next getsockname asks again and gets the virtual name (family %d, "
	   "port %d, want %d)",
	   r == 0 ? ss.ss_family : -1, r == 0 ? ntohs(sin->sin_port) : -1, port);
	n = sendto(fd, "again", 5, 0, (struct sockaddr *)&ss, len);
	ok(n == 5, "a datagram to itself through the daemon: %zd (%s)", n,
	   n < 0 ? strerror(errno) : "ok");
	len = sizeof(ss);
	n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&ss, &len);
	ok(n == 5 && !memcmp(buf, "again", 5) && ss.ss_family == AF_INET &&
	       ntohs(sin->sin_port) == port,
	   "and back, from its own virtual address: %zd", n);
	done_testing();
	return tap_failed != 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_in a = {.sin_family = AF_INET};
	socklen_t len = sizeof(a);
	struct timeval tv = {.tv_sec = 20};
	char fds[16], ports[16];
	int fd;

	alarm(60);
	if (argc == 5 && !strcmp(argv[1], "child"))
		return child(atoi(argv[2]), (pid_t)atoi(argv[3]), atoi(argv[4]));
	if (argc != 2) {
		fprintf(stderr, "usage: inherit DAEMON-PID\n");
		return 2;
	}
	inet_pton(AF_INET, "10.81.0.1", &a.sin_addr);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &len) < 0) {
		printf("not ok 1 - a virtual UDP socket: %s\n1..1\n", strerror(errno));
		return 1;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	fcntl(fd, F_SETFD, 0);
	snprintf(fds, sizeof(fds), "%d", fd);
	snprintf(ports, sizeof(ports), "%d", ntohs(a.sin_port));
	execl("/proc/self/exe", argv[0], "child", fds, argv[1], ports, (char *)NULL);
	printf("not ok 1 - exec: %s\n1..1\n", strerror(errno));
	return 1;
}
