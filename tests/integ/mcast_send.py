# SPDX-License-Identifier: BSD-2-Clause
"""mcast.t's sender, run under `netcon run` on node B: repeats datagrams to the groups (and to a
group nobody joined) until told to switch, then sends "after" ones until told to stop."""
import os
import socket
import sys
import time

P4, P6, IP, PHASE2, STOP = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]

# No bind: IP_MULTICAST_IF naming our virtual address puts the socket on the virtual network.
s4 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s4.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(IP))
s6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s6.bind(("::", 0))
s6.setblocking(False)
end = time.time() + 120


def tcp_to(host, scope):
    """Connect to the receiver's fe80:: address, with and without the scope id."""
    c = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    try:
        c.connect((host, P6))
        print("tcp-noscope: connected", flush=True)
    except OSError as e:
        print("tcp-noscope:", e.errno, flush=True)
    c = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    c.settimeout(30)
    try:
        c.connect((host, P6, 0, scope))
        ln = c.getsockname()
        print("tcp local", ln[0].split("%")[0], "scope", ln[3], flush=True)
        c.sendall(b"hello")
        print("tcp got", c.recv(16).decode(), flush=True)
    except OSError as e:
        print("tcp failed:", e, flush=True)
    c.close()


pong = False
while time.time() < end and not os.path.exists(STOP):
    tag = "after" if os.path.exists(PHASE2) else ""
    s4.sendto((tag or "v4").encode(), ("239.77.1.2", P4))
    s4.sendto(b"unjoined", ("239.77.1.3", P4))
    s6.sendto((tag or "v6").encode(), ("ff05::7a", P6))
    try:
        d, a = s6.recvfrom(64)
        if d == b"pong" and not pong:
            pong = True
            print("pong from", a[0].split("%")[0], "scope", a[3], flush=True)
            tcp_to(a[0].split("%")[0], a[3])
    except BlockingIOError:
        pass
    time.sleep(0.3)
print("sender done", flush=True)
