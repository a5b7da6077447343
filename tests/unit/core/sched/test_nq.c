// SPDX-License-Identifier: GPL-2.0-only
/*
 * nq (core/sched/nq.c) against the kernel's ip_vs_nq.c: the refvm golden
 * sequence, an idle server taken at once, otherwise sed's rule, weight 0.
 */
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tests/lib/schedtest.h"

/* golden/sched/nq.txt: closed connections leave rs3, first in the list,
 * idle (no active connection), so it is taken every time. */
static void nq_golden(void **state)
{
	struct schedtest *t = st_new_golden("nq", "198.18.101.6:80");

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
 * rs1 w1, rs2 w3, rs3 w2 listed rs3 rs2 rs1, connections open.  1-3: the
 * first idle one each time: rs3 rs2 rs1.  Then (a+1)/w, a later dest
 * replacing the candidate when oh(c) * w(d) > oh(d) * w(c):
 * 4: rs3 2/2, rs2 2/3 (6 > 4), rs1 2/1: rs2.  5: rs3 2/2, rs2 3/3 (6 vs
 * 6), rs1 2/1 (2 vs 4): rs3.  6: rs3 3/2, rs2 3/3 (9 > 6): rs2.  7: rs3
 * 3/2, rs2 4/3 (9 > 8): rs2.  8: rs3 3/2, rs2 5/3 (9 vs 10), rs1 2/1
 * (3 vs 4): rs3.  Closing rs1's connection makes it idle: rs1 at once.
 * At weight 0 an idle rs1 is skipped: rs3 4/2, rs2 5/3 (12 > 10): rs2.
 * rs4 w1 joins idle: rs4 at once.  rs4 deleted: rs3 4/2 against rs2 6/3
 * (12 vs 12): rs3.
 */
static void nq_sequence(void **state)
{
	struct schedtest *t = st_new("nq", IPPROTO_TCP, "198.18.101.6:80", 0);
	int id;

	st_add(t, "rs1", "198.18.1.2:80", 1);
	st_add(t, "rs2", "198.18.2.2:80", 3);
	st_add(t, "rs3", "198.18.3.2:80", 2);
	assert_string_equal(st_run(t, 8, "198.18.0.2", ST_OPEN),
			    "rs3 rs2 rs1 rs2 rs3 rs2 rs2 rs3");
	st_close(t, 2);
	id = st_connect(t, "198.18.0.2", ST_OPEN);
	assert_string_equal(st_trace(t), "rs1");
	st_edit(t, "rs1", 0);
	st_close(t, id);
	assert_string_equal(st_run(t, 1, "198.18.0.2", ST_OPEN), "rs2");
	st_add(t, "rs4", "198.18.4.2:80", 1);
	assert_string_equal(st_run(t, 1, "198.18.0.2", ST_OPEN), "rs4");
	st_del(t, "rs4");
	assert_string_equal(st_run(t, 1, "198.18.0.2", ST_OPEN), "rs3");
	st_edit(t, "rs2", 0);
	st_edit(t, "rs3", 0);
	assert_string_equal(st_run(t, 1, "198.18.0.2", ST_OPEN), "-");
	st_free(t);
}

/* An overloaded idle server is not taken. */
static void nq_overload(void **state)
{
	struct schedtest *t = st_new_golden("nq", "198.18.101.6:80");

	st_thresholds(t, "rs3", 1, 0);
	/* rs3 idle, then overloaded by its closed connection; rs2 idle. */
	assert_string_equal(st_run(t, 3, "198.18.0.2", ST_CLOSED),
			    "rs3 rs2 rs2");
	st_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(nq_golden),
		cmocka_unit_test(nq_sequence),
		cmocka_unit_test(nq_overload),
	};

	return cmocka_run_group_tests_name("sched/nq", tests, NULL, NULL);
}
