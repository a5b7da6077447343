/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One AF_XDP socket (libxdp's xsk API) on one queue of one interface, with
 * its own UMEM: XSK_FRAMES frames of XSK_FRAME_SIZE bytes.  A frame is, at
 * any time, in exactly one place: the free list, the fill ring, the RX
 * ring (until we release the descriptor), the TX ring, or the completion
 * ring.  Half the frames start in the fill ring for the kernel to receive
 * into; the other half are for copies from other sockets (a frame
 * received on one interface and sent on another is copied into the
 * egress socket's UMEM: no shared UMEM yet).
 *
 * The XDP program is ours (dp/xdp.c), so libxdp is told not to load its
 * own (XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD) and the socket is put into
 * our XSKMAP at its queue index.
 */
#ifndef XDPVS_DP_XSK_H
#define XDPVS_DP_XSK_H

#include <stdbool.h>
#include <stdint.h>

#include <xdp/xsk.h>

#define XSK_FRAME_SIZE	4096	/* bytes; one page */
#define XSK_FRAMES	4096	/* per socket: 16 MiB of UMEM */
#define XSK_RING_SIZE	2048	/* descriptors in each ring */

struct dp_xsk_stats {
	uint64_t rx;		/* descriptors received */
	uint64_t tx;		/* descriptors put on the TX ring */
	uint64_t tx_done;	/* completed */
	uint64_t tx_ring_full;	/* not sent: TX ring full */
	uint64_t no_frame;	/* not copied: no free frame */
	uint64_t kick_err;	/* sendto() wake-ups that failed */
};

struct dp_xsk {
	struct xsk_socket *xsk;
	struct xsk_umem *umem;
	struct xsk_ring_prod fq, tx;
	struct xsk_ring_cons cq, rx;
	uint8_t *area;
	uint64_t *free;		/* frame addresses (starts) */
	uint32_t nfree;
	uint32_t ifindex;
	uint32_t queue;
	uint32_t tx_queued;	/* on the TX ring, not yet completed */
	struct dp_xsk_stats st;
};

/*
 * Create a socket on ifname's queue (copy mode when copy, else whatever
 * the driver offers) and add it to the XSKMAP xskmap_fd.  Returns 0 or
 * -errno.
 */
int dp_xsk_open(struct dp_xsk **out, const char *ifname, uint32_t ifindex,
		uint32_t queue, int xskmap_fd, bool copy);
void dp_xsk_close(struct dp_xsk *x);
int dp_xsk_fd(const struct dp_xsk *x);

/* The start of the frame holding UMEM address addr. */
static inline uint64_t dp_xsk_base(uint64_t addr)
{
	return addr & ~(uint64_t)(XSK_FRAME_SIZE - 1);
}

/* Give frame base back to the free list. */
void dp_xsk_free(struct dp_xsk *x, uint64_t base);
/* Take a free frame (reaping completions first if none); false if none. */
bool dp_xsk_alloc(struct dp_xsk *x, uint64_t *base);
/* Put len bytes at UMEM address addr on the TX ring; false if it is
 * full (the frame stays the caller's). */
bool dp_xsk_tx(struct dp_xsk *x, uint64_t addr, uint32_t len);
/* Hand free frames to the fill ring, waking the driver if it asks. */
void dp_xsk_refill(struct dp_xsk *x);
/* Make the kernel send what is on the TX ring, and take back completed
 * frames; true if it left some on the ring (its device's queue stopped:
 * ask again soon). */
bool dp_xsk_flush(struct dp_xsk *x);

#endif
