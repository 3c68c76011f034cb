#!/bin/bash
# Packet loss on the UDP path between the nodes: A's and B's daemons restarted with
# NETCON_TEST_LOSS=P:SEED (the transport's test-only seeded drop of received datagrams, both
# directions; no netem on these machines) at 0, 1, 5 and 10 %; a TCP transfer B -> A at each, 20 MiB
# at 0 and 1 %, 4 MiB at 5 %, 2 MiB at 10 % (lwIP's TCP recovers slowly: ~30 KiB/s at 5 %), the long
# form as many as fit in STRESS_SECONDS / 4 per rate; sha256 equal; throughput recorded.
. "$(dirname "$0")/lib.sh"
stress_init loss "NETCON_TEST_LOSS 0/1/5/10 %, TCP B -> A"
PORT=8184
net_up || { app_done; exit 1; }
for pct in 0 1 5 10; do
	case $pct in 0 | 1) MB=20 ;; 5) MB=4 ;; *) MB=2 ;; esac
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
		out=$(TO=300 on "$B" $PY "$SHS" client "$IA" $PORT $((MB << 20)) $((pct * 100 + n)) 2>"$W/cli.err")
		rc=$?
		if [ $rc != 0 ] || [ "${out#good 1 of 1}" = "$out" ]; then
			not_ok "$pct % loss: $MB MiB transfer $n (rc $rc: $out)"
			evidence "$W/cli.err"
			failed=1
			break
		fi
		bytes=$((bytes + (MB << 20)))
		[ "$(date +%s)" -lt "$end" ] || break
	done
	t1=$(now)
	r=$(mbps $bytes "$t0" "$t1")
	[ $failed = 0 ] && ok "$pct % loss each way: $n x $MB MiB B -> A, sha256 equal, $r MiB/s"
	fig "loss${pct}_MiB_s" "$r"
	kill "$srv" 2>/dev/null
done
app_done
