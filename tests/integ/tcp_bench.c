// SPDX-License-Identifier: BSD-2-Clause
/* tcp_bench: the workloads bench/core.sh times, run over the kernel or through netcon. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static struct sockaddr_in addr;
static int listen_fd;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
	fprintf(stderr, "tcp_bench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int dial(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0)
		die("socket");
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		die("connect");
	return fd;
}

static void serve_listen(void)
{
	int one = 1;

	listen_fd = socket(AF_INET, SOCK_STREAM, 0);
	if (listen_fd < 0)
		die("socket");
	setsockopt(listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(listen_fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		die("bind");
	if (listen(listen_fd, 4096) < 0)
		die("listen");
}

static void *stream_sink(void *arg)
{
	static char buf[1 << 16];
	long long *total = arg;
	int fd = accept(listen_fd, NULL, NULL);
	ssize_t n;

	if (fd < 0)
		die("accept");
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		*total += n;
	if (write(fd, "k", 1) != 1)
		die("write ack");
	close(fd);
	return NULL;
}

static void *accept_close(void *arg)
{
	long n = (long)arg;

	for (long i = 0; i < n; i++) {
		int fd = accept(listen_fd, NULL, NULL);

		if (fd < 0)
			die("accept");
		close(fd);
	}
	return NULL;
}

static void *echo_one(void *arg)
{
	int fd = accept(listen_fd, NULL, NULL), one = 1;
	char c;

	(void)arg;
	if (fd < 0)
		die("accept");
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	while (read(fd, &c, 1) == 1)
		if (write(fd, &c, 1) != 1)
			break;
	close(fd);
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t t;

	if (argc < 5) {
		fprintf(stderr, "usage: tcp_bench stream|connrate|rr|idle IP PORT N\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	memset(&addr, 0, sizeof(addr));
	addr.sin_family = AF_INET;
	addr.sin_port = htons((uint16_t)atoi(argv[3]));
	if (inet_pton(AF_INET, argv[2], &addr.sin_addr) != 1)
		return 2;
	serve_listen();
	if (!strcmp(argv[1], "stream")) {
		/* N MiB one way, then a one-byte answer so the time covers delivery. */
		static char buf[1 << 16];
		long long total = 0, want = atoll(argv[4]) << 20;
		double t0;
		int fd;
		char c;

		pthread_create(&t, NULL, stream_sink, &total);
		fd = dial();
		t0 = now();
		for (long long sent = 0; sent < want;) {
			ssize_t n = write(fd, buf, sizeof(buf));

			if (n < 0)
				die("write");
			sent += n;
		}
		shutdown(fd, SHUT_WR);
		if (read(fd, &c, 1) != 1)
			die("read ack");
		pthread_join(t, NULL);
		if (total != want) {
			fprintf(stderr, "tcp_bench: received %lld of %lld\n", total, want);
			return 1;
		}
		printf("%.3f Gbit/s\n", want * 8 / (now() - t0) / 1e9);
	} else if (!strcmp(argv[1], "connrate")) {
		long n = atol(argv[4]);
		double t0 = now();

		pthread_create(&t, NULL, accept_close, (void *)n);
		for (long i = 0; i < n; i++) {
			int fd = dial();
			char c;

			/* Wait for the server's close, so the connection has really been accepted. */
			if (read(fd, &c, 1) != 0)
				die("expected EOF");
			close(fd);
		}
		pthread_join(t, NULL);
		printf("%.0f conn/s\n", n / (now() - t0));
	} else if (!strcmp(argv[1], "rr")) {
		long n = atol(argv[4]);
		int fd, one = 1;
		double t0;
		char c = 'x';

		pthread_create(&t, NULL, echo_one, NULL);
		fd = dial();
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		t0 = now();
		for (long i = 0; i < n; i++)
			if (write(fd, &c, 1) != 1 || read(fd, &c, 1) != 1)
				die("rr");
		printf("%.1f us/round-trip\n", (now() - t0) / n * 1e6);
		close(fd);
		pthread_join(t, NULL);
	} else if (!strcmp(argv[1], "idle")) {
		/* N connections to ourselves, held open until killed. */
		long n = atol(argv[4]);
		struct rlimit rl;

		rl.rlim_cur = rl.rlim_max = (rlim_t)(2 * n + 64);
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0) {
			getrlimit(RLIMIT_NOFILE, &rl);
			rl.rlim_cur = rl.rlim_max;
			setrlimit(RLIMIT_NOFILE, &rl);
		}
		for (long i = 0; i < n; i++) {
			dial();
			if (accept(listen_fd, NULL, NULL) < 0)
				die("accept");
		}
		printf("ready %ld\n", n);
		fflush(stdout);
		pause();
	} else {
		return 2;
	}
	return 0;
}
