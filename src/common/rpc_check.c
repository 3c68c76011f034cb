// SPDX-License-Identifier: BSD-2-Clause
/* Validation of control messages: magic, version, type and exact size, before any field is used. */
#include <errno.h>
#include <string.h>

#include "common/rpc_check.h"
#include "netcon/rpc.h"

static const struct nc_msg_size rpc_sizes[NC_MSG_TYPE_MAX] = NC_MSG_SIZES;

static int rpc_check_common(const void *buf, size_t len, struct nc_hdr *h, const char **why)
{
	const char *dummy;

	if (!why)
		why = &dummy;
	if (len < sizeof(*h)) {
		*why = "shorter than a header";
		return -EBADMSG;
	}
	memcpy(h, buf, sizeof(*h));
	if (h->magic != NC_RPC_MAGIC) {
		*why = "bad magic";
		return -EBADMSG;
	}
	if (h->version != NC_RPC_VERSION) {
		*why = "unsupported protocol version";
		return -EBADMSG;
	}
	if (h->type == 0 || h->type >= NC_MSG_TYPE_MAX) {
		*why = "unknown message type";
		return -EBADMSG;
	}
	return 0;
}

int rpc_check_request(const void *buf, size_t len, const char **why)
{
	struct nc_hdr h;
	const char *dummy;
	int r = rpc_check_common(buf, len, &h, why);

	if (!why)
		why = &dummy;
	if (r < 0)
		return r;
	if (!rpc_sizes[h.type].req) {
		*why = "not a request type";
		return -EBADMSG;
	}
	if (len != rpc_sizes[h.type].req) {
		*why = len < rpc_sizes[h.type].req ? "truncated message" : "oversized message";
		return -EBADMSG;
	}
	return h.type;
}

int rpc_check_reply(const void *buf, size_t len, int want_type, const char **why)
{
	struct nc_hdr h;
	const char *dummy;
	int r = rpc_check_common(buf, len, &h, why);

	if (!why)
		why = &dummy;
	if (r < 0)
		return r;
	if (h.type != want_type) {
		*why = "unexpected reply type";
		return -EBADMSG;
	}
	/* An error reply is a bare header. */
	if (h.status < 0 && len == sizeof(h))
		return h.type;
	if (len != rpc_sizes[h.type].reply) {
		*why = "reply of the wrong size";
		return -EBADMSG;
	}
	return h.type;
}
