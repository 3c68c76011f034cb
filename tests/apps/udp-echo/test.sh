#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# UDP across nodes: an echo server on A, a client on B sends 10,000 datagrams of 64..1363 bytes
# through netcon; every one comes back with its boundaries and bytes.
. "$(dirname "$0")/../lib.sh"
app_init udp-echo "netcon UDP (udp_api)"
BIN=$NETCON_BUILD/tests/integ/udp_api
PORT=8096
[ -x "$BIN" ] || { not_ok "udp_api is built (make tests)"; app_done; exit 1; }
net_up || { app_done; exit 1; }
serve "$A" udp-echo "$BIN" echo-server "$IA" $PORT
until_ok 50 grep -q ready "$W/udp-echo.log" || not_ok "the echo server is up on A"
t0=$(now)
out=$(on "$B" "$BIN" echo-client "$IA" $PORT 10000 2>"$W/cli.err")
t1=$(now)
[ "$out" = "10000 good 0 bad" ] &&
	ok "10,000 datagrams from B to A and back, boundaries and bytes equal, $(secs "$t0" "$t1") s" ||
	{ not_ok "10,000 datagrams echoed ($out)"; evidence "$W/cli.err"; evidence "$W/udp-echo.log"; }
app_done
