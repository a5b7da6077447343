#!/usr/bin/env python3
"""compare.py — which output bytes differ between two recordings (two guest boots)?

    python3 compare.py DIR_A DIR_B [CASE ...]

For every case present in both directories, compares <case>.out.pcap frame by frame
and names the header fields the differing bytes fall in (outer and nested headers:
Ethernet, IPv4/IPv6, ICMP quote, tunnel headers, UDP/TCP/ICMP/GRE checksums).
Used to back the "non-deterministic fields" notes of README.md with evidence.
"""
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import decode  # noqa: E402


def fields(b):
    """list of (start, end, name) for the headers of an Ethernet frame"""
    out = [(0, 6, 'eth.dst'), (6, 12, 'eth.src'), (12, 14, 'eth.type')]
    et = struct.unpack('!H', b[12:14])[0]
    ipfields(b, 14, {0x0800: 4, 0x86dd: 6}.get(et), '', out)
    return out


def ipfields(b, o, ver, pfx, out):
    if ver == 4 and len(b) >= o + 20:
        ihl = (b[o] & 15) * 4
        for s, e, n in ((0, 1, 'ver_ihl'), (1, 2, 'tos'), (2, 4, 'tot_len'), (4, 6, 'id'),
                        (6, 8, 'frag'), (8, 9, 'ttl'), (9, 10, 'proto'), (10, 12, 'hcsum'),
                        (12, 16, 'src'), (16, 20, 'dst'), (20, ihl, 'options')):
            out.append((o + s, o + e, pfx + 'ip.' + n))
        frag = struct.unpack('!H', b[o + 6:o + 8])[0]
        if frag & 0x1fff:
            return
        l4fields(b, o + ihl, b[o + 9], pfx, out)
    elif ver == 6 and len(b) >= o + 40:
        for s, e, n in ((0, 4, 'vtcfl'), (4, 6, 'plen'), (6, 7, 'nh'), (7, 8, 'hlim'),
                        (8, 24, 'src'), (24, 40, 'dst')):
            out.append((o + s, o + e, pfx + 'ip6.' + n))
        nh, p = b[o + 6], o + 40
        if nh == 44:
            out.append((p, p + 8, pfx + 'ip6.frag_hdr'))
            if struct.unpack('!H', b[p + 2:p + 4])[0] & ~7:
                return
            nh, p = b[p], p + 8
        l4fields(b, p, nh, pfx, out)


def l4fields(b, o, proto, pfx, out):
    if proto == 6:
        for s, e, n in ((0, 2, 'sport'), (2, 4, 'dport'), (4, 8, 'seq'), (8, 12, 'ack'),
                        (16, 18, 'csum')):
            out.append((o + s, o + e, pfx + 'tcp.' + n))
    elif proto == 17:
        for s, e, n in ((0, 2, 'sport'), (2, 4, 'dport'), (4, 6, 'len'), (6, 8, 'csum')):
            out.append((o + s, o + e, pfx + 'udp.' + n))
        if len(b) >= o + 12 and struct.unpack('!H', b[o + 2:o + 4])[0] in decode.GUE_PORTS:
            out.append((o + 8, o + 12, pfx + 'gue'))
            ipfields(b, o + 12, {4: 4, 41: 6}.get(b[o + 9]), pfx + 'inner.', out)
    elif proto == 132:
        out.append((o + 8, o + 12, pfx + 'sctp.crc'))
    elif proto in (1, 58):
        out.append((o + 2, o + 4, pfx + 'icmp.csum'))
        out.append((o + 4, o + 8, pfx + 'icmp.rest'))
        if len(b) > o + 8:
            ipfields(b, o + 8, b[o + 8] >> 4, pfx + 'quoted.', out)
    elif proto == 47:
        fl = struct.unpack('!H', b[o:o + 2])[0]
        hl = 8 if fl & 0x8000 else 4
        out.append((o, hl + o, pfx + 'gre'))
        pt = struct.unpack('!H', b[o + 2:o + 4])[0]
        ipfields(b, o + hl, {0x0800: 4, 0x86dd: 6}.get(pt), pfx + 'inner.', out)
    elif proto in (4, 41):
        ipfields(b, o, {4: 4, 41: 6}[proto], pfx + 'inner.', out)


def name_of(flds, i):
    best = None
    for s, e, n in flds:
        if s <= i < e and (best is None or e - s <= best[1] - best[0]):
            best = (s, e, n)
    return best[2] if best else 'payload@%d' % i


def compare(a, b):
    fa, fb = decode.read_pcap(a), decode.read_pcap(b)
    res = []
    if len(fa) != len(fb):
        return ['frame count differs: %d vs %d' % (len(fa), len(fb))]
    for (sa, ua, x), (sb, ub, y) in zip(fa, fb):
        tag = '%d.%06d' % (sa, ua)
        if (sa, ua) != (sb, ub):
            res.append('%s: timestamps differ (%d.%06d)' % (tag, sb, ub))
        if len(x) != len(y):
            res.append('%s: length %d vs %d' % (tag, len(x), len(y)))
            continue
        diff = [i for i in range(len(x)) if x[i] != y[i]]
        if diff:
            flds = fields(x)
            names = []
            for i in diff:
                n = name_of(flds, i)
                if n not in names:
                    names.append(n)
            res.append('%s: %s' % (tag, ', '.join(names)))
    return res


def main():
    da, db = sys.argv[1], sys.argv[2]
    want = sys.argv[3:]
    names = sorted(f[:-9] for f in os.listdir(da) if f.endswith('.out.pcap'))
    for n in names:
        if want and n not in want:
            continue
        pb = os.path.join(db, n + '.out.pcap')
        if not os.path.exists(pb):
            continue
        r = compare(os.path.join(da, n + '.out.pcap'), pb)
        ri = compare(os.path.join(da, n + '.in.pcap'), os.path.join(db, n + '.in.pcap'))
        print('%-26s %s' % (n, 'identical' if not r and not ri else ''))
        for x in ri:
            print('    in  ' + x)
        for x in r:
            print('    out ' + x)


if __name__ == '__main__':
    main()
