/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A hashed timing wheel for connection expiry, driven by the time the
 * caller passes.  An entry due at time t sits in the slot of the first tick
 * boundary at or after t and fires when the wheel is advanced to that
 * boundary, as a jiffies timer fires at the first tick after it is due.
 * Entries due more than one revolution ahead share the slot and are
 * skipped until their turn.  Adding, moving and removing are O(1).
 */
#ifndef XDPVS_CORE_TIMER_H
#define XDPVS_CORE_TIMER_H

#include <stdbool.h>
#include <stdint.h>

#include "list.h"

#define XDPVS_WHEEL_SHIFT 24	/* tick = 2^24 ns, about 16.8 ms */
#define XDPVS_WHEEL_SLOTS 4096	/* one revolution: about 68.7 s */

struct xdpvs_timer {
	struct list_head list;	/* in a slot; next == NULL when idle */
	uint64_t expires;	/* ns */
};

struct xdpvs_wheel {
	struct list_head slot[XDPVS_WHEEL_SLOTS];
	uint64_t tick;		/* last tick processed */
	uint32_t count;
};

void xdpvs_wheel_init(struct xdpvs_wheel *w, uint64_t now);
/* (Re)arm t to fire at expires. */
void xdpvs_wheel_add(struct xdpvs_wheel *w, struct xdpvs_timer *t,
		     uint64_t expires);
void xdpvs_wheel_del(struct xdpvs_wheel *w, struct xdpvs_timer *t);
static inline bool xdpvs_timer_pending(const struct xdpvs_timer *t)
{
	return t->list.next != NULL;
}
/*
 * Fire every entry due by now: fire(t, ctx) is called with t already
 * removed; it may re-arm t or any other timer.  Returns the number fired.
 */
unsigned int xdpvs_wheel_run(struct xdpvs_wheel *w, uint64_t now,
			     void (*fire)(struct xdpvs_timer *t, void *ctx),
			     void *ctx);

#endif
