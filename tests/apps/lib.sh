# SPDX-License-Identifier: BSD-2-Clause
# Shared set-up for the application tests (sourced by tests/apps/NAME/test.sh): one private
# ZeroTier network on loopback, as tests/integ/network.t makes it (C = root + controller +
# member, A and B members, authorized, addressed), and the OK./FAIL./SKIP. result file.
APPS_DIR=${APPS_DIR:-$(cd "$(dirname "$0")/.." && pwd)}
APPS_TOP=$(cd "$APPS_DIR/../.." && pwd)
: "${NETCON_BUILD:=${NETCON:+$(cd "$(dirname "$NETCON")" && pwd)}}"
: "${NETCON_BUILD:=$APPS_TOP/build}"
export NETCON_BUILD
. "$APPS_TOP/tests/integ/lib.sh"
TOP=$APPS_TOP
. "$APPS_TOP/tests/hostcheck.sh"
RESULTS=$APPS_DIR/_results

json() { python3 -c "import json,sys; j=json.load(sys.stdin); print($1)"; }
until_ok() { n=$1; shift; for _ in $(seq "$n"); do "$@" && return 0; sleep 0.1; done; return 1; }
have() { command -v "$1" >/dev/null 2>&1; }
hsha() { sha256sum <"$1" | cut -d' ' -f1; }
addr() { cut -c1-10 "$1/identity.public"; }
net() { "$NETCON" networks --home "$1" --json | json "[$2 for n in j if n['id']=='$NWID'][0]" 2>/dev/null; }
status() { net "$1" "n['status']"; }
ip4() { net "$1" "[a.split('/')[0] for a in n['assignedAddresses'] if '.' in a][0]"; }
is_ok() { [ "$(status "$1")" = OK ] && [ -n "$(ip4 "$1")" ]; }
# serve HOME NAME CMD...: a server under netcon run in the background; SRV_PID, log in $W/NAME.log
serve() {
	h=$1 n=$2
	shift 2
	"$NETCON" run --home "$h" $NETCON_RUN_FLAGS -- "$@" >"$W/$n.log" 2>&1 &
	SRV_PID=$!
	track $SRV_PID
}
# start NAME HOME: a member daemon on the private planet; start-up errors in $W/NAME.log, the
# rest in HOME/netcon.log
start() {
	pid=$("$NETCON" daemon --home "$2" --port 0 --planet "$C/planet" -d 2>>"$W/$1.log") || return 1
	track "$pid"
	echo "$pid" >"$W/$1.pid"
}
# on HOME CMD...: a client under netcon run, bounded in time
on() { h=$1; shift; timeout "${TO:-60}" "$NETCON" run --home "$h" $NETCON_RUN_FLAGS -- "$@"; }
secs() { awk "BEGIN { printf \"%.2f\", $2 - $1 }"; }
now() { date +%s.%N; }

# Every TAP line also goes to the evidence file.
ok() { T_N=$((T_N + 1)); echo "ok $T_N - $*" | tee -a "$EV"; }
not_ok() { T_N=$((T_N + 1)); T_FAILED=$((T_FAILED + 1)); echo "not ok $T_N - $*" | tee -a "$EV"; }
diag() { echo "# $*" | tee -a "$EV"; }
# evidence FILE [LINES]: the tail of a log into the evidence
evidence() { [ -f "$1" ] && tail -n "${2:-15}" "$1" | sed "s|^|#   $(basename "$1"): |" | tee -a "$EV"; }

# app_init NAME VERSION: start the clock and the evidence. APP_AS renames the result (a wrapper
# such as seccomp-sshd runs ../sshd/test.sh with NETCON_RUN_FLAGS=--seccomp); the flags go into
# the version.
app_init() {
	APP=${APP_AS:-$1} APP_VERSION="$2${NETCON_RUN_FLAGS:+ (netcon run $NETCON_RUN_FLAGS)}" APP_T0=$(now)
	mkdir -p "$RESULTS"
	rm -f "$RESULTS/OK.$APP" "$RESULTS/FAIL.$APP" "$RESULTS/SKIP.$APP"
	W=$(tmpdir)
	EV=$W/evidence
	: >"$EV"
	diag "$APP $APP_VERSION"
	# Killed (run-all's timeout signals the whole group): a FAIL with the evidence so far; the
	# EXIT trap then kills what the test started.
	trap 'not_ok "killed by a signal (run-all timeout?) after $(secs "$APP_T0" "$(now)") s"; app_done >/dev/null; exit 143' INT TERM
}
# app_skip REASON: a SKIP.NAME result (the application cannot run here)
app_skip() {
	printf 'app: %s\nversion: %s\nresult: SKIP\nseconds: 0\ndate: %s\nreason: %s\n' \
		"$APP" "$APP_VERSION" "$(date -u +%F)" "$*" >"$RESULTS/SKIP.$APP"
	skip_all "$*"
}
# app_done: OK.NAME if every check passed, else FAIL.NAME; the evidence follows the header.
# Under --seccomp, that the servers' logs ($W/NAME.log, NETCON_LOG=info) say it was chosen.
app_done() {
	case " $NETCON_RUN_FLAGS " in
	*" --seccomp "*)
		s=$(grep -l 'front end: seccomp' "$W"/*.log 2>/dev/null | sed 's|.*/||; s|\.log$||' | tr '\n' ' ')
		[ -n "$s" ] && ok "netcon run --seccomp: the seccomp front end ran ${s% }" ||
			not_ok "netcon run --seccomp: no server log says the seccomp front end ran"
		;;
	esac
	r=OK
	[ "$T_FAILED" = 0 ] && [ "$T_N" -gt 0 ] || r=FAIL
	f=$RESULTS/$r.$APP
	{
		printf 'app: %s\nversion: %s\nresult: %s\nseconds: %s\ndate: %s\nchecks: %s, failed %s\n\n' \
			"$APP" "$APP_VERSION" "$r" "$(secs "$APP_T0" "$(now)")" "$(date -u +%F)" "$T_N" "$T_FAILED"
		cat "$EV"
	} >"$f"
	done_testing
}

# net_up: C (init: root, controller, member), members A and B joined and authorized, with
# addresses IA, IB; the network NWID. Fails the test (FAIL result) when the network does not form.
net_up() {
	export NETCON_LOG=${NETCON_LOG:-info}
	[ -x "$NETCON" ] && [ -f "$NETCON_BUILD/libnetcon.so" ] || { not_ok "netcon is built ($NETCON)"; return 1; }
	[ -x "$NETCON_BUILD/tests/integ/tcp_probe" ] || { not_ok "test helpers built (make tests)"; return 1; }
	C=$W/c A=$W/a B=$W/b
	P=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	"$NETCON" init --home "$C" --endpoint "127.0.0.1/$P" >"$W/init.out" 2>>"$W/c.log"
	NWID=$(sed -n 's/^network: //p' "$W/init.out")
	[ -n "$NWID" ] || { not_ok "netcon init makes a network"; evidence "$W/c.log"; return 1; }
	track "$(cat "$C/netcon.pid")"
	start a "$A" && start b "$B" || { not_ok "members start"; evidence "$W/a.log"; return 1; }
	"$NETCON" join --home "$A" "$NWID" >/dev/null && "$NETCON" join --home "$B" "$NWID" >/dev/null &&
		"$NETCON" controller member authorize --home "$C" "$NWID" "$(addr "$A")" >/dev/null &&
		"$NETCON" controller member authorize --home "$C" "$NWID" "$(addr "$B")" >/dev/null &&
		until_ok 150 is_ok "$A" && until_ok 150 is_ok "$B" ||
		{ not_ok "network $NWID: A and B joined, authorized, addressed"; evidence "$W/a/netcon.log"; return 1; }
	IA=$(ip4 "$A") IB=$(ip4 "$B")
	ok "network $NWID: A $(addr "$A") $IA, B $(addr "$B") $IB"
}

# web_files DIR: index.html and a 20 MB big.bin, readable by www-data
web_files() {
	mkdir -p "$1"
	echo "netcon-apps $APP" >"$1/index.html"
	head -c 20971520 /dev/urandom >"$1/big.bin"
	chmod -R a+rX "$1"
}
# web_check HOME IP PORT DIR: curl (in a container on HOME) gets the index byte for byte, 20 MB
# with sha256 equal, and 40 requests 8 at a time
web_check() {
	h=$1 ip=$2 port=$3 d=$4
	if ! wait_port "$h" "$ip" "$port"; then not_ok "client reaches the server at $ip:$port"; return 1; fi
	on "$h" curl -sS -o "$W/index.got" "http://$ip:$port/index.html" 2>"$W/curl.err"
	cmp -s "$W/index.got" "$d/index.html" && ok "curl gets index.html from $ip:$port, byte for byte" ||
		{ not_ok "curl gets index.html from $ip:$port"; evidence "$W/curl.err"; }
	t0=$(now)
	on "$h" curl -sS -o "$W/big.got" "http://$ip:$port/big.bin" 2>"$W/curl.err"
	t1=$(now)
	[ "$(hsha "$W/big.got" 2>/dev/null)" = "$(hsha "$d/big.bin")" ] &&
		ok "curl gets 20 MB, sha256 equal, $(secs "$t0" "$t1") s ($(awk "BEGIN{printf \"%.1f\", 20/($t1-$t0)}") MB/s)" ||
		{ not_ok "curl gets 20 MB, sha256 equal"; evidence "$W/curl.err"; }
	rm -f "$W/big.got"
	urls=$(for i in $(seq 40); do printf 'http://%s:%s/index.html?%s ' "$ip" "$port" "$i"; done)
	n=$(on "$h" curl -sS --parallel --parallel-max 8 $urls 2>"$W/curl.err" | grep -c "^netcon-apps $APP\$")
	[ "$n" = 40 ] && ok "curl --parallel: 40 requests, 8 at a time, all answered" ||
		{ not_ok "curl --parallel: 40 requests, 8 at a time ($n answered)"; evidence "$W/curl.err"; }
}

# apache_up HOME DIR MPM IP PORT: apache2 with MPM (prefork, event) under netcon run on HOME,
# listening on IP:PORT, serving DIR/www, its configuration, pid file and lock in DIR, children as
# www-data; log in $W/apache.log. Started under setsid (apache -DFOREGROUND signals its whole
# process group on SIGTERM). Waits for the pid file (up to 60 s) and tracks the master: APACHE_PID.
apache_up() {
	cat >"$2/httpd.conf" <<CONF
ServerRoot /etc/apache2
ServerName localhost
LoadModule mpm_$3_module /usr/lib/apache2/modules/mod_mpm_$3.so
LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so
LoadModule dir_module /usr/lib/apache2/modules/mod_dir.so
LoadModule mime_module /usr/lib/apache2/modules/mod_mime.so
TypesConfig /etc/mime.types
PidFile $2/httpd.pid
Mutex file:$2 default
ErrorLog /dev/stderr
LogLevel notice
Listen $4:$5
User www-data
Group www-data
DocumentRoot $2/www
DirectoryIndex index.html
<Directory $2/www>
  Require all granted
</Directory>
StartServers 2
CONF
	serve "$1" apache setsid /usr/sbin/apache2 -DFOREGROUND -f "$2/httpd.conf"
	APACHE_PID=
	for _ in $(seq 300); do
		[ -s "$2/httpd.pid" ] && APACHE_PID=$(cat "$2/httpd.pid") && [ -n "$APACHE_PID" ] && break
		sleep 0.2
	done
	[ -n "$APACHE_PID" ] || return 1
	track "$APACHE_PID"
}
