#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# etcd (Go: the seccomp front end) on A, client and peer URLs on its virtual address; etcdctl on
# B: 1,000 keys put (10 transactions of 100) and read back with their values, a single put/get,
# and a watch on B that sees a put made from B.
. "$(dirname "$0")/../lib.sh"
app_init etcd "etcd $(etcd --version 2>/dev/null | sed -n 's/^etcd Version: //p')"
have etcd && have etcdctl || app_skip "etcd-server or etcd-client not installed"
CP=2379 PP=2380
net_up || { app_done; exit 1; }
E=$W/etcd
mkdir -p "$E"
export ETCDCTL_API=3
serve "$A" etcd etcd --name n1 --data-dir "$E/data" \
	--listen-client-urls "http://$IA:$CP" --advertise-client-urls "http://$IA:$CP" \
	--listen-peer-urls "http://$IA:$PP" --initial-advertise-peer-urls "http://$IA:$PP" \
	--initial-cluster "n1=http://$IA:$PP" --initial-cluster-state new
ctl() { on "$B" etcdctl --endpoints "http://$IA:$CP" --dial-timeout 5s --command-timeout 20s "$@"; }
if ! wait_port "$B" "$IA" $CP || ! until_ok 100 ctl endpoint health >"$W/health.out" 2>&1; then
	not_ok "etcd on A is healthy for etcdctl on B ($IA:$CP)"
	evidence "$W/health.out"
	evidence "$W/etcd.log"
	app_done
	exit 1
fi
ok "etcdctl on B: endpoint health of etcd on A: $(grep -o 'is healthy.*' "$W/health.out" | head -1)"

val() { echo "v$1-$(echo "$1" | sha256sum | cut -c1-16)"; }
t0=$(now)
fails=0
for t in $(seq 0 9); do
	{
		echo
		for i in $(seq $((t * 100)) $((t * 100 + 99))); do echo "put k/$(printf %04d $i) $(val $i)"; done
		echo
		echo
	} >"$E/txn.$t"
	ctl txn <"$E/txn.$t" >"$E/txn.$t.out" 2>&1 && grep -q '^SUCCESS' "$E/txn.$t.out" || fails=$((fails + 1))
done
t1=$(now)
[ $fails = 0 ] && ok "etcdctl txn: 1,000 keys put in 10 transactions, $(secs "$t0" "$t1") s" ||
	{ not_ok "etcdctl txn: 1,000 keys put ($fails of 10 transactions failed)"; evidence "$E/txn.0.out"; }
for i in $(seq 0 999); do printf 'k/%04d\n%s\n' $i "$(val $i)"; done >"$E/want"
ctl get --prefix k/ >"$E/got" 2>"$E/get.err"
cmp -s "$E/want" "$E/got" && ok "etcdctl get --prefix: 1,000 keys, every value equal" ||
	{ not_ok "etcdctl get --prefix: 1,000 keys and values ($(grep -c '^k/' "$E/got") keys)"; evidence "$E/get.err"; }
ctl put single "one value" >/dev/null 2>&1
[ "$(ctl get --print-value-only single 2>/dev/null)" = "one value" ] && ok "etcdctl put/get of one key" || not_ok "etcdctl put/get of one key"

# watch on B, put from B
(on "$B" etcdctl --endpoints "http://$IA:$CP" watch w/key >"$E/watch.out" 2>"$E/watch.err") &
WP=$!
track $WP
sleep 2
ctl put w/key "seen-$$" >/dev/null 2>&1
until_ok 100 grep -q "seen-$$" "$E/watch.out"
[ "$(tr '\n' ' ' <"$E/watch.out")" = "PUT w/key seen-$$ " ] && ok "etcdctl watch on B sees the put: PUT w/key seen-$$" ||
	{ not_ok "etcdctl watch on B sees the put (got '$(tr '\n' ' ' <"$E/watch.out")')"; evidence "$E/watch.err"; }
pkill -P $WP 2>/dev/null
kill $WP 2>/dev/null
evidence "$W/etcd.log" 3
app_done
