#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Packet loss on a path of realistic length between the nodes: A's and B's daemons restarted with
# NETCON_TEST_DELAY_MS=10 (each holds what it receives 10 ms: a 20 ms round trip) and
# NETCON_TEST_LOSS=P:SEED (the transport's test-only seeded drop of received datagrams, both
# directions; no netem on these machines) at 0, 1, 5 and 10 %; a TCP transfer B -> A at each, sha256
# equal, throughput recorded. Loss costs most where the round trip is long; the short form sends
# 20 MiB, 8 MiB, 512 KiB and 128 KiB, the long form 20 MiB at every rate, as many as fit in
# STRESS_SECONDS / 4. Each transfer is bounded only against a hang: 6 minutes in the short form.
# Then a loss burst (A's daemon stopped 0.5 s, 4 s into a 12 s stream at 20 ms and no random loss:
# what arrives meanwhile beyond its socket buffer is lost): the stream ends sha256 equal, and the
# window recovers: what A receives per second at the end is at least a quarter of what it received
# before the burst, or twice its lowest second after it (Reno halves the window, or after a
# timeout starts again from one segment, and then regains one segment per round trip: slow at 20
# ms, but growing). Ratios within one stream, not speeds: a window that collapsed for good, stuck
# in retransmission backoff or at a few segments, stays flat and far below both.
. "$(dirname "$0")/lib.sh"
stress_init loss "NETCON_TEST_DELAY_MS 10 each way, NETCON_TEST_LOSS 0/1/5/10 %, a loss burst, TCP B -> A"
PORT=8184
DELAY=10
net_up || { app_done; exit 1; }
for pct in 0 1 5 10; do
	case $pct in 0) KB=20480 ;; 1) KB=8192 ;; 5) KB=512 ;; *) KB=128 ;; esac
	long && KB=20480
	export NETCON_TEST_DELAY_MS=$DELAY
	if ! NETCON_TEST_LOSS=$pct:$((1000 + pct)) restart a "$A" || ! NETCON_TEST_LOSS=$pct:$((2000 + pct)) restart b "$B"; then
		not_ok "$pct %: A and B restarted with the loss and back on the network"
		evidence "$W/a.log"
		continue
	fi
	unset NETCON_TEST_DELAY_MS
	[ $pct = 0 ] || grep -q "NETCON_TEST_LOSS: dropping $pct.0%" "$W/a.log" ||
		not_ok "$pct %: the daemon warns that the loss knob is set"
	grep -q "NETCON_TEST_DELAY_MS: holding received UDP datagrams $DELAY.0 ms" "$W/a.log" ||
		not_ok "$pct %: the daemon warns that the delay knob is set"
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
	[ $failed = 0 ] && ok "$pct % loss each way, $((2 * DELAY)) ms round trip: $n x $KB KiB B -> A, sha256 equal, $r KiB/s"
	fig "loss${pct}_KiB_s" "$r"
	kill "$srv" 2>/dev/null
done

# The loss burst.
if NETCON_TEST_DELAY_MS=$DELAY restart a "$A" && NETCON_TEST_DELAY_MS=$DELAY restart b "$B"; then
	serve "$A" burst $PY "$SHS" server "$IA" $PORT
	srv=$SRV_PID
	wait_port "$B" "$IA" $PORT || not_ok "burst: B reaches the server on A"
	TO=300 on "$B" $PY "$SHS" client "$IA" $PORT 12s 77 >"$W/burst.out" 2>"$W/cli.err" &
	cli=$!
	sleep 4
	kill -STOP "$(pid_of a)"
	sleep 0.5
	kill -CONT "$(pid_of a)"
	wait $cli
	rc=$?
	out=$(cat "$W/burst.out")
	if [ $rc = 0 ] && [ "${out#good 1 of 1}" != "$out" ]; then
		ok "a loss burst in a 12 s stream at $((2 * DELAY)) ms: sha256 equal ($out)"
	else
		not_ok "a loss burst in a 12 s stream: the stream completes, sha256 equal (rc $rc: $out)"
		evidence "$W/cli.err"
	fi
	# KiB per second at A; the burst falls in seconds 3-5 of A's count (its clock starts at the
	# first byte, after the connect). Before: seconds 1-2; lowest: seconds 4-6; end: seconds 8-10.
	for _ in $(seq 20); do grep -q '^timeline' "$W/burst.log" && break; sleep 0.2; done
	tl=$(sed -n 's/^timeline //p' "$W/burst.log" | tail -1)
	diag "burst: KiB received per second at A: $tl"
	set -- $tl
	if [ $# -ge 11 ]; then
		before=$(echo "$tl" | awk '{ print ($2 + $3) / 2 }')
		low=$(echo "$tl" | awk '{ m = $5; if ($6 < m) m = $6; if ($7 < m) m = $7; print m }')
		after=$(echo "$tl" | awk '{ print ($9 + $10 + $11) / 3 }')
		fig burst_before_KiB_s "$before"
		fig burst_low_KiB_s "$low"
		fig burst_after_KiB_s "$after"
		if awk "BEGIN { exit !($after * 4 >= $before || ($after > 0 && $after >= 2 * $low)) }"; then
			ok "the window recovers after the burst: $after KiB/s at the end, $before before, $low at the lowest"
		else
			not_ok "the window recovers after the burst: $after KiB/s at the end, $before before, $low at the lowest"
			evidence "$W/a.log"
		fi
	else
		not_ok "the window recovers after the burst: A counted $# seconds of the 12 s stream ($tl)"
	fi
	kill "$srv" 2>/dev/null
else
	not_ok "burst: A and B restarted with the delay and back on the network"
	evidence "$W/a.log"
fi
app_done
