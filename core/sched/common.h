/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Helpers the schedulers share: the kernel's hash_32 (include/linux/hash.h),
 * the address fold its hashing schedulers use, SipHash as lib/siphash.c
 * computes it on 64-bit (mh), and the weighted least-connection pick that
 * wlc, lblc and lblcr all make.  Private to core/sched/.
 */
#ifndef XDPVS_CORE_SCHED_COMMON_H
#define XDPVS_CORE_SCHED_COMMON_H

#include <arpa/inet.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "../dest.h"
#include "../list.h"
#include "../sched.h"
#include "../svc.h"

#define SCHED_GOLDEN_RATIO_32 0x61C88647u	/* include/linux/hash.h */

/* The kernel's hash_32: the top bits of val * GOLDEN_RATIO_32. */
static inline uint32_t sched_hash_32(uint32_t val, unsigned int bits)
{
	return (val * SCHED_GOLDEN_RATIO_32) >> (32 - bits);
}

/*
 * The address as the kernel's dh, sh, mh, lblc and lblcr hash it, in host
 * order: an IPv4 address as it is, an IPv6 address folded by XOR of its
 * four words (in network order, then converted).
 */
static inline uint32_t sched_addr_fold(int af, const union xdpvs_addr *a)
{
	uint32_t fold = a->ip;

	if (af == AF_INET6)
		fold = a->ip6[0] ^ a->ip6[1] ^ a->ip6[2] ^ a->ip6[3];
	return ntohl(fold);
}

/* The source port the kernel's sh and mh hash with -b sh-port/mh-port:
 * only TCP, UDP and SCTP have one; network order, 0 otherwise. */
static inline uint16_t sched_hash_port(const struct xdpvs_sched_pkt *p)
{
	switch (p->protocol) {
	case 6:		/* IPPROTO_TCP */
	case 17:	/* IPPROTO_UDP */
	case 132:	/* IPPROTO_SCTP */
		return p->sport;
	default:
		return 0;
	}
}

static inline uint64_t sched_rol64(uint64_t w, unsigned int s)
{
	return (w << s) | (w >> (64 - s));
}

static inline void sched_sipround(uint64_t v[4])
{
	v[0] += v[1];
	v[1] = sched_rol64(v[1], 13);
	v[1] ^= v[0];
	v[0] = sched_rol64(v[0], 32);
	v[2] += v[3];
	v[3] = sched_rol64(v[3], 16);
	v[3] ^= v[2];
	v[0] += v[3];
	v[3] = sched_rol64(v[3], 21);
	v[3] ^= v[0];
	v[2] += v[1];
	v[1] = sched_rol64(v[1], 17);
	v[1] ^= v[2];
	v[2] = sched_rol64(v[2], 32);
}

/*
 * SipHash-c-d of len bytes under the 128-bit key (k0, k1), as lib/siphash.c
 * computes it: little-endian 64-bit words, the length in the top byte of the
 * last one.  siphash() in the kernel is SipHash-2-4; its hsiphash() on
 * 64-bit machines is SipHash-1-3 truncated to 32 bits.
 */
static inline uint64_t sched_siphash(const void *data, size_t len,
				     uint64_t k0, uint64_t k1, int c, int d)
{
	const uint8_t *in = data;
	uint64_t v[4] = {
		0x736f6d6570736575ULL ^ k0, 0x646f72616e646f6dULL ^ k1,
		0x6c7967656e657261ULL ^ k0, 0x7465646279746573ULL ^ k1,
	};
	uint64_t m, b = (uint64_t)len << 56;
	size_t i, full = len - (len % 8);
	int r;

	for (i = 0; i < full; i += 8) {
		m = 0;
		for (r = 7; r >= 0; r--)
			m = (m << 8) | in[i + r];
		v[3] ^= m;
		for (r = 0; r < c; r++)
			sched_sipround(v);
		v[0] ^= m;
	}
	for (i = full; i < len; i++)
		b |= (uint64_t)in[i] << (8 * (i - full));
	v[3] ^= b;
	for (r = 0; r < c; r++)
		sched_sipround(v);
	v[0] ^= b;
	v[2] ^= 0xff;
	for (r = 0; r < d; r++)
		sched_sipround(v);
	return v[0] ^ v[1] ^ v[2] ^ v[3];
}

/*
 * The kernel's hsiphash(&v, 4, key) for a u32 v on x86-64: SipHash-1-3 of
 * v's four bytes as they lie in memory (little-endian), keys being
 * unsigned longs, the result truncated to u32.
 */
static inline uint32_t sched_hsiphash_u32(uint32_t v, uint64_t k0,
					  uint64_t k1)
{
	uint8_t le[4] = { v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff,
			  v >> 24 };

	return (uint32_t)sched_siphash(le, sizeof(le), k0, k1, 1, 3);
}

static inline int sched_gcd(int a, int b)
{
	while (b) {
		int t = a % b;
		a = b;
		b = t;
	}
	return a;
}

static inline bool sched_is_overloaded(const struct xdpvs_dest *d)
{
	return d->flags & XDPVS_DEST_F_OVERLOAD;
}

/* The kernel's int overhead (wrapping like its 32-bit arithmetic). */
static inline int32_t sched_overhead(const struct xdpvs_dest *d)
{
	return (int32_t)(((uint32_t)d->activeconns << 8) +
			 (uint32_t)d->totalconns);
}

/*
 * Weighted least-connection over svc's dests, as ip_vs_wlc.c (and the
 * copies in ip_vs_lblc.c and ip_vs_lblcr.c): the first dest in list order
 * that is not overloaded and has weight > 0 is the candidate; a later
 * non-overloaded dest d replaces the candidate c only when
 * oh(c) * w(d) > oh(d) * w(c) in 64 bits, so equals stay with the earlier
 * dest and a later weight-0 dest can never win.  NULL when none qualifies.
 */
static inline struct xdpvs_dest *sched_wlc_least(struct xdpvs_svc *svc)
{
	struct xdpvs_dest *d, *least = NULL;
	int64_t loh = 0, doh;

	list_for_each_entry(d, &svc->destinations, n_list) {
		if (sched_is_overloaded(d))
			continue;
		if (!least) {
			if (d->weight > 0) {
				least = d;
				loh = sched_overhead(d);
			}
			continue;
		}
		doh = sched_overhead(d);
		if (loh * d->weight > doh * least->weight) {
			least = d;
			loh = doh;
		}
	}
	return least;
}

/* Seconds to ns. */
#define SCHED_SEC(s) ((uint64_t)(s) * XDPVS_NSEC_PER_SEC)

#endif
