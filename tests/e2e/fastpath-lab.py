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

  udp-sink --port [ADDR/]PORT [--port [ADDR/]PORT]... [--echo]
           [--timeout S]
      Receives numbered datagrams (udp-stream's) on each PORT (of any
      address of both families, or of ADDR alone: a DR or tunnel VIP,
      so that an echo leaves from it), each echoed to its sender with
      --echo.  Prints
      "ready"; on SIGTERM (or after --timeout), for each port, one line
      "sink PORT: N received, last L, missing M, duplicates D, dropped
      by the socket S" (and the first missing numbers if any).

  udp-stream --addr ADDR --port PORT [--port PORT]... --rate PER_S
             [--echo] [--seconds S] [--count N] [--size BYTES]
      Sends datagrams numbered 0, 1, 2 ... (of 64 bytes, or BYTES) to
      ADDR on each PORT (a
      socket each: one connection each), RATE per second per port, and
      with --echo counts their echoes.  Prints "sending
      from ADDR:PORT ..." (its sockets') after the first; stops on SIGTERM or at the bounds (S seconds, N
      datagrams per port), waits up to 1 s for the last echoes and prints
      per port "stream PORT: sent N[, echoed E, missing M, duplicates D,
      dropped by the socket S]".

  udp-verdict --stream LOG --sink LOG [--label PORT=NAME]...
      From the two logs above: one line per port, "NAME: sent N,
      received R, echoed E"; exit 0 if every datagram sent arrived
      once and, for the echoed ports, every echo too (exactly: none
      missing, none twice), 1 otherwise, saying what differs.
"""
import argparse
import re
import os
import select
import signal
import socket
import struct
import sys
import threading
import time

SO_RXQ_OVFL = getattr(socket, "SO_RXQ_OVFL", 40)
SO_RCVBUFFORCE = getattr(socket, "SO_RCVBUFFORCE", 33)
DGRAM_LEN = 64		# bytes of a numbered datagram: "!Q" then padding
RECV_MAX = 65536	# bytes read of a datagram (jumbo frames carry ~9k)
MAX_SEQ = 1 << 20	# datagrams per stream at most (a bitmap of this many)


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


class Seqs:
    """The numbers received of one stream: each once, none missing?"""

    def __init__(self):
        self.seen = bytearray(MAX_SEQ)
        self.n = 0
        self.dups = 0
        self.last = -1
        self.ovfl = 0	# the socket's drop count (SO_RXQ_OVFL), last seen
        self.errors = 0	# ICMP errors reported on the socket

    def add(self, data, anc):
        for level, kind, val in anc:
            if level == socket.SOL_SOCKET and kind == SO_RXQ_OVFL:
                self.ovfl = struct.unpack("I", val[:4])[0]
        if len(data) < 8:
            return
        seq = struct.unpack_from("!Q", data)[0]
        if seq >= MAX_SEQ:
            return
        if self.seen[seq]:
            self.dups += 1
            return
        self.seen[seq] = 1
        self.n += 1
        self.last = max(self.last, seq)

    def missing(self, upto):
        return [i for i in range(upto) if not self.seen[i]]

    def report(self, upto):
        """'N received, last L, missing M, ...' with M counted below upto."""
        miss = self.missing(upto)
        s = (f"{self.n} received, last {self.last}, missing {len(miss)}, "
             f"duplicates {self.dups}, dropped by the socket {self.ovfl}")
        if self.errors:
            s += f", socket errors {self.errors}"
        if miss:
            s += " (first missing: " + " ".join(map(str, miss[:10])) + ")"
        return s


def udp_socket(family, rcvbuf=1 << 22):
    s = socket.socket(family, socket.SOCK_DGRAM)
    # as root, past net.core.rmem_max (a stock kernel's 208 KiB drops
    # datagrams when the machine is busy)
    try:
        s.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, rcvbuf)
    except OSError:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.setsockopt(socket.SOL_SOCKET, SO_RXQ_OVFL, 1)
    return s


def stop_on_sigterm():
    """A list whose truth says SIGTERM came."""
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    return stop


def udp_sink(args):
    socks = {}
    for spec in args.port:
        addr, _, port = spec.rpartition("/")
        port = int(port)
        if addr:
            s = udp_socket(socket.AF_INET6 if ":" in addr
                           else socket.AF_INET)
            s.bind((addr, port))
        else:
            s = udp_socket(socket.AF_INET6)
            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
            s.bind(("::", port))
        socks[s] = (port, Seqs())
    stop = stop_on_sigterm()
    print("ready", flush=True)
    end = time.monotonic() + args.timeout
    while not stop and time.monotonic() < end:
        try:
            ready, _, _ = select.select(list(socks), [], [], 0.2)
        except InterruptedError:
            continue
        for s in ready:
            while True:
                try:
                    data, anc, _, peer = s.recvmsg(RECV_MAX, 64,
                                                   socket.MSG_DONTWAIT)
                except (BlockingIOError, InterruptedError):
                    break
                except OSError:
                    socks[s][1].errors += 1
                    continue
                socks[s][1].add(data, anc)
                if args.echo:
                    try:
                        s.sendto(data, peer)
                    except OSError:
                        socks[s][1].errors += 1
    for port, seqs in socks.values():
        print(f"sink {port}: {seqs.report(seqs.last + 1)}", flush=True)
    return 0


def udp_stream(args):
    family = socket.AF_INET6 if ":" in args.addr else socket.AF_INET
    streams = []
    for port in args.port:
        s = udp_socket(family)
        s.connect((args.addr, port))
        s.setblocking(False)
        # port, socket, sent, echoes, errors (ICMP) on sending
        streams.append([port, s, 0, Seqs() if args.echo else None, 0])
    stop = stop_on_sigterm()
    start = time.monotonic()
    end = start + args.seconds
    said = False
    pad = bytes(args.size - 8)

    def drain():
        for st in streams:
            while st[3] is not None:
                try:
                    data, anc, _, _ = st[1].recvmsg(RECV_MAX, 64)
                except (BlockingIOError, InterruptedError):
                    break
                except OSError:
                    st[4] += 1
                    continue
                st[3].add(data, anc)

    while not stop and time.monotonic() < end:
        due = min(int((time.monotonic() - start) * args.rate) + 1, args.count)
        for st in streams:
            while st[2] < due:
                try:
                    st[1].send(struct.pack("!Q", st[2]) + pad)
                except (BlockingIOError, InterruptedError):
                    break	# sent again next round: counted once sent
                except OSError:
                    st[4] += 1	# an ICMP error reported: not sent
                    break
                st[2] += 1
        if not said:
            print("sending from " + " ".join(
                "%s:%d" % st[1].getsockname()[:2] for st in streams),
                flush=True)
            said = True
        if all(st[2] >= args.count for st in streams):
            break
        drain()
        time.sleep(0.001)
    # the echoes still on their way
    late = time.monotonic() + 1
    while time.monotonic() < late and any(
            st[3] is not None and st[3].n + st[3].dups < st[2]
            for st in streams):
        drain()
        time.sleep(0.005)
    drain()
    for port, _, sent, seqs, errors in streams:
        line = f"stream {port}: sent {sent}"
        if seqs is not None:
            line += ", echoed " + seqs.report(sent)
        if errors:
            line += f", socket errors {errors}"
        print(line, flush=True)
    return 0


def udp_verdict(args):
    names = dict(x.split("=", 1) for x in args.label)
    fields = r"(\d+) received, last (-?\d+), missing (\d+), duplicates (\d+)"
    sent, echoed, got = {}, {}, {}
    with open(args.stream) as f:
        for line in f:
            m = re.match(r"stream (\d+): sent (\d+)", line)
            if m:
                sent[m[1]] = int(m[2])
                e = re.search("echoed " + fields, line)
                if e:
                    echoed[m[1]] = [int(x) for x in e.groups()]
    with open(args.sink) as f:
        for line in f:
            m = re.match(r"sink (\d+): " + fields, line)
            if m:
                got[m[1]] = [int(x) for x in m.groups()[1:]]
    ok = bool(sent)
    for port, n in sent.items():
        name = names.get(port, port)
        r = got.get(port, [0, -1, 0, 0])
        e = echoed.get(port)
        line = f"{name}: sent {n}, received {r[0]}"
        if e:
            line += f", echoed {e[0]}"
        print(line)
        exact = [n, n - 1, 0, 0]
        if n == 0 or r != exact or (e is not None and e != exact):
            print(f"{name}: not every datagram arrived exactly once: "
                  f"{got.get(port)}, echoes {e}; expected {exact}")
            ok = False
    if not ok:
        for path in (args.stream, args.sink):
            with open(path) as f:
                print(f"--- {path}\n{f.read()}", end="")
    return 0 if ok else 1


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
    a = sub.add_parser("udp-sink")
    a.add_argument("--port", action="append", required=True)
    a.add_argument("--echo", action="store_true")
    a.add_argument("--timeout", type=float, default=300)
    a = sub.add_parser("udp-stream")
    a.add_argument("--addr", required=True)
    a.add_argument("--port", type=int, action="append", required=True)
    a.add_argument("--rate", type=float, required=True)
    a.add_argument("--echo", action="store_true")
    a.add_argument("--seconds", type=float, default=30)
    a.add_argument("--count", type=int, default=100000)
    a.add_argument("--size", type=int, default=DGRAM_LEN)
    a = sub.add_parser("udp-verdict")
    a.add_argument("--stream", required=True)
    a.add_argument("--sink", required=True)
    a.add_argument("--label", action="append", default=[])
    args = p.parse_args()
    return {"serve": serve, "fetch": fetch, "udp-sink": udp_sink,
            "udp-stream": udp_stream, "udp-verdict": udp_verdict}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
