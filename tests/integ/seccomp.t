#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The seccomp front end: programs LD_PRELOAD cannot reach (a static musl program, a Go program)
# get their TCP and UDP sockets on the virtual network; which front end netcon run chose is logged; a
# registration with epoll made before connect survives the swap; a daemonising server is still
# served after netcon run returned; host calls go on to the kernel (split routing); --isolate
# with it; and the same as nobody (no_new_privs, a user namespace).
. "$(dirname "$0")/lib.sh"
I=$NETCON_BUILD/tests/integ
[ -x "$I/rawnet.musl" ] || skip_all "no static musl test program (install musl-tools, make tests)"
[ -x "$I/gonet" ] || skip_all "no Go test program (install golang-go, make tests)"
W=$(tmpdir)
H=$(tmpdir)
start_daemon "$H" 10.86.0.1/24 10.86.0.2/24 || { echo "1..1"; not_ok "daemon starts"; exit 1; }
PORT=$((22000 + $$ % 9000))
nrun() { "$NETCON" run --home "$H" "$@"; }
# Servers in the background are started with "$NETCON" run itself, not nrun: $! must be netcon
# run's pid (a subshell's would leave netcon run and its program behind at exit).
sha_of() { /usr/bin/python3 -c "import hashlib,sys; print(hashlib.sha256(bytes(i*7%251 for i in range(int(sys.argv[1])))).hexdigest())" "$1"; }
wait_for() { for _ in $(seq 100); do grep -q "$1" "$2" 2>/dev/null && return 0; sleep 0.1; done; return 1; }

# Which front end: logged with NETCON_LOG=info.
NETCON_LOG=info nrun -- "$I/rawnet.musl" connect-asm 127.0.0.1 1 >/dev/null 2>"$W/fe.musl"
grep -q 'front end: seccomp (a static binary)' "$W/fe.musl" && ok "a static musl program gets the seccomp front end" ||
	{ not_ok "a static musl program gets the seccomp front end"; sed 's/^/# /' "$W/fe.musl"; }
NETCON_LOG=info nrun -- "$I/gonet" dial 127.0.0.1:1 >/dev/null 2>"$W/fe.go"
grep -q 'front end: seccomp (a Go binary)' "$W/fe.go" && ok "a Go program gets the seccomp front end" ||
	{ not_ok "a Go program gets the seccomp front end"; sed 's/^/# /' "$W/fe.go"; }
NETCON_LOG=info nrun -- "$I/rawnet" connect-asm 127.0.0.1 1 >/dev/null 2>"$W/fe.dyn.info"
NETCON_LOG=debug nrun -- "$I/rawnet" connect-asm 127.0.0.1 1 >/dev/null 2>"$W/fe.dyn"
! grep -q 'front end' "$W/fe.dyn.info" && grep -q 'front end: intercept' "$W/fe.dyn" &&
	ok "a dynamic glibc program gets the intercept (said at debug level, not info)" ||
	{ not_ok "a dynamic glibc program gets the intercept"; sed 's/^/# /' "$W/fe.dyn"; }

# Static musl: echo server and client across the daemon, addresses as the kernel gives them.
"$NETCON" run --home "$H" -- "$I/rawnet.musl" echo-server 10.86.0.1 "$PORT" 2 >"$W/ms.out" 2>&1 &
track $!
wait_for ready "$W/ms.out" || not_ok "the musl server is up"
nrun -- "$I/rawnet.musl" echo-client 10.86.0.1 "$PORT" 1000000 >"$W/mc.out" 2>&1
grep -q '^echo ok 1000000$' "$W/mc.out" && ok "musl client to musl server: 1 MB echoed, checked byte for byte" ||
	{ not_ok "musl client to musl server"; sed 's/^/# /' "$W/mc.out"; }
grep -q "^peer 10.86.0.1:$PORT\$" "$W/mc.out" && grep -q '^local 10.86.0.1:[0-9]' "$W/mc.out" &&
	ok "getsockname/getpeername give the virtual addresses" || not_ok "getsockname/getpeername give the virtual addresses"
# A dynamic glibc program under --seccomp (no LD_PRELOAD) reaches the virtual network too.
nrun --seccomp -- "$I/rawnet" echo-client 10.86.0.1 "$PORT" 100000 >"$W/dc.out" 2>&1
grep -q '^echo ok 100000$' "$W/dc.out" && ok "a dynamic program under --seccomp reaches the musl server" ||
	{ not_ok "a dynamic program under --seccomp"; sed 's/^/# /' "$W/dc.out"; }
sleep 0.3
[ "$(grep -c '^peer 10.86.0.1:' "$W/ms.out")" = 2 ] && ok "the musl server's accept gives each peer's virtual address" ||
	{ not_ok "the musl server's accept gives the peers"; sed 's/^/# /' "$W/ms.out"; }

# A failed connect: ECONNREFUSED, blocking (musl) and non-blocking (Go: SO_ERROR).
nrun -- "$I/rawnet.musl" connect-asm 10.86.0.1 1 >"$W/ref.out" 2>&1
grep -q '^refused ECONNREFUSED' "$W/ref.out" && ok "a blocking connect to a closed virtual port: ECONNREFUSED" ||
	{ not_ok "a blocking connect to a closed port"; sed 's/^/# /' "$W/ref.out"; }
nrun -- "$I/gonet" dial 10.86.0.1:1 >"$W/gref.out" 2>&1
grep -q 'connection refused' "$W/gref.out" && ok "Go's dial to a closed virtual port: connection refused" ||
	{ not_ok "Go's dial to a closed port"; sed 's/^/# /' "$W/gref.out"; }

# Registered with epoll before connect: the registration (events, data) moves to the new end.
"$NETCON" run --home "$H" -- "$I/rawnet.musl" echo-server 10.86.0.1 $((PORT + 1)) 1 >"$W/es.out" 2>&1 &
track $!
wait_for ready "$W/es.out"
nrun -- "$I/rawnet.musl" epoll-connect 10.86.0.1 $((PORT + 1)) >"$W/ep.out" 2>&1
grep -q '^epoll ok' "$W/ep.out" && ok "an epoll registration made before connect survives it (wait, MOD, DEL)" ||
	{ not_ok "an epoll registration made before connect survives it"; sed 's/^/# /' "$W/ep.out"; }

# Go net/http server and client.
"$NETCON" run --home "$H" -- "$I/gonet" serve 10.86.0.2:$((PORT + 2)) >"$W/gs.out" 2>&1 &
track $!
wait_for ready "$W/gs.out" || not_ok "the Go server is up"
grep -q "^ready 10.86.0.2:$((PORT + 2))" "$W/gs.out" && ok "Go's listener reports its virtual address" ||
	{ not_ok "Go's listener reports its virtual address"; sed 's/^/# /' "$W/gs.out"; }
want=$(sha_of 3000000)
nrun -- "$I/gonet" get "http://10.86.0.2:$((PORT + 2))/data/3000000" >"$W/gc.out" 2>&1
grep -q "^sha256 $want" "$W/gc.out" && ok "Go client to Go server: 3 MB, sha256 checked" ||
	{ not_ok "Go client to Go server"; sed 's/^/# /' "$W/gc.out"; }
grep -q '^remote 10.86.0.1:' "$W/gc.out" && ok "the Go server sees the client's virtual address" ||
	{ not_ok "the Go server sees the client's virtual address"; sed 's/^/# /' "$W/gc.out"; }
got=$(nrun -- curl -sS -m 10 "http://10.86.0.2:$((PORT + 2))/data/500000" | sha256sum | cut -d' ' -f1)
[ "$got" = "$(sha_of 500000)" ] && ok "curl (the intercept) fetches from the Go server" || not_ok "curl fetches from the Go server"
# Go client to a server under the intercept.
head -c 400000 /dev/urandom >"$W/pyfile"
(cd "$W" && exec "$NETCON" run --home "$H" -- /usr/bin/python3 -m http.server $((PORT + 3)) --bind 10.86.0.1) >/dev/null 2>&1 &
track $!
wait_port "$H" 10.86.0.1 $((PORT + 3))
nrun -- "$I/gonet" get "http://10.86.0.1:$((PORT + 3))/pyfile" >"$W/gp.out" 2>&1
grep -q "^sha256 $(sha256sum <"$W/pyfile" | cut -d' ' -f1)" "$W/gp.out" && ok "Go client fetches from python under the intercept" ||
	{ not_ok "Go client fetches from python under the intercept"; sed 's/^/# /' "$W/gp.out"; }

# Connected UDP from Go (net.Dial "udp") to a UDP server under the intercept.
"$NETCON" run --home "$H" -- /usr/bin/python3 -c "
import socket
s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); s.bind(('10.86.0.1',$((PORT + 7)))); print('ready',flush=True)
d,a=s.recvfrom(2048); s.sendto(d[::-1]+(' from %s:%d' % a).encode(),a)" >"$W/us.out" 2>&1 &
track $!
wait_for ready "$W/us.out"
nrun -- "$I/gonet" udp 10.86.0.1:$((PORT + 7)) datagram >"$W/uc.out" 2>&1
grep -q '^reply margatad from 10.86.0.1:[0-9]' "$W/uc.out" && grep -q "remote 10.86.0.1:$((PORT + 7))" "$W/uc.out" &&
	ok "Go's connected UDP socket reaches a UDP server on the virtual network and back" ||
	{ not_ok "Go's connected UDP socket"; sed 's/^/# /' "$W/uc.out" "$W/us.out"; }

# Unconnected UDP: a Go UDP server (ListenPacket, ReadFrom/WriteTo) answers a Go connected
# client, a python client under the intercept and one under --seccomp (sendto/recvfrom).
"$NETCON" run --home "$H" -- "$I/gonet" udp-echo 10.86.0.2:$((PORT + 8)) 3 >"$W/gu.out" 2>&1 &
track $!
wait_for ready "$W/gu.out"
grep -q "^ready 10.86.0.2:$((PORT + 8))" "$W/gu.out" && ok "a Go UDP server binds a virtual address" ||
	{ not_ok "a Go UDP server binds a virtual address"; sed 's/^/# /' "$W/gu.out"; }
nrun -- "$I/gonet" udp 10.86.0.2:$((PORT + 8)) hello >"$W/guc.out" 2>&1
grep -q '^reply olleh from 10.86.0.1:[0-9]' "$W/guc.out" && ok "Go connected UDP client to the Go UDP server" ||
	{ not_ok "Go connected UDP client to the Go UDP server"; sed 's/^/# /' "$W/guc.out"; }
for how in "" --seccomp; do
	nrun $how -- /usr/bin/python3 -c "
import socket
c=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); c.settimeout(5)
c.sendto(b'python',('10.86.0.2',$((PORT + 8)))); d,a=c.recvfrom(100)
print(d.decode(), a[0], a[1], c.getsockname()[1] == int(d.decode().rsplit(':',1)[1]))" >"$W/gup$how.out" 2>&1
	grep -q "^nohtyp from 10.86.0.1:[0-9]* 10.86.0.2 $((PORT + 8)) True" "$W/gup$how.out" &&
		ok "python ${how:-(intercept)}: sendto/recvfrom with the Go UDP server, addresses right" ||
		{ not_ok "python ${how:-(intercept)}: sendto/recvfrom with the Go UDP server"; sed 's/^/# /' "$W/gup$how.out"; }
done

# sendmsg and sendmmsg with an address (msg_name), trapped every one: to a virtual UDP server from
# a socket neither bound nor connected (the first datagram makes it virtual, as sendto does; under
# --isolate too) and from one bound to a virtual address; to a host server on 127.0.0.1 still
# through the kernel. Each checked by the bytes echoed and the addresses seen.
"$NETCON" run --home "$H" -- /usr/bin/python3 -c "
import socket
s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); s.bind(('10.86.0.2',$((PORT + 12)))); print('ready', flush=True)
while True:
    d,a=s.recvfrom(200); s.sendto(d+(' %s:%d' % a).encode(),a)" >"$W/sm.srv" 2>&1 &
track $!
/usr/bin/python3 -c "
import socket
s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); s.bind(('127.0.0.1',$((PORT + 12)))); print('ready', flush=True)
while True:
    d,a=s.recvfrom(200); s.sendto(d+(' %s:%d' % a).encode(),a)" >"$W/smh.srv" 2>&1 &
track $!
wait_for ready "$W/sm.srv" && wait_for ready "$W/smh.srv" || not_ok "the UDP echo servers are up"
SMC=$TOP/tests/integ/sendmsg_client.py
for call in sendmsg sendmmsg; do
	[ $call = sendmsg ] && want="^sent 7$~^reply one-two 10.86.0.1:[0-9]* from 10.86.0.2 $((PORT + 12))$" ||
		want="^sent 2  5 7$~^reply first 10.86.0.1:[0-9]* from 10.86.0.2 $((PORT + 12))$~^reply second- 10.86.0.1:[0-9]* from"
	for how in "- --seccomp" "10.86.0.1 --seccomp" "- --seccomp --isolate"; do
		b=${how%% *} flags=${how#* }
		f="$W/sm.$call.$b.${flags#*--isolate}"
		nrun $flags -- /usr/bin/python3 "$SMC" $call "$b" 10.86.0.2 $((PORT + 12)) >"$f" 2>&1
		bad=
		IFS='~'
		for w in $want; do grep -q "$w" "$f" || bad=1; done
		unset IFS
		[ "$b" = - ] && from="an unbound socket" || from="a socket bound to $b"
		[ -z "$bad" ] && ok "$flags: $call from $from to a virtual UDP server, echoed" ||
			{ not_ok "$flags: $call from $from to a virtual UDP server"; sed 's/^/# /' "$f"; }
	done
	f="$W/smh.$call"
	nrun --seccomp -- /usr/bin/python3 "$SMC" $call - 127.0.0.1 $((PORT + 12)) >"$f" 2>&1
	[ $call = sendmsg ] && w="^reply one-two 127.0.0.1:[0-9]* from 127.0.0.1" || w="^reply second- 127.0.0.1:[0-9]* from 127.0.0.1"
	grep -q "$w" "$f" && ok "--seccomp: $call to a host UDP server on 127.0.0.1 goes through the kernel" ||
		{ not_ok "--seccomp: $call to a host UDP server on 127.0.0.1"; sed 's/^/# /' "$f"; }
done

# busybox (static glibc): httpd (a child per connection) serves busybox wget and curl; nc.
if command -v busybox >/dev/null && ! ldd "$(command -v busybox)" >/dev/null 2>&1; then
	mkdir "$W/www" && head -c 300000 /dev/urandom >"$W/www/f.bin"
	"$NETCON" run --home "$H" -- busybox httpd -f -p 10.86.0.2:$((PORT + 10)) -h "$W/www" >"$W/bb.out" 2>&1 &
	track $!
	wait_port "$H" 10.86.0.2 $((PORT + 10))
	nrun -- busybox wget -q -O "$W/bb.got" "http://10.86.0.2:$((PORT + 10))/f.bin"
	cmp -s "$W/bb.got" "$W/www/f.bin" && ok "busybox wget from busybox httpd: 300 kB, cmp equal" ||
		{ not_ok "busybox wget from busybox httpd"; sed 's/^/# /' "$W/bb.out"; }
	nrun -- curl -s "http://10.86.0.2:$((PORT + 10))/f.bin" | cmp -s - "$W/www/f.bin" &&
		ok "curl (the intercept) from busybox httpd" || not_ok "curl from busybox httpd"
	printf 'GET /nothing HTTP/1.0\r\n\r\n' | nrun -- busybox nc 10.86.0.2 $((PORT + 10)) >"$W/nc.out" 2>&1
	grep -q '^HTTP/1.[01] 404' "$W/nc.out" && ok "busybox nc talks to busybox httpd" ||
		{ not_ok "busybox nc talks to busybox httpd"; sed 's/^/# /' "$W/nc.out"; }
else
	diag "no static busybox: its checks are not run"
fi

# Socket options after the swap: TCP options are recorded and carried to the daemon, read back.
nrun --seccomp -- /usr/bin/python3 -c "
import socket
s=socket.create_connection(('10.86.0.2',$((PORT + 2))))
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
s.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 33)
s.setsockopt(socket.IPPROTO_IP, socket.IP_TOS, 8)
print(s.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY), s.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE),
      s.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL))" >"$W/opt.out" 2>&1
grep -q '^1 33 75$' "$W/opt.out" && ok "--seccomp: TCP_NODELAY, the keepalive timers and IP_TOS set after connect, read back" ||
	{ not_ok "--seccomp: TCP options after connect"; sed 's/^/# /' "$W/opt.out"; }

# redis under --seccomp (it sets TCP_NODELAY on every connection, both ends).
if command -v redis-server >/dev/null; then
	"$NETCON" run --home "$H" --seccomp -- redis-server --bind 10.86.0.1 --port $((PORT + 11)) --save "" --appendonly no \
		--protected-mode no >"$W/redis.out" 2>&1 &
	track $!
	wait_port "$H" 10.86.0.1 $((PORT + 11))
	nrun --seccomp -- redis-cli -h 10.86.0.1 -p $((PORT + 11)) set k seccomp >/dev/null 2>&1
	[ "$(nrun --seccomp -- redis-cli -h 10.86.0.1 -p $((PORT + 11)) get k 2>&1)" = seccomp ] &&
		ok "redis-server and redis-cli under --seccomp: SET then GET" || not_ok "redis under --seccomp: SET then GET"
	nrun --seccomp -- redis-benchmark -h 10.86.0.1 -p $((PORT + 11)) -q -n 2000 -t set,get,lpush 2>&1 |
		tr '\r' '\n' | grep -c 'requests per second' >"$W/rb.out"
	[ "$(cat "$W/rb.out")" = 3 ] && ok "redis-benchmark under --seccomp: set, get, lpush complete" ||
		not_ok "redis-benchmark under --seccomp ($(cat "$W/rb.out") of 3)"
fi

# Split routing: a host service on 127.0.0.1 is reached through the kernel.
"$I/rawnet" listen 127.0.0.1 $((PORT + 4)) >"$W/host.log" &
track $!
wait_for ready "$W/host.log"
nrun -- "$I/rawnet.musl" connect-asm 127.0.0.1 $((PORT + 4)) >"$W/split.out" 2>&1
nrun -- "$I/gonet" dial 127.0.0.1:$((PORT + 4)) >>"$W/split.out" 2>&1
sleep 0.2
[ "$(grep -c '^connected' "$W/split.out")" = 2 ] && [ "$(grep -c '^accepted' "$W/host.log")" = 2 ] &&
	ok "split routing: musl and Go reach a host service on 127.0.0.1" ||
	{ not_ok "split routing: musl and Go reach a host service"; sed 's/^/# /' "$W/split.out"; }
# --isolate: the same are refused, and the virtual network is still reached.
nrun --isolate -- "$I/rawnet.musl" connect-asm 127.0.0.1 $((PORT + 4)) >"$W/iso.out" 2>&1
nrun --isolate -- "$I/gonet" dial 127.0.0.1:$((PORT + 4)) >>"$W/iso.out" 2>&1
[ "$(grep -c '^refused' "$W/iso.out")" = 2 ] && ok "--isolate: musl and Go are refused the host service" ||
	{ not_ok "--isolate: musl and Go are refused the host service"; sed 's/^/# /' "$W/iso.out"; }
nrun --isolate -- "$I/gonet" get "http://10.86.0.2:$((PORT + 2))/data/100000" >"$W/isog.out" 2>&1
grep -q "^sha256 $(sha_of 100000)" "$W/isog.out" && ok "--isolate: Go still reaches the Go server on the virtual network" ||
	{ not_ok "--isolate: Go reaches the virtual network"; sed 's/^/# /' "$W/isog.out"; }

# Names for Go's own resolver under --isolate: /etc/hosts is localhost plus HOME/hosts, and
# /etc/resolv.conf the network's DNS servers (a DNS server of ours on the virtual network).
printf '10.86.0.2 gohost.example\n' >"$H/hosts"
nrun --isolate -- "$I/gonet" get "http://gohost.example:$((PORT + 2))/data/1000" >"$W/gh.out" 2>&1
grep -q "^sha256 $(sha_of 1000)" "$W/gh.out" && ok "--isolate: Go resolves a name from HOME/hosts" ||
	{ not_ok "--isolate: Go resolves a name from HOME/hosts"; sed 's/^/# /' "$W/gh.out"; }
H3=$(tmpdir)
D3=$("$NETCON" daemon --home "$H3" --addr 10.92.0.1/24 --addr 10.92.0.53/24 --dns 10.92.0.53 --domain vnet -d) && track "$D3"
"$NETCON" run --home "$H3" -- /usr/bin/python3 "$TOP/tests/integ/names_dns.py" 10.92.0.53 53 "$W/dns.log" \
	gosrv.vnet=10.92.0.1 >"$W/dns.out" 2>&1 &
track $!
wait_for ready "$W/dns.out"
"$NETCON" run --home "$H3" -- "$I/gonet" serve 10.92.0.1:$((PORT + 9)) >"$W/g3.out" 2>&1 &
track $!
wait_for ready "$W/g3.out"
"$NETCON" run --home "$H3" --isolate -- "$I/gonet" get "http://gosrv.vnet:$((PORT + 9))/data/2000" >"$W/gd.out" 2>&1
grep -q "^sha256 $(sha_of 2000)" "$W/gd.out" && grep -q '^gosrv.vnet 1 from 10.92.0.' "$W/dns.log" &&
	ok "--isolate: Go resolves a name through the network's DNS server, over the virtual network" ||
	{ not_ok "--isolate: Go resolves a name through the network's DNS server"; sed 's/^/# /' "$W/gd.out" "$W/dns.log"; }

# A server that daemonises: netcon run returns, the server's calls are still answered.
# The server is already waiting in accept (a thread of the first supervisor) when its parent exits:
# the supervisor that goes on in the background takes that call over.
nrun --seccomp -- sh -c "'$I/rawnet.musl' echo-server 10.86.0.1 $((PORT + 5)) 1 >'$W/dm.out' 2>&1 & sleep 0.5"
rc=$?
[ "$rc" = 0 ] && ok "netcon run returns when the program exits, its daemon left running" || not_ok "netcon run returns (rc $rc)"
wait_for ready "$W/dm.out"
nrun -- "$I/rawnet.musl" echo-client 10.86.0.1 $((PORT + 5)) 50000 >"$W/dmc.out" 2>&1
grep -q '^echo ok 50000$' "$W/dmc.out" && ok "the daemonised server is still served" ||
	{ not_ok "the daemonised server is still served"; sed 's/^/# /' "$W/dm.out" "$W/dmc.out"; }

# As nobody: no_new_privs, and with --isolate a user namespace.
if [ "$(id -u)" = 0 ]; then
	AS="setpriv --reuid 65534 --regid 65534 --clear-groups"
	H2=$(tmpdir)
	chown 65534:65534 "$H2"
	chmod 777 "$W"
	ND=$($AS "$NETCON" daemon --home "$H2" --addr 10.87.0.1/24 -d) && track "$ND"
	$AS "$NETCON" run --home "$H2" -- "$I/gonet" serve 10.87.0.1:$((PORT + 6)) >"$W/ngs.out" 2>&1 &
	track $!
	wait_for ready "$W/ngs.out"
	$AS "$NETCON" run --home "$H2" --isolate -- "$I/gonet" get "http://10.87.0.1:$((PORT + 6))/data/200000" >"$W/ngc.out" 2>&1
	grep -q "^sha256 $(sha_of 200000)" "$W/ngc.out" && ok "nobody: Go client and server, the client under --isolate" ||
		{ not_ok "nobody: Go client and server"; sed 's/^/# /' "$W/ngs.out" "$W/ngc.out"; }
	$AS "$NETCON" run --home "$H2" -- sh -c 'grep NoNewPrivs /proc/self/status' >"$W/nnp" 2>&1
	$AS "$NETCON" run --home "$H2" --seccomp -- sh -c 'grep NoNewPrivs /proc/self/status' >>"$W/nnp" 2>&1
	[ "$(tr -d ' \t' <"$W/nnp" | tr '\n' ' ')" = "NoNewPrivs:0 NoNewPrivs:1 " ] &&
		ok "nobody: no_new_privs under --seccomp only" || { not_ok "nobody: no_new_privs under --seccomp only"; sed 's/^/# /' "$W/nnp"; }
fi
kill -0 "$DAEMON_PID" && ok "the daemon is still running" || not_ok "the daemon is still running"
done_testing
