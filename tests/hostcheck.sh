# SPDX-License-Identifier: BSD-2-Clause
# The local proof that a server under `netcon run` cannot be reached through the host's kernel,
# made without sending a packet (sourced by tests/integ/lib.sh, so by every integration,
# application and stress test, and by tests/demo.sh). A connect from the host to a virtual address
# leaves by the host's default route for another machine: no test may do that (issue 11). Needs
# ss (iproute2) and NETCON, the netcon binary.
#
# virtual_only HOME PROTO IP PORT PID: PROTO is tcp or udp; PID is the server (its `netcon run`).
# Exit 0 and one line saying what was seen when all of these hold, else 1 and the line says which
# does not:
#   1. no kernel socket on this host listens on PORT (`ss -Htln "sport = :PORT"`, for udp
#      `ss -Huln`, is empty), so the host's kernel has nothing to hand a packet for PORT to;
#   2. none of PID's descriptors is a kernel PROTO socket on PORT (/proc/PID/fd against
#      /proc/net/PROTO and PROTO6);
#   3. HOME's daemon holds a virtual PROTO socket on IP:PORT (LISTEN for tcp), owned by PID;
#   4. one of PID's descriptors is a unix socket whose peer is held by that daemon and is not its
#      control socket: the descriptor netcon put in place of the program's socket.
virtual_only() {
	vo_home=$1 vo_proto=$2 vo_ip=$3 vo_port=$4 vo_pid=$5
	case $vo_proto in
	tcp) vo_f=t vo_state=LISTEN ;;
	udp) vo_f=u vo_state=BOUND ;;
	*) echo "virtual_only: PROTO is tcp or udp, not '$vo_proto'"; return 1 ;;
	esac
	case $vo_ip in *:*) vo_at="[$vo_ip]:$vo_port" ;; *) vo_at="$vo_ip:$vo_port" ;; esac
	[ -d "/proc/$vo_pid/fd" ] || { echo "no process $vo_pid"; return 1; }
	command -v ss >/dev/null || { echo "ss (iproute2) is not installed"; return 1; }

	vo_k=$(ss -H${vo_f}ln "sport = :$vo_port")
	if [ -n "$vo_k" ]; then
		echo "a kernel $vo_proto socket listens on port $vo_port: $(echo "$vo_k" | tr -s ' \n' ' ' | head -c 200)"
		return 1
	fi

	# fd number and inode of each of PID's sockets (variables set in $(...) stay in its subshell)
	vo_socks=$(for f in /proc/"$vo_pid"/fd/*; do
		l=$(readlink "$f" 2>/dev/null) || continue
		case $l in socket:\[*\]) i=${l#socket:[} && echo "${f##*/} ${i%]}" ;; esac
	done)
	vo_hex=$(printf '%04X' "$vo_port")
	vo_kino=$(awk -v p="$vo_hex" 'FNR > 1 { n = split($2, a, ":"); if (a[n] == p) print $10 }' \
		/proc/net/"$vo_proto" /proc/net/"$vo_proto"6 2>/dev/null)
	for vo_i in $vo_kino; do
		vo_fd=$(echo "$vo_socks" | awk -v i="$vo_i" '$2 == i { print $1; exit }')
		if [ -n "$vo_fd" ]; then
			echo "pid $vo_pid's fd $vo_fd is a kernel $vo_proto socket on port $vo_port (socket:[$vo_i])"
			return 1
		fi
	done

	vo_st=$("$NETCON" status --home "$vo_home" 2>&1) || { echo "netcon status: $vo_st"; return 1; }
	vo_dpid=$(echo "$vo_st" | sed -n 's/^netcon daemon pid \([0-9]*\),.*/\1/p' | head -1)
	vo_own=$(echo "$vo_st" | awk -v p="$vo_proto" -v a="$vo_at" -v s="$vo_state" \
		'$2 == p && $3 == a && $5 == s { print $6; exit }')
	[ -n "$vo_own" ] || { echo "the daemon holds no $vo_proto $vo_state socket on $vo_at"; return 1; }
	[ "$vo_own" = "$vo_pid" ] || { echo "the daemon's $vo_proto $vo_at is pid $vo_own's, not $vo_pid's"; return 1; }

	# ss -Hxp: netid state recv-q send-q local inode peer peer-inode users; the daemon's end of
	# its control socket has the socket's path as its local address, a socket's end has "*".
	# (Every status is tested: the function runs under `set -e` in tests/demo.sh.)
	vo_x=$(ss -Hxp)
	vo_u=$(echo "$vo_socks" | while read -r vo_fd i; do
		[ -n "$i" ] || continue
		vo_peer=$(echo "$vo_x" | awk -v i="$i" '$6 == i { print $8; exit }')
		[ -n "$vo_peer" ] && [ "$vo_peer" != 0 ] || continue
		if echo "$vo_x" | awk -v p="$vo_peer" -v d="pid=$vo_dpid," \
			'$6 == p && $5 == "*" && index($0, d) { f = 1 } END { exit !f }'; then
			echo "$vo_fd is socket:[$i], a unix socket whose peer socket:[$vo_peer]"
			break
		fi
	done)
	if [ -z "$vo_u" ]; then
		echo "pid $vo_pid holds no unix socket connected to the daemon (pid $vo_dpid) other than its control socket"
		return 1
	fi
	echo "no kernel $vo_proto socket listens on port $vo_port; pid $vo_pid's fd $vo_u is in the netcon daemon (pid $vo_dpid), which holds $vo_proto $vo_at $vo_state for pid $vo_pid"
}
