// SPDX-License-Identifier: BSD-2-Clause
/* libFuzzer: the JSON reader on any bytes, and the controller's record loaders behind it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "zt/controller.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct zt_controller c;
	static bool init;
	struct json *j;
	char err[128];

	if (json_parse((const char *)data, size, &j, err, sizeof(err)) == 0) {
		struct json_buf b;

		json_get(j, "id");
		json_buf_init(&b);
		if (j->type == JSON_STRING)
			json_buf_str(&b, j->s);
		json_buf_free(&b);
		json_free(j);
	}
	if (!init) {
		struct zt_identity id;

		/* The loaders need only the address (the lab root's, 5f4e89e209). */
		memset(&id, 0, sizeof(id));
		id.address = 0x5f4e89e209ULL;
		id.has_private = true;
		zt_controller_init(&c, &id);
		init = true;
	}
	if (size && data[0] & 1) {
		zt_controller_load_member(&c, (const char *)data, size, err, sizeof(err));
	} else {
		zt_controller_load_network(&c, (const char *)data, size, err, sizeof(err));
		if (c.n_networks > 64) {
			zt_controller_free(&c);
			init = false;
		}
	}
	return 0;
}
