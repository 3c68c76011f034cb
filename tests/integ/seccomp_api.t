#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# The socket API's semantics under the seccomp front end: tcp_api.c (the subtests tcp_api.t runs
# under the intercept) under `netcon run --seccomp`, built with glibc and, static, with musl; the
# socket options answered as for a TCP socket, not the socketpair end the program holds. Then
# udp_msg (recvmsg, recvmmsg, the multicast options) as the kernel answers it on 127.0.0.1, under
# the intercept and under --seccomp (the groups themselves: mcast.t, on a ZeroTier network).
. "$(dirname "$0")/lib.sh"
BIN=$NETCON_BUILD/tests/integ/tcp_api
[ -x "$BIN" ] && [ -x "$NETCON" ] || skip_all "$BIN or $NETCON not built (make tests)"
W=$(tmpdir)
H=$(tmpdir)
start_daemon "$H" 10.77.0.1/24 fd77::1/64 || { not_ok "daemon starts"; done_testing; exit 1; }

# Not carried, each for its reason:
#   linger_reset, exec: a reset peer reads ECONNRESET under the intercept through the daemon's
#     reset table (a read it wraps); under seccomp read is not trapped and the socketpair end
#     reads EOF (the daemon would have to make the end itself report the reset).
#   accept_flags (musl only): musl's accept4 answers EINVAL from the kernel by calling accept
#     instead; the kernel alone gives the static musl program the same connection.
GAPS="linger_reset exec"
MUSL_GAPS="$GAPS accept_flags"

# run_api BIN LABEL GAPS...: the subtests but the gaps, each a line of ours.
run_api() {
	bin=$1 label=$2
	shift 2
	list=
	for t in $("$bin" list); do case " $* " in *" $t "*) ;; *) list="$list $t" ;; esac; done
	# shellcheck disable=SC2086
	timeout 300 "$NETCON" run --home "$H" --seccomp -- "$bin" $list >"$W/$label.out" 2>&1
	while IFS= read -r line; do
		case "$line" in
		"ok "*) ok "$label: ${line#ok * - }" ;;
		"not ok "*) not_ok "$label: ${line#not ok * - }" ;;
		"#"*) echo "$line" ;;
		esac
	done <"$W/$label.out"
	want=$(echo $list | wc -w)
	got=$(grep -c '^\(not \)\?ok ' "$W/$label.out")
	check "$label: all $want subtests ran ($got)" [ "$want" = "$got" ]
}

run_api "$BIN" glibc $GAPS
if [ -x "$BIN.musl" ]; then
	run_api "$BIN.musl" musl $MUSL_GAPS
else
	diag "no $BIN.musl (musl-tools): the static build is not run"
fi

MSG=$NETCON_BUILD/tests/integ/udp_msg
"$MSG" 127.0.0.1 nogroups >"$W/msg.kernel" 2>&1
check "udp_msg without netcon (the kernel on 127.0.0.1): 28 checks" [ "$(grep -c '^ok ' "$W/msg.kernel")" = 28 ]
for how in "" --seccomp; do
	timeout 60 "$NETCON" run --home "$H" $how -- "$MSG" 10.77.0.1 nogroups >"$W/msg$how.out" 2>&1
	while IFS= read -r line; do
		case "$line" in
		"ok "*) ok "udp_msg ${how:-(intercept)}: ${line#ok * - }" ;;
		"not ok "*) not_ok "udp_msg ${how:-(intercept)}: ${line#not ok * - }" ;;
		"#"*) echo "$line" ;;
		esac
	done <"$W/msg$how.out"
	check "udp_msg ${how:-(intercept)}: all 28 ran" [ "$(grep -c '^\(not \)\?ok ' "$W/msg$how.out")" = 28 ]
done
done_testing
