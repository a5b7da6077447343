// SPDX-License-Identifier: GPL-2.0-only
/*
 * Taking in connections made elsewhere, as the backup side of the kernel's
 * ip_vs_sync.c does with what a master sends (ip_vs_proc_conn): xdpvsd
 * uses it to adopt the connections of the daemon it replaces (hitless
 * restart), and it is the apply step of connection synchronisation.
 *
 * A connection is bound to the real server of its service that has its
 * address and port (its service found by virtual address and port, or by
 * firewall mark), given its state (and with it its active/inactive count)
 * and the time it had left.  Templates come in the same way.  The links
 * between templates and the connections they made are not carried: each
 * expires on its own.
 */
#include <errno.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "conn.h"
#include "dest.h"
#include "engine_priv.h"
#include "flow.h"
#include "proto.h"
#include "svc.h"

/* The service ci belongs to. */
static struct xdpvs_svc *sync_svc(struct xdpvs_engine *e,
				  const struct xdpvs_conn_info *ci)
{
	/* A fwmark template carries its mark as its virtual address. */
	if (ci->protocol == IPPROTO_IP)
		return xdpvs_svc_find(e, ci->af, ntohl(ci->vaddr.ip),
				      IPPROTO_TCP, &ci->vaddr, 0);
	return xdpvs_svc_find(e, ci->af, ci->fwmark, ci->protocol, &ci->vaddr,
			      ci->vport);
}

/* Its real server: by address and port, or by address alone for what has
 * no port (templates of FTP, port-zero and fwmark services). */
static struct xdpvs_dest *sync_dest(struct xdpvs_svc *svc,
				    const struct xdpvs_conn_info *ci)
{
	struct xdpvs_dest *d = xdpvs_dest_lookup(svc, ci->daf, &ci->daddr,
						 ci->dport);

	if (d || ci->dport)
		return d;
	list_for_each_entry(d, &svc->destinations, n_list)
		if (d->af == ci->daf &&
		    xdpvs_addr_equal(d->af, &d->addr, &ci->daddr))
			return d;
	return NULL;
}

static bool sync_exists(struct xdpvs_engine *e,
			const struct xdpvs_conn_param *p, bool tmpl)
{
	return tmpl ? xdpvs_ct_in_get(e, p) != NULL :
		      xdpvs_conn_in_get(e, p) != NULL;
}

/* Give cp its state, counting it active if the state is. */
static int sync_state(struct xdpvs_engine *e, struct xdpvs_conn *cp,
		      const struct xdpvs_conn_info *ci)
{
	const struct xdpvs_proto *pp;

	if (ci->flags & XDPVS_CONN_F_TEMPLATE) {
		cp->state = ci->state & XDPVS_CTPL_S_ASSURED;
		return 0;
	}
	pp = xdpvs_proto_get((uint8_t)ci->protocol);
	if (!pp || ci->state >= pp->nr_states)
		return -EINVAL;
	cp->state = ci->state;
	cp->timeout = pp->state_timeout(e, ci->state);
	if (cp->dest && pp->state_active(ci->state) &&
	    (cp->flags & XDPVS_CONN_F_INACTIVE)) {
		cp->dest->activeconns++;
		cp->flags &= ~XDPVS_CONN_F_INACTIVE;
	}
	return 0;
}

int xdpvs_conn_import(struct xdpvs_engine *e,
		      const struct xdpvs_conn_info *ci)
{
	bool tmpl = ci->flags & XDPVS_CONN_F_TEMPLATE;
	struct xdpvs_conn_param p = {
		.af = ci->af, .protocol = ci->protocol,
		.caddr = &ci->caddr, .cport = ci->cport,
		.vaddr = &ci->vaddr, .vport = ci->vport,
	};
	struct xdpvs_svc *svc = sync_svc(e, ci);
	struct xdpvs_dest *dest = svc ? sync_dest(svc, ci) : NULL;
	struct xdpvs_conn *cp;
	uint32_t flags;

	if (!dest)
		return -ENOENT;
	if (sync_exists(e, &p, tmpl))
		return -EEXIST;
	/* What a connection may bring; the method is its server's. */
	flags = ci->flags & XDPVS_CONN_F_BACKUP_MASK &
		~(XDPVS_CONN_F_FWD_MASK | XDPVS_CONN_F_NOOUTPUT |
		  XDPVS_CONN_F_INACTIVE);
	cp = xdpvs_conn_new(e, &p, ci->daf, &ci->daddr, ci->dport, flags, dest,
			    ci->fwmark);
	if (!cp)
		return -ENOSPC;
	if (sync_state(e, cp, ci)) {
		xdpvs_conn_expire(e, cp);
		return -EINVAL;
	}
	if (tmpl)
		cp->timeout = svc->timeout;
	xdpvs_wheel_add(&e->wheel, &cp->timer,
			e->now + (uint64_t)ci->expires_ms * 1000000ULL);
	xdpvs_flow_sync(e, cp);
	return 0;
}
