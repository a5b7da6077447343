/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One address type for IPv4 and IPv6, as the kernel's nf_inet_addr: an IPv4
 * address sits in the first word, the rest zero.  Shared with bpf/.
 */
#ifndef XDPVS_ADDR_H
#define XDPVS_ADDR_H

#include <linux/types.h>

union xdpvs_addr {
	__be32 ip;		/* IPv4, network order */
	__be32 ip6[4];		/* IPv6, network order */
	__u8 b[16];
};
_Static_assert(sizeof(union xdpvs_addr) == 16, "addr ABI");

/* Return non-zero when a and b hold the same address of family af. */
static inline int xdpvs_addr_equal(int af, const union xdpvs_addr *a,
				   const union xdpvs_addr *b)
{
	if (af == 10 /* AF_INET6 */)
		return ((a->ip6[0] ^ b->ip6[0]) | (a->ip6[1] ^ b->ip6[1]) |
			(a->ip6[2] ^ b->ip6[2]) | (a->ip6[3] ^ b->ip6[3])) == 0;
	return a->ip == b->ip;
}

#endif
