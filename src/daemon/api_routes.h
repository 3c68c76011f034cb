/* SPDX-License-Identifier: BSD-2-Clause */
/* The local API's endpoints: a parsed request in, a status and a JSON (or text) body out. */
#ifndef NETCON_API_ROUTES_H
#define NETCON_API_ROUTES_H

#include "common/http.h"
#include "common/json.h"

/* Answer req (already authenticated) into body; returns the HTTP status. *ctype is set to the
 * body's content type. conns: the API's open connections, for /metrics. */
int api_route(const struct http_req *req, unsigned conns, struct json_buf *body,
	      const char **ctype);

#endif
