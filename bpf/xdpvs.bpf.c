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
 * SCTP control chunks; IPv4 options or a bad IPv4 header checksum (the
 * kernel drops it before IPVS), IPv6 extension headers, fragments,
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
 * up by address alone (dp.h, rule 5).  The filter skips up to two VLAN
 * tags (802.1Q, 802.1ad), as the engine does; the fast path takes frames
 * with one 802.1Q tag at most, the rest going up.
 *
 * The program is in pieces with one job each, included below in this
 * order (each uses those before it): xdpvs_maps.h, the maps and count();
 * classify.h, the filter; fastpath.h, the verdict on a flow's packet;
 * fp_pick.h, new connections scheduled with picks; fp_xmit.h, the packet
 * rewritten for the way out.  This file ties them together: fast_path()
 * and the XDP entry point.
 *
 * Loops are unrolled (#pragma unroll) where clang can: kernel 6.1's
 * verifier refuses a loop whose back edge is a fall-through, a layout
 * clang gives some of them (6.18's takes it, and checks fewer
 * instructions unrolled: 421k against 522k; 6.1's 196k).  The program
 * loads and passes its unit tests on 6.1: tests/refvm-bpf.sh.
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

/* The constants of all the pieces. */
#define AF_INET		2
#define AF_INET6	10
#define ETH_P_8021Q_	0x8100
#define ETH_P_8021AD_	0x88a8	/* QinQ's outer tag */
#define IP_MF_OFFSET	0x3fff	/* more fragments and the offset */
#define ICMP_HDR_LEN	8	/* type, code, checksum, 4 bytes of rest */
#define FTP_PORT	21
#define FTP_DATA_PORT	20
#define PROT_SOCK	1024	/* below: privileged ports */
#define IP_DF_HI	0x40	/* DF in the first byte of frag_off */
#define FP_CHUNK	512	/* bytes per bpf_csum_diff() (its limit) */
#define FP_MAX_CHUNKS	18	/* tunnel checksums over 9216 bytes at most */

#include "xdpvs_maps.h"
#include "classify.h"
#include "fastpath.h"
#include "fp_pick.h"
#include "fp_xmit.h"

/* Forward a packet of a known flow: an XDP verdict, or -1 when the packet
 * (not modified, but for link padding) is for the filter and the engine. */
static __always_inline int fast_path(struct xdp_md *ctx, __u32 flen)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct xdpvs_flow_event_new *ev = NULL;
	struct xdpvs_flow_value *v;
	struct fp_pkt p = { .flen = flen };
	__u32 l2, head;
	int err, fp, picked = 0;
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
			picked = 1;
		} else if (fp == FP_NEW) {
			return -1;
		}
	}
	l2 = v->flags & XDPVS_FLOW_F_VLAN ? 18 : 14;
	head = l2 + (v->action == XDPVS_FLOW_TUN ? v->encap_len : 0);
	/* Up although an event was posted: the ACK and the event make the
	 * same move, the later one finds it made. */
	err = fp != FP_FORWARD || fp_resize(ctx, &p, head);
	/* (a flag, not ev itself: 6.1's verifier would follow ev == NULL
	 * too, an event reserved and never released) */
	if (picked)
		err = fp_pick_end(&p, v, ev, err, head + p.iplen);
	if (err) {
		count(XDPVS_DP_FAST_UP, flen);
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
	count(XDPVS_DP_FAST, head + p.iplen);	/* what fp_resize() left */
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

/* "xdp.frags": frames of more than one buffer (jumbo MTUs) come too, so
 * native XDP attaches on such links.  Their headers are in the first. */
SEC("xdp.frags")
int xdpvs_xdp(struct xdp_md *ctx)
{
	void *data, *end;
	__u64 bytes = bpf_xdp_get_buff_len(ctx);
	__u32 qid = ctx->rx_queue_index;
	__u32 idx;
	int rc;

	count(XDPVS_DP_RX, bytes);
	rc = fast_path(ctx, (__u32)bytes);
	if (rc >= 0)
		return rc;
	data = (void *)(long)ctx->data;
	end = (void *)(long)ctx->data_end;
	bytes = bpf_xdp_get_buff_len(ctx);
	idx = classify(ctx, data, end);
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
