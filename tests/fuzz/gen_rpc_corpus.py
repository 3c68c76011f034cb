#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Write the seed corpus of fuzz_rpc (tests/fuzz/corpus/rpc/): a valid message of every request
and reply type as include/netcon/rpc.h lays them out (host order, x86-64), error replies, broken
ones (runt, truncated, oversized, bad magic, wrong version, unknown type) and --addr strings.
Run from the top of the tree: python3 tests/fuzz/gen_rpc_corpus.py"""
import os
import socket
import struct

OUT = "tests/fuzz/corpus/rpc"
MAGIC, VERSION = 0x4E43, 1
(HELLO, CLONE, RUN_REGISTER, BIND, LISTEN, CONNECT, SETOPT, GETERR, LOOKUP, STATUS, STATUS_END,
 INFO, STATUS_ENTRY, ACCEPT, TYPE_MAX) = range(1, 16)


def hdr(t, seq=1, status=0, version=VERSION, magic=MAGIC, reserved=0):
    return struct.pack("<HBBIiI", magic, version, t, seq, status, reserved)


def addr(ip="10.7.0.1", port=0, scope=0):
    if ":" in ip:
        return struct.pack("<BBHI", 6, 0, port, scope) + socket.inet_pton(socket.AF_INET6, ip)
    if ip == "":
        return bytes(24)
    return struct.pack("<BBHI", 4, 0, port, scope) + socket.inet_aton(ip) + bytes(12)


def route(ip, prefix):
    return addr(ip) + struct.pack("<B7x", prefix)


def opts(flags=0, keepidle=0, keepintvl=0, keepcnt=0, linger=0, user_timeout=0, rcvbuf=0,
         sndbuf=0):
    return struct.pack("<I7i", flags, keepidle, keepintvl, keepcnt, linger, user_timeout, rcvbuf,
                       sndbuf)


def sock_req(t, sockid=0, ino=0, a=None, backlog=0, family=4, o=None):
    return (hdr(t) + struct.pack("<QQ", sockid, ino) + (a or addr("", 0)) +
            struct.pack("<iBB2x", backlog, family, 6) + (o or opts()))


def sock_reply(t, sockid=1, ino=1234, local=None, peer=None, error=0, state=4, status=0):
    return (hdr(t, status=status) + struct.pack("<QQ", sockid, ino) + (local or addr("", 0)) +
            (peer or addr("", 0)) + struct.pack("<iBBBx", error, state, 4, 6) + opts())


def hello_reply(t, routes):
    body = b"".join(routes) + bytes(32 * (16 - len(routes)))
    return hdr(t) + struct.pack("<II", len(routes), 0) + body


seeds = {
    # requests
    "req_hello": hdr(HELLO),
    "req_clone": hdr(CLONE),
    "req_run_register": hdr(RUN_REGISTER),
    "req_bind_v4": sock_req(BIND, a=addr("10.7.0.1", 8080)),
    "req_bind_v6": sock_req(BIND, a=addr("fd00:7::1", 443), family=6),
    "req_listen_bound": sock_req(LISTEN, sockid=3, backlog=511),
    "req_listen_any": sock_req(LISTEN, a=addr("0.0.0.0", 0), backlog=128),
    "req_connect_nb": sock_req(CONNECT, a=addr("10.7.0.2", 6379), o=opts(flags=1 << 6 | 1 << 3)),
    "req_connect_mapped": sock_req(CONNECT, a=addr("::ffff:10.7.0.2", 22), family=6),
    "req_setopt": hdr(SETOPT) + struct.pack("<Q", 5) + opts(0x1F, 60, 10, 5, 3, 30000, 1 << 20,
                                                            1 << 20),
    "req_geterr": sock_req(GETERR, sockid=7),
    "req_lookup": sock_req(LOOKUP, ino=987654),
    "req_status": sock_req(STATUS, sockid=0),
    # replies
    "rep_hello": hello_reply(HELLO, [route("10.7.0.1", 24), route("fd00:7::1", 64)]),
    "rep_clone_full": hello_reply(CLONE, [route("10.%d.0.1" % i, 8 + i) for i in range(16)]),
    "rep_hello_nroutes_big": hdr(HELLO) + struct.pack("<II", 0xFFFFFFFF, 0) + bytes(32 * 16),
    "rep_run_register": hdr(RUN_REGISTER),
    "rep_bind": sock_reply(BIND, local=addr("10.7.0.1", 8080), state=1),
    "rep_connect": sock_reply(CONNECT, local=addr("10.7.0.1", 40000),
                              peer=addr("10.7.0.2", 6379), state=3),
    "rep_geterr_failed": sock_reply(GETERR, error=111, state=6),
    "rep_lookup_v6": sock_reply(LOOKUP, local=addr("fd00:7::1", 22, 3),
                                peer=addr("fd00:7::2", 50000)),
    "rep_setopt": hdr(SETOPT),
    "rep_status_end": hdr(STATUS_END, reserved=1),
    "rep_info": (hdr(INFO) + struct.pack("<iIQQ", 4242, 1, 3, 2) + b"0.1.0".ljust(16, b"\0") +
                 route("10.7.0.1", 24) + bytes(32 * 15)),
    "rep_status_entry": (hdr(STATUS_ENTRY) + struct.pack("<Q", 9) + addr("10.7.0.1", 80) +
                         addr("10.7.0.3", 51000) + struct.pack("<iBB2xQQ", 77, 4, 6, 1000, 2000)),
    "rep_accept": (hdr(ACCEPT) + struct.pack("<QQ", 4, 5555) + addr("10.7.0.1", 80) +
                   addr("10.7.0.9", 40001)),
    "rep_error_bind": hdr(BIND, status=-98),
    "rep_error_connect": hdr(CONNECT, status=-111),
    # broken
    "bad_empty": b"",
    "bad_runt": hdr(HELLO)[:8],
    "bad_magic": hdr(HELLO, magic=0x434E),
    "bad_version": hdr(HELLO, version=2),
    "bad_type0": hdr(0),
    "bad_type_max": hdr(TYPE_MAX),
    "bad_type_255": hdr(255),
    "bad_trunc_bind": sock_req(BIND, a=addr("10.7.0.1", 80))[:88],
    "bad_oversize_hello": hdr(HELLO) + bytes(48),
    "bad_info_as_request": hdr(INFO) + bytes(56 - 16 + 32 * 16),
    "bad_status_reply_positive": hdr(STATUS_END, status=5) + bytes(8),
    "bad_addr_family99": sock_req(CONNECT, a=struct.pack("<BBHI", 99, 0, 80, 0) + bytes(16)),
    # --addr text
    "cidr_v4": b"10.7.0.1/24",
    "cidr_v6": b"fd00:7::1/64",
    "cidr_noprefix": b"10.7.0.1",
    "cidr_bad_octet": b"300.1.1.1/24",
    "cidr_bad_prefix": b"10.0.0.1/99",
    "cidr_empty_prefix": b"10.0.0.1/",
    "cidr_v6_128": b"::ffff:10.1.2.3/128",
}

os.makedirs(OUT, exist_ok=True)
for name, data in seeds.items():
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)
print("wrote %d seeds to %s" % (len(seeds), OUT))
