#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Multicast across two nodes of a private ZeroTier network on loopback: a receiver on A joins
# 239.77.1.2 and ff05::7a (IP_ADD_MEMBERSHIP, IPV6_JOIN_GROUP), a sender on B sends to both and to
# a group nobody joined; what the receiver gets, then nothing once it has left the groups. Then
# link-local IPv6 between them: fe80:: addresses, scope ids (UDP and TCP). A sender on A reaches
# A's own member unless IP_MULTICAST_LOOP is 0. A connected UDP socket on B reports A's server
# as the source of what it receives.
. "$(dirname "$0")/lib.sh"
[ -x "$NETCON" ] && [ -f "$NETCON_BUILD/libnetcon.so" ] || skip_all "build netcon first (make)"
command -v python3 >/dev/null || skip_all "needs python3"
"$NETCON" controller --help >/dev/null 2>&1 || skip_all "netcon has no controller role yet"
HERE=$(cd "$(dirname "$0")" && pwd)
W=$(tmpdir)
C=$W/c A=$W/a B=$W/b
export NETCON_LOG=info

json() { python3 -c "import json,sys; j=json.load(sys.stdin); print($1)"; }
until_ok() { n=$1; shift; for _ in $(seq "$n"); do "$@" && return 0; sleep 0.1; done; return 1; }
addr() { cut -c1-10 "$1/identity.public"; }
net() { "$NETCON" networks --home "$1" --json | json "[$2 for n in j if n['id']=='$NWID'][0]" 2>/dev/null; }
ip4() { net "$1" "[a.split('/')[0] for a in n['assignedAddresses'] if '.' in a][0]"; }
is_ok() { [ "$(net "$1" "n['status']")" = OK ] && [ -n "$(ip4 "$1")" ]; }
start() {
	pid=$("$NETCON" daemon --home "$2" --port 0 --planet "$C/planet" -d 2>>"$W/$1.log") || return 1
	track "$pid"
	echo "$pid" >"$W/$1.pid"
}
evidence() { [ -f "$1" ] && tail -n "${2:-15}" "$1" | sed "s|^|#   $(basename "$1"): |"; }

P=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$NETCON" init --home "$C" --endpoint "127.0.0.1/$P" >"$W/init.out" 2>>"$W/c.log"
NWID=$(sed -n 's/^network: //p' "$W/init.out")
[ -n "$NWID" ] || { not_ok "netcon init makes a network"; evidence "$W/c.log"; done_testing; exit 1; }
track "$(cat "$C/netcon.pid")"
start a "$A" && start b "$B" || { not_ok "members start"; done_testing; exit 1; }
"$NETCON" join --home "$A" "$NWID" >/dev/null && "$NETCON" join --home "$B" "$NWID" >/dev/null &&
	"$NETCON" controller member authorize --home "$C" "$NWID" "$(addr "$A")" >/dev/null &&
	"$NETCON" controller member authorize --home "$C" "$NWID" "$(addr "$B")" >/dev/null &&
	until_ok 300 is_ok "$A" && until_ok 300 is_ok "$B" ||
	{ not_ok "network $NWID: A and B joined, authorized, addressed"; evidence "$W/a/netcon.log"; done_testing; exit 1; }
IA=$(ip4 "$A") IB=$(ip4 "$B")
ok "network $NWID: A $IA, B $IB"

P4=$((21000 + $$ % 5000)) P6=$((26000 + $$ % 5000))
"$NETCON" run --home "$A" -- python3 "$HERE/mcast_recv.py" "$P4" "$P6" "$W/recv.done" >"$W/recv.out" 2>&1 &
RECV=$!
track $RECV
until_ok 200 grep -q '^ready' "$W/recv.out" || { not_ok "the receiver joins"; evidence "$W/recv.out"; }
grep -q '^join-twice: 98$' "$W/recv.out" && ok "joining a group twice: EADDRINUSE" ||
	{ not_ok "joining a group twice: EADDRINUSE"; evidence "$W/recv.out"; }
grep -q '^drop-unjoined: 99$' "$W/recv.out" && ok "leaving a group not joined: EADDRNOTAVAIL" ||
	{ not_ok "leaving a group not joined: EADDRNOTAVAIL"; evidence "$W/recv.out"; }
grep -q '^join-unicast: 22$' "$W/recv.out" && ok "joining a unicast address: EINVAL" ||
	{ not_ok "joining a unicast address: EINVAL"; evidence "$W/recv.out"; }
grep -q '^tcp-join: 71$' "$W/recv.out" && ok "a TCP socket joining a group: EPROTO" ||
	{ not_ok "a TCP socket joining a group: EPROTO"; evidence "$W/recv.out"; }
grep -q '^ttl: 5 loop: 1$' "$W/recv.out" && ok "IP_MULTICAST_TTL reads back 5, IP_MULTICAST_LOOP 1" ||
	{ not_ok "IP_MULTICAST_TTL/LOOP read back"; evidence "$W/recv.out"; }

# A sender on A itself: looped back to A's member by default, not with IP_MULTICAST_LOOP 0.
"$NETCON" run --home "$A" -- python3 -c "
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(('', 0))
n = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); n.bind(('', 0))
n.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 0)
for _ in range(5):
    n.sendto(b'noloop4', ('239.77.1.2', $P4)); s.sendto(b'loop4', ('239.77.1.2', $P4)); time.sleep(0.2)
print('loop sender done', n.getsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP))" >"$W/loop.out" 2>&1
grep -q '^loop sender done 0$' "$W/loop.out" || { diag "loop sender:"; evidence "$W/loop.out"; }
"$NETCON" run --home "$B" -- python3 "$HERE/mcast_send.py" "$P4" "$P6" "$IB" "$W/phase2" "$W/stop" >"$W/send.out" 2>&1 &
track $!
until_ok 600 grep -q '^left' "$W/recv.out"
grep -q "^got v4 from $IB port" "$W/recv.out" && ok "a datagram to 239.77.1.2 from B arrives at A, source $IB" ||
	{ not_ok "a datagram to 239.77.1.2 from B arrives at A"; evidence "$W/recv.out"; evidence "$W/send.out"; evidence "$W/b/netcon.log"; }
grep -q "^got v6 from fe80:" "$W/recv.out" && ok "a datagram to ff05::7a from B arrives at A, from B's fe80:: address" ||
	{ not_ok "a datagram to ff05::7a from B arrives at A"; evidence "$W/recv.out"; evidence "$W/send.out"; }
grep -q "^got loop4 from $IA" "$W/recv.out" && ok "a sender on A reaches A's member (IP_MULTICAST_LOOP on by default)" ||
	{ not_ok "a sender on A reaches A's member"; evidence "$W/recv.out"; evidence "$W/loop.out"; }
grep -q "^got noloop4" "$W/recv.out" && not_ok "with IP_MULTICAST_LOOP 0 it does not" ||
	ok "with IP_MULTICAST_LOOP 0 it does not"
grep -q "^got unjoined" "$W/recv.out" && not_ok "a group A did not join (239.77.1.3) delivers nothing" ||
	ok "a group A did not join (239.77.1.3) delivers nothing"
# Link-local, as the kernel: fe80:: addresses on the network's interface, scope ids reported and needed.
until_ok 300 grep -q '^tcp got\|^tcp failed' "$W/send.out"
SC=$(sed -n 's/^v6-scope: //p' "$W/recv.out")
[ -n "$SC" ] && [ "$SC" -ge 1313013760 ] && ok "recvfrom reports the fe80:: source with the virtual interface's scope id ($SC)" ||
	{ not_ok "recvfrom reports a virtual scope id"; evidence "$W/recv.out"; }
grep -q '^ll-noscope: 22$' "$W/recv.out" && ok "sendto fe80:: without a scope id: EINVAL" ||
	{ not_ok "sendto fe80:: without a scope id: EINVAL"; evidence "$W/recv.out"; }
grep -q "^pong from fe80:.* scope 1313013[0-9]*$" "$W/send.out" && ok "sendto fe80::%scope answers B; B's recvfrom gives A's fe80:: and scope" ||
	{ not_ok "a reply to fe80::%scope arrives"; evidence "$W/send.out"; }
grep -q '^tcp-noscope: 22$' "$W/send.out" && ok "TCP connect to fe80:: without a scope id: EINVAL" ||
	{ not_ok "TCP connect to fe80:: without a scope id: EINVAL"; evidence "$W/send.out"; }
grep -q '^tcp got HELLO$' "$W/send.out" && ok "TCP over fe80::%scope from B to A, both ways" ||
	{ not_ok "TCP over fe80::%scope"; evidence "$W/send.out"; evidence "$W/recv.out"; }
grep -q '^tcp local fe80:.* scope 1313013[0-9]*$' "$W/send.out" && ok "getsockname: B's fe80:: address and scope id" ||
	{ not_ok "getsockname gives fe80:: and scope"; evidence "$W/send.out"; }
until_ok 100 grep -q '^accept-from' "$W/recv.out"
grep -q '^accept-from fe80:.* scope 1313013[0-9]*$' "$W/recv.out" && ok "accept reports the peer's fe80:: address and scope id" ||
	{ not_ok "accept reports fe80:: and scope"; evidence "$W/recv.out"; }
touch "$W/phase2"
until_ok 300 test -f "$W/recv.done"
grep -q '^after-leave: 0$' "$W/recv.out" && ok "after IP_DROP_MEMBERSHIP / IPV6_LEAVE_GROUP nothing arrives (6 s)" ||
	{ not_ok "after leaving, nothing arrives"; evidence "$W/recv.out"; }
touch "$W/stop"
wait "$RECV"
# Across the two nodes, as on one (udp_peer.t): a connected UDP socket on B reports A's server
# as the source of what it receives, IPv4 and v4-mapped, truncated as Linux does.
PP=$((31000 + $$ % 5000))
"$NETCON" run --home "$A" -- "$NETCON_BUILD/tests/integ/udp_peer" serve "$IA" "$PP" >"$W/peer-srv.out" 2>&1 &
track $!
until_ok 100 grep -q '^ready' "$W/peer-srv.out" || evidence "$W/peer-srv.out"
timeout 60 "$NETCON" run --home "$B" -- "$NETCON_BUILD/tests/integ/udp_peer" client "$IA" "$PP" >"$W/peer.out" 2>&1
rc=$?
while IFS= read -r line; do
	case "$line" in
	"ok "*) ok "${line#ok * - }" ;;
	"not ok "*) not_ok "${line#not ok * - }" ;;
	esac
done <"$W/peer.out"
[ "$rc" = 0 ] && [ "$(grep -c '^ok ' "$W/peer.out")" = 16 ] && ok "udp_peer across two nodes: 16 checks passed" ||
	{ not_ok "udp_peer across two nodes (rc $rc)"; evidence "$W/peer.out"; evidence "$W/peer-srv.out"; }
# The multicast options and groups on a virtual socket, and recvmsg/recvmmsg, as the kernel
# answers udp_msg on 127.0.0.1: under the intercept and under the seccomp front end.
for how in "" --seccomp; do
	timeout 60 "$NETCON" run --home "$A" $how -- "$NETCON_BUILD/tests/integ/udp_msg" "$IA" >"$W/msg$how.out" 2>&1
	rc=$?
	[ "$rc" = 0 ] && [ "$(grep -c '^ok ' "$W/msg$how.out")" = 35 ] &&
		ok "udp_msg ${how:-(intercept)}: multicast options, groups, recvmsg/recvmmsg: 35 checks as Linux" ||
		{ not_ok "udp_msg ${how:-(intercept)} (rc $rc)"; grep -A2 '^not ok' "$W/msg$how.out" | sed 's/^/# /'; }
done
for n in a b; do
	kill -0 "$(cat "$W/$n.pid")" && ok "daemon $n still runs" || not_ok "daemon $n still runs"
done
done_testing
