#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# sshd on A, ssh/scp/sftp on B: a command, 64 MB scp both ways (sha256), -L forwarding through
# the tunnel to an http.server on A, sftp put/get.
. "$(dirname "$0")/../lib.sh"
app_init sshd "OpenSSH $(dpkg-query -W -f='${Version}' openssh-server 2>/dev/null)"
[ "$(id -u)" = 0 ] || app_skip "sshd needs root"
[ -x /usr/sbin/sshd ] && have ssh && have scp && have sftp || app_skip "openssh not installed"
PORT=2222 HP=18090 LP=18091
net_up || { app_done; exit 1; }
S=$W/ssh
mkdir -p "$S" /run/sshd
ssh-keygen -q -t ed25519 -N '' -f "$S/host_ed25519"
ssh-keygen -q -t ed25519 -N '' -f "$S/id_ed25519" && cp "$S/id_ed25519.pub" "$S/authorized_keys"
printf 'Port %s\nListenAddress %s\nHostKey %s\nPidFile none\nUsePAM no\nPermitRootLogin prohibit-password\nAuthorizedKeysFile %s\nStrictModes no\nAllowTcpForwarding yes\nSubsystem sftp /usr/lib/openssh/sftp-server\n' \
	$PORT "$IA" "$S/host_ed25519" "$S/authorized_keys" >"$S/sshd_config"
serve "$A" sshd /usr/sbin/sshd -D -e -f "$S/sshd_config"
O="-F /dev/null -i $S/id_ed25519 -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes -o ConnectTimeout=10 -o LogLevel=ERROR"
if ! wait_port "$B" "$IA" $PORT; then
	not_ok "B reaches sshd on A ($IA:$PORT)"
	evidence "$W/sshd.log"
	app_done
	exit 1
fi
out=$(on "$B" ssh $O -p $PORT root@"$IA" 'echo hello-$((6*7)) from $(hostname)' 2>"$W/ssh.err")
case $out in hello-42*) ok "ssh B -> A runs a command: '$out'" ;; *) not_ok "ssh B -> A runs a command (got '$out')"; evidence "$W/ssh.err" ;; esac

head -c 67108864 /dev/urandom >"$W/up.src"
t0=$(now)
on "$B" scp $O -P $PORT "$W/up.src" root@"$IA":"$W/up.dst" 2>"$W/scp1.err"
t1=$(now)
[ "$(hsha "$W/up.dst" 2>/dev/null)" = "$(hsha "$W/up.src")" ] &&
	ok "scp 64 MB B -> A, sha256 equal, $(secs "$t0" "$t1") s ($(awk "BEGIN{printf \"%.1f\", 64/($t1-$t0)}") MB/s)" ||
	{ not_ok "scp 64 MB B -> A, sha256 equal"; evidence "$W/scp1.err"; }
head -c 67108864 /dev/urandom >"$W/down.src"
t0=$(now)
on "$B" scp $O -P $PORT root@"$IA":"$W/down.src" "$W/down.dst" 2>"$W/scp2.err"
t1=$(now)
[ "$(hsha "$W/down.dst" 2>/dev/null)" = "$(hsha "$W/down.src")" ] &&
	ok "scp 64 MB A -> B, sha256 equal, $(secs "$t0" "$t1") s ($(awk "BEGIN{printf \"%.1f\", 64/($t1-$t0)}") MB/s)" ||
	{ not_ok "scp 64 MB A -> B, sha256 equal"; evidence "$W/scp2.err"; }
rm -f "$W/up.src" "$W/up.dst" "$W/down.dst"

# -L: B's 127.0.0.1:LP -> (ssh tunnel) -> sshd on A connects to A's http.server at IA:HP
mkdir "$W/www" && head -c 1048576 /dev/urandom >"$W/www/f.bin"
serve "$A" http /usr/bin/python3 -m http.server $HP --bind "$IA" --directory "$W/www"
wait_port "$A" "$IA" $HP || not_ok "http.server on A listens"
on "$B" ssh $O -p $PORT -N -o ExitOnForwardFailure=yes -L 127.0.0.1:$LP:"$IA":$HP root@"$IA" 2>"$W/fwd.err" &
FWD=$!
track $FWD
until_ok 100 sh -c "curl -s -o /dev/null http://127.0.0.1:$LP/" 2>/dev/null
curl -sS -o "$W/fwd.got" "http://127.0.0.1:$LP/f.bin" 2>>"$W/fwd.err"
[ "$(hsha "$W/fwd.got" 2>/dev/null)" = "$(hsha "$W/www/f.bin")" ] &&
	ok "ssh -L 127.0.0.1:$LP:$IA:$HP on B: curl gets 1 MB from http.server on A through the tunnel, sha256 equal" ||
	{ not_ok "ssh -L forwarding to http.server on A"; evidence "$W/fwd.err"; evidence "$W/http.log" 5; }
kill $FWD 2>/dev/null

head -c 10485760 /dev/urandom >"$W/sftp.src"
printf 'put %s %s\nget %s %s\nls -l %s\n' "$W/sftp.src" "$W/sftp.up" "$W/sftp.up" "$W/sftp.down" "$W/sftp.up" |
	on "$B" sftp $O -P $PORT -b - root@"$IA" >"$W/sftp.out" 2>&1
cmp -s "$W/sftp.src" "$W/sftp.up" && cmp -s "$W/sftp.src" "$W/sftp.down" &&
	ok "sftp B -> A: 10 MB put and get, cmp equal" || { not_ok "sftp B -> A: 10 MB put and get"; evidence "$W/sftp.out"; }
grep -qs 'sanitizer\|runtime error' "$W"/*.log "$W"/*/netcon.log && not_ok "no sanitizer report"
evidence "$W/sshd.log" 5
app_done
