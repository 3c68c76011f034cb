#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# ZeroTier networks on loopback, netcon only: `netcon init` makes node C the root of a private
# planet and the controller of a private network; members A and B join and are authorized; real
# programs on A answer clients on B through netcon (http.server + curl 50 MB, redis-benchmark,
# sshd + ssh/sftp); names resolved through a DNS server on A that the network's config names
# (getent, getaddrinfo, curl by name on B), gone when B leaves; a member joining later reaches
# the others (ARP through multicast); an unauthorized node gets no addresses; a deauthorized
# member loses its addresses within the refresh period; the controller restarted keeps its
# networks and members.
# The helpers (net, status, ip4, is_ok, serve, start...) are tests/apps/lib.sh's; the set-up is
# done here step by step, each step a check, where the application tests use its net_up.
. "$(dirname "$0")/lib.sh"
APPS_DIR=$TOP/tests/apps
. "$APPS_DIR/lib.sh"
[ -x "$NETCON" ] && [ -f "$NETCON_BUILD/libnetcon.so" ] || skip_all "build netcon first (make)"
[ -x "$NETCON_BUILD/tests/integ/tcp_probe" ] || skip_all "build the test helpers first (make tests)"
command -v python3 >/dev/null || skip_all "needs python3"
"$NETCON" controller --help >/dev/null 2>&1 || skip_all "netcon has no controller role yet"

W=$(tmpdir)
EV=$W/evidence
C=$W/c A=$W/a B=$W/b D=$W/d E=$W/e
export NETCON_LOG=info
# Config refresh every 2 s (ZeroTier: 60 s), so deauthorization shows within the test.
export NETCON_NETCONF_PERIOD_MS=2000
TO="timeout 120"
P_HTTP=18085 P_REDIS=16381 P_SSH=12223

skip() { T_N=$((T_N + 1)); echo "ok $T_N # SKIP $*"; }

P=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$NETCON" init --home "$C" --endpoint "127.0.0.1/$P" >"$W/init.out" 2>>"$W/c.log"
check "netcon init: root + controller + member in one command" grep -q '^network: [0-9a-f]\{16\}$' "$W/init.out"
NWID=$(sed -n 's/^network: //p' "$W/init.out")
[ -n "$NWID" ] || { sed 's/^/# /' "$W/init.out" "$W/c.log"; done_testing; exit 1; }
track "$(cat "$C/netcon.pid")"
CA=$(addr "$C")
check "init prints the planet file" grep -q "^planet: $C/planet\$" "$W/init.out"
check "init's node has an address on the network" grep -q '^address: 10\.147\.17\.' "$W/init.out"
diag "network $NWID, controller $CA, $(grep '^address' "$W/init.out")"
check "C's network is OK with an address" is_ok "$C"
[ "$(net "$C" "n['mac']")" != "" ] && [ "$(net "$C" "n['mtu']")" = 2800 ] &&
	ok "listnetworks keys: mac, mtu 2800, type $(net "$C" "n['type']")" || not_ok "listnetworks keys"

check "member A starts" start a "$A"
check "member B starts" start b "$B"
AA=$(addr "$A") BA=$(addr "$B")
check "A joins" "$NETCON" join --home "$A" "$NWID"
check "B joins" "$NETCON" join --home "$B" "$NWID"
check "A's membership is kept in networks.d" test -f "$A/networks.d/$NWID.conf"
sleep 1
case $(status "$A") in
REQUESTING_CONFIGURATION | ACCESS_DENIED) ok "A is not on the network before authorization ($(status "$A"))" ;;
*) not_ok "A is not on the network before authorization ($(status "$A"))" ;;
esac
check "authorize A" "$NETCON" controller member authorize --home "$C" "$NWID" "$AA"
check "authorize B" "$NETCON" controller member authorize --home "$C" "$NWID" "$BA"
check "A gets its config and an address" until_ok 100 is_ok "$A"
check "B gets its config and an address" until_ok 100 is_ok "$B"
IA=$(ip4 "$A") IB=$(ip4 "$B") IC=$(ip4 "$C")
diag "A $AA $IA, B $BA $IB, C $CA $IC"
[ -n "$IA" ] && [ "$IA" != "$IB" ] && [ "$IA" != "$IC" ] && ok "distinct addresses" || not_ok "distinct addresses"
check "A's config is saved as received (a dictionary)" grep -qa "^nwid=" "$A/networks.d/$NWID.conf"

# ---- python3 http.server on A, curl on B: 50 MB ------------------------------------------------
head -c 52428800 /dev/urandom >"$W/big.bin"
mkdir "$W/www" && mv "$W/big.bin" "$W/www/"
if have curl; then
	serve "$A" http /usr/bin/python3 -m http.server $P_HTTP --bind "$IA" --directory "$W/www"
	HTTP_PID=$SRV_PID
	if wait_port "$B" "$IA" $P_HTTP; then
		ok "B reaches http.server on A ($IA:$P_HTTP) through the network"
		t0=$(date +%s.%N)
		$TO "$NETCON" run --home "$B" -- curl -sSf -o "$W/http.got" "http://$IA:$P_HTTP/big.bin"
		t1=$(date +%s.%N)
		[ "$(hsha "$W/http.got" 2>/dev/null)" = "$(hsha "$W/www/big.bin")" ] &&
			ok "curl on B gets 50 MB from A, sha256 equal ($(awk "BEGIN { printf \"%.1f MB/s\", 50 / ($t1 - $t0) }"))" ||
			not_ok "curl on B gets 50 MB from A, sha256 equal"
		rm -f "$W/http.got"
	else
		not_ok "B reaches http.server on A ($IA:$P_HTTP) through the network"
		sed 's/^/# /' "$W/http.log" | tail -5
	fi
else
	skip "curl not installed"
fi

# ---- redis-server on A, redis-benchmark on B ---------------------------------------------------
if have redis-server && have redis-benchmark; then
	serve "$A" redis redis-server --port $P_REDIS --bind "$IA" --save '' --appendonly no \
		--dir "$W" --daemonize no --protected-mode no
	if wait_port "$B" "$IA" $P_REDIS; then
		v=$($TO "$NETCON" run --home "$B" -- redis-cli -h "$IA" -p $P_REDIS SET k netcon-zt)
		g=$($TO "$NETCON" run --home "$B" -- redis-cli -h "$IA" -p $P_REDIS GET k)
		[ "$v" = OK ] && [ "$g" = netcon-zt ] && ok "redis-cli on B: SET/GET on A" || not_ok "redis-cli on B: SET/GET on A ($v $g)"
		$TO "$NETCON" run --home "$B" -- redis-benchmark -h "$IA" -p $P_REDIS -n 20000 -q 2>&1 |
			tr '\r' '\n' | grep 'requests per second' >"$W/bench.out"
		[ "$(wc -l <"$W/bench.out")" -ge 15 ] && ok "redis-benchmark on B against A completes ($(wc -l <"$W/bench.out") tests)" ||
			not_ok "redis-benchmark on B against A completes"
		grep -E '^(PING_INLINE|SET|GET):' "$W/bench.out" | sed 's/^/# /'
	else
		not_ok "B reaches redis on A"
	fi
else
	skip "redis not installed"
fi

# ---- sshd on A, ssh + sftp on B ----------------------------------------------------------------
if [ "$(id -u)" != 0 ]; then
	skip "sshd needs root"
elif [ -x /usr/sbin/sshd ] && have ssh && have sftp && [ -x /usr/lib/openssh/sftp-server ]; then
	S=$W/ssh
	mkdir -p "$S" /run/sshd
	ssh-keygen -q -t ed25519 -N '' -f "$S/host_ed25519"
	ssh-keygen -q -t ed25519 -N '' -f "$S/id_ed25519" && cp "$S/id_ed25519.pub" "$S/authorized_keys"
	printf 'Port %s\nListenAddress %s\nHostKey %s\nPidFile none\nUsePAM no\nPermitRootLogin prohibit-password\nAuthorizedKeysFile %s\nStrictModes no\nSubsystem sftp /usr/lib/openssh/sftp-server\n' \
		$P_SSH "$IA" "$S/host_ed25519" "$S/authorized_keys" >"$S/sshd_config"
	serve "$A" sshd /usr/sbin/sshd -D -e -f "$S/sshd_config"
	SSHO="-F /dev/null -i $S/id_ed25519 -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes -o ConnectTimeout=10 -o LogLevel=ERROR"
	if wait_port "$B" "$IA" $P_SSH; then
		out=$($TO "$NETCON" run --home "$B" -- ssh $SSHO -p $P_SSH root@"$IA" 'echo hello-$((6*7))' 2>"$W/ssh.err")
		[ "$out" = hello-42 ] && ok "ssh from B to A runs a command" || not_ok "ssh from B to A (got '$out')"
		head -c 10485760 /dev/urandom >"$W/sftp.src"
		printf 'put %s %s\nget %s %s\n' "$W/sftp.src" "$W/sftp.up" "$W/sftp.up" "$W/sftp.down" |
			$TO "$NETCON" run --home "$B" -- sftp $SSHO -P $P_SSH -b - root@"$IA" >"$W/sftp.out" 2>&1
		cmp -s "$W/sftp.src" "$W/sftp.up" && cmp -s "$W/sftp.src" "$W/sftp.down" &&
			ok "sftp from B to A: 10 MB put and get, cmp equal" || not_ok "sftp from B to A: 10 MB put and get"
	else
		not_ok "B reaches sshd on A"
	fi
else
	skip "openssh not installed"
fi

# ---- DNS settings in the network's config: a DNS server on A, names resolved on B --------------
echo "hello by name" >"$W/www/hello.txt"
serve "$A" dns python3 "$TOP/tests/integ/names_dns.py" "$IA" 53 "$W/dnsq.log" "www.zt.test=$IA"
until_ok 100 grep -q ready "$W/dns.log"
check "network set --dns-domain zt.test --dns-server $IA" \
	"$NETCON" controller network set --home "$C" "$NWID" --dns-domain zt.test --dns-server "$IA"
dns_rec() { python3 -c "import json,sys; print(json.dumps(json.load(open(sys.argv[1]))['dns'], sort_keys=True))" "$@"; }
[ "$(dns_rec "$C/controller.d/network/$NWID.json")" = "{\"domain\": \"zt.test\", \"servers\": [\"$IA\"]}" ] &&
	ok "the controller's record: dns {domain, servers} in the stock shape" ||
	not_ok "the controller's record has dns (got $(dns_rec "$C/controller.d/network/$NWID.json"))"
"$NETCON" controller network show --home "$C" "$NWID" --json >"$W/show.json"
[ "$(dns_rec "$W/show.json")" = "{\"domain\": \"zt.test\", \"servers\": [\"$IA\"]}" ] &&
	ok "network show --json has it" || not_ok "network show --json has dns"
has_dns() { grep -qx "nameserver $IA" "$1/resolv.conf" 2>/dev/null && grep -qx "search zt.test" "$1/resolv.conf"; }
check "B's HOME/resolv.conf gets the network's server and domain (config pushed)" until_ok 100 has_dns "$B"
got=$($TO "$NETCON" run --home "$B" -- getent hosts www.zt.test | awk '{ print $1 }')
[ "$got" = "$IA" ] && ok "getent hosts www.zt.test on B: $IA" || not_ok "getent hosts www.zt.test on B (got '$got')"
grep -q "^www.zt.test 1 from $IB\$" "$W/dnsq.log" &&
	ok "the A query reached the DNS server on A from B's virtual address" ||
	{ not_ok "the A query came over the network from $IB"; sed 's/^/# /' "$W/dnsq.log" | tail -5; }
got=$($TO "$NETCON" run --home "$B" -- python3 -c 'import socket; print(socket.getaddrinfo("www", 80, socket.AF_INET, socket.SOCK_STREAM)[0][4][0])' 2>&1)
[ "$got" = "$IA" ] && ok "getaddrinfo(\"www\") on B: the search domain appended, $IA" ||
	not_ok "getaddrinfo(www) on B (got '$got')"
if have curl; then
	$TO "$NETCON" run --home "$B" -- curl -sSf -o "$W/hello.got" "http://www.zt.test:$P_HTTP/hello.txt"
	cmp -s "$W/hello.got" "$W/www/hello.txt" && ok "curl http://www.zt.test:$P_HTTP/ on B reaches A by name" ||
		not_ok "curl by name on B"
fi
check "B leaves the network" "$NETCON" leave --home "$B" "$NWID"
! grep -q "nameserver\|search" "$B/resolv.conf" 2>/dev/null && ok "leaving takes the DNS settings out of B's resolv.conf" ||
	{ not_ok "B's resolv.conf after leaving"; sed 's/^/# /' "$B/resolv.conf"; }
: >"$W/dnsq.log"
# --isolate: the name is asked of the virtual network only, never of the host's resolver
got=$(timeout 30 "$NETCON" run --home "$B" --isolate -- getent hosts www.zt.test | awk '{ print $1 }')
[ "$got" != "$IA" ] && [ ! -s "$W/dnsq.log" ] && ok "and www.zt.test no longer resolves there (no query sent)" ||
	not_ok "www.zt.test after leaving (got '$got')"
check "B joins again" "$NETCON" join --home "$B" "$NWID"
check "B is OK again with its address and the DNS settings" until_ok 150 sh -c "[ \"\$('$NETCON' networks --home '$B' | grep -o '$IB')\" = '$IB' ] && grep -qx 'nameserver $IA' '$B/resolv.conf'"
check "network set --no-dns" "$NETCON" controller network set --home "$C" "$NWID" --no-dns
no_dns() { ! grep -q nameserver "$1/resolv.conf" 2>/dev/null; }
check "B's settings go when the network drops them" until_ok 100 no_dns "$B"
[ "$(dns_rec "$C/controller.d/network/$NWID.json")" = "[]" ] && ok "the record says dns [] again" ||
	not_ok "the record's dns after --no-dns"

# ---- a member joining later reaches the others (ARP), and the controller's own member ----------
check "member D starts" start d "$D"
DA=$(addr "$D")
"$NETCON" join --home "$D" "$NWID" >/dev/null
"$NETCON" controller member authorize --home "$C" "$NWID" "$DA" >/dev/null
check "D, joining later, gets an address" until_ok 100 is_ok "$D"
ID=$(ip4 "$D")
if have curl; then
	$TO "$NETCON" run --home "$D" -- curl -sSf -o "$W/d.got" "http://$IA:$P_HTTP/big.bin"
	[ "$(hsha "$W/d.got" 2>/dev/null)" = "$(hsha "$W/www/big.bin")" ] &&
		ok "D ($ID) fetches from A ($IA): ARP through MULTICAST_GATHER" || not_ok "D fetches from A"
	rm -f "$W/d.got"
	serve "$C" httpc /usr/bin/python3 -m http.server $P_HTTP --bind "$IC" --directory "$W/www"
	check "B reaches http.server on C, the controller's own member" wait_port "$B" "$IC" $P_HTTP
fi
[ "$(net "$A" "n['counters']['credentialsPushed'] > 0")" = True ] &&
	ok "A pushed its certificate to peers (NETWORK_CREDENTIALS)" || not_ok "A pushed credentials"

# ---- a node that is not authorized gets nothing ------------------------------------------------
check "node E starts" start e "$E"
"$NETCON" join --home "$E" "$NWID" >/dev/null
sleep 3
[ "$(status "$E")" = ACCESS_DENIED ] && ok "unauthorized E: ACCESS_DENIED" || not_ok "unauthorized E: ACCESS_DENIED (got $(status "$E"))"
[ "$(net "$E" "len(n['assignedAddresses'])")" = 0 ] && ok "E has no addresses" || not_ok "E has no addresses"
# By content. --isolate: a node without the network has no route to IA, and without it split
# routing would send the connect through the host, out of its default route.
unreached() { # unreached HOME: curl through netcon there does not get A's file
	timeout 10 "$NETCON" run --home "$1" --isolate -- curl -s -m 5 -o "$W/x.got" "http://$IA:$P_HTTP/big.bin" 2>/dev/null
	[ "$(hsha "$W/x.got" 2>/dev/null)" != "$(hsha "$W/www/big.bin")" ]
}
check "E cannot fetch from A's server" unreached "$E"

# ---- deauthorization ---------------------------------------------------------------------------
check "deauthorize D" "$NETCON" controller member deauthorize --home "$C" "$NWID" "$DA"
gone() { [ "$(status "$D")" = ACCESS_DENIED ] && [ "$(net "$D" "len(n['assignedAddresses'])")" = 0 ]; }
check "D is ACCESS_DENIED and loses its address within the refresh period" until_ok 80 gone
check "D can no longer fetch from A" unreached "$D"

# ---- restarts: the controller keeps its networks and members, A keeps its network --------------
kill "$(cat "$C/netcon.pid")"
until_ok 30 sh -c "! kill -0 $(cat "$C/netcon.pid") 2>/dev/null"
pid=$("$NETCON" daemon --home "$C" --port "$P" -d 2>>"$W/c.log") && track "$pid"
check "controller restarted" kill -0 "$pid"
"$NETCON" controller member list --home "$C" "$NWID" >"$W/members" 2>&1
check "the restarted controller still lists A" grep -q "$AA" "$W/members"
check "the restarted controller keeps C's own network" until_ok 100 is_ok "$C"
APORT=$("$NETCON" info --home "$A" --json | json 'j["config"]["settings"]["primaryPort"]')
kill "$(cat "$W/a.pid")"
until_ok 30 sh -c "! kill -0 $(cat "$W/a.pid") 2>/dev/null"
# On its own UDP port again, as a ZeroTier node restarts (peers keep its path).
pid=$("$NETCON" daemon --home "$A" --port "$APORT" --planet "$C/planet" -d 2>>"$W/a.log") && track "$pid"
check "A restarted" kill -0 "$pid"
check "A is OK again, same address, from networks.d" until_ok 100 sh -c "[ \"\$('$NETCON' networks --home '$A' | grep -o '$IA')\" = '$IA' ]"
serve "$A" http2 /usr/bin/python3 -m http.server $P_HTTP --bind "$IA" --directory "$W/www"
check "B reaches A again after both restarts" wait_port "$B" "$IA" $P_HTTP
for n in c a b d e; do
	if grep -qi "sanitizer\|runtime error" "$W/$n.log" "$W/$n/netcon.log" 2>/dev/null; then not_ok "$n: sanitizer report"; fi
done
done_testing
