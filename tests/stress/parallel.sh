#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Many parallel transfers: 64 concurrent TCP streams B -> A (4 MiB each; the long form repeats
# rounds of 64 x 16 MiB for STRESS_SECONDS), each checked by sha256 at both ends.
. "$(dirname "$0")/lib.sh"
stress_init parallel "64 concurrent TCP streams, sha256 each"
PORT=8182
net_up || { app_done; exit 1; }
serve "$A" shs $PY "$SHS" server "$IA" $PORT
wait_port "$B" "$IA" $PORT || not_ok "B reaches the server on A"
MB=4 rounds=0 good=0 t0=$(now) end=$(($(date +%s) + STRESS_SECONDS))
long && MB=16
while :; do
	rounds=$((rounds + 1))
	out=$(TO=$((STRESS_TIMEOUT - 60)) on "$B" $PY "$SHS" client "$IA" $PORT $((MB << 20)) $((rounds * 1000)) 64 2>"$W/cli.err")
	rc=$?
	if [ $rc = 0 ] && [ "${out#good 64 of 64}" != "$out" ]; then
		good=$((good + 1))
	else
		not_ok "round $rounds: 64 streams of $MB MiB (rc $rc: $out)"
		evidence "$W/cli.err"
		break
	fi
	[ "$(date +%s)" -lt "$end" ] || break
done
t1=$(now)
[ $good = $rounds ] && ok "$rounds round(s) of 64 concurrent streams x $MB MiB B -> A, every sha256 equal: $out"
fig streams 64
fig rounds "$good/$rounds"
fig MiB_s "$(mbps $((good * 64 * MB << 20)) "$t0" "$t1")"
evidence "$W/shs.log" 5
app_done
