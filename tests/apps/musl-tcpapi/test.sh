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
# Known gaps of the seccomp front end (2026-12-03), each with what tcp_api saw:
#   v4mapped, listen_twice, sockopts, sockopt_identity, dup: getsockopt SO_DOMAIN, SO_TYPE,
#     SO_ACCEPTCONN, SO_REUSEADDR on a virtual socket answer for the daemon's unix socketpair end
#     (not trapped)
#   bind_inuse: close of a listener is not trapped, so the daemon learns of it after close returns: a
#     bind to its port right after may still get EADDRINUSE (a race: failed 1 run in 3)
#   reuseaddr: SO_REUSEADDR set before bind reads back 0 afterwards
#   v6only: getsockopt IPV6_V6ONLY on a virtual socket is EOPNOTSUPP (the unix end)
#   accept_flags: accept4 with an invalid flag (0x40000000) succeeds instead of EINVAL
#   connect_timeout: TCP_USER_TIMEOUT 1000 ms is not applied to a blocking connect: ETIMEDOUT
#     after ~18 s, not ~1 s
#   connect_netunreach: bind to a virtual address, then connect to an address outside the
#     network: EISCONN (the kernel's answer for the unix end), not ENETUNREACH
#   nb_connect: connect again after a non-blocking connect completed: EISCONN at once, Linux
#     gives 0 first
#   nb_connect_slow: a non-blocking connect to an address nobody answers never becomes
#     writable/POLLERR within 5 s (the daemon's timeout does not reach poll)
#   io_calls: sendmsg with a msg_name on a connected virtual TCP socket fails with EISCONN (sendmsg
#     is not trapped; Linux ignores the name)
#   linger_reset: SO_LINGER {1, 0} then close: the peer reads EOF, not ECONNRESET
#   exec: the virtual socket handed to an exec'd child (fork + exec of a static binary under the
#     inherited filter): the parent's read gets EPIPE
GAPS="v4mapped bind_inuse reuseaddr listen_twice accept_flags connect_timeout connect_netunreach nb_connect
 nb_connect_slow io_calls linger_reset sockopts sockopt_identity v6only dup exec"
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
