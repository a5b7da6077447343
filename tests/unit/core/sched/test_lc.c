// SPDX-License-Identifier: GPL-2.0-only
/*
 * lc (core/sched/lc.c) against the kernel's ip_vs_lc.c: the refvm golden
 * sequence, the overhead 256 * active + total with weights ignored, ties to
 * the newest, weight 0 and deletion.
 */
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tests/lib/schedtest.h"

/*
 * golden/sched/lc.txt: every connection is closed before the next, so
 * each leaves overhead 1 behind; the least loaded comes round in list
 * order rs3 rs2 rs1 (the strict "<" keeps the first of equals).
 */
static void lc_golden(void **state)
{
	struct schedtest *t = st_new_golden("lc", "198.18.101.3:80");

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
 * Listed rs3 rs2 (w5, ignored) rs1, connections kept open (257 each).
 * 1-4: rs3 rs2 rs1, then all 257: rs3.  Closing rs2's leaves it 1: rs2
 * (258).  Then rs3 514, rs2 258, rs1 257: rs1; rs3 514, rs2 258, rs1 514:
 * rs2 (515); rs3 514 = rs1 514 < rs2 515: rs3 first.  rs3 at weight 0 is
 * skipped: rs1 514 < rs2 515.  rs1 deleted: rs2; rs2 at weight 0: none.
 */
static void lc_sequence(void **state)
{
	struct schedtest *t = st_new("lc", IPPROTO_TCP, "198.18.101.3:80", 0);

	st_add(t, "rs1", "198.18.1.2:80", 1);
	st_add(t, "rs2", "198.18.2.2:80", 5);
	st_add(t, "rs3", "198.18.3.2:80", 1);
	assert_string_equal(st_run(t, 4, "198.18.0.2", ST_OPEN),
			    "rs3 rs2 rs1 rs3");
	st_close(t, 1);
	assert_string_equal(st_run(t, 4, "198.18.0.2", ST_OPEN),
			    "rs2 rs1 rs2 rs3");
	st_edit(t, "rs3", 0);
	assert_string_equal(st_run(t, 1, "198.18.0.2", ST_OPEN), "rs1");
	st_del(t, "rs1");
	assert_string_equal(st_run(t, 1, "198.18.0.2", ST_OPEN), "rs2");
	st_edit(t, "rs2", 0);
	assert_string_equal(st_run(t, 1, "198.18.0.2", ST_OPEN), "-");
	st_free(t);
}

/* An overloaded server is skipped however idle it is. */
static void lc_overload(void **state)
{
	struct schedtest *t = st_new("lc", IPPROTO_TCP, "198.18.101.3:80", 0);

	st_add(t, "rs1", "198.18.1.2:80", 1);
	st_add(t, "rs2", "198.18.2.2:80", 1);
	st_thresholds(t, "rs2", 1, 0);
	/* rs2 0 first, then overloaded by its one connection. */
	assert_string_equal(st_run(t, 4, "198.18.0.2", ST_OPEN),
			    "rs2 rs1 rs1 rs1");
	st_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lc_golden),
		cmocka_unit_test(lc_sequence),
		cmocka_unit_test(lc_overload),
	};

	return cmocka_run_group_tests_name("sched/lc", tests, NULL, NULL);
}
