// SPDX-License-Identifier: BSD-2-Clause
/* udp_bench: the UDP workloads bench/udp.sh and bench/intercept.sh time, over the kernel or
 * through netcon.
 *
 *   udp_bench recv IP PORT SIZE      count datagrams of SIZE bytes until 1 s of silence after
 *                                    the first; prints "ready", then "N BAD SECONDS"
 *   udp_bench send IP PORT SIZE SECS send datagrams of SIZE bytes for SECS seconds as fast as
 *                                    the socket takes them; prints "N SECONDS"
 *   udp_bench rr IP PORT N           N 1-byte request/response round trips to an echo thread of
 *                                    this process; prints "MICROSECONDS us/round-trip"
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define UDP_BENCH_MAX 65507

static struct sockaddr_in addr;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
	fprintf(stderr, "udp_bench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int bound(void)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0), sz = 4 << 20;

	if (fd < 0)
		die("socket");
	/* As large as the kernel allows: the baseline should lose what the stack drops, not what
	 * a small default buffer does. */
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		die("bind");
	return fd;
}

static int do_recv(size_t size)
{
	static char buf[UDP_BENCH_MAX + 1];
	long long n = 0, bad = 0;
	double first = 0, last = 0;
	int fd = bound();

	printf("ready\n");
	fflush(stdout);
	for (;;) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		int r = poll(&p, 1, n ? 1000 : 60000);
		ssize_t got;

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			die("poll");
		if (r == 0)
			break;
		got = recv(fd, buf, sizeof(buf), 0);
		if (got < 0)
			die("recv");
		last = now();
		if (!n++)
			first = last;
		if ((size_t)got != size)
			bad++;
	}
	printf("%lld %lld %.3f\n", n, bad, last - first);
	return 0;
}

static int do_send(size_t size, double secs)
{
	static char buf[UDP_BENCH_MAX];
	long long n = 0;
	double t0, t;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd < 0)
		die("socket");
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		die("connect");
	memset(buf, 'u', sizeof(buf));
	t0 = now();
	do {
		/* 256 between clock reads. */
		for (int i = 0; i < 256; i++, n++) {
			memcpy(buf, &n, sizeof(n));
			if (send(fd, buf, size, 0) != (ssize_t)size) {
				/* A full queue (ENOBUFS) or a refused port: count, go on. */
				if (errno != ENOBUFS && errno != ECONNREFUSED && errno != EAGAIN)
					die("send");
				n--;
			}
		}
		t = now();
	} while (t - t0 < secs);
	printf("%lld %.3f\n", n, t - t0);
	return 0;
}

static void *echo(void *arg)
{
	int fd = *(int *)arg;
	struct sockaddr_in from;
	socklen_t fl;
	char c;

	for (;;) {
		fl = sizeof(from);
		if (recvfrom(fd, &c, 1, 0, (struct sockaddr *)&from, &fl) != 1)
			break;
		if (sendto(fd, &c, 1, 0, (struct sockaddr *)&from, fl) != 1)
			break;
	}
	return NULL;
}

static int do_rr(long n)
{
	static int sfd;
	pthread_t t;
	double t0;
	char c = 'x';
	int fd;

	sfd = bound();
	pthread_create(&t, NULL, echo, &sfd);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		die("connect");
	t0 = now();
	for (long i = 0; i < n; i++)
		if (send(fd, &c, 1, 0) != 1 || recv(fd, &c, 1, 0) != 1)
			die("rr");
	printf("%.2f us/round-trip\n", (now() - t0) / n * 1e6);
	return 0;
}

int main(int argc, char **argv)
{
	size_t size;

	if (argc < 5) {
		fprintf(stderr, "usage: udp_bench recv IP PORT SIZE | send IP PORT SIZE SECS | "
				"rr IP PORT N\n");
		return 2;
	}
	memset(&addr, 0, sizeof(addr));
	addr.sin_family = AF_INET;
	addr.sin_port = htons((uint16_t)atoi(argv[3]));
	if (inet_pton(AF_INET, argv[2], &addr.sin_addr) != 1)
		return 2;
	size = (size_t)atol(argv[4]);
	if (!strcmp(argv[1], "rr"))
		return do_rr(atol(argv[4]));
	if (size < 8 || size > UDP_BENCH_MAX)
		return 2;
	if (!strcmp(argv[1], "recv"))
		return do_recv(size);
	if (!strcmp(argv[1], "send") && argc >= 6)
		return do_send(size, atof(argv[5]));
	return 2;
}
