// SPDX-License-Identifier: GPL-2.0-only
/*
 * wlc (core/sched/wlc.c) against the kernel's ip_vs_wlc.c: the refvm golden
 * sequence, the cross-multiplied comparison with its ties, additions,
 * thresholds, weight 0 and 64-bit products.
 */
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tests/lib/schedtest.h"

/*
 * golden/sched/wlc.txt.  Closed connections cost 1 each, so the load is
 * total/weight: rs3 (0), rs2 (1*2 > 0*1), rs1, then rs1 again (rs2 1/2
 * vs rs1 1/3 ...): the wrr pattern.
 */
static void wlc_golden(void **state)
{
	struct schedtest *t = st_new_golden("wlc", "198.18.101.4:80");

	assert_string_equal(st_run(t, 12, "198.18.0.2", ST_CLOSED),
			    "rs3 rs2 rs1 rs1 rs2 rs1 rs3 rs2 rs1 rs1 rs2 rs1");
	assert_string_equal(
		st_clients(t, "198.18.0.%d", 10, 25, ST_CLOSED),
		"198.18.0.10=rs3 198.18.0.11=rs2 198.18.0.12=rs1 "
		"198.18.0.13=rs1 198.18.0.14=rs2 198.18.0.15=rs1 "
		"198.18.0.16=rs3 198.18.0.17=rs2 198.18.0.18=rs1 "
		"198.18.0.19=rs1 198.18.0.20=rs2 198.18.0.21=rs1 "
		"198.18.0.22=rs3 198.18.0.23=rs2 198.18.0.24=rs1 "
		"198.18.0.25=rs1 ");
	st_free(t);
}

/*
 * rs1 w1, rs2 w2, listed rs2 rs1, connections open (257 each).  rs2 is
 * the candidate; rs1 wins when oh(rs2) * 1 > oh(rs1) * 2, equality
 * keeping rs2: 0/0 rs2; 257 > 0 rs1; 257 vs 514 rs2; 514 vs 514 rs2;
 * 771 > 514 rs1; 771 vs 1028 rs2; 1028 vs 1028 rs2; 1285 > 1028 rs1.
 * rs3 w1 added (listed first, idle): rs3 three times (257*2 vs 1285, 514
 * vs 771 ...), then 771*2 > 1285: rs2.  rs3 with u_threshold 3 is now
 * overloaded: rs2 (1542 vs 771*2 equal), rs1 (1799 > 1542).  One rs3
 * connection ends, totalconns falls from l = 3: the flag clears and rs3
 * (514: 1028 < 1799, 514 < 1028) is back.
 */
static void wlc_sequence(void **state)
{
	struct schedtest *t = st_new("wlc", IPPROTO_TCP, "198.18.101.4:80", 0);
	int first_rs3;

	st_add(t, "rs1", "198.18.1.2:80", 1);
	st_add(t, "rs2", "198.18.2.2:80", 2);
	assert_string_equal(st_run(t, 8, "198.18.0.2", ST_OPEN),
			    "rs2 rs1 rs2 rs2 rs1 rs2 rs2 rs1");
	st_add(t, "rs3", "198.18.3.2:80", 1);
	first_rs3 = st_connect(t, "198.18.0.2", ST_OPEN);
	assert_string_equal(st_run(t, 3, "198.18.0.2", ST_OPEN),
			    "rs3 rs3 rs2");
	assert_string_equal(st_name(t, t->conns[first_rs3].dest), "rs3");
	st_thresholds(t, "rs3", 3, 0);
	assert_true(st_dest(t, "rs3")->flags & XDPVS_DEST_F_OVERLOAD);
	assert_string_equal(st_run(t, 2, "198.18.0.2", ST_OPEN), "rs2 rs1");
	st_expire(t, first_rs3);
	assert_string_equal(st_run(t, 1, "198.18.0.2", ST_OPEN), "rs3");
	st_free(t);
}

/*
 * Weight 0: rs1 (w0, added first, idle) never wins against the loaded
 * rs2 because oh(rs2) * 0 > 0 is never true; a weight-0 dest in front is
 * not a candidate.  All at weight 0: no dest.
 */
static void wlc_weight0(void **state)
{
	struct schedtest *t = st_new("wlc", IPPROTO_TCP, "198.18.101.4:80", 0);

	st_add(t, "rs1", "198.18.1.2:80", 0);
	st_add(t, "rs2", "198.18.2.2:80", 1);
	assert_string_equal(st_run(t, 3, "198.18.0.2", ST_OPEN),
			    "rs2 rs2 rs2");
	st_add(t, "rs3", "198.18.3.2:80", 0);
	assert_string_equal(st_run(t, 2, "198.18.0.2", ST_OPEN), "rs2 rs2");
	st_edit(t, "rs2", 0);
	assert_string_equal(st_run(t, 1, "198.18.0.2", ST_OPEN), "-");
	st_free(t);
}

/*
 * The products are 64-bit: rs2 (w1, 120 active: 30840) against rs1
 * (w70000, 1000 active: 257000): 30840 * 70000 = 2158800000 > 257000, so
 * rs1.  In 32 bits the product would be negative and rs2 would stay.
 */
static void wlc_64bit(void **state)
{
	struct schedtest *t = st_new("wlc", IPPROTO_TCP, "198.18.101.4:80", 0);
	struct xdpvs_dest *rs1 = st_add(t, "rs1", "198.18.1.2:80", 70000);
	struct xdpvs_dest *rs2 = st_add(t, "rs2", "198.18.2.2:80", 1);

	rs1->activeconns = rs1->totalconns = 1000;
	rs2->activeconns = rs2->totalconns = 120;
	assert_string_equal(st_run(t, 1, "198.18.0.2", ST_PICK), "rs1");
	rs1->activeconns = rs1->totalconns = 0;
	rs2->activeconns = rs2->totalconns = 0;
	st_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(wlc_golden),
		cmocka_unit_test(wlc_sequence),
		cmocka_unit_test(wlc_weight0),
		cmocka_unit_test(wlc_64bit),
	};

	return cmocka_run_group_tests_name("sched/wlc", tests, NULL, NULL);
}
