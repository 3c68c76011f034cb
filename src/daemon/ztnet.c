// SPDX-License-Identifier: BSD-2-Clause
/* Joined ZeroTier networks: membership, configs, certificates, multicast, one lwIP Ethernet each. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lwip/etharp.h"
#include "lwip/ethip6.h"
#include "lwip/ip6_addr.h"
#include "lwip/mld6.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/timeouts.h"
#include "netif/ethernet.h"

#include "common/file.h"
#include "common/log.h"
#include "daemon/resolv.h"
#include "daemon/stack.h"
#include "daemon/ztnet.h"
#include "daemon/ztnode.h"
#include "zt/bytes.h"
#include "zt/com.h"
#include "zt/dictionary.h"
#include "zt/ndp.h"
#include "zt/netconf.h"
#include "zt/node.h"
#include "zt/packet.h"
#include "zt/revocation.h"

/* While a network has no config, ask again this often. */
#define ZTNET_REQUEST_RETRY 2000
/* Denied or not found: asked again as often as ZeroTier's nodes do (their 5 s background
 * check), so an authorization shows up within seconds even when the controller does not push. */
#define ZTNET_DENIED_RETRY 5000
/* ZT_MULTICAST_ANNOUNCE_PERIOD, ZT_MULTICAST_LIKE_EXPIRE */
#define ZTNET_ANNOUNCE_PERIOD 60000
#define ZTNET_LIKE_EXPIRE 600000
/* Our COM goes to a peer again after this long (Membership::pushCredentials pushes on change and
 * then periodically). */
#define ZTNET_CRED_PUSH_PERIOD 30000
/* A multicast group's recipients are gathered again when older than this. */
#define ZTNET_GATHER_AGE 5000
#define ZTNET_MEMBERS 256 /* peers whose credentials we track, per network */
#define ZTNET_GROUPS 64 /* multicast groups we send to, per network */
#define ZTNET_GROUP_MEMBERS 64
/* Multicast MACs lwIP listens to on one network (IGMP and MLD groups joined by sockets). */
#define ZTNET_MCAST 64
/* The groups one LIKE carries at most: ours for ARP and NDP, broadcast, and the joined ones. */
#define ZTNET_LIKE_MAX (ZT_NETCONF_MAX_STATIC_IPS + 1 + ZTNET_MCAST)
#define ZTNET_LIKES 4096 /* LIKEs we keep to answer GATHERs (any network) */
#define ZTNET_GATHER_MAX 64 /* members named in one answer to a GATHER */
#define ZTNET_ETHER_HDR 14
#define ZTNET_ETHERTYPE_ARP 0x0806
#define ZTNET_ETHERTYPE_IPV6 0x86dd
/* Forged neighbor advertisements waiting for the loop (one per solicitation lwIP sends). */
#define ZTNET_NDP_PENDING 8

struct ztnet_member {
	uint64_t addr;
	int64_t pushed; /* when our COM last went to it */
	uint64_t pushed_ts; /* the timestamp of the COM we pushed */
	bool com_ok; /* its COM verified (signature, issued to it) */
	struct zt_com com;
	/* Its COMs timestamped up to this are revoked (Membership's comRevocationThreshold). */
	int64_t revoked_before;
	bool revoked;
};

struct ztnet_group {
	bool used;
	uint8_t mac[6];
	uint32_t adi;
	unsigned n;
	uint64_t members[ZTNET_GROUP_MEMBERS];
	int64_t gathered;
	uint8_t *pending; /* one Ethernet frame waiting for gather results */
	size_t pending_len;
};

struct ztnet {
	uint64_t nwid;
	uint8_t status;
	bool has_config;
	struct zt_netconf *nc;
	struct zt_netconf_asm *as;
	uint8_t com[ZT_COM_MAX_SIZE];
	size_t com_len;
	uint64_t com_ts;
	int64_t last_request, last_announce;
	uint8_t mac[6];
	struct netif netif;
	bool netif_added;
	bool announce_now;
	unsigned nmembers;
	struct ztnet_member members[ZTNET_MEMBERS];
	struct ztnet_group groups[ZTNET_GROUPS];
	uint64_t counters[NC_NET_COUNTERS];
	unsigned nmcast;
	struct {
		uint8_t mac[6];
		uint16_t refs;
	} mcast[ZTNET_MCAST];
	unsigned ndp_n;
	struct {
		uint8_t mac[6];
		uint8_t na[ZT_NDP_NA_LEN];
	} ndp[ZTNET_NDP_PENDING];
};

enum { C_RX, C_TX, C_DROP_NOT_MEMBER, C_DROP_BAD, C_CREDS, C_MCAST, C_NDP };

struct ztnet_like {
	uint64_t nwid, addr;
	uint8_t mac[6];
	uint32_t adi;
	int64_t t;
};

static struct ztnet *nets[ZTNET_MAX];
static struct ztnet_like likes[ZTNET_LIKES];
static int64_t period = ZTNET_AUTOCONF_DELAY;
static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

static uint64_t ztnet_controller(uint64_t nwid)
{
	return nwid >> 24;
}

static struct ztnet *ztnet_find(uint64_t nwid)
{
	for (int i = 0; i < ZTNET_MAX; i++)
		if (nets[i] && nets[i]->nwid == nwid)
			return nets[i];
	return NULL;
}

static struct ztnet_member *ztnet_member(struct ztnet *n, uint64_t addr, bool create)
{
	struct ztnet_member *m;

	for (unsigned i = 0; i < n->nmembers; i++)
		if (n->members[i].addr == addr)
			return &n->members[i];
	if (!create)
		return NULL;
	if (n->nmembers < ZTNET_MEMBERS) {
		m = &n->members[n->nmembers++];
	} else {
		/* Full: forget the one we pushed to longest ago. */
		m = &n->members[0];
		for (unsigned i = 1; i < n->nmembers; i++)
			if (n->members[i].pushed < m->pushed)
				m = &n->members[i];
	}
	memset(m, 0, sizeof(*m));
	m->addr = addr;
	return m;
}

/* HOME/networks.d/NWID + suffix (free it), or NULL. */
static char *ztnet_path(uint64_t nwid, const char *suffix)
{
	return file_path("%s/networks.d/%016llx%s", ztnode_home(), (unsigned long long)nwid,
			 suffix);
}

static int ztnet_write(uint64_t nwid, const void *data, size_t len)
{
	char *path = ztnet_path(nwid, ".conf");
	int r = path ? file_write_atomic(path, data, len, 0600) : -ENOMEM;

	if (r < 0)
		log_warn("writing networks.d/%016llx.conf: %s", (unsigned long long)nwid,
			 strerror(-r));
	free(path);
	return r;
}

/* ---- sending ---- */

static unsigned ztnet_my_groups(const struct ztnet *n, struct zt_packet_like *out, unsigned max);
static void ztnet_group_add(struct ztnet_group *g, uint64_t addr);

static void ztnet_send(uint64_t to, unsigned verb, const uint8_t *p, int len)
{
	if (len < 0)
		return;
	if (ztnode_send_verb(to, verb, p, (size_t)len, NULL) < 0)
		log_debug("send of verb %u to %010llx failed", verb, (unsigned long long)to);
}

/* Our COM to a peer, when it has not had this one lately (before frames: the membership gate). */
static void ztnet_push_creds(struct ztnet *n, uint64_t to, int64_t now, bool force)
{
	struct zt_packet_credentials c;
	struct ztnet_member *m;
	uint8_t pkt[ZT_PACKET_MAX_LEN];

	if (!n->com_len || to == ztnode_address())
		return;
	m = ztnet_member(n, to, true);
	if (!force && m->pushed_ts == n->com_ts && now - m->pushed < ZTNET_CRED_PUSH_PERIOD)
		return;
	memset(&c, 0, sizeof(c));
	c.ncom = 1;
	c.com[0].p = n->com;
	c.com[0].len = n->com_len;
	ztnet_send(to, ZT_VERB_NETWORK_CREDENTIALS, pkt,
		   zt_packet_encode_credentials(&c, pkt, sizeof(pkt)));
	m->pushed = now;
	m->pushed_ts = n->com_ts;
	n->counters[C_CREDS]++;
	{
		/* Our groups too, so a peer that lost its gather source (a restarted root) can
		 * still resolve us. */
		struct zt_packet_like l[ZTNET_LIKE_MAX];
		unsigned k = ztnet_my_groups(n, l, sizeof(l) / sizeof(l[0]));

		if (k)
			ztnet_send(to, ZT_VERB_MULTICAST_LIKE, pkt,
				   zt_packet_encode_multicast_like(l, k, pkt, sizeof(pkt)));
	}
}

static void ztnet_request(struct ztnet *n, int64_t now)
{
	struct zt_packet_config_request q;
	char meta[512];
	struct zt_dict d;
	uint8_t pkt[ZT_PACKET_MAX_LEN];

	zt_dict_init(&d, meta, sizeof(meta));
	zt_dict_set_hex(&d, "v", ZT_NETCONF_VERSION, 16);
	zt_dict_set_hex(&d, "vend", 1, 16);
	zt_dict_set_hex(&d, "pv", 11, 16);
	zt_dict_set_hex(&d, "majv", ZT_NODE_VERSION_MAJOR, 16);
	zt_dict_set_hex(&d, "minv", ZT_NODE_VERSION_MINOR, 16);
	zt_dict_set_hex(&d, "revv", ZT_NODE_VERSION_REVISION, 16);
	memset(&q, 0, sizeof(q));
	q.nwid = n->nwid;
	q.metadata.p = (const uint8_t *)d.text;
	q.metadata.len = d.len;
	if (n->has_config) {
		q.has_revision = true;
		q.revision = n->nc->revision;
		q.timestamp = n->nc->timestamp;
	}
	n->last_request = now;
	ztnet_send(ztnet_controller(n->nwid), ZT_VERB_NETWORK_CONFIG_REQUEST, pkt,
		   zt_packet_encode_config_request(&q, pkt, sizeof(pkt)));
}

/* The groups we LIKE: (broadcast, each IPv4) for ARP, solicited-node for each IPv6, and
 * (broadcast, 0) when broadcast is enabled. */
static unsigned ztnet_my_groups(const struct ztnet *n, struct zt_packet_like *out, unsigned max)
{
	unsigned k = 0;

	if (!n->has_config)
		return 0;
	if ((n->nc->flags & ZT_NETCONF_FLAG_ENABLE_BROADCAST) && k < max) {
		out[k].nwid = n->nwid;
		memcpy(out[k].mac, bcast, 6);
		out[k++].adi = 0;
	}
	for (unsigned i = 0; i < n->nc->n_static_ips && k < max; i++) {
		const struct zt_inetaddr *a = &n->nc->static_ips[i];

		out[k].nwid = n->nwid;
		if (a->family == 4) {
			memcpy(out[k].mac, bcast, 6);
			out[k++].adi = (uint32_t)zt_be_get(a->ip, 4);
		} else if (a->family == 6) {
			const uint8_t m[6] = {0x33, 0x33, 0xff, a->ip[13], a->ip[14], a->ip[15]};

			memcpy(out[k].mac, m, 6);
			out[k++].adi = 0;
		}
	}
	/* The groups lwIP joined for sockets (and its own solicited-node ones). */
	for (unsigned i = 0; i < n->nmcast && k < max; i++) {
		unsigned j;

		for (j = 0; j < k; j++)
			if (!out[j].adi && !memcmp(out[j].mac, n->mcast[i].mac, 6))
				break;
		if (j < k)
			continue;
		out[k].nwid = n->nwid;
		memcpy(out[k].mac, n->mcast[i].mac, 6);
		out[k++].adi = 0;
	}
	return k;
}

/* lwIP joins or leaves a group on the network's interface: LIKE its MAC, or stop. */
static void ztnet_mcast_mac(struct ztnet *n, const uint8_t mac[6], bool add)
{
	unsigned i;

	for (i = 0; i < n->nmcast; i++)
		if (!memcmp(n->mcast[i].mac, mac, 6))
			break;
	if (add) {
		if (i < n->nmcast) {
			n->mcast[i].refs++;
			return;
		}
		if (n->nmcast >= ZTNET_MCAST) {
			log_warn("network %016llx: more than %d multicast groups",
				 (unsigned long long)n->nwid, ZTNET_MCAST);
			return;
		}
		memcpy(n->mcast[n->nmcast].mac, mac, 6);
		n->mcast[n->nmcast++].refs = 1;
		n->announce_now = true;
	} else if (i < n->nmcast && --n->mcast[i].refs == 0) {
		n->mcast[i] = n->mcast[--n->nmcast];
		/* Nothing to unsay: a LIKE expires unless repeated. */
	}
}

/* 01:00:5e and the group's low 23 bits (RFC 1112). */
static err_t ztnet_igmp_filter(struct netif *nif, const ip4_addr_t *g,
			       enum netif_mac_filter_action a)
{
	const uint8_t *b = (const uint8_t *)&g->addr;
	const uint8_t mac[6] = {0x01, 0x00, 0x5e, b[1] & 0x7f, b[2], b[3]};

	ztnet_mcast_mac(nif->state, mac, a == NETIF_ADD_MAC_FILTER);
	return ERR_OK;
}

/* 33:33 and the group's low 32 bits (RFC 2464). */
static err_t ztnet_mld_filter(struct netif *nif, const ip6_addr_t *g,
			      enum netif_mac_filter_action a)
{
	const uint8_t *b = (const uint8_t *)g->addr;
	const uint8_t mac[6] = {0x33, 0x33, b[12], b[13], b[14], b[15]};

	ztnet_mcast_mac(nif->state, mac, a == NETIF_ADD_MAC_FILTER);
	return ERR_OK;
}

/* MULTICAST_LIKE to the controller and every root (which answer GATHERs). */
static void ztnet_announce(struct ztnet *n, int64_t now)
{
	struct zt_packet_like l[ZTNET_LIKE_MAX];
	uint64_t roots[16];
	unsigned k = ztnet_my_groups(n, l, sizeof(l) / sizeof(l[0]));
	unsigned nr = ztnode_roots(roots, 16);
	uint8_t pkt[ZT_PACKET_MAX_LEN];
	int len;

	n->last_announce = now;
	n->announce_now = false;
	if (!k)
		return;
	len = zt_packet_encode_multicast_like(l, k, pkt, sizeof(pkt));
	if (len < 0)
		return;
	ztnet_send(ztnet_controller(n->nwid), ZT_VERB_MULTICAST_LIKE, pkt, len);
	for (unsigned i = 0; i < nr; i++)
		if (roots[i] != ztnet_controller(n->nwid))
			ztnet_send(roots[i], ZT_VERB_MULTICAST_LIKE, pkt, len);
}

static void ztnet_gather(struct ztnet *n, struct ztnet_group *g, int64_t now)
{
	struct zt_packet_gather q;
	uint64_t roots[16];
	unsigned nr = ztnode_roots(roots, 16);
	uint8_t pkt[ZT_PACKET_MAX_LEN];
	int len;

	memset(&q, 0, sizeof(q));
	q.nwid = n->nwid;
	memcpy(q.mac, g->mac, 6);
	q.adi = g->adi;
	q.limit = (uint32_t)(n->nc->multicast_limit ? n->nc->multicast_limit : 32);
	if (n->com_len) {
		q.flags = ZT_PACKET_GATHER_FLAG_COM;
		q.com.p = n->com;
		q.com.len = n->com_len;
	}
	len = zt_packet_encode_gather(&q, pkt, sizeof(pkt));
	if (len < 0)
		return;
	g->gathered = now;
	ztnet_send(ztnet_controller(n->nwid), ZT_VERB_MULTICAST_GATHER, pkt, len);
	for (unsigned i = 0; i < nr; i++)
		if (roots[i] != ztnet_controller(n->nwid))
			ztnet_send(roots[i], ZT_VERB_MULTICAST_GATHER, pkt, len);
}

static struct ztnet_group *ztnet_group(struct ztnet *n, const uint8_t mac[6], uint32_t adi,
				       bool create)
{
	struct ztnet_group *g, *oldest = NULL;

	for (int i = 0; i < ZTNET_GROUPS; i++) {
		g = &n->groups[i];
		if (g->used && g->adi == adi && !memcmp(g->mac, mac, 6))
			return g;
		if (!oldest || !g->used || (oldest->used && g->gathered < oldest->gathered))
			oldest = g;
	}
	if (!create)
		return NULL;
	free(oldest->pending);
	memset(oldest, 0, sizeof(*oldest));
	oldest->used = true;
	memcpy(oldest->mac, mac, 6);
	oldest->adi = adi;
	/* Seed it with the LIKEs peers sent us directly. */
	for (int i = 0; i < ZTNET_LIKES; i++)
		if (likes[i].t && likes[i].nwid == n->nwid && likes[i].adi == adi &&
		    !memcmp(likes[i].mac, mac, 6) && ztnode_time() - likes[i].t < ZTNET_LIKE_EXPIRE)
			ztnet_group_add(oldest, likes[i].addr);
	return oldest;
}

static void ztnet_group_add(struct ztnet_group *g, uint64_t addr)
{
	if (addr == ztnode_address())
		return;
	for (unsigned i = 0; i < g->n; i++)
		if (g->members[i] == addr)
			return;
	if (g->n < ZTNET_GROUP_MEMBERS)
		g->members[g->n++] = addr;
}

/* Send the Ethernet frame f[0..len) as MULTICAST_FRAME to the group's known members. */
static void ztnet_mc_send(struct ztnet *n, struct ztnet_group *g, const uint8_t *f, size_t len,
			  int64_t now)
{
	struct zt_packet_mcframe m;
	unsigned limit = (unsigned)n->nc->multicast_limit;
	uint8_t pkt[ZT_PACKET_MAX_LEN];
	int plen;

	memset(&m, 0, sizeof(m));
	m.nwid = n->nwid;
	if (memcmp(f + 6, n->mac, 6)) {
		m.flags |= ZT_PACKET_MCFRAME_FLAG_SOURCE;
		memcpy(m.src, f + 6, 6);
	}
	memcpy(m.dest, f, 6);
	m.adi = g->adi;
	m.ethertype = (uint16_t)zt_be_get(f + 12, 2);
	m.data.p = f + ZTNET_ETHER_HDR;
	m.data.len = len - ZTNET_ETHER_HDR;
	plen = zt_packet_encode_mcframe(&m, pkt, sizeof(pkt));
	if (plen < 0)
		return;
	for (unsigned i = 0; i < g->n && i < limit; i++) {
		/* The credentials go first (the membership gate). */
		ztnet_push_creds(n, g->members[i], now, false);
		ztnet_send(g->members[i], ZT_VERB_MULTICAST_FRAME, pkt, plen);
		n->counters[C_MCAST]++;
	}
}

static void ztnet_deliver(struct ztnet *n, const uint8_t dest[6], const uint8_t src[6], uint16_t et,
			  const uint8_t *data, size_t len);

/* The forged advertisements reach lwIP from the loop, not from inside its own output (as
 * ZeroTier hands them over from another thread). */
static void ztnet_ndp_flush(void *arg)
{
	struct ztnet *n = arg;
	unsigned k = n->ndp_n;

	n->ndp_n = 0;
	for (unsigned i = 0; i < k && n->netif_added; i++)
		ztnet_deliver(n, n->mac, n->ndp[i].mac, ZTNET_ETHERTYPE_IPV6, n->ndp[i].na,
			      ZT_NDP_NA_LEN);
}

/* NDP emulation (Switch::onLocalEthernet): a solicitation lwIP multicasts for another member's
 * rfc4193 or 6plane address is answered here with that member's MAC. True if answered. */
static bool ztnet_ndp(struct ztnet *n, const uint8_t *ip6, size_t len)
{
	const struct zt_inetaddr *mine;
	const uint8_t *target;
	uint64_t node;

	if (!(n->nc->flags & ZT_NETCONF_FLAG_ENABLE_IPV6_NDP_EMULATION) ||
	    zt_ndp_solicitation(ip6, len, &target) < 0)
		return false;
	node = zt_ndp_embedded(n->nwid, n->nc->static_ips, n->nc->n_static_ips, target, &mine);
	if (!node || node == ztnode_address())
		return false;
	if (n->ndp_n >= ZTNET_NDP_PENDING)
		return true; /* lwIP asks again */
	zt_netconf_mac(n->nwid, node, n->ndp[n->ndp_n].mac);
	zt_ndp_advert(n->ndp[n->ndp_n].na, target, mine->ip, n->ndp[n->ndp_n].mac);
	n->counters[C_NDP]++;
	if (!n->ndp_n++)
		sys_timeout(0, ztnet_ndp_flush, n);
	return true;
}

/*
 * lwIP counts only the /64 of its own address as on-link; a 6plane /40 holds every member's /80,
 * so lwIP would look for a router. The member's MAC follows from the address, as the forged
 * advertisement would give it: send there directly. Everything else goes through lwIP's NDP.
 */
static err_t ztnet_output6(struct netif *nif, struct pbuf *p, const ip6_addr_t *dst)
{
	struct ztnet *n = nif->state;
	const struct zt_inetaddr *mine;
	uint64_t node;
	struct eth_addr to;

	if (n->has_config && (n->nc->flags & ZT_NETCONF_FLAG_ENABLE_IPV6_NDP_EMULATION) &&
	    !ip6_addr_ismulticast(dst)) {
		node = zt_ndp_embedded(n->nwid, n->nc->static_ips, n->nc->n_static_ips,
				       (const uint8_t *)dst->addr, &mine);
		if (node && node != ztnode_address() && mine->port == ZT_INETADDR_6PLANE_BITS) {
			zt_netconf_mac(n->nwid, node, to.addr);
			return ethernet_output(nif, p, (const struct eth_addr *)nif->hwaddr, &to,
					       ETHTYPE_IPV6);
		}
	}
	return ethip6_output(nif, p, dst);
}

/* lwIP hands us an Ethernet frame for the network. */
static err_t ztnet_linkoutput(struct netif *nif, struct pbuf *p)
{
	struct ztnet *n = nif->state;
	int64_t now = ztnode_time();
	size_t len = p->tot_len;
	uint8_t frame[ZT_PACKET_MAX_LEN];
	uint16_t et;

	if (!n->has_config || n->status != NC_NET_OK || len < ZTNET_ETHER_HDR ||
	    len > ZTNET_ETHER_HDR + n->nc->mtu || len > sizeof(frame))
		return ERR_OK;
	pbuf_copy_partial(p, frame, (u16_t)len, 0);
	et = (uint16_t)zt_be_get(frame + 12, 2);
	n->counters[C_TX]++;
	if (frame[0] & 1) {
		struct ztnet_group *g;
		uint32_t adi = 0;

		if (!memcmp(frame, bcast, 6)) {
			if (et == ZTNET_ETHERTYPE_ARP && len >= ZTNET_ETHER_HDR + 28)
				adi = (uint32_t)zt_be_get(frame + ZTNET_ETHER_HDR + 24, 4);
			else if (!(n->nc->flags & ZT_NETCONF_FLAG_ENABLE_BROADCAST))
				return ERR_OK;
		}
		if (et == ZTNET_ETHERTYPE_IPV6 &&
		    ztnet_ndp(n, frame + ZTNET_ETHER_HDR, len - ZTNET_ETHER_HDR))
			return ERR_OK;
		if (!n->nc->multicast_limit)
			return ERR_OK;
		g = ztnet_group(n, frame, adi, true);
		ztnet_mc_send(n, g, frame, len, now);
		if (!g->n || now - g->gathered >= ZTNET_GATHER_AGE) {
			/* Keep the newest frame for whoever the gather finds. */
			uint8_t *c = malloc(len);

			if (c) {
				memcpy(c, frame, len);
				free(g->pending);
				g->pending = c;
				g->pending_len = len;
			}
			ztnet_gather(n, g, now);
		}
		return ERR_OK;
	}
	{
		struct zt_packet_frame f;
		uint64_t to = zt_netconf_mac_address(n->nwid, frame);
		uint8_t pkt[ZT_PACKET_MAX_LEN];
		int plen;

		if (!to || to == ztnode_address() || memcmp(frame + 6, n->mac, 6))
			return ERR_OK; /* not a member's MAC, or bridged (not supported) */
		ztnet_push_creds(n, to, now, false);
		f.nwid = n->nwid;
		f.ethertype = et;
		f.data.p = frame + ZTNET_ETHER_HDR;
		f.data.len = len - ZTNET_ETHER_HDR;
		plen = zt_packet_encode_frame(&f, pkt, sizeof(pkt));
		ztnet_send(to, ZT_VERB_FRAME, pkt, plen);
	}
	return ERR_OK;
}

static err_t ztnet_netif_init(struct netif *nif)
{
	struct ztnet *n = nif->state;

	nif->name[0] = 'z';
	nif->name[1] = 't';
	nif->hwaddr_len = 6;
	memcpy(nif->hwaddr, n->mac, 6);
	nif->mtu = (u16_t)n->nc->mtu;
	nif->mtu6 = (u16_t)n->nc->mtu;
	nif->output = etharp_output;
	nif->output_ip6 = ztnet_output6;
	nif->linkoutput = ztnet_linkoutput;
	nif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET |
		     NETIF_FLAG_IGMP | NETIF_FLAG_MLD6;
	return ERR_OK;
}

static void ztnet_netif_down(struct ztnet *n)
{
	stack_routes_remove(n);
	sys_untimeout(ztnet_ndp_flush, n);
	n->ndp_n = 0;
	if (!n->netif_added)
		return;
	netif_set_down(&n->netif);
	netif_remove(&n->netif);
	stack_netif_unregister(&n->netif);
	n->netif_added = false;
}

static void ztnet_route(struct nc_route *r, const struct zt_inetaddr *a)
{
	memset(r, 0, sizeof(*r));
	r->addr.family = (uint8_t)a->family;
	memcpy(r->addr.ip, a->ip, a->family == 4 ? 4 : 16);
	r->prefix = (uint8_t)a->port;
}

/* Give lwIP an interface with the config's addresses, and the intercept its routes. */
static void ztnet_netif_up(struct ztnet *n)
{
	const struct zt_netconf *nc = n->nc;
	bool v4 = false;

	ztnet_netif_down(n);
	memset(&n->netif, 0, sizeof(n->netif));
	if (!netif_add(&n->netif, NULL, NULL, NULL, n, ztnet_netif_init, ethernet_input)) {
		log_warn("network %016llx: lwIP refused the interface",
			 (unsigned long long)n->nwid);
		return;
	}
	n->netif_added = true;
	n->nmcast = 0;
	netif_set_igmp_mac_filter(&n->netif, ztnet_igmp_filter);
	netif_set_mld_mac_filter(&n->netif, ztnet_mld_filter);
	stack_netif_register(&n->netif);
	/* fe80:: from the MAC, as a kernel gives every Ethernet interface. */
	netif_create_ip6_linklocal_address(&n->netif, 1);
	netif_ip6_addr_set_state(&n->netif, 0, IP6_ADDR_PREFERRED);
	for (unsigned i = 0; i < nc->n_static_ips; i++) {
		const struct zt_inetaddr *a = &nc->static_ips[i];
		struct nc_route r;

		if (a->family == 4 && !v4) {
			ip4_addr_t ip, mask, gw;
			unsigned bits = a->port > 32 ? 32 : a->port;

			memcpy(&ip.addr, a->ip, 4);
			mask.addr = bits ? lwip_htonl(~0u << (32 - bits)) : 0;
			gw.addr = 0;
			netif_set_addr(&n->netif, &ip, &mask, &gw);
			v4 = true;
		} else if (a->family == 6) {
			ip6_addr_t ip6;
			s8_t idx;

			memset(&ip6, 0, sizeof(ip6));
			memcpy(ip6.addr, a->ip, 16);
			if (netif_add_ip6_address(&n->netif, &ip6, &idx) == ERR_OK)
				netif_ip6_addr_set_state(&n->netif, idx, IP6_ADDR_PREFERRED);
		} else {
			continue;
		}
		ztnet_route(&r, a);
		if (stack_route_add(&r, n, true) < 0)
			log_warn("network %016llx: route table full", (unsigned long long)n->nwid);
	}
	for (unsigned i = 0; i < nc->n_routes; i++) {
		struct nc_route r;

		if (!nc->routes[i].via.family)
			continue; /* on-link: the interface's own subnet */
		ztnet_route(&r, &nc->routes[i].target);
		stack_route_add(&r, n, false);
	}
	netif_set_up(&n->netif);
	netif_set_link_up(&n->netif);
	/* Neighbor solicitations for our IPv6 addresses go to their solicited-node groups: with
	 * MLD on, lwIP takes only the groups it joined. */
	for (int i = 0; i < LWIP_IPV6_NUM_ADDRESSES; i++) {
		ip6_addr_t sn;

		if (!ip6_addr_isvalid(netif_ip6_addr_state(&n->netif, i)))
			continue;
		ip6_addr_set_solicitednode(&sn, netif_ip6_addr(&n->netif, i)->addr[3]);
		ip6_addr_assign_zone(&sn, IP6_MULTICAST, &n->netif);
		mld6_joingroup_netif(&n->netif, &sn);
	}
}

/* The config's DNS settings (none if it has none) to HOME/resolv.conf. */
static void ztnet_dns(const struct ztnet *n)
{
	struct nc_addr sv[ZT_NETCONF_DNS_SERVERS];
	int k = 0;

	for (int i = 0; n->nc && i < ZT_NETCONF_DNS_SERVERS; i++) {
		const struct zt_inetaddr *a = &n->nc->dns_servers[i];

		if (a->family != 4 && a->family != 6)
			continue;
		memset(&sv[k], 0, sizeof(sv[k]));
		sv[k].family = (uint8_t)a->family;
		sv[k].port = a->port;
		memcpy(sv[k].ip, a->ip, a->family == 4 ? 4 : 16);
		k++;
	}
	resolv_network(n->nwid, n->nc ? n->nc->dns_domain : NULL, sv, k);
}

/* A whole config dictionary text[0..len): check it, keep it, use it. */
static int ztnet_apply(struct ztnet *n, const char *text, size_t len, bool save)
{
	struct zt_netconf *nc = malloc(sizeof(*nc));
	struct zt_dict d;
	int r;

	if (!nc)
		return -ENOMEM;
	zt_dict_view(&d, text, len);
	r = zt_netconf_from_dict(nc, &d);
	if (r < 0 || nc->nwid != n->nwid || nc->issued_to != ztnode_address()) {
		free(nc);
		return -EBADMSG;
	}
	if (nc->has_com) {
		struct zt_identity ctl;

		if (ztnode_peer_identity(ztnet_controller(n->nwid), &ctl) == 0 &&
		    zt_com_verify(&nc->com, &ctl) < 0) {
			log_warn("network %016llx: config with a bad certificate",
				 (unsigned long long)n->nwid);
			free(nc);
			return -EKEYREJECTED;
		}
	}
	if (save)
		ztnet_write(n->nwid, text, len);
	{
		bool changed =
		    !n->has_config || n->nc->n_static_ips != nc->n_static_ips ||
		    memcmp(n->nc->static_ips, nc->static_ips,
			   sizeof(nc->static_ips[0]) * nc->n_static_ips) ||
		    n->nc->mtu != nc->mtu || n->nc->n_routes != nc->n_routes ||
		    memcmp(n->nc->routes, nc->routes, sizeof(nc->routes[0]) * nc->n_routes) ||
		    !n->netif_added;

		free(n->nc);
		n->nc = nc;
		n->has_config = true;
		n->status = NC_NET_OK;
		n->com_len = 0;
		n->com_ts = 0;
		if (nc->has_com) {
			int cl = zt_com_serialize(&nc->com, n->com, sizeof(n->com));

			if (cl > 0) {
				n->com_len = (size_t)cl;
				n->com_ts = zt_com_timestamp(&nc->com);
			}
		}
		ztnet_dns(n);
		if (changed) {
			ztnet_netif_up(n);
			n->announce_now = true;
			log_info(
			    "network %016llx (%s): config revision %llu, %u address(es), MTU %u",
			    (unsigned long long)n->nwid, nc->name, (unsigned long long)nc->revision,
			    nc->n_static_ips, nc->mtu);
		}
	}
	return 0;
}

static struct ztnet *ztnet_new(uint64_t nwid)
{
	struct ztnet *n;
	int slot = -1;

	for (int i = 0; i < ZTNET_MAX && slot < 0; i++)
		if (!nets[i])
			slot = i;
	if (slot < 0)
		return NULL;
	n = calloc(1, sizeof(*n));
	if (!n)
		return NULL;
	n->as = malloc(sizeof(*n->as));
	if (!n->as) {
		free(n);
		return NULL;
	}
	zt_netconf_asm_init(n->as, nwid);
	n->nwid = nwid;
	n->status = NC_NET_REQUESTING;
	zt_netconf_mac(nwid, ztnode_address(), n->mac);
	nets[slot] = n;
	return n;
}

static void ztnet_free(struct ztnet *n)
{
	resolv_network(n->nwid, NULL, NULL, 0);
	ztnet_netif_down(n);
	for (int i = 0; i < ZTNET_GROUPS; i++)
		free(n->groups[i].pending);
	for (int i = 0; i < ZTNET_MAX; i++)
		if (nets[i] == n)
			nets[i] = NULL;
	free(n->nc);
	free(n->as);
	free(n);
}

/* ---- receiving ---- */

/* May frames from this peer reach lwIP? (Network::gate: public, or a COM that agrees.) */
static bool ztnet_gate(struct ztnet *n, uint64_t from)
{
	struct ztnet_member *m;
	struct zt_identity id;
	struct zt_com ours;

	if (!n->has_config || n->status != NC_NET_OK || !n->netif_added)
		return false;
	if (n->nc->type == ZT_NETCONF_TYPE_PUBLIC)
		return true;
	m = ztnet_member(n, from, false);
	if (!m || !m->com_ok || !n->nc->has_com)
		return false;
	if (m->revoked && (int64_t)zt_com_timestamp(&m->com) <= m->revoked_before)
		return false;
	ours = n->nc->com;
	if (ztnode_peer_identity(from, &id) < 0)
		return false;
	return zt_com_agrees(&ours, &m->com, &id);
}

/* A Revocation a peer passed us (the controller, or a member spreading it): once verified, the
 * target's COMs up to its threshold no longer open the gate. A new one marked for fast
 * propagation goes on to the members we know, as Network::addCredential does. */
static void ztnet_take_rev(uint64_t from, const uint8_t *p, size_t len, int64_t now)
{
	struct zt_packet_credentials c;
	struct zt_revocation rev;
	struct zt_identity ctl;
	struct ztnet_member *m;
	struct ztnet *n;
	uint8_t pkt[ZT_PACKET_MAX_LEN];
	int plen;

	if (zt_revocation_deserialize(&rev, p, len) < 0 || !(n = ztnet_find(rev.nwid)))
		return;
	if (ztnode_peer_identity(ztnet_controller(n->nwid), &ctl) < 0 ||
	    zt_revocation_verify(&rev, &ctl) < 0) {
		n->counters[C_DROP_BAD]++;
		return;
	}
	/* Membership::addCredential: revoking a capability, tag or COO also raises the COM
	 * threshold; other types are refused. */
	if (rev.type != ZT_CREDENTIAL_TYPE_COM && rev.type != ZT_CREDENTIAL_TYPE_CAPABILITY &&
	    rev.type != ZT_CREDENTIAL_TYPE_TAG && rev.type != ZT_CREDENTIAL_TYPE_COO) {
		n->counters[C_DROP_BAD]++;
		return;
	}
	if (rev.target == ztnode_address())
		return;
	m = ztnet_member(n, rev.target, true);
	if (m->revoked && rev.threshold <= m->revoked_before)
		return; /* nothing new */
	m->revoked = true;
	m->revoked_before = rev.threshold;
	log_info("network %016llx: %010llx revoked (credentials up to %lld), from %010llx",
		 (unsigned long long)n->nwid, (unsigned long long)rev.target,
		 (long long)rev.threshold, (unsigned long long)from);
	if (!(rev.flags & ZT_REVOCATION_FLAG_FAST_PROPAGATE))
		return;
	memset(&c, 0, sizeof(c));
	c.nrev = 1;
	c.rev[0].p = p;
	c.rev[0].len = len;
	plen = zt_packet_encode_credentials(&c, pkt, sizeof(pkt));
	for (unsigned i = 0; i < n->nmembers; i++) {
		uint64_t to = n->members[i].addr;

		if (n->members[i].com_ok && to != from && to != rev.target &&
		    to != ztnet_controller(n->nwid) && to != ztnode_address())
			ztnet_send(to, ZT_VERB_NETWORK_CREDENTIALS, pkt, plen);
	}
}

/* A COM a peer showed us (credentials or inline). */
static void ztnet_take_com(uint64_t from, const uint8_t *p, size_t len, int64_t now)
{
	struct zt_com com;
	struct zt_identity ctl;
	struct ztnet_member *m;
	struct ztnet *n;

	if (zt_com_deserialize(&com, p, len) < 0)
		return;
	n = ztnet_find(zt_com_network_id(&com));
	if (!n || zt_com_issued_to(&com) != from)
		return;
	if (ztnode_peer_identity(ztnet_controller(n->nwid), &ctl) < 0 ||
	    zt_com_verify(&com, &ctl) < 0) {
		n->counters[C_DROP_BAD]++;
		return;
	}
	m = ztnet_member(n, from, true);
	if (m->com_ok && zt_com_timestamp(&m->com) > zt_com_timestamp(&com))
		return; /* older than what we have */
	m->com = com;
	m->com_ok = true;
}

/* An Ethernet frame for lwIP: dest, src, ethertype, data. */
static void ztnet_deliver(struct ztnet *n, const uint8_t dest[6], const uint8_t src[6], uint16_t et,
			  const uint8_t *data, size_t len)
{
	struct pbuf *p;

	if (len > n->nc->mtu) {
		n->counters[C_DROP_BAD]++;
		return;
	}
	/* PBUF_RAM: PBUF_POOL is broken in Debian's lwIP (doc/design.md, "lwIP in the daemon"). */
	p = pbuf_alloc(PBUF_RAW, (u16_t)(ZTNET_ETHER_HDR + len), PBUF_RAM);
	if (!p)
		return;
	memcpy(p->payload, dest, 6);
	memcpy((uint8_t *)p->payload + 6, src, 6);
	zt_be_put((uint8_t *)p->payload + 12, et, 2);
	memcpy((uint8_t *)p->payload + ZTNET_ETHER_HDR, data, len);
	n->counters[C_RX]++;
	if (n->netif.input(p, &n->netif) != ERR_OK)
		pbuf_free(p);
}

/* Frame-carrying verbs from a peer that fails the gate: dropped, counted, and told (it may not
 * have pushed its COM yet). */
static void ztnet_refuse(struct ztnet *n, uint64_t from, uint64_t packet_id, unsigned verb)
{
	struct zt_packet_error e;
	uint8_t pkt[64];
	int len;

	n->counters[C_DROP_NOT_MEMBER]++;
	if (!n->has_config || n->status != NC_NET_OK)
		return;
	memset(&e, 0, sizeof(e));
	e.in_re_verb = (uint8_t)verb;
	e.in_re_id = packet_id;
	e.code = ZT_ERROR_NEED_MEMBERSHIP_CERTIFICATE;
	e.has_nwid = true;
	e.nwid = n->nwid;
	len = zt_packet_encode_error(&e, pkt, sizeof(pkt));
	ztnet_send(from, ZT_VERB_ERROR, pkt, len);
}

static void ztnet_config_chunk(struct ztnet *n, uint64_t from, const uint8_t *p, size_t len,
			       uint64_t *update_id)
{
	struct zt_identity ctl;
	int r;

	if (from != ztnet_controller(n->nwid) || ztnode_peer_identity(from, &ctl) < 0)
		return;
	r = zt_netconf_asm_add(n->as, &ctl, p, len);
	if (update_id)
		*update_id = n->as->update_id;
	if (r < 0) {
		log_debug("network %016llx: bad config chunk (%d)", (unsigned long long)n->nwid, r);
		n->counters[C_DROP_BAD]++;
		return;
	}
	if (r == 1) {
		r = ztnet_apply(n, (const char *)n->as->buf, n->as->total, true);
		if (r < 0)
			log_warn("network %016llx: config refused: %s", (unsigned long long)n->nwid,
				 strerror(-r));
		zt_netconf_asm_init(n->as, n->nwid);
	}
}

/* Answer a GATHER from the LIKEs we hold (as a root or controller), ourselves included. */
static void ztnet_answer_gather(uint64_t from, uint64_t packet_id, const uint8_t *p, size_t len,
				int64_t now)
{
	struct zt_packet_gather q;
	struct zt_packet_ok ok;
	uint8_t addrs[5 * ZTNET_GATHER_MAX], out[64 + sizeof(addrs)];
	unsigned count = 0, limit;

	if (zt_packet_decode_gather(&q, p, len) < 0)
		return;
	if (q.flags & ZT_PACKET_GATHER_FLAG_COM)
		ztnet_take_com(from, q.com.p, q.com.len, now);
	limit = q.limit > ZTNET_GATHER_MAX ? ZTNET_GATHER_MAX : q.limit;
	for (int i = 0; i < ZTNET_LIKES && count < limit; i++) {
		const struct ztnet_like *l = &likes[i];

		if (!l->t || now - l->t > ZTNET_LIKE_EXPIRE || l->nwid != q.nwid ||
		    l->adi != q.adi || memcmp(l->mac, q.mac, 6) || l->addr == from)
			continue;
		zt_be_put(addrs + 5 * count++, l->addr, 5);
	}
	memset(&ok, 0, sizeof(ok));
	ok.in_re_verb = ZT_VERB_MULTICAST_GATHER;
	ok.in_re_id = packet_id;
	ok.u.gather.nwid = q.nwid;
	memcpy(ok.u.gather.mac, q.mac, 6);
	ok.u.gather.adi = q.adi;
	ok.u.gather.total_known = count;
	ok.u.gather.count = (uint16_t)count;
	ok.u.gather.addrs.p = addrs;
	ok.u.gather.addrs.len = 5 * (size_t)count;
	ztnet_send(from, ZT_VERB_OK, out, zt_packet_encode_ok(&ok, out, sizeof(out)));
}

static void ztnet_like(uint64_t from, const uint8_t *p, size_t len, int64_t now)
{
	struct zt_packet_like l[64];
	int k = zt_packet_decode_multicast_like(l, 64, p, len);

	for (int i = 0; i < k; i++) {
		struct ztnet_like *slot = NULL, *oldest = &likes[0];
		struct ztnet *n = ztnet_find(l[i].nwid);

		for (int j = 0; j < ZTNET_LIKES && !slot; j++) {
			struct ztnet_like *e = &likes[j];

			if (e->t && e->nwid == l[i].nwid && e->addr == from && e->adi == l[i].adi &&
			    !memcmp(e->mac, l[i].mac, 6))
				slot = e;
			else if (e->t < oldest->t)
				oldest = e;
		}
		if (!slot)
			slot = oldest;
		slot->nwid = l[i].nwid;
		slot->addr = from;
		memcpy(slot->mac, l[i].mac, 6);
		slot->adi = l[i].adi;
		slot->t = now;
		if (n) {
			struct ztnet_group *g = ztnet_group(n, l[i].mac, l[i].adi, false);

			if (g)
				ztnet_group_add(g, from);
		}
	}
}

static void ztnet_ok(uint64_t from, const uint8_t *p, size_t len, int64_t now)
{
	struct zt_packet_ok ok;
	struct ztnet *n;

	if (zt_packet_decode_ok(&ok, p, len) < 0)
		return;
	if (ok.in_re_verb == ZT_VERB_NETWORK_CONFIG_REQUEST && len > 9 + 8) {
		n = ztnet_find(ok.u.config.nwid);
		if (n)
			ztnet_config_chunk(n, from, p + 9, len - 9, NULL);
	} else if (ok.in_re_verb == ZT_VERB_MULTICAST_GATHER) {
		const struct zt_packet_ok_gather *g = &ok.u.gather;
		struct ztnet_group *grp;

		n = ztnet_find(g->nwid);
		if (!n || !n->has_config)
			return;
		grp = ztnet_group(n, g->mac, g->adi, true);
		for (unsigned i = 0; i < g->count; i++)
			ztnet_group_add(grp, zt_be_get(g->addrs.p + 5 * i, 5));
		if (grp->pending && grp->n) {
			uint8_t *f = grp->pending;

			grp->pending = NULL;
			ztnet_mc_send(n, grp, f, grp->pending_len, now);
			free(f);
		}
	}
}

static void ztnet_error(uint64_t from, const uint8_t *p, size_t len, int64_t now)
{
	struct zt_packet_error e;
	struct ztnet *n;

	if (zt_packet_decode_error(&e, p, len) < 0 || !e.has_nwid)
		return;
	n = ztnet_find(e.nwid);
	if (!n)
		return;
	if (e.code == ZT_ERROR_NEED_MEMBERSHIP_CERTIFICATE) {
		ztnet_push_creds(n, from, now, true);
		return;
	}
	if (e.in_re_verb != ZT_VERB_NETWORK_CONFIG_REQUEST || from != ztnet_controller(n->nwid))
		return;
	if (e.code == ZT_ERROR_OBJ_NOT_FOUND || e.code == ZT_ERROR_NETWORK_ACCESS_DENIED) {
		uint8_t st =
		    e.code == ZT_ERROR_OBJ_NOT_FOUND ? NC_NET_NOT_FOUND : NC_NET_ACCESS_DENIED;

		if (n->status != st)
			log_info("network %016llx: %s", (unsigned long long)n->nwid,
				 st == NC_NET_NOT_FOUND ? "not found" : "access denied");
		n->status = st;
		/* Deauthorized: the addresses go at once (peers stop agreeing with our COM
		 * within ctmd anyway), and the network's DNS settings with them. */
		ztnet_netif_down(n);
		resolv_network(n->nwid, NULL, NULL, 0);
	}
}

/* FRAME, EXT_FRAME, MULTICAST_FRAME: a member's Ethernet frame for lwIP. Its source is the
 * sender's own MAC (no bridging); its destination is multicast, or us for EXT_FRAME (FRAME's is
 * us by definition). */
static void ztnet_frame(uint64_t from, uint64_t packet_id, const struct zt_packet_eth *e,
			int64_t now)
{
	struct ztnet *n = ztnet_find(e->nwid);
	uint8_t src[6];

	if (!n)
		return;
	if (e->com.len)
		ztnet_take_com(from, e->com.p, e->com.len, now);
	if (!ztnet_gate(n, from)) {
		ztnet_refuse(n, from, packet_id, e->verb);
		return;
	}
	zt_netconf_mac(n->nwid, from, src);
	if ((e->has_src && memcmp(e->src, src, 6)) ||
	    (e->has_dest && !(e->dest[0] & 1) &&
	     (e->verb != ZT_VERB_EXT_FRAME || memcmp(e->dest, n->mac, 6)))) {
		n->counters[C_DROP_BAD]++;
		return;
	}
	ztnet_deliver(n, e->has_dest ? e->dest : n->mac, src, e->ethertype, e->data.p, e->data.len);
}

void ztnet_input(uint64_t from, uint64_t packet_id, unsigned verb, const uint8_t *p, size_t len,
		 int64_t now)
{
	struct ztnet *n;

	switch (verb) {
	case ZT_VERB_FRAME:
	case ZT_VERB_EXT_FRAME:
	case ZT_VERB_MULTICAST_FRAME: {
		struct zt_packet_eth e;

		if (zt_packet_decode_eth(&e, verb, p, len) == 0)
			ztnet_frame(from, packet_id, &e, now);
		break;
	}
	case ZT_VERB_MULTICAST_LIKE:
		ztnet_like(from, p, len, now);
		break;
	case ZT_VERB_MULTICAST_GATHER:
		ztnet_answer_gather(from, packet_id, p, len, now);
		break;
	case ZT_VERB_NETWORK_CREDENTIALS: {
		struct zt_packet_credentials c;

		if (zt_packet_decode_credentials(&c, p, len) < 0)
			return;
		for (unsigned i = 0; i < c.ncom; i++)
			ztnet_take_com(from, c.com[i].p, c.com[i].len, now);
		for (unsigned i = 0; i < c.nrev; i++)
			ztnet_take_rev(from, c.rev[i].p, c.rev[i].len, now);
		break;
	}
	case ZT_VERB_NETWORK_CONFIG: {
		struct zt_packet_config_ack ack = {.in_re_id = packet_id};
		uint8_t out[ZT_PACKET_CONFIG_ACK_LEN];

		if (len < 8)
			return;
		ack.nwid = zt_be_get(p, 8);
		n = ztnet_find(ack.nwid);
		if (!n)
			return;
		ztnet_config_chunk(n, from, p, len, &ack.update_id);
		/* _doNETWORK_CONFIG: OK in re ECHO, with the network and update id. */
		if (from == ztnet_controller(ack.nwid))
			ztnet_send(from, ZT_VERB_OK, out,
				   zt_packet_encode_config_ack(&ack, out, sizeof(out)));
		break;
	}
	case ZT_VERB_OK:
		ztnet_ok(from, p, len, now);
		break;
	case ZT_VERB_ERROR:
		ztnet_error(from, p, len, now);
		break;
	default:
		break;
	}
}

/* How long until the config is asked for again. */
static int64_t ztnet_retry(const struct ztnet *n)
{
	switch (n->status) {
	case NC_NET_OK:
		return period;
	case NC_NET_REQUESTING:
		return ZTNET_REQUEST_RETRY;
	default:
		return period < ZTNET_DENIED_RETRY ? period : ZTNET_DENIED_RETRY;
	}
}

int64_t ztnet_tick(int64_t now)
{
	int64_t next = now + ZTNET_ANNOUNCE_PERIOD;

	for (int i = 0; i < ZTNET_MAX; i++) {
		struct ztnet *n = nets[i];
		int64_t due;

		if (!n)
			continue;
		due = n->last_request + ztnet_retry(n);
		if (now >= due) {
			ztnet_request(n, now);
			due = now + ztnet_retry(n);
		}
		if (due < next)
			next = due;
		if (n->has_config && n->status == NC_NET_OK &&
		    (n->announce_now || now - n->last_announce >= ZTNET_ANNOUNCE_PERIOD))
			ztnet_announce(n, now);
		if (n->last_announce + ZTNET_ANNOUNCE_PERIOD < next)
			next = n->last_announce + ZTNET_ANNOUNCE_PERIOD;
	}
	return next;
}

/* networks.d/NWID.conf: a joined network; its text is the config last received, or "\n" (as
 * ZeroTier writes on join) when none came yet. */
void ztnet_start(int64_t now)
{
	char *dir = file_path("%s/networks.d", ztnode_home());
	const char *env = getenv("NETCON_NETCONF_PERIOD_MS");
	struct dirent *de;
	DIR *d;

	if (env && atoll(env) >= 100)
		period = atoll(env);
	if (!dir)
		return;
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		log_warn("mkdir %s: %m", dir);
	d = opendir(dir);
	while (d && (de = readdir(d))) {
		char *end, *text = NULL, *path;
		uint64_t nwid;
		struct ztnet *n;
		ssize_t len;

		if (strlen(de->d_name) != 21 || strcmp(de->d_name + 16, ".conf"))
			continue;
		nwid = strtoull(de->d_name, &end, 16);
		if (end != de->d_name + 16 || !nwid || ztnet_find(nwid) || !(n = ztnet_new(nwid)))
			continue;
		path = file_path("%s/%s", dir, de->d_name);
		len = path ? file_read(path, ZT_NETCONF_MAX_DICT, 0, &text) : -ENOMEM;
		if (len > 1 && ztnet_apply(n, text, (size_t)len, false) == 0)
			log_info("network %016llx: config from %s", (unsigned long long)nwid, path);
		else
			log_info("network %016llx: joined, asking its controller",
				 (unsigned long long)nwid);
		free(text);
		free(path);
		n->last_request = now - period; /* ask at once */
	}
	if (d)
		closedir(d);
	free(dir);
}

void ztnet_stop(void)
{
	for (int i = 0; i < ZTNET_MAX; i++)
		if (nets[i])
			ztnet_free(nets[i]);
}

int ztnet_join(uint64_t nwid)
{
	struct ztnet *n;
	int r;

	if (!nwid || (nwid >> 24) == 0 || zt_identity_address_reserved(nwid >> 24))
		return -EINVAL;
	if (ztnet_find(nwid))
		return 0;
	r = ztnet_write(nwid, "\n", 1);
	if (r < 0)
		return r;
	n = ztnet_new(nwid);
	if (!n)
		return -ENOSPC;
	log_info("network %016llx: joined, asking controller %010llx", (unsigned long long)nwid,
		 (unsigned long long)ztnet_controller(nwid));
	ztnet_request(n, ztnode_time());
	return 0;
}

int ztnet_leave(uint64_t nwid)
{
	static const char *const suffixes[] = {".conf", ".local.conf"};
	struct ztnet *n = ztnet_find(nwid);

	if (!n)
		return -ENOENT;
	ztnet_free(n);
	for (unsigned i = 0; i < 2; i++) {
		char *path = ztnet_path(nwid, suffixes[i]);

		if (path)
			unlink(path);
		free(path);
	}
	log_info("network %016llx: left", (unsigned long long)nwid);
	return 0;
}

static void ztnet_addr(struct nc_addr *out, const struct zt_inetaddr *a)
{
	memset(out, 0, sizeof(*out));
	out->family = (uint8_t)a->family;
	memcpy(out->ip, a->ip, 16);
}

int ztnet_info(uint64_t index, struct nc_net_info *out)
{
	struct ztnet *n = NULL;
	uint64_t k = 0;

	for (int i = 0; i < ZTNET_MAX && !n; i++)
		if (nets[i] && k++ == index)
			n = nets[i];
	if (!n)
		return -ENOENT;
	out->nwid = n->nwid;
	memcpy(out->mac, n->mac, 6);
	out->status = n->status;
	out->mtu = ZT_NETCONF_DEFAULT_MTU;
	memcpy(out->counters, n->counters, sizeof(out->counters));
	if (!n->has_config)
		return 0;
	out->type = (uint8_t)n->nc->type;
	out->mtu = n->nc->mtu;
	out->flags = (n->nc->flags & ZT_NETCONF_FLAG_ENABLE_BROADCAST) ? 1 : 0;
	out->revision = n->nc->revision;
	snprintf(out->name, sizeof(out->name), "%s", n->nc->name);
	if (n->status == NC_NET_OK) {
		for (unsigned i = 0; i < n->nc->n_static_ips && out->naddrs < NC_NET_MAX_ADDRS;
		     i++) {
			ztnet_addr(&out->addrs[out->naddrs].addr, &n->nc->static_ips[i]);
			out->addrs[out->naddrs++].prefix = (uint8_t)n->nc->static_ips[i].port;
		}
	}
	for (unsigned i = 0; i < n->nc->n_routes && out->nroutes < NC_NET_MAX_ROUTES; i++) {
		struct nc_net_route *r = &out->routes[out->nroutes++];

		ztnet_addr(&r->target.addr, &n->nc->routes[i].target);
		r->target.prefix = (uint8_t)n->nc->routes[i].target.port;
		ztnet_addr(&r->via, &n->nc->routes[i].via);
		r->flags = n->nc->routes[i].flags;
		r->metric = n->nc->routes[i].metric;
	}
	return 0;
}
