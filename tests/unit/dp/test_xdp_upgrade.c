// SPDX-License-Identifier: GPL-2.0-only
/*
 * dp/xdp_upgrade.c: this build's XDP program loaded in a thread on maps
 * made as the program makes them; the eventfd says when it is done and
 * the programs loaded are there to take; a load stopped in the middle of
 * the verifier ends at once (a signal cuts the verifier short), frees
 * everything (run under SAN=1) and leaves the caller's map fds open.
 *
 * Needs root (BPF programs).  Exits 77 ("skipped") when the maps cannot
 * be made.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bpf/xdpvs.skel.h"
#include "daemon/log.h"
#include "dp/xdp_upgrade.h"

#define CONN_MAX 1024

static struct xdpvs_bpf *skel;	/* the maps' owner: its program not loaded */
static struct dp_xdp_maps maps;

/* The shared maps, made by the skeleton without its program. */
static int maps_make(void)
{
	skel = xdpvs_bpf__open();
	if (!skel)
		return -errno;
	bpf_program__set_autoload(skel->progs.xdpvs_xdp, false);
	bpf_map__set_max_entries(skel->maps.xdpvs_flows, 2 * CONN_MAX);
	if (xdpvs_bpf__load(skel)) {
		xdpvs_bpf__destroy(skel);
		return -errno;
	}
	maps = (struct dp_xdp_maps){
		.svcs = bpf_map__fd(skel->maps.xdpvs_svcs),
		.nat_rs = bpf_map__fd(skel->maps.xdpvs_nat_rs),
		.local = bpf_map__fd(skel->maps.xdpvs_local),
		.marks = bpf_map__fd(skel->maps.xdpvs_marks),
		.flows = bpf_map__fd(skel->maps.xdpvs_flows),
		.svc_st = bpf_map__fd(skel->maps.xdpvs_svc_st),
		.dest_st = bpf_map__fd(skel->maps.xdpvs_dest_st),
		.ctl = bpf_map__fd(skel->maps.xdpvs_ctl),
		.events = bpf_map__fd(skel->maps.xdpvs_events),
		.tx = bpf_map__fd(skel->maps.xdpvs_tx),
		.picks = bpf_map__fd(skel->maps.xdpvs_picks),
		.pick_svc = bpf_map__fd(skel->maps.xdpvs_pick_svc),
		.pick_tm = bpf_map__fd(skel->maps.xdpvs_pick_tm),
		.set = true,
	};
	return 0;
}

static long ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long)((t.tv_sec - t0->tv_sec) * 1000 +
		      (t.tv_nsec - t0->tv_nsec) / 1000000);
}

/* The maps given are still the caller's, open. */
static void maps_still_open(void)
{
	assert_true(fcntl(maps.flows, F_GETFD) >= 0);
	assert_true(fcntl(maps.pick_tm, F_GETFD) >= 0);
}

static void a_load_ends_with_the_programs_to_take(void **state)
{
	struct pollfd pfd = { .events = POLLIN };
	struct dp_xdp_spare *s;
	struct dp_xdp_bg *bg;
	int err = 1;
	long ms = -1;

	assert_int_equal(dp_xdp_bg_start(&maps, CONN_MAX, 2, &bg), 0);
	pfd.fd = dp_xdp_bg_fd(bg);
	assert_int_equal(poll(&pfd, 1, 60000), 1);	/* bounded: 60 s */
	s = dp_xdp_bg_end(bg, &err, &ms);
	assert_int_equal(err, 0);
	assert_non_null(s);
	assert_true(ms > 0);
	fprintf(stderr, "two instances loaded in %ld ms\n", ms);
	dp_xdp_spare_free(s);
	maps_still_open();
}

static void a_load_stopped_in_the_verifier_ends_at_once(void **state)
{
	struct timespec t0, pause = { .tv_nsec = 100000000 };	/* 100 ms */
	struct dp_xdp_bg *bg;
	long ms;

	assert_int_equal(dp_xdp_bg_start(&maps, CONN_MAX, 2, &bg), 0);
	nanosleep(&pause, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	dp_xdp_bg_cancel(bg);
	ms = ms_since(&t0);
	fprintf(stderr, "stopped in %ld ms\n", ms);
	/* a verifier's run here is 500+ ms, for one instance */
	assert_true(ms < 200);
	maps_still_open();
}

static void a_load_stopped_at_once_frees_everything(void **state)
{
	struct dp_xdp_bg *bg;

	assert_int_equal(dp_xdp_bg_start(&maps, CONN_MAX, 1, &bg), 0);
	dp_xdp_bg_cancel(bg);
	dp_xdp_bg_cancel(NULL);
	maps_still_open();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_load_ends_with_the_programs_to_take),
		cmocka_unit_test(a_load_stopped_in_the_verifier_ends_at_once),
		cmocka_unit_test(a_load_stopped_at_once_frees_everything),
	};
	int err, rc;

	log_init("test_xdp_upgrade", LOG_LVL_ERR);
	err = maps_make();
	if (err) {
		fprintf(stderr, "test_xdp_upgrade: cannot make the BPF maps "
			"(%s): skipped\n", strerror(-err));
		return 77;
	}
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	xdpvs_bpf__destroy(skel);
	return rc;
}
