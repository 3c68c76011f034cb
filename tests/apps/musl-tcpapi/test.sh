#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# tests/integ/tcp_api.c built static with musl (make tests: tcp_api.musl), so netcon run gives it
# the seccomp front end; its subtests use fixed addresses (10.77.0.1/24, fd77::1/64) on one
# daemon, as tests/integ/tcp_api.t runs them under the intercept. The subtests the seccomp front
# end carries are checked; the known gaps are run too and reported (not counted): a gap that
# starts to pass says so, and belongs in CARRIED then.
. "$(dirname "$0")/../lib.sh"
BIN=$NETCON_BUILD/tests/integ/tcp_api.musl
app_init musl-tcpapi "musl $(dpkg-query -W -f='${Version}' musl 2>/dev/null), tcp_api static"
have musl-gcc || app_skip "musl-tools not installed"
[ -x "$BIN" ] || app_skip "no $BIN (make tests)"
[ -x "$NETCON" ] || { not_ok "netcon is built ($NETCON)"; app_done; exit 1; }
# Known gaps of the seccomp front end (2026-12-03), each with what tcp_api sees
# (tests/integ/seccomp_api.t runs the same list, glibc and musl):
#   linger_reset: SO_LINGER {1, 0} then close: the peer reads EOF, not ECONNRESET (read is not
#     trapped; the intercept turns the EOF into ECONNRESET with the daemon's reset table)
#   exec: the exec'd helper's last read after the parent's reset: EOF, as linger_reset
#   accept_flags: accept4 with an invalid flag (0x40000000) succeeds: musl's accept4 answers the
#     kernel's EINVAL by calling accept; the kernel alone does the same for this program
GAPS="linger_reset exec accept_flags"
CARRIED=
for t in $("$BIN" list); do case " $(echo $GAPS) " in *" $t "*) ;; *) CARRIED="$CARRIED $t" ;; esac; done
H=$(tmpdir)
start_daemon "$H" 10.77.0.1/24 fd77::1/64 || { not_ok "daemon starts"; app_done; exit 1; }
ok "daemon with 10.77.0.1/24 and fd77::1/64"
# shellcheck disable=SC2086
NETCON_LOG=info timeout 150 "$NETCON" run --home "$H" -- "$BIN" $CARRIED >"$W/api.out" 2>"$W/api.err"
grep -q 'front end: seccomp (a static binary)' "$W/api.err" && ok "netcon run chose the seccomp front end" ||
	{ not_ok "netcon run chose the seccomp front end"; evidence "$W/api.err"; }
while IFS= read -r line; do
	case "$line" in
	"ok "*) ok "${line#ok * - }" ;;
	"not ok "*) not_ok "${line#not ok * - }" ;;
	"#"*) diag "${line#\# }" ;;
	esac
done <"$W/api.out"
want=$(echo $CARRIED | wc -w)
got=$(grep -c '^\(not \)\?ok ' "$W/api.out")
[ "$want" = "$got" ] && ok "all $want carried subtests ran" || { not_ok "all $want carried subtests ran ($got)"; evidence "$W/api.err"; }
# The gaps: reported only.
# shellcheck disable=SC2086
timeout 60 "$NETCON" run --home "$H" -- "$BIN" $GAPS >"$W/gaps.out" 2>&1
for t in $GAPS; do
	if grep -q "^ok [0-9]* - $t\( (.*)\)\?\$" "$W/gaps.out"; then
		diag "known gap $t: passes this time (carry it once it always does)"
	else
		why=$(awk -v t="$t" '/^# line/ { w = substr($0, 3) } /^(not )?ok / { if ($0 ~ (" - " t "$") && /^not/) print w; w = "" }' "$W/gaps.out")
		diag "known gap $t: fails: ${why:-no result (see the output)}"
	fi
done
app_done
