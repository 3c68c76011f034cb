#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# The membership gate of a private network, from outside: zt_inject, a ZeroTier node of its own,
# sends member A well-formed, correctly armored FRAME, EXT_FRAME and MULTICAST_FRAME packets
# carrying UDP datagrams for a server in a container on A. Without a certificate, with one for
# another network, a forged one or an expired one, nothing reaches the server, A counts the drops
# (dropNotMember in `netcon networks --json`), keeps running, and its real members still talk.
# Authorized, with the certificate its config brings, the same frames get through. Deauthorized,
# the controller's revocation cuts it off at once, though its saved certificate would still
# agree with A's for the credential max delta (30 min).
. "$(dirname "$0")/lib.sh"
APPS_DIR=$TOP/tests/apps
. "$APPS_DIR/lib.sh"
INJ=$NETCON_BUILD/tests/integ/zt_inject
[ -x "$NETCON" ] && [ -f "$NETCON_BUILD/libnetcon.so" ] || skip_all "build netcon first (make)"
[ -x "$INJ" ] && [ -x "$NETCON_BUILD/tests/integ/tcp_probe" ] || skip_all "build the test helpers first (make tests)"
command -v python3 >/dev/null || skip_all "needs python3"

W=$(tmpdir)
EV=$W/evidence
: >"$EV"
PORT=19377
net_up || { evidence "$W/c.log"; done_testing; exit 1; }
AA=$(addr "$A")
counter() { net "$A" "n['counters']['$1']"; }

# A UDP server in a container on A: one line per datagram, "TEXT SOURCE-IP".
serve "$A" udp python3 -u -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], int(sys.argv[2])))
print("ready", flush=True)
while True:
    d, a = s.recvfrom(4096)
    print(d.decode(errors="replace").strip(), a[0], flush=True)
' "$IA" $PORT
until_ok 100 grep -qs "^ready" "$W/udp.log" || { not_ok "UDP server on A ($IA:$PORT) starts"; evidence "$W/udp.log"; done_testing; exit 1; }
# send_b TEXT: a datagram from a container on B, until the server has it (up to ~10 s)
send_b() {
	for _ in $(seq 20); do
		on "$B" python3 -c 'import socket,sys; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(sys.argv[3].encode(), (sys.argv[1], int(sys.argv[2])))' "$IA" $PORT "$1"
		grep -q "^$1 " "$W/udp.log" && return 0
		sleep 0.5
	done
	return 1
}
check "B's container reaches the UDP server on A" send_b from-B-before

"$NETCON" idtool generate "$W/inj.secret" "$W/inj.public" >/dev/null
IJ=$(cut -c1-10 "$W/inj.public")
# One UDP port for every run, so A's path to the injector stays good between runs.
IPORT=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
inject() { # inject TAG MODE [options]: zt_inject to A's server; its output in $W/TAG.out
	t=$1 m=$2
	shift 2
	timeout 90 "$INJ" --planet "$C/planet" --identity "$W/inj.secret" --nwid "$NWID" --to "$AA" \
		--dst "$IA:$PORT" --com "$m" --tag "$t" --rounds 5 --port "$IPORT" "$@" >"$W/$t.out" 2>&1
}
arrived() { grep -c "^$1 " "$W/udp.log"; }
diag "injector $IJ, A $AA ($IA), network $NWID"

# ---- not a member: nothing gets through -----------------------------------------------------------
for m in none other forged expired; do
	d0=$(counter dropNotMember) b0=$(counter dropBad)
	if inject "inj-$m" $m --ctl-secret "$C/identity.secret"; then
		sleep 1
		n=$(arrived "inj-$m")
		d1=$(counter dropNotMember) b1=$(counter dropBad)
		errs=$(sed -n 's/^sent [0-9]* frames, \([0-9]*\) need-certificate errors$/\1/p' "$W/inj-$m.out")
		[ "$n" = 0 ] && ok "certificate '$m': none of 15 frames reaches the server" ||
			not_ok "certificate '$m': $n frames reached the server"
		[ "$((d1 - d0))" -ge 15 ] && ok "certificate '$m': dropNotMember $d0 -> $d1" ||
			not_ok "certificate '$m': dropNotMember $d0 -> $d1 (15 frames sent)"
		[ "${errs:-0}" -gt 0 ] && ok "certificate '$m': A answered NEED_MEMBERSHIP_CERTIFICATE ($errs)" ||
			not_ok "certificate '$m': A answered NEED_MEMBERSHIP_CERTIFICATE"
		if [ $m = forged ]; then
			[ "$b1" -gt "$b0" ] && ok "forged certificate: signature refused (dropBad $b0 -> $b1)" ||
				not_ok "forged certificate: signature refused (dropBad $b0 -> $b1)"
		fi
	else
		not_ok "zt_inject --com $m runs"
		evidence "$W/inj-$m.out"
	fi
done
check "A's daemon still runs" kill -0 "$(cat "$W/a.pid")"
check "B still reaches A's server" send_b from-B-after-injection

# ---- the same tool, authorized: its frames get through ------------------------------------------
"$NETCON" controller member authorize --home "$C" "$NWID" "$IJ" >/dev/null
if inject inj-real real --com-out "$W/inj.com"; then
	sleep 1
	got=""
	for v in FRAME EXT_FRAME MULTICAST_FRAME; do grep -q "^inj-real $v " "$W/udp.log" && got="$got $v"; done
	[ "$got" = " FRAME EXT_FRAME MULTICAST_FRAME" ] &&
		ok "authorized, with its config's certificate: FRAME, EXT_FRAME, MULTICAST_FRAME reach the server ($(arrived inj-real)/15)" ||
		{ not_ok "authorized: frames reach the server (got:$got)"; evidence "$W/inj-real.out"; }
else
	not_ok "zt_inject --com real (authorized) gets a config"
	evidence "$W/inj-real.out"
fi
inject inj-saved file --com-in "$W/inj.com"
sleep 1
n=$(arrived inj-saved)
[ "$n" -gt 0 ] && ok "the saved certificate alone still opens the gate ($n/15): the control for what follows" ||
	{ not_ok "the saved certificate opens the gate"; evidence "$W/inj-saved.out"; }

# ---- deauthorized: the revocation shuts the gate at once ------------------------------------------
t0=$(now)
"$NETCON" controller member deauthorize --home "$C" "$NWID" "$IJ" >/dev/null
revoked() { grep -q "$IJ revoked" "$W/a/netcon.log"; }
if until_ok 100 revoked; then
	ok "A applies the controller's revocation of $IJ within $(secs "$t0" "$(now)") s"
else
	not_ok "A applies the controller's revocation of $IJ"
	evidence "$W/a/netcon.log"
fi
check "B learns of it too (fast propagation or from the controller)" until_ok 50 grep -q "$IJ revoked" "$W/b/netcon.log"
d0=$(counter dropNotMember)
inject inj-revoked file --com-in "$W/inj.com"
sleep 1
n=$(arrived inj-revoked)
d1=$(counter dropNotMember)
[ "$n" = 0 ] && ok "deauthorized, its saved certificate no longer opens the gate (0/15, $(secs "$t0" "$(now)") s after deauthorize)" ||
	not_ok "deauthorized, its saved certificate still opens the gate ($n/15)"
[ "$((d1 - d0))" -ge 15 ] && ok "revoked frames are counted: dropNotMember $d0 -> $d1" ||
	not_ok "revoked frames are counted: dropNotMember $d0 -> $d1"
check "B still reaches A's server" send_b from-B-after-revocation

# ---- a member that joins later learns of the revocation with its config ---------------------------
D=$W/d
if start d "$D" && "$NETCON" join --home "$D" "$NWID" >/dev/null &&
	"$NETCON" controller member authorize --home "$C" "$NWID" "$(addr "$D")" >/dev/null &&
	until_ok 150 is_ok "$D"; then
	check "D, joining after the deauthorization, gets the revocation with its config" \
		until_ok 50 grep -q "$IJ revoked .*from $(addr "$C")" "$W/d/netcon.log"
else
	not_ok "member D joins"
	evidence "$W/d/netcon.log"
fi
for n in c a b d; do
	if grep -qi "sanitizer\|runtime error" "$W/$n.log" "$W/$n/netcon.log" 2>/dev/null; then not_ok "$n: sanitizer report"; fi
done
done_testing
