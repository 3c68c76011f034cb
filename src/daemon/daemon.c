// SPDX-License-Identifier: BSD-2-Clause
/* The netcon daemon: start-up, the loop, shutdown. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "common/addr.h"
#include "common/file.h"
#include "common/log.h"
#include "daemon/api.h"
#include "daemon/daemon.h"
#include "daemon/loop.h"
#include "daemon/resolv.h"
#include "daemon/rpc_srv.h"
#include "daemon/sandbox.h"
#include "daemon/stack.h"
#include "daemon/transport.h"
#include "daemon/vconn.h"
#include "daemon/ctrl.h"
#include "daemon/ztnet.h"
#include "daemon/ztnode.h"
#include "netcon/version.h"

#define DAEMON_NOFILE_WANT (1 << 20)

static struct loop_obj signal_obj = {.type = LOOP_SIGNAL};
static int signal_fd = -1;

static void daemon_dispatch(struct loop_obj *obj, uint32_t events)
{
	switch (obj->type) {
	case LOOP_CONTROL:
	case LOOP_CLIENT:
		rpc_srv_event(obj, events);
		break;
	case LOOP_VCONN:
		vconn_event(obj, events);
		break;
	case LOOP_UDP:
		transport_event(obj, events);
		break;
	case LOOP_ZT_TIMER:
		ztnode_event(obj, events);
		break;
	case LOOP_API_LISTEN:
	case LOOP_API_CONN:
	case LOOP_API_TIMER:
		api_event(obj, events);
		break;
	case LOOP_SIGNAL: {
		struct signalfd_siginfo si;

		while (read(signal_fd, &si, sizeof(si)) == sizeof(si)) {
			log_info("signal %u: shutting down", si.ssi_signo);
			loop_stop();
		}
		break;
	}
	}
}

/* The ZeroTier layers, composed here so that each calls only down: the node (ztnode.c) hands
 * network verbs up through this callback; the networks (ztnet.c) and the controller (ctrl.c)
 * send through the node. A config request for one of our networks is the controller's,
 * everything else the networks'. */
static void daemon_zt_network(void *ctx, uint64_t from, uint64_t packet_id, unsigned verb,
			      const uint8_t *payload, size_t len, int64_t now)
{
	if (!ctrl_input(from, packet_id, verb, payload, len, now))
		ztnet_input(from, packet_id, verb, payload, len, now);
}

static int daemon_zt_start(const struct daemon_config *cfg)
{
	struct ztnode_config zc = {
	    .home = cfg->home,
	    .planet = cfg->planet,
	    .port = cfg->port,
	    .network = daemon_zt_network,
	};
	int r = ztnode_start(&zc);

	if (r < 0)
		return r;
	ctrl_start(cfg->home, ztnode_time()); /* without it the node still runs, as a member only */
	ztnet_start(ztnode_time());
	return 0;
}

/* Timers of the networks, then of the node (which sends what both queued). */
static void daemon_zt_idle(void)
{
	ztnode_idle(ztnet_tick(ztnode_time()));
}

static void daemon_zt_stop(void)
{
	ztnet_stop();
	ctrl_stop();
	ztnode_stop();
}

static void daemon_idle(void)
{
	vconn_flush();
	rpc_srv_reap();
	api_reap();
	daemon_zt_idle();
}

/* fds in flight count against our limit (doc/design.md, "Descriptor limits"). Root may raise the
 * hard limit too, up to the kernel's nr_open. */
static void daemon_raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return;
	if (rl.rlim_max < DAEMON_NOFILE_WANT) {
		struct rlimit want = {DAEMON_NOFILE_WANT, DAEMON_NOFILE_WANT};

		if (setrlimit(RLIMIT_NOFILE, &want) == 0)
			return;
	}
	rl.rlim_cur = rl.rlim_max;
	setrlimit(RLIMIT_NOFILE, &rl);
}

static int daemon_prepare_home(const char *home)
{
	struct stat st;

	if (mkdir(home, 0711) < 0 && errno != EEXIST)
		return -errno;
	if (stat(home, &st) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	return 0;
}

static void daemon_write_pid(const char *home)
{
	char *path = file_path("%s/netcon.pid", home), buf[32];
	int n = snprintf(buf, sizeof(buf), "%d\n", (int)getpid());

	if (!path || file_write_atomic(path, buf, (size_t)n, 0644) < 0)
		log_warn("writing %s/netcon.pid failed", home);
	free(path);
}

static void daemon_remove_pid(const char *home)
{
	char *path = file_path("%s/netcon.pid", home);

	if (path)
		unlink(path);
	free(path);
}

int daemon_main(const struct daemon_config *cfg)
{
	int r, ready[2] = {-1, -1};
	sigset_t mask;
	char *path;

	r = daemon_prepare_home(cfg->home);
	if (r < 0) {
		log_err("home %s: %s", cfg->home, strerror(-r));
		return 1;
	}
	if (sandbox_prepare(cfg->home, !cfg->no_sandbox) < 0)
		return 1;
	if (cfg->background) {
		pid_t pid;

		/* Opened here, so that the caller hears of a log we cannot write. */
		path = file_path("%s/" DAEMON_LOG_NAME, cfg->home);
		r = path ? log_open_file(path, cfg->log_max) : -ENOMEM;
		if (r < 0)
			log_err("log file %s/" DAEMON_LOG_NAME ": %s", cfg->home, strerror(-r));
		free(path);
		if (r < 0)
			return 1;
		if (pipe2(ready, O_CLOEXEC) < 0) {
			log_err("pipe: %m");
			return 1;
		}
		pid = fork();
		if (pid < 0) {
			log_err("fork: %m");
			return 1;
		}
		if (pid > 0) {
			char c = 1;

			/* The parent returns once the control socket accepts, or with the child's error. */
			close(ready[1]);
			if (read(ready[0], &c, 1) != 1 || c != 0)
				return 1;
			printf("%d\n", (int)pid);
			return 0;
		}
		close(ready[0]);
		setsid();
		log_note("netcon %s starting: pid %d, home %s", NETCON_VERSION, (int)getpid(),
			 cfg->home);
	}
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	daemon_raise_nofile();
	r = loop_init();
	if (r == 0) {
		signal_fd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
		r = signal_fd < 0 ? -errno : loop_add(signal_fd, EPOLLIN, &signal_obj);
	}
	if (r < 0) {
		log_err("event loop: %s", strerror(-r));
		goto fail;
	}
	stack_init();
	stack_set_unreach_cb(vconn_udp_unreach);
	for (int i = 0; i < cfg->naddrs; i++) {
		char buf[64];

		r = stack_standalone_add(&cfg->addrs[i]);
		if (r < 0) {
			log_err("--addr %s: %s",
				addr_format(&cfg->addrs[i].addr, false, buf, sizeof(buf)),
				strerror(-r));
			goto fail;
		}
	}
	r = rpc_srv_open(cfg->home);
	if (r == -EADDRINUSE) {
		log_err("a daemon is already running with home %s", cfg->home);
		goto fail;
	} else if (r < 0) {
		log_err("control socket in %s: %s", cfg->home, strerror(-r));
		goto fail;
	}
	r = daemon_zt_start(cfg);
	if (r < 0) {
		daemon_zt_stop();
		rpc_srv_close();
		goto fail;
	}
	daemon_zt_idle();
	{
		/* zerotier-cli, ztncui and Prometheus find the node where zerotier-one would be. */
		struct nc_zt_info zi;

		memset(&zi, 0, sizeof(zi));
		if (ztnode_info(&zi) < 0 || api_start(cfg->home, zi.port) < 0)
			log_warn("the local API is off (see above)");
	}
	/* Always: a file left by a daemon that was killed must not outlive it. */
	r = resolv_start(cfg->home, cfg->dns, cfg->ndns, cfg->domain);
	if (r < 0)
		log_warn("writing %s/" RESOLV_FILE ": %s", cfg->home, strerror(-r));
	daemon_write_pid(cfg->home);
	/* Confined before anyone is told we are ready: nothing a client sends meets it unconfined. */
	if (sandbox_enter(cfg->home, !cfg->no_sandbox) < 0) {
		vconn_shutdown_all();
		rpc_srv_close();
		daemon_zt_stop();
		resolv_remove(cfg->home);
		daemon_remove_pid(cfg->home);
		goto fail;
	}
	log_info("ready: home %s, pid %d", cfg->home, (int)getpid());
	if (cfg->background) {
		char c = 0;

		/* Off the caller's terminal and pipes before it returns: `netcon daemon -d | cat`
		 * ends, and nothing we print later can block on a reader that went away. */
		r = log_detach();
		if (r < 0)
			log_warn("detaching from the caller: %s", strerror(-r));
		log_note("ready: pid %d; this log is bounded at %ld bytes, then moved to %s.1",
			 (int)getpid(), cfg->log_max, log_file());
		if (write(ready[1], &c, 1) != 1)
			log_warn("telling the parent we are ready failed");
		close(ready[1]);
	}
	loop_run(daemon_dispatch, daemon_idle);
	vconn_shutdown_all();
	api_stop();
	rpc_srv_close();
	daemon_zt_stop();
	resolv_remove(cfg->home);
	daemon_remove_pid(cfg->home);
	if (log_file())
		log_note("stopped");
	else
		log_info("stopped");
	return 0;
fail:
	if (ready[1] >= 0) {
		char c = 1;

		if (write(ready[1], &c, 1) < 0)
			log_warn("telling the parent we failed failed");
	}
	return 1;
}
