# SPDX-License-Identifier: GPL-2.0-only
"""Behaviour switches by name (--sysctl NAME=VALUE), each run both ways:
 * sloppy_tcp: a bare ACK to the service starts a connection (else it is
   not ours and is passed on).
 * sloppy_sctp: an SCTP DATA chunk starts one (else passed on).
 * backup_only: nothing changes: it holds only while a backup sync daemon
   runs (the kernel's sysctl_backup_only()), and xdpvs-replay runs none
   (tests/unit/core/test_core.c covers it with one).
 * cache_bypass: FWM 3 (TCP to 198.18.200.0/24) has no real server: the
   SYN is answered with port unreachable (to the client), or with the
   switch sent on to 198.18.200.1 itself (to the default next hop).
"""

import sys

from scapy.all import ICMP, IP, SCTP, SCTPChunkData, TCP, Ether

from lib import GW_MAC, LB_MAC, Replay, dest_of, fail, frame, tcp_in

RULES = """-A -t 198.18.100.1:80 -s rr
-a -t 198.18.100.1:80 -r 198.18.1.2:80 -m
-A --sctp-service 198.18.100.1:80 -s rr
-a --sctp-service 198.18.100.1:80 -r 198.18.1.2:80 -m
-A -f 3 -s rr
"""


def sctp_data():
    return Ether(src=GW_MAC, dst=LB_MAC) / \
        IP(src="198.18.0.2", dst="198.18.100.1") / \
        SCTP(sport=1000, dport=80, tag=1) / SCTPChunkData(data=b"x")


def run(binary, frames, sysctl=None):
    args = ["--mark", "3:tcp:198.18.200.0/24"]
    if sysctl:
        args += ["--sysctl", sysctl]
    return Replay(binary, RULES, frames, args=args, listing="--list")


def main(binary):
    ack = [frame(tcp_in(1000, "A", ack=1), 1.0)]
    for sysctl, sent, passed in ((None, 0, 1), ("sloppy_tcp=1", 1, 0)):
        r = run(binary, ack, sysctl)
        if (len(r.sent()), len(r.passed())) != (sent, passed):
            fail("%s: bare ACK sent %d passed %d" %
                 (sysctl, len(r.sent()), len(r.passed())))
    data = [frame(sctp_data(), 1.0)]
    for sysctl, sent in ((None, 0), ("sloppy_sctp=1", 1)):
        r = run(binary, data, sysctl)
        if len(r.sent()) != sent:
            fail("%s: SCTP DATA sent %d" % (sysctl, len(r.sent())))
    syn = [frame(tcp_in(1000, "S"), 1.0)]
    for sysctl, sent in ((None, ["rs1"]), ("backup_only=1", ["rs1"])):
        r = run(binary, syn, sysctl)
        if [dest_of(p) for p in r.sent()] != sent:
            fail("%s: SYN went to %s" % (sysctl, r.sent()))
    bypass = [frame(tcp_in(1000, "S", dst="198.18.200.1"), 1.0)]
    r = run(binary, bypass)
    p = r.sent()
    if len(p) != 1 or not p[0].haslayer(ICMP) or \
            p[0][IP].dst != "198.18.0.2" or p[0][ICMP].code != 3:
        fail("no dest: expected port unreachable, got %s" % p)
    r = run(binary, bypass, "cache_bypass=1")
    p = r.sent()
    if len(p) != 1 or not p[0].haslayer(TCP) or \
            p[0][IP].dst != "198.18.200.1" or p[0][Ether].dst != GW_MAC:
        fail("cache_bypass: expected the SYN sent on, got %s" % p)


main(sys.argv[1])
