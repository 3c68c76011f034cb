#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# PostgreSQL 15 on A (initdb, postgres as user postgres), psql and pgbench on B.
. "$(dirname "$0")/../lib.sh"
PG=/usr/lib/postgresql/15/bin
app_init postgresql "PostgreSQL $($PG/postgres --version 2>/dev/null | sed 's/.* //; s/[^0-9.].*//')"
[ "$(id -u)" = 0 ] || app_skip "needs root (runs postgres as user postgres)"
[ -x $PG/postgres ] && have psql && have pgbench || app_skip "postgresql-15 not installed"
PORT=5433
net_up || { app_done; exit 1; }
D=$W/pg
mkdir "$D" && chown postgres "$D"
runuser -u postgres -- $PG/initdb -D "$D" -U postgres --auth=trust >"$W/initdb.log" 2>&1 ||
	{ not_ok "initdb"; evidence "$W/initdb.log"; app_done; exit 1; }
echo "host all all 0.0.0.0/0 trust" >>"$D/pg_hba.conf"
serve "$A" postgres runuser -u postgres -- $PG/postgres -D "$D" -h "$IA" -p $PORT -k "$D"
until_ok 6 wait_port "$B" "$IA" $PORT || { not_ok "B reaches postgres on A"; evidence "$W/postgres.log"; app_done; exit 1; }
q() { on "$B" psql -h "$IA" -p $PORT -U postgres -Atc "$1" 2>>"$W/psql.err"; }
v=$(q 'select 6*7')
[ "$v" = 42 ] && ok "psql on B: select 6*7 = $v" || { not_ok "psql select (got '$v')"; evidence "$W/psql.err"; }
a=$(q 'select client_addr from pg_stat_activity where pid = pg_backend_pid()')
[ "$a" = "$IB" ] && ok "the server sees the client at B's virtual address ($a)" || not_ok "client address on the server ($a, B is $IB)"
q 'create table t(i int, s text); insert into t select g, md5(g::text) from generate_series(1,100000) g' >/dev/null
s=$(q "select md5(string_agg(s, ',' order by i)) from t")
e=$(python3 -c "import hashlib as h; m=lambda b: h.md5(b).hexdigest(); print(m(','.join(m(str(i).encode()) for i in range(1, 100001)).encode()))")
[ -n "$s" ] && [ "$s" = "$e" ] && ok "100,000 rows inserted and read back, digest equal ($s)" || not_ok "100,000 rows digest ($s vs $e)"
TO=60 on "$B" pgbench -h "$IA" -p $PORT -U postgres -i -s 2 postgres >"$W/pgbench-i.log" 2>&1 &&
	ok "pgbench -i -s 2 on B: $(grep -o 'done in [0-9.]* s' "$W/pgbench-i.log")" || { not_ok "pgbench -i"; evidence "$W/pgbench-i.log"; }
TO=60 on "$B" pgbench -h "$IA" -p $PORT -U postgres -c 4 -j 2 -T 5 postgres >"$W/pgbench.log" 2>&1
tps=$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' "$W/pgbench.log")
failed=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$W/pgbench.log")
[ -n "$tps" ] && [ "${failed:-0}" = 0 ] && ok "pgbench -c 4 -j 2 -T 5 on B: $tps tps, $failed failed" || { not_ok "pgbench run"; evidence "$W/pgbench.log"; }
grep -E '^(number of transactions actually|latency average|tps)' "$W/pgbench.log" | sed 's/^/#   /' | tee -a "$EV"
app_done
