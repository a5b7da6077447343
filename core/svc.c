// SPDX-License-Identifier: GPL-2.0-only
/*
 * Virtual services, as the service half of the kernel's ip_vs_ctl.c: two
 * hash tables of 256 buckets (by protocol, address and port, and by
 * firewall mark), the lookup order of ip_vs_service_find(), and add, edit,
 * delete and flush with the kernel's error codes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "dest.h"
#include "engine_priv.h"
#include "pe.h"
#include "pick.h"
#include "sched.h"
#include "svc.h"

#define FTPPORT htons(21)
#define FTPDATA htons(20)
#define PORT_UNPRIVILEGED 1024	/* ip_unprivileged_port_start */

static unsigned int svc_hashkey(int af, unsigned int proto,
				const union xdpvs_addr *addr, uint16_t port)
{
	uint32_t a = af == AF_INET6 ? addr->ip6[0] ^ addr->ip6[1] ^
					      addr->ip6[2] ^ addr->ip6[3] :
				      addr->ip;
	uint16_t p = ntohs(port);

	return (proto ^ ntohl(a) ^ (p >> 8) ^ p) & (XDPVS_SVC_TAB_SIZE - 1);
}

static unsigned int svc_fwm_hashkey(uint32_t fwmark)
{
	return fwmark & (XDPVS_SVC_TAB_SIZE - 1);
}

static void svc_hash(struct xdpvs_engine *e, struct xdpvs_svc *svc)
{
	struct xdpvs_svc **head;

	if (svc->fwmark)
		head = &e->svc_fwm_tab[svc_fwm_hashkey(svc->fwmark)];
	else
		head = &e->svc_tab[svc_hashkey(svc->af, svc->protocol,
					       &svc->addr, svc->port)];
	svc->hnext = *head;
	*head = svc;
	svc->flags |= XDPVS_SVC_F_HASHED;
}

static void svc_unhash(struct xdpvs_engine *e, struct xdpvs_svc *svc)
{
	struct xdpvs_svc **pp;

	if (svc->fwmark)
		pp = &e->svc_fwm_tab[svc_fwm_hashkey(svc->fwmark)];
	else
		pp = &e->svc_tab[svc_hashkey(svc->af, svc->protocol,
					     &svc->addr, svc->port)];
	for (; *pp; pp = &(*pp)->hnext) {
		if (*pp == svc) {
			*pp = svc->hnext;
			break;
		}
	}
	svc->flags &= ~XDPVS_SVC_F_HASHED;
}

static struct xdpvs_svc *svc_find_exact(struct xdpvs_engine *e, int af,
					uint16_t protocol,
					const union xdpvs_addr *vaddr,
					uint16_t vport)
{
	struct xdpvs_svc *svc;

	svc = e->svc_tab[svc_hashkey(af, protocol, vaddr, vport)];
	for (; svc; svc = svc->hnext)
		if (svc->af == af && svc->port == vport &&
		    svc->protocol == protocol &&
		    xdpvs_addr_equal(af, &svc->addr, vaddr))
			return svc;
	return NULL;
}

static struct xdpvs_svc *svc_find_fwm(struct xdpvs_engine *e, int af,
				      uint32_t fwmark)
{
	struct xdpvs_svc *svc = e->svc_fwm_tab[svc_fwm_hashkey(fwmark)];

	for (; svc; svc = svc->hnext)
		if (svc->fwmark == fwmark && svc->af == af)
			return svc;
	return NULL;
}

struct xdpvs_svc *xdpvs_svc_find(struct xdpvs_engine *e, int af,
				 uint32_t fwmark, uint16_t protocol,
				 const union xdpvs_addr *vaddr, uint16_t vport)
{
	struct xdpvs_svc *svc = NULL;

	if (fwmark && e->fwm_services) {
		svc = svc_find_fwm(e, af, fwmark);
		if (svc)
			return svc;
	}
	svc = svc_find_exact(e, af, protocol, vaddr, vport);
	/* FTP data connections: active (port 20) or passive (a high port)
	 * to a VIP that has an FTP service. */
	if (!svc && protocol == IPPROTO_TCP && e->ftpsvc_counter &&
	    (vport == FTPDATA || ntohs(vport) >= PORT_UNPRIVILEGED))
		svc = svc_find_exact(e, af, protocol, vaddr, FTPPORT);
	if (!svc && e->nullsvc_counter)
		svc = svc_find_exact(e, af, protocol, vaddr, 0);
	return svc;
}

bool xdpvs_svc_fwmark_in_use(struct xdpvs_engine *e, int af, uint32_t fwmark)
{
	return fwmark && svc_find_fwm(e, af, fwmark);
}

bool xdpvs_svc_addr_in_use(struct xdpvs_engine *e, int af,
			   const union xdpvs_addr *addr)
{
	struct xdpvs_svc *svc;

	list_for_each_entry(svc, &e->svc_list, s_list)
		if (svc->af == af && !svc->fwmark &&
		    xdpvs_addr_equal(af, &svc->addr, addr))
			return true;
	return false;
}

struct xdpvs_svc *xdpvs_svc_get(struct xdpvs_engine *e,
				const struct xdpvs_svc_conf *u)
{
	if (u->fwmark)
		return svc_find_fwm(e, u->af, u->fwmark);
	return svc_find_exact(e, u->af, u->protocol, &u->addr, u->port);
}

static void svc_free(struct xdpvs_svc *svc)
{
	list_del(&svc->s_list);
	free(svc);
}

void xdpvs_svc_put(struct xdpvs_svc *svc)
{
	if (--svc->refcnt == 0 && svc->unlinked)
		svc_free(svc);
}

/* Scheduler and persistence engine named by u: 0, or -ENOENT. */
static int svc_lookup_ops(const struct xdpvs_svc_conf *u,
			  const struct xdpvs_sched_ops **sched,
			  const struct xdpvs_pe_ops **pe)
{
	*sched = NULL;
	*pe = NULL;
	if (u->sched_name[0] && strcmp(u->sched_name, "none")) {
		*sched = xdpvs_sched_find(u->sched_name);
		if (!*sched)
			return -ENOENT;
	}
	if (u->pe_name[0]) {
		*pe = xdpvs_pe_find(u->pe_name);
		if (!*pe)
			return -ENOENT;
	}
	return 0;
}

static int svc_check_conf(const struct xdpvs_svc_conf *u)
{
	if (u->af != AF_INET && u->af != AF_INET6)
		return -EAFNOSUPPORT;
	if (!u->fwmark && u->protocol != IPPROTO_TCP &&
	    u->protocol != IPPROTO_UDP && u->protocol != IPPROTO_SCTP)
		return -EINVAL;
	if (u->af == AF_INET6 && (u->netmask < 1 || u->netmask > 128))
		return -EINVAL;
	return 0;
}

int xdpvs_svc_add(struct xdpvs_engine *e, const struct xdpvs_svc_conf *u)
{
	const struct xdpvs_sched_ops *sched;
	const struct xdpvs_pe_ops *pe;
	struct xdpvs_svc *svc;
	int err = svc_check_conf(u);

	if (err)
		return err;
	if (xdpvs_svc_get(e, u))
		return -EEXIST;
	err = svc_lookup_ops(u, &sched, &pe);
	if (err)
		return err;
	svc = calloc(1, sizeof(*svc));
	if (!svc)
		return -ENOMEM;
	svc->engine = e;
	svc->af = u->af;
	svc->protocol = u->fwmark ? IPPROTO_TCP : u->protocol;
	svc->addr = u->addr;
	svc->port = u->fwmark ? 0 : u->port;
	svc->fwmark = u->fwmark;
	svc->flags = u->flags & ~XDPVS_SVC_F_HASHED;
	svc->timeout = u->timeout;
	svc->netmask = u->netmask;
	list_init(&svc->destinations);
	svc->sched_env = &e->sched_env;
	err = xdpvs_sched_bind(svc, sched);
	if (err) {
		free(svc);
		return err;
	}
	svc->pe = pe;
	if (svc->port == FTPPORT)
		e->ftpsvc_counter++;
	else if (svc->port == 0 && !svc->fwmark)
		e->nullsvc_counter++;
	if (svc->fwmark)
		e->fwm_services++;
	e->num_services[svc->af == AF_INET6]++;
	list_add_tail(&svc->s_list, &e->svc_list);
	svc_hash(e, svc);
	return 0;
}

int xdpvs_svc_edit(struct xdpvs_engine *e, const struct xdpvs_svc_conf *u)
{
	const struct xdpvs_sched_ops *sched, *old;
	const struct xdpvs_pe_ops *pe;
	struct xdpvs_svc *svc = xdpvs_svc_get(e, u);
	int err;

	if (!svc)
		return -ESRCH;
	err = svc_lookup_ops(u, &sched, &pe);
	if (err)
		return err;
	if (u->af == AF_INET6 && (u->netmask < 1 || u->netmask > 128))
		return -EINVAL;
	xdpvs_pick_take(e, svc);	/* what it would choose may change */
	old = svc->sched;
	if (sched != old) {
		/* its saved states are the old scheduler's */
		xdpvs_pick_release(e, svc);
		xdpvs_sched_unbind(svc);
		err = xdpvs_sched_bind(svc, sched);
		if (err) {
			/* Try to restore the old one, as the kernel does. */
			xdpvs_sched_bind(svc, old);
			return err;
		}
	}
	svc->flags = u->flags | XDPVS_SVC_F_HASHED;
	svc->timeout = u->timeout;
	svc->netmask = u->netmask;
	svc->pe = pe;
	return 0;
}

/* Unhash svc, unbind its scheduler, send its dests to the trash. */
static void svc_unlink(struct xdpvs_engine *e, struct xdpvs_svc *svc)
{
	xdpvs_pick_release(e, svc);
	svc_unhash(e, svc);
	e->num_services[svc->af == AF_INET6]--;
	xdpvs_sched_unbind(svc);
	xdpvs_dest_unlink_all(svc);
	if (svc->port == FTPPORT)
		e->ftpsvc_counter--;
	else if (svc->port == 0 && !svc->fwmark)
		e->nullsvc_counter--;
	if (svc->fwmark)
		e->fwm_services--;
	svc->unlinked = true;
	if (svc->refcnt == 0) {
		svc_free(svc);
	} else {
		/* Out of the listing; freed with its last trashed dest. */
		list_del(&svc->s_list);
		list_init(&svc->s_list);
	}
	if (e->sysctl.expire_nodest_conn)
		xdpvs_conn_expire_nodest(e);
}

int xdpvs_svc_del(struct xdpvs_engine *e, const struct xdpvs_svc_conf *u)
{
	struct xdpvs_svc *svc = xdpvs_svc_get(e, u);

	if (!svc)
		return -ESRCH;
	svc_unlink(e, svc);
	return 0;
}

void xdpvs_svc_flush(struct xdpvs_engine *e)
{
	struct xdpvs_svc *svc, *next;

	list_for_each_entry_safe(svc, next, &e->svc_list, s_list)
		svc_unlink(e, svc);
}
