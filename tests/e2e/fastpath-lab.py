#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Helpers for tests/e2e/test-fastpath.sh.

  serve --port PORT --file FILE --rate BYTES_PER_S [--timeout S]
      TCP server (IPv4 and IPv6): sends FILE to each client at about
      RATE bytes per second, then closes.  Prints "ready" once
      listening; exits after --timeout seconds (bounded).

  fetch --addr ADDR --port PORT --out FILE [--timeout S]
      Connects, writes what it receives to FILE until the server closes.
      Exit 0 on a clean end of stream; 1 on a reset or a timeout, saying
      which (a transfer cut by the balancer is a failure, not a short
      file).
"""
import argparse
import os
import socket
import sys
import threading
import time


def send_slowly(conn, path, rate):
    chunk = 16384
    start = time.monotonic()
    sent = 0
    try:
        with open(path, "rb") as f:
            while True:
                data = f.read(chunk)
                if not data:
                    break
                conn.sendall(data)
                sent += len(data)
                ahead = sent / rate - (time.monotonic() - start)
                if ahead > 0:
                    time.sleep(ahead)
        conn.shutdown(socket.SHUT_WR)
        conn.settimeout(5)
        while conn.recv(4096):
            pass
    except OSError as e:
        print(f"send: {e}", file=sys.stderr, flush=True)
    finally:
        conn.close()


def serve(args):
    s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("::", args.port))
    s.listen(16)
    s.settimeout(0.5)
    print("ready", flush=True)
    end = time.monotonic() + args.timeout
    while time.monotonic() < end:
        try:
            conn, _ = s.accept()
        except socket.timeout:
            continue
        threading.Thread(target=send_slowly, daemon=True,
                         args=(conn, args.file, args.rate)).start()
    return 0


def fetch(args):
    family = socket.AF_INET6 if ":" in args.addr else socket.AF_INET
    s = socket.socket(family, socket.SOCK_STREAM)
    s.settimeout(args.timeout)
    end = time.monotonic() + args.timeout
    n = 0
    try:
        s.connect((args.addr, args.port))
        # when the SYN was answered, for timing a restart (date +%s%N)
        connected = time.time_ns()
        with open(args.out, "wb") as f:
            while True:
                s.settimeout(max(0.1, end - time.monotonic()))
                data = s.recv(65536)
                if not data:
                    break
                f.write(data)
                n += len(data)
    except socket.timeout:
        print(f"fetch: timed out after {n} bytes", flush=True)
        return 1
    except OSError as e:
        print(f"fetch: {e} after {n} bytes", flush=True)
        return 1
    print(f"fetch: {n} bytes, connected at {connected} ns", flush=True)
    return 0


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    a = sub.add_parser("serve")
    a.add_argument("--port", type=int, required=True)
    a.add_argument("--file", required=True)
    a.add_argument("--rate", type=float, required=True)
    a.add_argument("--timeout", type=float, default=300)
    a = sub.add_parser("fetch")
    a.add_argument("--addr", required=True)
    a.add_argument("--port", type=int, required=True)
    a.add_argument("--out", required=True)
    a.add_argument("--timeout", type=float, default=60)
    args = p.parse_args()
    return serve(args) if args.cmd == "serve" else fetch(args)


if __name__ == "__main__":
    sys.exit(main())
