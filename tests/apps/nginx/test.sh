#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# nginx (master + 2 workers) on A, curl on B.
. "$(dirname "$0")/../lib.sh"
app_init nginx "nginx $(/usr/sbin/nginx -v 2>&1 | sed 's/.*nginx\///')"
[ -x /usr/sbin/nginx ] && have curl || app_skip "nginx or curl not installed"
PORT=8080
net_up || { app_done; exit 1; }
N=$W/nginx
mkdir -p "$N"
web_files "$N/www"
cat >"$N/nginx.conf" <<CONF
daemon off; master_process on; worker_processes 2; pid $N/nginx.pid; error_log stderr notice;
events { worker_connections 1024; }
http { access_log off; client_body_temp_path $N/body; proxy_temp_path $N/proxy;
  fastcgi_temp_path $N/fcgi; uwsgi_temp_path $N/uwsgi; scgi_temp_path $N/scgi;
  server { listen $IA:$PORT; root $N/www; } }
CONF
serve "$A" nginx /usr/sbin/nginx -p "$N" -c "$N/nginx.conf"
wait_port "$B" "$IA" $PORT
m=$(cat "$N/nginx.pid" 2>/dev/null)
w=$(pgrep -P "${m:-0}" 2>/dev/null | wc -l)
[ -n "$m" ] && [ "$w" = 2 ] && ok "nginx master $m with $w workers" || not_ok "nginx master with 2 workers (master '$m', $w workers)"
web_check "$B" "$IA" $PORT "$N/www"
evidence "$W/nginx.log" 6
app_done
