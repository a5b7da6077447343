#!/usr/bin/env python3
"""mkreadme.py — regenerate the per-case part of README.md from cases.json.

    python3 mkreadme.py            # rewrites README.md between the case markers

Everything outside the markers is hand-written and kept.  For each case: the setup
commands, the decoded input frames, the decoded output frames (decode.py, MAC
addresses dropped: the link names say the same; decoded afresh from the pcaps) and the
notes below.
"""
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import decode  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
BEGIN, END = '<!-- cases:begin -->', '<!-- cases:end -->'

NOTES = {
    'nat_tcp_v4': 'DNAT in, SNAT out; every forwarded packet TTL 64 -> 63, IP header '
                  'checksum updated, IP ID/DF/TOS kept, TCP checksum updated.',
    'nat_udp_v4': 'Frames 3-4 and 7-8 carry UDP checksum 0: IPVS **computes** a full '
                  'checksum instead of keeping 0.',
    'nat_udp_v6': 'A zero UDP checksum (illegal in IPv6) is replaced by a full checksum.',
    'nat_sctp_v4': 'Same port (5000->5000): the CRC32c is left alone, so the wrong CRC of '
                   'input 8 goes out wrong (and is not dropped). Port change (5000->6000): the '
                   'CRC32c is recomputed over the packet, so the wrong CRC of input 9 goes out '
                   '**correct**.',
    'nat_sctp_v6': 'As IPv4: CRC untouched when the port is unchanged, recomputed otherwise.',
    'icmp_nat_out_v4': 'Outer source becomes the VIP even for the router 198.18.1.254; inner '
                       'destination/port become VIP:vport; inner IP checksum recomputed; inner '
                       'UDP/TCP checksum NOT adjusted (shows BAD); ICMP checksum recomputed; '
                       'outer TTL 63 (plain forwarding).',
    'icmp_nat_out_v6': 'As IPv4: outer source VIP, inner destination/port rewritten, inner L4 '
                       'checksum not adjusted, ICMPv6 checksum recomputed.',
    'icmp_nat_in_v4': 'Outer destination -> RS, inner source -> RS, inner source port -> 8080 / '
                      '5353, inner IP checksum recomputed, inner L4 checksum NOT adjusted, ICMP '
                      'checksum recomputed, TTL 63.',
    'icmp_nat_in_v6': 'As IPv4.',
    'icmp_dr_in': 'DR forwards the ICMP error unchanged except TTL/hop limit (and the MAC).',
    'icmp_tun_in': 'TUN encapsulates the ICMP error like any packet; the IPv4 outer header '
                   'gets a random IP ID because the ICMP packet has no DF.',
    'dr_v4': 'Only the MACs and TTL (and IP header checksum) change; TOS kept.',
    'dr_v6': 'Only the MACs and the hop limit change; traffic class and flow label kept.',
    'tun_ipip_v4': 'Outer: src = lb address on the RS link, TTL = inner TTL after decrement, '
                   'DF copied from inner, ID 0 when DF else random (frame 7), TOS = inner DSCP '
                   '+ ECN with CE mapped to ECT(0) (0xbb -> 0xba, 0xb9 -> 0xb9).',
    'tun_ip6ip6': 'Outer flow label is always 0 (frame 8: inner 0x12345); outer traffic class '
                  'from the inner one with CE -> ECT(0).',
    'tun_4in6': 'IPv6 outer for an IPv4 inner packet; non-DF inner makes no difference while '
                'it fits.',
    'tun_6in4': 'IPv4 outer for an IPv6 inner packet: DF 0 and a random IP ID on every '
                'frame.',
    'tun_gue_nocsum_v4': 'UDP source port: per-flow hash (frames 1 and 5-9 are the same flow, '
                         'same port), different per flow and per boot; UDP checksum 0.',
    'tun_gue_csum_v4': 'Same as nocsum with a computed UDP checksum.',
    'tun_gue_remcsum_v4': 'Forwarded packets are never CHECKSUM_PARTIAL, so remcsum behaves '
                          'exactly like csum (no GUE private flags/option).',
    'tun_gue_nocsum_v6': 'IPv6 outer with UDP checksum **0** (zero-checksum UDP over IPv6).',
    'tun_gre_nocsum_v4': 'GRE header 4 bytes: flags 0x0000, protocol 0x0800.',
    'tun_gre_csum_v4': 'GRE header 8 bytes: flags 0x8000 (C), protocol, checksum over GRE '
                       'header + payload, 2 reserved zero bytes.',
    'ttl_nat_v4': 'TTL 1: ICMP time exceeded from the VIP (TOS 0xc0, TTL 64, random ID), quoting '
                  'the untouched packet (TTL still 1), at most 548 bytes (576-byte ICMP '
                  'packet). TTL 2: forwarded with TTL 1. RS SYN-ACK with TTL 1: the lb\'s '
                  'forwarding path answers from 198.18.1.1 quoting the un-NATed reply. TOS 0x28 '
                  '-> ICMP TOS 0xc8.',
    'ttl_nat_v6': 'Hop limit 1: ICMPv6 3/0 from the VIP, hop limit 64, traffic class 0, random '
                  'flow label, quote up to 1232 bytes (1280-byte packet).',
    'ttl_tun_v4': 'TTL 2: outer TTL 1 too (outer TTL = inner TTL after decrement).',
    'mtu_nat_v4': 'DF + too big: frag-needed mtu=1400 from the VIP; the quote shows the packet '
                  'after the TTL decrement (63, header checksum updated) but before DNAT. '
                  'Without DF: DNATed and fragmented by the lb (1396 + 74 bytes).',
    'mtu_nat_v6': 'Packet-too-big mtu=1400 from the VIP, quote with hop limit 63.',
    'mtu_tun_v4': 'Limit = 1400 - 20 = 1380: 1380 goes out as a 1400-byte outer packet, 1390 '
                  'DF -> frag-needed mtu=1380; 1390 without DF -> outer packet fragmented '
                  '(outer DF 0, random ID), inner left whole.',
    'mtu_tun_v4_pmtudisc0': 'pmtu_disc=0: no frag-needed at all, outer DF always 0 with a '
                            'random ID, oversized outer packets fragmented; the inner DF bit '
                            'stays set.',
    'mtu_tun_ip6ip6': 'Limit 1400 - 40 = 1360 -> packet-too-big mtu=1360.',
    'mtu_tun_4in6': 'Limit 1360 -> frag-needed mtu=1360; non-DF inner -> IPv6 outer '
                    'fragmented with a fragment header (random fragment ID).',
    'mtu_tun_6in4': 'Limit 1380 -> packet-too-big mtu=1380.',
    'mtu_tun_6in4_pmtudisc0': 'pmtu_disc only affects IPv4 inner packets: the IPv6 inner packet '
                              'still gets packet-too-big.',
    'mtu_gue_v4': 'Limit 1400 - 20 - 8 - 4 = 1368.',
    'mtu_gre_csum_v4': 'Limit 1400 - 20 - 8 = 1372.',
    'mtu_gue_v6': 'Limit 1400 - 40 - 8 - 4 = 1348.',
    'nodest_v4': 'ICMP port unreachable from the VIP, TOS 0xc0, TTL 64, random ID; the quote '
                 'is the packet as received (TTL 64, not decremented), at most 548 bytes. '
                 'Weight 0 behaves like no server.',
    'nodest_v6': 'ICMPv6 1/4 from the VIP, quote up to 1232 bytes, random flow label.',
    'badcsum_v4': 'TCP/UDP checksums are updated incrementally: a wrong checksum stays wrong '
                  '(NAT both directions); DR and TUN do not touch L4.',
    'ipopts_v4': 'The Record-Route option is filled in with the VIP (pointer 4 -> 8) by the '
                 'lb\'s input processing, for NAT, DR and the inner packet of TUN; IHL kept.',
    'stray_v4': 'No connection and not a SYN: the packet goes to the lb\'s own stack, which '
                'answers RST from the VIP (ID 0, DF, TTL 64). The stray RS segment is forwarded '
                'without SNAT (source stays the RS address).',
    'stray_v6': 'As IPv4; RSTs carry random flow labels.',
    'frag_v4': 'IPVS works on the reassembled datagram; the output is fragmented again with '
               'the largest input fragment size (532 + 488, same IP ID), also for DR and for '
               'fragments received in reverse order.',
    'frag_v6': 'Reassembled and fragmented again to the original sizes with a **new random** '
               'fragment ID.',
}


def strip_macs(line):
    return re.sub(r' \([0-9a-f:]{17}>[0-9a-f:]{17}\)', '', line)


def main():
    with open(os.path.join(HERE, 'cases.json')) as f:
        cases = json.load(f)
    out = [BEGIN, '']
    out.append('| case | what |')
    out.append('|---|---|')
    for c in cases:
        out.append('| [`%s`](#%s) | %s |' % (c['name'], c['name'], c['title'].replace('|', '/')))
    out.append('')
    for c in cases:
        out.append('### %s' % c['name'])
        out.append('')
        out.append(c['title'] + '. Files: `%s.in.pcap` (%d frames), `%s.out.pcap` (%d frames), '
                   '`%s.txt`.' % (c['name'], c['n_in'], c['name'], c['n_out'], c['name']))
        out.append('')
        if c.get('notes'):
            out.append(c['notes'])
            out.append('')
        if c['name'] in NOTES:
            out.append('**Seen:** ' + NOTES[c['name']])
            out.append('')
        out.append('```')
        out.append('# setup (lb netns, after ipvsadm -C)')
        out += [x for x in c['setup']]
        if c['teardown']:
            out.append('# teardown')
            out += c['teardown']
        out.append('# in')
        base = os.path.join(HERE, c['name'])
        out += [strip_macs(x) for x in decode.describe(base + '.in.pcap')]
        out.append('# out')
        out += [strip_macs(x) for x in decode.describe(base + '.out.pcap')] or ['(nothing)']
        out.append('```')
        out.append('')
    out.append(END)
    p = os.path.join(HERE, 'README.md')
    with open(p) as f:
        text = f.read()
    a, b = text.index(BEGIN), text.index(END) + len(END)
    with open(p, 'w') as f:
        f.write(text[:a] + '\n'.join(out) + text[b:])


if __name__ == '__main__':
    main()
