// SPDX-License-Identifier: GPL-2.0-only
/*
 * Test packet builder (see pktbuild.h).  Deliberately plain: byte by byte,
 * full checksums, a bitwise CRC32c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <cmocka.h>

#include "pktbuild.h"

void tb_mac(uint8_t *out, const char *s)
{
	unsigned int m[6] = { 0 };
	int i;

	if (s)
		sscanf(s, "%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2], &m[3],
		       &m[4], &m[5]);
	for (i = 0; i < 6; i++)
		out[i] = (uint8_t)m[i];
}

uint16_t tb_csum(const uint8_t *b, size_t len, uint32_t sum)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(b[i] << 8 | b[i + 1]);
	if (len & 1)
		sum += (uint32_t)b[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static uint32_t tb_crc32c(const uint8_t *b, size_t len)
{
	uint32_t crc = 0xffffffff;
	size_t i;
	int k;

	for (i = 0; i < len; i++) {
		crc ^= b[i];
		for (k = 0; k < 8; k++)
			crc = crc & 1 ? (crc >> 1) ^ 0x82F63B78 : crc >> 1;
	}
	return ~crc;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* Transport header and payload at l4; returns its length. */
static size_t tb_l4(uint8_t *l4, const struct tb_pkt *d)
{
	size_t hl;

	switch (d->proto) {
	case IPPROTO_TCP:
		put16(l4, d->sport);
		put16(l4 + 2, d->dport);
		put32(l4 + 4, d->seq);
		put32(l4 + 8, d->ack);
		l4[12] = 5 << 4;
		l4[13] = d->flags;
		put16(l4 + 14, 29200);
		memset(l4 + 16, 0, 4);
		hl = 20;
		break;
	case IPPROTO_UDP:
		put16(l4, d->sport);
		put16(l4 + 2, d->dport);
		put16(l4 + 4, (uint16_t)(8 + d->plen));
		memset(l4 + 6, 0, 2);
		hl = 8;
		break;
	case IPPROTO_SCTP:
		put16(l4, d->sport);
		put16(l4 + 2, d->dport);
		put32(l4 + 4, 0x01020304);	/* verification tag */
		memset(l4 + 8, 0, 4);
		l4[12] = d->sctp_chunk;
		l4[13] = 0;
		put16(l4 + 14, (uint16_t)(4 + d->plen));
		hl = 16;
		break;
	default:	/* ICMP, ICMPv6 */
		l4[0] = d->icmp_type;
		l4[1] = d->icmp_code;
		memset(l4 + 2, 0, 2);
		put32(l4 + 4, d->icmp_info);
		hl = 8;
		break;
	}
	if (d->plen)
		memcpy(l4 + hl, d->payload, d->plen);
	return hl + d->plen;
}

static uint32_t tb_pseudo(int v6, const uint8_t *s, const uint8_t *dst,
			  uint8_t proto, size_t len)
{
	uint32_t sum = 0;
	size_t i, alen = v6 ? 16 : 4;

	for (i = 0; i < alen; i += 2)
		sum += (uint32_t)(s[i] << 8 | s[i + 1]) +
		       (uint32_t)(dst[i] << 8 | dst[i + 1]);
	return sum + proto + (uint32_t)(len >> 16) + (uint32_t)(len & 0xffff);
}

/* Fill in the transport checksum of the l4len bytes at l4. */
static void tb_l4_csum(uint8_t *l4, size_t l4len, const struct tb_pkt *d,
		       int v6, const uint8_t *s, const uint8_t *dst)
{
	uint32_t ps = tb_pseudo(v6, s, dst, d->proto, l4len);
	uint16_t c;

	switch (d->proto) {
	case IPPROTO_TCP:
		put16(l4 + 16, tb_csum(l4, l4len, ps));
		break;
	case IPPROTO_UDP:
		if (d->udp_nocsum && !v6)
			break;
		c = tb_csum(l4, l4len, ps);
		put16(l4 + 6, c ? c : 0xffff);
		break;
	case IPPROTO_SCTP: {
		uint32_t crc = tb_crc32c(l4, l4len);

		l4[8] = (uint8_t)crc;	/* least significant byte first */
		l4[9] = (uint8_t)(crc >> 8);
		l4[10] = (uint8_t)(crc >> 16);
		l4[11] = (uint8_t)(crc >> 24);
		break;
	}
	case IPPROTO_ICMPV6:
		put16(l4 + 2, tb_csum(l4, l4len, ps));
		break;
	default:
		put16(l4 + 2, tb_csum(l4, l4len, 0));
		break;
	}
}

size_t tb_build_ip(uint8_t *ip, const struct tb_pkt *d)
{
	uint8_t s[16], dst[16];
	int v6 = strchr(d->src, ':') != NULL;
	size_t hl = v6 ? 40 : 20, l4len;

	inet_pton(v6 ? AF_INET6 : AF_INET, d->src, s);
	inet_pton(v6 ? AF_INET6 : AF_INET, d->dst, dst);
	l4len = tb_l4(ip + hl, d);
	tb_l4_csum(ip + hl, l4len, d, v6, s, dst);
	if (v6) {
		ip[0] = (uint8_t)(0x60 | d->tos >> 4);
		ip[1] = (uint8_t)(d->tos << 4);
		ip[2] = ip[3] = 0;
		put16(ip + 4, (uint16_t)l4len);
		ip[6] = d->proto;
		ip[7] = d->ttl ? d->ttl : 64;
		memcpy(ip + 8, s, 16);
		memcpy(ip + 24, dst, 16);
	} else {
		ip[0] = 0x45;
		ip[1] = d->tos;
		put16(ip + 2, (uint16_t)(20 + l4len));
		put16(ip + 4, d->id);
		ip[6] = d->df ? 0x40 : 0;
		ip[7] = 0;
		ip[8] = d->ttl ? d->ttl : 64;
		ip[9] = d->proto;
		ip[10] = ip[11] = 0;
		memcpy(ip + 12, s, 4);
		memcpy(ip + 16, dst, 4);
		put16(ip + 10, tb_csum(ip, 20, 0));
	}
	return hl + l4len;
}

size_t tb_build(uint8_t *buf, const struct tb_pkt *d)
{
	int v6 = strchr(d->src, ':') != NULL;
	size_t l2 = d->vlan ? 18 : 14;

	tb_mac(buf, d->dmac);
	tb_mac(buf + 6, d->smac);
	if (d->vlan) {
		put16(buf + 12, 0x8100);
		put16(buf + 14, d->vlan);
	}
	put16(buf + l2 - 2, v6 ? 0x86DD : 0x0800);
	return l2 + tb_build_ip(buf + l2, d);
}

void tb_hexdump(const char *title, const uint8_t *b, size_t len)
{
	size_t i;

	print_message("%s (%zu bytes):", title, len);
	for (i = 0; i < len; i++)
		print_message("%s%02x", i % 16 ? " " : "\n  ", b[i]);
	print_message("\n");
}

void tb_assert_frame_(const uint8_t *got, size_t glen, const uint8_t *exp,
		      size_t elen, const char *file, int line)
{
	size_t i;

	if (glen == elen && memcmp(got, exp, glen) == 0)
		return;
	tb_hexdump("got", got, glen);
	tb_hexdump("expected", exp, elen);
	for (i = 0; i < glen && i < elen && got[i] == exp[i]; i++)
		;
	print_message("first difference at byte %zu\n", i);
	_fail(file, line);
}

size_t tb_ip6_add_hbh(uint8_t *buf, size_t len)
{
	static const uint8_t padn[7] = { 0, 1, 4, 0, 0, 0, 0 };
	uint8_t *ip = buf + 14;
	uint16_t plen = (uint16_t)(ip[4] << 8 | ip[5]);

	memmove(ip + 48, ip + 40, len - 54);
	ip[40] = ip[6];		/* its next header: what was the first */
	memcpy(ip + 41, padn, sizeof(padn));
	ip[6] = 0;		/* hop-by-hop */
	plen += 8;
	ip[4] = (uint8_t)(plen >> 8);
	ip[5] = (uint8_t)plen;
	return len + 8;
}
