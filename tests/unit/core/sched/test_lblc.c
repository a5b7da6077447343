// SPDX-License-Identifier: GPL-2.0-only
/*
 * lblc (core/sched/lblc.c) against the kernel's ip_vs_lblc.c: the refvm
 * golden sequence, the cache and its "overloaded" rule, dests removed and
 * revived while cached (entries hold a reference: dest->refcnt counts
 * connections plus cache entries), expiry every 30th GC run, the partial
 * GC above max_size and the max_size * 3 / 2 limit.
 */
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "tests/lib/schedtest.h"

#define A "198.18.101.1"
#define B "198.18.101.2"
#define C "198.18.101.3"

/* golden/sched/lblc.txt: the service address is the key; the first pick
 * (wlc over idle servers: rs3, first listed) stays cached. */
static void lblc_golden(void **state)
{
	struct schedtest *t = st_new_golden("lblc", "198.18.101.10:80");

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
 * A fwmark service catching A, B, C; rs1 w1, rs2 w1 listed rs2 rs1;
 * connections stay open (257 each).
 *  A: miss, wlc picks rs2.  B: miss, wlc rs1 (257 > 0).  A: rs2 cached,
 *  1 active is not more than its weight: rs2.  A: rs2 has 2 > 1 active,
 *  but no dest is under half its weight: still rs2.
 *  rs3 w4 added.  A: rs2 (3 > 1) and rs3 has 0 * 2 < 4: overloaded, wlc
 *  over all picks rs3 (idle), which replaces rs2 in A's entry.  B: rs1.
 *  rs3 deleted: A's entry still holds it (refcnt: 1 connection + entry);
 *  A: rs3 is gone, wlc: rs2 771 against rs1 514: rs1, and rs3 is
 *  released.  rs1 deleted, rs4 w10 added, rs1 added back with w5: the
 *  same dest, so B's entry is valid again (3 active <= 5): rs1, where a
 *  new address C gets wlc's rs4.
 */
static void lblc_cache(void **state)
{
	struct schedtest *t = st_new("lblc", IPPROTO_TCP, NULL, 0);
	struct xdpvs_dest *rs1, *rs2, *rs3;
	const char *seq[] = { A, B, A, A };
	size_t i;

	rs1 = st_add(t, "rs1", "198.18.1.2:80", 1);
	rs2 = st_add(t, "rs2", "198.18.2.2:80", 1);
	for (i = 0; i < 4; i++)
		st_connect_to(t, "198.18.0.2", seq[i], ST_OPEN);
	assert_string_equal(st_trace(t), "rs2 rs1 rs2 rs2");
	rs3 = st_add(t, "rs3", "198.18.3.2:80", 4);
	st_connect_to(t, "198.18.0.2", A, ST_OPEN);
	st_connect_to(t, "198.18.0.2", B, ST_OPEN);
	assert_string_equal(st_trace(t), "rs3 rs1");
	assert_int_equal(rs1->refcnt, 2 + 1);
	assert_int_equal(rs2->refcnt, 3 + 0);
	assert_int_equal(rs3->refcnt, 1 + 1);
	st_del(t, "rs3");
	assert_int_equal(rs3->refcnt, 1 + 1);
	st_connect_to(t, "198.18.0.2", A, ST_OPEN);
	assert_string_equal(st_trace(t), "rs1");
	assert_int_equal(rs3->refcnt, 1);
	assert_int_equal(rs1->refcnt, 3 + 2);
	st_del(t, "rs1");
	st_add(t, "rs4", "198.18.4.2:80", 10);
	st_add(t, "rs1", "198.18.1.2:80", 5);
	st_schedule_to(t, "198.18.0.2", B);
	st_schedule_to(t, "198.18.0.2", C);
	assert_string_equal(st_trace(t), "rs1 rs4");
	st_free(t);
}

/* A cached dest at weight 0 is not used: the wlc pick replaces it. */
static void lblc_weight0(void **state)
{
	struct schedtest *t = st_new("lblc", IPPROTO_TCP, NULL, 0);

	st_add(t, "rs1", "198.18.1.2:80", 1);
	st_add(t, "rs2", "198.18.2.2:80", 1);
	st_schedule_to(t, "198.18.0.2", A);
	st_edit(t, "rs2", 0);
	st_schedule_to(t, "198.18.0.2", A);
	st_edit(t, "rs2", 1);
	st_schedule_to(t, "198.18.0.2", A);
	assert_string_equal(st_trace(t), "rs2 rs1 rs1");
	st_edit(t, "rs1", 0);
	st_edit(t, "rs2", 0);
	st_schedule_to(t, "198.18.0.2", A);
	assert_string_equal(st_trace(t), "-");
	st_free(t);
}

/*
 * lblc_expiration 1200 s.  GC runs every 60 s from the first tick (1 s):
 * at 61, 121, ... s; the 30th, at 1801 s, is the full check.  A and B are
 * cached at 0 (rs2, each entry a reference); A is used again at 1000 s.
 * At 1800 s both are there; at 1801 s B (idle 1801 >= 1200) is gone, A
 * (801) stays.  A is used at 1801 s; the next full check, at 3601 s,
 * removes it.
 */
static void lblc_expiry(void **state)
{
	struct xdpvs_sched_env env = { .rng = 1, .lblc_expiration = 1200 };
	struct schedtest *t = st_new_env("lblc", IPPROTO_TCP, NULL, 0, &env);
	struct xdpvs_dest *rs2;

	st_add(t, "rs1", "198.18.1.2:80", 1);
	rs2 = st_add(t, "rs2", "198.18.2.2:80", 1);
	st_schedule_to(t, "198.18.0.2", A);
	st_schedule_to(t, "198.18.0.2", B);
	st_add(t, "rs3", "198.18.3.2:80", 1);	/* wlc's pick from now on */
	st_advance(t, 1000);
	st_schedule_to(t, "198.18.0.2", A);
	assert_string_equal(st_trace(t), "rs2 rs2 rs2");
	st_advance(t, 800);
	assert_int_equal(rs2->refcnt, 2);
	st_advance(t, 1);
	assert_int_equal(rs2->refcnt, 1);
	st_schedule_to(t, "198.18.0.2", A);
	st_schedule_to(t, "198.18.0.2", B);
	assert_string_equal(st_trace(t), "rs2 rs3");
	st_advance(t, 1799);
	assert_int_equal(rs2->refcnt, 1);
	st_advance(t, 1);
	assert_int_equal(rs2->refcnt, 0);
	st_free(t);
}

/*
 * 17000 addresses 198.19.0.0 + k cached at 0 s, more than max_size 16384:
 * each GC run wants (17000 - 16384) * 4 / 3 = 821 entries idle for 6 min,
 * bucket by bucket from the rover.  None is idle before the run at 361 s,
 * which empties buckets 1..50 (hash_32 of the addresses puts 830 entries
 * there) and stops: 16170 left, under max_size, so later runs only count.
 */
static void lblc_gc_over_max(void **state)
{
	struct schedtest *t = st_new("lblc", IPPROTO_TCP, NULL, 0);
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
	st_advance(t, 600);
	assert_int_equal(rs1->refcnt, 16170);
	st_free(t);
}

/* New entries are refused from max_size * 3 / 2 = 24576 on; the dest is
 * returned all the same. */
static void lblc_limit(void **state)
{
	struct schedtest *t = st_new("lblc", IPPROTO_TCP, NULL, 0);
	struct xdpvs_dest *rs1 = st_add(t, "rs1", "198.18.1.2:80", 1);
	char vaddr[32];
	int k, found = 0;

	for (k = 0; k < 25000; k++) {
		snprintf(vaddr, sizeof(vaddr), "198.19.%d.%d", k >> 8, k & 255);
		found += st_schedule_to(t, "198.18.0.2", vaddr) == rs1;
		st_trace(t);
	}
	assert_int_equal(found, 25000);
	assert_int_equal(rs1->refcnt, 24576);
	st_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lblc_golden),
		cmocka_unit_test(lblc_cache),
		cmocka_unit_test(lblc_weight0),
		cmocka_unit_test(lblc_expiry),
		cmocka_unit_test(lblc_gc_over_max),
		cmocka_unit_test(lblc_limit),
	};

	return cmocka_run_group_tests_name("sched/lblc", tests, NULL, NULL);
}
