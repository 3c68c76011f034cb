/* SPDX-License-Identifier: BSD-2-Clause */
/* Files in NETCON_HOME and elsewhere: paths, whole-file reads, crash-safe replacement. */
#ifndef NETCON_FILE_H
#define NETCON_FILE_H

#include <stddef.h>
#include <sys/types.h>

/* printf into a new string (free it); NULL when out of memory. Paths have no fixed bound. */
char *file_path(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Replace path with data[0..len) so that a crash leaves the old file or the new one, never a
 * torn one: a temporary PATH.tmpPID opened with O_NOFOLLOW (a symlink planted there is refused
 * with -ELOOP), given exactly mode (whatever the umask), written, fsync'd, renamed over path
 * (a symlink at path is replaced, not followed), then the directory fsync'd. Returns 0 or
 * -errno; on failure path is untouched and the temporary removed. */
int file_write_atomic(const char *path, const void *data, size_t len, mode_t mode);

/* FILE_READ_NOFOLLOW: refuse a symlink at path (-ELOOP). */
#define FILE_READ_NOFOLLOW 1
/* FILE_READ_ANY: read what is not a regular file too (a pipe, /dev/stdin), up to max bytes. */
#define FILE_READ_ANY 2

/* Read all of a regular file of at most max bytes into a new buffer (free it) with a 0 byte
 * after the data. Returns the length, or -EFBIG (longer than max), -EINVAL (not a regular
 * file, without FILE_READ_ANY), -errno; *out is set only on success. */
ssize_t file_read(const char *path, size_t max, int flags, char **out);

#endif
