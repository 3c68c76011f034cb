/* SPDX-License-Identifier: BSD-2-Clause */
/* A small JSON reader (a tree) and writer (a growing buffer), for the controller's records. */
#ifndef NETCON_JSON_H
#define NETCON_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum json_type { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT };

/* Nesting deeper than this is refused (a parser must not recurse without bound). */
#define JSON_MAX_DEPTH 64
/* Texts longer than this are refused. */
#define JSON_MAX_TEXT (16u << 20)

struct json {
	enum json_type type;
	bool b; /* JSON_BOOL */
	bool is_int; /* JSON_NUMBER without fraction or exponent that fits in int64 */
	int64_t i;
	double d;
	char *s; /* JSON_STRING (NUL-terminated; \u0000 is refused) */
	size_t len; /* string length, or number of items */
	struct json *items; /* JSON_ARRAY, JSON_OBJECT */
	char **keys; /* JSON_OBJECT: keys[k] names items[k] */
};

/* Parse text[0..len) (one value, whitespace around it). On failure returns -EBADMSG (or
 * -ENOMEM) and writes a reason with its byte offset into err[0..errsize). */
int json_parse(const char *text, size_t len, struct json **out, char *err, size_t errsize);
void json_free(struct json *j);

/* Member key of an object, or NULL (also when j is not an object). */
const struct json *json_get(const struct json *j, const char *key);
/* Typed getters: 0, or -ENOENT (absent or null) / -EINVAL (another type). */
int json_get_bool(const struct json *j, const char *key, bool *out);
int json_get_int(const struct json *j, const char *key, int64_t *out);
/* The string itself (not copied). */
int json_get_str(const struct json *j, const char *key, const char **out);

/* Writer: append to a growing buffer; the first failure sticks in err (-ENOMEM). */
struct json_buf {
	char *p;
	size_t len, cap;
	int err;
};

void json_buf_init(struct json_buf *b);
void json_buf_free(struct json_buf *b);
void json_buf_raw(struct json_buf *b, const char *s, size_t n);
void json_buf_printf(struct json_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* s as a quoted JSON string ("\"", "\\", control bytes escaped; other bytes kept). */
void json_buf_str(struct json_buf *b, const char *s);

#endif
