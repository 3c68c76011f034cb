# SPDX-License-Identifier: BSD-2-Clause
# Shared set-up for the stress tests (sourced by tests/stress/NAME.sh): the application tests'
# network (tests/apps/lib.sh: controller C, members A and B on loopback, $IA $IB, serve/on/track),
# results in tests/stress/_results, the figures line, and the short or long form.
STRESS_SELF=$0
STRESS_DIR=$(cd "$(dirname "$0")" && pwd)
# tests/apps/lib.sh finds its tree from $0 (tests/apps/NAME/test.sh): borrow such a $0 to source it.
BASH_ARGV0=$STRESS_DIR/../apps/nginx/test.sh
. "$STRESS_DIR/../apps/lib.sh"
BASH_ARGV0=$STRESS_SELF
RESULTS=$STRESS_DIR/_results
# STRESS_SECONDS: the long form's duration per test (0 or unset: the short CI form).
STRESS_SECONDS=${STRESS_SECONDS:-0}
long() { [ "$STRESS_SECONDS" -gt 0 ] 2>/dev/null; }
# Every bound in these tests is a bound on hangs, never on speed: each is several times what the
# step takes on a loaded 2-core machine, and speeds are figures only. STRESS_TIMEOUT is run-all's
# bound on the whole test (seconds); a client under `on` gets TO (default 300 s) unless it says.
STRESS_TIMEOUT=${STRESS_TIMEOUT:-900}
TO=300
# until_s SECONDS CMD...: until CMD succeeds, at most SECONDS of wall time
until_s() {
	_end=$(($(date +%s) + $1))
	shift
	until "$@"; do
		[ "$(date +%s)" -lt "$_end" ] || return 1
		sleep 0.2
	done
}
# wait_port HOME IP PORT: until a connect through netcon succeeds (up to 60 s); --isolate, so a
# daemon not (yet, or no longer) on the network refuses it instead of the host sending it
wait_port() { until_s 60 "$NETCON" run --home "$1" --isolate -- "$NETCON_BUILD/tests/integ/tcp_probe" "$2" "$3" 2>/dev/null; }

# stress_init NAME DESCRIPTION: app_init with results under tests/stress/_results
stress_init() {
	app_init "$1" "$2"
	rm -f "$RESULTS/$1.fig"
	diag "form: $(long && echo "long, STRESS_SECONDS=$STRESS_SECONDS" || echo short)"
}
# fig KEY VALUE: one figure of this test, for run-all's table (NAME.fig, one line key=value ...)
fig() {
	printf '%s=%s ' "$1" "$2" >>"$RESULTS/$APP.fig"
	diag "figure $1=$2"
}
# mbps BYTES T0 T1: MB/s
mbps() { awk "BEGIN { printf \"%.1f\", $1 / 1048576 / ($3 - $2) }"; }
# pid_of NAME: the pid of daemon NAME (a, b; c from its home)
pid_of() { [ "$1" = c ] && cat "$C/netcon.pid" || cat "$W/$1.pid"; }
fds() { ls "/proc/$1/fd" 2>/dev/null | wc -l; }
rss_kb() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status" 2>/dev/null; }
# sockets HOME: the daemon's socket count (netcon status --json)
sockets() { "$NETCON" status --home "$1" --json | json "j['sockets']"; }
SHS=$STRESS_DIR/shastream.py
PY=/usr/bin/python3
# daemon_figs NAME HOME: "fds F rss_kb R sockets S" of a daemon
daemon_figs() { p=$(pid_of "$1"); echo "fds $(fds "$p") rss_kb $(rss_kb "$p") sockets $(sockets "$2")"; }
# restart NAME HOME: stop member NAME's daemon (TERM) and start it again on the same home (same
# identity; it rejoins from networks.d), then wait until it is on the network again
restart() {
	p=$(pid_of "$1")
	kill "$p" 2>/dev/null
	for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
	start "$1" "$2" && until_s 120 is_ok "$2"
}
# wait_listen HOME PORT: until the daemon shows a LISTEN socket on PORT (no connection made, for
# servers that take one connection only)
wait_listen() { until_s 60 sh -c "'$NETCON' status --home '$1' --json | grep -q ':$2\",\"remote\":\"-\",\"state\":\"LISTEN\"'"; }

# web_stress HOME IP PORT DIR SECONDS: wrk (on HOME) for SECONDS over every file of DIR, no socket
# errors and no non-2xx answers; then curl fetches every file, sha256 equal. Figures: rps, files.
web_stress() {
	h=$1 ip=$2 port=$3 d=$4 secs=$5
	(cd "$d" && ls) >"$W/paths"
	cat >"$W/paths.lua" <<LUA
local paths, i = {}, 0
for l in io.lines("$W/paths") do paths[#paths + 1] = "/" .. l end
request = function() i = i % #paths + 1; return wrk.format("GET", paths[i]) end
LUA
	wait_port "$h" "$ip" "$port" || { not_ok "B reaches the server at $ip:$port"; return 1; }
	# wrk counts a request unanswered for --timeout as an error: a hang, not a slow answer
	TO=$((secs + 120)) on "$h" wrk -t2 -c32 -d"${secs}s" --timeout 60s -s "$W/paths.lua" \
		"http://$ip:$port/" >"$W/wrk.out" 2>&1
	rc=$?
	sed 's/^/#   wrk: /' "$W/wrk.out" >>"$EV"
	rps=$(awk '/^Requests\/sec/ { printf "%.0f", $2 }' "$W/wrk.out")
	reqs=$(awk '/requests in/ { print $1 }' "$W/wrk.out")
	errs=$(grep -E 'Socket errors|Non-2xx' "$W/wrk.out" | tr -s ' ' | tr '\n' ';')
	if [ $rc = 0 ] && [ -n "$rps" ] && [ -z "$errs" ] && [ "${reqs:-0}" -gt 0 ]; then
		ok "wrk ${secs} s, 32 connections over $(wc -l <"$W/paths") files: $reqs requests, $rps req/s, 0 errors"
	else
		not_ok "wrk ${secs} s without errors (rc $rc, $reqs requests, errors: ${errs:-none})"
		evidence "$W/wrk.out"
	fi
	fig rps "${rps:-0}"
	fig wrk_errors "$(echo "$errs" | grep -oE '[0-9]+' | awk '{ s += $1 } END { print s + 0 }')"
	mkdir -p "$W/got"
	args=""
	while read -r f; do args="$args -o $W/got/$f http://$ip:$port/$f"; done <"$W/paths"
	TO=300 on "$h" curl -sS --fail --parallel --parallel-max 8 $args 2>"$W/curl.err"
	bad=0
	while read -r f; do [ "$(hsha "$W/got/$f" 2>/dev/null)" = "$(hsha "$d/$f")" ] || bad=$((bad + 1)); done <"$W/paths"
	n=$(wc -l <"$W/paths")
	[ $bad = 0 ] && ok "curl after the load: all $n files sha256 equal" ||
		{ not_ok "curl after the load: $bad of $n files differ or missing"; evidence "$W/curl.err"; }
	fig files_ok "$((n - bad))/$n"
}
# many_files DIR N: N files of random sizes (64 B to 1 MB, log-uniform), readable by www-data
many_files() {
	mkdir -p "$1"
	$PY - "$1" "$2" <<'PY'
import os, random, sys
r = random.Random(7)
for i in range(int(sys.argv[2])):
    n = int(2 ** r.uniform(6, 20))
    with open(os.path.join(sys.argv[1], "f%03d.bin" % i), "wb") as f:
        f.write(os.urandom(n))
PY
	chmod -R a+rX "$1"
}
