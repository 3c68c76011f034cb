/* A network namespace with only a loopback, so an --isolate program cannot reach the host's. */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli/netns.h"

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

int netns_isolate(void)
{
	char map[64];
	uid_t uid = geteuid();
	gid_t gid = getegid();
	int r;

	if (uid == 0) {
		if (unshare(CLONE_NEWNET) < 0)
			return -errno;
		return netns_loopback_up();
	}
	if (unshare(CLONE_NEWUSER | CLONE_NEWNET) < 0)
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
	return netns_loopback_up();
}
