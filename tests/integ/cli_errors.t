#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Every CLI verb says what is wrong: each failure below is checked for its exact stderr and exit
# status (2 for a bad command line, 1 when the daemon or the world says no; idtool keeps
# zerotier-idtool's). No daemon at a home; a network this node does not control, or that does
# not exist; a node that is not a member; bad network ids, addresses, CIDRs, options, values.
. "$(dirname "$0")/lib.sh"

[ -x "$NETCON" ] || skip_all "build netcon first (make)"

W=$(tmpdir)
R=$W/r E=$W/empty
mkdir "$E"

# err DESCRIPTION STATUS EXPECTED CMD...: CMD exits STATUS with exactly EXPECTED on stderr.
err() {
	d=$1 want_st=$2 want=$3
	shift 3
	got=$(timeout 20 "$@" 2>&1 >/dev/null)
	st=$?
	if [ "$st" = "$want_st" ] && [ "$got" = "$want" ]; then
		ok "$d: exit $st, '$(printf '%s' "$got" | head -1)'"
	else
		not_ok "$d: exit $st (want $want_st)"
		printf '%s\n' "$got" | sed 's/^/#   got:  /'
		printf '%s\n' "$want" | sed 's/^/#   want: /'
	fi
}
# usage SUB MESSAGE: what a bad command line prints
usage() { printf "netcon %s: %s\n(try 'netcon %s --help')" "$1" "$2" "$1"; }

# ---- no daemon at the home ---------------------------------------------------------------------
nod() { printf "netcon %s: no daemon at %s (start it with 'netcon daemon --home %s -d')" "$1" "$E" "$E"; }
err "status, no daemon" 1 "$(nod status)" "$NETCON" status --home "$E"
err "info, no daemon" 1 "$(nod info)" "$NETCON" info --home "$E"
err "peers, no daemon" 1 "$(nod peers)" "$NETCON" peers --home "$E"
err "networks, no daemon" 1 "$(nod networks)" "$NETCON" networks --home "$E"
err "join, no daemon" 1 "$(nod join)" "$NETCON" join --home "$E" 0123456789000001
err "leave, no daemon" 1 "$(nod leave)" "$NETCON" leave --home "$E" 0123456789000001
err "ping, no daemon" 1 "$(nod ping)" "$NETCON" ping --home "$E" 0123456789
err "message, no daemon" 1 "$(nod message)" "$NETCON" message --home "$E" 0123456789 hi
err "message --recv, no daemon" 1 "$(nod message)" "$NETCON" message --home "$E" --recv
err "controller, no daemon" 1 "$(nod controller)" "$NETCON" controller network list --home "$E"
err "run, no daemon" 1 "$(nod run)" "$NETCON" run --home "$E" -- true
err "a home that is a file" 1 "$(printf "netcon status: no daemon at %s (start it with 'netcon daemon --home %s -d')" "$W/file" "$W/file")" \
	sh -c ": >'$W/file'; exec '$NETCON' status --home '$W/file'"
# A home the kernel cannot take as a path (PATH_MAX, 4096 bytes with its 0) is refused before any
# file is touched, absolute or made so from the working directory; one it takes but too long for a
# unix socket path (108 bytes) has no daemon: it cannot bind its control socket there.
long=$W/$(printf 'h%.0s' $(seq 4200))
# (status, as every verb that asks the daemon, exits 1 on it, as it always has.)
err "status: a home of ${#long} bytes" 1 "$(usage status "home path too long")" "$NETCON" status --home "$long"
err "run: a home of ${#long} bytes" 2 "$(usage run "home path too long")" "$NETCON" run --home "$long" -- true
for v in init daemon; do
	err "$v: a home of ${#long} bytes" 2 "$(usage $v "home path too long")" "$NETCON" $v --home "$long"
done
deep=$W$(printf '/%0200d' $(seq 19))
(mkdir -p "$deep") && [ -d "$deep" ] || not_ok "made a working directory of ${#deep} bytes"
err "status: a relative home, ${#deep} bytes of working directory" 1 "$(usage status "home path too long")" \
	sh -c 'cd "$1" && exec "$2" status --home "$3"' sh "$deep" "$NETCON" "$(printf 'r%.0s' $(seq 300))"
mid=$W/$(printf 'm%.0s' $(seq 150))
err "status: a home too long for a socket" 1 "netcon status: cannot reach the daemon at $mid: File name too long" \
	"$NETCON" status --home "$mid"
err "daemon: a home too long for a socket" 1 "netcon: error: control socket in $mid: File name too long" \
	"$NETCON" daemon --home "$mid" --port 0

# ---- bad command lines -------------------------------------------------------------------------
err "unknown long option" 2 "$(usage status "unknown option '--bogus'")" "$NETCON" status --home "$E" --bogus
err "unknown short option" 2 "$(usage ping "unknown option '-x'")" "$NETCON" ping -x 0123456789
err "unknown short option in a cluster, after a long one" 2 "$(usage info "unknown option '-x'")" \
	"$NETCON" info --json -xh
err "a value given to a flag" 2 "$(usage info "option '--json' takes no value")" "$NETCON" info --json=yes
err "a long option without its value" 2 "$(usage daemon "option '--addr' needs a value")" "$NETCON" daemon --addr
err "a short option without its value" 2 "$(usage ping "option '-c' needs a value")" "$NETCON" ping 0123456789 -c
err "controller: unknown option" 2 "$(usage controller "unknown option '--frob'")" \
	"$NETCON" controller network list --frob
err "controller: option without value" 2 "$(usage controller "option '--name' needs a value")" \
	"$NETCON" controller network create --name
err "join: unknown option" 2 "$(usage join "unknown option '--frob'")" "$NETCON" join --frob 0123456789000001
err "init: unknown option" 2 "$(usage init "unknown option '--frob'")" "$NETCON" init --frob
err "run: unknown option" 2 "$(usage run "unknown option '--frob'")" "$NETCON" run --frob -- true
err "daemon: bad CIDR" 2 "$(usage daemon "--addr '10.0.0.1/33' is not an address/prefix such as 10.7.0.1/24 or fd00:7::1/64")" \
	"$NETCON" daemon --home "$W/d" --addr 10.0.0.1/33
err "daemon: bad port" 2 "$(usage daemon "--port '70000' is not 0..65535")" "$NETCON" daemon --home "$W/d" --port 70000
err "join: missing NWID" 2 "$(usage join "missing NWID (16 hex digits)")" "$NETCON" join --home "$E"
err "join: bad NWID" 2 "$(usage join "'12345' is not a network id (16 hex digits)")" "$NETCON" join --home "$E" 12345
err "leave: bad NWID" 2 "$(usage leave "'0123456789abcdeg' is not a network id (16 hex digits)")" \
	"$NETCON" leave --home "$E" 0123456789abcdeg
err "join: two NWIDs" 2 "$(usage join "unexpected argument '0123456789000002'")" \
	"$NETCON" join --home "$E" 0123456789000001 0123456789000002
err "ping: missing ADDRESS" 2 "$(usage ping "missing ADDRESS (10 hex digits)")" "$NETCON" ping --home "$E"
err "ping: bad ADDRESS" 2 "$(usage ping "'01234' is not a ZeroTier address (10 hex digits)")" "$NETCON" ping --home "$E" 01234
err "ping: reserved ADDRESS" 2 "$(usage ping "'ff00000001' is not a ZeroTier address (10 hex digits)")" \
	"$NETCON" ping --home "$E" ff00000001
err "ping: bad count" 2 "$(usage ping "bad number 'many'")" "$NETCON" ping --home "$E" -c many 0123456789
err "message: missing TEXT" 2 "$(usage message "missing TEXT")" "$NETCON" message --home "$E" 0123456789
err "message: missing both" 2 "$(usage message "missing ADDRESS and TEXT")" "$NETCON" message --home "$E"
err "message: unquoted TEXT" 2 "$(usage message "unexpected argument 'there' (quote TEXT)")" \
	"$NETCON" message --home "$E" 0123456789 hi there
err "controller: bad NWID" 2 "$(usage controller "'abc' is not a network id (16 hex digits)")" \
	"$NETCON" controller network show --home "$E" abc
err "controller: missing NWID" 2 "$(usage controller "member list: missing NWID")" \
	"$NETCON" controller member list --home "$E"
err "controller: missing NODE" 2 "$(usage controller "member authorize: missing NODE")" \
	"$NETCON" controller member authorize --home "$E" 0123456789000001
err "controller: bad NODE" 2 "$(usage controller "'xyz' is not a node address (10 hex digits)")" \
	"$NETCON" controller member authorize --home "$E" 0123456789000001 xyz
err "controller: bad --ip" 2 "$(usage controller "bad --ip '10.0.0.300'")" \
	"$NETCON" controller member authorize --home "$E" 0123456789000001 0123456780 --ip 10.0.0.300
err "controller: bad --route CIDR" 2 "$(usage controller "bad --route '10.0.0.0/33' (CIDR[,VIA])")" \
	"$NETCON" controller network create --home "$E" --route 10.0.0.0/33
err "controller: bad --pool" 2 "$(usage controller "bad IPv4 --pool '10.0.0.9-10.0.0.1'")" \
	"$NETCON" controller network create --home "$E" --pool 10.0.0.9-10.0.0.1
err "controller: bad --mtu" 2 "$(usage controller "--mtu '99' is not 1280..10000")" \
	"$NETCON" controller network create --home "$E" --mtu 99
err "controller: unknown verb" 2 "$(usage controller "unknown network command 'frob'")" \
	"$NETCON" controller network frob
err "init: bad --endpoint" 2 "$(usage init "--endpoint '1.2.3.4' is not IP/PORT (e.g. 192.0.2.1/9993)")" \
	"$NETCON" init --home "$W/i" --endpoint 1.2.3.4
err "init: bad --endpoint IP" 2 "$(usage init "--endpoint 'host/9993' is not IP/PORT (e.g. 192.0.2.1/9993)")" \
	"$NETCON" init --home "$W/i" --endpoint host/9993
[ ! -e "$W/i" ] && ok "init with a bad --endpoint made nothing" || not_ok "init with a bad --endpoint made nothing"
err "join: no --json" 2 "$(usage join "no --json here")" "$NETCON" join --json 0123456789000001
err "run: no program" 2 "$(usage run "no program given")" "$NETCON" run --home "$E"
err "daemon: an argument" 2 "$(usage daemon "unexpected argument 'x'")" "$NETCON" daemon --home "$W/d" x
err "status: an abbreviated option is taken" 1 "$(nod status)" "$NETCON" status --hom "$E"
err "controller: an ambiguous abbreviation" 2 "$(usage controller "unknown option '--p'")" \
	"$NETCON" controller network create --p
err "controller: --private and --public" 2 "$(usage controller "--private and --public exclude each other")" \
	"$NETCON" controller network create --home "$E" --private --public
err "ping: a bad --interval" 2 "$(usage ping "bad number '1e7'")" "$NETCON" ping -i 1e7 0123456789
err "planet create: an abbreviation is not taken" 2 "$(usage planet "create: unknown argument '--ou'")" \
	"$NETCON" planet create --ou x
err "planet create: a value missing" 2 "$(usage planet "create: --out needs a value")" "$NETCON" planet create --out
err "planet create: --id 0" 2 "$(usage planet "create: bad --id '0'")" "$NETCON" planet create --id 0
# --help: the usage on stdout, exit 0, for a verb with a usage function and one with a text
for v in status join controller; do
	out=$("$NETCON" $v --help 2>"$W/help.err")
	st=$?
	[ $st = 0 ] && [ "${out%%$'\n'*}" != "" ] && case $out in "Usage:"*) true ;; *) false ;; esac &&
		[ ! -s "$W/help.err" ] && ok "$v --help: usage on stdout, exit 0" || not_ok "$v --help: exit $st, '$out'"
done
err "idtool: unknown command (zerotier-idtool's exit 1)" 1 "netcon idtool: unknown command 'frob'" "$NETCON" idtool frob
err "idtool: unreadable identity" 1 "Identity argument invalid or file unreadable: $W/none" \
	"$NETCON" idtool validate "$W/none"
err "planet: a file that is not there" 1 "netcon planet: $W/none: No such file or directory" \
	"$NETCON" planet show "$W/none"

# ---- what the daemon refuses -------------------------------------------------------------------
if PID=$("$NETCON" daemon --home "$R" --port 0 -d); then
	track "$PID"
	ok "daemon started"
else
	not_ok "daemon started"
	done_testing
	exit 1
fi
RA=$(cut -c1-10 "$R/identity.public")
NW=$("$NETCON" controller network create --home "$R" --name errs --pool 10.66.0.10-10.66.0.20)
OTHER=0123456789000001 MISSING=${RA}fffffe
notctl="netcon controller: this node is not the controller of $OTHER (its controller is node 0123456789)"
err "show: not our network" 1 "$notctl" "$NETCON" controller network show --home "$R" $OTHER
err "set: not our network" 1 "$notctl" "$NETCON" controller network set --home "$R" $OTHER --name x
err "delete: not our network" 1 "$notctl" "$NETCON" controller network delete --home "$R" $OTHER
err "member list: not our network" 1 "$notctl" "$NETCON" controller member list --home "$R" $OTHER
err "authorize: not our network" 1 "$notctl" "$NETCON" controller member authorize --home "$R" $OTHER 1234567890
nonet="netcon controller: no network $MISSING"
err "show: no such network" 1 "$nonet" "$NETCON" controller network show --home "$R" $MISSING
err "set: no such network" 1 "$nonet" "$NETCON" controller network set --home "$R" $MISSING --mtu 1400
err "delete: no such network" 1 "$nonet" "$NETCON" controller network delete --home "$R" $MISSING
err "member list: no such network" 1 "$nonet" "$NETCON" controller member list --home "$R" $MISSING
err "deauthorize: no such network" 1 "$nonet" "$NETCON" controller member deauthorize --home "$R" $MISSING 1234567890
err "deauthorize: not a member" 1 "netcon controller: 1234567890 is not a member of $NW" \
	"$NETCON" controller member deauthorize --home "$R" "$NW" 1234567890
[ -z "$("$NETCON" controller member list --home "$R" "$NW")" ] && ok "and no record of it was made" ||
	not_ok "and no record of it was made"
"$NETCON" controller member authorize --home "$R" "$NW" 1234567890 --ip 10.66.0.15 >/dev/null
err "authorize: --ip taken" 1 "netcon controller: an --ip address is in use by another member of $NW" \
	"$NETCON" controller member authorize --home "$R" "$NW" 1234567891 --ip 10.66.0.15
err "join: reserved controller address" 1 "netcon join: ff00000000000001 cannot be a network id: its controller address ff00000000 is reserved" \
	"$NETCON" join --home "$R" ff00000000000001
err "leave: not a member" 1 "netcon leave: this node is not a member of $OTHER" "$NETCON" leave --home "$R" $OTHER
err "ping: this node" 1 "netcon ping: $RA is this node or a reserved address" "$NETCON" ping --home "$R" "$RA"
err "message: this node" 1 "netcon message: $RA is this node or a reserved address" "$NETCON" message --home "$R" "$RA" hi
err "a second daemon on the home" 1 "netcon: error: a daemon is already running with home $R" \
	"$NETCON" daemon --home "$R" --port 0 -d

done_testing
