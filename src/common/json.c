// SPDX-License-Identifier: BSD-2-Clause
/* A small JSON reader (a tree) and writer (a growing buffer), for the controller's records. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"

struct json_parser {
	const char *p, *end, *start;
	char *err;
	size_t errsize;
	int r;
};

static int json_fail(struct json_parser *ps, const char *why)
{
	if (ps->r == 0) {
		if (ps->err && ps->errsize)
			snprintf(ps->err, ps->errsize, "%s at byte %zu", why,
				 (size_t)(ps->p - ps->start));
		ps->r = -EBADMSG;
	}
	return ps->r;
}

static void json_ws(struct json_parser *ps)
{
	while (ps->p < ps->end &&
	       (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
		ps->p++;
}

static void json_clear(struct json *j)
{
	if (j->type == JSON_STRING) {
		free(j->s);
	} else if (j->type == JSON_ARRAY || j->type == JSON_OBJECT) {
		for (size_t k = 0; k < j->len; k++) {
			json_clear(&j->items[k]);
			if (j->keys)
				free(j->keys[k]);
		}
		free(j->items);
		free(j->keys);
	}
	memset(j, 0, sizeof(*j));
}

void json_free(struct json *j)
{
	if (!j)
		return;
	json_clear(j);
	free(j);
}

static int json_hex4(struct json_parser *ps, unsigned *out)
{
	unsigned v = 0;

	if (ps->end - ps->p < 4)
		return json_fail(ps, "short \\u escape");
	for (int k = 0; k < 4; k++) {
		char c = *ps->p++;

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return json_fail(ps, "bad \\u escape");
	}
	*out = v;
	return 0;
}

/* A string at ps->p (the opening quote), into a new NUL-terminated buffer. */
static int json_string(struct json_parser *ps, char **out, size_t *outlen)
{
	const char *q;
	char *s, *w;

	ps->p++;
	/* The unescaped text is never longer than the escaped one. */
	for (q = ps->p; q < ps->end && *q != '"'; q++)
		if (*q == '\\')
			q++;
	if (q >= ps->end)
		return json_fail(ps, "unterminated string");
	s = malloc((size_t)(q - ps->p) + 1);
	if (!s)
		return ps->r = -ENOMEM;
	w = s;
	while (*ps->p != '"') {
		unsigned char c = (unsigned char)*ps->p++;

		if (c < 0x20) {
			free(s);
			return json_fail(ps, "control character in string");
		}
		if (c != '\\') {
			*w++ = (char)c;
			continue;
		}
		c = (unsigned char)*ps->p++;
		switch (c) {
		case '"':
		case '\\':
		case '/':
			*w++ = (char)c;
			break;
		case 'b':
			*w++ = '\b';
			break;
		case 'f':
			*w++ = '\f';
			break;
		case 'n':
			*w++ = '\n';
			break;
		case 'r':
			*w++ = '\r';
			break;
		case 't':
			*w++ = '\t';
			break;
		case 'u': {
			unsigned cp, lo;

			if (json_hex4(ps, &cp) < 0)
				goto bad;
			if (cp >= 0xd800 && cp < 0xdc00) {
				if (ps->end - ps->p < 6 || ps->p[0] != '\\' || ps->p[1] != 'u') {
					json_fail(ps, "lone surrogate");
					goto bad;
				}
				ps->p += 2;
				if (json_hex4(ps, &lo) < 0)
					goto bad;
				if (lo < 0xdc00 || lo >= 0xe000) {
					json_fail(ps, "bad surrogate pair");
					goto bad;
				}
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			} else if (cp >= 0xdc00 && cp < 0xe000) {
				json_fail(ps, "lone surrogate");
				goto bad;
			}
			if (cp == 0) {
				json_fail(ps, "\\u0000 in string");
				goto bad;
			}
			/* UTF-8 is at most 4 bytes; "\uXXXX" is 6 (12 for a pair): it fits. */
			if (cp < 0x80) {
				*w++ = (char)cp;
			} else if (cp < 0x800) {
				*w++ = (char)(0xc0 | (cp >> 6));
				*w++ = (char)(0x80 | (cp & 0x3f));
			} else if (cp < 0x10000) {
				*w++ = (char)(0xe0 | (cp >> 12));
				*w++ = (char)(0x80 | ((cp >> 6) & 0x3f));
				*w++ = (char)(0x80 | (cp & 0x3f));
			} else {
				*w++ = (char)(0xf0 | (cp >> 18));
				*w++ = (char)(0x80 | ((cp >> 12) & 0x3f));
				*w++ = (char)(0x80 | ((cp >> 6) & 0x3f));
				*w++ = (char)(0x80 | (cp & 0x3f));
			}
			break;
		}
		default:
			json_fail(ps, "bad escape");
			goto bad;
		}
	}
	ps->p++;
	*w = 0;
	*out = s;
	*outlen = (size_t)(w - s);
	return 0;
bad:
	free(s);
	return ps->r;
}

static int json_number(struct json_parser *ps, struct json *j)
{
	const char *s = ps->p;
	char buf[64], *end;
	bool frac = false;
	size_t n;

	if (ps->p < ps->end && *ps->p == '-')
		ps->p++;
	if (ps->p >= ps->end || *ps->p < '0' || *ps->p > '9')
		return json_fail(ps, "bad number");
	if (*ps->p == '0')
		ps->p++;
	else
		while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9')
			ps->p++;
	if (ps->p < ps->end && *ps->p == '.') {
		frac = true;
		ps->p++;
		if (ps->p >= ps->end || *ps->p < '0' || *ps->p > '9')
			return json_fail(ps, "bad number");
		while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9')
			ps->p++;
	}
	if (ps->p < ps->end && (*ps->p == 'e' || *ps->p == 'E')) {
		frac = true;
		ps->p++;
		if (ps->p < ps->end && (*ps->p == '+' || *ps->p == '-'))
			ps->p++;
		if (ps->p >= ps->end || *ps->p < '0' || *ps->p > '9')
			return json_fail(ps, "bad number");
		while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9')
			ps->p++;
	}
	n = (size_t)(ps->p - s);
	if (n >= sizeof(buf))
		return json_fail(ps, "number too long");
	memcpy(buf, s, n);
	buf[n] = 0;
	j->type = JSON_NUMBER;
	j->d = strtod(buf, NULL);
	if (!frac) {
		errno = 0;
		j->i = strtoll(buf, &end, 10);
		j->is_int = errno == 0;
	}
	return 0;
}

static int json_value(struct json_parser *ps, struct json *j, int depth);

static int json_container(struct json_parser *ps, struct json *j, int depth, bool obj)
{
	size_t cap = 0;
	char close = obj ? '}' : ']';

	if (depth >= JSON_MAX_DEPTH)
		return json_fail(ps, "nested too deep");
	j->type = obj ? JSON_OBJECT : JSON_ARRAY;
	ps->p++;
	json_ws(ps);
	if (ps->p < ps->end && *ps->p == close) {
		ps->p++;
		return 0;
	}
	for (;;) {
		char *key = NULL;
		size_t klen;

		json_ws(ps);
		if (obj) {
			if (ps->p >= ps->end || *ps->p != '"')
				return json_fail(ps, "expected a key");
			if (json_string(ps, &key, &klen) < 0)
				return ps->r;
			json_ws(ps);
			if (ps->p >= ps->end || *ps->p != ':') {
				free(key);
				return json_fail(ps, "expected ':'");
			}
			ps->p++;
		}
		if (j->len == cap) {
			size_t nc = cap ? cap * 2 : 8;
			struct json *ni = realloc(j->items, nc * sizeof(*ni));

			if (!ni) {
				free(key);
				return ps->r = -ENOMEM;
			}
			j->items = ni;
			if (obj) {
				char **nk = realloc(j->keys, nc * sizeof(*nk));

				if (!nk) {
					free(key);
					return ps->r = -ENOMEM;
				}
				j->keys = nk;
			}
			cap = nc;
		}
		memset(&j->items[j->len], 0, sizeof(j->items[0]));
		if (obj)
			j->keys[j->len] = key;
		j->len++;
		if (json_value(ps, &j->items[j->len - 1], depth + 1) < 0)
			return ps->r;
		json_ws(ps);
		if (ps->p < ps->end && *ps->p == ',') {
			ps->p++;
			continue;
		}
		if (ps->p < ps->end && *ps->p == close) {
			ps->p++;
			return 0;
		}
		return json_fail(ps, obj ? "expected ',' or '}'" : "expected ',' or ']'");
	}
}

static int json_word(struct json_parser *ps, const char *w)
{
	size_t n = strlen(w);

	if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, w, n))
		return json_fail(ps, "unexpected character");
	ps->p += n;
	return 0;
}

static int json_value(struct json_parser *ps, struct json *j, int depth)
{
	json_ws(ps);
	if (ps->p >= ps->end)
		return json_fail(ps, "unexpected end");
	switch (*ps->p) {
	case '{':
		return json_container(ps, j, depth, true);
	case '[':
		return json_container(ps, j, depth, false);
	case '"':
		j->type = JSON_STRING;
		return json_string(ps, &j->s, &j->len);
	case 't':
		j->type = JSON_BOOL;
		j->b = true;
		return json_word(ps, "true");
	case 'f':
		j->type = JSON_BOOL;
		return json_word(ps, "false");
	case 'n':
		j->type = JSON_NULL;
		return json_word(ps, "null");
	default:
		return json_number(ps, j);
	}
}

int json_parse(const char *text, size_t len, struct json **out, char *err, size_t errsize)
{
	struct json_parser ps = {
	    .p = text, .end = text + len, .start = text, .err = err, .errsize = errsize};
	struct json *j;

	if (err && errsize)
		err[0] = 0;
	if (len > JSON_MAX_TEXT) {
		json_fail(&ps, "text too long");
		return ps.r;
	}
	j = calloc(1, sizeof(*j));
	if (!j)
		return -ENOMEM;
	if (json_value(&ps, j, 0) == 0) {
		json_ws(&ps);
		if (ps.p != ps.end)
			json_fail(&ps, "trailing bytes after the value");
	}
	if (ps.r < 0) {
		if (ps.r == -ENOMEM && err && errsize)
			snprintf(err, errsize, "out of memory");
		json_free(j);
		return ps.r;
	}
	*out = j;
	return 0;
}

const struct json *json_get(const struct json *j, const char *key)
{
	if (!j || j->type != JSON_OBJECT)
		return NULL;
	for (size_t k = 0; k < j->len; k++)
		if (!strcmp(j->keys[k], key))
			return &j->items[k];
	return NULL;
}

int json_get_bool(const struct json *j, const char *key, bool *out)
{
	const struct json *v = json_get(j, key);

	if (!v || v->type == JSON_NULL)
		return -ENOENT;
	if (v->type != JSON_BOOL)
		return -EINVAL;
	*out = v->b;
	return 0;
}

int json_get_int(const struct json *j, const char *key, int64_t *out)
{
	const struct json *v = json_get(j, key);

	if (!v || v->type == JSON_NULL)
		return -ENOENT;
	if (v->type != JSON_NUMBER || !v->is_int)
		return -EINVAL;
	*out = v->i;
	return 0;
}

int json_get_str(const struct json *j, const char *key, const char **out)
{
	const struct json *v = json_get(j, key);

	if (!v || v->type == JSON_NULL)
		return -ENOENT;
	if (v->type != JSON_STRING)
		return -EINVAL;
	*out = v->s;
	return 0;
}

void json_buf_init(struct json_buf *b)
{
	memset(b, 0, sizeof(*b));
}

void json_buf_free(struct json_buf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

static int json_buf_grow(struct json_buf *b, size_t n)
{
	size_t nc;
	char *np;

	if (b->err)
		return b->err;
	if (b->len + n + 1 <= b->cap)
		return 0;
	nc = b->cap ? b->cap : 256;
	while (nc < b->len + n + 1)
		nc *= 2;
	np = realloc(b->p, nc);
	if (!np)
		return b->err = -ENOMEM;
	b->p = np;
	b->cap = nc;
	return 0;
}

void json_buf_raw(struct json_buf *b, const char *s, size_t n)
{
	if (json_buf_grow(b, n) < 0)
		return;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = 0;
}

void json_buf_printf(struct json_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || json_buf_grow(b, (size_t)n) < 0)
		return;
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void json_buf_str(struct json_buf *b, const char *s)
{
	json_buf_raw(b, "\"", 1);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			char e[2] = {'\\', (char)c};

			json_buf_raw(b, e, 2);
		} else if (c < 0x20 || c == 0x7f) {
			json_buf_printf(b, "\\u%04x", c);
		} else {
			json_buf_raw(b, (const char *)&c, 1);
		}
	}
	json_buf_raw(b, "\"", 1);
}
