// SPDX-License-Identifier: GPL-2.0-only
/*
 * lblcr (core/sched/lblcr.c) against the kernel's ip_vs_lblcr.c: the refvm
 * golden sequence, a set growing when its least loaded member is
 * "overloaded", shrinking by its most loaded member once unchanged for
 * lblcr_expiration, removed members, expiry and the GC above max_size.
 * dest->refcnt counts connections plus set memberships.
 */
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "tests/lib/schedtest.h"

/* golden/sched/lblcr.txt: the first pick (rs3) stays the set. */
static void lblcr_golden(void **state)
{
	struct schedtest *t = st_new_golden("lblcr", "198.18.101.11:80");

	assert_string_equal(st_run(t, 12, "198.18.0.2", ST_CLOSED),
			    "rs3 rs3 rs3 rs3 rs3 rs3 rs3 rs3 rs3 rs3 rs3 rs3");
	assert_string_equal(
		st_clients(t, "198.18.0.%d", 10, 25, ST_CLOSED),
		"198.18.0.10=rs3 198.18.0.11=rs3 198.18.0.12=rs3 "
		"198.18.0.13=rs3 198.18.0.14=rs3 198.18.0.15=rs3 "
		"198.18.0.16=rs3 198.18.0.17=rs3 198.18.0.18=rs3 "
		"198.18.0.19=rs3 198.18.0.20=rs3 198.18.0.21=rs3 "
		"198.18.0.22=rs3 198.18.0.23=rs3 198.18.0.24=rs3 "
		"198.18.0.25=rs3 ");
	st_free(t);
}

/*
 * One destination address; rs1 w1, rs2 w1 listed rs2 rs1; connections
 * stay open (257 each); lblcr_expiration 100 s.
 *  1: miss, wlc: rs2, set {rs2}.  2: rs2 (1 active, not > w).  3: rs2 has
 *  2 > 1 and rs1 0 * 2 < 1: overloaded; wlc: rs1 joins, {rs1 rs2}.
 *  4: set minimum rs1 (257 < 514).  5: rs1 514 ties rs2 514: rs1, first
 *  in the set; nobody is under half its weight, so not overloaded.
 *  6: rs2 (514 < 771).
 *  rs3 w10 added.  7: minimum rs1 (771 ties), overloaded now that rs3
 *  is idle; wlc: rs3 joins, {rs3 rs1 rs2}.  8: rs3 (257 * 1 < 771 * 10).
 *  At 101 s the set (last changed at 0) is older than 100 s: 9 drops its
 *  wlc maximum, rs1 (514 * 1 < 771 * 10; rs2 771 ties), and uses the
 *  minimum rs3; 10: set changed at 101 s, nothing dropped.  At 202 s:
 *  11 drops rs2 (1028 * 1 < 771 * 10).  rs3 deleted: 12: no usable
 *  member, wlc over rs2 rs1 (771 each): rs2 joins {rs2 rs3}; 13: rs2.
 */
static void lblcr_set(void **state)
{
	struct xdpvs_sched_env env = { .rng = 1, .lblcr_expiration = 100 };
	struct schedtest *t = st_new_env("lblcr", IPPROTO_TCP,
					 "198.18.101.11:80", 0, &env);
	struct xdpvs_dest *rs1, *rs2, *rs3;

	rs1 = st_add(t, "rs1", "198.18.1.2:80", 1);
	rs2 = st_add(t, "rs2", "198.18.2.2:80", 1);
	assert_string_equal(st_run(t, 6, "198.18.0.2", ST_OPEN),
			    "rs2 rs2 rs1 rs1 rs1 rs2");
	rs3 = st_add(t, "rs3", "198.18.3.2:80", 10);
	assert_string_equal(st_run(t, 2, "198.18.0.2", ST_OPEN), "rs3 rs3");
	assert_int_equal(rs1->refcnt, 3 + 1);
	assert_int_equal(rs2->refcnt, 3 + 1);
	assert_int_equal(rs3->refcnt, 2 + 1);
	st_advance(t, 101);
	assert_string_equal(st_run(t, 2, "198.18.0.2", ST_OPEN), "rs3 rs3");
	assert_int_equal(rs1->refcnt, 3);
	st_advance(t, 101);
	assert_string_equal(st_run(t, 1, "198.18.0.2", ST_OPEN), "rs3");
	assert_int_equal(rs2->refcnt, 3);
	st_del(t, "rs3");
	assert_int_equal(rs3->refcnt, 5 + 1);
	assert_string_equal(st_run(t, 2, "198.18.0.2", ST_OPEN), "rs2 rs2");
	assert_int_equal(rs2->refcnt, 5 + 1);
	st_free(t);
}

/* No usable dest: nothing cached, no dest returned. */
static void lblcr_none(void **state)
{
	struct schedtest *t = st_new("lblcr", IPPROTO_TCP, "198.18.101.11:80",
				     0);
	struct xdpvs_dest *rs1 = st_add(t, "rs1", "198.18.1.2:80", 0);

	assert_string_equal(st_run(t, 2, "198.18.0.2", ST_OPEN), "- -");
	assert_int_equal(rs1->refcnt, 0);
	st_edit(t, "rs1", 1);
	assert_string_equal(st_run(t, 1, "198.18.0.2", ST_OPEN), "rs1");
	assert_int_equal(rs1->refcnt, 1 + 1);
	st_free(t);
}

/* lblcr_expiration 1200 s: the 30th GC run (1801 s) removes the entry
 * idle since 0 s, and its set's references with it. */
static void lblcr_expiry(void **state)
{
	struct xdpvs_sched_env env = { .rng = 1, .lblcr_expiration = 1200 };
	struct schedtest *t = st_new_env("lblcr", IPPROTO_TCP, NULL, 0, &env);
	struct xdpvs_dest *rs2;

	st_add(t, "rs1", "198.18.1.2:80", 1);
	rs2 = st_add(t, "rs2", "198.18.2.2:80", 1);
	st_schedule_to(t, "198.18.0.2", "198.18.101.1");
	assert_string_equal(st_trace(t), "rs2");
	st_advance(t, 1800);
	assert_int_equal(rs2->refcnt, 1);
	st_advance(t, 1);
	assert_int_equal(rs2->refcnt, 0);
	st_free(t);
}

/* Above max_size, as for lblc (test_lblc.c): 17000 entries of one member
 * each; the run at 361 s empties buckets 1..50 (830 entries). */
static void lblcr_gc_over_max(void **state)
{
	struct schedtest *t = st_new("lblcr", IPPROTO_TCP, NULL, 0);
	struct xdpvs_dest *rs1 = st_add(t, "rs1", "198.18.1.2:80", 1);
	char vaddr[32];
	int k;

	for (k = 0; k < 17000; k++) {
		snprintf(vaddr, sizeof(vaddr), "198.19.%d.%d", k >> 8, k & 255);
		st_schedule_to(t, "198.18.0.2", vaddr);
		st_trace(t);
	}
	assert_int_equal(rs1->refcnt, 17000);
	st_advance(t, 360);
	assert_int_equal(rs1->refcnt, 17000);
	st_advance(t, 1);
	assert_int_equal(rs1->refcnt, 16170);
	st_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lblcr_golden),
		cmocka_unit_test(lblcr_set),
		cmocka_unit_test(lblcr_none),
		cmocka_unit_test(lblcr_expiry),
		cmocka_unit_test(lblcr_gc_over_max),
	};

	return cmocka_run_group_tests_name("sched/lblcr", tests, NULL, NULL);
}
