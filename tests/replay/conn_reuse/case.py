# SPDX-License-Identifier: GPL-2.0-only
"""Port reuse under each conn_reuse_mode (ip_vs_in_hook,
is_new_conn_expected): a new SYN on the ports of an old connection.

Two services, rr over rs1, rs2 each (each picks rs2 first):
 * NAT 198.18.100.1:81: client 2000 opens, both sides close: TIME_WAIT.
 * DR 198.18.100.1:80: client 1000 opens and sends FIN: the balancer sees
   only the client (NOOUTPUT), ESTABLISHED -> FIN_WAIT.
At t=5 both clients send a SYN on the same ports again.  Rescheduled
means a new connection, rr's next choice: rs1; kept means rs2.
 mode 0: never: rs2, rs2.
 mode 1: TIME_WAIT/CLOSE only: rs1 (NAT), rs2 (DR in FIN_WAIT).
 mode 2, 3 (bit 2): also FIN_WAIT with NOOUTPUT: rs1, rs1.
The old connection expires at once (next tick), so the listing at t=10
has only the new (or reused) one per client, SYN_RECV (60 s: 55 left).
"""

import sys

from scapy.all import ARP, Ether, IP, TCP

from lib import (GW_MAC, LB_MAC, Replay, dest_of, expect_text, fail, frame,
                 rs_mac, tcp_in)

RULES = """-A -t 198.18.100.1:80 -s rr
-a -t 198.18.100.1:80 -r 198.18.1.2:80 -g
-a -t 198.18.100.1:80 -r 198.18.2.2:80 -g
-A -t 198.18.100.1:81 -s rr
-a -t 198.18.100.1:81 -r 198.18.1.2:81 -m
-a -t 198.18.100.1:81 -r 198.18.2.2:81 -m
"""


def srv(flags):
    """rs2's reply to client port 2000 (NAT)."""
    return Ether(src=rs_mac(2), dst=LB_MAC) / \
        IP(src="198.18.2.2", dst="198.18.0.2") / \
        TCP(sport=81, dport=2000, flags=flags, seq=5000, ack=1001)


def frames():
    out = [
        (1.0, tcp_in(1000, "S")), (1.1, tcp_in(1000, "A", ack=1)),
        (1.2, tcp_in(1000, "FA", ack=1)),
        (1.0, tcp_in(2000, "S", dport=81)), (1.1, srv("SA")),
        (1.2, tcp_in(2000, "A", dport=81, ack=5001)),
        (1.3, tcp_in(2000, "FA", dport=81, ack=5001)), (1.4, srv("FA")),
        (5.0, tcp_in(1000, "S", seq=9000)),
        (5.0, tcp_in(2000, "S", dport=81, seq=9000)),
        (10.0, Ether(src=GW_MAC, dst="ff:ff:ff:ff:ff:ff") /
         ARP(psrc="198.18.0.2", pdst="198.18.100.1")),
    ]
    out.sort(key=lambda x: x[0])
    return [frame(p, t) for t, p in out]


def main(binary):
    for mode, dr, nat in ((0, "rs2", "rs2"), (1, "rs2", "rs1"),
                          (2, "rs1", "rs1"), (3, "rs1", "rs1")):
        r = Replay(binary, RULES, frames(), listing="--conns",
                   args=["--sysctl", "conn_reuse_mode=%d" % mode])
        # The last two frames to a real server are the SYNs of t=5
        # (DR first, as sent).
        to_rs = [dest_of(p) for p in r.sent() if p[Ether].dst != GW_MAC]
        if to_rs[-2:] != [dr, nat]:
            fail("mode %d: SYNs went to %s, expected %s" %
                 (mode, to_rs[-2:], [dr, nat]))
        rows = sorted(r.stdout.splitlines()[2:])
        exp = sorted([
            "TCP 00:55  SYN_RECV    198.18.0.2:1000    198.18.100.1:80    "
            "198.18.%s.2:80" % dr[2],
            "TCP 00:55  SYN_RECV    198.18.0.2:2000    198.18.100.1:81    "
            "198.18.%s.2:81" % nat[2]])
        expect_text("\n".join(rows), "\n".join(exp), "mode %d -Lnc" % mode)


main(sys.argv[1])
