// SPDX-License-Identifier: GPL-2.0-only
/*
 * wrr (core/sched/wrr.c) against the kernel's ip_vs_wrr.c: the refvm golden
 * sequence, the kernel's A A B A B C example, edits and deletions resetting
 * the walk, a weight gcd above 1, and no usable dest.
 */
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tests/lib/schedtest.h"

#define GOLDEN_CLIENTS                                                     \
	"198.18.0.10=rs3 198.18.0.11=rs2 198.18.0.12=rs1 198.18.0.13=rs1 " \
	"198.18.0.14=rs2 198.18.0.15=rs1 198.18.0.16=rs3 198.18.0.17=rs2 " \
	"198.18.0.18=rs1 198.18.0.19=rs1 198.18.0.20=rs2 198.18.0.21=rs1 " \
	"198.18.0.22=rs3 198.18.0.23=rs2 198.18.0.24=rs1 198.18.0.25=rs1 "

static struct schedtest *wrr_golden_setup(void)
{
	return st_new_golden("wrr", "198.18.101.2:80");
}

/*
 * golden/sched/wrr.txt.  Adding rs1 (w3) to the empty service sets
 * di = 3, mw = 1, cw = mw = 1; rs2 and rs3 leave cw at 1.  So the first lap
 * (cw 1) gives everyone a turn, then cw restarts at mw = 3: rs1; cw 2:
 * rs2 rs1; cw 1: rs3 rs2 rs1 ...  Each of the 28 connections goes on.
 */
static void wrr_golden(void **state)
{
	struct schedtest *t = wrr_golden_setup();

	assert_string_equal(st_run(t, 12, "198.18.0.2", ST_CLOSED),
			    "rs3 rs2 rs1 rs1 rs2 rs1 rs3 rs2 rs1 rs1 rs2 rs1");
	assert_string_equal(st_clients(t, "198.18.0.%d", 10, 25, ST_CLOSED),
			    GOLDEN_CLIENTS);
	st_free(t);
}

/*
 * The kernel's example, weights A 4, B 3, C 2 listed A B C (added C, B,
 * A): added one by one cw stays 1, so one lap of A B C first, then the
 * period A A B A B C A B C (cw 4, 3, 2, 1).
 */
static void wrr_kernel_example(void **state)
{
	struct schedtest *t = st_new("wrr", IPPROTO_TCP, "198.18.101.2:80", 0);

	st_add(t, "C", "198.18.3.2:80", 2);
	st_add(t, "B", "198.18.2.2:80", 3);
	st_add(t, "A", "198.18.1.2:80", 4);
	assert_string_equal(st_run(t, 21, "198.18.0.2", ST_PICK),
			    "A B C A A B A B C A B C A A B A B C A B C");
	st_free(t);
}

/*
 * After the six first golden picks cl = rs1, cw = 2.  rs3 edited to w4:
 * cl back to the head, di 1, mw 4, cw stays 2: rs3 rs2 rs1 (cw 2), rs3
 * rs2 rs1 (cw 1), rs3 (cw 4), rs3 (cw 3); cl = rs3, cw = 3.  Deleting rs2:
 * cl to the head, cw 3 kept: rs3 rs1 (3), rs3 rs1 (2), rs3 rs1 (1), rs3
 * (4), rs3 rs1 (3).
 */
static void wrr_edit_del(void **state)
{
	struct schedtest *t = wrr_golden_setup();

	assert_string_equal(st_run(t, 6, "198.18.0.2", ST_PICK),
			    "rs3 rs2 rs1 rs1 rs2 rs1");
	st_edit(t, "rs3", 4);
	assert_string_equal(st_run(t, 8, "198.18.0.2", ST_PICK),
			    "rs3 rs2 rs1 rs3 rs2 rs1 rs3 rs3");
	st_del(t, "rs2");
	assert_string_equal(st_run(t, 9, "198.18.0.2", ST_PICK),
			    "rs3 rs1 rs3 rs1 rs3 rs1 rs3 rs3 rs1");
	/* All weights 0: mw = 0 - (1 - 1) = 0, nothing available. */
	st_edit(t, "rs3", 0);
	st_edit(t, "rs1", 0);
	assert_string_equal(st_run(t, 2, "198.18.0.2", ST_PICK), "- -");
	st_free(t);
}

/*
 * Weights rs1 4, rs2 2 (listed rs2 rs1): adding rs1 gives di 4, mw 1,
 * cw 1; adding rs2 gives di 2, mw 3 and cw = (1 / 2) * 2 + 1 = 1.  cw 1:
 * rs2 rs1; cw 1 - 2 < 0 restarts at 3: rs1; and so on, 1:2.
 */
static void wrr_gcd(void **state)
{
	struct schedtest *t = st_new("wrr", IPPROTO_TCP, "198.18.101.2:80", 0);

	st_add(t, "rs1", "198.18.1.2:80", 4);
	st_add(t, "rs2", "198.18.2.2:80", 2);
	assert_string_equal(st_run(t, 9, "198.18.0.2", ST_PICK),
			    "rs2 rs1 rs1 rs2 rs1 rs1 rs2 rs1 rs1");
	st_free(t);
}

/*
 * Overload: rs1 (u 1) is skipped while its one connection lasts; with
 * rs1 overloaded and rs2, rs3 at weight 0 nothing is available ("all
 * destinations are overloaded"), the cursor ending at the head.
 */
static void wrr_overloaded(void **state)
{
	struct schedtest *t = wrr_golden_setup();
	int id;

	st_thresholds(t, "rs1", 1, 0);
	assert_string_equal(st_run(t, 3, "198.18.0.2", ST_PICK),
			    "rs3 rs2 rs1");
	id = st_connect(t, "198.18.0.2", ST_OPEN);	/* cw 3: rs1 */
	assert_string_equal(st_trace(t), "rs1");
	/* cw 3: nobody; cw 2: rs2; then cw 1: rs3 rs2, cw 3 ... */
	assert_string_equal(st_run(t, 4, "198.18.0.2", ST_PICK),
			    "rs2 rs3 rs2 rs2");
	st_edit(t, "rs2", 0);
	st_edit(t, "rs3", 0);
	assert_string_equal(st_run(t, 2, "198.18.0.2", ST_PICK), "- -");
	st_expire(t, id);
	assert_string_equal(st_run(t, 2, "198.18.0.2", ST_PICK), "rs1 rs1");
	st_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(wrr_golden),
		cmocka_unit_test(wrr_kernel_example),
		cmocka_unit_test(wrr_edit_del),
		cmocka_unit_test(wrr_gcd),
		cmocka_unit_test(wrr_overloaded),
	};

	return cmocka_run_group_tests_name("sched/wrr", tests, NULL, NULL);
}
