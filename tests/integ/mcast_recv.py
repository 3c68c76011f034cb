# SPDX-License-Identifier: BSD-2-Clause
"""mcast.t's receiver, run under `netcon run` on node A: joins 239.77.1.2 and ff05::7a on the
virtual network, reports what arrives, leaves, and reports anything that still arrives."""
import socket
import struct
import sys
import time

P4, P6, DONE = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
G4, G4_OTHER, G6 = "239.77.1.2", "239.77.1.3", "ff05::7a"


def say(*a):
    print(*a, flush=True)


s4 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s4.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s4.bind(("", P4))
mreq4 = socket.inet_aton(G4) + socket.inet_aton("0.0.0.0")
s4.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, mreq4)
try:
    s4.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, mreq4)
    say("join-twice: accepted")
except OSError as e:
    say("join-twice:", e.errno)
try:
    s4.setsockopt(socket.IPPROTO_IP, socket.IP_DROP_MEMBERSHIP,
                  socket.inet_aton(G4_OTHER) + socket.inet_aton("0.0.0.0"))
    say("drop-unjoined: accepted")
except OSError as e:
    say("drop-unjoined:", e.errno)
try:
    s4.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP,
                  socket.inet_aton("10.1.2.3") + socket.inet_aton("0.0.0.0"))
    say("join-unicast: accepted")
except OSError as e:
    say("join-unicast:", e.errno)
s4.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 5)
say("ttl:", s4.getsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL),
    "loop:", s4.getsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP))

s6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s6.bind(("::", P6))
mreq6 = socket.inet_pton(socket.AF_INET6, G6) + struct.pack("@I", 0)
s6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_JOIN_GROUP, mreq6)
# Link-local: the sender learns our fe80:: address from our answer, then connects over TCP.
t = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
t.bind(("::", P6))
t.listen(4)
try:
    t.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, mreq4)
    say("tcp-join: accepted")
except OSError as e:
    say("tcp-join:", e.errno)
say("ready")
answered = False


def drain(deadline, want=None):
    got = []
    for s in (s4, s6):
        s.settimeout(0.2)
    while time.time() < deadline:
        for s in (s4, s6):
            try:
                d, a = s.recvfrom(2048)
            except socket.timeout:
                continue
            got.append(d.decode())
            say("got", d.decode(), "from", a[0], "port", a[1])
            global answered
            if d == b"v6" and not answered:
                answered = True
                say("v6-scope:", a[3])
                s6.sendto(b"pong", (a[0].split("%")[0], a[1], 0, a[3]))
                try:
                    s6.sendto(b"x", (a[0].split("%")[0], a[1]))
                    say("ll-noscope: sent")
                except OSError as e:
                    say("ll-noscope:", e.errno)
        if want and want <= set(got):
            break
    return got


got = drain(time.time() + 60, {"v4", "v6", "loop4"})
t.settimeout(20)
try:
    c, ca = t.accept()
    say("accept-from", ca[0], "scope", ca[3])
    c.sendall(c.recv(16).upper())
    c.close()
except OSError as e:
    say("accept failed:", e)
s4.setsockopt(socket.IPPROTO_IP, socket.IP_DROP_MEMBERSHIP, mreq4)
s6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_LEAVE_GROUP, mreq6)
# What was queued before the leave may still be read: empty the queues first.
drain(time.time() + 1)
say("left")
late = [d for d in drain(time.time() + 6) if d.startswith("after")]
say("after-leave:", len(late))
open(DONE, "w").close()
