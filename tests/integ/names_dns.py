#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""A tiny DNS server for names.t and network.t: A/AAAA for a few names (and NAME=IPV4 arguments
after the log file), NXDOMAIN otherwise, one log line per query. garbage.vnet gets the query's
id followed by bytes that are not a DNS message."""
import socket
import struct
import sys

ip, port, log = sys.argv[1], int(sys.argv[2]), sys.argv[3]
A = {"web.vnet": "10.79.0.53", "db.vnet": "10.79.0.81", "files.vnet": "10.79.0.99"}
AAAA = {"db.vnet": "fd79::81"}
CNAME = {"www.vnet": "web.vnet"}
for arg in sys.argv[4:]:
    name, _, addr = arg.partition("=")
    A[name.lower()] = addr


def qname(msg, off):
    labels = []
    while msg[off]:
        n = msg[off]
        labels.append(msg[off + 1:off + 1 + n].decode("ascii", "replace"))
        off += 1 + n
    return ".".join(labels).lower(), off + 1


def name_wire(name):
    return b"".join(bytes([len(l)]) + l.encode() for l in name.split(".")) + b"\0"


def rr(name, rtype, rdata):
    return name_wire(name) + struct.pack(">HHIH", rtype, 1, 60, len(rdata)) + rdata


s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((ip, port))
print("ready", flush=True)
with open(log, "a") as f:
    while True:
        msg, peer = s.recvfrom(2048)
        try:
            name, end = qname(msg, 12)
            qtype = struct.unpack(">H", msg[end:end + 2])[0]
        except Exception:
            continue
        f.write("%s %d from %s\n" % (name, qtype, peer[0]))
        f.flush()
        if name == "garbage.vnet":
            s.sendto(msg[:2] + b"\x81\x80\x00\x01\x00\x05\xff\xff\xc0\xc0\x3f", peer)
            continue
        question = msg[12:end + 4]
        answers = []
        target = CNAME.get(name, name)
        if target != name:
            answers.append(rr(name, 5, name_wire(target)))
        if qtype == 1 and target in A:
            answers.append(rr(target, 1, socket.inet_pton(socket.AF_INET, A[target])))
        if qtype == 28 and target in AAAA:
            answers.append(rr(target, 28, socket.inet_pton(socket.AF_INET6, AAAA[target])))
        known = target in A or target in AAAA
        rcode = 0 if known else 3
        hdr = msg[:2] + struct.pack(">HHHHH", 0x8180 | rcode, 1, len(answers), 0, 0)
        s.sendto(hdr + question + b"".join(answers), peer)
