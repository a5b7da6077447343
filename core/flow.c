// SPDX-License-Identifier: GPL-2.0-only
/*
 * The engine's side of the XDP fast path: which connections the flow cache
 * may forward by itself, and with what (<xdpvs/flow.h> has the ABI).
 *
 * The engine stays the single source of truth.  A connection gets its
 * flows (the client's direction, plus the real server's for NAT) once its
 * state is one the fast path cannot change: SCTP ESTABLISHED (the fast
 * path sends SCTP control chunks up), TCP ESTABLISHED and the closing
 * states in which an ACK leaves it where it is (the fast path sends SYN
 * and packets without ACK up, and tells the engine of FIN and RST:
 * xdpvs_tcp_flow_ok()), or UDP.  Its
 * flows go when it leaves those states, when its real server is removed
 * and when it expires.  Because packets forwarded by the fast path never
 * reach the engine, its timer is not restarted by them: when the timer
 * fires, the cache's last-seen time decides whether the connection is
 * alive (re-armed from that time, as the kernel re-arms on each packet)
 * or expires.  Their counters reach the engine through per-real-server
 * stats slots, folded in by the daemon.
 *
 * A TCP connection gets them already in SYN_RECV, marked
 * XDPVS_FLOW_F_SYN_RECV, for the fast path to carry the rest of its
 * handshake (xdpvs_tcp_flow_syn_recv()).  The fast path forwards the
 * client's ACK, clears the mark of both flows itself and tells the engine
 * (xdpvs_engine_flow_event()), which then has nothing to rewrite, unless
 * it wrote them again meanwhile (a route change, a take-over): the mark
 * it wrote may be newer than the fast path's clearing, so they are
 * rewritten.
 *
 * When routes change, every connection's flows are computed again, but
 * only those whose value differs from the installed one are written: a
 * write is a syscall or two in xdpvsd, and with a million connections
 * rewriting them all for one neighbour's new MAC stalled it for seconds.
 * What was installed is remembered as a 32-bit fingerprint per direction
 * (flow_fp(), 8 bytes a connection) rather than as a copy of the value
 * (144 bytes) or as per-destination routes (the real server's direction
 * of NAT goes by a route per client, and a value also carries the tunnel
 * template and pmtu_disc).  Two values that differ share a fingerprint
 * with odds of 2^-32: such a flow would keep its old way out until its
 * next change or its connection's end.  The SYN_RECV mark is not in the
 * fingerprint (the fast path clears it, and the handshake's own marks in
 * cp->flows say what the engine wrote): a connection past its handshake
 * is not rewritten for that by the next route change.  Nor are the FIN
 * marks, which only the fast path sets (<xdpvs/pick.h>, port reuse): a
 * rewrite drops them, and a client reusing the port then goes up.
 *
 * While a sync master runs, a connection gets its flows only once it was
 * sent to the backups in its present state (its first packets come here,
 * to be counted: the kernel sends at the 3rd), and each time its timer
 * finds it alive it is sent again, in place of the kernel's re-sends
 * every sync_period packets that the engine does not see.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "conn.h"
#include "dest.h"
#include "engine_priv.h"
#include "flow.h"
#include "proto.h"
#include "svc.h"
#include "sync.h"
#include "xmit.h"

#define FLOW_IN 0x01	/* the client's direction is installed */
#define FLOW_OUT 0x02	/* the real server's (NAT) */
#define FLOW_IN_SR 0x04	/* ... with XDPVS_FLOW_F_SYN_RECV */
#define FLOW_OUT_SR 0x08
#define FLOW_SR_AGAIN 0x10	/* a marked flow written over a marked one */
#define FLOW_HELD 0x20	/* FLOW_IN is a hold (flow_hold) */

/* Flags of an installed value that the fast path changes itself (clears):
 * not the engine's to compare when routes change. */
#define FLOW_F_FAST_PATH_OWNED \
	(XDPVS_FLOW_F_SYN_RECV | XDPVS_FLOW_F_FIN_IN | XDPVS_FLOW_F_FIN_OUT)

#define FLOW_FP_ENCAP offsetof(struct xdpvs_flow_value, encap)

/* flow_fp() hashes whole 64-bit words up to the end of the encap used:
 * encap is zero past encap_len. */
_Static_assert(FLOW_FP_ENCAP % 8 == 0 && XDPVS_FLOW_ENCAP_MAX % 8 == 0,
	       "flow value layout");

static void flow_key_in(const struct xdpvs_conn *cp, struct xdpvs_flow_key *k)
{
	memset(k, 0, sizeof(*k));
	k->af = (uint8_t)cp->af;
	k->proto = (uint8_t)cp->protocol;
	k->saddr = cp->caddr;
	k->daddr = cp->vaddr;
	k->sport = cp->cport;
	k->dport = cp->vport;
}

static void flow_key_out(const struct xdpvs_conn *cp, struct xdpvs_flow_key *k)
{
	memset(k, 0, sizeof(*k));
	k->af = (uint8_t)cp->daf;
	k->proto = (uint8_t)cp->protocol;
	k->saddr = cp->daddr;
	k->daddr = cp->caddr;
	k->sport = cp->dport;
	k->dport = cp->cport;
}

/* May the fast path keep cp's packets in its present state? */
static bool flow_state_ok(const struct xdpvs_engine *e,
			  const struct xdpvs_conn *cp)
{
	switch (cp->protocol) {
	case IPPROTO_TCP:
		return xdpvs_tcp_flow_ok(e, cp);
	case IPPROTO_SCTP:
		return cp->state == XDPVS_SCTP_S_ESTABLISHED;
	case IPPROTO_UDP:
		return true;
	default:
		return false;
	}
}

static bool flow_eligible(const struct xdpvs_engine *e,
			  const struct xdpvs_conn *cp)
{
	uint32_t fwd = xdpvs_conn_fwd(cp);

	if (!e->env.flow_add || cp->resched || !cp->dest || !cp->dest->slot ||
	    !xdpvs_dest_is_available(cp->dest))
		return false;
	if (cp->flags & (XDPVS_CONN_F_TEMPLATE | XDPVS_CONN_F_ONE_PACKET |
			 XDPVS_CONN_F_NO_CPORT))
		return false;
	/* From client port 0: IPVS finds no connection for such a packet
	 * (port 0 looks for one waiting for its port, as FTP data's), so
	 * each is scheduled anew; a flow would forward them all the same
	 * way, and each new connection would claim the same key. */
	if (!cp->cport)
		return false;
	if (fwd != XDPVS_CONN_F_MASQ && fwd != XDPVS_CONN_F_DROUTE &&
	    fwd != XDPVS_CONN_F_TUNNEL)
		return false;
	/* a sync master must see it until it has been sent */
	return flow_state_ok(e, cp) && xdpvs_sync_flows_ok(e, cp);
}

/* Our side of a way out: interface, MACs, VLAN, MTU (less overhead). */
static void flow_value_way(struct xdpvs_flow_value *v,
			   const struct xdpvs_route *rt, uint32_t overhead)
{
	uint32_t mtu = rt->mtu > overhead ? rt->mtu - overhead : 0;

	v->ifindex = rt->ifindex;
	memcpy(v->smac, rt->smac, 6);
	memcpy(v->dmac, rt->dmac, 6);
	if (rt->vlan) {
		v->flags |= XDPVS_FLOW_F_VLAN;
		v->vlan = rt->vlan;
	}
	v->mtu = (uint16_t)(mtu > 0xffff ? 0xffff : mtu);
}

/* The client's direction: false when there is no usable way yet (also
 * the template of new connections the fast path makes: pick.c). */
bool xdpvs_flow_value_in(struct xdpvs_engine *e, const struct xdpvs_conn *cp,
			 struct xdpvs_flow_value *v)
{
	const struct xdpvs_route *rt;
	uint32_t overhead = 0;

	memset(v, 0, sizeof(*v));
	if (xdpvs_xmit_route_dest(e, cp->dest, &rt) || rt->local)
		return false;
	v->daf = (uint8_t)cp->af;
	v->new_daddr = cp->daddr;
	switch (xdpvs_conn_fwd(cp)) {
	case XDPVS_CONN_F_MASQ:
		v->action = XDPVS_FLOW_DNAT;
		v->new_dport = cp->dport;
		if (cp->protocol == IPPROTO_SCTP && cp->vport != cp->dport)
			v->flags |= XDPVS_FLOW_F_SCTP;
		break;
	case XDPVS_CONN_F_DROUTE:
		v->action = XDPVS_FLOW_DR;
		break;
	default:
		v->action = XDPVS_FLOW_TUN;
		v->daf = (uint8_t)cp->dest->af;
		overhead = xdpvs_xmit_tun_template(e, cp, rt, v);
		break;
	}
	flow_value_way(v, rt, overhead);
	v->dest_idx = cp->dest->slot;
	v->gen = cp->gen;
	if (xdpvs_tcp_flow_syn_recv(e, cp))
		v->flags |= XDPVS_FLOW_F_SYN_RECV;
	return true;
}

/* The real server's direction (NAT). */
static bool flow_value_out(struct xdpvs_engine *e, struct xdpvs_conn *cp,
			   struct xdpvs_flow_value *v)
{
	const struct xdpvs_route *rt;

	memset(v, 0, sizeof(*v));
	if (xdpvs_xmit_route_client(e, cp, &rt) || rt->local)
		return false;
	v->action = XDPVS_FLOW_SNAT;
	v->daf = (uint8_t)cp->af;
	v->new_saddr = cp->vaddr;
	v->new_sport = cp->vport;
	if (cp->protocol == IPPROTO_SCTP && cp->vport != cp->dport)
		v->flags |= XDPVS_FLOW_F_SCTP;
	flow_value_way(v, rt, 0);
	v->dest_idx = cp->dest->slot;
	v->gen = cp->gen;
	if (xdpvs_tcp_flow_syn_recv(e, cp))
		v->flags |= XDPVS_FLOW_F_SYN_RECV;
	return true;
}

/* One 64-bit word into fingerprint state h (a multiply-rotate round). */
static uint64_t flow_fp_word(uint64_t h, const uint8_t *p)
{
	uint64_t w;

	memcpy(&w, p, sizeof(w));
	h ^= w * 0xbf58476d1ce4e5b9ULL;
	h = (h << 31 | h >> 33) * 0x94d049bb133111ebULL;
	return h;
}

/*
 * The fingerprint of what v tells the fast path: its bytes up to
 * last_seen, with the flags the fast path owns cleared, and the encap
 * bytes in use (the rest are zero: the value was zeroed first).
 */
static uint32_t flow_fp(const struct xdpvs_flow_value *v)
{
	struct xdpvs_flow_value c = *v;
	uint32_t i, n = ((uint32_t)v->encap_len + 7) & ~7U;
	uint64_t h = 0x2545f4914f6cdd1dULL;

	/* what the fast path writes itself is not the engine's to compare */
	c.last_seen = 0;
	c.flags &= (uint8_t)~FLOW_F_FAST_PATH_OWNED;
	if (n > XDPVS_FLOW_ENCAP_MAX)
		n = XDPVS_FLOW_ENCAP_MAX;
	for (i = 0; i < FLOW_FP_ENCAP + n; i += 8)
		h = flow_fp_word(h, (const uint8_t *)&c + i);
	h ^= h >> 29;
	return (uint32_t)(h ^ h >> 32);
}

/* The mark of dir in cp->flows saying it has XDPVS_FLOW_F_SYN_RECV. */
static uint8_t flow_sr_bit(uint8_t dir)
{
	return dir == FLOW_IN ? FLOW_IN_SR : FLOW_OUT_SR;
}

static void flow_del_dir(struct xdpvs_engine *e, struct xdpvs_conn *cp,
			 uint8_t dir)
{
	struct xdpvs_flow_key k;

	if (!(cp->flows & dir))
		return;
	if (dir == FLOW_IN)
		flow_key_in(cp, &k);
	else
		flow_key_out(cp, &k);
	e->env.flow_del(e->env.ctx, &k);
	cp->flows &= (uint8_t)~(dir | flow_sr_bit(dir));
	if (!(cp->flows & (FLOW_IN | FLOW_OUT)))
		cp->flows = 0;
	e->nr_flows--;
}

void xdpvs_flow_hand_over(struct xdpvs_engine *e, struct xdpvs_conn *cp,
			  const struct xdpvs_flow_key *new_out)
{
	struct xdpvs_flow_key k;

	if (cp->flows & FLOW_OUT) {
		flow_key_out(cp, &k);
		if (!new_out || memcmp(&k, new_out, sizeof(k)))
			e->env.flow_del(e->env.ctx, &k);
	}
	e->nr_flows -= !!(cp->flows & FLOW_IN) + !!(cp->flows & FLOW_OUT);
	cp->flows = 0;
}

void xdpvs_flow_remove(struct xdpvs_engine *e, struct xdpvs_conn *cp)
{
	flow_del_dir(e, cp, FLOW_IN);
	flow_del_dir(e, cp, FLOW_OUT);
}

/*
 * Install (or, force or when its SYN_RECV mark must change, replace) one
 * direction; false if it cannot be.  Forced, a direction whose value and
 * mark are what was written is left alone, and one not installed here is
 * written as a replacement all the same: the cache may have it from a
 * previous engine (a connection taken over), and its last_seen must stay.
 */
static bool flow_add_dir(struct xdpvs_engine *e, struct xdpvs_conn *cp,
			 uint8_t dir, bool force)
{
	uint8_t sr = xdpvs_tcp_flow_syn_recv(e, cp) ? flow_sr_bit(dir) : 0;
	uint32_t *fp = &cp->flow_fp[dir == FLOW_OUT];
	struct xdpvs_flow_value v;
	struct xdpvs_flow_key k;
	uint32_t nfp;
	bool ok;

	if ((cp->flows & dir) && !force &&
	    (cp->flows & flow_sr_bit(dir)) == sr)
		return true;
	if (dir == FLOW_IN) {
		ok = xdpvs_flow_value_in(e, cp, &v);
		flow_key_in(cp, &k);
	} else {
		ok = flow_value_out(e, cp, &v);
		flow_key_out(cp, &k);
	}
	if (!ok)
		return false;
	nfp = flow_fp(&v);
	if ((cp->flows & dir) && (cp->flows & flow_sr_bit(dir)) == sr &&
	    nfp == *fp) {
		/* what the fast path has already */
		if (force && e->env.flow_have)
			e->env.flow_have(e->env.ctx, &k);
		return true;
	}
	e->env.flow_add(e->env.ctx, &k, &v, force || (cp->flows & dir));
	*fp = nfp;
	if (sr && (cp->flows & dir))
		cp->flows |= FLOW_SR_AGAIN;
	if (!(cp->flows & dir))
		e->nr_flows++;
	cp->flows = (uint8_t)((cp->flows & ~flow_sr_bit(dir)) | dir | sr);
	return true;
}

/*
 * A connection whose real server is no longer available (removed), or
 * which lost its way to it (no route), keeps its packets coming up: IPVS
 * drops them (expire_nodest_conn 0) or ends the connection to schedule
 * them anew (1), or answers them with an ICMP error, and so does the
 * engine.  So does a TCP connection in a state the fast path does not
 * keep (SYN_SENT, LAST_ACK, ...): a SYN on it is the connection's
 * (IPVS schedules anew only in TIME_WAIT and CLOSE, which have flows).
 * No flow would not do: the fast path would take a SYN or a datagram
 * that matches none for a new connection, and schedule it with a pick
 * (pick.h), to another real server.  So such a TCP or UDP connection
 * keeps a client flow, a hold: of MTU 0, above which every packet is
 * (flow.h: the engine's).  Not once its service is deleted: the fast
 * path has no picks for it then.
 */
static bool flow_holdable(const struct xdpvs_engine *e,
			  const struct xdpvs_conn *cp)
{
	return e->env.flow_add && cp->dest && cp->dest->svc &&
	       (cp->dest->svc->flags & XDPVS_SVC_F_HASHED) && !cp->resched &&
	       cp->cport &&
	       (cp->protocol == IPPROTO_TCP || cp->protocol == IPPROTO_UDP) &&
	       !(cp->flags & (XDPVS_CONN_F_TEMPLATE | XDPVS_CONN_F_ONE_PACKET |
			      XDPVS_CONN_F_NO_CPORT));
}

/* Is a hold cp's when it has no flows (ok: it may have some, but for its
 * way)? */
static bool flow_hold_wanted(const struct xdpvs_engine *e,
			     const struct xdpvs_conn *cp, bool ok)
{
	return flow_holdable(e, cp) &&
	       (ok || cp->protocol == IPPROTO_TCP ||
		!xdpvs_dest_is_available(cp->dest));
}

/* Write cp's hold (flow_holdable) in place of its flows. */
static void flow_hold(struct xdpvs_engine *e, struct xdpvs_conn *cp)
{
	struct xdpvs_flow_value v;
	struct xdpvs_flow_key k;
	uint32_t nfp;

	flow_del_dir(e, cp, FLOW_OUT);
	memset(&v, 0, sizeof(v));
	v.action = XDPVS_FLOW_DR;	/* none is forwarded: mtu 0 */
	v.daf = (uint8_t)cp->af;
	v.gen = cp->gen;
	nfp = flow_fp(&v);
	if ((cp->flows & FLOW_HELD) && cp->flow_fp[0] == nfp)
		return;
	flow_key_in(cp, &k);
	e->env.flow_add(e->env.ctx, &k, &v, cp->flows & FLOW_IN);
	cp->flow_fp[0] = nfp;
	if (!(cp->flows & FLOW_IN))
		e->nr_flows++;
	cp->flows = FLOW_IN | FLOW_HELD;
}

static void flow_sync(struct xdpvs_engine *e, struct xdpvs_conn *cp,
		      bool force)
{
	bool nat = xdpvs_conn_fwd(cp) == XDPVS_CONN_F_MASQ;
	bool ok = flow_eligible(e, cp);

	/* A hold is written over whatever it matches. */
	force = force || (cp->flows & FLOW_HELD);
	/* Both directions or none: half a NAT connection in the fast path
	 * would leave the other half's timer blind. */
	if (ok && flow_add_dir(e, cp, FLOW_IN, force) &&
	    (!nat || flow_add_dir(e, cp, FLOW_OUT, force))) {
		cp->flows &= (uint8_t)~FLOW_HELD;
		return;
	}
	if (flow_hold_wanted(e, cp, ok))
		flow_hold(e, cp);
	else
		xdpvs_flow_remove(e, cp);
}

void xdpvs_flow_sync(struct xdpvs_engine *e, struct xdpvs_conn *cp)
{
	if (e->env.flow_add && (cp->flows || flow_eligible(e, cp) ||
				flow_hold_wanted(e, cp, false)))
		flow_sync(e, cp, false);
}

void xdpvs_flow_adopt(struct xdpvs_engine *e, struct xdpvs_conn *cp)
{
	if (!e->env.flow_add)
		return;
	flow_sync(e, cp, true);
	if (cp->flows & (FLOW_IN_SR | FLOW_OUT_SR))
		cp->flows |= FLOW_SR_AGAIN;
}

void xdpvs_flow_restore(struct xdpvs_engine *e, struct xdpvs_conn *cp,
			const struct xdpvs_flow_key *pick_out)
{
	struct xdpvs_flow_key k;

	if (!e->env.flow_add)
		return;
	flow_key_out(cp, &k);
	if (pick_out && (!(cp->flows & FLOW_OUT) ||
			 memcmp(&k, pick_out, sizeof(k))))
		e->env.flow_del(e->env.ctx, pick_out);
	/* forgotten, then forced: written as replacements, whatever the
	 * fingerprints say (they are of cp's values, not of the pick's) */
	e->nr_flows -= !!(cp->flows & FLOW_IN) + !!(cp->flows & FLOW_OUT);
	cp->flows = 0;
	flow_sync(e, cp, true);
	if (!(cp->flows & FLOW_IN)) {
		flow_key_in(cp, &k);
		e->env.flow_del(e->env.ctx, &k);
	}
}

/* What the fast path wrote for the real server's direction (pick.h). */
static void flow_value_out_new(const struct xdpvs_conn *cp,
			       const struct xdpvs_flow_value *t,
			       const struct xdpvs_flow_event_new *n, bool sr,
			       struct xdpvs_flow_value *v)
{
	memset(v, 0, sizeof(*v));
	v->action = XDPVS_FLOW_SNAT;
	v->flags = sr ? XDPVS_FLOW_F_SYN_RECV : 0;
	v->daf = (uint8_t)cp->af;
	v->ifindex = n->ifindex;
	memcpy(v->smac, n->smac, 6);
	memcpy(v->dmac, n->dmac, 6);
	v->mtu = n->mtu;
	v->dest_idx = t->dest_idx;
	v->gen = n->ev.gen;
	v->new_saddr = cp->vaddr;
	v->new_sport = cp->vport;
}

void xdpvs_flow_adopt_new(struct xdpvs_engine *e, struct xdpvs_conn *cp,
			  const struct xdpvs_flow_value *t,
			  const struct xdpvs_flow_event_new *n)
{
	/* a TCP connection's flows came marked, a UDP one's not */
	bool sr = cp->protocol == IPPROTO_TCP;
	struct xdpvs_flow_value v = *t;

	v.gen = n->ev.gen;
	cp->flow_fp[0] = flow_fp(&v);
	cp->flows = FLOW_IN | (sr ? FLOW_IN_SR : 0);
	e->nr_flows++;
	if (t->action == XDPVS_FLOW_DNAT) {
		flow_value_out_new(cp, t, n, sr, &v);
		cp->flow_fp[1] = flow_fp(&v);
		cp->flows |= FLOW_OUT | (sr ? FLOW_OUT_SR : 0);
		e->nr_flows++;
	}
	/* forced: compared with what the engine would write, rewritten
	 * only if it differs */
	flow_sync(e, cp, true);
}

void xdpvs_flow_syn_recv_cleared(struct xdpvs_conn *cp)
{
	if (!(cp->flows & FLOW_SR_AGAIN))
		cp->flows &= (uint8_t)~(FLOW_IN_SR | FLOW_OUT_SR);
	cp->flows &= (uint8_t)~FLOW_SR_AGAIN;
}

bool xdpvs_flow_keep_alive(struct xdpvs_engine *e, struct xdpvs_conn *cp)
{
	uint64_t last = 0, t, timeout, armed;
	struct xdpvs_flow_key k;

	if (!cp->flows || !e->env.flow_last_seen)
		return false;
	if (cp->flows & FLOW_IN) {
		flow_key_in(cp, &k);
		last = e->env.flow_last_seen(e->env.ctx, &k);
	}
	if (cp->flows & FLOW_OUT) {
		flow_key_out(cp, &k);
		t = e->env.flow_last_seen(e->env.ctx, &k);
		last = t > last ? t : last;
	}
	timeout = (uint64_t)cp->timeout * XDPVS_NSEC_PER_SEC;
	armed = cp->timer.expires > timeout ? cp->timer.expires - timeout : 0;
	if (last <= armed || last + timeout <= e->now)
		return false;
	xdpvs_wheel_add(&e->wheel, &cp->timer, last + timeout);
	/* alive: a sync master refreshes the backups' copy, which the
	 * packets the fast path forwarded did not (ip_vs_sync_conn runs
	 * per packet in the kernel) */
	xdpvs_sync_conn(e, cp, e->sysctl.sync_threshold);
	return true;
}

static void flow_refresh_one(struct xdpvs_engine *e, struct xdpvs_conn *cp)
{
	if (cp->flows)
		flow_sync(e, cp, true);
}

bool xdpvs_flow_refresh_some(struct xdpvs_engine *e, uint32_t *cursor,
			     uint32_t max)
{
	if (!e->nr_flows)
		*cursor = 0;
	else
		*cursor = xdpvs_conn_for_each_from(e, *cursor, max,
						   flow_refresh_one);
	return *cursor == 0;
}


static void flow_drop_unavailable(struct xdpvs_engine *e,
				  struct xdpvs_conn *cp)
{
	if (!cp->dest || xdpvs_dest_is_available(cp->dest))
		return;
	if (flow_holdable(e, cp))
		flow_hold(e, cp);
	else if (cp->flows)
		xdpvs_flow_remove(e, cp);
}

void xdpvs_flow_drop_unavailable(struct xdpvs_engine *e)
{
	/* each connection: one without flows gets a hold too */
	if (e->env.flow_add)
		xdpvs_conn_for_each(e, flow_drop_unavailable);
}

uint32_t xdpvs_flow_count(const struct xdpvs_engine *e)
{
	return e->nr_flows;
}

/* ---- stats slots ---- */

uint32_t xdpvs_flow_slot_get(struct xdpvs_engine *e, struct xdpvs_dest *d)
{
	uint32_t i, s;

	for (i = 1; i < XDPVS_FLOW_MAX_SLOTS; i++) {
		s = (e->slot_hint + i) % XDPVS_FLOW_MAX_SLOTS;
		if (s && !e->slot_dest[s]) {
			e->slot_dest[s] = d;
			e->slot_hint = s;
			return s;
		}
	}
	return 0;	/* none left: this server is slow-path only */
}

void xdpvs_flow_slot_put(struct xdpvs_engine *e, uint32_t slot)
{
	if (slot)
		e->slot_dest[slot] = NULL;
}

static void flow_stats_add(struct xdpvs_stats_est *s,
			   const struct xdpvs_flow_stats *d)
{
	s->kstats.inpkts += d->inpkts;
	s->kstats.outpkts += d->outpkts;
	s->kstats.inbytes += d->inbytes;
	s->kstats.outbytes += d->outbytes;
}

int xdpvs_flow_stats_add(struct xdpvs_engine *e, uint32_t slot,
			 const struct xdpvs_flow_stats *delta)
{
	struct xdpvs_dest *d;

	if (!slot || slot >= XDPVS_FLOW_MAX_SLOTS || !e->slot_dest[slot])
		return -ENOENT;
	d = e->slot_dest[slot];
	/* As the kernel, a removed server's packets count nowhere. */
	if (!xdpvs_dest_is_available(d))
		return 0;
	flow_stats_add(&d->stats, delta);
	flow_stats_add(&d->svc->stats, delta);
	flow_stats_add(&e->tot_stats, delta);
	return 0;
}
