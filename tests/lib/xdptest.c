/* SPDX-License-Identifier: GPL-2.0-only */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <xdpvs/dp.h>

#include "pktbuild.h"
#include "xdptest.h"

int xt_run(int prog, const uint8_t *in, size_t len, uint8_t *out,
	   uint32_t *olen)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = in,
		    .data_size_in = (uint32_t)len, .data_out = out,
		    .data_size_out = TB_MAX, .repeat = 1);

	assert_int_equal(bpf_prog_test_run_opts(prog, &opts), 0);
	*olen = opts.data_size_out;
	return (int)opts.retval;
}

uint64_t xt_counter(int stats, uint32_t idx)
{
	int ncpu = libbpf_num_possible_cpus(), c;
	struct xdpvs_dp_counter v[ncpu];
	uint64_t n = 0;

	assert_int_equal(bpf_map_lookup_elem(stats, &idx, v), 0);
	for (c = 0; c < ncpu; c++)
		n += v[c].packets;
	return n;
}

int xt_can_run(int prog, const char *name)
{
	uint8_t f[64] = { 0 }, out[TB_MAX];
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = f,
		    .data_size_in = sizeof(f), .data_out = out,
		    .data_size_out = sizeof(out), .repeat = 1);

	if (!bpf_prog_test_run_opts(prog, &opts))
		return 0;
	fprintf(stderr, "%s: BPF_PROG_TEST_RUN unavailable (%s): skipped\n",
		name, strerror(errno));
	return 77;
}
