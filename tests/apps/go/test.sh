#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# A Go program (tests/integ/gonet.go, built by make tests; Go makes its own system calls, so
# netcon run gives it the seccomp front end): net/http server on A, client on B (16 MB, sha256);
# UDP echo server (ReadFrom/WriteTo) on A, connected UDP client on B; net.DialTimeout from B to a
# virtual address nobody answers: an error within the timeout, not a hang, not the host's stack.
. "$(dirname "$0")/../lib.sh"
G=$NETCON_BUILD/tests/integ/gonet
app_init go "$(go version 2>/dev/null | cut -d' ' -f3)"
have go || app_skip "golang-go not installed"
[ -x "$G" ] || app_skip "no $G (make tests)"
PORT=8082 UP=9093
net_up || { app_done; exit 1; }
sha_of() { python3 -c "import hashlib,sys; n=int(sys.argv[1]); print(hashlib.sha256(bytes(i*7%251 for i in range(n))).hexdigest())" "$1"; }
wait_for() { for _ in $(seq 100); do grep -q "$1" "$2" 2>/dev/null && return 0; sleep 0.1; done; return 1; }

serve "$A" gohttp "$G" serve "$IA:$PORT"
wait_for ready "$W/gohttp.log"
grep -q "^ready $IA:$PORT" "$W/gohttp.log" && ok "Go net/http server on A listens on $IA:$PORT" ||
	{ not_ok "Go net/http server on A listens on $IA:$PORT"; evidence "$W/gohttp.log"; }
N=16777216
want=$(sha_of $N)
t0=$(now)
on "$B" "$G" get "http://$IA:$PORT/data/$N" >"$W/get.out" 2>&1
t1=$(now)
grep -q "^sha256 $want" "$W/get.out" && grep -q "^bytes $N\$" "$W/get.out" &&
	ok "Go client on B gets 16 MB from the Go server on A, sha256 equal, $(secs "$t0" "$t1") s" ||
	{ not_ok "Go client on B gets 16 MB from the Go server on A, sha256 equal"; evidence "$W/get.out"; }
grep -q "^remote $IB:" "$W/get.out" && ok "the Go server sees B's virtual address" ||
	{ not_ok "the Go server sees B's virtual address"; evidence "$W/get.out"; }

serve "$A" goudp "$G" udp-echo "$IA:$UP" 2
wait_for ready "$W/goudp.log" || { not_ok "Go UDP server on A"; evidence "$W/goudp.log"; }
for m in hello datagram-two; do
	on "$B" "$G" udp "$IA:$UP" $m >"$W/udp.out" 2>&1
	r=$(echo $m | rev)
	grep -q "^reply $r from $IB:[0-9]" "$W/udp.out" && grep -q "remote $IA:$UP" "$W/udp.out" &&
		ok "Go UDP: B sends '$m' to the unconnected Go server on A, gets '$r from $IB:...'" ||
		{ not_ok "Go UDP echo B -> A -> B ('$m')"; evidence "$W/udp.out"; evidence "$W/goudp.log"; }
done

# An address on the network's subnet that no member has: nothing answers (no ARP reply).
# Under --isolate the host's stack has no route at all (it would fail at once with "network is
# unreachable"), so an error after about the 3 s timeout is the daemon's.
DEAD=${IA%.*}.$(( (${IA##*.} + 97) % 250 + 2 ))
for how in "" --isolate; do
	t0=$(now)
	timeout 30 "$NETCON" run --home "$B" $NETCON_RUN_FLAGS $how -- "$G" dial "$DEAD:80" >"$W/dead.out" 2>&1
	rc=$? t1=$(now) d=$(secs "$t0" "$t1")
	if [ $rc = 1 ] && grep -q '^refused .*\(i/o timeout\|no route to host\|host is unreachable\)' "$W/dead.out" &&
		awk "BEGIN { exit !($d >= 2.5 && $d < 15) }"; then
		ok "net.DialTimeout(3 s) to $DEAD:80 ${how:-(plain)}: '$(grep '^refused' "$W/dead.out" | cut -c1-80)' after $d s"
	else
		not_ok "net.DialTimeout(3 s) to $DEAD:80 ${how:-(plain)}: an error after ~3 s (rc $rc after $d s)"
		evidence "$W/dead.out"
	fi
done
app_done
