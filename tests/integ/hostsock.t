#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Sockets netcon does not carry (unix stream and datagram, socketpair and accepted ends,
# netlink) answer every call as without netcon, whatever the program called on them first
# (setsockopt, getsockopt, getsockname, fcntl, ioctl): hostsock's lines under `netcon run`, with
# and without --isolate, are those of the same program run without netcon.
. "$(dirname "$0")/lib.sh"
BIN=$NETCON_BUILD/tests/integ/hostsock
[ -x "$BIN" ] || skip_all "build the test helpers first (make tests)"
H=$(tmpdir)
W=$(tmpdir)
mkdir "$W/plain" "$W/run" "$W/iso"
start_daemon "$H" 10.81.0.1/24 fd81::1/64 || { echo "1..1"; not_ok "daemon starts"; exit 1; }
"$BIN" "$W/plain" >"$W/plain.out" 2>"$W/plain.err"
[ $? = 0 ] && [ -s "$W/plain.out" ] && ok "hostsock runs without netcon" ||
	{ not_ok "hostsock runs without netcon"; sed 's/^/# /' "$W/plain.err"; }
run_in "$H" "$BIN" "$W/run" >"$W/run.out" 2>"$W/run.err"
[ $? = 0 ] && ok "hostsock exits 0 under netcon run" || { not_ok "hostsock exits 0 under netcon run"; sed 's/^/# /' "$W/run.err"; }
"$NETCON" run --home "$H" --isolate -- "$BIN" "$W/iso" >"$W/iso.out" 2>"$W/iso.err"
[ $? = 0 ] && ok "hostsock exits 0 under netcon run --isolate" ||
	{ not_ok "hostsock exits 0 under netcon run --isolate"; sed 's/^/# /' "$W/iso.err"; }
# One check per socket kind and first call: all its lines as without netcon.
for group in $(cut -d' ' -f1 "$W/plain.out" | uniq); do
	grep "^$group " "$W/plain.out" >"$W/want"
	for mode in run iso; do
		grep "^$group " "$W/$mode.out" >"$W/got"
		if cmp -s "$W/want" "$W/got"; then
			ok "$mode: $group: $(wc -l <"$W/want") calls as without netcon"
		else
			not_ok "$mode: $group: calls as without netcon"
			diff "$W/want" "$W/got" | sed 's/^/# /' | head -20
		fi
	done
done
kill -0 "$DAEMON_PID" && ok "the daemon is still running" || not_ok "the daemon is still running"
done_testing
