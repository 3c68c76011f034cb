#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# A large continuous transfer: one TCP stream B -> A, 4 GiB in the short form (CI; ~55 s at ~75
# MiB/s), more in the long form (STRESS_SECONDS x 32 MiB, at least 4 GiB); sha256 computed at both
# ends. The only time bound is on a hang: run-all's STRESS_TIMEOUT less a minute for the set-up.
. "$(dirname "$0")/lib.sh"
stress_init transfer "one TCP stream, sha256 at both ends"
PORT=8181
MB=4096
long && MB=$((STRESS_SECONDS * 32)) && [ $MB -lt 4096 ] && MB=4096
net_up || { app_done; exit 1; }
serve "$A" shs $PY "$SHS" server "$IA" $PORT
wait_port "$B" "$IA" $PORT || not_ok "B reaches the server on A"
t0=$(now)
out=$(TO=$((STRESS_TIMEOUT - 60)) on "$B" $PY "$SHS" client "$IA" $PORT $((MB << 20)) 1 2>"$W/cli.err")
rc=$?
t1=$(now)
[ $rc = 0 ] && [ "${out#good 1 of 1}" != "$out" ] &&
	ok "$MB MiB B -> A in one stream, sha256 equal at both ends: $out" ||
	{ not_ok "$MB MiB B -> A in one stream (rc $rc: $out)"; evidence "$W/cli.err"; evidence "$W/shs.log"; }
fig MiB $MB
fig MiB_s "$(mbps $((MB << 20)) "$t0" "$t1")"
app_done
