#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# python asyncio: a stream server on A (echo + sha256), 16 concurrent asyncio clients on B.
. "$(dirname "$0")/../lib.sh"
app_init python-asyncio "Python $(/usr/bin/python3 -c 'import platform; print(platform.python_version())') asyncio"
PORT=8095
net_up || { app_done; exit 1; }
cat >"$W/srv.py" <<'PY'
import asyncio, hashlib, sys
async def h(r, w):
    d = await r.read()  # until the client's EOF
    w.write(hashlib.sha256(d).hexdigest().encode() + b"\n" + d)
    await w.drain(); w.close()
async def main():
    s = await asyncio.start_server(h, sys.argv[1], int(sys.argv[2]))
    async with s: await s.serve_forever()
asyncio.run(main())
PY
cat >"$W/cli.py" <<'PY'
import asyncio, hashlib, os, sys
async def one(i):
    d = os.urandom(1 << 20)
    r, w = await asyncio.open_connection(sys.argv[1], int(sys.argv[2]))
    w.write(d); await w.drain(); w.write_eof()
    line = await r.readline(); back = await r.read(); w.close()
    return line.strip().decode() == hashlib.sha256(d).hexdigest() and back == d
async def main():
    res = await asyncio.gather(*(one(i) for i in range(16)))
    print("good", sum(res), "of", len(res))
asyncio.run(main())
PY
serve "$A" asyncio /usr/bin/python3 "$W/srv.py" "$IA" $PORT
wait_port "$B" "$IA" $PORT || not_ok "B reaches the asyncio server on A"
t0=$(now)
out=$(on "$B" /usr/bin/python3 "$W/cli.py" "$IA" $PORT 2>"$W/cli.err")
t1=$(now)
[ "$out" = "good 16 of 16" ] && ok "16 concurrent asyncio clients on B: 1 MB each echoed, sha256 and bytes equal, $(secs "$t0" "$t1") s" ||
	{ not_ok "16 asyncio clients ($out)"; evidence "$W/cli.err"; evidence "$W/asyncio.log"; }
app_done
