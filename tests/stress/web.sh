#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Web stress: wrk on B against nginx (master + 2 workers) on A over 200 distinct files of random
# sizes; wrk's errors must be 0; then every file fetched again by curl, sha256 equal.
. "$(dirname "$0")/lib.sh"
stress_init web "nginx $(/usr/sbin/nginx -v 2>&1 | sed 's/.*nginx\///'), wrk"
[ -x /usr/sbin/nginx ] && have wrk && have curl || app_skip "nginx, wrk or curl not installed (tests/deps.sh)"
PORT=8180
SECS=20
long && SECS=$STRESS_SECONDS
net_up || { app_done; exit 1; }
N=$W/nginx
many_files "$N/www" 200
cat >"$N/nginx.conf" <<CONF
daemon off; master_process on; worker_processes 2; pid $N/nginx.pid; error_log stderr notice;
events { worker_connections 1024; }
http { access_log off; client_body_temp_path $N/body; proxy_temp_path $N/proxy;
  fastcgi_temp_path $N/fcgi; uwsgi_temp_path $N/uwsgi; scgi_temp_path $N/scgi;
  server { listen $IA:$PORT; root $N/www; } }
CONF
serve "$A" nginx /usr/sbin/nginx -p "$N" -c "$N/nginx.conf"
web_stress "$B" "$IA" $PORT "$N/www" "$SECS"
fig seconds "$SECS"
evidence "$W/nginx.log" 6
app_done
