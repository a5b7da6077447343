// SPDX-License-Identifier: GPL-2.0-only
/*
 * The ICMP errors the balancer sends, as icmp_send() / icmpv6_send() build
 * them: port unreachable when no real server is available, time exceeded,
 * fragmentation needed / packet too big quoting the packet with its TTL
 * already lowered, from the virtual address, and the rate limits.  A packet
 * answered with an error is dropped with one reason counted, the caller's,
 * whether or not its buffer has room for the error; a connection scheduled
 * for an error (schedule_icmp) expires like any other.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <cmocka.h>

#include <xdpvs/hdr.h>

#include "../../lib/enginetest.h"

#define CLIENT_MAC "02:00:00:00:00:01"

static int setup(void **state)
{
	static struct et t;

	et_init(&t, 0);
	et_route(&t, "198.18.1.2", "02:00:00:00:01:02", 2, 1400, "198.18.1.1");
	et_add_svc(&t, "tcp 198.18.100.1 80", "rr");	/* no real server */
	et_add_svc(&t, "tcp 2001:db8:100::1 80", "rr");
	et_add_svc(&t, "udp 198.18.100.2 53", "rr");
	et_add_dest(&t, "udp 198.18.100.2 53", "198.18.1.2 53", 'm', 1);
	*state = &t;
	return 0;
}

static int teardown(void **state)
{
	et_fini(*state);
	return 0;
}

/* The expected IPv4 error: ICMP type/code/info quoting q (qlen bytes),
 * with the ID the output carries (the kernel's is random). */
static size_t icmp4(uint8_t *f, const struct et *t, const char *src,
		    uint8_t tos, uint8_t type, uint8_t code, uint32_t info,
		    const uint8_t *q, size_t qlen)
{
	struct tb_pkt d = {
		.smac = ET_LB_MAC, .dmac = CLIENT_MAC, .src = src,
		.dst = "198.18.0.2", .proto = IPPROTO_ICMP, .tos = tos,
		.icmp_type = type, .icmp_code = code, .icmp_info = info,
		.payload = q, .plen = qlen,
		.id = (uint16_t)(t->f.data[18] << 8 | t->f.data[19]),
	};

	return tb_build(f, &d);
}

static void port_unreachable_v4(void **state)
{
	struct et *t = *state;
	struct tb_pkt syn = {
		.dmac = ET_LB_MAC, .src = "198.18.0.2", .dst = "198.18.100.1",
		.proto = IPPROTO_TCP, .sport = 40000, .dport = 80,
		.flags = 0x02, .tos = 0x28, .df = true, .id = 0x1001,
	};
	uint8_t q[64], exp[256];
	size_t qlen = tb_build_ip(q, &syn), len;

	et_rx_pkt(t, 1, &syn);
	assert_int_equal(t->v, XDPVS_TX);
	/* TOS 0xc0 | (0x28 & 0x1e) = 0xc8, TTL 64, DF clear */
	len = icmp4(exp, t, "198.18.100.1", 0xc8, 3, 3, 0, q, qlen);
	tb_assert_frame(t->f.data, t->f.len, exp, len);
	assert_int_equal(et_drops(t, XDPVS_DROP_NO_DEST), 1);
}

static void port_unreachable_v6(void **state)
{
	struct et *t = *state;
	struct tb_pkt syn = {
		.dmac = ET_LB_MAC, .src = "2001:db8::2", .dst = "2001:db8:100::1",
		.proto = IPPROTO_TCP, .sport = 40000, .dport = 80,
		.flags = 0x02,
	};
	uint8_t q[96], exp[256];
	size_t qlen = tb_build_ip(q, &syn), len;
	struct tb_pkt err = {
		.smac = ET_LB_MAC, .dmac = CLIENT_MAC, .src = "2001:db8:100::1",
		.dst = "2001:db8::2", .proto = IPPROTO_ICMPV6,
		.icmp_type = 1, .icmp_code = 4, .payload = q, .plen = qlen,
	};

	et_rx_pkt(t, 1, &syn);
	assert_int_equal(t->v, XDPVS_TX);
	len = tb_build(exp, &err);
	/* the flow label is a hash (the kernel's is random): take its 20
	 * bits from the output, the traffic class must be 0 */
	exp[15] = (uint8_t)((exp[15] & 0xf0) | (t->f.data[15] & 0x0f));
	memcpy(exp + 16, t->f.data + 16, 2);
	tb_assert_frame(t->f.data, t->f.len, exp, len);
}

/* TTL 1: time exceeded, quoting the packet as it came; the connection
 * was created all the same (the kernel schedules first). */
static void time_exceeded(void **state)
{
	struct et *t = *state;
	struct tb_pkt d = {
		.dmac = ET_LB_MAC, .src = "198.18.0.2", .dst = "198.18.100.2",
		.proto = IPPROTO_UDP, .sport = 5000, .dport = 53, .ttl = 1,
	};
	uint8_t q[64], exp[256];
	size_t qlen = tb_build_ip(q, &d), len;

	et_rx_pkt(t, 1, &d);
	assert_int_equal(t->v, XDPVS_TX);
	len = icmp4(exp, t, "198.18.100.2", 0xc0, 11, 0, 0, q, qlen);
	tb_assert_frame(t->f.data, t->f.len, exp, len);
	assert_string_equal(et_conn_state(t, "198.18.0.2", 5000, NULL), "UDP");
	assert_int_equal(et_drops(t, XDPVS_DROP_TTL), 1);
}

/* Too big for the 1400-byte link with DF: fragmentation needed with the
 * MTU, quoting 548 bytes of the packet as it stood: TTL already 63. */
static void frag_needed(void **state)
{
	struct et *t = *state;
	uint8_t payload[1422], q[1500], exp[700];
	struct tb_pkt d = {
		.dmac = ET_LB_MAC, .src = "198.18.0.2", .dst = "198.18.100.2",
		.proto = IPPROTO_UDP, .sport = 5001, .dport = 53, .df = true,
		.payload = payload, .plen = sizeof(payload),
	};
	size_t len;

	memset(payload, 0x5a, sizeof(payload));
	et_rx_pkt(t, 1, &d);
	assert_int_equal(t->v, XDPVS_TX);
	d.ttl = 63;
	tb_build_ip(q, &d);
	len = icmp4(exp, t, "198.18.100.2", 0xc0, 3, 4, 1400, q, 548);
	tb_assert_frame(t->f.data, t->f.len, exp, len);
	assert_int_equal(t->f.len, 14 + 576);
	/* just fitting: forwarded */
	d.plen = 1400 - 28;
	d.ttl = 0;
	et_rx_pkt(t, 2, &d);
	assert_int_equal(t->v, XDPVS_TX);
	assert_int_equal(t->f.len, 14 + 1400);
}

/* Per client: a burst of six, then one a second; "fragmentation needed"
 * is never limited. */
static void rate_limited(void **state)
{
	struct et *t = *state;
	struct tb_pkt syn = {
		.dmac = ET_LB_MAC, .src = "198.18.0.3", .dst = "198.18.100.1",
		.proto = IPPROTO_TCP, .dport = 80, .flags = 0x02,
	};
	int i, sent = 0;

	for (i = 0; i < 10; i++) {
		syn.sport = (uint16_t)(1000 + i);
		sent += et_rx_pkt(t, 10, &syn) == XDPVS_TX;
	}
	assert_int_equal(sent, 6);
	syn.sport = 2000;
	assert_int_equal(et_rx_pkt(t, 10.5, &syn), XDPVS_DROP);
	syn.sport = 2001;
	assert_int_equal(et_rx_pkt(t, 11.01, &syn), XDPVS_TX);
	assert_int_equal(et_drops(t, XDPVS_DROP_NO_DEST), 12);
}

/* A service with no real server at all (ip_vs_leave answers). */
static int setup_empty(void **state)
{
	static struct et t;

	et_init(&t, 0);
	/* A service with no real server: new connections get "port
	 * unreachable" (ip_vs_leave). */
	et_add_svc(&t, "tcp 198.18.100.7 80", "rr");
	*state = &t;
	return 0;
}

static const struct tb_pkt syn7 = {
	.smac = CLIENT_MAC, .dmac = ET_LB_MAC,
	.src = "198.18.0.2", .dst = "198.18.100.7",
	.proto = IPPROTO_TCP, .sport = 40000, .dport = 80,
	.flags = XDPVS_TCP_SYN, .seq = 1, .df = true,
};

/* Run d from a buffer with exactly head bytes before the frame and tail
 * after it; returns the verdict. */
static enum xdpvs_verdict rx_room(struct et *t, const struct tb_pkt *d,
				  uint32_t head, uint32_t tail)
{
	uint8_t frame[TB_MAX], *buf;
	size_t len = tb_build(frame, d);
	struct xdpvs_frame f;
	enum xdpvs_verdict v;

	buf = malloc(head + len + tail);
	assert_non_null(buf);
	memcpy(buf + head, frame, len);
	f = (struct xdpvs_frame){ .data = buf + head, .len = (uint32_t)len,
				  .headroom = head, .tailroom = tail,
				  .ifindex = 1 };
	t->now += XDPVS_NSEC_PER_SEC;
	v = xdpvs_engine_rx(t->e, t->now, &f);
	free(buf);
	return v;
}

static uint64_t drops_total(struct et *t)
{
	uint64_t n = 0;
	int i;

	for (i = 0; i < XDPVS_DROP_MAX; i++)
		n += et_drops(t, (enum xdpvs_drop)i);
	return n;
}

/* With room, the SYN is answered: sent back as the error, and counted
 * once as having no real server. */
static void no_dest_answered_counts_no_dest(void **state)
{
	struct et *t = *state;

	assert_int_equal(rx_room(t, &syn7, 0, 1024), XDPVS_TX);
	assert_int_equal(et_drops(t, XDPVS_DROP_NO_DEST), 1);
	assert_int_equal(drops_total(t), 1);
}

/* No tailroom for the quote: no error, and still one reason counted,
 * not "no room" on top of "no real server". */
static void no_room_for_error_counts_one_reason(void **state)
{
	struct et *t = *state;

	assert_int_equal(rx_room(t, &syn7, 0, 0), XDPVS_DROP);
	assert_int_equal(et_drops(t, XDPVS_DROP_NO_DEST), 1);
	assert_int_equal(drops_total(t), 1);
}

/* No headroom for the VLAN tag the way back needs: the same. */
static void no_room_for_vlan_tag_counts_one_reason(void **state)
{
	struct et *t = *state;

	t->deflt[0].rt.vlan = 7;
	xdpvs_engine_routes_changed(t->e);
	assert_int_equal(rx_room(t, &syn7, 0, 1024), XDPVS_DROP);
	assert_int_equal(et_drops(t, XDPVS_DROP_NO_DEST), 1);
	assert_int_equal(drops_total(t), 1);
	/* Four bytes of headroom are enough. */
	assert_int_equal(rx_room(t, &syn7, 4, 1024), XDPVS_TX);
	assert_int_equal(et_drops(t, XDPVS_DROP_NO_DEST), 2);
	assert_int_equal(drops_total(t), 2);
}

/*
 * With schedule_icmp, an error from a client quoting a packet "from" a
 * virtual service it has no connection with is scheduled as if that
 * packet had come in reversed; the connection then runs on the clock
 * (3 s before any state transition), as ip_vs_in_icmp() puts it.
 */
static void scheduled_icmp_connection_expires(void **state)
{
	struct et *t = *state;
	struct tb_pkt quoted = {
		.src = "198.18.100.1", .dst = "198.18.0.2",
		.proto = IPPROTO_TCP, .sport = 80, .dport = 40000,
		.flags = XDPVS_TCP_SYN | XDPVS_TCP_ACK, .seq = 5000,
		.ack = 1001, .df = true,
	};
	uint8_t quote[TB_MAX];
	struct tb_pkt err = {
		.smac = CLIENT_MAC, .dmac = ET_LB_MAC,
		.src = "198.18.0.2", .dst = "198.18.100.1",
		.proto = IPPROTO_ICMP, .icmp_type = 3, .icmp_code = 3,
		.payload = quote, .plen = 28,
	};

	tb_build_ip(quote, &quoted);
	et_route(t, "198.18.1.2", "02:00:00:00:01:02", 2, 1500, NULL);
	et_add_svc(t, "tcp 198.18.100.1 80", "rr");
	et_add_dest(t, "tcp 198.18.100.1 80", "198.18.1.2 8080", 'm', 1);
	assert_int_equal(xdpvs_sysctl_set(t->e, "schedule_icmp", 1), 0);
	assert_int_equal(et_rx_pkt(t, 1.0, &err), XDPVS_TX);
	assert_int_equal(xdpvs_conn_count(t->e), 1);
	xdpvs_engine_tick(t->e, (uint64_t)(3.5 * XDPVS_NSEC_PER_SEC));
	assert_int_equal(xdpvs_conn_count(t->e), 1);
	xdpvs_engine_tick(t->e, (uint64_t)(4.5 * XDPVS_NSEC_PER_SEC));
	assert_int_equal(xdpvs_conn_count(t->e), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(port_unreachable_v4, setup,
						teardown),
		cmocka_unit_test_setup_teardown(port_unreachable_v6, setup,
						teardown),
		cmocka_unit_test_setup_teardown(time_exceeded, setup, teardown),
		cmocka_unit_test_setup_teardown(frag_needed, setup, teardown),
		cmocka_unit_test_setup_teardown(rate_limited, setup, teardown),
		cmocka_unit_test_setup_teardown(no_dest_answered_counts_no_dest, setup_empty,
						teardown),
		cmocka_unit_test_setup_teardown(no_room_for_error_counts_one_reason, setup_empty,
						teardown),
		cmocka_unit_test_setup_teardown(no_room_for_vlan_tag_counts_one_reason, setup_empty,
						teardown),
		cmocka_unit_test_setup_teardown(scheduled_icmp_connection_expires, setup_empty,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
