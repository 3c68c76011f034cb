// SPDX-License-Identifier: BSD-2-Clause
/* A network namespace with only a loopback, so an --isolate program cannot reach the host's. */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/netns.h"
#include "common/file.h"

static int netns_write(const char *path, const char *text)
{
	size_t len = strlen(text);
	ssize_t n;
	int fd, r = 0;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, text, len);
	if (n < 0)
		r = -errno;
	else if ((size_t)n != len)
		r = -EIO;
	close(fd);
	return r;
}

/* The one interface a new namespace has starts down: bring it up, so the program's own loopback
 * services (a database talking to itself on 127.0.0.1) keep working inside. */
static int netns_loopback_up(void)
{
	struct ifreq ifr;
	int fd, r = 0;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0) {
		r = -errno;
		goto out;
	}
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
		r = -errno;
out:
	close(fd);
	return r;
}

/* A private copy of path's content behind head, bound over target. The copy is a temporary file
 * unlinked once bound (an unlinked file cannot be bound), so it goes with the namespace. */
static int netns_bind_over(const char *target, const char *head, const char *path)
{
	char buf[4096], tmp[] = "/tmp/netcon-isolate-XXXXXX";
	int fd, in, r = 0;
	ssize_t n;

	if (access(target, F_OK) < 0)
		return 0;
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, head, strlen(head)) < 0)
		r = -errno;
	in = path ? open(path, O_RDONLY | O_CLOEXEC) : -1;
	while (r == 0 && in >= 0 && (n = read(in, buf, sizeof(buf))) > 0)
		if (write(fd, buf, (size_t)n) != n)
			r = -EIO;
	if (in >= 0)
		close(in);
	fchmod(fd, 0644);
	close(fd);
	if (r == 0 && mount(tmp, target, NULL, MS_BIND, NULL) < 0)
		r = -errno;
	unlink(tmp);
	return r;
}

/* Names for programs that read /etc/hosts and /etc/resolv.conf themselves (Go's resolver,
 * musl): the network's, in a mount namespace of the program's own. Best effort: a failure
 * leaves the host's files in view, which reach nothing from inside anyway. */
static void netns_names(const char *home)
{
	char *hosts, *resolv;

	/* Nothing we mount may propagate back to the host's namespace. */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return;
	hosts = file_path("%s/hosts", home);
	resolv = file_path("%s/resolv.conf", home);
	netns_bind_over("/etc/hosts",
			"# netcon run --isolate: localhost, then the network's hosts file\n"
			"127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n",
			hosts && access(hosts, R_OK) == 0 ? hosts : NULL);
	netns_bind_over("/etc/resolv.conf",
			"# netcon run --isolate: the virtual network's DNS servers, if any\n",
			resolv && access(resolv, R_OK) == 0 ? resolv : NULL);
	free(resolv);
	free(hosts);
}

int netns_isolate(const char *home)
{
	char map[64];
	uid_t uid = geteuid();
	gid_t gid = getegid();
	int r;

	if (uid == 0) {
		if (unshare(CLONE_NEWNET) < 0)
			return -errno;
		if (unshare(CLONE_NEWNS) == 0)
			netns_names(home);
		return netns_loopback_up();
	}
	if (unshare(CLONE_NEWUSER | CLONE_NEWNET | CLONE_NEWNS) < 0)
		return -errno;
	/* An unprivileged writer of gid_map must give up setgroups first (user_namespaces(7)). */
	r = netns_write("/proc/self/setgroups", "deny");
	if (r < 0 && r != -ENOENT)
		return r;
	snprintf(map, sizeof(map), "%u %u 1\n", (unsigned)uid, (unsigned)uid);
	r = netns_write("/proc/self/uid_map", map);
	if (r < 0)
		return r;
	snprintf(map, sizeof(map), "%u %u 1\n", (unsigned)gid, (unsigned)gid);
	r = netns_write("/proc/self/gid_map", map);
	if (r < 0)
		return r;
	netns_names(home);
	return netns_loopback_up();
}
