/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Tunnel headers, shared by the engine and the XDP fast path: a template
 * of the outer IPv4/IPv6 header (+ UDP + GUE, or GRE) is made once per
 * connection; the fields that depend on the packet are filled here, the
 * kernel's way (ip_vs_tunnel_xmit): lengths; TOS / traffic class = the
 * inner DS field with ECN copied except CE, which becomes ECT(0) (RFC 6040
 * normal mode); TTL / hop limit = the inner one (already decremented); DF
 * as given (copied from an inner IPv4 header when pmtu_disc is on) with ID
 * 0 when set, else the ID of xdpvs_encap_id(); the IPv4 header checksum.
 * Checksums over the payload (GUE's UDP, GRE's) are the caller's.
 */
#ifndef XDPVS_ENCAP_H
#define XDPVS_ENCAP_H

#include <linux/types.h>
#include <xdpvs/bytes.h>
#include <xdpvs/csum.h>

/* The outer DS field for an inner one: ECN kept, CE turned into ECT(0). */
static __always_inline __u8 xdpvs_ecn_encap(__u8 ds)
{
	return (ds & 3) == 3 ? (__u8)((ds & ~3) | 2) : ds;
}

/* One round of xdpvs_encap_id's hash (MurmurHash3's 32-bit mixing). */
static __always_inline __u32 xdpvs_encap_mix(__u32 h, __u32 w)
{
	w *= 0xcc9e2d51;
	w = (w << 15) | (w >> 17);
	h ^= w * 0x1b873593;
	h = (h << 13) | (h >> 19);
	return h * 5 + 0xe6546b64;
}

/*
 * The IPv4 ID of an outer header without DF.  The kernel takes it from a
 * counter (ip_select_ident); xdpvs hashes the inner packet instead, so
 * that the engine and the XDP fast path, which share no counter, give a
 * packet the same ID: the inner addresses, the inner IPv4 ID word (or the
 * IPv6 version / traffic class / flow label word) and the first 8 bytes
 * of the transport header (ports and TCP sequence number, UDP length and
 * checksum, SCTP tag ...), so that different packets get different IDs as
 * often as random ones would (RFC 6864: the ID only matters for
 * reassembly).  ip: the inner IP header; l4: 8 bytes of its transport
 * header, or 0 when there are none.  Words are read in host order: the
 * result is the same on both paths of one host.
 */
static __always_inline __be16 xdpvs_encap_id(const __u8 *ip, int v6,
					     const __u8 *l4)
{
	__u32 h = 0x9747b28c;
	int i;

	if (v6) {
		h = xdpvs_encap_mix(h, xdpvs_get32(ip));
		for (i = 0; i < 8; i++)
			h = xdpvs_encap_mix(h, xdpvs_get32(ip + 8 + 4 * i));
	} else {
		h = xdpvs_encap_mix(h, xdpvs_get32(ip + 4));
		h = xdpvs_encap_mix(h, xdpvs_get32(ip + 12));
		h = xdpvs_encap_mix(h, xdpvs_get32(ip + 16));
	}
	if (l4) {
		h = xdpvs_encap_mix(h, xdpvs_get32(l4));
		h = xdpvs_encap_mix(h, xdpvs_get32(l4 + 4));
	}
	h ^= h >> 16;
	h *= 0x85ebca6b;
	h ^= h >> 13;
	return (__be16)(h ^ (h >> 16));
}

/*
 * o: the outer IP header, then the encapsulation, encap_len bytes in all
 * (outer IP included), in front of the inner_len-byte inner packet; v6:
 * outer family IPv6.  ds, ttl: the inner packet's DS field and TTL; df:
 * set DF (IPv4 outer); id: the IPv4 ID to use when DF is clear.
 */
static __always_inline void xdpvs_encap_fill(__u8 *o, int v6, __u32 encap_len,
					     __u32 inner_len, __u8 ds, __u8 ttl,
					     int df, __be16 id)
{
	__u32 iphl = v6 ? 40 : 20, sum = 0;
	__u8 proto = v6 ? o[6] : o[9];
	int i;

	ds = xdpvs_ecn_encap(ds);
	if (v6) {
		__u32 plen = encap_len - 40 + inner_len;

		o[0] = (__u8)(0x60 | ds >> 4);
		o[1] = (__u8)((ds << 4) | (o[1] & 0x0f));
		o[4] = (__u8)(plen >> 8);
		o[5] = (__u8)plen;
		o[7] = ttl;
	} else {
		__u32 tot = encap_len + inner_len;

		o[1] = ds;
		o[2] = (__u8)(tot >> 8);
		o[3] = (__u8)tot;
		xdpvs_put16(o + 4, df ? 0 : id);
		o[6] = df ? 0x40 : 0;
		o[7] = 0;
		o[8] = ttl;
		o[10] = o[11] = 0;
		for (i = 0; i < 20; i += 2)
			sum += (__u32)(o[i] << 8 | o[i + 1]);
		sum = (sum & 0xffff) + (sum >> 16);
		sum = (sum & 0xffff) + (sum >> 16);
		sum = ~sum & 0xffff;
		o[10] = (__u8)(sum >> 8);
		o[11] = (__u8)sum;
	}
	if (proto == 17) {	/* GUE: the UDP length */
		__u32 ulen = encap_len - iphl + inner_len;

		o[iphl + 4] = (__u8)(ulen >> 8);
		o[iphl + 5] = (__u8)ulen;
	}
}

#endif
