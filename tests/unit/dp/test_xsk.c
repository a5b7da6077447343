// SPDX-License-Identifier: GPL-2.0-only
/*
 * dp/xsk.c's transmit flush on a real AF_XDP socket (copy mode) bound to
 * a veth in a network namespace of the test's own: with the peer up, one
 * flush sends them all, though the kernel takes 32 a sendto() and says
 * EAGAIN after each 32 (what it also says when the device's queue is
 * stopped); with the peer down, the
 * device drops each frame it is given (sendto says EBUSY, the frame is
 * taken off the ring all the same), and the flush must go on past that
 * rather than leave the rest - a SYN behind them - for the next packet or
 * tick; it says whether frames are left, for its caller to ask again.
 *
 * Needs root (a network namespace, AF_XDP); exits 77 ("skipped") without.
 */
#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <bpf/bpf.h>

#include "dp/xsk.h"

#define FRAMES	100

static struct dp_xsk *x;

/* Put n 60-byte frames (to the peer's MAC: any will do) on the TX ring. */
static void queue_frames(uint32_t n)
{
	uint64_t base;
	uint32_t i;

	for (i = 0; i < n; i++) {
		assert_true(dp_xsk_alloc(x, &base));
		memset(x->area + base, 0, 60);
		memset(x->area + base, 0xff, 6);	/* broadcast */
		x->area[base + 6] = 0x02;
		x->area[base + 12] = 0x88;		/* local experimental */
		x->area[base + 13] = 0xb5;
		assert_true(dp_xsk_tx(x, base, 60));
	}
}

/* Flush until nothing is left (at most 100 times): how many flushes. */
static int flush_all(void)
{
	int n = 1;

	while (dp_xsk_flush(x)) {
		assert_true(++n <= 100);
		usleep(1000);
	}
	return n;
}

static void peer_up_sends_everything(void **state)
{
	uint64_t done0 = x->st.tx_done;

	assert_int_equal(system("ip link set xb up"), 0);
	queue_frames(FRAMES);
	assert_false(dp_xsk_flush(x));		/* 32 a sendto() */
	assert_int_equal(x->st.tx_done - done0, FRAMES);
	assert_int_equal(x->tx_queued, 0);
	assert_int_equal(x->st.kick_err, 0);
}

static void peer_down_drops_do_not_stop_the_flush(void **state)
{
	uint64_t done0 = x->st.tx_done;

	assert_int_equal(system("ip link set xb down"), 0);
	queue_frames(FRAMES);
	/* one frame a sendto(): the first flush must have gone past the
	 * first EBUSY, and say that frames are left */
	assert_true(dp_xsk_flush(x));
	assert_true(x->st.tx_done - done0 > 1);
	assert_true(x->st.tx_done - done0 < FRAMES);
	flush_all();
	assert_int_equal(x->st.tx_done - done0, FRAMES);
	assert_int_equal(x->tx_queued, 0);
	assert_int_equal(x->st.kick_err, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(peer_up_sends_everything),
		cmocka_unit_test(peer_down_drops_do_not_stop_the_flush),
	};
	int map, err, ret;

	if (unshare(CLONE_NEWNET) ||
	    system("ip link add xa type veth peer name xb 2>/dev/null") ||
	    system("ip link set xa up")) {
		fprintf(stderr, "test_xsk: no network namespace or veth: "
				"skipped\n");
		return 77;
	}
	map = bpf_map_create(BPF_MAP_TYPE_XSKMAP, "test_xsks", 4, 4, 1, NULL);
	err = map < 0 ? -errno :
			dp_xsk_open(&x, "xa", if_nametoindex("xa"), 0, map, true);
	if (err) {
		fprintf(stderr, "test_xsk: no AF_XDP socket (%s): skipped\n",
			strerror(-err));
		return 77;
	}
	ret = cmocka_run_group_tests_name("dp/xsk", tests, NULL, NULL);
	dp_xsk_close(x);
	close(map);
	return ret ? 1 : 0;
}
