// SPDX-License-Identifier: GPL-2.0-only
/*
 * ICMP (core/icmp.c): a packet answered with an error is dropped with one
 * reason counted, the caller's, whether or not the frame's buffer has
 * room for the error; an error scheduled as a new connection
 * (schedule_icmp) gives that connection a timeout like any other.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <cmocka.h>

#include <xdpvs/hdr.h>

#include "../../lib/enginetest.h"

#define CLIENT_MAC "02:00:00:00:00:01"

static int setup(void **state)
{
	static struct et t;

	et_init(&t, 0);
	/* A service with no real server: new connections get "port
	 * unreachable" (ip_vs_leave). */
	et_add_svc(&t, "tcp 198.18.100.7 80", "rr");
	*state = &t;
	return 0;
}

static int teardown(void **state)
{
	et_fini(*state);
	return 0;
}

static const struct tb_pkt syn = {
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

	assert_int_equal(rx_room(t, &syn, 0, 1024), XDPVS_TX);
	assert_int_equal(et_drops(t, XDPVS_DROP_NO_DEST), 1);
	assert_int_equal(drops_total(t), 1);
}

/* No tailroom for the quote: no error, and still one reason counted,
 * not "no room" on top of "no real server". */
static void no_room_for_error_counts_one_reason(void **state)
{
	struct et *t = *state;

	assert_int_equal(rx_room(t, &syn, 0, 0), XDPVS_DROP);
	assert_int_equal(et_drops(t, XDPVS_DROP_NO_DEST), 1);
	assert_int_equal(drops_total(t), 1);
}

/* No headroom for the VLAN tag the way back needs: the same. */
static void no_room_for_vlan_tag_counts_one_reason(void **state)
{
	struct et *t = *state;

	t->deflt[0].rt.vlan = 7;
	xdpvs_engine_routes_changed(t->e);
	assert_int_equal(rx_room(t, &syn, 0, 1024), XDPVS_DROP);
	assert_int_equal(et_drops(t, XDPVS_DROP_NO_DEST), 1);
	assert_int_equal(drops_total(t), 1);
	/* Four bytes of headroom are enough. */
	assert_int_equal(rx_room(t, &syn, 4, 1024), XDPVS_TX);
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

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(no_dest_answered_counts_no_dest),
		T(no_room_for_error_counts_one_reason),
		T(no_room_for_vlan_tag_counts_one_reason),
		T(scheduled_icmp_connection_expires),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
