#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# prometheus (Go: the seccomp front end) on A scrapes a target on B (python3 http.server serving
# a fixed /metrics text) every second across the network; curl on B asks prometheus's HTTP API:
# up == 1 for the target at B's virtual address, and the scraped sample's value.
. "$(dirname "$0")/../lib.sh"
app_init prometheus "prometheus $(prometheus --version 2>&1 | sed -n '1s/^prometheus, version \([^ ]*\).*/\1/p')"
have prometheus && have curl || app_skip "prometheus or curl not installed"
PORT=9090 TP=9100
net_up || { app_done; exit 1; }
P=$W/prom
mkdir -p "$P/target"
V=$((RANDOM * 1000 + 42))
printf '# HELP netcon_app_value a fixed value for the test\n# TYPE netcon_app_value gauge\nnetcon_app_value{src="b"} %s\n' "$V.5" >"$P/target/metrics"
cat >"$P/prometheus.yml" <<CONF
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: netcon
    static_configs:
      - targets: ['$IB:$TP']
CONF
serve "$B" target /usr/bin/python3 -m http.server $TP --bind "$IB" --directory "$P/target"
serve "$A" prometheus prometheus --config.file "$P/prometheus.yml" --storage.tsdb.path "$P/tsdb" \
	--web.listen-address "$IA:$PORT" --log.level warn
if ! wait_port "$B" "$IA" $PORT; then
	not_ok "B reaches prometheus on A ($IA:$PORT)"
	evidence "$W/prometheus.log"
	app_done
	exit 1
fi
q() { on "$B" curl -sS -m 10 -G "http://$IA:$PORT/api/v1/query" --data-urlencode "query=$1" 2>>"$W/curl.err"; }
up() { q up >"$W/up.json" && [ "$(json "[r['value'][1] for r in j['data']['result'] if r['metric']['instance']=='$IB:$TP'][0]" <"$W/up.json" 2>/dev/null)" = 1 ]; }
if until_ok 150 up; then
	ok "prometheus on A: up{instance=\"$IB:$TP\"} = 1 (asked from B)"
else
	not_ok "prometheus on A: up{instance=\"$IB:$TP\"} = 1 (asked from B)"
	evidence "$W/up.json" 3
	evidence "$W/curl.err"
	evidence "$W/prometheus.log"
	evidence "$W/target.log"
fi
got=$(q 'netcon_app_value{job="netcon"}' | json "[r['value'][1] for r in j['data']['result'] if r['metric'].get('src')=='b'][0]" 2>/dev/null)
[ "$got" = "$V.5" ] && ok "the scraped sample netcon_app_value{src=\"b\"} = $got, as the target serves it" ||
	{ not_ok "the scraped sample netcon_app_value = $V.5 (got '$got')"; evidence "$W/curl.err"; }
n=$(grep -c 'GET /metrics' "$W/target.log")
[ "$n" -ge 1 ] && grep -q "^$IA - .*GET /metrics" "$W/target.log" && ok "the target on B was scraped $n times, from $IA" ||
	{ not_ok "the target on B was scraped from $IA"; evidence "$W/target.log"; }
app_done
