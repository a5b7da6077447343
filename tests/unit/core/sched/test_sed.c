// SPDX-License-Identifier: GPL-2.0-only
/*
 * sed (core/sched/sed.c) against the kernel's ip_vs_sed.c: the refvm golden
 * sequence, (active + 1) / weight with its ties, inactive connections not
 * counting, weight 0 and overload.
 */
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tests/lib/schedtest.h"

/*
 * golden/sched/sed.txt: closed connections are inactive, every overhead
 * is 1, and the highest weight wins: rs1 every time.
 */
static void sed_golden(void **state)
{
	struct schedtest *t = st_new_golden("sed", "198.18.101.5:80");

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
 * rs1 w1, rs2 w3 (listed rs2 rs1), connections open.  rs1 wins when
 * (a2 + 1) * 1 > (a1 + 1) * 3: a2 = 0, 1, 2 give 1, 2, 3 against 3: rs2
 * thrice; 4 > 3: rs1; then 4, 5, 6 against 6: rs2 thrice; 7 > 6: rs1.
 * Once rs2's connections are closed (inactive, not counted) rs2 is at 1
 * again: rs2 (1 * 1 vs 3 * 3), rs2, rs2.  rs3 w2 joins, listed first:
 * rs3 (1/2 vs 4/3, 3/1), rs3 (2/2), then 3 * 3 > 4 * 2: rs2.  rs2
 * deleted: rs3 (3/2 vs rs1 3/1).  rs3 at weight 0 is no candidate: rs1;
 * overloaded rs1 as well: none.
 */
static void sed_sequence(void **state)
{
	struct schedtest *t = st_new("sed", IPPROTO_TCP, "198.18.101.5:80", 0);
	int i;

	st_add(t, "rs1", "198.18.1.2:80", 1);
	st_add(t, "rs2", "198.18.2.2:80", 3);
	assert_string_equal(st_run(t, 8, "198.18.0.2", ST_OPEN),
			    "rs2 rs2 rs2 rs1 rs2 rs2 rs2 rs1");
	for (i = 0; i < ST_MAX_CONNS; i++)
		if (t->conns[i].dest == st_dest(t, "rs2"))
			st_close(t, i);
	assert_string_equal(st_run(t, 3, "198.18.0.2", ST_OPEN),
			    "rs2 rs2 rs2");
	st_add(t, "rs3", "198.18.3.2:80", 2);
	assert_string_equal(st_run(t, 3, "198.18.0.2", ST_OPEN),
			    "rs3 rs3 rs2");
	st_del(t, "rs2");
	assert_string_equal(st_run(t, 1, "198.18.0.2", ST_OPEN), "rs3");
	st_edit(t, "rs3", 0);
	assert_string_equal(st_run(t, 1, "198.18.0.2", ST_OPEN), "rs1");
	st_thresholds(t, "rs1", 1, 0);
	assert_string_equal(st_run(t, 1, "198.18.0.2", ST_OPEN), "-");
	st_free(t);
}

/* UDP connections never become active: the highest weight, first in
 * list order among equals (rs3 and rs2, both w2, listed rs3 rs2 rs1). */
static void sed_udp(void **state)
{
	struct schedtest *t = st_new("sed", IPPROTO_UDP, "198.18.101.5:53", 0);

	st_add(t, "rs1", "198.18.1.2:53", 1);
	st_add(t, "rs2", "198.18.2.2:53", 2);
	st_add(t, "rs3", "198.18.3.2:53", 2);
	assert_string_equal(st_run(t, 4, "198.18.0.2", ST_INACTIVE),
			    "rs3 rs3 rs3 rs3");
	st_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sed_golden),
		cmocka_unit_test(sed_sequence),
		cmocka_unit_test(sed_udp),
	};

	return cmocka_run_group_tests_name("sched/sed", tests, NULL, NULL);
}
