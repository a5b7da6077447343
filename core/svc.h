/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Virtual services, as the kernel's struct ip_vs_service and the service
 * half of ip_vs_ctl.c: two hash tables (protocol/address/port and firewall
 * mark) and the kernel's lookup order.
 */
#ifndef XDPVS_CORE_SVC_H
#define XDPVS_CORE_SVC_H

#include <stdbool.h>
#include <stdint.h>
#include <xdpvs/engine.h>

#include "est.h"
#include "list.h"

struct xdpvs_engine;
struct xdpvs_sched_ops;
struct xdpvs_pe_ops;

struct xdpvs_svc {
	struct list_head s_list;	/* engine's list, creation order */
	struct xdpvs_svc *hnext;	/* hash chain */
	struct xdpvs_engine *engine;

	uint16_t af;
	uint16_t protocol;
	union xdpvs_addr addr;
	uint16_t port;			/* network order */
	uint32_t fwmark;
	uint32_t flags;			/* XDPVS_SVC_F_* */
	uint32_t timeout;		/* persistence, seconds */
	uint32_t netmask;		/* IPv4 mask (network order) / prefix */

	struct list_head destinations;	/* newest first */
	uint32_t num_dests;
	struct xdpvs_stats_est stats;

	const struct xdpvs_sched_ops *sched;
	void *sched_data;
	/* The engine's scheduler settings (mh table size, lblc/lblcr
	 * expiration), set before the scheduler is bound; NULL: defaults. */
	struct xdpvs_sched_env *sched_env;
	const struct xdpvs_pe_ops *pe;

	struct xdpvs_pick_ahead *pick;	/* choices made ahead (pick.c) */

	uint32_t refcnt;		/* dests bound to it, trash included */
	bool unlinked;			/* deleted; freed at refcnt 0 */
};

/*
 * The service a packet to vaddr:vport belongs to, in the kernel's order:
 * firewall mark, exact <protocol, address, port>, the FTP data catch
 * (TCP, port 20 or unprivileged, when a port-21 service exists), then a
 * port-zero service.  NULL if none.
 */
struct xdpvs_svc *xdpvs_svc_find(struct xdpvs_engine *e, int af,
				 uint32_t fwmark, uint16_t protocol,
				 const union xdpvs_addr *vaddr,
				 uint16_t vport);
/* The service named by a configuration (exact match only), or NULL. */
struct xdpvs_svc *xdpvs_svc_get(struct xdpvs_engine *e,
				const struct xdpvs_svc_conf *u);
/* Is there a service of family af for firewall mark fwmark? */
bool xdpvs_svc_fwmark_in_use(struct xdpvs_engine *e, int af, uint32_t fwmark);
/* Is addr the virtual address of some service of family af? */
bool xdpvs_svc_addr_in_use(struct xdpvs_engine *e, int af,
			   const union xdpvs_addr *addr);
/* A dest or the trash dropped its reference to svc. */
void xdpvs_svc_put(struct xdpvs_svc *svc);

#endif
