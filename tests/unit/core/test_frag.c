// SPDX-License-Identifier: GPL-2.0-only
/*
 * IP fragments: reassembly before IPVS and fragmentation after it, byte
 * for byte.  Datagrams are built whole by tests/lib/pktbuild and cut into
 * fragments here (headers rewritten and checksummed from scratch); the
 * expected output is the NATed datagram built whole, cut the same way.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <cmocka.h>

#include "../../lib/enginetest.h"

#define CLIENT_MAC "02:00:00:00:00:01"
#define RS1_MAC "02:00:00:00:01:02"
#define ETH 14

static uint8_t payload[TB_MAX];

static int setup(void **state)
{
	static struct et t;
	size_t i;

	for (i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)(i * 7 + 3);
	et_init(&t, 0);
	et_route(&t, "198.18.1.2", RS1_MAC, 2, 1500, "198.18.1.1");
	et_route(&t, "2001:db8:1::2", RS1_MAC, 2, 1500, "2001:db8:1::1");
	et_add_svc(&t, "udp 198.18.100.1 53", "rr");
	et_add_dest(&t, "udp 198.18.100.1 53", "198.18.1.2 5353", 'm', 1);
	et_add_svc(&t, "udp 2001:db8:100::1 53", "rr");
	et_add_dest(&t, "udp 2001:db8:100::1 53", "2001:db8:1::2 5353", 'm',
		    1);
	*state = &t;
	return 0;
}

static int teardown(void **state)
{
	et_fini(*state);
	return 0;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Fragment [off, off + len) of the IPv4 datagram in frame d (its header
 * hl bytes), with MF if more; returns the frame's length. */
static size_t cut4(uint8_t *out, const uint8_t *d, uint32_t off,
		   uint32_t len, int more)
{
	uint32_t hl = (d[ETH] & 15) * 4u;
	uint8_t *ip = out + ETH;
	uint16_t frag = (uint16_t)(((d[ETH + 6] & 0x40) << 8) |
				   (more ? 0x2000 : 0) | off / 8);

	memcpy(out, d, ETH + hl);
	memcpy(ip + hl, d + ETH + hl + off, len);
	put16(ip + 2, (uint16_t)(hl + len));
	put16(ip + 6, frag);
	ip[10] = ip[11] = 0;
	put16(ip + 10, tb_csum(ip, hl, 0));
	return ETH + hl + len;
}

/* The same for IPv6: a fragment header with ID id after the fixed one. */
static size_t cut6(uint8_t *out, const uint8_t *d, uint32_t off,
		   uint32_t len, int more, uint32_t id)
{
	uint8_t *ip = out + ETH, *fh = ip + 40;

	memcpy(out, d, ETH + 40);
	put16(ip + 4, (uint16_t)(8 + len));
	ip[6] = 44;
	fh[0] = d[ETH + 6];
	fh[1] = 0;
	put16(fh + 2, (uint16_t)(off | (more ? 1 : 0)));
	fh[4] = (uint8_t)(id >> 24);
	fh[5] = (uint8_t)(id >> 16);
	fh[6] = (uint8_t)(id >> 8);
	fh[7] = (uint8_t)id;
	memcpy(fh + 8, d + ETH + 40 + off, len);
	return ETH + 48 + len;
}

/* A UDP datagram of n payload bytes from the client to the service. */
static struct tb_pkt dgram4(size_t n, uint16_t id, bool df)
{
	struct tb_pkt p = {
		.smac = CLIENT_MAC, .dmac = ET_LB_MAC,
		.src = "198.18.0.2", .dst = "198.18.100.1",
		.proto = IPPROTO_UDP, .sport = 40000, .dport = 53,
		.id = id, .df = df, .payload = payload, .plen = n,
	};
	return p;
}

static struct tb_pkt dgram6(size_t n)
{
	struct tb_pkt p = {
		.smac = CLIENT_MAC, .dmac = ET_LB_MAC,
		.src = "2001:db8::2", .dst = "2001:db8:100::1",
		.proto = IPPROTO_UDP, .sport = 40000, .dport = 53,
		.payload = payload, .plen = n,
	};
	return p;
}

/* What NAT makes of d: to the real server, one hop less. */
static struct tb_pkt natted(struct tb_pkt d)
{
	d.smac = ET_LB_MAC;
	d.dmac = RS1_MAC;
	d.dst = d.dst[4] == ':' ? "2001:db8:1::2" : "198.18.1.2";
	d.dport = 5353;
	d.ttl = 63;
	return d;
}

/* Payload offsets where fragments begin, then the end. */
struct geo {
	int n;
	uint32_t at[8];
};

/* Send the fragments of d (cut at g) in the order given; all but the
 * last are held. */
static void send_frags(struct et *t, double now, const struct tb_pkt *d,
		       const struct geo *g, const int *order)
{
	uint8_t whole[TB_MAX], frag[TB_MAX];
	size_t len = tb_build(whole, d), flen;
	int i;

	(void)len;
	for (i = 0; i < g->n; i++) {
		int k = order ? order[i] : i;
		uint32_t off = g->at[k], plen = g->at[k + 1] - off;

		if (d->dst[4] == ':')
			flen = cut6(frag, whole, off, plen, k + 1 < g->n,
				    0x5a000000u + d->id);
		else
			flen = cut4(frag, whole, off, plen, k + 1 < g->n);
		et_rx(t, now, frag, flen);
		assert_int_equal(t->v, i + 1 < g->n ? XDPVS_HOLD : XDPVS_TX);
	}
}

/* The frames out must be exp cut at g (IPv6: with the ID we gave). */
static void expect_frags(struct et *t, const struct tb_pkt *exp,
			 const struct geo *g)
{
	uint8_t whole[TB_MAX], want[TB_MAX];
	struct xdpvs_frame f = t->f;
	uint32_t id = 0;
	size_t wlen;
	int k;

	tb_build(whole, exp);
	assert_int_equal(t->v, XDPVS_TX);
	/* The first fragment is in the caller's buffer. */
	assert_true(f.data >= t->buf && f.data + f.len <= t->buf +
						sizeof(t->buf));
	if (exp->dst[4] == ':')
		id = get32(f.data + ETH + 44);
	for (k = 0; k < g->n; k++) {
		uint32_t off = g->at[k], plen = g->at[k + 1] - off;

		if (k)
			assert_int_equal(xdpvs_engine_tx_next(t->e, &f), 1);
		if (exp->dst[4] == ':')
			wlen = cut6(want, whole, off, plen, k + 1 < g->n, id);
		else
			wlen = cut4(want, whole, off, plen, k + 1 < g->n);
		tb_assert_frame(f.data, f.len, want, wlen);
		assert_int_equal(f.ifindex, 2);
	}
	assert_int_equal(xdpvs_engine_tx_next(t->e, &f), 0);
}

/* 1000 bytes of UDP in two fragments, as frag_v4 recorded from the
 * kernel: NATed and cut where they were cut. */
static void ipv4_two_fragments_in_order(void **state)
{
	struct et *t = *state;
	struct tb_pkt d = dgram4(992, 0x1001, false);
	struct geo g = { 2, { 0, 512, 1000 } };

	send_frags(t, 1.0, &d, &g, NULL);
	struct tb_pkt exp = natted(d);
	expect_frags(t, &exp, &g);
	assert_string_equal(et_conn_state(t, "198.18.0.2", 40000, NULL),
			    "UDP");
	assert_int_equal(et_drops(t, XDPVS_DROP_FRAGMENT), 0);
}

/* Last fragment first, the middle one last: the same datagram out. */
static void ipv4_three_fragments_any_order(void **state)
{
	struct et *t = *state;
	struct tb_pkt d = dgram4(1392, 0x1002, false);
	struct geo g = { 3, { 0, 200, 808, 1400 } };
	int order[] = { 2, 0, 1 };

	send_frags(t, 1.0, &d, &g, order);
	struct tb_pkt exp = natted(d);
	expect_frags(t, &exp, &g);
}

/* The link to the real server is narrower than the fragments: even
 * pieces of (400 - 20) & ~7 = 376 bytes. */
static void ipv4_refragmented_for_a_narrow_link(void **state)
{
	struct et *t = *state;
	struct tb_pkt d = dgram4(992, 0x1003, false);
	struct geo in = { 2, { 0, 512, 1000 } };
	struct geo out = { 3, { 0, 376, 752, 1000 } };

	et_route(t, "198.18.1.2", RS1_MAC, 2, 400, "198.18.1.1");
	send_frags(t, 1.0, &d, &in, NULL);
	struct tb_pkt exp = natted(d);
	expect_frags(t, &exp, &out);
}

/* A whole packet without DF, too big for the link: fragmented. */
static void ipv4_too_big_without_df_is_fragmented(void **state)
{
	struct et *t = *state;
	struct tb_pkt d = dgram4(1400, 0x1004, false);
	struct geo out = { 4, { 0, 376, 752, 1128, 1408 } };

	et_route(t, "198.18.1.2", RS1_MAC, 2, 400, "198.18.1.1");
	et_rx_pkt(t, 1.0, &d);
	struct tb_pkt exp = natted(d);
	expect_frags(t, &exp, &out);
	assert_int_equal(et_drops(t, XDPVS_DROP_MTU), 0);
}

/* Fragments that all had DF: the datagram has DF, and too big for the
 * link it is answered with "fragmentation needed", from the caller's
 * buffer. */
static void ipv4_df_fragments_get_frag_needed(void **state)
{
	struct et *t = *state;
	struct tb_pkt d = dgram4(992, 0x1005, true);
	struct geo g = { 2, { 0, 504, 1000 } };

	et_route(t, "198.18.1.2", RS1_MAC, 2, 900, "198.18.1.1");
	et_route(t, "198.18.0.2", CLIENT_MAC, 1, 1500, "198.18.0.254");
	send_frags(t, 1.0, &d, &g, NULL);
	assert_int_equal(t->f.data[ETH + 9], IPPROTO_ICMP);
	assert_int_equal(t->f.data[ETH + 20], 3);
	assert_int_equal(t->f.data[ETH + 21], 4);
	assert_int_equal(t->f.data[ETH + 26] << 8 | t->f.data[ETH + 27], 900);
	assert_true(t->f.data >= t->buf &&
		    t->f.data < t->buf + sizeof(t->buf));
	assert_int_equal(xdpvs_engine_tx_next(t->e, &t->f), 0);
	assert_int_equal(et_drops(t, XDPVS_DROP_MTU), 1);
}

/* A repeated fragment is ignored (counted); the datagram completes. */
static void repeated_fragment_is_ignored(void **state)
{
	struct et *t = *state;
	struct tb_pkt d = dgram4(992, 0x1006, false);
	uint8_t whole[TB_MAX], frag[TB_MAX];
	struct geo g = { 2, { 0, 512, 1000 } };
	size_t n;

	tb_build(whole, &d);
	n = cut4(frag, whole, 0, 512, 1);
	assert_int_equal(et_rx(t, 1.0, frag, n), XDPVS_HOLD);
	assert_int_equal(et_rx(t, 1.1, frag, n), XDPVS_DROP);
	assert_int_equal(et_drops(t, XDPVS_DROP_FRAGMENT), 1);
	n = cut4(frag, whole, 512, 488, 0);
	assert_int_equal(et_rx(t, 1.2, frag, n), XDPVS_TX);
	struct tb_pkt exp = natted(d);
	expect_frags(t, &exp, &g);
}

/* Overlapping fragments kill the datagram (RFC 5722). */
static void overlapping_fragments_drop_the_datagram(void **state)
{
	struct et *t = *state;
	struct tb_pkt d = dgram4(992, 0x1007, false);
	uint8_t whole[TB_MAX], frag[TB_MAX];
	size_t n;

	tb_build(whole, &d);
	n = cut4(frag, whole, 0, 512, 1);
	assert_int_equal(et_rx(t, 1.0, frag, n), XDPVS_HOLD);
	n = cut4(frag, whole, 504, 496, 0);
	assert_int_equal(et_rx(t, 1.1, frag, n), XDPVS_DROP);
	assert_int_equal(et_drops(t, XDPVS_DROP_FRAG_OVERLAP), 1);
	/* What is left does not make a datagram any more. */
	n = cut4(frag, whole, 512, 488, 0);
	assert_int_equal(et_rx(t, 1.2, frag, n), XDPVS_HOLD);
	assert_null(et_conn_state(t, "198.18.0.2", 40000, NULL));
}

/* 30 s for an IPv4 datagram to be complete (ipfrag_time). */
static void incomplete_datagram_times_out(void **state)
{
	struct et *t = *state;
	struct tb_pkt d = dgram4(992, 0x1008, false);
	uint8_t whole[TB_MAX], frag[TB_MAX];
	size_t n;

	tb_build(whole, &d);
	n = cut4(frag, whole, 0, 512, 1);
	assert_int_equal(et_rx(t, 1.0, frag, n), XDPVS_HOLD);
	xdpvs_engine_tick(t->e, (uint64_t)(30.5 * 1e9));
	assert_int_equal(et_drops(t, XDPVS_DROP_FRAG_TIMEOUT), 0);
	xdpvs_engine_tick(t->e, (uint64_t)(31.5 * 1e9));
	assert_int_equal(et_drops(t, XDPVS_DROP_FRAG_TIMEOUT), 1);
	n = cut4(frag, whole, 512, 488, 0);
	assert_int_equal(et_rx(t, 32.0, frag, n), XDPVS_HOLD);
}

/* At most XDPVS_FRAG_SLOTS (64) datagrams are reassembled at once. */
static void reassembly_table_full(void **state)
{
	struct et *t = *state;
	uint8_t whole[TB_MAX], frag[TB_MAX];
	uint16_t id;
	size_t n;

	for (id = 1; id <= 65; id++) {
		struct tb_pkt d = dgram4(992, id, false);

		tb_build(whole, &d);
		n = cut4(frag, whole, 0, 512, 1);
		assert_int_equal(et_rx(t, 1.0, frag, n),
				 id <= 64 ? XDPVS_HOLD : XDPVS_DROP);
	}
	assert_int_equal(et_drops(t, XDPVS_DROP_FRAG_FULL), 1);
}

/* Fragments to an address that is not a virtual one are not ours. */
static void fragments_not_for_a_service_pass(void **state)
{
	struct et *t = *state;
	struct tb_pkt d = dgram4(992, 0x1009, false);
	uint8_t whole[TB_MAX], frag[TB_MAX];
	size_t n;

	d.dst = "198.18.100.99";
	tb_build(whole, &d);
	n = cut4(frag, whole, 0, 512, 1);
	assert_int_equal(et_rx(t, 1.0, frag, n), XDPVS_PASS);
}

/* A firewall-mark service (fwm 5: UDP to 198.18.101.0/24, port lo-hi,
 * 0-0 for any) NATing to the real server's port 5353. */
static void fwmark_svc(struct et *t, uint16_t lo, uint16_t hi)
{
	struct xdpvs_mark_rule r = {
		.mark = 5, .af = AF_INET, .protocol = IPPROTO_UDP, .plen = 24,
		.port_lo = lo, .port_hi = hi,
	};

	inet_pton(AF_INET, "198.18.101.0", &r.prefix.ip);
	assert_int_equal(xdpvs_mark_add(t->e, &r), 0);
	et_add_svc(t, "fwm 5", "rr");
	et_add_dest(t, "fwm 5", "198.18.1.2 5353", 'm', 1);
}

/* Fragments to a firewall-mark service whose rule takes any port: whole
 * again, the datagram is marked and NATed, then cut as it came. */
static void fwmark_fragments_reassembled(void **state)
{
	struct et *t = *state;
	struct tb_pkt d = dgram4(992, 0x100a, false);
	struct geo g = { 2, { 0, 512, 1000 } };

	fwmark_svc(t, 0, 0);
	d.dst = "198.18.101.7";
	send_frags(t, 1.0, &d, &g, NULL);
	struct tb_pkt exp = natted(d);
	expect_frags(t, &exp, &g);
	assert_string_equal(et_conn_state(t, "198.18.0.2", 40000, NULL),
			    "UDP");
}

/* A rule with a port range cannot claim a fragment without ports: they
 * are left to the host, the first one too (else its datagram could never
 * be whole). */
static void fwmark_port_range_fragments_pass(void **state)
{
	struct et *t = *state;
	struct tb_pkt d = dgram4(992, 0x100b, false);
	uint8_t whole[TB_MAX], frag[TB_MAX];
	size_t n;

	fwmark_svc(t, 53, 53);
	d.dst = "198.18.101.7";
	tb_build(whole, &d);
	n = cut4(frag, whole, 0, 512, 1);
	assert_int_equal(et_rx(t, 1.0, frag, n), XDPVS_PASS);
	n = cut4(frag, whole, 512, 488, 0);
	assert_int_equal(et_rx(t, 1.0, frag, n), XDPVS_PASS);
}

/* IPv6 fragments behind a hop-by-hop header (the unfragmentable part,
 * which the XDP filter now walks too): reassembled, NATed and cut again
 * as they came, the header in each piece. */
static void ipv6_fragments_behind_an_extension_header(void **state)
{
	struct et *t = *state;
	struct tb_pkt d = dgram6(992), exp = natted(dgram6(992));
	uint8_t whole[TB_MAX], frag[TB_MAX], want[TB_MAX];
	const uint32_t at[] = { 0, 512, 1000 };
	struct xdpvs_frame f;
	uint32_t id;
	size_t n;
	int k;

	tb_build(whole, &d);
	for (k = 0; k < 2; k++) {
		n = cut6(frag, whole, at[k], at[k + 1] - at[k], !k, 0x5a0000aa);
		n = tb_ip6_add_hbh(frag, n);
		assert_int_equal(et_rx(t, 1.0, frag, n),
				 k ? XDPVS_TX : XDPVS_HOLD);
	}
	tb_build(whole, &exp);
	f = t->f;
	id = get32(f.data + ETH + 48 + 4);
	for (k = 0; k < 2; k++) {
		if (k)
			assert_int_equal(xdpvs_engine_tx_next(t->e, &f), 1);
		n = cut6(want, whole, at[k], at[k + 1] - at[k], !k, id);
		n = tb_ip6_add_hbh(want, n);
		tb_assert_frame(f.data, f.len, want, n);
	}
	assert_int_equal(xdpvs_engine_tx_next(t->e, &f), 0);
}

/* A reply from a NAT real server in fragments: reassembled, the source
 * made the virtual address again, cut as it came. */
static void nat_reply_in_fragments(void **state)
{
	struct et *t = *state;
	struct tb_pkt q = dgram4(8, 0x100a, false);
	struct tb_pkt r = {
		.smac = RS1_MAC, .dmac = ET_LB_MAC,
		.src = "198.18.1.2", .dst = "198.18.0.2",
		.proto = IPPROTO_UDP, .sport = 5353, .dport = 40000,
		.id = 0x2001, .payload = payload, .plen = 1992,
	};
	struct geo g = { 2, { 0, 1480, 2000 } };

	et_route(t, "198.18.0.2", CLIENT_MAC, 1, 1500, "198.18.0.254");
	assert_int_equal(et_rx_pkt(t, 1.0, &q), XDPVS_TX);
	send_frags(t, 1.1, &r, &g, NULL);
	struct tb_pkt exp = r;
	exp.smac = ET_LB_MAC;
	exp.dmac = CLIENT_MAC;
	exp.src = "198.18.100.1";
	exp.sport = 53;
	exp.ttl = 63;
	assert_int_equal(t->f.ifindex, 1);
	uint8_t whole[TB_MAX], want[TB_MAX];
	size_t wlen;

	tb_build(whole, &exp);
	wlen = cut4(want, whole, 0, 1480, 1);
	tb_assert_frame(t->f.data, t->f.len, want, wlen);
	assert_int_equal(xdpvs_engine_tx_next(t->e, &t->f), 1);
	wlen = cut4(want, whole, 1480, 520, 0);
	tb_assert_frame(t->f.data, t->f.len, want, wlen);
	assert_int_equal(xdpvs_engine_tx_next(t->e, &t->f), 0);
}

/* IPv6, as frag_v6 recorded: 552 + 408 bytes after the fragment header,
 * out the same way with an ID of ours. */
static void ipv6_two_fragments(void **state)
{
	struct et *t = *state;
	struct tb_pkt d = dgram6(952);
	struct geo g = { 2, { 0, 552, 960 } };
	int order[] = { 1, 0 };

	send_frags(t, 1.0, &d, &g, order);
	struct tb_pkt exp = natted(d);
	expect_frags(t, &exp, &g);
}

/* IPv6 judges a reassembled datagram by its largest fragment: 1000-byte
 * fragments fit a 1280 link even if the datagram does not... */
static void ipv6_datagram_larger_than_link(void **state)
{
	struct et *t = *state;
	struct tb_pkt d = dgram6(1992);
	struct geo g = { 2, { 0, 952, 2000 } };

	et_route(t, "2001:db8:1::2", RS1_MAC, 2, 1280, "2001:db8:1::1");
	send_frags(t, 1.0, &d, &g, NULL);
	struct tb_pkt exp = natted(d);
	expect_frags(t, &exp, &g);
}

/* ... but a fragment larger than the link gets "packet too big". */
static void ipv6_fragment_larger_than_link(void **state)
{
	struct et *t = *state;
	struct tb_pkt d = dgram6(1992);
	struct geo g = { 2, { 0, 1400, 2000 } };

	et_route(t, "2001:db8:1::2", RS1_MAC, 2, 1280, "2001:db8:1::1");
	et_route(t, "2001:db8::2", CLIENT_MAC, 1, 1500, "2001:db8::fe");
	send_frags(t, 1.0, &d, &g, NULL);
	assert_int_equal(t->f.data[ETH + 6], IPPROTO_ICMPV6);
	assert_int_equal(t->f.data[ETH + 40], 2);	/* packet too big */
	assert_int_equal(get32(t->f.data + ETH + 44), 1280);
	assert_int_equal(et_drops(t, XDPVS_DROP_MTU), 1);
}

/* An IPv6 fragment with more to come must be whole 8-byte units. */
static void ipv6_ragged_fragment_dropped(void **state)
{
	struct et *t = *state;
	struct tb_pkt d = dgram6(952);
	uint8_t whole[TB_MAX], frag[TB_MAX];
	size_t n;

	tb_build(whole, &d);
	n = cut6(frag, whole, 0, 550, 1, 7);
	assert_int_equal(et_rx(t, 1.0, frag, n), XDPVS_DROP);
	assert_int_equal(et_drops(t, XDPVS_DROP_FRAGMENT), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(ipv4_two_fragments_in_order),
		T(ipv4_three_fragments_any_order),
		T(ipv4_refragmented_for_a_narrow_link),
		T(ipv4_too_big_without_df_is_fragmented),
		T(ipv4_df_fragments_get_frag_needed),
		T(repeated_fragment_is_ignored),
		T(overlapping_fragments_drop_the_datagram),
		T(incomplete_datagram_times_out),
		T(reassembly_table_full),
		T(fragments_not_for_a_service_pass),
		T(fwmark_fragments_reassembled),
		T(fwmark_port_range_fragments_pass),
		T(ipv6_fragments_behind_an_extension_header),
		T(nat_reply_in_fragments),
		T(ipv6_two_fragments),
		T(ipv6_datagram_larger_than_link),
		T(ipv6_fragment_larger_than_link),
		T(ipv6_ragged_fragment_dropped),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
