/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Intrusive doubly linked lists, as the kernel's list_head: the schedulers
 * walk a service's destinations exactly as IPVS walks them (rr keeps a
 * pointer to a list node, the list head included), so the same shape is
 * used here.
 */
#ifndef XDPVS_CORE_LIST_H
#define XDPVS_CORE_LIST_H

#include <stddef.h>
#include <stdbool.h>

struct list_head {
	struct list_head *next, *prev;
};

#define LIST_HEAD_INIT(name) { &(name), &(name) }

#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))
#define list_entry(ptr, type, member) container_of(ptr, type, member)
#define list_first_entry(head, type, member) \
	list_entry((head)->next, type, member)

static inline void list_init(struct list_head *h)
{
	h->next = h;
	h->prev = h;
}

static inline bool list_empty(const struct list_head *h)
{
	return h->next == h;
}

static inline void list_insert(struct list_head *n, struct list_head *prev,
			       struct list_head *next)
{
	next->prev = n;
	n->next = next;
	n->prev = prev;
	prev->next = n;
}

/* Add n at the head of h (the kernel's list_add: newest first). */
static inline void list_add(struct list_head *n, struct list_head *h)
{
	list_insert(n, h, h->next);
}

/* Add n at the tail of h. */
static inline void list_add_tail(struct list_head *n, struct list_head *h)
{
	list_insert(n, h->prev, h);
}

/*
 * Unlink n.  Like list_del_rcu, n->next stays valid, so a scheduler that
 * remembered n can still step to the entry after it (rr relies on this).
 */
static inline void list_del(struct list_head *n)
{
	n->next->prev = n->prev;
	n->prev->next = n->next;
	n->prev = NULL;
}

#define list_for_each(pos, head) \
	for (pos = (head)->next; pos != (head); pos = pos->next)

#define list_for_each_entry(pos, head, member)                               \
	for (pos = list_entry((head)->next, __typeof__(*pos), member);       \
	     &pos->member != (head);                                         \
	     pos = list_entry(pos->member.next, __typeof__(*pos), member))

/* Safe against removal of pos. */
#define list_for_each_entry_safe(pos, n, head, member)                       \
	for (pos = list_entry((head)->next, __typeof__(*pos), member),       \
	    n = list_entry(pos->member.next, __typeof__(*pos), member);      \
	     &pos->member != (head);                                         \
	     pos = n, n = list_entry(n->member.next, __typeof__(*n), member))

/* Continue after pos (which may be the head itself). */
#define list_for_each_entry_continue(pos, head, member)                      \
	for (pos = list_entry(pos->member.next, __typeof__(*pos), member);   \
	     &pos->member != (head);                                         \
	     pos = list_entry(pos->member.next, __typeof__(*pos), member))

#endif
