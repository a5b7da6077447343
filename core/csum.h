/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Whole-packet checksums the engine computes itself: the Internet checksum
 * of new headers and ICMP messages, pseudo-headers, and SCTP's CRC32c.
 * (Incremental updates are in include/xdpvs/csum.h, shared with BPF.)
 */
#ifndef XDPVS_CORE_CSUM_H
#define XDPVS_CORE_CSUM_H

#include <stddef.h>
#include <stdint.h>
#include <xdpvs/addr.h>

/* Add the 16-bit big-endian words of buf to the accumulator sum. */
uint32_t xdpvs_csum_partial(const void *buf, size_t len, uint32_t sum);
/* The checksum field value for an accumulated sum (bytes in network
 * order, ready to store with memcpy). */
uint16_t xdpvs_csum_finish(uint32_t sum);
/* Accumulator of the TCP/UDP/ICMPv6 pseudo-header. */
uint32_t xdpvs_csum_pseudo(int af, const union xdpvs_addr *saddr,
			   const union xdpvs_addr *daddr, uint8_t proto,
			   uint32_t len);
/* The SCTP checksum of len bytes at buf (the checksum field must read as
 * zero), in the byte order it is stored in the header. */
uint32_t xdpvs_crc32c_sctp(const uint8_t *buf, size_t len);

#endif
