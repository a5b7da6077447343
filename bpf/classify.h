/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The filter: which packets go up to xdpvsd's AF_XDP sockets, by the
 * rules of include/xdpvs/dp.h.  Packets to a service or a mark prefix
 * (rules 1 and 2), NAT replies (3), ICMP errors about any of those (4),
 * fragments by address alone (5); classify() says which, or 0 for the
 * kernel.  is_l4() serves the fast path too.
 *
 * A piece of bpf/xdpvs.bpf.c (one compilation unit): included once,
 * after xdpvs_maps.h.
 */
#ifndef XDPVS_BPF_CLASSIFY_H
#define XDPVS_BPF_CLASSIFY_H

/* Addresses and ports of one packet (or of the packet an ICMP error
 * quotes). */
struct tuple {
	__u8 af;
	__u8 proto;
	__be16 sport;
	__be16 dport;
	union xdpvs_addr saddr;
	union xdpvs_addr daddr;
};

static __always_inline int is_l4(__u8 proto)
{
	return proto == IPPROTO_TCP || proto == IPPROTO_UDP ||
	       proto == IPPROTO_SCTP;
}

static __always_inline __u8 proto_bit(__u8 proto)
{
	return proto == IPPROTO_TCP ? XDPVS_DP_PROTO_TCP :
	       proto == IPPROTO_UDP ? XDPVS_DP_PROTO_UDP : XDPVS_DP_PROTO_SCTP;
}

/* Is <af, proto, addr, port> a service (dp.h, rule 1)? */
static __always_inline int svc_match(__u8 af, __u8 proto,
				     const union xdpvs_addr *addr, __be16 port)
{
	struct xdpvs_dp_addr_key k = { .af = af, .proto = proto, .port = port };
	struct xdpvs_dp_svc_val *v;
	__u16 p = bpf_ntohs(port);

	__builtin_memcpy(&k.addr, addr, sizeof(k.addr));
	if (bpf_map_lookup_elem(&xdpvs_svcs, &k))
		return 1;
	k.port = 0;
	if (bpf_map_lookup_elem(&xdpvs_svcs, &k))
		return 1;
	if (proto != IPPROTO_TCP || (p != FTP_DATA_PORT && p < PROT_SOCK))
		return 0;
	k.port = bpf_htons(FTP_PORT);
	v = bpf_map_lookup_elem(&xdpvs_svcs, &k);
	return v && (v->flags & XDPVS_DP_SVC_F_FTP);
}

/* Is addr:port (proto) covered by a mark rule with a service (rule 2)? */
static __always_inline int mark_match(__u8 af, __u8 proto,
				      const union xdpvs_addr *addr,
				      __be16 port)
{
	struct xdpvs_dp_mark_key k = { .prefixlen = 32 + 128, .af = af };
	struct xdpvs_dp_mark_val *v;
	__u16 p = bpf_ntohs(port);

	__builtin_memcpy(&k.addr, addr, sizeof(k.addr));
	v = bpf_map_lookup_elem(&xdpvs_marks, &k);
	return v && (v->protos & proto_bit(proto)) && p >= v->port_lo &&
	       p <= v->port_hi;
}

/* Is addr:port (proto) a masquerading real server (rule 3)? */
static __always_inline int nat_rs_match(__u8 af, __u8 proto,
					const union xdpvs_addr *addr,
					__be16 port)
{
	struct xdpvs_dp_addr_key k = { .af = af, .proto = proto, .port = port };

	__builtin_memcpy(&k.addr, addr, sizeof(k.addr));
	if (bpf_map_lookup_elem(&xdpvs_nat_rs, &k))
		return 1;
	k.port = 0;
	return bpf_map_lookup_elem(&xdpvs_nat_rs, &k) != 0;
}

static __always_inline int is_local(__u8 af, const union xdpvs_addr *addr)
{
	struct xdpvs_dp_local_key k = { .af = af };

	__builtin_memcpy(&k.addr, addr, sizeof(k.addr));
	return bpf_map_lookup_elem(&xdpvs_local, &k) != 0;
}

/*
 * Parse the IP header at data + off (family from ethertype-like af) and
 * the ports after it into t; *l4 is set to the transport header's offset.
 * Returns 0, or -1 when it is not a whole unfragmented (first fragment
 * for quoted packets: quoted is non-zero) IPv4/IPv6 packet with a
 * transport header we know (ICMP counts, without ports).
 */
#define IP6_MAX_EXT 8	/* extension headers walked, as core/pkt.c */

/*
 * Past the IPv6 extension headers that may come before the transport
 * header (hop-by-hop, routing, destination options, AH), *off at the
 * first with type *nh: *off and *nh are then those of what follows them.
 * A fragment header stops the walk; with first_frag, that of a first
 * fragment is walked past as the others (in a quoted packet, whose ports
 * follow it) and a later fragment's is -1.  -1 too if cut short or more
 * than IP6_MAX_EXT, a fragment header walked past counting.
 */
static __always_inline int ip6_skip_ext(void *data, void *end, __u32 *off,
					__u8 *nh, int first_frag)
{
	int i;

	#pragma unroll
	for (i = 0; i <= IP6_MAX_EXT; i++) {
		__u8 *h;

		if (*nh != IPPROTO_HOPOPTS && *nh != IPPROTO_ROUTING &&
		    *nh != IPPROTO_DSTOPTS && *nh != IPPROTO_AH &&
		    !(first_frag && *nh == IPPROTO_FRAGMENT))
			return 0;
		if (i == IP6_MAX_EXT || *off > 0xffff)
			return -1;
		h = data + *off;
		if ((void *)(h + 2) > end)
			return -1;
		if (first_frag && *nh == IPPROTO_FRAGMENT) {
			if ((void *)(h + 4) > end || (h[2] << 8 | h[3]) & 0xfff8)
				return -1;
			*off += 8;
		} else {
			*off += *nh == IPPROTO_AH ? ((__u32)h[1] + 2) * 4 :
						    ((__u32)h[1] + 1) * 8;
		}
		*nh = h[0];
	}
	return -1;
}

/*
 * The extension headers of an IPv6 packet an ICMPv6 error quotes, from
 * off (type nh) on, a first fragment's header included: (the offset of
 * what follows them << 8 | its type), or -1 (ip6_skip_ext()).  A global
 * function: the verifier checks it once, on its own, not on every path
 * of the program that reaches an ICMP error.
 */
__noinline int ip6_quote_walk(struct xdp_md *ctx, __u64 off, __u64 nh)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	__u32 o = off;
	__u8 n = nh;

	if (off > 0x7fff || ip6_skip_ext(data, end, &o, &n, 1) || o > 0x7fff)
		return -1;
	return (int)(o << 8 | n);
}

static __always_inline int parse_ip(struct xdp_md *ctx, void *data,
				    void *end, __u32 off, __u8 af, int quoted,
				    struct tuple *t, __u32 *l4)
{
	if (af == AF_INET) {
		struct iphdr *ip = data + off;
		__u32 hl;

		if ((void *)(ip + 1) > end || ip->version != 4)
			return -1;
		hl = ip->ihl * 4;
		if (hl < sizeof(*ip))
			return -1;
		/* Later fragments carry no ports; a quoted error keeps the
		 * first 8 bytes of a first fragment. */
		if (ip->frag_off & bpf_htons(quoted ? 0x1fff : IP_MF_OFFSET))
			return -1;
		t->saddr.ip = ip->saddr;
		t->daddr.ip = ip->daddr;
		t->proto = ip->protocol;
		*l4 = off + hl;
	} else {
		struct ipv6hdr *ip6 = data + off;

		if ((void *)(ip6 + 1) > end || ip6->version != 6)
			return -1;
		__builtin_memcpy(&t->saddr, &ip6->saddr, 16);
		__builtin_memcpy(&t->daddr, &ip6->daddr, 16);
		t->proto = ip6->nexthdr;
		*l4 = off + sizeof(*ip6);
		if (quoted) {
			int w = ip6_quote_walk(ctx, *l4, t->proto);

			if (w < 0)
				return -1;
			*l4 = (__u32)w >> 8;
			t->proto = (__u8)w;
		} else if (ip6_skip_ext(data, end, l4, &t->proto, 0)) {
			return -1;
		}
	}
	t->af = af;
	if (is_l4(t->proto)) {
		__be16 *ports = data + *l4;

		/* (0x7fff: a bound the verifier can add 4 to; XDP sees a
		 * page) */
		if (*l4 > 0x7fff || (void *)(ports + 2) > end)
			return -1;
		t->sport = ports[0];
		t->dport = ports[1];
	}
	return 0;
}

/* A packet to a service or a mark prefix (rules 1 and 2): its counter
 * index, or 0. */
static __always_inline __u32 match_in(const struct tuple *t)
{
	if (svc_match(t->af, t->proto, &t->daddr, t->dport))
		return XDPVS_DP_XSK_SVC;
	if (mark_match(t->af, t->proto, &t->daddr, t->dport))
		return XDPVS_DP_XSK_MARK;
	return 0;
}

/* The offset where the IP packet at off (family af) ends, by its
 * header's length field; 0 if it cannot be read.  What follows is link
 * padding, which the engine does not read as the packet's. */
static __always_inline __u32 ip_end(void *data, void *end, __u32 off,
				    __u8 af)
{
	if (af == AF_INET) {
		struct iphdr *ip = data + off;

		if ((void *)(ip + 1) > end)
			return 0;
		return off + bpf_ntohs(ip->tot_len);
	} else {
		struct ipv6hdr *ip6 = data + off;

		if ((void *)(ip6 + 1) > end)
			return 0;
		return off + sizeof(*ip6) + bpf_ntohs(ip6->payload_len);
	}
}

/* Is this ICMP error about a packet of ours (rule 4)?  ipend: where the
 * error's IP packet ends: the quoted ports must be within it. */
static __always_inline int icmp_match(struct xdp_md *ctx, void *data,
				      void *end, __u32 l4,
				      __u32 ipend, const struct tuple *outer)
{
	__u8 *icmp = data + l4;
	struct tuple q = {};
	__u32 ql4;

	if (l4 > 0xffff || (void *)(icmp + ICMP_HDR_LEN) > end)
		return 0;
	if (outer->af == AF_INET) {
		__u8 type = icmp[0];

		if (type != 3 && type != 4 && type != 11 && type != 12)
			return 0;
	} else if (icmp[0] >= 128) {
		return 0;
	}
	if (parse_ip(ctx, data, end, l4 + ICMP_HDR_LEN, outer->af, 1, &q,
		     &ql4) ||
	    !is_l4(q.proto) || ql4 + 4 > ipend)
		return 0;
	/* client -> service, service -> client, client -> NAT real server */
	return match_in(&q) ||
	       svc_match(q.af, q.proto, &q.saddr, q.sport) ||
	       nat_rs_match(q.af, q.proto, &q.daddr, q.dport);
}

/* A fragment of a datagram to a service's address or from a masquerading
 * real server (dp.h, rule 5)?  proto: the datagram's protocol. */
static __always_inline int frag_match(__u8 af, __u8 proto,
				      const union xdpvs_addr *saddr,
				      const union xdpvs_addr *daddr)
{
	struct xdpvs_dp_addr_key k = { .af = af };
	struct xdpvs_dp_mark_key mk = { .prefixlen = 32 + 128, .af = af };
	struct xdpvs_dp_mark_val *mv;

	if (!is_l4(proto))
		return 0;
	__builtin_memcpy(&k.addr, daddr, sizeof(k.addr));
	if (bpf_map_lookup_elem(&xdpvs_svcs, &k))
		return 1;
	/* A mark prefix whose rules take any port of the protocol: the
	 * engine tells (core/mark.c), its datagram whole. */
	__builtin_memcpy(&mk.addr, daddr, sizeof(mk.addr));
	mv = bpf_map_lookup_elem(&xdpvs_marks, &mk);
	if (mv && (mv->protos & proto_bit(proto)) && !mv->port_lo &&
	    mv->port_hi == 65535)
		return 1;
	__builtin_memcpy(&k.addr, saddr, sizeof(k.addr));
	return bpf_map_lookup_elem(&xdpvs_nat_rs, &k) && !is_local(af, daddr);
}

/* Is the IP packet at off a fragment for the engine to reassemble? */
static __always_inline int is_our_fragment(void *data, void *end, __u32 off,
					   __u8 af)
{
	union xdpvs_addr s = {}, d = {};

	if (af == AF_INET) {
		struct iphdr *ip = data + off;

		if ((void *)(ip + 1) > end || ip->version != 4 ||
		    !(ip->frag_off & bpf_htons(IP_MF_OFFSET)))
			return 0;
		s.ip = ip->saddr;
		d.ip = ip->daddr;
		return frag_match(AF_INET, ip->protocol, &s, &d);
	} else {
		struct ipv6hdr *ip6 = data + off;
		__u32 fo = off + sizeof(*ip6);
		__u8 nh, *fh;

		if ((void *)(ip6 + 1) > end || ip6->version != 6)
			return 0;
		nh = ip6->nexthdr;
		if (ip6_skip_ext(data, end, &fo, &nh, 0) ||
		    nh != IPPROTO_FRAGMENT || fo > 0xffff)
			return 0;
		fh = data + fo;
		if ((void *)(fh + 8) > end)
			return 0;
		__builtin_memcpy(&s, &ip6->saddr, 16);
		__builtin_memcpy(&d, &ip6->daddr, 16);
		return frag_match(AF_INET6, fh[0], &s, &d);
	}
}

/*
 * Past the VLAN tags after the Ethernet header at *off, whose type is
 * *type: up to two, 802.1Q or 802.1ad, as the engine skips them
 * (core/pkt.c), so that a frame the engine would take is not left to
 * the host for its tags.  *off and *type are then those of what they
 * carry; -1 if a tag is cut short.
 */
static __always_inline int skip_vlans(void *data, void *end, __u32 *off,
				      __u16 *type)
{
	int i;

	#pragma unroll
	for (i = 0; i < 2; i++) {
		struct xdpvs_vlanhdr *vh = data + *off;

		if (*type != ETH_P_8021Q_ && *type != ETH_P_8021AD_)
			return 0;
		if ((void *)(vh + 1) > end)
			return -1;
		*type = bpf_ntohs(vh->proto);
		*off += sizeof(*vh);
	}
	return 0;
}

/* What to do with the packet: a XDPVS_DP_XSK_* counter, or 0 (pass). */
static __always_inline __u32 classify(struct xdp_md *ctx, void *data,
				      void *end)
{
	struct ethhdr *eth = data;
	struct tuple t = {};
	__u32 off = sizeof(*eth), l4;
	__u16 type;
	__u8 af;

	if ((void *)(eth + 1) > end)
		return 0;
	type = bpf_ntohs(eth->h_proto);
	if (skip_vlans(data, end, &off, &type))
		return 0;
	if (type == ETH_P_IP)
		af = AF_INET;
	else if (type == ETH_P_IPV6)
		af = AF_INET6;
	else
		return 0;
	if (is_our_fragment(data, end, off, af))
		return XDPVS_DP_XSK_FRAG;
	if (parse_ip(ctx, data, end, off, af, 0, &t, &l4))
		return 0;
	if (is_l4(t.proto)) {
		__u32 idx = match_in(&t);

		if (idx)
			return idx;
		if (nat_rs_match(af, t.proto, &t.saddr, t.sport) &&
		    !is_local(af, &t.daddr))
			return XDPVS_DP_XSK_NAT;
		return 0;
	}
	if ((af == AF_INET && t.proto == IPPROTO_ICMP) ||
	    (af == AF_INET6 && t.proto == IPPROTO_ICMPV6))
		return icmp_match(ctx, data, end, l4, ip_end(data, end, off, af),
				  &t) ? XDPVS_DP_XSK_ICMP : 0;
	return 0;
}

#endif
