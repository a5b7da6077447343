#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Seed inputs for tests/fuzz/fuzz_pkt.c: short conversations with the
services the harness configures (NAT, DR, tunnels, persistence, fwmark,
no real server, bad routes; IPv4 and IPv6), replies and ICMP errors
about them, so the fuzzer starts deep in the engine rather than at the
Ethernet header.

Usage: seeds_pkt.py DIR -- writes one file per seed into DIR.
Input format (see fuzz_pkt.c): a switches byte, then records of
[control][length, 2 bytes big-endian][frame]."""
import os
import socket
import struct
import sys

LB = bytes.fromhex("0200000000fe")
PEER = bytes.fromhex("020000000001")

EXACT, HEAD, TAIL, ROOMY = 0, 1, 2, 3   # control byte: buffer room
MS, SEC, S10 = 0 << 2, 1 << 2, 2 << 2   # control byte: clock step


def csum(b):
    if len(b) & 1:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def crc32c(b):
    crc = 0xFFFFFFFF
    for x in b:
        crc ^= x
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
    return ~crc & 0xFFFFFFFF


def v6(a):
    return ":" in a


def addr(a):
    return socket.inet_pton(socket.AF_INET6 if v6(a) else socket.AF_INET, a)


def pseudo(src, dst, proto, n):
    if v6(src):
        return addr(src) + addr(dst) + struct.pack("!IxxxB", n, proto)
    return addr(src) + addr(dst) + struct.pack("!xBH", proto, n)


def tcp(sp, dp, flags, seq=1000, ack=0, data=b""):
    return struct.pack("!HHIIBBHHH", sp, dp, seq, ack, 5 << 4, flags,
                       29200, 0, 0) + data


def udp(sp, dp, data=b""):
    return struct.pack("!HHHH", sp, dp, 8 + len(data), 0) + data


def sctp(sp, dp, chunks):
    return struct.pack("!HHII", sp, dp, 0x01020304, 0) + chunks


def chunk(t, body=b""):
    c = struct.pack("!BBH", t, 0, 4 + len(body)) + body
    return c + b"\0" * (-len(c) % 4)


def icmp(t, code, rest=0, data=b""):
    return struct.pack("!BBHI", t, code, 0, rest) + data


def l4_fix(src, dst, proto, l4):
    l4 = bytearray(l4)
    if proto == 6:
        l4[16:18] = struct.pack("!H", csum(pseudo(src, dst, 6, len(l4)) + l4))
    elif proto == 17:
        c = csum(pseudo(src, dst, 17, len(l4)) + l4) or 0xFFFF
        l4[6:8] = struct.pack("!H", c)
    elif proto == 132:
        l4[8:12] = struct.pack("<I", crc32c(bytes(l4)))
    elif proto == 58:
        l4[2:4] = struct.pack("!H", csum(pseudo(src, dst, 58, len(l4)) + l4))
    elif proto == 1:
        l4[2:4] = struct.pack("!H", csum(bytes(l4)))
    return bytes(l4)


def ip(src, dst, proto, l4, ttl=64, df=True, opts=b"", frag=0, ext=b"",
       nh=None, fix=True):
    """An IP packet; l4 checksummed unless fix is False.  IPv6: ext is
    the extension headers' bytes and nh the first next-header value."""
    if fix:
        l4 = l4_fix(src, dst, proto, l4)
    if v6(src):
        return struct.pack("!IHBB", 6 << 28, len(ext) + len(l4),
                           proto if nh is None else nh, ttl) + \
            addr(src) + addr(dst) + ext + l4
    hl = 20 + len(opts)
    h = struct.pack("!BBHHHBBH", 0x40 | hl // 4, 0, hl + len(l4), 0x1234,
                    (0x4000 if df else 0) | frag, ttl, proto, 0) + \
        addr(src) + addr(dst) + opts
    h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return h + l4


def eth(pkt, vlans=(), src=PEER):
    t = 0x86DD if pkt[0] >> 4 == 6 else 0x0800
    h = LB + src
    for i, v in enumerate(vlans):
        h += struct.pack("!HH", 0x88A8 if i == 0 and len(vlans) > 1
                         else 0x8100, v)
    return h + struct.pack("!H", t) + pkt


def rec(frame, ctl=EXACT | MS):
    return struct.pack("!BH", ctl, len(frame)) + frame


C4, C6 = "198.18.0.2", "2001:db8::2"
SYN, ACK, FIN, RST, SA = 0x02, 0x10, 0x01, 0x04, 0x12


# rr takes the newest real server first, as the kernel's list order has
# it: replies come from the last one the harness adds.
def nat4_tcp():
    v, r = "198.18.100.1", "198.18.1.3"
    syn = ip(C4, v, 6, tcp(40000, 80, SYN))
    back = ip(v, C4, 6, tcp(80, 40000, SA, 5000, 1001))
    return [rec(eth(syn)),
            rec(eth(ip(r, C4, 6, tcp(8080, 40000, SA, 5000, 1001)))),
            rec(eth(ip(C4, v, 6, tcp(40000, 80, ACK, 1001, 5001)))),
            # the client says the reply could not be delivered
            rec(eth(ip(C4, v, 1, icmp(3, 3, 0, back[:28]))), ROOMY),
            # the real server says the same of the request it got
            rec(eth(ip(r, C4, 1, icmp(3, 4, 1400,
                                      ip(C4, r, 6, tcp(40000, 8080, ACK,
                                                       1001, 5001))[:28])))),
            rec(eth(ip(C4, v, 6, tcp(40000, 80, FIN | ACK, 1001, 5001))),
                EXACT | SEC),
            rec(eth(ip(r, C4, 6, tcp(8080, 40000, FIN | ACK, 5001, 1002)))),
            rec(eth(ip(C4, v, 6, tcp(40000, 80, RST, 1002))), EXACT | S10)]


def nat4_udp_sctp():
    v, r = "198.18.100.1", "198.18.1.3"
    return [rec(eth(ip(C4, v, 17, udp(5353, 53, b"query"))), ROOMY),
            rec(eth(ip("198.18.1.2", C4, 17, udp(53, 5353, b"answer")))),
            rec(eth(ip(C4, v, 17, udp(5354, 54, b"one packet")))),
            rec(eth(ip(C4, v, 132, sctp(40000, 5060,
                                        chunk(1, b"\0" * 16))))),
            rec(eth(ip(r, C4, 132, sctp(5060, 40000,
                                        chunk(2, b"\0" * 16))))),
            rec(eth(ip(C4, v, 132, sctp(40000, 5060,
                                        chunk(10, b"cookie") + chunk(6))))),
            rec(eth(ip(C4, v, 132, sctp(40001, 5060, chunk(0, b"data"))))),
            rec(eth(ip(C4, v, 17, udp(5353, 53, b"x"), fix=False)),
                EXACT | SEC)]


def dr_tun():
    out = []
    for i in range(4):
        out.append(rec(eth(ip(C4, "198.18.100.2", 6,
                              tcp(40010 + i, 80, SYN))), HEAD))
        out.append(rec(eth(ip(C4, "198.18.100.3", 6,
                              tcp(40020 + i, 80, SYN))), ROOMY))
    out.append(rec(eth(ip(C4, "198.18.100.3", 17, udp(5000, 53, b"q"))),
                   ROOMY))
    out.append(rec(eth(ip(C4, "198.18.100.3", 6, tcp(40020, 80, ACK,
                                                    1001, 1)))))
    return out


def persist():
    r = "198.18.1.2"
    return [rec(eth(ip(C4, "198.18.100.4", 6, tcp(41000, 443, SYN)))),
            rec(eth(ip("198.18.1.3", C4, 6, tcp(443, 41000, SA, 1, 1001)))),
            rec(eth(ip("198.18.0.3", "198.18.100.4", 6,
                       tcp(41001, 443, SYN)))),
            rec(eth(ip(C4, "198.18.100.5", 6, tcp(41002, 8443, SYN)))),
            rec(eth(ip(C4, "198.18.100.6", 6, tcp(41003, 21, SYN)))),
            rec(eth(ip(r, C4, 6, tcp(20, 41004, SYN)))),
            rec(eth(ip(C4, "198.18.101.9", 6, tcp(41005, 7, SYN))), HEAD),
            rec(eth(ip(C4, "198.18.101.9", 17, udp(41006, 9))), HEAD),
            rec(eth(ip(C4, "198.18.100.4", 6, tcp(41000, 443, ACK))),
                EXACT | (5 << 2))]


def errors4():
    return [rec(eth(ip(C4, "198.18.100.7", 6, tcp(42000, 80, SYN))), ROOMY),
            rec(eth(ip(C4, "198.18.100.7", 6, tcp(42001, 80, SYN)))),
            rec(eth(ip(C4, "198.18.100.1", 6, tcp(42002, 80, SYN), ttl=1)),
                ROOMY),
            rec(eth(ip(C4, "198.18.100.8", 6, tcp(42003, 80, SYN))), ROOMY),
            rec(eth(ip(C4, "198.18.100.8", 6, tcp(42004, 80, SYN))), ROOMY),
            rec(eth(ip(C4, "198.18.100.8", 6, tcp(42005, 80, SYN))), ROOMY),
            rec(eth(ip(C4, "198.18.100.8", 6,
                       tcp(42006, 80, SYN, data=b"x" * 1000))), ROOMY),
            rec(eth(ip(C4, "198.18.100.8", 17, udp(42007, 53, b"y" * 900),
                       df=False)), ROOMY)]


def shapes4():
    v = "198.18.100.1"
    ra = b"\x94\x04\x00\x00"
    return [rec(eth(ip(C4, v, 6, tcp(43000, 80, SYN), opts=ra * 2),
                    vlans=(100,))),
            rec(eth(ip(C4, v, 6, tcp(43001, 80, SYN)), vlans=(10, 20))),
            rec(eth(ip(C4, v, 6, tcp(43002, 80, SYN), frag=0x2000))),
            rec(eth(ip(C4, v, 6, b"\0" * 8, frag=185, fix=False))),
            rec(eth(ip(C4, v, 47, b"\0\0\x08\0"))),
            rec(eth(ip(C4, v, 1, icmp(8, 0, 1, b"ping")))),
            rec(LB + PEER + b"\x08\x06" + b"\0\1\x08\0\6\4\0\1" + b"\0" * 20),
            rec(eth(ip(C4, v, 17, udp(43003, 53)) + b"\0" * 10))]


def ext6(types, last):
    """IPv6 extension headers of the given types, the last pointing at
    last; returns (bytes, first next-header)."""
    out = b""
    for i, t in enumerate(types):
        nxt = types[i + 1] if i + 1 < len(types) else last
        if t == 44:
            out += struct.pack("!BBHI", nxt, 0, 0, 0x7777)
        elif t == 51:
            out += struct.pack("!BBHI", nxt, 4, 0, 0x1001) + b"\0" * 16
        else:
            out += struct.pack("!BB", nxt, 0) + b"\1\4\0\0\0\0"
    return out, types[0]


def nat6():
    v, r = "2001:db8:100::1", "2001:db8:2::2"
    back = ip(v, C6, 6, tcp(80, 44000, SA, 5000, 1001))
    e, nh = ext6([0, 43, 60], 6)
    fe, fnh = ext6([44], 6)
    return [rec(eth(ip(C6, v, 6, tcp(44000, 80, SYN)))),
            rec(eth(ip(r, C6, 6, tcp(8080, 44000, SA, 5000, 1001)))),
            rec(eth(ip(C6, v, 58, icmp(2, 0, 1280, back[:88]))), ROOMY),
            rec(eth(ip(r, C6, 58, icmp(1, 4, 0, ip(C6, r, 6, tcp(
                44000, 8080, ACK, 1001, 5001))[:60])))),
            rec(eth(ip(C6, v, 6, tcp(44001, 80, SYN), ext=e, nh=nh))),
            rec(eth(ip(C6, v, 6, tcp(44002, 80, SYN), ext=fe, nh=fnh))),
            rec(eth(ip(C6, v, 17, udp(44003, 53, b"q")))),
            rec(eth(ip(C6, v, 132, sctp(44004, 5060, chunk(1, b"\0" * 16)))))]


def other6():
    return [rec(eth(ip(C6, "2001:db8:100::2", 6, tcp(45000 + i, 80, SYN))),
                ROOMY) for i in range(3)] + \
        [rec(eth(ip(C6, "2001:db8:100::3", 6, tcp(45010, 443, SYN)))),
         rec(eth(ip(C6, "2001:db8:100::4", 17, udp(45011, 53))), ROOMY),
         rec(eth(ip(C6, "2001:db8:101::1", 6, tcp(45012, 1500, SYN)))),
         rec(eth(ip(C6, "2001:db8:100::1", 6, tcp(45013, 80, SYN), ttl=1)),
             ROOMY),
         rec(eth(ip(C6, "2001:db8:100::1", 6,
                    tcp(45014, 80, SYN, data=b"z" * 1400))), ROOMY)]


def routes4():
    """Replies towards clients whose way back is missing (net 3),
    unresolved (4), local (5) or narrow (2); a tunnel with pmtu_disc
    off; SCTP by direct routing; the fwmark service without servers
    (cache_bypass); a full connection table."""
    v, r = "198.18.100.1", "198.18.1.3"
    out = []
    for i, c in enumerate(["198.18.3.9", "198.18.4.9", "198.18.5.9",
                           "198.18.2.9"]):
        out.append(rec(eth(ip(c, v, 6, tcp(46000 + i, 80, SYN))), ROOMY))
        out.append(rec(eth(ip(r if i % 2 == 0 else "198.18.1.2", c, 6,
                              tcp(8080, 46000 + i, SA, 1, 1001,
                                  b"r" * 600))), ROOMY))
    out.append(rec(eth(ip(C4, "198.18.100.2", 132,
                          sctp(46010, 5060, chunk(1, b"\0" * 16))))))
    out.append(rec(eth(ip(C4, "198.18.100.2", 132,
                          sctp(46010, 5060, chunk(10, b"c"))))))
    out.append(rec(eth(ip(C4, "198.18.102.7", 6, tcp(46011, 25, SYN))),
                   ROOMY))
    out.append(rec(eth(ip(C4, "198.18.100.3", 6,
                          tcp(46012, 80, SYN, data=b"t" * 1460),
                          df=False)), ROOMY))
    return out


def full_table():
    return [rec(eth(ip(C4, "198.18.100.4", 6, tcp(47000 + i, 443, SYN))),
                ROOMY if i & 1 else EXACT) for i in range(14)]


def ext6_more():
    v = "2001:db8:100::1"
    ah, nh = ext6([51], 6)
    fr, fnh = ext6([60, 44], 58)
    quote = ip(C6, "2001:db8:1::2", 6, tcp(44000, 8080, ACK))[:60]
    return [rec(eth(ip(C6, v, 6, tcp(48000, 80, SYN), ext=ah, nh=nh))),
            rec(eth(ip("2001:db8:2::2", C6, 58, icmp(1, 4, 0, quote),
                       ext=fr, nh=fnh))),
            rec(eth(ip(C6, "2001:db8:100::4", 58, icmp(128, 0, 1)))),
            rec(eth(ip(C6, v, 17, udp(48001, 53, b"x" * 1300))), ROOMY)]


def frags4(src, dst, l4, cuts, ident, order=None):
    """The IPv4 datagram src > dst carrying UDP l4, cut at the payload
    offsets cuts (multiples of 8), in the given order."""
    whole = l4_fix(src, dst, 17, l4)
    bounds = [0] + cuts + [len(whole)]
    out = []
    for k in order or range(len(bounds) - 1):
        a, b = bounds[k], bounds[k + 1]
        more = 0x2000 if k + 2 < len(bounds) else 0
        h = struct.pack("!BBHHHBBH", 0x45, 0, 20 + b - a, ident,
                        more | a // 8, 64, 17, 0) + addr(src) + addr(dst)
        h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
        out.append(rec(eth(h + whole[a:b]), ROOMY))
    return out


def frags6(src, dst, l4, cuts, ident):
    whole = l4_fix(src, dst, 17, l4)
    bounds = [0] + cuts + [len(whole)]
    out = []
    for k in range(len(bounds) - 1):
        a, b = bounds[k], bounds[k + 1]
        fh = struct.pack("!BBHI", 17, 0, a | (k + 2 < len(bounds)), ident)
        out.append(rec(eth(struct.pack("!IHBB", 6 << 28, 8 + b - a, 44, 64) +
                           addr(src) + addr(dst) + fh + whole[a:b]), ROOMY))
    return out


def fragments():
    """Datagrams in fragments: in order, out of order, overlapping,
    repeated, IPv6, a NAT reply, and one never completed."""
    v, v6_ = "198.18.100.1", "2001:db8:100::1"
    q = udp(49000, 53, bytes(range(256)) * 4)
    return frags4(C4, v, q, [512], 0x4001) + \
        frags4(C4, v, udp(49001, 53, b"a" * 1500), [504, 1008], 0x4002,
               [2, 0, 1]) + \
        frags4(C4, v, q, [512], 0x4003, [0, 0, 1]) + \
        frags4(C4, v, q, [512, 504], 0x4004, [0, 2]) + \
        frags4("198.18.1.2", C4, udp(53, 49000, b"r" * 2000), [1480],
               0x4005) + \
        frags6(C6, v6_, udp(49002, 53, b"s" * 1800), [1232], 0x4006) + \
        frags4(C4, v, q, [512], 0x4007)[:1]


SEEDS = {
    "nat4-tcp": (0x00, nat4_tcp),
    "nat4-tcp-secure": (0x10 | 0x20, nat4_tcp),
    "nat4-udp-sctp": (0x00, nat4_udp_sctp),
    "nat4-udp-sctp-sloppy": (0x02 | 0x04, nat4_udp_sctp),
    "dr-tunnel": (0x00, dr_tun),
    "dr-tunnel-nopmtu": (0x80, dr_tun),
    "persist": (0x40, persist),
    "persist-bypass": (0x08, persist),
    "errors4": (0x00, errors4),
    "shapes4": (0x01, shapes4),
    "nat6": (0x01, nat6),
    "other6": (0x00, other6),
    "routes4": (0x01, routes4),
    "routes4-bypass-nopmtu": (0x08 | 0x80, routes4),
    "full-table": (0x40, full_table),
    "ext6": (0x01, ext6_more),
    "fragments": (0x00, fragments),
}


def main():
    d = sys.argv[1]
    os.makedirs(d, exist_ok=True)
    for name, (switches, make) in SEEDS.items():
        with open(os.path.join(d, "seed-" + name), "wb") as f:
            f.write(bytes([switches]) + b"".join(make()))


if __name__ == "__main__":
    main()
