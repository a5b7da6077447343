/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * bench/xdp/sink.bpf.c: on a real server's veth, drops the benchmark's
 * UDP packets (destination port 9, "discard") so that counting them costs
 * the server next to nothing; everything else goes to the stack.  The
 * frames are counted by veth itself (ethtool -S: rx_queue_0_xdp_packets).
 *
 * Tunnel variant: the sink shares the hook with xdpvs-decap (xbench sink
 * --with).  Behind it in libxdp's dispatcher, xb_sink sees the inner
 * packet decap passes on.  Where there is no dispatcher (the kernel
 * refuses the freplace programs it is made of), xb_sink_front takes the
 * hook in front of decap and sees the tunnel packet: UDP 9 inside IP-in-IP
 * is dropped there, everything else goes on to decap (tail call through
 * xb_sink_next).
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define SINK_PORT 9

/* xb_sink_front: slot 0 holds the program it stands in front of. */
struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} xb_sink_next SEC(".maps");

/* The IPv4 (is6 0) or IPv6 header at ip: what follows it, its protocol in
 * *proto; NULL when it is cut short or has options (not the bench's). */
static __always_inline void *xb_ip(void *ip, void *data_end, int is6,
				   __u8 *proto)
{
	struct ipv6hdr *ip6 = ip;
	struct iphdr *ip4 = ip;

	if (is6) {
		if ((void *)(ip6 + 1) > data_end)
			return NULL;
		*proto = ip6->nexthdr;
		return ip6 + 1;
	}
	if ((void *)(ip4 + 1) > data_end || ip4->ihl != 5)
		return NULL;
	*proto = ip4->protocol;
	return ip4 + 1;
}

/* Whether the frame is UDP to SINK_PORT, straight or inside one IPv4 or
 * IPv6 header (IPIP, IPv6-in-IPv6, and mixed: the tunnels of -i). */
static __always_inline int xb_sink_frame(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct udphdr *udp;
	__u8 proto;

	if ((void *)(eth + 1) > data_end ||
	    (eth->h_proto != bpf_htons(ETH_P_IP) &&
	     eth->h_proto != bpf_htons(ETH_P_IPV6)))
		return 0;
	udp = xb_ip(eth + 1, data_end, eth->h_proto == bpf_htons(ETH_P_IPV6),
		    &proto);
	if (udp && (proto == IPPROTO_IPIP || proto == IPPROTO_IPV6))
		udp = xb_ip(udp, data_end, proto == IPPROTO_IPV6, &proto);
	if (!udp || proto != IPPROTO_UDP || (void *)(udp + 1) > data_end)
		return 0;
	return udp->dest == bpf_htons(SINK_PORT);
}

SEC("xdp")
int xb_sink(struct xdp_md *ctx)
{
	return xb_sink_frame(ctx) ? XDP_DROP : XDP_PASS;
}

/* frags: what it tail-calls, xdpvs-decap, takes multi-buffer frames, and
 * a tail call keeps to programs alike in that */
SEC("xdp.frags")
int xb_sink_front(struct xdp_md *ctx)
{
	if (xb_sink_frame(ctx))
		return XDP_DROP;
	bpf_tail_call(ctx, &xb_sink_next, 0);
	return XDP_PASS;	/* slot empty */
}

char _license[] SEC("license") = "GPL";
