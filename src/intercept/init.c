// SPDX-License-Identifier: BSD-2-Clause
/* libnetcon.so start-up: configuration read once, real libc functions, fork handlers. */
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "intercept/intercept.h"

struct real_fns real;
struct nc_config cfg;

void icpt_resolve(void)
{
#define R(name) real.name = (__typeof__(real.name))dlsym(RTLD_NEXT, #name)
	R(socket);
	R(bind);
	R(listen);
	R(shutdown);
	R(accept);
	R(accept4);
	R(connect);
	R(getsockname);
	R(getpeername);
	R(getsockopt);
	R(setsockopt);
	R(epoll_ctl);
	R(sendto);
	R(sendmsg);
	R(recvfrom);
	R(recvmsg);
	R(sendmmsg);
	R(syscall);
	R(recvmmsg);
	R(read);
	R(write);
	R(writev);
	R(send);
	R(readv);
	R(recv);
	R(__read_chk);
	R(__recv_chk);
	R(close);
	R(dup);
	R(dup2);
	R(dup3);
	R(getaddrinfo);
	R(getnameinfo);
	R(gethostbyname);
	R(gethostbyname2);
	R(gethostbyaddr);
	R(gethostbyname_r);
	R(gethostbyname2_r);
	R(gethostbyaddr_r);
#undef R
}

static void icpt_atfork_prepare(void)
{
	chan_before_fork();
}

static void icpt_atfork_parent(void)
{
	chan_after_fork_parent();
}

static void icpt_atfork_child(void)
{
	chan_after_fork_child();
}

__attribute__((constructor(101))) static void icpt_init(void)
{
	const char *home = getenv("NETCON_HOME"), *v;
	int saved = errno;

	icpt_resolve();
	log_set_prefix("netcon");
	log_threshold = LOG_LVL_OFF;
	if (getenv("NETCON_LOG") && log_set_level(getenv("NETCON_LOG")) < 0)
		log_threshold = LOG_LVL_OFF;
	if (home && *home &&
	    snprintf(cfg.control, sizeof(cfg.control), "%s/%s", home, NC_CONTROL_NAME) <
		(int)sizeof(cfg.control)) {
		cfg.active = true;
		v = getenv("NETCON_ISOLATE");
		cfg.isolate = v && *v == '1';
		v = getenv("NETCON_LISTEN_HOST");
		cfg.listen_host = v && *v == '1';
		names_init(home);
	}
	fdtab_init();
	pthread_atfork(icpt_atfork_prepare, icpt_atfork_parent, icpt_atfork_child);
	errno = saved;
}
