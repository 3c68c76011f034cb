// SPDX-License-Identifier: BSD-2-Clause
/* The daemon's ZeroTier node: state in NETCON_HOME, the UDP transport, timers, control queries. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "common/file.h"
#include "common/log.h"
#include "daemon/transport.h"
#include "daemon/ztnode.h"
#include "zt/armor.h"
#include "zt/node.h"
#include "zt/packet.h"
#include "zt/planet_default.h"
#include "zt/world.h"

#define ZTNODE_PEERS_MAX_LOAD 4096 /* peers.d entries read at start */
#define ZTNODE_ECHOES 64 /* ECHOs whose answer we keep for NC_ZT_RESULT */
#define ZTNODE_INBOX 64 /* USER_MESSAGEs kept for NC_ZT_INBOX */
#define ZTNODE_LOCAL_REFRESH 60000
#define ZTNODE_SELFQ 64 /* packets to ourselves (a controller that is its own member) */

struct ztnode_self {
	unsigned verb;
	uint64_t id;
	size_t len;
	uint8_t *data;
};

struct ztnode_echo {
	uint64_t id;
	int64_t sent;
	bool done;
	struct nc_zt_msg m;
};

static struct {
	struct zt_node *node;
	struct zt_identity id;
	struct zt_world planet;
	char *home;
	uint16_t port;
	int timer_fd;
	int64_t offset; /* node time = CLOCK_MONOTONIC ms + offset: epoch ms that never jumps */
	int64_t armed, last_local;
	struct ztnode_echo echo[ZTNODE_ECHOES];
	struct nc_zt_msg inbox[ZTNODE_INBOX];
	uint64_t inbox_seq;
	struct ztnode_self selfq[ZTNODE_SELFQ];
	unsigned selfq_head, selfq_n;
	ztnode_network_fn network; /* the layers above, for network verbs */
	void *network_ctx;
} zn = {.timer_fd = -1};

static struct loop_obj timer_obj = {.type = LOOP_ZT_TIMER};

static int64_t ztnode_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t ztnode_time(void)
{
	return ztnode_mono() + zn.offset;
}

static int ztnode_identity(void)
{
	char *path = file_path("%s/identity.secret", zn.home), *read = NULL;
	char text[ZT_IDENTITY_STRING_LEN + 2];
	ssize_t n;
	int r;

	if (!path)
		return -ENOMEM;
	n = file_read(path, sizeof(text) - 1, 0, &read);
	if (n >= 0) {
		memcpy(text, read, (size_t)n + 1);
		sodium_memzero(read, (size_t)n);
		free(read);
		if (zt_identity_from_string(&zn.id, text) < 0 || !zn.id.has_private ||
		    zt_identity_validate(&zn.id) < 0) {
			log_err("%s is not a valid identity with its secret key", path);
			r = -EINVAL;
			goto out;
		}
	} else if (n == -ENOENT) {
		log_info("generating a new identity in %s", path);
		r = zt_identity_generate(&zn.id);
		if (r < 0)
			goto out;
		r = zt_identity_to_string(&zn.id, true, text, sizeof(text) - 1);
		if (r < 0)
			goto out;
		text[r++] = '\n';
		r = file_write_atomic(path, text, (size_t)r, 0600);
		if (r < 0) {
			log_err("writing %s: %s", path, strerror(-r));
			goto out;
		}
	} else {
		log_err("reading %s: %s", path, strerror((int)-n));
		r = (int)n;
		goto out;
	}
	/* The secret's text goes before the buffer is reused for the public one. */
	sodium_memzero(text, sizeof(text));
	/* identity.public always follows identity.secret. */
	r = zt_identity_to_string(&zn.id, false, text, sizeof(text) - 1);
	if (r < 0)
		goto out;
	text[r++] = '\n';
	free(path);
	path = file_path("%s/identity.public", zn.home);
	r = path ? file_write_atomic(path, text, (size_t)r, 0644) : -ENOMEM;
	if (r < 0)
		log_warn("writing %s/identity.public: %s", zn.home, strerror(-r));
	r = 0;
out:
	/* The secret key's text must not outlive this frame (a core dump, a later stack). */
	sodium_memzero(text, sizeof(text));
	if (r < 0)
		sodium_memzero(&zn.id, sizeof(zn.id));
	free(path);
	return r;
}

static int ztnode_planet(const char *given)
{
	char *path = file_path("%s/planet", zn.home), *buf = NULL;
	const char *from = given ? given : path;
	ssize_t n;
	int r = -EINVAL;

	if (!path)
		return -ENOMEM;
	n = file_read(from, ZT_WORLD_MAX_SIZE, 0, &buf);
	if (n == -ENOENT && !given) {
		buf = malloc(ZT_PLANET_DEFAULT_LEN + 1);
		if (!buf) {
			r = -ENOMEM;
			goto out;
		}
		memcpy(buf, zt_planet_default, ZT_PLANET_DEFAULT_LEN);
		n = ZT_PLANET_DEFAULT_LEN;
		from = "(ZeroTier's public planet, built in)";
	}
	if (n < 0) {
		log_err("planet %s: %s", from, strerror((int)-n));
		r = (int)n;
		goto out;
	}
	r = zt_world_deserialize(&zn.planet, (uint8_t *)buf, (size_t)n);
	if (r < 0 || zn.planet.type != ZT_WORLD_TYPE_PLANET ||
	    zt_world_verify(&zn.planet, zn.planet.update_key) < 0) {
		log_err("planet %s: not a validly signed planet", from);
		r = -EINVAL;
		goto out;
	}
	if (given) {
		/* Keep it in the home, as ZeroTier keeps its planet, for the next start. */
		r = file_write_atomic(path, buf, (size_t)n, 0644);
		if (r < 0)
			log_warn("copying the planet to %s: %s", path, strerror(-r));
	}
	log_info("planet %llu (%s), %u root(s)", (unsigned long long)zn.planet.id, from,
		 zn.planet.n_roots);
	r = 0;
out:
	free(buf);
	free(path);
	return r;
}

/* peers.d/<address>.peer: the public identity of a peer we validated, then "path IP/PORT" lines
 * for where it was last reached directly, so a restart needs no WHOIS, no hash and no root to
 * reach it again. Files that do not parse (ZeroTierOne's binary ones) are skipped. */
static void ztnode_peer_write(const struct zt_identity *id, const struct zt_inetaddr *paths,
			      unsigned npaths)
{
	char a[ZT_IDENTITY_ADDRESS_STRING_LEN], text[1024], s[ZT_INETADDR_STRLEN], *path;
	int r = zt_identity_to_string(id, false, text, sizeof(text) - 1);

	if (r < 0)
		return;
	text[r++] = '\n';
	for (unsigned i = 0; i < npaths && r < (int)sizeof(text) - 80; i++)
		r += snprintf(text + r, sizeof(text) - (size_t)r, "path %s\n",
			      zt_inetaddr_to_string(&paths[i], s));
	path = file_path("%s/peers.d/%s.peer", zn.home, zt_identity_address_to_hex(id->address, a));
	if (!path || file_write_atomic(path, text, (size_t)r, 0644) < 0)
		log_debug("writing the peer file of %s failed", a);
	free(path);
}

static void ztnode_peer_save(void *ctx, const struct zt_identity *id)
{
	ztnode_peer_write(id, NULL, 0);
}

static void ztnode_peer_paths(void *ctx, const struct zt_identity *id,
			      const struct zt_inetaddr *paths, unsigned count)
{
	ztnode_peer_write(id, paths, count);
}

/* At shutdown: every leaf with a direct path, so the next start tries it first. */
static void ztnode_peers_save(void)
{
	struct zt_node_peer_info pi;
	int64_t now = ztnode_time();

	for (unsigned i = 0; zt_node_peer_info(zn.node, i, &pi, now) == 0; i++) {
		struct zt_inetaddr eps[ZT_NODE_MAX_PATHS];
		unsigned n = 0;

		if (pi.role != ZT_NODE_ROLE_LEAF || !pi.npaths)
			continue;
		for (unsigned k = 0; k < pi.npaths; k++)
			eps[n++] = pi.paths[k].addr;
		ztnode_peer_write(&pi.identity, eps, n);
	}
}

/* One peers.d file (name: ADDRESS.peer) into the node. Returns 0 or -errno. */
static int ztnode_peer_load(const char *dir, const char *name, int64_t now)
{
	struct zt_inetaddr eps[ZT_NODE_MAX_PATHS];
	struct zt_identity peer;
	char *path = file_path("%s/%s", dir, name), *text = NULL, *line, *save;
	unsigned neps = 0;
	ssize_t n = path ? file_read(path, 1023, 0, &text) : -ENOMEM;
	int r = -EINVAL;

	free(path);
	if (n <= 0)
		goto out;
	line = strtok_r(text, "\n", &save);
	if (!line || zt_identity_from_string(&peer, line) < 0 || peer.has_private ||
	    strncmp(line, name, 10))
		goto out;
	while ((line = strtok_r(NULL, "\n", &save)) && neps < ZT_NODE_MAX_PATHS)
		if (!strncmp(line, "path ", 5) &&
		    zt_inetaddr_from_string(&eps[neps], line + 5) == 0)
			neps++;
	r = zt_node_add_peer(zn.node, &peer, eps, neps, now);
out:
	free(text);
	return r;
}

static void ztnode_peers_load(int64_t now)
{
	char *dir = file_path("%s/peers.d", zn.home);
	struct dirent *de;
	unsigned loaded = 0;
	DIR *d;

	if (!dir)
		return;
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		log_warn("mkdir %s: %m", dir);
	d = opendir(dir);
	while (d && (de = readdir(d)) && loaded < ZTNODE_PEERS_MAX_LOAD) {
		size_t l = strlen(de->d_name);

		if (l == 15 && !strcmp(de->d_name + 10, ".peer") &&
		    ztnode_peer_load(dir, de->d_name, now) == 0)
			loaded++;
	}
	if (d)
		closedir(d);
	free(dir);
	if (loaded)
		log_info("%u peer identities from peers.d", loaded);
}

/* Our interface addresses with our port, for PUSH_DIRECT_PATHS (not loopback, not link-local). */
static void ztnode_local_addrs(void)
{
	struct zt_inetaddr a[ZT_NODE_MAX_LOCAL_ADDRS];
	struct ifaddrs *ifa, *i;
	unsigned n = 0;

	if (getifaddrs(&ifa) < 0)
		return;
	for (i = ifa; i && n < ZT_NODE_MAX_LOCAL_ADDRS; i = i->ifa_next) {
		if (!i->ifa_addr || (i->ifa_flags & IFF_LOOPBACK) || !(i->ifa_flags & IFF_UP))
			continue;
		if (i->ifa_addr->sa_family == AF_INET) {
			zt_inetaddr_set(&a[n++], 4, &((struct sockaddr_in *)i->ifa_addr)->sin_addr,
					zn.port);
		} else if (i->ifa_addr->sa_family == AF_INET6) {
			const struct in6_addr *ip =
			    &((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr;

			if (IN6_IS_ADDR_LINKLOCAL(ip) || IN6_IS_ADDR_LOOPBACK(ip))
				continue;
			zt_inetaddr_set(&a[n++], 6, ip, zn.port);
		}
	}
	freeifaddrs(ifa);
	zt_node_set_local_addrs(zn.node, a, n);
}

static void ztnode_send_cb(void *ctx, const struct zt_inetaddr *to, const uint8_t *data, size_t len,
			   unsigned ttl)
{
	transport_send(to, data, len, ttl);
}

static void ztnode_echo_cb(void *ctx, uint64_t from, uint64_t id, const uint8_t *data, size_t len,
			   unsigned hops, int64_t rtt)
{
	struct ztnode_echo *e = &zn.echo[id % ZTNODE_ECHOES];

	if (e->id != id || e->done)
		return; /* a keepalive, or asked by nobody */
	e->done = true;
	e->m.id = id;
	e->m.from = from;
	e->m.kind = NC_ZT_ECHO;
	e->m.hops = (uint8_t)hops;
	e->m.rtt = (int32_t)rtt;
	e->m.len = (uint32_t)(len > NC_ZT_DATA_MAX ? NC_ZT_DATA_MAX : len);
	memcpy(e->m.data, data, e->m.len);
}

static void ztnode_user_cb(void *ctx, uint64_t from, uint64_t type, const uint8_t *data, size_t len,
			   unsigned hops)
{
	struct nc_zt_msg *m = &zn.inbox[zn.inbox_seq % ZTNODE_INBOX];

	memset(m, 0, sizeof(*m));
	m->id = zn.inbox_seq++;
	m->from = from;
	m->type = type;
	m->kind = NC_ZT_USER_MESSAGE;
	m->hops = (uint8_t)hops;
	m->len = (uint32_t)(len > NC_ZT_DATA_MAX ? NC_ZT_DATA_MAX : len);
	memcpy(m->data, data, m->len);
	log_debug("user message from %010llx, type %llu, %zu bytes, %u hops",
		  (unsigned long long)from, (unsigned long long)type, len, hops);
}

static void ztnode_network_cb(void *ctx, uint64_t from, uint64_t packet_id, unsigned verb,
			      const uint8_t *payload, size_t len)
{
	if (zn.network)
		zn.network(zn.network_ctx, from, packet_id, verb, payload, len, ztnode_time());
}

/* Deliver what we sent ourselves, from the loop (never inside the sender's call). */
static void ztnode_self_drain(void)
{
	for (unsigned k = 0; k < 4 * ZTNODE_SELFQ && zn.selfq_n; k++) {
		struct ztnode_self q = zn.selfq[zn.selfq_head];

		zn.selfq_head = (zn.selfq_head + 1) % ZTNODE_SELFQ;
		zn.selfq_n--;
		ztnode_network_cb(NULL, zn.id.address, q.id, q.verb, q.data, q.len);
		free(q.data);
	}
}

int ztnode_send_verb(uint64_t dest, unsigned verb, const void *payload, size_t len, uint64_t *id)
{
	struct ztnode_self *q;
	uint64_t packet_id = 0;

	if (!zn.node)
		return -ENOTCONN;
	if (dest != zn.id.address)
		return zt_node_send(zn.node, dest, verb, payload, len, ztnode_time(), id);
	if (zn.selfq_n >= ZTNODE_SELFQ)
		return -EAGAIN;
	q = &zn.selfq[(zn.selfq_head + zn.selfq_n) % ZTNODE_SELFQ];
	q->data = malloc(len ? len : 1);
	if (!q->data)
		return -ENOMEM;
	memcpy(q->data, payload, len);
	q->len = len;
	q->verb = verb;
	while (!packet_id)
		randombytes_buf(&packet_id, sizeof(packet_id));
	q->id = packet_id;
	zn.selfq_n++;
	if (id)
		*id = packet_id;
	return 0;
}

uint64_t ztnode_address(void)
{
	return zn.id.address;
}

const char *ztnode_home(void)
{
	return zn.home;
}

int ztnode_peer_identity(uint64_t address, struct zt_identity *out)
{
	struct zt_node_peer_info pi;

	if (!zn.node)
		return -ENOTCONN;
	if (address == zn.id.address) {
		/* The public half only: the secret key is never copied out. */
		memset(out, 0, sizeof(*out));
		out->address = zn.id.address;
		memcpy(out->pub, zn.id.pub, sizeof(out->pub));
		out->has_private = false;
		return 0;
	}
	if (zt_node_peer_find(zn.node, address, &pi, ztnode_time()) < 0)
		return -ENOENT;
	*out = pi.identity;
	return 0;
}

unsigned ztnode_roots(uint64_t *out, unsigned max)
{
	unsigned n = 0;

	for (unsigned i = 0; i < zn.planet.n_roots && n < max; i++)
		out[n++] = zn.planet.roots[i].identity.address;
	return n;
}

static void ztnode_rx(const struct zt_inetaddr *from, const uint8_t *data, size_t len)
{
	zt_node_receive(zn.node, from, data, len, ztnode_time());
}

int ztnode_start(const struct ztnode_config *cfg)
{
	struct zt_node_callbacks cb = {
	    .send = ztnode_send_cb,
	    .echo_reply = ztnode_echo_cb,
	    .user_message = ztnode_user_cb,
	    .peer_new = ztnode_peer_save,
	    .peer_paths = ztnode_peer_paths,
	    .network = ztnode_network_cb,
	};
	struct timespec rt;
	char a[ZT_IDENTITY_ADDRESS_STRING_LEN];
	int64_t now;
	int r;

	free(zn.home);
	zn.home = strdup(cfg->home);
	if (!zn.home)
		return -ENOMEM;
	clock_gettime(CLOCK_REALTIME, &rt);
	zn.offset = ((int64_t)rt.tv_sec * 1000 + rt.tv_nsec / 1000000) - ztnode_mono();
	r = ztnode_identity();
	if (r < 0)
		return r;
	r = ztnode_planet(cfg->planet);
	if (r < 0)
		return r;
	now = ztnode_time();
	zn.node = zt_node_new(&zn.id, &zn.planet, &cb, now);
	if (!zn.node)
		return -ENOMEM;
	r = transport_open(cfg->port < 0 ? ZTNODE_DEFAULT_PORT : (uint16_t)cfg->port, cfg->port < 0,
			   ztnode_rx);
	if (r < 0) {
		log_err("UDP port %d: %s", cfg->port < 0 ? ZTNODE_DEFAULT_PORT : cfg->port,
			strerror(-r));
		return r;
	}
	zn.port = (uint16_t)r;
	zn.timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (zn.timer_fd < 0 || loop_add(zn.timer_fd, EPOLLIN, &timer_obj) < 0) {
		r = -errno;
		log_err("timer: %m");
		return r;
	}
	ztnode_local_addrs();
	zn.last_local = now;
	ztnode_peers_load(now);
	log_info("ZeroTier node %s on UDP port %u", zt_identity_address_to_hex(zn.id.address, a),
		 zn.port);
	{
		struct zt_node_info info;

		zt_node_get_info(zn.node, &info, now);
		if (info.is_root)
			log_info("this node is a root of planet %llu",
				 (unsigned long long)zn.planet.id);
	}
	zn.network = cfg->network;
	zn.network_ctx = cfg->network_ctx;
	return 0;
}

void ztnode_stop(void)
{
	zn.network = NULL;
	if (zn.node)
		ztnode_peers_save();
	transport_close();
	if (zn.timer_fd >= 0) {
		loop_del(zn.timer_fd);
		close(zn.timer_fd);
		zn.timer_fd = -1;
	}
	zt_node_free(zn.node);
	zn.node = NULL;
	sodium_memzero(&zn.id, sizeof(zn.id));
	free(zn.home);
	zn.home = NULL;
}

void ztnode_event(struct loop_obj *obj, uint32_t events)
{
	uint64_t ticks;

	if (read(zn.timer_fd, &ticks, sizeof(ticks)) < 0 && errno != EAGAIN)
		log_debug("timerfd read: %m");
	zn.armed = 0;
}

void ztnode_idle(int64_t next_above)
{
	int64_t now, next;

	if (!zn.node)
		return;
	now = ztnode_time();
	if (now - zn.last_local >= ZTNODE_LOCAL_REFRESH) {
		zn.last_local = now;
		ztnode_local_addrs();
	}
	next = zt_node_tick(zn.node, now);
	ztnode_self_drain();
	if (next_above < next)
		next = next_above;
	transport_flush();
	if (next != zn.armed) {
		int64_t mono = next - zn.offset;
		struct itimerspec its = {
		    .it_value = {.tv_sec = mono / 1000, .tv_nsec = (mono % 1000) * 1000000},
		};

		if (timerfd_settime(zn.timer_fd, TFD_TIMER_ABSTIME, &its, NULL) == 0)
			zn.armed = next;
	}
}

static void ztnode_addr(struct nc_addr *out, const struct zt_inetaddr *a)
{
	memset(out, 0, sizeof(*out));
	out->family = a->family;
	out->port = a->port;
	memcpy(out->ip, a->ip, 16);
}

int ztnode_info(struct nc_zt_info *out)
{
	struct zt_node_info info;
	struct transport_stats ts;
	const struct zt_node_stats *s = &info.stats;

	if (!zn.node)
		return -ENOTCONN;
	zt_node_get_info(zn.node, &info, ztnode_time());
	transport_get_stats(&ts);
	out->address = info.address;
	out->flags = (info.online ? NC_ZT_ONLINE : 0) | (info.is_root ? NC_ZT_ROOT : 0);
	out->port = zn.port;
	out->version_major = ZT_NODE_VERSION_MAJOR;
	out->version_minor = ZT_NODE_VERSION_MINOR;
	out->version_rev = ZT_NODE_VERSION_REVISION;
	out->proto = ZT_ARMOR_PROTO_VERSION;
	out->npeers = info.npeers;
	out->planet_id = info.planet_id;
	out->planet_ts = info.planet_ts;
	ztnode_addr(&out->surface, &info.surface);
	{
		const uint64_t c[NC_ZT_COUNTERS] = {
		    s->rx_datagrams,	    s->tx_datagrams,	s->rx_packets,
		    s->drop_short,	    s->drop_malformed,	s->drop_mac,
		    s->drop_unknown_peer,   s->drop_hello,	s->drop_rate_limited,
		    s->drop_relay,	    s->relayed,		s->identity_validations,
		    s->whois_sent,	    s->whois_answered,	s->rendezvous_sent,
		    s->rendezvous_received, s->push_paths_sent, s->unknown_verb,
		    ts.tx_errors,	    ts.rx_truncated,
		};

		memcpy(out->counters, c, sizeof(c));
	}
	zt_identity_to_string(&zn.id, false, out->identity, sizeof(out->identity));
	return 0;
}

int ztnode_node_info(struct zt_node_info *out)
{
	if (!zn.node)
		return -ENOTCONN;
	zt_node_get_info(zn.node, out, ztnode_time());
	return 0;
}

int ztnode_peer(uint64_t index, struct nc_zt_peer *out)
{
	struct zt_node_peer_info pi;
	int r;

	if (!zn.node)
		return -ENOTCONN;
	if (index > UINT32_MAX)
		return -ENOENT;
	r = zt_node_peer_info(zn.node, (unsigned)index, &pi, ztnode_time());
	if (r < 0)
		return r;
	out->address = pi.address;
	out->role = pi.role;
	out->proto = pi.proto;
	out->major = pi.major;
	out->minor = pi.minor;
	out->rev = pi.revision;
	out->latency = pi.latency;
	out->last_receive = pi.last_receive;
	out->relay = pi.relay;
	out->relayed = pi.relayed;
	out->npaths = pi.npaths > NC_ZT_MAX_PATHS ? NC_ZT_MAX_PATHS : pi.npaths;
	for (unsigned i = 0; i < out->npaths; i++) {
		ztnode_addr(&out->paths[i].addr, &pi.paths[i].addr);
		out->paths[i].last_send = pi.paths[i].last_send;
		out->paths[i].last_receive = pi.paths[i].last_receive;
		out->paths[i].flags =
		    (pi.paths[i].expired ? 1u : 0u) | (pi.paths[i].preferred ? 2u : 0u);
	}
	return 0;
}

int ztnode_send(const struct nc_zt_send_req *req, uint64_t *id)
{
	int64_t now = ztnode_time();
	uint64_t packet_id = 0;
	int r;

	if (!zn.node)
		return -ENOTCONN;
	if (req->len > NC_ZT_DATA_MAX || req->dest >> 40)
		return -EINVAL;
	if (req->kind == NC_ZT_ECHO) {
		struct ztnode_echo *e;

		r = zt_node_echo(zn.node, req->dest, req->data, req->len, now, &packet_id);
		if (r < 0)
			return r;
		e = &zn.echo[packet_id % ZTNODE_ECHOES];
		memset(e, 0, sizeof(*e));
		e->id = packet_id;
		e->sent = now;
	} else if (req->kind == NC_ZT_USER_MESSAGE) {
		r = zt_node_user_message(zn.node, req->dest, req->type, req->data, req->len, now);
		if (r < 0)
			return r;
	} else {
		return -EINVAL;
	}
	*id = packet_id;
	return 0;
}

int ztnode_result(uint64_t id, struct nc_zt_msg *out)
{
	struct ztnode_echo *e = &zn.echo[id % ZTNODE_ECHOES];

	if (!id || e->id != id)
		return -ENOENT;
	if (!e->done)
		return -EAGAIN;
	*out = e->m;
	return 0;
}

int ztnode_inbox(uint64_t cursor, struct nc_zt_msg *out)
{
	uint64_t first = zn.inbox_seq > ZTNODE_INBOX ? zn.inbox_seq - ZTNODE_INBOX : 0;

	if (cursor < first)
		cursor = first;
	if (cursor >= zn.inbox_seq)
		return -ENOENT;
	*out = zn.inbox[cursor % ZTNODE_INBOX];
	return 0;
}
