// SPDX-License-Identifier: BSD-2-Clause
/* Name lookups: NETCON_HOME/hosts, then DNS over the virtual network, then the host's resolver. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/addr.h"
#include "common/dns.h"
#include "common/log.h"
#include "intercept/intercept.h"

/* A hosts file larger than this is read only this far. */
#define NAMES_FILE_MAX (1 << 20)
#define NAMES_LINE_MAX 1024
#define NAMES_SEARCH_MAX 6
#define NAMES_SERVERS_MAX 3
#define NAMES_ALIAS_MAX 8
/* Per server: one try and one retry, each waiting this long. */
#define NAMES_DNS_TIMEOUT_MS 2000
#define NAMES_DNS_TRIES 2
/* What a lookup of ours returns when the virtual network does not know the name. */
#define NAMES_NOTFOUND 1
/* ...and when its DNS servers did not answer (or answered garbage). */
#define NAMES_NOANSWER 2

struct names_file {
	char *text; /* NUL-terminated, or NULL if never read */
	size_t len;
	struct timespec mtime;
	ino_t ino;
	off_t size;
};

struct names_resolv {
	int nserv;
	struct nc_addr serv[NAMES_SERVERS_MAX];
	int nsearch;
	char search[NAMES_SEARCH_MAX][DNS_NAME_MAX + 1];
};

/* What one lookup found: addresses, the canonical name and (from a hosts line) aliases. */
struct names_answer {
	char canon[DNS_NAME_MAX + 1];
	int naddr;
	struct dns_addr addr[DNS_ADDR_MAX];
	int nalias;
	char alias[NAMES_ALIAS_MAX][DNS_NAME_MAX + 1];
};

static pthread_mutex_t names_lock = PTHREAD_MUTEX_INITIALIZER;
static char hosts_path[4096], resolv_path[4096];
static struct names_file hosts_file, resolv_file;
static struct names_resolv resolv_conf;

/* ---- files ---- */

/* Re-read path into f if it changed (by inode, size and mtime). A file that cannot be read
 * leaves the last copy in place: after a chroot the program keeps the names it had. */
static bool names_file_refresh(struct names_file *f, const char *path)
{
	struct stat st;
	char *text;
	size_t len = 0;
	int fd;

	if (!*path || stat(path, &st) < 0)
		return false;
	if (f->text && st.st_ino == f->ino && st.st_size == f->size &&
	    st.st_mtim.tv_sec == f->mtime.tv_sec && st.st_mtim.tv_nsec == f->mtime.tv_nsec)
		return false;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	text = malloc(NAMES_FILE_MAX + 1);
	if (!text) {
		REAL(close)(fd);
		return false;
	}
	for (;;) {
		ssize_t n = REAL(read)(fd, text + len, NAMES_FILE_MAX - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
		if (len == NAMES_FILE_MAX)
			break;
	}
	REAL(close)(fd);
	text[len] = 0;
	free(f->text);
	f->text = text;
	f->len = len;
	f->ino = st.st_ino;
	f->size = st.st_size;
	f->mtime = st.st_mtim;
	return true;
}

/* Split one line (comment removed) into at most max whitespace-separated fields. */
static int names_fields(char *line, char **field, int max)
{
	char *save = NULL, *tok, *hash = strchr(line, '#');
	int n = 0;

	if (hash)
		*hash = 0;
	for (tok = strtok_r(line, " \t\r", &save); tok && n < max;
	     tok = strtok_r(NULL, " \t\r", &save))
		field[n++] = tok;
	return n;
}

/* Calls fn for each line of text, copied (truncated to NAMES_LINE_MAX) and split in fields.
 * Stops when fn returns nonzero. */
static void names_each_line(const char *text, int (*fn)(char **field, int n, void *arg), void *arg)
{
	char line[NAMES_LINE_MAX], *field[2 + NAMES_ALIAS_MAX];

	while (text && *text) {
		const char *nl = strchr(text, '\n');
		size_t n = nl ? (size_t)(nl - text) : strlen(text);
		int nf;

		if (n >= sizeof(line))
			n = sizeof(line) - 1;
		memcpy(line, text, n);
		line[n] = 0;
		text = nl ? nl + 1 : text + strlen(text);
		nf = names_fields(line, field, 2 + NAMES_ALIAS_MAX);
		if (nf > 0 && fn(field, nf, arg))
			return;
	}
}

/* resolv.conf(5), the part we use: `nameserver IP`, `nameserver IP#PORT`, `search`, `domain`. */
static int resolv_line(char **field, int n, void *arg)
{
	struct names_resolv *rc = arg;

	if (!strcmp(field[0], "nameserver") && n >= 2 && rc->nserv < NAMES_SERVERS_MAX) {
		struct nc_addr *a = &rc->serv[rc->nserv];
		char *port = strchr(field[1], '#');
		long p = 53;

		if (port) {
			char *end;

			*port++ = 0;
			p = strtol(port, &end, 10);
			if (!*port || *end || p < 1 || p > 65535)
				return 0;
		}
		memset(a, 0, sizeof(*a));
		if (inet_pton(AF_INET, field[1], a->ip) == 1)
			a->family = 4;
		else if (inet_pton(AF_INET6, field[1], a->ip) == 1)
			a->family = 6;
		else
			return 0;
		a->port = (uint16_t)p;
		rc->nserv++;
	} else if ((!strcmp(field[0], "search") || !strcmp(field[0], "domain")) && n >= 2) {
		/* The last search or domain line wins, as in resolv.conf(5). */
		rc->nsearch = 0;
		for (int i = 1; i < n && rc->nsearch < NAMES_SEARCH_MAX; i++) {
			size_t l = strlen(field[i]);

			if (l && field[i][l - 1] == '.')
				field[i][--l] = 0;
			if (l && l <= DNS_NAME_MAX)
				memcpy(rc->search[rc->nsearch++], field[i], l + 1);
		}
	}
	return 0;
}

/* Both files as they are now (or as last read). Called with names_lock held. */
static void names_refresh(void)
{
	if (names_file_refresh(&resolv_file, resolv_path)) {
		struct names_resolv rc;

		memset(&rc, 0, sizeof(rc));
		names_each_line(resolv_file.text, resolv_line, &rc);
		resolv_conf = rc;
	}
	names_file_refresh(&hosts_file, hosts_path);
}

void names_init(const char *home)
{
	if (snprintf(hosts_path, sizeof(hosts_path), "%s/hosts", home) >= (int)sizeof(hosts_path) ||
	    snprintf(resolv_path, sizeof(resolv_path), "%s/resolv.conf", home) >=
		(int)sizeof(resolv_path)) {
		hosts_path[0] = resolv_path[0] = 0;
		return;
	}
	names_refresh();
}

/* ---- the hosts file ---- */

static bool names_eq(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (la && a[la - 1] == '.')
		la--;
	if (lb && b[lb - 1] == '.')
		lb--;
	return la == lb && !strncasecmp(a, b, la);
}

static int names_parse_ip(const char *s, struct dns_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, s, a->ip) == 1)
		a->family = AF_INET;
	else if (inet_pton(AF_INET6, s, a->ip) == 1)
		a->family = AF_INET6;
	else
		return -EINVAL;
	return 0;
}

static void names_set_name(struct names_answer *ans, char **field, int n, int primary)
{
	snprintf(ans->canon, sizeof(ans->canon), "%s", field[primary]);
	ans->nalias = 0;
	for (int i = 1; i < n && ans->nalias < NAMES_ALIAS_MAX; i++)
		if (i != primary)
			snprintf(ans->alias[ans->nalias++], sizeof(ans->alias[0]), "%s", field[i]);
}

struct hosts_query {
	const char *name; /* forward: the name */
	int family; /* AF_INET, AF_INET6 or AF_UNSPEC */
	const struct dns_addr *addr; /* reverse: the address */
	struct names_answer *ans;
};

/* Every line naming q->name adds its address; the first one gives the canonical name. */
static int hosts_forward_line(char **field, int n, void *arg)
{
	struct hosts_query *q = arg;
	struct dns_addr a;

	if (n < 2 || names_parse_ip(field[0], &a) < 0)
		return 0;
	if (q->family != AF_UNSPEC && a.family != q->family)
		return 0;
	for (int i = 1; i < n; i++) {
		if (!names_eq(field[i], q->name))
			continue;
		if (q->ans->naddr == 0)
			names_set_name(q->ans, field, n, 1);
		if (q->ans->naddr < DNS_ADDR_MAX)
			q->ans->addr[q->ans->naddr++] = a;
		break;
	}
	return 0;
}

static int hosts_reverse_line(char **field, int n, void *arg)
{
	struct hosts_query *q = arg;
	struct dns_addr a;

	if (n < 2 || names_parse_ip(field[0], &a) < 0 || a.family != q->addr->family ||
	    memcmp(a.ip, q->addr->ip, a.family == AF_INET ? 4 : 16))
		return 0;
	names_set_name(q->ans, field, n, 1);
	q->ans->addr[0] = a;
	q->ans->naddr = 1;
	return 1;
}

static int hosts_lookup(const char *name, int family, struct names_answer *ans)
{
	struct hosts_query q = {.name = name, .family = family, .ans = ans};

	memset(ans, 0, sizeof(*ans));
	pthread_mutex_lock(&names_lock);
	names_refresh();
	names_each_line(hosts_file.text, hosts_forward_line, &q);
	pthread_mutex_unlock(&names_lock);
	return ans->naddr ? 0 : -ENOENT;
}

static int hosts_reverse(const struct dns_addr *a, struct names_answer *ans)
{
	struct hosts_query q = {.addr = a, .ans = ans};

	memset(ans, 0, sizeof(*ans));
	pthread_mutex_lock(&names_lock);
	names_refresh();
	names_each_line(hosts_file.text, hosts_reverse_line, &q);
	pthread_mutex_unlock(&names_lock);
	return ans->naddr ? 0 : -ENOENT;
}

/* ---- DNS over the virtual network ---- */

static int64_t names_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static uint16_t names_random_id(void)
{
	uint16_t id;

	if (getrandom(&id, sizeof(id), GRND_NONBLOCK) != sizeof(id))
		id = (uint16_t)(names_now_ms() ^ getpid() ^ (uintptr_t)&id);
	return id;
}

struct dns_pending {
	uint16_t qtype, id;
	int state; /* 0 waiting, 1 answered, -errno failed */
	uint8_t q[DNS_QUERY_MAX];
	int qlen;
	struct dns_result res;
};

/* One server: the queries in p[0..n) sent (and sent again once) over the program's own socket
 * calls, so they travel through the daemon when the server is on the virtual network. Returns 0
 * when every query has its answer (or the name does not exist: -ENOENT), -ETIMEDOUT or
 * -EBADMSG/-EIO if this server did not do. */
static int dns_ask(const struct nc_addr *srv, const char *fqdn, struct dns_pending *p, int n)
{
	struct sockaddr_storage to;
	socklen_t tolen = sizeof(to);
	int fd, r = -ETIMEDOUT;
	uint8_t buf[1500];

	addr_to_sockaddr(srv, srv->family == 6 ? AF_INET6 : AF_INET, (struct sockaddr *)&to,
			 &tolen);
	fd = socket(srv->family == 6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	for (int i = 0; i < n; i++) {
		p[i].id = names_random_id();
		p[i].state = 0;
		p[i].qlen = dns_query_encode(p[i].q, sizeof(p[i].q), p[i].id, fqdn, p[i].qtype);
		if (p[i].qlen < 0) {
			r = p[i].qlen;
			goto out;
		}
	}
	for (int attempt = 0; attempt < NAMES_DNS_TRIES; attempt++) {
		int64_t deadline = names_now_ms() + NAMES_DNS_TIMEOUT_MS;
		int waiting = 0;

		for (int i = 0; i < n; i++) {
			if (p[i].state)
				continue;
			waiting++;
			if (sendto(fd, p[i].q, (size_t)p[i].qlen, 0, (struct sockaddr *)&to,
				   tolen) < 0) {
				r = -errno;
				goto out;
			}
		}
		while (waiting) {
			struct pollfd pfd = {.fd = fd, .events = POLLIN};
			int64_t left = deadline - names_now_ms();
			struct sockaddr_storage from;
			socklen_t fromlen = sizeof(from);
			struct nc_addr fa;
			ssize_t got;

			if (left <= 0)
				break;
			if (poll(&pfd, 1, (int)left) <= 0) {
				if (errno == EINTR)
					continue;
				break;
			}
			got = recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&from,
				       &fromlen);
			if (got < 0)
				continue;
			/* Only the server we asked may answer. */
			if (addr_from_sockaddr(&fa, (struct sockaddr *)&from, fromlen) < 0 ||
			    fa.port != srv->port || fa.family != srv->family ||
			    memcmp(fa.ip, srv->ip, fa.family == 4 ? 4 : 16))
				continue;
			for (int i = 0; i < n; i++) {
				int pr;

				if (p[i].state)
					continue;
				pr = dns_answer_parse(buf, (size_t)got, p[i].id, fqdn, p[i].qtype,
						      &p[i].res);
				if (pr == -ESRCH)
					continue;
				/* Garbage behind the right id: this server's answer is broken. */
				if (pr == -EBADMSG &&
				    (got < 2 || (buf[0] << 8 | buf[1]) != p[i].id))
					continue;
				p[i].state = pr == 0 ? 1 : pr;
				waiting--;
				if (pr == -ENOENT) {
					r = -ENOENT;
					goto out;
				}
				break;
			}
		}
		if (!waiting) {
			r = 0;
			for (int i = 0; i < n; i++)
				if (p[i].state < 0)
					r = p[i].state == -EMSGSIZE ? -EIO : p[i].state;
			goto out;
		}
	}
out:
	close(fd);
	return r;
}

/* Ask the servers about fqdn; 0 with ans filled (maybe no addresses), -ENOENT, or the error of
 * the last server. */
static int dns_lookup_fqdn(const struct names_resolv *rc, const char *fqdn, int family,
			   bool v4mapped, struct names_answer *ans)
{
	struct dns_pending p[2];
	int n = 0, r = -ETIMEDOUT;

	memset(p, 0, sizeof(p));
	if (family != AF_INET6 || v4mapped)
		p[n++].qtype = DNS_TYPE_A;
	if (family != AF_INET)
		p[n++].qtype = DNS_TYPE_AAAA;
	for (int s = 0; s < rc->nserv; s++) {
		r = dns_ask(&rc->serv[s], fqdn, p, n);
		if (r == 0 || r == -ENOENT || r == -EINVAL)
			break;
	}
	if (r < 0)
		return r;
	memset(ans, 0, sizeof(*ans));
	snprintf(ans->canon, sizeof(ans->canon), "%s", fqdn);
	for (int i = 0; i < n; i++) {
		if (p[i].state != 1)
			continue;
		if (p[i].res.naddr && !ans->naddr) {
			memcpy(ans->canon, p[i].res.canon, sizeof(ans->canon));
			if (!names_eq(fqdn, p[i].res.canon))
				snprintf(ans->alias[ans->nalias++], sizeof(ans->alias[0]), "%s",
					 fqdn);
		}
		for (int k = 0; k < p[i].res.naddr && ans->naddr < DNS_ADDR_MAX; k++)
			ans->addr[ans->naddr++] = p[i].res.addr[k];
	}
	return 0;
}

/* Is name in one of the search domains (or one of them)? */
static bool names_in_search(const struct names_resolv *rc, const char *name)
{
	size_t ln = strlen(name);

	if (ln && name[ln - 1] == '.')
		ln--;
	for (int i = 0; i < rc->nsearch; i++) {
		size_t ld = strlen(rc->search[i]);

		if (ln == ld && !strncasecmp(name, rc->search[i], ld))
			return true;
		if (ln > ld && name[ln - ld - 1] == '.' &&
		    !strncasecmp(name + ln - ld, rc->search[i], ld))
			return true;
	}
	return false;
}

/* DNS over the virtual network, for the names it answers: single-label names with each search
 * domain appended, and names inside a search domain. Every other name too when there is no
 * search domain, or under --isolate (the virtual DNS is then the only resolver). */
static int dns_lookup(const char *name, int family, bool v4mapped, struct names_answer *ans)
{
	struct names_resolv rc;
	char fqdn[DNS_NAME_MAX + 2];
	int r = -ENOENT, failed = 0;
	size_t ln = strlen(name);

	pthread_mutex_lock(&names_lock);
	names_refresh();
	rc = resolv_conf;
	pthread_mutex_unlock(&names_lock);
	if (!rc.nserv || ln == 0 || ln > DNS_NAME_MAX)
		return -ENOENT;
	if (!strchr(name, '.')) {
		for (int i = 0; i < rc.nsearch; i++) {
			if (snprintf(fqdn, sizeof(fqdn), "%s.%s", name, rc.search[i]) >
			    DNS_NAME_MAX)
				continue;
			r = dns_lookup_fqdn(&rc, fqdn, family, v4mapped, ans);
			if (r == 0 && ans->naddr)
				return 0;
			if (r != 0 && r != -ENOENT)
				failed = r;
		}
		if (rc.nsearch && !cfg.isolate)
			return failed ? failed : -ENOENT;
	} else if (rc.nsearch && !cfg.isolate && !names_in_search(&rc, name)) {
		return -ENOENT;
	}
	r = dns_lookup_fqdn(&rc, name, family, v4mapped, ans);
	if (r == 0 && ans->naddr)
		return 0;
	if (r != 0 && r != -ENOENT)
		return r;
	return failed ? failed : -ENOENT;
}

/* ---- lookups ---- */

/* Names that are addresses are the real call's business. */
static bool names_numeric(const char *name)
{
	struct in_addr a4;
	struct in6_addr a6;
	char buf[INET6_ADDRSTRLEN + 1];
	const char *pct = strchr(name, '%');

	if (!*name || inet_aton(name, &a4))
		return true;
	if (pct && (size_t)(pct - name) < sizeof(buf)) {
		memcpy(buf, name, (size_t)(pct - name));
		buf[pct - name] = 0;
		name = buf;
	}
	return inet_pton(AF_INET6, name, &a6) == 1;
}

/* hosts file, then DNS. 0 found; NAMES_NOTFOUND; NAMES_NOANSWER if the servers failed. */
static int names_lookup(const char *name, int family, bool v4mapped, struct names_answer *ans)
{
	int r;

	if (hosts_lookup(name, v4mapped ? AF_UNSPEC : family, ans) == 0)
		return 0;
	r = dns_lookup(name, family, v4mapped, ans);
	if (r == 0)
		return 0;
	log_debug("names: %s not on the virtual network (%s)", name, strerror(-r));
	return r == -ENOENT ? NAMES_NOTFOUND : NAMES_NOANSWER;
}

/* The socket types, protocols and ports glibc gives for service and hints, taken from the real
 * call on a numeric wildcard (no resolver is asked). */
struct gai_slot {
	int socktype, protocol;
	uint16_t port; /* network order */
};

static int gai_slots(const char *service, const struct addrinfo *hints, struct gai_slot *slot,
		     int max, int *n)
{
	struct addrinfo h, *res, *p;
	int r;

	memset(&h, 0, sizeof(h));
	if (hints) {
		h.ai_flags = hints->ai_flags;
		h.ai_socktype = hints->ai_socktype;
		h.ai_protocol = hints->ai_protocol;
	}
	h.ai_flags =
	    (h.ai_flags & ~(AI_CANONNAME | AI_V4MAPPED | AI_ALL | AI_ADDRCONFIG)) | AI_NUMERICHOST;
	h.ai_family = AF_INET;
	r = REAL(getaddrinfo)("0.0.0.0", service, &h, &res);
	if (r)
		return r;
	*n = 0;
	for (p = res; p && *n < max; p = p->ai_next) {
		slot[*n].socktype = p->ai_socktype;
		slot[*n].protocol = p->ai_protocol;
		slot[*n].port = ((struct sockaddr_in *)p->ai_addr)->sin_port;
		(*n)++;
	}
	freeaddrinfo(res);
	return 0;
}

/* One node with its sockaddr in the same allocation, as glibc's freeaddrinfo frees them. */
static struct addrinfo *gai_node(const struct dns_addr *a, bool map, const struct gai_slot *s)
{
	struct addrinfo *ai = calloc(1, sizeof(*ai) + sizeof(struct sockaddr_in6));

	if (!ai)
		return NULL;
	ai->ai_socktype = s->socktype;
	ai->ai_protocol = s->protocol;
	ai->ai_addr = (struct sockaddr *)(ai + 1);
	if (a->family == AF_INET && !map) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ai->ai_addr;

		ai->ai_family = AF_INET;
		ai->ai_addrlen = sizeof(*sin);
		sin->sin_family = AF_INET;
		sin->sin_port = s->port;
		memcpy(&sin->sin_addr, a->ip, 4);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ai->ai_addr;

		ai->ai_family = AF_INET6;
		ai->ai_addrlen = sizeof(*sin6);
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = s->port;
		if (map) {
			sin6->sin6_addr.s6_addr[10] = sin6->sin6_addr.s6_addr[11] = 0xff;
			memcpy(&sin6->sin6_addr.s6_addr[12], a->ip, 4);
		} else {
			memcpy(&sin6->sin6_addr, a->ip, 16);
		}
	}
	return ai;
}

static int names_getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
			     struct addrinfo **res)
{
	int family = hints ? hints->ai_family : AF_UNSPEC, flags = hints ? hints->ai_flags : 0;
	bool v4mapped = family == AF_INET6 && (flags & AI_V4MAPPED), have6 = false;
	struct addrinfo *head = NULL, **tail = &head;
	struct gai_slot slot[8];
	struct names_answer ans;
	int r, nslot;

	r = gai_slots(service, hints, slot, 8, &nslot);
	if (r)
		return r;
	r = names_lookup(node, family, v4mapped, &ans);
	if (r)
		return r;
	for (int i = 0; i < ans.naddr; i++)
		have6 |= ans.addr[i].family == AF_INET6;
	for (int i = 0; i < ans.naddr; i++) {
		const struct dns_addr *a = &ans.addr[i];
		bool map = false;

		if (family == AF_INET && a->family != AF_INET)
			continue;
		if (family == AF_INET6 && a->family == AF_INET) {
			if (!v4mapped || (have6 && !(flags & AI_ALL)))
				continue;
			map = true;
		}
		for (int k = 0; k < nslot; k++) {
			struct addrinfo *ai = gai_node(a, map, &slot[k]);

			if (!ai) {
				freeaddrinfo(head);
				return EAI_MEMORY;
			}
			*tail = ai;
			tail = &ai->ai_next;
		}
	}
	if (!head)
		return NAMES_NOTFOUND;
	if (flags & AI_CANONNAME) {
		head->ai_canonname = strdup(ans.canon);
		if (!head->ai_canonname) {
			freeaddrinfo(head);
			return EAI_MEMORY;
		}
	}
	*res = head;
	return 0;
}

NC_EXPORT int getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
			  struct addrinfo **res)
{
	int family = hints ? hints->ai_family : AF_UNSPEC, saved = errno, r;

	if (!cfg.active || !node || names_numeric(node) ||
	    (hints && (hints->ai_flags & AI_NUMERICHOST)) ||
	    (family != AF_UNSPEC && family != AF_INET && family != AF_INET6))
		return REAL(getaddrinfo)(node, service, hints, res);
	r = names_getaddrinfo(node, service, hints, res);
	errno = saved;
	if (r == NAMES_NOTFOUND || r == NAMES_NOANSWER) {
		if (cfg.isolate)
			return r == NAMES_NOTFOUND ? EAI_NONAME : EAI_AGAIN;
		return REAL(getaddrinfo)(node, service, hints, res);
	}
	return r;
}

/* ---- hostent ---- */

/* Lay out a hostent for ans (addresses of family af only) in buf. 0, ERANGE, or ENOENT if ans
 * has no address of af. */
static int names_fill_hostent(const struct names_answer *ans, int af, struct hostent *ret,
			      char *buf, size_t buflen)
{
	size_t alen = af == AF_INET ? 4 : 16, need, off;
	char **aliases, **addrs;
	int naddr = 0, k = 0;

	for (int i = 0; i < ans->naddr; i++)
		naddr += ans->addr[i].family == af;
	if (!naddr)
		return ENOENT;
	off = (-(uintptr_t)buf) & (sizeof(char *) - 1);
	need = off + sizeof(char *) * (size_t)(ans->nalias + 1 + naddr + 1) + alen * (size_t)naddr +
	       strlen(ans->canon) + 1;
	for (int i = 0; i < ans->nalias; i++)
		need += strlen(ans->alias[i]) + 1;
	if (need > buflen)
		return ERANGE;
	aliases = (char **)(void *)(buf + off);
	addrs = aliases + ans->nalias + 1;
	off += sizeof(char *) * (size_t)(ans->nalias + 1 + naddr + 1);
	for (int i = 0; i < ans->naddr; i++) {
		if (ans->addr[i].family != af)
			continue;
		addrs[k++] = buf + off;
		memcpy(buf + off, ans->addr[i].ip, alen);
		off += alen;
	}
	addrs[k] = NULL;
	ret->h_name = buf + off;
	off += (size_t)sprintf(buf + off, "%s", ans->canon) + 1;
	for (int i = 0; i < ans->nalias; i++) {
		aliases[i] = buf + off;
		off += (size_t)sprintf(buf + off, "%s", ans->alias[i]) + 1;
	}
	aliases[ans->nalias] = NULL;
	ret->h_aliases = aliases;
	ret->h_addrtype = af;
	ret->h_length = (int)alen;
	ret->h_addr_list = addrs;
	return 0;
}

/* gethostbyname2_r on the virtual network: 0 (found), ERANGE, or NAMES_NOTFOUND/NOANSWER. */
static int names_byname(const char *name, int af, struct hostent *ret, char *buf, size_t buflen,
			struct hostent **result, int *herr)
{
	struct names_answer ans;
	int r = names_lookup(name, af, false, &ans);

	if (r)
		return r;
	r = names_fill_hostent(&ans, af, ret, buf, buflen);
	if (r == ENOENT)
		return NAMES_NOTFOUND;
	if (r == ERANGE) {
		*herr = NETDB_INTERNAL;
		*result = NULL;
		return ERANGE;
	}
	*herr = NETDB_SUCCESS;
	*result = ret;
	return 0;
}

static bool names_ours(const char *name, int af)
{
	return cfg.active && name && !names_numeric(name) && (af == AF_INET || af == AF_INET6);
}

/* Not on the virtual network: under --isolate that is the answer; else ask the host. */
static int names_r_miss(int r, struct hostent **result, int *herr)
{
	*result = NULL;
	*herr = r == NAMES_NOANSWER ? TRY_AGAIN : HOST_NOT_FOUND;
	return r == NAMES_NOANSWER ? EAGAIN : ENOENT;
}

NC_EXPORT int gethostbyname2_r(const char *name, int af, struct hostent *ret, char *buf,
			       size_t buflen, struct hostent **result, int *herr)
{
	int saved = errno, r;

	if (!names_ours(name, af))
		return REAL(gethostbyname2_r)(name, af, ret, buf, buflen, result, herr);
	r = names_byname(name, af, ret, buf, buflen, result, herr);
	errno = saved;
	if (r == NAMES_NOTFOUND || r == NAMES_NOANSWER) {
		if (cfg.isolate)
			return names_r_miss(r, result, herr);
		return REAL(gethostbyname2_r)(name, af, ret, buf, buflen, result, herr);
	}
	return r;
}

NC_EXPORT int gethostbyname_r(const char *name, struct hostent *ret, char *buf, size_t buflen,
			      struct hostent **result, int *herr)
{
	if (!names_ours(name, AF_INET))
		return REAL(gethostbyname_r)(name, ret, buf, buflen, result, herr);
	return gethostbyname2_r(name, AF_INET, ret, buf, buflen, result, herr);
}

/* The non-reentrant calls share one buffer, as glibc's do. */
static struct hostent names_static_he;
static char names_static_buf[8192];

NC_EXPORT struct hostent *gethostbyname2(const char *name, int af)
{
	struct hostent *res = NULL;
	int herr = 0;

	if (!names_ours(name, af))
		return REAL(gethostbyname2)(name, af);
	gethostbyname2_r(name, af, &names_static_he, names_static_buf, sizeof(names_static_buf),
			 &res, &herr);
	if (!res)
		h_errno = herr;
	return res;
}

NC_EXPORT struct hostent *gethostbyname(const char *name)
{
	if (!names_ours(name, AF_INET))
		return REAL(gethostbyname)(name);
	return gethostbyname2(name, AF_INET);
}

/* ---- reverse ---- */

/* The hosts file's name for a (an AF_INET or AF_INET6 address): 0 found, NAMES_NOTFOUND for a
 * virtual address it does not name, -ENXIO for an address that is not ours. */
static int names_reverse(const struct dns_addr *a, struct names_answer *ans)
{
	struct dns_addr v4 = *a;
	struct nc_addr na;

	if (a->family == AF_INET6 && IN6_IS_ADDR_V4MAPPED((const struct in6_addr *)a->ip)) {
		v4.family = AF_INET;
		memmove(v4.ip, a->ip + 12, 4);
	}
	if (hosts_reverse(&v4, ans) == 0)
		return 0;
	memset(&na, 0, sizeof(na));
	na.family = v4.family == AF_INET ? 4 : 6;
	memcpy(na.ip, v4.ip, 16);
	return icpt_virtual_addr(&na, false) == 1 ? NAMES_NOTFOUND : -ENXIO;
}

NC_EXPORT int getnameinfo(const struct sockaddr *sa, socklen_t salen, char *host, socklen_t hostlen,
			  char *serv, socklen_t servlen, int flags)
{
	struct names_answer ans;
	struct dns_addr a;
	int saved = errno, r;

	if (!cfg.active || !sa || !host || !hostlen || (flags & NI_NUMERICHOST) ||
	    (sa->sa_family == AF_INET && salen < sizeof(struct sockaddr_in)) ||
	    (sa->sa_family == AF_INET6 && salen < sizeof(struct sockaddr_in6)) ||
	    (sa->sa_family != AF_INET && sa->sa_family != AF_INET6))
		return REAL(getnameinfo)(sa, salen, host, hostlen, serv, servlen, flags);
	memset(&a, 0, sizeof(a));
	a.family = (uint8_t)sa->sa_family;
	if (a.family == AF_INET)
		memcpy(a.ip, &((const struct sockaddr_in *)sa)->sin_addr, 4);
	else
		memcpy(a.ip, &((const struct sockaddr_in6 *)sa)->sin6_addr, 16);
	r = names_reverse(&a, &ans);
	errno = saved;
	if (r < 0)
		return REAL(getnameinfo)(sa, salen, host, hostlen, serv, servlen, flags);
	if (r == NAMES_NOTFOUND) {
		if (flags & NI_NAMEREQD)
			return EAI_NONAME;
		/* The numeric form, and the service, from the real call (no resolver asked). */
		return REAL(getnameinfo)(sa, salen, host, hostlen, serv, servlen,
					 flags | NI_NUMERICHOST);
	}
	if (flags & NI_NOFQDN) {
		char *dot = strchr(ans.canon, '.');

		if (dot)
			*dot = 0;
	}
	if (strlen(ans.canon) >= hostlen)
		return EAI_OVERFLOW;
	if (serv && servlen) {
		r = REAL(getnameinfo)(sa, salen, NULL, 0, serv, servlen, flags);
		if (r)
			return r;
	}
	memcpy(host, ans.canon, strlen(ans.canon) + 1);
	return 0;
}

NC_EXPORT int gethostbyaddr_r(const void *addr, socklen_t len, int type, struct hostent *ret,
			      char *buf, size_t buflen, struct hostent **result, int *herr)
{
	struct names_answer ans;
	struct dns_addr a;
	int saved = errno, r;

	if (!cfg.active || !addr ||
	    !((type == AF_INET && len == 4) || (type == AF_INET6 && len == 16)))
		return REAL(gethostbyaddr_r)(addr, len, type, ret, buf, buflen, result, herr);
	memset(&a, 0, sizeof(a));
	a.family = (uint8_t)type;
	memcpy(a.ip, addr, len);
	r = names_reverse(&a, &ans);
	errno = saved;
	if (r < 0)
		return REAL(gethostbyaddr_r)(addr, len, type, ret, buf, buflen, result, herr);
	if (r == NAMES_NOTFOUND)
		return names_r_miss(r, result, herr);
	/* The answer is the address asked about, in the family asked. */
	ans.addr[0] = a;
	r = names_fill_hostent(&ans, type, ret, buf, buflen);
	if (r) {
		*result = NULL;
		*herr = NETDB_INTERNAL;
		return r;
	}
	*herr = NETDB_SUCCESS;
	*result = ret;
	return 0;
}

NC_EXPORT struct hostent *gethostbyaddr(const void *addr, socklen_t len, int type)
{
	struct hostent *res = NULL;
	int herr = 0;

	if (!cfg.active || !addr ||
	    !((type == AF_INET && len == 4) || (type == AF_INET6 && len == 16)))
		return REAL(gethostbyaddr)(addr, len, type);
	gethostbyaddr_r(addr, len, type, &names_static_he, names_static_buf,
			sizeof(names_static_buf), &res, &herr);
	if (!res)
		h_errno = herr;
	return res;
}
