# SPDX-License-Identifier: GPL-2.0-only
"""The kernel's recorded scheduler sequences, through the whole engine.

tests/data/sched/*.txt hold what the real kernel chose for 13 schedulers
(golden.sh in refvm): 12 sequential requests from one client, then one from
each of 16 clients, each connection closed before the next.  Here the same
services are configured from a rules file, the same requests are replayed
as TCP SYN, ACK, FIN (each connection ends inactive, as the closed curl
connections did), and the real server each SYN was sent to must be the one
the kernel chose; the final ipvsadm -Ln must match the kernel's counts."""

import re
import sys

from lib import Replay, dest_of, expect_text, fail, frame, tcp_in

SCHEDS = ["rr", "wrr", "lc", "wlc", "sed", "nq", "sh", "dh", "mh", "lblc",
          "lblcr", "fo", "ovf"]
DATA = "../../data/sched/"


def rules():
    lines = []
    for n, s in enumerate(SCHEDS, 1):
        v = "198.18.101.%d:80" % n
        lines.append("-A -t %s -s %s" % (v, s))
        for rs, w in ((1, 3), (2, 2), (3, 1)):
            lines.append("-a -t %s -r 198.18.%d.2:80 -m -w %d" % (v, rs, w))
    return "\n".join(lines) + "\n"


def requests():
    """(service index, client address, client port) in golden.sh's order."""
    for n, _ in enumerate(SCHEDS, 1):
        for i in range(12):
            yield n, "198.18.0.2", 20000 + n * 100 + i
        for a in range(10, 26):
            yield n, "198.18.0.%d" % a, 30000 + n * 100 + a


def frames():
    out, t = [], 100.0
    for n, src, port in requests():
        vip = "198.18.101.%d" % n
        for flags, seq in (("S", 1000), ("A", 1001), ("FA", 1001)):
            out.append(frame(tcp_in(port, flags, dst=vip, src=src, seq=seq,
                                    ack=0 if flags == "S" else 5001), t))
            t += 0.001
        # All 364 connections stay within CLOSE_WAIT's 60 s, as the
        # kernel's stayed within TIME_WAIT's 120 s during the recording.
        t += 0.05
    return out


def golden(s):
    with open(DATA + s + ".txt") as f:
        lines = [l.rstrip("\n") for l in f]
    seq = lines[2].split()
    clients = [kv.split("=")[1] for kv in lines[4].split()]
    return seq, clients


def main(binary):
    r = Replay(binary, rules(), frames(), listing="--list")
    syns = [p for p in r.sent() if p["TCP"].flags == "S"]
    if len(syns) != 28 * len(SCHEDS):
        fail("%d SYNs forwarded, expected %d" % (len(syns), 28 * len(SCHEDS)))
    for i, s in enumerate(SCHEDS):
        got = [dest_of(p) for p in syns[i * 28:(i + 1) * 28]]
        seq, clients = golden(s)
        if got[:12] != seq:
            fail("%s: sequence %s, kernel %s" % (s, got[:12], seq))
        if got[12:] != clients:
            fail("%s: per-client %s, kernel %s" % (s, got[12:], clients))
    # The table afterwards: the kernel's blocks for 198.18.101.x.
    with open(DATA + "ipvsadm-Ln.txt") as f:
        exp = f.read()
    blocks = re.findall(r"TCP  198\.18\.101\.\d+:80 .*\n(?:  -> .*\n)*", exp)
    head = "".join(exp.splitlines(True)[:3])
    expect_text(r.stdout, head + "".join(blocks), "ipvsadm -Ln")


main(sys.argv[1])
