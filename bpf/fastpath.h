/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The fast path's verdict on a packet of a flow (include/xdpvs/flow.h):
 * fp_parse() makes its key, fp_to_engine() says whether the fast path
 * may forward it or it goes up (see bpf/xdpvs.bpf.c's top), and
 * fp_flow() tells the engine, through xdpvs_events, of the TCP state
 * changes the fast path forwards (handshake done, FIN, RST).  The
 * packet itself is rewritten by fp_xmit.h.
 *
 * A piece of bpf/xdpvs.bpf.c (one compilation unit): included once,
 * after classify.h (is_l4()).
 */
#ifndef XDPVS_BPF_FASTPATH_H
#define XDPVS_BPF_FASTPATH_H

/* A frame that may belong to a flow: its key, where its IP header is. */
struct fp_pkt {
	struct xdpvs_flow_key key;
	__u8 l3;		/* IP header offset: 14, 18 with a VLAN tag */
	__u32 iplen;		/* IP packet length, from its header */
	__u32 flen;		/* frame length, its fragments (jumbo) too:
				 * only the first buffer is between data and
				 * end, which holds the headers */
	__u8 ttl;
};

/* Is the IPv4 header at ip (20 bytes: no options) intact?  The kernel's
 * IP layer drops it otherwise, before IPVS, and so does the engine
 * (core/pkt.c): such a packet goes up, for the engine to count. */
static __always_inline int fp_ip4_csum_ok(const __u8 *ip)
{
	__u32 sum = 0;
	int i;

	#pragma unroll
	for (i = 0; i < 20; i += 2)
		sum += (__u32)ip[i] << 8 | ip[i + 1];
	return xdpvs_csum_fold(sum) == 0xffff;
}

/* Fill p from a frame with one unfragmented, intact IPv4 header without
 * options or one IPv6 header, then TCP, UDP or SCTP ports; -1 for anything else. */
static __always_inline int fp_parse(void *data, void *end, struct fp_pkt *p)
{
	struct ethhdr *eth = data;
	__u32 off = sizeof(*eth);
	__be16 *ports;
	__u16 type;

	if ((void *)(eth + 1) > end)
		return -1;
	type = bpf_ntohs(eth->h_proto);
	if (type == ETH_P_8021Q_) {
		struct xdpvs_vlanhdr *vh = data + off;

		if ((void *)(vh + 1) > end)
			return -1;
		type = bpf_ntohs(vh->proto);
		off += sizeof(*vh);
	}
	p->l3 = (__u8)off;
	if (type == ETH_P_IP) {
		struct iphdr *ip = data + off;

		if ((void *)(ip + 1) > end || ip->version != 4 ||
		    ip->ihl != 5 || (ip->frag_off & bpf_htons(IP_MF_OFFSET)) ||
		    !fp_ip4_csum_ok((const __u8 *)ip))
			return -1;
		p->key.af = AF_INET;
		p->key.proto = ip->protocol;
		p->key.saddr.ip = ip->saddr;
		p->key.daddr.ip = ip->daddr;
		p->iplen = bpf_ntohs(ip->tot_len);
		p->ttl = ip->ttl;
		off += sizeof(*ip);
	} else if (type == ETH_P_IPV6) {
		struct ipv6hdr *ip6 = data + off;

		if ((void *)(ip6 + 1) > end || ip6->version != 6)
			return -1;
		p->key.af = AF_INET6;
		p->key.proto = ip6->nexthdr;	/* extension headers: no */
		__builtin_memcpy(&p->key.saddr, &ip6->saddr, 16);
		__builtin_memcpy(&p->key.daddr, &ip6->daddr, 16);
		p->iplen = sizeof(*ip6) + bpf_ntohs(ip6->payload_len);
		p->ttl = ip6->hop_limit;
		off += sizeof(*ip6);
	} else {
		return -1;
	}
	if (!is_l4(p->key.proto))
		return -1;
	ports = data + off;
	if ((void *)(ports + 2) > end)
		return -1;
	p->key.sport = ports[0];
	p->key.dport = ports[1];
	return 0;
}

/* SCTP chunks that leave an ESTABLISHED association as it is: those the
 * engine's table counts as DATA (core/proto_sctp.c). */
static __always_inline int fp_sctp_data(__u8 type)
{
	return type == XDPVS_SCTP_CID_DATA || type == XDPVS_SCTP_CID_SACK ||
	       type == XDPVS_SCTP_CID_HEARTBEAT ||
	       type == XDPVS_SCTP_CID_HEARTBEAT_ACK ||
	       type == XDPVS_SCTP_CID_ECN_ECNE ||
	       type == XDPVS_SCTP_CID_ECN_CWR ||
	       type > XDPVS_SCTP_CID_SHUTDOWN_COMPLETE;
}

/* Is the value one this program can apply (a tunnel template in range,
 * its checksum within reach)? */
static __always_inline int fp_value_ok(const struct fp_pkt *p,
				       const struct xdpvs_flow_value *v)
{
	__u32 iphl = v->daf == AF_INET6 ? 40 : 20;

	if (v->action == XDPVS_FLOW_DNAT || v->action == XDPVS_FLOW_SNAT ||
	    v->action == XDPVS_FLOW_DR)
		return v->daf == p->key.af;
	if (v->action != XDPVS_FLOW_TUN)
		return 0;
	if (v->encap_len < iphl || v->encap_len > XDPVS_FLOW_ENCAP_MAX ||
	    (v->encap_len & 3) || v->mtu < 68)
		return 0;
	if ((v->flags & (XDPVS_FLOW_F_UDP_CSUM | XDPVS_FLOW_F_GRE_CSUM)) &&
	    v->encap_len - iphl + p->iplen > FP_CHUNK * FP_MAX_CHUNKS)
		return 0;
	return 1;
}

/* What fp_to_engine() decides. */
enum fp_verdict {
	FP_FORWARD,	/* the fast path forwards it */
	FP_UP,		/* the engine's */
	FP_ESTABLISH,	/* forward it and tell the engine (fp_establish) */
	FP_FIN,		/* forward it and tell the engine (fp_tell) */
	FP_RST,		/* the same */
	FP_REUSE,	/* a SYN reusing a closed connection's port: to
			 * schedule with a pick (fp_pick), else up */
	FP_NEW,		/* no flow: to schedule with a pick, else up */
};

/*
 * A TCP packet with flags f on a flow in SYN_RECV (flow.h): the real
 * server's SYN+ACK leaves the state as it is (IPVS's table: output "syn"
 * in SYN_RECV), the client's ACK makes it ESTABLISHED (input "ack"); the
 * engine sees the rest.
 */
static __always_inline int fp_syn_recv(__u8 f, const struct xdpvs_flow_value *v)
{
	if (v->action == XDPVS_FLOW_SNAT)
		return f == (XDPVS_TCP_SYN | XDPVS_TCP_ACK) ? FP_FORWARD :
							      FP_UP;
	return f == XDPVS_TCP_ACK ? FP_ESTABLISH : FP_UP;
}

/* Is v the client's flow of a connection the fast path saw closed, FINs
 * of both sides or a RST (pick.h, port reuse), past its handshake? */
static __always_inline int fp_closed(const struct xdpvs_flow_value *v)
{
	__u8 m = XDPVS_FLOW_F_SYN_RECV | XDPVS_FLOW_F_FIN_IN |
		 XDPVS_FLOW_F_FIN_OUT;

	return v->action != XDPVS_FLOW_SNAT &&
	       (v->flags & m) == (XDPVS_FLOW_F_FIN_IN | XDPVS_FLOW_F_FIN_OUT);
}

/*
 * A TCP packet with flags f on flow v past its handshake (flow.h): ACK
 * alone moves the state nowhere; RST and FIN move it within the states
 * such flows are in, for the engine to learn from an event; a SYN
 * without ACK, FIN and RST on a closed connection may start a new one
 * (pick.h, port reuse); another SYN and a segment without any of them
 * (CLOSE) are the engine's to see.
 */
static __always_inline int fp_tcp(__u8 f, const struct xdpvs_flow_value *v)
{
	if (f == XDPVS_TCP_SYN && fp_closed(v))
		return FP_REUSE;
	if (f & XDPVS_TCP_SYN)
		return FP_UP;
	if (f & XDPVS_TCP_RST)
		return FP_RST;
	if (f & XDPVS_TCP_FIN)
		return FP_FIN;
	return f == XDPVS_TCP_ACK ? FP_FORWARD : FP_UP;
}

/* Must this packet of a flow go to the engine (see xdpvs.bpf.c's top)? */
static __always_inline int fp_to_engine(void *data, void *end,
					const struct fp_pkt *p,
					const struct xdpvs_flow_value *v)
{
	__u32 hl = p->key.af == AF_INET ? 20 : 40;
	__u8 *l4 = data + p->l3 + hl;
	__u8 f;

	if (p->ttl <= 1 || p->iplen > v->mtu || p->iplen < hl + 8 ||
	    p->l3 + p->iplen > p->flen || !fp_value_ok(p, v))
		return FP_UP;
	/* The headers read must be in the IP packet, not in link padding
	 * after it: checked against its length as well as the frame's. */
	if (p->key.proto == IPPROTO_TCP) {
		if ((void *)(l4 + 20) > end || p->iplen < hl + 20)
			return FP_UP;
		f = l4[13] & (XDPVS_TCP_SYN | XDPVS_TCP_FIN | XDPVS_TCP_RST |
			      XDPVS_TCP_ACK);
		if (v->flags & XDPVS_FLOW_F_SYN_RECV)
			return fp_syn_recv(f, v);
		return fp_tcp(f, v);
	}
	if (p->key.proto == IPPROTO_UDP) {
		if ((void *)(l4 + 8) > end)
			return FP_UP;
		return p->key.af == AF_INET6 &&
		       !xdpvs_get16(l4 + XDPVS_UDP_CSUM) ? FP_UP : FP_FORWARD;
	}
	if ((void *)(l4 + 16) > end || p->iplen < hl + 16 ||
	    (v->flags & XDPVS_FLOW_F_SCTP))
		return FP_UP;
	return fp_sctp_data(l4[12]) ? FP_FORWARD : FP_UP;
}

/* *k = the key of the real server's flow of NAT flow v, p a packet of the
 * client's. */
static __always_inline void fp_reply_key(const struct fp_pkt *p,
					 const struct xdpvs_flow_value *v,
					 struct xdpvs_flow_key *k)
{
	k->af = p->key.af;
	k->proto = p->key.proto;
	k->sport = v->new_dport;
	k->dport = p->key.sport;
	k->pad = 0;
	__builtin_memcpy(&k->saddr, &v->new_daddr, sizeof(k->saddr));
	__builtin_memcpy(&k->daddr, &p->key.saddr, sizeof(k->daddr));
}

/* The real server's flow of NAT flow v (p a packet of the client's), its
 * SYN_RECV mark cleared. */
static __always_inline void fp_reply_unmark(const struct fp_pkt *p,
					    const struct xdpvs_flow_value *v)
{
	struct xdpvs_flow_key k;
	struct xdpvs_flow_value *r;

	fp_reply_key(p, v, &k);
	r = bpf_map_lookup_elem(&xdpvs_flows, &k);
	if (r && r->gen == v->gen)
		r->flags &= (__u8)~XDPVS_FLOW_F_SYN_RECV;
}

/* Post an event of type about the packet p of flow v: 0, or -1 when the
 * ring is full.  No wake-up: xdpvsd reads the ring before its next batch
 * of packets, so the engine learns of it before anything later. */
static __always_inline int fp_tell(const struct fp_pkt *p,
				   const struct xdpvs_flow_value *v,
				   __u32 type)
{
	struct xdpvs_flow_event *ev;

	ev = bpf_ringbuf_reserve(&xdpvs_events, sizeof(*ev), 0);
	if (!ev)
		return -1;
	__builtin_memcpy(&ev->key, &p->key, sizeof(ev->key));
	ev->gen = v->gen;
	ev->type = type;
	bpf_ringbuf_submit(ev, BPF_RB_NO_WAKEUP);
	return 0;
}

/*
 * The client's ACK made the connection of flow v ESTABLISHED: its flows
 * (and the real server's, for NAT, whose answer is on its way) forward as
 * any other from now on, and the engine is told.  FP_UP when the ring is
 * full: the engine then sees the ACK itself.
 */
static __always_inline int fp_establish(const struct fp_pkt *p,
					struct xdpvs_flow_value *v)
{
	if (fp_tell(p, v, XDPVS_FLOW_EV_ESTABLISHED))
		return FP_UP;
	v->flags &= (__u8)~XDPVS_FLOW_F_SYN_RECV;
	if (v->action == XDPVS_FLOW_DNAT)
		fp_reply_unmark(p, v);
	return FP_FORWARD;
}

/* A FIN or RST (verdict fp) of flow v: forwarded, the engine told which
 * and from which side; FP_UP when the ring is full. */
static __always_inline int fp_close(const struct fp_pkt *p,
				    const struct xdpvs_flow_value *v, int fp)
{
	__u32 type = fp == FP_RST ? XDPVS_FLOW_EV_RST : XDPVS_FLOW_EV_FIN;

	if (v->action == XDPVS_FLOW_SNAT)
		type |= XDPVS_FLOW_EV_REPLY;
	return fp_tell(p, v, type) ? FP_UP : FP_FORWARD;
}

/* *k = the key of the client's flow of NAT connection of the real
 * server's flow v, p a packet of the real server's. */
static __always_inline void fp_client_key(const struct fp_pkt *p,
					  const struct xdpvs_flow_value *v,
					  struct xdpvs_flow_key *k)
{
	k->af = p->key.af;
	k->proto = p->key.proto;
	k->sport = p->key.dport;
	k->dport = v->new_sport;
	k->pad = 0;
	__builtin_memcpy(&k->saddr, &p->key.daddr, sizeof(k->saddr));
	__builtin_memcpy(&k->daddr, &v->new_saddr, sizeof(k->daddr));
}

/*
 * Mark the client's flow of the connection of flow v, whose FIN or RST
 * (verdict fp, packet p) was forwarded and told: FIN_IN for the client's
 * FIN, FIN_OUT for the real server's, both for a RST (pick.h, port
 * reuse).  The real server's flow finds the client's by its key, and
 * leaves alone one of another connection (gen).  Not atomic: a mark lost
 * to a race only sends a later SYN up.
 */
static __always_inline void fp_mark_closed(const struct fp_pkt *p,
					   struct xdpvs_flow_value *v, int fp)
{
	__u8 m = XDPVS_FLOW_F_FIN_IN | XDPVS_FLOW_F_FIN_OUT;
	struct xdpvs_flow_value *c = v;
	struct xdpvs_flow_key k;

	if (v->action == XDPVS_FLOW_SNAT) {
		fp_client_key(p, v, &k);
		c = bpf_map_lookup_elem(&xdpvs_flows, &k);
		if (!c || c->gen != v->gen)
			return;
		if (fp == FP_FIN)
			m = XDPVS_FLOW_F_FIN_OUT;
	} else if (fp == FP_FIN) {
		m = XDPVS_FLOW_F_FIN_IN;
	}
	c->flags |= m;
}

/* The verdict on packet p of flow v: fp_to_engine()'s, after telling the
 * engine of the state changes the fast path forwards. */
static __always_inline int fp_flow(void *data, void *end,
				   const struct fp_pkt *p,
				   struct xdpvs_flow_value *v)
{
	int fp = fp_to_engine(data, end, p, v);

	if (fp == FP_ESTABLISH) {
		fp = fp_establish(p, v);
		if (fp == FP_FORWARD)
			count(XDPVS_DP_FAST_EST, p->flen);
	} else if (fp == FP_FIN || fp == FP_RST) {
		int closing = fp;

		fp = fp_close(p, v, fp);
		if (fp == FP_FORWARD) {
			fp_mark_closed(p, v, closing);
			count(XDPVS_DP_FAST_CLOSE, p->flen);
		}
	}
	return fp;
}

#endif
