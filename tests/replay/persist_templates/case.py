# SPDX-License-Identifier: GPL-2.0-only
"""Persistence through xdpvs-replay: template keys, the template's life and
re-arming, ASSURED, a fwmark service across ports.

Kernel rules (ip_vs_sched_persist, ip_vs_conn_expire):
 * TCP 198.18.100.1:80 -p 100 -M 255.255.255.0, rr over rs1, rs2 (listed
   rs2, rs1: rr picks rs2 first).  Template <TCP, client/24, 0, VIP, 80>
   -> rs:80, created with 100 s, restarted at 100 s by every connection
   made through it.
 * 198.18.0.2:1000 at t=1 -> rs2 (new template, expires 101), ACK at 1.5:
   ESTABLISHED, template ASSURED.  198.18.0.77:2000 at t=50 -> rs2 (same
   /24; template restarted: expires 150).  198.18.5.2:1000 at t=60 -> rs1
   (another /24, rr's next pick), never answered: SYN_RECV 60 s, gone at
   120, its template (NONE, expires 160) then controls nothing and goes.
 * At 150 the first template still controls 198.18.0.2:1000
   (ESTABLISHED, 900 s): re-armed for 60 s (to 210), keeping 60 s as its
   timeout; 198.18.0.3:3000 at t=170 restarts it at 60 s: to 230.
 * FWM 1 (mark rule: TCP to 198.18.100.2 ports 443-444) -p 360 -M
   255.255.255.0, rr over rs1, rs2: template <IP, client/24, 0, 0.0.0.1,
   0>; 198.18.0.2 to 443 at t=2 -> rs2, 198.18.0.9 to 444 at t=3 -> rs2.
 * The listing at t=200: expiry = due - 200 (mm:ss), seconds truncated.
"""

import sys

from scapy.all import ARP, Ether

from lib import GW_MAC, Replay, dest_of, expect_text, fail, frame, tcp_in

RULES = """-A -t 198.18.100.1:80 -s rr -p 100 -M 255.255.255.0
-a -t 198.18.100.1:80 -r 198.18.1.2:80 -m
-a -t 198.18.100.1:80 -r 198.18.2.2:80 -m
-A -f 1 -s rr -p 360 -M 255.255.255.0
-a -f 1 -r 198.18.1.2:0 -m
-a -f 1 -r 198.18.2.2:0 -m
"""

SENT = [  # (time, client, port, vip, vport, flags, real server)
    (1.0, "198.18.0.2", 1000, "198.18.100.1", 80, "S", "rs2"),
    (1.5, "198.18.0.2", 1000, "198.18.100.1", 80, "A", "rs2"),
    (2.0, "198.18.0.2", 1001, "198.18.100.2", 443, "S", "rs2"),
    (3.0, "198.18.0.9", 1002, "198.18.100.2", 444, "S", "rs2"),
    (50.0, "198.18.0.77", 2000, "198.18.100.1", 80, "S", "rs2"),
    (60.0, "198.18.5.2", 1000, "198.18.100.1", 80, "S", "rs1"),
    (170.0, "198.18.0.3", 3000, "198.18.100.1", 80, "S", "rs2"),
    (170.5, "198.18.0.3", 3000, "198.18.100.1", 80, "A", "rs2"),
]

# 1000: ESTABLISHED at 1.5 (900 s); 1001/1002: SYN_RECV at 2/3 (60 s: gone);
# 2000: SYN_RECV at 50, gone at 110; 3000: ESTABLISHED at 170.5.
# Templates: FWM 1's (ASSURED? no: no connection through it was
# established) expires at 3 + 360 = 363; TCP's at 230.
CONNS = """IPVS connection entries
pro expire state       source             virtual            destination
IP  02:43  NONE        198.18.0.0:0       0.0.0.1:0          198.18.2.2:0
TCP 11:41  ESTABLISHED 198.18.0.2:1000    198.18.100.1:80    198.18.2.2:80
TCP 00:30  ASSURED     198.18.0.0:0       198.18.100.1:80    198.18.2.2:80
TCP 14:30  ESTABLISHED 198.18.0.3:3000    198.18.100.1:80    198.18.2.2:80
"""


def main(binary):
    frames = [frame(tcp_in(p, f, dst=v, dport=vp, src=c), t)
              for t, c, p, v, vp, f, _ in SENT]
    frames.append(frame(Ether(src=GW_MAC, dst="ff:ff:ff:ff:ff:ff") /
                        ARP(psrc="198.18.0.2", pdst="198.18.100.1"), 200.0))
    r = Replay(binary, RULES, frames, listing="--conns",
               args=["--mark", "1:tcp:198.18.100.2/32:443-444"])
    got = [dest_of(p) for p in r.sent()]
    exp = [d for *_, d in SENT]
    if got != exp:
        fail("sent to %s, expected %s" % (got, exp))
    lines = r.stdout.splitlines()
    expect_text("\n".join(lines[:2] + sorted(lines[2:])) + "\n",
                "\n".join(CONNS.splitlines()[:2] +
                          sorted(CONNS.splitlines()[2:])) + "\n",
                "ipvsadm -Lnc")


main(sys.argv[1])
