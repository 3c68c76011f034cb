// SPDX-License-Identifier: BSD-2-Clause
/* The daemon's controller role: records in controller.d/, config requests, control messages. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "common/file.h"
#include "common/log.h"
#include "daemon/ctrl.h"
#include "daemon/ztnode.h"
#include "zt/controller.h"
#include "zt/packet.h"
#include "zt/revocation.h"

#define CTRL_MAX_RECORD (1 << 20) /* a record file larger than this is refused */
/* Revocations of the most recently deauthorized members that go with each config answer. */
#define CTRL_MAX_REVOCATIONS 16

static struct {
	bool up;
	char *dir; /* HOME/controller.d */
	struct zt_controller c;
	struct zt_controller_answer a; /* 64 KB: one answer at a time */
} ct;

/* The record of a network (member 0) or of one of its members (free it), or NULL. */
static char *ctrl_path(uint64_t nwid, uint64_t member)
{
	if (!member)
		return file_path("%s/network/%016llx.json", ct.dir, (unsigned long long)nwid);
	return file_path("%s/network/%016llx/member/%010llx.json", ct.dir, (unsigned long long)nwid,
			 (unsigned long long)member);
}

/* A network's directory (member false) or its members' (free it), or NULL. */
static char *ctrl_dir(uint64_t nwid, bool member)
{
	return file_path("%s/network/%016llx%s", ct.dir, (unsigned long long)nwid,
			 member ? "/member" : "");
}

static int ctrl_mkdirs(uint64_t nwid)
{
	int r = 0;

	for (int member = 0; member < 2 && r == 0; member++) {
		char *p = ctrl_dir(nwid, member);

		if (!p)
			r = -ENOMEM;
		else if (mkdir(p, 0700) < 0 && errno != EEXIST)
			r = -errno;
		free(p);
	}
	return r;
}

/* Write one record (addr 0: the network's) atomically from the JSON made for it (made: that
 * function's result); true when written. A crash leaves the old record or the new one. */
static bool ctrl_write_record(uint64_t nwid, uint64_t addr, int made, char *text, size_t len)
{
	char *path = made < 0 ? NULL : ctrl_path(nwid, addr);
	int r;

	if (!path || ctrl_mkdirs(nwid) < 0) {
		if (made >= 0)
			free(text);
		free(path);
		if (addr)
			log_err("controller: cannot write member %010llx",
				(unsigned long long)addr);
		else
			log_err("controller: cannot write network %016llx",
				(unsigned long long)nwid);
		return false;
	}
	r = file_write_atomic(path, text, len, 0600);
	free(text);
	if (r < 0)
		log_err("controller: writing %s: %s", path, strerror(-r));
	free(path);
	return r >= 0;
}

static void ctrl_save_network(struct zt_controller_network *n)
{
	char *text = NULL;
	size_t len = 0;
	int made = zt_controller_network_json(n, &text, &len);

	if (ctrl_write_record(n->nwid, 0, made, text, len))
		n->dirty = false;
}

static void ctrl_save_member(struct zt_controller_network *n, struct zt_controller_member *m)
{
	char *text = NULL;
	size_t len = 0;
	int made = zt_controller_member_json(n, m, &text, &len);

	if (ctrl_write_record(n->nwid, m->address, made, text, len))
		m->dirty = false;
}

static void ctrl_save_dirty(void)
{
	for (unsigned i = 0; i < ct.c.n_networks; i++) {
		struct zt_controller_network *n = ct.c.networks[i];

		if (n->dirty)
			ctrl_save_network(n);
		for (unsigned k = 0; k < n->n_members; k++)
			if (n->members[k].dirty)
				ctrl_save_member(n, &n->members[k]);
	}
}

/* Is name HEXDIGITS(digits) + ".json"? */
static bool ctrl_record_name(const char *name, size_t digits)
{
	if (strlen(name) != digits + 5 || strcmp(name + digits, ".json"))
		return false;
	for (size_t i = 0; i < digits; i++)
		if (!strchr("0123456789abcdef", name[i]))
			return false;
	return true;
}

/* Load every record in dir (networks, or one network's members); leftover temporary files of
 * an interrupted write are removed. */
static void ctrl_load_dir(const char *dir, bool members)
{
	struct dirent *de;
	DIR *d = opendir(dir);

	if (!d)
		return;
	while ((de = readdir(d))) {
		char err[160], *text, *path;
		ssize_t n;
		int r;

		if (!strstr(de->d_name, ".json.tmp") &&
		    !ctrl_record_name(de->d_name, members ? 10 : 16))
			continue;
		path = file_path("%s/%s", dir, de->d_name);
		if (!path)
			continue;
		if (strstr(de->d_name, ".json.tmp")) {
			log_warn("controller: removing %s, left by an interrupted write", path);
			unlink(path);
			free(path);
			continue;
		}
		n = file_read(path, CTRL_MAX_RECORD, FILE_READ_NOFOLLOW, &text);
		if (n < 0) {
			log_warn("controller: %s: %s; skipped", path, strerror((int)-n));
			free(path);
			continue;
		}
		if (members)
			r = zt_controller_load_member(&ct.c, text, (size_t)n, err, sizeof(err));
		else
			r = zt_controller_load_network(&ct.c, text, (size_t)n, err, sizeof(err));
		free(text);
		if (r < 0)
			log_warn("controller: %s is not a valid record (%s); skipped", path,
				 r == -EBADMSG ? err : strerror(-r));
		free(path);
	}
	closedir(d);
}

static int ctrl_identity(const char *home, struct zt_identity *id)
{
	char *path = file_path("%s/identity.secret", home), *text;
	ssize_t n = path ? file_read(path, CTRL_MAX_RECORD, FILE_READ_NOFOLLOW, &text) : -ENOMEM;
	int r;

	free(path);
	if (n < 0)
		return (int)n;
	r = zt_identity_from_string(id, text);
	sodium_memzero(text, (size_t)n);
	free(text);
	return r < 0 || !id->has_private ? -EINVAL : 0;
}

int ctrl_start(const char *home, int64_t now)
{
	struct zt_identity id;
	char *p;
	unsigned members = 0;
	int r;

	free(ct.dir);
	ct.dir = file_path("%s/controller.d", home);
	if (!ct.dir)
		return -ENOMEM;
	r = ctrl_identity(home, &id);
	if (r < 0) {
		log_err("controller: no identity with its secret in %s: %s", home, strerror(-r));
		return r;
	}
	r = zt_controller_init(&ct.c, &id);
	sodium_memzero(&id, sizeof(id));
	if (r < 0)
		return r;
	p = file_path("%s/network", ct.dir);
	if (!p)
		return -ENOMEM;
	if ((mkdir(ct.dir, 0700) < 0 && errno != EEXIST) || (mkdir(p, 0700) < 0 && errno != EEXIST))
		log_warn("controller: mkdir %s: %m", p);
	ctrl_load_dir(p, false);
	free(p);
	for (unsigned i = 0; i < ct.c.n_networks; i++) {
		p = ctrl_dir(ct.c.networks[i]->nwid, true);
		if (p)
			ctrl_load_dir(p, true);
		free(p);
		members += ct.c.networks[i]->n_members;
		for (unsigned k = 0; k < ct.c.networks[i]->n_members; k++)
			ct.c.networks[i]->members[k].dirty = false;
	}
	ct.up = true;
	if (ct.c.n_networks)
		log_info("controller: %u network(s), %u member(s) from %s", ct.c.n_networks,
			 members, ct.dir);
	return 0;
}

void ctrl_stop(void)
{
	if (!ct.up)
		return;
	ctrl_save_dirty();
	zt_controller_free(&ct.c);
	ct.up = false;
}

static uint64_t ctrl_random(void)
{
	uint64_t v = 0;

	while (!v)
		randombytes_buf(&v, sizeof(v));
	return v;
}

/* The network nwid of this controller: -EREMOTE when another node is its controller (the id's
 * first 10 digits), -ENOENT when there is no such network, so the CLI can say which. */
static int ctrl_find(uint64_t nwid, struct zt_controller_network **out)
{
	if ((nwid >> 24) != ct.c.id.address)
		return -EREMOTE;
	*out = zt_controller_network_find(&ct.c, nwid);
	return *out ? 0 : -ENOENT;
}

/* Send the answer's config to its member: OK chunks in re the request, or NETWORK_CONFIG
 * pushes (in_re_id 0). */
static void ctrl_send_config(uint64_t to, uint64_t in_re_id)
{
	uint8_t buf[ZT_PACKET_MAX_LEN];
	uint32_t off = 0;

	while (off < ct.a.dict_len) {
		int n = zt_controller_chunk_payload(&ct.c, &ct.a, in_re_id, &off, buf, sizeof(buf));

		if (n < 0) {
			log_warn("controller: config chunk for %010llx: %s", (unsigned long long)to,
				 strerror(-n));
			return;
		}
		if (ztnode_send_verb(to, in_re_id ? ZT_VERB_OK : ZT_VERB_NETWORK_CONFIG, buf,
				     (size_t)n, NULL) < 0)
			return;
	}
}

/* NETWORK_CREDENTIALS carrying one signed revocation of target's certificates up to threshold,
 * into out. Returns the payload length or -errno. */
static int ctrl_revocation(uint64_t nwid, uint64_t target, int64_t threshold, uint8_t *out,
			   size_t size)
{
	struct zt_packet_credentials c;
	struct zt_revocation rev;
	uint8_t b[ZT_REVOCATION_SIZE];
	int n;

	memset(&rev, 0, sizeof(rev));
	rev.id = (uint32_t)ctrl_random();
	rev.nwid = nwid;
	rev.threshold = threshold;
	rev.flags = ZT_REVOCATION_FLAG_FAST_PROPAGATE;
	rev.target = target;
	rev.type = ZT_CREDENTIAL_TYPE_COM;
	n = zt_revocation_sign(&rev, &ct.c.id);
	if (n < 0)
		return n;
	n = zt_revocation_serialize(&rev, b, sizeof(b));
	if (n < 0)
		return n;
	memset(&c, 0, sizeof(c));
	c.nrev = 1;
	c.rev[0].p = b;
	c.rev[0].len = (size_t)n;
	return zt_packet_encode_credentials(&c, out, size);
}

/* Credentials to a member; to ourselves (a member of our own network) through the node's
 * queue, as every packet to ourselves. */
static void ctrl_send_credentials(uint64_t to, const uint8_t *p, size_t len)
{
	ztnode_send_verb(to, ZT_VERB_NETWORK_CREDENTIALS, p, len, NULL);
}

/* A member was deauthorized: its certificate still agrees with the others' for up to the
 * credential time max delta, so every member that has asked for a config is told now
 * (EmbeddedNetworkController::onNetworkMemberDeauthorize), ourselves included. */
static void ctrl_revoke(struct zt_controller_network *n, struct zt_controller_member *m)
{
	uint8_t buf[256];
	int len = ctrl_revocation(n->nwid, m->address, m->last_deauthorized_time, buf, sizeof(buf));
	unsigned sent = 0;

	if (len < 0) {
		log_warn("controller: revocation of %010llx: %s", (unsigned long long)m->address,
			 strerror(-len));
		return;
	}
	ctrl_send_credentials(ct.c.id.address, buf, (size_t)len);
	for (unsigned i = 0; i < n->n_members; i++) {
		const struct zt_controller_member *o = &n->members[i];

		if (o->authorized && o->last_request && o->address != m->address &&
		    o->address != ct.c.id.address) {
			ctrl_send_credentials(o->address, buf, (size_t)len);
			sent++;
		}
	}
	log_info("controller: %010llx revoked on %016llx, told %u member(s)",
		 (unsigned long long)m->address, (unsigned long long)n->nwid, sent);
}

/* With a config, the revocations of members deauthorized within the credential time max delta
 * (their certificates may still agree with the new one): a member that was away when they were
 * deauthorized learns of them too. The most recent CTRL_MAX_REVOCATIONS. */
static void ctrl_send_revocations(struct zt_controller_network *n, uint64_t to, int64_t now)
{
	const struct zt_controller_member *pick[CTRL_MAX_REVOCATIONS];
	unsigned k = 0;
	uint8_t buf[256];

	for (unsigned i = 0; i < n->n_members; i++) {
		const struct zt_controller_member *o = &n->members[i];
		unsigned j;

		if (o->authorized || !o->last_deauthorized_time || o->address == to ||
		    now - o->last_deauthorized_time > ZT_CONTROLLER_CTMD)
			continue;
		if (k < CTRL_MAX_REVOCATIONS) {
			pick[k++] = o;
			continue;
		}
		for (j = 0; j < k; j++)
			if (pick[j]->last_deauthorized_time < o->last_deauthorized_time)
				break;
		if (j < k)
			pick[j] = o;
	}
	for (unsigned i = 0; i < k; i++) {
		int len = ctrl_revocation(n->nwid, pick[i]->address,
					  pick[i]->last_deauthorized_time, buf, sizeof(buf));

		if (len > 0)
			ctrl_send_credentials(to, buf, (size_t)len);
	}
}

bool ctrl_input(uint64_t from, uint64_t packet_id, unsigned verb, const uint8_t *payload,
		size_t len, int64_t now)
{
	struct zt_packet_config_request rq;
	struct zt_identity id;
	int r;

	if (!ct.up || verb != ZT_VERB_NETWORK_CONFIG_REQUEST ||
	    zt_packet_decode_config_request(&rq, payload, len) < 0 ||
	    (rq.nwid >> 24) != ct.c.id.address)
		return false;
	if (ztnode_peer_identity(from, &id) < 0) {
		log_debug("controller: request from %010llx, whose identity we lack; dropped",
			  (unsigned long long)from);
		return true;
	}
	r = zt_controller_request(&ct.c, &id, rq.nwid, rq.metadata.p, rq.metadata.len,
				  ctrl_random(), now, &ct.a);
	if (r < 0) {
		log_warn("controller: request of %010llx for %016llx: %s", (unsigned long long)from,
			 (unsigned long long)rq.nwid, strerror(-r));
		return true;
	}
	if (ct.a.error) {
		uint8_t buf[32];
		int n =
		    zt_controller_error_payload(buf, sizeof(buf), packet_id, rq.nwid, ct.a.error);

		log_info("controller: %010llx asked for %016llx: %s", (unsigned long long)from,
			 (unsigned long long)rq.nwid,
			 ct.a.error == ZT_ERROR_OBJ_NOT_FOUND ? "no such network"
							      : "access denied");
		if (n > 0)
			ztnode_send_verb(from, ZT_VERB_ERROR, buf, (size_t)n, NULL);
	} else {
		log_debug("controller: config for %010llx on %016llx (%zu bytes)",
			  (unsigned long long)from, (unsigned long long)rq.nwid, ct.a.dict_len);
		ctrl_send_config(from, packet_id);
		ctrl_send_revocations(ct.a.network, from, now);
	}
	ctrl_save_dirty();
	return true;
}

/* Push a fresh config to an authorized member at once (it would otherwise wait for its next
 * periodic request). */
static void ctrl_push(struct zt_controller_network *n, struct zt_controller_member *m)
{
	struct zt_netconf *nc;
	struct zt_dict d;

	if (!m->authorized || !m->has_identity)
		return;
	nc = malloc(sizeof(*nc));
	if (!nc)
		return;
	zt_controller_assign_ipv4(n, m);
	zt_controller_assign_ipv6(n, m);
	if (zt_controller_config(&ct.c, n, m, ztnode_time(), nc) == 0) {
		zt_dict_init(&d, ct.a.dict, sizeof(ct.a.dict));
		if (zt_netconf_to_dict(nc, &d) == 0) {
			ct.a.error = 0;
			ct.a.network = n;
			ct.a.member = m;
			ct.a.update_id = ctrl_random();
			ct.a.dict_len = d.len;
			ctrl_send_config(m->address, 0);
			ctrl_send_revocations(n, m->address, ztnode_time());
		}
	}
	free(nc);
}

static void ctrl_addr(struct nc_addr *out, const struct zt_inetaddr *a)
{
	memset(out, 0, sizeof(*out));
	out->family = a->family;
	out->port = a->port;
	memcpy(out->ip, a->ip, 16);
}

static int ctrl_inet(struct zt_inetaddr *out, const struct nc_addr *a, bool bits)
{
	if (a->family != 4 && a->family != 6)
		return -EINVAL;
	if (bits && a->port > (a->family == 4 ? 32 : 128))
		return -EINVAL;
	zt_inetaddr_set(out, a->family, a->ip, bits ? a->port : 0);
	return 0;
}

static void ctrl_net_out(const struct zt_controller_network *n, struct nc_ctl_net *out)
{
	memset(out, 0, sizeof(*out));
	out->nwid = n->nwid;
	out->flags =
	    (n->private_net ? NC_CTL_PRIVATE : 0) | (n->enable_broadcast ? NC_CTL_BROADCAST : 0) |
	    (n->v4_zt ? NC_CTL_V4_AUTO : 0) | (n->v6_zt ? NC_CTL_V6_ZT : 0) |
	    (n->v6_rfc4193 ? NC_CTL_V6_RFC4193 : 0) | (n->v6_6plane ? NC_CTL_V6_6PLANE : 0);
	out->mtu = n->mtu;
	out->multicast_limit = n->multicast_limit;
	out->revision = n->revision;
	out->creation_time = n->creation_time;
	snprintf(out->name, sizeof(out->name), "%s", n->name);
	out->nmembers = n->n_members;
	for (unsigned k = 0; k < n->n_members; k++)
		out->nauthorized += n->members[k].authorized;
	for (unsigned k = 0; k < n->n_pools && k < NC_CTL_MAX_POOLS; k++) {
		out->pools[k].first = n->pools[k].first;
		out->pools[k].last = n->pools[k].last;
		out->npools++;
	}
	for (unsigned k = 0; k < n->n_pools6 && k < NC_CTL_MAX_POOLS6; k++) {
		memcpy(out->pools6[k].first, n->pools6[k].first, 16);
		memcpy(out->pools6[k].last, n->pools6[k].last, 16);
		out->npools6++;
	}
	for (unsigned k = 0; k < n->n_routes && k < NC_CTL_MAX_ROUTES; k++) {
		ctrl_addr(&out->routes[k].target, &n->routes[k].target);
		ctrl_addr(&out->routes[k].via, &n->routes[k].via);
		out->nroutes++;
	}
	if (n->has_dns) {
		out->flags |= NC_CTL_DNS;
		snprintf(out->dns_domain, sizeof(out->dns_domain), "%s", n->dns_domain);
		for (unsigned k = 0; k < n->n_dns && k < NC_CTL_MAX_DNS; k++)
			ctrl_addr(&out->dns[out->ndns++], &n->dns_servers[k]);
	}
}

/* The DNS settings of req (NC_CTL_DNS in flags) into t. 0 or -EINVAL. */
static int ctrl_dns_in(const struct nc_ctl_net *req, struct zt_controller_network *t)
{
	t->has_dns = req->flags & NC_CTL_DNS;
	t->n_dns = 0;
	memset(t->dns_domain, 0, sizeof(t->dns_domain));
	if (!t->has_dns)
		return 0;
	if (req->ndns > NC_CTL_MAX_DNS || !memchr(req->dns_domain, 0, sizeof(req->dns_domain)) ||
	    strlen(req->dns_domain) >= sizeof(t->dns_domain) || strpbrk(req->dns_domain, " \t\n#;"))
		return -EINVAL;
	snprintf(t->dns_domain, sizeof(t->dns_domain), "%s", req->dns_domain);
	for (unsigned k = 0; k < req->ndns; k++) {
		if (req->dns[k].family != 4 && req->dns[k].family != 6)
			return -EINVAL;
		zt_inetaddr_set(&t->dns_servers[k], req->dns[k].family, req->dns[k].ip,
				req->dns[k].port);
	}
	t->n_dns = req->ndns;
	return 0;
}

static void ctrl_member_out(const struct zt_controller_network *n,
			    const struct zt_controller_member *m, struct nc_ctl_member *out)
{
	memset(out, 0, sizeof(*out));
	out->nwid = n->nwid;
	out->address = m->address;
	out->flags = (m->authorized ? NC_CTL_AUTHORIZED : 0) |
		     (m->has_identity ? NC_CTL_HAS_IDENTITY : 0) |
		     (m->active_bridge ? NC_CTL_ACTIVE_BRIDGE : 0) |
		     (m->no_auto_assign_ips ? NC_CTL_NO_AUTO_IPS : 0);
	out->revision = m->revision;
	out->creation_time = m->creation_time;
	out->last_request = m->last_request;
	out->last_authorized = m->last_authorized_time;
	out->last_deauthorized = m->last_deauthorized_time;
	out->vmajor = m->vmajor;
	out->vminor = m->vminor;
	out->vrev = m->vrev;
	out->vproto = m->vproto;
	for (unsigned k = 0; k < m->n_ips && k < NC_CTL_MAX_IPS; k++)
		ctrl_addr(&out->ips[out->nips++], &m->ips[k]);
	for (unsigned k = 0; k < m->n_tags && k < NC_CTL_MAX_TAGS; k++) {
		out->tags[k][0] = m->tags[k][0];
		out->tags[k][1] = m->tags[k][1];
		out->ntags++;
	}
	for (unsigned k = 0; k < m->n_caps && k < NC_CTL_MAX_CAPS; k++)
		out->caps[out->ncaps++] = m->caps[k];
}

/* The pools of req into t. 0 or -EINVAL. */
static int ctrl_pools_in(const struct nc_ctl_net *req, struct zt_controller_network *t)
{
	if (req->npools > NC_CTL_MAX_POOLS || req->npools6 > NC_CTL_MAX_POOLS6)
		return -EINVAL;
	for (unsigned k = 0; k < req->npools; k++) {
		if (req->pools[k].first == 0 || req->pools[k].last < req->pools[k].first)
			return -EINVAL;
		t->pools[k].first = req->pools[k].first;
		t->pools[k].last = req->pools[k].last;
	}
	t->n_pools = req->npools;
	for (unsigned k = 0; k < req->npools6; k++) {
		if (memcmp(req->pools6[k].last, req->pools6[k].first, 16) < 0)
			return -EINVAL;
		memcpy(t->pools6[k].first, req->pools6[k].first, 16);
		memcpy(t->pools6[k].last, req->pools6[k].last, 16);
	}
	t->n_pools6 = req->npools6;
	return 0;
}

/* The routes of req into t. 0 or -EINVAL. */
static int ctrl_routes_in(const struct nc_ctl_net *req, struct zt_controller_network *t)
{
	if (req->nroutes > NC_CTL_MAX_ROUTES)
		return -EINVAL;
	for (unsigned k = 0; k < req->nroutes; k++) {
		memset(&t->routes[k], 0, sizeof(t->routes[k]));
		if (ctrl_inet(&t->routes[k].target, &req->routes[k].target, true) < 0)
			return -EINVAL;
		if (req->routes[k].via.family &&
		    ctrl_inet(&t->routes[k].via, &req->routes[k].via, false) < 0)
			return -EINVAL;
	}
	t->n_routes = req->nroutes;
	return 0;
}

int ctrl_net_create(const struct nc_ctl_net *req, struct nc_ctl_net *out)
{
	struct zt_controller_network t, *n;
	int r;

	if (!ct.up)
		return -ENOTCONN;
	if (req->npools > NC_CTL_MAX_POOLS || req->npools6 > NC_CTL_MAX_POOLS6 ||
	    req->nroutes > NC_CTL_MAX_ROUTES || memchr(req->name, 0, sizeof(req->name)) == NULL)
		return -EINVAL;
	zt_controller_network_defaults(&t);
	t.nwid = req->nwid;
	snprintf(t.name, sizeof(t.name), "%s", req->name);
	t.private_net = req->flags & NC_CTL_PRIVATE;
	t.enable_broadcast = req->flags & NC_CTL_BROADCAST;
	t.v4_zt = req->flags & NC_CTL_V4_AUTO;
	t.v6_zt = req->flags & NC_CTL_V6_ZT;
	t.v6_rfc4193 = req->flags & NC_CTL_V6_RFC4193;
	t.v6_6plane = req->flags & NC_CTL_V6_6PLANE;
	if (req->mtu) {
		if (req->mtu < ZT_NETCONF_MIN_MTU || req->mtu > ZT_NETCONF_MAX_MTU)
			return -EINVAL;
		t.mtu = req->mtu;
	}
	t.multicast_limit = req->multicast_limit;
	if (ctrl_pools_in(req, &t) < 0 || ctrl_routes_in(req, &t) < 0)
		return -EINVAL;
	if (ctrl_dns_in(req, &t) < 0)
		return -EINVAL;
	n = zt_controller_network_add(&ct.c, &t, ctrl_random(), ztnode_time(), &r);
	if (!n)
		return r;
	ctrl_save_dirty();
	log_info("controller: network %016llx (%s) created", (unsigned long long)n->nwid, n->name);
	ctrl_net_out(n, out);
	return 0;
}

int ctrl_net_set(const struct nc_ctl_net *req, struct nc_ctl_net *out)
{
	struct zt_controller_network *n, t;
	int r;

	if (!ct.up)
		return -ENOTCONN;
	r = ctrl_find(req->nwid, &n);
	if (r < 0)
		return r;
	if (!req->change ||
	    (req->change &
	     ~(NC_CTL_CHANGE_NAME | NC_CTL_CHANGE_MTU | NC_CTL_CHANGE_DNS | NC_CTL_CHANGE_V6 |
	       NC_CTL_CHANGE_POOLS | NC_CTL_CHANGE_ROUTES | NC_CTL_CHANGE_PRIVATE |
	       NC_CTL_CHANGE_BROADCAST | NC_CTL_CHANGE_V4 | NC_CTL_CHANGE_MCAST)))
		return -EINVAL;
	t = *n;
	if (req->change & NC_CTL_CHANGE_NAME) {
		if (!memchr(req->name, 0, sizeof(req->name)))
			return -EINVAL;
		snprintf(t.name, sizeof(t.name), "%s", req->name);
	}
	if (req->change & NC_CTL_CHANGE_MTU) {
		if (req->mtu < ZT_NETCONF_MIN_MTU || req->mtu > ZT_NETCONF_MAX_MTU)
			return -EINVAL;
		t.mtu = req->mtu;
	}
	if ((req->change & NC_CTL_CHANGE_DNS) && ctrl_dns_in(req, &t) < 0)
		return -EINVAL;
	if (req->change & NC_CTL_CHANGE_V6) {
		t.v6_zt = req->flags & NC_CTL_V6_ZT;
		t.v6_rfc4193 = req->flags & NC_CTL_V6_RFC4193;
		t.v6_6plane = req->flags & NC_CTL_V6_6PLANE;
	}
	/* What the local API's clients (ztncui, ZeroUI) change on an existing network. */
	if ((req->change & NC_CTL_CHANGE_POOLS) && ctrl_pools_in(req, &t) < 0)
		return -EINVAL;
	if ((req->change & NC_CTL_CHANGE_ROUTES) && ctrl_routes_in(req, &t) < 0)
		return -EINVAL;
	if (req->change & NC_CTL_CHANGE_PRIVATE)
		t.private_net = req->flags & NC_CTL_PRIVATE;
	if (req->change & NC_CTL_CHANGE_BROADCAST)
		t.enable_broadcast = req->flags & NC_CTL_BROADCAST;
	if (req->change & NC_CTL_CHANGE_V4)
		t.v4_zt = req->flags & NC_CTL_V4_AUTO;
	if (req->change & NC_CTL_CHANGE_MCAST)
		t.multicast_limit = req->multicast_limit;
	t.revision++;
	t.dirty = true;
	*n = t;
	ctrl_save_dirty();
	log_info("controller: network %016llx changed (revision %llu)", (unsigned long long)n->nwid,
		 (unsigned long long)n->revision);
	for (unsigned k = 0; k < n->n_members; k++)
		ctrl_push(n, &n->members[k]);
	ctrl_save_dirty();
	ctrl_net_out(n, out);
	return 0;
}

int ctrl_net_get(const struct nc_ctl_req *req, struct nc_ctl_net *out)
{
	struct zt_controller_network *n;
	int r;

	if (!ct.up)
		return -ENOTCONN;
	if (req->nwid) {
		r = ctrl_find(req->nwid, &n);
		if (r < 0)
			return r;
	} else {
		n = req->index < ct.c.n_networks ? ct.c.networks[req->index] : NULL;
		if (!n)
			return -ENOENT;
	}
	ctrl_net_out(n, out);
	return 0;
}

/* Remove a file or an empty directory; a missing one is gone already. */
static int ctrl_remove(char *path, bool dir)
{
	int r = !path ? -ENOMEM : (dir ? rmdir(path) : unlink(path)) < 0 ? -errno : 0;

	free(path);
	return r == -ENOENT ? 0 : r;
}

int ctrl_net_delete(const struct nc_ctl_req *req)
{
	struct zt_controller_network *n;
	int r;

	if (!ct.up)
		return -ENOTCONN;
	r = ctrl_find(req->nwid, &n);
	if (r < 0)
		return r;
	for (unsigned k = 0; k < n->n_members; k++)
		ctrl_remove(ctrl_path(n->nwid, n->members[k].address), false);
	ctrl_remove(ctrl_dir(n->nwid, true), true);
	ctrl_remove(ctrl_dir(n->nwid, false), true);
	r = ctrl_remove(ctrl_path(n->nwid, 0), false);
	if (r < 0)
		return r;
	log_info("controller: network %016llx deleted", (unsigned long long)req->nwid);
	return zt_controller_network_delete(&ct.c, req->nwid);
}

int ctrl_member_get(const struct nc_ctl_req *req, struct nc_ctl_member *out)
{
	struct zt_controller_network *n;
	const struct zt_controller_member *m;
	int r;

	if (!ct.up)
		return -ENOTCONN;
	r = ctrl_find(req->nwid, &n);
	if (r < 0)
		return r;
	/* -ESRCH: no such member; -ENOENT: past the last one. */
	if (req->address)
		m = zt_controller_member_find(n, req->address);
	else
		m = req->index < n->n_members ? &n->members[req->index] : NULL;
	if (!m)
		return req->address ? -ESRCH : -ENOENT;
	ctrl_member_out(n, m, out);
	return 0;
}

int ctrl_member_set(const struct nc_ctl_member *req, struct nc_ctl_member *out)
{
	struct zt_inetaddr ips[NC_CTL_MAX_IPS];
	struct zt_controller_network *n;
	struct zt_controller_member *m;
	unsigned nips = 0;
	bool existed, was_authorized;
	int r;

	if (!ct.up)
		return -ENOTCONN;
	if (zt_identity_address_reserved(req->address) || req->address >> 40)
		return -EINVAL;
	r = ctrl_find(req->nwid, &n);
	if (r < 0)
		return r;
	if (req->flags & NC_CTL_SET_IPS) {
		if (req->nips == 0 || req->nips > NC_CTL_MAX_IPS)
			return -EINVAL;
		for (; nips < req->nips; nips++)
			if (ctrl_inet(&ips[nips], &req->ips[nips], false) < 0)
				return -EINVAL;
	}
	m = zt_controller_member_find(n, req->address);
	existed = m != NULL;
	/* Deauthorizing a node that never was a member would only leave a record behind. */
	if (!existed && !(req->flags & NC_CTL_AUTHORIZED))
		return -ESRCH;
	was_authorized = m && m->authorized;
	m = zt_controller_member_get(n, req->address, ztnode_time());
	if (!m)
		return -ENOSPC;
	r = zt_controller_member_authorize(n, m, req->flags & NC_CTL_AUTHORIZED, ips, nips,
					   ztnode_time());
	if (r < 0) {
		if (!existed) /* do not leave a record behind for a refused request */
			m->dirty = false;
		return r;
	}
	/* What the local API's clients set besides authorization (the record keeps both). */
	if (req->flags & NC_CTL_SET_BRIDGE)
		m->active_bridge = req->flags & NC_CTL_ACTIVE_BRIDGE;
	if (req->flags & NC_CTL_SET_NO_AUTO)
		m->no_auto_assign_ips = req->flags & NC_CTL_NO_AUTO_IPS;
	if ((req->flags & NC_CTL_SET_TAGS) && req->ntags <= NC_CTL_MAX_TAGS &&
	    req->ntags <= ZT_CONTROLLER_MAX_TAGS) {
		memcpy(m->tags, req->tags, req->ntags * sizeof(req->tags[0]));
		m->n_tags = req->ntags;
	}
	if ((req->flags & NC_CTL_SET_CAPS) && req->ncaps <= NC_CTL_MAX_CAPS &&
	    req->ncaps <= ZT_CONTROLLER_MAX_CAPS) {
		memcpy(m->caps, req->caps, req->ncaps * sizeof(req->caps[0]));
		m->n_caps = req->ncaps;
	}
	log_info("controller: %010llx %s on %016llx", (unsigned long long)m->address,
		 m->authorized ? "authorized" : "deauthorized", (unsigned long long)n->nwid);
	if (was_authorized && !m->authorized)
		ctrl_revoke(n, m);
	ctrl_push(n, m);
	ctrl_save_dirty();
	ctrl_member_out(n, m, out);
	return 0;
}
