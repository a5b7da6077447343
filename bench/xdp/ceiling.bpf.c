/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * bench/xdp/ceiling.bpf.c: the benchmark's "XDP ceiling".  The least an
 * XDP forwarder can do: an IPv4 or IPv6 frame arriving on a configured
 * interface gets the egress interface's and the next hop's MAC addresses
 * and is redirected through a devmap; nothing is parsed beyond the
 * ethertype, no TTL, no lookup but the ingress interface.  Anything else
 * (ARP, ND is IPv6 and goes too, unknown interfaces) goes to the stack.
 * Any load balancer doing XDP_REDIRECT on the same path costs at least
 * this much per packet.
 *
 * An interface with several ways out spreads the frames over them by
 * source address (the IPv4 one, or the IPv6 one's low word), modulo
 * their number: a balancer's fan-out to its real servers, whose cost on
 * veth (each egress peer's NAPI thread woken on its own) a single way out
 * would not pay.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "xbench.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XB_MAX_PORTS);
	__type(key, __u32);	/* ingress ifindex */
	__type(value, struct xb_ceil_port);
} xb_ceil_ports SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP);
	__uint(max_entries, XB_MAX_PORTS);
	__type(key, __u32);
	__type(value, __u32);	/* egress ifindex */
} xb_ceil_tx SEC(".maps");

SEC("xdp")
int xb_ceiling(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct xb_ceil_port *p;
	__u32 in = ctx->ingress_ifindex, i = 0;

	if ((void *)(eth + 1) > data_end)
		return XDP_PASS;
	if (eth->h_proto != bpf_htons(ETH_P_IP) &&
	    eth->h_proto != bpf_htons(ETH_P_IPV6))
		return XDP_PASS;
	p = bpf_map_lookup_elem(&xb_ceil_ports, &in);
	if (!p)
		return XDP_PASS;
	if (p->n > 1) {
		/* IPv4 saddr at 26, IPv6 saddr's low word at 34 */
		__u32 off = eth->h_proto == bpf_htons(ETH_P_IP) ? 26 : 34;
		__be32 *sa = data + off;

		if ((void *)(sa + 1) > data_end)
			return XDP_PASS;
		i = bpf_ntohl(*sa) % p->n;
		if (i >= XB_CEIL_FAN)
			return XDP_PASS;
	}
	__builtin_memcpy(eth->h_dest, p->way[i].dmac, ETH_ALEN);
	__builtin_memcpy(eth->h_source, p->way[i].smac, ETH_ALEN);
	return bpf_redirect_map(&xb_ceil_tx, p->tx_slot + i, XDP_PASS);
}

char _license[] SEC("license") = "GPL";
