#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Real programs on one node, server and client both through netcon, the server on a virtual
# address: python3 http.server + curl, socat echo, nginx (master + 2 workers) + curl, redis-server
# + redis-cli/redis-benchmark, sshd + ssh/sftp. Each is checked for real results, and each is
# shown to have no socket in the host's kernel (virtual_only, tests/hostcheck.sh: no kernel
# listener on its port, its listening descriptor a unix socket to the daemon). Never by a connect
# from the host: a virtual address is not on this host, so that packet would leave by the default
# route for another machine. The check is shown to fail against a server on the host's kernel.
. "$(dirname "$0")/lib.sh"

VIP=10.78.0.1
P_HTTP=18084 P_ECHO=19000 P_NGINX=18080 P_REDIS=16380 P_SSH=12222
TO="timeout 60"

[ -x "$NETCON" ] && [ -f "$NETCON_BUILD/libnetcon.so" ] || skip_all "build netcon first (make)"
[ -x "$NETCON_BUILD/tests/integ/tcp_probe" ] || skip_all "build the test helpers first (make tests)"

W=$(tmpdir)
H=$W/home
start_daemon "$H" $VIP/24 || { not_ok "daemon starts"; done_testing; exit; }
ok "daemon on $VIP/24, pid $DAEMON_PID"

head -c 10485760 /dev/urandom >"$W/big.bin"
BIG_SHA=$(sha256sum <"$W/big.bin" | cut -d' ' -f1)

# have CMD: the package is installed (else its checks are skipped, with the reason)
have() { command -v "$1" >/dev/null 2>&1; }
skip() { T_N=$((T_N + 1)); echo "ok $T_N # SKIP $*"; }
# listed PORT: `netcon status` shows a virtual listener on VIP:PORT
listed() { "$NETCON" status --home "$H" | grep -q "^[0-9]* *tcp *$VIP:$1 .*LISTEN"; }
# serve NAME CMD...: start a server through netcon in the background, log in $W/NAME.log
# (netcon run execs the program, so $! is the server's pid; a backgrounded shell function would
# be a subshell whose death leaves the server running.)
serve() {
	n=$1
	shift
	"$NETCON" run --home "$H" -- "$@" >"$W/$n.log" 2>&1 &
	SRV_PID=$!
	track $SRV_PID
}
# hsha FILE: sha256 of a file
hsha() { sha256sum <"$1" | cut -d' ' -f1; }

# ---- python3 http.server + curl: a 10 MB random file ------------------------------------------
if [ -x /usr/bin/python3 ] && have curl; then
	mkdir "$W/www" && cp "$W/big.bin" "$W/www/big.bin"
	serve http /usr/bin/python3 -m http.server $P_HTTP --bind $VIP --directory "$W/www"
	if wait_port "$H" $VIP $P_HTTP && listed $P_HTTP; then
		ok "http.server listens on $VIP:$P_HTTP through netcon"
		t0=$(date +%s.%N)
		$TO "$NETCON" run --home "$H" -- curl -sSf -o "$W/http.got" "http://$VIP:$P_HTTP/big.bin"
		t1=$(date +%s.%N)
		if [ "$(hsha "$W/http.got" 2>/dev/null)" = "$BIG_SHA" ]; then
			ok "curl through netcon gets the 10 MB file, sha256 equal"
			diag "http.server 10 MB in $(awk "BEGIN { printf \"%.2f\", $t1 - $t0 }") s"
		else
			not_ok "curl through netcon gets the 10 MB file, sha256 equal"
		fi
		check_virtual_only "http.server on $VIP:$P_HTTP" "$H" tcp $VIP $P_HTTP $SRV_PID
		# The check can fail: the same server run on the host's kernel, on the same port, and
		# one under netcon run bound to loopback (split routing keeps that on the host).
		/usr/bin/python3 -m http.server $P_HTTP --bind 127.0.0.1 --directory "$W/www" \
			>"$W/http-host.log" 2>&1 &
		HOST_PID=$!
		track $HOST_PID
		"$NETCON" run --home "$H" -- /usr/bin/python3 -m http.server $((P_HTTP + 1)) \
			--bind 127.0.0.1 --directory "$W/www" >"$W/http-lo.log" 2>&1 &
		LO_PID=$!
		track $LO_PID
		for _ in $(seq 50); do
			[ -n "$(ss -Htln "sport = :$P_HTTP")" ] && [ -n "$(ss -Htln "sport = :$((P_HTTP + 1))")" ] && break
			sleep 0.1
		done
		why=$(virtual_only "$H" tcp $VIP $P_HTTP $SRV_PID)
		case "$? $why" in
		"1 a kernel tcp socket listens on port $P_HTTP"*) ok "control: with a host server on port $P_HTTP the check fails ($why)" ;;
		*) not_ok "control: with a host server on port $P_HTTP the check fails (got '$why')" ;;
		esac
		why=$(virtual_only "$H" tcp 127.0.0.1 $((P_HTTP + 1)) $LO_PID)
		case "$? $why" in
		"1 a kernel tcp socket listens on port $((P_HTTP + 1))"*) ok "control: http.server under netcon run on 127.0.0.1 fails the check ($why)" ;;
		*) not_ok "control: http.server under netcon run on 127.0.0.1 fails the check (got '$why')" ;;
		esac
		kill $HOST_PID $LO_PID 2>/dev/null
	else
		not_ok "http.server listens on $VIP:$P_HTTP through netcon"
		sed 's/^/# /' "$W/http.log"
	fi
	kill $SRV_PID 2>/dev/null
else
	skip "python3 or curl not installed"
fi

# ---- socat echo --------------------------------------------------------------------------------
if have socat; then
	serve socat socat TCP-LISTEN:$P_ECHO,bind=$VIP,reuseaddr,fork EXEC:cat
	if wait_port "$H" $VIP $P_ECHO && listed $P_ECHO; then
		ok "socat echo listens on $VIP:$P_ECHO through netcon"
		head -c 1048576 "$W/big.bin" >"$W/echo.in"
		$TO "$NETCON" run --home "$H" -- socat -t10 - TCP:$VIP:$P_ECHO <"$W/echo.in" >"$W/echo.out"
		check "socat client through netcon gets 1 MiB echoed, bytes equal" \
			cmp -s "$W/echo.in" "$W/echo.out"
		check_virtual_only "socat echo on $VIP:$P_ECHO" "$H" tcp $VIP $P_ECHO $SRV_PID
	else
		not_ok "socat echo listens on $VIP:$P_ECHO through netcon"
		sed 's/^/# /' "$W/socat.log"
	fi
	ECHO_PID=$SRV_PID
	kill $ECHO_PID 2>/dev/null
else
	skip "socat not installed"
fi

# ---- nginx, master + 2 workers -----------------------------------------------------------------
if have nginx; then
	N=$W/nginx
	mkdir -p "$N/www" && cp "$W/big.bin" "$N/www/big.bin"
	cat >"$N/nginx.conf" <<EOF
daemon off; master_process on; worker_processes 2; pid $N/nginx.pid; error_log stderr notice;
events { worker_connections 1024; }
http { client_body_temp_path $N/body; proxy_temp_path $N/proxy;
  fastcgi_temp_path $N/fcgi; uwsgi_temp_path $N/uwsgi; scgi_temp_path $N/scgi;
  log_format w '\$pid \$status \$body_bytes_sent';
  server { listen $VIP:$P_NGINX; root $N/www; access_log $N/access.log w; } }
EOF
	serve nginx nginx -p "$N" -c "$N/nginx.conf"
	NGINX_PID=$SRV_PID
	if wait_port "$H" $VIP $P_NGINX && listed $P_NGINX; then
		ok "nginx listens on $VIP:$P_NGINX through netcon"
		bad=0 reqs=0
		# Parallel batches until both workers have served (at most 6 batches of 6).
		for batch in 1 2 3 4 5 6; do
			cpids=""
			for i in 1 2 3 4 5 6; do
				$TO "$NETCON" run --home "$H" -- curl -sSf -o "$W/ng.$i" \
					"http://$VIP:$P_NGINX/big.bin" &
				cpids="$cpids $!"
			done
			for j in $cpids; do wait "$j"; done
			for i in 1 2 3 4 5 6; do
				reqs=$((reqs + 1))
				[ "$(hsha "$W/ng.$i" 2>/dev/null)" = "$BIG_SHA" ] || bad=$((bad + 1))
				rm -f "$W/ng.$i"
			done
			[ "$(cut -d' ' -f1 "$N/access.log" 2>/dev/null | sort -u | wc -l)" -ge 2 ] && break
		done
		if [ $bad = 0 ]; then
			ok "$reqs curl requests through netcon, every 10 MB body sha256 equal"
		else
			not_ok "$reqs curl requests through netcon, every 10 MB body sha256 equal ($bad bad)"
		fi
		workers=$(cut -d' ' -f1 "$N/access.log" 2>/dev/null | sort -u | wc -l)
		if [ "$workers" -ge 2 ] && ! grep -qv ' 200 10485760$' "$N/access.log"; then
			ok "both nginx workers served (access log: $(cut -d' ' -f1 "$N/access.log" | sort | uniq -c | tr -s ' \n' ' '))"
		else
			not_ok "both nginx workers served"
			sed 's/^/# /' "$N/access.log" "$W/nginx.log" | head -20
		fi
		check_virtual_only "nginx on $VIP:$P_NGINX" "$H" tcp $VIP $P_NGINX $NGINX_PID
	else
		not_ok "nginx listens on $VIP:$P_NGINX through netcon"
		sed 's/^/# /' "$W/nginx.log"
	fi
	kill $NGINX_PID 2>/dev/null
else
	skip "nginx not installed"
fi

# ---- redis-server + redis-cli + redis-benchmark ------------------------------------------------
if have redis-server && have redis-cli && have redis-benchmark; then
	serve redis redis-server --port $P_REDIS --bind $VIP --save '' --appendonly no \
		--dir "$W" --daemonize no --protected-mode no
	REDIS_PID=$SRV_PID
	if wait_port "$H" $VIP $P_REDIS && listed $P_REDIS; then
		ok "redis-server listens on $VIP:$P_REDIS through netcon"
		rc() { $TO "$NETCON" run --home "$H" -- redis-cli -h $VIP -p $P_REDIS "$@"; }
		val="netcon-$$-$RANDOM"
		s=$(rc SET nckey "$val") g=$(rc GET nckey)
		if [ "$s" = OK ] && [ "$g" = "$val" ]; then
			ok "redis-cli SET/GET through netcon"
		else
			not_ok "redis-cli SET/GET through netcon (SET: '$s', GET: '$g')"
		fi
		t0=$(date +%s)
		$TO "$NETCON" run --home "$H" -- redis-benchmark -h $VIP -p $P_REDIS -n 20000 -q \
			2>&1 | tr '\r' '\n' | grep 'requests per second' >"$W/bench.out"
		t1=$(date +%s)
		nres=$(wc -l <"$W/bench.out")
		if [ "$nres" -ge 15 ] && grep -q '^SET: [0-9.]* requests per second' "$W/bench.out" &&
			grep -q '^GET: [0-9.]* requests per second' "$W/bench.out"; then
			ok "redis-benchmark -n 20000 -q completes through netcon ($nres tests, $((t1 - t0)) s)"
		else
			not_ok "redis-benchmark -n 20000 -q completes through netcon ($nres results)"
		fi
		grep -E '^(PING_INLINE|SET|GET|LPUSH|LRANGE_100|MSET)' "$W/bench.out" | sed 's/^/# /'
		check_virtual_only "redis-server on $VIP:$P_REDIS" "$H" tcp $VIP $P_REDIS $REDIS_PID
	else
		not_ok "redis-server listens on $VIP:$P_REDIS through netcon"
		sed 's/^/# /' "$W/redis.log"
	fi
	kill $REDIS_PID 2>/dev/null
else
	skip "redis-server/redis-tools not installed"
fi

# ---- sshd + ssh + sftp -------------------------------------------------------------------------
if [ "$(id -u)" != 0 ]; then
	skip "sshd needs root (privilege separation: chroot /run/sshd, uid sshd)"
elif [ -x /usr/sbin/sshd ] && have ssh && have sftp && [ -x /usr/lib/openssh/sftp-server ]; then
	S=$W/ssh
	mkdir -p "$S" /run/sshd
	ssh-keygen -q -t ed25519 -N '' -f "$S/host_ed25519"
	ssh-keygen -q -t ed25519 -N '' -f "$S/id_ed25519" && cp "$S/id_ed25519.pub" "$S/authorized_keys"
	cat >"$S/sshd_config" <<EOF
Port $P_SSH
ListenAddress $VIP
HostKey $S/host_ed25519
PidFile none
UsePAM no
PermitRootLogin prohibit-password
AuthorizedKeysFile $S/authorized_keys
StrictModes no
Subsystem sftp /usr/lib/openssh/sftp-server
EOF
	/usr/sbin/sshd -t -f "$S/sshd_config" || not_ok "sshd -t accepts the configuration"
	# By absolute path: sshd re-executes itself for each connection.
	serve sshd /usr/sbin/sshd -D -e -f "$S/sshd_config"
	SSHD_PID=$SRV_PID
	SSHO="-F /dev/null -i $S/id_ed25519 -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null
	      -o BatchMode=yes -o ConnectTimeout=10 -o LogLevel=ERROR"
	if wait_port "$H" $VIP $P_SSH && listed $P_SSH; then
		ok "sshd listens on $VIP:$P_SSH through netcon"
		banner=$(timeout 10 "$NETCON" run --home "$H" -- socat -T3 - TCP:$VIP:$P_SSH </dev/null 2>/dev/null | head -1)
		case $banner in
		SSH-2.0-OpenSSH*) ok "sshd's banner through netcon: $(printf '%s' "$banner" | tr -d '\r')" ;;
		*) not_ok "sshd's banner through netcon (got '$banner')" ;;
		esac
		out=$($TO "$NETCON" run --home "$H" -- ssh $SSHO -p $P_SSH root@$VIP \
			'echo hello-$((6*7)); id -un' 2>"$W/ssh.err")
		if [ "$out" = "hello-42
root" ]; then
			ok "ssh through netcon runs a command, output checked"
		else
			not_ok "ssh through netcon runs a command (got '$out')"
			sed 's/^/# ssh: /' "$W/ssh.err"
			sed 's/^/# sshd: /' "$W/sshd.log" | tail -5
		fi
		t0=$(date +%s.%N)
		$TO "$NETCON" run --home "$H" -- sftp $SSHO -P $P_SSH -b - root@$VIP \
			>"$W/sftp.out" 2>&1 <<EOF
put $W/big.bin $W/sftp.up
get $W/sftp.up $W/sftp.down
EOF
		t1=$(date +%s.%N)
		if cmp -s "$W/big.bin" "$W/sftp.up" && cmp -s "$W/big.bin" "$W/sftp.down"; then
			ok "sftp through netcon: 10 MB put and get, cmp equal"
			diag "sftp 10 MB put + get in $(awk "BEGIN { printf \"%.2f\", $t1 - $t0 }") s"
		else
			not_ok "sftp through netcon: 10 MB put and get, cmp equal"
			sed 's/^/# sftp: /' "$W/sftp.out" | tail -5
		fi
		check_virtual_only "sshd on $VIP:$P_SSH" "$H" tcp $VIP $P_SSH $SSHD_PID
	else
		not_ok "sshd listens on $VIP:$P_SSH through netcon"
		sed 's/^/# /' "$W/sshd.log"
	fi
	kill $SSHD_PID 2>/dev/null
else
	skip "openssh-server/client/sftp-server not installed"
fi

if kill -0 "$DAEMON_PID" 2>/dev/null; then
	ok "the daemon is still running after all of it"
else
	not_ok "the daemon is still running after all of it"
fi
done_testing
