#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Application benchmarks (issue 7): nginx (wrk), redis (redis-benchmark) and ssh (scp 256 MiB)
# through netcon across two nodes of a private network on this machine, beside the same programs
# over kernel loopback, in one run. Prints figures and ratios; never fails on a time.
cd "$(dirname "$0")/.." || exit 1
export NETCON_BUILD=${NETCON_BUILD:-$PWD/build}
APPS_DIR=$PWD/tests/apps . tests/apps/lib.sh
W=$(tmpdir)
EV=$W/evidence
SECS=${BENCH_SECS:-10}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
net_up >/dev/null || { echo "bench/apps: the network did not form"; cat "$EV"; exit 1; }
echo "netcon application benchmark ($(date -u +%F), $(nproc) cores): A=$IA serves, B is the client"

# ---- nginx + wrk ----
if command -v wrk >/dev/null && [ -x /usr/sbin/nginx ]; then
	for side in net lo; do
		N=$W/nginx-$side
		mkdir -p "$N/www"
		echo "netcon bench" >"$N/www/index.html"
		ip=$IA
		[ $side = lo ] && ip=127.0.0.1
		cat >"$N/nginx.conf" <<CONF
daemon off; master_process on; worker_processes 1; pid $N/nginx.pid; error_log stderr error;
events { worker_connections 1024; }
http { access_log off; client_body_temp_path $N/body; proxy_temp_path $N/proxy;
  fastcgi_temp_path $N/fcgi; uwsgi_temp_path $N/uwsgi; scgi_temp_path $N/scgi;
  server { listen $ip:18480; root $N/www; } }
CONF
		if [ $side = net ]; then
			serve "$A" nginx-$side /usr/sbin/nginx -p "$N" -c "$N/nginx.conf"
			wait_port "$B" "$IA" 18480
			r=$(on "$B" wrk -t1 -c10 -d"${SECS}s" "http://$IA:18480/" 2>&1)
		else
			/usr/sbin/nginx -p "$N" -c "$N/nginx.conf" >"$W/nginx-lo.log" 2>&1 &
			track $!
			sleep 0.5
			r=$(wrk -t1 -c10 -d"${SECS}s" "http://127.0.0.1:18480/" 2>&1)
		fi
		eval "rps_$side=$(echo "$r" | awk '/Requests\/sec/ { print $2 }')"
		eval "lat_$side='$(echo "$r" | awk '/Latency/ { print $2 }')'"
		kill "$(cat "$N/nginx.pid" 2>/dev/null)" 2>/dev/null
	done
	echo "nginx wrk -t1 -c10:  loopback ${rps_lo:-?} req/s (latency $lat_lo)   netcon ${rps_net:-?} req/s (latency $lat_net)   ratio $(ratio "${rps_net:-0}" "${rps_lo:-0}")"
fi

# ---- redis + redis-benchmark ----
if command -v redis-server >/dev/null && command -v redis-benchmark >/dev/null; then
	serve "$A" redis redis-server --port 16480 --bind "$IA" --save '' --appendonly no --protected-mode no
	redis-server --port 16481 --bind 127.0.0.1 --save '' --appendonly no >"$W/redis-lo.log" 2>&1 &
	track $!
	wait_port "$B" "$IA" 16480
	sleep 0.3
	rn=$(on "$B" redis-benchmark -h "$IA" -p 16480 -q -n 100000 -c 50 -t set,get 2>&1 | tr '\r' '\n')
	rl=$(redis-benchmark -h 127.0.0.1 -p 16481 -q -n 100000 -c 50 -t set,get 2>&1 | tr '\r' '\n')
	for op in SET GET; do
		n=$(echo "$rn" | awk -v op="$op:" '$1 == op { print $2 }' | tail -1)
		l=$(echo "$rl" | awk -v op="$op:" '$1 == op { print $2 }' | tail -1)
		echo "redis-benchmark $op -c50: loopback ${l:-?} req/s   netcon ${n:-?} req/s   ratio $(ratio "${n:-0}" "${l:-0}")"
	done
fi

# ---- sshd + scp 256 MiB ----
if [ -x /usr/sbin/sshd ] && command -v scp >/dev/null; then
	mkdir -p /run/sshd "$W/ssh"
	ssh-keygen -q -t ed25519 -N '' -f "$W/ssh/host" && ssh-keygen -q -t ed25519 -N '' -f "$W/ssh/id" &&
		cp "$W/ssh/id.pub" "$W/ssh/auth"
	head -c 268435456 /dev/urandom >"$W/big"
	for side in net lo; do
		ip=$IA
		[ $side = lo ] && ip=127.0.0.1
		cat >"$W/ssh/cfg-$side" <<CONF
Port 12480
ListenAddress $ip
HostKey $W/ssh/host
PidFile none
UsePAM no
PermitRootLogin prohibit-password
AuthorizedKeysFile $W/ssh/auth
StrictModes no
Subsystem sftp /usr/lib/openssh/sftp-server
CONF
		o="-P 12480 -i $W/ssh/id -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes -q"
		if [ $side = net ]; then
			serve "$A" sshd-$side /usr/sbin/sshd -D -e -f "$W/ssh/cfg-$side"
			wait_port "$B" "$IA" 12480
			t0=$(now)
			on "$B" scp $o "$W/big" "root@$IA:$W/big.$side" >/dev/null 2>&1
		else
			/usr/sbin/sshd -D -e -f "$W/ssh/cfg-$side" >"$W/sshd-lo.log" 2>&1 &
			track $!
			sleep 0.5
			t0=$(now)
			scp $o "$W/big" "root@127.0.0.1:$W/big.$side" >/dev/null 2>&1
		fi
		t1=$(now)
		if cmp -s "$W/big" "$W/big.$side"; then
			eval "mbs_$side=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", 256 / (b - a) }')"
		else
			eval "mbs_$side=0"
		fi
		rm -f "$W/big.$side"
	done
	echo "scp 256 MiB:          loopback $mbs_lo MiB/s   netcon $mbs_net MiB/s   ratio $(ratio "$mbs_net" "$mbs_lo")"
fi
