#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
# shutdown() on sockets that are bound but not connected, as Linux answers it: on a bound TCP
# socket and on an unconnected UDP socket ENOTCONN, and the socket is still there afterwards (it
# keeps its port and can listen; a datagram is received); SHUT_WR on a listener does nothing.
# Prints one line per check, "RESULT what"; run once on the host (the kernel's answer) and once
# under netcon with the virtual address. Usage: shutdown.py IP
import errno
import socket
import sys

ip = sys.argv[1]


def shut(s, how):
    try:
        s.shutdown(how)
        return "0"
    except OSError as e:
        return errno.errorcode.get(e.errno, str(e.errno))


t = socket.socket()
t.bind((ip, 0))
print(shut(t, socket.SHUT_WR), "bound TCP SHUT_WR")
print(shut(t, socket.SHUT_RDWR), "bound TCP SHUT_RDWR")
print(shut(t, 7), "bound TCP how=7")
port = t.getsockname()[1]
t.listen(4)
print(t.getsockname()[1] == port, "the bound socket keeps its port and listens")
t.close()
l = socket.socket()
l.bind((ip, 0))
l.listen(4)
print(shut(l, socket.SHUT_WR), "listening TCP SHUT_WR")
c = socket.create_connection((ip, l.getsockname()[1]), timeout=5)
a, _ = l.accept()
c.sendall(b"ping")
print(a.recv(4).decode(), "accepted after the shutdowns")
c.shutdown(socket.SHUT_WR)
print(repr(a.recv(4)), "peer's SHUT_WR read as end of stream")
a.sendall(b"pong")
print(c.recv(4).decode(), "half-closed side still reads")
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.bind((ip, 0))
print(shut(u, socket.SHUT_WR), "unconnected UDP SHUT_WR")
v = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
v.sendto(b"dgram", u.getsockname())
u.settimeout(5)
print(u.recvfrom(10)[0].decode(), "UDP receives after it")
