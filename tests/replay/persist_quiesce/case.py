# SPDX-License-Identifier: GPL-2.0-only
"""A persistent client's real server quiesced (weight 0) or deleted in the
middle of the traffic (timed rules), under expire_quiescent_template and
expire_nodest_conn.

TCP 198.18.100.1:80 -p 100, rr over rs1, rs2 (rr picks rs2 first).
198.18.0.2:1000 SYN at 1 -> rs2 (template <TCP, .0.2, 0, VIP, 80> -> rs2,
due 101), ACK at 1.5 (ESTABLISHED, template ASSURED).  At 10 rs2 is given
weight 0 (runs 1, 2) or deleted (run 3).  198.18.0.2:1001 SYN at 20, then
1000's ACK at 21.  Listing at 30.
 1. expire_quiescent_template=0: the template is still valid
    (ip_vs_check_template only looks at weight with the switch on): 1001 ->
    rs2, template restarted at 20 (due 120).
 2. expire_quiescent_template=1: the template is invalidated: rehashed as
    vport = dport = 65535, cport 0, never found again, left to expire (due
    101); 1001 gets a new template to rs1 (rr skips weight 0), due 120.
    1000 carries on to rs2.
 3. rs2 deleted with expire_nodest_conn=1: its connection and template
    are flushed at once; rr's position, on rs2, moved back to the head, so
    1001 -> rs1; 1000's ACK then matches nothing and is not ours.
Expiry: ESTABLISHED at 21 (900 s): 891 s left; SYN_RECV at 20 (60 s): 50.
"""

import sys

from scapy.all import ARP, Ether

from lib import GW_MAC, Replay, dest_of, expect_text, fail, frame, tcp_in

RULES = """-A -t 198.18.100.1:80 -s rr -p 100
-a -t 198.18.100.1:80 -r 198.18.1.2:80 -m
-a -t 198.18.100.1:80 -r 198.18.2.2:80 -m
"""
HEAD = ("IPVS connection entries\n"
        "pro expire state       source             virtual            destination\n")

RUNS = [
    ("@10 -e -t 198.18.100.1:80 -r 198.18.2.2:80 -m -w 0\n",
     ["expire_quiescent_template=0"], ["rs2", "rs2", "rs2", "rs2"],
     """TCP 00:50  SYN_RECV    198.18.0.2:1001    198.18.100.1:80    198.18.2.2:80
TCP 01:30  ASSURED     198.18.0.2:0       198.18.100.1:80    198.18.2.2:80
TCP 14:51  ESTABLISHED 198.18.0.2:1000    198.18.100.1:80    198.18.2.2:80
"""),
    ("@10 -e -t 198.18.100.1:80 -r 198.18.2.2:80 -m -w 0\n",
     ["expire_quiescent_template=1"], ["rs2", "rs2", "rs1", "rs2"],
     """TCP 00:50  SYN_RECV    198.18.0.2:1001    198.18.100.1:80    198.18.1.2:80
TCP 01:11  ASSURED     198.18.0.2:0       198.18.100.1:65535 198.18.2.2:65535
TCP 01:30  NONE        198.18.0.2:0       198.18.100.1:80    198.18.1.2:80
TCP 14:51  ESTABLISHED 198.18.0.2:1000    198.18.100.1:80    198.18.2.2:80
"""),
    ("@10 -d -t 198.18.100.1:80 -r 198.18.2.2:80\n",
     ["expire_nodest_conn=1"], ["rs2", "rs2", "rs1"],
     """TCP 00:50  SYN_RECV    198.18.0.2:1001    198.18.100.1:80    198.18.1.2:80
TCP 01:30  NONE        198.18.0.2:0       198.18.100.1:80    198.18.1.2:80
"""),
]


def main(binary):
    frames = [frame(tcp_in(1000, "S"), 1.0), frame(tcp_in(1000, "A"), 1.5),
              frame(tcp_in(1001, "S"), 20.0), frame(tcp_in(1000, "A"), 21.0),
              frame(Ether(src=GW_MAC, dst="ff:ff:ff:ff:ff:ff") /
                    ARP(psrc="198.18.0.2", pdst="198.18.100.1"), 30.0)]
    for timed, sysctls, dests, conns in RUNS:
        args = []
        for s in sysctls:
            args += ["--sysctl", s]
        r = Replay(binary, RULES + timed, frames, args=args,
                   listing="--conns")
        got = [dest_of(p) for p in r.sent()]
        if got != dests:
            fail("%s: sent to %s, expected %s" % (sysctls, got, dests))
        lines = r.stdout.splitlines()
        expect_text("\n".join(sorted(lines[2:])) + "\n", conns,
                    "ipvsadm -Lnc with %s" % sysctls)
        expect_text("\n".join(lines[:2]) + "\n", HEAD, "header")


main(sys.argv[1])
