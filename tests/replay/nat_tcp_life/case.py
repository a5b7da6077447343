# SPDX-License-Identifier: GPL-2.0-only
"""A NAT TCP connection's whole life through xdpvs-replay: every frame the
balancer sends equals one built here from scratch (scapy computes the
checksums), and -Lnc shows the connection's states and expiry."""

import sys

from scapy.all import ARP, Ether, IP, TCP, Raw

from lib import (GW_MAC, LB_MAC, Replay, expect_frames, expect_text, frame,
                 rebuilt, rs_mac)

RULES = """-A -t 198.18.100.1:80 -s rr
-a -t 198.18.100.1:80 -r 198.18.1.2:8080 -m -w 1
"""
C, V, R = "198.18.0.2", "198.18.100.1", "198.18.1.2"


def cli(flags, seq, ack, data=b""):
    return Ether(src=GW_MAC, dst=LB_MAC) / IP(src=C, dst=V, id=1, flags="DF") / \
        TCP(sport=40000, dport=80, flags=flags, seq=seq, ack=ack) / Raw(data)


def srv(flags, seq, ack, data=b""):
    return Ether(src=rs_mac(1), dst=LB_MAC) / IP(src=R, dst=C, id=2, flags="DF") / \
        TCP(sport=8080, dport=40000, flags=flags, seq=seq, ack=ack) / Raw(data)


def to_rs(p):
    """What the balancer sends the real server for client frame p."""
    q = p.copy()
    q[Ether].src, q[Ether].dst = LB_MAC, rs_mac(1)
    q[IP].dst, q[IP].ttl, q[TCP].dport = R, 63, 8080
    return rebuilt(q)


def to_client(p):
    """What the balancer sends the client for real-server frame p."""
    q = p.copy()
    q[Ether].src, q[Ether].dst = LB_MAC, GW_MAC
    q[IP].src, q[IP].ttl, q[TCP].sport = V, 63, 80
    return rebuilt(q)


def main(binary):
    req = b"GET / HTTP/1.0\r\n\r\n"
    resp = b"HTTP/1.0 200 OK\r\n\r\nrs1\n"
    life = [  # (time, frame, from client?)
        (1.0, cli("S", 100, 0), True),
        (1.001, srv("SA", 500, 101), False),
        (1.002, cli("A", 101, 501), True),
        (1.003, cli("PA", 101, 501, req), True),
        (1.004, srv("PA", 501, 101 + len(req), resp), False),
        (1.005, cli("FA", 101 + len(req), 501 + len(resp)), True),
        (1.006, srv("FA", 501 + len(resp), 102 + len(req)), False),
        (1.007, cli("A", 102 + len(req), 502 + len(resp)), True),
    ]
    frames = [frame(p, t) for t, p, _ in life]
    # Something that is not ours, 10.5 s later, moves the clock on.
    frames.append(frame(Ether(src=GW_MAC, dst="ff:ff:ff:ff:ff:ff") /
                        ARP(psrc=C, pdst=V), 11.507))
    r = Replay(binary, RULES, frames, listing="--conns")
    expect_frames(r.sent(), [to_rs(p) if c else to_client(p)
                             for _, p, c in life])
    if len(r.passed()) != 1:
        sys.exit("FAIL: the ARP frame should have been passed on")
    # TIME_WAIT (120 s) set at 1.007, listed at 11.507: 109.5 s left.
    expect_text(r.stdout,
                "IPVS connection entries\n"
                "pro expire state       source             virtual            destination\n"
                "TCP 01:49  TIME_WAIT   198.18.0.2:40000   198.18.100.1:80    198.18.1.2:8080\n",
                "ipvsadm -Lnc")


main(sys.argv[1])
