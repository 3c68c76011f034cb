#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Connection churn: 100,000 TCP connections B -> A opened and closed (in 4 rounds; the long form
# goes on in rounds of 25,000 for STRESS_SECONDS), then the daemons' fd count, RSS and socket count
# against a baseline taken after a warm-up: no growth beyond a small slack.
. "$(dirname "$0")/lib.sh"
stress_init churn "100,000 connections B -> A"
PORT=8183
PER=25000
# Slack: pools and malloc arenas settle after the warm-up (2 MiB), and the reset table (rstab.c)
# hands out never-used slots first, so its memfd and free queue are touched 8 bytes per connection
# up to NC_RST_SLOTS (1 Mi) connections, 8 MiB at most, by design. A leak of one allocation per
# connection would be far more than that.
FD_SLACK=2
ST=$NETCON_BUILD/tests/integ/stress_tcp
net_up || { app_done; exit 1; }
serve "$A" closer "$ST" closer "$IA" $PORT
wait_port "$B" "$IA" $PORT || not_ok "B reaches the server on A"
on "$B" "$ST" churn "$IA" $PORT 2000 >/dev/null 2>"$W/churn.err" || not_ok "warm-up: 2000 connections"
sleep 2
a0=$(daemon_figs a "$A") b0=$(daemon_figs b "$B")
diag "before: A $a0; B $b0"
n=0 t0=$(now) end=$(($(date +%s) + STRESS_SECONDS)) failed=0
while :; do
	out=$(TO=$((STRESS_TIMEOUT - 60)) on "$B" "$ST" churn "$IA" $PORT $PER 2>"$W/churn.err")
	rc=$?
	if [ $rc != 0 ]; then
		not_ok "round $((n / PER + 1)): $PER connections (rc $rc: $out)"
		evidence "$W/churn.err"
		failed=1
		break
	fi
	n=$((n + PER))
	diag "$n connections ($out); A $(daemon_figs a "$A"); B $(daemon_figs b "$B")"
	[ $n -lt 100000 ] || [ "$(date +%s)" -lt "$end" ] || break
done
t1=$(now)
m=$((n + 2000))
[ $m -gt 1048576 ] && m=1048576
RSS_SLACK_KB=$((2048 + m * 8 / 1024))
[ $failed = 0 ] && ok "$n connections B -> A opened, accepted and closed, $(awk "BEGIN { printf \"%.0f\", $n / ($t1 - $t0) }") conn/s"
sleep 2
a1=$(daemon_figs a "$A") b1=$(daemon_figs b "$B")
diag "after:  A $a1; B $b1"
# growth NODE BEFORE AFTER: check fds, RSS and sockets
growth() {
	set -- "$1" $2 $3
	node=$1 f0=$3 r0=$5 s0=$7 f1=$9 r1=${11} s1=${13}
	[ $((f1 - f0)) -le $FD_SLACK ] && ok "daemon $node: fds $f0 -> $f1" || not_ok "daemon $node: fds grew $f0 -> $f1"
	[ $((r1 - r0)) -le $RSS_SLACK_KB ] && ok "daemon $node: RSS $r0 -> $r1 kB" ||
		not_ok "daemon $node: RSS grew $r0 -> $r1 kB (slack $RSS_SLACK_KB)"
	[ "$s1" -le "$s0" ] && ok "daemon $node: sockets $s0 -> $s1" || not_ok "daemon $node: sockets grew $s0 -> $s1"
	fig "${node}_fds" "$f0>$f1"
	fig "${node}_rss_kB" "$r0>$r1"
	fig "${node}_sockets" "$s0>$s1"
}
growth A "$a0" "$a1"
growth B "$b0" "$b1"
fig conns $n
fig conn_s "$(awk "BEGIN { printf \"%.0f\", $n / ($t1 - $t0) }")"
# The daemon still serves: one more connection, and a checked transfer
on "$B" "$ST" churn "$IA" $PORT 1 >/dev/null 2>&1 && ok "a new connection after the churn" || not_ok "a new connection after the churn"
app_done
