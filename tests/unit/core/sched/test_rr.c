// SPDX-License-Identifier: GPL-2.0-only
/*
 * rr (core/sched/rr.c) against the kernel's ip_vs_rr.c: the refvm golden
 * sequence, deletion of the remembered dest, weight 0 and overload.
 */
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tests/lib/schedtest.h"

/* golden/sched/rr.txt: rs1 w3, rs2 w2, rs3 w1 added in that order are
 * listed rs3 rs2 rs1 and taken in turn, weights ignored. */
static void rr_golden(void **state)
{
	struct schedtest *t = st_new_golden("rr", "198.18.101.1:80");

	assert_string_equal(st_run(t, 12, "198.18.0.2", ST_CLOSED),
			    "rs3 rs2 rs1 rs3 rs2 rs1 rs3 rs2 rs1 rs3 rs2 rs1");
	assert_string_equal(
		st_clients(t, "198.18.0.%d", 10, 25, ST_CLOSED),
		"198.18.0.10=rs3 198.18.0.11=rs2 198.18.0.12=rs1 "
		"198.18.0.13=rs3 198.18.0.14=rs2 198.18.0.15=rs1 "
		"198.18.0.16=rs3 198.18.0.17=rs2 198.18.0.18=rs1 "
		"198.18.0.19=rs3 198.18.0.20=rs2 198.18.0.21=rs1 "
		"198.18.0.22=rs3 198.18.0.23=rs2 198.18.0.24=rs1 "
		"198.18.0.25=rs3 ");
	st_free(t);
}

/*
 * List rs3 rs2 rs1.  After rs3, rs2 the cursor is on rs2; deleting rs2
 * moves it to its predecessor rs3, so rs1 comes next.  Weight 0 on rs1
 * leaves rs3 alone (found on the second pass, after the head).  rs4 joins
 * at the head: from rs3 the scan skips rs1 and wraps to rs4.
 */
static void rr_del_weight0_add(void **state)
{
	struct schedtest *t = st_new("rr", IPPROTO_TCP, "198.18.101.1:80", 0);

	st_add(t, "rs1", "198.18.1.2:80", 1);
	st_add(t, "rs2", "198.18.2.2:80", 1);
	st_add(t, "rs3", "198.18.3.2:80", 1);
	assert_string_equal(st_run(t, 2, "198.18.0.2", ST_PICK), "rs3 rs2");
	st_del(t, "rs2");
	assert_string_equal(st_run(t, 3, "198.18.0.2", ST_PICK),
			    "rs1 rs3 rs1");
	st_edit(t, "rs1", 0);
	assert_string_equal(st_run(t, 2, "198.18.0.2", ST_PICK), "rs3 rs3");
	st_add(t, "rs4", "198.18.4.2:80", 1);
	assert_string_equal(st_run(t, 4, "198.18.0.2", ST_PICK),
			    "rs4 rs3 rs4 rs3");
	st_edit(t, "rs3", 0);
	st_edit(t, "rs4", 0);
	assert_string_equal(st_run(t, 2, "198.18.0.2", ST_PICK), "- -");
	st_free(t);
}

/*
 * rs2 (u_threshold 2, so l = 2 - 2/4 = 2) is skipped once its second
 * connection makes it overloaded, until one of them ends: totalconns falls
 * from l, the flag clears.  List rs2 rs1.
 */
static void rr_overload(void **state)
{
	struct schedtest *t = st_new("rr", IPPROTO_TCP, "198.18.101.1:80", 0);
	int first;

	st_add(t, "rs1", "198.18.1.2:80", 1);
	st_add(t, "rs2", "198.18.2.2:80", 1);
	st_thresholds(t, "rs2", 2, 0);
	first = st_connect(t, "198.18.0.2", ST_OPEN);
	assert_string_equal(st_trace(t), "rs2");
	assert_string_equal(st_run(t, 5, "198.18.0.2", ST_OPEN),
			    "rs1 rs2 rs1 rs1 rs1");
	assert_true(st_dest(t, "rs2")->flags & XDPVS_DEST_F_OVERLOAD);
	st_expire(t, first);
	assert_false(st_dest(t, "rs2")->flags & XDPVS_DEST_F_OVERLOAD);
	assert_string_equal(st_run(t, 2, "198.18.0.2", ST_OPEN), "rs2 rs1");
	st_free(t);
}

/* No dest at all, then the only one deleted while remembered. */
static void rr_empty(void **state)
{
	struct schedtest *t = st_new("rr", IPPROTO_TCP, "198.18.101.1:80", 0);

	assert_string_equal(st_run(t, 1, "198.18.0.2", ST_PICK), "-");
	st_add(t, "rs1", "198.18.1.2:80", 1);
	assert_string_equal(st_run(t, 2, "198.18.0.2", ST_PICK), "rs1 rs1");
	st_del(t, "rs1");
	assert_string_equal(st_run(t, 1, "198.18.0.2", ST_PICK), "-");
	st_add(t, "rs1", "198.18.1.2:80", 1);
	assert_string_equal(st_run(t, 1, "198.18.0.2", ST_PICK), "rs1");
	st_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rr_golden),
		cmocka_unit_test(rr_del_weight0_add),
		cmocka_unit_test(rr_overload),
		cmocka_unit_test(rr_empty),
	};

	return cmocka_run_group_tests_name("sched/rr", tests, NULL, NULL);
}
