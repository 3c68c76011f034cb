#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Raw syscall(): socket calls made through it go through netcon like their libc wrappers;
# io_uring_setup is refused under --isolate.
. "$(dirname "$0")/lib.sh"
BIN=$NETCON_BUILD/tests/integ/syscall_api
[ -x "$BIN" ] || skip_all "build the test helpers first (make tests)"
H=$(tmpdir)
W=$(tmpdir)
start_daemon "$H" 10.80.0.1/24 || { echo "1..1"; not_ok "daemon starts"; exit 1; }
run_in "$H" "$BIN" >"$W/out" 2>&1
rc=$?
"$NETCON" run --home "$H" --isolate -- "$BIN" isolated >>"$W/out" 2>&1
rc2=$?
while IFS= read -r line; do
	case "$line" in
	"ok "*) ok "${line#ok * - }" ;;
	"not ok "*) not_ok "${line#not ok * - }" ;;
	"#"*) echo "$line" ;;
	esac
done <"$W/out"
[ "$rc" = 0 ] && [ "$rc2" = 0 ] && ok "both runs exit 0" || not_ok "both runs exit 0 ($rc, $rc2)"
[ "$(grep -c '^ok ' "$W/out")" -ge 14 ] && ok "all 14 subtests ran" || not_ok "all subtests ran"
done_testing
