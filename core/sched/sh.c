// SPDX-License-Identifier: GPL-2.0-only
/*
 * Source hashing scheduling, as the kernel's ip_vs_sh.c, with its flags
 * -b sh-fallback (XDPVS_SVC_F_SCHED1) and -b sh-port (XDPVS_SVC_F_SCHED2).
 *
 * Fill: 256 buckets (CONFIG_IP_VS_SH_TAB_BITS 8) taken in turn by the dests
 * in list order (newest first), round and round, each dest taking `weight`
 * consecutive buckets; a dest of weight 0 still takes one, since the kernel
 * moves on only once ++count >= weight.  Refilled whenever a dest is added,
 * removed or edited.
 *
 * Lookup: bucket (offset + hash_32(port + fold(saddr), 8)) & 255, with
 * offset 0, the client's address folded to 32 bits in host order and port
 * its source port in host order with sh-port (TCP, UDP, SCTP), else 0.  The
 * dest there is refused when its weight is <= 0 or it is overloaded.
 * Without sh-fallback that means no dest.  With it, offsets 0..255 are
 * tried in turn, each as roffset = (offset + first bucket) % 256 added
 * to the hash, stopping at an empty bucket; the first usable dest wins.
 */
#include <errno.h>
#include <stdlib.h>

#include "common.h"

#define SH_TAB_BITS 8
#define SH_TAB_SIZE (1 << SH_TAB_BITS)
#define SH_TAB_MASK (SH_TAB_SIZE - 1)

struct sh_state {
	struct xdpvs_dest *buckets[SH_TAB_SIZE];
};

static bool sh_is_unavailable(const struct xdpvs_dest *d)
{
	return d->weight <= 0 || sched_is_overloaded(d);
}

static uint32_t sh_hashkey(int af, const union xdpvs_addr *addr,
			   uint16_t port, uint32_t offset)
{
	uint32_t v = (uint32_t)ntohs(port) + sched_addr_fold(af, addr);

	return (offset + sched_hash_32(v, SH_TAB_BITS)) & SH_TAB_MASK;
}

static void sh_reassign(struct sh_state *s, struct xdpvs_svc *svc)
{
	struct list_head *head = &svc->destinations, *p = head;
	struct xdpvs_dest *d;
	int i, count = 0;

	for (i = 0; i < SH_TAB_SIZE; i++) {
		if (list_empty(head)) {
			s->buckets[i] = NULL;
			continue;
		}
		if (p == head)
			p = p->next;
		d = list_entry(p, struct xdpvs_dest, n_list);
		s->buckets[i] = d;
		if (++count >= d->weight) {
			p = p->next;
			count = 0;
		}
	}
}

static int sh_init(struct xdpvs_svc *svc)
{
	struct sh_state *s = calloc(1, sizeof(*s));

	if (!s)
		return -ENOMEM;
	sh_reassign(s, svc);
	svc->sched_data = s;
	return 0;
}

static void sh_done(struct xdpvs_svc *svc)
{
	free(svc->sched_data);
}

static int sh_update_service(struct xdpvs_svc *svc, struct xdpvs_dest *dest,
			     enum xdpvs_sched_event ev)
{
	sh_reassign(svc->sched_data, svc);
	return 0;
}

static struct xdpvs_dest *sh_get_fallback(struct xdpvs_svc *svc,
					  struct sh_state *s,
					  const union xdpvs_addr *addr,
					  uint16_t port)
{
	uint32_t offset, roffset, ihash = sh_hashkey(svc->af, addr, port, 0);
	struct xdpvs_dest *d = s->buckets[ihash];

	if (!d)
		return NULL;
	if (!sh_is_unavailable(d))
		return d;
	for (offset = 0; offset < SH_TAB_SIZE; offset++) {
		roffset = (offset + ihash) % SH_TAB_SIZE;
		d = s->buckets[sh_hashkey(svc->af, addr, port, roffset)];
		if (!d)
			break;
		if (!sh_is_unavailable(d))
			return d;
	}
	return NULL;
}

static struct xdpvs_dest *sh_schedule(struct xdpvs_svc *svc,
				      const struct xdpvs_sched_pkt *p)
{
	struct sh_state *s = svc->sched_data;
	uint16_t port = 0;
	struct xdpvs_dest *d;

	if (svc->flags & XDPVS_SVC_F_SCHED_SH_PORT)
		port = sched_hash_port(p);
	if (svc->flags & XDPVS_SVC_F_SCHED_SH_FALLBACK)
		return sh_get_fallback(svc, s, &p->saddr, port);
	d = s->buckets[sh_hashkey(svc->af, &p->saddr, port, 0)];
	return d && !sh_is_unavailable(d) ? d : NULL;
}

const struct xdpvs_sched_ops xdpvs_sched_sh = {
	.name = "sh",
	.init = sh_init,
	.done = sh_done,
	.update_service = sh_update_service,
	.schedule = sh_schedule,
};
