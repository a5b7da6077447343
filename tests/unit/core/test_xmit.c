// SPDX-License-Identifier: GPL-2.0-only
/*
 * Forwarding methods, byte for byte: NAT both ways (TCP, UDP, SCTP, IPv4,
 * IPv6), direct routing, and the expected frames built from scratch by
 * tests/lib/pktbuild.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <netinet/in.h>
#include <cmocka.h>

#include "../../lib/enginetest.h"

#define CLIENT_MAC "02:00:00:00:00:01"
#define RS1_MAC "02:00:00:00:01:02"

static int setup(void **state)
{
	static struct et t;

	et_init(&t, 0);
	et_route(&t, "198.18.1.2", RS1_MAC, 2, 1500, "198.18.1.1");
	et_route(&t, "2001:db8:1::2", RS1_MAC, 2, 1500, "2001:db8:1::1");
	*state = &t;
	return 0;
}

static int teardown(void **state)
{
	et_fini(*state);
	return 0;
}

/* A TCP connection through NAT: SYN in, SYN-ACK out, ACK in. */
static void nat_tcp_ipv4_both_ways(void **state)
{
	struct et *t = *state;
	struct tb_pkt syn = {
		.smac = CLIENT_MAC, .dmac = ET_LB_MAC,
		.src = "198.18.0.2", .dst = "198.18.100.1",
		.proto = IPPROTO_TCP, .sport = 40000, .dport = 80,
		.flags = 0x02, .seq = 1000, .id = 7, .df = true,
	};
	struct tb_pkt out = syn;

	et_add_svc(t, "tcp 198.18.100.1 80", "rr");
	et_add_dest(t, "tcp 198.18.100.1 80", "198.18.1.2 8080", 'm', 1);

	et_rx_pkt(t, 1.0, &syn);
	out.smac = ET_LB_MAC;
	out.dmac = RS1_MAC;
	out.dst = "198.18.1.2";
	out.dport = 8080;
	out.ttl = 63;
	et_expect_tx(t, &out);
	assert_int_equal(t->f.ifindex, 2);
	assert_string_equal(et_conn_state(t, "198.18.0.2", 40000, NULL),
			    "SYN_RECV");

	/* The reply leaves with the virtual address as its source. */
	struct tb_pkt synack = {
		.smac = RS1_MAC, .dmac = ET_LB_MAC,
		.src = "198.18.1.2", .dst = "198.18.0.2",
		.proto = IPPROTO_TCP, .sport = 8080, .dport = 40000,
		.flags = 0x12, .seq = 5000, .ack = 1001, .id = 9, .df = true,
	};
	struct tb_pkt back = synack;

	et_rx_pkt(t, 1.1, &synack);
	back.smac = ET_LB_MAC;
	back.dmac = "02:00:00:00:00:01";
	back.src = "198.18.100.1";
	back.sport = 80;
	back.ttl = 63;
	et_expect_tx(t, &back);
	assert_string_equal(et_conn_state(t, "198.18.0.2", 40000, NULL),
			    "SYN_RECV");

	syn.flags = 0x10;	/* ACK */
	syn.seq = 1001;
	syn.ack = 5001;
	et_rx_pkt(t, 1.2, &syn);
	out.flags = 0x10;
	out.seq = 1001;
	out.ack = 5001;
	et_expect_tx(t, &out);
	assert_string_equal(et_conn_state(t, "198.18.0.2", 40000, NULL),
			    "ESTABLISHED");
}

static void nat_udp_ipv6_both_ways(void **state)
{
	struct et *t = *state;
	uint8_t data[5] = "hello";
	struct tb_pkt q = {
		.smac = CLIENT_MAC, .dmac = ET_LB_MAC,
		.src = "2001:db8::2", .dst = "2001:db8:100::1",
		.proto = IPPROTO_UDP, .sport = 5353, .dport = 53,
		.payload = data, .plen = sizeof(data),
	};
	struct tb_pkt out = q;

	et_add_svc(t, "udp 2001:db8:100::1 53", "rr");
	et_add_dest(t, "udp 2001:db8:100::1 53", "2001:db8:1::2 53", 'm', 1);
	et_rx_pkt(t, 1.0, &q);
	out.smac = ET_LB_MAC;
	out.dmac = RS1_MAC;
	out.dst = "2001:db8:1::2";
	out.ttl = 63;
	et_expect_tx(t, &out);

	struct tb_pkt r = {
		.smac = RS1_MAC, .dmac = ET_LB_MAC,
		.src = "2001:db8:1::2", .dst = "2001:db8::2",
		.proto = IPPROTO_UDP, .sport = 53, .dport = 5353,
		.payload = data, .plen = sizeof(data),
	};
	struct tb_pkt back = r;

	et_rx_pkt(t, 1.5, &r);
	back.smac = ET_LB_MAC;
	back.dmac = "02:00:00:00:00:01";
	back.src = "2001:db8:100::1";
	back.ttl = 63;
	et_expect_tx(t, &back);
	assert_string_equal(et_conn_state(t, "2001:db8::2", 5353, NULL), "UDP");
}

/* IPv6 with an extension header before UDP (the XDP filter walks them
 * too): NATed as without, the header kept as it came. */
static void nat_ipv6_behind_an_extension_header(void **state)
{
	struct et *t = *state;
	uint8_t data[5] = "hello", in[TB_MAX], exp[TB_MAX];
	struct tb_pkt q = {
		.smac = CLIENT_MAC, .dmac = ET_LB_MAC,
		.src = "2001:db8::2", .dst = "2001:db8:100::1",
		.proto = IPPROTO_UDP, .sport = 5354, .dport = 53,
		.payload = data, .plen = sizeof(data),
	};
	struct tb_pkt out = q;
	size_t len, elen;

	et_add_svc(t, "udp 2001:db8:100::1 53", "rr");
	et_add_dest(t, "udp 2001:db8:100::1 53", "2001:db8:1::2 53", 'm', 1);
	len = tb_ip6_add_hbh(in, tb_build(in, &q));
	assert_int_equal(et_rx(t, 1.0, in, len), XDPVS_TX);
	out.smac = ET_LB_MAC;
	out.dmac = RS1_MAC;
	out.dst = "2001:db8:1::2";
	out.ttl = 63;
	elen = tb_ip6_add_hbh(exp, tb_build(exp, &out));
	tb_assert_frame(t->f.data, t->f.len, exp, elen);
	assert_string_equal(et_conn_state(t, "2001:db8::2", 5354, NULL), "UDP");
}

/* Direct routing: only the MACs and the TTL change. */
static void dr_ipv4(void **state)
{
	struct et *t = *state;
	struct tb_pkt syn = {
		.smac = CLIENT_MAC, .dmac = ET_LB_MAC,
		.src = "198.18.0.2", .dst = "198.18.100.3",
		.proto = IPPROTO_TCP, .sport = 40001, .dport = 80,
		.flags = 0x02, .seq = 1, .df = true,
	};
	struct tb_pkt out = syn;

	et_add_svc(t, "tcp 198.18.100.3 80", "rr");
	et_add_dest(t, "tcp 198.18.100.3 80", "198.18.1.2 80", 'g', 1);
	et_rx_pkt(t, 2.0, &syn);
	out.smac = ET_LB_MAC;
	out.dmac = RS1_MAC;
	out.ttl = 63;
	et_expect_tx(t, &out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(nat_tcp_ipv4_both_ways, setup,
						teardown),
		cmocka_unit_test_setup_teardown(nat_udp_ipv6_both_ways, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			nat_ipv6_behind_an_extension_header, setup, teardown),
		cmocka_unit_test_setup_teardown(dr_ipv4, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
