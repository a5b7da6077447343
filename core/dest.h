/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Real servers ("destinations"), as the kernel's struct ip_vs_dest and the
 * dest half of ip_vs_ctl.c: add, edit, delete, the trash that keeps deleted
 * servers while connections still use them, thresholds and the overload
 * flag.
 */
#ifndef XDPVS_CORE_DEST_H
#define XDPVS_CORE_DEST_H

#include <stdbool.h>
#include <stdint.h>
#include <xdpvs/engine.h>

#include "est.h"
#include "list.h"

#define XDPVS_DEST_CF_AVAILABLE 0x0001	/* linked in its service */

struct xdpvs_svc;

struct xdpvs_dest {
	struct list_head n_list;	/* in svc->destinations, newest first */
	struct list_head t_list;	/* in the engine's trash when deleted */
	struct xdpvs_dest *rs_next;	/* real-service table chain */
	struct xdpvs_dest **rs_pprev;	/* NULL: not in the table */
	struct xdpvs_svc *svc;

	uint16_t af;
	uint16_t port;			/* network order */
	union xdpvs_addr addr;
	uint32_t flags;			/* XDPVS_DEST_F_OVERLOAD */
	uint32_t cflags;		/* XDPVS_DEST_CF_AVAILABLE */
	uint32_t conn_flags;		/* copied to each new connection */
	int32_t weight;
	int32_t last_weight;		/* latest non-zero weight (mh) */
	uint8_t tun_type;
	uint16_t tun_port;		/* network order */
	uint16_t tun_flags;

	uint32_t refcnt;		/* connections bound to it, and lblc/
					 * lblcr cache entries naming it */
	int32_t activeconns;
	int32_t totalconns;		/* active + inactive, no templates */
	int32_t persistconns;		/* templates */
	uint32_t u_threshold;
	uint32_t l_threshold;
	uint32_t l_threshold_val;	/* l_threshold, or u - u/4 */
	uint64_t idle_start;		/* ns; in trash with no connections */

	/* The service it was created in: a trashed dest is revived only by
	 * the same service. */
	uint16_t protocol;
	uint16_t vport;
	union xdpvs_addr vaddr;
	uint32_t vfwmark;

	struct xdpvs_stats_est stats;
	uint32_t slot;			/* fast-path stats slot */
	/* The fast path's template for new connections to it (pick.c):
	 * what was last written, and the fill that last checked it. */
	struct xdpvs_flow_value *pick_tmpl;
	uint32_t pick_mark;

	/* Cached way to the server (xmit), valid while rt_gen matches. */
	struct xdpvs_route rt;
	uint64_t rt_gen;
	int rt_err;
};

/*
 * The kernel's estimate of a server's load: an active connection costs 256
 * times an inactive one.  With the totalconns counter of current kernels
 * (6.1.187+, what refvm runs) this is 256*active + total.
 */
static inline int64_t xdpvs_dest_conn_overhead(const struct xdpvs_dest *d)
{
	return ((int64_t)d->activeconns << 8) + d->totalconns;
}

static inline int32_t xdpvs_dest_inactconns(const struct xdpvs_dest *d)
{
	int32_t n = d->totalconns - d->activeconns;
	return n > 0 ? n : 0;
}

static inline bool xdpvs_dest_is_available(const struct xdpvs_dest *d)
{
	return d->cflags & XDPVS_DEST_CF_AVAILABLE;
}

/* Take a reference, as the kernel's ip_vs_dest_hold: lblc and lblcr keep a
 * dest they cache alive (in the trash) until their entry goes; they drop it
 * with xdpvs_dest_put(). */
static inline void xdpvs_dest_hold(struct xdpvs_dest *d)
{
	d->refcnt++;
}

/* The dest of svc with that address and port, or NULL. */
struct xdpvs_dest *xdpvs_dest_lookup(struct xdpvs_svc *svc, int af,
				     const union xdpvs_addr *addr,
				     uint16_t port);
/* Recompute the overload flag; mode +1 after a connection was bound,
 * -1 after one was unbound, 0 after a configuration change. */
void xdpvs_dest_update_overload(struct xdpvs_dest *d, int mode);
/* A connection dropped its reference: free a trashed dest eventually. */
void xdpvs_dest_put(struct xdpvs_dest *d);
/* Unlink every dest of svc into the trash (service deletion). */
void xdpvs_dest_unlink_all(struct xdpvs_svc *svc);

/* ipvsadm -a/-e/-d on a service: 0 or -EEXIST, -ENOENT, -ERANGE, -EINVAL,
 * -ENOMEM with the kernel's meaning. */
int xdpvs_dest_add_to(struct xdpvs_svc *svc, const struct xdpvs_dest_conf *u);
int xdpvs_dest_edit_in(struct xdpvs_svc *svc, const struct xdpvs_dest_conf *u);
int xdpvs_dest_del_from(struct xdpvs_svc *svc,
			const struct xdpvs_dest_conf *u);

struct xdpvs_engine;

/*
 * The real-service table (the kernel's rs_table): NAT dests by address and
 * port, tunnel dests by address and tunnel port (GUE) or 0 (IPIP, GRE).
 * The first match, in the order the kernel's chains give (newest hashed
 * first), or NULL.
 */
struct xdpvs_dest *xdpvs_dest_find_real_service(struct xdpvs_engine *e,
						int af, uint16_t protocol,
						const union xdpvs_addr *addr,
						uint16_t port);
struct xdpvs_dest *xdpvs_dest_find_tunnel(struct xdpvs_engine *e, int af,
					  const union xdpvs_addr *addr,
					  uint16_t tun_port);

/* Is addr a NAT real server's (any port)?  For fragments of replies. */
bool xdpvs_dest_addr_is_nat(struct xdpvs_engine *e, int af,
			    const union xdpvs_addr *addr);

/* Free trashed dests idle for 120 s (run every 60 s). */
void xdpvs_dest_trash_expire(struct xdpvs_engine *e, uint64_t now);
/* Free the whole trash (engine teardown). */
void xdpvs_dest_trash_cleanup(struct xdpvs_engine *e);

#endif
