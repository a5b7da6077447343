# SPDX-License-Identifier: GPL-2.0-only
"""wrr through weight edits, a deletion and a re-addition in the middle of
the traffic (timed rules), with the sequences the kernel's wrr gives.

Derivation (ip_vs_wrr.c; dests listed newest first; any change sends the
scan back to the head, recomputes di = gcd and mw = max - (di - 1), keeps
cw unless it exceeds mw or is 0, or rounds it to di):
 A. rs1 w3, rs2 w2, rs3 w1 added: di 1, mw 3, cw 1 (golden/sched/wrr.txt).
    [cw1] rs3 rs2 rs1 [cw3] rs1 [cw2] rs2 rs1 [cw1] rs3 rs2 rs1
 B. rs3 -> w3: di 1, mw 3, cw stays 1; list rs3(3) rs2(2) rs1(3).
    [cw1] rs3 rs2 rs1 [cw3] rs3 rs1 [cw2] rs3 rs2 rs1 [cw1] rs3
 C. rs2 deleted: di 3, mw 1, cw (1/3)*3+1 = 1; list rs3(3) rs1(3).
    rs3 rs1 alternating.
 D. rs2 w2 added again (revived from the trash with its connections):
    di 1, mw 3, cw 1; list rs2(2) rs3(3) rs1(3).
    [cw1] rs2 rs3 rs1 [cw3] rs3 rs1 [cw2] rs2 rs3 rs1 [cw1] rs2
"""

import sys

from lib import Replay, dest_of, expect_text, fail, frame, tcp_in

RULES = """-A -t 198.18.100.1:80 -s wrr
-a -t 198.18.100.1:80 -r 198.18.1.2:80 -m -w 3
-a -t 198.18.100.1:80 -r 198.18.2.2:80 -m -w 2
-a -t 198.18.100.1:80 -r 198.18.3.2:80 -m -w 1
@10 -e -t 198.18.100.1:80 -r 198.18.3.2:80 -m -w 3
@20 -d -t 198.18.100.1:80 -r 198.18.2.2:80
@30 -a -t 198.18.100.1:80 -r 198.18.2.2:80 -m -w 2
"""

EXPECTED = (
    "rs3 rs2 rs1 rs1 rs2 rs1 rs3 rs2 rs1 "
    "rs3 rs2 rs1 rs3 rs1 rs3 rs2 rs1 rs3 "
    "rs3 rs1 rs3 rs1 rs3 rs1 rs3 rs1 rs3 "
    "rs2 rs3 rs1 rs3 rs1 rs2 rs3 rs1 rs2").split()

# Every connection is still in SYN_RECV (active) at the end: rs2 kept the
# connections it had when deleted (3 + 2) and got 3 more.
TABLE = """IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
TCP  198.18.100.1:80 wrr
  -> 198.18.1.2:80                Masq    3      14         0         
  -> 198.18.2.2:80                Masq    2      8          0         
  -> 198.18.3.2:80                Masq    3      14         0         
"""


def main(binary):
    frames = []
    for phase in range(4):
        for i in range(9):
            t = phase * 10 + 1 + i
            frames.append(frame(tcp_in(10000 + t, "S"), t))
    r = Replay(binary, RULES, frames, listing="--list")
    got = [dest_of(p) for p in r.sent()]
    if got != EXPECTED:
        fail("sequence\n got      %s\n expected %s" % (
            " ".join(got), " ".join(EXPECTED)))
    expect_text(r.stdout, TABLE, "ipvsadm -Ln")


main(sys.argv[1])
