// SPDX-License-Identifier: GPL-2.0-only
/*
 * The packet path, following the kernel's ip_vs_core.c.
 *
 * A frame is first tried as a reply from a real server to a client (NAT),
 * as the kernel's out hook runs before its in hook; then as a packet for a
 * connection or a virtual service.  A packet that opens a connection (a
 * TCP SYN, an SCTP INIT, any UDP datagram) to a service is scheduled; one
 * that matches nothing is not ours and goes to the kernel.  No real server
 * available: ICMP port unreachable, as IPVS answers.
 */
#include <errno.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <xdpvs/hdr.h>

#include "conn.h"
#include "core.h"
#include "dest.h"
#include "engine_priv.h"
#include "flow.h"
#include "frag.h"
#include "icmp.h"
#include "pe.h"
#include "pick.h"
#include "pkt.h"
#include "proto.h"
#include "sched.h"
#include "sync.h"
#include "svc.h"
#include "xmit.h"

#define FTPPORT htons(21)
#define FTPDATA htons(20)

/* A packet to schedule, seen from the service: the client side and the
 * virtual side (reversed for the quote of an ICMP error). */
struct core_tuple {
	uint16_t af;
	uint8_t protocol;
	bool icmp;			/* from an ICMP error's quote */
	const union xdpvs_addr *caddr;
	const union xdpvs_addr *vaddr;
	uint16_t cport, vport;
	uint32_t mark;
	const struct xdpvs_pkt *pkt;	/* what the persistence engine reads */
};

static void core_stats_add(struct xdpvs_stats_est *s, bool in, uint32_t len)
{
	if (in) {
		s->kstats.inpkts++;
		s->kstats.inbytes += len;
	} else {
		s->kstats.outpkts++;
		s->kstats.outbytes += len;
	}
}

static void core_stats(struct xdpvs_engine *e, struct xdpvs_conn *cp,
		       const struct xdpvs_pkt *p, bool in)
{
	struct xdpvs_dest *dest = cp->dest;
	uint32_t len = xdpvs_pkt_l3_len(p);

	/* A deleted server's connections no longer count anywhere. */
	if (!dest || !xdpvs_dest_is_available(dest))
		return;
	core_stats_add(&dest->stats, in, len);
	core_stats_add(&dest->svc->stats, in, len);
	core_stats_add(&e->tot_stats, in, len);
}

void xdpvs_core_in_stats(struct xdpvs_engine *e, struct xdpvs_conn *cp,
			 const struct xdpvs_pkt *p)
{
	core_stats(e, cp, p, true);
}

void xdpvs_core_out_stats(struct xdpvs_engine *e, struct xdpvs_conn *cp,
			  const struct xdpvs_pkt *p)
{
	core_stats(e, cp, p, false);
}

static void core_conn_stats(struct xdpvs_engine *e, struct xdpvs_conn *cp,
			    struct xdpvs_svc *svc)
{
	cp->dest->stats.kstats.conns++;
	svc->stats.kstats.conns++;
	e->tot_stats.kstats.conns++;
}

static struct xdpvs_dest *core_sched_pick(struct xdpvs_engine *e,
					  struct xdpvs_svc *svc,
					  const struct core_tuple *t)
{
	struct xdpvs_sched_pkt sp = {
		.af = t->af, .protocol = t->protocol,
		.saddr = *t->caddr, .daddr = *t->vaddr,
		.sport = t->cport, .dport = t->vport,
		.now = e->now, .env = &e->sched_env,
	};

	struct xdpvs_dest *d;

	if (!svc->sched)
		return NULL;
	/* The next of the fast path's choices ahead is this one's; with none
	 * left, they are taken back first, so this one follows those it
	 * used; then the next ones are made. */
	if (svc->pick) {
		d = xdpvs_pick_use(e, svc);
		if (d)
			return d;
		xdpvs_pick_take(e, svc);
	}
	d = svc->sched->schedule(svc, &sp);
	if (svc->pick)
		xdpvs_pick_fill(e, svc);
	return d;
}

/* One-packet scheduling: UDP only, also on a fwmark service. */
static uint32_t core_one_packet(const struct xdpvs_svc *svc, uint8_t protocol)
{
	return (svc->flags & XDPVS_SVC_F_ONEPACKET) &&
			       protocol == IPPROTO_UDP ?
		       XDPVS_CONN_F_ONE_PACKET :
		       0;
}

/* Why core_schedule made no connection (its *ignored). */
enum {
	CORE_SCHED_PE = -2,	/* the persistence engine found no key */
	CORE_SCHED_FULL = -1,	/* the connection table is full */
	CORE_SCHED_NO_DEST = 0,	/* no real server: ip_vs_leave */
	CORE_SCHED_IGNORE = 1,	/* not to be scheduled: pass it on */
};

/* The client's network: its address under the service's netmask. */
static void core_client_net(const struct xdpvs_svc *svc,
			    const union xdpvs_addr *caddr,
			    union xdpvs_addr *snet)
{
	memset(snet, 0, sizeof(*snet));
	if (svc->af == AF_INET6) {
		uint32_t plen = svc->netmask, i;

		for (i = 0; i < 16; i++) {
			uint32_t bits = plen >= 8 ? 8 : plen;

			snet->b[i] = (uint8_t)(caddr->b[i] &
					       (0xff00 >> bits));
			plen -= bits;
		}
	} else {
		snet->ip = caddr->ip & svc->netmask;
	}
}

/*
 * The template for a persistent service (ip_vs_sched_persist): keyed by
 * the client network and the virtual address and port, with port 0 for FTP
 * (port 21: its data connections share it), and for port-zero and fwmark
 * services (fwmark: protocol IPPROTO_IP, the mark as the address).
 * With a persistence engine the key is the engine's (the SIP Call-ID) and
 * a packet without one is dropped, as the kernel's fill_param failure is.
 * Returns the template, creating it (and choosing its dest) if needed;
 * NULL with *ignored CORE_SCHED_NO_DEST, _FULL or _PE.
 */
static struct xdpvs_conn *core_template(struct xdpvs_engine *e,
					struct xdpvs_svc *svc,
					const struct core_tuple *t,
					int *ignored)
{
	union xdpvs_addr snet, fwm = { .ip = htonl(svc->fwmark) };
	struct xdpvs_conn_param param = { .af = svc->af };
	const union xdpvs_addr *vaddr = t->vaddr;
	struct xdpvs_conn *ct;
	struct xdpvs_dest *dest;
	uint16_t dport = 0;

	core_client_net(svc, t->caddr, &snet);
	param.protocol = t->protocol;
	if (t->vport == svc->port) {
		if (svc->port != FTPPORT)
			param.vport = t->vport;
	} else if (svc->fwmark) {
		param.protocol = IPPROTO_IP;
		vaddr = &fwm;
	}
	param.caddr = &snet;
	param.vaddr = vaddr;
	param.pe = svc->pe;
	if (svc->pe && svc->pe->fill_param &&
	    svc->pe->fill_param(&param, t->pkt) < 0) {
		*ignored = CORE_SCHED_PE;
		return NULL;
	}
	ct = xdpvs_ct_in_get(e, &param);
	if (ct && xdpvs_conn_check_template(e, ct, NULL))
		return ct;
	dest = core_sched_pick(e, svc, t);
	if (!dest) {
		*ignored = CORE_SCHED_NO_DEST;
		return NULL;
	}
	if (t->vport == svc->port && svc->port != FTPPORT)
		dport = dest->port;
	ct = xdpvs_conn_new(e, &param, dest->af, &dest->addr, dport,
			    XDPVS_CONN_F_TEMPLATE, dest, t->mark);
	if (!ct) {
		*ignored = CORE_SCHED_FULL;
		return NULL;
	}
	ct->timeout = svc->timeout;
	return ct;
}

static struct xdpvs_conn *core_sched_persist(struct xdpvs_engine *e,
					     struct xdpvs_svc *svc,
					     const struct core_tuple *t,
					     int *ignored)
{
	struct xdpvs_conn_param param = {
		.af = svc->af, .protocol = t->protocol,
		.caddr = t->caddr, .cport = t->cport,
		.vaddr = t->vaddr, .vport = t->vport,
	};
	struct xdpvs_conn *ct = core_template(e, svc, t, ignored), *cp;
	struct xdpvs_dest *dest;
	uint16_t dport = t->vport;

	if (!ct)
		return NULL;
	dest = ct->dest;
	if (dport == svc->port && dest->port)
		dport = dest->port;
	cp = xdpvs_conn_new(e, &param, dest->af, &dest->addr, dport,
			    core_one_packet(svc, t->protocol), dest, t->mark);
	/* Every connection made through it restarts the template's clock,
	 * at ct->timeout: the service's, or 60 s once it has been re-armed
	 * (xdpvs_conn_expire), as in the kernel. */
	xdpvs_conn_put(e, ct);
	if (!cp) {
		*ignored = CORE_SCHED_FULL;
		return NULL;
	}
	xdpvs_control_add(cp, ct);
	core_conn_stats(e, cp, svc);
	return cp;
}

/* The template a real server's request makes (ip_vs_new_conn_out): keyed
 * as a client's would be, bound to that server; NULL when there is no key
 * or no room. */
static struct xdpvs_conn *core_template_out(struct xdpvs_engine *e,
					    struct xdpvs_svc *svc,
					    struct xdpvs_dest *dest,
					    const struct xdpvs_pkt *p)
{
	union xdpvs_addr snet;
	struct xdpvs_conn_param param = {
		.af = svc->af, .protocol = p->protocol, .caddr = &snet,
		.vaddr = &svc->addr, .vport = svc->port, .pe = svc->pe,
	};
	struct xdpvs_conn *ct;

	core_client_net(svc, &p->daddr, &snet);
	if (svc->pe && svc->pe->fill_param &&
	    svc->pe->fill_param(&param, p) < 0)
		return NULL;
	ct = xdpvs_ct_in_get(e, &param);
	/* One that leads elsewhere is parked and replaced. */
	if (ct && xdpvs_conn_check_template(e, ct, dest))
		return ct;
	ct = xdpvs_conn_new(e, &param, dest->af, &p->saddr, p->sport,
			    XDPVS_CONN_F_TEMPLATE, dest, 0);
	if (ct)
		ct->timeout = svc->timeout;
	return ct;
}

struct xdpvs_conn *xdpvs_core_new_conn_out(struct xdpvs_engine *e,
					   struct xdpvs_svc *svc,
					   struct xdpvs_dest *dest,
					   const struct xdpvs_pkt *p)
{
	struct xdpvs_conn_param param = {
		.af = svc->af, .protocol = p->protocol,
		.caddr = &p->daddr, .cport = p->dport,
		.vaddr = &svc->addr, .vport = svc->port,
	};
	struct xdpvs_conn *ct = NULL, *cp;

	/* A fwmark service's address and port are unknown; a port-zero one
	 * would match any service of that server. */
	if (svc->fwmark || !svc->port || !p->sport)
		return NULL;
	if (svc->flags & XDPVS_SVC_F_PERSISTENT) {
		ct = core_template_out(e, svc, dest, p);
		if (!ct)
			return NULL;
	}
	cp = xdpvs_conn_new(e, &param, dest->af, &p->saddr, p->sport,
			    core_one_packet(svc, p->protocol), dest, 0);
	if (ct) {
		if (cp)
			xdpvs_control_add(cp, ct);
		xdpvs_conn_put(e, ct);
	}
	if (cp)
		core_conn_stats(e, cp, svc);
	return cp;
}

/*
 * Choose a real server and create the connection (ip_vs_schedule).
 * NULL with *ignored: CORE_SCHED_IGNORE, not to be scheduled (pass it
 * on); _NO_DEST, no real server (ip_vs_leave); _FULL or _PE, drop.
 */
static struct xdpvs_conn *core_schedule(struct xdpvs_engine *e,
					struct xdpvs_svc *svc,
					const struct core_tuple *t,
					int *ignored)
{
	struct xdpvs_conn_param param = {
		.af = svc->af, .protocol = t->protocol,
		.caddr = t->caddr, .cport = t->cport,
		.vaddr = t->vaddr, .vport = t->vport,
	};
	struct xdpvs_dest *dest;
	struct xdpvs_conn *cp;

	*ignored = CORE_SCHED_IGNORE;
	/* Active FTP data comes from the real server: never scheduled. */
	if (t->cport == FTPDATA)
		return NULL;
	if (svc->flags & XDPVS_SVC_F_PERSISTENT)
		return core_sched_persist(e, svc, t, ignored);
	*ignored = CORE_SCHED_NO_DEST;
	/* A port-zero service only works when persistent. */
	if (!svc->fwmark && t->vport != svc->port)
		return NULL;
	dest = core_sched_pick(e, svc, t);
	if (!dest)
		return NULL;
	cp = xdpvs_conn_new(e, &param, dest->af, &dest->addr,
			    dest->port ? dest->port : t->vport,
			    core_one_packet(svc, t->protocol), dest, t->mark);
	if (!cp) {
		*ignored = CORE_SCHED_FULL;
		return NULL;
	}
	core_conn_stats(e, cp, svc);
	return cp;
}

/* A unicast address that is not ours: cache_bypass may send it on. */
static bool core_bypass_ok(struct xdpvs_engine *e, const struct xdpvs_pkt *p)
{
	struct xdpvs_route rt;

	if (p->af == AF_INET6 ? p->daddr.b[0] == 0xff :
				(p->daddr.b[0] & 0xf0) == 0xe0)
		return false;
	return !xdpvs_xmit_route(e, p->af, &p->daddr, &rt) && !rt.local;
}

/* No real server for a new connection (ip_vs_leave). */
static enum xdpvs_verdict core_leave(struct xdpvs_engine *e,
				     struct xdpvs_svc *svc,
				     const struct core_tuple *t,
				     struct xdpvs_pkt *p,
				     struct xdpvs_frame *f)
{
	if (e->sysctl.cache_bypass && svc->fwmark && !t->icmp &&
	    core_bypass_ok(e, p)) {
		struct xdpvs_conn_param param = {
			.af = svc->af, .protocol = p->protocol,
			.caddr = &p->saddr, .cport = p->sport,
			.vaddr = &p->daddr, .vport = p->dport,
		};
		union xdpvs_addr none = { 0 };
		const struct xdpvs_proto *pp = xdpvs_proto_get(p->protocol);
		struct xdpvs_conn *cp;
		enum xdpvs_verdict v;

		cp = xdpvs_conn_new(e, &param, svc->af, &none, 0,
				    XDPVS_CONN_F_BYPASS |
					    core_one_packet(svc, t->protocol),
				    NULL, t->mark);
		if (!cp) {
			xdpvs_count_drop(e, XDPVS_DROP_CONN_FULL);
			return XDPVS_DROP;
		}
		pp->state_transition(e, cp, XDPVS_DIR_INPUT, p);
		v = xdpvs_xmit_in(e, cp, p, f, NULL);
		cp->in_pkts++;
		xdpvs_conn_put(e, cp);
		return v;
	}
	/* Other ports of an FTP service's address are not its business. */
	if (svc->port == FTPPORT && t->vport != FTPPORT)
		return XDPVS_PASS;
	if (t->icmp) {
		xdpvs_count_drop(e, XDPVS_DROP_NO_DEST);
		return XDPVS_DROP;
	}
	return xdpvs_icmp_send(e, p, f, XDPVS_ICMP_PORT_UNREACH, 0, true,
			       XDPVS_DROP_NO_DEST);
}

/* drop_packet: shed one of every am_droprate new connections (mode 3;
 * the automatic modes never see memory pressure here). */
static bool core_todrop(struct xdpvs_engine *e)
{
	if (e->sysctl.drop_packet != 3)
		return false;
	if (--e->drop_counter > 0)
		return false;
	e->drop_counter = e->sysctl.am_droprate;
	return true;
}

/*
 * Try to make a connection for t (the protocols' conn_schedule): returns
 * the connection, or NULL with *v telling what becomes of the packet.
 */
static struct xdpvs_conn *core_conn_schedule(struct xdpvs_engine *e,
					     const struct core_tuple *t,
					     struct xdpvs_pkt *p,
					     struct xdpvs_frame *f,
					     enum xdpvs_verdict *v)
{
	const struct xdpvs_proto *pp = xdpvs_proto_get(t->protocol);
	struct xdpvs_svc *svc;
	struct xdpvs_conn *cp;
	int ignored;

	*v = XDPVS_PASS;
	if (!t->icmp && !pp->may_schedule(e, p))
		return NULL;
	svc = xdpvs_svc_find(e, t->af, t->mark, t->protocol, t->vaddr,
			     t->vport);
	if (!svc)
		return NULL;
	if (core_todrop(e)) {
		xdpvs_count_drop(e, XDPVS_DROP_NO_DEST);
		*v = XDPVS_DROP;
		return NULL;
	}
	cp = core_schedule(e, svc, t, &ignored);
	if (cp || ignored == CORE_SCHED_IGNORE)
		return cp;
	if (ignored == CORE_SCHED_NO_DEST) {
		*v = core_leave(e, svc, t, p, f);
	} else {
		xdpvs_count_drop(e, ignored == CORE_SCHED_PE ?
					    XDPVS_DROP_PE :
					    XDPVS_DROP_CONN_FULL);
		*v = XDPVS_DROP;
	}
	return NULL;
}

int xdpvs_core_schedule_quote(struct xdpvs_engine *e, struct xdpvs_pkt *p,
			      struct xdpvs_pkt *q, struct xdpvs_frame *f,
			      struct xdpvs_conn **cpp, enum xdpvs_verdict *v)
{
	struct core_tuple t = {
		.af = q->af, .protocol = q->protocol, .icmp = true,
		.caddr = &q->daddr, .cport = q->dport,
		.vaddr = &q->saddr, .vport = q->sport,
		.mark = p->mark, .pkt = NULL,
	};

	*cpp = core_conn_schedule(e, &t, p, f, v);
	return *cpp ? 0 : -1;
}

/* A new SYN / INIT for an existing connection: start afresh? */
static bool core_is_new_conn_expected(const struct xdpvs_engine *e,
				      const struct xdpvs_conn *cp)
{
	int mode = e->sysctl.conn_reuse_mode;

	if (cp->control)
		return false;
	if (cp->protocol == IPPROTO_TCP)
		return cp->state == XDPVS_TCP_S_TIME_WAIT ||
		       cp->state == XDPVS_TCP_S_CLOSE ||
		       ((mode & 2) && cp->state == XDPVS_TCP_S_FIN_WAIT &&
			(cp->flags & XDPVS_CONN_F_NOOUTPUT));
	if (cp->protocol == IPPROTO_SCTP)
		return cp->state == XDPVS_SCTP_S_CLOSED;
	return false;
}

/* Port reuse and dead servers (the checks at the top of ip_vs_in_hook):
 * the connection to keep using, or NULL to schedule anew. */
static struct xdpvs_conn *core_recheck(struct xdpvs_engine *e,
				       struct xdpvs_conn *cp,
				       const struct xdpvs_proto *pp,
				       const struct xdpvs_pkt *p,
				       enum xdpvs_verdict *v)
{
	bool resched = false;

	*v = XDPVS_PASS;
	if (!p->fragoffs && pp->is_new_conn(p)) {
		if (e->sysctl.expire_nodest_conn && cp->dest &&
		    cp->dest->weight == 0)
			resched = true;
		else if (e->sysctl.conn_reuse_mode &&
			 core_is_new_conn_expected(e, cp))
			resched = true;
		if (resched) {
			/* Its tuple is the new connection's now: the fast
			 * path must not carry it to the old one's server
			 * while the old one waits for its timer. */
			cp->resched = true;
			xdpvs_flow_remove(e, cp);
			if (!cp->n_control)
				xdpvs_conn_expire_now(e, cp);
			return NULL;
		}
	}
	if (cp->dest && !xdpvs_dest_is_available(cp->dest)) {
		if (e->sysctl.expire_nodest_conn) {
			xdpvs_conn_expire_now(e, cp);
			return NULL;
		}
		xdpvs_count_drop(e, XDPVS_DROP_DEST_GONE);
		*v = XDPVS_DROP;
		return NULL;
	}
	return cp;
}

/* Count a packet from the client and let the sync master see cp (the end
 * of ip_vs_in_hook): a one-packet connection counts on its template. */
static void core_in_pkts(struct xdpvs_engine *e, struct xdpvs_conn *cp)
{
	int pkts;

	if (cp->flags & XDPVS_CONN_F_ONE_PACKET)
		pkts = e->sysctl.sync_threshold;
	else
		pkts = (int)++cp->in_pkts;
	if (e->sync_state & XDPVS_SYNC_STATE_MASTER)
		xdpvs_sync_conn(e, cp, pkts);
	else if ((cp->flags & XDPVS_CONN_F_ONE_PACKET) && cp->control)
		cp->control->in_pkts++;	/* done by xdpvs_sync_conn too */
}

/* A packet to a virtual service (ip_vs_in_hook). */
static enum xdpvs_verdict core_in(struct xdpvs_engine *e, struct xdpvs_pkt *p,
				  struct xdpvs_frame *f,
				  const struct xdpvs_proto *pp)
{
	struct xdpvs_conn_param param = {
		.af = p->af, .protocol = p->protocol,
		.caddr = &p->saddr, .cport = p->sport,
		.vaddr = &p->daddr, .vport = p->dport,
	};
	struct xdpvs_conn *cp = p->has_ports ? xdpvs_conn_in_get(e, &param)
					     : NULL;
	enum xdpvs_verdict v;

	if (cp) {
		cp = core_recheck(e, cp, pp, p, &v);
		if (!cp && v == XDPVS_DROP)
			return v;
	}
	if (!cp) {
		struct core_tuple t = {
			.af = p->af, .protocol = p->protocol,
			.caddr = &p->saddr, .cport = p->sport,
			.vaddr = &p->daddr, .vport = p->dport,
			.mark = p->mark, .pkt = p,
		};

		/* Later fragments cannot start anything. */
		if (p->fragoffs || !p->has_ports)
			return XDPVS_PASS;
		cp = core_conn_schedule(e, &t, p, f, &v);
		if (!cp)
			return v;
	}
	xdpvs_core_in_stats(e, cp, p);
	pp->state_transition(e, cp, XDPVS_DIR_INPUT, p);
	v = xdpvs_xmit_in(e, cp, p, f, NULL);
	core_in_pkts(e, cp);
	xdpvs_flow_sync(e, cp);
	xdpvs_conn_put(e, cp);
	return v;
}

/*
 * The fast path forwarded a TCP packet that moves its connection's state
 * (<xdpvs/flow.h>): the client's ACK in SYN_RECV, or a FIN or RST of
 * either side.  The engine makes the move the packet would have made in
 * core_in or core_out, but for the counting and the sending, which the
 * fast path did; events come in the order the packets came.  Only if the
 * connection is still the one (gen) and, for the ACK, in SYN_RECV: that
 * ACK may be told twice, or have gone up as well.
 */
int xdpvs_core_flow_event(struct xdpvs_engine *e,
			  const struct xdpvs_flow_event *ev)
{
	const struct xdpvs_flow_key *k = &ev->key;
	bool reply = ev->type & XDPVS_FLOW_EV_REPLY;
	uint32_t type = ev->type & ~(uint32_t)XDPVS_FLOW_EV_REPLY;
	/* The key is the packet: the client's, or the real server's. */
	struct xdpvs_conn_param param = {
		.af = k->af, .protocol = k->proto,
		.caddr = reply ? &k->daddr : &k->saddr,
		.cport = reply ? k->dport : k->sport,
		.vaddr = reply ? &k->saddr : &k->daddr,
		.vport = reply ? k->sport : k->dport,
	};
	struct xdpvs_pkt p = {
		.af = k->af, .protocol = k->proto, .has_ports = true,
		.saddr = k->saddr, .daddr = k->daddr,
		.sport = k->sport, .dport = k->dport,
	};
	struct xdpvs_conn *cp;

	if (k->proto != IPPROTO_TCP)
		return -EINVAL;
	if (type == XDPVS_FLOW_EV_ESTABLISHED && !reply)
		p.tcp_flags = XDPVS_TCP_ACK;
	else if (type == XDPVS_FLOW_EV_FIN)
		p.tcp_flags = XDPVS_TCP_FIN | XDPVS_TCP_ACK;
	else if (type == XDPVS_FLOW_EV_RST)
		p.tcp_flags = XDPVS_TCP_RST;
	else
		return -EINVAL;
	cp = reply ? xdpvs_conn_out_get(e, &param) : xdpvs_conn_in_get(e, &param);
	if (!cp || cp->gen != ev->gen ||
	    (type == XDPVS_FLOW_EV_ESTABLISHED &&
	     cp->state != XDPVS_TCP_S_SYN_RECV))
		return -ESTALE;
	if (type == XDPVS_FLOW_EV_ESTABLISHED)
		xdpvs_flow_syn_recv_cleared(cp);
	xdpvs_proto_tcp.state_transition(e, cp, reply ? XDPVS_DIR_OUTPUT :
						      XDPVS_DIR_INPUT, &p);
	if (!reply)
		core_in_pkts(e, cp);
	xdpvs_flow_sync(e, cp);
	xdpvs_conn_put(e, cp);
	return 0;
}

/* The key of the real server's flow the fast path installed for NEW
 * event n; false when it installed none (not NAT). */
static bool core_new_out_key(const struct xdpvs_flow_event_new *n,
			     struct xdpvs_flow_key *out)
{
	const struct xdpvs_flow_key *k = &n->ev.key;

	memset(out, 0, sizeof(*out));
	out->af = k->af;
	out->proto = k->proto;
	out->sport = n->new_dport;
	out->dport = k->sport;
	out->saddr = n->new_daddr;
	out->daddr = k->saddr;
	return n->new_dport != 0;	/* NAT's template alone has one */
}

/* Remove the flows the fast path installed for NEW event n. */
static void core_new_undo(struct xdpvs_engine *e,
			  const struct xdpvs_flow_event_new *n)
{
	struct xdpvs_flow_key out;

	e->env.flow_del(e->env.ctx, &n->ev.key);
	if (core_new_out_key(n, &out))
		e->env.flow_del(e->env.ctx, &out);
}

/* The connection cp on the tuple of NEW event n ends, as for a SYN
 * reusing its port (core_recheck): the fast path wrote the new one's
 * flows over its client flow (and over its real server's, when that is
 * the same key); any other flow of it goes. */
static void core_new_reuse(struct xdpvs_engine *e, struct xdpvs_conn *cp,
			   const struct xdpvs_flow_event_new *n)
{
	struct xdpvs_flow_key out;

	xdpvs_flow_hand_over(e, cp, core_new_out_key(n, &out) ? &out : NULL);
	cp->resched = true;
	if (!cp->n_control)
		xdpvs_conn_expire_now(e, cp);
}

/*
 * A UDP connection the engine has on the tuple of NEW event n: made from
 * an earlier datagram that went up, read before this event.  It stays,
 * as IPVS sends all a flow's datagrams to its real server: the pick's
 * flows go, its own are written again (over them, or where they were).
 */
static int core_new_keep(struct xdpvs_engine *e, struct xdpvs_conn *cp,
			 const struct xdpvs_flow_event_new *n)
{
	struct xdpvs_flow_key out;

	xdpvs_flow_restore(e, cp, core_new_out_key(n, &out) ? &out : NULL);
	xdpvs_conn_put(e, cp);
	return -EEXIST;
}

/*
 * A TCP SYN or a UDP datagram the fast path scheduled with a choice made
 * ahead (<xdpvs/pick.h>): the connection is made as core_in would have
 * made it for that packet and that real server, but for the counting of
 * the packet and the sending, which the fast path did.  A TCP connection
 * the engine still has on that tuple is ended, as for a SYN reusing its
 * port: the fast path saw it closed by FINs or a RST (TIME_WAIT or
 * CLOSE), or it had no flows; a UDP one stays (core_new_keep).
 */
int xdpvs_core_flow_new(struct xdpvs_engine *e,
			const struct xdpvs_flow_event_new *n)
{
	const struct xdpvs_flow_key *k = &n->ev.key;
	struct xdpvs_conn_param param = {
		.af = k->af, .protocol = k->proto,
		.caddr = &k->saddr, .cport = k->sport,
		.vaddr = &k->daddr, .vport = k->dport,
	};
	struct xdpvs_pkt p = {
		.af = k->af, .protocol = k->proto, .has_ports = true,
		.saddr = k->saddr, .daddr = k->daddr,
		.sport = k->sport, .dport = k->dport,
		.tcp_flags = k->proto == IPPROTO_TCP ? XDPVS_TCP_SYN : 0,
	};
	struct xdpvs_svc *svc;
	struct xdpvs_dest *d;
	struct xdpvs_conn *cp;

	if ((n->ev.type != XDPVS_FLOW_EV_NEW &&
	     n->ev.type != XDPVS_FLOW_EV_UNUSED) ||
	    (k->proto != IPPROTO_TCP && k->proto != IPPROTO_UDP) ||
	    (k->af != AF_INET && k->af != AF_INET6))
		return -EINVAL;
	svc = xdpvs_svc_find(e, k->af, 0, k->proto, &k->daddr, k->dport);
	if (n->ev.type == XDPVS_FLOW_EV_UNUSED)
		return xdpvs_pick_given_back(e, svc, n);
	d = xdpvs_pick_dest(e, svc, n);
	if (!d)
		goto undo;
	cp = xdpvs_conn_in_get(e, &param);
	if (cp && k->proto == IPPROTO_UDP) {
		xdpvs_pick_seen(e, svc);
		return core_new_keep(e, cp, n);
	}
	if (cp)
		core_new_reuse(e, cp, n);
	cp = xdpvs_conn_new(e, &param, d->af, &d->addr,
			    d->port ? d->port : k->dport, 0, d, 0);
	if (!cp) {
		xdpvs_count_drop(e, XDPVS_DROP_CONN_FULL);
		goto undo;
	}
	cp->gen = n->ev.gen;
	core_conn_stats(e, cp, svc);
	xdpvs_proto_get(k->proto)->state_transition(e, cp, XDPVS_DIR_INPUT,
						    &p);
	core_in_pkts(e, cp);
	xdpvs_flow_adopt_new(e, cp, xdpvs_pick_tmpl(d), n);
	xdpvs_conn_put(e, cp);
	xdpvs_pick_seen(e, svc);
	return 0;
undo:
	core_new_undo(e, n);
	if (svc)
		xdpvs_pick_seen(e, svc);
	return -ESTALE;
}

/* A reply from a real server (ip_vs_out_hook); NULL cp: not one. */
static struct xdpvs_conn *core_out_conn(struct xdpvs_engine *e,
					const struct xdpvs_pkt *p)
{
	struct xdpvs_conn_param param = {
		.af = p->af, .protocol = p->protocol,
		.caddr = &p->daddr, .cport = p->dport,
		.vaddr = &p->saddr, .vport = p->sport,
	};

	return p->has_ports ? xdpvs_conn_out_get(e, &param) : NULL;
}

static enum xdpvs_verdict core_out(struct xdpvs_engine *e,
				   struct xdpvs_conn *cp, struct xdpvs_pkt *p,
				   struct xdpvs_frame *f,
				   const struct xdpvs_proto *pp)
{
	const struct xdpvs_route *rt;
	enum xdpvs_verdict v;

	switch (xdpvs_xmit_out_check(e, cp, p, f, &rt, &v)) {
	case XDPVS_XMIT_DONE:
		return v;
	case XDPVS_XMIT_LOCAL:
	case XDPVS_XMIT_GO:
		break;
	}
	xdpvs_core_out_stats(e, cp, p);
	pp->state_transition(e, cp, XDPVS_DIR_OUTPUT, p);
	xdpvs_flow_sync(e, cp);
	xdpvs_conn_put(e, cp);
	return xdpvs_xmit_out_finish(e, cp, p, f, NULL, rt);
}

/* Is daddr one of our addresses (the kernel would see the packet in
 * LOCAL_IN rather than FORWARD)?  Virtual addresses are: the kernel
 * needs them local. */
static bool core_is_local(struct xdpvs_engine *e, int af,
			  const union xdpvs_addr *daddr)
{
	struct xdpvs_route rt;

	if (xdpvs_svc_addr_in_use(e, af, daddr))
		return true;
	return !xdpvs_xmit_route(e, af, daddr, &rt) && rt.local;
}

/* A TCP RST or SCTP ABORT: nothing to answer. */
static bool core_is_reset(const struct xdpvs_pkt *p)
{
	if (p->protocol == IPPROTO_TCP)
		return p->tcp_flags & XDPVS_TCP_RST;
	if (p->protocol == IPPROTO_SCTP)
		return p->has_chunk && p->sctp_chunk == XDPVS_SCTP_CID_ABORT;
	return false;
}

/*
 * A UDP request from a real server of a service whose persistence engine
 * makes connections for those (__ip_vs_rs_conn_out): the first dest with
 * that address and port decides.  Not for packets to one of our own
 * addresses, which the kernel sees in LOCAL_IN.
 */
static struct xdpvs_conn *core_rs_conn_out(struct xdpvs_engine *e,
					   const struct xdpvs_pkt *p)
{
	struct xdpvs_dest *dest;
	struct xdpvs_svc *svc;

	dest = xdpvs_dest_find_real_service(e, p->af, p->protocol, &p->saddr,
					    p->sport);
	if (!dest)
		return NULL;
	svc = dest->svc;
	if (!svc || !svc->pe || !svc->pe->conn_out ||
	    core_is_local(e, p->af, &p->daddr))
		return NULL;
	return svc->pe->conn_out(e, svc, dest, p);
}

/*
 * A packet that matches no connection as a reply (the end of
 * ip_vs_out_hook).  A UDP request from a SIP real server may make one
 * (core_rs_conn_out), and is then sent on as a reply.  With nat_icmp_send,
 * one from a NAT real service of ours (its address and port, any service)
 * is answered with port unreachable, sent back to the real server, and
 * dropped: it belongs to a connection we no longer know (a TCP RST or SCTP
 * ABORT needs no answer).  XDPVS_PASS: carry on with the packet.
 */
static enum xdpvs_verdict core_out_miss(struct xdpvs_engine *e,
					struct xdpvs_pkt *p,
					struct xdpvs_frame *f,
					const struct xdpvs_proto *pp)
{
	struct xdpvs_conn *cp;

	if (!p->has_ports)
		return XDPVS_PASS;
	if (p->protocol == IPPROTO_UDP) {
		cp = core_rs_conn_out(e, p);
		if (cp)
			return core_out(e, cp, p, f, pp);
	}
	if (!e->sysctl.nat_icmp_send ||
	    !xdpvs_dest_find_real_service(e, p->af, p->protocol, &p->saddr,
					  p->sport) ||
	    core_is_reset(p))
		return XDPVS_PASS;
	return xdpvs_icmp_send(e, p, f, XDPVS_ICMP_PORT_UNREACH, 0,
			       core_is_local(e, p->af, &p->daddr),
			       XDPVS_DROP_NO_CONN);
}

/* Fragments for the balancer are reassembled first, as the kernel's
 * nf_defrag does before IPVS sees them; others are not ours. */
static enum xdpvs_verdict core_fragment(struct xdpvs_engine *e,
					struct xdpvs_pkt *p,
					struct xdpvs_frame *f)
{
	if (!xdpvs_frag_is_ours(e, p))
		return XDPVS_PASS;
	return xdpvs_frag_input(e, p, f);
}

enum xdpvs_verdict xdpvs_core_rx(struct xdpvs_engine *e, struct xdpvs_pkt *p,
				 struct xdpvs_frame *f)
{
	const struct xdpvs_proto *pp;
	struct xdpvs_conn *cp;
	enum xdpvs_verdict v;

	if (e->nr_marks)
		p->mark = xdpvs_mark_lookup(e, p);
	if ((p->af == AF_INET && p->protocol == IPPROTO_ICMP) ||
	    (p->af == AF_INET6 && p->protocol == IPPROTO_ICMPV6)) {
		v = xdpvs_icmp_out(e, p, f);
		if (v != XDPVS_PASS || xdpvs_backup_only(e))
			return v;
		return xdpvs_icmp_in(e, p, f);
	}
	pp = xdpvs_proto_get(p->protocol);
	if (!pp)
		return XDPVS_PASS;
	if (p->frag && !xdpvs_frag_is_atomic(p))
		return core_fragment(e, p, f);
	cp = core_out_conn(e, p);
	if (cp)
		return core_out(e, cp, p, f, pp);
	v = core_out_miss(e, p, f, pp);
	if (v != XDPVS_PASS || xdpvs_backup_only(e))
		return v;
	return core_in(e, p, f, pp);
}
