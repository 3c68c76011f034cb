#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# The daemon confines itself once started: a seccomp filter (a forbidden call ends it with a log
# line naming the call), no new privileges, and, started as root, a user of its own that owns its
# home. --no-sandbox turns it all off.
. "$(dirname "$0")/lib.sh"

[ -x "$NETCON" ] || skip_all "build netcon first (make)"
command -v socat >/dev/null || skip_all "socat not installed"

skip() { T_N=$((T_N + 1)); echo "ok $T_N # skip $*"; }
# status_field PID NAME: a field of /proc/PID/status, tabs squeezed to single spaces
status_field() { sed -n "s/^$2:[[:space:]]*//p" "/proc/$1/status" | tr -s '\t ' ' '; }

W=$(tmpdir)
VIP=10.83.0.1 PORT=19200
ME=$(id -u)

# ---- on by default -------------------------------------------------------------------------------
H=$W/on
if DAEMON_PID=$("$NETCON" daemon --home "$H" --addr $VIP/24 -d 2>"$W/on.log"); then
	track "$DAEMON_PID"
	ok "a daemon with its sandbox, pid $DAEMON_PID"
else
	not_ok "a daemon with its sandbox"
	sed 's/^/# /' "$W/on.log"
	done_testing
	exit
fi
v=$(status_field "$DAEMON_PID" Seccomp)
[ "$v" = 2 ] && ok "Seccomp: 2 (a filter)" || not_ok "Seccomp: 2 (a filter), got '$v'"
v=$(status_field "$DAEMON_PID" NoNewPrivs)
[ "$v" = 1 ] && ok "NoNewPrivs: 1" || not_ok "NoNewPrivs: 1, got '$v'"

# It serves under the filter: a virtual connection through it, byte for byte.
"$NETCON" run --home "$H" -- socat TCP-LISTEN:$PORT,bind=$VIP,reuseaddr,fork EXEC:cat \
	>"$W/echo.log" 2>&1 &
track $!
head -c 300000 /dev/urandom >"$W/data"
if wait_port "$H" $VIP $PORT; then
	timeout 20 "$NETCON" run --home "$H" -- socat -t5 - TCP:$VIP:$PORT <"$W/data" >"$W/back"
	cmp -s "$W/data" "$W/back" && ok "300 kB echoed through the confined daemon, equal" ||
		not_ok "300 kB echoed through the confined daemon, equal ($(wc -c <"$W/back") bytes back)"
else
	not_ok "an echo server listens through the confined daemon"
	sed 's/^/# /' "$W/echo.log" "$W/on.log"
fi
# Run-time writes: the pid file and, at exit, the control socket's removal.
[ -S "$H/control" ] && ok "control socket in place" || not_ok "control socket in place"

if [ "$ME" = 0 ]; then
	if getent passwd netcon >/dev/null; then WANT_USER=netcon; else WANT_USER=nobody; fi
	WANT_UID=$(id -u $WANT_USER)
	v=$(status_field "$DAEMON_PID" Uid)
	[ "$v" = "$WANT_UID $WANT_UID $WANT_UID $WANT_UID" ] &&
		ok "started as root, it runs as $WANT_USER (Uid: $v)" ||
		not_ok "started as root, it runs as $WANT_USER (uid $WANT_UID), Uid: '$v'"
	v=$(status_field "$DAEMON_PID" CapEff)
	[ "$v" = 0000000000000000 ] && ok "no capabilities left (CapEff: $v)" ||
		not_ok "no capabilities left, CapEff: '$v'"
	bad=$(find "$H" ! -uid "$WANT_UID" | head -3)
	[ -z "$bad" ] && ok "every file of the home belongs to $WANT_USER" ||
		not_ok "every file of the home belongs to $WANT_USER, not: $bad"
	v=$(stat -c %a "$H")
	[ "$v" = 711 ] && ok "home mode 711 (searchable for the control socket, not listable)" ||
		not_ok "home mode 711, got $v"
	v=$(stat -c %a "$H/identity.secret")
	[ "$v" = 600 ] && ok "identity.secret mode 600" || not_ok "identity.secret mode 600, got $v"
	bad=$(find "$H" -mindepth 1 -type d ! -perm 700 | head -3)
	n=$(find "$H" -mindepth 1 -type d | wc -l)
	[ -z "$bad" ] && [ "$n" -ge 1 ] && ok "its $n directories are mode 700" ||
		not_ok "its directories are mode 700 (n=$n, not: $bad)"
	# Files written at run time: joining a network writes networks.d/NWID.conf.
	"$NETCON" join --home "$H" 8056c2e21c000001 >/dev/null 2>&1
	sleep 0.3
	f=$H/networks.d/8056c2e21c000001.conf
	[ -f "$f" ] && [ "$(stat -c %u "$f")" = "$WANT_UID" ] &&
		ok "a network joined at run time is kept in networks.d, owned by $WANT_USER" ||
		not_ok "a network joined at run time is kept in networks.d ($(ls -ln "$H/networks.d" 2>&1))"
	"$NETCON" leave --home "$H" 8056c2e21c000001 >/dev/null 2>&1
else
	for t in "runs as the dedicated user" "no capabilities left" "home files owned" "home mode" \
		"secret mode" "directories mode" "run-time writes as that user"; do
		skip "$t: started as uid $ME, not root"
	done
fi

kill "$DAEMON_PID"
for _ in $(seq 50); do kill -0 "$DAEMON_PID" 2>/dev/null || break; sleep 0.1; done
! kill -0 "$DAEMON_PID" 2>/dev/null && [ ! -e "$H/control" ] && [ ! -e "$H/netcon.pid" ] &&
	ok "SIGTERM: it stops and removes its control socket and pid file" ||
	not_ok "SIGTERM: it stops and removes its control socket and pid file"

# The same home again: a second start takes it as it left it. Root gives it away again, so
# what the daemon's user could have left there must not make root give away anything else: a
# symbolic link and a hard link to root's files, a directory swapped for a link.
if [ "$ME" = 0 ]; then
	echo root-a >"$W/root-a" && echo root-b >"$W/root-b" && mkdir "$W/root-dir"
	ln -s "$W/root-a" "$H/sym" && ln "$W/root-b" "$H/hard" && ln -s "$W/root-dir" "$H/peers.d/dirlink"
fi
if P2=$("$NETCON" daemon --home "$H" --addr $VIP/24 -d 2>"$W/on2.log"); then
	track "$P2"
	ok "a second start on the same home"
	if [ "$ME" = 0 ]; then
		v=$(stat -c %U "$W/root-a" "$W/root-b" "$W/root-dir" | tr '\n' ' ')
		[ "$v" = "root root root " ] &&
			ok "links planted in the home give nothing of root's away (owners: $v)" ||
			not_ok "links planted in the home give nothing of root's away (owners: $v)"
	else
		skip "links planted in the home: needs root"
	fi
	kill "$P2"
else
	not_ok "a second start on the same home"
	sed 's/^/# /' "$W/on2.log"
fi

# ---- a forbidden call ----------------------------------------------------------------------------
H=$W/probe
if P=$(NETCON_TEST_SANDBOX_PROBE=1 "$NETCON" daemon --home "$H" --addr 10.83.1.1/24 -d \
	2>"$W/probe.log"); then
	track "$P"
	ok "a daemon told to make a forbidden call a second after start"
	for _ in $(seq 50); do kill -0 "$P" 2>/dev/null || break; sleep 0.1; done
	! kill -0 "$P" 2>/dev/null && ok "it is gone after the forbidden call" ||
		not_ok "it is gone after the forbidden call"
	line=$(cat "$W/probe.log" "$H/netcon.log" 2>/dev/null | grep "forbidden system call")
	if printf '%s' "$line" | grep -q "forbidden system call mount ($(printf '#include <sys/syscall.h>\n__NR_mount\n' | cc -E -P -x c - 2>/dev/null | tail -1))"; then
		ok "its log names the call: $line"
	else
		not_ok "its log names the call (got '$line')"
		sed 's/^/# /' "$W/probe.log"
	fi
else
	not_ok "a daemon told to make a forbidden call"
	sed 's/^/# /' "$W/probe.log"
fi

# ---- --no-sandbox ----------------------------------------------------------------------------------
H=$W/off
if P=$(NETCON_TEST_SANDBOX_PROBE=1 "$NETCON" daemon --home "$H" --addr 10.83.2.1/24 --no-sandbox \
	-d 2>"$W/off.log"); then
	track "$P"
	ok "--no-sandbox: a daemon, pid $P"
	v=$(status_field "$P" Seccomp)
	[ "$v" = 0 ] && ok "--no-sandbox: Seccomp: 0" || not_ok "--no-sandbox: Seccomp: 0, got '$v'"
	v=$(status_field "$P" NoNewPrivs)
	[ "$v" = 0 ] && ok "--no-sandbox: NoNewPrivs: 0" || not_ok "--no-sandbox: NoNewPrivs: 0, got '$v'"
	v=$(status_field "$P" Uid)
	[ "$v" = "$ME $ME $ME $ME" ] && ok "--no-sandbox: it stays uid $ME" ||
		not_ok "--no-sandbox: it stays uid $ME, Uid: '$v'"
	sleep 2
	kill -0 "$P" 2>/dev/null && ! grep -q "forbidden" "$W/off.log" &&
		ok "--no-sandbox: the probe's call is made and the daemon runs on" ||
		not_ok "--no-sandbox: the probe's call is made and the daemon runs on"
	kill "$P"
else
	not_ok "--no-sandbox: a daemon"
	sed 's/^/# /' "$W/off.log"
fi
"$NETCON" daemon --help | grep -q -- "--no-sandbox" && ok "daemon --help tells of --no-sandbox" ||
	not_ok "daemon --help tells of --no-sandbox"

# ---- homes root will not give away ---------------------------------------------------------------
if [ "$ME" = 0 ] && getent passwd daemon >/dev/null; then
	mkdir -m 700 "$W/users" && chown daemon "$W/users"
	# (stderr to a file: a daemon that wrongly starts must not hold the test's pipe)
	pid=$("$NETCON" daemon --home "$W/users" --addr 10.83.3.1/24 -d 2>"$W/users.log") && track "$pid"
	out=$(cat "$W/users.log")
	printf '%s' "$out" | grep -q "belongs to uid $(id -u daemon)" && [ "$(stat -c %U "$W/users")" = daemon ] &&
		[ -z "$(ls -A "$W/users")" ] &&
		ok "a home of another user's is refused and left as it was" ||
		not_ok "a home of another user's is refused and left as it was (got '$out')"
	mkdir -m 1777 "$W/shared"
	pid=$("$NETCON" daemon --home "$W/shared" --addr 10.83.4.1/24 -d 2>"$W/shared.log") && track "$pid"
	out=$(cat "$W/shared.log")
	printf '%s' "$out" | grep -q "writable by others" && [ "$(stat -c %U "$W/shared")" = root ] &&
		[ -z "$(ls -A "$W/shared")" ] &&
		ok "a home writable by others (like /tmp) is refused and left as it was" ||
		not_ok "a home writable by others is refused and left as it was (got '$out')"
else
	skip "a home of another user's is refused: needs root and a user 'daemon'"
	skip "a home writable by others is refused: needs root"
fi

done_testing
