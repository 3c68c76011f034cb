// SPDX-License-Identifier: BSD-2-Clause
/* Logging: formats into a stack buffer and writes one line with write(2), no stdio, no malloc
 * (only log_open_file allocates, once, its two paths). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"

int log_threshold = LOG_LVL_WARN;
static const char *log_prefix = "netcon";

/* The daemon's log file (log_open_file): its path, the path it rotates to (PATH.1, made once
 * here so that a rotation allocates nothing), descriptor, size and bound. Until log_detach,
 * lines go to stderr as well. */
static char *log_path, *log_old;
static int log_fd = -1;
static long log_size, log_max;
static int log_detached;

int log_set_level(const char *name)
{
	static const char *const names[] = {"error", "warn", "info", "debug"};

	if (!name || !*name)
		return 0;
	if (!strcmp(name, "off") || !strcmp(name, "none")) {
		log_threshold = LOG_LVL_OFF;
		return 0;
	}
	for (int i = 0; i < 4; i++) {
		if (!strcmp(name, names[i])) {
			log_threshold = i;
			return 0;
		}
	}
	return -EINVAL;
}

void log_set_prefix(const char *prefix)
{
	log_prefix = prefix;
}

static int log_open(void)
{
	return open(log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600);
}

int log_open_file(const char *path, long max)
{
	size_t len = strlen(path);
	struct stat st;

	free(log_path);
	free(log_old);
	log_path = strdup(path);
	log_old = malloc(len + 3);
	if (!log_path || !log_old)
		return -ENOMEM;
	memcpy(log_old, path, len);
	memcpy(log_old + len, ".1", 3);
	log_fd = log_open();
	if (log_fd < 0)
		return -errno;
	log_size = fstat(log_fd, &st) == 0 ? (long)st.st_size : 0;
	log_max = max;
	return 0;
}

const char *log_file(void)
{
	return log_fd >= 0 ? log_path : NULL;
}

/* The file is full: it becomes PATH.1 (replacing the one before) and a new one starts, so the
 * two never hold more than twice the bound. The descriptor numbers stay the same. */
static void log_rotate(void)
{
	int fd;

	if (rename(log_path, log_old) < 0)
		return;
	fd = log_open();
	if (fd < 0)
		return;
	dup3(fd, log_fd, O_CLOEXEC);
	if (log_detached) {
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
	}
	close(fd);
	log_size = 0;
}

static void log_file_write(const char *line, int n)
{
	char ts[40];
	struct timespec now;
	struct tm tm;
	struct iovec iov[2];
	ssize_t w;

	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	iov[0].iov_base = ts;
	iov[0].iov_len = strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ ", &tm);
	iov[1].iov_base = (void *)line;
	iov[1].iov_len = (size_t)n;
	if (log_size > 0 && log_size + (long)(iov[0].iov_len + iov[1].iov_len) > log_max)
		log_rotate();
	w = writev(log_fd, iov, 2);
	if (w > 0)
		log_size += (long)w;
}

int log_detach(void)
{
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);

	if (log_fd < 0 || null < 0) {
		if (null >= 0)
			close(null);
		return log_fd < 0 ? -EBADF : -errno;
	}
	dup2(null, STDIN_FILENO);
	close(null);
	if (dup2(log_fd, STDOUT_FILENO) < 0 || dup2(log_fd, STDERR_FILENO) < 0)
		return -errno;
	log_detached = 1;
	return 0;
}

static void log_vline(int level, bool always, const char *fmt, va_list ap)
{
	static const char *const tags[] = {"error", "warning", "info", "debug"};
	char buf[1024];
	int saved = errno, n, m;

	n = snprintf(buf, sizeof(buf), "%s: %s: ", log_prefix, always ? "note" : tags[level]);
	if (n < 0 || n >= (int)sizeof(buf))
		n = 0;
	m = vsnprintf(buf + n, sizeof(buf) - n - 1, fmt, ap);
	if (m < 0)
		m = 0;
	n += m;
	if (n > (int)sizeof(buf) - 2)
		n = sizeof(buf) - 2;
	buf[n++] = '\n';
	if (log_fd >= 0)
		log_file_write(buf, n);
	if ((log_fd < 0 || !log_detached) && !always && write(STDERR_FILENO, buf, n) < 0) {
		/* nothing else to tell it to */
	}
	errno = saved;
}

void log_msg(int level, const char *fmt, ...)
{
	va_list ap;

	if (level > log_threshold)
		return;
	va_start(ap, fmt);
	log_vline(level, false, fmt, ap);
	va_end(ap);
}

void log_note(const char *fmt, ...)
{
	va_list ap;

	if (log_fd < 0)
		return;
	va_start(ap, fmt);
	log_vline(LOG_LVL_INFO, true, fmt, ap);
	va_end(ap);
}
