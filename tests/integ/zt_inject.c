// SPDX-License-Identifier: BSD-2-Clause
/* zt_inject: a ZeroTier node of its own that sends a member frames for a private network, with
 * no certificate, a wrong one, or a real one, to test the member's membership gate.
 *
 * zt_inject --planet FILE --identity FILE --nwid NWID --to ADDR --dst IP:PORT [options]
 *
 * It comes online through the planet's roots (our src/zt node, over UDP on 127.0.0.1), then sends
 * ADDR, in each of --rounds rounds 300 ms apart, NETWORK_CREDENTIALS with its certificate (if
 * any) and one IPv4 UDP datagram to IP:PORT as FRAME, as EXT_FRAME (certificate inline) and as
 * MULTICAST_FRAME (broadcast, certificate inline). Each datagram's text is "TAG VERB ROUND".
 *
 * --com MODE, the certificate of membership shown:
 *   none     none (the default)
 *   other    a real one (signed with --ctl-secret) for another network of the same controller
 *   forged   for this network, naming the controller as signer, signed with our own key
 *   expired  signed with --ctl-secret, timestamped three credential max deltas ago
 *   real     the one in the config the controller gives us (we must be authorized)
 *   file     the bytes of --com-in FILE
 * --com-out FILE writes the certificate used; --src IP is the datagram's source (real: ours);
 * --port N our UDP port on 127.0.0.1 (the default: any; a fixed one lets the member's path to us
 * from an earlier run stay good, as for a ZeroTier node restarted on its port).
 *
 * Prints what it did and, at the end, "sent N frames, M need-certificate errors". Exit status 0,
 * or 2 when it could not come online or get a config (3: the controller denied access). */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "zt/com.h"
#include "zt/controller.h"
#include "zt/dictionary.h"
#include "zt/identity.h"
#include "zt/netconf.h"
#include "zt/node.h"
#include "zt/packet.h"
#include "zt/world.h"

static int sock;
static struct zt_node *node;
static struct zt_netconf_asm as;
static uint64_t nwid, controller;
static int config_done; /* 1 complete, -1 denied */
static unsigned need_cert;
static uint8_t pkt[ZT_PACKET_MAX_LEN];

static int64_t now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void die(const char *what)
{
	fprintf(stderr, "zt_inject: %s\n", what);
	exit(2);
}

static size_t slurp(const char *path, uint8_t *buf, size_t size)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f) {
		fprintf(stderr, "zt_inject: cannot open %s\n", path);
		exit(2);
	}
	n = fread(buf, 1, size - 1, f);
	fclose(f);
	buf[n] = 0;
	return n;
}

static void load_identity(struct zt_identity *id, const char *path)
{
	uint8_t text[1024];

	slurp(path, text, sizeof(text));
	for (size_t i = strlen((char *)text); i && (text[i - 1] == '\n' || text[i - 1] == ' ');)
		text[--i] = 0;
	if (zt_identity_from_string(id, (char *)text) < 0 || !id->has_private)
		die("bad identity (a secret one is needed)");
}

static void cb_send(void *ctx, const struct zt_inetaddr *to, const uint8_t *data, size_t len,
		    unsigned ttl)
{
	struct sockaddr_in sa;

	if (to->family != 4)
		return;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	memcpy(&sa.sin_addr, to->ip, 4);
	sa.sin_port = htons(to->port);
	sendto(sock, data, len, 0, (struct sockaddr *)&sa, sizeof(sa));
}

static void cb_network(void *ctx, uint64_t from, uint64_t packet_id, unsigned verb,
		       const uint8_t *p, size_t len)
{
	if (verb == ZT_VERB_ERROR) {
		struct zt_packet_error e;

		if (zt_packet_decode_error(&e, p, len) < 0)
			return;
		if (e.code == ZT_ERROR_NEED_MEMBERSHIP_CERTIFICATE)
			need_cert++;
		if (from == controller && e.in_re_verb == ZT_VERB_NETWORK_CONFIG_REQUEST &&
		    (e.code == ZT_ERROR_NETWORK_ACCESS_DENIED || e.code == ZT_ERROR_OBJ_NOT_FOUND))
			config_done = -1;
		return;
	}
	if (from != controller || config_done == 1)
		return;
	if (verb == ZT_VERB_OK && len > 9 && p[0] == ZT_VERB_NETWORK_CONFIG_REQUEST) {
		p += 9;
		len -= 9;
	} else if (verb != ZT_VERB_NETWORK_CONFIG) {
		return;
	}
	{
		struct zt_node_peer_info pi;

		if (zt_node_peer_find(node, controller, &pi, now_ms()) < 0)
			return;
		if (zt_netconf_asm_add(&as, &pi.identity, p, len) == 1)
			config_done = 1;
	}
}

/* Run the node for ms milliseconds. */
static void pump(int ms)
{
	int64_t end = now_ms() + ms, next = 0;
	uint8_t buf[ZT_PACKET_MAX_LEN + 64];

	for (int64_t t = now_ms(); t < end; t = now_ms()) {
		struct pollfd pfd = {.fd = sock, .events = POLLIN};
		int64_t wait = end - t;

		if (t >= next)
			next = zt_node_tick(node, t);
		if (next - t < wait)
			wait = next - t;
		if (poll(&pfd, 1, wait < 0 ? 0 : (int)wait) > 0) {
			struct sockaddr_in sa;
			socklen_t sl = sizeof(sa);
			ssize_t n =
			    recvfrom(sock, buf, sizeof(buf), 0, (struct sockaddr *)&sa, &sl);
			struct zt_inetaddr from;

			if (n <= 0 || sa.sin_family != AF_INET)
				continue;
			zt_inetaddr_set(&from, 4, &sa.sin_addr, ntohs(sa.sin_port));
			zt_node_receive(node, &from, buf, (size_t)n, now_ms());
		}
	}
}

static void send_verb(uint64_t to, unsigned verb, int len)
{
	if (len < 0)
		die("encoding a packet failed");
	if (zt_node_send(node, to, verb, pkt, (size_t)len, now_ms(), NULL) < 0)
		fprintf(stderr, "zt_inject: send of verb %u failed\n", verb);
}

/* An IPv4 header and UDP datagram (no UDP checksum, which IPv4 allows) carrying text. */
static size_t ipv4_udp(uint8_t *out, struct in_addr src, struct in_addr dst, uint16_t port,
		       const char *text)
{
	size_t tl = strlen(text), len = 20 + 8 + tl;
	uint32_t sum = 0;

	memset(out, 0, 28);
	out[0] = 0x45;
	out[2] = (uint8_t)(len >> 8);
	out[3] = (uint8_t)len;
	out[8] = 64;
	out[9] = 17;
	memcpy(out + 12, &src, 4);
	memcpy(out + 16, &dst, 4);
	for (int i = 0; i < 20; i += 2)
		sum += (uint32_t)(out[i] << 8 | out[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	out[10] = (uint8_t)(~sum >> 8);
	out[11] = (uint8_t)~sum;
	out[20] = 0x9c;
	out[21] = 0x41; /* source port 40001 */
	out[22] = (uint8_t)(port >> 8);
	out[23] = (uint8_t)port;
	out[24] = (uint8_t)((8 + tl) >> 8);
	out[25] = (uint8_t)(8 + tl);
	memcpy(out + 28, text, tl);
	return len;
}

static int get_config(struct zt_netconf *nc)
{
	char meta[256];
	struct zt_dict d;
	struct zt_packet_config_request q;

	zt_netconf_asm_init(&as, nwid);
	for (int tries = 0; tries < 15 && !config_done; tries++) {
		zt_dict_init(&d, meta, sizeof(meta));
		zt_dict_set_hex(&d, "v", ZT_NETCONF_VERSION, 16);
		zt_dict_set_hex(&d, "pv", 11, 16);
		memset(&q, 0, sizeof(q));
		q.nwid = nwid;
		q.metadata.p = (const uint8_t *)d.text;
		q.metadata.len = d.len;
		send_verb(controller, ZT_VERB_NETWORK_CONFIG_REQUEST,
			  zt_packet_encode_config_request(&q, pkt, sizeof(pkt)));
		pump(2000);
	}
	if (config_done != 1)
		return config_done ? -EACCES : -ETIMEDOUT;
	zt_dict_view(&d, (const char *)as.buf, as.total);
	return zt_netconf_from_dict(nc, &d);
}

int main(int argc, char **argv)
{
	const char *planet_f = NULL, *id_f = NULL, *dst_s = NULL, *src_s = NULL, *mode = "none";
	const char *ctl_f = NULL, *com_in = NULL, *com_out = NULL, *tag = "inject";
	struct zt_node_callbacks cb = {.send = cb_send, .network = cb_network};
	static struct zt_world planet;
	static struct zt_netconf nc;
	static uint8_t buf[65536];
	struct zt_identity me, ctl;
	struct sockaddr_in sa;
	struct in_addr src = {0}, dst;
	struct zt_node_info info;
	uint8_t com[ZT_COM_MAX_SIZE], mac_me[6], mac_to[6], ip[1500];
	uint64_t to = 0;
	unsigned rounds = 10, sent = 0;
	int com_len = 0, port = 0, udp_port = 0;
	struct zt_com c;
	size_t n;

	for (int i = 1; i + 1 < argc; i += 2) {
		const char *k = argv[i], *v = argv[i + 1];

		if (!strcmp(k, "--planet"))
			planet_f = v;
		else if (!strcmp(k, "--identity"))
			id_f = v;
		else if (!strcmp(k, "--nwid"))
			nwid = strtoull(v, NULL, 16);
		else if (!strcmp(k, "--to"))
			to = strtoull(v, NULL, 16);
		else if (!strcmp(k, "--dst"))
			dst_s = v;
		else if (!strcmp(k, "--src"))
			src_s = v;
		else if (!strcmp(k, "--com"))
			mode = v;
		else if (!strcmp(k, "--ctl-secret"))
			ctl_f = v;
		else if (!strcmp(k, "--com-in"))
			com_in = v;
		else if (!strcmp(k, "--com-out"))
			com_out = v;
		else if (!strcmp(k, "--rounds"))
			rounds = (unsigned)atoi(v);
		else if (!strcmp(k, "--tag"))
			tag = v;
		else if (!strcmp(k, "--port"))
			udp_port = atoi(v);
		else
			die("unknown option (see the comment at the top of zt_inject.c)");
	}
	if (!planet_f || !id_f || !nwid || !to || !dst_s)
		die("usage: zt_inject --planet F --identity F --nwid N --to ADDR --dst IP:PORT "
		    "...");
	{
		char host[64];
		const char *colon = strrchr(dst_s, ':');

		if (!colon || (size_t)(colon - dst_s) >= sizeof(host))
			die("--dst IP:PORT");
		memcpy(host, dst_s, (size_t)(colon - dst_s));
		host[colon - dst_s] = 0;
		port = atoi(colon + 1);
		if (inet_pton(AF_INET, host, &dst) != 1 || port <= 0 || port > 65535)
			die("--dst IP:PORT");
	}
	if (src_s && inet_pton(AF_INET, src_s, &src) != 1)
		die("--src IP");
	controller = nwid >> 24;
	load_identity(&me, id_f);
	n = slurp(planet_f, buf, sizeof(buf));
	if (zt_world_deserialize(&planet, buf, n) < 0)
		die("bad planet");

	sock = socket(AF_INET, SOCK_DGRAM, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = htons((uint16_t)udp_port);
	if (sock < 0 || bind(sock, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		die("UDP socket");
	node = zt_node_new(&me, &planet, &cb, now_ms());
	if (!node)
		die("zt_node_new");
	for (int i = 0; i < 100; i++) {
		pump(100);
		zt_node_get_info(node, &info, now_ms());
		if (info.online)
			break;
	}
	if (!info.online)
		die("not online (no root answered)");
	printf("online as %010llx\n", (unsigned long long)me.address);

	if (!strcmp(mode, "real")) {
		int r = get_config(&nc);

		if (r == -EACCES) {
			printf("config: access denied\n");
			return 3;
		}
		if (r < 0 || !nc.has_com)
			die("no config from the controller");
		com_len = zt_com_serialize(&nc.com, com, sizeof(com));
		for (unsigned i = 0; i < nc.n_static_ips && !src_s; i++)
			if (nc.static_ips[i].family == 4)
				memcpy(&src, nc.static_ips[i].ip, 4);
		printf("config: revision %llu, certificate timestamp %llu\n",
		       (unsigned long long)nc.revision,
		       (unsigned long long)zt_com_timestamp(&nc.com));
	} else if (!strcmp(mode, "file")) {
		if (!com_in)
			die("--com file needs --com-in");
		n = slurp(com_in, buf, sizeof(buf));
		if (zt_com_deserialize(&c, buf, n) < 0)
			die("bad --com-in");
		com_len = zt_com_serialize(&c, com, sizeof(com));
	} else if (strcmp(mode, "none")) {
		int64_t ts = now_ms();
		uint64_t net = nwid;

		if (!strcmp(mode, "other"))
			net = (nwid & ~0xffffffULL) | ((nwid + 1) & 0xffffffULL);
		else if (!strcmp(mode, "expired"))
			ts -= 3 * (int64_t)ZT_CONTROLLER_CTMD;
		else if (strcmp(mode, "forged"))
			die("--com none|other|forged|expired|real|file");
		if (zt_com_init(&c, (uint64_t)ts, ZT_CONTROLLER_CTMD, net, &me) < 0)
			die("zt_com_init");
		if (!strcmp(mode, "forged")) {
			zt_com_sign(&c, &me);
			c.signed_by = controller; /* claims the controller; the signature is ours */
		} else {
			if (!ctl_f)
				die("--com other|expired needs --ctl-secret");
			load_identity(&ctl, ctl_f);
			if (zt_com_sign(&c, &ctl) < 0)
				die("signing with --ctl-secret");
		}
		com_len = zt_com_serialize(&c, com, sizeof(com));
	}
	if (com_len < 0)
		die("certificate");
	printf("certificate: %s, %d bytes\n", mode, com_len);
	if (com_out && com_len > 0) {
		FILE *f = fopen(com_out, "wb");

		if (!f || fwrite(com, 1, (size_t)com_len, f) != (size_t)com_len)
			die("--com-out");
		fclose(f);
	}
	if (!src.s_addr) {
		/* Any address of the destination's /24 but its own. */
		uint32_t d = ntohl(dst.s_addr);

		src.s_addr = htonl((d & 0xffffff00u) | ((d & 0xff) == 250 ? 251 : 250));
	}

	zt_netconf_mac(nwid, me.address, mac_me);
	zt_netconf_mac(nwid, to, mac_to);
	for (unsigned r = 0; r < rounds; r++) {
		static const char *const names[] = {"FRAME", "EXT_FRAME", "MULTICAST_FRAME"};
		char text[128];

		if (com_len > 0) {
			struct zt_packet_credentials cr;

			memset(&cr, 0, sizeof(cr));
			cr.ncom = 1;
			cr.com[0].p = com;
			cr.com[0].len = (size_t)com_len;
			send_verb(to, ZT_VERB_NETWORK_CREDENTIALS,
				  zt_packet_encode_credentials(&cr, pkt, sizeof(pkt)));
		}
		for (int v = 0; v < 3; v++) {
			size_t il;
			int len;

			snprintf(text, sizeof(text), "%s %s %u\n", tag, names[v], r);
			il = ipv4_udp(ip, src, dst, (uint16_t)port, text);
			if (v == 0) {
				struct zt_packet_frame f = {.nwid = nwid, .ethertype = 0x0800};

				f.data.p = ip;
				f.data.len = il;
				len = zt_packet_encode_frame(&f, pkt, sizeof(pkt));
				send_verb(to, ZT_VERB_FRAME, len);
			} else if (v == 1) {
				struct zt_packet_ext_frame f;

				memset(&f, 0, sizeof(f));
				f.nwid = nwid;
				if (com_len > 0) {
					f.flags = ZT_PACKET_EXT_FRAME_FLAG_COM;
					f.com.p = com;
					f.com.len = (size_t)com_len;
				}
				memcpy(f.dest, mac_to, 6);
				memcpy(f.src, mac_me, 6);
				f.ethertype = 0x0800;
				f.data.p = ip;
				f.data.len = il;
				len = zt_packet_encode_ext_frame(&f, pkt, sizeof(pkt));
				send_verb(to, ZT_VERB_EXT_FRAME, len);
			} else {
				struct zt_packet_mcframe m;

				memset(&m, 0, sizeof(m));
				m.nwid = nwid;
				if (com_len > 0) {
					m.flags = ZT_PACKET_MCFRAME_FLAG_COM;
					m.com.p = com;
					m.com.len = (size_t)com_len;
				}
				memset(m.dest, 0xff, 6);
				m.ethertype = 0x0800;
				m.data.p = ip;
				m.data.len = il;
				len = zt_packet_encode_mcframe(&m, pkt, sizeof(pkt));
				send_verb(to, ZT_VERB_MULTICAST_FRAME, len);
			}
			sent++;
		}
		pump(300);
	}
	pump(1000);
	printf("sent %u frames, %u need-certificate errors\n", sent, need_cert);
	zt_node_free(node);
	return 0;
}
