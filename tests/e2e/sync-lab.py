#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Helpers for tests/e2e/test-sync.sh, each bounded in time.

  tcp-echo --name N --port P --timeout S
      answer each line on each connection with "N:line"; prints "ready".
  tcp-client --addr A --port P --cport C --fifo F --timeout S
      connect from port C, then for each line read from fifo F send it
      and print the answer (one line each), until "quit" or the timeout.
  send --addr A --port P [--iface-addr I] --file F | --hex H
      one UDP datagram to A:P (multicast out of the interface with I).
"""
import argparse
import select
import socket
import sys
import threading
import time


def tcp_echo(a):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("", a.port))
    s.listen(16)
    s.settimeout(1)
    print("ready", flush=True)
    end = time.time() + a.timeout

    def serve(c):
        c.settimeout(a.timeout)
        f = c.makefile("rb")
        try:
            for line in f:
                c.sendall(b"%s:%s" % (a.name.encode(), line))
        except OSError:
            pass
        c.close()

    while time.time() < end:
        try:
            c, _ = s.accept()
        except socket.timeout:
            continue
        threading.Thread(target=serve, args=(c,), daemon=True).start()


def tcp_client(a):
    end = time.time() + a.timeout
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("", a.cport))
    s.settimeout(5)
    s.connect((a.addr, a.port))
    f = s.makefile("rb")
    fifo = open(a.fifo, "rb", buffering=0)
    buf = b""
    while time.time() < end:
        r, _, _ = select.select([fifo], [], [], 0.5)
        if not r:
            continue
        chunk = fifo.read(512)
        if not chunk:
            fifo.close()
            fifo = open(a.fifo, "rb", buffering=0)
            continue
        buf += chunk
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            if line == b"quit":
                s.close()
                return
            s.sendall(line + b"\n")
            try:
                print(f.readline().decode().strip() or "EOF", flush=True)
            except socket.timeout:
                print("TIMEOUT", flush=True)


def send(a):
    data = open(a.file, "rb").read() if a.file else bytes.fromhex(a.hex)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    if a.iface_addr:
        s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF,
                     socket.inet_aton(a.iface_addr))
    s.sendto(data, (a.addr, a.port))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("what", choices=["tcp-echo", "tcp-client", "send"])
    p.add_argument("--name", default="rs")
    p.add_argument("--addr")
    p.add_argument("--port", type=int)
    p.add_argument("--cport", type=int, default=0)
    p.add_argument("--fifo")
    p.add_argument("--iface-addr")
    p.add_argument("--file")
    p.add_argument("--hex")
    p.add_argument("--timeout", type=float, default=120)
    a = p.parse_args()
    {"tcp-echo": tcp_echo, "tcp-client": tcp_client, "send": send}[a.what](a)


if __name__ == "__main__":
    sys.exit(main())
