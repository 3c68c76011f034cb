#!/bin/sh
# One TCP stream (iperf3, node 2 -> node 1) across two netcon nodes on one machine, with emulated
# distance: each daemon holds what it receives RTT/2 ms (NETCON_TEST_DELAY_MS) and drops P % of it
# (NETCON_TEST_LOSS), at 20 and 100 ms round trip, 0 and 1 % loss each way. For each build given
# (default: build, our lwIP, and build-sys, Debian's: `make B=build-sys LWIP=system all`), Mbit/s
# beside the bandwidth-delay limit of a 64 KiB and a 4 MiB window, and at 1 % loss Reno's
# MSS/RTT*1.22/sqrt(p) with p the loss of one direction (of datagrams: a segment is two of them). Then a loss burst (the receiving daemon
# stopped for 0.5 s) in a 12 s stream at 20 ms: the rate after it against the rate before, so a
# window that collapses for good shows. Prints figures only.
# Usage: bench/wan.sh [BUILD...]   BENCH_SECS (default 10) per transfer; BENCH_CASES="20:0 100:1"
cd "$(dirname "$0")/.." || exit 1
SECS=${BENCH_SECS:-10}
CASES=${BENCH_CASES:-20:0 20:1 100:0 100:1}
BUILDS=${*:-build build-sys}
command -v iperf3 >/dev/null || { echo "bench/wan.sh: needs iperf3"; exit 0; }
# Debian's lwIP, for the "before" column: built beside ours when missing.
case " $BUILDS " in *" build-sys "*)
	[ -x build-sys/netcon ] || make -s B=build-sys LWIP=system build-sys/netcon build-sys/tests/integ/tcp_probe >/dev/null ;;
esac
D=$(mktemp -d /tmp/netcon-wan.XXXXXX)
# Searchable: a daemon started as root runs as its own user and must reach its home in here.
chmod 755 "$D"
PIDS=""
stop_nodes() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	for h in "$D/n1" "$D/n2"; do [ -f "$h/netcon.pid" ] && kill "$(cat "$h/netcon.pid")" 2>/dev/null; done
	PIDS=""
	sleep 0.3
	rm -rf "$D/n1" "$D/n2"
}
trap 'stop_nodes; rm -rf "$D"' EXIT
trap "exit 1" INT TERM

# one BUILD RTT LOSS [burst]: prints Mbit/s (with burst: before, after, verdict, per second), or
# "fail: why"
one() {
	N=$1/netcon half=$(($2 / 2))
	PORT=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	export NETCON_TEST_DELAY_MS=$half NETCON_TEST_LOSS=$3:7
	$N init --home "$D/n1" --endpoint "127.0.0.1/$PORT" >"$D/init.out" 2>&1 || { echo "fail: init"; return; }
	NWID=$(sed -n 's/^network: //p' "$D/init.out")
	IP1=$(sed -n 's/^address: //p' "$D/init.out" | head -1 | cut -d/ -f1)
	NETCON_TEST_LOSS=$3:8 $N daemon --home "$D/n2" --port 0 --planet "$D/n1/planet" -d >/dev/null 2>&1 || { echo "fail: daemon 2"; return; }
	unset NETCON_TEST_DELAY_MS NETCON_TEST_LOSS
	$N join --home "$D/n2" "$NWID" >/dev/null
	$N controller member authorize --home "$D/n1" "$NWID" "$(cut -c1-10 "$D/n2/identity.public")" >/dev/null
	for _ in $(seq 300); do $N networks --home "$D/n2" | grep -q " OK .*10\." && break; sleep 0.1; done
	$N networks --home "$D/n2" | grep -q " OK .*10\." || { echo "fail: node 2 did not join"; return; }
	$N run --home "$D/n1" -- iperf3 -s -B "$IP1" -p 5211 >/dev/null 2>&1 &
	PIDS="$PIDS $!"
	for _ in $(seq 100); do $N run --home "$D/n2" --isolate -- "$1/tests/integ/tcp_probe" "$IP1" 5211 2>/dev/null && break; sleep 0.1; done
	if [ -z "$4" ]; then
		$N run --home "$D/n2" --isolate -- iperf3 -c "$IP1" -p 5211 -t "$SECS" -J >"$D/iperf.json" 2>/dev/null
		python3 -c 'import json,sys
try: print("%.1f" % (json.load(open(sys.argv[1]))["end"]["sum_received"]["bits_per_second"] / 1e6))
except Exception as e: print("fail: iperf3 gave no figure: " + open(sys.argv[1]).read()[-300:].replace("\n", " "))' "$D/iperf.json"
		return
	fi
	# The loss burst: node 1's daemon stopped for 0.5 s after 4 s of a 12 s stream; what arrives
	# meanwhile beyond its UDP socket's buffer is lost. Seconds 2-4 against seconds 9-12.
	$N run --home "$D/n2" --isolate -- iperf3 -c "$IP1" -p 5211 -t 12 -i 1 -J >"$D/iperf.json" 2>"$D/iperf.err" &
	ip=$!
	sleep 4.5
	kill -STOP "$(cat "$D/n1/netcon.pid")"
	sleep 0.5
	kill -CONT "$(cat "$D/n1/netcon.pid")"
	wait $ip
	python3 -c 'import json,sys
try:
    iv = [i["sum"]["bits_per_second"] / 1e6 for i in json.load(open(sys.argv[1]))["intervals"]]
    a, b = sum(iv[1:4]) / 3, sum(iv[8:12]) / len(iv[8:12])
    # Reno halves the window and regains one segment per round trip: slow, but it grows.
    ok = b >= a / 4 and iv[-1] >= min(iv[5:8])
    print("%.1f %.1f %s %s" % (a, b, "recovering" if ok else "COLLAPSED", " ".join("%.0f" % x for x in iv)))
except Exception as e: print("fail: iperf3 gave no figure: " + open(sys.argv[1]).read()[-300:].replace("\n", " "))' "$D/iperf.json"
}

printf '%-10s %5s %5s %10s %12s %12s %12s\n' build rtt_ms loss% Mbit/s 64KiB_limit 4MiB_limit Reno
for c in $CASES; do
	rtt=${c%:*} loss=${c#*:}
	for b in $BUILDS; do
		[ -x "$b/netcon" ] || { echo "$b/netcon not built"; continue; }
		r=$(one "$b" "$rtt" "$loss")
		stop_nodes
		# the MSS each lwIP sends on a ZeroTier network (lwip/include/lwipopts.h, Debian's)
		mss=1460
		[ "$b" = build-sys ] || mss=2760
		awk -v b="$b" -v rtt="$rtt" -v p="$loss" -v r="$r" -v mss=$mss 'BEGIN {
			w64 = 65535 * 8 / (rtt / 1000) / 1e6; w4 = 4194304 * 8 / (rtt / 1000) / 1e6
			reno = p > 0 ? sprintf("%.1f", mss * 8 / (rtt / 1000) * 1.22 / sqrt(p / 100) / 1e6) : "-"
			printf "%-10s %5d %5s %10s %12.1f %12.1f %12s\n", b, rtt, p, r, w64, w4, reno }'
	done
done
# A window that collapses for good after a loss burst would stay low after it: 20 ms round trip.
[ "${BENCH_BURST:-1}" = 1 ] || exit 0
echo "loss burst at 20 ms RTT (node 1's daemon stopped 0.5 s at 4.5 s): Mbit/s in s 2-4, s 9-12, per second"
for b in $BUILDS; do
	[ -x "$b/netcon" ] || continue
	echo "$b $(one "$b" 20 0 burst)"
	stop_nodes
done
