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
 * Jumbo frames (links of MTU 9000, XDP_USE_SG): one longer than a UMEM
 * frame leaves in several descriptors and reaches the peer whole; the
 * descriptors of one received so are gathered into one buffer, their
 * frames given back, one too long dropped at its end.
 *
 * Needs root (a network namespace, AF_XDP); exits 77 ("skipped") without.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
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

/* A frame of len bytes, broadcast, its payload numbered from seed. */
static void jumbo(uint8_t *f, size_t len, uint8_t seed)
{
	size_t i;

	memset(f, 0xff, 6);
	memset(f + 6, 0, 6);
	f[6] = 0x02;
	f[12] = 0x88;
	f[13] = 0xb5;
	for (i = 14; i < len; i++)
		f[i] = (uint8_t)(i * 7 + seed);
}

static void jumbo_frame_leaves_in_pieces(void **state)
{
	static uint8_t f[9014], got[16384];
	uint64_t done0 = x->st.tx_done, split0 = x->st.tx_split;
	uint32_t free0;
	int ps;
	ssize_t n;

	if (!x->sg) {
		skip();	/* a kernel before 6.6 */
		return;
	}
	assert_int_equal(system("ip link set xb up"), 0);
	ps = socket(AF_PACKET, SOCK_RAW, htons(0x88b5));
	assert_true(ps >= 0);
	assert_int_equal(setsockopt(ps, SOL_SOCKET, SO_BINDTODEVICE, "xb", 3), 0);
	flush_all();
	free0 = x->nfree;
	jumbo(f, sizeof(f), 1);
	assert_true(dp_xsk_tx_copy(x, f, sizeof(f)));
	assert_int_equal(x->tx_queued, 3);	/* 3840 bytes a frame */
	flush_all();
	assert_int_equal(x->st.tx_done - done0, 3);
	assert_int_equal(x->st.tx_split - split0, 1);
	assert_int_equal(x->nfree, free0);
	n = recv(ps, got, sizeof(got), 0);
	close(ps);
	assert_int_equal(n, sizeof(f));
	assert_memory_equal(got, f, sizeof(f));
}

/* Put len bytes of f in a free UMEM frame as a received descriptor. */
static struct xdp_desc rx_desc(const uint8_t *f, uint32_t len, bool more)
{
	uint64_t base;

	assert_true(dp_xsk_alloc(x, &base));
	memcpy(x->area + base + 256, f, len);
	return (struct xdp_desc){ .addr = base + 256, .len = len,
				  .options = more ? XDP_PKT_CONTD : 0 };
}

static void received_pieces_gathered(void **state)
{
	static uint8_t f[9014];
	uint32_t free0 = x->nfree, i;
	struct xdp_desc d;

	if (!x->sg) {
		skip();
		return;
	}
	jumbo(f, sizeof(f), 2);
	for (i = 0; i < 3; i++) {
		uint32_t part = i < 2 ? 3584 : sizeof(f) - 2 * 3584;

		d = rx_desc(f + i * 3584, part, i < 2);
		assert_int_equal(dp_xsk_gather(x, &d), i == 2);
	}
	assert_false(x->gbad);
	assert_int_equal(x->glen, sizeof(f));
	assert_memory_equal(x->gather + XSK_HEADROOM, f, sizeof(f));
	assert_int_equal(x->nfree, free0);	/* every piece's frame back */
	x->glen = 0;
	/* longer than XSK_GATHER_MAX: dropped once its last piece came */
	for (i = 0; i <= XSK_GATHER_MAX / 3584; i++) {
		d = rx_desc(f, 3584, i < XSK_GATHER_MAX / 3584);
		assert_int_equal(dp_xsk_gather(x, &d),
				 i == XSK_GATHER_MAX / 3584);
	}
	assert_true(x->gbad);
	assert_int_equal(x->st.rx_too_long, 1);
	assert_int_equal(x->st.rx_gathered, 2);
	assert_int_equal(x->nfree, free0);
	x->glen = 0;
	x->gbad = false;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(peer_up_sends_everything),
		cmocka_unit_test(peer_down_drops_do_not_stop_the_flush),
		cmocka_unit_test(jumbo_frame_leaves_in_pieces),
		cmocka_unit_test(received_pieces_gathered),
	};
	int map, err, ret;

	if (unshare(CLONE_NEWNET) ||
	    system("ip link add xa type veth peer name xb 2>/dev/null") ||
	    system("ip link set xa mtu 9000 && ip link set xb mtu 9000") ||
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
