/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Header rewrites shared by the XDP program and the engine: address and
 * port translation with incremental checksum updates, and TTL / hop limit
 * decrement.  The caller has checked that the headers lie inside the
 * packet; offsets below are the fixed ones of RFC 791/8200/793/768.
 */
#ifndef XDPVS_NAT_H
#define XDPVS_NAT_H

#include <linux/types.h>
#include <xdpvs/bytes.h>
#include <xdpvs/csum.h>

#define XDPVS_IP4_TTL		8
#define XDPVS_IP4_PROTO		9
#define XDPVS_IP4_CSUM		10
#define XDPVS_IP4_SADDR		12
#define XDPVS_IP4_DADDR		16
#define XDPVS_IP6_HLIM		7
#define XDPVS_IP6_SADDR		8
#define XDPVS_IP6_DADDR		24
#define XDPVS_TCP_CSUM		16
#define XDPVS_UDP_CSUM		6
#define XDPVS_ICMP_CSUM		2

#define XDPVS_NAT_SRC 0		/* rewrite the source address and port */
#define XDPVS_NAT_DST 1		/* rewrite the destination */

/* Offset of the checksum in a transport header; -1: none to fix here
 * (SCTP's CRC32c does not cover addresses and is recomputed whole). */
static __always_inline int xdpvs_l4_csum_off(__u8 protocol)
{
	if (protocol == 6)
		return XDPVS_TCP_CSUM;
	if (protocol == 17)
		return XDPVS_UDP_CSUM;
	return -1;
}

/*
 * Rewrite the transport checksum for an address and a port changing.
 * words is 1 for IPv4, 4 for IPv6.  A UDP datagram without a checksum (0)
 * is left alone: IPv4 keeps none (RFC 768); an IPv6 one (invalid, RFC
 * 8200) needs a whole new checksum, which the caller computes.  A
 * computed 0 is sent as 0xffff.
 */
static __always_inline void xdpvs_l4_csum_fix(__u8 *l4, __u8 protocol,
					      int words, const __be32 *oaddr,
					      const __be32 *naddr,
					      __be16 oport, __be16 nport)
{
	int off = xdpvs_l4_csum_off(protocol);
	__u16 sum;

	if (off < 0)
		return;
	sum = xdpvs_get16(l4 + off);
	if (protocol == 17 && sum == 0)
		return;
	xdpvs_csum_replace_addr_port(&sum, words, oaddr, naddr, oport, nport);
	if (protocol == 17 && sum == 0)
		sum = 0xffff;
	xdpvs_put16(l4 + off, sum);
}

/* Translate the source or destination (which) of an IPv4 packet to
 * addr:port; l4 may be 0 when the protocol has no ports. */
static __always_inline void xdpvs_nat4(__u8 *ip, __u8 *l4, __u8 protocol,
				       int which, __be32 addr, __be16 port)
{
	int aoff = which == XDPVS_NAT_DST ? XDPVS_IP4_DADDR : XDPVS_IP4_SADDR;
	__be32 oaddr = xdpvs_get32(ip + aoff);
	__u16 sum = xdpvs_get16(ip + XDPVS_IP4_CSUM);

	xdpvs_csum_replace4(&sum, oaddr, addr);
	xdpvs_put16(ip + XDPVS_IP4_CSUM, sum);
	xdpvs_put32(ip + aoff, addr);
	if (l4) {
		int poff = which == XDPVS_NAT_DST ? 2 : 0;
		__be16 oport = xdpvs_get16(l4 + poff);

		xdpvs_l4_csum_fix(l4, protocol, 1, &oaddr, &addr, oport, port);
		xdpvs_put16(l4 + poff, port);
	}
}

/* The same for IPv6 (no header checksum); addr is 4 words. */
static __always_inline void xdpvs_nat6(__u8 *ip, __u8 *l4, __u8 protocol,
				       int which, const __be32 *addr,
				       __be16 port)
{
	int aoff = which == XDPVS_NAT_DST ? XDPVS_IP6_DADDR : XDPVS_IP6_SADDR;
	__be32 oaddr[4];

	__builtin_memcpy(oaddr, ip + aoff, 16);
	__builtin_memcpy(ip + aoff, addr, 16);
	if (l4) {
		int poff = which == XDPVS_NAT_DST ? 2 : 0;
		__be16 oport = xdpvs_get16(l4 + poff);

		xdpvs_l4_csum_fix(l4, protocol, 4, oaddr, addr, oport, port);
		xdpvs_put16(l4 + poff, port);
	}
}

/* Decrement an IPv4 TTL (> 1, checked by the caller) and fix the header
 * checksum the way ip_decrease_ttl() does: the TTL is the high byte of its
 * 16-bit word, so the sum grows by 0x0100, with end-around carry. */
static __always_inline void xdpvs_ttl_dec4(__u8 *ip)
{
	__u32 c = ((__u32)ip[XDPVS_IP4_CSUM] << 8) | ip[XDPVS_IP4_CSUM + 1];

	c += 0x0100;
	c += c >= 0xffff;
	ip[XDPVS_IP4_CSUM] = (__u8)(c >> 8);
	ip[XDPVS_IP4_CSUM + 1] = (__u8)c;
	ip[XDPVS_IP4_TTL]--;
}

static __always_inline void xdpvs_hlim_dec6(__u8 *ip)
{
	ip[XDPVS_IP6_HLIM]--;
}

#endif
