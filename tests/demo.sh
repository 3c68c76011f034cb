#!/bin/sh
# The main job today: a private virtual LAN on this host. A daemon with 10.7.0.1/24; a web server
# in one container, a client in another; the host itself does not reach the server's address.
set -e
cd "$(dirname "$0")/.."
H=$(mktemp -d /tmp/netcon-demo.XXXXXX)
W=$(mktemp -d /tmp/netcon-demo-www.XXXXXX)
echo "hello from a netcon container" >"$W/index.html"
DPID=$(build/netcon daemon --home "$H" --addr 10.7.0.1/24 -d)
trap 'kill $SPID $DPID 2>/dev/null; rm -rf "$H" "$W"' EXIT
echo "daemon $DPID, home $H"
build/netcon run --home "$H" -- python3 -m http.server 8000 --bind 10.7.0.1 --directory "$W" \
	>/dev/null 2>&1 &
SPID=$!
for _ in $(seq 50); do
	build/netcon run --home "$H" -- curl -s -o /dev/null http://10.7.0.1:8000/ && break
	sleep 0.1
done
echo "--- client in a container: curl http://10.7.0.1:8000/"
build/netcon run --home "$H" -- curl -s http://10.7.0.1:8000/
echo "--- the same URL from the host (not on the virtual network):"
curl -s -m 2 http://10.7.0.1:8000/ | grep -q "hello from a netcon" &&
	echo "reached (unexpected)" || echo "not reached"
echo "--- netcon status"
build/netcon status --home "$H"
