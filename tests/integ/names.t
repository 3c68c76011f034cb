#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Names on the virtual network: HOME/hosts, and DNS queries the intercept sends through the daemon
# to a DNS server of the test's own running under netcon on 10.79.0.53; host fallback and
# --isolate; curl reaching a web server by its virtual name.
. "$(dirname "$0")/lib.sh"
BIN=$NETCON_BUILD/tests/integ/names_api
[ -x "$BIN" ] || skip_all "build the test helpers first (make tests)"
command -v python3 >/dev/null || skip_all "python3 is not installed"
H=$(tmpdir)
W=$(tmpdir)
DAEMON_PID=$("$NETCON" daemon --home "$H" --addr 10.79.0.1/24 --addr 10.79.0.53/24 \
	--dns 10.79.0.53 --domain vnet -d) || { echo "1..1"; not_ok "daemon starts"; exit 1; }
track "$DAEMON_PID"
printf '# written by the netcon daemon\nnameserver 10.79.0.53\nsearch vnet\n' >"$W/resolv.want"
cmp -s "$H/resolv.conf" "$W/resolv.want" && ok "the daemon wrote HOME/resolv.conf" ||
	{ not_ok "HOME/resolv.conf"; sed 's/^/# /' "$H/resolv.conf"; }
printf '10.79.0.20\tfiles.vnet files # the hosts file wins\nfd79::20 v6host\n' >"$H/hosts"

"$NETCON" run --home "$H" -- python3 "$TOP/tests/integ/names_dns.py" 10.79.0.53 53 "$W/dns.log" \
	>"$W/dns.out" 2>&1 &
track $!
for _ in $(seq 50); do grep -q ready "$W/dns.out" 2>/dev/null && break; sleep 0.1; done
grep -q ready "$W/dns.out" || { not_ok "the DNS server runs on 10.79.0.53:53"; sed 's/^/# /' "$W/dns.out"; }

run_in "$H" "$BIN" >"$W/api.out" 2>"$W/api.err"
rc=$?
while IFS= read -r line; do
	case "$line" in
	"ok "*) ok "${line#ok * - }" ;;
	"not ok "*) not_ok "${line#not ok * - }" ;;
	"#"*) echo "$line" ;;
	esac
done <"$W/api.out"
[ "$rc" = 0 ] && ok "names_api exits 0" || { not_ok "names_api exits 0 (rc $rc)"; sed 's/^/# /' "$W/api.err"; }
grep -q '^web.vnet 1 from 10.79.0.' "$W/dns.log" &&
	ok "the server saw the A query for web.vnet from a virtual address" ||
	{ not_ok "the query arrived over the virtual network"; sed 's/^/# /' "$W/dns.log"; }
grep -q '^db.vnet 28 from 10.79.0.' "$W/dns.log" && ok "and the AAAA query for db.vnet" ||
	not_ok "the AAAA query for db.vnet"
! grep -q '^files.vnet' "$W/dns.log" && ok "files.vnet (in the hosts file) was not asked" ||
	not_ok "files.vnet went to DNS"

"$NETCON" run --home "$H" --isolate -- "$BIN" isolated >"$W/iso.out" 2>&1
while IFS= read -r line; do
	case "$line" in
	"ok "*) ok "${line#ok * - }" ;;
	"not ok "*) not_ok "${line#not ok * - }" ;;
	esac
done <"$W/iso.out"

# A real program through the real resolver path: curl to web.vnet.
if command -v curl >/dev/null; then
	PORT=$((20000 + $$ % 10000))
	mkdir "$W/www" && echo "hello from web.vnet" >"$W/www/index.html"
	# On 10.79.0.53 too: with two --addr in one subnet the daemon reaches only the last (a
	# daemon bug of its own, not of names).
	"$NETCON" run --home "$H" -- python3 -m http.server --bind 10.79.0.53 --directory "$W/www" \
		"$PORT" >"$W/http.out" 2>&1 &
	track $!
	wait_port "$H" 10.79.0.53 "$PORT"
	run_in "$H" curl -sS --max-time 10 "http://web.vnet:$PORT/index.html" >"$W/got" 2>"$W/curl.err"
	cmp -s "$W/got" "$W/www/index.html" && ok "curl http://web.vnet:$PORT/ reaches the virtual web server" ||
		{ not_ok "curl http://web.vnet/"; sed 's/^/# /' "$W/curl.err"; }
else
	ok "curl http://web.vnet/ # SKIP curl is not installed"
fi
kill -0 "$DAEMON_PID" && ok "the daemon is still running" || not_ok "the daemon is still running"
kill "$DAEMON_PID"
for _ in $(seq 50); do [ -e "$H/resolv.conf" ] || break; sleep 0.1; done
[ ! -e "$H/resolv.conf" ] && ok "HOME/resolv.conf is removed when the daemon stops" ||
	not_ok "HOME/resolv.conf is removed at exit"
done_testing
