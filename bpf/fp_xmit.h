/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The fast path's packet made for the way out, as the engine's
 * (core/xmit.c, core/xmit_tun.c): the frame resized, the TTL and the
 * addresses rewritten for NAT and DR (fp_rewrite()) or the tunnel's
 * headers put in front (fp_tunnel()), the Ethernet header of the way
 * out (fp_eth()); then the flow's counters (fp_account()).
 *
 * A piece of bpf/xdpvs.bpf.c (one compilation unit): included once,
 * after fastpath.h.
 */
#ifndef XDPVS_BPF_FP_XMIT_H
#define XDPVS_BPF_FP_XMIT_H

/* Make the frame hold the IP packet alone (no link padding) behind head
 * bytes of new headers.  0, or -1 if the frame could not be resized. */
static __always_inline int fp_resize(struct xdp_md *ctx,
				     const struct fp_pkt *p, __u32 head)
{
	__u32 want = p->l3 + p->iplen;
	int delta = (int)head - (int)p->l3;

	if (p->flen > want &&
	    bpf_xdp_adjust_tail(ctx, (int)want - (int)p->flen))
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
	__u64 n, m;
	__s64 r;

	s = bpf_map_lookup_elem(&xdpvs_scratch, &k);
	if (!s)
		return -1;
	for (i = 0; i < FP_MAX_CHUNKS && len; i++) {
		m = (len < FP_CHUNK ? len : FP_CHUNK) - 1;
		/* Hide m's origin from clang: the verifier needs the check,
		 * and n = m + 1 to see n >= 1 (6.1's learns nothing from
		 * n != 0). */
		asm volatile("" : "+r"(m));
		if (m >= FP_CHUNK)
			return -1;
		n = m + 1;
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
		#pragma unroll
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

#endif
