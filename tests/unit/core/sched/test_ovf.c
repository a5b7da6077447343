// SPDX-License-Identifier: GPL-2.0-only
/*
 * ovf (core/sched/ovf.c) against the kernel's ip_vs_ovf.c: the refvm golden
 * sequence, overflow to the next weight when activeconns > weight, ties,
 * UDP.
 */
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tests/lib/schedtest.h"

/* golden/sched/ovf.txt: closed connections are not active, so rs1 (the
 * highest weight) never overflows. */
static void ovf_golden(void **state)
{
	struct schedtest *t = st_new_golden("ovf", "198.18.101.13:80");

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
 * rs1 w3, rs2 w2, connections open: rs1 while its active count is at
 * most 3 (four times), rs2 while at most 2 (three times), then nobody.
 * One rs1 connection closes (3 active): rs1, then nobody again.  rs3 w1
 * joins: rs3 twice (0 and 1 active), then nobody.  rs2 edited to w5
 * (3 active): rs2.
 */
static void ovf_overflow(void **state)
{
	struct schedtest *t = st_new("ovf", IPPROTO_TCP, "198.18.101.13:80", 0);

	st_add(t, "rs1", "198.18.1.2:80", 3);
	st_add(t, "rs2", "198.18.2.2:80", 2);
	assert_string_equal(st_run(t, 8, "198.18.0.2", ST_OPEN),
			    "rs1 rs1 rs1 rs1 rs2 rs2 rs2 -");
	st_close(t, 0);
	assert_string_equal(st_run(t, 2, "198.18.0.2", ST_OPEN), "rs1 -");
	st_add(t, "rs3", "198.18.3.2:80", 1);
	assert_string_equal(st_run(t, 3, "198.18.0.2", ST_OPEN),
			    "rs3 rs3 -");
	st_edit(t, "rs2", 5);
	assert_string_equal(st_run(t, 1, "198.18.0.2", ST_OPEN), "rs2");
	st_free(t);
}

/* Equal weights: the newest (first listed) wins; weight 0 and overload
 * are skipped; UDP (inactive) never overflows. */
static void ovf_ties_udp(void **state)
{
	struct schedtest *t = st_new("ovf", IPPROTO_UDP, "198.18.101.13:53", 0);

	st_add(t, "rs1", "198.18.1.2:53", 2);
	st_add(t, "rs2", "198.18.2.2:53", 2);
	st_add(t, "rs3", "198.18.3.2:53", 0);
	assert_string_equal(st_run(t, 5, "198.18.0.2", ST_INACTIVE),
			    "rs2 rs2 rs2 rs2 rs2");
	st_thresholds(t, "rs2", 5, 0);
	assert_string_equal(st_run(t, 2, "198.18.0.2", ST_INACTIVE),
			    "rs1 rs1");
	st_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ovf_golden),
		cmocka_unit_test(ovf_overflow),
		cmocka_unit_test(ovf_ties_udp),
	};

	return cmocka_run_group_tests_name("sched/ovf", tests, NULL, NULL);
}
