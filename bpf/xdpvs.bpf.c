/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xdpvsd's XDP program, one instance on each of its interfaces: the filter
 * that hands the packets of the virtual services (and the NAT replies, and
 * the ICMP errors about them) to xdpvsd's AF_XDP socket on the receiving
 * queue, and everything else to the kernel with XDP_PASS.  Which packets
 * go up and why the choice must be precise is in include/xdpvs/dp.h; the
 * maps are filled by dp/xdp.c from the engine's configuration and the
 * kernel's addresses.
 *
 * The fast path (established flows rewritten here, include/xdpvs/flow.h)
 * comes later; its maps are declared here so that xdpvsd creates and pins
 * them with the rest, and they must keep the layouts of flow.h.
 *
 * Headers are read with direct packet access: fixed offsets, IPv4 options
 * skipped by the header length.  IPv6 extension headers are not walked
 * and IPv4 fragments are not looked into: such packets pass (the engine
 * would drop fragments to a virtual address anyway).  One 802.1Q tag is
 * skipped.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include <xdpvs/dp.h>
#include <xdpvs/flow.h>
#include <xdpvs/hdr.h>

#define AF_INET		2
#define AF_INET6	10
#define ETH_P_8021Q_	0x8100
#define IP_MF_OFFSET	0x3fff	/* more fragments and the offset */
#define ICMP_HDR_LEN	8	/* type, code, checksum, 4 bytes of rest */
#define FTP_PORT	21
#define FTP_DATA_PORT	20
#define PROT_SOCK	1024	/* below: privileged ports */

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

SEC("xdp")
int xdpvs_xdp(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	__u64 bytes = end - data;
	__u32 qid = ctx->rx_queue_index;
	__u32 idx;

	count(XDPVS_DP_RX, bytes);
	idx = classify(data, end);
	if (!idx) {
		count(XDPVS_DP_PASS, bytes);
		return XDP_PASS;
	}
	count(idx, bytes);
	if (!bpf_map_lookup_elem(&xdpvs_xsks, &qid)) {
		count(XDPVS_DP_NO_XSK, bytes);
		return XDP_PASS;
	}
	return bpf_redirect_map(&xdpvs_xsks, qid, XDP_PASS);
}

char LICENSE[] SEC("license") = "GPL";
