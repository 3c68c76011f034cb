#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The seccomp front end across two nodes of a ZeroTier network (netcon init, members A and B): a
# Go net/http server on A and a Go client on B (sha256), a static musl echo server on B and client
# on A (1 MB, byte for byte), a Go UDP server on A and a Go UDP client on B.
. "$(dirname "$0")/lib.sh"
APPS_DIR=$TOP/tests/apps
. "$APPS_DIR/lib.sh"
I=$NETCON_BUILD/tests/integ
[ -x "$I/rawnet.musl" ] || skip_all "no static musl test program (install musl-tools, make tests)"
[ -x "$I/gonet" ] || skip_all "no Go test program (install golang-go, make tests)"
W=$(tmpdir)
EV=$W/evidence
unset NETCON_LOG
TO=60
net_up || { done_testing; exit 1; }
sha_of() { /usr/bin/python3 -c "import hashlib,sys; print(hashlib.sha256(bytes(i*7%251 for i in range(int(sys.argv[1])))).hexdigest())" "$1"; }
wait_for() { for _ in $(seq 150); do grep -q "$1" "$2" 2>/dev/null && return 0; sleep 0.1; done; return 1; }
PORT=$((23000 + $$ % 9000))

"$NETCON" run --home "$A" -- "$I/gonet" serve "$IA:$PORT" >"$W/gs.out" 2>&1 &
track $!
wait_for ready "$W/gs.out" || { not_ok "the Go server on A is up"; evidence "$W/gs.out"; }
on "$B" "$I/gonet" get "http://$IA:$PORT/data/5000000" >"$W/gc.out" 2>&1
grep -q "^sha256 $(sha_of 5000000)" "$W/gc.out" && ok "Go client on B gets 5 MB from the Go server on A, sha256 equal" ||
	{ not_ok "Go client on B gets 5 MB from the Go server on A"; evidence "$W/gc.out"; }
grep -q "^remote $IB:" "$W/gc.out" && ok "the Go server on A sees B's address ($IB)" ||
	{ not_ok "the Go server on A sees B's address"; evidence "$W/gc.out"; }

"$NETCON" run --home "$B" -- "$I/rawnet.musl" echo-server "$IB" $((PORT + 1)) 1 >"$W/ms.out" 2>&1 &
track $!
wait_for ready "$W/ms.out" || { not_ok "the musl server on B is up"; evidence "$W/ms.out"; }
on "$A" "$I/rawnet.musl" echo-client "$IB" $((PORT + 1)) 1000000 >"$W/mc.out" 2>&1
grep -q '^echo ok 1000000$' "$W/mc.out" && grep -q "^local $IA:" "$W/mc.out" &&
	ok "musl client on A, musl server on B: 1 MB echoed, byte for byte, from A's address" ||
	{ not_ok "musl client on A, musl server on B"; evidence "$W/mc.out"; evidence "$W/ms.out"; }

"$NETCON" run --home "$A" -- "$I/gonet" udp-echo "$IA:$((PORT + 2))" 1 >"$W/gu.out" 2>&1 &
track $!
wait_for ready "$W/gu.out" || { not_ok "the Go UDP server on A is up"; evidence "$W/gu.out"; }
on "$B" "$I/gonet" udp "$IA:$((PORT + 2))" across >"$W/guc.out" 2>&1
grep -q "^reply ssorca from $IB:" "$W/guc.out" && ok "Go UDP client on B, Go UDP server on A: the datagram and its source" ||
	{ not_ok "Go UDP client on B, Go UDP server on A"; evidence "$W/guc.out"; }
done_testing
