# SPDX-License-Identifier: GPL-2.0-only
"""One-packet scheduling, the -x/-y thresholds and nat_icmp_send through
xdpvs-replay.

 * UDP 198.18.100.1:53 -o, rr over rs1, rs2: each datagram of one client
   port is scheduled alone (rs2 rs1 rs2 rs1); no connection is kept, each
   counts as one (Conns 4).
 * UDP 198.18.100.1:54 -o -p 30: the template is kept: all to rs2.
 * TCP 198.18.100.1:80 rr over rs1 (-x 2: overloaded at 2 connections,
   cleared below 2 - 2/4 = 2) and rs2: SYNs go rs2 rs1 rs2 rs1, then rs1
   holds 2 and is skipped: rs2 rs2.
 * nat_icmp_send=1: a TCP ACK from rs1:80 (a NAT real service) to a
   client it has no connection with is answered with port unreachable to
   rs1 and dropped; a RST from it is let through (passed on).
"""

import sys

from scapy.all import ICMP, IP, TCP, UDP, Ether, Raw

from lib import (GW_MAC, LB_MAC, Replay, dest_of, expect_text, fail, frame,
                 rs_mac, tcp_in)

RULES = """-A -u 198.18.100.1:53 -s rr -o
-a -u 198.18.100.1:53 -r 198.18.1.2:53 -m
-a -u 198.18.100.1:53 -r 198.18.2.2:53 -m
-A -u 198.18.100.1:54 -s rr -o -p 30
-a -u 198.18.100.1:54 -r 198.18.1.2:54 -m
-a -u 198.18.100.1:54 -r 198.18.2.2:54 -m
-A -t 198.18.100.1:80 -s rr
-a -t 198.18.100.1:80 -r 198.18.1.2:80 -m -x 2
-a -t 198.18.100.1:80 -r 198.18.2.2:80 -m
"""


def udp_in(dport):
    return Ether(src=GW_MAC, dst=LB_MAC) / \
        IP(src="198.18.0.2", dst="198.18.100.1") / \
        UDP(sport=1000, dport=dport) / Raw(b"q")


def from_rs1(flags):
    return Ether(src=rs_mac(1), dst=LB_MAC) / \
        IP(src="198.18.1.2", dst="198.18.0.50") / \
        TCP(sport=80, dport=4000, flags=flags)


# ipvsadm lists the real servers sorted by address.
STATS = """IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes
  -> RemoteAddress:Port
TCP  198.18.100.1:80                     6        6        0      240        0
  -> 198.18.1.2:80                       2        2        0       80        0
  -> 198.18.2.2:80                       4        4        0      160        0
UDP  198.18.100.1:53                     4        4        0      116        0
  -> 198.18.1.2:53                       2        2        0       58        0
  -> 198.18.2.2:53                       2        2        0       58        0
UDP  198.18.100.1:54                     3        3        0       87        0
  -> 198.18.1.2:54                       0        0        0        0        0
  -> 198.18.2.2:54                       3        3        0       87        0
"""


def main(binary):
    frames = [frame(udp_in(53), 1 + i * 0.1) for i in range(4)]
    frames += [frame(udp_in(54), 2 + i * 0.1) for i in range(3)]
    frames += [frame(tcp_in(3000 + i, "S"), 3 + i * 0.1) for i in range(6)]
    frames += [frame(from_rs1("A"), 4.0), frame(from_rs1("R"), 4.1)]
    r = Replay(binary, RULES, frames, listing="--stats",
               args=["--sysctl", "nat_icmp_send=1"])
    sent = r.sent()
    got = [dest_of(p) for p in sent]
    exp = ["rs2", "rs1", "rs2", "rs1", "rs2", "rs2", "rs2",
           "rs2", "rs1", "rs2", "rs1", "rs2", "rs2", "rs1"]
    if got != exp:
        fail("sent to %s, expected %s" % (got, exp))
    icmp = sent[-1]
    if not icmp.haslayer(ICMP) or icmp[IP].dst != "198.18.1.2" or \
            (icmp[ICMP].type, icmp[ICMP].code) != (3, 3):
        fail("expected port unreachable to rs1, got %s" % icmp.summary())
    if len(r.passed()) != 1 or not r.passed()[0][TCP].flags.R:
        fail("the RST should have been passed on")
    expect_text(r.stdout, STATS, "ipvsadm -Ln --stats")


main(sys.argv[1])
