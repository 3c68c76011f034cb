#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# node on A: an http server and a plain net (TCP) echo server; node clients on B (http.get, net).
. "$(dirname "$0")/../lib.sh"
app_init node "Node.js $(node --version 2>/dev/null)"
have node || app_skip "node not installed"
HP=8082 NP=8092
net_up || { app_done; exit 1; }
cat >"$W/srv.js" <<'JS'
const [ip, hp, np] = process.argv.slice(2);
require('http').createServer((q, s) => s.end('node-ok ' + q.url + '\n')).listen(+hp, ip);
require('net').createServer(c => c.pipe(c)).listen(+np, ip);
JS
cat >"$W/cli.js" <<'JS'
const [ip, hp, np, file] = process.argv.slice(2);
const http = require('http'), net = require('net'), crypto = require('crypto'), fs = require('fs');
const get = u => new Promise((ok, ko) => http.get(u, r => { let b = ''; r.on('data', d => b += d); r.on('end', () => ok(b)); }).on('error', ko));
(async () => {
  const rs = await Promise.all([...Array(20).keys()].map(i => get(`http://${ip}:${hp}/r${i}`)));
  console.log('http', rs.filter((r, i) => r === `node-ok /r${i}\n`).length);
  const data = fs.readFileSync(file), h = crypto.createHash('sha256');
  let n = 0;
  const c = net.connect(+np, ip, () => { c.end(data); });
  c.on('data', d => { h.update(d); n += d.length; });
  c.on('end', () => { console.log('net', n, h.digest('hex')); });
  c.on('error', e => { console.log('net error', e.message); process.exit(1); });
})().catch(e => { console.log('error', e.message); process.exit(1); });
JS
serve "$A" node node "$W/srv.js" "$IA" $HP $NP
wait_port "$B" "$IA" $HP && wait_port "$B" "$IA" $NP || not_ok "B reaches node on A"
head -c 8388608 /dev/urandom >"$W/echo.bin"
on "$B" node "$W/cli.js" "$IA" $HP $NP "$W/echo.bin" >"$W/cli.out" 2>&1
cat "$W/cli.out" | sed 's/^/#   /' | tee -a "$EV"
grep -qx 'http 20' "$W/cli.out" && ok "node http.get on B: 20 concurrent requests to node http on A, all answered" ||
	not_ok "node http client on B"
grep -qx "net 8388608 $(hsha "$W/echo.bin")" "$W/cli.out" && ok "node net on B: 8 MB echoed by a net server on A, sha256 equal" ||
	not_ok "node net echo 8 MB"
evidence "$W/node.log" 4
app_done
