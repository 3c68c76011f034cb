#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Where a netcon daemon's CPU goes: a perf.data file's samples summed into crypto, lwIP, copies,
scheduler, other kernel work (syscalls, UDP/IP, Unix sockets), the daemon's own code and libc."""
import collections
import os
import re
import subprocess
import sys

# (category, test on dso, symbol, kernel?) in order: the first that matches wins.
RULES = [
    ("crypto (Salsa20/12, Poly1305)",
     lambda d, s, k: re.search(r"salsa|poly1305|crypto_|sodium", s) or "sodium" in d),
    # Debian's lwIP is a shared library; our own build is linked into netcon: its functions by name.
    ("lwIP", lambda d, s, k: "lwip" in d or (not k and "netcon" in d and re.match(
        r"(tcp|pbuf|ip4|ip6|ip_|netif|etharp|ethernet|lwip|mem_|memp|inet_|icmp|nd6|mld6|igmp|raw_|"
        r"udp_|sys_|netcon_lwip)", s))),
    ("copies (memcpy, copy to/from user)",
     lambda d, s, k: re.search(r"memmove|memcpy|copy_to_iter|copy_from_iter|copy_user|_copy_", s)),
    ("scheduler (sleeping and waking)",
     lambda d, s, k: k and re.search(r"schedule|switch_to|finish_task_switch|pick_next|enqueue_task|"
                                     r"dequeue_task|try_to_wake|update_curr|psi_", s)),
    ("other kernel (syscalls, UDP/IP, Unix sockets, epoll)", lambda d, s, k: k),
    ("netcon code (loop, ZeroTier, relays)", lambda d, s, k: "netcon" in d),
    ("libc, vdso", lambda d, s, k: "libc" in d or "vdso" in d),
]


def split(path):
    out = subprocess.run(["perf", "report", "-i", path, "--no-children", "--sort", "dso,sym",
                          "-g", "none", "--stdio"], capture_output=True, text=True).stdout
    cat = collections.Counter()
    for line in out.splitlines():
        m = re.match(r"\s+([\d.]+)%\s+(\S+)\s+\[(.)\]\s+(\S+)", line)
        if not m:
            continue
        pct, dso, kind, sym = float(m[1]), m[2], m[3], m[4]
        for name, test in RULES:
            if test(dso, sym, kind == "k"):
                cat[name] += pct
                break
        else:
            cat["other"] += pct
    return cat


def top(path, n):
    """The n symbols with the most samples, each with the daemon (PID) it ran in."""
    out = subprocess.run(["perf", "report", "-i", path, "--no-children", "--sort", "pid,dso,sym",
                          "-g", "none", "--stdio"], capture_output=True, text=True).stdout
    rows = []
    for line in out.splitlines():
        m = re.match(r"\s+([\d.]+)%\s+(\d+):\S*\s+(\S+)\s+\[(.)\]\s+(\S+)", line)
        if m:
            rows.append((float(m[1]), m[2], m[3], m[5]))
    for pct, pid, dso, sym in rows[:n]:
        print("  %5.1f%%  %-7s %-22s %s" % (pct, pid, dso[-22:], sym))


for path in sys.argv[1:]:
    for name, pct in split(path).most_common():
        print("  %5.1f%%  %s" % (pct, name))
    # BENCH_PERF_TOP=N: the N hottest symbols as well (PID tells the daemons apart).
    n = int(os.environ.get("BENCH_PERF_TOP", "0") or 0)
    if n > 0:
        print("  hottest symbols (PID, object, symbol):")
        top(path, n)
