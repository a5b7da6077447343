/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unaligned loads and stores of packet fields, in network byte order as
 * they sit in the packet.  __builtin_memcpy compiles to plain loads on
 * x86-64 and in BPF, and keeps the sanitizers quiet about alignment.
 */
#ifndef XDPVS_BYTES_H
#define XDPVS_BYTES_H

#include <linux/types.h>

#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif

static __always_inline __u16 xdpvs_get16(const void *p)
{
	__u16 v;

	__builtin_memcpy(&v, p, sizeof(v));
	return v;
}

static __always_inline __u32 xdpvs_get32(const void *p)
{
	__u32 v;

	__builtin_memcpy(&v, p, sizeof(v));
	return v;
}

static __always_inline void xdpvs_put16(void *p, __u16 v)
{
	__builtin_memcpy(p, &v, sizeof(v));
}

static __always_inline void xdpvs_put32(void *p, __u32 v)
{
	__builtin_memcpy(p, &v, sizeof(v));
}

#endif
