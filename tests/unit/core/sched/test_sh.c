// SPDX-License-Identifier: GPL-2.0-only
/*
 * sh (core/sched/sh.c) against the kernel's ip_vs_sh.c.  Two refvm golden
 * results check the hash against the kernel; the other expectations follow
 * from its formulas: bucket = hash_32(port + fold(saddr), 8) (see
 * test_dh.c), and the fill gives each dest, in list order, weight
 * consecutive buckets (at least one), round and round.
 */
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "tests/lib/schedtest.h"

/*
 * golden/sched/sh.txt: listed rs3 (w1) rs2 (w2) rs1 (w3), buckets
 * i mod 6 = 0: rs3, 1-2: rs2, 3-5: rs1.  198.18.0.2 lands on rs3.
 */
static void sh_golden(void **state)
{
	struct schedtest *t = st_new_golden("sh", "198.18.101.7:80");

	assert_string_equal(st_run(t, 12, "198.18.0.2", ST_CLOSED),
			    "rs3 rs3 rs3 rs3 rs3 rs3 rs3 rs3 rs3 rs3 rs3 rs3");
	assert_string_equal(
		st_clients(t, "198.18.0.%d", 10, 25, ST_CLOSED),
		"198.18.0.10=rs2 198.18.0.11=rs1 198.18.0.12=rs3 "
		"198.18.0.13=rs1 198.18.0.14=rs1 198.18.0.15=rs1 "
		"198.18.0.16=rs1 198.18.0.17=rs2 198.18.0.18=rs1 "
		"198.18.0.19=rs3 198.18.0.20=rs2 198.18.0.21=rs3 "
		"198.18.0.22=rs2 198.18.0.23=rs3 198.18.0.24=rs2 "
		"198.18.0.25=rs1 ");
	st_free(t);
}

/*
 * refvm golden/setup.sh service 3 and traffic.sh: UDP 198.18.100.1:53 -b
 * sh-fallback,sh-port, rs1 w1 and rs2 w2 (listed rs2 rs1: buckets i mod 3
 * = 0, 1: rs2, 2: rs1), one datagram from 198.18.0.2 ports 40001..40003.
 * Buckets 36, 134, 231: rs2 rs1 rs2, the 1/2 split golden/ipvsadm-Ln.txt
 * shows.
 */
static void sh_golden_udp_port(void **state)
{
	struct schedtest *t = st_new("sh", IPPROTO_UDP, "198.18.100.1:53",
				     XDPVS_SVC_F_SCHED_SH_FALLBACK |
					     XDPVS_SVC_F_SCHED_SH_PORT);

	st_add(t, "rs1", "198.18.1.2:53", 1);
	st_add(t, "rs2", "198.18.2.2:53", 2);
	st_schedule(t, "198.18.0.2:40001");
	st_schedule(t, "198.18.0.2:40002");
	st_schedule(t, "198.18.0.2:40003");
	assert_string_equal(st_trace(t), "rs2 rs1 rs2");
	st_free(t);
}

/* sh-port: the source port joins the hash; without it, it does not. */
static void sh_port(void **state)
{
	struct schedtest *t = st_new("sh", IPPROTO_TCP, "198.18.101.7:80",
				     XDPVS_SVC_F_SCHED_SH_PORT);
	struct schedtest *u = st_new_golden("sh", "198.18.101.7:80");
	char client[32];
	int p;

	st_add(t, "rs1", "198.18.1.2:80", 3);
	st_add(t, "rs2", "198.18.2.2:80", 2);
	st_add(t, "rs3", "198.18.3.2:80", 1);
	for (p = 40001; p <= 40008; p++) {
		snprintf(client, sizeof(client), "198.18.0.2:%d", p);
		st_schedule(t, client);
		st_schedule(u, client);
	}
	assert_string_equal(st_trace(t),
			    "rs3 rs2 rs1 rs2 rs1 rs2 rs2 rs1");
	assert_string_equal(st_trace(u),
			    "rs3 rs3 rs3 rs3 rs3 rs3 rs3 rs3");
	st_free(u);
	st_free(t);
}

/*
 * rs2 edited to weight 0 refills the table (listed rs3 w1, rs2 w0, rs1
 * w3): rs2 keeps one bucket, period 5: rs3 rs2 rs1 rs1 rs1.  Clients .15
 * .19 .21 .23 .25 (buckets 21 156 96 36 231, all 1 mod 5) land on rs2:
 * no dest.  With sh-fallback the walk tries buckets (2 * b + k) & 255,
 * k = 0, 1, ...: 2b mod 5 = 2, rs1.  With rs1 overloaded as well only
 * rs3 is left.
 */
static void sh_weight0_fallback(void **state)
{
	struct schedtest *t = st_new_golden("sh", "198.18.101.7:80");
	struct schedtest *f = st_new("sh", IPPROTO_TCP, "198.18.101.7:80",
				     XDPVS_SVC_F_SCHED_SH_FALLBACK);

	st_add(f, "rs1", "198.18.1.2:80", 3);
	st_add(f, "rs2", "198.18.2.2:80", 2);
	st_add(f, "rs3", "198.18.3.2:80", 1);
	st_edit(t, "rs2", 0);
	st_edit(f, "rs2", 0);
	assert_string_equal(
		st_clients(t, "198.18.0.%d", 10, 25, ST_PICK),
		"198.18.0.10=rs1 198.18.0.11=rs1 198.18.0.12=rs3 "
		"198.18.0.13=rs1 198.18.0.14=rs1 198.18.0.15=- "
		"198.18.0.16=rs1 198.18.0.17=rs1 198.18.0.18=rs1 "
		"198.18.0.19=- 198.18.0.20=rs1 198.18.0.21=- "
		"198.18.0.22=rs1 198.18.0.23=- 198.18.0.24=rs1 "
		"198.18.0.25=- ");
	assert_string_equal(
		st_clients(f, "198.18.0.%d", 10, 25, ST_PICK),
		"198.18.0.10=rs1 198.18.0.11=rs1 198.18.0.12=rs3 "
		"198.18.0.13=rs1 198.18.0.14=rs1 198.18.0.15=rs1 "
		"198.18.0.16=rs1 198.18.0.17=rs1 198.18.0.18=rs1 "
		"198.18.0.19=rs1 198.18.0.20=rs1 198.18.0.21=rs1 "
		"198.18.0.22=rs1 198.18.0.23=rs1 198.18.0.24=rs1 "
		"198.18.0.25=rs1 ");
	st_thresholds(f, "rs1", 1, 0);
	st_connect(f, "198.18.0.10", ST_OPEN);		/* rs1, now full */
	assert_string_equal(st_clients(f, "198.18.0.%d", 10, 13, ST_PICK),
			    "198.18.0.10=rs3 198.18.0.11=rs3 198.18.0.12=rs3 "
			    "198.18.0.13=rs3 ");
	st_free(f);
	st_free(t);
}

/*
 * Deleting rs3 refills over rs2 (w2) rs1 (w3), period 5: rs2 rs2 rs1 rs1
 * rs1; .12 (bucket 240 = 0 mod 5) moves from rs3 to rs2.  All deleted:
 * empty table, no dest even with fallback.
 */
static void sh_delete(void **state)
{
	struct schedtest *t = st_new("sh", IPPROTO_TCP, "198.18.101.7:80",
				     XDPVS_SVC_F_SCHED_SH_FALLBACK);

	st_add(t, "rs1", "198.18.1.2:80", 3);
	st_add(t, "rs2", "198.18.2.2:80", 2);
	st_add(t, "rs3", "198.18.3.2:80", 1);
	st_del(t, "rs3");
	/* buckets 44 142 240 82: mod 5 = 4 2 0 2 */
	assert_string_equal(st_clients(t, "198.18.0.%d", 10, 13, ST_PICK),
			    "198.18.0.10=rs1 198.18.0.11=rs1 198.18.0.12=rs2 "
			    "198.18.0.13=rs1 ");
	st_del(t, "rs1");
	st_del(t, "rs2");
	assert_string_equal(st_run(t, 1, "198.18.0.10", ST_PICK), "-");
	st_free(t);
}

/* IPv6 clients are folded: buckets of 2001:db8::a, ::b, ::c, ::1:a and
 * 2001:db8:ffff::2 over the golden fill (i mod 6). */
static void sh_ipv6(void **state)
{
	struct schedtest *t = st_new("sh", IPPROTO_TCP, "[2001:db8:100::1]:80",
				     0);

	st_add(t, "rs1", "[2001:db8:1::2]:80", 3);
	st_add(t, "rs2", "[2001:db8:2::2]:80", 2);
	st_add(t, "rs3", "[2001:db8:3::2]:80", 1);
	st_schedule(t, "2001:db8::a");
	st_schedule(t, "2001:db8::b");
	st_schedule(t, "2001:db8::c");
	st_schedule(t, "2001:db8::1:a");
	st_schedule(t, "2001:db8:ffff::2");
	assert_string_equal(st_trace(t), "rs2 rs1 rs2 rs3 rs1");
	st_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sh_golden),
		cmocka_unit_test(sh_golden_udp_port),
		cmocka_unit_test(sh_port),
		cmocka_unit_test(sh_weight0_fallback),
		cmocka_unit_test(sh_delete),
		cmocka_unit_test(sh_ipv6),
	};

	return cmocka_run_group_tests_name("sched/sh", tests, NULL, NULL);
}
