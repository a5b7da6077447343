#!/usr/bin/env python3
"""record.py — drive kernel IPVS with crafted frames and record what it emits.

Runs INSIDE the refvm guest, started by record.sh after it has built the lab
(namespaces cl, lb, rs1, rs2; see README.md).  For every case:
  1. `ipvsadm -C`, then the case's setup commands in the lb namespace;
  2. the case's frames are sent one at a time through AF_PACKET sockets opened in the
     client / real-server namespaces (so they enter the lb through its veth peer);
  3. after each sent frame, every frame the lb emits on any lab link is collected until
     the links are quiet (0.25 s), ordered by kernel receive timestamp;
  4. <case>.in.pcap  — the frames sent, frame N (1-based) stamped N.000000;
     <case>.out.pcap — the frames the lb emitted, each stamped N.00000k where N is the
                       input frame that triggered it and k its rank (1, 2, ...);
     <case>.txt      — setup, decoded frames (decode.py), `ipvsadm -Lnc`, tcpdump -xx dump.
  5. the case's teardown commands (sysctls back to their defaults).

Frames are built with scapy with fixed field values; a case is a generator that yields
(side, packet) and may look at ctx.outs (what the lb emitted so far) to quote it.

Usage: record.py OUTDIR [CASE ...]   (no CASE: all)
"""
import ctypes
import json
import os
import select
import socket
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import decode  # noqa: E402

from scapy.all import (Ether, IP, IPv6, TCP, UDP, ICMP, Raw,  # noqa: E402
                       ICMPv6DestUnreach, ICMPv6PacketTooBig, IPOption,
                       IPv6ExtHdrFragment, fragment, fragment6)
from scapy.layers.sctp import (SCTP, SCTPChunkInit, SCTPChunkInitAck,  # noqa: E402
                               SCTPChunkParamStateCookie, SCTPChunkCookieEcho,
                               SCTPChunkCookieAck, SCTPChunkData)

# ---------------------------------------------------------------- lab constants
MAC = {
    'c': '02:00:00:00:00:02', 'lc': '02:00:00:00:00:01',
    'r1': '02:00:00:00:01:02', 'lr1': '02:00:00:00:01:01',
    'r2': '02:00:00:00:02:02', 'lr2': '02:00:00:00:02:01',
}
PEER = {'c': 'lc', 'r1': 'lr1', 'r2': 'lr2'}
NS = {'c': ('cl', 'c0'), 'r1': ('rs1', 'eth0'), 'r2': ('rs2', 'eth0')}
C4, C6 = '198.18.0.2', '2001:db8::2'
R1_4, R1_6 = '198.18.1.2', '2001:db8:1::2'
R2_4, R2_6 = '198.18.2.2', '2001:db8:2::2'
ROUTER1_4, ROUTER1_6 = '198.18.1.254', '2001:db8:1::fe'


def vip4(n):
    return '198.18.100.%d' % n


def vip6(n):
    return '2001:db8:100::%d' % n


CLIENT_ISN, RS_ISN = 0x10000000, 0x20000000
SYN_OPTS = [('MSS', 1460), ('SAckOK', b''), ('Timestamp', (100000, 0)), ('NOP', None),
            ('WScale', 7)]
SYNACK_OPTS = [('MSS', 1460), ('SAckOK', b''), ('Timestamp', (200000, 100000)),
               ('NOP', None), ('WScale', 7)]
REQ = b'GET / HTTP/1.0\r\n\r\n'
RESP = b'HTTP/1.0 200 OK\r\n\r\nrs1\n'

# ---------------------------------------------------------------- netns sockets
libc = ctypes.CDLL(None, use_errno=True)
CLONE_NEWNET = 0x40000000
SO_TIMESTAMPNS = 35
PACKET_OUTGOING = 4
ETH_P_ALL = 3


def setns(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), 'setns %s' % path)
    finally:
        os.close(fd)


def open_sockets():
    socks = {}
    home = os.open('/proc/self/ns/net', os.O_RDONLY)
    for side, (ns, dev) in NS.items():
        setns('/run/netns/' + ns)
        s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
        s.bind((dev, 0))
        s.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
        s.setblocking(False)
        socks[side] = s
    libc.setns(home, CLONE_NEWNET)
    os.close(home)
    return socks


def is_noise(b):
    """ARP, IPv6 neighbour discovery / MLD and any multicast: not produced by IPVS."""
    et = struct.unpack('!H', b[12:14])[0]
    if et == 0x0806:
        return True
    if b[0] & 1:                       # multicast/broadcast destination MAC
        return True
    if et == 0x86dd and len(b) >= 55 and b[20] == 58 and 133 <= b[54] <= 137:
        return True
    return False


class Recorder:
    def __init__(self, outdir):
        self.outdir = outdir
        self.socks = open_sockets()
        self.noise = 0

    def drain(self):
        for s in self.socks.values():
            while True:
                try:
                    s.recv(65535)
                except BlockingIOError:
                    break

    def collect(self, quiet=0.25, minwait=0.3, maxwait=3.0):
        got = []
        t0 = last = time.monotonic()
        while True:
            now = time.monotonic()
            if now - t0 >= maxwait or (now - t0 >= minwait and now - last >= quiet):
                break
            r, _, _ = select.select(list(self.socks.values()), [], [], 0.05)
            for side, s in self.socks.items():
                if s not in r:
                    continue
                while True:
                    try:
                        data, anc, _fl, addr = s.recvmsg(65535, 256)
                    except BlockingIOError:
                        break
                    if addr[2] == PACKET_OUTGOING:
                        continue
                    ts = 0
                    for lvl, typ, cd in anc:
                        if lvl == socket.SOL_SOCKET and typ == SO_TIMESTAMPNS:
                            sec, ns = struct.unpack('qq', cd[:16])
                            ts = sec * 10**9 + ns
                    if is_noise(data):
                        self.noise += 1
                        continue
                    got.append((ts, side, data))
                    last = time.monotonic()
        got.sort(key=lambda x: x[0])
        return got

    def send(self, side, frame):
        self.socks[side].send(frame)


def lb(cmd, check=False):
    r = subprocess.run(['ip', 'netns', 'exec', 'lb', 'sh', '-c', cmd],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if check and r.returncode:
        raise RuntimeError('%s: %s' % (cmd, r.stdout))
    return r.returncode, r.stdout


# ---------------------------------------------------------------- packet helpers
class Ctx:
    def __init__(self):
        self.ids = {'c': 0x1000, 'r1': 0x2000, 'r2': 0x3000}
        self.outs = []          # list of (input index, side, bytes) emitted so far
        self.ins = []

    def nid(self, side):
        self.ids[side] += 1
        return self.ids[side]

    def last_out(self, side=None):
        for _i, s, b in reversed(self.outs):
            if side is None or s == side:
                return b
        raise LookupError('no output frame on %s yet' % side)


def eth(side):
    return Ether(src=MAC[side], dst=MAC[PEER[side]])


def iph(ctx, side, fam, src, dst, ttl=64, tos=0, df=True, ident=None, options=None, fl=0):
    if fam == 4:
        p = IP(src=src, dst=dst, ttl=ttl, tos=tos, flags='DF' if df else 0,
               id=ctx.nid(side) if ident is None else ident)
        if options is not None:
            p.options = options
        return p
    return IPv6(src=src, dst=dst, hlim=ttl, tc=tos, fl=fl)


class Flow:
    """one client<->VIP flow; .c() builds client->VIP frames, .r() real server->client
    frames (NAT replies, source = real server address:port)."""

    def __init__(self, ctx, fam, c, cport, v, vport, r=None, rport=None, rside='r1',
                 proto='tcp'):
        self.ctx, self.fam, self.caddr, self.cport = ctx, fam, c, cport
        self.vaddr, self.vport, self.raddr = v, vport, r
        self.rport = rport if rport is not None else vport
        self.rside, self.proto = rside, proto
        self.cseq, self.rseq = CLIENT_ISN, RS_ISN

    def _tcp(self, sport, dport, flags, seq, ack, win, opts, payload):
        t = TCP(sport=sport, dport=dport, flags=flags, seq=seq,
                ack=ack if 'A' in flags else 0, window=win, options=opts or [])
        return t / Raw(payload) if payload else t

    def c(self, flags='', payload=b'', ttl=64, tos=0, df=True, opts=None, chksum=None,
          udp_chksum=None, options=None, win=None, fl=0):
        ip = iph(self.ctx, 'c', self.fam, self.caddr, self.vaddr, ttl, tos, df,
                 options=options, fl=fl)
        if self.proto == 'tcp':
            if opts is None and 'S' in flags:
                opts = SYN_OPTS
            l4 = self._tcp(self.cport, self.vport, flags, self.cseq, self.rseq,
                           win or (64240 if 'S' in flags else 502), opts, payload)
            if chksum is not None:
                l4.chksum = chksum
            self.cseq += len(payload) + ('S' in flags) + ('F' in flags)
        else:
            l4 = UDP(sport=self.cport, dport=self.vport)
            if udp_chksum is not None:
                l4.chksum = udp_chksum
            l4 = l4 / Raw(payload or b'query\n')
        return ('c', eth('c') / ip / l4)

    def r(self, flags='', payload=b'', ttl=64, tos=0, opts=None, udp_chksum=None,
          win=None):
        ip = iph(self.ctx, self.rside, self.fam, self.raddr, self.caddr, ttl, tos, True)
        if self.proto == 'tcp':
            if opts is None and 'S' in flags:
                opts = SYNACK_OPTS
            l4 = self._tcp(self.rport, self.cport, flags, self.rseq, self.cseq,
                           win or (65160 if 'S' in flags else 509), opts, payload)
            self.rseq += len(payload) + ('S' in flags) + ('F' in flags)
        else:
            l4 = UDP(sport=self.rport, dport=self.cport)
            if udp_chksum is not None:
                l4.chksum = udp_chksum
            l4 = l4 / Raw(payload or b'answer\n')
        return (self.rside, eth(self.rside) / ip / l4)


def big_udp(ctx, fam, src, dst, sport, dport, total, ttl=64, tos=0, df=True, side='c'):
    """UDP datagram whose IP packet is exactly `total` bytes long"""
    hdr = (20 if fam == 4 else 40) + 8
    pay = bytes((i * 7 + 3) & 0xff for i in range(total - hdr))
    return (side, eth(side) / iph(ctx, side, fam, src, dst, ttl, tos, df) /
            UDP(sport=sport, dport=dport) / Raw(pay))


def ip_of(frame):
    """the IP packet (bytes) of a captured Ethernet frame"""
    return frame[14:]


def icmp_err(ctx, side, fam, src, dst, quoted, kind, mtu=0, quote_len=None):
    """ICMP(v6) error from src to dst quoting `quoted` (IP packet bytes)"""
    q = quoted if quote_len is None else quoted[:quote_len]
    if fam == 4:
        t, c = {'port': (3, 3), 'frag': (3, 4), 'ttl': (11, 0)}[kind]
        ic = ICMP(type=t, code=c, nexthopmtu=mtu) if kind == 'frag' else ICMP(type=t, code=c)
        return (side, eth(side) / iph(ctx, side, 4, src, dst, df=False) / ic / Raw(q))
    if kind == 'port':
        ic = ICMPv6DestUnreach(code=4)
    elif kind == 'ptb':
        ic = ICMPv6PacketTooBig(mtu=mtu)
    else:
        raise ValueError(kind)
    return (side, eth(side) / iph(ctx, side, 6, src, dst) / ic / Raw(q))


# ---------------------------------------------------------------- the cases
CASES = []


def case(name, title, setup, teardown=(), notes=''):
    def deco(fn):
        CASES.append(dict(name=name, title=title, setup=list(setup),
                          teardown=list(teardown), notes=notes, gen=fn))
        return fn
    return deco


def svc(proto, vip, port, fam):
    a = vip if fam == 4 else '[%s]' % vip
    flag = {'tcp': '-t', 'udp': '-u', 'sctp': '--sctp-service'}[proto]
    return '%s %s:%d' % (flag, a, port)


def rs(addr, port, fam):
    return ('%s:%d' if fam == 4 else '[%s]:%d') % (addr, port)


def addr(fam, a4, a6):
    return a4 if fam == 4 else a6


# 1. NAT TCP -------------------------------------------------------------------
for fam, n in ((4, 1), (6, 1)):
    V, R = addr(fam, vip4(n), vip6(n)), addr(fam, R1_4, R1_6)

    @case('nat_tcp_v%d' % fam,
          'NAT (-m) TCP IPv%d: 3-way handshake, request, response, FIN exchange' % fam,
          ['ipvsadm -A %s -s rr' % svc('tcp', V, 80, fam),
           'ipvsadm -a %s -r %s -m' % (svc('tcp', V, 80, fam), rs(R, 80, fam))])
    def _(ctx, fam=fam, V=V, R=R):
        f = Flow(ctx, fam, addr(fam, C4, C6), 40001, V, 80, R)
        yield f.c('S')
        yield f.r('SA')
        yield f.c('A')
        yield f.c('PA', REQ)
        yield f.r('PA', RESP)
        yield f.c('A')
        yield f.c('FA')
        yield f.r('FA')
        yield f.c('A')

for fam, n in ((4, 2), (6, 2)):
    V, R = addr(fam, vip4(n), vip6(n)), addr(fam, R1_4, R1_6)

    @case('nat_tcp_port_v%d' % fam,
          'NAT TCP IPv%d with a real-server port different from the virtual port (80 -> 8080)'
          % fam,
          ['ipvsadm -A %s -s rr' % svc('tcp', V, 80, fam),
           'ipvsadm -a %s -r %s -m' % (svc('tcp', V, 80, fam), rs(R, 8080, fam))])
    def _(ctx, fam=fam, V=V, R=R):
        f = Flow(ctx, fam, addr(fam, C4, C6), 40002, V, 80, R, 8080)
        yield f.c('S')
        yield f.r('SA')
        yield f.c('A')
        yield f.c('PA', REQ)
        yield f.r('PA', RESP)

# 2. NAT UDP / SCTP --------------------------------------------------------------
for fam in (4, 6):
    V3, V4, R = addr(fam, vip4(3), vip6(3)), addr(fam, vip4(4), vip6(4)), addr(fam, R1_4, R1_6)

    @case('nat_udp_v%d' % fam,
          'NAT UDP IPv%d: same port (53->53) and port change (53->5353), each with a '
          'valid and with a zero UDP checksum, both directions' % fam,
          ['ipvsadm -A %s -s rr' % svc('udp', V3, 53, fam),
           'ipvsadm -a %s -r %s -m' % (svc('udp', V3, 53, fam), rs(R, 53, fam)),
           'ipvsadm -A %s -s rr' % svc('udp', V4, 53, fam),
           'ipvsadm -a %s -r %s -m' % (svc('udp', V4, 53, fam), rs(R, 5353, fam))],
          notes='A zero UDP checksum is "no checksum" in IPv4 and illegal in IPv6.')
    def _(ctx, fam=fam, V3=V3, V4=V4, R=R):
        C = addr(fam, C4, C6)
        for port, V, rport in ((40011, V3, 53), (40013, V4, 5353)):
            f = Flow(ctx, fam, C, port, V, 53, R, rport, proto='udp')
            yield f.c()
            yield f.r()
            g = Flow(ctx, fam, C, port + 1, V, 53, R, rport, proto='udp')
            yield g.c(udp_chksum=0)
            yield g.r(udp_chksum=0)


def sctp_pkt(ctx, side, fam, src, dst, sport, dport, chunk, tag, crc=None):
    s = SCTP(sport=sport, dport=dport, tag=tag)
    if crc is not None:
        s.chksum = crc
    return (side, eth(side) / iph(ctx, side, fam, src, dst) / s / chunk)


def sctp_init(tsn=0x1000):
    return SCTPChunkInit(init_tag=0x11111111, a_rwnd=106496, n_out_streams=10,
                         n_in_streams=65535, init_tsn=tsn)


for fam in (4, 6):
    V5, V6, R = addr(fam, vip4(5), vip6(5)), addr(fam, vip4(6), vip6(6)), addr(fam, R1_4, R1_6)

    @case('nat_sctp_v%d' % fam,
          'NAT SCTP IPv%d: INIT/INIT-ACK/COOKIE-ECHO/COOKIE-ACK/DATA on 5000->5000; '
          'INIT/INIT-ACK on 5000->6000 (port change); INIT with a wrong CRC32c to both'
          % fam,
          ['ipvsadm -A %s -s rr' % svc('sctp', V5, 5000, fam),
           'ipvsadm -a %s -r %s -m' % (svc('sctp', V5, 5000, fam), rs(R, 5000, fam)),
           'ipvsadm -A %s -s rr' % svc('sctp', V6, 5000, fam),
           'ipvsadm -a %s -r %s -m' % (svc('sctp', V6, 5000, fam), rs(R, 6000, fam))])
    def _(ctx, fam=fam, V5=V5, V6=V6, R=R):
        C = addr(fam, C4, C6)
        ck = b'C' * 32
        for V, rport, cport in ((V5, 5000, 40021), (V6, 6000, 40022)):
            yield sctp_pkt(ctx, 'c', fam, C, V, cport, 5000, sctp_init(), 0)
            yield sctp_pkt(ctx, 'r1', fam, R, C, rport, cport, SCTPChunkInitAck(
                init_tag=0x22222222, a_rwnd=106496, n_out_streams=10, n_in_streams=10,
                init_tsn=0x2000, params=[SCTPChunkParamStateCookie(cookie=ck)]),
                0x11111111)
            if rport == 5000:
                yield sctp_pkt(ctx, 'c', fam, C, V, cport, 5000,
                               SCTPChunkCookieEcho(cookie=ck), 0x22222222)
                yield sctp_pkt(ctx, 'r1', fam, R, C, rport, cport, SCTPChunkCookieAck(),
                               0x11111111)
                yield sctp_pkt(ctx, 'c', fam, C, V, cport, 5000, SCTPChunkData(
                    tsn=0x1000, stream_id=0, stream_seq=0, proto_id=0, data=b'hello\n',
                    beginning=1, ending=1), 0x22222222)
        yield sctp_pkt(ctx, 'c', fam, C, V5, 40023, 5000, sctp_init(), 0, crc=0xdeadbeef)
        yield sctp_pkt(ctx, 'c', fam, C, V6, 40024, 5000, sctp_init(), 0, crc=0xdeadbeef)

# 3. ICMP errors -------------------------------------------------------------------
for fam in (4, 6):
    V7, V8, R = addr(fam, vip4(7), vip6(7)), addr(fam, vip4(8), vip6(8)), addr(fam, R1_4, R1_6)
    C, RT = addr(fam, C4, C6), addr(fam, ROUTER1_4, ROUTER1_6)

    @case('icmp_nat_out_v%d' % fam,
          'NAT IPv%d, ICMP errors from the real-server side about client->RS packets: '
          'RS port-unreachable for a UDP datagram (full quote); a router %s between lb '
          'and RS sends %s about a TCP SYN (%s)' % (
              fam, RT, 'frag-needed mtu 1300' if fam == 4 else 'packet-too-big mtu 1280',
              'quote = IP header + 8 bytes' if fam == 4 else 'full quote'),
          ['ipvsadm -A %s -s rr' % svc('udp', V7, 53, fam),
           'ipvsadm -a %s -r %s -m' % (svc('udp', V7, 53, fam), rs(R, 5353, fam)),
           'ipvsadm -A %s -s rr' % svc('tcp', V8, 80, fam),
           'ipvsadm -a %s -r %s -m' % (svc('tcp', V8, 80, fam), rs(R, 8080, fam))])
    def _(ctx, fam=fam, V7=V7, V8=V8, R=R, C=C, RT=RT):
        f = Flow(ctx, fam, C, 40031, V7, 53, R, 5353, proto='udp')
        yield f.c()
        yield icmp_err(ctx, 'r1', fam, R, C, ip_of(ctx.last_out('r1')), 'port')
        g = Flow(ctx, fam, C, 40032, V8, 80, R, 8080)
        yield g.c('S')
        q = ip_of(ctx.last_out('r1'))
        if fam == 4:
            yield icmp_err(ctx, 'r1', 4, RT, C, q, 'frag', mtu=1300, quote_len=28)
        else:
            yield icmp_err(ctx, 'r1', 6, RT, C, q, 'ptb', mtu=1280)

    @case('icmp_nat_in_v%d' % fam,
          'NAT IPv%d, ICMP errors sent by the client about packets it got from the VIP: '
          '%s quoting a SYN-ACK (TCP 80->8080 service), port-unreachable quoting a UDP '
          'reply (UDP 53->5353 service); full quotes' % (
              fam, 'frag-needed mtu 1200' if fam == 4 else 'packet-too-big mtu 1280'),
          ['ipvsadm -A %s -s rr' % svc('tcp', V8, 80, fam),
           'ipvsadm -a %s -r %s -m' % (svc('tcp', V8, 80, fam), rs(R, 8080, fam)),
           'ipvsadm -A %s -s rr' % svc('udp', V7, 53, fam),
           'ipvsadm -a %s -r %s -m' % (svc('udp', V7, 53, fam), rs(R, 5353, fam))])
    def _(ctx, fam=fam, V7=V7, V8=V8, R=R, C=C):
        g = Flow(ctx, fam, C, 40033, V8, 80, R, 8080)
        yield g.c('S')
        yield g.r('SA')
        q = ip_of(ctx.last_out('c'))
        yield icmp_err(ctx, 'c', fam, C, V8, q, 'frag' if fam == 4 else 'ptb',
                       mtu=1200 if fam == 4 else 1280)
        f = Flow(ctx, fam, C, 40034, V7, 53, R, 5353, proto='udp')
        yield f.c()
        yield f.r()
        yield icmp_err(ctx, 'c', fam, C, V7, ip_of(ctx.last_out('c')), 'port')

for meth, flag, n in (('dr', '-g', 9), ('tun', '-i', 10)):
    @case('icmp_%s_in' % meth,
          '%s: ICMP error from the client (IPv4 frag-needed mtu 1200 / IPv6 packet-too-big '
          'mtu 1280) quoting a SYN-ACK VIP:80->client it got directly from the RS'
          % meth.upper(),
          ['ipvsadm -A %s -s rr' % svc('tcp', vip4(n), 80, 4),
           'ipvsadm -a %s -r %s %s' % (svc('tcp', vip4(n), 80, 4), rs(R1_4, 80, 4), flag),
           'ipvsadm -A %s -s rr' % svc('tcp', vip6(n), 80, 6),
           'ipvsadm -a %s -r %s %s' % (svc('tcp', vip6(n), 80, 6), rs(R1_6, 80, 6), flag)])
    def _(ctx, n=n):
        for fam in (4, 6):
            V, C = addr(fam, vip4(n), vip6(n)), addr(fam, C4, C6)
            f = Flow(ctx, fam, C, 40035, V, 80, V)   # the RS answers from the VIP
            yield f.c('S')
            synack = f.r('SA')[1]
            q = bytes(synack)[14:]
            yield icmp_err(ctx, 'c', fam, C, V, q, 'frag' if fam == 4 else 'ptb',
                           mtu=1200 if fam == 4 else 1280)

# 4. DR --------------------------------------------------------------------------------
for fam in (4, 6):
    V, R = addr(fam, vip4(11), vip6(11)), addr(fam, R1_4, R1_6)

    @case('dr_v%d' % fam,
          'DR (-g) TCP IPv%d: SYN, ACK, request; one frame with TOS/TC 0xbb%s' % (
              fam, '; one with flow label 0x12345' if fam == 6 else ''),
          ['ipvsadm -A %s -s rr' % svc('tcp', V, 80, fam),
           'ipvsadm -a %s -r %s -g' % (svc('tcp', V, 80, fam), rs(R, 80, fam))])
    def _(ctx, fam=fam, V=V):
        f = Flow(ctx, fam, addr(fam, C4, C6), 40041, V, 80, V)
        yield f.c('S')
        yield f.c('A')
        yield f.c('PA', REQ)
        yield f.c('A', tos=0xbb)
        if fam == 6:
            yield f.c('A', fl=0x12345)

# 5. tunnels -----------------------------------------------------------------------------
TUNNELS = [
    # name, svc fam, rs fam, vip n, ipvsadm tunnel options
    ('tun_ipip_v4', 4, 4, 12, ''),
    ('tun_ip6ip6', 6, 6, 12, ''),
    ('tun_4in6', 4, 6, 13, ''),
    ('tun_6in4', 6, 4, 13, ''),
    ('tun_gue_nocsum_v4', 4, 4, 14, '--tun-type gue --tun-port 6080 --tun-nocsum'),
    ('tun_gue_csum_v4', 4, 4, 15, '--tun-type gue --tun-port 6080 --tun-csum'),
    ('tun_gue_remcsum_v4', 4, 4, 16, '--tun-type gue --tun-port 6080 --tun-remcsum'),
    ('tun_gue_nocsum_v6', 6, 6, 14, '--tun-type gue --tun-port 6080 --tun-nocsum'),
    ('tun_gue_csum_v6', 6, 6, 15, '--tun-type gue --tun-port 6080 --tun-csum'),
    ('tun_gue_6in4', 6, 4, 16, '--tun-type gue --tun-port 6080'),
    ('tun_gre_nocsum_v4', 4, 4, 17, '--tun-type gre --tun-nocsum'),
    ('tun_gre_csum_v4', 4, 4, 18, '--tun-type gre --tun-csum'),
    ('tun_gre_nocsum_v6', 6, 6, 17, '--tun-type gre --tun-nocsum'),
    ('tun_gre_csum_v6', 6, 6, 18, '--tun-type gre --tun-csum'),
    ('tun_gre_4in6', 4, 6, 19, '--tun-type gre'),
]
for name, sf, rf, n, opts in TUNNELS:
    V, R = addr(sf, vip4(n), vip6(n)), addr(rf, R1_4, R1_6)

    @case(name,
          'Tunnel (-i %s) IPv%d service -> IPv%d real server: SYNs of 4 flows (client ports '
          '40051-40054), flow 1 again, data with DF, data without DF (IPv4 inner), '
          'TOS/TC 0xbb (ECN CE) and 0xb9 (ECT(1))%s' % (
              opts or 'ipip', sf, rf, '; IPv6 flow label 0x12345' if sf == 6 else ''),
          ['ipvsadm -A %s -s rr' % svc('tcp', V, 80, sf),
           ('ipvsadm -a %s -r %s -i %s' % (svc('tcp', V, 80, sf), rs(R, 80, rf), opts)).strip()])
    def _(ctx, sf=sf, V=V):
        C = addr(sf, C4, C6)
        flows = [Flow(ctx, sf, C, 40051 + i, V, 80, V) for i in range(4)]
        for f in flows:
            yield f.c('S')
        f = flows[0]
        yield f.c('A')
        yield f.c('PA', REQ)
        if sf == 4:
            yield f.c('A', df=False)
        yield f.c('A', tos=0xbb)
        yield f.c('A', tos=0xb9)
        if sf == 6:
            yield f.c('A', fl=0x12345)

# 6. TTL / hop limit -------------------------------------------------------------------
for meth, flag, n in (('nat', '-m', 20), ('dr', '-g', 21), ('tun', '-i', 22)):
    for fam in (4, 6):
        V, R = addr(fam, vip4(n), vip6(n)), addr(fam, R1_4, R1_6)

        @case('ttl_%s_v%d' % (meth, fam),
              '%s IPv%d: TCP SYN with TTL/hop limit 1, SYN with 2, then a UDP datagram of '
              '%d bytes with TTL 1 and TOS 0x28 (quote length)%s' % (
                  meth.upper(), fam, 1000 if fam == 4 else 1400,
                  '; RS SYN-ACK with TTL 1 (plain forwarding)' if meth == 'nat' else ''),
              ['ipvsadm -A %s -s rr' % svc('tcp', V, 80, fam),
               'ipvsadm -a %s -r %s %s' % (svc('tcp', V, 80, fam), rs(R, 80, fam), flag),
               'ipvsadm -A %s -s rr' % svc('udp', V, 53, fam),
               'ipvsadm -a %s -r %s %s' % (svc('udp', V, 53, fam), rs(R, 53, fam), flag)])
        def _(ctx, fam=fam, V=V, R=R, meth=meth):
            C = addr(fam, C4, C6)
            f = Flow(ctx, fam, C, 40061, V, 80, R)
            yield f.c('S', ttl=1)
            g = Flow(ctx, fam, C, 40062, V, 80, R if meth == 'nat' else V)
            yield g.c('S', ttl=2)
            if meth == 'nat':
                yield g.r('SA', ttl=1)
            yield big_udp(ctx, fam, C, V, 40063, 53, 1000 if fam == 4 else 1400, ttl=1,
                          tos=0x28)

# 7. MTU (lr2 <-> rs2 link has MTU 1400) ----------------------------------------------------
for fam in (4, 6):
    V, R = addr(fam, vip4(23), vip6(23)), addr(fam, R2_4, R2_6)

    @case('mtu_nat_v%d' % fam,
          'NAT IPv%d to rs2 behind a 1400-byte MTU link: UDP 1450 bytes%s; TCP SYN then a '
          '1450-byte data segment' % (fam, ' with DF, then without DF' if fam == 4 else ''),
          ['ipvsadm -A %s -s rr' % svc('udp', V, 53, fam),
           'ipvsadm -a %s -r %s -m' % (svc('udp', V, 53, fam), rs(R, 53, fam)),
           'ipvsadm -A %s -s rr' % svc('tcp', V, 80, fam),
           'ipvsadm -a %s -r %s -m' % (svc('tcp', V, 80, fam), rs(R, 80, fam))])
    def _(ctx, fam=fam, V=V, R=R):
        C = addr(fam, C4, C6)
        yield big_udp(ctx, fam, C, V, 40071, 53, 1450)
        if fam == 4:
            yield big_udp(ctx, fam, C, V, 40072, 53, 1450, df=False)
        f = Flow(ctx, fam, C, 40073, V, 80, R, rside='r2')
        yield f.c('S')
        hdr = (20 if fam == 4 else 40) + 20
        yield f.c('PA', bytes((i * 5 + 1) & 0xff for i in range(1450 - hdr)))

MTU_TUN = [
    # name, svc fam, rs fam, vip n, opts, sizes(DF), sysctl pmtu_disc
    ('mtu_tun_v4', 4, 4, 24, '', 1),
    ('mtu_tun_v4_pmtudisc0', 4, 4, 24, '', 0),
    ('mtu_tun_ip6ip6', 6, 6, 24, '', 1),
    ('mtu_tun_4in6', 4, 6, 25, '', 1),
    ('mtu_tun_6in4', 6, 4, 25, '', 1),
    ('mtu_tun_6in4_pmtudisc0', 6, 4, 25, '', 0),
    ('mtu_gue_v4', 4, 4, 26, '--tun-type gue --tun-port 6080', 1),
    ('mtu_gre_csum_v4', 4, 4, 27, '--tun-type gre --tun-csum', 1),
    ('mtu_gue_v6', 6, 6, 26, '--tun-type gue --tun-port 6080', 1),
]
for name, sf, rf, n, opts, pmtu in MTU_TUN:
    V, R = addr(sf, vip4(n), vip6(n)), addr(rf, R2_4, R2_6)
    setup = []
    teardown = []
    if not pmtu:
        setup.append('sysctl -w net.ipv4.vs.pmtu_disc=0')
        teardown.append('sysctl -w net.ipv4.vs.pmtu_disc=1')
    setup += ['ipvsadm -A %s -s rr' % svc('udp', V, 53, sf),
              ('ipvsadm -a %s -r %s -i %s' % (svc('udp', V, 53, sf), rs(R, 53, rf), opts)).strip()]

    @case(name,
          'Tunnel (-i %s) IPv%d service -> IPv%d rs2 behind a 1400-byte MTU link%s: UDP '
          'datagrams of 1340, 1360, 1370, 1380, 1390 bytes%s; then 1450 bytes' % (
              opts or 'ipip', sf, rf, ', pmtu_disc=0' if not pmtu else '',
              ' with DF, 1390 also without DF' if sf == 4 else ''),
          setup, teardown)
    def _(ctx, sf=sf, V=V):
        C = addr(sf, C4, C6)
        port = 40081
        for size in (1340, 1360, 1370, 1380, 1390):
            yield big_udp(ctx, sf, C, V, port, 53, size)
            port += 1
        if sf == 4:
            yield big_udp(ctx, sf, C, V, port, 53, 1390, df=False)
            port += 1
        yield big_udp(ctx, sf, C, V, port, 53, 1450)

# 8. no destination ----------------------------------------------------------------------
for fam in (4, 6):
    V, W, R = addr(fam, vip4(30), vip6(30)), addr(fam, vip4(31), vip6(31)), addr(fam, R1_4, R1_6)

    @case('nodest_v%d' % fam,
          'IPv%d services without a usable real server: TCP and UDP services with no '
          'server, a TCP service whose only server has weight 0: SYN, UDP 6-byte and '
          '%d-byte datagrams, SYN' % (fam, 1000 if fam == 4 else 1400),
          ['ipvsadm -A %s -s rr' % svc('tcp', V, 80, fam),
           'ipvsadm -A %s -s rr' % svc('udp', V, 53, fam),
           'ipvsadm -A %s -s rr' % svc('tcp', W, 80, fam),
           'ipvsadm -a %s -r %s -m -w 0' % (svc('tcp', W, 80, fam), rs(R, 80, fam))])
    def _(ctx, fam=fam, V=V, W=W):
        C = addr(fam, C4, C6)
        yield Flow(ctx, fam, C, 40091, V, 80).c('S')
        yield Flow(ctx, fam, C, 40092, V, 53, proto='udp').c()
        yield big_udp(ctx, fam, C, V, 40093, 53, 1000 if fam == 4 else 1400)
        yield Flow(ctx, fam, C, 40094, W, 80).c('S')

# 9. odds and ends -------------------------------------------------------------------------
for fam in (4, 6):
    V, D, T = (addr(fam, vip4(n), vip6(n)) for n in (32, 33, 34))
    R = addr(fam, R1_4, R1_6)

    @case('badcsum_v%d' % fam,
          'IPv%d, deliberately wrong L4 checksums (correct value XOR 0x5555): TCP SYN via '
          'NAT 80->8080 and the RS SYN-ACK back, UDP via NAT 53->5353, TCP SYN via DR, '
          'TCP SYN via IPIP tunnel' % fam,
          ['ipvsadm -A %s -s rr' % svc('tcp', V, 80, fam),
           'ipvsadm -a %s -r %s -m' % (svc('tcp', V, 80, fam), rs(R, 8080, fam)),
           'ipvsadm -A %s -s rr' % svc('udp', V, 53, fam),
           'ipvsadm -a %s -r %s -m' % (svc('udp', V, 53, fam), rs(R, 5353, fam)),
           'ipvsadm -A %s -s rr' % svc('tcp', D, 80, fam),
           'ipvsadm -a %s -r %s -g' % (svc('tcp', D, 80, fam), rs(R, 80, fam)),
           'ipvsadm -A %s -s rr' % svc('tcp', T, 80, fam),
           'ipvsadm -a %s -r %s -i' % (svc('tcp', T, 80, fam), rs(R, 80, fam))])
    def _(ctx, fam=fam, V=V, D=D, T=T, R=R):
        C = addr(fam, C4, C6)

        def corrupt(fr, layer):
            side, p = fr
            good = p.__class__(bytes(p))[layer].chksum
            p[layer].chksum = good ^ 0x5555
            return (side, p)
        f = Flow(ctx, fam, C, 40101, V, 80, R, 8080)
        yield corrupt(f.c('S'), TCP)
        yield corrupt(f.r('SA'), TCP)
        yield corrupt(Flow(ctx, fam, C, 40102, V, 53, proto='udp').c(), UDP)
        yield corrupt(Flow(ctx, fam, C, 40103, D, 80).c('S'), TCP)
        yield corrupt(Flow(ctx, fam, C, 40104, T, 80).c('S'), TCP)

RR_OPT = IPOption(b'\x07\x0b\x04' + bytes(8) + b'\x00')   # record route, 2 slots, + EOL


@case('ipopts_v4',
      'IPv4 SYN carrying a Record-Route option (12 option bytes, IHL 8) through NAT '
      '80->8080, DR and IPIP tunnel',
      ['ipvsadm -A %s -s rr' % svc('tcp', vip4(35), 80, 4),
       'ipvsadm -a %s -r %s -m' % (svc('tcp', vip4(35), 80, 4), rs(R1_4, 8080, 4)),
       'ipvsadm -A %s -s rr' % svc('tcp', vip4(36), 80, 4),
       'ipvsadm -a %s -r %s -g' % (svc('tcp', vip4(36), 80, 4), rs(R1_4, 80, 4)),
       'ipvsadm -A %s -s rr' % svc('tcp', vip4(37), 80, 4),
       'ipvsadm -a %s -r %s -i' % (svc('tcp', vip4(37), 80, 4), rs(R1_4, 80, 4))])
def _(ctx):
    for port, n in ((40111, 35), (40112, 36), (40113, 37)):
        yield Flow(ctx, 4, C4, port, vip4(n), 80).c('S', options=RR_OPT)


for fam in (4, 6):
    V, R = addr(fam, vip4(38), vip6(38)), addr(fam, R1_4, R1_6)

    @case('stray_v%d' % fam,
          'IPv%d NAT service: a TCP ACK and a FIN without any IPVS connection (not a SYN, '
          'so not scheduled); a UDP datagram to a VIP port without a service; a TCP segment '
          'from the real server (port 80) to the client that matches no connection' % fam,
          ['ipvsadm -A %s -s rr' % svc('tcp', V, 80, fam),
           'ipvsadm -a %s -r %s -m' % (svc('tcp', V, 80, fam), rs(R, 80, fam))])
    def _(ctx, fam=fam, V=V):
        C = addr(fam, C4, C6)
        yield Flow(ctx, fam, C, 40121, V, 80).c('A')
        yield Flow(ctx, fam, C, 40122, V, 80).c('FA')
        yield Flow(ctx, fam, C, 40123, V, 54, proto='udp').c()
        yield Flow(ctx, fam, C, 40124, V, 80, addr(fam, R1_4, R1_6)).r('A')


for fam in (4, 6):
    V, D = addr(fam, vip4(39), vip6(39)), addr(fam, vip4(40), vip6(40))
    R = addr(fam, R1_4, R1_6)

    @case('frag_v%d' % fam,
          'IPv%d UDP datagram of 1000 bytes (IP length) sent as 2 fragments (%s) to a NAT '
          '53->5353 service and to a DR service; then the same to NAT with the fragments in '
          'reverse order' % (fam, '532 + 488 bytes' if fam == 4 else '600 + 456 bytes, each with a fragment header'),
          ['ipvsadm -A %s -s rr' % svc('udp', V, 53, fam),
           'ipvsadm -a %s -r %s -m' % (svc('udp', V, 53, fam), rs(R, 5353, fam)),
           'ipvsadm -A %s -s rr' % svc('udp', D, 53, fam),
           'ipvsadm -a %s -r %s -g' % (svc('udp', D, 53, fam), rs(R, 53, fam))])
    def _(ctx, fam=fam, V=V, D=D):
        C = addr(fam, C4, C6)
        for port, VV, rev in ((40131, V, False), (40132, D, False), (40133, V, True)):
            pay = bytes((i * 11 + port) & 0xff for i in range(1000 - (20 if fam == 4 else 40) - 8))
            if fam == 4:
                p = IP(src=C4, dst=VV, id=ctx.nid('c'), ttl=64, flags=0) / \
                    UDP(sport=port, dport=53) / Raw(pay)
                frags = fragment(p, fragsize=512)
            else:
                p = IPv6(src=C6, dst=VV, hlim=64) / IPv6ExtHdrFragment(id=0x5a000000 + port) / \
                    UDP(sport=port, dport=53) / Raw(pay)
                frags = fragment6(p, 600)
            if rev:
                frags = list(reversed(frags))
            for f in frags:
                yield ('c', eth('c') / f)


# ---------------------------------------------------------------- driver
def run_case(rec, c, outdir):
    name = c['name']
    log = []
    lb('ipvsadm -C', check=True)
    for cmd in c['setup']:
        rc, out = lb(cmd)
        log.append('$ %s%s' % (cmd, '' if rc == 0 else '   # exit %d' % rc))
        if out.strip():
            log.append(out.rstrip())
    ctx = Ctx()
    rec.drain()
    ins, outs = [], []
    gen = c['gen'](ctx)
    err = None
    while True:
        try:
            side, pkt = next(gen)
        except StopIteration:
            break
        except Exception as e:   # a case bug: record what we have
            err = '%s: %r' % (type(e).__name__, e)
            break
        frame = bytes(pkt)
        idx = len(ins) + 1
        ins.append((idx, 0, frame))
        rec.send(side, frame)
        got = rec.collect()
        for k, (_ts, oside, data) in enumerate(got, 1):
            outs.append((idx, k, data))
            ctx.outs.append((idx, oside, data))
    _, conns = lb('ipvsadm -Lnc')
    vips = set()
    for cmd in c['setup']:
        w = cmd.split()
        for i, x in enumerate(w[:-1]):
            if x in ('-t', '-u', '--sctp-service'):
                vips.add(w[i + 1])
    cl = conns.splitlines()
    conns = '\n'.join(cl[:2] + [x for x in cl[2:] if len(x.split()) > 4 and
                                 x.split()[4] in vips]) + '\n'
    _, lst = lb('ipvsadm -Ln')
    for cmd in c['teardown']:
        lb(cmd)
    decode.write_pcap(os.path.join(outdir, name + '.in.pcap'), ins)
    decode.write_pcap(os.path.join(outdir, name + '.out.pcap'), outs)
    din = decode.describe(os.path.join(outdir, name + '.in.pcap'))
    dout = decode.describe(os.path.join(outdir, name + '.out.pcap'))
    with open(os.path.join(outdir, name + '.txt'), 'w') as f:
        f.write('# %s — %s\n\n' % (name, c['title']))
        if c['notes']:
            f.write(c['notes'] + '\n\n')
        f.write('## setup (lb namespace, after ipvsadm -C)\n' + '\n'.join(log) + '\n')
        if c['teardown']:
            f.write('## teardown\n' + '\n'.join(c['teardown']) + '\n')
        if err:
            f.write('\n## RECORDING ERROR: %s\n' % err)
        f.write('\n## in (%d frames)\n' % len(ins) + '\n'.join(din) + '\n')
        f.write('\n## out (%d frames; N.00000k = k-th frame caused by input N)\n' % len(outs)
                + '\n'.join(dout) + '\n')
        f.write('\n## ipvsadm -Ln\n' + lst + '\n## ipvsadm -Lnc (this case\'s services)\n' + conns)
        for tag in ('in', 'out'):
            p = os.path.join(outdir, '%s.%s.pcap' % (name, tag))
            r = subprocess.run(['tcpdump', '-r', p, '-tt', '-nn', '-vvv', '-e', '-xx'],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
            f.write('\n## tcpdump -tt -nn -vvv -e -xx -r %s.%s.pcap\n' % (name, tag) + r.stdout)
    return dict(name=name, title=c['title'], setup=log, teardown=c['teardown'],
                notes=c['notes'], error=err, n_in=len(ins), n_out=len(outs),
                decoded_in=din, decoded_out=dout)


def main():
    outdir = sys.argv[1]
    want = set(sys.argv[2:])
    os.makedirs(outdir, exist_ok=True)
    rec = Recorder(outdir)
    time.sleep(0.5)
    rec.drain()
    results = []
    t0 = time.monotonic()
    for c in CASES:
        if want and c['name'] not in want:
            continue
        t = time.monotonic()
        r = run_case(rec, c, outdir)
        results.append(r)
        print('%-28s in=%-3d out=%-3d %.1fs%s' % (r['name'], r['n_in'], r['n_out'],
                                                   time.monotonic() - t,
                                                   '  ERROR ' + r['error'] if r['error'] else ''),
              flush=True)
    print('recorded %d cases in %.0fs (%d noise frames ignored)' % (
        len(results), time.monotonic() - t0, rec.noise))
    idx = os.path.join(outdir, 'cases.json')
    old = []
    if want and os.path.exists(idx):
        with open(idx) as f:
            old = [x for x in json.load(f) if x['name'] not in want]
    order = [c['name'] for c in CASES]
    allr = sorted(old + results, key=lambda x: order.index(x['name'])
                  if x['name'] in order else 999)
    with open(idx, 'w') as f:
        json.dump(allr, f, indent=1)
        f.write('\n')


if __name__ == '__main__':
    main()
