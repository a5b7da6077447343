#!/usr/bin/env python3
"""decode.py — one-line decodings of the frames in the kernel reference pcaps.

Pure Python (no scapy), so it runs on the host as well as in the refvm guest:

    python3 decode.py FILE.pcap [...]     # prints one block per frame

Every checksum that can be verified is verified and printed as ok/BAD: IPv4 header,
TCP/UDP/ICMP/ICMPv6 (pseudo-header included), SCTP CRC32c, GRE and GUE-UDP
checksums.  Quoted packets inside ICMP errors are decoded too; their L4 checksums are
only checked when the quote holds the whole datagram.

The link a frame was seen on is named after the MAC addresses of the lab (see
README.md): c = client, lb = load balancer, r1/r2 = real servers.
"""
import struct
import sys

MACS = {
    '02:00:00:00:00:02': 'c', '02:00:00:00:00:01': 'lb.lc',
    '02:00:00:00:01:02': 'r1', '02:00:00:00:01:01': 'lb.lr1',
    '02:00:00:00:02:02': 'r2', '02:00:00:00:02:01': 'lb.lr2',
}
GUE_PORTS = {6080}


def read_pcap(path):
    with open(path, 'rb') as f:
        data = f.read()
    magic = struct.unpack('<I', data[:4])[0]
    if magic != 0xa1b2c3d4:
        raise ValueError('%s: not a little-endian microsecond pcap' % path)
    off = 24
    out = []
    while off + 16 <= len(data):
        sec, usec, incl, orig = struct.unpack('<IIII', data[off:off + 16])
        off += 16
        out.append((sec, usec, data[off:off + incl]))
        off += incl
    return out


def write_pcap(path, frames):
    """frames: list of (sec, usec, bytes)"""
    with open(path, 'wb') as f:
        f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for sec, usec, b in frames:
            f.write(struct.pack('<IIII', sec, usec, len(b), len(b)))
            f.write(b)


def mac(b):
    return ':'.join('%02x' % x for x in b)


def ip4s(b):
    return '.'.join(str(x) for x in b)


def ip6s(b):
    words = struct.unpack('!8H', b)
    # longest run of zero words -> '::'
    best, bl, i = -1, 0, 0
    while i < 8:
        if words[i] == 0:
            j = i
            while j < 8 and words[j] == 0:
                j += 1
            if j - i > bl and j - i > 1:
                best, bl = i, j - i
            i = j
        else:
            i += 1
    if best < 0:
        return ':'.join('%x' % w for w in words)
    left = ':'.join('%x' % w for w in words[:best])
    right = ':'.join('%x' % w for w in words[best + bl:])
    return left + '::' + right


def csum16(b, init=0):
    if len(b) % 2:
        b += b'\0'
    s = init + sum(struct.unpack('!%dH' % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return s


def inet_ok(b, init=0):
    return csum16(b, init) == 0xffff


def pseudo4(src, dst, proto, length):
    return csum16(src + dst + struct.pack('!BBH', 0, proto, length))


def pseudo6(src, dst, proto, length):
    return csum16(src + dst + struct.pack('!IxxxB', length, proto))


_CRC32C = []
for _n in range(256):
    _c = _n
    for _ in range(8):
        _c = (_c >> 1) ^ 0x82F63B78 if _c & 1 else _c >> 1
    _CRC32C.append(_c)


def crc32c(b):
    c = 0xffffffff
    for x in b:
        c = _CRC32C[(c ^ x) & 0xff] ^ (c >> 8)
    return c ^ 0xffffffff


def okstr(flag):
    return 'ok' if flag else 'BAD'


TCPF = 'FSRPAUEC'


def tcp_flags(f):
    return ''.join(TCPF[i] for i in range(8) if f & (1 << i)) or '.'


def tcp_opts(b):
    out, i = [], 0
    while i < len(b):
        k = b[i]
        if k == 0:
            out.append('eol')
            break
        if k == 1:
            out.append('nop')
            i += 1
            continue
        if i + 1 >= len(b):
            break
        ln = b[i + 1]
        v = b[i + 2:i + ln]
        if k == 2 and ln == 4:
            out.append('mss %d' % struct.unpack('!H', v)[0])
        elif k == 3 and ln == 3:
            out.append('ws %d' % v[0])
        elif k == 4:
            out.append('sackOK')
        elif k == 8 and ln == 10:
            out.append('ts %d,%d' % struct.unpack('!II', v))
        else:
            out.append('opt%d/%d' % (k, ln))
        if ln < 2:
            break
        i += ln
    return ','.join(out)


SCTP_CHUNKS = {0: 'DATA', 1: 'INIT', 2: 'INIT-ACK', 3: 'SACK', 4: 'HB', 5: 'HB-ACK',
               6: 'ABORT', 7: 'SHUTDOWN', 8: 'SHUTDOWN-ACK', 9: 'ERROR',
               10: 'COOKIE-ECHO', 11: 'COOKIE-ACK', 14: 'SHUTDOWN-COMPLETE'}

ICMP4 = {(0, None): 'echo-reply', (8, None): 'echo', (3, 0): 'net-unreach',
         (3, 1): 'host-unreach', (3, 2): 'proto-unreach', (3, 3): 'port-unreach',
         (3, 4): 'frag-needed', (11, 0): 'ttl-exceeded', (11, 1): 'reasm-exceeded',
         (4, 0): 'source-quench', (12, 0): 'param-problem'}
ICMP6 = {(1, 0): 'no-route', (1, 1): 'admin-prohibited', (1, 3): 'addr-unreach',
         (1, 4): 'port-unreach', (2, 0): 'packet-too-big', (3, 0): 'hop-limit-exceeded',
         (3, 1): 'reasm-exceeded', (4, 0): 'param-problem', (128, 0): 'echo',
         (129, 0): 'echo-reply'}


def l4(proto, b, psum, full, depth, fam):
    """decode an L4 payload; psum = pseudo-header partial sum (None = unknown);
    full = the L4 segment is complete (checksums verifiable)."""
    parts = []
    if proto == 6:
        if len(b) < 20:
            sp, dp = struct.unpack('!HH', b[:4]) if len(b) >= 4 else (0, 0)
            s = 'TCP %d>%d' % (sp, dp)
            if len(b) >= 8:
                s += ' seq=%d' % struct.unpack('!I', b[4:8])
            return [s + ' (%d bytes quoted)' % len(b)]
        sp, dp, seq, ack, off, fl, win, ck, urg = struct.unpack('!HHIIBBHHH', b[:20])
        hl = (off >> 4) * 4
        s = 'TCP %d>%d [%s] seq=%d ack=%d win=%d csum=0x%04x' % (
            sp, dp, tcp_flags(fl), seq, ack, win, ck)
        if full and psum is not None:
            s += ' ' + okstr(inet_ok(b, psum))
        if hl > 20:
            s += ' opts=' + tcp_opts(b[20:hl])
        pl = len(b) - hl
        if pl > 0:
            s += ' payload=%d' % pl
            if pl <= 40:
                s += ' %r' % bytes(b[hl:])
        parts.append(s)
    elif proto == 17:
        if len(b) < 8:
            return ['UDP (%d bytes quoted)' % len(b)]
        sp, dp, ln, ck = struct.unpack('!HHHH', b[:8])
        s = 'UDP %d>%d len=%d csum=0x%04x' % (sp, dp, ln, ck)
        if full and psum is not None:
            if ck == 0:
                s += ' (none)' if fam == 4 else ' (zero: no checksum, RFC 6935)'
            else:
                s += ' ' + okstr(inet_ok(b, psum))
        parts.append(s)
        if dp in GUE_PORTS and len(b) >= 12:
            g = b[8:12]
            ver_c_hlen, proto_c, flags = g[0], g[1], struct.unpack('!H', g[2:4])[0]
            hlen = (ver_c_hlen & 0x1f) * 4
            parts.append('GUE ver=%d C=%d hlen=%d proto=%d flags=0x%04x' % (
                ver_c_hlen >> 6, (ver_c_hlen >> 5) & 1, hlen, proto_c, flags))
            parts += inner_ip(proto_c, b[12 + hlen:], depth)
        elif pl_is_text(b[8:]):
            parts[-1] += ' payload=%d %r' % (len(b) - 8, bytes(b[8:]))
        elif len(b) > 8:
            parts[-1] += ' payload=%d' % (len(b) - 8)
    elif proto == 132:
        if len(b) < 12:
            return ['SCTP (%d bytes quoted)' % len(b)]
        sp, dp, tag, ck = struct.unpack('!HHII', b[:12])
        s = 'SCTP %d>%d vtag=0x%08x crc=0x%08x' % (sp, dp, tag, ck)
        if full:
            z = b[:8] + b'\0\0\0\0' + b[12:]
            s += ' ' + okstr(crc32c(z) == struct.unpack('<I', b[8:12])[0])
        i, ch = 12, []
        while i + 4 <= len(b):
            t, f, ln = struct.unpack('!BBH', b[i:i + 4])
            ch.append(SCTP_CHUNKS.get(t, 'chunk%d' % t) + '/%d' % ln)
            if ln < 4:
                break
            i += (ln + 3) & ~3
        parts.append(s + ' chunks=' + ','.join(ch))
    elif proto in (1, 58):
        if len(b) < 8:
            return ['ICMP (%d bytes)' % len(b)]
        t, c, ck = struct.unpack('!BBH', b[:4])
        names = ICMP4 if proto == 1 else ICMP6
        nm = names.get((t, c)) or names.get((t, None)) or 'type%d/%d' % (t, c)
        s = '%s %d/%d %s csum=0x%04x' % ('ICMP' if proto == 1 else 'ICMPv6', t, c, nm, ck)
        if full:
            s += ' ' + okstr(inet_ok(b, psum if proto == 58 else 0))
        if proto == 1 and t == 3 and c == 4:
            s += ' mtu=%d' % struct.unpack('!H', b[6:8])[0]
        if proto == 1 and t in (3, 11, 12) and b[4:6] != b'\0\0' and c != 4:
            s += ' unused=%s' % b[4:8].hex()
        if proto == 58 and t == 2:
            s += ' mtu=%d' % struct.unpack('!I', b[4:8])[0]
        if (proto == 1 and t in (0, 8)) or (proto == 58 and t in (128, 129)):
            s += ' id=%d seq=%d' % struct.unpack('!HH', b[4:8])
            parts.append(s)
        else:
            s += ' quote=%dB' % (len(b) - 8)
            parts.append(s)
            q = b[8:]
            if q and (q[0] >> 4) == 4:
                parts += ['  quoted ' + x for x in ip4(q, depth + 1)]
            elif q and (q[0] >> 4) == 6:
                parts += ['  quoted ' + x for x in ip6(q, depth + 1)]
    elif proto == 47:
        fl, pt = struct.unpack('!HH', b[:4])
        s = 'GRE flags=0x%04x proto=0x%04x' % (fl, pt)
        hl = 4
        if fl & 0x8000:
            ck = struct.unpack('!H', b[4:6])[0]
            s += ' csum=0x%04x %s' % (ck, okstr(inet_ok(b)))
            hl += 4
        if fl & 0x2000:
            hl += 4
        if fl & 0x1000:
            hl += 4
        parts.append(s)
        parts += inner_ip({0x0800: 4, 0x86dd: 41}.get(pt, 0), b[hl:], depth)
    elif proto in (4, 41):
        parts += inner_ip(proto, b, depth)
    else:
        parts.append('proto %d (%d bytes)' % (proto, len(b)))
    return parts


def pl_is_text(b):
    return 0 < len(b) <= 40 and all(32 <= x < 127 or x in (10, 13) for x in b)


def inner_ip(proto, b, depth):
    if proto == 4:
        return ['  inner ' + x for x in ip4(b, depth + 1)]
    if proto == 41:
        return ['  inner ' + x for x in ip6(b, depth + 1)]
    return ['  payload proto %d %d bytes' % (proto, len(b))]


def ip4(b, depth=0):
    if len(b) < 20:
        return ['IPv4 truncated (%d bytes)' % len(b)]
    vihl, tos, tot, ident, frag, ttl, proto, ck = struct.unpack('!BBHHHBBH', b[:12])
    ihl = (vihl & 15) * 4
    src, dst = b[12:16], b[16:20]
    flags = []
    if frag & 0x4000:
        flags.append('DF')
    if frag & 0x2000:
        flags.append('MF')
    if frag & 0x1fff:
        flags.append('off=%d' % ((frag & 0x1fff) * 8))
    s = 'IPv4 %s>%s len=%d id=0x%04x %s ttl=%d tos=0x%02x proto=%d hcsum=0x%04x %s' % (
        ip4s(src), ip4s(dst), tot, ident, '+'.join(flags) or 'frag=0', ttl, tos, proto, ck,
        okstr(inet_ok(b[:ihl])))
    if ihl > 20:
        s += ' ipopts=%s' % b[20:ihl].hex()
    if len(b) < tot:
        s += ' [quoted %d of %d bytes]' % (len(b), tot)
    out = [s]
    pay = b[ihl:tot] if len(b) >= tot else b[ihl:]
    if frag & 0x1fff:
        out.append('fragment payload %d bytes' % len(pay))
        return out
    full = len(b) >= tot and not (frag & 0x2000)
    psum = pseudo4(src, dst, proto, tot - ihl)
    out += l4(proto, pay, psum, full, depth, 4)
    return out


def ip6(b, depth=0):
    if len(b) < 40:
        return ['IPv6 truncated (%d bytes)' % len(b)]
    vtf, plen, nh, hl = struct.unpack('!IHBB', b[:8])
    src, dst = b[8:24], b[24:40]
    tc = (vtf >> 20) & 0xff
    fl = vtf & 0xfffff
    s = 'IPv6 %s>%s plen=%d hlim=%d tc=0x%02x flow=0x%05x nh=%d' % (
        ip6s(src), ip6s(dst), plen, hl, tc, fl, nh)
    if len(b) < 40 + plen:
        s += ' [quoted %d of %d bytes]' % (len(b), 40 + plen)
    out = [s]
    pay = b[40:40 + plen]
    off = 0
    more = False
    while nh in (0, 43, 44, 60) and len(pay) >= off + 8:
        if nh == 44:
            nnh, _, fo, ident = struct.unpack('!BBHI', pay[off:off + 8])
            out.append('  frag-hdr nh=%d off=%d M=%d id=0x%08x' % (nnh, fo & ~7, fo & 1, ident))
            if fo & ~7:
                out.append('  fragment payload %d bytes' % (len(pay) - off - 8))
                return out
            more = bool(fo & 1)
            nh, off = nnh, off + 8
            continue
        nnh, ln = pay[off], (pay[off + 1] + 1) * 8
        out.append('  ext-hdr %d len=%d' % (nh, ln))
        nh, off = nnh, off + ln
    full = len(b) >= 40 + plen and not more
    psum = pseudo6(src, dst, nh, plen - off)
    out += l4(nh, pay[off:], psum, full, depth, 6)
    return out


def frame(b):
    if len(b) < 14:
        return ['short frame']
    d, s, et = b[:6], b[6:12], struct.unpack('!H', b[12:14])[0]
    head = '%s>%s (%s>%s)' % (MACS.get(mac(s), mac(s)), MACS.get(mac(d), mac(d)), mac(s), mac(d))
    if et == 0x0800:
        body = ip4(b[14:])
    elif et == 0x86dd:
        body = ip6(b[14:])
    else:
        body = ['ethertype 0x%04x, %d bytes' % (et, len(b))]
    return [head + ' ' + body[0]] + ['    ' + x for x in body[1:]]


def describe(path):
    lines = []
    for sec, usec, b in read_pcap(path):
        blk = frame(b)
        lines.append('%d.%06d %s' % (sec, usec, blk[0]))
        lines += ['               ' + x for x in blk[1:]]
    return lines


if __name__ == '__main__':
    for p in sys.argv[1:]:
        if len(sys.argv) > 2:
            print('== %s' % p)
        print('\n'.join(describe(p)))
