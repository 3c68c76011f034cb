#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# One client floods the daemon: sockets until its limit (EMFILE), then requests without reading
# the answers (ENOBUFS, then a hang-up: the daemon never waits for it). Another client's round
# trips are measured before, during and after (the bound is on hangs, not on speed), and the
# daemon's memory is read before and after.
. "$(dirname "$0")/lib.sh"

TC=$NETCON_BUILD/tests/integ/trust_client
VIP=10.84.0.1 MAXS=2000 FLOOD_S=6

[ -x "$NETCON" ] && [ -x "$TC" ] || skip_all "build netcon and the test helpers first (make tests)"

W=$(tmpdir)
H=$W/home
NETCON_MAX_SOCKETS=$MAXS start_daemon "$H" $VIP/24 2>"$W/daemon.log" || {
	not_ok "daemon starts"
	done_testing
	exit
}
ok "daemon starts with NETCON_MAX_SOCKETS=$MAXS, pid $DAEMON_PID"
C=$H/control
rss() { awk '/^VmRSS/ { print $2 }' "/proc/$DAEMON_PID/status"; }
ms() { awk -v u="$1" 'BEGIN { printf "%.2f", u / 1000 }'; }

# ping LABEL: 300 bind round trips from a well-behaved client of another run; sets MED and MAX (µs)
ping() {
	out=$(timeout 60 "$NETCON" run --home "$H" -- "$TC" "$C" ping 300)
	set -- $out
	if [ "${1:-}" = median_us ]; then
		MED=$2 MAX=$4
		return 0
	fi
	MED= MAX=
	diag "ping: $out"
	return 1
}

ping && ok "before the flood: 300 round trips, median $(ms $MED) ms, worst $(ms $MAX) ms" ||
	not_ok "before the flood: 300 round trips"
fig_before="$MED/$MAX"
r0=$(rss)

timeout 120 "$NETCON" run --home "$H" -- "$TC" "$C" flood $FLOOD_S >"$W/flood.out" 2>&1 &
FLOOD=$!
track $FLOOD
for _ in $(seq 100); do grep -q '^sockets' "$W/flood.out" && break; sleep 0.1; done
out=$(grep '^sockets' "$W/flood.out")
[ "$out" = "sockets $MAXS errno 24" ] && ok "the flooder gets $MAXS sockets, then EMFILE" ||
	not_ok "the flooder gets $MAXS sockets, then EMFILE (got '$out')"
r1=$(rss)

sleep 1
ping && [ "$MAX" -lt 2000000 ] &&
	ok "during the flood: 300 round trips, median $(ms $MED) ms, worst $(ms $MAX) ms (before: median $(ms ${fig_before%/*}), worst $(ms ${fig_before#*/}))" ||
	not_ok "during the flood: 300 round trips answered, none over 2 s (median ${MED:-?} us, worst ${MAX:-?} us)"
kill -0 $FLOOD 2>/dev/null && ok "the flood was still going on meanwhile" ||
	not_ok "the flood was still going on meanwhile"

wait $FLOOD
out=$(grep '^sent' "$W/flood.out")
diag "flooder: $out"
set -- $out
sent=${2:-0} answers=${4:-0} enobufs=${6:-0} fds=${8:-0} closed=${10:-0}
[ "$sent" -gt "$answers" ] && [ "$enobufs" -gt 0 ] && [ "$closed" -gt 0 ] &&
	ok "the flooder's unread answers were bounded: $sent requests, $answers answers ($enobufs ENOBUFS, $fds descriptors), hung up on $closed times" ||
	not_ok "the flooder's unread answers were bounded ($out)"
[ "$closed" -gt 0 ] && [ "$fds" -le $((closed * 65 + 65)) ] &&
	ok "descriptors in flight to the flooder stayed bounded ($fds over $closed channels, 64 each at most)" ||
	not_ok "descriptors in flight to the flooder stayed bounded ($fds over $closed channels)"
grep -q "does not read its answers" "$W/daemon.log" && diag "the daemon logged the hang-up"

sleep 1
ping && ok "after the flood: median $(ms $MED) ms, worst $(ms $MAX) ms" || not_ok "after the flood: round trips"
r2=$(rss)
kill -0 "$DAEMON_PID" 2>/dev/null && ok "the daemon is alive" || not_ok "the daemon is alive"
s=$("$NETCON" status --home "$H" --json 2>/dev/null | grep -o '"sockets": *[0-9]*' | grep -o '[0-9]*$')
diag "daemon RSS: before $r0 kB, with $MAXS sockets $r1 kB, after $r2 kB; sockets now ${s:-?}"
[ $((r2 - r0)) -lt 32768 ] && ok "daemon RSS after the flood within 32 MB of before ($r0 -> $r2 kB)" ||
	not_ok "daemon RSS after the flood within 32 MB of before ($r0 -> $r2 kB)"
# Stopped, it reports what a sanitizer build saw (errors, leaks) in its log.
kill "$DAEMON_PID" 2>/dev/null
for _ in $(seq 100); do kill -0 "$DAEMON_PID" 2>/dev/null || break; sleep 0.1; done
if grep -q "AddressSanitizer\|LeakSanitizer\|runtime error\|SEGV" "$W/daemon.log"; then
	not_ok "the daemon's log is clean of sanitizer reports"
	grep -A12 "AddressSanitizer\|LeakSanitizer\|runtime error\|SEGV" "$W/daemon.log" | head -40 | sed 's/^/# /'
else
	ok "the daemon's log is clean of sanitizer reports"
fi
done_testing
