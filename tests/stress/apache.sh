#!/bin/bash
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
cat >"$H/httpd.conf" <<CONF
ServerRoot /etc/apache2
ServerName localhost
LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so
LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so
LoadModule dir_module /usr/lib/apache2/modules/mod_dir.so
LoadModule mime_module /usr/lib/apache2/modules/mod_mime.so
TypesConfig /etc/mime.types
PidFile $H/httpd.pid
Mutex file:$H default
ErrorLog /dev/stderr
LogLevel notice
Listen $IA:$PORT
User www-data
Group www-data
DocumentRoot $H/www
<Directory $H/www>
  Require all granted
</Directory>
StartServers 2
CONF
# setsid: apache -DFOREGROUND signals its whole process group on SIGTERM
serve "$A" apache setsid /usr/sbin/apache2 -DFOREGROUND -f "$H/httpd.conf"
until_ok 50 test -s "$H/httpd.pid"
m=$(cat "$H/httpd.pid" 2>/dev/null)
[ -n "$m" ] && track "$m"
web_stress "$B" "$IA" $PORT "$H/www" "$SECS"
thr=$(for p in $(pgrep -P "${m:-0}"); do ls /proc/$p/task 2>/dev/null | wc -l; done | sort -n | tail -1)
[ "${thr:-0}" -gt 2 ] && ok "event MPM: children are threaded ($thr threads)" || not_ok "event MPM: threaded children ($thr)"
head -c 1048576 /dev/urandom >"$H/www/one.bin" && chmod a+r "$H/www/one.bin"
args=""
for i in $(seq 64); do args="$args -o $W/p$i http://$IA:$PORT/one.bin?$i"; done
TO=120 on "$B" curl -sS --fail --parallel --parallel-max 64 $args 2>"$W/curl.err"
good=0
for i in $(seq 64); do [ "$(hsha "$W/p$i" 2>/dev/null)" = "$(hsha "$H/www/one.bin")" ] && good=$((good + 1)); done
[ $good = 64 ] && ok "64 parallel curls of 1 MiB, all sha256 equal" ||
	{ not_ok "64 parallel curls of 1 MiB ($good equal)"; evidence "$W/curl.err"; }
fig parallel_ok "$good/64"
fig seconds "$SECS"
evidence "$W/apache.log" 6
app_done
