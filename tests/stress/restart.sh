#!/bin/bash
# A daemon killed under load: 4 checked streams B -> A (server on A) and 4 A -> B (clients on A)
# run, A's daemon gets SIGKILL. Every program must end by itself with an error, not hang: those on A
# (their daemon gone) within 10 s, those on B (their peer gone) once A is back and answers with a
# reset, within 15 s of the kill (60 s with RESTART_NEW_PORT). A's daemon restarts on the same home (same identity, rejoins from
# networks.d) and its UDP port of before, as a daemon on a fixed port (9993) would; new connections
# both ways work. RESTART_NEW_PORT=1 restarts it on a new port instead (B then keeps sending to the
# dead endpoint until that path expires, ~45 s).
. "$(dirname "$0")/lib.sh"
stress_init restart "SIGKILL of A's daemon under load"
PA=8186 PB=8187
BIG=$((4 << 30)) # far more than a few seconds' worth: the streams are running at the kill
net_up || { app_done; exit 1; }
serve "$A" shsA $PY "$SHS" server "$IA" $PA
serve "$B" shsB $PY "$SHS" server "$IB" $PB
wait_port "$B" "$IA" $PA && wait_port "$A" "$IB" $PB || not_ok "both servers reachable"
# client NAME HOME IP PORT: 4 streams in the background, bounded by 120 s; rc and end time in $W/NAME.rc
client() {
	(
		timeout 120 "$NETCON" run --home "$2" -- $PY "$SHS" client "$3" "$4" "$BIG" 7 4 >"$W/$1.out" 2>"$W/$1.err"
		echo "$? $(now)" >"$W/$1.rc"
	) &
	track $!
}
client onB "$B" "$IA" $PA
client onA "$A" "$IB" $PB
sleep 4
pa=$(pid_of a)
port=$("$NETCON" info --home "$A" --json | json "j['config']['settings']['primaryPort']" 2>/dev/null)
[ -n "${RESTART_NEW_PORT:-}" ] && port=0
ina=$("$NETCON" status --home "$A" --json | json "sum(s['bytes_in'] for s in j['sockets_table'])")
diag "before the kill: A's daemon $pa carries $ina bytes in"
[ "${ina:-0}" -gt 0 ] && ok "streams are running both ways before the kill" || not_ok "streams running before the kill"
tk=$(now)
kill -9 "$pa"
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
waitrc onA 10
ended onA 10 "clients on A (their daemon killed)"
kill -0 "$SRV_PID" 2>/dev/null
tr=$(now)
pid=$("$NETCON" daemon --home "$A" --port "${port:-0}" --planet "$C/planet" -d 2>>"$W/a.log") && track "$pid" &&
	echo "$pid" >"$W/a.pid" && until_ok 300 is_ok "$A" && [ "$(ip4 "$A")" = "$IA" ] &&
	ok "A's daemon restarted on the same home, back on the network as $IA (UDP port ${port:-0}) in $(secs "$tr" "$(now)") s" ||
	{ not_ok "A's daemon restarts and rejoins"; evidence "$W/a.log"; }
fig rejoin_s "$(secs "$tr" "$(now)")"
# B's view of A's paths (A's new daemon has a new UDP port): evidence for how long B's programs wait
peers_b() { "$NETCON" peers --home "$B" | grep -i "$(addr "$A")" | sed "s/^/#   B's peer A ($1): /" | tee -a "$EV"; }
peers_b "$(secs "$tk" "$(now)") s after the kill"
lim=15
[ -n "${RESTART_NEW_PORT:-}" ] && lim=60
waitrc onB $lim
peers_b "$(secs "$tk" "$(now)") s after the kill"
ended onB $lim "clients on B (their peer's daemon killed)"
# New connections both ways, on fresh servers (the old server on A lost its daemon)
serve "$A" shsA2 $PY "$SHS" server "$IA" $((PA + 10))
wait_port "$B" "$IA" $((PA + 10))
out=$(on "$B" $PY "$SHS" client "$IA" $((PA + 10)) $((8 << 20)) 11 4 2>"$W/new.err")
[ "${out#good 4 of 4}" != "$out" ] && ok "after the restart: 4 new streams B -> A, sha256 equal" ||
	{ not_ok "after the restart: new streams B -> A ($out)"; evidence "$W/new.err"; }
out=$(on "$A" $PY "$SHS" client "$IB" $PB $((8 << 20)) 12 4 2>"$W/new.err")
[ "${out#good 4 of 4}" != "$out" ] && ok "after the restart: 4 new streams A -> B (B's old server), sha256 equal" ||
	{ not_ok "after the restart: new streams A -> B ($out)"; evidence "$W/new.err"; }
evidence "$W/shsA.log" 4
evidence "$W/shsB.log" 4
app_done
