#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
# A port is free again as soon as close() returns, as in Linux: 300 times each, a TCP socket binds
# a fixed port, listens and closes, and a UDP socket binds it and closes; each next bind must
# succeed at once. Prints "failed N" (the binds refused). Usage: rebind.py IP
import socket
import sys

ip = sys.argv[1]
fails = 0
for kind in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
    s = socket.socket(socket.AF_INET, kind)
    s.bind((ip, 0))
    port = s.getsockname()[1]
    s.close()
    for i in range(300):
        sock = socket.socket(socket.AF_INET, kind)
        try:
            sock.bind((ip, port))
            if kind == socket.SOCK_STREAM:
                sock.listen(8)
        except OSError as e:
            fails += 1
            print("bind", i, e, file=sys.stderr)
        sock.close()
print("failed", fails)
