#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# IPv6 assignment modes rfc4193 and 6plane, netcon only, on loopback: `netcon init` makes node C
# the root and controller; C creates a second network with `--v6 rfc4193,6plane`; members A and B
# join it (B also joins C's IPv4 network, so it has two interfaces and lwIP must pick the source
# and interface itself). Each gets the two addresses ZeroTier's formula gives (checked here from the
# formula, in Python); an http.server in a container on A is fetched by curl in a container on B
# at A's rfc4193 and at A's 6plane address, sha256 equal; B's solicitations for A's rfc4193
# address are answered by NDP emulation (the ndpEmulated counter), not by the network; a UDP
# datagram goes both ways by 6plane; `network set --v6` adds and removes a member's address. A third
# network with `--pool fd00:5a::10-fd00:5a::ff --route fd00:5a::/64 --v6 zt` gives A and B distinct
# addresses of the pool (real NDP, no emulation), and curl fetches the file over them.
. "$(dirname "$0")/lib.sh"
[ -x "$NETCON" ] && [ -f "$NETCON_BUILD/libnetcon.so" ] || skip_all "build netcon first (make)"
[ -x "$NETCON_BUILD/tests/integ/tcp_probe" ] || skip_all "build the test helpers first (make tests)"
command -v python3 >/dev/null || skip_all "needs python3"
command -v curl >/dev/null || skip_all "needs curl"

W=$(tmpdir)
C=$W/c A=$W/a B=$W/b
export NETCON_LOG=info
TO="timeout 120"
P_HTTP=18093

json() { python3 -c "import json,sys; j=json.load(sys.stdin); print($1)"; }
until_ok() { n=$1; shift; for _ in $(seq "$n"); do "$@" && return 0; sleep 0.1; done; return 1; }
hsha() { sha256sum <"$1" | cut -d' ' -f1; }
addr() { cut -c1-10 "$1/identity.public"; }
# net HOME NWID 'expr on n': that network's listnetworks entry
net() { "$NETCON" networks --home "$1" --json | json "[$3 for n in j if n['id']=='$2'][0]" 2>/dev/null; }
# The addresses ZeroTier's InetAddress::makeIpv6rfc4193 / makeIpv66plane give, with their bits.
expect() { # expect rfc4193|6plane NWID NODE
	python3 - "$@" <<'PY'
import ipaddress, sys
mode, nw, node = sys.argv[1], int(sys.argv[2], 16), int(sys.argv[3], 16)
if mode == "rfc4193":
    b = b"\xfd" + nw.to_bytes(8, "big") + b"\x99\x93" + node.to_bytes(5, "big")
    print("%s/88" % ipaddress.IPv6Address(b))
else:
    x = (nw ^ (nw >> 32)) & 0xffffffff
    b = b"\xfc" + x.to_bytes(4, "big") + node.to_bytes(5, "big") + bytes(5) + b"\x01"
    print("%s/40" % ipaddress.IPv6Address(b))
PY
}
# has HOME NWID CIDR: the network lists CIDR among its assigned addresses (compared as addresses)
has() {
	"$NETCON" networks --home "$1" --json | python3 -c "
import ipaddress, json, sys
j = json.load(sys.stdin)
want = ipaddress.ip_interface('$3')
n = [n for n in j if n['id'] == '$2']
sys.exit(0 if n and n[0]['status'] == 'OK' and any(ipaddress.ip_interface(a) == want for a in n[0]['assignedAddresses']) else 1)"
}
start() { # start NAME HOME
	pid=$("$NETCON" daemon --home "$2" --port 0 --planet "$C/planet" -d 2>>"$W/$1.log") || return 1
	track "$pid"
}

P=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$NETCON" init --home "$C" --endpoint "127.0.0.1/$P" >"$W/init.out" 2>>"$W/c.log"
N4=$(sed -n 's/^network: //p' "$W/init.out")
[ -n "$N4" ] || { sed 's/^/# /' "$W/init.out" "$W/c.log"; skip_all "netcon init failed"; }
track "$(cat "$C/netcon.pid")"

# ---- the controller: --v6, the record in the stock shape ---------------------------------------
out=$("$NETCON" controller network create --home "$C" --name v6 --v6 bogus 2>&1)
rc=$?
[ $rc != 0 ] && echo "$out" | grep -q -- "bad --v6 'bogus'" &&
	ok "--v6 bogus is refused with a message (exit $rc)" || not_ok "--v6 bogus is refused (exit $rc: $out)"
N6=$("$NETCON" controller network create --home "$C" --name v6 --v6 rfc4193,6plane)
check "controller network create --v6 rfc4193,6plane prints an id" sh -c "echo '$N6' | grep -qx '[0-9a-f]\{16\}'"
rec=$C/controller.d/network/$N6.json
check "the record has v6AssignMode in the stock shape" \
	grep -q '"v6AssignMode":{"6plane":true,"rfc4193":true,"zt":false}' "$rec"
[ "$("$NETCON" controller network show --home "$C" "$N6" --json | json 'j["v6AssignMode"]')" = \
	"{'6plane': True, 'rfc4193': True, 'zt': False}" ] &&
	ok "network show --json has v6AssignMode" || not_ok "network show --json has v6AssignMode"
"$NETCON" controller network show --home "$C" "$N6" | grep -q ' v6 rfc4193,6plane ' &&
	ok "network show lists the modes" || not_ok "network show lists the modes"

# ---- members: the addresses ZeroTier's formula gives -------------------------------------------
check "member A starts" start a "$A"
check "member B starts" start b "$B"
AA=$(addr "$A") BA=$(addr "$B")
"$NETCON" join --home "$A" "$N6" >/dev/null
"$NETCON" join --home "$B" "$N6" >/dev/null
"$NETCON" join --home "$B" "$N4" >/dev/null
for m in "$AA" "$BA"; do "$NETCON" controller member authorize --home "$C" "$N6" "$m" >/dev/null; done
"$NETCON" controller member authorize --home "$C" "$N4" "$BA" >/dev/null
RA=$(expect rfc4193 "$N6" "$AA") PA=$(expect 6plane "$N6" "$AA")
RB=$(expect rfc4193 "$N6" "$BA") PB=$(expect 6plane "$N6" "$BA")
diag "network $N6: A $AA $RA $PA, B $BA $RB $PB"
check "A lists its rfc4193 address $RA" until_ok 150 has "$A" "$N6" "$RA"
check "A lists its 6plane address $PA" until_ok 50 has "$A" "$N6" "$PA"
check "B lists its rfc4193 address $RB" until_ok 150 has "$B" "$N6" "$RB"
check "B lists its 6plane address $PB" until_ok 50 has "$B" "$N6" "$PB"
check "B is also on C's IPv4 network" until_ok 150 sh -c "[ \"\$('$NETCON' networks --home '$B' --json | python3 -c \"import json,sys; print([n['status'] for n in json.load(sys.stdin) if n['id']=='$N4'][0])\")\" = OK ]"
[ "$(net "$A" "$N6" "len(n['assignedAddresses'])")" = 2 ] && ok "A has exactly those two addresses" ||
	not_ok "A has exactly those two addresses ($(net "$A" "$N6" "n['assignedAddresses']"))"

# ---- http.server on A, curl on B, by each address ----------------------------------------------
mkdir "$W/www" && head -c 4194304 /dev/urandom >"$W/www/f.bin"
"$NETCON" run --home "$A" -- python3 -m http.server $P_HTTP --bind :: --directory "$W/www" >"$W/http.log" 2>&1 &
track $!
# probe HOME IP PORT: a connect through netcon succeeds within ~30 s; each try is bounded, since a
# SYN that lwIP cannot send is retried for minutes. --isolate: an address B does not have a route
# to yet is refused, not sent through the host.
probe() {
	for _ in $(seq 30); do
		timeout 5 "$NETCON" run --home "$1" --isolate -- "$NETCON_BUILD/tests/integ/tcp_probe" "$2" "$3" \
			2>/dev/null && return 0
		sleep 0.5
	done
	return 1
}
fetch() { # fetch NAME ADDRESS
	ip=${2%/*}
	if ! probe "$B" "$ip" $P_HTTP; then
		not_ok "B reaches A's server at its $1 address $ip"
		return
	fi
	rm -f "$W/got"
	$TO "$NETCON" run --home "$B" -- curl -sSf -g -m 100 -o "$W/got" "http://[$ip]:$P_HTTP/f.bin" 2>"$W/curl.err"
	[ "$(hsha "$W/got" 2>/dev/null)" = "$(hsha "$W/www/f.bin")" ] &&
		ok "curl on B gets 4 MB from A at its $1 address [$ip], sha256 equal" ||
		{ not_ok "curl on B gets 4 MB from A at its $1 address [$ip]"; sed 's/^/# /' "$W/curl.err"; }
}
fetch rfc4193 "$RA"
fetch 6plane "$PA"
# The server saw B's address of the same form (the source lwIP picks is the longest prefix match).
grep -q "${RB%/*}" "$W/http.log" && ok "A's server saw B's rfc4193 address" ||
	not_ok "A's server saw B's rfc4193 address"
grep -q "${PB%/*}" "$W/http.log" && ok "A's server saw B's 6plane address" ||
	not_ok "A's server saw B's 6plane address"
n=$(net "$B" "$N6" "n['counters']['ndpEmulated']")
[ "${n:-0}" -gt 0 ] && ok "B answered its own solicitations by NDP emulation ($n)" ||
	not_ok "B answered its own solicitations by NDP emulation (ndpEmulated ${n:-none})"

# ---- a UDP datagram both ways by the 6plane address --------------------------------------------
cat >"$W/udp.py" <<'PY'
import socket, sys
if sys.argv[1] == "serve":
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.bind(("::", int(sys.argv[2])))
    s.settimeout(60)
    while True:  # every datagram answered, so a lost reply is retried
        d, a = s.recvfrom(2048)
        print("from", a[0], flush=True)
        s.sendto(d[::-1], a)
else:
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.settimeout(3)
    for k in range(10):
        s.sendto(b"netcon-6plane", (sys.argv[2], int(sys.argv[3])))
        try:
            print(s.recvfrom(2048)[0].decode())
            print("tries", k + 1, file=sys.stderr)
            break
        except socket.timeout:
            pass
PY
"$NETCON" run --home "$A" -- python3 "$W/udp.py" serve 18094 >"$W/udp.log" 2>&1 &
track $!
sleep 1
got=$($TO "$NETCON" run --home "$B" --isolate -- python3 "$W/udp.py" send "${PA%/*}" 18094 2>"$W/udpc.log")
diag "UDP: $(cat "$W/udpc.log"), server: $(tr '\n' ' ' <"$W/udp.log")"
[ "$got" = enalp6-nocten ] && ok "UDP from B to A's 6plane address and back (unconnected sendto)" ||
	{ not_ok "UDP from B to A's 6plane address and back (got '$got')"; sed 's/^/# /' "$W/udp.log"; }

# ---- network set --v6: an existing network's members get the address at once -----------------
P4=$(expect 6plane "$N4" "$BA")
check "network set --v6 6plane on C's IPv4 network" \
	sh -c "'$NETCON' controller network set --home '$C' '$N4' --v6 6plane >/dev/null"
check "B lists its 6plane address $P4 on that network (the config is pushed)" until_ok 100 has "$B" "$N4" "$P4"
check "network set --v6 none" \
	sh -c "'$NETCON' controller network set --home '$C' '$N4' --v6 none >/dev/null"
gone4() { ! has "$B" "$N4" "$P4"; }
check "and B's 6plane address there goes away" until_ok 100 gone4

# ---- v6AssignMode zt: an address from an IPv6 pool, reached by TCP ----------------------------
out=$("$NETCON" controller network create --home "$C" --pool fd00:5a::ff-fd00:5a::10 --v6 zt 2>&1)
rc=$?
[ $rc != 0 ] && echo "$out" | grep -q "bad IPv6 --pool" &&
	ok "a pool whose end is below its start is refused (exit $rc)" ||
	not_ok "a pool whose end is below its start is refused (exit $rc: $out)"
NZ=$("$NETCON" controller network create --home "$C" --name v6zt --pool fd00:5a::10-fd00:5a::ff \
	--route fd00:5a::/64 --v6 zt)
check "network create --pool fd00:5a::10-fd00:5a::ff --route fd00:5a::/64 --v6 zt prints an id" \
	sh -c "echo '$NZ' | grep -qx '[0-9a-f]\{16\}'"
rec=$C/controller.d/network/$NZ.json
check "the record keeps the IPv6 pool in the stock shape" \
	grep -q '"ipAssignmentPools":\[{"ipRangeEnd":"fd00:5a::ff","ipRangeStart":"fd00:5a::10"}\]' "$rec"
check "and v6AssignMode.zt" grep -q '"v6AssignMode":{"6plane":false,"rfc4193":false,"zt":true}' "$rec"
"$NETCON" controller network show --home "$C" "$NZ" | grep -q ' pool fd00:5a::10-fd00:5a::ff route fd00:5a::/64 v6 zt ' &&
	ok "network show lists the IPv6 pool" || not_ok "network show lists the IPv6 pool"
[ "$("$NETCON" controller network show --home "$C" "$NZ" --json | json '[(p["ipRangeStart"], p["ipRangeEnd"]) for p in j["ipAssignmentPools"]]')" = \
	"[('fd00:5a::10', 'fd00:5a::ff')]" ] &&
	ok "network show --json has the pool" || not_ok "network show --json has the pool"
"$NETCON" join --home "$A" "$NZ" >/dev/null
"$NETCON" join --home "$B" "$NZ" >/dev/null
for m in "$AA" "$BA"; do "$NETCON" controller member authorize --home "$C" "$NZ" "$m" >/dev/null; done
# zaddr HOME: its address on NZ (the only one: no rfc4193 or 6plane there)
zaddr() { net "$1" "$NZ" "n['assignedAddresses'][0] if n['status']=='OK' and len(n['assignedAddresses'])==1 else ''"; }
zok() { [ -n "$(zaddr "$1")" ]; }
check "A gets one address on the zt network" until_ok 600 zok "$A"
check "B gets one address on the zt network" until_ok 600 zok "$B"
ZA=$(zaddr "$A") ZB=$(zaddr "$B")
diag "network $NZ: A $ZA, B $ZB"
inpool() { python3 -c "
import ipaddress, sys
a = ipaddress.ip_interface('$1')
sys.exit(0 if a.network.prefixlen == 64 and ipaddress.ip_address('fd00:5a::10') <= a.ip <= ipaddress.ip_address('fd00:5a::ff') else 1)"; }
check "A's address $ZA is in the pool, /64 of the route" inpool "$ZA"
check "B's address $ZB is in the pool, /64 of the route" inpool "$ZB"
[ -n "$ZA" ] && [ "$ZA" != "$ZB" ] && ok "the two differ" || not_ok "the two differ ($ZA $ZB)"
check "A's member record has it in ipAssignments" \
	grep -q "\"ipAssignments\":\[\"${ZA%/*}\"\]" "$C/controller.d/network/$NZ/member/$AA.json"
n0=$(net "$B" "$NZ" "n['counters']['ndpEmulated']")
fetch "IPv6 pool" "$ZA"
grep -q "${ZB%/*}" "$W/http.log" && ok "A's server saw B's pool address" ||
	not_ok "A's server saw B's pool address"
n1=$(net "$B" "$NZ" "n['counters']['ndpEmulated']")
[ "${n0:-x}" = "${n1:-y}" ] && ok "pool addresses use real NDP, not emulation (ndpEmulated $n1)" ||
	not_ok "pool addresses use real NDP (ndpEmulated $n0 -> $n1)"

for n in c a b; do
	if grep -qi "sanitizer\|runtime error" "$W/$n.log" "$W/$n/netcon.log" 2>/dev/null; then not_ok "$n: sanitizer report"; fi
done
done_testing
