#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# UDP datagrams per second between containers on two netcon nodes (`netcon init` + a member on
# its planet and network, as bench/net.sh): a sender under netcon on node 2 blasts datagrams of
# 64 and 1,200 bytes at a receiver under netcon on node 1 for BENCH_SECS; beside it the same two
# programs over kernel loopback in the same run. Counts what was sent and what arrived (loss),
# best of BENCH_RUNS runs by datagrams received. Prints figures and ratios only.
cd "$(dirname "$0")/.." || exit 1
B=${B:-build}
N=$B/netcon
UB=$B/tests/integ/udp_bench
SECS=${BENCH_SECS:-5}
RUNS=${BENCH_RUNS:-3}
SIZES=${BENCH_SIZES:-64 1200}
[ -x "$UB" ] || make -s "$UB" || exit 1
D=$(mktemp -d /tmp/netcon-bench.XXXXXX)
# Searchable: a daemon started as root runs as its own user and must reach its home in here.
chmod 755 "$D"
N1=$D/n1 N2=$D/n2
cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	for h in "$N1" "$N2"; do [ -f "$h/netcon.pid" ] && kill "$(cat "$h/netcon.pid")" 2>/dev/null; done
	sleep 0.2
	rm -rf "$D"
}
PIDS=""
trap cleanup EXIT INT TERM
PORT=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
$N init --home "$N1" --endpoint "127.0.0.1/$PORT" >"$D/init.out" 2>&1 || { cat "$D/init.out"; exit 1; }
NWID=$(sed -n 's/^network: //p' "$D/init.out")
IP1=$(sed -n 's/^address: //p' "$D/init.out" | head -1 | cut -d/ -f1)
$N daemon --home "$N2" --port 0 --planet "$N1/planet" -d >/dev/null || exit 1
$N join --home "$N2" "$NWID" >/dev/null
$N controller member authorize --home "$N1" "$NWID" "$(cut -c1-10 "$N2/identity.public")" >/dev/null
for _ in $(seq 150); do $N networks --home "$N2" | grep -q " OK .*10\." && break; sleep 0.1; done
# Node 2's programs run under --isolate: were its network not up, IP1 would not be virtual to it
# and split routing would send the load through the host, out of its default route.
$N networks --home "$N2" | grep -q " OK .*10\." || { echo "$0: node 2 did not join $NWID"; exit 1; }
# The first datagrams wait for ARP and the peers' certificates: warm the path up once.
$N run --home "$N1" -- $UB recv "$IP1" 5301 64 >/dev/null 2>&1 &
w=$!
sleep 0.5
$N run --home "$N2" --isolate -- $UB send "$IP1" 5301 64 1 >/dev/null 2>&1
wait $w

# one HOME-or-empty IP PORT SIZE: "sent received secs" of one run
one() {
	if [ -n "$1" ]; then r1="$N run --home $N1 --" r2="$N run --home $N2 --isolate --"; else r1="" r2=""; fi
	$r1 $UB recv "$2" "$3" "$4" >"$D/recv.out" 2>&1 &
	rp=$!
	for _ in $(seq 100); do grep -q ready "$D/recv.out" 2>/dev/null && break; sleep 0.05; done
	s=$($r2 $UB send "$2" "$3" "$4" "$SECS")
	wait $rp
	echo "$s $(tail -1 "$D/recv.out")" | awk '{ print $1, $3, $2 }'
}
# best HOME-or-empty IP PORT SIZE: the run that received the most
best() {
	for i in $(seq "$RUNS"); do one "$@"; done | sort -k2,2 -g | tail -1
}
fmt() { # sent received secs -> "sent N/s  received N/s  loss P%"
	echo "$1" | awk '{ printf "sent %9.0f/s  received %9.0f/s  loss %5.1f%%", $1 / $3, $2 / $3, $1 ? 100 * ($1 - $2) / $1 : 0 }'
}
echo "netcon UDP benchmark ($(date -u +%F), $(nproc) cores): node 2 -> node 1 over ZeroTier on loopback, ${SECS} s blasts, best of $RUNS"
for sz in $SIZES; do
	k=$(best "" 127.0.0.1 5302 "$sz")
	n=$(best "$N2" "$IP1" 5303 "$sz")
	rk=$(echo "$k" | awk '{ print $2 / $3 }') rn=$(echo "$n" | awk '{ print $2 / $3 }')
	echo "$sz-byte datagrams:"
	echo "  kernel loopback  $(fmt "$k")"
	echo "  netcon           $(fmt "$n")"
	echo "  received netcon/kernel: $(awk -v a="$rn" -v b="$rk" 'BEGIN { if (b > 0) printf "%.3f", a / b; else print "n/a" }')   netcon $(awk -v r="$rn" -v s="$sz" 'BEGIN { printf "%.1f Mbit/s of payload", r * s * 8 / 1e6 }')"
done
