// SPDX-License-Identifier: BSD-2-Clause
/* Files in NETCON_HOME and elsewhere: paths, whole-file reads, crash-safe replacement. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/file.h"

char *file_path(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	return n < 0 ? NULL : s;
}

static int file_write_all(int fd, const uint8_t *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The rename is durable only once the directory holding the name is on disk too. */
static void file_sync_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : strdup(".");
	int fd;

	if (!dir)
		return;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	free(dir);
}

int file_write_atomic(const char *path, const void *data, size_t len, mode_t mode)
{
	char *tmp = file_path("%s.tmp%d", path, (int)getpid());
	int fd, r;

	if (!tmp)
		return -ENOMEM;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
	if (fd < 0) {
		r = -errno;
		free(tmp);
		return r;
	}
	r = fchmod(fd, mode) < 0 ? -errno : 0;
	if (r == 0)
		r = file_write_all(fd, data, len);
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0 && rename(tmp, path) < 0)
		r = -errno;
	if (r < 0)
		unlink(tmp);
	else
		file_sync_dir(path);
	free(tmp);
	return r;
}

ssize_t file_read(const char *path, size_t max, int flags, char **out)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | (flags & FILE_READ_NOFOLLOW ? O_NOFOLLOW : 0));
	size_t cap, total = 0;
	struct stat st;
	ssize_t n, r;
	char *buf;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		r = -errno;
		goto fail;
	}
	r = 0;
	if (!S_ISREG(st.st_mode))
		r = flags & FILE_READ_ANY ? 0 : -EINVAL;
	else if ((uint64_t)st.st_size > max)
		r = -EFBIG;
	if (r < 0)
		goto fail;
	/* A pipe or a device has no size to trust: up to max. */
	cap = S_ISREG(st.st_mode) ? (size_t)st.st_size : max;
	buf = malloc(cap + 2);
	if (!buf) {
		r = -ENOMEM;
		goto fail;
	}
	/* One byte more than the size tells a file that grew since the fstat. */
	while (total <= cap && (n = read(fd, buf + total, cap + 1 - total)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = -errno;
			break;
		}
		total += (size_t)n;
	}
	if (r == 0 && total > cap)
		r = cap == max ? -EFBIG : -EAGAIN;
	if (r < 0) {
		free(buf);
		goto fail;
	}
	close(fd);
	buf[total] = 0;
	*out = buf;
	return (ssize_t)total;
fail:
	close(fd);
	return r;
}
