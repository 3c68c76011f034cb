#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# apache2 on A (MPM prefork, or event with MPM=event: threaded), curl on B (lib.sh's apache_up).
. "$(dirname "$0")/../lib.sh"
MPM=${MPM:-prefork}
app_init apache-$MPM "Apache $(/usr/sbin/apache2 -v 2>/dev/null | sed -n 's/.*Apache\/\([^ ]*\).*/\1/p') $MPM"
[ -x /usr/sbin/apache2 ] && have curl || app_skip "apache2 not installed (tests/deps.sh installs it)"
PORT=8081
net_up || { app_done; exit 1; }
H=$W/httpd
mkdir -p "$H"
web_files "$H/www"
apache_up "$A" "$H" "$MPM" "$IA" $PORT || { not_ok "apache starts"; evidence "$W/apache.log"; }
m=$APACHE_PID
web_check "$B" "$IA" $PORT "$H/www"
kids=$(pgrep -P "${m:-0}" | wc -l)
thr=$(for p in $(pgrep -P "${m:-0}"); do ls /proc/$p/task 2>/dev/null | wc -l; done | sort -n | tail -1)
diag "master $m, $kids children, up to ${thr:-0} threads per child"
if [ "$MPM" = event ]; then
	[ "${thr:-0}" -gt 2 ] && ok "event MPM: children are threaded ($thr threads)" || not_ok "event MPM: threaded children ($thr)"
fi
[ "$kids" -ge 1 ] && [ "$(ps -o user= -p "$(pgrep -P "${m:-0}" | head -1)" 2>/dev/null)" = www-data ] &&
	ok "children run as www-data ($kids)" || not_ok "children run as www-data"
evidence "$W/apache.log" 6
app_done
