#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# A daemon started in the background lets go of its caller: `netcon daemon -d 2>&1 | cat` and
# `netcon init ... 2>&1 | tee FILE` end within seconds, exit 0, while the daemon goes on; from
# then on it logs to HOME/netcon.log, which is moved to netcon.log.1 when it would pass its bound
# (NETCON_LOG_MAX), and `netcon status` says where it is. Errors before it is ready still reach
# the caller's stderr with a non-zero exit; a daemon in the foreground logs to stderr as before.
. "$(dirname "$0")/lib.sh"

CTL=$NETCON_BUILD/tests/integ/ctl_client
[ -x "$NETCON" ] && [ -x "$CTL" ] || skip_all "build netcon and the test helpers first (make tests)"
command -v python3 >/dev/null || skip_all "needs python3"

W=$(tmpdir)
H=$W/home
# Each pipeline under a time limit: the old daemon kept the pipe open and `cat` never ended.
timeout 10 bash -c "'$NETCON' daemon --home '$H' --addr 10.86.0.1/24 -d 2>&1 | cat" >"$W/d.out"
st=$?
PID=$(cat "$H/netcon.pid" 2>/dev/null)
[ -n "$PID" ] && track "$PID"
[ $st = 0 ] && ok "'netcon daemon -d 2>&1 | cat' ends, exit 0" ||
	not_ok "'netcon daemon -d 2>&1 | cat' ends, exit 0 (exit $st)"
[ "$(cat "$W/d.out")" = "$PID" ] && ok "the pipe got the pid and nothing else ($PID)" ||
	not_ok "the pipe got the pid and nothing else (got '$(head -c 200 "$W/d.out")', pid '$PID')"
kill -0 "$PID" 2>/dev/null && ok "the daemon runs on" || not_ok "the daemon runs on"
check "HOME/netcon.log exists" test -f "$H/netcon.log"
grep -q "netcon: note: netcon .* starting: pid $PID, home $H\$" "$H/netcon.log" &&
	grep -q "netcon: note: ready: pid $PID; " "$H/netcon.log" &&
	ok "the log has the daemon's start and ready lines" ||
	{ not_ok "the log has the daemon's start and ready lines"; sed 's/^/# /' "$H/netcon.log"; }
grep -q '^20[0-9-]*T[0-9:]*Z netcon: ' "$H/netcon.log" && ok "each line is stamped with the time" ||
	not_ok "each line is stamped with the time"
[ "$(stat -c %a "$H/netcon.log")" = 600 ] && ok "the log is mode 0600" ||
	not_ok "the log is mode 0600 ($(stat -c %a "$H/netcon.log"))"
for fd in 0 1 2; do
	t=$(readlink "/proc/$PID/fd/$fd")
	case $fd:$t in
	0:/dev/null | [12]:"$H/netcon.log") ok "the daemon's fd $fd is $t" ;;
	*) not_ok "the daemon's fd $fd is $t" ;;
	esac
done
# A warning after start-up: in the file, not on the caller's side.
"$CTL" "$H/control" badmagic >/dev/null
sleep 0.1
grep -q "netcon: warning: .*bad magic" "$H/netcon.log" && ok "a warning after start-up is in the log" ||
	not_ok "a warning after start-up is in the log"
out=$("$NETCON" status --home "$H")
printf '%s\n' "$out" | grep -qx "log: $H/netcon.log" && ok "status says 'log: $H/netcon.log'" ||
	not_ok "status says 'log: $H/netcon.log' (got: $(printf '%s' "$out" | head -3 | tr '\n' '|'))"
out=$("$NETCON" status --home "$H" --json)
printf '%s' "$out" | python3 -c "import json,sys; sys.exit(json.load(sys.stdin)['log'] != sys.argv[1])" "$H/netcon.log" &&
	ok "status --json has \"log\":\"$H/netcon.log\"" || not_ok "status --json has the log ($out)"

# Errors before it is ready still reach the caller, through the pipe, with a non-zero exit.
out=$(timeout 10 bash -c "set -o pipefail; '$NETCON' daemon --home '$H' -d 2>&1 | cat")
st=$?
[ $st = 1 ] && [ "$out" = "netcon: error: a daemon is already running with home $H" ] &&
	ok "a second daemon on the home: the caller reads why, exit 1" ||
	not_ok "a second daemon on the home: the caller reads why, exit 1 (exit $st, '$out')"
grep -q "already running with home" "$H/netcon.log" && ok "and its log says so too" ||
	not_ok "and its log says so too"
out=$(timeout 10 bash -c "set -o pipefail; '$NETCON' daemon --home '$W/bad' --addr 10.1.1.1/99 -d 2>&1 | cat")
st=$?
[ $st = 2 ] && printf '%s' "$out" | grep -q "^netcon daemon: --addr '10.1.1.1/99' is not an address/prefix" &&
	ok "a bad --addr with -d: the message and exit 2" ||
	not_ok "a bad --addr with -d: the message and exit 2 (exit $st, '$out')"
NETCON_LOG_MAX=12 timeout 10 "$NETCON" daemon --home "$W/bad" -d >"$W/max.out" 2>&1
st=$?
out=$(cat "$W/max.out")
[ -f "$W/bad/netcon.pid" ] && track "$(cat "$W/bad/netcon.pid")"
[ $st = 2 ] && printf '%s' "$out" | grep -q "^netcon daemon: NETCON_LOG_MAX '12' is not a number of bytes >= 4096" &&
	ok "NETCON_LOG_MAX=12 is refused, exit 2" || not_ok "NETCON_LOG_MAX=12 is refused, exit 2 (exit $st, '$out')"

# The bound: 4096 bytes, so a few dozen warnings move it to netcon.log.1, once and again.
H2=$W/home2
PID2=$(NETCON_LOG_MAX=4096 timeout 10 "$NETCON" daemon --home "$H2" --addr 10.87.0.1/24 -d </dev/null)
[ -n "$PID2" ] && track "$PID2"
for i in $(seq 150); do "$CTL" "$H2/control" badmagic >/dev/null; done
sleep 0.2
s0=$(stat -c %s "$H2/netcon.log" 2>/dev/null || echo missing)
s1=$(stat -c %s "$H2/netcon.log.1" 2>/dev/null || echo missing)
lines=$(cat "$H2/netcon.log.1" "$H2/netcon.log" 2>/dev/null | grep -c "bad magic")
diag "netcon.log $s0 bytes, netcon.log.1 $s1 bytes, $lines 'bad magic' lines kept"
[ "$s0" != missing ] && [ "$s0" -le 4096 ] && [ "$s1" != missing ] && [ "$s1" -le 4096 ] &&
	[ "$s1" -gt 3000 ] && ok "netcon.log and netcon.log.1 each within 4096 bytes" ||
	not_ok "netcon.log and netcon.log.1 each within 4096 bytes ($s0, $s1)"
[ ! -e "$H2/netcon.log.2" ] && ok "no third file" || not_ok "no third file"
[ "$lines" -gt 20 ] && [ "$lines" -lt 150 ] && ok "the newest lines are kept, the oldest gone" ||
	not_ok "the newest lines are kept, the oldest gone ($lines of 150)"
"$CTL" "$H2/control" badversion >/dev/null
sleep 0.1
grep -q "unsupported protocol version" "$H2/netcon.log" && ok "the daemon writes on into the new file" ||
	not_ok "the daemon writes on into the new file"
t=$(readlink "/proc/$PID2/fd/2")
[ "$t" = "$H2/netcon.log" ] && ok "its stderr follows the rotation ($t)" || not_ok "its stderr follows the rotation ($t)"
kill "$PID2"
for _ in $(seq 50); do kill -0 "$PID2" 2>/dev/null || break; sleep 0.1; done
grep -q "netcon: note: stopped" "$H2/netcon.log" && ok "SIGTERM: 'stopped' in the log" ||
	not_ok "SIGTERM: 'stopped' in the log"

# netcon init, piped with its stderr, also starts a daemon in the background.
C=$W/c
P=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
timeout 30 bash -c "set -o pipefail; '$NETCON' init --home '$C' --endpoint 127.0.0.1/$P 2>&1 | tee '$W/init.out'" >/dev/null
st=$?
CPID=$(cat "$C/netcon.pid" 2>/dev/null)
[ -n "$CPID" ] && track "$CPID"
[ $st = 0 ] && grep -q '^network: [0-9a-f]\{16\}$' "$W/init.out" &&
	ok "'netcon init 2>&1 | tee FILE' ends, exit 0, network made" ||
	{ not_ok "'netcon init 2>&1 | tee FILE' ends, exit 0, network made (exit $st)"; sed 's/^/# /' "$W/init.out"; }
grep -q "netcon: note: ready: pid $CPID; " "$C/netcon.log" && ok "init's daemon logs to $C/netcon.log" ||
	not_ok "init's daemon logs to $C/netcon.log"

# In the foreground: stderr, no file.
F=$W/fg
NETCON_LOG=info "$NETCON" daemon --home "$F" --addr 10.88.0.1/24 2>"$W/fg.err" &
FPID=$!
track $FPID
for _ in $(seq 50); do [ -S "$F/control" ] && break; sleep 0.1; done
out=$("$NETCON" status --home "$F")
printf '%s\n' "$out" | grep -qx "log: stderr (the daemon runs in the foreground)" &&
	ok "status of a foreground daemon: 'log: stderr ...'" || not_ok "status of a foreground daemon ($out)"
"$NETCON" status --home "$F" --json | grep -q '"log":"stderr"' && ok "status --json: \"log\":\"stderr\"" ||
	not_ok "status --json: \"log\":\"stderr\""
grep -q "netcon: info: ready: home $F" "$W/fg.err" && [ ! -e "$F/netcon.log" ] &&
	ok "the foreground daemon logs to stderr, no netcon.log" ||
	not_ok "the foreground daemon logs to stderr, no netcon.log"

done_testing
