// SPDX-License-Identifier: GPL-2.0-only
/*
 * The rate estimator against values worked out by hand from the kernel's
 * formulas (ip_vs_est.c, 6.1): every 2 s, rate = delta << 9 (conns,
 * packets) or << 4 (bytes), avg += (rate - avg) >> 2, shown as
 * (avg + 0x1FF) >> 10 and (avg + 0xF) >> 5.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../../core/est.h"

static void tick_with(struct xdpvs_stats_est *s, uint64_t conns,
		      uint64_t pkts, uint64_t bytes)
{
	s->kstats.conns += conns;
	s->kstats.inpkts += pkts;
	s->kstats.inbytes += bytes;
	xdpvs_est_tick(s);
}

/* 100 packets / 2 s: rate 51200 (scaled); avg 12800, 22400, 29600 ...;
 * shown (12800 + 511) >> 10 = 12, then 22, then 29. */
static void first_ticks(void **state)
{
	struct xdpvs_stats_est s = { 0 };
	struct xdpvs_rates r;

	tick_with(&s, 10, 100, 10000);
	xdpvs_est_read(&s, NULL, &r);
	assert_int_equal(s.est.inpps, 12800);
	assert_int_equal(r.inpps, 12);
	assert_int_equal(r.cps, 1);		/* (1280 + 511) >> 10 */
	assert_int_equal(r.inbps, 1250);	/* 40000 avg: (40000+15)>>5 */
	tick_with(&s, 10, 100, 10000);
	xdpvs_est_read(&s, NULL, &r);
	assert_int_equal(s.est.inpps, 22400);
	assert_int_equal(r.inpps, 22);
	tick_with(&s, 10, 100, 10000);
	xdpvs_est_read(&s, NULL, &r);
	assert_int_equal(s.est.inpps, 29600);
	assert_int_equal(r.inpps, 29);
}

/* Traffic stops: the average decays by a quarter each tick (arithmetic
 * shift of the negative difference). */
static void decay(void **state)
{
	struct xdpvs_stats_est s = { 0 };
	struct xdpvs_rates r;

	tick_with(&s, 0, 100, 0);		/* avg 12800 */
	tick_with(&s, 0, 0, 0);			/* 12800 - 3200 */
	assert_int_equal(s.est.inpps, 9600);
	tick_with(&s, 0, 0, 0);
	assert_int_equal(s.est.inpps, 7200);
	xdpvs_est_read(&s, NULL, &r);
	assert_int_equal(r.inpps, 7);
}

/* -Z: counters restart from zero, the rates too. */
static void zero(void **state)
{
	struct xdpvs_stats_est s = { 0 };
	struct xdpvs_stats st;
	struct xdpvs_rates r;

	tick_with(&s, 5, 50, 5000);
	xdpvs_est_zero(&s);
	xdpvs_est_read(&s, &st, &r);
	assert_int_equal(st.conns, 0);
	assert_int_equal(st.inpkts, 0);
	assert_int_equal(r.inpps, 0);
	s.kstats.inpkts += 7;
	xdpvs_est_read(&s, &st, NULL);
	assert_int_equal(st.inpkts, 7);
	/* the next tick sees only what came after -Z */
	xdpvs_est_tick(&s);
	assert_int_equal(s.est.inpps, (7 << 9) >> 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(first_ticks),
		cmocka_unit_test(decay),
		cmocka_unit_test(zero),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
