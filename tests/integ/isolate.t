#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# --isolate is enforced by the kernel: the program runs in a network namespace with only a
# loopback, so a leak to a host service fails whatever kind of program tries it (dynamic through
# libc, inline `syscall` instructions, static musl, Go, io_uring), while the virtual network is
# still reached through the daemon's pathname control socket. Run as root (a plain network
# namespace) and as nobody (a user namespace first). The same probes without netcon reach the
# host services, so a refusal is netcon's doing.
. "$(dirname "$0")/lib.sh"
I=$NETCON_BUILD/tests/integ
[ -x "$I/rawnet" ] || skip_all "build the test helpers first (make tests)"
[ "$(id -u)" = 0 ] || skip_all "needs root (to run the non-root half as nobody too)"
HOSTIP=$(ip -4 -o addr show scope global 2>/dev/null | awk '{sub(/\/.*/, "", $4); print $4; exit}')
[ -n "$HOSTIP" ] || skip_all "this host has no global IPv4 address to try a leak to"
PY=/usr/bin/python3
W=$(tmpdir)
PORT=$((21000 + $$ % 9000))
VPORT=$((PORT + 1))

# The host services: one on loopback, one on the host's own address (nothing leaves the machine).
"$I/rawnet" listen 127.0.0.1 "$PORT" >"$W/lo.log" &
track $!
"$I/rawnet" listen "$HOSTIP" "$PORT" >"$W/ip.log" &
track $!
for _ in $(seq 50); do
	grep -q ready "$W/lo.log" 2>/dev/null && grep -q ready "$W/ip.log" 2>/dev/null && break
	sleep 0.1
done
accepted() { grep -c '^accepted' "$1"; }

# The kinds of program, each a command that takes IP PORT (the Go one HOST:PORT).
probes="libc:$I/rawnet connect-libc
asm:$I/rawnet connect-asm
uring:$I/rawnet connect-uring"
[ -x "$I/rawnet.musl" ] && probes="$probes
musl-libc:$I/rawnet.musl connect-libc
musl-asm:$I/rawnet.musl connect-asm
musl-uring:$I/rawnet.musl connect-uring" || diag "no musl-gcc: the static musl probes are not built"
[ -x "$I/gonet" ] && probes="$probes
go:$I/gonet dial" || diag "no go: the Go probe is not built"

# Control: without netcon every probe reaches both services.
n0=$(($(accepted "$W/lo.log") + $(accepted "$W/ip.log")))
while IFS=: read -r name cmd; do
	for ip in 127.0.0.1 "$HOSTIP"; do
		case "$cmd" in *gonet*) $cmd "$ip:$PORT" ;; *) $cmd "$ip" "$PORT" ;; esac >"$W/c.$name.$ip" 2>&1
	done
done <<EOF
$probes
EOF
for _ in $(seq 30); do
	n1=$(($(accepted "$W/lo.log") + $(accepted "$W/ip.log")))
	[ $((n1 - n0)) -ge $((2 * $(echo "$probes" | wc -l))) ] && break
	sleep 0.1
done
nprobes=$(echo "$probes" | wc -l)
[ $((n1 - n0)) = $((2 * nprobes)) ] && ok "without netcon all $nprobes probes reach both host services" ||
	{ not_ok "without netcon the probes reach the host services ($((n1 - n0)) of $((2 * nprobes)))"; cat "$W"/c.* | sed 's/^/# /'; }

# as USER: HOME and the virtual server are that user's; AS is the command prefix.
leaks() {
	who=$1 H=$2 VIP=$3
	shift 3
	before=$(($(accepted "$W/lo.log") + $(accepted "$W/ip.log")))
	while IFS=: read -r name cmd; do
		for ip in 127.0.0.1 "$HOSTIP"; do
			case "$cmd" in
			*gonet*) "$@" "$NETCON" run --home "$H" --isolate -- $cmd "$ip:$PORT" ;;
			*) "$@" "$NETCON" run --home "$H" --isolate -- $cmd "$ip" "$PORT" ;;
			esac >"$W/o.$who.$name.$ip" 2>&1
			rc=$?
			if [ "$rc" != 0 ] && grep -q '^refused' "$W/o.$who.$name.$ip"; then
				ok "$who: $name to $ip is refused ($(sed -n 's/^refused //p' "$W/o.$who.$name.$ip" | head -c 60))"
			else
				not_ok "$who: $name to $ip is refused (rc $rc)"
				sed 's/^/# /' "$W/o.$who.$name.$ip"
			fi
		done
	done <<EOF
$probes
EOF
	# curl: a dynamic program through libc, both ways.
	for ip in 127.0.0.1 "$HOSTIP"; do
		"$@" "$NETCON" run --home "$H" --isolate -- curl -sS -m 5 "http://$ip:$PORT/" >/dev/null 2>"$W/curl.$who.$ip"
		rc=$?
		[ "$rc" != 0 ] && ok "$who: curl to $ip fails (rc $rc)" || not_ok "$who: curl to $ip fails"
	done
	sleep 0.3
	after=$(($(accepted "$W/lo.log") + $(accepted "$W/ip.log")))
	[ "$after" = "$before" ] && ok "$who: the host services saw no connection" ||
		not_ok "$who: the host services saw $((after - before)) connections"
	# The program's own loopback is up inside its namespace.
	if [ -x "$I/rawnet.musl" ]; then
		"$@" "$NETCON" run --home "$H" --isolate -- sh -c "
			'$I/rawnet.musl' listen 127.0.0.1 $VPORT >'$W/inner.$who' & p=\$!
			for i in 1 2 3 4 5 6 7 8 9 10; do grep -q ready '$W/inner.$who' && break; sleep 0.1; done
			'$I/rawnet.musl' connect-asm 127.0.0.1 $VPORT; r=\$?; kill \$p; exit \$r" >"$W/inner.out.$who" 2>&1
		grep -q '^connected' "$W/inner.out.$who" && ok "$who: loopback inside the namespace works" ||
			{ not_ok "$who: loopback inside the namespace works"; sed 's/^/# /' "$W/inner.out.$who"; }
	fi
	# ...and the virtual network is reached: curl to a server under netcon run.
	cmp -s "$W/vfile" "$W/vget.$who" 2>/dev/null && rm -f "$W/vget.$who"
	"$@" "$NETCON" run --home "$H" --isolate -- curl -sS -m 10 -o "$W/vget.$who" "http://$VIP:$VPORT/vfile" 2>"$W/vget.err.$who"
	cmp -s "$W/vfile" "$W/vget.$who" && ok "$who: curl under --isolate fetches from the virtual network (cmp)" ||
		{ not_ok "$who: curl under --isolate fetches from the virtual network"; sed 's/^/# /' "$W/vget.err.$who"; }
}

head -c 200000 /dev/urandom >"$W/vfile"
chmod 644 "$W/vfile"
chmod 777 "$W"

# vserve HOME VIP AS...: an http server on the virtual network, in $W
vserve() {
	h=$1 vip=$2
	shift 2
	(cd "$W" && exec "$@" "$NETCON" run --home "$h" -- $PY -m http.server "$VPORT" --bind "$vip") >"$W/vserve.$vip" 2>&1 &
	track $!
	for _ in $(seq 50); do
		"$@" "$NETCON" run --home "$h" -- "$I/tcp_probe" "$vip" "$VPORT" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# As root: a plain network namespace.
H=$(tmpdir)
start_daemon "$H" 10.83.0.1/24 || { not_ok "daemon starts"; done_testing; exit 1; }
vserve "$H" 10.83.0.1 || not_ok "root: the virtual http server is up"
leaks root "$H" 10.83.0.1

# As nobody: a user namespace that maps nobody, then the network namespace; nobody's own daemon.
AS="setpriv --reuid 65534 --regid 65534 --clear-groups"
H2=$(tmpdir)
chown 65534:65534 "$H2"
ND=$($AS "$NETCON" daemon --home "$H2" --addr 10.84.0.1/24 -d) && track "$ND" || not_ok "nobody's daemon starts"
vserve "$H2" 10.84.0.1 $AS || not_ok "nobody: the virtual http server is up"
leaks nobody "$H2" 10.84.0.1 $AS
$AS "$NETCON" run --home "$H2" --isolate -- sh -c 'cat /proc/self/uid_map' >"$W/map" 2>&1
grep -q '65534 *65534 *1' "$W/map" && ok "nobody: the program runs in a user namespace that maps only nobody" ||
	{ not_ok "nobody: the user namespace maps only nobody"; sed 's/^/# /' "$W/map"; }
done_testing
