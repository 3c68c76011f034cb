// SPDX-License-Identifier: BSD-2-Clause
/* netcon run: start a program with libnetcon.so preloaded, its sockets on the virtual network. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/client.h"
#include "cli/elfkind.h"
#include "cli/netns.h"
#include "cli/opt.h"
#include "cli/seccomp.h"
#include "common/log.h"
#include "netcon/rpc.h"

static void run_usage(FILE *f)
{
	fprintf(f,
		"Usage: netcon run [--home DIR] [--isolate] [--listen-host] [--seccomp] -- PROGRAM "
		"[ARGS...]\n\n"
		"Runs PROGRAM with its TCP sockets on the netcon daemon's virtual network:\n"
		"connections to virtual addresses and listeners on them or on the wildcard go\n"
		"through the daemon; loopback and host addresses stay on the host.\n\n"
		"  --home DIR      the daemon's home (default $NETCON_HOME, ~/.netcon, or\n"
		"                  /var/lib/netcon for root)\n"
		"  --isolate       refuse everything that is not on the virtual network; the\n"
		"                  program runs in a network namespace with only a loopback\n"
		"  --listen-host   wildcard binds listen on the host, not the virtual network\n"
		"  --seccomp       catch the socket calls with a seccomp filter instead of\n"
		"                  LD_PRELOAD (the default for static, musl and Go programs)\n\n"
		"The exit status is the program's; 127 if it cannot be found, 126 if it cannot\n"
		"be run, 1 if no daemon answers.\n");
}

/* libnetcon.so beside the binary (build tree) or in ../lib/netcon (installed). */
static int run_find_lib(char *buf, size_t size)
{
	const char *env = getenv("NETCON_LIB");
	char exe[PATH_MAX], *slash;
	ssize_t n;

	if (env && *env) {
		snprintf(buf, size, "%s", env);
		return access(buf, R_OK) == 0 ? 0 : -errno;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n < 0)
		return -errno;
	exe[n] = 0;
	slash = strrchr(exe, '/');
	if (!slash)
		return -ENOENT;
	*slash = 0;
	if (snprintf(buf, size, "%.4000s/libnetcon.so", exe) >= (int)size)
		return -ENAMETOOLONG;
	if (access(buf, R_OK) == 0)
		return 0;
	if (snprintf(buf, size, "%.4000s/../lib/netcon/libnetcon.so", exe) >= (int)size)
		return -ENAMETOOLONG;
	if (access(buf, R_OK) == 0) {
		char real[PATH_MAX];

		if (realpath(buf, real))
			snprintf(buf, size, "%s", real);
		return 0;
	}
	return -ENOENT;
}

static pid_t run_child;

static void run_forward(int sig)
{
	if (run_child > 0)
		kill(run_child, sig);
}

/* The seccomp front end: the program runs in a child under a filter; we answer its calls. */
static int run_seccomp(const struct seccomp_opts *o, char **argv)
{
	struct sigaction sa;
	int sv[2], r;
	pid_t parent;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		fprintf(stderr, "netcon run: socketpair: %s\n", strerror(errno));
		return 1;
	}
	parent = getpid();
	run_child = fork();
	if (run_child < 0) {
		fprintf(stderr, "netcon run: fork: %s\n", strerror(errno));
		return 1;
	}
	if (run_child == 0) {
		/* Killing netcon run kills the program, as it does under the intercept (where they
		 * are one process): without its supervisor the program's socket calls would fail. */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
			_exit(1);
		close(sv[0]);
		if (o->isolate) {
			r = netns_isolate(o->home);
			if (r < 0) {
				fprintf(stderr,
					"netcon run: --isolate: cannot make a network namespace: "
					"%s\n",
					strerror(-r));
				_exit(1);
			}
		}
		r = seccomp_install(sv[1]);
		if (r < 0) {
			fprintf(stderr, "netcon run: cannot install the seccomp filter: %s\n",
				strerror(-r));
			_exit(1);
		}
		close(sv[1]);
		execvp(argv[0], argv);
		r = errno;
		fprintf(stderr, "netcon run: %s: %s\n", argv[0], strerror(r));
		_exit(r == ENOENT ? 127 : 126);
	}
	close(sv[1]);
	/* A signal meant for the program (^C, a service manager's SIGTERM) goes on to it; we
	 * stay to answer its calls until it has gone. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = run_forward;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGQUIT, &sa, NULL);
	return seccomp_supervise(o, run_child, sv[0]);
}

struct run_opts {
	const char *home;
	bool isolate, listen_host, seccomp;
};

static const struct opt run_options[] = {
    OPT_STRING("home", 0, struct run_opts, home),
    OPT_FLAG("isolate", 0, struct run_opts, isolate),
    OPT_FLAG("listen-host", 0, struct run_opts, listen_host),
    OPT_FLAG("seccomp", 0, struct run_opts, seccomp),
    {0},
};

static const struct opt_verb run_verb = {.name = "run",
					 .usage = run_usage,
					 .opts = run_options,
					 .max_args = OPT_ANY_ARGS,
					 .stop_at_arg = true};

/* cmd_run once the home is known: returns the exit status, or does not return (exec). */
static int run_home(const struct run_opts *o, const char *home, char **argv)
{
	/* lib: run_find_lib's readlink of /proc/self/exe is bounded by PATH_MAX anyway. */
	char lib[PATH_MAX], *preload;
	const char *old, *why;
	struct nc_hdr h;
	int fd, r;

	if (run_find_lib(lib, sizeof(lib)) < 0) {
		fprintf(stderr, "netcon run: cannot find libnetcon.so (set NETCON_LIB)\n");
		return 1;
	}
	fd = client_open(home);
	if (fd < 0) {
		client_open_error("run", home, fd);
		return 1;
	}
	/* The daemon remembers us, so that our descendants are let in even after they change
	 * user (apache's children, sshd's privilege separation). The pid stays across exec. */
	memset(&h, 0, sizeof(h));
	h.type = NC_RUN_REGISTER;
	r = client_call(fd, &h, sizeof(h), &h, sizeof(h));
	close(fd);
	if (r < 0) {
		fprintf(stderr, "netcon run: the daemon refused: %s\n", client_strerror(r));
		return 1;
	}
	why = o->seccomp ? "--seccomp" : elfkind_needs_seccomp(argv[optind]);
	if (why) {
		struct seccomp_opts so = {
		    .home = home, .isolate = o->isolate, .listen_host = o->listen_host};

		log_info("netcon run: %s: front end: seccomp (%s)", argv[optind],
			 strcmp(why, "--seccomp") == 0 ? why
			 : strcmp(why, "static") == 0  ? "a static binary"
			 : strcmp(why, "musl") == 0    ? "a musl binary"
						       : "a Go binary");
		return run_seccomp(&so, argv + optind);
	}
	/* Debug, not info: the usual case, and programs' own output under NETCON_LOG=info stays
	 * as it was. */
	log_debug("netcon run: %s: front end: intercept (LD_PRELOAD)", argv[optind]);
#ifdef NETCON_ASAN_BUILD
	/* Sanitizer builds: our ASan-built test programs find the (UBSan-only) intercept ahead of
	 * their runtime; the programs run are not ours, so their leaks are not reported. */
	setenv("ASAN_OPTIONS", "verify_asan_link_order=0:detect_leaks=0", 0);
#endif
	old = getenv("LD_PRELOAD");
	if (old && *old) {
		size_t len = strlen(old) + strlen(lib) + 2;

		preload = malloc(len);
		if (!preload)
			return 1;
		/* Kept first: a sanitizer runtime must come before us. */
		snprintf(preload, len, "%s %s", old, lib);
	} else {
		preload = lib;
	}
	setenv("LD_PRELOAD", preload, 1);
	setenv("NETCON_HOME", home, 1);
	if (o->isolate)
		setenv("NETCON_ISOLATE", "1", 1);
	else
		unsetenv("NETCON_ISOLATE");
	if (o->listen_host)
		setenv("NETCON_LISTEN_HOST", "1", 1);
	else
		unsetenv("NETCON_LISTEN_HOST");
	/* The kernel enforces --isolate for what the intercept never sees (static and Go binaries,
	 * inline system calls, io_uring): the program gets a network namespace with only a
	 * loopback. The daemon's control socket is a pathname socket, reached from any namespace. */
	if (o->isolate) {
		r = netns_isolate(home);
		if (r < 0) {
			fprintf(stderr,
				"netcon run: --isolate: cannot make a network namespace: %s\n",
				strerror(-r));
			return 1;
		}
	}
	execvp(argv[optind], argv + optind);
	r = errno;
	fprintf(stderr, "netcon run: %s: %s\n", argv[optind], strerror(r));
	return r == ENOENT ? 127 : 126;
}

int cmd_run(int argc, char **argv)
{
	struct run_opts o = {0};
	char *home;
	int r = opt_parse(&run_verb, argc, argv, &o);

	if (r >= 0)
		return r;
	if (optind >= argc)
		return cli_usage_error("run", "no program given");
	home = cli_home(o.home);
	if (!home)
		return cli_usage_error("run", "home path too long");
	r = run_home(&o, home, argv);
	free(home);
	return r;
}
