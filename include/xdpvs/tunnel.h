/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Tunnel header layouts that IPVS puts in front of a packet in tunnel mode
 * (ip_vs_xmit.c: ipvs_gue_encap, ipvs_gre_encap), for the encapsulating
 * side (the director) and the decapsulating side (bpf/decap.bpf.c).  GUE
 * follows include/net/gue.h; GRE follows RFC 2784 as the kernel's
 * include/net/gre.h reads it.  Multi-byte constants are in host order:
 * compare them with the header fields after ntohs()/ntohl().
 *
 * Shared with bpf/: <linux/types.h> types only, no libc, no bitfields (the
 * first GUE byte is read with the accessors below, so both byte orders and
 * both compilers agree).
 */
#ifndef XDPVS_TUNNEL_H
#define XDPVS_TUNNEL_H

#include <linux/types.h>

/* IP protocol numbers a tunnel header can carry. */
#define XDPVS_IPPROTO_IPIP	4	/* IPv4 inside */
#define XDPVS_IPPROTO_IPV6	41	/* IPv6 inside */
#define XDPVS_IPPROTO_GRE	47

/*
 * GUE (Generic UDP Encapsulation) header, after the UDP header:
 *
 *   |Ver|C|  Hlen   | Proto/ctype   |        Standard flags       |P|
 *   |            Private flags (only if P)                          |
 *   |            Private fields (e.g. the remcsum option)           |
 *
 * Version 0 is this header; version 1 has no header at all (the UDP
 * payload is an IPv4 or IPv6 packet, whose version nibble 4 or 6 reads as
 * GUE version 1).  C set means a control message.  Hlen counts the 32-bit
 * words of optional fields after these 4 bytes; Proto/ctype is the inner
 * IP protocol (4 or 41) of a data message.
 */
struct xdpvs_guehdr {
	__u8 vchlen;		/* version:2, control:1, hlen:5 (MSB first) */
	__u8 proto_ctype;	/* inner IP protocol of a data message */
	__be16 flags;		/* standard flags, XDPVS_GUE_FLAG_* */
};
_Static_assert(sizeof(struct xdpvs_guehdr) == 4, "GUE header layout");

#define XDPVS_GUE_FLAG_PRIV	0x0001	/* a private flags word follows */
#define XDPVS_GUE_FLAGS_ALL	XDPVS_GUE_FLAG_PRIV
#define XDPVS_GUE_LEN_PRIV	4	/* bytes: the private flags word */
#define XDPVS_GUE_PFLAG_REMCSUM	0x80000000u	/* remote checksum offload */
#define XDPVS_GUE_PFLAGS_ALL	XDPVS_GUE_PFLAG_REMCSUM
#define XDPVS_GUE_PLEN_REMCSUM	4	/* bytes: the remcsum option */

/*
 * The remcsum option: where the inner packet's transport checksum starts
 * and where it is stored, both in bytes from the start of the inner packet
 * (IPVS writes csum_start and csum_start + csum_offset).  The field at
 * offset holds the pseudo-header sum; the receiver completes it.
 */
struct xdpvs_gue_remcsum {
	__be16 start;
	__be16 offset;
};
_Static_assert(sizeof(struct xdpvs_gue_remcsum) == 4, "GUE remcsum layout");

/* GUE version (0 or 1) of a header. */
static inline __u8 xdpvs_gue_version(const struct xdpvs_guehdr *gh)
{
	return gh->vchlen >> 6;
}

/* Non-zero when the header is a control message. */
static inline __u8 xdpvs_gue_control(const struct xdpvs_guehdr *gh)
{
	return (gh->vchlen >> 5) & 1;
}

/* Length in bytes of the optional fields after the 4-byte header. */
static inline __u32 xdpvs_gue_optlen(const struct xdpvs_guehdr *gh)
{
	return (__u32)(gh->vchlen & 0x1f) << 2;
}

/*
 * GRE header (RFC 2784, version 0), as IPVS sends it: the only optional
 * field is the checksum (C), which covers the GRE header and the payload.
 */
struct xdpvs_grehdr {
	__be16 flags;		/* C R K S s Recur(3) Flags(5) Ver(3) */
	__be16 proto;		/* ethertype of the payload */
};
_Static_assert(sizeof(struct xdpvs_grehdr) == 4, "GRE header layout");

struct xdpvs_gre_csum {		/* follows the header when C is set */
	__sum16 csum;
	__be16 reserved1;
};
_Static_assert(sizeof(struct xdpvs_gre_csum) == 4, "GRE checksum layout");

#define XDPVS_GRE_CSUM		0x8000
#define XDPVS_GRE_ROUTING	0x4000
#define XDPVS_GRE_KEY		0x2000
#define XDPVS_GRE_SEQ		0x1000
#define XDPVS_GRE_VERSION	0x0007

#endif
