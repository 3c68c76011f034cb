// SPDX-License-Identifier: BSD-2-Clause
/* The local API's endpoints: ZeroTier's /status, /peer, /network, /controller and /metrics, over
 * the same daemon functions the control socket calls (ztnode.c, ztnet.c, ctrl.c), so a change
 * made here takes effect exactly as `netcon controller ...` or `netcon join` makes it. */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/ztjson.h"
#include "daemon/api_routes.h"
#include "daemon/ctrl.h"
#include "daemon/metrics.h"
#include "daemon/ztnet.h"
#include "daemon/ztnode.h"
#include "zt/controller.h"
#include "zt/identity.h"

#define API_CTYPE_JSON "application/json"

static int64_t api_clock(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* -errno from the daemon's functions as an HTTP status. */
static int api_status_of(int r)
{
	switch (r) {
	case -ENOENT:
	case -ENOTCONN: /* not a controller */
		return 404;
	case -EINVAL:
	case -EBADMSG:
		return 400;
	case -EEXIST:
		return 409;
	case -EPERM:
	case -EACCES:
		return 403;
	case -ENOSPC:
		return 503;
	default:
		return 500;
	}
}

/* exactly digits hex digits (lower or upper case), all of s. */
static int api_hex(const char *s, size_t digits, uint64_t *out)
{
	uint64_t v = 0;

	if (strlen(s) != digits)
		return -EINVAL;
	for (size_t i = 0; i < digits; i++) {
		int c = s[i], d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return -EINVAL;
		v = v << 4 | (uint64_t)d;
	}
	*out = v;
	return 0;
}

/* Split path into at most max segments after the leading '/' (copied into buf). */
static int api_split(const char *path, char *buf, size_t size, char **seg, int max)
{
	int n = 0;
	char *p;

	snprintf(buf, size, "%s", path + 1);
	p = buf;
	while (*p) {
		char *s = strchr(p, '/');

		if (n == max)
			return -1;
		seg[n++] = p;
		if (!s)
			break;
		*s = 0;
		p = s + 1;
	}
	return n;
}

/* The body as a JSON object (an empty body is {}). */
static int api_body(const struct http_req *req, struct json **out)
{
	char err[96];
	int r;

	if (req->body_len == 0)
		return json_parse("{}", 2, out, err, sizeof(err));
	r = json_parse((const char *)req->body, req->body_len, out, err, sizeof(err));
	if (r < 0)
		return -EBADMSG;
	if ((*out)->type != JSON_OBJECT) {
		json_free(*out);
		return -EBADMSG;
	}
	return 0;
}

/* ---- node ---- */

static int api_get_status(struct json_buf *b)
{
	struct nc_zt_info info;
	int r;

	memset(&info, 0, sizeof(info));
	r = ztnode_info(&info);
	if (r < 0)
		return api_status_of(r);
	ztjson_status(b, &info, api_clock(), ztnode_home());
	return 200;
}

/* GET /peer (addr 0) or /peer/ADDR. */
static int api_get_peers(struct json_buf *b, bool one, uint64_t addr)
{
	struct nc_zt_peer p;
	bool first = true;

	if (!one)
		json_buf_raw(b, "[", 1);
	for (uint64_t i = 0;; i++) {
		memset(&p, 0, sizeof(p));
		if (ztnode_peer(i, &p) < 0)
			break;
		if (one && p.address != addr)
			continue;
		if (!first)
			json_buf_raw(b, ",", 1);
		ztjson_peer(b, &p);
		first = false;
		if (one)
			return 200;
	}
	if (one)
		return 404;
	json_buf_raw(b, "]", 1);
	return 200;
}

static int api_find_net(uint64_t nwid, struct nc_net_info *out)
{
	for (uint64_t i = 0;; i++) {
		memset(out, 0, sizeof(*out));
		if (ztnet_info(i, out) < 0)
			return -ENOENT;
		if (out->nwid == nwid)
			return 0;
	}
}

static int api_get_networks(struct json_buf *b)
{
	struct nc_net_info n;

	json_buf_raw(b, "[", 1);
	for (uint64_t i = 0;; i++) {
		memset(&n, 0, sizeof(n));
		if (ztnet_info(i, &n) < 0)
			break;
		if (i)
			json_buf_raw(b, ",", 1);
		ztjson_network(b, &n);
	}
	json_buf_raw(b, "]", 1);
	return 200;
}

/* /network/NWID: GET, POST (join; allowManaged/allowGlobal/allowDefault/allowDNS are accepted
 * but netcon has no such per-network switches: programs only ever see the managed addresses),
 * DELETE (leave). */
static int api_network(const struct http_req *req, struct json_buf *b, uint64_t nwid)
{
	struct nc_net_info n;
	struct json *j;
	int r;

	if (req->method == HTTP_POST || req->method == HTTP_PUT) {
		r = api_body(req, &j);
		if (r < 0)
			return 400;
		json_free(j);
		r = ztnet_join(nwid);
		if (r < 0)
			return api_status_of(r);
	} else if (req->method == HTTP_DELETE) {
		r = ztnet_leave(nwid);
		if (r < 0)
			return api_status_of(r);
		json_buf_printf(b, "{\"result\":true}");
		return 200;
	} else if (req->method != HTTP_GET && req->method != HTTP_HEAD) {
		return 405;
	}
	if (api_find_net(nwid, &n) < 0)
		return 404;
	ztjson_network(b, &n);
	return 200;
}

/* ---- controller ---- */

static int api_ip(const char *s, struct nc_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, s, a->ip) == 1) {
		a->family = 4;
		return 0;
	}
	if (inet_pton(AF_INET6, s, a->ip) == 1) {
		a->family = 6;
		return 0;
	}
	return -EINVAL;
}

/* "IP/BITS" into an nc_addr whose port is the bits. */
static int api_cidr(const char *s, struct nc_addr *a)
{
	char ip[64];
	const char *slash = strchr(s, '/');
	char *end;
	long bits;

	if (!slash || (size_t)(slash - s) >= sizeof(ip))
		return -EINVAL;
	memcpy(ip, s, (size_t)(slash - s));
	ip[slash - s] = 0;
	if (api_ip(ip, a) < 0)
		return -EINVAL;
	bits = strtol(slash + 1, &end, 10);
	if (*end || end == slash + 1 || bits < 0 || bits > (a->family == 4 ? 32 : 128))
		return -EINVAL;
	a->port = (uint16_t)bits;
	return 0;
}

static int api_flag(const struct json *j, const char *key, uint32_t bit, uint32_t *flags)
{
	bool v;
	int r = json_get_bool(j, key, &v);

	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	*flags = v ? *flags | bit : *flags & ~bit;
	return 1;
}

/* ipAssignmentPools into req; 1 if present. */
static int api_pools(const struct json *j, struct nc_ctl_net *req)
{
	const struct json *a = json_get(j, "ipAssignmentPools");

	if (!a || a->type == JSON_NULL)
		return 0;
	if (a->type != JSON_ARRAY)
		return -EINVAL;
	req->npools = req->npools6 = 0;
	for (size_t k = 0; k < a->len; k++) {
		const char *s, *e;
		struct nc_addr first, last;

		if (json_get_str(&a->items[k], "ipRangeStart", &s) < 0 ||
		    json_get_str(&a->items[k], "ipRangeEnd", &e) < 0 || api_ip(s, &first) < 0 ||
		    api_ip(e, &last) < 0 || first.family != last.family)
			return -EINVAL;
		if (first.family == 4) {
			uint32_t f, l;

			if (req->npools >= NC_CTL_MAX_POOLS)
				return -EINVAL;
			memcpy(&f, first.ip, 4);
			memcpy(&l, last.ip, 4);
			req->pools[req->npools].first = ntohl(f);
			req->pools[req->npools++].last = ntohl(l);
		} else {
			if (req->npools6 >= NC_CTL_MAX_POOLS6)
				return -EINVAL;
			memcpy(req->pools6[req->npools6].first, first.ip, 16);
			memcpy(req->pools6[req->npools6++].last, last.ip, 16);
		}
	}
	return 1;
}

static int api_routes_in(const struct json *j, struct nc_ctl_net *req)
{
	const struct json *a = json_get(j, "routes");

	if (!a || a->type == JSON_NULL)
		return 0;
	if (a->type != JSON_ARRAY || a->len > NC_CTL_MAX_ROUTES)
		return -EINVAL;
	req->nroutes = 0;
	for (size_t k = 0; k < a->len; k++) {
		const char *t, *v = NULL;
		struct nc_ctl_route *r = &req->routes[req->nroutes];
		int e = json_get_str(&a->items[k], "via", &v);

		memset(r, 0, sizeof(*r));
		if (json_get_str(&a->items[k], "target", &t) < 0 || api_cidr(t, &r->target) < 0 ||
		    (e < 0 && e != -ENOENT) || (e == 0 && api_ip(v, &r->via) < 0))
			return -EINVAL;
		req->nroutes++;
	}
	return 1;
}

static int api_dns_in(const struct json *j, struct nc_ctl_net *req)
{
	const struct json *d = json_get(j, "dns"), *s;
	const char *dom = "";

	if (!d || d->type == JSON_NULL)
		return 0;
	req->flags &= ~(uint32_t)NC_CTL_DNS;
	req->ndns = 0;
	memset(req->dns_domain, 0, sizeof(req->dns_domain));
	if (d->type == JSON_ARRAY && d->len == 0)
		return 1; /* the stock record's "no DNS" */
	if (d->type != JSON_OBJECT)
		return -EINVAL;
	if (json_get_str(d, "domain", &dom) == -EINVAL || strlen(dom) >= sizeof(req->dns_domain))
		return -EINVAL;
	snprintf(req->dns_domain, sizeof(req->dns_domain), "%s", dom);
	s = json_get(d, "servers");
	if (s && s->type != JSON_ARRAY)
		return -EINVAL;
	for (size_t k = 0; s && k < s->len; k++) {
		if (s->items[k].type != JSON_STRING || k >= NC_CTL_MAX_DNS ||
		    api_ip(s->items[k].s, &req->dns[k]) < 0)
			return -EINVAL;
		req->ndns++;
	}
	if (req->ndns || dom[0])
		req->flags |= NC_CTL_DNS;
	return 1;
}

/* The fields ztncui and ZeroUI send, over req (a fresh template or the current network). Sets
 * req->change for what an NC_CTL_NET_SET must change. Returns 0 or -EINVAL. */
static int api_net_in(const struct json *j, struct nc_ctl_net *req)
{
	const struct json *v4 = json_get(j, "v4AssignMode"), *v6 = json_get(j, "v6AssignMode");
	const char *name;
	int64_t x;
	int r;

	r = json_get_str(j, "name", &name);
	if (r == 0) {
		if (strlen(name) >= sizeof(req->name))
			return -EINVAL;
		snprintf(req->name, sizeof(req->name), "%s", name);
		req->change |= NC_CTL_CHANGE_NAME;
	} else if (r != -ENOENT) {
		return -EINVAL;
	}
	r = json_get_int(j, "mtu", &x);
	if (r == 0) {
		if (x < 0 || x > 65535)
			return -EINVAL;
		req->mtu = (uint32_t)x;
		req->change |= NC_CTL_CHANGE_MTU;
	} else if (r != -ENOENT) {
		return -EINVAL;
	}
	r = json_get_int(j, "multicastLimit", &x);
	if (r == 0) {
		if (x < 0 || x > 1000000)
			return -EINVAL;
		req->multicast_limit = (uint32_t)x;
		req->change |= NC_CTL_CHANGE_MCAST;
	} else if (r != -ENOENT) {
		return -EINVAL;
	}
	r = api_flag(j, "private", NC_CTL_PRIVATE, &req->flags);
	if (r < 0)
		return r;
	if (r)
		req->change |= NC_CTL_CHANGE_PRIVATE;
	r = api_flag(j, "enableBroadcast", NC_CTL_BROADCAST, &req->flags);
	if (r < 0)
		return r;
	if (r)
		req->change |= NC_CTL_CHANGE_BROADCAST;
	if (v4 && v4->type == JSON_OBJECT) {
		r = api_flag(v4, "zt", NC_CTL_V4_AUTO, &req->flags);
		if (r < 0)
			return r;
		if (r)
			req->change |= NC_CTL_CHANGE_V4;
	} else if (v4 && v4->type != JSON_NULL) {
		return -EINVAL;
	}
	if (v6 && v6->type == JSON_OBJECT) {
		int a = api_flag(v6, "zt", NC_CTL_V6_ZT, &req->flags);
		int b = api_flag(v6, "rfc4193", NC_CTL_V6_RFC4193, &req->flags);
		int c = api_flag(v6, "6plane", NC_CTL_V6_6PLANE, &req->flags);

		if (a < 0 || b < 0 || c < 0)
			return -EINVAL;
		if (a || b || c)
			req->change |= NC_CTL_CHANGE_V6;
	} else if (v6 && v6->type != JSON_NULL) {
		return -EINVAL;
	}
	r = api_pools(j, req);
	if (r < 0)
		return r;
	if (r)
		req->change |= NC_CTL_CHANGE_POOLS;
	r = api_routes_in(j, req);
	if (r < 0)
		return r;
	if (r)
		req->change |= NC_CTL_CHANGE_ROUTES;
	r = api_dns_in(j, req);
	if (r < 0)
		return r;
	if (r)
		req->change |= NC_CTL_CHANGE_DNS;
	return 0;
}

static int api_ctl_net_write(const struct http_req *req, struct json_buf *b, uint64_t nwid)
{
	struct nc_ctl_req get = {.nwid = nwid};
	struct nc_ctl_net in, out;
	struct json *j;
	int r;

	r = api_body(req, &j);
	if (r < 0)
		return 400;
	memset(&in, 0, sizeof(in));
	memset(&out, 0, sizeof(out));
	if (nwid && ctrl_net_get(&get, &in) == 0) {
		in.change = 0;
		r = api_net_in(j, &in);
		json_free(j);
		if (r < 0)
			return 400;
		if (in.change)
			r = ctrl_net_set(&in, &out);
		else
			r = ctrl_net_get(&get, &out);
	} else {
		/* A new network: the stock controller's defaults, then what was given. */
		in.nwid = nwid;
		in.flags = NC_CTL_PRIVATE | NC_CTL_BROADCAST;
		in.multicast_limit = 32; /* ZeroTier's default multicastLimit */
		r = api_net_in(j, &in);
		json_free(j);
		if (r < 0)
			return 400;
		in.change = 0;
		r = ctrl_net_create(&in, &out);
	}
	if (r < 0)
		return api_status_of(r);
	ztjson_ctl_net(b, &out);
	return 200;
}

static int api_ctl_net(const struct http_req *req, struct json_buf *b, const char *id)
{
	struct nc_ctl_req get = {0};
	struct nc_ctl_net n;
	uint64_t nwid;
	int r;

	/* ADDR______: a new network of ours with an id the controller picks. */
	if (strlen(id) == 16 && strcmp(id + 10, "______") == 0) {
		char a[11];
		uint64_t addr;

		memcpy(a, id, 10);
		a[10] = 0;
		if (api_hex(a, 10, &addr) < 0)
			return 400;
		if (addr != ztnode_address())
			return 400;
		if (req->method != HTTP_POST && req->method != HTTP_PUT)
			return 405;
		return api_ctl_net_write(req, b, 0);
	}
	if (api_hex(id, 16, &nwid) < 0)
		return 404;
	get.nwid = nwid;
	memset(&n, 0, sizeof(n));
	switch (req->method) {
	case HTTP_GET:
	case HTTP_HEAD:
		r = ctrl_net_get(&get, &n);
		break;
	case HTTP_POST:
	case HTTP_PUT:
		return api_ctl_net_write(req, b, nwid);
	case HTTP_DELETE:
		/* The stock controller answers with the record it deleted. */
		r = ctrl_net_get(&get, &n);
		if (r == 0)
			r = ctrl_net_delete(&get);
		break;
	default:
		return 405;
	}
	if (r < 0)
		return api_status_of(r);
	ztjson_ctl_net(b, &n);
	return 200;
}

static void api_member_json(struct json_buf *b, const struct nc_ctl_member *m)
{
	struct zt_identity id;
	char s[512];

	s[0] = 0;
	if (ztnode_peer_identity(m->address, &id) == 0 &&
	    zt_identity_to_string(&id, false, s, sizeof(s)) < 0)
		s[0] = 0;
	ztjson_ctl_member(b, m, s);
}

static int api_ctl_members(struct json_buf *b, uint64_t nwid)
{
	struct nc_ctl_req get = {.nwid = nwid};
	struct nc_ctl_net n;
	struct nc_ctl_member m;
	int r = ctrl_net_get(&get, &n);

	if (r < 0)
		return api_status_of(r);
	json_buf_raw(b, "{", 1);
	for (get.index = 0;; get.index++) {
		if (ctrl_member_get(&get, &m) < 0)
			break;
		json_buf_printf(b, "%s\"%010" PRIx64 "\":%" PRIu64, get.index ? "," : "", m.address,
				m.revision);
	}
	json_buf_raw(b, "}", 1);
	return 200;
}

/* POST .../member/ADDR: authorized, ipAssignments (a non-empty list replaces the member's);
 * what is not given keeps its value. DELETE deauthorizes (revocations go out as for `netcon
 * controller member deauthorize`) and answers with the record. */
static int api_ctl_member(const struct http_req *req, struct json_buf *b, uint64_t nwid,
			  uint64_t addr)
{
	struct nc_ctl_req get = {.nwid = nwid, .address = addr};
	struct nc_ctl_member cur, in, out;
	bool have = false, auth;
	struct json *j;
	int r;

	memset(&cur, 0, sizeof(cur));
	memset(&out, 0, sizeof(out));
	r = ctrl_member_get(&get, &cur);
	if (r == 0)
		have = true;
	else if (r != -ENOENT)
		return api_status_of(r);
	if (req->method == HTTP_GET || req->method == HTTP_HEAD) {
		if (!have)
			return 404;
		api_member_json(b, &cur);
		return 200;
	}
	if (req->method != HTTP_POST && req->method != HTTP_PUT && req->method != HTTP_DELETE)
		return 405;
	memset(&in, 0, sizeof(in));
	in.nwid = nwid;
	in.address = addr;
	in.flags =
	    have ? cur.flags & (NC_CTL_AUTHORIZED | NC_CTL_ACTIVE_BRIDGE | NC_CTL_NO_AUTO_IPS) : 0;
	if (req->method == HTTP_DELETE) {
		if (!have)
			return 404;
		in.flags &= ~(uint32_t)NC_CTL_AUTHORIZED;
	} else {
		const struct json *ips;
		int b1, b2;

		if (api_body(req, &j) < 0)
			return 400;
		r = json_get_bool(j, "authorized", &auth);
		if (r == 0)
			in.flags =
			    auth ? in.flags | NC_CTL_AUTHORIZED : in.flags & ~NC_CTL_AUTHORIZED;
		b1 = api_flag(j, "activeBridge", NC_CTL_ACTIVE_BRIDGE, &in.flags);
		b2 = api_flag(j, "noAutoAssignIps", NC_CTL_NO_AUTO_IPS, &in.flags);
		in.flags |= (b1 > 0 ? NC_CTL_SET_BRIDGE : 0) | (b2 > 0 ? NC_CTL_SET_NO_AUTO : 0);
		if (json_get(j, "tags")) {
			if (zt_controller_parse_tags(json_get(j, "tags"), in.tags, NC_CTL_MAX_TAGS,
						     &in.ntags) < 0)
				b1 = -EINVAL;
			in.flags |= NC_CTL_SET_TAGS;
		}
		if (json_get(j, "capabilities")) {
			if (zt_controller_parse_caps(json_get(j, "capabilities"), in.caps,
						     NC_CTL_MAX_CAPS, &in.ncaps) < 0)
				b1 = -EINVAL;
			in.flags |= NC_CTL_SET_CAPS;
		}
		ips = json_get(j, "ipAssignments");
		if (r == -EINVAL || b1 < 0 || b2 < 0 ||
		    (ips && ips->type != JSON_ARRAY && ips->type != JSON_NULL) ||
		    (ips && ips->type == JSON_ARRAY && ips->len > NC_CTL_MAX_IPS)) {
			json_free(j);
			return 400;
		}
		for (size_t k = 0; ips && ips->type == JSON_ARRAY && k < ips->len; k++) {
			if (ips->items[k].type != JSON_STRING ||
			    api_ip(ips->items[k].s, &in.ips[k]) < 0) {
				json_free(j);
				return 400;
			}
			in.nips++;
		}
		if (in.nips)
			in.flags |= NC_CTL_SET_IPS;
		json_free(j);
	}
	r = ctrl_member_set(&in, &out);
	if (r < 0)
		return api_status_of(r);
	api_member_json(b, &out);
	return 200;
}

static int api_controller(const struct http_req *req, struct json_buf *b, char **seg, int n)
{
	struct nc_ctl_req get = {0};
	struct nc_ctl_net net;
	uint64_t nwid, addr;
	bool first = true;

	/* Not a controller: ctrl_* answer -ENOTCONN, and so do we (404), as stock nodes do. */
	if (ctrl_net_get(&get, &net) == -ENOTCONN)
		return 404;
	if (n == 1) {
		if (req->method != HTTP_GET && req->method != HTTP_HEAD)
			return 405;
		json_buf_printf(b,
				"{\"controller\":true,\"apiVersion\":4,\"clock\":%" PRId64
				",\"databaseReady\":true}",
				api_clock());
		return 200;
	}
	if (strcmp(seg[1], "network") != 0)
		return 404;
	if (n == 2) {
		if (req->method != HTTP_GET && req->method != HTTP_HEAD)
			return 405;
		json_buf_raw(b, "[", 1);
		for (get.index = 0;; get.index++) {
			if (ctrl_net_get(&get, &net) < 0)
				break;
			json_buf_printf(b, "%s\"%016" PRIx64 "\"", first ? "" : ",", net.nwid);
			first = false;
		}
		json_buf_raw(b, "]", 1);
		return 200;
	}
	if (n == 3)
		return api_ctl_net(req, b, seg[2]);
	if (strcmp(seg[3], "member") != 0 || api_hex(seg[2], 16, &nwid) < 0)
		return 404;
	if (n == 4) {
		if (req->method != HTTP_GET && req->method != HTTP_HEAD)
			return 405;
		return api_ctl_members(b, nwid);
	}
	if (n != 5 || api_hex(seg[4], 10, &addr) < 0)
		return 404;
	return api_ctl_member(req, b, nwid, addr);
}

int api_route(const struct http_req *req, unsigned conns, struct json_buf *b, const char **ctype)
{
	char buf[HTTP_MAX_PATH], *seg[6];
	int n = api_split(req->path, buf, sizeof(buf), seg, 6);
	uint64_t id;
	int status;

	*ctype = API_CTYPE_JSON;
	if (n <= 0)
		return 404;
	if (strcmp(seg[0], "metrics") == 0 && n == 1) {
		if (req->method != HTTP_GET && req->method != HTTP_HEAD)
			return 405;
		*ctype = "text/plain; version=0.0.4";
		metrics_write(b, conns);
		return 200;
	}
	if (strcmp(seg[0], "controller") == 0) {
		status = api_controller(req, b, seg, n);
	} else if (req->method != HTTP_GET && req->method != HTTP_HEAD &&
		   strcmp(seg[0], "network") != 0) {
		status =
		    n <= 2 && (!strcmp(seg[0], "status") || !strcmp(seg[0], "peer")) ? 405 : 404;
	} else if (strcmp(seg[0], "status") == 0 && n == 1) {
		status = api_get_status(b);
	} else if (strcmp(seg[0], "peer") == 0 && n == 1) {
		status = api_get_peers(b, false, 0);
	} else if (strcmp(seg[0], "peer") == 0 && n == 2) {
		status = api_hex(seg[1], 10, &id) < 0 ? 404 : api_get_peers(b, true, id);
	} else if (strcmp(seg[0], "network") == 0 && n == 1) {
		status =
		    req->method == HTTP_GET || req->method == HTTP_HEAD ? api_get_networks(b) : 405;
	} else if (strcmp(seg[0], "network") == 0 && n == 2) {
		status = api_hex(seg[1], 16, &id) < 0 ? 404 : api_network(req, b, id);
	} else {
		status = 404;
	}
	if (status != 200) {
		/* Errors carry no body, as zerotier-one's do (notfound.txt). */
		b->len = 0;
		if (status != 404 && status != 405)
			json_buf_raw(b, "{}", 2);
	}
	return status;
}
