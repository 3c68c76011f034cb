#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# busybox (static: netcon run gives it the seccomp front end): httpd on A, wget on B (sha256);
# nc B -> A and A -> B, 2 MB each way (sha256).
. "$(dirname "$0")/../lib.sh"
BB=/usr/bin/busybox
app_init busybox "BusyBox $($BB 2>/dev/null | sed -n '1s/^BusyBox v\([^ ]*\).*/\1/p')"
[ -x $BB ] && $BB httpd --help >/dev/null 2>&1 && $BB nc --help >/dev/null 2>&1 || app_skip "busybox-static not installed"
PORT=8081 NP=9091
net_up || { app_done; exit 1; }
mkdir -p "$W/www"
head -c 4194304 /dev/urandom >"$W/www/f.bin"
serve "$A" httpd $BB httpd -f -vv -p "$IA:$PORT" -h "$W/www"
HP=$SRV_PID
if wait_port "$B" "$IA" $PORT; then
	on "$B" $BB wget -q -O "$W/f.got" "http://$IA:$PORT/f.bin" 2>"$W/wget.err"
	[ "$(hsha "$W/f.got" 2>/dev/null)" = "$(hsha "$W/www/f.bin")" ] &&
		ok "busybox wget on B gets 4 MB from busybox httpd on A, sha256 equal" ||
		{ not_ok "busybox wget on B gets 4 MB from busybox httpd on A, sha256 equal"; evidence "$W/wget.err"; evidence "$W/httpd.log"; }
else
	not_ok "B reaches busybox httpd on A ($IA:$PORT)"
	evidence "$W/httpd.log"
fi
kill "$HP" 2>/dev/null

# nc_pair NAME LISTEN_HOME SEND_HOME IP: nc -l on LISTEN_HOME writes what it gets; nc on SEND_HOME
# connects to IP and sends 2 MB, then closes (-w 2: 2 s idle after its EOF)
nc_pair() {
	head -c 2097152 /dev/urandom >"$W/$1.src"
	# busybox nc closes the connection when its stdin ends: the listener's stdin is a FIFO this
	# shell holds open (fd 7), so it ends when the sender closes
	rm -f "$W/hold" && mkfifo "$W/hold" && exec 7<>"$W/hold"
	(TO=60 on "$2" $BB nc -l -p $NP >"$W/$1.got" 2>"$W/$1.lerr" <"$W/hold") &
	l=$!
	track $l
	# (no wait_port: nc -l takes one connection) the sender tries again while refused
	for _ in $(seq 50); do
		TO=60 on "$3" $BB nc -w 2 "$4" $NP <"$W/$1.src" 2>"$W/$1.serr"
		grep -q refused "$W/$1.serr" || break
		sleep 0.1
	done
	wait $l
	exec 7>&-
	[ "$(hsha "$W/$1.got")" = "$(hsha "$W/$1.src")" ] &&
		ok "busybox nc: $1, 2 MB, sha256 equal" ||
		{ not_ok "busybox nc: $1, 2 MB, sha256 equal (got $(stat -c %s "$W/$1.got") bytes)"; evidence "$W/$1.lerr"; evidence "$W/$1.serr"; }
}
nc_pair BtoA "$A" "$B" "$IA"
NP=9092
nc_pair AtoB "$B" "$A" "$IB"
app_done
