// SPDX-License-Identifier: GPL-2.0-only
/*
 * AF_XDP sockets of xsk.h: UMEM, the four rings, frame accounting and
 * wake-ups.
 *
 * Wake-ups (XDP_USE_NEED_WAKEUP): the kernel sends what is on the TX ring
 * only when asked with sendto(), and, in copy mode, at most a small batch
 * (32) per call, after which it says EAGAIN, as it does when the device's
 * queue is stopped; so dp_xsk_flush() asks again as long as the kernel
 * takes frames (bounded: a whole ring), and says what is left, for the
 * caller to ask again soon.  A
 * zero-copy driver that ran out of fill-ring frames sets the fill ring's
 * flag and is woken with recvfrom().
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <linux/if_xdp.h>

#include "xsk.h"

#define XSK_AREA_SIZE	((uint64_t)XSK_FRAMES * XSK_FRAME_SIZE)
#define XSK_FILL_FRAMES	(XSK_FRAMES / 2)	/* in the fill ring */
#define XSK_KICKS	64	/* sendto() calls per flush, at most */
#define XSK_BUSY_TRIES	40	/* a queue still busy: tries, ... */
#define XSK_BUSY_WAIT_MS 50	/* ... this long apart (2 s in all) */
#define XSK_CHUNK	(XSK_FRAME_SIZE - XSK_HEADROOM)	/* bytes per copy */
#define XSK_SPLIT_MAX	18	/* descriptors of a frame sent: the copy
				 * mode's skb takes 17 pages and its head */

int dp_xsk_fd(const struct dp_xsk *x)
{
	return xsk_socket__fd(x->xsk);
}

void dp_xsk_free(struct dp_xsk *x, uint64_t base)
{
	/* Cannot overflow: every frame is in one place only. */
	x->free[x->nfree++] = base;
}

/* Move completed TX frames to the free list. */
static void xsk_reap(struct dp_xsk *x)
{
	uint32_t idx, i, n = xsk_ring_cons__peek(&x->cq, XSK_RING_SIZE, &idx);

	for (i = 0; i < n; i++) {
		uint64_t addr = *xsk_ring_cons__comp_addr(&x->cq, idx + i);

		dp_xsk_free(x, dp_xsk_base(addr));
	}
	xsk_ring_cons__release(&x->cq, n);
	x->tx_queued -= n;
	x->st.tx_done += n;
}

bool dp_xsk_alloc(struct dp_xsk *x, uint64_t *base)
{
	if (!x->nfree)
		xsk_reap(x);
	if (!x->nfree) {
		x->st.no_frame++;
		return false;
	}
	*base = x->free[--x->nfree];
	return true;
}

bool dp_xsk_tx(struct dp_xsk *x, uint64_t addr, uint32_t len)
{
	struct xdp_desc *d;
	uint32_t idx;

	if (xsk_ring_prod__reserve(&x->tx, 1, &idx) != 1) {
		xsk_reap(x);
		if (xsk_ring_prod__reserve(&x->tx, 1, &idx) != 1) {
			x->st.tx_ring_full++;
			return false;
		}
	}
	d = xsk_ring_prod__tx_desc(&x->tx, idx);
	d->addr = addr;
	d->len = len;
	d->options = 0;
	xsk_ring_prod__submit(&x->tx, 1);
	x->tx_queued++;
	x->st.tx++;
	return true;
}

bool dp_xsk_tx_copy(struct dp_xsk *x, const uint8_t *data, uint32_t len)
{
	uint32_t n = len ? (len + XSK_CHUNK - 1) / XSK_CHUNK : 1, idx, i;
	uint64_t base[XSK_SPLIT_MAX];

	if (n > (x->sg ? XSK_SPLIT_MAX : 1))
		return false;
	for (i = 0; i < n; i++) {
		if (!dp_xsk_alloc(x, &base[i]))
			goto undo;
	}
	if (xsk_ring_prod__reserve(&x->tx, n, &idx) != n) {
		xsk_reap(x);
		if (xsk_ring_prod__reserve(&x->tx, n, &idx) != n) {
			x->st.tx_ring_full++;
			goto undo;
		}
	}
	for (i = 0; i < n; i++) {
		struct xdp_desc *d = xsk_ring_prod__tx_desc(&x->tx, idx + i);
		uint32_t part = i + 1 < n ? XSK_CHUNK : len - i * XSK_CHUNK;

		memcpy(x->area + base[i] + XSK_HEADROOM, data + i * XSK_CHUNK,
		       part);
		d->addr = base[i] + XSK_HEADROOM;
		d->len = part;
		d->options = i + 1 < n ? XDP_PKT_CONTD : 0;
	}
	xsk_ring_prod__submit(&x->tx, n);
	x->tx_queued += n;
	x->st.tx += n;
	x->st.tx_split += n > 1;
	return true;
undo:
	while (i--)
		dp_xsk_free(x, base[i]);
	return false;
}

bool dp_xsk_gather(struct dp_xsk *x, const struct xdp_desc *d)
{
	if (x->glen + d->len > XSK_GATHER_MAX)
		x->gbad = true;
	else
		memcpy(x->gather + XSK_HEADROOM + x->glen, x->area + d->addr,
		       d->len);
	x->glen += d->len;
	dp_xsk_free(x, dp_xsk_base(d->addr));
	if (d->options & XDP_PKT_CONTD)
		return false;
	x->st.rx_gathered++;
	x->st.rx_too_long += x->gbad;
	return true;
}

void dp_xsk_refill(struct dp_xsk *x)
{
	uint32_t in_fq, want, idx, i;

	in_fq = XSK_RING_SIZE - xsk_prod_nb_free(&x->fq, XSK_RING_SIZE);
	want = in_fq < XSK_FILL_FRAMES ? XSK_FILL_FRAMES - in_fq : 0;
	/* Keep a few free frames for copies from other sockets. */
	if (want > x->nfree)
		want = x->nfree > 64 ? x->nfree - 64 : 0;
	if (want && xsk_ring_prod__reserve(&x->fq, want, &idx) == want) {
		for (i = 0; i < want; i++)
			*xsk_ring_prod__fill_addr(&x->fq, idx + i) =
				x->free[--x->nfree];
		xsk_ring_prod__submit(&x->fq, want);
	}
	if (xsk_ring_prod__needs_wakeup(&x->fq))
		recvfrom(dp_xsk_fd(x), NULL, 0, MSG_DONTWAIT, NULL, NULL);
}

/* Descriptors on the TX ring the kernel has not taken yet. */
static uint32_t xsk_tx_unsent(const struct dp_xsk *x)
{
	return x->tx.cached_prod - __atomic_load_n(x->tx.consumer,
						   __ATOMIC_ACQUIRE);
}

bool dp_xsk_flush(struct dp_xsk *x)
{
	uint32_t left;
	int i;

	for (i = 0; i < XSK_KICKS && (left = xsk_tx_unsent(x)); i++) {
		/* EAGAIN: it sent its batch (or the device's queue is
		 * stopped); EBUSY: the device dropped a frame (a full peer),
		 * which left the ring all the same; ENOBUFS: no skb now.
		 * Ask again while the kernel takes frames. */
		if (sendto(dp_xsk_fd(x), NULL, 0, MSG_DONTWAIT, NULL, 0) < 0 &&
		    errno != EAGAIN && errno != EBUSY && errno != ENOBUFS &&
		    errno != EINTR) {
			x->st.kick_err++;
			break;
		}
		if (xsk_tx_unsent(x) == left)
			break;
	}
	xsk_reap(x);
	return xsk_tx_unsent(x) != 0;
}

/* UMEM, rings, and the free list holding every frame. */
static int xsk_umem_setup(struct dp_xsk *x)
{
	struct xsk_umem_config uc = {
		.fill_size = XSK_RING_SIZE,
		.comp_size = XSK_RING_SIZE,
		.frame_size = XSK_FRAME_SIZE,
		.frame_headroom = 0,	/* the kernel keeps 256 bytes */
	};
	uint32_t i;
	int err;

	x->area = mmap(NULL, XSK_AREA_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (x->area == MAP_FAILED) {
		x->area = NULL;
		return -errno;
	}
	x->free = calloc(XSK_FRAMES, sizeof(*x->free));
	if (!x->free)
		return -ENOMEM;
	err = xsk_umem__create(&x->umem, x->area, XSK_AREA_SIZE, &x->fq, &x->cq,
			       &uc);
	if (err)
		return err;
	for (i = 0; i < XSK_FRAMES; i++)
		dp_xsk_free(x, (uint64_t)i * XSK_FRAME_SIZE);
	return 0;
}

static int xsk_open_once(struct dp_xsk **out, const char *ifname,
			 uint32_t ifindex, uint32_t queue, int xskmap_fd,
			 bool copy, bool sg)
{
	struct xsk_socket_config sc = {
		.rx_size = XSK_RING_SIZE,
		.tx_size = XSK_RING_SIZE,
		.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD,
		.bind_flags = XDP_USE_NEED_WAKEUP | (copy ? XDP_COPY : 0) |
			      (sg ? XDP_USE_SG : 0),
	};
	struct dp_xsk *x = calloc(1, sizeof(*x));
	int err;

	if (!x)
		return -ENOMEM;
	x->ifindex = ifindex;
	x->queue = queue;
	x->sg = sg;
	if (sg && !(x->gather = malloc(XSK_GATHER_SIZE))) {
		err = -ENOMEM;
		goto fail;
	}
	err = xsk_umem_setup(x);
	if (err)
		goto fail;
	err = xsk_socket__create(&x->xsk, ifname, queue, x->umem, &x->rx,
				 &x->tx, &sc);
	if (err)
		goto fail;
	err = xsk_socket__update_xskmap(x->xsk, xskmap_fd);
	if (err)
		goto fail;
	dp_xsk_refill(x);
	*out = x;
	return 0;
fail:
	dp_xsk_close(x);
	return err < 0 ? err : -err;
}

int dp_xsk_open(struct dp_xsk **out, const char *ifname, uint32_t ifindex,
		uint32_t queue, int xskmap_fd, bool copy)
{
	const struct timespec pause = { 0, XSK_BUSY_WAIT_MS * 1000000L };
	int err, tries;

	bool sg = true;

	/* A queue is busy until the kernel has finished releasing the last
	 * socket bound to it, which it does after that socket's process has
	 * gone (the previous xdpvsd, on a restart): wait a little.  Jumbo
	 * frames where the kernel (6.6) and the driver can: else without. */
	for (tries = 0;; tries++) {
		err = xsk_open_once(out, ifname, ifindex, queue, xskmap_fd, copy,
				    sg);
		if (sg && (err == -EINVAL || err == -EOPNOTSUPP)) {
			sg = false;
			continue;
		}
		if (err != -EBUSY || tries == XSK_BUSY_TRIES)
			return err;
		nanosleep(&pause, NULL);
	}
}

void dp_xsk_close(struct dp_xsk *x)
{
	if (!x)
		return;
	if (x->xsk)
		xsk_socket__delete(x->xsk);
	if (x->umem)
		xsk_umem__delete(x->umem);
	if (x->area)
		munmap(x->area, XSK_AREA_SIZE);
	free(x->free);
	free(x->gather);
	free(x);
}
