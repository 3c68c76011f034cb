// SPDX-License-Identifier: BSD-2-Clause
/* libFuzzer: the Dictionary reader on any bytes, and every entry it finds survives a rewrite. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "zt/dictionary.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char wbuf[3 * 65536 + 256];
	static uint8_t val[65536], back[65536];
	static const char *keys[] = {"v", "nwid", "id", "n", "C", "I", "RT", "DNS", "ssoe"};
	struct zt_dict d, w;
	const char *k, *raw;
	size_t pos = 0, kl, rl;
	char key[ZT_DICT_MAX_KEY + 1], s[128];
	uint64_t u;
	bool b;

	if (size > 65536)
		return 0;
	zt_dict_view(&d, data, size);
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		zt_dict_get_u64(&d, keys[i], &u);
		zt_dict_get_str(&d, keys[i], s, sizeof(s));
		zt_dict_get_bool(&d, keys[i], &b);
		zt_dict_get(&d, keys[i], val, sizeof(val));
	}
	zt_dict_init(&w, wbuf, sizeof(wbuf));
	while (zt_dict_next(&d, &pos, &k, &kl, &raw, &rl)) {
		int n = zt_dict_unescape(raw, rl, val, sizeof(val)), m;

		if (n < 0 || (size_t)n > rl)
			abort();
		if (kl == 0 || kl > ZT_DICT_MAX_KEY || memchr(k, '\\', kl) || memchr(k, '=', kl))
			continue;
		memcpy(key, k, kl);
		key[kl] = '\0';
		if (zt_dict_set(&w, key, val, (size_t)n) < 0)
			abort();
		m = zt_dict_get(&w, key, back, sizeof(back));
		if (m != n || memcmp(back, val, (size_t)n))
			abort();
		if (w.len != strlen(w.text))
			abort();
	}
	return 0;
}
