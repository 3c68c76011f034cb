// SPDX-License-Identifier: BSD-2-Clause
/* The daemon's one epoll loop: objects registered with a type tag, lwIP driven between batches. */
#include <errno.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "common/log.h"
#include "daemon/loop.h"
#include "daemon/stack.h"
#include "daemon/transport.h"

#define LOOP_BATCH 256

static int epfd = -1;
static int stopping;

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

int loop_run(void (*dispatch)(struct loop_obj *obj, uint32_t events), void (*idle)(void))
{
	struct epoll_event evs[LOOP_BATCH];

	while (!stopping) {
		int n =
		    epoll_wait(epfd, evs, LOOP_BATCH, transport_timeout_ms(stack_timeout_ms(1000)));

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
		transport_run_due(); /* the test knob's delayed datagrams */
		/* lwIP's timers and loopback, then what the batch left to flush. */
		do
			idle();
		while (stack_poll() && !stopping);
		idle();
	}
	return 0;
}
