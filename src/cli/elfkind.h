/* SPDX-License-Identifier: BSD-2-Clause */
/* Which front end a program needs: LD_PRELOAD reaches only programs whose libc is loaded by ld.so. */
#ifndef NETCON_CLI_ELFKIND_H
#define NETCON_CLI_ELFKIND_H

#include <stddef.h>

/* Looks at the program netcon run is to exec (found in PATH as execvp would): why the
 * intercept cannot reach it ("static", "musl", "Go"), or NULL if it can (a dynamic glibc
 * program, a script, or a file that cannot be read: exec will say what is wrong). */
const char *elfkind_needs_seccomp(const char *prog);

#endif
