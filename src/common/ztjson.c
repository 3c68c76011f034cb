// SPDX-License-Identifier: BSD-2-Clause
/* The JSON of ZeroTier's local API (zerotier-cli -j's keys), built from the daemon's replies. */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "common/ztjson.h"

static void ztjson_lit(struct json_buf *b, const char *s)
{
	json_buf_raw(b, s, strlen(s));
}

static const char *ztjson_bool(bool v)
{
	return v ? "true" : "false";
}

const char *ztjson_addr(const struct nc_addr *a, char *buf, int port_sep)
{
	size_t n;

	buf[0] = 0;
	if (a->family != 4 && a->family != 6)
		return buf;
	inet_ntop(a->family == 4 ? AF_INET : AF_INET6, a->ip, buf, 48);
	n = strlen(buf);
	if (port_sep)
		snprintf(buf + n, 64 - n, "/%u", a->port);
	return buf;
}

static const char *ztjson_v4(uint32_t v, char *buf)
{
	snprintf(buf, 16, "%u.%u.%u.%u", v >> 24, (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff);
	return buf;
}

void ztjson_status(struct json_buf *b, const struct nc_zt_info *info, int64_t clock,
		   const char *home)
{
	static const char *const names[NC_ZT_COUNTERS] = NC_ZT_COUNTER_NAMES;
	char s[64], id[NC_ZT_IDENTITY_LEN];

	memcpy(id, info->identity, sizeof(id));
	id[sizeof(id) - 1] = 0;
	json_buf_printf(b,
			"{\"address\":\"%010" PRIx64 "\",\"clock\":%" PRId64
			",\"config\":{\"settings\":{\"allowTcpFallbackRelay\":false,"
			"\"forceTcpRelay\":false,\"homeDir\":",
			info->address, clock);
	json_buf_str(b, home ? home : "");
	json_buf_printf(b,
			",\"listeningOn\":[\"0.0.0.0/%u\"],\"portMappingEnabled\":false,"
			"\"primaryPort\":%u,\"secondaryPort\":0,\"softwareUpdate\":\"disable\","
			"\"softwareUpdateChannel\":\"release\",\"surfaceAddresses\":[",
			info->port, info->port);
	if (ztjson_addr(&info->surface, s, 1)[0])
		json_buf_printf(b, "\"%s\"", s);
	json_buf_printf(b,
			"],\"tertiaryPort\":0}},\"online\":%s,\"planetWorldId\":%" PRIu64
			",\"planetWorldTimestamp\":%" PRIu64 ",\"publicIdentity\":",
			ztjson_bool(info->flags & NC_ZT_ONLINE), info->planet_id, info->planet_ts);
	json_buf_str(b, id);
	json_buf_printf(b,
			",\"tcpFallbackActive\":false,\"version\":\"%u.%u.%u\",\"versionBuild\":0,"
			"\"versionMajor\":%u,\"versionMinor\":%u,\"versionRev\":%u,"
			"\"protocolVersion\":%u,\"isRoot\":%s,\"peers\":%u,\"counters\":{",
			info->version_major, info->version_minor, info->version_rev,
			info->version_major, info->version_minor, info->version_rev, info->proto,
			ztjson_bool(info->flags & NC_ZT_ROOT), info->npeers);
	for (int i = 0; i < NC_ZT_COUNTERS; i++)
		json_buf_printf(b, "%s\"%s\":%" PRIu64, i ? "," : "", names[i], info->counters[i]);
	ztjson_lit(b, "}}");
}

static const char *ztjson_role(int r)
{
	return r == NC_ZT_PLANET ? "PLANET" : r == NC_ZT_MOON ? "MOON" : "LEAF";
}

void ztjson_peer(struct json_buf *b, const struct nc_zt_peer *p)
{
	char s[64];
	uint32_t np = p->npaths < NC_ZT_MAX_PATHS ? p->npaths : NC_ZT_MAX_PATHS;

	json_buf_printf(b,
			"{\"address\":\"%010" PRIx64 "\",\"isBonded\":false,\"latency\":%d,"
			"\"paths\":[",
			p->address, p->latency);
	for (uint32_t k = 0; k < np; k++) {
		const struct nc_zt_path *q = &p->paths[k];

		json_buf_printf(b,
				"%s{\"active\":%s,\"address\":\"%s\",\"expired\":%s,"
				"\"lastReceive\":%" PRId64 ",\"lastSend\":%" PRId64
				",\"localPort\":0,\"localSocket\":0,\"preferred\":%s,"
				"\"trustedPathId\":0,\"direct\":true}",
				k ? "," : "", ztjson_bool(!(q->flags & 1)),
				ztjson_addr(&q->addr, s, 1), ztjson_bool(q->flags & 1),
				q->last_receive, q->last_send, ztjson_bool(q->flags & 2));
	}
	json_buf_printf(b,
			"],\"role\":\"%s\",\"tunneled\":false,\"version\":\"%d.%d.%d\","
			"\"versionMajor\":%d,\"versionMinor\":%d,\"versionRev\":%d,"
			"\"protocolVersion\":%d,\"relayed\":%s,\"relay\":\"%010" PRIx64 "\"}",
			ztjson_role(p->role), p->major, p->minor, p->rev, p->major, p->minor,
			p->rev, p->proto, ztjson_bool(p->relayed), p->relay);
}

void ztjson_network(struct json_buf *b, const struct nc_net_info *n)
{
	static const char *const status[] = {"REQUESTING_CONFIGURATION", "OK", "ACCESS_DENIED",
					     "NOT_FOUND"};
	static const char *const names[NC_NET_COUNTERS] = NC_NET_COUNTER_NAMES;
	char s[64], name[NC_NET_NAME_LEN];

	memcpy(name, n->name, sizeof(name));
	name[sizeof(name) - 1] = 0;
	ztjson_lit(b, "{\"allowDNS\":false,\"allowDefault\":false,\"allowGlobal\":false,"
		      "\"allowManaged\":true,\"assignedAddresses\":[");
	for (unsigned i = 0; i < n->naddrs && i < NC_NET_MAX_ADDRS; i++) {
		struct nc_addr a = n->addrs[i].addr;

		a.port = n->addrs[i].prefix;
		json_buf_printf(b, "%s\"%s\"", i ? "," : "", ztjson_addr(&a, s, 1));
	}
	json_buf_printf(b,
			"],\"bridge\":false,\"broadcastEnabled\":%s,\"dhcp\":false,"
			"\"dns\":{\"domain\":\"\",\"servers\":[]},\"id\":\"%016" PRIx64 "\","
			"\"mac\":\"%02x:%02x:%02x:%02x:%02x:%02x\",\"mtu\":%u,"
			"\"multicastSubscriptions\":[],\"name\":",
			ztjson_bool(n->flags & 1), n->nwid, n->mac[0], n->mac[1], n->mac[2],
			n->mac[3], n->mac[4], n->mac[5], n->mtu);
	json_buf_str(b, name);
	json_buf_printf(b,
			",\"netconfRevision\":%" PRIu64 ",\"nwid\":\"%016" PRIx64 "\","
			"\"portDeviceName\":\"lwip\",\"portError\":0,\"routes\":[",
			n->revision, n->nwid);
	for (unsigned i = 0; i < n->nroutes && i < NC_NET_MAX_ROUTES; i++) {
		const struct nc_net_route *r = &n->routes[i];
		struct nc_addr t = r->target.addr;
		char v[64];

		t.port = r->target.prefix;
		json_buf_printf(b, "%s{\"flags\":%u,\"metric\":%u,\"target\":\"%s\",\"via\":",
				i ? "," : "", r->flags, r->metric, ztjson_addr(&t, s, 1));
		if (r->via.family)
			json_buf_printf(b, "\"%s\"}", ztjson_addr(&r->via, v, 0));
		else
			ztjson_lit(b, "null}");
	}
	json_buf_printf(b, "],\"status\":\"%s\",\"type\":\"%s\",\"counters\":{",
			n->status < 4 ? status[n->status] : "UNKNOWN",
			n->type ? "PUBLIC" : "PRIVATE");
	for (int i = 0; i < NC_NET_COUNTERS; i++)
		json_buf_printf(b, "%s\"%s\":%" PRIu64, i ? "," : "", names[i], n->counters[i]);
	ztjson_lit(b, "}}");
}

void ztjson_ctl_net(struct json_buf *b, const struct nc_ctl_net *n)
{
	char a[64], c[64], name[NC_CTL_NAME_LEN], dom[NC_CTL_DNS_DOMAIN_LEN];
	unsigned np6 = n->npools6 < NC_CTL_MAX_POOLS6 ? n->npools6 : NC_CTL_MAX_POOLS6;
	unsigned np = n->npools < NC_CTL_MAX_POOLS ? n->npools : NC_CTL_MAX_POOLS;
	unsigned nr = n->nroutes < NC_CTL_MAX_ROUTES ? n->nroutes : NC_CTL_MAX_ROUTES;

	memcpy(name, n->name, sizeof(name));
	name[sizeof(name) - 1] = 0;
	memcpy(dom, n->dns_domain, sizeof(dom));
	dom[sizeof(dom) - 1] = 0;
	json_buf_printf(b,
			"{\"authTokens\":[null],\"authorizationEndpoint\":\"\",\"capabilities\":[],"
			"\"clientId\":\"\",\"creationTime\":%" PRId64 ",\"dns\":",
			n->creation_time);
	if (n->flags & NC_CTL_DNS) {
		/* The stock record's shape: an object when set, [] when not. */
		ztjson_lit(b, "{\"domain\":");
		json_buf_str(b, dom);
		ztjson_lit(b, ",\"servers\":[");
		for (unsigned k = 0; k < n->ndns && k < NC_CTL_MAX_DNS; k++) {
			ztjson_addr(&n->dns[k], a, n->dns[k].port != 0);
			json_buf_printf(b, "%s\"%s\"", k ? "," : "", a);
		}
		ztjson_lit(b, "]}");
	} else {
		ztjson_lit(b, "[]");
	}
	json_buf_printf(b,
			",\"enableBroadcast\":%s,\"id\":\"%016" PRIx64 "\",\"ipAssignmentPools\":[",
			ztjson_bool(n->flags & NC_CTL_BROADCAST), n->nwid);
	for (unsigned k = 0; k < np; k++)
		json_buf_printf(b, "%s{\"ipRangeEnd\":\"%s\",\"ipRangeStart\":\"%s\"}",
				k ? "," : "", ztjson_v4(n->pools[k].last, c),
				ztjson_v4(n->pools[k].first, a));
	for (unsigned k = 0; k < np6; k++)
		json_buf_printf(b, "%s{\"ipRangeEnd\":\"%s\",\"ipRangeStart\":\"%s\"}",
				k || np ? "," : "",
				inet_ntop(AF_INET6, n->pools6[k].last, c, sizeof(c)),
				inet_ntop(AF_INET6, n->pools6[k].first, a, sizeof(a)));
	json_buf_printf(b, "],\"mtu\":%u,\"multicastLimit\":%u,\"name\":", n->mtu,
			n->multicast_limit);
	json_buf_str(b, name);
	json_buf_printf(b,
			",\"nwid\":\"%016" PRIx64 "\",\"objtype\":\"network\",\"private\":%s,"
			"\"remoteTraceLevel\":0,\"remoteTraceTarget\":null,\"revision\":%" PRIu64
			",\"routes\":[",
			n->nwid, ztjson_bool(n->flags & NC_CTL_PRIVATE), n->revision);
	for (unsigned k = 0; k < nr; k++) {
		json_buf_printf(b, "%s{\"target\":\"%s\",\"via\":", k ? "," : "",
				ztjson_addr(&n->routes[k].target, a, 1));
		if (n->routes[k].via.family)
			json_buf_printf(b, "\"%s\"}", ztjson_addr(&n->routes[k].via, c, 0));
		else
			ztjson_lit(b, "null}");
	}
	json_buf_printf(b,
			"],\"rules\":[{\"not\":false,\"or\":false,\"type\":\"ACTION_ACCEPT\"}],"
			"\"rulesSource\":\"\",\"ssoEnabled\":false,\"tags\":[],"
			"\"v4AssignMode\":{\"zt\":%s},"
			"\"v6AssignMode\":{\"6plane\":%s,\"rfc4193\":%s,\"zt\":%s},"
			"\"memberCount\":%u,\"authorizedMemberCount\":%u}",
			ztjson_bool(n->flags & NC_CTL_V4_AUTO),
			ztjson_bool(n->flags & NC_CTL_V6_6PLANE),
			ztjson_bool(n->flags & NC_CTL_V6_RFC4193),
			ztjson_bool(n->flags & NC_CTL_V6_ZT), n->nmembers, n->nauthorized);
}

void ztjson_ctl_member(struct json_buf *b, const struct nc_ctl_member *m, const char *identity)
{
	char a[64];
	unsigned ni = m->nips < NC_CTL_MAX_IPS ? m->nips : NC_CTL_MAX_IPS;
	unsigned nt = m->ntags < NC_CTL_MAX_TAGS ? m->ntags : NC_CTL_MAX_TAGS;
	unsigned nc = m->ncaps < NC_CTL_MAX_CAPS ? m->ncaps : NC_CTL_MAX_CAPS;

	json_buf_printf(b,
			"{\"activeBridge\":%s,\"address\":\"%010" PRIx64 "\","
			"\"authenticationExpiryTime\":0,\"authorized\":%s,\"capabilities\":[",
			ztjson_bool(m->flags & NC_CTL_ACTIVE_BRIDGE), m->address,
			ztjson_bool(m->flags & NC_CTL_AUTHORIZED));
	for (unsigned k = 0; k < nc; k++)
		json_buf_printf(b, "%s%" PRIu32, k ? "," : "", m->caps[k]);
	json_buf_printf(b, "],\"creationTime\":%" PRId64 ",\"id\":\"%010" PRIx64 "\",\"identity\":",
			m->creation_time, m->address);
	json_buf_str(b, identity ? identity : "");
	ztjson_lit(b, ",\"ipAssignments\":[");
	for (unsigned k = 0; k < ni; k++)
		json_buf_printf(b, "%s\"%s\"", k ? "," : "", ztjson_addr(&m->ips[k], a, 0));
	json_buf_printf(
	    b,
	    "],\"lastAuthorizedCredential\":null,\"lastAuthorizedCredentialType\":\"api\","
	    "\"lastAuthorizedTime\":%" PRId64 ",\"lastDeauthorizedTime\":%" PRId64
	    ",\"noAutoAssignIps\":%s,\"nwid\":\"%016" PRIx64 "\","
	    "\"objtype\":\"member\",\"remoteTraceLevel\":0,\"remoteTraceTarget\":null,"
	    "\"revision\":%" PRIu64 ",\"ssoExempt\":false,\"tags\":[",
	    m->last_authorized, m->last_deauthorized, ztjson_bool(m->flags & NC_CTL_NO_AUTO_IPS),
	    m->nwid, m->revision);
	for (unsigned k = 0; k < nt; k++)
		json_buf_printf(b, "%s[%" PRIu32 ",%" PRIu32 "]", k ? "," : "", m->tags[k][0],
				m->tags[k][1]);
	json_buf_printf(b,
			"],\"vMajor\":%d,\"vMinor\":%d,\"vProto\":%d,\"vRev\":%d,"
			"\"lastRequestTime\":%" PRId64 "}",
			m->vmajor, m->vminor, m->vproto, m->vrev, m->last_request);
}
