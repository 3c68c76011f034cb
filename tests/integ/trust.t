#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Every request that names a socket is checked against the socket's kind and its owner: a raw RPC
# client (trust_client) sends each request with the wrong kind of socket, a closed one, ids never
# issued, and another client's sockets (another netcon run as root, and as nobody). Each must be
# refused with its errno, the daemon must keep serving, the owner's sockets must be as they were,
# and a transfer between two other programs must carry on byte for byte throughout.
. "$(dirname "$0")/lib.sh"

TC=$NETCON_BUILD/tests/integ/trust_client
VIP=10.83.0.1 PORT=19300

[ -x "$NETCON" ] && [ -x "$TC" ] || skip_all "build netcon and the test helpers first (make tests)"
command -v socat >/dev/null || skip_all "socat not installed"

W=$(tmpdir)
H=$W/home
start_daemon "$H" $VIP/24 2>"$W/daemon.log" || { not_ok "daemon starts"; done_testing; exit; }
ok "daemon starts, pid $DAEMON_PID"
C=$H/control

# tap OUTPUT: trust_client's PASS/FAIL lines as tests
tap() {
	while IFS= read -r l; do
		case $l in
		PASS\ *) ok "${l#PASS }" ;;
		FAIL\ *) not_ok "${l#FAIL }" ;;
		*) diag "$l" ;;
		esac
	done
}

# A transfer between two other programs, running through the whole test: chunks until $W/stop.
head -c 65536 /dev/urandom >"$W/chunk"
run_in "$H" socat -u TCP-LISTEN:$((PORT + 1)),bind=$VIP,reuseaddr OPEN:"$W/received",creat,trunc \
	2>"$W/recv.err" &
RECV=$!
track $RECV
(while [ ! -e "$W/stop" ]; do cat "$W/chunk"; sleep 0.02; done) | tee "$W/sent" |
	run_in "$H" socat -u - TCP:$VIP:$((PORT + 1)),retry=50,interval=0.1 2>"$W/send.err" &
SEND=$!
track $SEND

for _ in $(seq 100); do [ -s "$W/received" ] && break; sleep 0.1; done
[ -s "$W/received" ] && ok "the transfer is under way" || not_ok "the transfer is under way"

# ---- one client, every kind of mistake ----
tap < <(run_in "$H" "$TC" "$C" kinds $VIP $PORT)
kill -0 "$DAEMON_PID" 2>/dev/null && ok "the daemon is alive after the wrong kinds" ||
	not_ok "the daemon is alive after the wrong kinds"

# ---- another client's sockets ----
# The owner, and beside it in the same run a second process (as one that got the sockets by
# SCM_RIGHTS would be), which may use them.
mkfifo "$W/hold"
# (sh gives a background command /dev/null for stdin unless told otherwise.)
run_in "$H" sh -c '"$1" "$2" own "$3" "$4" "$5" >"$6" <"$8" &
	i=0; while [ ! -s "$3" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done; sleep 0.1
	"$1" "$2" share "$3" </dev/null >"$7"; : >"$7.done"; wait' sh "$TC" "$C" "$W/ids" $VIP $((PORT + 2)) \
	"$W/own.out" "$W/share.out" "$W/hold" &
OWNER=$!
track $OWNER
exec 7>"$W/hold"
for _ in $(seq 100); do [ -s "$W/ids" ] && break; sleep 0.1; done
sleep 0.1
[ -s "$W/ids" ] && ok "the owner made its sockets ($(tr '\n' ' ' <"$W/ids"))" ||
	not_ok "the owner made its sockets"
chmod 644 "$W/ids" 2>/dev/null

tap < <(run_in "$H" "$TC" "$C" attack "$W/ids" $VIP $((PORT + 2)) |
	sed 's/^\(....\) /\1 root, another netcon run: /')
if command -v setpriv >/dev/null; then
	tap < <(run_in "$H" setpriv --reuid=nobody --regid=nogroup --clear-groups \
		"$TC" "$C" attack "$W/ids" $VIP $((PORT + 2)) |
		sed 's/^\(....\) /\1 nobody, another netcon run: /')
else
	diag "setpriv not installed: the other-uid attack is not run"
	not_ok "the other-uid attack runs (setpriv missing)"
fi
# The owner holds its sockets until the sharer is done (under load it can start after the
# attacks above).
for _ in $(seq 300); do [ -e "$W/share.out.done" ] && break; sleep 0.1; done
exec 7>&-
wait $OWNER
tap <"$W/share.out"
tap <"$W/own.out"

# ---- the daemon serves on, the transfer carried on byte for byte ----
kill -0 "$DAEMON_PID" 2>/dev/null && ok "the daemon is alive" || not_ok "the daemon is alive"
out=$(run_in "$H" "$TC" "$C" ping 5)
case $out in median_us*) ok "a new client is served ($out)" ;; *) not_ok "a new client is served ($out)" ;; esac
touch "$W/stop"
wait $SEND
for _ in $(seq 100); do kill -0 $RECV 2>/dev/null || break; sleep 0.1; done
a=$(sha256sum <"$W/sent" | cut -d' ' -f1)
b=$(sha256sum <"$W/received" | cut -d' ' -f1)
n=$(stat -c %s "$W/sent")
[ "$n" -gt 0 ] && [ "$a" = "$b" ] && ok "the transfer running meanwhile: $n bytes, sha256 equal" ||
	not_ok "the transfer running meanwhile: sent $n bytes ($a), received $(stat -c %s "$W/received") ($b)"
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
