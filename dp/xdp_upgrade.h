/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * An upgrade's XDP program, loaded in the background.  An xdpvsd started
 * on a data path kept by another build (stop, then start the new binary)
 * adopts the kept program as it is, serves through it (same pin
 * directory, same map layout: it runs correctly on the maps the new
 * engine writes), and meanwhile has its own program loaded on those maps
 * by a thread: the verifier takes a second or more, which would
 * otherwise be that long with nothing served that must go up (new
 * connections without picks, FINs of a full ring...).  Once loaded, the
 * event loop swaps it in (dp_xdp_replace()).
 *
 * The thread touches only its own libbpf objects and duplicates of the
 * map fds it was given, and logs only through log.h (libbpf's messages):
 * one message a call, which stderr's lock and syslog keep whole.
 */
#ifndef XDPVS_DP_XDP_UPGRADE_H
#define XDPVS_DP_XDP_UPGRADE_H

#include <stdint.h>

#include "xdp.h"

struct dp_xdp_bg;

/*
 * Start loading this build's program n times on maps (duplicated here:
 * the caller's stay its own), in a thread.  0 with *out, or -errno
 * (nothing started).
 */
int dp_xdp_bg_start(const struct dp_xdp_maps *maps, uint32_t conn_max,
		    int n, struct dp_xdp_bg **out);
/* An eventfd, readable once the load ended (dp_xdp_bg_end()). */
int dp_xdp_bg_fd(const struct dp_xdp_bg *bg);
/*
 * After its fd was readable: the programs loaded (for dp_xdp_replace(),
 * dp_xdp_spare_free() them), or NULL with *err = -errno; *ms, how long
 * it took.  bg is freed.
 */
struct dp_xdp_spare *dp_xdp_bg_end(struct dp_xdp_bg *bg, int *err,
				   long *ms);
/* Stop a load wherever it is (xdpvsd exits), wait for the thread, free
 * everything.  NULL: nothing. */
void dp_xdp_bg_cancel(struct dp_xdp_bg *bg);

#endif
