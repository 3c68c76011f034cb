#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The intercept's cost on host traffic: the same programs over kernel loopback (127.0.0.1, which
# stays on the host under split routing) run plain and under `netcon run`, interleaved, median
# of BENCH_ROUNDS rounds: a 1-byte TCP request/response loop, one TCP stream, and a 1-byte
# UDP request/response loop; median and best. Goal: under 3 %. And, where perf works, two
# figures the shared machine's noise cannot move: the share of CPU samples in libnetcon.so,
# and the system calls each makes either way. Prints figures and ratios only.
cd "$(dirname "$0")/.." || exit 1
B=${B:-build}
NETCON=$B/netcon
TB=$B/tests/integ/tcp_bench
UB=$B/tests/integ/udp_bench
ROUNDS=${BENCH_ROUNDS:-11}
RTS=${BENCH_RTS:-20000}
MIB=${BENCH_MIB:-1024}
[ -x "$TB" ] && [ -x "$UB" ] || make -s "$TB" "$UB" || exit 1
H=$(mktemp -d)
trap 'kill $DPID 2>/dev/null; rm -rf "$H"' EXIT
DPID=$($NETCON daemon --home "$H" --addr 10.98.0.1/24 -d) || exit 1

num() { sed 's/ .*//'; }
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# run NAME PORT BIN MODE N: ROUNDS rounds, plain then under netcon run, each on its own port (no
# TIME_WAIT in the way); figures in $H/NAME.plain and $H/NAME.netcon
run() {
	name=$1 port=$2 bin=$3 mode=$4 n=$5
	: >"$H/$name.plain"
	: >"$H/$name.netcon"
	for i in $(seq "$ROUNDS"); do
		"$bin" "$mode" 127.0.0.1 $((port + 2 * i)) "$n" | num >>"$H/$name.plain"
		$NETCON run --home "$H" -- "$bin" "$mode" 127.0.0.1 $((port + 2 * i + 1)) "$n" | num >>"$H/$name.netcon"
	done
}
best() { sort -g | { [ "$1" = higher ] && tail -1 || head -1; }; }
cost() { # PLAIN NETCON higher|lower: the extra time per operation under netcon run, in %
	awk -v p="$1" -v n="$2" -v d="$3" 'BEGIN { if (p <= 0 || n <= 0) print "n/a"; else printf "%+.1f%%", d == "higher" ? 100 * (p / n - 1) : 100 * (n / p - 1) }'
}
report() { # NAME LABEL UNIT higher|lower
	p=$(median <"$H/$1.plain") n=$(median <"$H/$1.netcon")
	bp=$(best "$4" <"$H/$1.plain") bn=$(best "$4" <"$H/$1.netcon")
	printf "%-22s median: plain %8s  netcon run %8s %-6s cost %6s   best: plain %8s  netcon run %8s  cost %6s\n" \
		"$2" "$p" "$n" "$3" "$(cost "$p" "$n" "$4")" "$bp" "$bn" "$(cost "$bp" "$bn" "$4")"
}
# System calls the program makes, plain and under netcon run (a figure that noise cannot move):
# the intercept must add none per operation.
syscalls() { # [netcon] BIN MODE PORT N
	if [ "$1" = netcon ]; then shift; r="$NETCON run --home $H --"; else r=""; fi
	$r perf stat -x, -e raw_syscalls:sys_enter "$@" 2>&1 >/dev/null | awk -F, '/raw_syscalls/ { print $1 }'
}

echo "netcon intercept cost on host traffic ($(date -u +%F), $(nproc) cores): $ROUNDS interleaved rounds each; cost = extra time per operation"
run tcprr 9400 "$TB" rr "$RTS"
run stream 9500 "$TB" stream "$MIB"
run udprr 9600 "$UB" rr "$RTS"
report tcprr "TCP 1-byte rr x$RTS" us lower
report stream "TCP stream ${MIB} MiB" Gbit/s higher
report udprr "UDP 1-byte rr x$RTS" us lower
# The share of the program's CPU samples spent in libnetcon.so under netcon run.
share() { # BIN MODE PORT N
	$NETCON run --home "$H" -- perf record -q -o "$H/perf.data" "$@" >/dev/null 2>&1 || return
	perf report -i "$H/perf.data" --sort dso -g none 2>/dev/null | awk '/libnetcon.so/ { print $1 }'
}
# CPU time the program used (perf's task-clock, ms): waiting for a core on a busy machine does
# not count, so it moves far less than the elapsed time.
cpums() { # [netcon] BIN MODE PORT N (perf runs inside netcon run: the launcher is not counted)
	if [ "$1" = netcon ]; then shift; r="$NETCON run --home $H --"; else r=""; fi
	$r perf stat -x, -e task-clock "$@" 2>&1 >/dev/null | awk -F, '/task-clock/ { print $1 }'
}
if command -v perf >/dev/null && [ -n "$(syscalls "$TB" rr 127.0.0.1 9390 10)" ]; then
	for w in "tcprr $TB rr 9800 $RTS" "stream $TB stream 9830 $MIB" "udprr $UB rr 9860 $RTS"; do
		set -- $w
		: >"$H/cpu.plain"
		: >"$H/cpu.netcon"
		for i in $(seq "$ROUNDS"); do
			cpums "$2" "$3" 127.0.0.1 $(($4 + 2 * i)) "$5" >>"$H/cpu.plain"
			cpums netcon "$2" "$3" 127.0.0.1 $(($4 + 2 * i + 1)) "$5" >>"$H/cpu.netcon"
		done
		p=$(median <"$H/cpu.plain") n=$(median <"$H/cpu.netcon")
		printf "CPU time, %-16s median: plain %8.1f ms  netcon run %8.1f ms  cost %s\n" "$(basename "$2") $3" "$p" "$n" "$(cost "$p" "$n" lower)"
	done
	for w in "$TB rr 9720 $RTS" "$TB stream 9730 $MIB" "$UB rr 9740 $RTS"; do
		set -- $w
		echo "CPU samples in libnetcon.so, $(basename "$1") $2: $(share "$1" "$2" 127.0.0.1 "$3" "$4")"
	done
	for w in "$TB rr 9700 $RTS" "$UB rr 9710 $RTS"; do
		set -- $w
		p=$(syscalls "$1" "$2" 127.0.0.1 "$3" "$4")
		n=$(syscalls netcon "$1" "$2" 127.0.0.1 $(($3 + 1)) "$4")
		echo "system calls, $(basename "$1") $2 x$4: plain $p   netcon run $n   per round trip $(awk -v p="$p" -v n="$4" 'BEGIN { printf "%.3f", p / n }') vs $(awk -v p="$n" -v n="$4" 'BEGIN { printf "%.3f", p / n }')"
	done
fi
