/* SPDX-License-Identifier: BSD-2-Clause */
/* The daemon's one epoll loop: objects registered with a type tag, deferred frees, dirty lists. */
#ifndef NETCON_LOOP_H
#define NETCON_LOOP_H

#include <stdbool.h>
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
/* What the loop runs between batches besides idle, and how long it may sleep: poll returns true
 * if it did something (lwIP: looped-back packets delivered, due timers run); timeout_ms caps
 * epoll's wait at the next due time, at most max_ms. stack_init registers lwIP's. */
void loop_set_poll(bool (*poll)(void), int (*timeout_ms)(int max_ms));
/* Work held for a time, run after each batch: run_due does what is due, timeout_ms caps epoll's
 * wait (at most max_ms) so the loop wakes for the next. The transport registers its delay
 * queue (NETCON_TEST_DELAY_MS) when that knob is set. */
void loop_set_due(void (*run_due)(void), int (*timeout_ms)(int max_ms));
/* Work was queued for idle outside idle's own flush: idle runs once more before the loop
 * sleeps. */
void loop_again(void);
/* Run until loop_stop(); dispatch(obj, events) is called per event; after each batch, idle and
 * the poller run in turn until a pass finds nothing more to do. */
int loop_run(void (*dispatch)(struct loop_obj *obj, uint32_t events), void (*idle)(void));

#endif
