#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# ZeroTier nodes live on loopback: a private planet with a netcon root and two netcon leaves. They
# learn each other through the root, talk relayed, then directly; keep talking with the root
# gone; a restarted node keeps its address; garbage and tampered datagrams are dropped and counted.
. "$(dirname "$0")/lib.sh"
[ -x "$NETCON" ] || skip_all "build/netcon not built"
command -v python3 >/dev/null || skip_all "needs python3 (JSON, crafted datagrams)"
W=$(tmpdir)
R=$W/root A=$W/a B=$W/b
mkdir -p "$R" "$A" "$B"
export NETCON_LOG=info

# jq-like: json FILE-or-- 'python expression on j'
json() { python3 -c "import json,sys; j=json.load(sys.stdin); print($1)"; }
info() { "$NETCON" info --home "$1" --json; }
peers() { "$NETCON" peers --home "$1" --json; }
addr() { cut -c1-10 "$1/identity.public"; }
# until CMD... succeeds, up to $1 tenths of a second
until_ok() { n=$1; shift; for _ in $(seq "$n"); do "$@" && return 0; sleep 0.1; done; return 1; }

"$NETCON" idtool generate "$R/identity.secret" "$R/identity.public" >/dev/null
# A free UDP port for the root: the planet names it before the root starts.
P=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$NETCON" planet create --root "$R/identity.public" --endpoint "127.0.0.1/$P" --out "$W/planet" >/dev/null 2>&1
check "private planet with our root at 127.0.0.1/$P" test -s "$W/planet"

start() { # start NAME HOME PORT
	pid=$("$NETCON" daemon --home "$2" --port "$3" --planet "$W/planet" -d 2>>"$W/$1.log") || return 1
	track "$pid"
	echo "$pid" >"$W/$1.pid"
}
check "root daemon on port $P" start root "$R" "$P"
check "leaf A on a free port" start a "$A" 0
check "leaf B on a free port" start b "$B" 0
RA=$(addr "$R") AA=$(addr "$A") BA=$(addr "$B")
diag "root $RA, A $AA, B $BA"

check "identity.secret made with mode 0600" [ "$(stat -c %a "$A/identity.secret")" = 600 ]
check "identity.public beside it" grep -qE "^$AA:0:[0-9a-f]{128}\$" "$A/identity.public"
check "the planet is kept in the home" cmp -s "$W/planet" "$A/planet"
info "$R" >"$W/ri" 2>&1
[ "$(json 'j["isRoot"] and j["online"]' <"$W/ri")" = True ] && ok "root knows it is the root" || not_ok "root knows it is the root"
[ "$(json 'j["config"]["settings"]["primaryPort"]' <"$W/ri")" = "$P" ] && ok "root's primaryPort is $P" || not_ok "root's primaryPort"

online() { [ "$(info "$1" | json 'j["online"]')" = True ]; }
check "A comes online (HELLO/OK with the root)" until_ok 50 online "$A"
check "B comes online" until_ok 50 online "$B"
peers "$A" >"$W/pa"
[ "$(json "[p['role'] for p in j if p['address']=='$RA'][0]" <"$W/pa")" = PLANET ] &&
	ok "A lists the root as PLANET" || not_ok "A lists the root as PLANET"
[ "$(json "[p['paths'][0]['address'] for p in j if p['address']=='$RA'][0]" <"$W/pa")" = "127.0.0.1/$P" ] &&
	ok "with a direct path 127.0.0.1/$P" || not_ok "with a direct path 127.0.0.1/$P"
[ "$(info "$A" | json 'j["config"]["settings"]["surfaceAddresses"][0].split("/")[0]')" = 127.0.0.1 ] &&
	ok "the root told A its surface address" || not_ok "the root told A its surface address"

# First contact: WHOIS through the root, ECHO relayed by it.
"$NETCON" ping --home "$A" --json -w 5 --data first "$BA" >"$W/p1"
check "first ECHO A->B answered" grep -q '"from":"'"$BA"'"' "$W/p1"
check "and relayed by the root (hops > 0)" grep -q '"direct":false' "$W/p1"
check "with the payload echoed" grep -q '"data":"first"' "$W/p1"
direct() { # direct HOME PEER: the peer has a preferred direct path and is not relayed
	[ "$(peers "$1" | json "[(not p['relayed']) and any(x['preferred'] for x in p['paths']) for p in j if p['address']=='$2'] == [True]")" = True ]
}
check "RENDEZVOUS: A gets a direct path to B" until_ok 50 direct "$A" "$BA"
check "and B to A" until_ok 50 direct "$B" "$AA"
BPORT=$(info "$B" | json 'j["config"]["settings"]["primaryPort"]')
[ "$(peers "$A" | json "[p['paths'][0]['address'] for p in j if p['address']=='$BA'][0]")" = "127.0.0.1/$BPORT" ] &&
	ok "A's path to B is B's UDP port ($BPORT)" || not_ok "A's path to B is B's UDP port"
"$NETCON" ping --home "$A" --json -c 3 -i 0.1 "$BA" >"$W/p2"
check "three ECHOs answered directly" [ "$(grep -c '"direct":true' "$W/p2")" = 3 ]
"$NETCON" message --home "$B" --type 7 "$AA" "hello from B"
"$NETCON" message --home "$A" --recv -w 5 --json >"$W/m1"
check "USER_MESSAGE B->A arrives, type 7, direct" grep -q '"from":"'"$BA"'","type":7,"hops":0,"direct":true,"data":"hello from B"' "$W/m1"
check "B is cached in A's peers.d" grep -q "^$BA:0:" "$A/peers.d/$BA.peer"
[ "$(info "$R" | json 'j["counters"]["relayed"] > 0 and j["counters"]["rendezvousSent"] >= 2')" = True ] &&
	ok "the root counted relayed datagrams and RENDEZVOUS sent" || not_ok "the root's relay counters"

# The root goes away; A and B keep talking over their direct path.
kill "$(cat "$W/root.pid")"
until_ok 30 sh -c "! kill -0 $(cat "$W/root.pid") 2>/dev/null"
check "root stopped: ECHO A->B still answered directly" sh -c "'$NETCON' ping --home '$A' --json -w 3 '$BA' | grep -q '\"direct\":true'"
"$NETCON" message --home "$A" "$BA" "root is gone"
check "root stopped: USER_MESSAGE A->B arrives" sh -c "'$NETCON' message --home '$B' --recv -w 3 | grep -q 'direct: root is gone'"

# The root comes back; A restarts and keeps its address.
check "root restarted" start root "$R" "$P"
cp "$A/identity.secret" "$W/a.secret"
kill "$(cat "$W/a.pid")"
until_ok 30 sh -c "! kill -0 $(cat "$W/a.pid") 2>/dev/null"
check "A restarted" start a "$A" 0
check "A keeps identity.secret" cmp -s "$A/identity.secret" "$W/a.secret"
[ "$(info "$A" | json 'j["address"]')" = "$AA" ] && ok "A keeps its address $AA" || not_ok "A keeps its address"
check "A online again" until_ok 70 online "$A"
check "restarted A reaches B" sh -c "'$NETCON' ping --home '$A' -w 5 '$BA' >/dev/null"

# Garbage and tampered datagrams at B's port: dropped, counted, and B keeps serving.
info "$B" >"$W/b0"
python3 - "$BPORT" "$BA" "$AA" <<'PY'
import os, random, socket, sys
port, b, a = int(sys.argv[1]), bytes.fromhex(sys.argv[2]), bytes.fromhex(sys.argv[3])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(300):                       # random bytes of every size class
    s.sendto(os.urandom(random.choice([1, 4, 13, 15, 16, 27, 28, 60, 500, 1400])), ("127.0.0.1", port))
for i in range(100):                       # "from A" to B, suite 1, MAC wrong: tampered
    pkt = os.urandom(8) + b + a + bytes([0x88]) + os.urandom(8) + os.urandom(40)
    s.sendto(pkt, ("127.0.0.1", port))
for i in range(50):                        # fragments of nothing
    s.sendto(os.urandom(8) + b + b"\xff" + bytes([0x32, 0]) + os.urandom(100), ("127.0.0.1", port))
PY
sleep 0.5
info "$B" >"$W/b1"
d() { python3 -c "import json; a=json.load(open('$W/b0'))['counters']; b=json.load(open('$W/b1'))['counters']; print(b['$1']-a['$1'])"; }
[ "$(d dropMac)" -ge 100 ] && ok "100 tampered packets fail their MAC and are counted ($(d dropMac))" ||
	not_ok "tampered packets counted (dropMac +$(d dropMac))"
[ "$(d rxPackets)" = 0 ] || [ "$(d rxPackets)" -lt 10 ] && ok "no garbage authenticated (rxPackets +$(d rxPackets), keepalives only)" ||
	not_ok "garbage authenticated?"
tot=$(python3 -c "import json; a=json.load(open('$W/b0'))['counters']; b=json.load(open('$W/b1'))['counters']; print(sum(b[k]-a[k] for k in ('dropShort','dropMalformed','dropMac','dropUnknownPeer','dropRelay')))")
[ "$tot" -ge 350 ] && ok "garbage dropped and counted ($tot)" || not_ok "garbage dropped and counted ($tot)"
check "B still answers after the garbage" sh -c "'$NETCON' ping --home '$A' -w 3 '$BA' >/dev/null"
check "B's daemon still runs" kill -0 "$(cat "$W/b.pid")"
for n in root a b; do
	if grep -qi "sanitizer\|runtime error" "$W/$n.log" "$W/$n/netcon.log" 2>/dev/null; then
		not_ok "$n: sanitizer report"; sed 's/^/# /' "$W/$n.log" "$W/$n/netcon.log" | head -40
	fi
done
done_testing
