// SPDX-License-Identifier: BSD-2-Clause
/* ZeroTier's Dictionary: the key=value text of network configs and config requests. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "zt/dictionary.h"

static bool is_eol(char c)
{
	return c == '\n' || c == '\r';
}

void zt_dict_view(struct zt_dict *d, const void *text, size_t len)
{
	const char *nul = len ? memchr(text, '\0', len) : NULL;

	d->text = text;
	d->len = nul ? (size_t)(nul - (const char *)text) : len;
	d->buf = NULL;
	d->cap = 0;
}

void zt_dict_init(struct zt_dict *d, char *buf, size_t cap)
{
	d->text = buf;
	d->len = 0;
	d->buf = buf;
	d->cap = cap;
	if (cap)
		buf[0] = '\0';
}

int zt_dict_next(const struct zt_dict *d, size_t *pos, const char **key, size_t *keylen,
		 const char **raw, size_t *rawlen)
{
	const char *t = d->text;
	size_t p = *pos, start, eq, end;

	while (p < d->len) {
		start = p;
		eq = SIZE_MAX;
		while (p < d->len && !is_eol(t[p])) {
			if (t[p] == '=' && eq == SIZE_MAX)
				eq = p;
			p++;
		}
		end = p;
		if (p < d->len)
			p++; /* the separator */
		if (eq == SIZE_MAX)
			continue;
		*key = t + start;
		*keylen = eq - start;
		*raw = t + eq + 1;
		*rawlen = end - eq - 1;
		*pos = p;
		return 1;
	}
	*pos = p;
	return 0;
}

static char unescape_byte(char c)
{
	switch (c) {
	case 'r':
		return '\r';
	case 'n':
		return '\n';
	case '0':
		return '\0';
	case 'e':
		return '=';
	default:
		return c;
	}
}

int zt_dict_unescape(const char *raw, size_t rawlen, void *out, size_t size)
{
	size_t i, n = 0;
	char *o = out;

	/* Measure first so that out stays untouched when it is too small. */
	for (i = 0; i < rawlen; i++) {
		if (raw[i] == '\\') {
			if (++i == rawlen)
				break; /* a lone '\' at the end stands for nothing */
		}
		n++;
	}
	if (n > (size_t)INT32_MAX)
		return -ENOSPC;
	if (!out)
		return (int)n;
	if (n > size)
		return -ENOSPC;
	for (i = 0, n = 0; i < rawlen; i++) {
		if (raw[i] == '\\') {
			if (++i == rawlen)
				break;
			o[n++] = unescape_byte(raw[i]);
		} else {
			o[n++] = raw[i];
		}
	}
	return (int)n;
}

static int find(const struct zt_dict *d, const char *key, const char **raw, size_t *rawlen)
{
	size_t klen = strlen(key), pos = 0, kl;
	const char *k;

	if (!klen)
		return -EINVAL;
	while (zt_dict_next(d, &pos, &k, &kl, raw, rawlen))
		if (kl == klen && !memcmp(k, key, klen))
			return 0;
	return -ENOENT;
}

int zt_dict_get(const struct zt_dict *d, const char *key, void *out, size_t size)
{
	const char *raw;
	size_t rawlen;
	int r = find(d, key, &raw, &rawlen);

	if (r < 0)
		return r;
	return zt_dict_unescape(raw, rawlen, out, size);
}

int zt_dict_get_str(const struct zt_dict *d, const char *key, char *out, size_t size)
{
	const char *raw;
	size_t rawlen;
	int r = find(d, key, &raw, &rawlen), n;

	if (r < 0)
		return r;
	n = zt_dict_unescape(raw, rawlen, NULL, 0);
	if (n < 0)
		return n;
	if ((size_t)n >= size)
		return -ENOSPC;
	/* A string cannot hold the NUL that "\0" stands for. */
	for (size_t i = 0; i + 1 < rawlen; i++) {
		if (raw[i] == '\\') {
			if (raw[i + 1] == '0')
				return -EBADMSG;
			i++;
		}
	}
	zt_dict_unescape(raw, rawlen, out, size);
	out[n] = '\0';
	return n;
}

int zt_dict_get_u64(const struct zt_dict *d, const char *key, uint64_t *out)
{
	char tmp[17];
	uint64_t v = 0;
	int n = zt_dict_get(d, key, tmp, sizeof(tmp) - 1);

	if (n == -ENOSPC || n == 0)
		return -EBADMSG;
	if (n < 0)
		return n;
	for (int i = 0; i < n; i++) {
		char c = tmp[i];
		unsigned x;

		if (c >= '0' && c <= '9')
			x = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			x = (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			x = (unsigned)(c - 'A' + 10);
		else
			return -EBADMSG;
		v = v << 4 | x;
	}
	*out = v;
	return 0;
}

int zt_dict_get_bool(const struct zt_dict *d, const char *key, bool *out)
{
	const char *raw;
	size_t rawlen;
	char c;
	int r = find(d, key, &raw, &rawlen);

	if (r < 0)
		return r;
	c = rawlen ? raw[0] : '\0';
	if (c == '\\' && rawlen > 1)
		c = unescape_byte(raw[1]);
	*out = c == '1' || c == 't' || c == 'T';
	return 0;
}

bool zt_dict_has(const struct zt_dict *d, const char *key)
{
	const char *raw;
	size_t rawlen;

	return find(d, key, &raw, &rawlen) == 0;
}

static bool key_ok(const char *key)
{
	size_t n = strlen(key);

	if (n == 0 || n > ZT_DICT_MAX_KEY)
		return false;
	return strcspn(key, "=\\\r\n") == n;
}

static bool needs_escape(uint8_t c)
{
	return c == 0 || c == '\r' || c == '\n' || c == '\\' || c == '=';
}

/* The separator that goes with the entry [start, end): the one after it, or for the last entry the
 * one before it, so that no separator is left dangling. */
static void entry_span(const struct zt_dict *d, size_t start, size_t end, size_t *from, size_t *to)
{
	*from = start;
	*to = end;
	if (end < d->len)
		(*to)++;
	else if (start > 0)
		(*from)--;
}

int zt_dict_set(struct zt_dict *d, const char *key, const void *val, size_t len)
{
	const uint8_t *v = val;
	size_t klen, add, removed = 0, pos, kl, rawlen, from, to, newlen, i, nent = 0, nrm = 0;
	const char *k, *raw;
	char *o;

	if (!d->buf)
		return -EROFS;
	if (!key_ok(key))
		return -EINVAL;
	klen = strlen(key);
	add = klen + 1 + len;
	for (i = 0; i < len; i++)
		add += needs_escape(v[i]);

	/* Measure what removing the old entries frees, so -ENOSPC can leave d untouched. A writable
	 * dictionary holds only entries we wrote, one LF between each two: each removed entry takes
	 * one LF with it, unless none is left. */
	pos = 0;
	while (zt_dict_next(d, &pos, &k, &kl, &raw, &rawlen)) {
		nent++;
		if (kl == klen && !memcmp(k, key, klen)) {
			nrm++;
			removed += (size_t)(raw - k) + rawlen;
		}
	}
	if (nrm)
		removed += nrm < nent ? nrm : nent - 1;
	newlen = d->len - removed;
	if (newlen > 0)
		add++; /* the LF before the new entry */
	if (newlen + add + 1 > d->cap)
		return -ENOSPC;

	pos = 0;
	while (zt_dict_next(d, &pos, &k, &kl, &raw, &rawlen)) {
		if (kl != klen || memcmp(k, key, klen))
			continue;
		entry_span(d, (size_t)(k - d->text), (size_t)(raw - d->text) + rawlen, &from, &to);
		memmove(d->buf + from, d->buf + to, d->len - to);
		d->len -= to - from;
		pos = from;
	}
	o = d->buf + d->len;
	if (d->len > 0)
		*o++ = '\n';
	memcpy(o, key, klen);
	o += klen;
	*o++ = '=';
	for (i = 0; i < len; i++) {
		if (!needs_escape(v[i])) {
			*o++ = (char)v[i];
			continue;
		}
		*o++ = '\\';
		switch (v[i]) {
		case 0:
			*o++ = '0';
			break;
		case '\r':
			*o++ = 'r';
			break;
		case '\n':
			*o++ = 'n';
			break;
		case '\\':
			*o++ = '\\';
			break;
		default:
			*o++ = 'e';
			break;
		}
	}
	*o = '\0';
	d->len = (size_t)(o - d->buf);
	return 0;
}

int zt_dict_set_str(struct zt_dict *d, const char *key, const char *s)
{
	return zt_dict_set(d, key, s, strlen(s));
}

int zt_dict_set_hex(struct zt_dict *d, const char *key, uint64_t v, int width)
{
	char tmp[24];

	if (width < 1 || width > 16)
		return -EINVAL;
	snprintf(tmp, sizeof(tmp), "%0*llx", width, (unsigned long long)v);
	return zt_dict_set_str(d, key, tmp);
}

int zt_dict_set_u64(struct zt_dict *d, const char *key, uint64_t v)
{
	return zt_dict_set_hex(d, key, v, 16);
}

int zt_dict_set_bool(struct zt_dict *d, const char *key, bool v)
{
	return zt_dict_set_str(d, key, v ? "1" : "0");
}
