#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The embedded default, two nodes on one machine: `netcon init` makes node 1 the root of a new
# private planet and the controller of a new private network; node 2 (another home, another
# port) joins with the printed planet file and network id and is authorized by node 1; a web
# server in a container on node 1 answers curl in a container on node 2, sha256 checked; then
# the proof, made on this host without sending a packet, that the web server has no socket in the
# host's kernel (tests/hostcheck.sh). Never a connect from the host to the virtual address: that
# address is not on this host, so the packet would leave by the default route.
set -e
cd "$(dirname "$0")/.."
N=build/netcon
NETCON=$N
. tests/hostcheck.sh
D=$(mktemp -d /tmp/netcon-demo.XXXXXX)
# Searchable: a daemon started as root runs as its own user and must reach its home in here.
chmod 755 "$D"
N1=$D/node1 N2=$D/node2 WWW=$D/www
PIDS=""
cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null || true; done
	[ -f "$N1/netcon.pid" ] && kill "$(cat "$N1/netcon.pid")" 2>/dev/null
	[ -f "$N2/netcon.pid" ] && kill "$(cat "$N2/netcon.pid")" 2>/dev/null
	sleep 0.2
	rm -rf "$D"
}
trap cleanup EXIT INT TERM
PORT=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
# The web server's port: one no kernel socket uses (the proof below wants none on it).
WPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

echo "=== node 1: netcon init --home $N1 --endpoint 127.0.0.1/$PORT"
$N init --home "$N1" --endpoint "127.0.0.1/$PORT" | tee "$D/init.out"
PLANET=$(sed -n 's/^planet: //p' "$D/init.out")
NWID=$(sed -n 's/^network: //p' "$D/init.out")
IP1=$(sed -n 's/^address: //p' "$D/init.out" | head -1 | cut -d/ -f1)

echo "=== node 2: its own daemon with node 1's planet, joins $NWID"
$N daemon --home "$N2" --port 0 --planet "$PLANET" -d >/dev/null
$N join --home "$N2" "$NWID"
ADDR2=$(cut -c1-10 "$N2/identity.public")
echo "=== node 1 authorizes node 2 ($ADDR2)"
$N controller member authorize --home "$N1" "$NWID" "$ADDR2" >/dev/null
for _ in $(seq 100); do
	$N networks --home "$N2" | grep -q " OK .*10\." && break
	sleep 0.1
done
$N networks --home "$N2"

mkdir "$WWW"
head -c 8388608 /dev/urandom >"$WWW/file.bin"
echo "=== node 1: python3 -m http.server in a container on $IP1:$WPORT"
# netcon run execs the program: $! is the web server itself
$N run --home "$N1" -- python3 -m http.server "$WPORT" --bind "$IP1" --directory "$WWW" \
	>/dev/null 2>&1 &
SRV=$!
PIDS="$PIDS $SRV"
# --isolate (here and for the fetch): nothing goes through the host, whatever the state of node
# 2's network (without it, IP1 would not be virtual to node 2 and would leave by the default route)
for _ in $(seq 100); do
	$N run --home "$N2" --isolate -- curl -s -o /dev/null "http://$IP1:$WPORT/" && break
	sleep 0.1
done
echo "=== node 2: curl in a container fetches http://$IP1:$WPORT/file.bin (8 MiB)"
$N run --home "$N2" --isolate -- curl -sS -o "$D/got.bin" -w "%{size_download} bytes in %{time_total} s\n" \
	"http://$IP1:$WPORT/file.bin"
A=$(sha256sum <"$WWW/file.bin" | cut -d' ' -f1)
B=$(sha256sum <"$D/got.bin" | cut -d' ' -f1)
echo "sha256 served:  $A"
echo "sha256 fetched: $B"
[ "$A" = "$B" ] && echo "=== OK: node 2's container got node 1's file over the private network" ||
	{ echo "=== FAILED: the bytes differ"; exit 1; }
echo "=== the host is not on the virtual network: the web server (pid $SRV) has no socket in the host's kernel"
if why=$(virtual_only "$N1" tcp "$IP1" "$WPORT" "$SRV"); then
	echo "$why" | sed 's/; /\n/'
	echo "=== OK: only the virtual network reaches $IP1:$WPORT (proven on this host, no packet sent)"
else
	echo "=== FAILED: $why"
	exit 1
fi
