/* SPDX-License-Identifier: BSD-2-Clause */
/* The daemon's one epoll loop: objects registered with a type tag, deferred frees, dirty lists. */
#ifndef NETCON_LOOP_H
#define NETCON_LOOP_H

#include <stdint.h>

enum loop_type {
	LOOP_CONTROL = 1, /* the control socket (listening) */
	LOOP_CLIENT, /* a channel to one process */
	LOOP_SIGNAL, /* signalfd */
	LOOP_VCONN, /* a virtual socket's daemon end */
	LOOP_UDP, /* the ZeroTier UDP socket */
	LOOP_ZT_TIMER, /* the ZeroTier node's timerfd */
	LOOP_API_LISTEN, /* the local HTTP API's listening sockets */
	LOOP_API_CONN, /* one HTTP client of the local API */
	LOOP_API_TIMER, /* the local API's timerfd (slow clients) */
};

/* Every object in the epoll set starts with this, so dispatch is one switch. */
struct loop_obj {
	uint8_t type;
	uint8_t dead; /* freed at the end of this iteration; ignore further events */
};

int loop_init(void);
/* Add fd with the given events; obj is handed back to the dispatcher. Returns 0 or -errno. */
int loop_add(int fd, uint32_t events, struct loop_obj *obj);
int loop_mod(int fd, uint32_t events, struct loop_obj *obj);
void loop_del(int fd);
/* Ask the loop to stop after this iteration. */
void loop_stop(void);
/* Run until loop_stop(); dispatch(obj, events) is called per event. */
int loop_run(void (*dispatch)(struct loop_obj *obj, uint32_t events), void (*idle)(void));

#endif
