// SPDX-License-Identifier: GPL-2.0-only
/*
 * The schedulers' shared helpers (core/sched/common.h): hash_32, the IPv6
 * address fold, SipHash as the kernel's lib/siphash.c computes it on
 * 64-bit, checked against published vectors.
 */
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/sched/common.h"
#include "tests/lib/schedtest.h"

/* The key 00 01 .. 0f as two little-endian words, and bytes 0 .. n-1. */
#define TEST_K0 0x0706050403020100ULL
#define TEST_K1 0x0f0e0d0c0b0a0908ULL

static const uint8_t test_in[16] = { 0, 1, 2,  3,  4,  5,  6,  7,
				     8, 9, 10, 11, 12, 13, 14, 15 };

/* SipHash-2-4 (the kernel's siphash()): the reference implementation's
 * vectors for 0, 8 and 15 bytes. */
static void siphash_2_4_vectors(void **state)
{
	assert_int_equal(sched_siphash(test_in, 0, TEST_K0, TEST_K1, 2, 4),
			 0x726fdb47dd0e0e31ULL);
	assert_int_equal(sched_siphash(test_in, 8, TEST_K0, TEST_K1, 2, 4),
			 0x93f5f5799a932462ULL);
	assert_int_equal(sched_siphash(test_in, 15, TEST_K0, TEST_K1, 2, 4),
			 0xa129ca6149be45e5ULL);
}

/* hsiphash() on 64-bit kernels is SipHash-1-3 truncated: the kernel's own
 * test_vectors_hsiphash (BITS_PER_LONG == 64) for 0, 1, 4, 8, 15 bytes. */
static void hsiphash_64bit_vectors(void **state)
{
	static const struct {
		size_t len;
		uint32_t hash;
	} v[] = {
		{ 0, 0x050fc4dc },  { 1, 0x7d57ca93 },	{ 4, 0x88d38328 },
		{ 8, 0x8d299a8e },  { 15, 0x2a519956 },
	};
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		assert_int_equal((uint32_t)sched_siphash(test_in, v[i].len,
							 TEST_K0, TEST_K1, 1,
							 3),
				 v[i].hash);
	/* The u32 form hashes the value's little-endian bytes. */
	assert_int_equal(sched_hsiphash_u32(0x03020100, TEST_K0, TEST_K1),
			 0x88d38328);
}

/* hash_32 and the fold: the reference's buckets for 10.0.0.2 (dh 137 of
 * 256, lblc 550 of 1024). */
static void hash_32_fold(void **state)
{
	union xdpvs_addr a;
	uint16_t af, port;

	st_parse("10.0.0.2", &af, &a, &port);
	assert_int_equal(sched_addr_fold(af, &a), 0x0a000002);
	assert_int_equal(sched_hash_32(sched_addr_fold(af, &a), 8), 137);
	assert_int_equal(sched_hash_32(sched_addr_fold(af, &a), 10), 550);
	st_parse("2001:db8:100::1", &af, &a, &port);
	/* 0x20010db8 ^ 0x01000000 ^ 0 ^ 0x00000001 */
	assert_int_equal(sched_addr_fold(af, &a), 0x21010db9);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(siphash_2_4_vectors),
		cmocka_unit_test(hsiphash_64bit_vectors),
		cmocka_unit_test(hash_32_fold),
	};

	return cmocka_run_group_tests_name("sched/common", tests, NULL, NULL);
}
