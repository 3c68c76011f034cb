#!/bin/bash
# A large continuous transfer: one TCP stream B -> A, 512 MiB in the short form, at least 4 GiB
# in the long form (more when STRESS_SECONDS asks for it, at ~32 MiB/s); sha256 computed at both ends.
. "$(dirname "$0")/lib.sh"
stress_init transfer "one TCP stream, sha256 at both ends"
PORT=8181
MB=512
long && MB=$((STRESS_SECONDS * 32)) && [ $MB -lt 4096 ] && MB=4096
net_up || { app_done; exit 1; }
serve "$A" shs $PY "$SHS" server "$IA" $PORT
wait_port "$B" "$IA" $PORT || not_ok "B reaches the server on A"
t0=$(now)
# bounded: 2 MiB/s at the least
out=$(TO=$((MB / 2 + 60)) on "$B" $PY "$SHS" client "$IA" $PORT $((MB << 20)) 1 2>"$W/cli.err")
rc=$?
t1=$(now)
[ $rc = 0 ] && [ "${out#good 1 of 1}" != "$out" ] &&
	ok "$MB MiB B -> A in one stream, sha256 equal at both ends: $out" ||
	{ not_ok "$MB MiB B -> A in one stream (rc $rc: $out)"; evidence "$W/cli.err"; evidence "$W/shs.log"; }
fig MiB $MB
fig MiB_s "$(mbps $((MB << 20)) "$t0" "$t1")"
app_done
