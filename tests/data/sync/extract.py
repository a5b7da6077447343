#!/usr/bin/env python3
# extract.py PCAP PHASES NAMES... — the UDP payloads of the sync datagrams
# in PCAP (tcpdump of the master's sync interface, see record.sh), written
# one per file as NAME.bin in the order captured (NAMES gives one name per
# datagram; "-" skips one), each printed decoded, one record a line, in
# the format tests/unit/core/test_sync_msg.c compares with.  The decoder
# here is written apart from core/sync_msg.c, from the kernel's layout.
import ipaddress, struct, sys

def read_pcap(path):
    d = open(path, 'rb').read()
    e = '<' if struct.unpack('<I', d[:4])[0] in (0xa1b2c3d4, 0xa1b23c4d) else '>'
    lt = struct.unpack(e + 'I', d[20:24])[0]
    off = 24
    while off + 16 <= len(d):
        ts, tu, cl, _ = struct.unpack(e + 'IIII', d[off:off + 16])
        yield ts + tu / 1e6, lt, d[off + 16:off + 16 + cl]
        off += 16 + cl

def udp_payload(lt, pkt):
    hdr = {1: 14, 113: 16}[lt]
    et = struct.unpack('>H', pkt[hdr - 2:hdr])[0]
    ip = pkt[hdr:]
    if et == 0x0800 and ip[9] == 17:
        u = ip[(ip[0] & 15) * 4:]
    elif et == 0x86dd and ip[6] == 17:
        u = ip[40:]
    else:
        return None
    return u[8:struct.unpack('>H', u[4:6])[0]]

PROTO = {0: 'IP', 6: 'TCP', 17: 'UDP', 132: 'SCTP'}

def addr(b, port):
    a = ipaddress.ip_address(bytes(b))
    return ('[%s]:%d' if a.version == 6 else '%s:%d') % (a, port)

def fmt(proto, c, v, d, cp, vp, dp, state, flags, timeout, fwmark, opts):
    s = '%s %s %s %s st=%d fl=0x%x to=%d fm=%d' % (
        PROTO.get(proto, str(proto)), addr(c, cp), addr(v, vp), addr(d, dp),
        state, flags, timeout, fwmark)
    return s + opts

def decode(m):
    out = []
    if m[5] == 1 and m[0] == 0 and m[6:8] == b'\0\0':
        n, p = m[4], 8
        for _ in range(n):
            t, proto, vs, flags, st, cp, vp, dp, fm, to = struct.unpack('>BBHIHHHHII', m[p:p + 24])
            size = vs & 0xfff
            al = 16 if t & 1 else 4
            a = [m[p + 24 + i * al:p + 24 + (i + 1) * al] for i in range(3)]
            q, opts = p + 24 + 3 * al, ''
            while q < p + size:
                ot, ol = m[q], m[q + 1]
                data = m[q + 2:q + 2 + ol]
                if ot == 2: opts += ' pe_data=' + data.decode()
                elif ot == 3: opts += ' pe_name=' + data.decode()
                else: opts += ' opt%d=%s' % (ot, data.hex())
                q += 2 + ol
            out.append(fmt(proto, *a, cp, vp, dp, st, flags, to, fm, opts))
            p += (size + 3) & ~3
    else:
        n, p = m[0], 4
        for _ in range(n):
            _, proto, cp, vp, dp = struct.unpack('>BBHHH', m[p:p + 8])
            a = [m[p + 8 + i * 4:p + 12 + i * 4] for i in range(3)]
            flags, st = struct.unpack('>HH', m[p + 20:p + 24])
            out.append(fmt(proto, *a, cp, vp, dp, st, flags, 0, 0, ''))
            p += 48 if flags & 0x600 else 24
    return out

if __name__ == '__main__':
    pcap, names = sys.argv[1], sys.argv[3:]
    phases = [(float(t), n) for n, t in (l.split() for l in open(sys.argv[2]))]
    i = 0
    for t, lt, pkt in read_pcap(pcap):
        m = udp_payload(lt, pkt)
        if m is None:
            continue
        name = names[i] if i < len(names) else 'extra%d' % i
        i += 1
        ph = [n for pt, n in phases if pt <= t]
        if name == '-':
            continue
        open(name + '.bin', 'wb').write(m)
        print('%s.bin (%d bytes, phase %s, syncid %d):' % (name, len(m), ph[-1] if ph else '-', m[1]))
        for r in decode(m):
            print('    ' + r)
