/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Packet headers that the linux uapi headers do not give to userspace: SCTP's common
 * and chunk headers, the 802.1Q tag.  Shared with bpf/.
 */
#ifndef XDPVS_HDR_H
#define XDPVS_HDR_H

#include <linux/types.h>

struct xdpvs_vlanhdr {
	__be16 tci;
	__be16 proto;		/* encapsulated ethertype */
};
_Static_assert(sizeof(struct xdpvs_vlanhdr) == 4, "vlan header");

struct xdpvs_sctphdr {
	__be16 source;
	__be16 dest;
	__be32 vtag;
	__le32 checksum;	/* CRC32c, stored little-endian */
};
_Static_assert(sizeof(struct xdpvs_sctphdr) == 12, "sctp header");

struct xdpvs_sctp_chunkhdr {
	__u8 type;
	__u8 flags;
	__be16 length;
};
_Static_assert(sizeof(struct xdpvs_sctp_chunkhdr) == 4, "sctp chunk");

/* SCTP chunk types IPVS looks at (RFC 9260 section 3.2). */
enum {
	XDPVS_SCTP_CID_DATA = 0,
	XDPVS_SCTP_CID_INIT = 1,
	XDPVS_SCTP_CID_INIT_ACK = 2,
	XDPVS_SCTP_CID_SACK = 3,
	XDPVS_SCTP_CID_HEARTBEAT = 4,
	XDPVS_SCTP_CID_HEARTBEAT_ACK = 5,
	XDPVS_SCTP_CID_ABORT = 6,
	XDPVS_SCTP_CID_SHUTDOWN = 7,
	XDPVS_SCTP_CID_SHUTDOWN_ACK = 8,
	XDPVS_SCTP_CID_ERROR = 9,
	XDPVS_SCTP_CID_COOKIE_ECHO = 10,
	XDPVS_SCTP_CID_COOKIE_ACK = 11,
	XDPVS_SCTP_CID_ECN_ECNE = 12,
	XDPVS_SCTP_CID_ECN_CWR = 13,
	XDPVS_SCTP_CID_SHUTDOWN_COMPLETE = 14,
};

/* TCP flag bits, as in the 14th byte of the TCP header. */
#define XDPVS_TCP_FIN 0x01
#define XDPVS_TCP_SYN 0x02
#define XDPVS_TCP_RST 0x04
#define XDPVS_TCP_PSH 0x08
#define XDPVS_TCP_ACK 0x10

#endif
