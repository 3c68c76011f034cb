#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# A multithreaded server under load: apache2 with the event MPM (threaded children) on A, wrk on B
# over 200 files, no errors; then every file by curl (8 at a time), sha256 equal; then 64 parallel
# curls of one 1 MiB file, all equal.
. "$(dirname "$0")/lib.sh"
stress_init apache "Apache $(/usr/sbin/apache2 -v 2>/dev/null | sed -n 's/.*Apache\/\([^ ]*\).*/\1/p') event, wrk"
[ -x /usr/sbin/apache2 ] && have wrk && have curl || app_skip "apache2, wrk or curl not installed (tests/deps.sh)"
PORT=8185
SECS=20
long && SECS=$STRESS_SECONDS
net_up || { app_done; exit 1; }
H=$W/httpd
mkdir -p "$H"
many_files "$H/www" 200
apache_up "$A" "$H" event "$IA" $PORT || { not_ok "apache starts"; evidence "$W/apache.log"; }
m=$APACHE_PID
web_stress "$B" "$IA" $PORT "$H/www" "$SECS"
thr=$(for p in $(pgrep -P "${m:-0}"); do ls /proc/$p/task 2>/dev/null | wc -l; done | sort -n | tail -1)
[ "${thr:-0}" -gt 2 ] && ok "event MPM: children are threaded ($thr threads)" || not_ok "event MPM: threaded children ($thr)"
head -c 1048576 /dev/urandom >"$H/www/one.bin" && chmod a+r "$H/www/one.bin"
args=""
for i in $(seq 64); do args="$args -o $W/p$i http://$IA:$PORT/one.bin?$i"; done
on "$B" curl -sS --fail --parallel --parallel-max 64 $args 2>"$W/curl.err"
good=0
for i in $(seq 64); do [ "$(hsha "$W/p$i" 2>/dev/null)" = "$(hsha "$H/www/one.bin")" ] && good=$((good + 1)); done
[ $good = 64 ] && ok "64 parallel curls of 1 MiB, all sha256 equal" ||
	{ not_ok "64 parallel curls of 1 MiB ($good equal)"; evidence "$W/curl.err"; }
fig parallel_ok "$good/64"
fig seconds "$SECS"
evidence "$W/apache.log" 6
app_done
