#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# tcp_api.t: the intercept's TCP semantics (tcp_api.c, one line per subtest), that a server on a
# virtual address has no socket in the host's kernel, no daemon, and the daemon killed or stopped
# in the middle of a transfer.
. "$(dirname "$0")/lib.sh"
BIN=$NETCON_BUILD/tests/integ/tcp_api
[ -x "$BIN" ] && [ -x "$NETCON" ] || skip_all "$BIN or $NETCON not built (make tests)"
ADDRS="10.77.0.1/24 fd77::1/64"
W=$(tmpdir)
H=$(tmpdir)
# shellcheck disable=SC2086
start_daemon "$H" $ADDRS || { not_ok "daemon starts"; done_testing; exit 1; }

# The C program's subtests, renumbered into this script's plan.
timeout 600 "$NETCON" run --home "$H" -- "$BIN" >"$W/api.out" 2>&1
while IFS= read -r line; do
	case "$line" in
	"ok "*) ok "${line#ok * - }" ;;
	"not ok "*) not_ok "${line#not ok * - }" ;;
	"#"*) echo "$line" ;;
	"1.."*) ;;
	*) echo "# $line" ;;
	esac
done <"$W/api.out"
want=$("$BIN" list | wc -l)
got=$(grep -c '^\(not \)\?ok ' "$W/api.out")
check "all $want subtests of tcp_api ran ($got)" [ "$want" = "$got" ]

# A server on the virtual addresses answers programs under netcon run, and has no socket in the
# host's kernel (virtual_only: proven on this host, no packet sent; a connect from the host to a
# virtual address would leave by the default route for another machine).
for spec in 10.77.0.1:17777 fd77::1:17778; do
	ip=${spec%:*}
	port=${spec##*:}
	"$NETCON" run --home "$H" -- "$BIN" serve "$ip" "$port" >"$W/serve.$port" 2>&1 &
	spid=$!
	track $spid
	for _ in $(seq 50); do grep -q ready "$W/serve.$port" && break; sleep 0.1; done
	check "[$ip]:$port answers through netcon run" \
		"$NETCON" run --home "$H" -- "$BIN" probe "$ip" "$port"
	check_virtual_only "the server on [$ip]:$port" "$H" tcp "$ip" "$port" $spid
done

# No daemon: virtual addresses fail fast, with one line on stderr.
E=$(tmpdir)
ASAN_OPTIONS=${ASAN_OPTIONS:-verify_asan_link_order=0:detect_leaks=0} NETCON_HOME=$E LD_PRELOAD="${LD_PRELOAD:+$LD_PRELOAD }$NETCON_LIB_PATH" \
	timeout 20 "$BIN" nodaemon >"$W/nod.out" 2>"$W/nod.err"
rc=$?
sed 's/^/# /' "$W/nod.out" "$W/nod.err"
check "no daemon: bind/connect fail fast with EADDRNOTAVAIL/ENETUNREACH" [ "$rc" = 0 ]
check "no daemon: one line on stderr" [ "$(wc -l <"$W/nod.err")" = 1 ]

# SIGKILL to the daemon in the middle of a transfer: EOF or ECONNRESET and EPIPE, no hang.
H2=$(tmpdir)
# shellcheck disable=SC2086
start_daemon "$H2" $ADDRS || not_ok "second daemon starts"
timeout 60 "$NETCON" run --home "$H2" -- "$BIN" daemon-signal "$DAEMON_PID" 9 >"$W/kill.out" 2>&1
rc=$?
sed 's/^/# /' "$W/kill.out"
check "daemon SIGKILLed mid-transfer: the program sees the end, no hang" [ "$rc" = 0 ]

# SIGTERM: connections are reset (ECONNRESET), the control socket goes, the daemon exits 0.
H3=$(tmpdir)
# shellcheck disable=SC2086
"$NETCON" daemon --home "$H3" $(for a in $ADDRS; do printf -- '--addr %s ' "$a"; done) \
	2>"$W/d3.err" &
D3=$!
track $D3
# The socket file exists before the daemon listens: wait until it answers.
for _ in $(seq 100); do "$NETCON" status --home "$H3" >/dev/null 2>&1 && break; sleep 0.1; done
timeout 60 "$NETCON" run --home "$H3" -- "$BIN" daemon-signal "$D3" 15 >"$W/term.out" 2>&1
rc=$?
sed 's/^/# /' "$W/term.out"
check "daemon SIGTERMed mid-transfer: the program reads ECONNRESET" [ "$rc" = 0 ]
wait "$D3"
rc=$?
check "SIGTERM: the daemon exits 0 ($rc)" [ "$rc" = 0 ]
check "SIGTERM: the control socket is removed" [ ! -e "$H3/control" ]

done_testing
