/* SPDX-License-Identifier: BSD-2-Clause */
/* Header-only helpers of the ZeroTier unit tests: read a data file, load a lab identity. */
#ifndef NETCON_TESTS_ZT_TESTUTIL_H
#define NETCON_TESTS_ZT_TESTUTIL_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "zt/identity.h"

/* The lab's identities, planet, homes and captures, relative to the project root. */
#define ZT_TEST_DATA "tests/data/zt/"

/* Read up to size - 1 bytes of path into buf and NUL-terminate them; returns the length read.
 * A missing file bails out of the whole test. */
static inline size_t zt_test_slurp(const char *path, void *buf, size_t size)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f) {
		printf("Bail out! cannot open %s\n", path);
		exit(1);
	}
	n = fread(buf, 1, size - 1, f);
	fclose(f);
	((char *)buf)[n] = '\0';
	return n;
}

/* Load ZT_TEST_DATA/NAME.identity.KIND (KIND "public" or "secret"); 0 or -errno. */
static inline int zt_test_read_id(const char *name, const char *kind, struct zt_identity *id)
{
	char path[160], text[600];
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), ZT_TEST_DATA "%s.identity.%s", name, kind);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	return zt_identity_from_string(id, text);
}

/* Load an identity from path, or bail out of the whole test. */
static inline void zt_test_load_id(struct zt_identity *id, const char *path)
{
	char text[600];

	zt_test_slurp(path, text, sizeof(text));
	if (zt_identity_from_string(id, text) < 0) {
		printf("Bail out! bad identity %s\n", path);
		exit(1);
	}
}

#endif
