#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Two netcon nodes on one machine (`netcon init` + a member on its planet and network): programs
# in containers on node 1 and node 2 talk over the ZeroTier network (armored UDP on loopback).
# Beside each figure the same workload over kernel loopback in the same run: one TCP stream and
# four (iperf3), 1-byte request/response round trip (median), and connections per second
# (python3 both ends). The same workloads (iperf3 and round trip) also run through Debian's
# wireguard-go between two network namespaces over a veth, as a second baseline (skipped with a
# message when wireguard-go, wg or root are missing). Beside throughput, the CPU time the
# tunnel's processes spend per GB (both netcon daemons; both wireguard-go processes). Prints
# figures and ratios only. BENCH_ONLY=netcon skips wireguard-go; BENCH_PERF=1 profiles the
# daemons during the one-stream transfer with perf and prints where their CPU went
# (bench/perf_split.py; BENCH_PERF_TOP=N adds the N hottest symbols, BENCH_PERF_KEEP=FILE
# keeps perf.data).
cd "$(dirname "$0")/.." || exit 1
B=${B:-build}
N=$B/netcon
SECS=${BENCH_SECS:-5}
RTS=${BENCH_RTS:-5000}
CONNS=${BENCH_CONNS:-1000}
command -v iperf3 >/dev/null || { echo "bench/net.sh: needs iperf3"; exit 0; }
D=$(mktemp -d /tmp/netcon-bench.XXXXXX)
# Searchable: a daemon started as root runs as its own user and must reach its home in here.
chmod 755 "$D"
N1=$D/n1 N2=$D/n2
# wireguard-go: namespaces and interface names carry our PID, as its UAPI sockets share one
# directory across namespaces.
WA=ncwga$$ WB=ncwgb$$
RMEM_OLD=""
cleanup() {
	[ -n "$PERFPID" ] && kill "$PERFPID" 2>/dev/null
	[ -n "$RMEM_OLD" ] && sysctl -qw net.core.rmem_default="$RMEM_OLD"
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	for h in "$N1" "$N2"; do [ -f "$h/netcon.pid" ] && kill "$(cat "$h/netcon.pid")" 2>/dev/null; done
	sleep 0.2
	for ns in $NETNS; do ip netns del "$ns" 2>/dev/null; done
	rm -f "/var/run/wireguard/$WA.sock" "/var/run/wireguard/$WB.sock"
	rm -rf "$D"
}
PIDS=""
WGPIDS=""
PERFPID=""
NETNS=""
trap cleanup EXIT
trap "exit 1" INT TERM
PORT=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
$N init --home "$N1" --endpoint "127.0.0.1/$PORT" >"$D/init.out" || { cat "$D/init.out"; exit 1; }
NWID=$(sed -n 's/^network: //p' "$D/init.out")
IP1=$(sed -n 's/^address: //p' "$D/init.out" | head -1 | cut -d/ -f1)
$N daemon --home "$N2" --port 0 --planet "$N1/planet" -d >/dev/null || exit 1
$N join --home "$N2" "$NWID" >/dev/null
$N controller member authorize --home "$N1" "$NWID" "$(cut -c1-10 "$N2/identity.public")" >/dev/null
for _ in $(seq 150); do $N networks --home "$N2" | grep -q " OK .*10\." && break; sleep 0.1; done
# Node 2's programs run under --isolate: were its network not up, IP1 would not be virtual to it
# and split routing would send the load through the host, out of its default route.
$N networks --home "$N2" | grep -q " OK .*10\." || { echo "$0: node 2 did not join $NWID"; exit 1; }

cat >"$D/rr.py" <<'EOF'
import socket, sys, time
mode, ip, port, n = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
if mode == "server":
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((ip, port)); s.listen(128)
    while True:
        c, _ = s.accept()
        c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        while True:
            b = c.recv(1)
            if not b: break
            c.sendall(b)
        c.close()
elif mode == "rr":
    c = socket.create_connection((ip, port)); c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    for _ in range(200): c.sendall(b"x"); c.recv(1)
    # The median: on a shared machine a few scheduling stalls would dominate a mean.
    ts = []
    for _ in range(n):
        t = time.perf_counter(); c.sendall(b"x"); c.recv(1); ts.append(time.perf_counter() - t)
    ts.sort()
    print("%.1f" % (ts[n // 2] * 1e6))
else:
    t = time.perf_counter()
    for _ in range(n):
        c = socket.create_connection((ip, port)); c.close()
    print("%.0f" % (n / (time.perf_counter() - t)))
EOF
# wireguard-go between namespaces $WA (10.78.0.1) and $WB (10.78.0.2) over a veth (10.77.0.0/24).
# Its UDP socket overflows at the default rmem_default (apps.md), so that is raised while it binds
# and restored right after; cleanup restores it too.
WGSKIP=""
wg_up() {
	[ "$BENCH_ONLY" = netcon ] && { WGSKIP="BENCH_ONLY=netcon"; return 1; }
	[ "$(id -u)" = 0 ] || { WGSKIP="needs root for network namespaces"; return 1; }
	if ! command -v wireguard-go >/dev/null || ! command -v wg >/dev/null; then
		WGSKIP="needs the wireguard-go and wireguard-tools packages (make bench-deps)"
		return 1
	fi
	[ -c /dev/net/tun ] || { WGSKIP="needs /dev/net/tun"; return 1; }
	ip netns add "$WA" || { WGSKIP="ip netns add failed"; return 1; }
	NETNS="$WA"
	ip netns add "$WB" || { WGSKIP="ip netns add failed"; return 1; }
	NETNS="$WA $WB"
	ip link add ncwv0 netns "$WA" type veth peer name ncwv1 netns "$WB" || { WGSKIP="no veth"; return 1; }
	ip -n "$WA" addr add 10.77.0.1/24 dev ncwv0 && ip -n "$WB" addr add 10.77.0.2/24 dev ncwv1 &&
		ip -n "$WA" link set ncwv0 up && ip -n "$WB" link set ncwv1 up &&
		ip -n "$WA" link set lo up && ip -n "$WB" link set lo up || { WGSKIP="veth setup failed"; return 1; }
	for s in a b; do
		(umask 077 && wg genkey >"$D/wgkey.$s") && wg pubkey <"$D/wgkey.$s" >"$D/wgpub.$s" || { WGSKIP="wg genkey failed"; return 1; }
	done
	for ns in "$WA" "$WB"; do
		# ip netns exec execs wireguard-go, which stays in the foreground: $! is its PID.
		WG_PROCESS_FOREGROUND=1 ip netns exec "$ns" wireguard-go -f "$ns" >"$D/wg.$ns.log" 2>&1 &
		PIDS="$PIDS $!"
		WGPIDS="$WGPIDS $!"
	done
	for ns in "$WA" "$WB"; do
		for _ in $(seq 100); do ip -n "$ns" link show "$ns" >/dev/null 2>&1 && break; sleep 0.1; done
	done
	RMEM_OLD=$(sysctl -n net.core.rmem_default)
	sysctl -qw net.core.rmem_default=4194304
	ip -n "$WA" addr add 10.78.0.1/24 dev "$WA" && ip -n "$WB" addr add 10.78.0.2/24 dev "$WB" &&
		ip -n "$WA" link set "$WA" up && ip -n "$WB" link set "$WB" up &&
		ip netns exec "$WA" wg set "$WA" listen-port 51820 private-key "$D/wgkey.a" \
			peer "$(cat "$D/wgpub.b")" endpoint 10.77.0.2:51820 allowed-ips 10.78.0.2/32 &&
		ip netns exec "$WB" wg set "$WB" listen-port 51820 private-key "$D/wgkey.b" \
			peer "$(cat "$D/wgpub.a")" endpoint 10.77.0.1:51820 allowed-ips 10.78.0.1/32 ||
		{ WGSKIP="wireguard-go setup failed (see its log)"; return 1; }
	# Both sockets bound and a handshake done before rmem_default goes back.
	ok=""
	for _ in $(seq 50); do
		if ip netns exec "$WA" python3 -c 'import socket; socket.create_connection(("10.78.0.2", 9), 0.2)' 2>&1 |
			grep -q -i refused; then ok=1; break; fi
		sleep 0.1
	done
	sysctl -qw net.core.rmem_default="$RMEM_OLD"
	RMEM_OLD=""
	[ -n "$ok" ] || { WGSKIP="no handshake through the tunnel"; return 1; }
	ip netns exec "$WB" iperf3 -s -B 10.78.0.2 -p 5211 >/dev/null 2>&1 &
	PIDS="$PIDS $!"
	ip netns exec "$WB" python3 "$D/rr.py" server 10.78.0.2 5212 0 &
	PIDS="$PIDS $!"
	sleep 1
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
ticks() { # CPU time (user + system, clock ticks) the processes PID... have used so far
	t=0
	for p in "$@"; do t=$((t + $(awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null || echo 0))); done
	echo "$t"
}
# iperf PREFIX IP STREAMS PID...: "Gbit/s CPU" where CPU is the seconds of CPU the tunnel's
# processes (PID...) spent per GB received. PREFIX runs the client where it must be, or is "".
iperf() {
	pre=$1 ip=$2 np=$3
	shift 3
	t0=$(ticks "$@")
	$pre iperf3 -c "$ip" -p 5211 -t "$SECS" -P "$np" -J >"$D/iperf.json" 2>/dev/null
	t1=$(ticks "$@")
	python3 -c "
import json, sys
e = json.load(open(sys.argv[1]))['end']['sum_received']
cpu = int(sys.argv[2]) / int(sys.argv[3])
print('%.2f %.2f' % (e['bits_per_second'] / 1e9, cpu / (e['bytes'] / 1e9) if e['bytes'] else 0))
" "$D/iperf.json" $((t1 - t0)) "$(getconf CLK_TCK)" 2>/dev/null || echo "0 0"
}
added() { awk -v a="$1" -v b="$2" 'BEGIN { if (a != "" && b != "") printf "%.1f", a - b; else print "n/a" }'; }

$N run --home "$N1" -- iperf3 -s -B "$IP1" -p 5211 >/dev/null 2>&1 &
PIDS="$PIDS $!"
iperf3 -s -B 127.0.0.1 -p 5211 >/dev/null 2>&1 &
PIDS="$PIDS $!"
$N run --home "$N1" -- python3 "$D/rr.py" server "$IP1" 5212 0 &
PIDS="$PIDS $!"
python3 "$D/rr.py" server 127.0.0.1 5212 0 &
PIDS="$PIDS $!"
sleep 1
for _ in $(seq 50); do $N run --home "$N2" --isolate -- $B/tests/integ/tcp_probe "$IP1" 5211 2>/dev/null && break; sleep 0.1; done
NR="$N run --home $N2 --isolate --"
if wg_up; then WR="ip netns exec $WA"; else WR=""; fi

echo "netcon network benchmark ($(date -u +%F), $(nproc) cores): node 2 -> node 1 over ZeroTier on loopback, MTU 2800"
[ -n "$WR" ] && echo "wireguard-go $(wireguard-go --version 2>/dev/null | sed -n 's/^wireguard-go //p'): netns -> netns over a veth, MTU 1420" ||
	echo "wireguard-go: skipped, $WGSKIP"
DPIDS="$(cat "$N1/netcon.pid") $(cat "$N2/netcon.pid")"
CPU=""
for p in 1 4; do
	set -- $(iperf "" 127.0.0.1 $p)
	k=$1
	# BENCH_PERF=1: perf records both daemons during the one-stream transfer; the split follows.
	if [ $p = 1 ] && [ -n "$BENCH_PERF" ] && command -v perf >/dev/null; then
		perf record -q -g -p "$(echo $DPIDS | tr ' ' ,)" -o "$D/perf.data" -- sleep "$SECS" \
			>/dev/null 2>&1 &
		PERFPID=$!
	fi
	set -- $(iperf "$NR" "$IP1" $p $DPIDS)
	n=$1 nc=$2 w="" wc=""
	[ -n "$PERFPID" ] && { wait "$PERFPID"; PERFPID=""; }
	[ -n "$WR" ] && { set -- $(iperf "$WR" 10.78.0.2 $p $WGPIDS); w=$1 wc=$2; }
	printf "%d TCP stream%s (%s s): kernel loopback %s Gbit/s   netcon %s Gbit/s (%s of loopback)" \
		$p "$([ $p = 1 ] || echo s)" "$SECS" "$k" "$n" "$(ratio "$n" "$k")"
	[ -n "$WR" ] && printf "   wireguard-go %s Gbit/s   netcon/wireguard-go %s" "$w" "$(ratio "$n" "$w")"
	echo
	CPU="$CPU$(printf "tunnel CPU per GB, %d stream%s: netcon daemons %s s" $p "$([ $p = 1 ] || echo s)" "$nc")"
	[ -n "$WR" ] && CPU="$CPU$(printf "   wireguard-go processes %s s   netcon/wireguard-go %s" "$wc" "$(ratio "$nc" "$wc")")"
	CPU="$CPU
"
done
printf "%s" "$CPU"
k=$(python3 "$D/rr.py" rr 127.0.0.1 5212 "$RTS") n=$($NR python3 "$D/rr.py" rr "$IP1" 5212 "$RTS") w=""
printf "1-byte round trip (median): kernel loopback %s us   netcon %s us (added %s us)" "$k" "$n" "$(added "$n" "$k")"
if [ -n "$WR" ]; then
	w=$($WR python3 "$D/rr.py" rr 10.78.0.2 5212 "$RTS")
	printf "   wireguard-go %s us (added %s us)   netcon/wireguard-go %s" "$w" "$(added "$w" "$k")" "$(ratio "$n" "$w")"
fi
echo
k=$(python3 "$D/rr.py" conn 127.0.0.1 5212 "$CONNS") n=$($NR python3 "$D/rr.py" conn "$IP1" 5212 "$CONNS")
echo "connections per second: kernel loopback $k /s   netcon $n /s   ratio $(ratio "$n" "$k")"
if [ -f "$D/perf.data" ]; then
	echo "where the daemons' CPU went during the one-stream transfer (perf, both daemons;" \
		"node 1, receiving, is PID $(cat "$N1/netcon.pid"), node 2 $(cat "$N2/netcon.pid")):"
	python3 bench/perf_split.py "$D/perf.data"
	# BENCH_PERF_KEEP=FILE keeps the profile for perf report.
	[ -n "$BENCH_PERF_KEEP" ] && cp "$D/perf.data" "$BENCH_PERF_KEEP"
fi
