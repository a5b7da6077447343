// SPDX-License-Identifier: GPL-2.0-only
/*
 * mh (core/sched/mh.c) against the kernel's ip_vs_mh.c.
 *
 * The refvm golden file checks the whole chain (SipHash-1-3, fixed keys,
 * permutation, population, lookup) against the kernel for one table.  The
 * other expectations were derived from the kernel's formulas (a separate
 * port of ip_vs_mh.c and lib/siphash.c, checked against the same golden
 * file and the published SipHash vectors); each test says what it derives.
 *
 * Whole tables are read black-box: for each slot s a client address from
 * 198.18.0.0/15 with H1(addr, 0) % M == s is found, and scheduling it
 * reveals lookup[s].
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/sched/common.h"
#include "tests/lib/schedtest.h"

#define MH_M 4093
#define MH_KEY1 2654435761ULL	/* the kernel's hash1 key */
#define MH_KEY2 2654446892ULL	/* hash2 */

/* H(addr:port) of the kernel's ip_vs_mh_hashkey, IPv4, offset 0. */
static uint32_t mh_h(const char *addr, uint16_t port, uint64_t key)
{
	union xdpvs_addr a;
	uint16_t af, p;

	st_parse(addr, &af, &a, &p);
	return sched_hsiphash_u32(port + sched_addr_fold(af, &a), key, key);
}

/*
 * lookup[s] of a table of m slots as names, into out[m].  Clients are
 * 198.18.0.0 onwards, port 0 (the service has no mh-port).
 */
static void mh_read_table(struct schedtest *t, uint32_t m, const char **out)
{
	uint32_t *client = calloc(m, sizeof(*client));
	uint32_t base = 0xC6120000, k, slot, found = 0;	/* 198.18.0.0 */
	char buf[INET_ADDRSTRLEN];
	struct in_addr in;

	assert_non_null(client);
	for (k = 0; k < (1u << 17) && found < m; k++) {
		slot = sched_hsiphash_u32(base + k, MH_KEY1, MH_KEY1) % m;
		if (!client[slot]) {
			client[slot] = base + k;
			found++;
		}
	}
	assert_int_equal(found, m);
	for (slot = 0; slot < m; slot++) {
		in.s_addr = htonl(client[slot]);
		inet_ntop(AF_INET, &in, buf, sizeof(buf));
		out[slot] = st_name(t, st_schedule(t, buf));
	}
	st_trace(t);
	free(client);
}

static int mh_count(const char **table, uint32_t m, const char *name)
{
	uint32_t i;
	int n = 0;

	for (i = 0; i < m; i++)
		n += strcmp(table[i], name) == 0;
	return n;
}

/*
 * The reference's vectors (ipvs.md §1.2; these addresses only feed the
 * hash): offset = H1 % 4093 and skip = H2 % 4092 + 1 of 192.168.10.1-3:80,
 * and the slots of two clients.
 */
static void mh_hash_vectors(void **state)
{
	assert_int_equal(mh_h("192.168.10.1", 80, MH_KEY1) % MH_M, 3189);
	assert_int_equal(mh_h("192.168.10.1", 80, MH_KEY2) % (MH_M - 1) + 1,
			 175);
	assert_int_equal(mh_h("192.168.10.2", 80, MH_KEY1) % MH_M, 3679);
	assert_int_equal(mh_h("192.168.10.2", 80, MH_KEY2) % (MH_M - 1) + 1,
			 3377);
	assert_int_equal(mh_h("192.168.10.3", 80, MH_KEY1) % MH_M, 3093);
	assert_int_equal(mh_h("192.168.10.3", 80, MH_KEY2) % (MH_M - 1) + 1,
			 3776);
	assert_int_equal(mh_h("10.0.0.2", 0, MH_KEY1) % MH_M, 1884);
	assert_int_equal(mh_h("198.51.100.7", 0, MH_KEY1) % MH_M, 924);
}

/*
 * The reference's table: list order .1 .2 .3 (added .3, .2, .1), weight
 * 1 each: slots 1365/1364/1364, lookup[0..11] = list indexes
 * 2 0 0 1 2 2 2 1 0 1 0 0; 10.0.0.2 -> index 1, 198.51.100.7 -> index 0.
 */
static void mh_reference_table(void **state)
{
	struct schedtest *t = st_new("mh", IPPROTO_TCP, "198.18.101.9:80", 0);
	const char **table = calloc(MH_M, sizeof(*table));
	char first[128] = "";
	int i;

	assert_non_null(table);
	st_add(t, "d2", "192.168.10.3:80", 1);
	st_add(t, "d1", "192.168.10.2:80", 1);
	st_add(t, "d0", "192.168.10.1:80", 1);
	mh_read_table(t, MH_M, table);
	assert_int_equal(mh_count(table, MH_M, "d0"), 1365);
	assert_int_equal(mh_count(table, MH_M, "d1"), 1364);
	assert_int_equal(mh_count(table, MH_M, "d2"), 1364);
	for (i = 0; i < 12; i++) {
		strcat(first, table[i]);
		strcat(first, " ");
	}
	assert_string_equal(first, "d2 d0 d0 d1 d2 d2 d2 d1 d0 d1 d0 d0 ");
	st_schedule(t, "10.0.0.2");
	st_schedule(t, "198.51.100.7");
	assert_string_equal(st_trace(t), "d1 d0");
	free(table);
	st_free(t);
}

#define MH_GOLDEN_CLIENTS                                                  \
	"198.18.0.10=rs1 198.18.0.11=rs3 198.18.0.12=rs1 198.18.0.13=rs1 " \
	"198.18.0.14=rs2 198.18.0.15=rs2 198.18.0.16=rs3 198.18.0.17=rs1 " \
	"198.18.0.18=rs2 198.18.0.19=rs1 198.18.0.20=rs1 198.18.0.21=rs3 " \
	"198.18.0.22=rs1 198.18.0.23=rs2 198.18.0.24=rs2 198.18.0.25=rs2 "

/*
 * golden/sched/mh.txt, from the kernel: rs1 w3, rs2 w2, rs3 w1 listed rs3
 * rs2 rs1 (turns 1, 2, 3 per round; derived slot counts 683/1364/2046).
 */
static void mh_golden(void **state)
{
	struct schedtest *t = st_new_golden("mh", "198.18.101.9:80");
	const char **table = calloc(MH_M, sizeof(*table));

	assert_non_null(table);
	assert_string_equal(st_run(t, 12, "198.18.0.2", ST_CLOSED),
			    "rs3 rs3 rs3 rs3 rs3 rs3 rs3 rs3 rs3 rs3 rs3 rs3");
	assert_string_equal(st_clients(t, "198.18.0.%d", 10, 25, ST_CLOSED),
			    MH_GOLDEN_CLIENTS);
	mh_read_table(t, MH_M, table);
	assert_int_equal(mh_count(table, MH_M, "rs3"), 683);
	assert_int_equal(mh_count(table, MH_M, "rs2"), 1364);
	assert_int_equal(mh_count(table, MH_M, "rs1"), 2046);
	free(table);
	st_free(t);
}

/* mh-port: the source port joins the hash (derived); without it every
 * port of 198.18.0.2 lands on rs3 (golden). */
static void mh_port(void **state)
{
	struct schedtest *t = st_new("mh", IPPROTO_TCP, "198.18.101.9:80",
				     XDPVS_SVC_F_SCHED_MH_PORT);
	struct schedtest *u = st_new_golden("mh", "198.18.101.9:80");
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
	assert_string_equal(st_trace(t), "rs1 rs1 rs3 rs2 rs2 rs2 rs1 rs3");
	assert_string_equal(st_trace(u), "rs3 rs3 rs3 rs3 rs3 rs3 rs3 rs3");
	st_free(u);
	st_free(t);
}

/*
 * Weight 0 keeps last_weight, so the table is not reshaped: rs2's
 * clients (.14 .15 .18 .23 .24 .25) find no dest, the others stay.  With
 * mh-fallback they are rehashed with offset (i + slot) % M until a usable
 * dest (derived).  A dest added with weight 0 (last_weight 0) claims no
 * slot; weight back to 2: the golden mapping again.
 */
static void mh_last_weight(void **state)
{
	struct schedtest *t = st_new_golden("mh", "198.18.101.9:80");
	struct schedtest *f = st_new("mh", IPPROTO_TCP, "198.18.101.9:80",
				     XDPVS_SVC_F_SCHED_MH_FALLBACK);

	st_add(f, "rs1", "198.18.1.2:80", 3);
	st_add(f, "rs2", "198.18.2.2:80", 2);
	st_add(f, "rs3", "198.18.3.2:80", 1);
	st_edit(t, "rs2", 0);
	st_edit(f, "rs2", 0);
	assert_string_equal(
		st_clients(t, "198.18.0.%d", 10, 25, ST_PICK),
		"198.18.0.10=rs1 198.18.0.11=rs3 198.18.0.12=rs1 "
		"198.18.0.13=rs1 198.18.0.14=- 198.18.0.15=- 198.18.0.16=rs3 "
		"198.18.0.17=rs1 198.18.0.18=- 198.18.0.19=rs1 "
		"198.18.0.20=rs1 198.18.0.21=rs3 198.18.0.22=rs1 "
		"198.18.0.23=- 198.18.0.24=- 198.18.0.25=- ");
	assert_string_equal(
		st_clients(f, "198.18.0.%d", 10, 25, ST_PICK),
		"198.18.0.10=rs1 198.18.0.11=rs3 198.18.0.12=rs1 "
		"198.18.0.13=rs1 198.18.0.14=rs1 198.18.0.15=rs3 "
		"198.18.0.16=rs3 198.18.0.17=rs1 198.18.0.18=rs1 "
		"198.18.0.19=rs1 198.18.0.20=rs1 198.18.0.21=rs3 "
		"198.18.0.22=rs1 198.18.0.23=rs1 198.18.0.24=rs1 "
		"198.18.0.25=rs1 ");
	st_add(t, "rs4", "198.18.4.2:80", 0);
	st_edit(t, "rs2", 2);
	assert_string_equal(st_clients(t, "198.18.0.%d", 10, 25, ST_PICK),
			    MH_GOLDEN_CLIENTS);
	st_free(f);
	st_free(t);
}

/*
 * Large weights are shifted: 1000 and 1 have gcd 1, fls(1000) = 10, so
 * rshift = 10 - 12 / 2 = 4 and turns 62 and 1 (0, but not zero weight).
 * Populating rounds of 63 claims: 64 rounds fill 4032 slots and the
 * first listed takes the last 61 (or 1 of them if it is the small one).
 */
static void mh_rshift(void **state)
{
	struct schedtest *t = st_new("mh", IPPROTO_TCP, "198.18.101.9:80", 0);
	const char **table = calloc(MH_M, sizeof(*table));

	assert_non_null(table);
	st_add(t, "small", "198.18.2.2:80", 1);
	st_add(t, "big", "198.18.1.2:80", 1000);
	mh_read_table(t, MH_M, table);
	assert_int_equal(mh_count(table, MH_M, "big"), 64 * 62 + 61);
	assert_int_equal(mh_count(table, MH_M, "small"), 64);
	st_free(t);

	t = st_new("mh", IPPROTO_TCP, "198.18.101.9:80", 0);
	st_add(t, "big", "198.18.1.2:80", 1000);
	st_add(t, "small", "198.18.2.2:80", 1);
	mh_read_table(t, MH_M, table);
	assert_int_equal(mh_count(table, MH_M, "big"), 64 * 62 + 60);
	assert_int_equal(mh_count(table, MH_M, "small"), 65);
	free(table);
	st_free(t);
}

/*
 * Consistency: of 2000 clients over ten servers of weight 1, removing rs5
 * moves the 199 that were on rs5 and only 24 others (derived): 223, about
 * 1/N plus a little.
 */
static void mh_removal_moves_few(void **state)
{
	struct schedtest *t = st_new("mh", IPPROTO_TCP, "198.18.101.9:80", 0);
	static char before[2000][ST_NAME_LEN];
	char client[32], name[16], rs[32];
	int i, moved = 0, on_rs5 = 0;

	for (i = 1; i <= 10; i++) {
		snprintf(name, sizeof(name), "rs%d", i);
		snprintf(rs, sizeof(rs), "198.18.1.%d:80", i);
		st_add(t, name, rs, 1);
	}
	for (i = 0; i < 2000; i++) {
		snprintf(client, sizeof(client), "198.18.%d.%d", 64 + i / 250,
			 i % 250 + 1);
		strcpy(before[i], st_name(t, st_schedule(t, client)));
	}
	st_trace(t);
	st_del(t, "rs5");
	for (i = 0; i < 2000; i++) {
		snprintf(client, sizeof(client), "198.18.%d.%d", 64 + i / 250,
			 i % 250 + 1);
		st_schedule(t, client);
		if (strcmp(before[i], "rs5") == 0) {
			on_rs5++;
			assert_string_not_equal(st_trace(t), "rs5");
			moved++;
		} else if (strcmp(before[i], st_trace(t)) != 0) {
			moved++;
		}
	}
	assert_int_equal(on_rs5, 199);
	assert_int_equal(moved, 223);
	assert_true(moved <= 2000 / 10 + 2000 * 3 / 100);
	st_free(t);
}

/*
 * mh_tab_index 8: M = 251 and rshift keeps 8 / 2 = 4 bits.  The golden
 * servers then split 42/84/125 and the clients map as derived.  More
 * servers than slots: adding the 252nd is -EINVAL and leaves the table.
 */
static void mh_tab_index(void **state)
{
	struct xdpvs_sched_env env = { .rng = 1, .mh_tab_index = 8 };
	struct schedtest *t = st_new_env("mh", IPPROTO_TCP, "198.18.101.9:80",
					 0, &env);
	const char **table = calloc(251, sizeof(*table)), **again;
	char name[16], rs[32];
	int i;

	assert_non_null(table);
	st_add(t, "rs1", "198.18.1.2:80", 3);
	st_add(t, "rs2", "198.18.2.2:80", 2);
	st_add(t, "rs3", "198.18.3.2:80", 1);
	assert_string_equal(
		st_clients(t, "198.18.0.%d", 10, 25, ST_PICK),
		"198.18.0.10=rs2 198.18.0.11=rs2 198.18.0.12=rs2 "
		"198.18.0.13=rs1 198.18.0.14=rs3 198.18.0.15=rs1 "
		"198.18.0.16=rs2 198.18.0.17=rs1 198.18.0.18=rs3 "
		"198.18.0.19=rs1 198.18.0.20=rs2 198.18.0.21=rs2 "
		"198.18.0.22=rs1 198.18.0.23=rs2 198.18.0.24=rs1 "
		"198.18.0.25=rs1 ");
	mh_read_table(t, 251, table);
	assert_int_equal(mh_count(table, 251, "rs1"), 125);
	assert_int_equal(mh_count(table, 251, "rs2"), 84);
	assert_int_equal(mh_count(table, 251, "rs3"), 42);

	for (i = 4; i <= 251; i++) {
		snprintf(name, sizeof(name), "rs%d", i);
		snprintf(rs, sizeof(rs), "198.18.%d.%d:80", 8 + i / 200,
			 i % 200 + 1);
		st_add(t, name, rs, 1);
		assert_int_equal(t->last_rc, 0);
	}
	mh_read_table(t, 251, table);
	st_add(t, "rs252", "198.18.9.253:80", 1);
	assert_int_equal(t->last_rc, -EINVAL);
	again = calloc(251, sizeof(*again));
	assert_non_null(again);
	mh_read_table(t, 251, again);
	for (i = 0; i < 251; i++)
		assert_string_equal(again[i], table[i]);
	free(again);
	/* Back to 251 servers: rebuilt, rs252 in it. */
	st_del(t, "rs1");
	assert_int_equal(t->last_rc, 0);
	mh_read_table(t, 251, table);
	assert_int_equal(mh_count(table, 251, "rs1"), 0);
	assert_true(mh_count(table, 251, "rs252") > 0);
	free(table);
	st_free(t);
}

/*
 * Past the kernel: when a deletion leaves more servers than slots the
 * kernel keeps the stale table (holding the deleted dest); xdpvs keeps it
 * too but empties the deleted dest's slots, so it is never handed out.
 */
static void mh_too_many_delete(void **state)
{
	struct xdpvs_sched_env env = { .rng = 1, .mh_tab_index = 8 };
	struct schedtest *t = st_new_env("mh", IPPROTO_TCP, "198.18.101.9:80",
					 0, &env);
	const char **table = calloc(251, sizeof(*table));
	char name[16], rs[32];
	int i;

	assert_non_null(table);
	for (i = 1; i <= 253; i++) {
		snprintf(name, sizeof(name), "rs%d", i);
		snprintf(rs, sizeof(rs), "198.18.%d.%d:80", 8 + i / 200,
			 i % 200 + 1);
		st_add(t, name, rs, 1);
		assert_int_equal(t->last_rc, i <= 251 ? 0 : -EINVAL);
	}
	st_del(t, "rs1");
	assert_int_equal(t->last_rc, -EINVAL);
	mh_read_table(t, 251, table);
	assert_int_equal(mh_count(table, 251, "rs1"), 0);
	assert_int_equal(mh_count(table, 251, "-"), 1);
	free(table);
	st_free(t);
}

/* IPv6 with mh-port: refvm's golden/setup.sh service 8 ([2001:db8:1::2]
 * w1, [2001:db8:2::2] w1, [2001:db8:3::2] w2), addresses folded (derived:
 * slots 2047/1023/1023 for rs3/rs2/rs1). */
static void mh_ipv6_port(void **state)
{
	struct schedtest *t = st_new("mh", IPPROTO_TCP, "[2001:db8:100::1]:80",
				     XDPVS_SVC_F_SCHED_MH_PORT);
	char client[48];
	int p;

	st_add(t, "rs1", "[2001:db8:1::2]:80", 1);
	st_add(t, "rs2", "[2001:db8:2::2]:80", 1);
	st_add(t, "rs3", "[2001:db8:3::2]:80", 2);
	for (p = 40001; p <= 40006; p++) {
		snprintf(client, sizeof(client), "[2001:db8::2]:%d", p);
		st_schedule(t, client);
	}
	assert_string_equal(st_trace(t), "rs1 rs3 rs2 rs3 rs2 rs1");
	st_free(t);
}

/* No server, or none that ever had a weight: an empty table. */
static void mh_empty(void **state)
{
	struct schedtest *t = st_new("mh", IPPROTO_TCP, "198.18.101.9:80",
				     XDPVS_SVC_F_SCHED_MH_FALLBACK);

	assert_string_equal(st_run(t, 1, "198.18.0.2", ST_PICK), "-");
	st_add(t, "rs1", "198.18.1.2:80", 0);
	assert_string_equal(st_run(t, 1, "198.18.0.2", ST_PICK), "-");
	st_edit(t, "rs1", 1);
	assert_string_equal(st_run(t, 1, "198.18.0.2", ST_PICK), "rs1");
	st_del(t, "rs1");
	assert_string_equal(st_run(t, 1, "198.18.0.2", ST_PICK), "-");
	st_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mh_hash_vectors),
		cmocka_unit_test(mh_reference_table),
		cmocka_unit_test(mh_golden),
		cmocka_unit_test(mh_port),
		cmocka_unit_test(mh_last_weight),
		cmocka_unit_test(mh_rshift),
		cmocka_unit_test(mh_removal_moves_few),
		cmocka_unit_test(mh_tab_index),
		cmocka_unit_test(mh_too_many_delete),
		cmocka_unit_test(mh_ipv6_port),
		cmocka_unit_test(mh_empty),
	};

	return cmocka_run_group_tests_name("sched/mh", tests, NULL, NULL);
}
