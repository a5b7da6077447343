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
 *
 * Jumbo frames: where the kernel can (6.6 and later, XDP_USE_SG), a
 * frame longer than a UMEM frame comes in several descriptors, all but
 * the last marked XDP_PKT_CONTD, and is gathered into one buffer for the
 * engine; one sent longer than a UMEM frame leaves the same way.  Without
 * it the kernel drops such a frame before it reaches us.
 */
#ifndef XDPVS_DP_XSK_H
#define XDPVS_DP_XSK_H

#include <stdbool.h>
#include <stdint.h>

#include <xdp/xsk.h>

#define XSK_FRAME_SIZE	4096	/* bytes; one page */
#define XSK_FRAMES	4096	/* per socket: 16 MiB of UMEM */
#define XSK_RING_SIZE	2048	/* descriptors in each ring */
#define XSK_HEADROOM	256	/* bytes before a frame we write (copies,
				 * gathered frames): room to grow at the front */
#define XSK_GATHER_MAX	65536	/* longest frame gathered, bytes */
/* the gather buffer: headroom, the frame, room for the engine to grow it */
#define XSK_GATHER_SIZE	(XSK_HEADROOM + XSK_GATHER_MAX + 1024)

/* linux/if_xdp.h of 6.6; older headers have neither */
#ifndef XDP_USE_SG
#define XDP_USE_SG	(1 << 4)
#endif
#ifndef XDP_PKT_CONTD
#define XDP_PKT_CONTD	(1 << 0)
#endif

struct dp_xsk_stats {
	uint64_t rx;		/* descriptors received */
	uint64_t tx;		/* descriptors put on the TX ring */
	uint64_t tx_done;	/* completed */
	uint64_t tx_ring_full;	/* not sent: TX ring full */
	uint64_t no_frame;	/* not copied: no free frame */
	uint64_t kick_err;	/* sendto() wake-ups that failed */
	uint64_t rx_gathered;	/* frames received in several descriptors */
	uint64_t rx_too_long;	/* ... longer than XSK_GATHER_MAX: dropped */
	uint64_t tx_split;	/* frames sent in several descriptors */
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
	bool sg;		/* bound with XDP_USE_SG (jumbo frames) */
	uint8_t *gather;	/* sg: XSK_HEADROOM, then the frame being
				 * received in pieces, then some tailroom */
	uint32_t glen;		/* its bytes so far */
	bool gbad;		/* it outgrew the buffer: dropped at its end */
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
/* Copy len bytes at data into free frames of x and put them on the TX
 * ring: several descriptors when longer than a frame and x->sg.  False
 * if there is no room, or the frame is too long for x (not counted). */
bool dp_xsk_tx_copy(struct dp_xsk *x, const uint8_t *data, uint32_t len);
/*
 * Take received descriptor d (of a socket with sg) into the frame being
 * gathered, its UMEM frame given back.  True when d ends the frame: it is
 * then at x->gather + XSK_HEADROOM, x->glen bytes (x->gbad: too long),
 * and the caller resets x->glen and x->gbad once done with it.
 */
bool dp_xsk_gather(struct dp_xsk *x, const struct xdp_desc *d);
/* Hand free frames to the fill ring, waking the driver if it asks. */
void dp_xsk_refill(struct dp_xsk *x);
/* Make the kernel send what is on the TX ring, and take back completed
 * frames; true if it left some on the ring (its device's queue stopped:
 * ask again soon). */
bool dp_xsk_flush(struct dp_xsk *x);

#endif
