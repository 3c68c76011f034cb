// SPDX-License-Identifier: BSD-2-Clause
/* The network controller role: networks and members in memory, config requests answered with
 * signed configs and certificates, IPv4 pool assignment, rfc4193 and 6plane IPv6 addresses,
 * records as stock-controller JSON. */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "zt/com.h"
#include "zt/controller.h"
#include "zt/dictionary.h"
#include "zt/packet.h"

/* A rule list of one ACTION_ACCEPT (ZT_NETWORK_RULE_ACTION_ACCEPT = 1, no payload). */
static const uint8_t controller_accept_rule[2] = {0x01, 0x00};

static void put_be(uint8_t *p, uint64_t v, int n)
{
	for (int i = n - 1; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

int zt_controller_init(struct zt_controller *c, const struct zt_identity *me)
{
	memset(c, 0, sizeof(*c));
	if (!me->has_private)
		return -EINVAL;
	c->id = *me;
	return 0;
}

static void controller_network_free(struct zt_controller_network *n)
{
	if (n) {
		free(n->members);
		free(n);
	}
}

void zt_controller_free(struct zt_controller *c)
{
	for (unsigned i = 0; i < c->n_networks; i++)
		controller_network_free(c->networks[i]);
	memset(c, 0, sizeof(*c));
}

void zt_controller_network_defaults(struct zt_controller_network *n)
{
	memset(n, 0, sizeof(*n));
	n->private_net = true;
	n->enable_broadcast = true;
	n->mtu = ZT_NETCONF_DEFAULT_MTU;
	n->multicast_limit = ZT_CONTROLLER_DEFAULT_MULTICAST_LIMIT;
}

struct zt_controller_network *zt_controller_network_find(const struct zt_controller *c,
							 uint64_t nwid)
{
	for (unsigned i = 0; i < c->n_networks; i++)
		if (c->networks[i]->nwid == nwid)
			return c->networks[i];
	return NULL;
}

static bool controller_ours(const struct zt_controller *c, uint64_t nwid)
{
	return (nwid >> 24) == c->id.address;
}

struct zt_controller_network *zt_controller_network_add(struct zt_controller *c,
							const struct zt_controller_network *tmpl,
							uint64_t rnd, int64_t now, int *err)
{
	struct zt_controller_network *n;
	uint64_t nwid = tmpl->nwid;

	*err = 0;
	if (nwid == 0) {
		for (unsigned k = 0; k < 4096; k++) {
			uint64_t t = (c->id.address << 24) | ((rnd + k) & 0xffffff);

			if (!zt_controller_network_find(c, t)) {
				nwid = t;
				break;
			}
		}
		if (!nwid) {
			*err = -ENOSPC;
			return NULL;
		}
	} else if (!controller_ours(c, nwid)) {
		*err = -EINVAL;
		return NULL;
	} else if (zt_controller_network_find(c, nwid)) {
		*err = -EEXIST;
		return NULL;
	}
	if (c->n_networks >= ZT_CONTROLLER_MAX_NETWORKS) {
		*err = -ENOSPC;
		return NULL;
	}
	n = malloc(sizeof(*n));
	if (!n) {
		*err = -ENOMEM;
		return NULL;
	}
	*n = *tmpl;
	n->nwid = nwid;
	n->members = NULL;
	n->n_members = n->cap_members = 0;
	if (!n->creation_time)
		n->creation_time = now;
	if (!n->revision)
		n->revision = 1;
	n->dirty = true;
	c->networks[c->n_networks++] = n;
	return n;
}

int zt_controller_network_delete(struct zt_controller *c, uint64_t nwid)
{
	for (unsigned i = 0; i < c->n_networks; i++) {
		if (c->networks[i]->nwid != nwid)
			continue;
		controller_network_free(c->networks[i]);
		c->networks[i] = c->networks[--c->n_networks];
		c->networks[c->n_networks] = NULL;
		return 0;
	}
	return -ENOENT;
}

/* Index of address in the sorted members, or where it would go (*found false). */
static unsigned controller_member_index(const struct zt_controller_network *n, uint64_t address,
					bool *found)
{
	unsigned lo = 0, hi = n->n_members;

	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;

		if (n->members[mid].address < address)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = lo < n->n_members && n->members[lo].address == address;
	return lo;
}

struct zt_controller_member *zt_controller_member_find(const struct zt_controller_network *n,
						       uint64_t address)
{
	bool found;
	unsigned i = controller_member_index(n, address, &found);

	return found ? &n->members[i] : NULL;
}

struct zt_controller_member *zt_controller_member_get(struct zt_controller_network *n,
						      uint64_t address, int64_t now)
{
	struct zt_controller_member *m;
	bool found;
	unsigned i = controller_member_index(n, address, &found);

	if (found)
		return &n->members[i];
	if (n->n_members >= ZT_CONTROLLER_MAX_MEMBERS)
		return NULL;
	if (n->n_members == n->cap_members) {
		unsigned nc = n->cap_members ? n->cap_members * 2 : 16;
		struct zt_controller_member *nm = realloc(n->members, nc * sizeof(*nm));

		if (!nm)
			return NULL;
		n->members = nm;
		n->cap_members = nc;
	}
	memmove(&n->members[i + 1], &n->members[i], (n->n_members - i) * sizeof(*m));
	n->n_members++;
	m = &n->members[i];
	memset(m, 0, sizeof(*m));
	m->address = address;
	m->creation_time = now;
	m->revision = 1;
	m->vmajor = m->vminor = m->vrev = m->vproto = -1;
	m->dirty = true;
	return m;
}

static bool controller_ip_taken(const struct zt_controller_network *n,
				const struct zt_controller_member *except,
				const struct zt_inetaddr *ip)
{
	for (unsigned i = 0; i < n->n_members; i++) {
		const struct zt_controller_member *o = &n->members[i];

		if (o == except)
			continue;
		for (unsigned k = 0; k < o->n_ips; k++)
			if (o->ips[k].family == ip->family &&
			    !memcmp(o->ips[k].ip, ip->ip, ip->family == 4 ? 4 : 16))
				return true;
	}
	return false;
}

int zt_controller_member_authorize(struct zt_controller_network *n, struct zt_controller_member *m,
				   bool authorized, const struct zt_inetaddr *ips, unsigned n_ips,
				   int64_t now)
{
	if (n_ips > ZT_CONTROLLER_MAX_IPS)
		return -E2BIG;
	for (unsigned i = 0; i < n_ips; i++) {
		if (ips[i].family != 4 && ips[i].family != 6)
			return -EINVAL;
		if (controller_ip_taken(n, m, &ips[i]))
			return -EADDRINUSE;
	}
	if (n_ips) {
		for (unsigned i = 0; i < n_ips; i++) {
			m->ips[i] = ips[i];
			m->ips[i].port = 0;
		}
		m->n_ips = n_ips;
	}
	if (authorized && !m->authorized) {
		m->last_authorized_time = now;
		snprintf(m->last_authorized_credential_type,
			 sizeof(m->last_authorized_credential_type), "api");
	} else if (!authorized && m->authorized) {
		m->last_deauthorized_time = now;
	}
	m->authorized = authorized;
	m->revision++;
	m->dirty = true;
	return 0;
}

static uint32_t controller_v4(const struct zt_inetaddr *a)
{
	return (uint32_t)a->ip[0] << 24 | (uint32_t)a->ip[1] << 16 | (uint32_t)a->ip[2] << 8 |
	       a->ip[3];
}

static bool controller_in_route(const struct zt_inetaddr *target, const struct zt_inetaddr *ip)
{
	unsigned bits = target->port, full = target->family == 4 ? 32 : 128;

	if (target->family != ip->family || bits > full)
		return false;
	for (unsigned b = 0; b < bits; b++) {
		unsigned byte = b / 8, mask = 0x80u >> (b % 8);

		if ((target->ip[byte] ^ ip->ip[byte]) & mask)
			return false;
	}
	return true;
}

/* Netmask bits of the on-link route (no via) that holds ip, or -1. */
static int controller_routed_bits(const struct zt_controller_network *n,
				  const struct zt_inetaddr *ip)
{
	for (unsigned i = 0; i < n->n_routes; i++)
		if (n->routes[i].via.family == 0 && controller_in_route(&n->routes[i].target, ip))
			return n->routes[i].target.port;
	return -1;
}

typedef unsigned __int128 controller_u128;

static controller_u128 controller_u128_get(const uint8_t *b)
{
	controller_u128 x = 0;

	for (unsigned i = 0; i < 16; i++)
		x = x << 8 | b[i];
	return x;
}

static int cmp_ip16(const void *a, const void *b)
{
	return memcmp(a, b, 16);
}

/* Addresses of one family as 16-byte keys (an IPv4 one in the first 4 bytes), sorted. */
struct controller_taken {
	uint8_t (*ip)[16];
	unsigned n;
};

/* Whether m is to get an address of family from the pools (mode on, pools there, m has none of
 * that family yet): 1 with t holding every member's addresses of that family, 0 when there is
 * nothing to do, or -ENOSPC / -ENOMEM. */
static int controller_assign_start(const struct zt_controller_network *n,
				   const struct zt_controller_member *m, int family, bool mode,
				   unsigned npools, struct controller_taken *t)
{
	if (!mode || m->no_auto_assign_ips || !npools)
		return 0;
	for (unsigned k = 0; k < m->n_ips; k++)
		if (m->ips[k].family == family)
			return 0;
	if (m->n_ips >= ZT_CONTROLLER_MAX_IPS)
		return -ENOSPC;
	t->n = 0;
	t->ip = calloc((size_t)n->n_members * ZT_CONTROLLER_MAX_IPS + 1, sizeof(*t->ip));
	if (!t->ip)
		return -ENOMEM;
	for (unsigned i = 0; i < n->n_members; i++)
		for (unsigned k = 0; k < n->members[i].n_ips; k++)
			if (n->members[i].ips[k].family == family)
				memcpy(t->ip[t->n++], n->members[i].ips[k].ip,
				       family == 4 ? 4 : 16);
	qsort(t->ip, t->n, sizeof(*t->ip), cmp_ip16);
	return 1;
}

/* Give m the candidate key (family's bytes first, the rest zero) unless another member holds it
 * or no on-link route covers it (members could not use it; stock skips it too). */
static bool controller_assign_try(const struct zt_controller_network *n,
				  struct zt_controller_member *m, const struct controller_taken *t,
				  int family, const uint8_t key[16])
{
	struct zt_inetaddr a;

	if (bsearch(key, t->ip, t->n, sizeof(*t->ip), cmp_ip16))
		return false;
	zt_inetaddr_set(&a, family, key, 0);
	if (controller_routed_bits(n, &a) <= 0)
		return false;
	m->ips[m->n_ips++] = a;
	m->dirty = true;
	return true;
}

int zt_controller_assign_ipv4(struct zt_controller_network *n, struct zt_controller_member *m)
{
	struct controller_taken t;
	int r = controller_assign_start(n, m, 4, n->v4_zt, n->n_pools, &t);

	if (r <= 0)
		return r;
	r = -ENOSPC;
	for (unsigned p = 0; p < n->n_pools && r < 0; p++) {
		uint32_t first = n->pools[p].first, last = n->pools[p].last;
		uint64_t len, start;

		if (last < first || first == 0)
			continue;
		len = (uint64_t)last - first + 1;
		/* Start where the member's address points, as stock controllers do, so members
		 * that join in any order still spread over the pool the same way. */
		start = m->address % len;
		for (uint64_t i = 0; i < len && i < (1u << 24); i++) {
			uint32_t ip = first + (uint32_t)((start + i) % len);
			uint8_t key[16] = {(uint8_t)(ip >> 24), (uint8_t)(ip >> 16),
					   (uint8_t)(ip >> 8), (uint8_t)ip};

			if ((ip & 0xff) == 0xff || (ip & 0xff) == 0)
				continue;
			if (controller_assign_try(n, m, &t, 4, key)) {
				r = 0;
				break;
			}
		}
	}
	free(t.ip);
	return r;
}

/* Trials per member: a full pool of many members is not scanned to its end on every request. */
#define CONTROLLER_V6_TRIALS 65536u

int zt_controller_assign_ipv6(struct zt_controller_network *n, struct zt_controller_member *m)
{
	struct controller_taken t;
	int r = controller_assign_start(n, m, 6, n->v6_zt, n->n_pools6, &t);

	if (r <= 0)
		return r;
	r = -ENOSPC;
	for (unsigned p = 0; p < n->n_pools6 && r < 0; p++) {
		controller_u128 first = controller_u128_get(n->pools6[p].first);
		controller_u128 last = controller_u128_get(n->pools6[p].last), len, start;

		if (last < first)
			continue;
		len = last - first + 1; /* 0: the whole space */
		start = len ? m->address % len : m->address;
		for (controller_u128 i = 0; i < CONTROLLER_V6_TRIALS && (!len || i < len); i++) {
			controller_u128 ip = first + (len ? (start + i) % len : start + i);
			uint8_t key[16];

			for (int k = 15; k >= 0; k--, ip >>= 8)
				key[k] = (uint8_t)ip;
			if (controller_assign_try(n, m, &t, 6, key)) {
				r = 0;
				break;
			}
		}
	}
	free(t.ip);
	return r;
}

int zt_controller_config(struct zt_controller *c, struct zt_controller_network *n,
			 struct zt_controller_member *m, int64_t now, struct zt_netconf *nc)
{
	int r;

	if (!m->has_identity)
		return -EINVAL;
	zt_netconf_init(nc, n->nwid, m->address);
	nc->timestamp = (uint64_t)now;
	nc->ctmd = ZT_CONTROLLER_CTMD;
	nc->revision = n->revision;
	nc->flags = n->enable_broadcast ? ZT_NETCONF_FLAG_ENABLE_BROADCAST : 0;
	nc->multicast_limit = n->multicast_limit;
	nc->type = n->private_net ? ZT_NETCONF_TYPE_PRIVATE : ZT_NETCONF_TYPE_PUBLIC;
	snprintf(nc->name, sizeof(nc->name), "%s", n->name);
	nc->mtu = n->mtu;
	r = zt_com_init(&nc->com, (uint64_t)now, ZT_CONTROLLER_CTMD, n->nwid, &m->identity);
	if (r < 0)
		return r;
	r = zt_com_sign(&nc->com, &c->id);
	if (r < 0)
		return r;
	nc->has_com = true;
	/* v6AssignMode rfc4193 and 6plane: addresses computed from the network and node, first
	 * in the list, kept in no record, and answered by the members' NDP emulation (as stock). */
	if (!m->no_auto_assign_ips && n->v6_rfc4193) {
		zt_inetaddr_rfc4193(&nc->static_ips[nc->n_static_ips++], n->nwid, m->address);
		nc->flags |= ZT_NETCONF_FLAG_ENABLE_IPV6_NDP_EMULATION;
	}
	if (!m->no_auto_assign_ips && n->v6_6plane) {
		zt_inetaddr_6plane(&nc->static_ips[nc->n_static_ips++], n->nwid, m->address);
		nc->flags |= ZT_NETCONF_FLAG_ENABLE_IPV6_NDP_EMULATION;
	}
	for (unsigned i = 0; i < m->n_ips && nc->n_static_ips < ZT_NETCONF_MAX_STATIC_IPS; i++) {
		int bits = controller_routed_bits(n, &m->ips[i]);

		/* An address outside every on-link route has no netmask: not sent (as stock). */
		if (bits <= 0)
			continue;
		nc->static_ips[nc->n_static_ips] = m->ips[i];
		nc->static_ips[nc->n_static_ips++].port = (uint16_t)bits;
	}
	for (unsigned i = 0; i < n->n_routes && i < ZT_NETCONF_MAX_ROUTES; i++) {
		nc->routes[i].target = n->routes[i].target;
		nc->routes[i].via = n->routes[i].via;
		nc->n_routes++;
	}
	for (unsigned i = 0; i < n->n_members && nc->n_specialists < ZT_NETCONF_MAX_SPECIALISTS;
	     i++)
		if (n->members[i].active_bridge && n->members[i].authorized)
			nc->specialists[nc->n_specialists++] =
			    n->members[i].address | ZT_NETCONF_SPECIALIST_ACTIVE_BRIDGE;
	memcpy(nc->rules, controller_accept_rule, sizeof(controller_accept_rule));
	nc->rules_len = sizeof(controller_accept_rule);
	/* Always sent (empty when the network has none), as 1.14 does. */
	nc->has_dns = true;
	if (n->has_dns) {
		memcpy(nc->dns_domain, n->dns_domain, sizeof(nc->dns_domain));
		nc->dns_domain[sizeof(nc->dns_domain) - 1] = 0;
		for (unsigned i = 0; i < n->n_dns && i < ZT_NETCONF_DNS_SERVERS; i++)
			nc->dns_servers[i] = n->dns_servers[i];
	}
	nc->has_sso = true;
	return 0;
}

static int controller_meta_int(const struct zt_dict *d, const char *key)
{
	uint64_t v;

	if (zt_dict_get_u64(d, key, &v) < 0 || v > 0xffff)
		return -1;
	return (int)v;
}

int zt_controller_request(struct zt_controller *c, const struct zt_identity *requester,
			  uint64_t nwid, const uint8_t *metadata, size_t metadata_len,
			  uint64_t update_id, int64_t now, struct zt_controller_answer *a)
{
	struct zt_controller_network *n = zt_controller_network_find(c, nwid);
	struct zt_controller_member *m;
	struct zt_netconf *nc;
	struct zt_dict meta, out;
	int r;

	a->error = 0;
	a->member = NULL;
	a->network = n;
	a->dict_len = 0;
	a->update_id = update_id;
	if (!n || !controller_ours(c, nwid)) {
		a->error = ZT_ERROR_OBJ_NOT_FOUND;
		return 0;
	}
	m = zt_controller_member_get(n, requester->address, now);
	if (!m)
		return -ENOSPC;
	a->member = m;
	if (!m->has_identity) {
		m->identity = *requester;
		m->identity.has_private = false;
		memset(m->identity.priv, 0, sizeof(m->identity.priv));
		m->has_identity = true;
		m->dirty = true;
	} else if (memcmp(m->identity.pub, requester->pub, sizeof(requester->pub))) {
		/* Another key claims this address: refuse, as stock controllers do. */
		a->error = ZT_ERROR_NETWORK_ACCESS_DENIED;
		return 0;
	}
	m->last_request = now;
	zt_dict_view(&meta, metadata, metadata_len);
	{
		int maj = controller_meta_int(&meta, "majv"),
		    min = controller_meta_int(&meta, "minv"),
		    rev = controller_meta_int(&meta, "revv"), pv = controller_meta_int(&meta, "pv");

		if (maj != m->vmajor || min != m->vminor || rev != m->vrev || pv != m->vproto) {
			m->vmajor = maj;
			m->vminor = min;
			m->vrev = rev;
			m->vproto = pv;
			m->dirty = true;
		}
	}
	if (!n->private_net && !m->authorized) {
		m->authorized = true;
		m->last_authorized_time = now;
		snprintf(m->last_authorized_credential_type,
			 sizeof(m->last_authorized_credential_type), "public");
		m->revision++;
		m->dirty = true;
	}
	if (!m->authorized) {
		a->error = ZT_ERROR_NETWORK_ACCESS_DENIED;
		return 0;
	}
	/* Pools exhausted: the member gets no address of that family. */
	zt_controller_assign_ipv4(n, m);
	zt_controller_assign_ipv6(n, m);
	nc = malloc(sizeof(*nc));
	if (!nc)
		return -ENOMEM;
	r = zt_controller_config(c, n, m, now, nc);
	if (r == 0) {
		zt_dict_init(&out, a->dict, sizeof(a->dict));
		r = zt_netconf_to_dict(nc, &out);
		a->dict_len = out.len;
	}
	free(nc);
	return r;
}

int zt_controller_error_payload(uint8_t *out, size_t size, uint64_t in_re_id, uint64_t nwid,
				int code)
{
	if (size < 18)
		return -ENOSPC;
	out[0] = ZT_VERB_NETWORK_CONFIG_REQUEST;
	put_be(out + 1, in_re_id, 8);
	out[9] = (uint8_t)code;
	put_be(out + 10, nwid, 8);
	return 18;
}

int zt_controller_chunk_payload(const struct zt_controller *c, const struct zt_controller_answer *a,
				uint64_t in_re_id, uint32_t *offset, uint8_t *out, size_t size)
{
	size_t head = in_re_id ? 9 : 0;
	int r;

	if (a->error || !a->network || size < head)
		return -EINVAL;
	if (in_re_id) {
		out[0] = ZT_VERB_NETWORK_CONFIG_REQUEST;
		put_be(out + 1, in_re_id, 8);
	}
	r = zt_netconf_chunk_make(out + head, size - head, &c->id, a->network->nwid, a->update_id,
				  0, a->dict, (uint32_t)a->dict_len, offset,
				  ZT_NETCONF_CHUNK_MAX_DATA);
	return r < 0 ? r : (int)(r + head);
}

char *zt_controller_ip_string(const struct zt_inetaddr *a, bool with_bits, char *buf)
{
	size_t n;

	buf[0] = 0;
	if (a->family != 4 && a->family != 6)
		return buf;
	inet_ntop(a->family == 4 ? AF_INET : AF_INET6, a->ip, buf, ZT_INETADDR_STRLEN);
	n = strlen(buf);
	if (with_bits)
		snprintf(buf + n, ZT_INETADDR_STRLEN - n, "/%u", a->port);
	return buf;
}

int zt_controller_parse_ip(const char *s, struct zt_inetaddr *out, bool *has_bits)
{
	char tmp[ZT_INETADDR_STRLEN], *slash, *end;
	uint8_t ip[16];
	unsigned long bits = 0;
	int fam;

	if (strlen(s) >= sizeof(tmp))
		return -EINVAL;
	strcpy(tmp, s);
	slash = strchr(tmp, '/');
	if (slash) {
		*slash++ = 0;
		if (!*slash)
			return -EINVAL;
		bits = strtoul(slash, &end, 10);
		if (*end)
			return -EINVAL;
	}
	if (inet_pton(AF_INET, tmp, ip) == 1)
		fam = 4;
	else if (inet_pton(AF_INET6, tmp, ip) == 1)
		fam = 6;
	else
		return -EINVAL;
	if (bits > (fam == 4 ? 32u : 128u))
		return -EINVAL;
	zt_inetaddr_set(out, fam, ip, (uint16_t)bits);
	if (has_bits)
		*has_bits = slash != NULL;
	return 0;
}

/* --- JSON records, keys in the order stock controllers write them (sorted) --- */

static void controller_hex16(struct json_buf *b, uint64_t v)
{
	json_buf_printf(b, "\"%016" PRIx64 "\"", v);
}

int zt_controller_network_json(const struct zt_controller_network *n, char **out, size_t *len)
{
	char ip[ZT_INETADDR_STRLEN];
	struct json_buf b;

	json_buf_init(&b);
	json_buf_printf(&b,
			"{\"authTokens\":[null],\"authorizationEndpoint\":\"\",\"capabilities\":[],"
			"\"clientId\":\"\",\"creationTime\":%" PRId64 ",\"dns\":",
			n->creation_time);
	if (n->has_dns) {
		json_buf_raw(&b, "{\"domain\":", 10);
		json_buf_str(&b, n->dns_domain);
		json_buf_raw(&b, ",\"servers\":[", 12);
		for (unsigned i = 0; i < n->n_dns; i++) {
			char s[ZT_INETADDR_STRLEN + 8];
			size_t l;

			zt_controller_ip_string(&n->dns_servers[i], false, s);
			l = strlen(s);
			if (n->dns_servers[i].port)
				snprintf(s + l, sizeof(s) - l, "/%u", n->dns_servers[i].port);
			json_buf_raw(&b, i ? "," : "", i ? 1 : 0);
			json_buf_str(&b, s);
		}
		json_buf_raw(&b, "]}", 2);
	} else {
		json_buf_raw(&b, "[]", 2);
	}
	json_buf_printf(&b,
			",\"enableBroadcast\":%s,\"id\":", n->enable_broadcast ? "true" : "false");
	controller_hex16(&b, n->nwid);
	json_buf_raw(&b, ",\"ipAssignmentPools\":[", 22);
	for (unsigned i = 0; i < n->n_pools; i++) {
		struct zt_inetaddr f, l;
		uint8_t x[4];

		put_be(x, n->pools[i].first, 4);
		zt_inetaddr_set(&f, 4, x, 0);
		put_be(x, n->pools[i].last, 4);
		zt_inetaddr_set(&l, 4, x, 0);
		json_buf_printf(&b, "%s{\"ipRangeEnd\":", i ? "," : "");
		json_buf_str(&b, zt_controller_ip_string(&l, false, ip));
		json_buf_raw(&b, ",\"ipRangeStart\":", 16);
		json_buf_str(&b, zt_controller_ip_string(&f, false, ip));
		json_buf_raw(&b, "}", 1);
	}
	for (unsigned i = 0; i < n->n_pools6; i++) {
		struct zt_inetaddr f, l;

		zt_inetaddr_set(&f, 6, n->pools6[i].first, 0);
		zt_inetaddr_set(&l, 6, n->pools6[i].last, 0);
		json_buf_printf(&b, "%s{\"ipRangeEnd\":", i || n->n_pools ? "," : "");
		json_buf_str(&b, zt_controller_ip_string(&l, false, ip));
		json_buf_raw(&b, ",\"ipRangeStart\":", 16);
		json_buf_str(&b, zt_controller_ip_string(&f, false, ip));
		json_buf_raw(&b, "}", 1);
	}
	json_buf_printf(&b, "],\"mtu\":%u,\"multicastLimit\":%u,\"name\":", n->mtu,
			n->multicast_limit);
	json_buf_str(&b, n->name);
	json_buf_raw(&b, ",\"nwid\":", 8);
	controller_hex16(&b, n->nwid);
	json_buf_printf(&b,
			",\"objtype\":\"network\",\"private\":%s,\"remoteTraceLevel\":0,"
			"\"remoteTraceTarget\":null,\"revision\":%" PRIu64 ",\"routes\":[",
			n->private_net ? "true" : "false", n->revision);
	for (unsigned i = 0; i < n->n_routes; i++) {
		json_buf_printf(&b, "%s{\"target\":", i ? "," : "");
		json_buf_str(&b, zt_controller_ip_string(&n->routes[i].target, true, ip));
		json_buf_raw(&b, ",\"via\":", 7);
		if (n->routes[i].via.family)
			json_buf_str(&b, zt_controller_ip_string(&n->routes[i].via, false, ip));
		else
			json_buf_raw(&b, "null", 4);
		json_buf_raw(&b, "}", 1);
	}
	json_buf_printf(&b,
			"],\"rules\":[{\"not\":false,\"or\":false,\"type\":\"ACTION_ACCEPT\"}],"
			"\"rulesSource\":\"\",\"ssoEnabled\":false,\"tags\":[],"
			"\"v4AssignMode\":{\"zt\":%s},"
			"\"v6AssignMode\":{\"6plane\":%s,\"rfc4193\":%s,\"zt\":%s}}",
			n->v4_zt ? "true" : "false", n->v6_6plane ? "true" : "false",
			n->v6_rfc4193 ? "true" : "false", n->v6_zt ? "true" : "false");
	if (b.err) {
		json_buf_free(&b);
		return -ENOMEM;
	}
	*out = b.p;
	*len = b.len;
	return 0;
}

int zt_controller_member_json(const struct zt_controller_network *n,
			      const struct zt_controller_member *m, char **out, size_t *len)
{
	char a[ZT_IDENTITY_ADDRESS_STRING_LEN], ip[ZT_INETADDR_STRLEN], idt[ZT_IDENTITY_STRING_LEN];
	struct json_buf b;

	zt_identity_address_to_hex(m->address, a);
	json_buf_init(&b);
	json_buf_printf(&b,
			"{\"activeBridge\":%s,\"address\":\"%s\",\"authenticationExpiryTime\":0,"
			"\"authorized\":%s,\"capabilities\":[",
			m->active_bridge ? "true" : "false", a, m->authorized ? "true" : "false");
	for (unsigned i = 0; i < m->n_caps; i++)
		json_buf_printf(&b, "%s%" PRIu32, i ? "," : "", m->caps[i]);
	json_buf_printf(
	    &b, "],\"creationTime\":%" PRId64 ",\"id\":\"%s\",\"identity\":", m->creation_time, a);
	if (m->has_identity && zt_identity_to_string(&m->identity, false, idt, sizeof(idt)) > 0)
		json_buf_str(&b, idt);
	else
		json_buf_raw(&b, "\"\"", 2);
	json_buf_raw(&b, ",\"ipAssignments\":[", 18);
	for (unsigned i = 0; i < m->n_ips; i++) {
		if (i)
			json_buf_raw(&b, ",", 1);
		json_buf_str(&b, zt_controller_ip_string(&m->ips[i], false, ip));
	}
	json_buf_raw(&b,
		     "],\"lastAuthorizedCredential\":null,\"lastAuthorizedCredentialType\":", 65);
	if (m->last_authorized_credential_type[0])
		json_buf_str(&b, m->last_authorized_credential_type);
	else
		json_buf_raw(&b, "null", 4);
	json_buf_printf(&b,
			",\"lastAuthorizedTime\":%" PRId64 ",\"lastDeauthorizedTime\":%" PRId64
			",\"noAutoAssignIps\":%s,\"nwid\":",
			m->last_authorized_time, m->last_deauthorized_time,
			m->no_auto_assign_ips ? "true" : "false");
	controller_hex16(&b, n->nwid);
	json_buf_printf(&b,
			",\"objtype\":\"member\",\"remoteTraceLevel\":0,\"remoteTraceTarget\":null,"
			"\"revision\":%" PRIu64 ",\"ssoExempt\":false,\"tags\":[",
			m->revision);
	for (unsigned i = 0; i < m->n_tags; i++)
		json_buf_printf(&b, "%s[%" PRIu32 ",%" PRIu32 "]", i ? "," : "", m->tags[i][0],
				m->tags[i][1]);
	json_buf_printf(&b, "],\"vMajor\":%d,\"vMinor\":%d,\"vProto\":%d,\"vRev\":%d}", m->vmajor,
			m->vminor, m->vproto, m->vrev);
	if (b.err) {
		json_buf_free(&b);
		return -ENOMEM;
	}
	*out = b.p;
	*len = b.len;
	return 0;
}

static int controller_bad(char *err, size_t errsize, const char *why)
{
	if (err && errsize)
		snprintf(err, errsize, "%s", why);
	return -EBADMSG;
}

static int controller_hex_id(const struct json *j, const char *key, unsigned digits, uint64_t *out)
{
	const char *s;
	char *end;

	if (json_get_str(j, key, &s) < 0 || strlen(s) != digits)
		return -EINVAL;
	*out = strtoull(s, &end, 16);
	return *end ? -EINVAL : 0;
}

/* Optional fields: absent or null keeps the default, a wrong type is an error. */
static int opt_bool(const struct json *j, const char *key, bool *v)
{
	int r = json_get_bool(j, key, v);

	return r == -ENOENT ? 0 : r;
}

static int opt_int(const struct json *j, const char *key, int64_t min, int64_t max, int64_t *v)
{
	int64_t t;
	int r = json_get_int(j, key, &t);

	if (r == -ENOENT)
		return 0;
	if (r < 0 || t < min || t > max)
		return -EINVAL;
	*v = t;
	return 0;
}

int zt_controller_parse_dns_server(const char *s, struct zt_inetaddr *out)
{
	char tmp[ZT_INETADDR_STRLEN], *slash, *end;
	unsigned long port = 0;
	uint8_t ip[16];
	int fam;

	if (strlen(s) >= sizeof(tmp))
		return -EINVAL;
	strcpy(tmp, s);
	slash = strchr(tmp, '/');
	if (slash) {
		*slash++ = 0;
		port = strtoul(slash, &end, 10);
		if (!*slash || *end || port < 1 || port > 65535)
			return -EINVAL;
	}
	if (inet_pton(AF_INET, tmp, ip) == 1)
		fam = 4;
	else if (inet_pton(AF_INET6, tmp, ip) == 1)
		fam = 6;
	else
		return -EINVAL;
	zt_inetaddr_set(out, fam, ip, (uint16_t)port);
	return 0;
}

/* "dns": {"domain": D, "servers": [IP, ...]} as stock controllers keep it; [] or null is none.
 * Servers past the fourth are ignored, as stock does; a domain that does not fit the config's
 * 128 bytes is refused (stock would overrun its buffer). */
static int controller_load_dns(const struct json *j, struct zt_controller_network *t, char *err,
			       size_t errsize)
{
	const struct json *dns = json_get(j, "dns"), *srv;
	const char *s;

	if (!dns || dns->type == JSON_NULL || (dns->type == JSON_ARRAY && dns->len == 0))
		return 0;
	if (dns->type != JSON_OBJECT)
		return controller_bad(err, errsize, "dns is not an object");
	t->has_dns = true;
	if (json_get_str(dns, "domain", &s) == 0) {
		if (strlen(s) >= sizeof(t->dns_domain))
			return controller_bad(err, errsize, "dns.domain is longer than 127 bytes");
		snprintf(t->dns_domain, sizeof(t->dns_domain), "%s", s);
	} else if (json_get(dns, "domain") && json_get(dns, "domain")->type != JSON_NULL) {
		return controller_bad(err, errsize, "dns.domain is not a string");
	}
	srv = json_get(dns, "servers");
	if (srv && srv->type == JSON_ARRAY) {
		for (size_t k = 0; k < srv->len && t->n_dns < ZT_NETCONF_DNS_SERVERS; k++)
			if (srv->items[k].type != JSON_STRING ||
			    zt_controller_parse_dns_server(srv->items[k].s,
							   &t->dns_servers[t->n_dns++]) < 0)
				return controller_bad(err, errsize, "bad dns.servers entry");
	} else if (srv && srv->type != JSON_NULL) {
		return controller_bad(err, errsize, "dns.servers is not an array");
	}
	return 0;
}

int zt_controller_load_network(struct zt_controller *c, const char *text, size_t len, char *err,
			       size_t errsize)
{
	struct zt_controller_network t, *n;
	const struct json *pools, *routes, *v4, *v6;
	struct json *j;
	const char *s;
	int64_t i64;
	int r;

	r = json_parse(text, len, &j, err, errsize);
	if (r < 0)
		return r;
	zt_controller_network_defaults(&t);
	r = -EBADMSG;
	if (j->type != JSON_OBJECT) {
		controller_bad(err, errsize, "not a JSON object");
		goto out;
	}
	if (json_get_str(j, "objtype", &s) == 0 && strcmp(s, "network")) {
		controller_bad(err, errsize, "objtype is not \"network\"");
		goto out;
	}
	if (controller_hex_id(j, "id", 16, &t.nwid) < 0 &&
	    controller_hex_id(j, "nwid", 16, &t.nwid) < 0) {
		controller_bad(err, errsize, "no 16-digit hex \"id\"");
		goto out;
	}
	if (!controller_ours(c, t.nwid)) {
		controller_bad(err, errsize, "the network id is not one of this controller's");
		goto out;
	}
	if (json_get_str(j, "name", &s) == 0)
		snprintf(t.name, sizeof(t.name), "%s", s);
	i64 = t.mtu;
	if (opt_bool(j, "private", &t.private_net) < 0 ||
	    opt_bool(j, "enableBroadcast", &t.enable_broadcast) < 0 ||
	    opt_int(j, "mtu", ZT_NETCONF_MIN_MTU, ZT_NETCONF_MAX_MTU, &i64) < 0) {
		controller_bad(err, errsize, "bad private, enableBroadcast or mtu");
		goto out;
	}
	t.mtu = (uint32_t)i64;
	i64 = t.multicast_limit;
	if (opt_int(j, "multicastLimit", 0, UINT32_MAX, &i64) < 0) {
		controller_bad(err, errsize, "bad multicastLimit");
		goto out;
	}
	t.multicast_limit = (uint32_t)i64;
	i64 = 0;
	if (opt_int(j, "revision", 0, INT64_MAX, &i64) < 0 ||
	    opt_int(j, "creationTime", 0, INT64_MAX, &t.creation_time) < 0) {
		controller_bad(err, errsize, "bad revision or creationTime");
		goto out;
	}
	t.revision = (uint64_t)i64;
	v4 = json_get(j, "v4AssignMode");
	v6 = json_get(j, "v6AssignMode");
	if ((v4 && opt_bool(v4, "zt", &t.v4_zt) < 0) ||
	    (v6 && (opt_bool(v6, "zt", &t.v6_zt) < 0 || opt_bool(v6, "6plane", &t.v6_6plane) < 0 ||
		    opt_bool(v6, "rfc4193", &t.v6_rfc4193) < 0))) {
		controller_bad(err, errsize, "bad v4AssignMode or v6AssignMode");
		goto out;
	}
	pools = json_get(j, "ipAssignmentPools");
	if (pools && pools->type == JSON_ARRAY) {
		for (size_t k = 0; k < pools->len; k++) {
			struct zt_inetaddr f, l;
			const char *fs, *ls;

			if (json_get_str(&pools->items[k], "ipRangeStart", &fs) < 0 ||
			    json_get_str(&pools->items[k], "ipRangeEnd", &ls) < 0 ||
			    zt_controller_parse_ip(fs, &f, NULL) < 0 ||
			    zt_controller_parse_ip(ls, &l, NULL) < 0 || f.family != l.family) {
				controller_bad(err, errsize, "bad ipAssignmentPools entry");
				goto out;
			}
			if (f.family == 6) {
				if (t.n_pools6 >= ZT_CONTROLLER_MAX_POOLS)
					continue;
				memcpy(t.pools6[t.n_pools6].first, f.ip, 16);
				memcpy(t.pools6[t.n_pools6++].last, l.ip, 16);
				continue;
			}
			if (t.n_pools >= ZT_CONTROLLER_MAX_POOLS)
				continue;
			t.pools[t.n_pools].first = controller_v4(&f);
			t.pools[t.n_pools++].last = controller_v4(&l);
		}
	} else if (pools && pools->type != JSON_NULL) {
		controller_bad(err, errsize, "ipAssignmentPools is not an array");
		goto out;
	}
	routes = json_get(j, "routes");
	if (routes && routes->type == JSON_ARRAY) {
		for (size_t k = 0; k < routes->len && t.n_routes < ZT_CONTROLLER_MAX_ROUTES; k++) {
			struct zt_controller_route *rt = &t.routes[t.n_routes];
			const char *ts, *vs;
			bool bits;

			memset(rt, 0, sizeof(*rt));
			if (json_get_str(&routes->items[k], "target", &ts) < 0 ||
			    zt_controller_parse_ip(ts, &rt->target, &bits) < 0 || !bits) {
				controller_bad(err, errsize, "bad route target");
				goto out;
			}
			r = json_get_str(&routes->items[k], "via", &vs);
			if (r == 0 && zt_controller_parse_ip(vs, &rt->via, NULL) < 0) {
				r = -EBADMSG;
				controller_bad(err, errsize, "bad route via");
				goto out;
			}
			if (r == -EINVAL) {
				r = -EBADMSG;
				controller_bad(err, errsize, "bad route via");
				goto out;
			}
			rt->via.port = 0;
			t.n_routes++;
		}
		r = -EBADMSG;
	} else if (routes && routes->type != JSON_NULL) {
		controller_bad(err, errsize, "routes is not an array");
		goto out;
	}
	r = controller_load_dns(j, &t, err, errsize);
	if (r < 0)
		goto out;
	r = -EBADMSG;
	n = zt_controller_network_find(c, t.nwid);
	if (n) {
		t.members = n->members;
		t.n_members = n->n_members;
		t.cap_members = n->cap_members;
		*n = t;
		r = 0;
	} else {
		n = zt_controller_network_add(c, &t, 0, t.creation_time, &r);
		if (!n) {
			controller_bad(err, errsize, "cannot add the network");
			goto out;
		}
	}
	n->dirty = false;
	r = 0;
out:
	json_free(j);
	return r;
}

static int controller_u32(const struct json *v, uint32_t *out)
{
	if (v->type != JSON_NUMBER || !v->is_int || v->i < 0 || v->i > UINT32_MAX)
		return -EINVAL;
	*out = (uint32_t)v->i;
	return 0;
}

int zt_controller_parse_tags(const struct json *a, uint32_t tags[][2], unsigned max, unsigned *n)
{
	*n = 0;
	if (!a || a->type == JSON_NULL)
		return 0;
	if (a->type != JSON_ARRAY || a->len > max)
		return -EINVAL;
	for (size_t k = 0; k < a->len; k++) {
		const struct json *t = &a->items[k];

		if (t->type != JSON_ARRAY || t->len != 2 ||
		    controller_u32(&t->items[0], &tags[k][0]) < 0 ||
		    controller_u32(&t->items[1], &tags[k][1]) < 0)
			return -EINVAL;
	}
	*n = (unsigned)a->len;
	return 0;
}

int zt_controller_parse_caps(const struct json *a, uint32_t *caps, unsigned max, unsigned *n)
{
	*n = 0;
	if (!a || a->type == JSON_NULL)
		return 0;
	if (a->type != JSON_ARRAY || a->len > max)
		return -EINVAL;
	for (size_t k = 0; k < a->len; k++)
		if (controller_u32(&a->items[k], &caps[k]) < 0)
			return -EINVAL;
	*n = (unsigned)a->len;
	return 0;
}

int zt_controller_load_member(struct zt_controller *c, const char *text, size_t len, char *err,
			      size_t errsize)
{
	struct zt_controller_member t, *m;
	struct zt_controller_network *n;
	const struct json *ips;
	struct json *j;
	const char *s;
	uint64_t nwid;
	int64_t i64;
	int r;

	r = json_parse(text, len, &j, err, errsize);
	if (r < 0)
		return r;
	memset(&t, 0, sizeof(t));
	t.vmajor = t.vminor = t.vrev = t.vproto = -1;
	r = -EBADMSG;
	if (j->type != JSON_OBJECT) {
		controller_bad(err, errsize, "not a JSON object");
		goto out;
	}
	if (json_get_str(j, "objtype", &s) == 0 && strcmp(s, "member")) {
		controller_bad(err, errsize, "objtype is not \"member\"");
		goto out;
	}
	if (controller_hex_id(j, "nwid", 16, &nwid) < 0 ||
	    (controller_hex_id(j, "id", 10, &t.address) < 0 &&
	     controller_hex_id(j, "address", 10, &t.address) < 0) ||
	    zt_identity_address_reserved(t.address)) {
		controller_bad(err, errsize, "no 16-digit \"nwid\" or 10-digit \"id\"");
		goto out;
	}
	n = zt_controller_network_find(c, nwid);
	if (!n) {
		controller_bad(err, errsize, "member of a network that has no record");
		goto out;
	}
	if (json_get_str(j, "identity", &s) == 0 && *s) {
		if (zt_identity_from_string(&t.identity, s) < 0 ||
		    t.identity.address != t.address) {
			controller_bad(err, errsize, "bad identity");
			goto out;
		}
		t.identity.has_private = false;
		memset(t.identity.priv, 0, sizeof(t.identity.priv));
		t.has_identity = true;
	}
	i64 = 1;
	if (opt_bool(j, "authorized", &t.authorized) < 0 ||
	    opt_bool(j, "activeBridge", &t.active_bridge) < 0 ||
	    opt_bool(j, "noAutoAssignIps", &t.no_auto_assign_ips) < 0 ||
	    opt_int(j, "revision", 0, INT64_MAX, &i64) < 0 ||
	    opt_int(j, "creationTime", 0, INT64_MAX, &t.creation_time) < 0 ||
	    opt_int(j, "lastAuthorizedTime", 0, INT64_MAX, &t.last_authorized_time) < 0 ||
	    opt_int(j, "lastDeauthorizedTime", 0, INT64_MAX, &t.last_deauthorized_time) < 0) {
		controller_bad(err, errsize, "bad authorized, revision or times");
		goto out;
	}
	t.revision = (uint64_t)i64;
	{
		int64_t v[4] = {-1, -1, -1, -1};

		if (opt_int(j, "vMajor", -1, 0xffff, &v[0]) < 0 ||
		    opt_int(j, "vMinor", -1, 0xffff, &v[1]) < 0 ||
		    opt_int(j, "vRev", -1, 0xffff, &v[2]) < 0 ||
		    opt_int(j, "vProto", -1, 0xffff, &v[3]) < 0) {
			controller_bad(err, errsize, "bad vMajor/vMinor/vRev/vProto");
			goto out;
		}
		t.vmajor = (int)v[0];
		t.vminor = (int)v[1];
		t.vrev = (int)v[2];
		t.vproto = (int)v[3];
	}
	if (json_get_str(j, "lastAuthorizedCredentialType", &s) == 0)
		snprintf(t.last_authorized_credential_type,
			 sizeof(t.last_authorized_credential_type), "%s", s);
	if (zt_controller_parse_tags(json_get(j, "tags"), t.tags, ZT_CONTROLLER_MAX_TAGS,
				     &t.n_tags) < 0 ||
	    zt_controller_parse_caps(json_get(j, "capabilities"), t.caps, ZT_CONTROLLER_MAX_CAPS,
				     &t.n_caps) < 0) {
		controller_bad(err, errsize, "bad tags or capabilities");
		goto out;
	}
	ips = json_get(j, "ipAssignments");
	if (ips && ips->type == JSON_ARRAY) {
		for (size_t k = 0; k < ips->len && t.n_ips < ZT_CONTROLLER_MAX_IPS; k++) {
			if (ips->items[k].type != JSON_STRING ||
			    zt_controller_parse_ip(ips->items[k].s, &t.ips[t.n_ips], NULL) < 0) {
				controller_bad(err, errsize, "bad ipAssignments entry");
				goto out;
			}
			t.ips[t.n_ips++].port = 0;
		}
	} else if (ips && ips->type != JSON_NULL) {
		controller_bad(err, errsize, "ipAssignments is not an array");
		goto out;
	}
	m = zt_controller_member_get(n, t.address, t.creation_time);
	if (!m) {
		r = -ENOSPC;
		controller_bad(err, errsize, "too many members");
		goto out;
	}
	*m = t;
	r = 0;
out:
	json_free(j);
	return r;
}
