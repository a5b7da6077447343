// SPDX-License-Identifier: GPL-2.0-only
/*
 * Engine-wide behaviour: a full connection table drops and counts, the
 * estimator runs every 2 s of the caller's clock, -Z, switches by name,
 * time that goes backwards.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <netinet/in.h>
#include <cmocka.h>

#include "../../lib/enginetest.h"

static int setup(void **state)
{
	static struct et t;

	et_init(&t, 3);		/* room for three connections */
	et_add_svc(&t, "tcp 198.18.100.1 80", "rr");
	et_add_dest(&t, "tcp 198.18.100.1 80", "198.18.1.2 80", 'm', 1);
	*state = &t;
	return 0;
}

static int teardown(void **state)
{
	et_fini(*state);
	return 0;
}

static enum xdpvs_verdict syn_at(struct et *t, double now, uint16_t sport)
{
	struct tb_pkt p = {
		.dmac = ET_LB_MAC, .src = "198.18.0.2", .dst = "198.18.100.1",
		.proto = IPPROTO_TCP, .sport = sport, .dport = 80,
		.flags = 0x02,
	};

	return et_rx_pkt(t, now, &p);
}

static void table_full_drops(void **state)
{
	struct et *t = *state;

	assert_int_equal(syn_at(t, 1, 1), XDPVS_TX);
	assert_int_equal(syn_at(t, 1, 2), XDPVS_TX);
	assert_int_equal(syn_at(t, 1, 3), XDPVS_TX);
	assert_int_equal(xdpvs_conn_count(t->e), 3);
	assert_int_equal(syn_at(t, 1, 4), XDPVS_DROP);
	assert_int_equal(syn_at(t, 1, 5), XDPVS_DROP);
	assert_int_equal(et_drops(t, XDPVS_DROP_CONN_FULL), 2);
	/* Packets of existing connections still flow. */
	assert_int_equal(syn_at(t, 1.5, 2), XDPVS_TX);
	/* Room again once they expire (SYN_RECV: 60 s). */
	xdpvs_engine_tick(t->e, (uint64_t)62e9);
	assert_int_equal(xdpvs_conn_count(t->e), 0);
	assert_int_equal(syn_at(t, 62, 6), XDPVS_TX);
}

/* Rates are folded on the caller's clock: 2 s after the first call. */
static void estimator_ticks(void **state)
{
	struct et *t = *state;
	struct xdpvs_stats st;
	struct xdpvs_rates r;

	syn_at(t, 10, 1);	/* starts the clock: first fold at 12 */
	syn_at(t, 11, 2);
	xdpvs_total_stats(t->e, &st, &r);
	assert_int_equal(st.conns, 2);
	assert_int_equal(st.inpkts, 2);
	assert_int_equal(st.inbytes, 80);
	assert_int_equal(r.cps, 0);
	xdpvs_engine_tick(t->e, (uint64_t)12e9);
	xdpvs_total_stats(t->e, &st, &r);
	/* 2 conns in 2 s: avg 256 -> (256 + 511) >> 10 = 0; 80 bytes:
	 * rate 1280, avg 320 -> (320 + 15) >> 5 = 10 */
	assert_int_equal(r.cps, 0);
	assert_int_equal(r.inbps, 10);
	assert_int_equal(xdpvs_zero(t->e, NULL), 0);
	xdpvs_total_stats(t->e, &st, &r);
	assert_int_equal(st.conns, 0);
	assert_int_equal(r.inbps, 0);
}

/* A previous engine's counters carried on: the service's, its real
 * server's and the totals, each where it belongs; new traffic adds to
 * them; unknown service or real server refused. */
static void stats_restored(void **state)
{
	struct et *t = *state;
	struct xdpvs_svc_conf svc = et_svc_conf("tcp 198.18.100.1 80", "rr");
	struct xdpvs_svc_conf other = et_svc_conf("tcp 198.18.100.2 80", "rr");
	struct xdpvs_dest_conf d = et_dest_conf("198.18.1.2 80", 'm', 1);
	struct xdpvs_dest_conf nod = et_dest_conf("198.18.1.3 80", 'm', 1);
	const struct xdpvs_stats s_svc = { 7, 70, 60, 7000, 6000 },
				 s_dest = { 5, 50, 40, 5000, 4000 },
				 s_tot = { 9, 90, 80, 9000, 8000 };
	const struct xdpvs_rates r = { 1, 2, 3, 4, 5 };
	struct xdpvs_svc_info *si;
	struct xdpvs_stats st;
	struct xdpvs_rates rt;

	assert_int_equal(xdpvs_stats_restore(t->e, &svc, NULL, &s_svc, &r), 0);
	assert_int_equal(xdpvs_stats_restore(t->e, &svc, &d, &s_dest, &r), 0);
	assert_int_equal(xdpvs_stats_restore(t->e, NULL, NULL, &s_tot, &r), 0);
	assert_int_equal(xdpvs_stats_restore(t->e, &other, NULL, &s_svc, &r),
			 -ESRCH);
	assert_int_equal(xdpvs_stats_restore(t->e, &svc, &nod, &s_dest, &r),
			 -ENOENT);
	syn_at(t, 1, 1);	/* one more connection, one packet of 40 */
	assert_int_equal(xdpvs_svc_info_get(t->e, &si), 1);
	assert_int_equal(si[0].stats.conns, 8);
	assert_int_equal(si[0].stats.inpkts, 71);
	assert_int_equal(si[0].stats.inbytes, 7040);
	assert_int_equal(si[0].stats.outpkts, 60);
	assert_memory_equal(&si[0].rates, &r, sizeof(r));
	assert_int_equal(si[0].num_dests, 1);
	assert_int_equal(si[0].dests[0].stats.conns, 6);
	assert_int_equal(si[0].dests[0].stats.outbytes, 4000);
	xdpvs_svc_info_free(si, 1);
	xdpvs_total_stats(t->e, &st, &rt);
	assert_int_equal(st.conns, 10);
	assert_int_equal(st.inpkts, 91);
	assert_memory_equal(&rt, &r, sizeof(r));
}

static void sysctl_by_name(void **state)
{
	struct et *t = *state;
	int v, i;

	assert_int_equal(xdpvs_sysctl_get(t->e, "conn_reuse_mode", &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(xdpvs_sysctl_get(t->e, "pmtu_disc", &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(xdpvs_sysctl_set(t->e, "nosuch", 1), -ENOENT);
	assert_int_equal(xdpvs_sysctl_set(t->e, "expire_nodest_conn", 1), 0);
	assert_int_equal(xdpvs_sysctl_get(t->e, "expire_nodest_conn", &v), 0);
	assert_int_equal(v, 1);
	for (i = 0; xdpvs_sysctl_name((unsigned int)i); i++)
		assert_int_equal(xdpvs_sysctl_get(t->e,
			xdpvs_sysctl_name((unsigned int)i), &v), 0);
	assert_true(i >= 20);
}

/* A clock that steps back is held where it was. */
static void time_never_goes_back(void **state)
{
	struct et *t = *state;
	uint32_t left;

	syn_at(t, 100, 1);
	syn_at(t, 50, 2);	/* stamped 100 */
	assert_non_null(et_conn_state(t, "198.18.0.2", 2, &left));
	xdpvs_engine_tick(t->e, (uint64_t)159.9e9);
	assert_non_null(et_conn_state(t, "198.18.0.2", 2, NULL));
	xdpvs_engine_tick(t->e, (uint64_t)160.1e9);
	assert_null(et_conn_state(t, "198.18.0.2", 2, NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(table_full_drops, setup,
						teardown),
		cmocka_unit_test_setup_teardown(estimator_ticks, setup,
						teardown),
		cmocka_unit_test_setup_teardown(stats_restored, setup,
						teardown),
		cmocka_unit_test_setup_teardown(sysctl_by_name, setup, teardown),
		cmocka_unit_test_setup_teardown(time_never_goes_back, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
