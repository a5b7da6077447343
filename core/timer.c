// SPDX-License-Identifier: GPL-2.0-only
/*
 * The timing wheel of timer.h.
 */
#include "timer.h"

#define WHEEL_MASK (XDPVS_WHEEL_SLOTS - 1)

/* The tick whose boundary is the first at or after t. */
static uint64_t wheel_tick_ceil(uint64_t t)
{
	return (t + (1ULL << XDPVS_WHEEL_SHIFT) - 1) >> XDPVS_WHEEL_SHIFT;
}

void xdpvs_wheel_init(struct xdpvs_wheel *w, uint64_t now)
{
	unsigned int i;

	for (i = 0; i < XDPVS_WHEEL_SLOTS; i++)
		list_init(&w->slot[i]);
	w->tick = now >> XDPVS_WHEEL_SHIFT;
	w->count = 0;
}

void xdpvs_wheel_add(struct xdpvs_wheel *w, struct xdpvs_timer *t,
		     uint64_t expires)
{
	uint64_t tick = wheel_tick_ceil(expires);

	if (xdpvs_timer_pending(t))
		xdpvs_wheel_del(w, t);
	/* Never behind the wheel: a past expiry fires on the next advance. */
	if (tick <= w->tick)
		tick = w->tick + 1;
	t->expires = expires;
	list_add_tail(&t->list, &w->slot[tick & WHEEL_MASK]);
	w->count++;
}

void xdpvs_wheel_del(struct xdpvs_wheel *w, struct xdpvs_timer *t)
{
	if (!xdpvs_timer_pending(t))
		return;
	list_del(&t->list);
	t->list.next = NULL;
	w->count--;
}

/*
 * Fire the due entries of one slot.  They are first moved to a private
 * list, still counted as pending, so that fire() may delete or re-arm any
 * timer, one of those included, without upsetting the walk.
 */
static unsigned int wheel_run_slot(struct xdpvs_wheel *w, struct list_head *s,
				   uint64_t now,
				   void (*fire)(struct xdpvs_timer *, void *),
				   void *ctx)
{
	struct list_head due, *p, *next;
	unsigned int n = 0;

	list_init(&due);
	for (p = s->next; p != s; p = next) {
		next = p->next;
		if (container_of(p, struct xdpvs_timer, list)->expires > now)
			continue;
		list_del(p);
		list_add_tail(p, &due);
	}
	while (!list_empty(&due)) {
		struct xdpvs_timer *t =
			container_of(due.next, struct xdpvs_timer, list);

		xdpvs_wheel_del(w, t);
		fire(t, ctx);
		n++;
	}
	return n;
}

unsigned int xdpvs_wheel_run(struct xdpvs_wheel *w, uint64_t now,
			     void (*fire)(struct xdpvs_timer *t, void *ctx),
			     void *ctx)
{
	uint64_t target = now >> XDPVS_WHEEL_SHIFT;
	uint64_t tick;
	unsigned int n = 0;

	/*
	 * Tick by tick, each slot firing only what was due by its boundary,
	 * so that after an idle gap longer than a revolution the timers
	 * still fire in the order they were due (a template must see its
	 * connections expire first).  w->tick follows, so a timer re-armed
	 * into the past lands in the next slot visited.
	 */
	for (tick = w->tick + 1; tick <= target && w->count; tick++) {
		w->tick = tick;
		n += wheel_run_slot(w, &w->slot[tick & WHEEL_MASK],
				    tick << XDPVS_WHEEL_SHIFT, fire, ctx);
	}
	if (target > w->tick)
		w->tick = target;
	return n;
}
