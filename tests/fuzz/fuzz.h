/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The libFuzzer entry point every tests/fuzz/fuzz_*.c harness defines,
 * declared for the plain driver (replay.c) that runs a committed corpus
 * through it under make check.
 */
#ifndef XDPVS_TESTS_FUZZ_H
#define XDPVS_TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* Run one input; 0 always (a broken invariant aborts). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
