#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The controller role on loopback: a root+controller daemon and a member daemon on a private
# planet. Create a network (with DNS settings); the member's request is denied and recorded;
# authorized, it gets a pool address and the DNS settings in its resolv.conf; records survive a
# restart; a truncated record is reported and skipped.
. "$(dirname "$0")/lib.sh"
[ -x "$NETCON" ] || skip_all "build/netcon not built"
command -v python3 >/dev/null || skip_all "needs python3 (JSON)"
W=$(tmpdir)
R=$W/root M=$W/m
mkdir -p "$R" "$M"
export NETCON_LOG=info
json() { python3 -c "import json,sys; j=json.load(sys.stdin); print($1)"; }
until_ok() { n=$1; shift; for _ in $(seq "$n"); do "$@" && return 0; sleep 0.1; done; return 1; }
C() { "$NETCON" controller "$@"; }

"$NETCON" idtool generate "$R/identity.secret" "$R/identity.public" >/dev/null
P=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$NETCON" planet create --root "$R/identity.public" --endpoint "127.0.0.1/$P" --out "$W/planet" >/dev/null 2>&1
start() { # start NAME HOME PORT
	pid=$("$NETCON" daemon --home "$2" --port "$3" --planet "$W/planet" -d 2>>"$W/$1.log") || return 1
	track "$pid"
	echo "$pid" >"$W/$1.pid"
}
check "root+controller daemon" start root "$R" "$P"
check "member daemon" start m "$M" 0
RA=$(cut -c1-10 "$R/identity.public") MA=$(cut -c1-10 "$M/identity.public")

C network create --home "$R" --bogus >/dev/null 2>&1; [ $? = 2 ] && ok "bad option: exit 2" || not_ok "bad option: exit 2"
C network create --home "$R" --pool 10.9.0.9 >/dev/null 2>&1; [ $? = 2 ] && ok "bad pool: exit 2" || not_ok "bad pool: exit 2"
C network create --home "$R" --dns-server 10.9.0 >/dev/null 2>&1; [ $? = 2 ] && ok "bad --dns-server: exit 2" || not_ok "bad --dns-server: exit 2"
C network create --home "$R" --dns-domain 'a b' >/dev/null 2>&1; [ $? = 2 ] && ok "bad --dns-domain: exit 2" || not_ok "bad --dns-domain: exit 2"
NW=$(C network create --home "$R" --name lab --private --pool 10.9.0.10-10.9.0.20 --route 10.9.0.0/24 \
	--dns-domain lab.test --dns-server 10.9.0.10/5353)
check "network created: id = controller address + 6 digits ($NW)" sh -c "echo '$NW' | grep -qE '^${RA}[0-9a-f]{6}\$'"
check "network record on disk" test -s "$R/controller.d/network/$NW.json"
[ "$(C network show --home "$R" --json "$NW" | json 'j["name"], j["private"], j["routes"][0]["target"]')" = "lab True 10.9.0.0/24" ] &&
	ok "network show --json: name, private, route" || not_ok "network show --json"
check "network list names it" sh -c "'$NETCON' controller network list --home '$R' | grep -q '^$NW lab'"
dns_of() { python3 -c "import json,sys; print(json.dumps(json.load(sys.stdin)['dns'], sort_keys=True))"; }
[ "$(dns_of <"$R/controller.d/network/$NW.json")" = '{"domain": "lab.test", "servers": ["10.9.0.10/5353"]}' ] &&
	ok "the record's dns: {domain, servers}, a port as IP/PORT" || not_ok "the record's dns ($(dns_of <"$R/controller.d/network/$NW.json"))"
C network set --home "$R" "$NW" >/dev/null 2>&1; [ $? = 2 ] && ok "set with nothing to change: exit 2" || not_ok "set with nothing: exit 2"
C network set --home "$R" "$NW" --no-dns --dns-domain x >/dev/null 2>&1; [ $? = 2 ] && ok "--no-dns with --dns-domain: exit 2" || not_ok "--no-dns with --dns-domain: exit 2"
C network set --home "$R" "${RA}fffffe" --name x >/dev/null 2>"$W/set.err"; [ $? = 1 ] && grep -qx "netcon controller: no network ${RA}fffffe" "$W/set.err" &&
	ok "set on a network that does not exist: exit 1, said" || not_ok "set on a missing network"

"$NETCON" join --home "$M" "$NW" >/dev/null
listed() { C member list --home "$R" "$NW" | grep -q "^$MA $1"; }
check "the member's request is denied and it is listed unauthorized" until_ok 50 listed unauthorized
check "its record is on disk" test -s "$R/controller.d/network/$NW/member/$MA.json"
check "the controller logged the denial" grep -q "$MA asked for $NW: access denied" "$R/netcon.log"
check "authorize it" sh -c "'$NETCON' controller member authorize --home '$R' '$NW' '$MA' >/dev/null"
assigned() { "$NETCON" networks --home "$M" --json 2>/dev/null | python3 -c "import json,sys; j=json.load(sys.stdin); n=[x for x in j if x['id']=='$NW']; sys.exit(0 if n and n[0]['status']=='OK' and any(a.startswith('10.9.0.') for a in n[0]['assignedAddresses']) else 1)"; }
check "the member gets its config: status OK, a 10.9.0.x address" until_ok 100 assigned
IP=$(C member list --home "$R" --json "$NW" | json 'j[0]["ipAssignments"][0]')
printf '# written by the netcon daemon\nnameserver 10.9.0.10#5353\nsearch lab.test\n' >"$W/resolv.want"
check "the member's HOME/resolv.conf has the network's DNS server and domain" cmp -s "$M/resolv.conf" "$W/resolv.want"
check "the controller assigned $IP from the pool" sh -c "echo '$IP' | grep -qE '^10\.9\.0\.(1[0-9]|20)\$'"
C member authorize --home "$R" "$NW" 1234567890 --ip "$IP" >/dev/null 2>"$W/dup"
[ $? = 1 ] && grep -q "in use" "$W/dup" && ok "another member cannot take $IP" || not_ok "address collision refused"
check "no temporary files left in controller.d" sh -c "! find '$R/controller.d' -name '*.tmp*' | grep -q ."

# Restart the controller: networks and members stay; a truncated record is reported and skipped.
kill "$(cat "$W/root.pid")"; until_ok 30 sh -c "! kill -0 $(cat "$W/root.pid") 2>/dev/null"
head -c 40 "$R/controller.d/network/$NW.json" >"$R/controller.d/network/${RA}ffffff.json"
echo '{"half' >"$R/controller.d/network/$NW/member/aaaaaaaaaa.json"
check "controller restarted" start root2 "$R" "$P"
check "it keeps the network" sh -c "'$NETCON' controller network list --home '$R' | grep -q '^$NW lab'"
[ "$(C member list --home "$R" --json "$NW" | json '[(m["id"], m["authorized"], m["ipAssignments"]) for m in j]')" = "[('$MA', True, ['$IP'])]" ] &&
	ok "and its member, authorized, with $IP" || not_ok "member kept across restart"
check "the truncated network record is reported" grep -q "${RA}ffffff.json is not a valid record" "$R/netcon.log"
check "the truncated member record is reported" grep -q "aaaaaaaaaa.json is not a valid record" "$R/netcon.log"
check "the daemon keeps running" kill -0 "$(cat "$W/root2.pid")"
[ "$(C network show --home "$R" --json "$NW" | dns_of)" = '{"domain": "lab.test", "servers": ["10.9.0.10/5353"]}' ] &&
	ok "the DNS settings survive the restart" || not_ok "DNS settings after the restart"

check "deauthorize" sh -c "'$NETCON' controller member deauthorize --home '$R' '$NW' '$MA' | grep -q unauthorized"
check "delete the network" C network delete --home "$R" "$NW"
check "its records are gone (the bad file it skipped stays)" sh -c "! test -e '$R/controller.d/network/$NW.json' && ! test -e '$R/controller.d/network/$NW/member/$MA.json'"
C network show --home "$R" "$NW" >/dev/null 2>&1; [ $? = 1 ] && ok "show of a deleted network fails" || not_ok "show of a deleted network fails"
# Start-up errors go to $W/NAME.log, the rest (sanitizer reports at exit too) to HOME/netcon.log.
for f in "$W/root.log" "$W/root2.log" "$W/m.log" "$R/netcon.log" "$M/netcon.log"; do
	if grep -qi "sanitizer\|runtime error" "$f" 2>/dev/null; then not_ok "$f: sanitizer report"; fi
done
done_testing
