#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# A virtual fd inherited across exec is asked about again after the daemon could not answer:
# the child's first call meets a stopped daemon (a timeout, not an answer), its next call, once
# the daemon is back, finds the socket virtual and sends through it.
. "$(dirname "$0")/lib.sh"
BIN=$NETCON_BUILD/tests/integ/inherit
[ -x "$BIN" ] || skip_all "build the test helpers first (make tests)"
H=$(tmpdir)
W=$(tmpdir)
start_daemon "$H" 10.81.0.1/24 || { echo "1..1"; not_ok "daemon starts"; exit 1; }
run_in "$H" "$BIN" "$DAEMON_PID" >"$W/out" 2>"$W/err"
rc=$?
kill -CONT "$DAEMON_PID" 2>/dev/null
while IFS= read -r line; do
	case "$line" in
	"ok "*) ok "${line#ok * - }" ;;
	"not ok "*) not_ok "${line#not ok * - }" ;;
	"#"*) echo "$line" ;;
	esac
done <"$W/out"
[ "$rc" = 0 ] && ok "inherit exits 0" || { not_ok "inherit exits 0 (rc $rc)"; sed 's/^/# /' "$W/err"; }
[ "$(grep -c '^ok ' "$W/out")" = 4 ] && ok "all 4 subtests ran" || not_ok "not all subtests ran"
kill -0 "$DAEMON_PID" && ok "the daemon is still running" || not_ok "the daemon is still running"
done_testing
