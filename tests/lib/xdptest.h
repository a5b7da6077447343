/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Helpers of the tests that run bpf/xdpvs.bpf.c with BPF_PROG_TEST_RUN
 * (tests/unit/bpf/): by file descriptor, so that they need no skeleton.
 */
#ifndef XDPVS_TESTS_XDPTEST_H
#define XDPVS_TESTS_XDPTEST_H

#include <stddef.h>
#include <stdint.h>

/* Run frame in (len bytes) through program prog: its verdict, the frame
 * after in out (TB_MAX bytes) and *olen. */
int xt_run(int prog, const uint8_t *in, size_t len, uint8_t *out,
	   uint32_t *olen);
/* Packets of counter idx of the per-CPU array stats, all CPUs. */
uint64_t xt_counter(int stats, uint32_t idx);
/* 0 if program prog can be test-run; else says so for test name and
 * returns 77 ("skipped"). */
int xt_can_run(int prog, const char *name);

#endif
