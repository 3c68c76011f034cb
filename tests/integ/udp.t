#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# UDP through netcon on one node: unconnected and connected sockets, boundaries, MSG_TRUNC and
# MSG_PEEK, non-blocking, sendmmsg/recvmmsg, IPv6, 10,000 datagrams echoed; EDESTADDRREQ without an
# address, ICMP port unreachable as ECONNREFUSED on a connected socket; shutdown(SHUT_WR) leaves
# the daemon idle; split routing (a host UDP service on 127.0.0.1 is reached through the kernel)
# and --isolate refusing it.
. "$(dirname "$0")/lib.sh"
BIN=$NETCON_BUILD/tests/integ/udp_api
[ -x "$BIN" ] || skip_all "build the test helpers first (make tests)"
H=$(tmpdir)
W=$(tmpdir)
start_daemon "$H" 10.79.0.1/24 fd79::1/64 10.79.0.2/24 || { echo "1..1"; not_ok "daemon starts"; exit 1; }
PORT=$((20000 + $$ % 10000))
"$BIN" host "$PORT" >"$W/host.out" &
track $!
for _ in $(seq 50); do grep -q ready "$W/host.out" 2>/dev/null && break; sleep 0.1; done
# The program's own TAP lines, renumbered into ours.
run_in "$H" "$BIN" "$PORT" >"$W/api.out" 2>"$W/api.err"
rc=$?
while IFS= read -r line; do
	case "$line" in
	"ok "*) ok "${line#ok * - }" ;;
	"not ok "*) not_ok "${line#not ok * - }" ;;
	"#"*) echo "$line" ;;
	esac
done <"$W/api.out"
[ "$rc" = 0 ] && ok "udp_api exits 0" || { not_ok "udp_api exits 0 (rc $rc)"; sed 's/^/# /' "$W/api.err"; }
n=$(grep -c '^ok ' "$W/api.out")
[ "$n" -ge 36 ] && ok "all $n subtests ran" || not_ok "only $n subtests ran"

# --isolate: UDP to the host is refused, not sent.
"$NETCON" run --home "$H" --isolate -- "$BIN" isolated >"$W/iso.out" 2>&1
grep -q '^ok 1' "$W/iso.out" && ok "--isolate refuses UDP to the host with ENETUNREACH" ||
	{ not_ok "--isolate refuses UDP to the host"; sed 's/^/# /' "$W/iso.out"; }

# netcon status lists UDP sockets as udp.
run_in "$H" sh -c "exec python3 -c \"
import socket,time,sys
s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); s.bind(('10.79.0.1',0)); print('bound',flush=True); time.sleep(3)\"" >"$W/py.out" 2>&1 &
track $!
for _ in $(seq 50); do grep -q bound "$W/py.out" 2>/dev/null && break; sleep 0.1; done
"$NETCON" status --home "$H" --json >"$W/status.json"
grep -q '"proto":"udp","local":"10.79.0.1:' "$W/status.json" && ok "netcon status --json lists the UDP socket" ||
	{ not_ok "netcon status lists the UDP socket"; sed 's/^/# /' "$W/status.json"; }
# Two addresses in one subnet are one virtual LAN: .1 reaches a server on .2.
run_in "$H" python3 -c "
import socket
s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); s.bind(('10.79.0.2',0))
c=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); c.bind(('10.79.0.1',0)); c.settimeout(3)
c.sendto(b'sibling',s.getsockname()); d,a=s.recvfrom(64); s.sendto(d[::-1],a)
print(c.recvfrom(64)[0].decode(), a[0])" >"$W/sib.out" 2>&1
grep -q "gnilbis 10.79.0.1" "$W/sib.out" && ok "two --addr in one subnet reach each other" ||
	{ not_ok "two --addr in one subnet reach each other"; sed 's/^/# /' "$W/sib.out"; }
# A server that answers and exits at once: all it sent still goes out (the kernel sends what a
# closed socket had queued; the daemon must drain the program's end before it lets go).
run_in "$H" python3 -c "
import socket,sys
s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); s.bind(('10.79.0.2',7979)); print('bound',flush=True)
d,a=s.recvfrom(64)
for i in range(300): s.sendto(b'%04d' % i, a)" >"$W/burst.srv" 2>&1 &
track $!
for _ in $(seq 50); do grep -q bound "$W/burst.srv" 2>/dev/null && break; sleep 0.1; done
run_in "$H" python3 -c "
import socket
c=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); c.bind(('10.79.0.1',0)); c.settimeout(3)
c.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
c.sendto(b'go',('10.79.0.2',7979)); got=set()
try:
    while len(got) < 300: got.add(int(c.recvfrom(2048)[0][:4]))
except socket.timeout: pass
print('got', len(got))" >"$W/burst.out" 2>&1
grep -q "^got 300$" "$W/burst.out" && ok "300 datagrams sent just before exit all arrive" ||
	{ not_ok "300 datagrams sent just before exit all arrive"; sed 's/^/# /' "$W/burst.out"; }
# shutdown(SHUT_WR) on a UDP socket (connected, then only bound): what was sent before still
# goes out, datagrams to it still arrive, and the daemon does not spin on the end of the queue
# (it used to read it as endless empty datagrams: a core at 100% and a flood of them).
cpu() { awk '{print $14 + $15}' "/proc/$DAEMON_PID/stat"; }
run_in "$H" python3 -c "
import socket,time
s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); s.bind(('10.79.0.2',0)); s.settimeout(3)
c=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); c.connect(s.getsockname()); c.settimeout(3)
b=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); b.bind(('10.79.0.1',0)); b.settimeout(3)
c.send(b'before'); c.shutdown(socket.SHUT_WR)
try: b.shutdown(socket.SHUT_WR)
except OSError: pass
d,a=s.recvfrom(64); s.sendto(d[::-1],a); s.sendto(b'to-bound',b.getsockname())
print(c.recv(64).decode(), b.recvfrom(64)[0].decode(), flush=True)
time.sleep(2)
s.settimeout(0.5)
try: print('extra', len(s.recvfrom(64)[0]))
except socket.timeout: print('no extra')" >"$W/shut.out" 2>&1 &
track $!
for _ in $(seq 50); do grep -q erofeb "$W/shut.out" 2>/dev/null && break; sleep 0.1; done
c0=$(cpu)
sleep 1.5
c1=$(cpu)
grep -q "^erofeb to-bound$" "$W/shut.out" && ok "after shutdown(SHUT_WR) a UDP socket still receives" ||
	{ not_ok "after shutdown(SHUT_WR) a UDP socket still receives"; sed 's/^/# /' "$W/shut.out"; }
[ $((c1 - c0)) -lt 50 ] && ok "the daemon is idle after UDP shutdowns ($((c1 - c0)) ticks in 1.5 s)" ||
	not_ok "the daemon is idle after UDP shutdowns ($((c1 - c0)) ticks of CPU in 1.5 s)"
for _ in $(seq 50); do grep -q extra "$W/shut.out" 2>/dev/null && break; sleep 0.1; done
grep -q "^no extra$" "$W/shut.out" && ok "no empty datagram follows a UDP shutdown" ||
	{ not_ok "no empty datagram follows a UDP shutdown"; sed 's/^/# /' "$W/shut.out"; }
kill -0 "$DAEMON_PID" && ok "the daemon is still running" || not_ok "the daemon is still running"
done_testing
