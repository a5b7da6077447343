/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xdpvsd's XDP program, one instance on each of its interfaces: the fast
 * path, then the filter.
 *
 * The fast path forwards the packets of the flows the engine installed in
 * xdpvs_flows (include/xdpvs/flow.h): key = the packet as it arrives;
 * rewrite with the helpers core/ uses (nat.h, encap.h, csum.h), so the
 * bytes are the engine's (tests/unit/bpf/test_fastpath.c compares them);
 * stamp last_seen, add to the real server's per-CPU stats slot, and
 * XDP_TX (out of the receiving interface) or redirect (xdpvs_tx).  What could
 * change a connection's state in ways the engine must decide, or needs an
 * answer, goes to the engine as if there were no flow: TCP SYN or no ACK;
 * SCTP control chunks; IPv4 options, IPv6 extension headers, fragments,
 * TTL <= 1, more than the flow's mtu; and what this program does not redo
 * (an SCTP CRC32c when the ports change, a whole UDP checksum for IPv6
 * UDP without one).  A TCP handshake's flows (XDPVS_FLOW_F_SYN_RECV)
 * forward the real server's SYN+ACK and the client's ACK, and other flows
 * forward TCP FIN and RST; the engine learns of those state changes from
 * events in xdpvs_events (flow.h), and FIN and RST leave marks on the
 * client's flow.  A TCP SYN or a UDP datagram that matches no flow, or a
 * SYN on a client flow marked closed both ways (a client reusing its
 * port), is scheduled here
 * when its service has picks the engine made ahead (include/xdpvs/pick.h):
 * its flows installed from a template (over the closed connection's),
 * then forwarded as any flow's packet, the engine told by an event.
 *
 * The filter hands the packets of the virtual services (and the NAT
 * replies, and the ICMP errors about them) to xdpvsd's AF_XDP socket on
 * the receiving queue, and everything else to the kernel with XDP_PASS.
 * Which packets go up and why the choice must be precise is in
 * include/xdpvs/dp.h; the maps are filled by dp/xdp.c from the engine's
 * configuration and the kernel's addresses.
 *
 * Headers are read with direct packet access: fixed offsets, IPv4 options
 * skipped by the header length, IPv6 extension headers walked (up to 8,
 * as the engine does) to the transport or fragment header.  Fragments go
 * up by address alone (dp.h, rule 5).  One 802.1Q tag is skipped.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include <xdpvs/dp.h>
#include <xdpvs/encap.h>
#include <xdpvs/flow.h>
#include <xdpvs/hdr.h>
#include <xdpvs/nat.h>
#include <xdpvs/pick.h>

#define AF_INET		2
#define AF_INET6	10
#define ETH_P_8021Q_	0x8100
#define IP_MF_OFFSET	0x3fff	/* more fragments and the offset */
#define ICMP_HDR_LEN	8	/* type, code, checksum, 4 bytes of rest */
#define FTP_PORT	21
#define FTP_DATA_PORT	20
#define PROT_SOCK	1024	/* below: privileged ports */
#define IP_DF_HI	0x40	/* DF in the first byte of frag_off */
#define FP_CHUNK	512	/* bytes per bpf_csum_diff() (its limit) */
#define FP_MAX_CHUNKS	18	/* tunnel checksums over 9216 bytes at most */

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XDPVS_DP_MAX_SVCS);
	__type(key, struct xdpvs_dp_addr_key);
	__type(value, struct xdpvs_dp_svc_val);
} xdpvs_svcs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XDPVS_DP_MAX_NAT_RS);
	__type(key, struct xdpvs_dp_addr_key);
	__type(value, __u8);
} xdpvs_nat_rs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XDPVS_DP_MAX_LOCAL);
	__type(key, struct xdpvs_dp_local_key);
	__type(value, __u8);
} xdpvs_local SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, XDPVS_DP_MAX_MARKS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct xdpvs_dp_mark_key);
	__type(value, struct xdpvs_dp_mark_val);
} xdpvs_marks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, XDPVS_DP_MAX_QUEUES);
	__type(key, __u32);
	__type(value, __u32);
} xdpvs_xsks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, XDPVS_DP_STAT_MAX);
	__type(key, __u32);
	__type(value, struct xdpvs_dp_counter);
} xdpvs_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xdpvs_dp_ctl);
} xdpvs_ctl SEC(".maps");

/* xdpvsd's interfaces, key and value their ifindex: the fast path's
 * redirects go through this devmap when they can (no device lookup per
 * packet), through bpf_redirect() to any other interface. */
struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP_HASH);
	__uint(max_entries, XDPVS_DP_MAX_TX);
	__type(key, __u32);
	__type(value, __u32);
} xdpvs_tx SEC(".maps");

/* The fast path's maps (flow.h); sized by the loader from --conn-max. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 2 * 65536);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct xdpvs_flow_key);
	__type(value, struct xdpvs_flow_value);
} xdpvs_flows SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, XDPVS_FLOW_MAX_SLOTS);
	__type(key, __u32);
	__type(value, struct xdpvs_flow_stats);
} xdpvs_svc_st SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, XDPVS_FLOW_MAX_SLOTS);
	__type(key, __u32);
	__type(value, struct xdpvs_flow_stats);
} xdpvs_dest_st SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, XDPVS_FLOW_EVENTS_SIZE);
} xdpvs_events SEC(".maps");

/* A chunk of packet to sum, with room for zeros up to a 4-byte word. */
struct fp_scratch {
	__u8 b[FP_CHUNK + 4];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct fp_scratch);
} xdpvs_scratch SEC(".maps");

/* New TCP connections scheduled with the engine's picks (pick.h); all
 * three written by xdpvsd. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, XDPVS_PICK_RINGS);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct xdpvs_pick_ring);
} xdpvs_picks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XDPVS_PICK_RINGS);
	__type(key, struct xdpvs_dp_addr_key);
	__type(value, __u32);
} xdpvs_pick_svc SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, XDPVS_FLOW_MAX_SLOTS);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct xdpvs_flow_value);
} xdpvs_pick_tm SEC(".maps");

/* What a pick takes and the flows it installs, built here: two values do
 * not fit on the stack beside the rest of the program's, and a path that
 * leaves more on the stack than the others costs the verifier the
 * filter's walk again. */
struct fp_pick_scratch {
	__u64 wake;			/* the event's submit flag */
	struct xdpvs_pick pk;		/* the pick taken */
	__u32 mtu;			/* the receiving interface's */
	struct xdpvs_dp_addr_key svc;	/* the SYN's service */
	struct xdpvs_flow_key rk;	/* the real server's (NAT) */
	struct xdpvs_flow_value cv;	/* the client's */
	struct xdpvs_flow_value rv;	/* the real server's (NAT) */
	/* A SYN reusing a closed connection's port (pick.h): the flows
	 * its own replace, to put back if it goes up after all. */
	__u32 reuse;			/* this SYN is one */
	__u32 had_rv;			/* old_rv holds one */
	struct xdpvs_flow_value old_cv;	/* the client's */
	struct xdpvs_flow_value old_rv;	/* the real server's at rk */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct fp_pick_scratch);
} xdpvs_pick_scr SEC(".maps");

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

static __always_inline void count(__u32 idx, __u64 bytes)
{
	struct xdpvs_dp_counter *c = bpf_map_lookup_elem(&xdpvs_stats, &idx);

	if (c) {
		c->packets++;
		c->bytes += bytes;
	}
}

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
 * first with type *nh: *off and *nh are then those of what follows them
 * (a fragment header stops the walk).  -1 if cut short or more than
 * IP6_MAX_EXT.
 */
static __always_inline int ip6_skip_ext(void *data, void *end, __u32 *off,
					__u8 *nh)
{
	int i;

	for (i = 0; i <= IP6_MAX_EXT; i++) {
		__u8 *h;

		if (*nh != IPPROTO_HOPOPTS && *nh != IPPROTO_ROUTING &&
		    *nh != IPPROTO_DSTOPTS && *nh != IPPROTO_AH)
			return 0;
		if (i == IP6_MAX_EXT || *off > 0xffff)
			return -1;
		h = data + *off;
		if ((void *)(h + 2) > end)
			return -1;
		*off += *nh == IPPROTO_AH ? ((__u32)h[1] + 2) * 4 :
					    ((__u32)h[1] + 1) * 8;
		*nh = h[0];
	}
	return -1;
}

static __always_inline int parse_ip(void *data, void *end, __u32 off,
				    __u8 af, int quoted, struct tuple *t,
				    __u32 *l4)
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
		/* Not in a quoted packet: one walk less for the verifier,
		 * and such errors are rare (the host's, then). */
		if (!quoted && ip6_skip_ext(data, end, l4, &t->proto))
			return -1;
	}
	t->af = af;
	if (is_l4(t->proto)) {
		__be16 *ports = data + *l4;

		if (*l4 > 0xffff || (void *)(ports + 2) > end)
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

/* Is this ICMP error about a packet of ours (rule 4)? */
static __always_inline int icmp_match(void *data, void *end, __u32 l4,
				      const struct tuple *outer)
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
	if (parse_ip(data, end, l4 + ICMP_HDR_LEN, outer->af, 1, &q, &ql4) ||
	    !is_l4(q.proto))
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
		if (ip6_skip_ext(data, end, &fo, &nh) ||
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

/* What to do with the packet: a XDPVS_DP_XSK_* counter, or 0 (pass). */
static __always_inline __u32 classify(void *data, void *end)
{
	struct ethhdr *eth = data;
	struct tuple t = {};
	__u32 off = sizeof(*eth), l4;
	__u16 type;
	__u8 af;

	if ((void *)(eth + 1) > end)
		return 0;
	type = bpf_ntohs(eth->h_proto);
	if (type == ETH_P_8021Q_) {
		struct xdpvs_vlanhdr *vh = data + off;

		if ((void *)(vh + 1) > end)
			return 0;
		type = bpf_ntohs(vh->proto);
		off += sizeof(*vh);
	}
	if (type == ETH_P_IP)
		af = AF_INET;
	else if (type == ETH_P_IPV6)
		af = AF_INET6;
	else
		return 0;
	if (is_our_fragment(data, end, off, af))
		return XDPVS_DP_XSK_FRAG;
	if (parse_ip(data, end, off, af, 0, &t, &l4))
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
		return icmp_match(data, end, l4, &t) ? XDPVS_DP_XSK_ICMP : 0;
	return 0;
}

/* ------------------------------------------------------------------
 * The fast path
 */

/* A frame that may belong to a flow: its key, where its IP header is. */
struct fp_pkt {
	struct xdpvs_flow_key key;
	__u8 l3;		/* IP header offset: 14, 18 with a VLAN tag */
	__u32 iplen;		/* IP packet length, from its header */
	__u8 ttl;
};

/* Fill p from a frame with one unfragmented IPv4 header without options
 * or one IPv6 header, then TCP, UDP or SCTP ports; -1 for anything else. */
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
		    ip->ihl != 5 || (ip->frag_off & bpf_htons(IP_MF_OFFSET)))
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

/* Must this packet of a flow go to the engine (see the top)? */
static __always_inline int fp_to_engine(void *data, void *end,
					const struct fp_pkt *p,
					const struct xdpvs_flow_value *v)
{
	__u32 hl = p->key.af == AF_INET ? 20 : 40;
	__u8 *l4 = data + p->l3 + hl;
	__u8 f;

	if (p->ttl <= 1 || p->iplen > v->mtu || p->iplen < hl + 8 ||
	    p->l3 + p->iplen > (__u32)(end - data) || !fp_value_ok(p, v))
		return FP_UP;
	if (p->key.proto == IPPROTO_TCP) {
		if ((void *)(l4 + 20) > end)
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
	if ((void *)(l4 + 16) > end || (v->flags & XDPVS_FLOW_F_SCTP))
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
			count(XDPVS_DP_FAST_EST, end - data);
	} else if (fp == FP_FIN || fp == FP_RST) {
		int closing = fp;

		fp = fp_close(p, v, fp);
		if (fp == FP_FORWARD) {
			fp_mark_closed(p, v, closing);
			count(XDPVS_DP_FAST_CLOSE, end - data);
		}
	}
	return fp;
}

/*
 * May packet p, which matched no flow, be scheduled with a pick
 * (pick.h)?  A TCP SYN without ACK, FIN and RST or a UDP datagram
 * (unfragmented: fp_parse() takes no other; over IPv6, with a checksum),
 * untagged, not from the FTP data port (never scheduled), that a flow
 * could forward (TTL, lengths).
 */
static __always_inline int fp_pick_ok(void *data, void *end,
				      const struct fp_pkt *p)
{
	__u32 hl = p->key.af == AF_INET ? 20 : 40;
	__u32 l4len = p->key.proto == IPPROTO_TCP ? 20 : 8;
	__u8 *l4 = data + p->l3 + hl;

	if ((p->key.proto != IPPROTO_TCP && p->key.proto != IPPROTO_UDP) ||
	    p->l3 != sizeof(struct ethhdr) ||
	    p->key.sport == bpf_htons(FTP_DATA_PORT) || p->ttl <= 1 ||
	    p->iplen < hl + l4len || p->l3 + p->iplen > (__u32)(end - data) ||
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
	if (fp_pick_take(r, &s->pk, &s->wake) ||
	    fp_pick_value(p, &s->pk, &s->cv))
		goto discard;
	fp_pick_event(ctx, data, s->mtu, p, &s->cv, ev);
	/* A reused port's flow must still be there: if the engine removed
	 * it meanwhile, it is the engine's to see the SYN. */
	if (bpf_map_update_elem(&xdpvs_flows, &p->key, &s->cv,
				reuse ? BPF_EXIST : BPF_NOEXIST))
		goto discard;
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
discard:
	bpf_ringbuf_discard(ev, 0);
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
	if (err || !s) {
		if (s)
			fp_pick_undo(p, s, v->action == XDPVS_FLOW_DNAT);
		bpf_ringbuf_discard(ev, 0);
		return -1;
	}
	bpf_ringbuf_submit(ev, s->wake);
	count(XDPVS_DP_FAST_NEW, len);
	return 0;
}

/* Make the frame hold the IP packet alone (no link padding) behind head
 * bytes of new headers.  0, or -1 if the frame could not be resized. */
static __always_inline int fp_resize(struct xdp_md *ctx,
				     const struct fp_pkt *p, __u32 head)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	__u32 flen = (__u32)(end - data), want = p->l3 + p->iplen;
	int delta = (int)head - (int)p->l3;

	if (flen > want && bpf_xdp_adjust_tail(ctx, (int)want - (int)flen))
		return -1;
	if (delta && bpf_xdp_adjust_head(ctx, -delta))
		return -1;
	return 0;
}

/* The Ethernet header (and VLAN tag) of the way out, at the frame's start. */
static __always_inline int fp_eth(void *data, void *end,
				  const struct xdpvs_flow_value *v)
{
	__u16 type = v->daf == AF_INET6 ? ETH_P_IPV6 : ETH_P_IP;
	__u8 *eth = data;

	if ((void *)(eth + 18) > end)
		return -1;
	__builtin_memcpy(eth, v->dmac, 6);
	__builtin_memcpy(eth + 6, v->smac, 6);
	if (v->flags & XDPVS_FLOW_F_VLAN) {
		eth[12] = 0x81;
		eth[13] = 0x00;
		eth[14] = (__u8)(v->vlan >> 8);
		eth[15] = (__u8)v->vlan;
		eth += 4;
	}
	eth[12] = (__u8)(type >> 8);
	eth[13] = (__u8)type;
	return 0;
}

/* DNAT or SNAT of ip/l4 (a constant protocol, so that the checksum
 * offsets are constants the verifier can check). */
static __always_inline void fp_nat(__u8 *ip, __u8 *l4, __u8 proto, int v6,
				   const struct xdpvs_flow_value *v)
{
	int dst = v->action == XDPVS_FLOW_DNAT;
	const union xdpvs_addr *a = dst ? &v->new_daddr : &v->new_saddr;
	__be16 port = dst ? v->new_dport : v->new_sport;
	int which = dst ? XDPVS_NAT_DST : XDPVS_NAT_SRC;

	if (v6)
		xdpvs_nat6(ip, l4, proto, which, a->ip6, port);
	else
		xdpvs_nat4(ip, l4, proto, which, a->ip, port);
}

/* NAT and DR of a packet of family v6 (a constant: fixed header sizes
 * for the verifier), the IP header at data + off: TTL first, then the
 * addresses, in the engine's order (core/xmit.c). */
static __always_inline int fp_rewrite_af(void *data, void *end, __u32 off,
					 int v6, const struct fp_pkt *p,
					 const struct xdpvs_flow_value *v)
{
	__u8 *ip = data + off, *l4 = ip + (v6 ? 40 : 20);

	if ((void *)(ip + (v6 ? 40 : 20) + 20) > end) {
		/* Short: UDP and SCTP need less than TCP. */
		if (p->key.proto == IPPROTO_TCP ||
		    (void *)(ip + (v6 ? 40 : 20) + 8) > end)
			return -1;
	}
	if (v6)
		xdpvs_hlim_dec6(ip);
	else
		xdpvs_ttl_dec4(ip);
	if (v->action == XDPVS_FLOW_DR)
		return 0;
	if (p->key.proto == IPPROTO_TCP) {
		if ((void *)(ip + (v6 ? 40 : 20) + 20) > end)
			return -1;
		fp_nat(ip, l4, IPPROTO_TCP, v6, v);
	} else if (p->key.proto == IPPROTO_UDP) {
		if ((void *)(ip + (v6 ? 40 : 20) + 8) > end)
			return -1;
		fp_nat(ip, l4, IPPROTO_UDP, v6, v);
	} else {
		if ((void *)(ip + (v6 ? 40 : 20) + 8) > end)
			return -1;
		fp_nat(ip, l4, IPPROTO_SCTP, v6, v);
	}
	return 0;
}

static __always_inline int fp_rewrite(void *data, void *end, __u32 off,
				      const struct fp_pkt *p,
				      const struct xdpvs_flow_value *v)
{
	if (p->key.af == AF_INET6)
		return fp_rewrite_af(data, end, off, 1, p, v);
	return fp_rewrite_af(data, end, off, 0, p, v);
}

/* *sum = the bpf_csum_diff() sum (host order words) of len bytes of the
 * packet from off, a chunk at a time through the scratch buffer. */
static __always_inline int fp_sum(struct xdp_md *ctx, __u32 off, __u32 len,
				  __u32 *sum)
{
	struct fp_scratch *s;
	__u32 k = 0, i, acc = 0;
	__u64 n;
	__s64 r;

	s = bpf_map_lookup_elem(&xdpvs_scratch, &k);
	if (!s)
		return -1;
	for (i = 0; i < FP_MAX_CHUNKS && len; i++) {
		n = len < FP_CHUNK ? len : FP_CHUNK;
		/* Hide n's origin from clang: the verifier needs the check. */
		asm volatile("" : "+r"(n));
		if (n < 1 || n > FP_CHUNK)
			return -1;
		if (bpf_xdp_load_bytes(ctx, off, s->b, n))
			return -1;
		/* An odd tail is summed as if followed by zeros. */
		s->b[n] = 0;
		s->b[n + 1] = 0;
		s->b[n + 2] = 0;
		r = bpf_csum_diff(0, 0, (__be32 *)s->b, (n + 3) & ~3ULL, acc);
		if (r < 0)
			return -1;
		acc = (__u32)r;
		off += (__u32)n;
		len -= (__u32)n;
	}
	if (len)
		return -1;
	*sum = acc;
	return 0;
}

/* GUE's UDP checksum (with the outer pseudo-header) or GRE's, over the
 * encapsulation and the packet, o being the outer IP header at offset
 * ooff; computed as core/xmit_tun.c does, summed in host order. */
static __always_inline int fp_tun_csum(struct xdp_md *ctx, __u32 ooff,
				       const struct fp_pkt *p,
				       const struct xdpvs_flow_value *v)
{
	int v6 = v->daf == AF_INET6;
	__u32 iphl = v6 ? 40 : 20, plen = v->encap_len - iphl + p->iplen;
	__u32 acc, i;
	__u8 tail[8] = {}, *o;
	void *end;
	__u16 c;

	if (fp_sum(ctx, ooff + iphl, plen, &acc))
		return -1;
	o = (void *)(long)ctx->data + ooff;
	end = (void *)(long)ctx->data_end;
	if ((void *)(o + 48) > end)
		return -1;
	if (v->flags & XDPVS_FLOW_F_UDP_CSUM) {
		/* Pseudo-header: addresses, length, protocol (RFC 768). */
		for (i = 0; i < 8; i++) {
			if (!v6 && i >= 2)
				break;
			acc = xdpvs_csum_add(acc, xdpvs_get32(o + (v6 ? 8 : 12) +
							      4 * i));
		}
		tail[2] = (__u8)(plen >> 8);
		tail[3] = (__u8)plen;
		tail[7] = IPPROTO_UDP;
		acc = xdpvs_csum_add(acc, xdpvs_get32(tail));
		acc = xdpvs_csum_add(acc, xdpvs_get32(tail + 4));
		c = (__u16)~xdpvs_csum_fold(acc);
		xdpvs_put16(o + iphl + XDPVS_UDP_CSUM, c ? c : 0xffff);
	} else {
		c = (__u16)~xdpvs_csum_fold(acc);
		xdpvs_put16(o + iphl + 4, c);
	}
	return 0;
}

/*
 * Tunnel: the inner TTL first, then the template in front and the fields
 * xdpvs_encap_fill() gives it, then the payload checksums, as
 * core/xmit_tun.c.  The outer header starts at data + l2.
 */
static __always_inline int fp_tunnel(struct xdp_md *ctx, __u32 l2,
				     const struct fp_pkt *p,
				     const struct xdpvs_flow_value *v)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	__u32 enc = v->encap_len & 0x7c, i;
	int v6 = p->key.af == AF_INET6, df = 0;
	__u8 *o = data + l2, *in, *l4, ds, ttl;
	__be16 id = 0;

	in = o + enc;
	/* The inner IP header and 8 bytes of transport header. */
	if ((void *)(in + (v6 ? 48 : 28)) > end)
		return -1;
	if (v6) {
		if ((void *)(in + 48) > end)
			return -1;
		xdpvs_hlim_dec6(in);
		ds = (__u8)((in[0] & 0x0f) << 4 | in[1] >> 4);
		ttl = in[XDPVS_IP6_HLIM];
		l4 = in + 40;
	} else {
		xdpvs_ttl_dec4(in);
		ds = in[1];
		ttl = in[XDPVS_IP4_TTL];
		df = (v->flags & XDPVS_FLOW_F_DF) && (in[6] & IP_DF_HI);
		l4 = in + 20;
	}
	if (v->daf == AF_INET && !df)
		id = xdpvs_encap_id(in, v6, l4);
	for (i = 0; i < XDPVS_FLOW_ENCAP_MAX; i += 4) {
		if (i >= enc)
			break;
		if ((void *)(o + i + 4) > end)
			return -1;
		__builtin_memcpy(o + i, v->encap + i, 4);
	}
	if ((void *)(o + 48) > end)
		return -1;
	xdpvs_encap_fill(o, v->daf == AF_INET6, enc, p->iplen, ds, ttl, df,
			 id);
	if (v->flags & (XDPVS_FLOW_F_UDP_CSUM | XDPVS_FLOW_F_GRE_CSUM))
		return fp_tun_csum(ctx, l2, p, v);
	return 0;
}

/* The flow's counters and last-seen time. */
static __always_inline void fp_account(struct xdpvs_flow_value *v, __u32 len)
{
	__u64 now = bpf_ktime_get_coarse_ns();
	__u32 slot = v->dest_idx;
	struct xdpvs_flow_stats *st;

	/* The coarse clock (the last tick) costs no clock read, and its
	 * value changes once a tick: a busy flow's line is written as
	 * seldom (dp/flow.c reads it a tick later, never too early). */
	if (v->last_seen != now)
		v->last_seen = now;
	if (!slot || slot >= XDPVS_FLOW_MAX_SLOTS)
		return;
	st = bpf_map_lookup_elem(&xdpvs_dest_st, &slot);
	if (!st)
		return;
	if (v->action == XDPVS_FLOW_SNAT) {
		st->outpkts++;
		st->outbytes += len;
	} else {
		st->inpkts++;
		st->inbytes += len;
	}
}

/* Forward a packet of a known flow: an XDP verdict, or -1 when the packet
 * (not modified, but for link padding) is for the filter and the engine. */
static __always_inline int fast_path(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct xdpvs_flow_event_new *ev = NULL;
	struct xdpvs_flow_value *v;
	struct fp_pkt p = {};
	__u32 l2, head;
	int err, fp;
	long rc;

	if (fp_parse(data, end, &p))
		return -1;
	v = bpf_map_lookup_elem(&xdpvs_flows, &p.key);
	fp = v ? fp_flow(data, end, &p, v) : FP_NEW;
	if (fp == FP_NEW || fp == FP_REUSE) {
		/* A new connection: forwarded as its flow says, the TCP
		 * flags' rule (a SYN goes up) left aside.  One that reuses
		 * a port goes up as any SYN of a flow if it cannot be. */
		struct xdpvs_flow_value *nv = fp_pick(ctx, &p, &ev,
						      fp == FP_REUSE);

		if (nv) {
			v = nv;
			fp = FP_FORWARD;
		} else if (fp == FP_NEW) {
			return -1;
		}
	}
	l2 = v->flags & XDPVS_FLOW_F_VLAN ? 18 : 14;
	head = l2 + (v->action == XDPVS_FLOW_TUN ? v->encap_len : 0);
	/* Up although an event was posted: the ACK and the event make the
	 * same move, the later one finds it made. */
	err = fp != FP_FORWARD || fp_resize(ctx, &p, head);
	if (ev)
		err = fp_pick_end(&p, v, ev, err, head + p.iplen);
	if (err) {
		count(XDPVS_DP_FAST_UP, end - data);
		return -1;
	}
	if (v->action == XDPVS_FLOW_TUN)
		err = fp_tunnel(ctx, l2, &p, v);
	else
		err = fp_rewrite((void *)(long)ctx->data,
				 (void *)(long)ctx->data_end, l2, &p, v);
	data = (void *)(long)ctx->data;
	end = (void *)(long)ctx->data_end;
	/* Cannot happen (lengths were checked): the packet is half made. */
	if (err || fp_eth(data, end, v))
		return XDP_ABORTED;
	fp_account(v, p.iplen);
	count(XDPVS_DP_FAST, end - data);
	if (v->ifindex == ctx->ingress_ifindex)
		return XDP_TX;
	rc = bpf_redirect_map(&xdpvs_tx, v->ifindex, XDP_PASS);
	return rc == XDP_REDIRECT ? XDP_REDIRECT : bpf_redirect(v->ifindex, 0);
}

/* Is an xdpvsd handing over to its successor (XDPVS_DP_CTL_HOLD)? */
static __always_inline int held(void)
{
	__u32 k = 0;
	struct xdpvs_dp_ctl *c = bpf_map_lookup_elem(&xdpvs_ctl, &k);

	return c && (c->flags & XDPVS_DP_CTL_HOLD);
}

SEC("xdp")
int xdpvs_xdp(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	__u64 bytes = end - data;
	__u32 qid = ctx->rx_queue_index;
	__u32 idx;
	int rc;

	count(XDPVS_DP_RX, bytes);
	rc = fast_path(ctx);
	if (rc >= 0)
		return rc;
	data = (void *)(long)ctx->data;
	end = (void *)(long)ctx->data_end;
	bytes = end - data;
	idx = classify(data, end);
	if (!idx) {
		count(XDPVS_DP_PASS, bytes);
		return XDP_PASS;
	}
	count(idx, bytes);
	if (!bpf_map_lookup_elem(&xdpvs_xsks, &qid)) {
		if (held()) {
			count(XDPVS_DP_HELD, bytes);
			return XDP_DROP;
		}
		count(XDPVS_DP_NO_XSK, bytes);
		return XDP_PASS;
	}
	return bpf_redirect_map(&xdpvs_xsks, qid, XDP_PASS);
}

char LICENSE[] SEC("license") = "GPL";
