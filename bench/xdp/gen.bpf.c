/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * bench/xdp/gen.bpf.c: the benchmark's packet generator, run by xbench
 * through BPF_PROG_RUN in live-frames mode (BPF_F_TEST_XDP_LIVE_FRAMES):
 * each run of the program turns the template frame (eth + IPv4 + UDP,
 * 60 bytes) into the next flow's packet and returns XDP_TX, and the kernel
 * transmits it out of the given interface with ndo_xdp_xmit - into the
 * balancer's veth as a NIC's driver would hand it over: an XDP frame, no
 * socket, no skb.  Like xdp-trafficgen, but varying the source address
 * and port over up to 2^32 flows (xdp-trafficgen varies only the
 * destination port), which the table-size benchmark needs.
 *
 * With cfg_gap_ns set, the frames go in bursts of XB_GEN_BURST, one burst
 * every XB_GEN_BURST * cfg_gap_ns, as a NIC with interrupt coalescing
 * would hand them over; in between, frames are dropped at once (back to
 * the page pool, nothing sent): precise pacing, at the cost of spinning.
 *
 * Flow f = (packet number) % cfg_nflows has source address
 * cfg_src_base + (f & 0xffff) and source port cfg_src_port + (f >> 16).
 * A recycled frame keeps what was last written into it - by this program
 * and by whoever received it: the kernel forwarding it rewrites the MAC
 * addresses and the TTL in place - so all 42 bytes of headers are copied
 * from the template for every packet, and both checksums are computed
 * from the template's constants, never from the frame.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "xbench.h"

const volatile __u32 cfg_nflows = 1;
const volatile __u64 cfg_gap_ns;	/* pacing: ns between frames; 0: none */
const volatile __u32 cfg_src_base;	/* host order */
const volatile __u16 cfg_src_port;	/* host order */
/* One's complement sums (folded, not inverted) of the template's 16-bit
 * words with the checksum, the source address and the source port zero:
 * the IPv4 header's, and the UDP pseudo-header's plus the datagram's. */
const volatile __u16 cfg_ip_sum0;
const volatile __u16 cfg_udp_sum0;

/* The template's headers (eth + IPv4 + UDP), written by the loader; not
 * const volatile: memcpy would copy what the compiler assumes is there. */
__u8 gen_hdr[XB_GEN_HDR_LEN];
__u64 gen_seq;	/* packets sent; one generator thread */
__u64 gen_next;	/* pacing: when the next burst is due (ktime ns) */
__u32 gen_credit;	/* pacing: frames left in this burst */

static __always_inline __u16 gen_fold(__u32 s)
{
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (__u16)s;
}

SEC("xdp")
int xb_gen(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	struct udphdr *udp = (void *)(ip + 1);
	__u32 f, saddr, s;
	__u16 sport;

	if ((void *)(udp + 1) > data_end)
		return XDP_ABORTED;
	if (cfg_gap_ns && !gen_credit) {
		__u64 now = bpf_ktime_get_ns();

		/* not due yet: the frame goes straight back to the pool */
		if (now < gen_next)
			return XDP_DROP;
		/* a burst is due; after a stall (preempted) start afresh
		 * rather than send a train of bursts to catch up */
		gen_credit = XB_GEN_BURST;
		gen_next = now - gen_next < 4 * XB_GEN_BURST * cfg_gap_ns
				   ? gen_next + XB_GEN_BURST * cfg_gap_ns
				   : now + XB_GEN_BURST * cfg_gap_ns;
	}
	if (cfg_gap_ns)
		gen_credit--;
	__builtin_memcpy(data, gen_hdr, XB_GEN_HDR_LEN);
	f = (__u32)(gen_seq++ % cfg_nflows);
	saddr = cfg_src_base + (f & 0xffff);
	sport = cfg_src_port + (__u16)(f >> 16);

	ip->saddr = bpf_htonl(saddr);
	/* one's complement sums, host order: both checksums are over 16-bit
	 * big-endian words, so adding host-order halves and storing the
	 * folded result with htons is exact */
	s = cfg_ip_sum0 + (saddr >> 16) + (saddr & 0xffff);
	ip->check = bpf_htons(~gen_fold(s) & 0xffff);
	udp->source = bpf_htons(sport);
	s = cfg_udp_sum0 + (saddr >> 16) + (saddr & 0xffff) + sport;
	s = ~gen_fold(s) & 0xffff;
	udp->check = bpf_htons(s ? s : 0xffff);
	return XDP_TX;
}

char _license[] SEC("license") = "GPL";
