// SPDX-License-Identifier: GPL-2.0-only
/*
 * Frame parsing: Ethernet (with one or two 802.1Q tags), IPv4 with options,
 * IPv6 with extension headers, and the transport header IPVS reads.  What
 * the kernel's IP layer would refuse before IPVS saw it (bad version, bad
 * header length or checksum, a length beyond the frame) is refused here, so
 * every later step may trust the offsets.  Nothing past the frame's end is
 * ever read: every access is preceded by a length check.
 */
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <xdpvs/bytes.h>
#include <xdpvs/engine.h>
#include <xdpvs/hdr.h>

#include "pkt.h"

#define ETH_HLEN_	14
#define ETHERTYPE_IP	0x0800
#define ETHERTYPE_IPV6	0x86DD
#define ETHERTYPE_VLAN	0x8100
#define ETHERTYPE_QINQ	0x88A8
#define IP6_HLEN	40
#define IP6_MAX_EXT	8	/* extension headers we are willing to walk */

#define DROP(reason) (-(1 + (int)(reason)))

/* One's complement sum of an IPv4 header; 0xffff when it is intact. */
static uint16_t pkt_ip4_hdr_sum(const uint8_t *ip, unsigned int hlen)
{
	uint32_t sum = 0;
	unsigned int i;

	for (i = 0; i < hlen; i += 2)
		sum += (uint32_t)(ip[i] << 8 | ip[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* Fill ports, flags and chunk type from the transport header at
 * p->l4_off; end is the end of the IP packet.  Returns 0, or -1 when a
 * header IPVS needs is cut short. */
static int pkt_parse_l4(struct xdpvs_pkt *p, uint32_t end)
{
	const uint8_t *l4 = p->data + p->l4_off;
	uint32_t avail = end > p->l4_off ? end - p->l4_off : 0;

	p->has_ports = false;
	p->has_chunk = false;
	if (p->fragoffs)
		return 0;	/* a later fragment: no transport header */
	switch (p->protocol) {
	case IPPROTO_TCP:
		if (avail < 20)
			return -1;
		p->tcp_flags = l4[13];
		break;
	case IPPROTO_UDP:
		if (avail < 8)
			return -1;
		break;
	case IPPROTO_SCTP:
		if (avail < sizeof(struct xdpvs_sctphdr))
			return -1;
		if (avail >= sizeof(struct xdpvs_sctphdr) +
				     sizeof(struct xdpvs_sctp_chunkhdr)) {
			p->has_chunk = true;
			p->sctp_chunk = l4[sizeof(struct xdpvs_sctphdr)];
		}
		break;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		if (avail < 8)
			return -1;
		p->icmp_type = l4[0];
		p->icmp_code = l4[1];
		return 0;
	default:
		return 0;
	}
	p->sport = xdpvs_get16(l4);
	p->dport = xdpvs_get16(l4 + 2);
	p->has_ports = true;
	return 0;
}

/* IPv4 header at p->l3_off, avail bytes to the frame's end.  inner: an
 * ICMP quote, which may be cut short and is not checksummed. */
static int pkt_parse_ip4(struct xdpvs_pkt *p, uint32_t avail, bool inner)
{
	const uint8_t *ip = p->data + p->l3_off;
	unsigned int hlen, tot;
	uint16_t frag;

	if (avail < 20)
		return DROP(XDPVS_DROP_TRUNCATED);
	hlen = (ip[0] & 0x0f) * 4u;
	if ((ip[0] >> 4) != 4 || hlen < 20)
		return DROP(XDPVS_DROP_MALFORMED);
	if (avail < hlen)
		return DROP(XDPVS_DROP_TRUNCATED);
	tot = (unsigned int)(ip[2] << 8 | ip[3]);
	if (!inner) {
		if (tot < hlen)
			return DROP(XDPVS_DROP_MALFORMED);
		if (tot > avail)
			return DROP(XDPVS_DROP_TRUNCATED);
		if (pkt_ip4_hdr_sum(ip, hlen) != 0xffff)
			return DROP(XDPVS_DROP_MALFORMED);
		p->len = p->l3_off + tot;	/* trim link padding */
	}
	p->af = AF_INET;
	p->protocol = ip[9];
	p->ttl = ip[8];
	frag = (uint16_t)((ip[6] & 0x3f) << 8 | ip[7]);	/* MF + offset */
	p->frag = frag != 0;
	p->fragoffs = (uint16_t)((frag & 0x1fff) * 8);
	memset(&p->saddr, 0, sizeof(p->saddr));
	memset(&p->daddr, 0, sizeof(p->daddr));
	memcpy(&p->saddr.ip, ip + 12, 4);
	memcpy(&p->daddr.ip, ip + 16, 4);
	p->l4_off = (uint16_t)(p->l3_off + hlen);
	return 0;
}

static bool pkt_ip6_is_ext(uint8_t nh)
{
	return nh == IPPROTO_HOPOPTS || nh == IPPROTO_ROUTING ||
	       nh == IPPROTO_FRAGMENT || nh == IPPROTO_DSTOPTS ||
	       nh == IPPROTO_AH;
}

/* Walk the IPv6 extension headers to the transport header, as
 * ipv6_find_hdr() does, noting a fragment header on the way. */
static int pkt_ip6_walk(struct xdpvs_pkt *p, uint8_t nh, uint32_t end)
{
	uint32_t off = p->l3_off + IP6_HLEN;
	int n;

	for (n = 0; pkt_ip6_is_ext(nh); n++) {
		const uint8_t *h = p->data + off;
		uint32_t hlen;

		if (n == IP6_MAX_EXT)
			return DROP(XDPVS_DROP_MALFORMED);
		if (end < off + 8)
			return DROP(XDPVS_DROP_TRUNCATED);
		if (nh == IPPROTO_FRAGMENT) {
			uint16_t fo = (uint16_t)(h[2] << 8 | h[3]);

			p->frag = true;
			p->fragoffs = (uint16_t)(fo & 0xfff8);
			p->fh_off = (uint16_t)off;
			hlen = 8;
		} else if (nh == IPPROTO_AH) {
			hlen = (h[1] + 2u) * 4;
		} else {
			hlen = (h[1] + 1u) * 8;
		}
		nh = h[0];
		off += hlen;
		if (p->fragoffs)
			break;	/* the rest is not a header */
	}
	if (off > 0xffff || end < off)
		return DROP(XDPVS_DROP_TRUNCATED);
	p->protocol = nh;
	p->l4_off = (uint16_t)off;
	return 0;
}

static int pkt_parse_ip6(struct xdpvs_pkt *p, uint32_t avail, bool inner)
{
	const uint8_t *ip = p->data + p->l3_off;
	uint32_t end;

	if (avail < IP6_HLEN)
		return DROP(XDPVS_DROP_TRUNCATED);
	if ((ip[0] >> 4) != 6)
		return DROP(XDPVS_DROP_MALFORMED);
	end = p->l3_off + avail;
	if (!inner) {
		uint32_t plen = (uint32_t)(ip[4] << 8 | ip[5]);

		/* A jumbogram (payload length 0) cannot arrive in a frame. */
		if (plen == 0)
			return DROP(XDPVS_DROP_MALFORMED);
		if (IP6_HLEN + plen > avail)
			return DROP(XDPVS_DROP_TRUNCATED);
		end = p->l3_off + IP6_HLEN + plen;
		p->len = end;	/* trim link padding */
	}
	p->af = AF_INET6;
	p->ttl = ip[7];
	p->frag = false;
	p->fragoffs = 0;
	p->fh_off = 0;
	memcpy(&p->saddr, ip + 8, 16);
	memcpy(&p->daddr, ip + 24, 16);
	return pkt_ip6_walk(p, ip[6], end);
}

/* Skip Ethernet and up to two VLAN tags; returns the ethertype of the
 * payload and sets p->l3_off, or -1 when the frame is too short. */
static int pkt_parse_l2(struct xdpvs_pkt *p)
{
	uint32_t off = 12;
	uint16_t type;
	int tags;

	if (p->len < ETH_HLEN_)
		return -1;
	type = (uint16_t)(p->data[off] << 8 | p->data[off + 1]);
	for (tags = 0; tags < 2 && (type == ETHERTYPE_VLAN ||
				    type == ETHERTYPE_QINQ); tags++) {
		/* the tag's type, TCI and the encapsulated type */
		if (p->len < off + 2 + 2 + 2)
			return -1;
		if (!p->vlan) {
			p->vlan = true;
			p->vlan_tci = (uint16_t)(p->data[off + 2] << 8 |
						 p->data[off + 3]);
		}
		off += 4;
		type = (uint16_t)(p->data[off] << 8 | p->data[off + 1]);
	}
	p->l3_off = (uint16_t)(off + 2);
	return type;
}

int xdpvs_pkt_parse(struct xdpvs_pkt *p, uint8_t *data, uint32_t len)
{
	int type, err;

	memset(p, 0, sizeof(*p));
	p->data = data;
	p->len = len;
	type = pkt_parse_l2(p);
	if (type < 0)
		return DROP(XDPVS_DROP_TRUNCATED);
	if (type == ETHERTYPE_IP)
		err = pkt_parse_ip4(p, len - p->l3_off, false);
	else if (type == ETHERTYPE_IPV6)
		err = pkt_parse_ip6(p, len - p->l3_off, false);
	else
		return XDPVS_PKT_NOT_IP;
	if (err)
		return err;
	if (pkt_parse_l4(p, p->len) < 0)
		return DROP(XDPVS_DROP_TRUNCATED);
	return XDPVS_PKT_OK;
}

int xdpvs_pkt_parse_inner(struct xdpvs_pkt *p, uint8_t *data, uint32_t off,
			  uint32_t end, int af)
{
	int err;

	memset(p, 0, sizeof(*p));
	p->data = data;
	p->len = end;
	p->l3_off = (uint16_t)off;
	if (off >= end)
		return -1;
	if (af == AF_INET)
		err = pkt_parse_ip4(p, end - off, true);
	else
		err = pkt_parse_ip6(p, end - off, true);
	if (err)
		return -1;
	/* A quote holds at least 8 bytes of the transport header (RFC 792),
	 * enough for the ports; a shorter one has none. */
	if (!p->fragoffs && end >= p->l4_off + 4u &&
	    (p->protocol == IPPROTO_TCP || p->protocol == IPPROTO_UDP ||
	     p->protocol == IPPROTO_SCTP)) {
		p->sport = xdpvs_get16(data + p->l4_off);
		p->dport = xdpvs_get16(data + p->l4_off + 2);
		p->has_ports = true;
	}
	return 0;
}
