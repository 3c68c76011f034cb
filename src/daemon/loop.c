// SPDX-License-Identifier: BSD-2-Clause
/* The daemon's one epoll loop: objects registered with a type tag, lwIP driven between batches. */
#include <errno.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "common/log.h"
#include "daemon/loop.h"

#define LOOP_BATCH 256

static int epfd = -1;
static int stopping;
static bool again;
static bool (*poll_fn)(void);
static int (*timeout_fn)(int max_ms);
static void (*due_fn)(void);
static int (*due_timeout_fn)(int max_ms);

int loop_init(void)
{
	epfd = epoll_create1(EPOLL_CLOEXEC);
	return epfd < 0 ? -errno : 0;
}

int loop_add(int fd, uint32_t events, struct loop_obj *obj)
{
	struct epoll_event ev = {.events = events, .data.ptr = obj};

	return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) < 0 ? -errno : 0;
}

int loop_mod(int fd, uint32_t events, struct loop_obj *obj)
{
	struct epoll_event ev = {.events = events, .data.ptr = obj};

	return epoll_ctl(epfd, EPOLL_CTL_MOD, fd, &ev) < 0 ? -errno : 0;
}

void loop_del(int fd)
{
	epoll_ctl(epfd, EPOLL_CTL_DEL, fd, NULL);
}

void loop_stop(void)
{
	stopping = 1;
}

void loop_set_poll(bool (*poll)(void), int (*timeout_ms)(int max_ms))
{
	poll_fn = poll;
	timeout_fn = timeout_ms;
}

void loop_set_due(void (*run_due)(void), int (*timeout_ms)(int max_ms))
{
	due_fn = run_due;
	due_timeout_fn = timeout_ms;
}

void loop_again(void)
{
	again = true;
}

int loop_run(void (*dispatch)(struct loop_obj *obj, uint32_t events), void (*idle)(void))
{
	struct epoll_event evs[LOOP_BATCH];

	while (!stopping) {
		int wait = timeout_fn ? timeout_fn(1000) : 1000;
		int n;

		if (due_timeout_fn)
			wait = due_timeout_fn(wait);
		n = epoll_wait(epfd, evs, LOOP_BATCH, wait);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			log_err("epoll_wait: %m");
			return -errno;
		}
		for (int i = 0; i < n; i++) {
			struct loop_obj *o = evs[i].data.ptr;

			if (!o->dead)
				dispatch(o, evs[i].events);
		}
		if (due_fn)
			due_fn(); /* e.g. the transport's delayed datagrams (a test knob) */
		/* What the batch left to flush, then lwIP's loopback and due timers, which may leave
		 * more: until one pass finds nothing to do. */
		do {
			again = false;
			idle();
		} while (!stopping && ((poll_fn && poll_fn()) || again));
	}
	return 0;
}
