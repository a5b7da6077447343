// SPDX-License-Identifier: GPL-2.0-only
/*
 * dh (core/sched/dh.c) against the kernel's ip_vs_dh.c.  The expected
 * mappings follow from the kernel's formulas: bucket = hash_32(daddr, 8)
 * (hash_32(x, b) = (x * 0x61C88647 mod 2^32) >> (32 - b)), and with n
 * dests bucket i holds the (i mod n)-th dest in list order.  The refvm
 * golden file checks one bucket against the kernel; the rest are derived.
 * Buckets of 198.18.101.1..13: 217 59 157 255 96 194 36 134 232 73 171 13
 * 111; of 2001:db8:100::1..5 (folded): 134 231 73 171 13.
 */
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "tests/lib/schedtest.h"

/* The picks for a client towards each of 198.18.101.1..13. */
static const char *dh_map(struct schedtest *t)
{
	static char out[512];
	char vaddr[32];
	size_t len = 0;
	int i;

	for (i = 1; i <= 13; i++) {
		snprintf(vaddr, sizeof(vaddr), "198.18.101.%d", i);
		st_schedule_to(t, "198.18.0.2", vaddr);
		len += (size_t)snprintf(out + len, sizeof(out) - len, "%s%d=%s",
					len ? " " : "", i, st_trace(t));
	}
	return out;
}

/*
 * golden/sched/dh.txt: the service's own address 198.18.101.8 is the
 * hashed one, bucket 134; 134 mod 3 = 2, the third listed: rs1, for every
 * client.
 */
static void dh_golden(void **state)
{
	struct schedtest *t = st_new_golden("dh", "198.18.101.8:80");

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
 * A fwmark service catching many addresses, dests listed rs3 rs2 rs1
 * (weights ignored by the fill): bucket mod 3 picks rs3, rs2, rs1.  rs2
 * at weight 0 is not refilled (no edit hook) and gives no dest.  rs4
 * added: refill over rs4 rs3 rs2 rs1, bucket mod 4.  rs3 deleted: refill
 * over rs4 rs2 rs1.  An overloaded dest gives no dest either.
 */
static void dh_refill(void **state)
{
	struct schedtest *t = st_new("dh", IPPROTO_TCP, NULL, 0);

	st_add(t, "rs1", "198.18.1.2:80", 1);
	st_add(t, "rs2", "198.18.2.2:80", 7);
	st_add(t, "rs3", "198.18.3.2:80", 1);
	assert_string_equal(dh_map(t), "1=rs2 2=rs1 3=rs2 4=rs3 5=rs3 6=rs1 "
					"7=rs3 8=rs1 9=rs2 10=rs2 11=rs3 "
					"12=rs2 13=rs3");
	st_edit(t, "rs2", 0);
	assert_string_equal(dh_map(t), "1=- 2=rs1 3=- 4=rs3 5=rs3 6=rs1 "
					"7=rs3 8=rs1 9=- 10=- 11=rs3 12=- "
					"13=rs3");
	st_add(t, "rs4", "198.18.4.2:80", 1);
	assert_string_equal(dh_map(t), "1=rs3 2=rs1 3=rs3 4=rs1 5=rs4 6=- "
					"7=rs4 8=- 9=rs4 10=rs3 11=rs1 "
					"12=rs3 13=rs1");
	st_del(t, "rs3");
	assert_string_equal(dh_map(t), "1=- 2=rs1 3=- 4=rs4 5=rs4 6=rs1 "
					"7=rs4 8=rs1 9=- 10=- 11=rs4 12=- "
					"13=rs4");
	st_thresholds(t, "rs4", 1, 0);
	st_connect(t, "198.18.0.2", ST_OPEN);	/* to the vaddr 0: bucket 0 */
	st_trace(t);
	assert_string_equal(dh_map(t), "1=- 2=rs1 3=- 4=- 5=- 6=rs1 7=- "
					"8=rs1 9=- 10=- 11=- 12=- 13=-");
	st_del(t, "rs1");
	st_del(t, "rs2");
	st_del(t, "rs4");
	assert_string_equal(dh_map(t), "1=- 2=- 3=- 4=- 5=- 6=- 7=- 8=- 9=- "
					"10=- 11=- 12=- 13=-");
	st_free(t);
}

/* IPv6 addresses are folded (XOR of the four words) before hashing. */
static void dh_ipv6(void **state)
{
	struct schedtest *t = st_new("dh", IPPROTO_TCP, "[2001:db8:100::1]:80",
				     0);
	const char *vaddrs[] = { "2001:db8:100::1", "2001:db8:100::2",
				 "2001:db8:100::3", "2001:db8:100::4",
				 "2001:db8:100::5" };
	size_t i;

	st_add(t, "rs1", "[2001:db8:1::2]:80", 1);
	st_add(t, "rs2", "[2001:db8:2::2]:80", 1);
	st_add(t, "rs3", "[2001:db8:3::2]:80", 1);
	for (i = 0; i < 5; i++)
		st_schedule_to(t, "2001:db8::2", vaddrs[i]);
	/* buckets 134 231 73 171 13, mod 3: 2 0 1 0 1 */
	assert_string_equal(st_trace(t), "rs1 rs3 rs2 rs3 rs2");
	st_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(dh_golden),
		cmocka_unit_test(dh_refill),
		cmocka_unit_test(dh_ipv6),
	};

	return cmocka_run_group_tests_name("sched/dh", tests, NULL, NULL);
}
