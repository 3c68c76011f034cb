/* SPDX-License-Identifier: BSD-2-Clause */
/* The daemon confines itself once started: its own user, no new privileges, a seccomp filter. */
#ifndef NETCON_SANDBOX_H
#define NETCON_SANDBOX_H

#include <stdbool.h>

/* The user a daemon started as root runs as, when it exists; else SANDBOX_USER_FALLBACK. */
#define SANDBOX_USER "netcon"
#define SANDBOX_USER_FALLBACK "nobody"

/* Called before start-up writes anything: as root (and CONFINE), finds the user to become and
 * checks that HOME may be given to it (owned by root or that user, writable by no one else).
 * Returns 0 or -errno after logging why. */
int sandbox_prepare(const char *home, bool confine);

/* Called once start-up has bound and written what it needs. As root: give HOME to the daemon's
 * user and become that user. Then, when CONFINE, set no-new-privileges and load the filter that
 * allows only the calls the daemon makes at run time; any other call writes a log line naming it
 * and ends the process. With CONFINE false it only arms the test probe (NETCON_TEST_SANDBOX_PROBE).
 * Returns 0 or -errno after logging why. */
int sandbox_enter(const char *home, bool confine);

#endif
