# SPDX-License-Identifier: GPL-2.0-only
"""mh and twos through the engine.

mh (Maglev): a client keeps its server; when one of three servers is
removed, its clients move and (almost) nobody else does; the table size is
selectable (--sysctl mh_tab_index, the kernel's build option: 8 gives 251
slots) and keeps the same properties.  twos (weighted random two choices):
with a fixed seed, the load spreads by weight."""

import sys

from lib import Replay, dest_of, fail, frame, tcp_in

CLIENTS = ["198.18.%d.%d" % (10 + i // 250, 1 + i % 250) for i in range(300)]


def mh_run(binary, index):
    rules = """-A -t 198.18.100.1:80 -s mh
-a -t 198.18.100.1:80 -r 198.18.1.2:80 -m
-a -t 198.18.100.1:80 -r 198.18.2.2:80 -m
-a -t 198.18.100.1:80 -r 198.18.3.2:80 -m
@50 -d -t 198.18.100.1:80 -r 198.18.3.2:80
"""
    frames = []
    for rnd, t0 in ((0, 1.0), (1, 20.0), (2, 60.0)):
        for i, c in enumerate(CLIENTS):
            frames.append(frame(tcp_in(10000 + rnd * 1000 + i % 1000, "S",
                                       src=c), t0 + i * 0.01))
    r = Replay(binary, rules, frames, args=["--sysctl",
                                            "mh_tab_index=%d" % index])
    got = [dest_of(p) for p in r.sent()]
    n = len(CLIENTS)
    before, again, after = got[:n], got[n:2 * n], got[2 * n:]
    if before != again:
        fail("mh(%d): clients changed server with nothing changed" % index)
    share = {d: before.count(d) for d in ("rs1", "rs2", "rs3")}
    if min(share.values()) < n / 6:
        fail("mh(%d): uneven split %s" % (index, share))
    if "rs3" in after:
        fail("mh(%d): removed server still chosen" % index)
    others = sum(1 for b, a in zip(before, after) if b != "rs3" and b != a)
    if others > n * 0.05:
        fail("mh(%d): %d clients of remaining servers moved" % (index,
                                                                others))


def twos_run(binary):
    rules = """-A -t 198.18.100.1:80 -s twos
-a -t 198.18.100.1:80 -r 198.18.1.2:80 -m -w 3
-a -t 198.18.100.1:80 -r 198.18.2.2:80 -m -w 2
-a -t 198.18.100.1:80 -r 198.18.3.2:80 -m -w 1
"""
    frames = [frame(tcp_in(20000 + i, "S"), 1 + i * 0.01) for i in range(600)]
    r = Replay(binary, rules, frames, args=["--seed", "7"])
    got = [dest_of(p) for p in r.sent()]
    for d, w in (("rs1", 3), ("rs2", 2), ("rs3", 1)):
        want = 600 * w / 6
        if abs(got.count(d) - want) > want * 0.25:
            fail("twos: %s got %d, weight share %d" % (d, got.count(d),
                                                       want))
    r2 = Replay(binary, rules, frames, args=["--seed", "7"])
    if [dest_of(p) for p in r2.sent()] != got:
        fail("twos: same seed, different choices")


def main(binary):
    mh_run(binary, 12)
    mh_run(binary, 8)
    twos_run(binary)


main(sys.argv[1])
