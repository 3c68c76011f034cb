#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Who may open sockets through the daemon: its own user, root, and processes descended from an
# authorized `netcon run` (even after they change user). Everyone else is refused at the control
# socket, with an EACCES reply or a hang-up, and the daemon logs it.
. "$(dirname "$0")/lib.sh"

CTL=$NETCON_BUILD/tests/integ/ctl_client
VIP=10.81.0.1 VIP2=10.82.0.1 PORT=19100

[ "$(id -u)" = 0 ] || skip_all "needs root (runs the daemon as root and programs as nobody)"
[ -x "$NETCON" ] && [ -x "$CTL" ] || skip_all "build netcon and the test helpers first (make tests)"
command -v setpriv >/dev/null || skip_all "setpriv (util-linux) not installed"
command -v socat >/dev/null || skip_all "socat not installed"
getent passwd daemon >/dev/null || skip_all "no 'daemon' user to act as a second unprivileged user"

as_nobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; }
as_daemon() { setpriv --reuid=daemon --regid=daemon --clear-groups "$@"; }
# refused OUTPUT: ctl_client's answer to a refused hello
refused() { [ "$1" = "status -13" ] || [ "$1" = "closed" ]; }

W=$(tmpdir)

# ---- a daemon run by root ----------------------------------------------------------------------
H=$W/root-home
if DAEMON_PID=$("$NETCON" daemon --home "$H" --addr $VIP/24 -d 2>"$W/root-daemon.log"); then
	track "$DAEMON_PID"
	ok "daemon as root, pid $DAEMON_PID"
else
	not_ok "daemon as root"
	done_testing
	exit
fi
C=$H/control

out=$("$CTL" "$C")
[ "$out" = "status 0" ] && ok "root is let in (hello: $out)" || not_ok "root is let in (hello: $out)"

out=$(as_nobody "$CTL" "$C")
refused "$out" && ok "nobody, not under netcon run, is refused (hello: $out)" ||
	not_ok "nobody, not under netcon run, is refused (hello: $out)"
sleep 0.2
grep -q "refused uid 65534 " "$H/netcon.log" && ok "the daemon logs the refusal" ||
	not_ok "the daemon logs the refusal"

# `netcon run` itself run by nobody: refused, and told so (five times: the answer must not be
# a matter of timing).
msgs="" st=0
for i in 1 2 3 4 5; do
	m=$(as_nobody "$NETCON" run --home "$H" -- true 2>&1) && st=1
	msgs="$msgs$(printf '%s' "$m" | head -1)
"
done
if [ $st = 0 ]; then ok "netcon run by nobody exits non-zero"; else not_ok "netcon run by nobody exits non-zero"; fi
if ! printf '%s' "$msgs" | grep -qv 'Permission denied\|refused' &&
	! printf '%s' "$msgs" | grep -q 'no daemon at'; then
	ok "netcon run by nobody says it was refused"
else
	not_ok "netcon run by nobody says it was refused, every time"
	printf '%s' "$msgs" | sort | uniq -c | sed 's/^/# /'
fi

# An echo server, started by root through netcon.
"$NETCON" run --home "$H" -- socat TCP-LISTEN:$PORT,bind=$VIP,reuseaddr,fork EXEC:cat \
	>"$W/echo.log" 2>&1 &
track $!
wait_port "$H" $VIP $PORT && ok "root's echo server on $VIP:$PORT" || not_ok "root's echo server on $VIP:$PORT"

out=$("$NETCON" run --home "$H" -- setpriv --reuid=nobody --regid=nogroup --clear-groups "$CTL" "$C")
[ "$out" = "status 0" ] && ok "netcon run, then setpriv nobody: let in (hello: $out)" ||
	not_ok "netcon run, then setpriv nobody: let in (hello: $out)"

out=$(echo "from-nobody-$$" | timeout 20 "$NETCON" run --home "$H" -- \
	setpriv --reuid=nobody --regid=nogroup --clear-groups \
	sh -c 'id -un; exec socat -t5 - TCP:'$VIP:$PORT 2>&1)
if [ "$out" = "nobody
from-nobody-$$" ]; then
	ok "netcon run, then setpriv nobody: a virtual connection works"
else
	not_ok "netcon run, then setpriv nobody: a virtual connection works (got '$out')"
fi

# A server that drops root before socket(), and its children (socat forks per connection).
"$NETCON" run --home "$H" -- setpriv --reuid=nobody --regid=nogroup --clear-groups \
	socat TCP-LISTEN:$((PORT + 1)),bind=$VIP,reuseaddr,fork EXEC:cat >"$W/echo2.log" 2>&1 &
track $!
if wait_port "$H" $VIP $((PORT + 1)); then
	out=$(echo "to-nobody-$$" | timeout 20 "$NETCON" run --home "$H" -- socat -t5 - TCP:$VIP:$((PORT + 1)))
	[ "$out" = "to-nobody-$$" ] && ok "a server that became nobody under netcon run serves" ||
		not_ok "a server that became nobody under netcon run serves (got '$out')"
else
	not_ok "a server that became nobody under netcon run listens"
	sed 's/^/# /' "$W/echo2.log"
fi

kill -0 "$DAEMON_PID" 2>/dev/null && ok "root's daemon still runs" || not_ok "root's daemon still runs"

# ---- a daemon run by nobody --------------------------------------------------------------------
mkdir "$W/nobody" && chown nobody:nogroup "$W/nobody"
NH=$W/nobody/home
if NPID=$(as_nobody "$NETCON" daemon --home "$NH" --addr $VIP2/24 -d 2>"$W/nobody-daemon.log"); then
	track "$NPID"
	ok "daemon as nobody, pid $NPID ($(ps -o user= -p "$NPID"))"
else
	not_ok "daemon as nobody"
	sed 's/^/# /' "$W/nobody-daemon.log"
	done_testing
	exit
fi
NC=$NH/control

out=$(as_daemon "$CTL" "$NC")
refused "$out" && ok "another unprivileged user (daemon) is refused (hello: $out)" ||
	not_ok "another unprivileged user (daemon) is refused (hello: $out)"
sleep 0.2
grep -q "refused uid 1 " "$NH/netcon.log" && ok "the nobody daemon logs the refusal" ||
	not_ok "the nobody daemon logs the refusal"
as_daemon "$NETCON" run --home "$NH" -- true 2>"$W/run-daemon.err" &&
	not_ok "netcon run by another unprivileged user exits non-zero" ||
	ok "netcon run by another unprivileged user exits non-zero ($(head -1 "$W/run-daemon.err"))"

out=$(as_nobody "$CTL" "$NC")
[ "$out" = "status 0" ] && ok "the daemon's own user is let in" || not_ok "the daemon's own user is let in ($out)"
out=$("$CTL" "$NC")
[ "$out" = "status 0" ] && ok "root is let in by the nobody daemon" || not_ok "root is let in by the nobody daemon ($out)"

as_nobody "$NETCON" run --home "$NH" -- socat TCP-LISTEN:$PORT,bind=$VIP2,reuseaddr,fork EXEC:cat \
	>"$W/echo3.log" 2>&1 &
track $!
if wait_port "$NH" $VIP2 $PORT; then
	out=$(echo "nobody-to-nobody" | timeout 20 setpriv --reuid=nobody --regid=nogroup --clear-groups "$NETCON" run --home "$NH" -- socat -t5 - TCP:$VIP2:$PORT)
	[ "$out" = "nobody-to-nobody" ] && ok "nobody's programs talk through nobody's daemon" ||
		not_ok "nobody's programs talk through nobody's daemon (got '$out')"
	out=$(echo "root-run-as-daemon" | timeout 20 "$NETCON" run --home "$NH" -- \
		setpriv --reuid=daemon --regid=daemon --clear-groups socat -t5 - TCP:$VIP2:$PORT)
	[ "$out" = "root-run-as-daemon" ] &&
		ok "root's netcon run, then user daemon: let in by the nobody daemon" ||
		not_ok "root's netcon run, then user daemon: let in by the nobody daemon (got '$out')"
else
	not_ok "nobody's echo server listens on $VIP2:$PORT"
	sed 's/^/# /' "$W/echo3.log"
fi
kill -0 "$NPID" 2>/dev/null && ok "nobody's daemon still runs" || not_ok "nobody's daemon still runs"

done_testing
