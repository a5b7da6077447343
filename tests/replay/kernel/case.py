# SPDX-License-Identifier: GPL-2.0-only
"""xdpvs against the real kernel IPVS, frame by frame.

tests/data/kernel holds 57 cases recorded from kernel 6.1's IPVS (see its
README): the frames sent into the balancer and every frame it emitted.
Each case is run through xdpvs-replay with the same services and the same
links (MACs, addresses, MTUs) and what xdpvs sends for each input frame
must equal what the kernel sent, byte for byte, except:
 - fields the recording proved random (masked: IPv4 ID and header checksum
   of generated ICMP errors and of tunnel headers without DF, the GUE
   source port and the checksum depending on it, flow labels of generated
   ICMPv6);
 - frames xdpvs hands to the kernel (XDPVS_PASS: not IPVS's business, e.g.
   a stray TCP segment the local stack answers with a RST): whatever the
   kernel's own stack sent for them is not compared;
 - DIVERGENCES below, each stated and checked."""

import json
import os
import struct
import sys

from scapy.all import Ether, IP, IPv6, UDP, ICMP, IPv6ExtHdrFragment, rdpcap

sys.path.insert(0, "..")
from lib import Replay, fail  # noqa: E402

DATA = "../../data/kernel/"
LINKS = ["02:00:00:00:00:01=198.18.0.1/24,2001:db8::1/64",
         "02:00:00:00:01:01=198.18.1.1/24,2001:db8:1::1/64",
         "02:00:00:00:02:01=198.18.2.1/24,2001:db8:2::1/64@1400"]
NEIGH = ["198.18.0.2=02:00:00:00:00:02", "2001:db8::2=02:00:00:00:00:02",
         "198.18.1.2=02:00:00:00:01:02", "2001:db8:1::2=02:00:00:00:01:02",
         "198.18.1.254=02:00:00:00:01:02", "2001:db8:1::fe=02:00:00:00:01:02",
         "198.18.2.2=02:00:00:00:02:02", "2001:db8:2::2=02:00:00:00:02:02"]

# Where xdpvs knowingly differs from the kernel, and what it does instead.
#  udp0: an IPv4 UDP datagram without checksum (0) stays without one under
#    NAT (RFC 768; the issue asks for it); the kernel computes one.
#  record_route: the kernel's IP input fills a Record-Route option with the
#    VIP before IPVS forwards; xdpvs forwards options as they came.
DIVERGENCES = {"udp0", "record_route"}


def args_for(case):
    rules, extra = [], []
    for line in case["setup"]:
        if line.startswith("$ ipvsadm "):
            rules.append(line[len("$ ipvsadm "):])
        elif line.startswith("$ sysctl -w net.ipv4.vs."):
            extra += ["--sysctl", line.split("net.ipv4.vs.")[1]]
    args = extra
    for l in LINKS:
        args += ["--link", l]
    for n in NEIGH:
        args += ["--neigh", n]
    return "\n".join(rules) + "\n", args


def by_input(frames):
    out = {}
    for p in frames:
        out.setdefault(int(round(float(p.time) - 0.5)) if float(p.time) % 1
                       else int(float(p.time)), []).append(p)
    return out


def is_tunnel(proto, p, inp):
    """Does output frame p carry input frame inp in a tunnel?"""
    if proto in (4, 41, 47):
        return True
    if proto != 17:
        return False
    if UDP not in p:
        # A later fragment: forwarded ones keep the datagram's IPv4 ID,
        # a tunnel's outer packet has its own.
        return IP not in inp or inp[IP].id != p[IP].id
    return p[UDP].dport == 6080 and \
        not (UDP in inp and inp[UDP].dport == 6080)


def masked(p, inp):
    """Bytes of p with the recorded-random fields zeroed."""
    b = bytearray(bytes(p))
    off = 14
    generated_icmp = False
    if isinstance(p.payload, IP):
        ip = p[IP]
        df = bool(ip.flags.DF)
        in_icmp = inp is not None and (ICMP in inp)
        generated_icmp = ip.proto == 1 and not in_icmp
        tunnel = is_tunnel(ip.proto, p, inp)
        if generated_icmp or (tunnel and not df):
            b[off + 4:off + 6] = b"\0\0"      # ID
            b[off + 10:off + 12] = b"\0\0"    # header checksum
        hl = ip.ihl * 4
        if ip.proto == 17 and tunnel and UDP in p and \
                p[UDP].dport == 6080:
            b[off + hl:off + hl + 2] = b"\0\0"            # GUE sport
            b[off + hl + 6:off + hl + 8] = b"\0\0"        # its checksum
    elif isinstance(p.payload, IPv6):
        ip6 = p[IPv6]
        in_icmp6 = inp is not None and IPv6 in inp and inp[IPv6].nh == 58
        if ip6.nh == 58 and not in_icmp6:
            b[off + 1] &= 0xf0                 # flow label
            b[off + 2:off + 4] = b"\0\0"
        if IPv6ExtHdrFragment in p:         # fragments we made: their ID
            at = len(b) - len(p[IPv6ExtHdrFragment])
            b[at + 4:at + 8] = b"\0\0\0\0"
        tunnel = is_tunnel(ip6.nh, p, inp)
        if ip6.nh == 17 and tunnel and UDP in p and p[UDP].dport == 6080:
            b[off + 40:off + 42] = b"\0\0"
            b[off + 46:off + 48] = b"\0\0"
    return bytes(b)


def udp0_case(kp, inp):
    """An IPv4 UDP datagram that came without checksum."""
    return IP in inp and UDP in inp and inp[UDP].chksum == 0 and IP in kp \
        and UDP in kp and kp[IP].proto == 17


def has_rr_option(inp):
    return IP in inp and inp[IP].ihl > 5 and bytes(inp[IP])[20] == 7


def compare_frame(name, n, ours, kern, inp, used):
    if udp0_case(kern, inp):
        used.add("udp0")
        if ours[UDP].chksum != 0:
            fail("%s input %d: IPv4 UDP checksum 0 should stay 0" % (name, n))
        k = kern.copy()
        k[UDP].chksum = 0
        kb, ob = masked(Ether(bytes(k)), inp), masked(ours, inp)
    elif has_rr_option(inp):
        used.add("record_route")
        kb, ob = bytearray(masked(kern, inp)), bytearray(masked(ours, inp))
        hl = inp[IP].ihl * 4
        # The header with the option: the packet's own, or the inner one
        # of an IPIP tunnel.
        at = 14 + (20 if kern[IP].proto == 4 else 0)
        for b in (kb, ob):     # header checksum and the option's data
            b[at + 10:at + 12] = b"\0\0"
            b[at + 20:at + hl] = b"\0" * (hl - 20)
    else:
        kb, ob = masked(kern, inp), masked(ours, inp)
    if bytes(kb) != bytes(ob):
        fail("%s: input frame %d, output differs\n ours   %s\n kernel %s\n"
             " ours   %s\n kernel %s" % (name, n, bytes(ob).hex(),
                                       bytes(kb).hex(), ours.summary(),
                                       kern.summary()))


def run_case(binary, case, used):
    name = case["name"]
    rules, args = args_for(case)
    inputs = list(rdpcap(DATA + name + ".in.pcap"))
    kernel = by_input(rdpcap(DATA + name + ".out.pcap")) \
        if case["n_out"] else {}
    r = Replay(binary, rules, inputs, args=args, listing=None)
    ours = by_input(r.sent())
    passed = set(by_input(r.passed()))
    for n, inp in enumerate(inputs, 1):
        k, o = kernel.get(n, []), ours.get(n, [])
        if n in passed:
            if o:
                fail("%s: input %d both passed and sent" % (name, n))
            continue
        if len(k) != len(o):
            fail("%s: input %d: xdpvs sent %d frames, the kernel %d:\n %s\n"
                 " vs\n %s" % (name, n, len(o), len(k),
                               "\n ".join(p.summary() for p in o),
                               "\n ".join(p.summary() for p in k)))
        for ko, oo in zip(k, o):
            compare_frame(name, n, oo, ko, inp, used)


def main(binary):
    with open(DATA + "cases.json") as f:
        cases = json.load(f)
    used = set()
    for case in cases:
        run_case(binary, case, used)
    if used != DIVERGENCES:
        fail("divergences exercised %s, declared %s" % (sorted(used),
                                                        sorted(DIVERGENCES)))


main(sys.argv[1])
