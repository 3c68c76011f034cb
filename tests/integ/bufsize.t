#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# SO_RCVBUF and SO_SNDBUF set before a connection size its TCP window and send buffer in the
# daemon (tests/integ/bufsize.py: bytes a sender queues to a receiver that reads nothing). The
# defaults allow lwIP's 4 MiB window and 4 MiB send buffer (plus both socketpairs); 32 KiB on
# either side takes about 4 MiB off, on both leaves only the socketpairs; 1 MiB (a 2 MiB window,
# Linux doubles) lies between. Before, every setting queued the defaults' 8.8 MB.
. "$(dirname "$0")/lib.sh"
H=$(tmpdir)
start_daemon "$H" 10.85.0.1/24 || { echo "1..1"; not_ok "daemon starts"; exit 1; }
PY=$TOP/tests/integ/bufsize.py
q() { timeout 60 "$NETCON" run --home "$H" $how -- /usr/bin/python3 "$PY" 10.85.0.1 "$1" "$2" | sed -n 's/^queued //p'; }
between() { [ -n "$1" ] && [ "$1" -ge "$2" ] && [ "$1" -le "$3" ]; }
M=1048576
for how in "" --seccomp; do
	w=${how:-intercept}
	d=$(q 0 0) r=$(q 32768 0) s=$(q 0 32768) b=$(q 32768 32768) m=$(q $M 0)
	between "$d" $((8 * M)) $((12 * M)) && ok "$w: defaults: $d bytes queued (4 MiB window, 4 MiB send buffer)" ||
		not_ok "$w: defaults: $d bytes queued, want 8 to 12 MiB"
	between "$r" $((4 * M)) $((d - 3 * M)) && ok "$w: SO_RCVBUF 32 KiB on the listener: $r bytes (a 64 KiB window)" ||
		not_ok "$w: SO_RCVBUF 32 KiB on the listener: $r bytes, want 4 MiB to $((d - 3 * M))"
	between "$s" $((4 * M)) $((d - 3 * M)) && ok "$w: SO_SNDBUF 32 KiB on the sender: $s bytes (a 64 KiB send buffer)" ||
		not_ok "$w: SO_SNDBUF 32 KiB on the sender: $s bytes, want 4 MiB to $((d - 3 * M))"
	between "$b" 1 $M && ok "$w: both 32 KiB: $b bytes (the socketpairs)" ||
		not_ok "$w: both 32 KiB: $b bytes, want at most 1 MiB"
	between "$m" $((r + M)) $((d - M)) && ok "$w: SO_RCVBUF 1 MiB: $m bytes (a 2 MiB window)" ||
		not_ok "$w: SO_RCVBUF 1 MiB: $m bytes, want $((r + M)) to $((d - M))"
done
kill -0 "$DAEMON_PID" && ok "the daemon is still running" || not_ok "the daemon is still running"
done_testing
