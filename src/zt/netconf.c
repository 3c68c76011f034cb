// SPDX-License-Identifier: BSD-2-Clause
/* ZeroTier network configs: the fields a member needs, to/from a Dictionary, and the signed
 * chunks NETWORK_CONFIG and OK(NETWORK_CONFIG_REQUEST) carry them in. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "zt/bytes.h"
#include "zt/netconf.h"

/* ZT_CERTIFICATEOFOWNERSHIP_MAX_THINGS and its fixed value size. */
#define ZT_COO_MAX_THINGS 16
#define ZT_COO_THING_VALUE_SIZE 16

static uint64_t get_be(const uint8_t *p, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

static void put_be(uint8_t *p, uint64_t v, int n)
{
	for (int i = n - 1; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

void zt_netconf_init(struct zt_netconf *nc, uint64_t nwid, uint64_t issued_to)
{
	memset(nc, 0, sizeof(*nc));
	nc->version = ZT_NETCONF_VERSION;
	nc->nwid = nwid;
	nc->issued_to = issued_to;
	nc->mtu = ZT_NETCONF_DEFAULT_MTU;
	nc->type = ZT_NETCONF_TYPE_PRIVATE;
}

/* Optional integer: absent leaves *v, malformed is an error. */
static int get_u64(const struct zt_dict *d, const char *key, uint64_t *v)
{
	int r = zt_dict_get_u64(d, key, v);

	return r == -ENOENT ? 0 : r;
}

/* The length of one certificate of ownership at p[0..len), or -EBADMSG. */
static int coo_size(const uint8_t *p, size_t len)
{
	size_t off = 8 + 8 + 8 + 4, n;

	if (len < off + 2)
		return -EBADMSG;
	n = (size_t)get_be(p + off, 2);
	if (n > ZT_COO_MAX_THINGS)
		return -EBADMSG;
	off += 2 + n * (1 + ZT_COO_THING_VALUE_SIZE) + 5 + 5;
	if (len < off + 3)
		return -EBADMSG;
	if (p[off] == 1 && get_be(p + off + 1, 2) != 96)
		return -EBADMSG;
	off += 3 + (size_t)get_be(p + off + 1, 2);
	if (len < off + 2)
		return -EBADMSG;
	off += 2 + (size_t)get_be(p + off, 2);
	if (len < off)
		return -EBADMSG;
	return (int)off;
}

static int parse_blobs(struct zt_netconf *nc, const struct zt_dict *d, uint8_t *tmp)
{
	size_t off;
	int n, r;

	n = zt_dict_get(d, "C", tmp, d->len);
	if (n >= 0) {
		r = zt_com_deserialize(&nc->com, tmp, (size_t)n);
		if (r < 0)
			return r;
		nc->has_com = true;
	}

	n = zt_dict_get(d, "I", tmp, d->len);
	for (off = 0; n > 0 && off < (size_t)n && nc->n_static_ips < ZT_NETCONF_MAX_STATIC_IPS;) {
		r = zt_inetaddr_deserialize(&nc->static_ips[nc->n_static_ips++], tmp + off,
					    (size_t)n - off);
		if (r < 0)
			return r;
		off += (size_t)r;
	}

	n = zt_dict_get(d, "RT", tmp, d->len);
	for (off = 0; n > 0 && off < (size_t)n && nc->n_routes < ZT_NETCONF_MAX_ROUTES;) {
		struct zt_netconf_route *rt = &nc->routes[nc->n_routes++];

		r = zt_inetaddr_deserialize(&rt->target, tmp + off, (size_t)n - off);
		if (r < 0)
			return r;
		off += (size_t)r;
		r = zt_inetaddr_deserialize(&rt->via, tmp + off, (size_t)n - off);
		if (r < 0)
			return r;
		off += (size_t)r;
		if ((size_t)n - off < 4)
			return -EBADMSG;
		rt->flags = (uint16_t)get_be(tmp + off, 2);
		rt->metric = (uint16_t)get_be(tmp + off + 2, 2);
		off += 4;
	}

	n = zt_dict_get(d, "S", tmp, d->len);
	for (off = 0;
	     n > 0 && off + 8 <= (size_t)n && nc->n_specialists < ZT_NETCONF_MAX_SPECIALISTS;
	     off += 8)
		nc->specialists[nc->n_specialists++] = get_be(tmp + off, 8);

	n = zt_dict_get(d, "R", NULL, 0);
	if (n > ZT_NETCONF_MAX_RULES_BYTES)
		return -EBADMSG;
	if (n > 0)
		nc->rules_len = (size_t)zt_dict_get(d, "R", nc->rules, sizeof(nc->rules));

	n = zt_dict_get(d, "COO", NULL, 0);
	if (n > ZT_NETCONF_MAX_COO_BYTES)
		return -EBADMSG;
	if (n > 0) {
		nc->coo_len = (size_t)zt_dict_get(d, "COO", nc->coo, sizeof(nc->coo));
		for (off = 0; off < nc->coo_len; off += (size_t)r, nc->n_coo++) {
			r = coo_size(nc->coo + off, nc->coo_len - off);
			if (r < 0)
				return r;
		}
	}

	n = zt_dict_get(d, "DNS", tmp, d->len);
	if (n >= 0) {
		if (n < ZT_NETCONF_DNS_DOMAIN_LEN)
			return -EBADMSG;
		/* A C string: what follows its NUL is padding, not kept. */
		memcpy(nc->dns_domain, tmp,
		       strnlen((const char *)tmp, ZT_NETCONF_DNS_DOMAIN_LEN - 1));
		off = ZT_NETCONF_DNS_DOMAIN_LEN;
		for (int i = 0; i < ZT_NETCONF_DNS_SERVERS; i++) {
			r = zt_inetaddr_deserialize(&nc->dns_servers[i], tmp + off,
						    (size_t)n - off);
			if (r < 0)
				return r;
			off += (size_t)r;
		}
		nc->has_dns = true;
	}
	return 0;
}

int zt_netconf_from_dict(struct zt_netconf *out, const struct zt_dict *d)
{
	struct zt_netconf *nc;
	uint64_t mtu = ZT_NETCONF_DEFAULT_MTU;
	uint8_t *tmp;
	int r;

	nc = calloc(1, sizeof(*nc));
	/* An unescaped value is never longer than the text it came from. */
	tmp = malloc(d->len + 1);
	r = -ENOMEM;
	if (!nc || !tmp)
		goto out;
	r = -EBADMSG;
	if (zt_dict_get_u64(d, "v", &nc->version) < 0 || nc->version < ZT_NETCONF_MIN_VERSION)
		goto out;
	if (zt_dict_get_u64(d, "nwid", &nc->nwid) < 0 || !nc->nwid)
		goto out;
	if (zt_dict_get_u64(d, "id", &nc->issued_to) < 0 || !nc->issued_to || nc->issued_to >> 40)
		goto out;
	nc->type = ZT_NETCONF_TYPE_PRIVATE;
	if (get_u64(d, "ts", &nc->timestamp) || get_u64(d, "ctmd", &nc->ctmd) ||
	    get_u64(d, "r", &nc->revision) || get_u64(d, "tt", &nc->trace_target) ||
	    get_u64(d, "tl", &nc->trace_level) || get_u64(d, "f", &nc->flags) ||
	    get_u64(d, "ml", &nc->multicast_limit) || get_u64(d, "t", &nc->type) ||
	    get_u64(d, "mtu", &mtu))
		goto out;
	nc->mtu = mtu < ZT_NETCONF_MIN_MTU   ? ZT_NETCONF_MIN_MTU
		  : mtu > ZT_NETCONF_MAX_MTU ? ZT_NETCONF_MAX_MTU
					     : (uint32_t)mtu;
	r = zt_dict_get_str(d, "n", nc->name, sizeof(nc->name));
	if (r < 0 && r != -ENOENT) {
		r = -EBADMSG;
		goto out;
	}
	if (zt_dict_has(d, "ssov") || zt_dict_has(d, "ssoe")) {
		nc->has_sso = true;
		if (get_u64(d, "ssov", &nc->sso_version) < 0) {
			r = -EBADMSG;
			goto out;
		}
		zt_dict_get_bool(d, "ssoe", &nc->sso_enabled);
	}
	r = parse_blobs(nc, d, tmp);
	if (r < 0) {
		r = -EBADMSG;
		goto out;
	}
	memcpy(out, nc, sizeof(*nc));
	r = 0;
out:
	free(tmp);
	free(nc);
	return r;
}

static int put_addr(const struct zt_inetaddr *a, uint8_t *buf, size_t cap, size_t *off)
{
	int r = zt_inetaddr_serialize(a, buf + *off, cap - *off);

	if (r < 0)
		return r;
	*off += (size_t)r;
	return 0;
}

int zt_netconf_to_dict(const struct zt_netconf *nc, struct zt_dict *d)
{
	uint8_t *tmp;
	size_t off, cap;
	int r, n = 0;

	if (nc->n_static_ips > ZT_NETCONF_MAX_STATIC_IPS || nc->n_routes > ZT_NETCONF_MAX_ROUTES ||
	    nc->n_specialists > ZT_NETCONF_MAX_SPECIALISTS ||
	    nc->rules_len > ZT_NETCONF_MAX_RULES_BYTES || nc->coo_len > ZT_NETCONF_MAX_COO_BYTES ||
	    memchr(nc->name, '\0', sizeof(nc->name)) == NULL)
		return -EINVAL;
	/* The integers and the name first, the binary blobs after, as NetworkConfig::toDictionary. */
	if ((r = zt_dict_set_u64(d, "v", nc->version)) ||
	    (r = zt_dict_set_u64(d, "nwid", nc->nwid)) ||
	    (r = zt_dict_set_u64(d, "ts", nc->timestamp)) ||
	    (r = zt_dict_set_u64(d, "ctmd", nc->ctmd)) ||
	    (r = zt_dict_set_u64(d, "r", nc->revision)) ||
	    (r = zt_dict_set_hex(d, "id", nc->issued_to, 10)) ||
	    (r = zt_dict_set_hex(d, "tt", nc->trace_target, 10)) ||
	    (r = zt_dict_set_u64(d, "tl", nc->trace_level)) ||
	    (r = zt_dict_set_u64(d, "f", nc->flags)) ||
	    (r = zt_dict_set_u64(d, "ml", nc->multicast_limit)) ||
	    (r = zt_dict_set_u64(d, "t", nc->type)) || (r = zt_dict_set_str(d, "n", nc->name)) ||
	    (r = zt_dict_set_u64(d, "mtu", nc->mtu)))
		return r;

	cap = ZT_NETCONF_MAX_ROUTES * (2 * ZT_INETADDR_MAX_SIZE + 4) + ZT_COM_MAX_SIZE;
	tmp = malloc(cap);
	if (!tmp)
		return -ENOMEM;
	if (nc->has_com) {
		n = zt_com_serialize(&nc->com, tmp, cap);
		if (n < 0) {
			r = n;
			goto out;
		}
		if ((r = zt_dict_set(d, "C", tmp, (size_t)n)))
			goto out;
	}
	if (nc->coo_len && (r = zt_dict_set(d, "COO", nc->coo, nc->coo_len)))
		goto out;
	if (nc->n_specialists) {
		for (unsigned i = 0; i < nc->n_specialists; i++)
			put_be(tmp + 8 * i, nc->specialists[i], 8);
		if ((r = zt_dict_set(d, "S", tmp, 8 * (size_t)nc->n_specialists)))
			goto out;
	}
	if (nc->n_routes) {
		off = 0;
		for (unsigned i = 0; i < nc->n_routes; i++) {
			if ((r = put_addr(&nc->routes[i].target, tmp, cap, &off)) ||
			    (r = put_addr(&nc->routes[i].via, tmp, cap, &off)))
				goto out;
			put_be(tmp + off, nc->routes[i].flags, 2);
			put_be(tmp + off + 2, nc->routes[i].metric, 2);
			off += 4;
		}
		if ((r = zt_dict_set(d, "RT", tmp, off)))
			goto out;
	}
	if (nc->n_static_ips) {
		off = 0;
		for (unsigned i = 0; i < nc->n_static_ips; i++)
			if ((r = put_addr(&nc->static_ips[i], tmp, cap, &off)))
				goto out;
		if ((r = zt_dict_set(d, "I", tmp, off)))
			goto out;
	}
	if (nc->rules_len && (r = zt_dict_set(d, "R", nc->rules, nc->rules_len)))
		goto out;
	if (nc->has_dns) {
		memset(tmp, 0, ZT_NETCONF_DNS_DOMAIN_LEN);
		memcpy(tmp, nc->dns_domain, strnlen(nc->dns_domain, ZT_NETCONF_DNS_DOMAIN_LEN - 1));
		off = ZT_NETCONF_DNS_DOMAIN_LEN;
		for (int i = 0; i < ZT_NETCONF_DNS_SERVERS; i++)
			if ((r = put_addr(&nc->dns_servers[i], tmp, cap, &off)))
				goto out;
		if ((r = zt_dict_set(d, "DNS", tmp, off)))
			goto out;
	}
	if (nc->has_sso && ((r = zt_dict_set_u64(d, "ssov", nc->sso_version)) ||
			    (r = zt_dict_set_bool(d, "ssoe", nc->sso_enabled))))
		goto out;
	r = 0;
out:
	free(tmp);
	return r;
}

int zt_netconf_chunk_parse(struct zt_netconf_chunk *out, const uint8_t *p, size_t len)
{
	struct zt_netconf_chunk c;
	size_t off;

	if (len < 10)
		return -EBADMSG;
	memset(&c, 0, sizeof(c));
	c.start = p;
	c.nwid = get_be(p, 8);
	c.len = (uint16_t)get_be(p + 8, 2);
	off = 10 + (size_t)c.len;
	/* Without the fields after the data it is a pre-1.2 unsigned chunk: not accepted. */
	if (len < off + 1 + 8 + 4 + 4 + 1 + 2 + 96)
		return -EBADMSG;
	c.data = p + 10;
	c.flags = p[off];
	c.update_id = get_be(p + off + 1, 8);
	c.total = (uint32_t)get_be(p + off + 9, 4);
	c.offset = (uint32_t)get_be(p + off + 13, 4);
	off += 17;
	c.signed_len = off;
	if ((uint64_t)c.offset + c.len > c.total || c.total >= ZT_NETCONF_MAX_DICT)
		return -EBADMSG;
	if (p[off] != 1 || get_be(p + off + 1, 2) != 96)
		return -EBADMSG;
	c.signature = p + off + 3;
	*out = c;
	return (int)(off + 3 + 96);
}

int zt_netconf_chunk_verify(const struct zt_netconf_chunk *c, const struct zt_identity *controller)
{
	if (controller->address != c->nwid >> 24)
		return -EKEYREJECTED;
	if (!zt_identity_verify(controller, c->start, c->signed_len, c->signature, 96))
		return -EKEYREJECTED;
	return 0;
}

int zt_netconf_chunk_make(uint8_t *out, size_t size, const struct zt_identity *controller,
			  uint64_t nwid, uint64_t update_id, uint8_t flags, const void *dict,
			  uint32_t total, uint32_t *offset, size_t max_data)
{
	size_t len, off;
	int r;

	if (*offset > total || total >= ZT_NETCONF_MAX_DICT || max_data == 0 ||
	    max_data > ZT_NETCONF_CHUNK_MAX_DATA || (*offset == total && total > 0))
		return -EINVAL;
	len = total - *offset;
	if (len > max_data)
		len = max_data;
	if (size < ZT_NETCONF_CHUNK_OVERHEAD + len)
		return -ENOSPC;
	put_be(out, nwid, 8);
	put_be(out + 8, len, 2);
	memcpy(out + 10, (const uint8_t *)dict + *offset, len);
	off = 10 + len;
	out[off] = flags;
	put_be(out + off + 1, update_id, 8);
	put_be(out + off + 9, total, 4);
	put_be(out + off + 13, *offset, 4);
	off += 17;
	r = zt_identity_sign(controller, out, off, out + off + 3);
	if (r < 0)
		return r;
	out[off] = 1;
	put_be(out + off + 1, 96, 2);
	*offset += (uint32_t)len;
	return (int)(off + 3 + 96);
}

void zt_netconf_asm_init(struct zt_netconf_asm *a, uint64_t nwid)
{
	a->nwid = nwid;
	a->update_id = 0;
	a->total = 0;
	a->have = 0;
	a->n = 0;
	a->complete = false;
}

int zt_netconf_asm_add(struct zt_netconf_asm *a, const struct zt_identity *controller,
		       const uint8_t *p, size_t len)
{
	struct zt_netconf_chunk c;
	bool fresh;
	int r = zt_netconf_chunk_parse(&c, p, len);

	if (r < 0)
		return r;
	if (c.nwid != a->nwid)
		return -EBADMSG;
	r = zt_netconf_chunk_verify(&c, controller);
	if (r < 0)
		return r;
	fresh = c.update_id != a->update_id || a->n == 0;
	if (!fresh) {
		if (c.total != a->total)
			return -EBADMSG;
		for (unsigned i = 0; i < a->n; i++) {
			uint32_t o = a->got[i].offset, l = a->got[i].len;

			if (o == c.offset && l == c.len)
				return 0; /* a duplicate (it verified, so it is the same bytes) */
			if (c.offset < o + l && o < c.offset + c.len)
				return -EBADMSG;
		}
		if (a->complete)
			return 0;
		if (a->n >= ZT_NETCONF_MAX_CHUNKS)
			return -EBADMSG;
	}
	if (fresh) {
		a->update_id = c.update_id;
		a->total = c.total;
		a->have = 0;
		a->n = 0;
		a->complete = false;
	}
	memcpy(a->buf + c.offset, c.data, c.len);
	a->got[a->n].offset = c.offset;
	a->got[a->n].len = c.len;
	a->n++;
	a->have += c.len;
	if (a->have < a->total)
		return 0;
	/* Chunks do not overlap, so total bytes received means every byte is there. */
	a->buf[a->total] = '\0';
	a->complete = true;
	return 1;
}

void zt_netconf_mac(uint64_t nwid, uint64_t addr, uint8_t mac[6])
{
	uint64_t m = addr & 0xffffffffffULL;
	uint8_t first = (uint8_t)((nwid & 0xfe) | 0x02);

	if (first == 0x52) /* would read as 'R', reserved */
		first = 0x32;
	for (int i = 1; i <= 5; i++)
		m ^= ((nwid >> (8 * i)) & 0xff) << (8 * (5 - i));
	mac[0] = first;
	zt_be_put(mac + 1, m, 5);
}

uint64_t zt_netconf_mac_address(uint64_t nwid, const uint8_t mac[6])
{
	uint64_t a = zt_be_get(mac + 1, 5);
	uint8_t check[6];

	/* The XOR with the network id undoes itself. */
	for (int i = 1; i <= 5; i++)
		a ^= ((nwid >> (8 * i)) & 0xff) << (8 * (5 - i));
	zt_netconf_mac(nwid, a, check);
	return memcmp(check, mac, 6) ? 0 : a;
}
