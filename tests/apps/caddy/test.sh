#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# caddy (Go: netcon run gives it the seccomp front end) on A: file_server (curl on B gets 8 MB,
# sha256) and reverse_proxy to a python3 http.server on B (curl on B through caddy on A to the
# backend on B: 3 MB, sha256, and the backend sees caddy's virtual address).
. "$(dirname "$0")/../lib.sh"
app_init caddy "caddy $(caddy version 2>/dev/null | cut -d' ' -f1)"
have caddy && have curl || app_skip "caddy or curl not installed"
PORT=8083 PP=8084 BP=8085
net_up || { app_done; exit 1; }
D=$W/caddy
mkdir -p "$D/www" "$D/back"
head -c 8388608 /dev/urandom >"$D/www/f.bin"
head -c 3145728 /dev/urandom >"$D/back/b.bin"
cat >"$D/Caddyfile" <<CONF
{
	admin off
	auto_https off
}
http://$IA:$PORT {
	bind $IA
	root * $D/www
	file_server
}
http://$IA:$PP {
	bind $IA
	reverse_proxy $IB:$BP
}
CONF
export XDG_DATA_HOME=$D/data XDG_CONFIG_HOME=$D/config
serve "$B" backend /usr/bin/python3 -m http.server $BP --bind "$IB" --directory "$D/back"
serve "$A" caddy caddy run --config "$D/Caddyfile" --adapter caddyfile
if ! wait_port "$B" "$IA" $PORT; then
	not_ok "B reaches caddy on A ($IA:$PORT)"
	evidence "$W/caddy.log"
	app_done
	exit 1
fi
t0=$(now)
on "$B" curl -sS -o "$W/f.got" "http://$IA:$PORT/f.bin" 2>"$W/curl.err"
t1=$(now)
[ "$(hsha "$W/f.got" 2>/dev/null)" = "$(hsha "$D/www/f.bin")" ] &&
	ok "file_server: curl on B gets 8 MB from caddy on A, sha256 equal, $(secs "$t0" "$t1") s" ||
	{ not_ok "file_server: curl on B gets 8 MB from caddy on A, sha256 equal"; evidence "$W/curl.err"; evidence "$W/caddy.log"; }
code=$(on "$B" curl -sS -o /dev/null -w '%{http_code}' "http://$IA:$PORT/missing" 2>>"$W/curl.err")
[ "$code" = 404 ] && ok "file_server: a missing file is 404" || not_ok "file_server: a missing file is 404 (got '$code')"

wait_port "$A" "$IB" $BP || not_ok "caddy's node A reaches the backend on B ($IB:$BP)"
on "$B" curl -sS -o "$W/b.got" "http://$IA:$PP/b.bin" 2>"$W/curlp.err"
[ "$(hsha "$W/b.got" 2>/dev/null)" = "$(hsha "$D/back/b.bin")" ] &&
	ok "reverse_proxy: curl on B -> caddy on A -> http.server on B, 3 MB, sha256 equal" ||
	{ not_ok "reverse_proxy: curl on B -> caddy on A -> http.server on B, sha256 equal"; evidence "$W/curlp.err"; evidence "$W/caddy.log"; evidence "$W/backend.log"; }
grep -q "^$IA - .*\"GET /b.bin HTTP/1.1\" 200" "$W/backend.log" && ok "the backend saw caddy's request from $IA" ||
	{ not_ok "the backend saw caddy's request from $IA"; evidence "$W/backend.log"; }
evidence "$W/caddy.log" 4
app_done
