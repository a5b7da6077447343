#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Helpers for the xdpvsd labs (tests/e2e/test-xdpvsd.sh, test-xdpvsadm-live.sh).

  udp-echo --name NAME --port PORT [--timeout S]
      Dual-stack UDP server on the wildcard address: answers each
      datagram MSG with "NAME:MSG" (so for NAT only: the answer leaves
      from the server's own address).  Prints "ready" once bound; exits
      after --timeout seconds (bounded, like every test process).

  tcp-echo --name NAME --port PORT [--timeout S]
      Dual-stack TCP server, a thread per connection: answers each line
      MSG with "NAME:MSG" at once (a long-lived session shows which
      server it stays on).  Prints "ready" once listening; exits after
      --timeout seconds.

  ping --addr IPV4 [--timeout S]
      One ICMP echo request (raw socket); exit 0 on the reply.

  udp-query --addr IPV4 --port PORT [--bind IPV4] --sport SPORT --size N
            [--no-df] [--tries T] [--timeout S]
      A datagram of N bytes of IP packet (IPv4, no options) from port
      SPORT (of address --bind, else the one routing picks) to ADDR:PORT
      of a udp-echo server, sent again (same port: same flow) until
      answered, T times at most, S seconds each; --no-df sends it
      without DF (IP_PMTUDISC_DONT: the way may fragment it).  Prints
      the name that answered and exits 0 when the answer is "NAME:" and
      the query; exits 1 otherwise.
"""
import argparse
import os
import select
import socket
import socketserver
import struct
import sys
import time


def udp_echo(args):
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("::", args.port))
    print("ready", flush=True)
    end = time.monotonic() + args.timeout
    while True:
        left = end - time.monotonic()
        if left <= 0:
            return 0
        r, _, _ = select.select([s], [], [], left)
        if not r:
            continue
        data, peer = s.recvfrom(65535)
        s.sendto(args.name.encode() + b":" + data, peer)


class EchoServer(socketserver.ThreadingTCPServer):
    address_family = socket.AF_INET6
    allow_reuse_address = True
    daemon_threads = True

    def server_bind(self):
        self.socket.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        super().server_bind()


def tcp_echo(args):
    class Handler(socketserver.StreamRequestHandler):
        def handle(self):
            for line in self.rfile:
                self.wfile.write(args.name.encode() + b":" + line)
                self.wfile.flush()

    srv = EchoServer(("::", args.port), Handler)
    print("ready", flush=True)
    end = time.monotonic() + args.timeout
    while time.monotonic() < end:
        srv.timeout = end - time.monotonic()
        srv.handle_request()
    return 0


def checksum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return ~s & 0xFFFF


def ping(args):
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    ident = os.getpid() & 0xFFFF
    msg = struct.pack("!BBHHH", 8, 0, 0, ident, 1) + b"xdpvs"
    msg = msg[:2] + struct.pack("!H", checksum(msg)) + msg[4:]
    s.sendto(msg, (args.addr, 0))
    end = time.monotonic() + args.timeout
    while time.monotonic() < end:
        r, _, _ = select.select([s], [], [], end - time.monotonic())
        if not r:
            break
        data, peer = s.recvfrom(2048)
        icmp = data[(data[0] & 15) * 4:]
        if peer[0] == args.addr and icmp[0] == 0 and \
                struct.unpack("!H", icmp[4:6])[0] == ident:
            return 0
    return 1


def udp_query(args):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if args.no_df:
        # Linux's IP_MTU_DISCOVER, IP_PMTUDISC_DONT (not in every
        # Python's socket module)
        s.setsockopt(socket.IPPROTO_IP, getattr(socket, "IP_MTU_DISCOVER", 10),
                     getattr(socket, "IP_PMTUDISC_DONT", 0))
    s.bind((args.bind, args.sport))
    s.settimeout(args.timeout)
    q = (b"q%d:" % args.sport).ljust(args.size - 28, b"q")
    for _ in range(args.tries):
        s.sendto(q, (args.addr, args.port))
        try:
            a = s.recv(65535)
        except socket.timeout:
            continue
        name, _, rest = a.partition(b":")
        if rest != q:
            print("a %d-byte answer: %r..." % (len(a), a[:20]))
            return 1
        print(name.decode())
        return 0
    print("no answer")
    return 1


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    u = sub.add_parser("udp-echo")
    u.add_argument("--name", required=True)
    u.add_argument("--port", type=int, required=True)
    u.add_argument("--timeout", type=float, default=300)
    t = sub.add_parser("tcp-echo")
    t.add_argument("--name", required=True)
    t.add_argument("--port", type=int, required=True)
    t.add_argument("--timeout", type=float, default=300)
    g = sub.add_parser("ping")
    g.add_argument("--addr", required=True)
    g.add_argument("--timeout", type=float, default=2)
    q = sub.add_parser("udp-query")
    q.add_argument("--addr", required=True)
    q.add_argument("--port", type=int, required=True)
    q.add_argument("--bind", default="")
    q.add_argument("--sport", type=int, required=True)
    q.add_argument("--size", type=int, required=True)
    q.add_argument("--no-df", action="store_true")
    q.add_argument("--tries", type=int, default=2)
    q.add_argument("--timeout", type=float, default=2)
    args = p.parse_args()
    if args.cmd == "udp-echo":
        return udp_echo(args)
    if args.cmd == "tcp-echo":
        return tcp_echo(args)
    if args.cmd == "ping":
        return ping(args)
    if args.cmd == "udp-query":
        return udp_query(args)
    return 2


if __name__ == "__main__":
    sys.exit(main())
