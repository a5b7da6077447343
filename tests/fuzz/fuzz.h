/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The libFuzzer entry point every tests/fuzz/fuzz_*.c harness defines,
 * declared for the plain driver (replay.c) that runs a committed corpus
 * through it under make check, and what the harnesses share: their
 * invariants' abort, and common.c's checks (common.c, linked into every
 * harness, also stands in for the resolver).
 */
#ifndef XDPVS_TESTS_FUZZ_H
#define XDPVS_TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

struct xdpvs_engine;

/* Run one input; 0 always (a broken invariant aborts). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An invariant: if cond is false, say where and why, and abort(). */
#define fz_assert(cond, ...) do {					\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: %s: ", __FILE__, __LINE__,	\
			#cond);						\
		fprintf(stderr, __VA_ARGS__);				\
		fputc('\n', stderr);					\
		abort();						\
	}								\
} while (0)

/* (common.c) No real server of e has counters below zero, and e holds at
 * most conn_max connections; abort() if not. */
void fz_check_engine(struct xdpvs_engine *e, unsigned int conn_max);

/* (common.c) The size bytes of an input after its control byte, in a new
 * buffer (free()) of exactly that many bytes, so ASan sees an over-read;
 * *len their count.  The input must have its control byte (size >= 1). */
uint8_t *fz_payload(const uint8_t *data, size_t size, size_t *len);

#endif
