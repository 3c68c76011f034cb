#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The source a connected socket's receive calls report, through netcon as in Linux: a connected
# UDP socket reports its peer (recvfrom, recvmsg, recvmmsg; IPv4, IPv6, v4-mapped; truncated to
# the caller's buffer with the full length reported), a connected TCP socket length 0 and the
# buffer untouched. udp_peer runs each check on host loopback sockets (the kernel's answer) and
# on virtual ones, in the same process. The two-node form runs in mcast.t, which has a network.
. "$(dirname "$0")/lib.sh"
BIN=$NETCON_BUILD/tests/integ/udp_peer
[ -x "$BIN" ] || skip_all "build the test helpers first (make tests)"
H=$(tmpdir)
W=$(tmpdir)
start_daemon "$H" 10.82.0.1/24 fd82::1/64 || { echo "1..1"; not_ok "daemon starts"; exit 1; }
run_in "$H" "$BIN" local 10.82.0.1 fd82::1 >"$W/out" 2>"$W/err"
rc=$?
while IFS= read -r line; do
	case "$line" in
	"ok "*) ok "${line#ok * - }" ;;
	"not ok "*) not_ok "${line#not ok * - }" ;;
	"#"*) echo "$line" ;;
	esac
done <"$W/out"
[ "$rc" = 0 ] && ok "udp_peer exits 0" || { not_ok "udp_peer exits 0 (rc $rc)"; sed 's/^/# /' "$W/err"; }
n=$(grep -c '^ok .* - kernel' "$W/out")
m=$(grep -c '^ok .* - netcon' "$W/out")
[ "$n" = 28 ] && [ "$m" = 28 ] && ok "all 56 subtests ran and passed (kernel $n, netcon $m)" ||
	not_ok "kernel $n and netcon $m of 28 subtests passed"
kill -0 "$DAEMON_PID" && ok "the daemon is still running" || not_ok "the daemon is still running"
done_testing
