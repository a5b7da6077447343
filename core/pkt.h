/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Parsing a frame into what IPVS looks at (the kernel's struct ip_vs_iphdr
 * plus the transport ports and flags): offsets into the frame, never
 * pointers past its end.
 */
#ifndef XDPVS_CORE_PKT_H
#define XDPVS_CORE_PKT_H

#include <stdbool.h>
#include <stdint.h>
#include <xdpvs/addr.h>

struct xdpvs_pkt {
	uint8_t *data;		/* first byte of the Ethernet header */
	uint32_t len;		/* frame length, link padding trimmed */
	uint16_t l3_off;	/* IP header */
	uint16_t l4_off;	/* transport header, past IPv6 ext headers */
	uint16_t vlan_tci;	/* when vlan */
	bool vlan;
	bool frag;		/* an IP fragment */
	bool has_ports;		/* TCP, UDP or SCTP with ports present */
	bool has_chunk;		/* SCTP: first chunk header present */
	uint16_t af;		/* AF_INET, AF_INET6 */
	uint16_t fragoffs;	/* fragment offset, bytes; 0 = first */
	uint16_t fh_off;	/* IPv6 fragment header; 0 = none */
	uint8_t protocol;	/* transport protocol */
	uint8_t ttl;		/* TTL or hop limit */
	uint8_t tcp_flags;	/* XDPVS_TCP_* */
	uint8_t sctp_chunk;	/* type of the first chunk */
	uint8_t icmp_type;	/* ICMP / ICMPv6 */
	uint8_t icmp_code;
	union xdpvs_addr saddr;
	union xdpvs_addr daddr;
	uint16_t sport;		/* network order */
	uint16_t dport;
	uint32_t mark;		/* firewall mark from the mark rules */
};

enum xdpvs_pkt_result {
	XDPVS_PKT_OK = 0,
	XDPVS_PKT_NOT_IP = 1,	/* ARP and the like: not ours */
};

/*
 * Parse an Ethernet frame.  Returns XDPVS_PKT_OK, XDPVS_PKT_NOT_IP, or
 * -(1 + enum xdpvs_drop) for a frame that must be dropped (truncated or
 * malformed).
 */
int xdpvs_pkt_parse(struct xdpvs_pkt *p, uint8_t *data, uint32_t len);

/*
 * Parse the IP packet quoted in an ICMP error: from data + off to
 * data + end, expected family af.  A quote is cut short by design, so only
 * the IP header (and the ports, if there) must be present.  Returns 0 or
 * -1 when it does not look like a packet of family af.
 */
int xdpvs_pkt_parse_inner(struct xdpvs_pkt *p, uint8_t *data, uint32_t off,
			  uint32_t end, int af);

/* Length of the IP packet (from the IP header to the frame's end). */
static inline uint32_t xdpvs_pkt_l3_len(const struct xdpvs_pkt *p)
{
	return p->len - p->l3_off;
}

#endif
