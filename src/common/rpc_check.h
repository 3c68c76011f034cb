/* SPDX-License-Identifier: BSD-2-Clause */
/* Validation of control messages: magic, version, type and exact size, before any field is used. */
#ifndef NETCON_RPC_CHECK_H
#define NETCON_RPC_CHECK_H

#include <stddef.h>

/* A request from a program or the CLI: returns its type, or -EBADMSG (with *why set to a short
 * reason) if it is malformed, truncated, oversized, of another version or of an unknown type. */
int rpc_check_request(const void *buf, size_t len, const char **why);
/* A reply or accept record as the intercept receives it, of the expected type. */
int rpc_check_reply(const void *buf, size_t len, int want_type, const char **why);

#endif
