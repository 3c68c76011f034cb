#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# A daemon killed under load, twice: 4 checked streams B -> A (server on A) and 4 A -> B (clients on
# A) run, A's daemon gets SIGKILL. Every program must end by itself with an error, not hang: those
# on A (their daemon gone) at once, those on B (their peer gone) once A is back and answers their
# next retransmission with a reset. A's daemon restarts on the same home (same identity, rejoins
# from networks.d): the first time on its UDP port of before, as a daemon on a fixed port (9993)
# would; the second time on a new port, as after a NAT rebinding (B must take A's new endpoint from
# its HELLO at once, not wait ~45 s for the old path to die). New connections both ways work after.
# RESTART_NEW_PORT=1: only the new-port round. Bounds are on hangs: clients on A within 30 s; on B
# within 15 s plus twice the time A took to come back (lwIP's retransmissions back off
# exponentially, so the first one after A is back comes at most about that late).
. "$(dirname "$0")/lib.sh"
stress_init restart "SIGKILL of A's daemon under load, restarted on its port, then on a new one"
PA=8186 PB=8187
BIG=$((4 << 30)) # far more than a few seconds' worth: the streams are running at the kill
ROUNDS="same new"
[ -n "${RESTART_NEW_PORT:-}" ] && ROUNDS=new
net_up || { app_done; exit 1; }
serve "$B" shsB $PY "$SHS" server "$IB" $PB
# client NAME HOME IP PORT: 4 streams in the background, bounded by 120 s; rc and end time in $W/NAME.rc
client() {
	(
		timeout 120 "$NETCON" run --home "$2" -- $PY "$SHS" client "$3" "$4" "$BIG" 7 4 >"$W/$1.out" 2>"$W/$1.err"
		echo "$? $(now)" >"$W/$1.rc"
	) &
	track $!
}
# waitrc NAME SECONDS: until the client ended (or SECONDS passed)
waitrc() { for _ in $(seq $(($2 * 10))); do [ -s "$W/$1.rc" ] && return 0; sleep 0.1; done; return 1; }
# ended NAME LIMIT WHAT: the client ended by itself (not timeout's 124), with an error, within LIMIT s
ended() {
	if [ ! -s "$W/$1.rc" ]; then
		not_ok "$3: still running $(secs "$tk" "$(now)") s after the kill (hangs)"
		evidence "$W/$1.err"
		fig "$1_s" hang
		return
	fi
	read -r rc te <"$W/$1.rc"
	t=$(secs "$tk" "$te")
	if [ "$rc" != 0 ] && [ "$rc" != 124 ] && awk "BEGIN { exit !($t <= $2) }"; then
		ok "$3: exited by itself with an error (rc $rc) $t s after the kill: $(head -1 "$W/$1.err")"
	else
		not_ok "$3: rc $rc, $t s after the kill (want an error within $2 s)"
		evidence "$W/$1.err"
	fi
	fig "$1_s" "$t"
}
# B's view of A's paths: evidence for how long B's programs wait
peers_b() { "$NETCON" peers --home "$B" | grep -i "$(addr "$A")" | sed "s/^/#   B's peer A ($1): /" | tee -a "$EV"; }
r=0
for mode in $ROUNDS; do
	r=$((r + 1))
	pa=$((PA + 10 * r))
	serve "$A" shsA$r $PY "$SHS" server "$IA" $pa
	wait_port "$B" "$IA" $pa && wait_port "$A" "$IB" $PB || not_ok "$mode port: both servers reachable"
	client onB_$mode "$B" "$IA" $pa
	client onA_$mode "$A" "$IB" $PB
	sleep 4
	pid=$(pid_of a)
	port=$("$NETCON" info --home "$A" --json | json "j['config']['settings']['primaryPort']" 2>/dev/null)
	[ $mode = new ] && port=0
	ina=$("$NETCON" status --home "$A" --json | json "sum(s['bytes_in'] for s in j['sockets_table'])")
	diag "$mode port: before the kill, A's daemon $pid carries $ina bytes in"
	[ "${ina:-0}" -gt 0 ] && ok "$mode port: streams are running both ways before the kill" ||
		not_ok "$mode port: streams running before the kill"
	tk=$(now)
	kill -9 "$pid"
	waitrc onA_$mode 30
	ended onA_$mode 30 "$mode port: clients on A (their daemon killed)"
	tr=$(now)
	if pid=$("$NETCON" daemon --home "$A" --port "${port:-0}" --planet "$C/planet" -d 2>>"$W/a.log") &&
		track "$pid" && echo "$pid" >"$W/a.pid" && until_s 120 is_ok "$A" && [ "$(ip4 "$A")" = "$IA" ]; then
		ok "$mode port: A's daemon restarted on the same home, back on the network as $IA (UDP port ${port:-0}) in $(secs "$tr" "$(now)") s"
	else
		not_ok "$mode port: A's daemon restarts and rejoins"
		evidence "$W/a.log"
	fi
	tb=$(secs "$tk" "$(now)")
	fig "${mode}_rejoin_s" "$(secs "$tr" "$(now)")"
	peers_b "$tb s after the kill"
	lim=$(awk "BEGIN { printf \"%.0f\", 15 + 2 * $tb }")
	waitrc onB_$mode "$lim"
	peers_b "$(secs "$tk" "$(now)") s after the kill"
	ended onB_$mode "$lim" "$mode port: clients on B (their peer's daemon killed)"
done
# New connections both ways, on a fresh server on A (the old ones lost their daemon)
serve "$A" shsA $PY "$SHS" server "$IA" $PA
wait_port "$B" "$IA" $PA
out=$(on "$B" $PY "$SHS" client "$IA" $PA $((8 << 20)) 11 4 2>"$W/new.err")
[ "${out#good 4 of 4}" != "$out" ] && ok "after the restarts: 4 new streams B -> A, sha256 equal" ||
	{ not_ok "after the restarts: new streams B -> A ($out)"; evidence "$W/new.err"; }
out=$(on "$A" $PY "$SHS" client "$IB" $PB $((8 << 20)) 12 4 2>"$W/new.err")
[ "${out#good 4 of 4}" != "$out" ] && ok "after the restarts: 4 new streams A -> B (B's old server), sha256 equal" ||
	{ not_ok "after the restarts: new streams A -> B ($out)"; evidence "$W/new.err"; }
evidence "$W/shsB.log" 4
app_done
