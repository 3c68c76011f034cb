#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Write the seed corpus of fuzz_handlers (tests/fuzz/corpus/handlers/): sequences of operations
as tests/fuzz/fuzz_handlers.c decodes them, each reaching one part of the daemon: TCP listen,
connect, accept, data both ways, half-close and close; bind then listen or connect; UDP bind,
datagrams, connect; setopt and multicast; status, lookup, clone; a connect nobody answers; IPv6;
malformed messages. Run from the top of the tree: python3 tests/fuzz/gen_handlers_corpus.py"""
import os
import sys

OUT = "tests/fuzz/corpus/handlers"

# Operations (fh_op: the first byte modulo 12) and request types (index in req_types).
REQ, WRITE, READ, CLOSE, SHUT, TICK, CLOSE_CLIENT, REOPEN, RAW = 0, 4, 5, 6, 7, 8, 9, 10, 11
BIND, LISTEN, CONNECT, SETOPT, GETERR, LOOKUP, STATUS, MCAST, HELLO, CLONE = range(10)
# Addresses (fh_addr: index) and ports (index in ports[]).
A1, A2, NOBODY, ANY4, V6, ANY6, MAPPED, MC4, MC6 = range(9)
P0, P7000, P7001, P7002 = range(4)
# The request flags byte: family 6, UDP, a sockid follows, options follow.
F6, UDP, SOCKID, OPTS = 1, 2, 4, 8


def req(client, rtype, flags=0, sockid=None, addr=(A1, P0), backlog=0, opts=b"", ino=None):
    b = bytes([REQ, client, rtype, flags])
    if flags & SOCKID:
        b += bytes([sockid])
    if ino is not None:
        b += bytes(ino)
    b += bytes(addr) + bytes([backlog & 0xFF])
    if flags & OPTS:
        b += opts
    return b


def setopt(client, sockid, opts):
    return bytes([REQ, client, SETOPT, sockid]) + opts


def mcast(client, sockid, op, group, ifaddr=None, ifx=0, loop=1, ttl=1):
    b = op | (4 if ifaddr else 0) | (ifx << 3) | (loop << 5)
    out = bytes([REQ, client, MCAST, sockid, b]) + bytes(group)
    if ifaddr:
        out += bytes(ifaddr)
    return out + bytes([ttl])


def write(slot, n, addr=None):
    return bytes([WRITE, slot, n]) + (bytes(addr) if addr else b"")


def read(slot):
    return bytes([READ, slot])


def tick(ms=0, s=0):
    return bytes([TICK, 0x80 | s if s else ms // 10])


# fh_opts: what follows, flags, then keepalive (3), linger (1), user timeout (2), buffers (8).
NONBLOCK_UT = bytes([4, 0x40, 0x40, 0x00])
ALL_OPTS = bytes([15, 0xFF, 5, 2, 3, 1, 0x20, 0x00]) + bytes([0, 0, 1, 0, 0, 0, 1, 0])

SEEDS = {
    # Program-side slots fill in order: a listener, a connection, the accepted one.
    "tcp_connect_accept_data_close": req(0, BIND, addr=(A1, P7000))
    + req(0, LISTEN, SOCKID, sockid=0, backlog=5)
    + req(1, CONNECT, addr=(A1, P7000))
    + tick(ms=50) + read(0) + write(1, 32) + read(2) + write(2, 16) + read(1)
    + bytes([SHUT, 1]) + read(2) + bytes([CLOSE, 2]) + bytes([CLOSE, 1]) + tick(s=5),
    "tcp_bind_listen_bind_connect": req(0, BIND, addr=(A1, P7002))
    + req(0, LISTEN, SOCKID, sockid=0, addr=(A1, P0), backlog=5)
    + req(1, BIND, addr=(A2, P0))
    + req(1, CONNECT, SOCKID, sockid=1, addr=(A1, P7002))
    + tick(ms=50) + read(0) + req(0, STATUS) + req(1, LOOKUP, ino=[0, 0])
    + bytes([REQ, 0, CLONE, 0]) + bytes([REQ, 1, HELLO])
    + bytes([CLOSE_CLIENT, 1, REOPEN, 1, 0]) + req(0, GETERR, SOCKID, sockid=1),
    "tcp_v6_bulk": req(0, BIND, F6, addr=(V6, P7000))
    + req(0, LISTEN, F6 | SOCKID, sockid=0, backlog=5)
    + req(1, CONNECT, F6, addr=(V6, P7000))
    + tick(ms=50) + read(0) + write(1, 0x80) + write(1, 0x80) + tick(ms=200)
    + read(2) + read(2) + read(2) + tick(s=1) + read(2) + bytes([CLOSE, 0]) + tick(s=2),
    "tcp_connect_nobody": req(0, CONNECT, OPTS, addr=(NOBODY, P7000), opts=NONBLOCK_UT)
    + tick(s=30) + req(0, GETERR, SOCKID, sockid=0) + req(0, GETERR, SOCKID, sockid=0),
    "tcp_connect_refused": req(0, CONNECT, addr=(A2, P7001)) + tick(ms=100)
    + req(0, GETERR, SOCKID, sockid=0) + req(0, CONNECT, addr=(ANY4, P7001)),
    "udp_bind_send_connect": req(0, BIND, UDP, addr=(A1, P7001))
    + req(1, BIND, UDP, addr=(A2, P7002))
    + write(0, 16, addr=(A2, P7002)) + read(1)
    + req(1, CONNECT, UDP | SOCKID, sockid=1, addr=(A1, P7001))
    + write(2, 8) + read(0) + write(0, 4, addr=(A2, P7000)) + tick(ms=10)
    + req(1, GETERR, UDP | SOCKID, sockid=1) + bytes([CLOSE, 2]),
    "udp_connect_unreach": req(0, CONNECT, UDP, addr=(A2, P7000)) + write(0, 8) + tick(ms=10)
    + req(0, GETERR, UDP | SOCKID, sockid=0) + read(0),
    "setopt_mcast": req(0, BIND, UDP, addr=(ANY4, P7000))
    + setopt(0, 0, ALL_OPTS)
    + mcast(0, 0, 1, (MC4, P0)) + mcast(0, 0, 1, (MC4, P0), ifaddr=(A1, P0))
    + mcast(0, 0, 3, (MC4, P0), ttl=5) + mcast(0, 0, 2, (MC4, P0))
    + req(0, LISTEN, addr=(A1, P7001)) + setopt(0, 1, ALL_OPTS) + bytes([CLOSE, 1])
    + mcast(0, 1, 1, (MC6, P0), ifx=1) + write(0, 8, addr=(MC4, P7000)),
    # Found by this fuzzer: shutdown(SHUT_WR) on a UDP end made the daemon read its end of
    # queue as empty datagrams forever (a spinning loop).
    "udp_shutdown_connected": req(0, CONNECT, UDP, addr=(A1, P7001)) + bytes([SHUT, 0]),
    "udp_shutdown_bound": req(0, BIND, UDP, addr=(A1, P7001)) + bytes([SHUT, 0]),
    # Issue 12's crash: a TCP connect naming a bound UDP socket (vconn_reuse_timewait on its
    # NULL pcb), and its orphan: a UDP connect naming a bound TCP socket.
    "udp_bound_tcp_connect": req(0, BIND, UDP, addr=(A1, P7001))
    + req(0, CONNECT, SOCKID, sockid=0, addr=(A2, P7002)),
    "tcp_bound_udp_connect": req(0, BIND, addr=(A1, P0))
    + req(0, CONNECT, UDP | SOCKID, sockid=0, addr=(A2, P7002)),
    # Another run's sockets: every request naming them is refused, its connection carries on.
    "other_run_sockets": req(0, BIND, addr=(A1, P7000))
    + req(0, LISTEN, SOCKID, sockid=0, backlog=5)
    + req(1, CONNECT, addr=(A1, P7000)) + tick(ms=50) + read(0)
    + req(2, CONNECT, SOCKID, sockid=0, addr=(A1, P7000))
    + req(2, LISTEN, SOCKID, sockid=1) + setopt(2, 1, ALL_OPTS) + mcast(2, 0, 1, (MC4, P0))
    + req(2, GETERR, SOCKID, sockid=1) + write(1, 8) + read(2),
    "raw_messages": bytes([RAW, 0, 16]) + bytes(range(1, 17))
    + bytes([RAW, 1, 96, 0x01, 0, 0, 0x04]) + bytes(92)
    + bytes([REOPEN, 0, 2, REQ, 0, HELLO]),
}


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, data in SEEDS.items():
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)
    print("wrote %d seeds to %s" % (len(SEEDS), OUT), file=sys.stderr)


if __name__ == "__main__":
    main()
