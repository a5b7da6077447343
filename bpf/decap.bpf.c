/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xdpvs-decap: the XDP program of a real server in tunnel mode.  It strips
 * the outer header(s) IPVS puts in front of a packet (ip_vs_xmit.c:
 * ip_vs_tunnel_xmit, ipvs_gue_encap, ipvs_gre_encap) and passes the inner
 * packet to the stack with XDP_PASS, so tunnel mode works on kernels without
 * the ipip, sit, ip6_tunnel, fou or ip_gre modules.  What it strips:
 *
 *   outer IPv4 or IPv6 (no extension headers), then one of
 *     - nothing: IPIP (protocol 4) or IPv6 (41) straight inside;
 *     - UDP to a configured port + GUE version 0 (proto_ctype 4 or 41,
 *       optional private flags word with the remcsum option) or GUE
 *       version 1 (the IP packet straight after UDP);
 *     - GRE version 0, optional checksum, protocol 0x0800 or 0x86DD;
 *   then the inner IPv4 or IPv6 packet, whose ethertype replaces the outer.
 *
 * The checks follow the kernel's receive paths (ip_tunnel, fou's
 * gue_udp_recv, gre_parse_header): the outer IPv4 header checksum, a
 * non-zero UDP checksum and the GRE checksum are verified; a GUE remcsum
 * option makes us complete the inner transport checksum, as
 * skb_remcsum_process would; outer CE is copied to an ECN-capable inner
 * packet and drops a not-ECT one (RFC 6040, INET_ECN_decapsulate).
 * Anything else, and every packet that is not a tunnel packet for us, goes
 * on unchanged with XDP_PASS; tunnel packets left alone are counted with
 * the reason.  Outer fragments are left to the stack.
 *
 * Headers at variable offsets are read with bpf_xdp_load_bytes into the
 * stack, so the verifier only sees scalar offsets.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include <xdpvs/decap.h>
#include <xdpvs/tunnel.h>

/* Settings, written by the loader through the skeleton before load. */
const volatile __u16 cfg_gue_ports[XDPVS_DECAP_MAX_GUE_PORTS]; /* host order */
const volatile __u32 cfg_nr_gue_ports;
const volatile __u8 cfg_match_addr;	/* only outer daddrs in xdpvs_decap_ad */

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, XDPVS_DECAP_STAT_MAX);
	__type(key, __u32);
	__type(value, struct xdpvs_decap_counter);
} xdpvs_decap_st SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XDPVS_DECAP_MAX_ADDRS);
	__type(key, struct xdpvs_decap_addr);
	__type(value, __u8);
} xdpvs_decap_ad SEC(".maps");

#define NOT_TUNNEL	(-1)	/* parse result: not ours, pass silently */
#define CSUM_CHUNK	256	/* bytes per bpf_csum_diff call (max 512) */
#define CSUM_CHUNKS	64	/* so at most 16 KiB are summed */
#define INET_ECN_MASK	3
#define INET_ECN_CE	3
#define AF_INET		2
#define AF_INET6	10

/* What parsing found: where the inner packet is and what to do to it. */
struct decap_info {
	__u32 inner_off;	/* offset of the inner packet from data */
	__u32 inner_len;	/* its length, from the outer headers */
	__u32 rc_start;		/* remcsum: checksum start, from inner_off */
	__u32 rc_offset;	/* remcsum: checksum field, from inner_off */
	__u8 inner_proto;	/* XDPVS_IPPROTO_IPIP or _IPV6 */
	__u8 outer_ecn;
	__u8 remcsum;		/* complete the inner checksum */
	__u8 stat;		/* counter on success */
};

/* Add len and the frame's bytes to counter idx. */
static __always_inline void count(__u32 idx, __u64 bytes)
{
	struct xdpvs_decap_counter *c = bpf_map_lookup_elem(&xdpvs_decap_st, &idx);

	if (c) {
		c->packets++;
		c->bytes += bytes;
	}
}

/* Fold a 64-bit ones' complement sum to 16 bits (not inverted). */
static __always_inline __u16 csum_fold64(__u64 s)
{
	s = (s & 0xffffffff) + (s >> 32);
	s = (s & 0xffffffff) + (s >> 32);
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (__u16)s;
}

/*
 * Ones' complement sum of len bytes at offset off of the frame, folded to
 * 16 bits (not inverted), in the byte order of the packet's 16-bit words as
 * this CPU reads them.  Returns -1 when the bytes are not in the frame or
 * len is over 16 KiB.  Not inlined: its 256-byte buffer is needed once.
 */
static __noinline int csum_frame(struct xdp_md *ctx, __u32 off, __u32 len32)
{
	__u64 len = len32;	/* 64-bit, so its bounds stay unsigned */
	__u8 buf[CSUM_CHUNK + 4];	/* + 4: the tail is rounded up */
	__u64 sum = 0;
	long r;
	int i;

	for (i = 0; i < CSUM_CHUNKS && len >= CSUM_CHUNK; i++) {
		if (bpf_xdp_load_bytes(ctx, off, buf, CSUM_CHUNK))
			return -1;
		r = bpf_csum_diff(NULL, 0, (void *)buf, CSUM_CHUNK, 0);
		if (r < 0)
			return -1;
		sum += (__u32)r;
		off += CSUM_CHUNK;
		len -= CSUM_CHUNK;
	}
	if (len >= CSUM_CHUNK)
		return -1;
	if (len) {
		/*
		 * len is 1..255 here, but older verifiers (6.1) lose that
		 * through clang's register copies; recompute it where clang
		 * cannot fold it away, so the helper sees 1..256.
		 */
		asm volatile("" : "+r"(len));
		len = ((len - 1) & (CSUM_CHUNK - 1)) + 1;
		/* Zero padding to a multiple of 4 does not change the sum. */
		__builtin_memset(buf, 0, sizeof(buf));
		if (bpf_xdp_load_bytes(ctx, off, buf, len))
			return -1;
		r = bpf_csum_diff(NULL, 0, (void *)buf, (len + 3) & ~3u, 0);
		if (r < 0)
			return -1;
		sum += (__u32)r;
	}
	return csum_fold64(sum);
}

/* Non-zero when the UDP destination port (network order) is a GUE port. */
static __always_inline int is_gue_port(__be16 dport)
{
	__u16 port = bpf_ntohs(dport);
	__u32 i;

	#pragma unroll
	for (i = 0; i < XDPVS_DECAP_MAX_GUE_PORTS; i++) {
		if (i >= cfg_nr_gue_ports)
			break;
		if (cfg_gue_ports[i] == port)
			return 1;
	}
	return 0;
}

/* Non-zero when the outer destination passes the --addr filter. */
static __always_inline int addr_is_ours(__u8 family, const void *daddr)
{
	struct xdpvs_decap_addr key = { .family = family };

	if (!cfg_match_addr)
		return 1;
	__builtin_memcpy(&key.addr, daddr, family == AF_INET ? 4 : 16);
	return bpf_map_lookup_elem(&xdpvs_decap_ad, &key) != NULL;
}

/*
 * GUE after the UDP header at off (gue_udp_recv): fill d and return the
 * success counter, or a reason counter.  end is the UDP payload's end.
 */
static __always_inline int parse_gue(struct xdp_md *ctx, __u32 off, __u32 end,
				     struct decap_info *d)
{
	struct xdpvs_guehdr gh;
	struct xdpvs_gue_remcsum rc;
	__u32 pflags, optlen;
	__u16 flags;

	if (off + sizeof(gh) > end || bpf_xdp_load_bytes(ctx, off, &gh, sizeof(gh)))
		return XDPVS_DECAP_MALFORMED;
	if (xdpvs_gue_version(&gh) == 1) {
		/* Direct IP: the version nibble is the inner family. */
		d->inner_proto = (gh.vchlen >> 4) == 4 ? XDPVS_IPPROTO_IPIP :
				 (gh.vchlen >> 4) == 6 ? XDPVS_IPPROTO_IPV6 : 0;
		if (!d->inner_proto)
			return XDPVS_DECAP_MALFORMED;
		d->inner_off = off;
		return XDPVS_DECAP_GUE;
	}
	if (xdpvs_gue_version(&gh) != 0 || xdpvs_gue_control(&gh))
		return XDPVS_DECAP_UNSUPPORTED;
	flags = bpf_ntohs(gh.flags);
	if (flags & ~XDPVS_GUE_FLAGS_ALL)
		return XDPVS_DECAP_UNSUPPORTED;
	if (gh.proto_ctype != XDPVS_IPPROTO_IPIP &&
	    gh.proto_ctype != XDPVS_IPPROTO_IPV6)
		return XDPVS_DECAP_UNSUPPORTED;
	optlen = xdpvs_gue_optlen(&gh);
	if (off + sizeof(gh) + optlen > end)
		return XDPVS_DECAP_MALFORMED;
	d->inner_proto = gh.proto_ctype;
	d->inner_off = off + sizeof(gh) + optlen;
	if (!(flags & XDPVS_GUE_FLAG_PRIV))
		return XDPVS_DECAP_GUE;
	/* The private flags word comes first among the options. */
	if (optlen < XDPVS_GUE_LEN_PRIV ||
	    bpf_xdp_load_bytes(ctx, off + sizeof(gh), &pflags, sizeof(pflags)))
		return XDPVS_DECAP_MALFORMED;
	pflags = bpf_ntohl(pflags);
	if (pflags & ~XDPVS_GUE_PFLAGS_ALL)
		return XDPVS_DECAP_UNSUPPORTED;
	if (!(pflags & XDPVS_GUE_PFLAG_REMCSUM))
		return XDPVS_DECAP_GUE;
	if (optlen < XDPVS_GUE_LEN_PRIV + XDPVS_GUE_PLEN_REMCSUM ||
	    bpf_xdp_load_bytes(ctx, off + sizeof(gh) + XDPVS_GUE_LEN_PRIV,
			       &rc, sizeof(rc)))
		return XDPVS_DECAP_MALFORMED;
	d->remcsum = 1;
	d->rc_start = bpf_ntohs(rc.start);
	d->rc_offset = bpf_ntohs(rc.offset);
	return XDPVS_DECAP_GUE;
}

/*
 * UDP at off, payload of the outer header up to end, already known to go
 * to a GUE port; pseudo is the folded pseudo-header sum less the length.
 */
static __always_inline int parse_udp(struct xdp_md *ctx, __u32 off, __u32 end,
				     __u32 pseudo, struct decap_info *d)
{
	struct udphdr uh;
	__u32 ulen;
	int sum, ret;

	if (bpf_xdp_load_bytes(ctx, off, &uh, sizeof(uh)))
		return XDPVS_DECAP_MALFORMED;
	ulen = bpf_ntohs(uh.len);
	if (ulen < sizeof(uh) || off + ulen > end)
		return XDPVS_DECAP_MALFORMED;
	/* Zero means none (IPv4, and IPv6 tunnels by RFC 6935). */
	if (uh.check) {
		sum = csum_frame(ctx, off, ulen);
		if (sum < 0)
			return XDPVS_DECAP_UNSUPPORTED;
		if (csum_fold64((__u64)pseudo + uh.len + sum) != 0xffff)
			return XDPVS_DECAP_BAD_CSUM;
	}
	end = off + ulen;
	ret = parse_gue(ctx, off + sizeof(uh), end, d);
	if (d->inner_off <= end)
		d->inner_len = end - d->inner_off;
	return ret;
}

/* GRE at off, payload of the outer header up to end (gre_parse_header). */
static __always_inline int parse_gre(struct xdp_md *ctx, __u32 off, __u32 end,
				     struct decap_info *d)
{
	struct xdpvs_grehdr gre;
	__u32 hlen = sizeof(gre);
	__u16 flags;

	if (off + sizeof(gre) > end || bpf_xdp_load_bytes(ctx, off, &gre, sizeof(gre)))
		return XDPVS_DECAP_MALFORMED;
	flags = bpf_ntohs(gre.flags);
	if (flags & ~XDPVS_GRE_CSUM)	/* version, key, seq, routing */
		return XDPVS_DECAP_UNSUPPORTED;
	if (gre.proto == bpf_htons(ETH_P_IP))
		d->inner_proto = XDPVS_IPPROTO_IPIP;
	else if (gre.proto == bpf_htons(ETH_P_IPV6))
		d->inner_proto = XDPVS_IPPROTO_IPV6;
	else
		return XDPVS_DECAP_UNSUPPORTED;
	if (flags & XDPVS_GRE_CSUM) {
		int sum;

		hlen += sizeof(struct xdpvs_gre_csum);
		if (off + hlen > end)
			return XDPVS_DECAP_MALFORMED;
		sum = csum_frame(ctx, off, end - off);
		if (sum < 0)
			return XDPVS_DECAP_UNSUPPORTED;
		if (sum != 0xffff)
			return XDPVS_DECAP_BAD_CSUM;
	}
	d->inner_off = off + hlen;
	d->inner_len = end - d->inner_off;
	return XDPVS_DECAP_GRE;
}

/*
 * What follows the outer header: protocol proto at off, up to end.  Fill d
 * and return the success counter (XDPVS_DECAP_IPIP for any IP in IP) or a
 * reason counter.
 */
static __always_inline int parse_l4(struct xdp_md *ctx, __u8 proto, __u32 off,
				    __u32 end, __u32 pseudo,
				    struct decap_info *d)
{
	if (proto == IPPROTO_UDP)
		return parse_udp(ctx, off, end, pseudo, d);
	if (proto == XDPVS_IPPROTO_GRE)
		return parse_gre(ctx, off, end, d);
	d->inner_proto = proto;
	d->inner_off = off;
	d->inner_len = end - off;
	return XDPVS_DECAP_IPIP;
}

/*
 * Non-zero when protocol proto at off (up to end) is a tunnel: IP in IP,
 * GRE, or UDP to a GUE port.
 */
static __always_inline int is_tunnel(struct xdp_md *ctx, __u8 proto, __u32 off,
				     __u32 end)
{
	struct udphdr uh;

	if (proto == XDPVS_IPPROTO_IPIP || proto == XDPVS_IPPROTO_IPV6 ||
	    proto == XDPVS_IPPROTO_GRE)
		return 1;
	if (proto != IPPROTO_UDP || off + sizeof(uh) > end ||
	    bpf_xdp_load_bytes(ctx, off, &uh, sizeof(uh)))
		return 0;
	return is_gue_port(uh.dest);
}

/* Outer IPv4 header at data + ETH_HLEN. */
static __always_inline int parse_ip4(struct xdp_md *ctx, struct decap_info *d)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct iphdr *iph = data + sizeof(struct ethhdr);
	__u32 hlen, tot, l3 = sizeof(struct ethhdr);
	__u32 pseudo;
	int ret;

	if ((void *)(iph + 1) > data_end || iph->version != 4)
		return NOT_TUNNEL;
	hlen = iph->ihl * 4;
	tot = bpf_ntohs(iph->tot_len);
	if (hlen < sizeof(*iph) || tot < hlen ||
	    (__u64)l3 + tot > bpf_xdp_get_buff_len(ctx))
		return NOT_TUNNEL;	/* the stack drops it */
	if (iph->frag_off & bpf_htons(0x3fff)) {	/* MF or an offset */
		/* Only IP in IP and GRE fragments are known tunnel packets. */
		if (iph->protocol == IPPROTO_UDP ||
		    !is_tunnel(ctx, iph->protocol, l3 + hlen, l3 + tot))
			return NOT_TUNNEL;
		return XDPVS_DECAP_FRAGMENT;
	}
	if (!is_tunnel(ctx, iph->protocol, l3 + hlen, l3 + tot))
		return NOT_TUNNEL;
	if (!addr_is_ours(AF_INET, &iph->daddr))
		return XDPVS_DECAP_NOT_LOCAL;
	if (csum_frame(ctx, l3, hlen) != 0xffff)
		return XDPVS_DECAP_BAD_CSUM;
	d->outer_ecn = iph->tos & INET_ECN_MASK;
	pseudo = csum_fold64((__u64)iph->saddr + iph->daddr +
			     bpf_htons(IPPROTO_UDP));
	ret = parse_l4(ctx, iph->protocol, l3 + hlen, l3 + tot, pseudo, d);
	if (ret == XDPVS_DECAP_IPIP && d->inner_proto == XDPVS_IPPROTO_IPV6)
		ret = XDPVS_DECAP_IP6IN4;
	return ret;
}

/* Outer IPv6 header at data + ETH_HLEN; no extension headers. */
static __always_inline int parse_ip6(struct xdp_md *ctx, struct decap_info *d)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ipv6hdr *ip6h = data + sizeof(struct ethhdr);
	__u32 plen, l4 = sizeof(struct ethhdr) + sizeof(*ip6h);
	__u64 sum = 0;
	__u32 pseudo;
	int i, ret;

	if ((void *)(ip6h + 1) > data_end || ip6h->version != 6)
		return NOT_TUNNEL;
	plen = bpf_ntohs(ip6h->payload_len);
	if ((__u64)l4 + plen > bpf_xdp_get_buff_len(ctx))
		return NOT_TUNNEL;	/* the stack drops it */
	if (!is_tunnel(ctx, ip6h->nexthdr, l4, l4 + plen))
		return NOT_TUNNEL;
	if (!addr_is_ours(AF_INET6, &ip6h->daddr))
		return XDPVS_DECAP_NOT_LOCAL;
	d->outer_ecn = (ip6h->flow_lbl[0] >> 4) & INET_ECN_MASK;
	#pragma unroll
	for (i = 0; i < 4; i++)
		sum += (__u64)ip6h->saddr.in6_u.u6_addr32[i] +
		       ip6h->daddr.in6_u.u6_addr32[i];
	pseudo = csum_fold64(sum + bpf_htons(IPPROTO_UDP));
	ret = parse_l4(ctx, ip6h->nexthdr, l4, l4 + plen, pseudo, d);
	if (ret == XDPVS_DECAP_IPIP)
		ret = d->inner_proto == XDPVS_IPPROTO_IPV6 ? XDPVS_DECAP_IP6IP6 :
							      XDPVS_DECAP_IP4IN6;
	return ret;
}

/* Fix the inner ECN field for outer CE (RFC 6040); -1 means drop. */
static __always_inline int inner_ecn(struct xdp_md *ctx, struct decap_info *d)
{
	__u32 off = d->inner_off;
	__u8 hdr[12];
	__u8 ecn;

	if (d->outer_ecn != INET_ECN_CE)
		return 0;
	if (bpf_xdp_load_bytes(ctx, off, hdr, sizeof(hdr)))
		return -1;
	if (d->inner_proto == XDPVS_IPPROTO_IPIP) {
		__u16 old = *(__u16 *)hdr, new;
		__u32 s;

		ecn = hdr[1] & INET_ECN_MASK;
		if (ecn == 0)
			return -1;
		hdr[1] |= INET_ECN_CE;
		new = *(__u16 *)hdr;
		/* RFC 1624: HC' = ~(~HC + ~m + m') */
		s = (__u16)~*(__u16 *)&hdr[10] + (__u16)~old + new;
		*(__u16 *)&hdr[10] = ~csum_fold64(s);
		return bpf_xdp_store_bytes(ctx, off, hdr, sizeof(hdr)) ? -1 : 0;
	}
	ecn = (hdr[1] >> 4) & INET_ECN_MASK;
	if (ecn == 0)
		return -1;
	hdr[1] |= INET_ECN_CE << 4;
	return bpf_xdp_store_bytes(ctx, off + 1, &hdr[1], 1) ? -1 : 0;
}

/*
 * Check that an inner IPv4 or IPv6 header of the announced family follows;
 * 0 if so.
 */
static __always_inline int inner_check(struct xdp_md *ctx, struct decap_info *d)
{
	__u8 v;

	if (d->inner_len < (d->inner_proto == XDPVS_IPPROTO_IPIP ?
			    sizeof(struct iphdr) : sizeof(struct ipv6hdr)))
		return -1;
	if (bpf_xdp_load_bytes(ctx, d->inner_off, &v, 1))
		return -1;
	if (d->inner_proto == XDPVS_IPPROTO_IPIP)
		return (v >> 4) == 4 && (v & 0xf) >= 5 ? 0 : -1;
	return (v >> 4) == 6 ? 0 : -1;
}

/*
 * Remote checksum offload (skb_remcsum_process with nopartial): the field
 * at rc_offset holds the pseudo-header sum; sum from rc_start to the end of
 * the inner packet and store the complement there.  0 or a reason counter.
 */
static __always_inline int inner_remcsum(struct xdp_md *ctx, struct decap_info *d)
{
	__u32 start = d->rc_start, offset = d->rc_offset, len = d->inner_len;
	__u16 csum;
	int sum;

	if (!d->remcsum)
		return 0;
	if (start > offset || offset + sizeof(csum) > len ||
	    ((offset - start) & 1))
		return XDPVS_DECAP_MALFORMED;
	sum = csum_frame(ctx, d->inner_off + start, len - start);
	if (sum < 0)
		return XDPVS_DECAP_UNSUPPORTED;
	csum = ~(__u16)sum;
	if (bpf_xdp_store_bytes(ctx, d->inner_off + offset, &csum, sizeof(csum)))
		return XDPVS_DECAP_MALFORMED;
	return 0;
}

/* "xdp.frags": jumbo frames come in several buffers; the headers are read
 * with bpf_xdp_load_bytes() wherever they are. */
SEC("xdp.frags")
int xdpvs_decap(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct decap_info d = {};
	struct ethhdr *eth = data;
	__u64 bytes = bpf_xdp_get_buff_len(ctx);
	__u8 macs[2 * ETH_ALEN];
	int ret;

	if ((void *)(eth + 1) > data_end)
		return XDP_PASS;
	if (eth->h_proto == bpf_htons(ETH_P_IP))
		ret = parse_ip4(ctx, &d);
	else if (eth->h_proto == bpf_htons(ETH_P_IPV6))
		ret = parse_ip6(ctx, &d);
	else
		return XDP_PASS;
	if (ret < 0)
		return XDP_PASS;
	if (ret < XDPVS_DECAP_NOT_LOCAL && inner_check(ctx, &d))
		ret = XDPVS_DECAP_MALFORMED;
	if (ret < XDPVS_DECAP_NOT_LOCAL)
		ret = inner_remcsum(ctx, &d) ?: ret;
	if (ret >= XDPVS_DECAP_NOT_LOCAL) {
		count(ret, bytes);
		return XDP_PASS;
	}
	if (inner_ecn(ctx, &d)) {
		count(XDPVS_DECAP_ECN_DROP, bytes);
		return XDP_DROP;
	}

	/* Move the MAC addresses up to just before the inner packet. */
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	eth = data;
	if ((void *)(eth + 1) > data_end)
		return XDP_PASS;
	__builtin_memcpy(macs, eth, sizeof(macs));
	if (bpf_xdp_adjust_head(ctx, d.inner_off - sizeof(*eth))) {
		count(XDPVS_DECAP_ERROR, bytes);
		return XDP_PASS;
	}
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	eth = data;
	if ((void *)(eth + 1) > data_end)
		return XDP_PASS;
	__builtin_memcpy(eth, macs, sizeof(macs));
	eth->h_proto = d.inner_proto == XDPVS_IPPROTO_IPIP ? bpf_htons(ETH_P_IP) :
							     bpf_htons(ETH_P_IPV6);
	count(ret, bytes);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
