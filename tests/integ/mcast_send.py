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
end = time.time() + 120
while time.time() < end and not os.path.exists(STOP):
    tag = "after" if os.path.exists(PHASE2) else ""
    s4.sendto((tag or "v4").encode(), ("239.77.1.2", P4))
    s4.sendto(b"unjoined", ("239.77.1.3", P4))
    s6.sendto((tag or "v6").encode(), ("ff05::7a", P6))
    time.sleep(0.3)
print("sender done", flush=True)
