#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# redis-server on A; redis-cli and redis-benchmark on B.
. "$(dirname "$0")/../lib.sh"
app_init redis "redis $(redis-server --version 2>/dev/null | sed -n 's/.* v=\([^ ]*\).*/\1/p')"
have redis-server && have redis-cli && have redis-benchmark || app_skip "redis not installed"
PORT=6380
net_up || { app_done; exit 1; }
serve "$A" redis redis-server --port $PORT --bind "$IA" --save '' --appendonly no --dir "$W" \
	--daemonize no --protected-mode no
if ! wait_port "$B" "$IA" $PORT; then not_ok "B reaches redis on A"; evidence "$W/redis.log"; app_done; exit 1; fi
p=$(on "$B" redis-cli -h "$IA" -p $PORT ping)
s=$(on "$B" redis-cli -h "$IA" -p $PORT set k netcon-zt)
g=$(on "$B" redis-cli -h "$IA" -p $PORT get k)
[ "$p $s $g" = "PONG OK netcon-zt" ] && ok "redis-cli on B: PING, SET, GET on A ($p $s $g)" || not_ok "redis-cli PING/SET/GET (got '$p $s $g')"
head -c 1000000 /dev/urandom | base64 -w0 >"$W/val"
on "$B" redis-cli -h "$IA" -p $PORT -x set big <"$W/val" >/dev/null
on "$B" redis-cli -h "$IA" -p $PORT --raw get big | head -c "$(wc -c <"$W/val")" >"$W/val.got"
cmp -s "$W/val" "$W/val.got" && ok "1.3 MB value SET and GET back, byte for byte" || not_ok "1.3 MB value round trip"
t0=$(now)
TO=120 on "$B" redis-benchmark -h "$IA" -p $PORT -q -n 20000 2>&1 | tr '\r' '\n' | grep 'requests per second' >"$W/bench.out"
t1=$(now)
n=$(wc -l <"$W/bench.out")
[ "$n" -ge 15 ] && ok "redis-benchmark -q -n 20000 on B against A: $n tests in $(secs "$t0" "$t1") s" ||
	not_ok "redis-benchmark -q -n 20000 completes ($n tests)"
grep -E '^(PING_INLINE|PING_MBULK|SET|GET|INCR|LPUSH|MSET \(10 keys\)):' "$W/bench.out" | sed 's/^/#   /' | tee -a "$EV"
dbs=$(on "$B" redis-cli -h "$IA" -p $PORT dbsize)
[ "$dbs" -gt 2 ] 2>/dev/null && ok "server keeps the benchmark's keys (dbsize $dbs)" || not_ok "dbsize after benchmark ($dbs)"
app_done
