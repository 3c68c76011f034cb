/* SPDX-License-Identifier: BSD-2-Clause */
/* netcon run's second front end: a seccomp filter on the program, its socket calls answered here. */
#ifndef NETCON_CLI_SECCOMP_H
#define NETCON_CLI_SECCOMP_H

#include <stdbool.h>
#include <sys/types.h>

struct seccomp_opts {
	const char *home; /* the daemon's home */
	bool isolate;
	bool listen_host;
};

/* In the child, just before exec: no_new_privs unless root, then the filter with a listener
 * whose fd is sent to the parent over sock (SCM_RIGHTS). Returns 0 or -errno. */
int seccomp_install(int sock);

/* In the parent: receive the listener over sock and answer the program's trapped calls until
 * no process with the filter is left. Once the child (pid) has exited, its status is what
 * this returns as an exit status; if processes with the filter outlive it (a daemonising
 * server), the supervisor forks into the background first so the caller gets that status at
 * once. Returns an exit status (1 if supervision could not start; the child is killed then). */
int seccomp_supervise(const struct seccomp_opts *o, pid_t pid, int sock);

#endif
