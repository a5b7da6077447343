/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Test packet builder: Ethernet frames with IPv4 or IPv6 and TCP, UDP,
 * SCTP or ICMP, every checksum computed from scratch here, so an expected
 * packet does not share code with the engine's incremental updates.
 */
#ifndef XDPVS_TESTS_PKTBUILD_H
#define XDPVS_TESTS_PKTBUILD_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#define TB_MAX 10240	/* a 9216-byte jumbo packet, tunnelled */

struct tb_pkt {
	const char *smac, *dmac;	/* "02:00:00:00:00:01"; NULL: zeros */
	uint16_t vlan;			/* 0: untagged */
	const char *src, *dst;		/* addresses; family from the text */
	uint8_t proto;			/* IPPROTO_TCP/UDP/SCTP/ICMP/ICMPV6 */
	uint16_t sport, dport;		/* host order */
	uint8_t flags;			/* TCP flags */
	uint32_t seq, ack;
	uint8_t ttl;			/* 0 means 64 */
	uint8_t tos;
	uint16_t id;			/* IPv4 ID */
	bool df;
	uint8_t sctp_chunk;		/* SCTP: first chunk type */
	uint8_t icmp_type, icmp_code;
	uint32_t icmp_info;		/* rest of the ICMP header */
	bool udp_nocsum;		/* IPv4 UDP with checksum 0 */
	const uint8_t *payload;		/* ICMP: the quoted packet */
	size_t plen;
};

/* Build the frame into buf; returns its length. */
size_t tb_build(uint8_t *buf, const struct tb_pkt *d);
/* Build only the IP packet (no Ethernet header). */
size_t tb_build_ip(uint8_t *buf, const struct tb_pkt *d);
/* Put an 8-byte hop-by-hop header (PadN) right after the fixed IPv6
 * header of the frame in buf (len bytes, no VLAN tag), which must have 8
 * bytes of room: the new length.  Upper-layer checksums do not cover it. */
size_t tb_ip6_add_hbh(uint8_t *buf, size_t len);
/* Parse a MAC "aa:bb:cc:dd:ee:ff". */
void tb_mac(uint8_t *out, const char *s);
/* Internet checksum of a buffer (finished, in host order). */
uint16_t tb_csum(const uint8_t *b, size_t len, uint32_t sum);
/* Hex dump for failure messages. */
void tb_hexdump(const char *title, const uint8_t *b, size_t len);
/* Assert two frames equal, dumping both and the first difference. */
#define tb_assert_frame(got, glen, exp, elen) \
	tb_assert_frame_(got, glen, exp, elen, __FILE__, __LINE__)
void tb_assert_frame_(const uint8_t *got, size_t glen, const uint8_t *exp,
		      size_t elen, const char *file, int line);

#endif
