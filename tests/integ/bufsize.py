#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
# How many bytes a sender can write to a receiver that reads nothing, with SO_RCVBUF on the
# listener (inherited by the accepted socket) and SO_SNDBUF on the sender set before the
# connection, or 0 for the defaults: prints "queued N". Usage: bufsize.py IP RCVBUF SNDBUF
import select
import socket
import sys
import time

ip, rcvbuf, sndbuf = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
l = socket.socket()
if rcvbuf:
    l.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
l.bind((ip, 0))
l.listen(1)
c = socket.socket()
if sndbuf:
    c.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, sndbuf)
c.connect(l.getsockname())
a, _ = l.accept()
c.setblocking(False)
chunk = bytes(65536)
total, idle_since = 0, time.monotonic()
while time.monotonic() - idle_since < 1.0:
    try:
        total += c.send(chunk)
        idle_since = time.monotonic()
    except BlockingIOError:
        select.select([], [c], [], 0.1)
print("queued", total)
