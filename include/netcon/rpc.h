/* SPDX-License-Identifier: BSD-2-Clause */
/* The intercept <-> daemon control protocol (normative): fixed-size, versioned messages. */
#ifndef NETCON_RPC_H
#define NETCON_RPC_H

/*
 * Transport: a SOCK_SEQPACKET unix socket, "<NETCON_HOME>/control", one connection ("channel")
 * per process. Every request gets exactly one reply on the same channel, except NC_STATUS (a
 * series of messages ending with NC_STATUS_END). File descriptors travel in SCM_RIGHTS. The
 * daemon learns the caller from SO_PEERCRED and SCM_CREDENTIALS, never from the payload.
 *
 * A forked child never shares its parent's channel: it sends NC_CLONE with one end of a new
 * socketpair attached over the inherited channel, and the daemon answers on that new end, which
 * becomes the child's channel. That needs no filesystem access, so it works after chroot/setuid.
 *
 * The HELLO and CLONE replies carry the daemon's reset table (a read-only memfd of NC_RST_SLOTS
 * uint32_t, mapped shared by every process once). Each connection has a slot and a generation
 * (nc_sock_reply, nc_accept_msg); when the peer resets the connection the daemon stores
 * (generation | NC_RST_RESET) in its slot before closing its end of the socketpair, so the
 * intercept can turn the EOF the program then reads into ECONNRESET without a syscall. Slot 0
 * means none; a slot is reused with its generation bumped, as late as possible.
 *
 * Every message is exactly the size its type lists in NC_MSG_SIZES; anything else is refused.
 * Integers are host order (both ends are on one host); ports are host order too.
 *
 * Sockets belong to a `netcon run` tree: the outermost live `netcon run` the client that made
 * them descends from, inherited by NC_CLONE (a client outside any run: its channel and the
 * channels cloned from it). A request that names a socket (.sockid of SETOPT, GETERR, MCAST, and
 * of LISTEN and CONNECT when not 0) is carried out only if the socket exists, belongs to the
 * caller's tree, and is of a kind the request takes; otherwise nothing changes and the reply
 * says why: -EBADF for an id never issued, closed, or of another tree (the same answer for all
 * three); a wrong kind as Linux answers it: LISTEN on UDP -EOPNOTSUPP, on a listening or
 * connected TCP socket -EINVAL; CONNECT (TCP) on a UDP socket -EINVAL, on a listening or
 * connected TCP socket -EISCONN; CONNECT (UDP) on a TCP socket -EINVAL, on a connected UDP
 * socket -EISCONN; MCAST on TCP -ENOPROTOOPT. Root and the daemon's own user outside any run
 * may name every socket. LOOKUP names an inode, not a socket, and is answered for any.
 *
 * Bounds per client: a tree's sockets (-EMFILE beyond, and incoming connections refused), its
 * channels (a CLONE beyond is not answered), the bytes of answers a channel has not read and
 * the descriptors in them (-ENOBUFS beyond, the request not carried out). A channel whose
 * answers fill the daemon's socket buffer is closed: the daemon never waits for a client.
 */

#include <stdint.h>

#define NC_RPC_MAGIC 0x4e43 /* "NC" */
#define NC_RPC_VERSION 2
#define NC_MAX_ROUTES 16
#define NC_CONTROL_NAME "control"
#define NC_RST_SLOTS (1u << 20)
#define NC_RST_RESET 0x80000000u
#define NC_RST_GEN_MASK 0x7fffffffu

enum nc_msg_type {
	NC_HELLO = 1, /* req: nc_hdr; reply: nc_hello_reply + fd (reset table) */
	NC_CLONE, /* req: nc_hdr + fd (new channel); reply nc_hello_reply + fd on the new channel */
	NC_RUN_REGISTER, /* req: nc_hdr (from `netcon run`); reply: nc_hdr */
	NC_BIND, /* req: nc_sock_req; reply: nc_sock_reply + fd (placeholder end) */
	NC_LISTEN, /* req: nc_sock_req; reply: nc_sock_reply + fd (SEQPACKET listener end) */
	NC_CONNECT, /* req: nc_sock_req; reply: nc_sock_reply + fd (STREAM end, filled) */
	NC_SETOPT, /* req: nc_opt_req; reply: nc_hdr */
	NC_GETERR, /* req: nc_sock_req (sockid); reply: nc_sock_reply (.error, consumed) */
	NC_LOOKUP, /* req: nc_sock_req (ino); reply: nc_sock_reply */
	NC_STATUS, /* req: nc_sock_req (.sockid = cursor); replies: nc_info, nc_status_entry..., nc_hdr(STATUS_END) */
	NC_STATUS_END, /* end of a status listing */
	NC_INFO, /* the daemon's identity and addresses (first reply of NC_STATUS); h.reserved: NC_INFO_LOG_FILE */
	NC_STATUS_ENTRY, /* one socket */
	NC_ACCEPT, /* daemon -> listening end: a new connection, its fd attached */
	NC_ZT_INFO, /* req: nc_hdr; reply: nc_zt_info (the ZeroTier node) */
	NC_ZT_PEER, /* req: nc_zt_req (.id = index from 0); reply: nc_zt_peer, -ENOENT past the last */
	NC_ZT_SEND, /* req: nc_zt_send_req (ECHO or USER_MESSAGE); reply: nc_zt_req (.id = packet ID) */
	NC_ZT_RESULT, /* req: nc_zt_req (.id of an ECHO); reply: nc_zt_msg, -EAGAIN while none */
	NC_ZT_INBOX, /* req: nc_zt_req (.id = cursor); reply: nc_zt_msg (first with seq >= cursor) or -ENOENT */
	NC_NET_JOIN, /* req: nc_zt_req (.id = network id); reply: nc_hdr */
	NC_NET_LEAVE, /* req: nc_zt_req (.id = network id); reply: nc_hdr, -ENOENT if not joined */
	NC_NET_LIST, /* req: nc_zt_req (.id = index from 0); reply: nc_net_info, -ENOENT past the last */
	/* The NC_CTL_* replies that name a network: -EREMOTE when this node is not its controller
	 * (the id's first 10 digits), -ENOENT when there is no such network, -ESRCH when .address
	 * is not a member of it (deauthorizing one is refused, not recorded); -ENOTCONN when the
	 * controller role is not running, -EPERM for callers other than the daemon's user and root. */
	NC_CTL_NET_CREATE, /* req: nc_ctl_net (.nwid 0: a new id); reply: nc_ctl_net */
	NC_CTL_NET_GET, /* req: nc_ctl_req (.nwid, or .nwid 0 and .index); reply: nc_ctl_net, -ENOENT */
	NC_CTL_NET_DELETE, /* req: nc_ctl_req (.nwid); reply: nc_hdr */
	NC_CTL_MEMBER_GET, /* req: nc_ctl_req (.nwid, .address or .index); reply: nc_ctl_member */
	NC_CTL_MEMBER_SET, /* req: nc_ctl_member (authorize/deauthorize, ips); reply: nc_ctl_member */
	NC_CTL_NET_SET, /* req: nc_ctl_net (.nwid, .change says what); reply: nc_ctl_net */
	NC_MCAST, /* req: nc_mcast_req (a UDP socket's group or multicast option); reply: nc_hdr */
	NC_MSG_TYPE_MAX,
};

struct nc_hdr {
	uint16_t magic;
	uint8_t version;
	uint8_t type;
	uint32_t seq; /* echoed in the reply */
	int32_t status; /* replies: 0 or -errno */
	uint32_t reserved;
};
_Static_assert(sizeof(struct nc_hdr) == 16, "nc_hdr size");

struct nc_addr {
	uint8_t family; /* 0 none, 4 IPv4, 6 IPv6 */
	uint8_t pad;
	uint16_t port;
	uint32_t scope;
	uint8_t ip[16]; /* IPv4 in the first 4 bytes */
};
_Static_assert(sizeof(struct nc_addr) == 24, "nc_addr size");

struct nc_route {
	struct nc_addr addr;
	uint8_t prefix;
	uint8_t pad[7];
};
_Static_assert(sizeof(struct nc_route) == 32, "nc_route size");

struct nc_hello_reply {
	struct nc_hdr h;
	uint32_t nroutes;
	uint32_t flags;
	struct nc_route routes[NC_MAX_ROUTES];
};
_Static_assert(sizeof(struct nc_hello_reply) == 24 + 32 * NC_MAX_ROUTES, "hello size");

/* Socket options recorded by the intercept and carried to the daemon. */
enum nc_opt_flag {
	NC_OPT_REUSEADDR = 1 << 0,
	NC_OPT_REUSEPORT = 1 << 1,
	NC_OPT_KEEPALIVE = 1 << 2,
	NC_OPT_NODELAY = 1 << 3,
	NC_OPT_LINGER = 1 << 4,
	NC_OPT_V6ONLY = 1 << 5,
	NC_OPT_NONBLOCK = 1 << 6, /* the program's socket is non-blocking (connect semantics) */
	NC_OPT_BROADCAST = 1 << 7, /* UDP: SO_BROADCAST */
};

struct nc_opts {
	uint32_t flags;
	int32_t keepidle; /* seconds, 0 = default */
	int32_t keepintvl;
	int32_t keepcnt;
	int32_t linger; /* seconds, with NC_OPT_LINGER */
	int32_t user_timeout; /* TCP_USER_TIMEOUT, ms, 0 = none */
	int32_t rcvbuf;
	int32_t sndbuf;
};
_Static_assert(sizeof(struct nc_opts) == 32, "nc_opts size");

struct nc_sock_req {
	struct nc_hdr h;
	uint64_t sockid; /* the daemon's id of a bound socket, or 0 */
	uint64_t ino; /* NC_LOOKUP: inode of the fd in question */
	struct nc_addr addr; /* BIND: local; CONNECT: remote; LISTEN: local if sockid is 0 */
	int32_t backlog;
	uint8_t family; /* the program's socket family: 4 or 6 */
	uint8_t proto; /* 6 TCP */
	uint8_t pad[2];
	struct nc_opts opts;
};
_Static_assert(sizeof(struct nc_sock_req) == 96, "nc_sock_req size");

enum nc_sock_state {
	NC_ST_BOUND = 1,
	NC_ST_LISTEN,
	NC_ST_CONNECTING,
	NC_ST_CONNECTED,
	NC_ST_CLOSING,
	NC_ST_FAILED,
	NC_ST_RESET,
};

struct nc_sock_reply {
	struct nc_hdr h;
	uint64_t sockid;
	uint64_t ino; /* inode of the program's end */
	struct nc_addr local;
	struct nc_addr peer;
	int32_t error; /* GETERR: pending socket error (positive errno), consumed */
	uint8_t state; /* enum nc_sock_state */
	uint8_t family;
	uint8_t proto;
	uint8_t pad;
	struct nc_opts opts;
	uint32_t rst_slot; /* connections: the reset table slot, 0 = none */
	uint32_t rst_gen;
};
_Static_assert(sizeof(struct nc_sock_reply) == 128, "nc_sock_reply size");

struct nc_opt_req {
	struct nc_hdr h;
	uint64_t sockid;
	struct nc_opts opts; /* the whole recorded set, applied at once */
};
_Static_assert(sizeof(struct nc_opt_req) == 56, "nc_opt_req size");

/* Sent on a listening socket's SEQPACKET pair, one per connection, the connection's fd attached. */
struct nc_accept_msg {
	struct nc_hdr h;
	uint64_t sockid;
	uint64_t ino;
	struct nc_addr local;
	struct nc_addr peer;
	uint32_t rst_slot;
	uint32_t rst_gen;
};
_Static_assert(sizeof(struct nc_accept_msg) == 88, "nc_accept_msg size");

/*
 * UDP: a virtual datagram socket is a SOCK_SEQPACKET socketpair end (records keep datagram
 * boundaries; a close is seen). A connected one carries bare
 * datagrams; an unconnected one carries each datagram behind this header, both ways: the
 * destination when the program sends, the source when it receives. The intercept's
 * sendto/recvfrom family adds and strips it with an iovec, so nothing is copied.
 */
#define NC_PROTO_TCP 6
#define NC_PROTO_UDP 17

struct nc_dgram_hdr {
	uint32_t magic; /* NC_DGRAM_MAGIC */
	uint32_t reserved;
	struct nc_addr addr;
};
_Static_assert(sizeof(struct nc_dgram_hdr) == 32, "nc_dgram_hdr size");
#define NC_DGRAM_MAGIC 0x4e434447u /* "NCDG" */
/*
 * A virtual interface's index as programs see it (scope ids, IP_MULTICAST_IF, if_nametoindex):
 * NC_IFINDEX_BASE + lwIP's index, well above the kernel's, so the two never meet.
 */
#define NC_IFINDEX_BASE 0x4e430000u
#define NC_IFINDEX_MAX (NC_IFINDEX_BASE + 255u)

/* NC_MCAST: join or leave a group, or set the multicast sending options of a UDP socket. */
enum nc_mcast_op {
	/* .group on .ifaddr (an address of ours) or .ifindex; neither: the default interface */
	NC_MC_JOIN = 1,
	NC_MC_LEAVE,
	NC_MC_TX, /* .ttl, .loop and the sending interface (.ifaddr / .ifindex) */
};

struct nc_mcast_req {
	struct nc_hdr h;
	uint64_t sockid;
	struct nc_addr group;
	struct nc_addr ifaddr; /* family 0: none */
	uint32_t ifindex; /* 0: none */
	uint8_t op; /* enum nc_mcast_op */
	uint8_t ttl;
	uint8_t loop;
	uint8_t pad;
};
_Static_assert(sizeof(struct nc_mcast_req) == 80, "nc_mcast_req size");

/* The largest UDP payload (IPv4: 65535 - 20 - 8). */
#define NC_DGRAM_MAX 65507

/* nc_info.h.reserved: the daemon logs to HOME/netcon.log (in the background), else to stderr. */
#define NC_INFO_LOG_FILE 1u

struct nc_info {
	struct nc_hdr h;
	int32_t pid;
	uint32_t nroutes;
	uint64_t sockets;
	uint64_t clients;
	char version[16];
	struct nc_route routes[NC_MAX_ROUTES];
};
_Static_assert(sizeof(struct nc_info) == 56 + 32 * NC_MAX_ROUTES, "nc_info size");

struct nc_status_entry {
	struct nc_hdr h;
	uint64_t sockid;
	struct nc_addr local;
	struct nc_addr peer;
	int32_t pid;
	uint8_t state;
	uint8_t proto;
	uint8_t pad[2];
	uint64_t bytes_in; /* from the network to the program */
	uint64_t bytes_out; /* from the program to the network */
};
_Static_assert(sizeof(struct nc_status_entry) == 96, "nc_status_entry size");

/* The ZeroTier node (NC_ZT_*). Addresses are the 40-bit ZeroTier address in a uint64_t. */
#define NC_ZT_MAX_PATHS 8
#define NC_ZT_DATA_MAX 256
#define NC_ZT_IDENTITY_LEN 144

/* Counters of nc_zt_info, in this order (their JSON names). */
#define NC_ZT_COUNTER_NAMES                                                                        \
	{                                                                                          \
		"rxDatagrams", "txDatagrams", "rxPackets", "dropShort", "dropMalformed",           \
		    "dropMac", "dropUnknownPeer", "dropHello", "dropRateLimited", "dropRelay",     \
		    "relayed", "identityValidations", "whoisSent", "whoisAnswered",                \
		    "rendezvousSent", "rendezvousReceived", "pushPathsSent", "unknownVerb",        \
		    "txErrors", "rxTruncated",                                                     \
	}
#define NC_ZT_COUNTERS 20

enum nc_zt_flag {
	NC_ZT_ONLINE = 1 << 0,
	NC_ZT_ROOT = 1 << 1, /* this node is a root of its planet */
};

struct nc_zt_info {
	struct nc_hdr h;
	uint64_t address;
	uint32_t flags; /* enum nc_zt_flag */
	uint32_t npeers;
	uint16_t port; /* the UDP port we listen on */
	uint8_t version_major, version_minor, version_rev, proto;
	uint8_t pad[2];
	uint64_t planet_id;
	uint64_t planet_ts;
	struct nc_addr surface; /* our address as a root sees it; family 0 if none */
	uint64_t counters[NC_ZT_COUNTERS];
	char identity[NC_ZT_IDENTITY_LEN]; /* public identity, text, NUL-terminated */
};
_Static_assert(sizeof(struct nc_zt_info) == 224 + 8 * NC_ZT_COUNTERS, "nc_zt_info size");

struct nc_zt_path {
	struct nc_addr addr;
	int64_t last_send; /* ms since the epoch */
	int64_t last_receive;
	uint32_t flags; /* 1 expired, 2 preferred */
	uint32_t pad;
};
_Static_assert(sizeof(struct nc_zt_path) == 48, "nc_zt_path size");

enum nc_zt_role { NC_ZT_LEAF = 0, NC_ZT_MOON = 1, NC_ZT_PLANET = 2 };

struct nc_zt_peer {
	struct nc_hdr h;
	uint64_t address;
	int32_t role; /* enum nc_zt_role */
	int32_t proto, major, minor, rev, latency; /* -1 unknown */
	int64_t last_receive;
	uint64_t relay; /* the root that relays to it when relayed, else 0 */
	uint32_t relayed; /* 1: no alive direct path */
	uint32_t npaths;
	struct nc_zt_path paths[NC_ZT_MAX_PATHS];
};
_Static_assert(sizeof(struct nc_zt_peer) == 72 + 48 * NC_ZT_MAX_PATHS, "nc_zt_peer size");

struct nc_zt_req {
	struct nc_hdr h;
	uint64_t id;
};
_Static_assert(sizeof(struct nc_zt_req) == 24, "nc_zt_req size");

enum nc_zt_kind { NC_ZT_ECHO = 1, NC_ZT_USER_MESSAGE = 2 };

struct nc_zt_send_req {
	struct nc_hdr h;
	uint64_t dest;
	uint64_t type; /* USER_MESSAGE type */
	uint8_t kind; /* enum nc_zt_kind */
	uint8_t pad[3];
	uint32_t len;
	uint8_t data[NC_ZT_DATA_MAX];
};
_Static_assert(sizeof(struct nc_zt_send_req) == 40 + NC_ZT_DATA_MAX, "nc_zt_send_req size");

struct nc_zt_msg {
	struct nc_hdr h;
	uint64_t id; /* RESULT: the ECHO's packet ID; INBOX: the message's sequence number */
	uint64_t from;
	uint64_t type; /* USER_MESSAGE type */
	int32_t rtt; /* ECHO round trip, ms */
	uint8_t kind; /* enum nc_zt_kind */
	uint8_t hops; /* 0: direct; more: relayed */
	uint8_t pad[2];
	uint32_t len;
	uint32_t pad2;
	uint8_t data[NC_ZT_DATA_MAX];
};
_Static_assert(sizeof(struct nc_zt_msg) == 56 + NC_ZT_DATA_MAX, "nc_zt_msg size");

/* A joined network (NC_NET_LIST), as `zerotier-cli listnetworks` shows it. */
enum nc_net_status {
	NC_NET_REQUESTING = 0, /* REQUESTING_CONFIGURATION */
	NC_NET_OK = 1,
	NC_NET_ACCESS_DENIED = 2,
	NC_NET_NOT_FOUND = 3,
};
#define NC_NET_MAX_ADDRS 8
#define NC_NET_MAX_ROUTES 8
#define NC_NET_NAME_LEN 128
#define NC_NET_COUNTERS 7
#define NC_NET_COUNTER_NAMES                                                                       \
	{                                                                                          \
		"rxFrames", "txFrames", "dropNotMember", "dropBad", "credentialsPushed",           \
		    "multicastSent", "ndpEmulated",                                                \
	}

struct nc_net_route {
	struct nc_route target; /* addr + prefix */
	struct nc_addr via; /* family 0: on-link */
	uint16_t flags, metric;
	uint32_t pad;
};
_Static_assert(sizeof(struct nc_net_route) == 64, "nc_net_route size");

struct nc_net_info {
	struct nc_hdr h;
	uint64_t nwid;
	uint8_t mac[6];
	uint8_t status; /* enum nc_net_status */
	uint8_t type; /* 0 private, 1 public */
	uint32_t mtu;
	uint32_t flags; /* 1 broadcast enabled */
	uint64_t revision; /* netconfRevision */
	uint32_t naddrs, nroutes;
	char name[NC_NET_NAME_LEN];
	struct nc_route addrs[NC_NET_MAX_ADDRS]; /* assigned, addr + prefix */
	struct nc_net_route routes[NC_NET_MAX_ROUTES];
	uint64_t counters[NC_NET_COUNTERS];
};
_Static_assert(sizeof(struct nc_net_info) ==
		   184 + 32 * NC_NET_MAX_ADDRS + 64 * NC_NET_MAX_ROUTES + 8 * NC_NET_COUNTERS,
	       "nc_net_info size");

/* The controller role (NC_CTL_*): only the daemon's own user and root may use them (-EPERM). */
#define NC_CTL_MAX_POOLS 16
#define NC_CTL_MAX_POOLS6 2 /* IPv6 pools: what NC_MSG_MAX leaves room for */
#define NC_CTL_MAX_ROUTES 8
#define NC_CTL_MAX_IPS 8
#define NC_CTL_MAX_TAGS 8 /* ZT_CONTROLLER_MAX_TAGS */
#define NC_CTL_MAX_CAPS 8 /* ZT_CONTROLLER_MAX_CAPS */
#define NC_CTL_NAME_LEN 128
#define NC_CTL_MAX_DNS 4 /* ZT_MAX_DNS_SERVERS */
#define NC_CTL_DNS_DOMAIN_LEN 128 /* the config's DNS search domain, NUL included */

enum nc_ctl_net_flag {
	NC_CTL_PRIVATE = 1 << 0,
	NC_CTL_BROADCAST = 1 << 1,
	NC_CTL_V4_AUTO = 1 << 2, /* v4AssignMode.zt: assign from the pools */
	NC_CTL_DNS = 1 << 3, /* the network has DNS settings (dns_domain, dns[0..ndns)) */
	NC_CTL_V6_ZT = 1 << 4, /* v6AssignMode.zt: assign from the IPv6 pools */
	NC_CTL_V6_RFC4193 = 1 << 5, /* v6AssignMode.rfc4193 */
	NC_CTL_V6_6PLANE = 1 << 6, /* v6AssignMode.6plane */
};

/* What an NC_CTL_NET_SET changes (the other fields of the request are ignored). */
enum nc_ctl_net_change {
	NC_CTL_CHANGE_NAME = 1 << 0,
	NC_CTL_CHANGE_MTU = 1 << 1,
	NC_CTL_CHANGE_DNS = 1 << 2, /* with NC_CTL_DNS in flags: set; without: none */
	NC_CTL_CHANGE_V6 = 1 << 3, /* v6AssignMode from the NC_CTL_V6_* flags */
	NC_CTL_CHANGE_POOLS = 1 << 4, /* pools[0..npools), pools6[0..npools6) */
	NC_CTL_CHANGE_ROUTES = 1 << 5, /* routes[0..nroutes) */
	NC_CTL_CHANGE_PRIVATE = 1 << 6, /* NC_CTL_PRIVATE in flags */
	NC_CTL_CHANGE_BROADCAST = 1 << 7, /* NC_CTL_BROADCAST in flags */
	NC_CTL_CHANGE_V4 = 1 << 8, /* NC_CTL_V4_AUTO in flags */
	NC_CTL_CHANGE_MCAST = 1 << 9, /* multicast_limit */
};

struct nc_ctl_pool {
	uint32_t first, last; /* IPv4, host order */
};
_Static_assert(sizeof(struct nc_ctl_pool) == 8, "nc_ctl_pool size");

struct nc_ctl_pool6 {
	uint8_t first[16], last[16]; /* IPv6, network order */
};
_Static_assert(sizeof(struct nc_ctl_pool6) == 32, "nc_ctl_pool6 size");

struct nc_ctl_route {
	struct nc_addr target; /* .port = netmask bits */
	struct nc_addr via; /* family 0: on-link */
};
_Static_assert(sizeof(struct nc_ctl_route) == 48, "nc_ctl_route size");

struct nc_ctl_net {
	struct nc_hdr h;
	uint64_t nwid;
	uint32_t flags; /* enum nc_ctl_net_flag */
	uint32_t mtu;
	uint32_t multicast_limit;
	uint32_t npools, nroutes;
	uint32_t nmembers, nauthorized; /* replies */
	uint32_t pad;
	uint64_t revision;
	int64_t creation_time;
	char name[NC_CTL_NAME_LEN];
	struct nc_ctl_pool pools[NC_CTL_MAX_POOLS];
	struct nc_ctl_route routes[NC_CTL_MAX_ROUTES];
	uint32_t change; /* NC_CTL_NET_SET: enum nc_ctl_net_change */
	uint32_t ndns;
	char dns_domain[NC_CTL_DNS_DOMAIN_LEN];
	struct nc_addr dns[NC_CTL_MAX_DNS]; /* .port 0: the default (53) */
	uint32_t npools6;
	uint32_t pad2;
	struct nc_ctl_pool6 pools6[NC_CTL_MAX_POOLS6];
};
_Static_assert(sizeof(struct nc_ctl_net) == 88 + NC_CTL_NAME_LEN + 8 * NC_CTL_MAX_POOLS +
						48 * NC_CTL_MAX_ROUTES + NC_CTL_DNS_DOMAIN_LEN +
						24 * NC_CTL_MAX_DNS + 32 * NC_CTL_MAX_POOLS6,
	       "nc_ctl_net size");

struct nc_ctl_req {
	struct nc_hdr h;
	uint64_t nwid;
	uint64_t index; /* the index-th from 0, when .address is 0 */
	uint64_t address;
};
_Static_assert(sizeof(struct nc_ctl_req) == 40, "nc_ctl_req size");

enum nc_ctl_member_flag {
	NC_CTL_AUTHORIZED = 1 << 0,
	NC_CTL_SET_IPS = 1 << 1, /* request: replace ipAssignments with ips[0..nips) */
	NC_CTL_HAS_IDENTITY = 1 << 2,
	NC_CTL_ACTIVE_BRIDGE = 1 << 3,
	NC_CTL_NO_AUTO_IPS = 1 << 4, /* noAutoAssignIps */
	NC_CTL_SET_BRIDGE = 1 << 5, /* request: activeBridge from NC_CTL_ACTIVE_BRIDGE */
	NC_CTL_SET_NO_AUTO = 1 << 6, /* request: noAutoAssignIps from NC_CTL_NO_AUTO_IPS */
	NC_CTL_SET_TAGS = 1 << 7, /* request: replace tags with tags[0..ntags) */
	NC_CTL_SET_CAPS = 1 << 8, /* request: replace capabilities with caps[0..ncaps) */
};

struct nc_ctl_member {
	struct nc_hdr h;
	uint64_t nwid;
	uint64_t address;
	uint32_t flags; /* enum nc_ctl_member_flag */
	uint32_t nips;
	uint64_t revision;
	int64_t creation_time, last_request, last_authorized, last_deauthorized; /* ms, 0 none */
	int32_t vmajor, vminor, vrev, vproto; /* -1 unknown */
	struct nc_addr ips[NC_CTL_MAX_IPS];
	uint32_t ntags, ncaps; /* kept as given: netcon issues no tag or capability credentials */
	uint32_t tags[NC_CTL_MAX_TAGS][2]; /* [id, value] */
	uint32_t caps[NC_CTL_MAX_CAPS];
};
_Static_assert(sizeof(struct nc_ctl_member) ==
		   104 + 24 * NC_CTL_MAX_IPS + 8 * NC_CTL_MAX_TAGS + 4 * NC_CTL_MAX_CAPS,
	       "nc_ctl_member size");

/* Largest message either side sends: receive buffers are this big. */
#define NC_MSG_MAX 1024
_Static_assert(sizeof(struct nc_ctl_net) <= NC_MSG_MAX, "nc_ctl_net fits NC_MSG_MAX");

/* What each type's request and reply sizes are; 0 = not valid in that direction. */
struct nc_msg_size {
	uint16_t req;
	uint16_t reply;
};

#define NC_MSG_SIZES                                                                               \
	{                                                                                          \
		[NC_HELLO] = {sizeof(struct nc_hdr), sizeof(struct nc_hello_reply)},               \
		[NC_CLONE] = {sizeof(struct nc_hdr), sizeof(struct nc_hello_reply)},               \
		[NC_RUN_REGISTER] = {sizeof(struct nc_hdr), sizeof(struct nc_hdr)},                \
		[NC_BIND] = {sizeof(struct nc_sock_req), sizeof(struct nc_sock_reply)},            \
		[NC_LISTEN] = {sizeof(struct nc_sock_req), sizeof(struct nc_sock_reply)},          \
		[NC_CONNECT] = {sizeof(struct nc_sock_req), sizeof(struct nc_sock_reply)},         \
		[NC_SETOPT] = {sizeof(struct nc_opt_req), sizeof(struct nc_hdr)},                  \
		[NC_GETERR] = {sizeof(struct nc_sock_req), sizeof(struct nc_sock_reply)},          \
		[NC_LOOKUP] = {sizeof(struct nc_sock_req), sizeof(struct nc_sock_reply)},          \
		[NC_STATUS] = {sizeof(struct nc_sock_req), 0},                                     \
		[NC_STATUS_END] = {0, sizeof(struct nc_hdr)},                                      \
		[NC_INFO] = {0, sizeof(struct nc_info)},                                           \
		[NC_STATUS_ENTRY] = {0, sizeof(struct nc_status_entry)},                           \
		[NC_ACCEPT] = {0, sizeof(struct nc_accept_msg)},                                   \
		[NC_ZT_INFO] = {sizeof(struct nc_hdr), sizeof(struct nc_zt_info)},                 \
		[NC_ZT_PEER] = {sizeof(struct nc_zt_req), sizeof(struct nc_zt_peer)},              \
		[NC_ZT_SEND] = {sizeof(struct nc_zt_send_req), sizeof(struct nc_zt_req)},          \
		[NC_ZT_RESULT] = {sizeof(struct nc_zt_req), sizeof(struct nc_zt_msg)},             \
		[NC_ZT_INBOX] = {sizeof(struct nc_zt_req), sizeof(struct nc_zt_msg)},              \
		[NC_NET_JOIN] = {sizeof(struct nc_zt_req), sizeof(struct nc_hdr)},                 \
		[NC_NET_LEAVE] = {sizeof(struct nc_zt_req), sizeof(struct nc_hdr)},                \
		[NC_NET_LIST] = {sizeof(struct nc_zt_req), sizeof(struct nc_net_info)},            \
		[NC_CTL_NET_CREATE] = {sizeof(struct nc_ctl_net), sizeof(struct nc_ctl_net)},      \
		[NC_CTL_NET_GET] = {sizeof(struct nc_ctl_req), sizeof(struct nc_ctl_net)},         \
		[NC_CTL_NET_DELETE] = {sizeof(struct nc_ctl_req), sizeof(struct nc_hdr)},          \
		[NC_CTL_MEMBER_GET] = {sizeof(struct nc_ctl_req), sizeof(struct nc_ctl_member)},   \
		[NC_CTL_MEMBER_SET] = {sizeof(struct nc_ctl_member),                               \
				       sizeof(struct nc_ctl_member)},                              \
		[NC_CTL_NET_SET] = {sizeof(struct nc_ctl_net), sizeof(struct nc_ctl_net)},         \
		[NC_MCAST] = {sizeof(struct nc_mcast_req), sizeof(struct nc_hdr)},                 \
	}

#endif
