// SPDX-License-Identifier: BSD-2-Clause
/* The daemon's confinement: a dedicated user, no new privileges, and a seccomp allowlist. */
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/netlink.h>
#include <linux/seccomp.h>
#include <pwd.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/log.h"
#include "daemon/sandbox.h"

#if defined(__x86_64__)
#define SANDBOX_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define SANDBOX_ARCH AUDIT_ARCH_AARCH64
#endif

/* The low 32 bits of a call's argument (the filter reads 32-bit words). */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define SANDBOX_ARG_LO(i) (offsetof(struct seccomp_data, args) + (i)*8)
#else
#define SANDBOX_ARG_LO(i) (offsetof(struct seccomp_data, args) + (i)*8 + 4)
#endif

#if defined(__SANITIZE_ADDRESS__) || defined(NETCON_SANITIZER)
#define SANDBOX_SANITIZER 1
#endif

/* Every system call the daemon makes once it is serving, the busiest first (the filter tries
 * them in this order). Found by tracing the daemon through the whole test suite; a call missing
 * here ends the daemon with a log line that names it. */
#define SC(name) __NR_##name
static const int sandbox_allowed[] = {
/* the loop, the relays, the ZeroTier socket */
#ifdef __NR_epoll_wait
    SC(epoll_wait),
#endif
    SC(epoll_pwait),
    SC(recvmsg),
    SC(sendmsg),
    SC(recvmmsg),
    SC(sendmmsg),
    SC(read),
    SC(write),
    SC(readv),
    SC(writev),
    SC(recvfrom),
    SC(sendto),
    SC(epoll_ctl),
    SC(timerfd_settime),
    SC(clock_gettime),
    SC(gettimeofday),
    SC(close),
    /* virtual sockets: a socketpair per socket, its flags and buffer sizes, passed by SCM_RIGHTS */
    SC(socketpair),
    SC(fcntl),
    SC(setsockopt),
    SC(getsockopt),
    SC(getsockname),
    SC(shutdown),
    SC(accept4),
    SC(dup),
    SC(dup3),
    /* state files: written to a temporary name, synced and renamed; read back; listed */
    SC(openat),
    SC(newfstatat),
    SC(fstat),
    SC(statx),
    SC(lseek),
    SC(pread64),
    SC(fsync),
    SC(fdatasync),
    SC(renameat),
    SC(renameat2),
    SC(unlinkat),
    SC(mkdirat),
    SC(getdents64),
    SC(fchmod),
    SC(ftruncate),
    /* getifaddrs, for the direct paths a node tells its peers: a netlink socket (socket(2) is
     * allowed for AF_NETLINK/NETLINK_ROUTE only, before this table) */
    SC(bind),
    /* memory (malloc), randomness, identity, time */
    SC(mmap),
    SC(munmap),
    SC(mremap),
    SC(madvise),
    SC(mprotect),
    SC(brk),
    SC(getrandom),
    SC(getpid),
    SC(gettid),
    SC(getuid),
    SC(geteuid),
    SC(clock_nanosleep),
    SC(futex),
    /* signals: SIGTERM/SIGINT arrive through a signalfd; the SIGSYS handler returns nowhere */
    SC(rt_sigprocmask),
    SC(rt_sigreturn),
    SC(exit_group),
    SC(exit),
#ifdef __NR_open
    /* the older calls glibc or a library may still make on this architecture */
    SC(open),
    SC(stat),
    SC(lstat),
    SC(rename),
    SC(unlink),
    SC(mkdir),
    SC(rmdir),
    SC(dup2),
    SC(poll),
#endif
#ifdef SANDBOX_SANITIZER
    /* ASan/UBSan/LSan runtimes: their allocator, their report and LeakSanitizer's check at exit,
     * which stops the world with a cloned tracer thread and ptrace. */
    SC(sched_yield),
    SC(sigaltstack),
    SC(rt_sigaction),
    SC(prctl),
    SC(readlinkat),
    SC(clone),
    SC(clone3),
    SC(ptrace),
    SC(wait4),
    SC(waitid),
    SC(tgkill),
    SC(kill),
    SC(getppid),
    SC(set_robust_list),
    SC(rseq),
    SC(getrlimit),
    SC(prlimit64),
    SC(sched_getaffinity),
    SC(pipe2),
    SC(execve),
    SC(uname),
    SC(process_vm_readv),
#ifdef __NR_readlink
    SC(getdents),
    SC(readlink),
    SC(fork),
    SC(vfork),
    SC(pipe),
    SC(access),
#endif
#endif
};
#undef SC

/* Every call's name, for the line that tells which one was refused (made by the Makefile from
 * the C library's <sys/syscall.h>). */
struct sandbox_name {
	int nr;
	const char *name;
};
#define SANDBOX_NAME(name) {__NR_##name, #name},
static const struct sandbox_name sandbox_names[] = {
#include "sysnames.h"
};
#undef SANDBOX_NAME

static const char *sandbox_name(int nr)
{
	for (size_t i = 0; i < sizeof(sandbox_names) / sizeof(sandbox_names[0]); i++)
		if (sandbox_names[i].nr == nr)
			return sandbox_names[i].name;
	return "unknown";
}

/* Runs in a signal handler: only write(2) and exit_group(2), no stdio, no errno. */
static void sandbox_sigsys(int sig, siginfo_t *si, void *uctx)
{
	char line[160], num[16];
	const char *parts[4];
	size_t n = 0;
	int nr = si->si_syscall, k = (int)sizeof(num);
	unsigned v = nr < 0 ? 0 : (unsigned)nr;

	do {
		num[--k] = (char)('0' + v % 10);
		v /= 10;
	} while (v && k > 0);
	parts[0] = "netcon: error: sandbox: forbidden system call ";
	parts[1] = sandbox_name(nr);
	parts[2] = " (";
	parts[3] = NULL;
	for (int i = 0; parts[i]; i++)
		for (const char *p = parts[i]; *p && n < sizeof(line) - 40; p++)
			line[n++] = *p;
	memcpy(line + n, num + k, sizeof(num) - (size_t)k);
	n += sizeof(num) - (size_t)k;
	memcpy(line + n, "); the daemon stops\n", 20);
	n += 20;
	if (write(STDERR_FILENO, line, n) < 0) {
		/* nowhere else to say it */
	}
	_exit(128 + SIGSYS);
}

/* A test's forbidden call, a second after start: the daemon must die of it, naming it. */
static void sandbox_probe(int sig)
{
	syscall(__NR_mount, NULL, NULL, NULL, 0UL, NULL);
}

static void sandbox_arm_probe(void)
{
	const char *v = getenv("NETCON_TEST_SANDBOX_PROBE");
	struct sigaction sa = {.sa_handler = sandbox_probe};

	if (!v || strcmp(v, "1"))
		return;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	sigaction(SIGALRM, &sa, NULL);
	alarm(1);
	log_warn("sandbox: NETCON_TEST_SANDBOX_PROBE=1: calling mount(2) in a second");
}

/* How deep a home's directories may go (controller.d/NWID/member is the deepest). */
#define SANDBOX_MAX_DEPTH 8

/* The user a daemon started as root becomes, found by sandbox_prepare. */
static struct {
	bool drop;
	uid_t uid;
	gid_t gid;
	char name[64];
	char home[PATH_MAX]; /* the home with its symbolic links resolved */
} sb_user;

/* Give directory DFD and all below it to the daemon's user. Root does this in a directory the
 * user could write before (a daemon of an earlier run), so every step holds a descriptor:
 * nothing is looked up by a path that could be swapped for a symbolic link, a directory
 * replaced by a link fails (O_NOFOLLOW), and a file with other hard links is not given. */
static int sandbox_give_dir(int dfd, dev_t dev, int depth)
{
	struct dirent *de;
	DIR *d;
	int r = 0, fd;

	/* The home stays searchable (clients of other users reach the control socket, programs
	 * read hosts and resolv.conf by name); what is below it is the daemon's alone. */
	if (fchown(dfd, sb_user.uid, sb_user.gid) < 0 || fchmod(dfd, depth ? 0700 : 0711) < 0)
		return -errno;
	if (depth >= SANDBOX_MAX_DEPTH)
		return -ELOOP;
	fd = dup(dfd);
	d = fd < 0 ? NULL : fdopendir(fd);
	if (!d) {
		r = -errno;
		if (fd >= 0)
			close(fd);
		return r;
	}
	while (r == 0 && (errno = 0, de = readdir(d)) != NULL) {
		struct stat st;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		fd = openat(dfd, de->d_name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 || fstat(fd, &st) < 0) {
			r = -errno;
		} else if (st.st_dev != dev) {
			/* another file system mounted here: not ours to give */
		} else if (S_ISDIR(st.st_mode)) {
			int sub = openat(dfd, de->d_name,
					 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

			if (sub < 0) {
				r = -errno;
			} else {
				struct stat sst;

				/* the same directory as the one looked at, not one swapped in */
				r = fstat(sub, &sst) < 0 ? -errno
				    : sst.st_ino != st.st_ino
					? -ESTALE
					: sandbox_give_dir(sub, dev, depth + 1);
				close(sub);
			}
		} else if (S_ISREG(st.st_mode) && st.st_nlink > 1) {
			log_warn("sandbox: %s has other hard links: left to its owner", de->d_name);
		} else if (fchownat(fd, "", sb_user.uid, sb_user.gid, AT_EMPTY_PATH) < 0) {
			r = -errno;
		}
		if (fd >= 0)
			close(fd);
	}
	if (r == 0 && errno)
		r = -errno;
	closedir(d);
	return r;
}

int sandbox_prepare(const char *home, bool confine)
{
	struct passwd *pw;
	const char *user = SANDBOX_USER;
	struct stat st;

	if (!confine || geteuid() != 0)
		return 0;
	pw = getpwnam(SANDBOX_USER);
	if (!pw) {
		pw = getpwnam(SANDBOX_USER_FALLBACK);
		user = SANDBOX_USER_FALLBACK;
		if (pw)
			log_warn(
			    "sandbox: no user '" SANDBOX_USER "': running as '%s', which other "
			    "programs may share (useradd --system " SANDBOX_USER " to have one)",
			    user);
	}
	if (!pw || pw->pw_uid == 0) {
		log_err("sandbox: no user '" SANDBOX_USER "' or '" SANDBOX_USER_FALLBACK
			"' to run as (or --no-sandbox to stay root)");
		return -ESRCH;
	}
	if (!realpath(home, sb_user.home) || stat(sb_user.home, &st) < 0) {
		log_err("sandbox: home %s: %m", home);
		return -errno;
	}
	/* Taking a home is for a netcon home, never for a shared or a user's directory. */
	if (st.st_uid != 0 && st.st_uid != pw->pw_uid) {
		log_err("sandbox: home %s belongs to uid %u: as root the daemon runs as '%s' and "
			"takes its home; give a home of root's (or --no-sandbox)",
			home, (unsigned)st.st_uid, user);
		return -EPERM;
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		log_err("sandbox: home %s is writable by others: give the daemon a home of its own "
			"(or --no-sandbox)",
			home);
		return -EPERM;
	}
	sb_user.drop = true;
	sb_user.uid = pw->pw_uid;
	sb_user.gid = pw->pw_gid;
	snprintf(sb_user.name, sizeof(sb_user.name), "%s", user);
	return 0;
}

/* Root gives its place to the daemon's user: it takes the home, then root is dropped for good. */
static int sandbox_drop_root(const char *home)
{
	const char *user = sb_user.name;
	int fd = open(sb_user.home, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC), r;
	struct stat st;

	r = fd < 0 || fstat(fd, &st) < 0 ? -errno : sandbox_give_dir(fd, st.st_dev, 0);
	if (fd >= 0)
		close(fd);
	if (r < 0) {
		log_err("sandbox: giving %s to '%s': %s", home, user, strerror(-r));
		return r;
	}
	if (setgroups(0, NULL) < 0 || setresgid(sb_user.gid, sb_user.gid, sb_user.gid) < 0 ||
	    setresuid(sb_user.uid, sb_user.uid, sb_user.uid) < 0) {
		r = -errno;
		log_err("sandbox: becoming '%s': %s", user, strerror(-r));
		return r;
	}
	if (setuid(0) == 0) {
		log_err("sandbox: root could be taken back after becoming '%s'", user);
		return -EPERM;
	}
	/* A directory above the home closed to the user would break every write from now on. */
	if (access(home, R_OK | W_OK | X_OK) < 0) {
		r = -errno;
		log_err(
		    "sandbox: user '%s' cannot use home %s (%s): a directory above it is closed "
		    "to it; give another home (or --no-sandbox)",
		    user, home, strerror(-r));
		return r;
	}
	log_info("sandbox: running as '%s' (uid %u), home %s given to it", user,
		 (unsigned)sb_user.uid, home);
	return 0;
}

static int sandbox_filter(void)
{
#ifdef SANDBOX_ARCH
	enum { N = sizeof(sandbox_allowed) / sizeof(sandbox_allowed[0]) };
	_Static_assert(N < 250, "jump offsets of the filter are 8 bits");
	struct sock_filter prog[N + 24];
	struct sock_fprog fprog;
	struct sigaction sa = {.sa_sigaction = sandbox_sigsys, .sa_flags = SA_SIGINFO};
	unsigned n = 0;

	prog[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
						 offsetof(struct seccomp_data, arch));
	prog[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SANDBOX_ARCH, 1, 0);
	prog[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS);
	prog[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
						 offsetof(struct seccomp_data, nr));
	/* ioctl(2): SIOCOUTQ only, how much of an answer a client has not read (rpc_srv.c). */
	prog[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_ioctl, 0, 4);
	prog[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, SANDBOX_ARG_LO(1));
	prog[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SIOCOUTQ, 0, 1);
	prog[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	prog[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP);
	/* socket(2): netlink route sockets only, for getifaddrs. */
	prog[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_socket, 0, 6);
	prog[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, SANDBOX_ARG_LO(0));
	prog[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_NETLINK, 0, 3);
	prog[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, SANDBOX_ARG_LO(2));
	prog[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NETLINK_ROUTE, 0, 1);
	prog[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	prog[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP);
	for (unsigned i = 0; i < N; i++)
		prog[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
							 (unsigned)sandbox_allowed[i],
							 (unsigned char)(N - i), 0);
	prog[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP);
	prog[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	fprog.len = (unsigned short)n;
	fprog.filter = prog;

	sigemptyset(&sa.sa_mask);
	/* FLAG_LOG: a refused call also goes to the kernel's audit log (dmesg), which tells it
	 * when the SIGSYS handler cannot (a thread that blocks every signal, such as
	 * LeakSanitizer's tracer, dies of SIGSYS at once). */
	if (sigaction(SIGSYS, &sa, NULL) < 0 || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    (syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_LOG, &fprog) < 0 &&
	     (errno != EINVAL || syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fprog) < 0))) {
		int r = -errno;

		log_err("sandbox: loading the system call filter: %s (or --no-sandbox)",
			strerror(-r));
		return r;
	}
	log_info("sandbox: %u system calls allowed", (unsigned)N);
	return 0;
#else
	log_warn("sandbox: no system call filter for this architecture: the daemon runs without");
	return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ? -errno : 0;
#endif
}

int sandbox_enter(const char *home, bool confine)
{
	int r;

	sandbox_arm_probe();
	if (!confine) {
		log_info("sandbox: off (--no-sandbox)");
		return 0;
	}
	if (sb_user.drop) {
		r = sandbox_drop_root(home);
		if (r < 0)
			return r;
	}
	return sandbox_filter();
}
