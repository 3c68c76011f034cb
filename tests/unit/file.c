// SPDX-License-Identifier: BSD-2-Clause
/* common/file.c: the atomic write's fsyncs, rename, mode and O_NOFOLLOW; file_read's bounds. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/file.h"
#include "tap.h"

/* Linked with --wrap: every fsync, rename and open the module makes is seen here. */
int __real_fsync(int fd);
int __real_rename(const char *from, const char *to);
int __real_open(const char *path, int flags, ...);
int __wrap_fsync(int fd);
int __wrap_rename(const char *from, const char *to);
int __wrap_open(const char *path, int flags, ...);

static struct {
	int fsync_file, fsync_dir, renames, fail_rename, opens_nofollow;
	char file_at_fsync[256]; /* the file's content when it was fsync'd */
} seen;

int __wrap_fsync(int fd)
{
	struct stat st;

	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		seen.fsync_dir++;
	} else {
		/* The module's descriptor is write-only: read the file through /proc. */
		char self[64];
		int rfd;
		ssize_t n = -1;

		snprintf(self, sizeof(self), "/proc/self/fd/%d", fd);
		rfd = __real_open(self, O_RDONLY);
		if (rfd >= 0) {
			n = pread(rfd, seen.file_at_fsync, sizeof(seen.file_at_fsync) - 1, 0);
			close(rfd);
		}
		seen.file_at_fsync[n > 0 ? n : 0] = 0;
		seen.fsync_file++;
	}
	return __real_fsync(fd);
}

int __wrap_rename(const char *from, const char *to)
{
	seen.renames++;
	/* A rename before the data and its fsync would let a crash leave an empty file. */
	if (!seen.fsync_file)
		seen.renames += 100;
	if (seen.fail_rename) {
		errno = EXDEV;
		return -1;
	}
	return __real_rename(from, to);
}

int __wrap_open(const char *path, int flags, ...)
{
	mode_t mode = 0;
	va_list ap;

	va_start(ap, flags);
	if (flags & O_CREAT)
		mode = (mode_t)va_arg(ap, int);
	va_end(ap);
	if ((flags & O_CREAT) && (flags & O_NOFOLLOW))
		seen.opens_nofollow++;
	return __real_open(path, flags, mode);
}

static char dir[] = "/tmp/netcon-file-test.XXXXXX";

static char *at(const char *name)
{
	return file_path("%s/%s", dir, name);
}

static char *slurp(const char *path)
{
	char *buf = NULL;

	return file_read(path, 4096, 0, &buf) >= 0 ? buf : NULL;
}

static int count_entries(void)
{
	char *cmd = file_path("ls -A %s | wc -l", dir);
	FILE *f = popen(cmd, "r");
	int n = -1;

	if (f && fscanf(f, "%d", &n) != 1)
		n = -1;
	if (f)
		pclose(f);
	free(cmd);
	return n;
}

static void test_write(void)
{
	char *p = at("a.conf"), *got;
	struct stat st;

	memset(&seen, 0, sizeof(seen));
	umask(077);
	is_int(file_write_atomic(p, "hello\n", 6, 0644), 0, "write a new file");
	got = slurp(p);
	ok(got && !strcmp(got, "hello\n"), "its content");
	free(got);
	memset(&st, 0, sizeof(st));
	stat(p, &st);
	ok((st.st_mode & 07777) == 0644, "mode 0644 despite umask 077 (%o)", st.st_mode & 07777);
	is_int(seen.fsync_file, 1, "the file is fsync'd once");
	ok(!strcmp(seen.file_at_fsync, "hello\n"), "after its data is written");
	is_int(seen.renames, 1, "renamed once, after the fsync");
	is_int(seen.fsync_dir, 1, "the directory is fsync'd after the rename");
	is_int(seen.opens_nofollow, 1, "the temporary is opened with O_NOFOLLOW");
	is_int(count_entries(), 1, "no temporary left behind");

	/* Replacing: the new mode, the new content. */
	is_int(file_write_atomic(p, "second", 6, 0600), 0, "replace it");
	got = slurp(p);
	ok(got && !strcmp(got, "second"), "the new content");
	free(got);
	memset(&st, 0, sizeof(st));
	stat(p, &st);
	ok((st.st_mode & 07777) == 0600, "the new mode 0600 (%o)", st.st_mode & 07777);
	umask(022);
	free(p);
}

static void test_failures(void)
{
	char *p = at("a.conf"), *victim = at("victim"), *tmp, *got;
	struct stat st;

	/* A symlink where the temporary goes must not be written through. */
	tmp = file_path("%s.tmp%d", p, (int)getpid());
	is_int(file_write_atomic(victim, "victim", 6, 0600), 0, "a victim file");
	ok(symlink(victim, tmp) == 0, "a symlink planted at the temporary's name");
	is_int(file_write_atomic(p, "evil", 4, 0644), -ELOOP, "refused: -ELOOP");
	got = slurp(victim);
	ok(got && !strcmp(got, "victim"), "the victim is untouched");
	free(got);
	got = slurp(p);
	ok(got && !strcmp(got, "second"), "the old file is untouched");
	free(got);
	unlink(tmp);

	/* A symlink at the target itself is replaced, its destination left alone. */
	unlink(p);
	ok(symlink(victim, p) == 0, "a symlink planted at the target");
	is_int(file_write_atomic(p, "fresh", 5, 0644), 0, "written");
	ok(lstat(p, &st) == 0 && S_ISREG(st.st_mode), "the target is now a regular file");
	got = slurp(victim);
	ok(got && !strcmp(got, "victim"), "the symlink's destination is untouched");
	free(got);

	/* A failed rename leaves the old file and no temporary. */
	seen.fail_rename = 1;
	is_int(file_write_atomic(p, "lost", 4, 0644), -EXDEV, "a failed rename is reported");
	seen.fail_rename = 0;
	got = slurp(p);
	ok(got && !strcmp(got, "fresh"), "the old content stays");
	free(got);
	ok(access(tmp, F_OK) < 0 && errno == ENOENT, "the temporary is removed");
	free(tmp);

	/* file_read: NOFOLLOW, bounds, not a regular file. */
	unlink(p);
	ok(symlink(victim, p) == 0, "a symlink to read through");
	{
		char *buf = NULL;

		is_int(file_read(p, 100, 0, &buf), 6, "followed by default");
		free(buf);
		buf = NULL;
		is_int(file_read(p, 100, FILE_READ_NOFOLLOW, &buf), -ELOOP,
		       "refused with FILE_READ_NOFOLLOW");
		ok(buf == NULL, "no buffer on failure");
		is_int(file_read(victim, 6, 0, &buf), 6, "exactly max bytes fit");
		ok(buf && buf[6] == 0, "0-terminated");
		free(buf);
		buf = NULL;
		is_int(file_read(victim, 5, 0, &buf), -EFBIG, "one byte over max: -EFBIG");
		is_int(file_read(dir, 100, 0, &buf), -EINVAL, "a directory: -EINVAL");
		is_int(file_read("/nonexistent/x", 100, 0, &buf), -ENOENT, "missing: -ENOENT");
		is_int(file_read(dir, 100, FILE_READ_ANY, &buf), -EISDIR,
		       "a directory with FILE_READ_ANY: -EISDIR");
	}
	/* FILE_READ_ANY: a pipe (planet show /dev/stdin), whose size fstat does not tell. */
	for (size_t max = 7; max >= 5; max -= 2) {
		char *buf = NULL, name[64];
		int fds[2];

		if (pipe(fds) < 0 || write(fds[1], "abcdef", 6) != 6) {
			ok(0, "pipe: %s", strerror(errno));
			break;
		}
		close(fds[1]);
		snprintf(name, sizeof(name), "/proc/self/fd/%d", fds[0]);
		if (max == 7) {
			is_int(file_read(name, max, 0, &buf), -EINVAL, "a pipe: -EINVAL");
			is_int(file_read(name, max, FILE_READ_ANY, &buf), 6,
			       "a pipe with FILE_READ_ANY: its 6 bytes");
			ok(buf && !strcmp(buf, "abcdef"), "and 0-terminated");
		} else {
			is_int(file_read(name, max, FILE_READ_ANY, &buf), -EFBIG,
			       "a pipe one byte over max: -EFBIG");
		}
		free(buf);
		close(fds[0]);
	}
	unlink(p);
	unlink(victim);
	free(p);
	free(victim);
}

int main(void)
{
	if (!mkdtemp(dir)) {
		ok(0, "mkdtemp: %s", strerror(errno));
		return done_testing();
	}
	test_write();
	test_failures();
	rmdir(dir);
	return done_testing();
}
