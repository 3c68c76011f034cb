# SPDX-License-Identifier: BSD-2-Clause
# Shared helpers for integration tests (sourced): TAP output, a daemon in a temporary home,
# cleanup of exactly the processes the test started.
TOP=$(cd "$(dirname "$0")/../.." && pwd)
# The build tree under test: NETCON_BUILD, or the directory of $NETCON, or build/. A sanitizer
# run: NETCON=build-san/netcon NETCON_LIB=$PWD/build-san/libnetcon.so LD_PRELOAD=$(gcc
# -print-file-name=libasan.so) (netcon run keeps an existing LD_PRELOAD first).
if [ -z "${NETCON_BUILD:-}" ]; then
	if [ -n "${NETCON:-}" ]; then NETCON_BUILD=$(cd "$(dirname "$NETCON")" && pwd); else NETCON_BUILD=$TOP/build; fi
fi
NETCON=${NETCON:-$NETCON_BUILD/netcon}
NETCON_LIB_PATH=${NETCON_LIB:-$NETCON_BUILD/libnetcon.so}
T_N=0
T_FAILED=0
T_PIDS=""
T_DIRS=""

ok() { T_N=$((T_N + 1)); echo "ok $T_N - $*"; }
not_ok() { T_N=$((T_N + 1)); T_FAILED=$((T_FAILED + 1)); echo "not ok $T_N - $*"; }
# check "description" command...: ok if the command exits 0
check() { d=$1; shift; if "$@"; then ok "$d"; else not_ok "$d"; fi; }
diag() { echo "# $*"; }
skip_all() { echo "1..0 # SKIP $*"; exit 0; }
done_testing() { echo "1..$T_N"; [ "$T_FAILED" = 0 ]; }

# What to clean up is also written to a file: `W=$(tmpdir)` and `( track ... )` run in subshells,
# whose variables the exit trap never sees.
T_REG=$(mktemp /tmp/netcon-test-reg.XXXXXX)

# Remember a pid to kill at exit (only processes this test started).
track() { T_PIDS="$T_PIDS $1"; echo "p $1" >>"$T_REG"; }
tmpdir() {
	d=$(mktemp -d /tmp/netcon-test.XXXXXX)
	chmod 755 "$d"
	T_DIRS="$T_DIRS $d"
	echo "d $d" >>"$T_REG"
	echo "$d"
}

cleanup() {
	pids=$(sed -n 's/^p //p' "$T_REG" 2>/dev/null)
	dirs=$(sed -n 's/^d //p' "$T_REG" 2>/dev/null)
	for p in $T_PIDS $pids; do kill "$p" 2>/dev/null; done
	sleep 0.2
	for p in $T_PIDS $pids; do kill -9 "$p" 2>/dev/null; done
	for d in $T_DIRS $dirs; do rm -rf "$d"; done
	rm -f "$T_REG"
}
trap cleanup EXIT INT TERM

# start_daemon HOME ADDR...: a daemon in the background on the given --addr CIDRs; sets DAEMON_PID.
start_daemon() {
	h=$1; shift
	args=""
	for a in "$@"; do args="$args --addr $a"; done
	DAEMON_PID=$($NETCON daemon --home "$h" $args -d) || return 1
	track "$DAEMON_PID"
}

# virtual_only HOME PROTO IP PORT PID: the local proof that a server is not on the host's kernel
# (tests/hostcheck.sh). tests/apps/lib.sh sources it itself: for an application test $TOP above
# is tests/, not the tree.
[ -f "$TOP/tests/hostcheck.sh" ] && . "$TOP/tests/hostcheck.sh"

# check_virtual_only WHAT HOME PROTO IP PORT PID: a TAP line, WHAT (the server PID on IP:PORT) has
# no socket in the host's kernel, with what virtual_only saw
check_virtual_only() {
	cv_what=$1
	shift
	if cv_why=$(virtual_only "$@"); then
		ok "$cv_what has no socket in the host's kernel: $cv_why"
	else
		not_ok "$cv_what has no socket in the host's kernel: $cv_why"
	fi
}

# run_in HOME CMD...: run through the intercept
run_in() { h=$1; shift; "$NETCON" run --home "$h" -- "$@"; }

# wait_port HOME IP PORT: until a connect through netcon succeeds (up to ~5 s). --isolate: until
# the daemon has the address's network, IP is not virtual and would go out through the host.
wait_port() {
	for _ in $(seq 50); do
		if "$NETCON" run --home "$1" --isolate -- "$NETCON_BUILD/tests/integ/tcp_probe" "$2" "$3" 2>/dev/null; then
			return 0
		fi
		sleep 0.1
	done
	return 1
}

# Daemons started by tests never reach ZeroTier's public roots: unless a test says otherwise, they
# use a private planet whose one root (the lab identity) is at the discard port of loopback.
if [ -z "${NETCON_PLANET:-}" ] && [ -x "$NETCON" ]; then
	NETCON_PLANET=$(tmpdir)/planet
	"$NETCON" planet create --root "$TOP/tests/data/zt/root.identity.public" \
		--endpoint 127.0.0.1/9 --out "$NETCON_PLANET" >/dev/null 2>&1 || NETCON_PLANET=
	export NETCON_PLANET
fi
