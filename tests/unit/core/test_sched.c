// SPDX-License-Identifier: GPL-2.0-only
/*
 * The scheduler registry (core/sched.c): every IPVS scheduler is found by
 * its kernel name, "none" and unknown names are not, and each one copes
 * with an empty service, a dest coming and going, and being unbound with
 * state attached.
 */
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tests/lib/schedtest.h"

static const char *const sched_names[] = {
	"rr", "wrr", "lc",  "wlc", "sed", "nq", "fo",
	"ovf", "lblc", "lblcr", "dh", "sh", "mh", "twos",
};

static void sched_find_all(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(sched_names) / sizeof(sched_names[0]); i++) {
		const struct xdpvs_sched_ops *ops =
			xdpvs_sched_find(sched_names[i]);

		assert_non_null(ops);
		assert_string_equal(ops->name, sched_names[i]);
		assert_non_null(ops->schedule);
	}
	assert_null(xdpvs_sched_find("none"));
	assert_null(xdpvs_sched_find("WLC"));
	assert_null(xdpvs_sched_find(""));
}

/* Empty: no dest.  One dest of weight 1: it.  Deleted: no dest again. */
static void sched_lifecycle(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(sched_names) / sizeof(sched_names[0]); i++) {
		struct schedtest *t = st_new(sched_names[i], IPPROTO_TCP,
					     "198.18.101.1:80", 0);

		assert_string_equal(st_run(t, 1, "198.18.0.2", ST_PICK), "-");
		st_add(t, "rs1", "198.18.1.2:80", 1);
		assert_string_equal(st_run(t, 2, "198.18.0.2", ST_OPEN),
				    "rs1 rs1");
		st_advance(t, 120);
		st_del(t, "rs1");
		assert_string_equal(st_run(t, 1, "198.18.0.2", ST_PICK), "-");
		st_free(t);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sched_find_all),
		cmocka_unit_test(sched_lifecycle),
	};

	return cmocka_run_group_tests_name("sched", tests, NULL, NULL);
}
