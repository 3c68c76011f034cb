#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Packet loss on the UDP path between the nodes: A's and B's daemons restarted with
# NETCON_TEST_LOSS=P:SEED (the transport's test-only seeded drop of received datagrams, both
# directions; no netem on these machines) at 0, 1, 5 and 10 %; a TCP transfer B -> A at each, sha256
# equal, throughput recorded. Debian's lwIP (no SACK, retransmission timers in coarse ticks, which
# the daemon runs 4 times as fast: stack.c) recovers slowly (~1.3-2 MiB/s at 1 %, ~200-350 KiB/s at
# 5 %, ~20-40 KiB/s at 10 %), so the short form sends 20 MiB, 8 MiB, 512 KiB and 128 KiB; the long
# form 20 MiB at every rate, as many as fit in STRESS_SECONDS / 4. Each transfer is bounded only
# against a hang: 6 minutes in the short form (10 % took 20-60 s before stack.c's faster ticks; two
# such stalls still fit in run-all's STRESS_TIMEOUT).
. "$(dirname "$0")/lib.sh"
stress_init loss "NETCON_TEST_LOSS 0/1/5/10 %, TCP B -> A"
PORT=8184
net_up || { app_done; exit 1; }
for pct in 0 1 5 10; do
	case $pct in 0) KB=20480 ;; 1) KB=8192 ;; 5) KB=512 ;; *) KB=128 ;; esac
	long && KB=20480
	if ! NETCON_TEST_LOSS=$pct:$((1000 + pct)) restart a "$A" || ! NETCON_TEST_LOSS=$pct:$((2000 + pct)) restart b "$B"; then
		not_ok "$pct %: A and B restarted with the loss and back on the network"
		evidence "$W/a.log"
		continue
	fi
	[ $pct = 0 ] || grep -q "NETCON_TEST_LOSS: dropping $pct.0%" "$W/a.log" ||
		not_ok "$pct %: the daemon warns that the loss knob is set"
	serve "$A" shs$pct $PY "$SHS" server "$IA" $PORT
	srv=$SRV_PID
	wait_port "$B" "$IA" $PORT || not_ok "$pct %: B reaches the server on A"
	n=0 bytes=0 t0=$(now) end=$(($(date +%s) + STRESS_SECONDS / 4)) failed=0
	while :; do
		n=$((n + 1))
		tmo=$(((STRESS_TIMEOUT - 180) / 2))
		long && tmo=$((KB / 4 + 120))
		out=$(TO=$tmo on "$B" $PY "$SHS" client "$IA" $PORT $((KB << 10)) $((pct * 100 + n)) 2>"$W/cli.err")
		rc=$?
		if [ $rc != 0 ] || [ "${out#good 1 of 1}" = "$out" ]; then
			not_ok "$pct % loss: $KB KiB transfer $n (rc $rc: $out)"
			evidence "$W/cli.err"
			failed=1
			break
		fi
		bytes=$((bytes + (KB << 10)))
		[ "$(date +%s)" -lt "$end" ] || break
	done
	t1=$(now)
	r=$(awk "BEGIN { printf \"%.0f\", $bytes / 1024 / ($t1 - $t0) }")
	[ $failed = 0 ] && ok "$pct % loss each way: $n x $KB KiB B -> A, sha256 equal, $r KiB/s"
	fig "loss${pct}_KiB_s" "$r"
	kill "$srv" 2>/dev/null
done
app_done
