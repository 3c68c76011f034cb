#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# netcon against a stock ZeroTierOne node, both roles, in a network namespace this script makes.
#   ZEROTIER_ONE=/path/to/zerotier-one tests/interop/stock.sh
# The stock binary is the user's own (this repository neither ships nor builds it). It runs in a
# namespace joined to the host by a veth, so its tap device and traffic stay in there.
#   1. netcon is the root and the controller (`netcon init`); the stock node joins, is authorized,
#      gets an address; curl in the namespace fetches from a server in a netcon container, and
#      curl in a netcon container fetches from a server in the namespace (sha256 both ways);
#      then netcon's controller turns on rfc4193 and 6plane and the same runs over those.
#   2. the stock node is the root and the controller (its local API); a netcon node joins with
#      a planet naming the stock node, is authorized, and the same transfers run (IPv4,
#      rfc4193, 6plane: the stock controller computes netcon's addresses).
#   3. a second netcon member joins the stock network; the stock controller deauthorizes the
#      first, and the second must apply the stock revocation and refuse it.
# TAP output; exits non-zero when a check fails, 77 (skip) when it cannot run here.
set -u
cd "$(dirname "$0")/../.."
ZT=${ZEROTIER_ONE:-}
NETCON=${NETCON_BUILD:-$PWD/build}/netcon
if [ -z "$ZT" ] || [ ! -x "$ZT" ]; then
	echo "1..0 # SKIP set ZEROTIER_ONE to a stock zerotier-one binary"
	exit 77
fi
if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP needs root (a network namespace and the stock node's tap device)"
	exit 77
fi
D=$(mktemp -d /tmp/netcon-interop.XXXXXX)
# Searchable: a daemon started as root runs as its own user and must reach its home in here.
chmod 755 "$D"
NS=ncio$$
HV=ncio$$a NV=ncio$$b
SUB=10.250.$(($$ % 200 + 20))
HOSTIP=$SUB.1 NSIP=$SUB.2
PIDS="" NFAIL=0 N=0
ok() { N=$((N + 1)); echo "ok $N - $*"; }
not_ok() { N=$((N + 1)); NFAIL=$((NFAIL + 1)); echo "not ok $N - $*"; }
check() { local d=$1; shift; if "$@"; then ok "$d"; else not_ok "$d"; fi; }
cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	for h in "$D"/n1 "$D"/n2 "$D"/n3; do [ -f "$h/netcon.pid" ] && kill "$(cat "$h/netcon.pid")" 2>/dev/null; done
	sleep 0.5
	for p in $PIDS; do kill -9 "$p" 2>/dev/null; done
	ip netns del "$NS" 2>/dev/null
	ip link del "$HV" 2>/dev/null
	rm -rf "$D"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
inns() { ip netns exec "$NS" "$@"; }
ZPORT=9993
zcli() { inns "$ZT" -q -D"$D/zs" "$@"; }
api() { # api METHOD PATH [JSON]: the stock node's local API
	inns curl -sS -X "$1" -H "X-ZT1-Auth: $(cat "$D/zs/authtoken.secret")" \
		${3:+-d "$3"} "http://127.0.0.1:$ZPORT$2"
}
zs_has() { zcli "$1" 2>/dev/null | grep -q -- "$2"; }     # zs_has VERB PATTERN
nc_has() { "$NETCON" "$1" --home "$2" 2>/dev/null | grep -q -- "$3"; } # nc_has CMD HOME PATTERN
sha() { sha256sum <"$1" | cut -d' ' -f1; }
waitfor() { # waitfor SECONDS CMD...: until CMD succeeds
	local t=$(($1 * 10)); shift
	while [ $t -gt 0 ]; do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; t=$((t - 1)); done
	return 1
}

ip netns add "$NS" && ip link add "$HV" type veth peer name "$NV" && ip link set "$NV" netns "$NS" &&
	ip addr add "$HOSTIP/24" dev "$HV" && ip link set "$HV" up &&
	inns ip addr add "$NSIP/24" dev "$NV" && inns ip link set "$NV" up && inns ip link set lo up &&
	inns sysctl -qw net.ipv6.conf.default.accept_dad=0 || # a server binds the tap's new v6 at once
	{ echo "Bail out! cannot make the namespace"; exit 1; }
mkdir -p "$D/www"
head -c 4194304 /dev/urandom >"$D/www/file.bin"
echo "# stock: $("$ZT" -v)"

# start_stock: the stock node in the namespace on UDP (and its API on TCP) $ZPORT (home $D/zs)
start_stock() {
	ip netns exec "$NS" "$ZT" -U -p"$ZPORT" "$D/zs" >"$D/zs.log" 2>&1 & # $! is the node itself
	PIDS="$PIDS $!"
	waitfor 20 test -s "$D/zs/authtoken.secret" && waitfor 20 zcli info
}
# transfers LABEL NETCON_HOME NETCON_IP STOCK_IP: both directions, sha256 checked
transfers() {
	local h=$2 nip=$3 sip=$4 got nu=$3 su=$4
	case $nip in *:*) nu="[$nip]" su="[$sip]" ;; esac
	"$NETCON" run --home "$h" -- python3 -m http.server 8000 --bind "$nip" --directory "$D/www" \
		>/dev/null 2>&1 &
	PIDS="$PIDS $!"
	ip netns exec "$NS" python3 -m http.server 8001 --bind "$sip" --directory "$D/www" \
		>/dev/null 2>&1 &
	PIDS="$PIDS $!"
	got=$D/got1.bin
	rm -f "$got"
	waitfor 20 inns curl -g -s -o "$got" "http://$nu:8000/file.bin"
	check "$1: curl on the stock node fetches 4 MiB from a netcon container, sha256 equal" \
		test "$(sha "$got" 2>/dev/null)" = "$(sha "$D/www/file.bin")"
	got=$D/got2.bin
	rm -f "$got"
	waitfor 20 "$NETCON" run --home "$h" --isolate -- curl -g -s -o "$got" "http://$su:8001/file.bin"
	check "$1: curl in a netcon container fetches 4 MiB from the stock node, sha256 equal" \
		test "$(sha "$got" 2>/dev/null)" = "$(sha "$D/www/file.bin")"
}
# addr_of PREFIX: the first assigned address starting with PREFIX ('.' for IPv4), from
# listnetworks-shaped JSON on stdin
addr_of() { python3 -c "import json,sys
for n in json.load(sys.stdin):
    for a in n.get('assignedAddresses', []):
        if ('$1' == '.' and '.' in a) or a.startswith('$1'): print(a.split('/')[0])" | head -1; }
ztip() { zcli -j listnetworks | addr_of "${1:-.}"; }
# rfc4193 NWID NODE: ZeroTier's rfc4193 address (fd, the network id, 99 93, the node address)
rfc4193() { python3 -c "import ipaddress
print(ipaddress.IPv6Address(bytes([0xfd]) + (0x$1).to_bytes(8,'big') + bytes([0x99,0x93]) + (0x$2).to_bytes(5,'big')))"; }

echo "# 1. netcon is root and controller, the stock node a member"
PORT=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("0.0.0.0",0)); print(s.getsockname()[1])')
"$NETCON" init --home "$D/n1" --endpoint "$HOSTIP/$PORT" --pool 10.147.31.1-10.147.31.200 \
	>"$D/init.out" 2>&1 || { cat "$D/init.out"; echo "Bail out! netcon init"; exit 1; }
NWID=$(sed -n 's/^network: //p' "$D/init.out")
IP1=$(sed -n 's/^address: //p' "$D/init.out" | head -1 | cut -d/ -f1)
mkdir -p "$D/zs"
cp "$D/n1/planet" "$D/zs/planet"
start_stock || { cat "$D/zs.log"; echo "Bail out! the stock node does not start"; exit 1; }
ZADDR=$(zcli info | awk '{print $3}')
check "the stock node ($ZADDR) sees netcon's root as PLANET" \
	waitfor 30 zs_has listpeers PLANET
check "netcon's root lists the stock node as a peer" \
	waitfor 30 nc_has peers "$D/n1" "$ZADDR"
zcli join "$NWID" >/dev/null
check "the stock node is ACCESS_DENIED before authorization" \
	waitfor 20 zs_has listnetworks ACCESS_DENIED
"$NETCON" controller member authorize --home "$D/n1" "$NWID" "$ZADDR" >/dev/null
check "the stock node gets OK and an address from netcon's controller" \
	waitfor 60 zs_has listnetworks ' OK .*10\.147\.31\.'
ZIP=$(ztip)
echo "# stock member $ZADDR has $ZIP; netcon's container address $IP1"
transfers "netcon controller" "$D/n1" "$IP1" "$ZIP"
"$NETCON" controller network set --home "$D/n1" "$NWID" --v6 rfc4193,6plane >/dev/null
check "the stock node takes the rfc4193 address netcon's controller computed for it" \
	waitfor 90 zs_has listnetworks "$(rfc4193 "$NWID" "$ZADDR")"
for mode in rfc4193:fd 6plane:fc; do
	waitfor 30 sh -c "'$NETCON' networks --home '$D/n1' --json | grep -q '\"${mode#*:}'"
	n6=$("$NETCON" networks --home "$D/n1" --json | addr_of "${mode#*:}")
	z6=$(ztip "${mode#*:}")
	echo "# ${mode%:*}: netcon node $n6, stock member $z6"
	if [ -n "$n6" ] && [ -n "$z6" ]; then
		transfers "netcon controller, ${mode%:*}" "$D/n1" "$n6" "$z6"
	else
		not_ok "both ends have a ${mode%:*} address"
	fi
done
zcli leave "$NWID" >/dev/null
for p in $PIDS; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
PIDS=""
kill "$(cat "$D/n1/netcon.pid")" 2>/dev/null

echo "# 2. the stock node is root and controller, netcon a member"
rm -rf "$D/zs"
mkdir -p "$D/zs"
ZPORT=9994 # a new node: 9993's listener may linger
"$ZT" -i generate "$D/zs/identity.secret" "$D/zs/identity.public" >/dev/null
"$NETCON" planet create --root "$D/zs/identity.public" --endpoint "$NSIP/$ZPORT" --out "$D/zs/planet" \
	>/dev/null || { echo "Bail out! planet create"; exit 1; }
start_stock || { cat "$D/zs.log"; echo "Bail out! the stock node does not start"; exit 1; }
ZADDR=$(zcli info | awk '{print $3}')
NET=$(api POST "/controller/network/${ZADDR}______" \
	'{"name":"interop","private":true,"v4AssignMode":{"zt":true},"v6AssignMode":{"rfc4193":true,"6plane":true,"zt":false},"ipAssignmentPools":[{"ipRangeStart":"10.147.32.10","ipRangeEnd":"10.147.32.200"}],"routes":[{"target":"10.147.32.0/24"}]}')
NWID2=$(echo "$NET" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
check "the stock controller made network $NWID2" test -n "$NWID2"
zcli join "$NWID2" >/dev/null
api POST "/controller/network/$NWID2/member/$ZADDR" '{"authorized":true}' >/dev/null
"$NETCON" daemon --home "$D/n2" --port 0 --planet "$D/zs/planet" -d >/dev/null 2>"$D/n2.log" ||
	{ cat "$D/n2.log"; echo "Bail out! netcon daemon"; exit 1; }
NADDR=$(cut -c1-10 "$D/n2/identity.public")
check "netcon's node sees the stock root as PLANET" \
	waitfor 30 nc_has peers "$D/n2" "$ZADDR PLANET"
"$NETCON" join --home "$D/n2" "$NWID2" >/dev/null
check "netcon is ACCESS_DENIED before authorization" \
	waitfor 20 nc_has networks "$D/n2" ACCESS_DENIED
api POST "/controller/network/$NWID2/member/$NADDR" '{"authorized":true}' >/dev/null
check "netcon gets OK and an address from the stock controller" \
	waitfor 60 nc_has networks "$D/n2" ' OK .*10\.147\.32\.'
IP2=$("$NETCON" networks --home "$D/n2" --json | addr_of .)
check "the stock node gets an address on its own network" \
	waitfor 60 zs_has listnetworks ' OK .*10\.147\.32\.'
ZIP=$(ztip)
echo "# netcon member $NADDR has $IP2; stock controller's own address $ZIP"
transfers "stock controller" "$D/n2" "$IP2" "$ZIP"
for mode in rfc4193:fd 6plane:fc; do
	n6=$("$NETCON" networks --home "$D/n2" --json | addr_of "${mode#*:}")
	z6=$(ztip "${mode#*:}")
	echo "# ${mode%:*}: netcon member $n6, stock node $z6"
	if [ -n "$n6" ] && [ -n "$z6" ]; then
		transfers "stock controller, ${mode%:*}" "$D/n2" "$n6" "$z6"
	else
		not_ok "both ends have a ${mode%:*} address"
	fi
done
check "netcon's rfc4193 address is ZeroTier's formula's" \
	test "$("$NETCON" networks --home "$D/n2" --json | addr_of fd)" = "$(rfc4193 "$NWID2" "$NADDR")"

echo "# 3. a second netcon member; the stock controller deauthorizes the first"
NETCON_LOG=info "$NETCON" daemon --home "$D/n3" --port 0 --planet "$D/zs/planet" -d >/dev/null \
	2>"$D/n3.log" || { cat "$D/n3.log"; echo "Bail out! netcon daemon"; exit 1; }
N3ADDR=$(cut -c1-10 "$D/n3/identity.public")
"$NETCON" join --home "$D/n3" "$NWID2" >/dev/null
api POST "/controller/network/$NWID2/member/$N3ADDR" '{"authorized":true}' >/dev/null
check "the second netcon member gets OK and an address" \
	waitfor 60 nc_has networks "$D/n3" ' OK .*10\.147\.32\.'
IP3=$("$NETCON" networks --home "$D/n3" --json | addr_of .)
"$NETCON" run --home "$D/n3" -- python3 -m http.server 8002 --bind "$IP3" --directory "$D/www" \
	>/dev/null 2>&1 &
PIDS="$PIDS $!"
got=$D/got3.bin
waitfor 30 "$NETCON" run --home "$D/n2" --isolate -- curl -s -m 5 -o "$got" "http://$IP3:8002/file.bin"
check "netcon member to netcon member on the stock network: 4 MiB, sha256 equal" \
	test "$(sha "$got" 2>/dev/null)" = "$(sha "$D/www/file.bin")"
api POST "/controller/network/$NWID2/member/$NADDR" '{"authorized":false}' >/dev/null
# --isolate: once deauthorized, n2 may drop the network and its route; IP3 must then be refused,
# not sent through the host (it is not on this host: the default route would take it away).
fetch_fails() { ! "$NETCON" run --home "$D/n2" --isolate -- curl -s -m 2 -o /dev/null "http://$IP3:8002/file.bin"; }
check "the second member applies the stock controller's revocation of the first" \
	waitfor 30 grep -q "$NADDR revoked" "$D/n3/netcon.log"
check "the deauthorized member's connections are refused by the other within seconds" \
	waitfor 30 fetch_fails
echo "1..$N"
[ "$NFAIL" = 0 ]
