#!/bin/sh
# NETCON_TEST_DELAY_MS, the transport's test-only emulated distance: each daemon holds what it
# receives that long before its node sees it (in order, no busy wait). A root without delay and
# two leaves A and B with 40 ms each: an ECHO root -> A takes one delay (A's), A -> B two (B's on
# the way out, A's on the way back). Bounds are generous: the machine may be loaded.
. "$(dirname "$0")/lib.sh"
[ -x "$NETCON" ] || skip_all "build/netcon not built"
command -v python3 >/dev/null || skip_all "needs python3 (JSON)"
W=$(tmpdir)
R=$W/root A=$W/a B=$W/b
mkdir -p "$R" "$A" "$B"
export NETCON_LOG=info
D=40

json() { python3 -c "import json,sys; j=json.load(sys.stdin); print($1)"; }
addr() { cut -c1-10 "$1/identity.public"; }
until_ok() { n=$1; shift; for _ in $(seq "$n"); do "$@" && return 0; sleep 0.1; done; return 1; }
online() { [ "$("$NETCON" info --home "$1" --json | json 'j["online"]')" = True ]; }
direct() { "$NETCON" ping --home "$1" --json -w 3 "$2" 2>/dev/null | grep -q '"direct":true'; }
# the smallest rtt of N ECHOs HOME -> PEER
min_rtt() { "$NETCON" ping --home "$1" --json -c "$3" -i 0.05 -w 3 "$2" | json_lines_min; }
json_lines_min() { python3 -c 'import json,sys; print(min([json.loads(l)["rtt"] for l in sys.stdin if l.strip()] or [-1]))'; }

"$NETCON" idtool generate "$R/identity.secret" "$R/identity.public" >/dev/null
P=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$NETCON" planet create --root "$R/identity.public" --endpoint "127.0.0.1/$P" --out "$W/planet" >/dev/null 2>&1
start() { # start NAME HOME PORT [ENV=VALUE...]
	n=$1 h=$2 p=$3
	shift 3
	pid=$(env "$@" "$NETCON" daemon --home "$h" --port "$p" --planet "$W/planet" -d 2>>"$W/$n.log") || return 1
	track "$pid"
	echo "$pid" >"$W/$n.pid"
}
check "root without delay" start root "$R" "$P"
check "leaf A with NETCON_TEST_DELAY_MS=$D" start a "$A" 0 NETCON_TEST_DELAY_MS=$D
check "leaf B with NETCON_TEST_DELAY_MS=$D NETCON_TEST_JITTER_MS=2" start b "$B" 0 NETCON_TEST_DELAY_MS=$D NETCON_TEST_JITTER_MS=2
AA=$(addr "$A") BA=$(addr "$B")
check "A's daemon warns that the knob is set" grep -q "NETCON_TEST_DELAY_MS: holding received UDP datagrams 40.0 ms" "$A/netcon.log"
check "A comes online through the delay" until_ok 100 online "$A"
check "B comes online" until_ok 100 online "$B"
check "A reaches B directly" until_ok 50 direct "$A" "$BA"

r1=$(min_rtt "$R" "$AA" 5)
diag "root -> A: smallest rtt $r1 ms (one delay of $D)"
check "root -> A: rtt $r1 >= $D ms (A's delay) and < $((D * 2)) + 400 ms" [ "$r1" -ge $D ] && [ "$r1" -lt $((D * 2 + 400)) ]
r2=$(min_rtt "$A" "$BA" 5)
diag "A -> B: smallest rtt $r2 ms (two delays of $D)"
check "A -> B: rtt $r2 >= $((D * 2)) ms (B's and A's delay) and < $((D * 2)) + 400 ms" [ "$r2" -ge $((D * 2)) ] && [ "$r2" -lt $((D * 2 + 400)) ]

# No busy waiting: a daemon with datagrams held sleeps until the next is due. 3 s of ECHOs at 20
# a second keep A's queue busy; A's daemon must stay far below a core (busy: ~300 ticks of 100).
cpu() { awk '{print $14 + $15}' "/proc/$(cat "$W/a.pid")/stat"; }
c0=$(cpu)
"$NETCON" ping --home "$A" -c 60 -i 0.05 -w 3 "$BA" >/dev/null
c1=$(cpu)
diag "A's daemon: $((c1 - c0)) ticks of CPU during 3 s of delayed ECHOs"
check "A's daemon used $((c1 - c0)) < 100 ticks (1 s) in 3 s: no busy waiting" [ $((c1 - c0)) -lt 100 ]
check "A's daemon log has no sanitizer report" sh -c "! grep -q 'runtime error\|ERROR: AddressSanitizer' '$A/netcon.log'"
done_testing
