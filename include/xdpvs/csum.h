/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Incremental Internet checksum updates (RFC 1624, eqn. 3), shared by the
 * XDP program and the engine so both rewrite a packet to the same bytes.
 *
 * A checksum field holds ~S, S being the 16-bit one's complement sum of the
 * covered words.  Replacing word m by m' gives HC' = ~(~HC + ~m + m'),
 * which is what the kernel's IPVS computes (ip_vs_check_diff*), so a wrong
 * checksum stays exactly as wrong as it was.
 */
#ifndef XDPVS_CSUM_H
#define XDPVS_CSUM_H

#include <linux/types.h>

#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif

/* Fold a 32-bit one's complement accumulator to 16 bits. */
static __always_inline __u16 xdpvs_csum_fold(__u32 sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)sum;
}

/* One's complement addition of two 32-bit accumulators. */
static __always_inline __u32 xdpvs_csum_add(__u32 a, __u32 b)
{
	a += b;
	return a + (a < b);
}

/* The accumulator after replacing a 32-bit word from by to. */
static __always_inline __u32 xdpvs_csum_diff4(__u32 acc, __be32 from,
					       __be32 to)
{
	acc = xdpvs_csum_add(acc, ~(__u32)from);
	return xdpvs_csum_add(acc, (__u32)to);
}

/* Update the checksum field *sum for a 16-bit word changing. */
static __always_inline void xdpvs_csum_replace2(__u16 *sum, __be16 from,
						__be16 to)
{
	__u32 acc = (__u16)~*sum;

	acc = xdpvs_csum_add(acc, (__u16)~from);
	acc = xdpvs_csum_add(acc, to);
	*sum = (__u16)~xdpvs_csum_fold(acc);
}

/* Update *sum for a 32-bit word changing. */
static __always_inline void xdpvs_csum_replace4(__u16 *sum, __be32 from,
						__be32 to)
{
	__u32 acc = xdpvs_csum_diff4((__u16)~*sum, from, to);

	*sum = (__u16)~xdpvs_csum_fold(acc);
}

/*
 * Update *sum for an address (4 words for IPv6, 1 for IPv4) and a port
 * changing together: the pseudo-header part and the port of a TCP or UDP
 * checksum, in one fold as the kernel's tcp_fast_csum_update does.
 */
static __always_inline void xdpvs_csum_replace_addr_port(
	__u16 *sum, int words, const __be32 *from, const __be32 *to,
	__be16 pfrom, __be16 pto)
{
	__u32 acc = (__u16)~*sum;
	int i;

	acc = xdpvs_csum_add(acc, (__u16)~pfrom);
	acc = xdpvs_csum_add(acc, pto);
	for (i = 0; i < 4; i++) {
		if (i >= words)
			break;
		acc = xdpvs_csum_diff4(acc, from[i], to[i]);
	}
	*sum = (__u16)~xdpvs_csum_fold(acc);
}

#endif
