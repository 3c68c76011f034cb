#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# close() frees a virtual port at once, as in Linux (tests/integ/rebind.py): the daemon hears of a
# closed socket through its end of the pair, possibly after the program's next bind arrives; a
# bind that finds its port in use first closes the sockets on it whose program has gone. Before
# that, about one bind in five failed with EADDRINUSE here.
. "$(dirname "$0")/lib.sh"
H=$(tmpdir)
W=$(tmpdir)
start_daemon "$H" 10.84.0.1/24 || { echo "1..1"; not_ok "daemon starts"; exit 1; }
PY=$TOP/tests/integ/rebind.py
timeout 60 /usr/bin/python3 "$PY" 127.0.0.1 >"$W/kernel" 2>&1
grep -qx "failed 0" "$W/kernel" && ok "the kernel: every bind after close succeeds" ||
	{ not_ok "the kernel: every bind after close succeeds"; sed 's/^/# /' "$W/kernel"; }
for how in "" --seccomp; do
	timeout 120 "$NETCON" run --home "$H" $how -- /usr/bin/python3 "$PY" 10.84.0.1 >"$W/nc$how" 2>&1
	grep -qx "failed 0" "$W/nc$how" && ok "${how:-intercept}: 600 binds right after close succeed" ||
		{ not_ok "${how:-intercept}: 600 binds right after close succeed"; sed -n '1,5p;$p' "$W/nc$how" | sed 's/^/# /'; }
done
kill -0 "$DAEMON_PID" && ok "the daemon is still running" || not_ok "the daemon is still running"
done_testing
