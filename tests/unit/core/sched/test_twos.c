// SPDX-License-Identifier: GPL-2.0-only
/*
 * twos (core/sched/twos.c) against the kernel's ip_vs_twos.c.  The random
 * values are controlled by seeding the engine's random source with a
 * seed found to give the wanted first two draws; each case then checks
 * the kernel's choice rule on them.
 *
 * Servers rs1 w1, rs2 w2, rs3 w3 listed rs3 rs2 rs1: total 6, draws from
 * [0, 6]; subtracting weights in list order, r = 0..3 lands on rs3 (r - 3
 * <= 0), 4..5 on rs2, 6 on rs1.
 */
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tests/lib/schedtest.h"

/* A seed whose first two draws below `below` are r1 and one of
 * r2lo..r2hi. */
static uint64_t twos_seed(uint32_t below, uint32_t r1, uint32_t r2lo,
			  uint32_t r2hi)
{
	struct xdpvs_sched_env e;
	uint64_t s;
	uint32_t r2;

	for (s = 1; s < 100000000; s++) {
		e.rng = s;
		if (xdpvs_sched_random(&e, below) != r1)
			continue;
		r2 = xdpvs_sched_random(&e, below);
		if (r2 >= r2lo && r2 <= r2hi)
			return s;
	}
	fail_msg("no seed for %u %u", r1, r2lo);
	return 0;
}

static struct schedtest *twos_setup(uint32_t r1, uint32_t r2)
{
	struct schedtest *t = st_new("twos", IPPROTO_TCP, "198.18.101.14:80",
				     0);

	st_add(t, "rs1", "198.18.1.2:80", 1);
	st_add(t, "rs2", "198.18.2.2:80", 2);
	st_add(t, "rs3", "198.18.3.2:80", 3);
	t->env.rng = twos_seed(7, r1, r2, r2);
	return t;
}

static void twos_set_load(struct schedtest *t, const char *name, int active,
			  int total)
{
	st_dest(t, name)->activeconns = active;
	st_dest(t, name)->totalconns = total;
}

static void twos_pick_below(struct schedtest *t, uint32_t below, uint32_t r1,
			    uint32_t r2, const char *expect)
{
	t->env.rng = twos_seed(below, r1, r2, r2);
	st_schedule(t, "198.18.0.2");
	assert_string_equal(st_trace(t), expect);
}

static void twos_pick(struct schedtest *t, uint32_t r1, uint32_t r2,
		      const char *expect)
{
	t->env.rng = twos_seed(7, r1, r2, r2);
	st_schedule(t, "198.18.0.2");
	assert_string_equal(st_trace(t), expect);
}

/*
 * Draws 0 and 6: rs3 and rs1.  Both idle: w1 * 0 > w3 * 0 is false, the
 * first choice stays (rs3).  rs3 with an active connection (257): 1 * 257
 * > 3 * 0, rs1.  Draws 3 and 4 (the <= 0 boundary): rs3 and rs2, idle:
 * rs3.  rs3 deleted: total 3, draws from [0, 3], 0..2 on rs2, 3 on rs1.
 * rs4 w4 added in front: total 7, 0..4 on rs4.
 */
static void twos_rule(void **state)
{
	struct schedtest *t = twos_setup(0, 6);

	twos_pick(t, 0, 6, "rs3");
	twos_set_load(t, "rs3", 1, 1);
	twos_pick(t, 0, 6, "rs1");
	twos_set_load(t, "rs3", 0, 0);
	twos_pick(t, 3, 4, "rs3");
	twos_pick(t, 4, 3, "rs2");
	twos_pick(t, 6, 6, "rs1");
	st_del(t, "rs3");
	twos_pick_below(t, 4, 3, 2, "rs1");
	twos_pick_below(t, 4, 2, 3, "rs2");
	st_add(t, "rs4", "198.18.4.2:80", 4);
	twos_pick_below(t, 8, 4, 5, "rs4");
	twos_pick_below(t, 8, 5, 7, "rs2");
	st_free(t);
}

/*
 * Draws 4 and 2: rs2 (w2) first, rs3 (w3) second.  rs2 at 257 (1
 * active); rs3 at 385 (1 active, 129 in all): 3 * 257 = 771 > 2 * 385 =
 * 770, so rs3; at 386 (772) the tie-or-worse keeps rs2.
 */
static void twos_cross_multiply(void **state)
{
	struct schedtest *t = twos_setup(4, 2);

	twos_set_load(t, "rs2", 1, 1);
	twos_set_load(t, "rs3", 1, 129);
	twos_pick(t, 4, 2, "rs3");
	twos_set_load(t, "rs3", 1, 130);
	twos_pick(t, 4, 2, "rs2");
	twos_set_load(t, "rs2", 0, 0);
	twos_set_load(t, "rs3", 0, 0);
	st_free(t);
}

/*
 * The kernel multiplies in int: A (w1, overhead 155 * 256 + 320 = 40000)
 * drawn first, B (w70000, idle) second: 70000 * 40000 wraps negative, so
 * the kernel keeps A where 64-bit arithmetic would take B.  Listed B A:
 * total 70001, A needs the draw 70001.
 */
static void twos_int_wrap(void **state)
{
	struct schedtest *t = st_new("twos", IPPROTO_TCP, "198.18.101.14:80",
				     0);
	struct xdpvs_dest *a = st_add(t, "A", "198.18.1.2:80", 1);

	st_add(t, "B", "198.18.2.2:80", 70000);
	a->activeconns = 155;
	a->totalconns = 320;
	t->env.rng = twos_seed(70002, 70001, 0, 70000);
	st_schedule(t, "198.18.0.2");
	assert_string_equal(st_trace(t), "A");
	a->activeconns = 0;
	a->totalconns = 0;
	st_free(t);
}

/* Overloaded and weight-0 servers are out of the draw; none left: no
 * dest.  With only rs2 left every draw lands on it. */
static void twos_skip(void **state)
{
	struct schedtest *t = twos_setup(0, 0);

	st_edit(t, "rs1", 0);
	st_thresholds(t, "rs3", 1, 0);
	/* total 5: draws from [0, 5]; 0 and 0 land on rs3, now full */
	t->env.rng = twos_seed(6, 0, 0, 0);
	st_connect(t, "198.18.0.2", ST_OPEN);
	assert_string_equal(st_trace(t), "rs3");
	assert_string_equal(st_run(t, 5, "198.18.0.2", ST_OPEN),
			    "rs2 rs2 rs2 rs2 rs2");
	st_edit(t, "rs2", 0);
	assert_string_equal(st_run(t, 1, "198.18.0.2", ST_OPEN), "-");
	st_free(t);
}

/* A seeded engine repeats its choices. */
static void twos_deterministic(void **state)
{
	struct schedtest *t = twos_setup(0, 0), *u = twos_setup(0, 0);
	char first[ST_TRACE_LEN];

	t->env.rng = u->env.rng = 12345;
	strcpy(first, st_run(t, 50, "198.18.0.2", ST_OPEN));
	assert_string_equal(st_run(u, 50, "198.18.0.2", ST_OPEN), first);
	assert_non_null(strstr(first, "rs1"));
	assert_non_null(strstr(first, "rs2"));
	assert_non_null(strstr(first, "rs3"));
	st_free(u);
	st_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(twos_rule),
		cmocka_unit_test(twos_cross_multiply),
		cmocka_unit_test(twos_int_wrap),
		cmocka_unit_test(twos_skip),
		cmocka_unit_test(twos_deterministic),
	};

	return cmocka_run_group_tests_name("sched/twos", tests, NULL, NULL);
}
