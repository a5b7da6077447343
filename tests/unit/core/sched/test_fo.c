// SPDX-License-Identifier: GPL-2.0-only
/*
 * fo (core/sched/fo.c) against the kernel's ip_vs_fo.c: the refvm golden
 * sequence, the highest weight with ties to the newest, overload, edits.
 */
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tests/lib/schedtest.h"

/* golden/sched/fo.txt: rs1 has the highest weight, every time. */
static void fo_golden(void **state)
{
	struct schedtest *t = st_new_golden("fo", "198.18.101.12:80");

	assert_string_equal(st_run(t, 12, "198.18.0.2", ST_CLOSED),
			    "rs1 rs1 rs1 rs1 rs1 rs1 rs1 rs1 rs1 rs1 rs1 rs1");
	assert_string_equal(
		st_clients(t, "198.18.0.%d", 10, 25, ST_CLOSED),
		"198.18.0.10=rs1 198.18.0.11=rs1 198.18.0.12=rs1 "
		"198.18.0.13=rs1 198.18.0.14=rs1 198.18.0.15=rs1 "
		"198.18.0.16=rs1 198.18.0.17=rs1 198.18.0.18=rs1 "
		"198.18.0.19=rs1 198.18.0.20=rs1 198.18.0.21=rs1 "
		"198.18.0.22=rs1 198.18.0.23=rs1 198.18.0.24=rs1 "
		"198.18.0.25=rs1 ");
	st_free(t);
}

/*
 * rs1 w3, rs2 w5, rs3 w5 listed rs3 rs2 rs1.  rs3 and rs2 tie: rs3, the
 * newest, until its second connection reaches u_threshold 2; then rs2.
 * rs2 edited to w1: rs1 (w3).  rs1 deleted: rs2 (w1).  One rs3
 * connection ends (totalconns falls from l = 2): rs3 again.
 */
static void fo_sequence(void **state)
{
	struct schedtest *t = st_new("fo", IPPROTO_TCP, "198.18.101.12:80", 0);

	st_add(t, "rs1", "198.18.1.2:80", 3);
	st_add(t, "rs2", "198.18.2.2:80", 5);
	st_add(t, "rs3", "198.18.3.2:80", 5);
	st_thresholds(t, "rs3", 2, 0);
	assert_string_equal(st_run(t, 4, "198.18.0.2", ST_OPEN),
			    "rs3 rs3 rs2 rs2");
	st_edit(t, "rs2", 1);
	assert_string_equal(st_run(t, 1, "198.18.0.2", ST_OPEN), "rs1");
	st_del(t, "rs1");
	assert_string_equal(st_run(t, 1, "198.18.0.2", ST_OPEN), "rs2");
	st_expire(t, 0);
	assert_string_equal(st_run(t, 1, "198.18.0.2", ST_OPEN), "rs3");
	st_edit(t, "rs3", 0);
	st_edit(t, "rs2", 0);
	assert_string_equal(st_run(t, 1, "198.18.0.2", ST_OPEN), "-");
	st_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fo_golden),
		cmocka_unit_test(fo_sequence),
	};

	return cmocka_run_group_tests_name("sched/fo", tests, NULL, NULL);
}
