// SPDX-License-Identifier: BSD-2-Clause
/* stress_tcp: connection churn across nodes for tests/stress (a server that accepts and closes,
 * a client that connects, waits for the close and closes, N times). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what, long i)
{
	fprintf(stderr, "stress_tcp: %s (connection %ld): %s\n", what, i, strerror(errno));
	exit(1);
}

int main(int argc, char **argv)
{
	struct sockaddr_in addr;
	long n;

	if (argc < 4 || (strcmp(argv[1], "closer") && strcmp(argv[1], "churn"))) {
		fprintf(stderr, "usage: stress_tcp closer IP PORT | churn IP PORT N\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	memset(&addr, 0, sizeof(addr));
	addr.sin_family = AF_INET;
	addr.sin_port = htons((uint16_t)atoi(argv[3]));
	if (inet_pton(AF_INET, argv[2], &addr.sin_addr) != 1)
		return 2;
	if (!strcmp(argv[1], "closer")) {
		/* Accept and close at once, until killed. */
		int one = 1, lfd = socket(AF_INET, SOCK_STREAM, 0);

		if (lfd < 0)
			die("socket", 0);
		setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(lfd, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(lfd, 1024) < 0)
			die("bind/listen", 0);
		for (long i = 0;; i++) {
			int fd = accept(lfd, NULL, NULL);

			if (fd < 0) {
				if (errno == EINTR || errno == ECONNABORTED)
					continue;
				die("accept", i);
			}
			close(fd);
		}
	}
	n = atol(argv[4]);
	double t0 = now();

	for (long i = 0; i < n; i++) {
		int fd = socket(AF_INET, SOCK_STREAM, 0);
		char c;

		if (fd < 0)
			die("socket", i);
		if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
			die("connect", i);
		/* The server's close: the connection was really accepted. */
		if (read(fd, &c, 1) != 0)
			die("expected EOF", i);
		close(fd);
	}
	printf("%ld connections, %.0f conn/s\n", n, n / (now() - t0));
	return 0;
}
