#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Helpers for tests/e2e/test-xdpvs-decap.sh (run inside network namespaces).

  director  a stand-in for an IPVS director in tunnel mode: reads the frames
            to a VIP arriving on one interface (AF_PACKET) and sends them on
            another one encapsulated the way ip_vs_xmit.c does (IPIP or
            IPv6-in-IPv6 and mixed, GUE with nocsum/csum/remcsum, GRE with
            or without checksum) to a real server's MAC.  The kernel here
            has no ip_vs, so the encapsulation is done in user space.
  server    TCP and UDP echo server on [::]:PORT (IPv4 too), answering
            b"rs:" + data.
  client    sends one message by TCP or UDP to ADDR:PORT and checks the
            echo; exit 0 when it came back, 1 otherwise.

Every command stops by itself after --timeout seconds.
"""
import argparse
import ipaddress
import os
import select
import signal
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003
ETH_P_IP = 0x0800
ETH_P_IPV6 = 0x86DD
PACKET_HOST = 0


def csum_add(data, s=0):
    """Ones' complement sum of data as big-endian 16-bit words, added to s."""
    if len(data) % 2:
        data += b"\0"
    s += sum(struct.unpack("!%dH" % (len(data) // 2), data))
    return s


def fold(s):
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return s


def pseudo(src, dst, proto, length):
    return csum_add(src + dst) + proto + length


def ip4_header(src, dst, proto, payload_len, tos, ident):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, tos, 20 + payload_len, ident, 0,
                      64, proto, 0, src, dst)
    c = ~fold(csum_add(hdr)) & 0xFFFF
    return hdr[:10] + struct.pack("!H", c) + hdr[12:]


def ip6_header(src, dst, nexthdr, payload_len, tclass):
    first = (6 << 28) | (tclass << 20)
    return struct.pack("!IHBB16s16s", first, payload_len, nexthdr, 64, src, dst)


def inner_l4(inner):
    """(offset of the transport header, its protocol, addresses) or None."""
    if inner[0] >> 4 == 4:
        hl = (inner[0] & 0xF) * 4
        return hl, inner[9], inner[12:16], inner[16:20]
    if inner[0] >> 4 == 6 and inner[6] in (6, 17):
        return 40, inner[6], inner[8:24], inner[24:40]
    return None


def make_partial(inner):
    """Turn the inner TCP/UDP checksum into the pseudo-header sum, as a
    CHECKSUM_PARTIAL skb has it; return (inner, csum_start, csum_field)."""
    l4 = inner_l4(inner)
    if not l4 or l4[1] not in (6, 17):
        return inner, None, None
    off, proto, src, dst = l4
    field = off + (16 if proto == 6 else 6)
    part = fold(pseudo(src, dst, proto, len(inner) - off))
    inner = inner[:field] + struct.pack("!H", part) + inner[field + 2:]
    return inner, off, field


class Director:
    def __init__(self, a):
        self.a = a
        self.vips = {ipaddress.ip_address(v).packed for v in a.vip}
        self.ident = 1
        self.sport = 49152
        self.rx = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                                socket.htons(ETH_P_ALL))
        self.rx.bind((a.rx_if, ETH_P_ALL))
        self.tx = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
        self.tx.bind((a.tx_if, 0))
        self.src_mac = self.tx.getsockname()[4][:6]
        self.dst_mac = bytes.fromhex(a.dst_mac.replace(":", ""))
        self.src = ipaddress.ip_address(a.src).packed
        self.dst = ipaddress.ip_address(a.dst).packed
        self.v6 = len(self.src) == 16

    def tunnel(self, inner):
        """GUE or GRE header + inner, and the outer IP protocol."""
        a = self.a
        ipproto = 4 if inner[0] >> 4 == 4 else 41
        if a.tun == "ipip":
            return inner, ipproto
        if a.tun == "gre":
            flags = 0x8000 if a.csum == "csum" else 0
            etype = ETH_P_IP if ipproto == 4 else ETH_P_IPV6
            if not flags:
                return struct.pack("!HH", 0, etype) + inner, 47
            body = struct.pack("!HHHH", flags, etype, 0, 0) + inner
            c = ~fold(csum_add(body)) & 0xFFFF
            return body[:4] + struct.pack("!H", c) + body[6:], 47
        # GUE: version 0, hlen in words, proto_ctype, flags
        opts = b""
        flags = 0
        if a.csum == "remcsum":
            inner, start, field = make_partial(inner)
            if start is not None:
                flags = 0x0001  # GUE_FLAG_PRIV
                opts = struct.pack("!IHH", 0x80000000, start, field)
        gue = struct.pack("!BBH", len(opts) // 4, ipproto, flags) + opts
        payload = gue + inner
        self.sport = 49152 + (self.sport + 1) % 16384
        ulen = 8 + len(payload)
        udp = struct.pack("!HHHH", self.sport, a.port, ulen, 0)
        if a.csum in ("csum", "remcsum"):
            c = ~fold(csum_add(udp + payload,
                               pseudo(self.src, self.dst, 17, ulen))) & 0xFFFF
            udp = udp[:6] + struct.pack("!H", c or 0xFFFF)
        return udp + payload, 17

    def forward(self, inner):
        body, proto = self.tunnel(inner)
        if self.v6:
            tc = ((inner[0] & 0xF) << 4 | inner[1] >> 4) if inner[0] >> 4 == 6 else inner[1]
            outer = ip6_header(self.src, self.dst, proto, len(body), tc & ~3)
            etype = ETH_P_IPV6
        else:
            tos = inner[1] if inner[0] >> 4 == 4 else ((inner[0] & 0xF) << 4 | inner[1] >> 4)
            outer = ip4_header(self.src, self.dst, proto, len(body), tos & ~3,
                               self.ident)
            self.ident = (self.ident + 1) & 0xFFFF
            etype = ETH_P_IP
        frame = self.dst_mac + self.src_mac + struct.pack("!H", etype) + outer + body
        self.tx.send(frame)

    def to_vip(self, frame):
        """The IP packet in frame if it goes to a VIP, else None."""
        etype = struct.unpack("!H", frame[12:14])[0]
        pkt = frame[14:]
        if etype == ETH_P_IP and len(pkt) >= 20 and pkt[16:20] in self.vips:
            return pkt[:struct.unpack("!H", pkt[2:4])[0]]
        if etype == ETH_P_IPV6 and len(pkt) >= 40 and pkt[24:40] in self.vips:
            return pkt[:40 + struct.unpack("!H", pkt[4:6])[0]]
        return None

    def run(self):
        print("ready", flush=True)
        end = time.monotonic() + self.a.timeout
        while time.monotonic() < end:
            r, _, _ = select.select([self.rx], [], [], 0.2)
            if not r:
                continue
            frame, addr = self.rx.recvfrom(65535)
            if addr[2] != PACKET_HOST:
                continue
            inner = self.to_vip(frame)
            if inner:
                self.forward(inner)


def cmd_director(a):
    Director(a).run()


def cmd_server(a):
    tcp = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    tcp.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    tcp.bind(("::", a.port))
    tcp.listen(16)
    udp = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    udp.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    udp.bind(("::", a.port))
    print("ready", flush=True)
    end = time.monotonic() + a.timeout
    while time.monotonic() < end:
        r, _, _ = select.select([tcp, udp], [], [], 0.2)
        if udp in r:
            data, peer = udp.recvfrom(65535)
            udp.sendto(b"rs:" + data, peer)
        if tcp in r:
            c, _ = tcp.accept()
            c.settimeout(3)
            try:
                data = c.recv(65535)
                c.sendall(b"rs:" + data)
            except OSError:
                pass
            c.close()


def udp_ask(s, a, msg):
    """Send msg until answered (UDP may lose it on a loaded machine):
    every 0.5 s, within the timeout; with --sent-file, write how many
    datagrams went."""
    end = time.monotonic() + a.timeout
    sent = 0
    try:
        while True:
            s.sendto(msg, (a.addr, a.port))
            sent += 1
            s.settimeout(max(0.01, min(0.5, end - time.monotonic())))
            try:
                got, _ = s.recvfrom(65535)
                return got
            except socket.timeout:
                if time.monotonic() >= end:
                    raise
    finally:
        if a.sent_file:
            with open(a.sent_file, "w") as f:
                f.write("%d\n" % sent)


def cmd_client(a):
    fam = socket.AF_INET6 if ":" in a.addr else socket.AF_INET
    msg = a.msg.encode()
    kind = socket.SOCK_STREAM if a.proto == "tcp" else socket.SOCK_DGRAM
    s = socket.socket(fam, kind)
    s.settimeout(a.timeout)
    try:
        if a.proto == "tcp":
            s.connect((a.addr, a.port))
            s.sendall(msg)
            got = s.recv(65535)
        else:
            got = udp_ask(s, a, msg)
    except OSError as e:
        print("client: %s %s:%d: %s" % (a.proto, a.addr, a.port, e), file=sys.stderr)
        return 1
    if got != b"rs:" + msg:
        print("client: got %r, expected %r" % (got, b"rs:" + msg), file=sys.stderr)
        return 1
    print(got.decode())
    return 0


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("director")
    d.add_argument("--rx-if", required=True)
    d.add_argument("--tx-if", required=True)
    d.add_argument("--dst-mac", required=True)
    d.add_argument("--vip", action="append", required=True)
    d.add_argument("--src", required=True, help="outer source")
    d.add_argument("--dst", required=True, help="outer destination")
    d.add_argument("--tun", choices=("ipip", "gue", "gre"), required=True)
    d.add_argument("--csum", choices=("none", "csum", "remcsum"), default="none")
    d.add_argument("--port", type=int, default=6080)
    d.add_argument("--timeout", type=float, default=30)
    s = sub.add_parser("server")
    s.add_argument("--port", type=int, required=True)
    s.add_argument("--timeout", type=float, default=120)
    c = sub.add_parser("client")
    c.add_argument("--proto", choices=("tcp", "udp"), required=True)
    c.add_argument("--addr", required=True)
    c.add_argument("--port", type=int, required=True)
    c.add_argument("--msg", required=True)
    c.add_argument("--timeout", type=float, default=3)
    c.add_argument("--sent-file", help="write the UDP datagrams sent")
    a = p.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    return {"director": cmd_director, "server": cmd_server,
            "client": cmd_client}[a.cmd](a) or 0


if __name__ == "__main__":
    sys.exit(main())
