/* SPDX-License-Identifier: BSD-2-Clause */
/* The CLI's connection to a running daemon's control socket. */
#ifndef NETCON_CLIENT_H
#define NETCON_CLIENT_H

#include <stddef.h>

/* Connect to <home>/control and say hello. Returns the channel fd or -errno. */
int client_open(const char *home);
/* netcon SUB's way in: the home from --home (or the default), then client_open; on failure says
 * why on stderr ("netcon SUB: ...") and returns -1. */
int client_connect(const char *sub, const char *homeopt);
/* Say on stderr why client_open(home) failed with r: no daemon there (with how to start one),
 * refused, or else. */
void client_open_error(const char *sub, const char *home, int r);
/* What a -errno from client_call means for a user: the daemon hung up, did not answer, ... */
const char *client_strerror(int r);
/* Print n bytes of s as a JSON string: printable ASCII kept, the rest escaped. */
void client_json_str(const void *s, size_t n);
/* Send a request (its header filled here) and receive one reply of the given size range. */
int client_call(int fd, void *req, size_t reqlen, void *rep, size_t replen);
/* Receive the next message of a multi-message reply. Returns its length or -errno. */
int client_recv(int fd, void *buf, size_t len);

#endif
