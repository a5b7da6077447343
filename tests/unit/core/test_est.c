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
#include <string.h>
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

/* A previous engine's counters and rates carried on: read back as they
 * were, and the next tick folds only what came after into the rate. */
static void restore(void **state)
{
	const struct xdpvs_stats st0 = { .conns = 40, .inpkts = 1000,
					 .outpkts = 900, .inbytes = 64000,
					 .outbytes = 90000 };
	const struct xdpvs_rates r0 = { .cps = 3, .inpps = 29, .outpps = 22,
					.inbps = 1250, .outbps = 7 };
	struct xdpvs_stats_est s;
	struct xdpvs_stats st;
	struct xdpvs_rates r;

	memset(&s, 0xa5, sizeof(s));	/* whatever was there before */
	xdpvs_est_restore(&s, &st0, &r0);
	xdpvs_est_read(&s, &st, &r);
	assert_memory_equal(&st, &st0, sizeof(st));
	assert_memory_equal(&r, &r0, sizeof(r));
	/* 100 more packets in 2 s: rate 51200 against avg 29 << 10 =
	 * 29696: 29696 + (21504 >> 2) = 35072, shown (35072+511)>>10 = 34;
	 * no traffic out: 22528 - 5632 = 16896, shown 16 */
	tick_with(&s, 0, 100, 0);
	xdpvs_est_read(&s, &st, &r);
	assert_int_equal(st.inpkts, 1100);
	assert_int_equal(s.est.inpps, 35072);
	assert_int_equal(r.inpps, 34);
	assert_int_equal(s.est.outpps, 16896);
	assert_int_equal(r.outpps, 16);
	/* -Z afterwards zeroes from there */
	xdpvs_est_zero(&s);
	xdpvs_est_read(&s, &st, NULL);
	assert_int_equal(st.inpkts, 0);
}

/* A restored average 2^63 away from the next rate (a corrupt saved
 * state's, fuzz_keep): the difference wraps as the kernel's does, no
 * signed overflow; 2^63 - 2^61 afterwards, decaying by a quarter. */
static void restore_far_average(void **state)
{
	const struct xdpvs_stats st0 = { 0 };
	const struct xdpvs_rates r0 = { .cps = 1ULL << 53 };
	struct xdpvs_stats_est s;

	xdpvs_est_restore(&s, &st0, &r0);
	assert_true(s.est.cps == 1ULL << 63);
	xdpvs_est_tick(&s);
	assert_true(s.est.cps == (1ULL << 63) - (1ULL << 61));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(first_ticks),
		cmocka_unit_test(decay),
		cmocka_unit_test(zero),
		cmocka_unit_test(restore),
		cmocka_unit_test(restore_far_average),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
