#!/bin/sh
# Two netcon nodes on one machine (`netcon init` + a member on its planet and network): programs
# in containers on node 1 and node 2 talk over the ZeroTier network (armored UDP on loopback).
# Beside each figure the same workload over kernel loopback in the same run: one TCP stream and
# four (iperf3), 1-byte request/response round trip, and connections per second (python3 both
# ends). Prints figures and ratios only.
cd "$(dirname "$0")/.." || exit 1
B=${B:-build}
N=$B/netcon
SECS=${BENCH_SECS:-5}
RTS=${BENCH_RTS:-5000}
CONNS=${BENCH_CONNS:-1000}
command -v iperf3 >/dev/null || { echo "bench/net.sh: needs iperf3"; exit 0; }
D=$(mktemp -d /tmp/netcon-bench.XXXXXX)
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
$N init --home "$N1" --endpoint "127.0.0.1/$PORT" >"$D/init.out" || { cat "$D/init.out"; exit 1; }
NWID=$(sed -n 's/^network: //p' "$D/init.out")
IP1=$(sed -n 's/^address: //p' "$D/init.out" | head -1 | cut -d/ -f1)
$N daemon --home "$N2" --port 0 --planet "$N1/planet" -d >/dev/null || exit 1
$N join --home "$N2" "$NWID" >/dev/null
$N controller member authorize --home "$N1" "$NWID" "$(cut -c1-10 "$N2/identity.public")" >/dev/null
for _ in $(seq 150); do $N networks --home "$N2" | grep -q " OK .*10\." && break; sleep 0.1; done

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
    t = time.perf_counter()
    for _ in range(n): c.sendall(b"x"); c.recv(1)
    print("%.1f" % ((time.perf_counter() - t) / n * 1e6))
else:
    t = time.perf_counter()
    for _ in range(n):
        c = socket.create_connection((ip, port)); c.close()
    print("%.0f" % (n / (time.perf_counter() - t)))
EOF
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
gbits() { python3 -c "import json,sys; j=json.load(sys.stdin); print('%.2f' % (j['end']['sum_received']['bits_per_second']/1e9))"; }
iperf() { # iperf3 HOME-or-empty IP STREAMS
	if [ -n "$1" ]; then r="$N run --home $1 --"; else r=""; fi
	$r iperf3 -c "$2" -p 5211 -t "$SECS" -P "$3" -J 2>/dev/null | gbits
}

$N run --home "$N1" -- iperf3 -s -B "$IP1" -p 5211 >/dev/null 2>&1 &
PIDS="$PIDS $!"
iperf3 -s -B 127.0.0.1 -p 5211 >/dev/null 2>&1 &
PIDS="$PIDS $!"
$N run --home "$N1" -- python3 "$D/rr.py" server "$IP1" 5212 0 &
PIDS="$PIDS $!"
python3 "$D/rr.py" server 127.0.0.1 5212 0 &
PIDS="$PIDS $!"
sleep 1
for _ in $(seq 50); do $N run --home "$N2" -- $B/tests/integ/tcp_probe "$IP1" 5211 2>/dev/null && break; sleep 0.1; done

echo "netcon network benchmark ($(date -u +%F), $(nproc) cores): node 2 -> node 1 over ZeroTier on loopback, MTU 2800"
k=$(iperf "" 127.0.0.1 1) n=$(iperf "$N2" "$IP1" 1)
echo "1 TCP stream (${SECS} s):   kernel loopback $k Gbit/s   netcon $n Gbit/s   ratio $(ratio "$n" "$k")"
k=$(iperf "" 127.0.0.1 4) n=$(iperf "$N2" "$IP1" 4)
echo "4 TCP streams (${SECS} s):  kernel loopback $k Gbit/s   netcon $n Gbit/s   ratio $(ratio "$n" "$k")"
k=$(python3 "$D/rr.py" rr 127.0.0.1 5212 "$RTS") n=$($N run --home "$N2" -- python3 "$D/rr.py" rr "$IP1" 5212 "$RTS")
echo "1-byte round trip:       kernel loopback $k us   netcon $n us   added $(awk -v a="$n" -v b="$k" 'BEGIN { printf "%.1f", a - b }') us"
k=$(python3 "$D/rr.py" conn 127.0.0.1 5212 "$CONNS") n=$($N run --home "$N2" -- python3 "$D/rr.py" conn "$IP1" 5212 "$CONNS")
echo "connections per second:  kernel loopback $k /s   netcon $n /s   ratio $(ratio "$n" "$k")"
