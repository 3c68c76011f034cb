#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# shutdown() through netcon as in Linux (tests/integ/shutdown.py): each answer on a virtual
# socket equals the kernel's on loopback, line by line; the bound socket survives ENOTCONN.
. "$(dirname "$0")/lib.sh"
H=$(tmpdir)
W=$(tmpdir)
start_daemon "$H" 10.83.0.1/24 || { echo "1..1"; not_ok "daemon starts"; exit 1; }
PY=$TOP/tests/integ/shutdown.py
timeout 20 /usr/bin/python3 "$PY" 127.0.0.1 >"$W/kernel" 2>&1 || not_ok "the kernel run completes"
for how in "" --seccomp; do
	timeout 20 "$NETCON" run --home "$H" $how -- /usr/bin/python3 "$PY" 10.83.0.1 >"$W/nc$how" 2>&1 ||
		not_ok "the netcon ${how:-intercept} run completes"
	while IFS= read -r want; do
		what=${want#* }
		got=$(grep -aF " $what" "$W/nc$how" | head -1)
		[ "$got" = "$want" ] && ok "${how:-intercept}: $what: ${want%% *}" ||
			not_ok "${how:-intercept}: $what: want '${want%% *}', got '${got%% *}'"
	done <"$W/kernel"
done
[ "$(wc -l <"$W/kernel")" = 10 ] && ok "the kernel run made its 10 checks" ||
	{ not_ok "the kernel run made its 10 checks"; sed 's/^/# /' "$W/kernel"; }
kill -0 "$DAEMON_PID" && ok "the daemon is still running" || not_ok "the daemon is still running"
done_testing
