#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# ZeroTier's local JSON API and metrics on a netcon daemon: a root+controller and two members on
# loopback with a private planet, driven only through the API by a client that finds the service
# as zerotier-cli does (HOME/zerotier-one.port, HOME/authtoken.secret). Every endpoint's answer has
# the key set and value types of stock ZeroTierOne 1.14.1's (tests/data/api); a network created,
# joined and authorized through the API carries curl's bytes between the members; bad requests get
# their status while the node keeps serving; promtool accepts /metrics.
. "$(dirname "$0")/lib.sh"
[ -x "$NETCON" ] || skip_all "build/netcon not built"
command -v python3 >/dev/null || skip_all "needs python3"
W=$(tmpdir)
R=$W/root M=$W/m1 N=$W/m2 D=$TOP/tests/data/api
mkdir -p "$R" "$M" "$N"
export NETCON_LOG=info
until_ok() { n=$1; shift; for _ in $(seq "$n"); do "$@" && return 0; sleep 0.1; done; return 1; }
api() { python3 "$TOP/tests/integ/zt_api.py" "$@"; }
# call HOME METHOD PATH [BODY]: sets S (status) and B (body)
call() { out=$(api "$@" 2>"$W/api.err") || { S=error; B=; return 0; }; S=$(echo "$out" | head -n1); B=$(echo "$out" | tail -n +2); }
keys() { echo "$B" | api --keys "$D/$1"; }
json() { echo "$B" | python3 -c "import json,sys; j=json.load(sys.stdin); print($1)"; }
# expect DESC STATUS RECORDED: S is STATUS and B has RECORDED's keys and types
expect() { if [ "$S" = "$2" ] && keys "$3"; then ok "$1"; else not_ok "$1 (status $S)"; diag "$B"; fi; }

"$NETCON" idtool generate "$R/identity.secret" "$R/identity.public" >/dev/null
P=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$NETCON" planet create --root "$R/identity.public" --endpoint "127.0.0.1/$P" --out "$W/planet" >/dev/null 2>&1
start() { # start NAME HOME PORT
	pid=$("$NETCON" daemon --home "$2" --port "$3" --planet "$W/planet" -d 2>>"$W/$1.log") || return 1
	track "$pid"
	echo "$pid" >"$W/$1.pid"
}
check "root+controller daemon" start root "$R" "$P"
check "member daemons" sh -c "$(command -v "$NETCON") daemon --home '$M' --port 0 --planet '$W/planet' -d >'$W/m1.pid' 2>>'$W/m1.log' &&
	$(command -v "$NETCON") daemon --home '$N' --port 0 --planet '$W/planet' -d >'$W/m2.pid' 2>>'$W/m2.log'"
track "$(cat "$W/m1.pid")"; track "$(cat "$W/m2.pid")"
RA=$(cut -c1-10 "$R/identity.public") MA=$(cut -c1-10 "$M/identity.public") NA=$(cut -c1-10 "$N/identity.public")

# ---- the service: where zerotier-cli looks, the token, 401, 404 ----------------------------------
check "HOME/zerotier-one.port holds the primary UDP port ($P)" test "$(cat "$R/zerotier-one.port")" = "$P"
check "authtoken.secret: 24 characters of [a-z0-9], mode 0600" sh -c "grep -qxE '[a-z0-9]{24}' '$R/authtoken.secret' && test \"\$(stat -c %a '$R/authtoken.secret')\" = 600"
check "metricstoken.secret: mode 0600, another token" sh -c "test \"\$(stat -c %a '$R/metricstoken.secret')\" = 600 && ! cmp -s '$R/metricstoken.secret' '$R/authtoken.secret'"
S=$(python3 -c "
import http.client; c=http.client.HTTPConnection('127.0.0.1', $P); c.request('GET','/status'); print(c.getresponse().status)")
check "no X-ZT1-Auth: 401" test "$S" = 401
S=$(python3 -c "
import http.client; c=http.client.HTTPConnection('127.0.0.1', $P); c.request('GET','/status',headers={'X-ZT1-Auth':'wrongwrongwrongwrongwron'}); print(c.getresponse().status)")
check "a wrong token: 401" test "$S" = 401
S=$(python3 -c "
import http.client; c=http.client.HTTPConnection('127.0.0.1', $P); c.request('GET','/status?auth='+open('$R/authtoken.secret').read().strip()); print(c.getresponse().status)")
check "?auth=TOKEN is taken too: 200" test "$S" = 200
if python3 -c "import socket; s=socket.socket(socket.AF_INET6); s.connect(('::1', $P))" 2>/dev/null; then
	ok "the service listens on ::1 too"
else
	not_ok "the service listens on ::1 too"
fi
call "$R" GET /nosuch
check "GET /nosuch: 404 with the recorded (empty) body" sh -c "test '$S' = 404 && test -z '$B' && test ! -s '$D/notfound.txt'"

# ---- node endpoints ---------------------------------------------------------------------------
call "$R" GET /status; expect "root GET /status: the recorded keys and types" 200 root-status.json
check "its address and primaryPort are the node's" test "$(json 'j["address"], j["config"]["settings"]["primaryPort"]')" = "$RA $P"
call "$M" GET /status; expect "member GET /status" 200 m1-status.json
peer_root() { call "$M" GET "/peer/$RA"; [ "$S" = 200 ] && [ "$(json 'len(j["paths"])')" -gt 0 ]; }
check "the member reaches the root" until_ok 100 peer_root
expect "GET /peer/ROOT (with a path)" 200 m1-peer-root.json
check "it is the root, role PLANET" test "$(json 'j["address"], j["role"]')" = "$RA PLANET"
call "$M" GET /peer; expect "GET /peer" 200 m1-peer.json
call "$R" GET /peer; expect "root GET /peer" 200 root-peer.json
call "$M" GET /peer/0123456789; check "GET /peer/UNKNOWN: 404" test "$S" = 404
HD=$(api --head "$R" /status)
check "HEAD /status: 200, the GET's Content-Length, no body ($HD)" sh -c "echo '$HD' | grep -qE '^200 [1-9][0-9]* 0\$'"

# ---- controller endpoints: create, list, show --------------------------------------------------
call "$R" GET /controller; expect "GET /controller" 200 controller.json
call "$M" GET /controller/network; check "a node without controller.d networks lists none" test "$S $B" = "200 []"
call "$R" POST "/controller/network/${RA}______" '{"name":"made-by-api","ipAssignmentPools":[{"ipRangeStart":"10.147.40.1","ipRangeEnd":"10.147.40.254"}],"routes":[{"target":"10.147.40.0/24","via":null}],"v4AssignMode":{"zt":true}}'
expect "POST /controller/network/ADDR______ creates" 200 controller-network-create.json
NW=$(json 'j["id"]')
check "its id is the controller's address + 6 digits ($NW)" sh -c "echo '$NW' | grep -qE '^${RA}[0-9a-f]{6}\$'"
check "name, pool, route and v4AssignMode as given" test "$(json 'j["name"], j["private"], j["ipAssignmentPools"][0]["ipRangeStart"], j["routes"][0]["target"], j["v4AssignMode"]["zt"]')" = "made-by-api True 10.147.40.1 10.147.40.0/24 True"
check "the record is on disk, as the CLI's are" test -s "$R/controller.d/network/$NW.json"
check "netcon controller network list sees it" sh -c "'$NETCON' controller network list --home '$R' | grep -q '^$NW made-by-api'"
call "$R" GET /controller/network; expect "GET /controller/network" 200 controller-network.json
check "it lists $NW" test "$(json '" ".join(j)')" = "$NW"
call "$R" GET "/controller/network/$NW"; expect "GET /controller/network/NWID" 200 controller-network-id.json
call "$R" POST "/controller/network/${RA}______" '{"name": '; check "malformed JSON: 400" test "$S" = 400
call "$R" POST "/controller/network/${RA}______" '{"routes":[{"target":"10.1.0.0/99"}]}'; check "a bad route: 400" test "$S" = 400
call "$R" POST "/controller/network/0123456789______" '{}'; check "ADDR______ of another node: 400" test "$S" = 400
call "$R" GET "/controller/network/${RA}fffffe"; check "GET of a network that does not exist: 404" test "$S" = 404
call "$R" GET "/controller/network/xyz"; check "a malformed NWID: 404" test "$S" = 404

# ---- join through the API; authorize through the API -------------------------------------------
call "$M" POST "/network/$NW" '{}'; expect "member POST /network/NWID joins" 200 m2-join.json
check "netcon networks lists it" sh -c "'$NETCON' networks --home '$M' | grep -q '$NW'"
call "$N" POST "/network/$NW" '{"allowDNS":false}'; check "second member joins" test "$S" = 200
call "$M" POST "/network/zzzz" '{}'; check "POST /network/BAD-NWID: 404" test "$S" = 404
call "$M" POST "/network/$NW" '[1,'; check "join with malformed JSON: 400" test "$S" = 400
members() { call "$R" GET "/controller/network/$NW/member"; [ "$S" = 200 ] && [ "$(json 'len(j)')" = 2 ]; }
check "both members asked and are listed" until_ok 100 members
expect "GET /controller/network/NWID/member" 200 controller-members.json
call "$R" GET "/controller/network/$NW/member/$MA"; expect "GET .../member/ADDR" 200 controller-member.json
check "not authorized yet" test "$(json 'j["authorized"]')" = False
call "$R" POST "/controller/network/$NW/member/$MA" '{"authorized":true}'
expect "POST .../member/ADDR {authorized:true}" 200 controller-member-authorize.json
check "authorized" test "$(json 'j["authorized"]')" = True
call "$R" POST "/controller/network/$NW/member/$NA" '{"authorized":true,"ipAssignments":["10.147.40.77"]}'
check "authorize the second member with ipAssignments [10.147.40.77]" test "$S $(json 'j["ipAssignments"]')" = "200 ['10.147.40.77']"
call "$R" POST "/controller/network/$NW/member/$MA" '{"authorized":"yes"}'; check "authorized of the wrong type: 400" test "$S" = 400
call "$R" POST "/controller/network/$NW/member/$MA" '{"activeBridge":true,"noAutoAssignIps":true}'
check "activeBridge and noAutoAssignIps set; authorized kept" test "$S $(json 'j["activeBridge"], j["noAutoAssignIps"], j["authorized"]')" = "200 True True True"
shown() { "$NETCON" controller member list --home "$R" --json "$NW" | python3 -c "import json,sys; sys.exit(0 if [m for m in json.load(sys.stdin) if m['id']=='$MA' and m['activeBridge'] and m['noAutoAssignIps']] else 1)"; }
check "netcon controller member list shows the same record" shown
call "$R" POST "/controller/network/$NW/member/$MA" '{"activeBridge":false,"noAutoAssignIps":false}'
check "and cleared" test "$S $(json 'j["activeBridge"], j["noAutoAssignIps"]')" = "200 False False"
call "$R" POST "/controller/network/$NW/member/$MA" '{"tags":[[1,2],[3,4]],"capabilities":[5]}'
check "tags and capabilities kept as given" test "$S $(json 'j["tags"], j["capabilities"], j["authorized"]')" = "200 [[1, 2], [3, 4]] [5] True"
check "and in the member's record on disk" grep -q '"capabilities":\[5\].*"tags":\[\[1,2\],\[3,4\]\]' "$R/controller.d/network/$NW/member/$MA.json"
call "$R" POST "/controller/network/$NW/member/$MA" '{"tags":[[1]]}'; check "a malformed tag: 400" test "$S" = 400
net_ok() { call "$1" GET "/network/$NW"; [ "$S" = 200 ] && [ "$(json 'j["status"]')" = OK ] && [ -n "$(json '"".join(a for a in j["assignedAddresses"] if a.startswith("10.147.40."))')" ]; }
check "member 1 gets its config and an address" until_ok 150 net_ok "$M"
expect "GET /network/NWID after authorization" 200 m2-network-new.json
IM=$(json 'j["assignedAddresses"][0].split("/")[0]')
check "member 2 gets 10.147.40.77" until_ok 150 net_ok "$N"
check "its address is the one given" test "$(json 'j["assignedAddresses"][0]')" = "10.147.40.77/24"
call "$M" GET /network; expect "GET /network" 200 m1-network.json
call "$M" GET "/network/$NW"; expect "GET /network/NWID" 200 m1-network-id.json

# ---- traffic between the members ---------------------------------------------------------------
mkdir -p "$W/www"; head -c 1048576 /dev/urandom >"$W/www/blob"
HP=18080
"$NETCON" run --home "$M" -- python3 -m http.server $HP --bind "$IM" --directory "$W/www" >/dev/null 2>&1 &
track $!
check "http.server on member 1 ($IM) is reachable from member 2" wait_port "$N" "$IM" $HP
if command -v curl >/dev/null; then
	"$NETCON" run --home "$N" -- curl -sSf -m 30 -o "$W/blob.got" "http://$IM:$HP/blob"
	check "curl on member 2 gets 1 MB from member 1, bytes equal" cmp -s "$W/www/blob" "$W/blob.got"
else
	not_ok "curl is not installed"
fi

# ---- a change through the API reaches the members ----------------------------------------------
call "$R" POST "/controller/network/$NW" '{"name":"renamed","mtu":2000}'
check "POST /controller/network/NWID changes name and mtu" test "$S $(json 'j["name"], j["mtu"]')" = "200 renamed 2000"
renamed() { call "$M" GET "/network/$NW"; [ "$(json 'j["name"], j["mtu"]' 2>/dev/null)" = "renamed 2000" ]; }
check "the member gets the new config (pushed)" until_ok 100 renamed
call "$R" POST "/controller/network/$NW" '{"private":true,"ipAssignmentPools":[{"ipRangeStart":"10.147.40.1","ipRangeEnd":"10.147.40.100"}]}'
check "pools changed on an existing network" test "$S $(json 'j["ipAssignmentPools"][0]["ipRangeEnd"]')" = "200 10.147.40.100"

# ---- deauthorize (DELETE member), leave, delete -------------------------------------------------
call "$R" DELETE "/controller/network/$NW/member/$NA"; expect "DELETE .../member/ADDR" 200 controller-member-delete.json
check "it is deauthorized" test "$(json 'j["authorized"]')" = False
gone() { call "$N" GET "/network/$NW"; [ "$(json 'j["status"]' 2>/dev/null)" != OK ] || [ "$(json 'len(j["assignedAddresses"])' 2>/dev/null)" = 0 ]; }
check "member 2 loses the network (revocation sent)" until_ok 150 gone
check "and member 2 no longer reaches member 1" sh -c "! '$NETCON' run --home '$N' -- curl -sSf -m 3 -o /dev/null 'http://$IM:$HP/blob' 2>/dev/null"
call "$M" DELETE "/network/$NW"; expect "DELETE /network/NWID leaves" 200 m2-leave.json
call "$M" GET "/network/$NW"; check "GET after leaving: 404" test "$S" = 404
call "$M" DELETE "/network/$NW"; check "leaving again: 404" test "$S" = 404
call "$R" DELETE "/controller/network/$NW"; expect "DELETE /controller/network/NWID" 200 controller-network-delete.json
call "$R" GET "/controller/network/$NW"; check "deleted: 404" test "$S" = 404
check "its record is gone from disk" test ! -e "$R/controller.d/network/$NW.json"

# ---- bad requests; the node keeps serving ------------------------------------------------------
python3 -c "
import sys; tok=open('$R/authtoken.secret').read().strip(); body=b'{\"name\":\"' + b'x'*1048576 + b'\"}'
sys.stdout.buffer.write(b'POST /controller/network/${RA}______ HTTP/1.1\r\nHost: x\r\nX-ZT1-Auth: ' + tok.encode() + b'\r\nContent-Length: %d\r\n\r\n' % len(body) + body)" >"$W/big.req"
check "a 1 MB body: 413" test "$(api --raw "$R" "$W/big.req")" = 413
python3 -c "import sys; sys.stdout.buffer.write(b'GET /status HTTP/1.1\r\n' + b''.join(b'X-H%d: v\r\n' % i for i in range(100)) + b'\r\n')" >"$W/hdrs.req"
check "100 headers: 413" test "$(api --raw "$R" "$W/hdrs.req")" = 413
printf 'GARBAGE\r\n\r\n' >"$W/bad.req"
check "a malformed request line: 400" test "$(api --raw "$R" "$W/bad.req")" = 400
printf 'GET /status HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n' >"$W/chunk.req"
check "a chunked body: 400" test "$(api --raw "$R" "$W/chunk.req")" = 400
api --slow "$R" 12 >"$W/slow.out" &
SLOW=$!
sleep 1
TM=$(api --time "$R" /status)
check "while a slow client holds a connection, GET /status answers at once (status, ms: $TM)" sh -c "set -- $TM; test \"\$1\" = 200 && test \"\$2\" -lt 1000"
wait $SLOW
check "the slow client gets 408 after about 10 s ($(cat "$W/slow.out"))" sh -c "read s t <'$W/slow.out'; test \"\$s\" = 408 && test \"\$t\" -ge 8 && test \"\$t\" -le 13"

# ---- metrics ------------------------------------------------------------------------------------
S=$(python3 -c "
import http.client; c=http.client.HTTPConnection('127.0.0.1', $P); c.request('GET','/metrics',headers={'X-ZT1-Auth':open('$R/authtoken.secret').read().strip()}); print(c.getresponse().status)")
check "/metrics without the metrics token: 401" test "$S" = 401
python3 -c "
import http.client; c=http.client.HTTPConnection('127.0.0.1', $P); c.request('GET','/metrics',headers={'Authorization':'Bearer '+open('$R/metricstoken.secret').read().strip()}); r=c.getresponse(); print(r.status); open('$W/metrics.prom','wb').write(r.read())" >"$W/metrics.status"
check "/metrics with Authorization: Bearer <metricstoken.secret>: 200" test "$(cat "$W/metrics.status")" = 200
for m in zt_packet zt_num_networks zt_network_packets zt_peer_path_count controller_network_count controller_member_count; do
	check "recorded metric $m is there" grep -q "^# TYPE $m " "$W/metrics.prom"
done
for m in netcon_virtual_sockets netcon_virtual_connections netcon_virtual_socket_bytes netcon_zt_drops_total netcon_rpc_clients process_resident_memory_bytes; do
	check "netcon's own $m is there" grep -q "^# TYPE $m " "$W/metrics.prom"
done
check "zt_packet counts HELLOs received" grep -qE '^zt_packet\{direction="rx",packet_type="hello"\} [1-9]' "$W/metrics.prom"
if command -v promtool >/dev/null; then
	promtool check metrics <"$W/metrics.prom" >"$W/promtool.out" 2>&1
	rc=$?
	# Exit 3 is lint only; what it may name is the recorded zerotier-one metrics, whose names
	# dashboards use (zt_packet is a counter without _total there too).
	bad=$(sed 's/ .*//' "$W/promtool.out" | sort -u | while read -r n; do grep -q "^# TYPE $n " "$D/m1-metrics.prom" || echo "$n"; done)
	if { [ $rc = 0 ] || [ $rc = 3 ]; } && [ -z "$bad" ]; then
		ok "promtool check metrics: parses; lint names only zerotier-one's recorded names"
	else
		not_ok "promtool check metrics (exit $rc): $bad"
		diag "$(head -5 "$W/promtool.out")"
	fi
else
	not_ok "promtool not installed (package prometheus)"
fi

# ---- the token survives a restart ---------------------------------------------------------------
TOK=$(cat "$M/authtoken.secret")
kill "$(cat "$W/m1.pid")"; until_ok 50 sh -c "! kill -0 $(cat "$W/m1.pid") 2>/dev/null"
check "member 1 restarted" start m1b "$M" 0
check "authtoken.secret is kept across the restart" test "$(cat "$M/authtoken.secret")" = "$TOK"
call "$M" GET /status; check "and the old token still works" test "$S" = 200
check "zerotier-one.port follows the new port" test "$(cat "$M/zerotier-one.port")" = "$(json 'j["config"]["settings"]["primaryPort"]')"
for n in root m1 m2 m1b; do
	if grep -qi "sanitizer\|runtime error" "$W/$n.log" 2>/dev/null; then not_ok "$n: sanitizer report"; fi
done
check "the root daemon is still running" kill -0 "$(cat "$W/root.pid")"
done_testing
