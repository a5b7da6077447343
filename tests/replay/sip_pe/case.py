# SPDX-License-Identifier: GPL-2.0-only
"""--pe sip: Call-ID persistence (ip_vs_pe_sip.c) through xdpvs-replay.

UDP 198.18.100.1:5060 -p 60 --pe sip, rr over rs1, rs2 (rr: rs2 first).
Templates are keyed by <client, VIP, 5060, Call-ID>:
 t=1 198.18.0.2:5060 call-a -> rs2 (new template)
 t=2 198.18.0.2:5061 call-b -> rs1 (another Call-ID: new template)
 t=3 198.18.0.2:5062 call-a -> rs2 (template)
 t=4 198.18.0.2:5063, no Call-ID: dropped (the kernel's fill_param fails
     and ip_vs_schedule drops; no fallback to plain persistence)
 t=5 rs1:5060 -> 198.18.0.9:5070 BYE call-c, matching no connection:
     conn_out makes a connection and a template to rs1 and the datagram
     goes out from 198.18.100.1:5060 (built here from scratch)
 t=6 198.18.0.9:5070 answers -> rs1 (that connection)
 t=7 198.18.0.9:5071 call-c -> rs1 (the template; rr alone: rs2)
Listing at t=10: UDP connections 300 s (4:5x left), templates 60 s,
restarted by each connection through them.
"""

import sys

from scapy.all import ARP, Ether, IP, UDP, Raw

from lib import (GW_MAC, LB_MAC, Replay, dest_of, expect_frames, expect_text,
                 fail, frame, rebuilt, rs_mac)

RULES = """-A -u 198.18.100.1:5060 -s rr -p 60 --pe sip
-a -u 198.18.100.1:5060 -r 198.18.1.2:5060 -m
-a -u 198.18.100.1:5060 -r 198.18.2.2:5060 -m
"""


def msg(callid):
    hdr = "Call-ID: %s\r\n" % callid if callid else ""
    return ("INVITE sip:bob@example.com SIP/2.0\r\n"
            "Via: SIP/2.0/UDP pc33.example.com\r\n%s"
            "CSeq: 1 INVITE\r\n\r\n" % hdr).encode()


def cli(src, sport, callid):
    return Ether(src=GW_MAC, dst=LB_MAC) / IP(src=src, dst="198.18.100.1") / \
        UDP(sport=sport, dport=5060) / Raw(msg(callid))


BYE = b"BYE sip:alice@198.18.0.9 SIP/2.0\r\nCall-ID: call-c\r\n\r\n"


def rs1_out():
    return Ether(src=rs_mac(1), dst=LB_MAC) / \
        IP(src="198.18.1.2", dst="198.18.0.9") / \
        UDP(sport=5060, dport=5070) / Raw(BYE)


CONNS = """UDP 04:51  UDP         198.18.0.2:5060    198.18.100.1:5060  198.18.2.2:5060
UDP 04:52  UDP         198.18.0.2:5061    198.18.100.1:5060  198.18.1.2:5060
UDP 04:53  UDP         198.18.0.2:5062    198.18.100.1:5060  198.18.2.2:5060
UDP 04:56  UDP         198.18.0.9:5070    198.18.100.1:5060  198.18.1.2:5060
UDP 04:57  UDP         198.18.0.9:5071    198.18.100.1:5060  198.18.1.2:5060
UDP 00:52  NONE        198.18.0.2:0       198.18.100.1:5060  198.18.1.2:5060
UDP 00:53  NONE        198.18.0.2:0       198.18.100.1:5060  198.18.2.2:5060
UDP 00:57  ASSURED     198.18.0.9:0       198.18.100.1:5060  198.18.1.2:5060
drop pe_no_key 1
"""


def main(binary):
    frames = [
        frame(cli("198.18.0.2", 5060, "call-a"), 1.0),
        frame(cli("198.18.0.2", 5061, "call-b"), 2.0),
        frame(cli("198.18.0.2", 5062, "call-a"), 3.0),
        frame(cli("198.18.0.2", 5063, None), 4.0),
        frame(rs1_out(), 5.0),
        frame(cli("198.18.0.9", 5070, "call-c"), 6.0),
        frame(cli("198.18.0.9", 5071, "call-c"), 7.0),
        frame(Ether(src=GW_MAC, dst="ff:ff:ff:ff:ff:ff") /
              ARP(psrc="198.18.0.2", pdst="198.18.100.1"), 10.0),
    ]
    r = Replay(binary, RULES, frames, listing="--conns", args=["--drops"])
    sent = r.sent()
    got = [dest_of(p) for p in sent]
    exp = ["rs2", "rs1", "rs2", "rs0", "rs1", "rs1"]
    if got != exp:
        fail("sent to %s, expected %s" % (got, exp))
    out = rs1_out()
    out[Ether].src, out[Ether].dst = LB_MAC, GW_MAC
    out[IP].src, out[IP].ttl = "198.18.100.1", 63
    expect_frames([sent[3]], [rebuilt(out)])
    lines = r.stdout.splitlines()
    body = [l for l in lines[2:] if not l.startswith("drop")]
    drops = [l for l in lines[2:] if l.startswith("drop")]

    def key(l):
        return (l.split()[2] not in ("UDP",), l)
    expect_text("\n".join(sorted(body, key=key) + drops) + "\n",
                "\n".join(sorted(CONNS.splitlines()[:-1], key=key) +
                          CONNS.splitlines()[-1:]) + "\n", "ipvsadm -Lnc")


main(sys.argv[1])
