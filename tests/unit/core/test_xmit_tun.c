// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tunnelling, byte for byte: the outer header the kernel writes (source =
 * our address towards the real server, TTL = inner TTL after the
 * decrement, DSCP copied and CE turned into ECT(0), DF copied and ID 0
 * with DF), IPIP, 6in4, GUE with checksum, GRE with checksum.  Expected
 * frames are assembled here from tests/lib/pktbuild pieces.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <netinet/in.h>
#include <cmocka.h>

#include "../../lib/enginetest.h"

#define RS1_MAC "02:00:00:00:01:02"

static int setup(void **state)
{
	static struct et t;

	et_init(&t, 0);
	et_route(&t, "198.18.1.2", RS1_MAC, 2, 1500, "198.18.1.1");
	*state = &t;
	return 0;
}

static int teardown(void **state)
{
	et_fini(*state);
	return 0;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Ethernet to rs1 + outer IPv4 from 198.18.1.1 + extra header (len) +
 * the inner IP packet; returns the frame length. */
static size_t outer4(uint8_t *f, uint8_t proto, uint8_t tos, uint8_t ttl,
		     int df, const uint8_t *extra, size_t elen,
		     const uint8_t *inner, size_t ilen)
{
	uint8_t *ip = f + 14;
	size_t tot = 20 + elen + ilen;

	tb_mac(f, RS1_MAC);
	tb_mac(f + 6, ET_LB_MAC);
	put16(f + 12, 0x0800);
	memset(ip, 0, 20);
	ip[0] = 0x45;
	ip[1] = tos;
	put16(ip + 2, (uint16_t)tot);
	ip[6] = df ? 0x40 : 0;
	ip[8] = ttl;
	ip[9] = proto;
	ip[12] = 198, ip[13] = 18, ip[14] = 1, ip[15] = 1;
	ip[16] = 198, ip[17] = 18, ip[18] = 1, ip[19] = 2;
	put16(ip + 10, tb_csum(ip, 20, 0));
	if (elen)	/* extra may be NULL: no tunnel header */
		memcpy(ip + 20, extra, elen);
	memcpy(ip + 20 + elen, inner, ilen);
	return 14 + tot;
}

static struct tb_pkt syn(const char *vip, uint8_t tos)
{
	return (struct tb_pkt){
		.dmac = ET_LB_MAC, .src = "198.18.0.2", .dst = vip,
		.proto = IPPROTO_TCP, .sport = 40000, .dport = 80,
		.flags = 0x02, .seq = 7, .tos = tos, .df = true, .id = 0x1001,
	};
}

static void add(struct et *t, const char *svc, uint8_t type, uint16_t port,
		uint16_t flags)
{
	struct xdpvs_svc_conf s = et_svc_conf(svc, "rr");
	struct xdpvs_dest_conf d = et_dest_conf("198.18.1.2 80", 'i', 1);

	d.tun_type = type;
	d.tun_port = htons(port);
	d.tun_flags = flags;
	assert_int_equal(xdpvs_svc_add(t->e, &s), 0);
	assert_int_equal(xdpvs_dest_add(t->e, &s, &d), 0);
}

/* IPIP: outer TOS 0xbb (CE) -> 0xba, DF and ID 0 copied, TTL 63. */
static void ipip_v4(void **state)
{
	struct et *t = *state;
	struct tb_pkt in = syn("198.18.100.1", 0xbb), inner = in;
	uint8_t ip[256], exp[512];
	size_t ilen, elen;

	add(t, "tcp 198.18.100.1 80", XDPVS_TUN_IPIP, 0, 0);
	et_rx_pkt(t, 1, &in);
	inner.ttl = 63;
	ilen = tb_build_ip(ip, &inner);
	elen = outer4(exp, IPPROTO_IPIP, 0xba, 63, 1, NULL, 0, ip, ilen);
	assert_int_equal(t->v, XDPVS_TX);
	tb_assert_frame(t->f.data, t->f.len, exp, elen);
}

/* GRE with checksum: 8-byte header 80 00 08 00 csum 00 00, the checksum
 * over the GRE header and the packet. */
static void gre_csum_v4(void **state)
{
	struct et *t = *state;
	struct tb_pkt in = syn("198.18.100.2", 0), inner = in;
	uint8_t ip[256], gre[8 + 256], exp[512];
	size_t ilen, elen;

	add(t, "tcp 198.18.100.2 80", XDPVS_TUN_GRE, 0, XDPVS_TUN_F_CSUM);
	et_rx_pkt(t, 1, &in);
	inner.ttl = 63;
	ilen = tb_build_ip(ip, &inner);
	memset(gre, 0, 8);
	gre[0] = 0x80;
	put16(gre + 2, 0x0800);
	memcpy(gre + 8, ip, ilen);
	put16(gre + 4, tb_csum(gre, 8 + ilen, 0));
	elen = outer4(exp, IPPROTO_GRE, 0, 63, 1, gre, 8, ip, ilen);
	assert_int_equal(t->v, XDPVS_TX);
	tb_assert_frame(t->f.data, t->f.len, exp, elen);
}

/* GUE with checksum: UDP to the tunnel port, GUE 00 06 00 00 for IPv4
 * inside; the source port is a per-flow hash in 32768..60998: take it from
 * the output and check the range, the rest exactly. */
static void gue_csum_v4(void **state)
{
	struct et *t = *state;
	struct tb_pkt in = syn("198.18.100.3", 0), inner = in;
	uint8_t ip[256], udp[12 + 256], exp[512], ps[12];
	size_t ilen, elen, ulen;
	uint16_t sport;

	add(t, "tcp 198.18.100.3 80", XDPVS_TUN_GUE, 6080, XDPVS_TUN_F_CSUM);
	et_rx_pkt(t, 1, &in);
	assert_int_equal(t->v, XDPVS_TX);
	sport = (uint16_t)(t->f.data[34] << 8 | t->f.data[35]);
	assert_true(sport >= 32768 && sport < 60999);
	inner.ttl = 63;
	ilen = tb_build_ip(ip, &inner);
	ulen = 12 + ilen;
	memset(udp, 0, 12);
	put16(udp, sport);
	put16(udp + 2, 6080);
	put16(udp + 4, (uint16_t)ulen);
	udp[9] = IPPROTO_IPIP;
	memcpy(udp + 12, ip, ilen);
	memcpy(ps, (uint8_t[]){ 198, 18, 1, 1, 198, 18, 1, 2, 0, 17 }, 10);
	put16(ps + 10, (uint16_t)ulen);
	{
		uint32_t s = 0;
		size_t i;

		for (i = 0; i < 12; i += 2)
			s += (uint32_t)(ps[i] << 8 | ps[i + 1]);
		put16(udp + 6, tb_csum(udp, ulen, s));
	}
	elen = outer4(exp, IPPROTO_UDP, 0, 63, 1, udp, 12, ip, ilen);
	tb_assert_frame(t->f.data, t->f.len, exp, elen);
	/* The same flow keeps its port. */
	et_rx_pkt(t, 1.1, &in);
	assert_int_equal(t->f.data[34] << 8 | t->f.data[35], sport);
}

/* An inner packet without DF gives an outer one without DF and a
 * non-zero ID (the kernel's is random). */
static void ipip_no_df(void **state)
{
	struct et *t = *state;
	struct tb_pkt in = syn("198.18.100.4", 0);

	in.df = false;
	add(t, "tcp 198.18.100.4 80", XDPVS_TUN_IPIP, 0, 0);
	et_rx_pkt(t, 1, &in);
	assert_int_equal(t->v, XDPVS_TX);
	assert_int_equal(t->f.data[14 + 6], 0);
	assert_int_equal(tb_csum(t->f.data + 14, 20, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(ipip_v4, setup, teardown),
		cmocka_unit_test_setup_teardown(gre_csum_v4, setup, teardown),
		cmocka_unit_test_setup_teardown(gue_csum_v4, setup, teardown),
		cmocka_unit_test_setup_teardown(ipip_no_df, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
