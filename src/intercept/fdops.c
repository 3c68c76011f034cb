// SPDX-License-Identifier: BSD-2-Clause
/* close and dup: keep the fd table's entries with their descriptors, without a syscall of ours. */
#include <fcntl.h>
#include <unistd.h>

#include "intercept/intercept.h"

/*
 * The table is checked by inode wherever a syscall is allowed, but the EOF path of the read calls
 * must not make one (recv.c): there an entry left behind by a closed descriptor would answer for
 * whatever file takes its number next.
 */
NC_EXPORT int close(int fd)
{
	if (fdtab_peek(fd))
		fdtab_clear(fd);
	return REAL(close)(fd);
}

NC_EXPORT int dup(int fd)
{
	int r = REAL(dup)(fd);

	if (r >= 0)
		fdtab_copy(fd, r);
	return r;
}

NC_EXPORT int dup2(int fd, int newfd)
{
	int r = REAL(dup2)(fd, newfd);

	if (r >= 0)
		fdtab_copy(fd, r);
	return r;
}

NC_EXPORT int dup3(int fd, int newfd, int flags)
{
	int r = REAL(dup3)(fd, newfd, flags);

	if (r >= 0)
		fdtab_copy(fd, r);
	return r;
}
