#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""Checked TCP streams for tests/stress: each end computes the sha256 of what it sent or got.

server IP PORT: accept until killed; per connection (a thread) read to EOF, answer
    "SHA256 BYTES\n" and close; then print "timeline K0 K1 ...": the KiB received in each second
    from the first byte (what the window let through, for tests of loss recovery).
client IP PORT BYTES SEED [STREAMS]: STREAMS connections at once (threads), each sends BYTES of a
    deterministic pattern from SEED+i (BYTES as Ns: for N seconds), shuts down its side, reads the
    server's answer and compares it with its own sha256. Prints "good G of N, B bytes, S s, M MB/s"
    and exits 0 if all are equal, 1 if any differ, 3 if any connection failed (the error, e.g.
    ECONNRESET, on stderr).
"""
import errno, hashlib, random, socket, sys, threading, time

CHUNK = 1 << 20


def serve(ip, port):
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((ip, port))
    ls.listen(256)

    def one(c):
        h, n, t0, per_s = hashlib.sha256(), 0, None, []
        try:
            while True:
                b = c.recv(CHUNK)
                if not b:
                    break
                if t0 is None:
                    t0 = time.monotonic()
                sec = int(time.monotonic() - t0)
                per_s.extend([0] * (sec + 1 - len(per_s)))
                per_s[sec] += len(b)
                h.update(b)
                n += len(b)
            c.sendall(b"%s %d\n" % (h.hexdigest().encode(), n))
        except OSError as e:
            print("server: %s after %d bytes" % (errno.errorcode.get(e.errno, e), n), file=sys.stderr)
        c.close()
        print("timeline " + " ".join("%d" % (k >> 10) for k in per_s), flush=True)

    while True:
        c, _ = ls.accept()
        threading.Thread(target=one, args=(c,), daemon=True).start()


def send(ip, port, nbytes, seed, res, i, secs=None, sizes=None):
    # A random block and random windows into it: cheap to make, never periodic, so a lost,
    # doubled or reordered segment changes the digest.
    r = random.Random(seed)
    blk = memoryview(r.randbytes(4 * CHUNK))
    h, sent = hashlib.sha256(), 0
    end = time.monotonic() + secs if secs else None
    try:
        s = socket.create_connection((ip, port), timeout=None)
        while (time.monotonic() < end) if end else (sent < nbytes):
            off = r.randrange(3 * CHUNK)
            m = blk[off : off + (CHUNK // 4 if end else min(CHUNK, nbytes - sent))]
            s.sendall(m)
            h.update(m)
            sent += len(m)
        s.shutdown(socket.SHUT_WR)
        ans = b""
        while not ans.endswith(b"\n"):
            b = s.recv(128)
            if not b:
                raise ConnectionError(errno.ECONNRESET, "EOF before the server's answer")
            ans += b
        s.close()
        if sizes is not None:
            sizes[i] = sent
        want = "%s %d" % (h.hexdigest(), sent)
        res[i] = "good" if ans.decode().strip() == want else "bad: sent %s, server got %s" % (want, ans.decode().strip())
    except OSError as e:
        res[i] = "error %s after %d bytes: %s" % (errno.errorcode.get(e.errno, "?"), sent, e)


def client(ip, port, nbytes, seed, streams):
    res = [None] * streams
    secs = None
    if nbytes.endswith("s"):
        secs, nbytes = float(nbytes[:-1]), 0
    else:
        nbytes = int(nbytes)
    sizes = [nbytes] * streams
    t0 = time.time()
    ts = [threading.Thread(target=send, args=(ip, port, nbytes, seed + i, res, i, secs, sizes))
          for i in range(streams)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    dt = time.time() - t0
    good = res.count("good")
    for i, r in enumerate(res):
        if r != "good":
            print("stream %d: %s" % (i, r), file=sys.stderr)
    print("good %d of %d, %d bytes, %.2f s, %.1f MB/s" % (good, streams, sum(sizes), dt, sum(sizes) / dt / 1048576))
    sys.stdout.flush()
    if good == streams:
        return 0
    return 3 if any(r.startswith("error") for r in res) else 1


if __name__ == "__main__":
    if sys.argv[1] == "server":
        serve(sys.argv[2], int(sys.argv[3]))
    else:
        sys.exit(client(sys.argv[2], int(sys.argv[3]), sys.argv[4], int(sys.argv[5]),
                        int(sys.argv[6]) if len(sys.argv) > 6 else 1))
