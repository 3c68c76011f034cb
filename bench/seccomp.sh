#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The seccomp front end against the intercept, and both against the kernel, interleaved, median
# of BENCH_ROUNDS rounds (the same dynamic program, tcp_bench, run under `netcon run` and
# `netcon run --seccomp`): connect+accept+close per second (every call trapped), one TCP stream
# and a 1-byte request/response loop (data is not trapped: the aim is the same figure); a UDP
# request/response loop whose server uses recvfrom/sendto with an address (trapped: the
# supervisor carries each datagram); and host traffic on 127.0.0.1 under --seccomp against no
# netcon at all (TCP: the filter's cost on calls it lets through; UDP: recvfrom/sendto with an
# address trapped and continued). Prints figures and ratios only.
cd "$(dirname "$0")/.." || exit 1
B=${B:-build}
NETCON=$B/netcon
TB=$B/tests/integ/tcp_bench
UB=$B/tests/integ/udp_bench
ROUNDS=${BENCH_ROUNDS:-7}
CONNS=${BENCH_CONNS:-2000}
MIB=${BENCH_MIB:-512}
RTS=${BENCH_RTS:-20000}
[ -x "$TB" ] && [ -x "$UB" ] || make -s "$TB" "$UB" || exit 1
H=$(mktemp -d)
trap 'kill $DPID 2>/dev/null; rm -rf "$H"' EXIT
DPID=$($NETCON daemon --home "$H" --addr 10.97.0.1/24 -d) || exit 1
VIP=10.97.0.1
PORT=$((30000 + $$ % 5000))

median() { sed 's/ .*//' | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
next_port() { PORT=$((PORT + 1)); }
for i in $(seq "$ROUNDS"); do
	next_port; "$TB" connrate 127.0.0.1 "$PORT" "$CONNS" >>"$H/conn.kernel"
	next_port; $NETCON run --home "$H" -- "$TB" connrate "$VIP" "$PORT" "$CONNS" >>"$H/conn.icpt"
	next_port; $NETCON run --home "$H" --seccomp -- "$TB" connrate "$VIP" "$PORT" "$CONNS" >>"$H/conn.sc"
	next_port; $NETCON run --home "$H" -- "$TB" stream "$VIP" "$PORT" "$MIB" >>"$H/stream.icpt"
	next_port; $NETCON run --home "$H" --seccomp -- "$TB" stream "$VIP" "$PORT" "$MIB" >>"$H/stream.sc"
	next_port; $NETCON run --home "$H" -- "$TB" rr "$VIP" "$PORT" "$RTS" >>"$H/rr.icpt"
	next_port; $NETCON run --home "$H" --seccomp -- "$TB" rr "$VIP" "$PORT" "$RTS" >>"$H/rr.sc"
	next_port; $NETCON run --home "$H" -- "$UB" rr "$VIP" "$PORT" "$RTS" >>"$H/urr.icpt"
	next_port; $NETCON run --home "$H" --seccomp -- "$UB" rr "$VIP" "$PORT" "$RTS" >>"$H/urr.sc"
	next_port; "$TB" rr 127.0.0.1 "$PORT" "$RTS" >>"$H/hrr.plain"
	next_port; $NETCON run --home "$H" --seccomp -- "$TB" rr 127.0.0.1 "$PORT" "$RTS" >>"$H/hrr.sc"
	next_port; "$UB" rr 127.0.0.1 "$PORT" "$RTS" >>"$H/hurr.plain"
	next_port; $NETCON run --home "$H" --seccomp -- "$UB" rr 127.0.0.1 "$PORT" "$RTS" >>"$H/hurr.sc"
done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
k=$(median <"$H/conn.kernel") i=$(median <"$H/conn.icpt") s=$(median <"$H/conn.sc")
echo "connect+accept+close: kernel (127.0.0.1) $k/s, intercept $i/s, seccomp $s/s;" \
	"seccomp/intercept $(ratio "$s" "$i"), seccomp/kernel $(ratio "$s" "$k")"
i=$(median <"$H/stream.icpt") s=$(median <"$H/stream.sc")
echo "one TCP stream ($MIB MiB): intercept $i Gbit/s, seccomp $s Gbit/s; seccomp/intercept $(ratio "$s" "$i")"
i=$(median <"$H/rr.icpt") s=$(median <"$H/rr.sc")
echo "1-byte request/response: intercept $i us, seccomp $s us; seccomp/intercept $(ratio "$s" "$i")"
i=$(median <"$H/urr.icpt") s=$(median <"$H/urr.sc")
echo "UDP 1-byte request/response, server on recvfrom/sendto: intercept $i us, seccomp $s us; seccomp/intercept $(ratio "$s" "$i")"
p=$(median <"$H/hrr.plain") s=$(median <"$H/hrr.sc")
echo "host TCP request/response on 127.0.0.1: no netcon $p us, --seccomp $s us; ratio $(ratio "$s" "$p")"
p=$(median <"$H/hurr.plain") s=$(median <"$H/hurr.sc")
echo "host UDP request/response on 127.0.0.1 (recvfrom/sendto trapped): no netcon $p us, --seccomp $s us; ratio $(ratio "$s" "$p")"
echo "($ROUNDS rounds, medians; times: lower is better, rates: higher)"
