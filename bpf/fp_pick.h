/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * New connections scheduled in the fast path (include/xdpvs/pick.h): a
 * TCP SYN or a UDP datagram that matched no flow, or a SYN reusing a
 * closed connection's port, takes its service's next pick; fp_pick()
 * installs its flows from the pick's template and reserves its event,
 * fp_pick_end() submits the event or takes the flows back and gives the
 * pick back (fp_pick_unused()).
 *
 * A piece of bpf/xdpvs.bpf.c (one compilation unit): included once,
 * after fastpath.h.
 */
#ifndef XDPVS_BPF_FP_PICK_H
#define XDPVS_BPF_FP_PICK_H

/*
 * May packet p, which matched no flow, be scheduled with a pick
 * (pick.h)?  A TCP SYN without ACK, FIN and RST or a UDP datagram
 * (unfragmented: fp_parse() takes no other; over IPv6, with a checksum),
 * untagged, not from the FTP data port (never scheduled) nor from port 0
 * (IPVS schedules each such packet anew: no flow), that a flow could
 * forward (TTL, lengths).
 */
static __always_inline int fp_pick_ok(void *data, void *end,
				      const struct fp_pkt *p)
{
	__u32 hl = p->key.af == AF_INET ? 20 : 40;
	__u32 l4len = p->key.proto == IPPROTO_TCP ? 20 : 8;
	__u8 *l4 = data + p->l3 + hl;

	if ((p->key.proto != IPPROTO_TCP && p->key.proto != IPPROTO_UDP) ||
	    p->l3 != sizeof(struct ethhdr) ||
	    p->key.sport == bpf_htons(FTP_DATA_PORT) || !p->key.sport ||
	    p->ttl <= 1 ||
	    p->iplen < hl + l4len || p->l3 + p->iplen > p->flen ||
	    data + sizeof(struct ethhdr) > end)
		return 0;
	/* IPv6 UDP without a checksum: the engine's, as on a flow
	 * (fp_to_engine) */
	if (p->key.proto == IPPROTO_UDP)
		return (void *)(l4 + 8) <= end &&
		       (p->key.af != AF_INET6 || xdpvs_get16(l4 + XDPVS_UDP_CSUM));
	if ((void *)(l4 + 20) > end)
		return 0;
	return (l4[13] & (XDPVS_TCP_SYN | XDPVS_TCP_ACK | XDPVS_TCP_FIN |
			  XDPVS_TCP_RST)) == XDPVS_TCP_SYN;
}

/* The ring of picks of the service SYN p is to, or NULL; its key built
 * in *k (scratch: see fp_pick()). */
static __always_inline struct xdpvs_pick_ring *
fp_pick_ring(const struct fp_pkt *p, struct xdpvs_dp_addr_key *k)
{
	const __u32 *a = (const __u32 *)k, *b;
	struct xdpvs_pick_ring *r;
	__u32 *ring, i, diff = 0;

	k->af = p->key.af;
	k->proto = p->key.proto;
	k->port = p->key.dport;
	__builtin_memcpy(&k->addr, &p->key.daddr, sizeof(k->addr));
	ring = bpf_map_lookup_elem(&xdpvs_pick_svc, k);
	if (!ring)
		return NULL;
	r = bpf_map_lookup_elem(&xdpvs_picks, ring);
	if (!r)
		return NULL;
	/* The ring may be another service's already: this map lags.  One
	 * branch, not one per word: each is a path for the verifier. */
	b = (const __u32 *)&r->svc;
	#pragma unroll
	for (i = 0; i < sizeof(*k) / 4; i++)
		diff |= a[i] ^ b[i];
	return diff ? NULL : r;
}

/* Take ring r's next pick into *pk, and in *wake the flag its event is
 * submitted with: 0, or -1 when its set has none left. */
static __always_inline int fp_pick_take(struct xdpvs_pick_ring *r,
					struct xdpvs_pick *pk, __u64 *wake)
{
	__u64 idx = __sync_fetch_and_add(&r->next, 1);
	__u64 i = idx & ~XDPVS_PICK_SET;
	__u32 set = idx >> 63, n = r->count[set];

	if (i >= n || i >= XDPVS_PICK_SLOTS)
		return -1;
	*pk = r->slot[set][i];
	/* Every XDPVS_PICK_WAKE-th pick and the last: time for xdpvsd to
	 * make the connections, and to publish the next set before this
	 * one runs out. */
	*wake = (i + 1) % XDPVS_PICK_WAKE == 0 || i + 1 == n ?
			BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP;
	return 0;
}

/* *v = the client's flow value of SYN p from pick pk's template: 0, or
 * -1 when there is none this program can apply to p.  Checked once
 * copied: xdpvsd may be writing the template meanwhile. */
static __always_inline int fp_pick_value(const struct fp_pkt *p,
					 const struct xdpvs_pick *pk,
					 struct xdpvs_flow_value *v)
{
	__u32 slot = pk->dest_idx;
	struct xdpvs_flow_value *t;

	t = slot ? bpf_map_lookup_elem(&xdpvs_pick_tm, &slot) : NULL;
	if (!t)
		return -1;
	__builtin_memcpy(v, t, sizeof(*v));
	if (v->action == XDPVS_FLOW_SNAT || !fp_value_ok(p, v) ||
	    p->iplen > v->mtu)
		return -1;
	v->gen = pk->gen;
	/* A new connection: no FIN seen yet (port reuse, pick.h); TCP's
	 * in its handshake. */
	v->flags &= (__u8)~(XDPVS_FLOW_F_FIN_IN | XDPVS_FLOW_F_FIN_OUT);
	if (p->key.proto == IPPROTO_TCP)
		v->flags |= XDPVS_FLOW_F_SYN_RECV;
	v->last_seen = bpf_ktime_get_coarse_ns();
	return 0;
}

/* The event of SYN p, scheduled with client flow v: the way it came in
 * (Ethernet header at eth, interface MTU mtu) and the real server. */
static __always_inline void fp_pick_event(struct xdp_md *ctx, const __u8 *eth,
					  __u32 mtu, const struct fp_pkt *p,
					  const struct xdpvs_flow_value *v,
					  struct xdpvs_flow_event_new *ev)
{
	__builtin_memcpy(&ev->ev.key, &p->key, sizeof(ev->ev.key));
	ev->ev.gen = v->gen;
	ev->ev.type = XDPVS_FLOW_EV_NEW;
	ev->ifindex = ctx->ingress_ifindex;
	ev->mtu = mtu > 0xffff ? 0xffff : (__u16)mtu;
	ev->dest_idx = v->dest_idx;
	__builtin_memcpy(ev->smac, eth, 6);		/* h_dest */
	__builtin_memcpy(ev->dmac, eth + 6, 6);	/* h_source */
	ev->new_dport = v->new_dport;
	ev->pad = 0;
	__builtin_memcpy(&ev->new_daddr, &v->new_daddr,
			 sizeof(ev->new_daddr));
}

/* s->rk, s->rv = the real server's flow of the NAT connection of SYN p
 * (client flow s->cv, event ev): SNAT back to the service, out the way
 * the SYN came in. */
static __always_inline void fp_pick_reply(const struct fp_pkt *p,
					  struct fp_pick_scratch *s,
					  const struct xdpvs_flow_event_new *ev)
{
	struct xdpvs_flow_value *r = &s->rv;

	fp_reply_key(p, &s->cv, &s->rk);
	__builtin_memset(r, 0, sizeof(*r));
	r->action = XDPVS_FLOW_SNAT;
	r->flags = s->cv.flags & XDPVS_FLOW_F_SYN_RECV;
	r->daf = p->key.af;
	r->ifindex = ev->ifindex;
	__builtin_memcpy(r->smac, ev->smac, 6);
	__builtin_memcpy(r->dmac, ev->dmac, 6);
	r->mtu = ev->mtu;
	r->dest_idx = ev->dest_idx;
	r->last_seen = s->cv.last_seen;
	r->new_sport = p->key.dport;
	r->gen = s->cv.gen;
	__builtin_memcpy(&r->new_saddr, &p->key.daddr, sizeof(r->new_saddr));
}

/* For SYN p reusing a closed connection's port: s->old_cv = the
 * client's flow it is to replace.  0, or -1 when that flow is gone or
 * no longer closed (the engine rewrote it since fp_flow() looked). */
static __always_inline int fp_pick_save_client(const struct fp_pkt *p,
					       struct fp_pick_scratch *s)
{
	struct xdpvs_flow_value *o = bpf_map_lookup_elem(&xdpvs_flows,
							 &p->key);

	if (!o)
		return -1;
	__builtin_memcpy(&s->old_cv, o, sizeof(s->old_cv));
	return fp_closed(&s->old_cv) ? 0 : -1;
}

/* For a reused port: s->old_rv = the real server's flow at s->rk, the
 * ended connection's when it went to the same real server; s->had_rv
 * says whether there was one. */
static __always_inline void fp_pick_save_reply(struct fp_pick_scratch *s)
{
	struct xdpvs_flow_value *o = bpf_map_lookup_elem(&xdpvs_flows, &s->rk);

	s->had_rv = o != NULL;
	if (o)
		__builtin_memcpy(&s->old_rv, o, sizeof(s->old_rv));
}

/* Pick pk, taken for SYN p but not used (the SYN goes up), given back
 * to the engine in p's reserved event ev (XDPVS_FLOW_EV_UNUSED): the
 * engine reads it before the SYN and schedules the SYN with it, as IPVS
 * would have (pick.h).  No wake-up: the SYN's is coming. */
static __always_inline void fp_pick_unused(const struct fp_pkt *p,
					   const struct xdpvs_pick *pk,
					   struct xdpvs_flow_event_new *ev)
{
	__builtin_memset(ev, 0, sizeof(*ev));
	__builtin_memcpy(&ev->ev.key, &p->key, sizeof(ev->ev.key));
	ev->ev.gen = pk->gen;
	ev->ev.type = XDPVS_FLOW_EV_UNUSED;
	ev->dest_idx = pk->dest_idx;
	bpf_ringbuf_submit(ev, BPF_RB_NO_WAKEUP);
}

/* Take back the flows a pick installed for SYN p (scratch s): the
 * client's and, with nat, the real server's at s->rk; deleted, or for a
 * reused port (s->reuse) what was there put back. */
static __always_inline void fp_pick_undo(const struct fp_pkt *p,
					 const struct fp_pick_scratch *s,
					 int nat)
{
	if (nat) {
		if (s->reuse && s->had_rv)
			bpf_map_update_elem(&xdpvs_flows, &s->rk, &s->old_rv,
					    BPF_ANY);
		else
			bpf_map_delete_elem(&xdpvs_flows, &s->rk);
	}
	if (s->reuse)
		bpf_map_update_elem(&xdpvs_flows, &p->key, &s->old_cv, BPF_ANY);
	else
		bpf_map_delete_elem(&xdpvs_flows, &p->key);
}

/*
 * Schedule SYN p, which matched no flow or (reuse) a closed connection's
 * client flow, with its service's next pick (pick.h): its flows
 * installed, the client's returned (NULL: up, as before, nothing
 * changed), its event reserved in *evp for fp_pick_end() to submit once
 * the SYN is sure to go.  A reused port's flows are overwritten, what
 * was there saved for fp_pick_undo().
 */
static __always_inline struct xdpvs_flow_value *
fp_pick(struct xdp_md *ctx, const struct fp_pkt *p,
	struct xdpvs_flow_event_new **evp, int reuse)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct xdpvs_flow_event_new *ev;
	struct xdpvs_flow_value *v;
	struct xdpvs_pick_ring *r;
	struct fp_pick_scratch *s;
	__u32 k = 0;
	int nat = 0;

	if (!fp_pick_ok(data, end, p))
		return NULL;
	s = bpf_map_lookup_elem(&xdpvs_pick_scr, &k);
	if (!s)
		return NULL;
	/* Read by fp_pick_undo(), from this SYN or a later one. */
	s->reuse = reuse;
	s->had_rv = 0;
	r = fp_pick_ring(p, &s->svc);
	/* The receiving interface's MTU, for the way back. */
	s->mtu = 0;
	if (!r || (reuse && !(r->flags & XDPVS_PICK_F_REUSE)) ||
	    bpf_check_mtu(ctx, 0, &s->mtu, 0, 0) < 0 ||
	    (reuse && fp_pick_save_client(p, s)))
		return NULL;
	/* Reserved first: the events of a flow come in the ring in the
	 * order its packets came. */
	ev = bpf_ringbuf_reserve(&xdpvs_events, sizeof(*ev), 0);
	if (!ev)
		return NULL;
	if (fp_pick_take(r, &s->pk, &s->wake)) {
		bpf_ringbuf_discard(ev, 0);
		return NULL;
	}
	if (fp_pick_value(p, &s->pk, &s->cv))
		goto unused;
	fp_pick_event(ctx, data, s->mtu, p, &s->cv, ev);
	/* A reused port's flow must still be there: if the engine removed
	 * it meanwhile, it is the engine's to see the SYN. */
	if (bpf_map_update_elem(&xdpvs_flows, &p->key, &s->cv,
				reuse ? BPF_EXIST : BPF_NOEXIST))
		goto unused;
	if (s->cv.action == XDPVS_FLOW_DNAT) {
		fp_pick_reply(p, s, ev);
		if (reuse)
			fp_pick_save_reply(s);
		if (bpf_map_update_elem(&xdpvs_flows, &s->rk, &s->rv,
					reuse ? BPF_ANY : BPF_NOEXIST))
			goto undo;
		nat = 1;
	}
	/* The map's copy, which the packet's accounting writes. */
	v = bpf_map_lookup_elem(&xdpvs_flows, &p->key);
	if (v) {
		*evp = ev;
		return v;
	}
undo:
	fp_pick_undo(p, s, nat);
unused:
	fp_pick_unused(p, &s->pk, ev);
	return NULL;
}

/* A SYN scheduled with a pick, past the last point where it could still
 * go up (err: it goes up): its event submitted, or its flows (client
 * flow v; the rest in the scratch fp_pick() left) taken back.  len: the
 * frame's length on the way out.  Returns 0, or -1 when it goes up. */
static __always_inline int fp_pick_end(const struct fp_pkt *p,
					const struct xdpvs_flow_value *v,
					struct xdpvs_flow_event_new *ev,
					int err, __u32 len)
{
	__u32 k = 0;
	struct fp_pick_scratch *s = bpf_map_lookup_elem(&xdpvs_pick_scr, &k);

	/* Without s (cannot happen: a per-CPU array's slot 0) the flows
	 * stay, for the engine to check against the discarded event's
	 * absence as against any flow. */
	if (!s) {
		bpf_ringbuf_discard(ev, 0);
		return -1;
	}
	if (err) {
		fp_pick_undo(p, s, v->action == XDPVS_FLOW_DNAT);
		fp_pick_unused(p, &s->pk, ev);
		return -1;
	}
	bpf_ringbuf_submit(ev, s->wake);
	count(XDPVS_DP_FAST_NEW, len);
	return 0;
}

#endif
