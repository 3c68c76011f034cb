#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""A client of the local JSON API that finds the service as zerotier-cli does: the port in
HOME/zerotier-one.port, the token in HOME/authtoken.secret (or HOME/metricstoken.secret).

  zt_api.py HOME METHOD PATH [BODY]      prints "STATUS" then the body on the next line
  zt_api.py --keys RECORDED              reads JSON on stdin; exit 0 if it has every key of the
                                         recorded file with the same value types (recursively)
  zt_api.py --raw HOME BYTES-FILE        sends the file's bytes as they are, prints the status
  zt_api.py --slow HOME SECONDS          sends half a request, holds it; prints the status got
  zt_api.py --time HOME PATH             GET PATH; prints the status and the milliseconds taken
  zt_api.py --head HOME PATH             HEAD PATH; prints status, Content-Length, body length
"""
import http.client
import json
import socket
import sys
import time


def home_conf(home, token="authtoken.secret"):
    with open(home + "/zerotier-one.port") as f:
        port = int(f.read().strip())
    with open(home + "/" + token) as f:
        tok = f.read().strip()
    return port, tok


def request(home, method, path, body=None, headers=None):
    port, tok = home_conf(home)
    h = {"X-ZT1-Auth": tok}
    if headers is not None:
        h = headers
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    c.request(method, path, body=body, headers=h)
    r = c.getresponse()
    data = r.read()
    c.close()
    return r.status, data


def kind(v):
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, (int, float)):
        return "number"
    return type(v).__name__


def same_shape(want, got, where="$"):
    """Every key of want is in got with the same type; null in want accepts null or a string."""
    errs = []
    if kind(want) == "null":
        if kind(got) not in ("null", "str"):
            errs.append("%s: %s, recorded null" % (where, kind(got)))
        return errs
    if kind(want) != kind(got):
        return ["%s: %s, recorded %s" % (where, kind(got), kind(want))]
    if isinstance(want, dict):
        # A controller's member list maps addresses (which differ) to revisions.
        if want and all(len(k) == 10 for k in want) and all(isinstance(v, int) for v in want.values()):
            for k, v in got.items():
                if len(k) != 10 or kind(v) != "number":
                    errs.append("%s[%s]: not address -> revision" % (where, k))
            return errs
        for k, v in want.items():
            if k not in got:
                errs.append("%s: missing key %s" % (where, k))
            else:
                errs += same_shape(v, got[k], where + "." + k)
    elif isinstance(want, list) and want and got:
        for i, g in enumerate(got):
            errs += same_shape(want[0], g, "%s[%d]" % (where, i))
    return errs


def main():
    a = sys.argv[1:]
    if a[0] == "--keys":
        with open(a[1]) as f:
            want = json.load(f)
        got = json.load(sys.stdin)
        errs = same_shape(want, got)
        for e in errs[:10]:
            print("# " + e)
        sys.exit(1 if errs else 0)
    if a[0] == "--raw":
        port, _ = home_conf(a[1])
        with open(a[2], "rb") as f:
            data = f.read()
        s = socket.create_connection(("127.0.0.1", port), timeout=20)
        try:
            s.sendall(data)
        except OSError:
            pass  # the server may answer and close before taking a body it refused
        got = b""
        while b"\r\n" not in got:
            d = s.recv(4096)
            if not d:
                break
            got += d
        print(got.split(b" ")[1].decode() if got.startswith(b"HTTP/1.1 ") else "none")
        return
    if a[0] == "--time":
        t0 = time.time()
        status, _ = request(a[1], "GET", a[2])
        print("%d %d" % (status, (time.time() - t0) * 1000))
        return
    if a[0] == "--head":
        port, tok = home_conf(a[1])
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
        c.request("HEAD", a[2], headers={"X-ZT1-Auth": tok})
        r = c.getresponse()
        print("%d %s %d" % (r.status, r.getheader("Content-Length"), len(r.read())))
        return
    if a[0] == "--slow":
        port, tok = home_conf(a[1])
        s = socket.create_connection(("127.0.0.1", port), timeout=float(a[2]) + 20)
        s.sendall(b"GET /status HTTP/1.1\r\nX-ZT1-Auth: " + tok.encode())
        t0 = time.time()
        got = s.recv(4096)
        print("%s %.0f" % (got.split(b" ")[1].decode() if got else "closed", time.time() - t0))
        return
    body = a[3].encode() if len(a) > 3 else None
    status, data = request(a[0], a[1], a[2], body)
    print(status)
    sys.stdout.write(data.decode("utf-8", "replace") + "\n")


if __name__ == "__main__":
    main()
