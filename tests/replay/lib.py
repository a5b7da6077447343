# SPDX-License-Identifier: GPL-2.0-only
"""Replay test helpers: build frames with scapy, run xdpvs-replay on them,
compare what it sent with frames built independently here (scapy computes
every checksum from scratch), and check the final listing."""

import os
import subprocess
import sys
import tempfile

from scapy.all import Ether, IP, IPv6, TCP, UDP, Raw, rdpcap, wrpcap

LB_MAC = "02:00:00:00:00:fe"
GW_MAC = "02:00:00:00:00:01"          # the clients' side
LB_ADDR4 = "198.18.0.254"
LB_ADDR6 = "2001:db8::fe"


def rs_mac(n):
    """MAC of real server n (1..9)."""
    return "02:00:00:00:%02x:02" % n


def rs_neigh_args(n=3):
    """--neigh options for real servers 198.18.N.2 and 2001:db8:N::2."""
    args = []
    for i in range(1, n + 1):
        args += ["--neigh", "198.18.%d.2=%s" % (i, rs_mac(i)),
                 "--neigh", "2001:db8:%d::2=%s" % (i, rs_mac(i))]
    return args


class Replay:
    """One run of xdpvs-replay."""

    def __init__(self, binary, rules, frames, args=(), listing="--stats"):
        self.dir = tempfile.mkdtemp(prefix="xdpvs-replay-")
        rpath = os.path.join(self.dir, "rules")
        with open(rpath, "w") as f:
            f.write(rules)
        inp = os.path.join(self.dir, "in.pcap")
        self.out = os.path.join(self.dir, "out.pcap")
        self.pass_ = os.path.join(self.dir, "pass.pcap")
        wrpcap(inp, frames)
        cmd = [binary, "-r", rpath, "-i", inp, "-o", self.out,
               "--pass", self.pass_, "--lb-mac", LB_MAC,
               "--default-mac", GW_MAC, "--lb-addr", LB_ADDR4,
               "--lb-addr", LB_ADDR6] + rs_neigh_args() + list(args)
        if listing:
            cmd.append(listing)
        p = subprocess.run(cmd, capture_output=True, text=True)
        self.rc = p.returncode
        self.stdout = p.stdout
        self.stderr = p.stderr
        if p.returncode != 0:
            fail("xdpvs-replay exited %d: %s" % (p.returncode, p.stderr))

    def sent(self):
        return list(rdpcap(self.out)) if os.path.getsize(self.out) > 24 else []

    def passed(self):
        return list(rdpcap(self.pass_)) if os.path.getsize(self.pass_) > 24 else []


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def frame(pkt, t):
    """Stamp a frame with its time (seconds)."""
    pkt.time = t
    return pkt


def rebuilt(pkt):
    """The frame with its checksums (and lengths) recomputed by scapy."""
    pkt = pkt.copy()
    for layer in (IP, TCP, UDP):
        if pkt.haslayer(layer):
            l = pkt[layer]
            if hasattr(l, "chksum"):
                del l.chksum
            if layer is IP:
                del l.len
    return Ether(bytes(pkt))


def expect_frames(got, exp):
    """Assert the frames sent equal the expected ones, byte for byte."""
    if len(got) != len(exp):
        fail("sent %d frames, expected %d:\n%s" % (
            len(got), len(exp), "\n".join(p.summary() for p in got)))
    for i, (g, e) in enumerate(zip(got, exp)):
        gb, eb = bytes(g), bytes(e)
        if gb != eb:
            fail("frame %d differs:\n got      %s\n expected %s\n %s\n %s" % (
                i, gb.hex(), eb.hex(), g.summary(), e.summary()))


def expect_text(got, exp, what):
    if got != exp:
        import difflib
        diff = "\n".join(difflib.unified_diff(
            exp.splitlines(), got.splitlines(), "expected", "got",
            lineterm=""))
        fail("%s differs:\n%s" % (what, diff))


def tcp_in(sport, flags, dst="198.18.100.1", dport=80, src="198.18.0.2",
           seq=1000, ack=0, payload=b"", ttl=64):
    return Ether(src=GW_MAC, dst=LB_MAC) / IP(src=src, dst=dst, ttl=ttl) / \
        TCP(sport=sport, dport=dport, flags=flags, seq=seq, ack=ack) / \
        Raw(payload)


def dest_of(pkt):
    """rsN for a frame sent to real server N (by its MAC)."""
    return "rs%d" % int(pkt[Ether].dst.split(":")[4], 16)
