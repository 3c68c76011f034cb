#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
# sendmsg / sendmmsg (by ctypes: python has no sendmmsg) of UDP datagrams to an echo server,
# from a socket bound to BIND or (BIND "-") neither bound nor connected; prints what the calls
# returned and each reply. Usage: sendmsg_client.py sendmsg|sendmmsg BIND IP PORT
import ctypes
import socket
import sys

mode, bind, ip, port = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(5)
if bind != "-":
    s.bind((bind, 0))
if mode == "sendmsg":
    print("sent", s.sendmsg([b"one-", b"two"], [], 0, (ip, port)))
    want = 1
else:

    class iovec(ctypes.Structure):
        _fields_ = [("base", ctypes.c_void_p), ("len", ctypes.c_size_t)]

    class msghdr(ctypes.Structure):
        _fields_ = [("name", ctypes.c_void_p), ("namelen", ctypes.c_uint32), ("iov", ctypes.c_void_p),
                    ("iovlen", ctypes.c_size_t), ("control", ctypes.c_void_p),
                    ("controllen", ctypes.c_size_t), ("flags", ctypes.c_int)]

    class mmsghdr(ctypes.Structure):
        _fields_ = [("hdr", msghdr), ("len", ctypes.c_uint)]

    libc = ctypes.CDLL(None, use_errno=True)
    sa = ctypes.create_string_buffer(socket.AF_INET.to_bytes(2, "little") + port.to_bytes(2, "big") +
                                     socket.inet_aton(ip) + bytes(8), 16)
    bufs = [ctypes.create_string_buffer(b) for b in (b"first", b"second-")]
    iovs = [iovec(ctypes.addressof(b), len(b.value)) for b in bufs]
    vec = (mmsghdr * 2)()
    for i in range(2):
        vec[i].hdr = msghdr(ctypes.addressof(sa), 16, ctypes.addressof(iovs[i]), 1, None, 0, 0)
    n = libc.sendmmsg(s.fileno(), vec, 2, 0)
    print("sent", n, ctypes.get_errno() if n < 0 else "", vec[0].len, vec[1].len)
    want = 2
for _ in range(want):
    d, a = s.recvfrom(200)
    print("reply", d.decode(), "from", a[0], a[1])
