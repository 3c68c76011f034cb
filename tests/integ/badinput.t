#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Bad input: malformed, truncated, oversized, wrong-version, unknown-type control messages and
# messages with unexpected descriptors each get their sender dropped while the daemon goes on
# serving everyone else (an established virtual connection keeps echoing, new programs connect);
# bad command lines exit non-zero with a message that says what is wrong.
. "$(dirname "$0")/lib.sh"

CTL=$NETCON_BUILD/tests/integ/ctl_client
VIP=10.83.0.1 PORT=19200

[ -x "$NETCON" ] && [ -x "$CTL" ] || skip_all "build netcon and the test helpers first (make tests)"
command -v socat >/dev/null || skip_all "socat not installed"

W=$(tmpdir)
H=$W/home
if DAEMON_PID=$("$NETCON" daemon --home "$H" --addr $VIP/24 -d 2>"$W/daemon.log"); then
	track "$DAEMON_PID"
	ok "daemon on $VIP/24, pid $DAEMON_PID"
else
	not_ok "daemon starts"
	done_testing
	exit
fi

"$NETCON" run --home "$H" -- socat TCP-LISTEN:$PORT,bind=$VIP,reuseaddr,fork EXEC:cat \
	>"$W/echo.log" 2>&1 &
track $!
wait_port "$H" $VIP $PORT && ok "echo server on $VIP:$PORT" || not_ok "echo server on $VIP:$PORT"

# One connection held open for the whole test.
coproc ECHO { exec "$NETCON" run --home "$H" -- socat -t60 - TCP:$VIP:$PORT 2>"$W/held.err"; }
track "$ECHO_PID"
ECHO_IN=${ECHO[1]} ECHO_OUT=${ECHO[0]}
roundtrip() {
	line=""
	echo "$1" >&"$ECHO_IN" && read -r -t 5 line <&"$ECHO_OUT"
	[ "$line" = "$1" ]
}
roundtrip "hello-0" && ok "a held virtual connection echoes" || not_ok "a held virtual connection echoes"

# kind:what the daemon's log must say about it
KINDS="runt:shorter than a header
empty:
trunc:truncated message
oversize:oversized message
huge:oversized or truncated message
badmagic:bad magic
badversion:unsupported protocol version
unknown:unknown message type
typezero:unknown message type
notrequest:not a request type
fd:unexpected descriptor
twofds:oversized or truncated message
clonenofd:clone without a channel
clonefile:clone.*dropping
clonestream:clone.*dropping"
held_ok=1
while IFS=: read -r kind why; do
	before=$(wc -l <"$H/netcon.log")
	out=$("$CTL" "$H/control" "$kind")
	sleep 0.05
	logged=$(tail -n +$((before + 1)) "$H/netcon.log")
	if [ "$out" = closed ]; then
		ok "$kind: the sender is dropped"
	else
		not_ok "$kind: the sender is dropped (got '$out')"
	fi
	if [ -n "$why" ]; then
		if printf '%s' "$logged" | grep -q "$why"; then
			ok "$kind: the daemon logs '$why'"
		else
			not_ok "$kind: the daemon logs '$why' (logged: '$logged')"
		fi
	fi
	roundtrip "after-$kind" || held_ok=0
	kill -0 "$DAEMON_PID" 2>/dev/null || { not_ok "the daemon survives $kind"; break; }
done <<EOF
$KINDS
EOF
[ $held_ok = 1 ] && ok "the held connection echoed after every bad message" ||
	not_ok "the held connection echoed after every bad message"

# Well-formed requests about things that do not exist: an error reply, and the channel stays.
for kind in badsockid badfamily; do
	out=$("$CTL" "$H/control" "$kind")
	case $out in
	"reply "*" status -"*) ok "$kind: answered with an error ($out)" ;;
	*) not_ok "$kind: answered with an error (got '$out')" ;;
	esac
done

kill -0 "$DAEMON_PID" 2>/dev/null && ok "the daemon is still running" || not_ok "the daemon is still running"
out=$(echo "new-after-all" | timeout 20 "$NETCON" run --home "$H" -- socat -t5 - TCP:$VIP:$PORT)
[ "$out" = "new-after-all" ] && ok "a new program connects and echoes afterwards" ||
	not_ok "a new program connects and echoes afterwards (got '$out')"
roundtrip "hello-last" && ok "the held connection still echoes at the end" ||
	not_ok "the held connection still echoes at the end"
"$NETCON" status --home "$H" >"$W/status.out" 2>&1 && grep -q "$VIP:$PORT .*LISTEN" "$W/status.out" &&
	ok "netcon status still answers" || not_ok "netcon status still answers"
exec {ECHO_IN}>&-

# ---- bad command lines -------------------------------------------------------------------------
# cli DESCRIPTION REGEX CMD...: exits non-zero, says something matching REGEX on stderr
cli() {
	d=$1 re=$2
	shift 2
	out=$(timeout 10 "$@" 2>&1 >/dev/null)
	st=$?
	if [ $st != 0 ] && [ $st != 124 ] && printf '%s' "$out" | grep -Eq "$re"; then
		ok "$d: exit $st, '$(printf '%s' "$out" | head -1)'"
	else
		not_ok "$d: exit $st, '$(printf '%s' "$out" | head -1)' (wanted /$re/)"
	fi
}
E=$W/empty
mkdir "$E"
cli "daemon --addr 300.1.1.1/24" "300\.1\.1\.1/24.*(not an address|invalid|bad)" \
	"$NETCON" daemon --home "$E/d1" --addr 300.1.1.1/24
cli "daemon --addr 10.0.0.1/99" "10\.0\.0\.1/99.*(not an address|prefix|invalid)" \
	"$NETCON" daemon --home "$E/d2" --addr 10.0.0.1/99
cli "daemon --addr with no prefix length digits" "10\.0\.0\.1/.*(not an address|prefix)" \
	"$NETCON" daemon --home "$E/d3" --addr 10.0.0.1/
cli "daemon --addr given twice" "given twice" \
	"$NETCON" daemon --home "$E/d4" --addr 10.0.0.1/24 --addr 10.0.0.1/24
cli "daemon --bogus" "unrecognized option.*--bogus|unknown option.*bogus" \
	"$NETCON" daemon --home "$E/d5" --bogus
cli "daemon with a stray argument" "unexpected argument 'stray'" \
	"$NETCON" daemon --home "$E/d6" stray
cli "daemon on a home that a daemon already uses" "already running" \
	"$NETCON" daemon --home "$H" --addr 10.84.0.1/24
cli "daemon with a home that cannot be made" "home .*$E/file/sub.*(Not a directory|No such)" \
	sh -c ": >'$E/file'; exec '$NETCON' daemon --home '$E/file/sub' --addr 10.0.0.1/24"
cli "run with no program" "no program given" "$NETCON" run --home "$H"
cli "run -- with no program" "no program given" "$NETCON" run --home "$H" --
cli "run --bogus" "unrecognized option.*--bogus|unknown option.*bogus" \
	"$NETCON" run --home "$H" --bogus -- true
cli "run with no daemon" "no daemon at $E \\(start it with" "$NETCON" run --home "$E" -- true
cli "run of a program that does not exist" "no-such-program-here.*No such file" \
	"$NETCON" run --home "$H" -- no-such-program-here
cli "status with no daemon" "no daemon at $E \\(start it with" "$NETCON" status --home "$E"
cli "status --bogus" "unrecognized option.*--bogus|unknown option.*bogus" \
	"$NETCON" status --home "$H" --bogus
cli "an unknown command" "unknown command 'frobnicate'" "$NETCON" frobnicate
[ -z "$(ls "$E" | grep -v '^file$')" ] && ok "no failed daemon left a home behind" ||
	not_ok "no failed daemon left a home behind ($(ls "$E" | tr '\n' ' '))"

done_testing
