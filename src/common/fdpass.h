/* SPDX-License-Identifier: BSD-2-Clause */
/* Sending and receiving one message with file descriptors (SCM_RIGHTS) on a unix socket. */
#ifndef NETCON_FDPASS_H
#define NETCON_FDPASS_H

#include <stddef.h>
#include <sys/types.h>

#define FDPASS_MAX 4

/* Send buf (len bytes) with nfds descriptors attached. Returns bytes sent or -errno. */
ssize_t fdpass_send(int sock, const void *buf, size_t len, const int *fds, int nfds, int flags);
/* Receive one message; up to *nfds descriptors are stored in fds and *nfds set to how many came.
 * Descriptors beyond the room given, or a truncated control part, are closed and make the call
 * return -EMFILE (the program's fd limit is the usual cause). flags go to recvmsg (MSG_DONTWAIT,
 * MSG_CMSG_CLOEXEC). Returns bytes received (0 at end of stream) or -errno. */
ssize_t fdpass_recv(int sock, void *buf, size_t len, int *fds, int *nfds, int flags);

#endif
