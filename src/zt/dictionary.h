/* SPDX-License-Identifier: BSD-2-Clause */
/* ZeroTier's Dictionary: the key=value text of network configs and config requests. */
#ifndef NETCON_ZT_DICTIONARY_H
#define NETCON_ZT_DICTIONARY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Entries are "key=value" separated by LF (CR also ends an entry when reading); no LF after the
 * last one. In values the bytes NUL, CR, LF, '\' and '=' are written as \0, \r, \n, \\ and \e, so
 * binary values fit; reading maps any other escaped byte to itself, as node/Dictionary.hpp does.
 * The first entry with a key wins. Integers are hex (zt_dict_get_u64 takes 1..16 digits).
 *
 * A struct zt_dict is either a read-only view of received text (zt_dict_view) or a writable
 * dictionary in a caller's buffer (zt_dict_init), kept NUL-terminated.
 */
struct zt_dict {
	const char *text; /* the text, text[0..len) */
	size_t len;
	char *buf; /* == text when writable, NULL for a view */
	size_t cap; /* size of buf, including the NUL kept after the text */
};

/* Longest key accepted by the setters. */
#define ZT_DICT_MAX_KEY 64

/* View text[0..len) as a dictionary; the text ends at its first NUL byte if it has one. */
void zt_dict_view(struct zt_dict *d, const void *text, size_t len);
/* Start an empty writable dictionary in buf[0..cap) (cap >= 1). */
void zt_dict_init(struct zt_dict *d, char *buf, size_t cap);

/* Value of key, unescaped, into out[0..size). out may be NULL to learn the length. Returns the
 * value's length, -ENOENT if absent, -ENOSPC if it does not fit (out untouched), -EINVAL for an
 * empty key. */
int zt_dict_get(const struct zt_dict *d, const char *key, void *out, size_t size);
/* The value as a NUL-terminated string. -EBADMSG if it contains a NUL byte; else as zt_dict_get. */
int zt_dict_get_str(const struct zt_dict *d, const char *key, char *out, size_t size);
/* The value as hex (1..16 digits, either case). 0, -ENOENT or -EBADMSG (out untouched). */
int zt_dict_get_u64(const struct zt_dict *d, const char *key, uint64_t *out);
/* The value as a boolean: '1', 't' or 'T' first is true, anything else false. 0 or -ENOENT. */
int zt_dict_get_bool(const struct zt_dict *d, const char *key, bool *out);
/* Is key present? */
bool zt_dict_has(const struct zt_dict *d, const char *key);

/* Iterate entries: start with *pos = 0; each call gives the next key and its raw (escaped) value
 * and returns 1, or 0 at the end. Lines without '=' are skipped. */
int zt_dict_next(const struct zt_dict *d, size_t *pos, const char **key, size_t *keylen,
		 const char **raw, size_t *rawlen);
/* Unescape raw[0..rawlen) into out[0..size) (out NULL to measure). Length or -ENOSPC. */
int zt_dict_unescape(const char *raw, size_t rawlen, void *out, size_t size);

/* Set key to val[0..len), replacing every entry with that key; the new entry goes last. Returns 0,
 * -ENOSPC (dictionary untouched), -EINVAL for a bad key (empty, too long, or with '=', '\', CR,
 * LF or NUL), -EROFS for a view. */
int zt_dict_set(struct zt_dict *d, const char *key, const void *val, size_t len);
/* Set a string value. */
int zt_dict_set_str(struct zt_dict *d, const char *key, const char *s);
/* Set an integer as 16 lowercase hex digits, as ZeroTier writes most integers. */
int zt_dict_set_u64(struct zt_dict *d, const char *key, uint64_t v);
/* Set an integer as lowercase hex zero-padded to width digits (10 for addresses). */
int zt_dict_set_hex(struct zt_dict *d, const char *key, uint64_t v, int width);
/* Set a boolean as "1" or "0". */
int zt_dict_set_bool(struct zt_dict *d, const char *key, bool v);

#endif
