/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Constants with the kernel's IPVS values (include/uapi/linux/ip_vs.h), so
 * that flags read the same in xdpvs, in sync messages and in the kernel.
 * Shared by bpf/ and the host: no libc, <linux/types.h> types only.
 */
#ifndef XDPVS_IPVS_H
#define XDPVS_IPVS_H

#include <linux/types.h>

/* Service flags (svc->flags). */
#define XDPVS_SVC_F_PERSISTENT	0x0001	/* persistent port */
#define XDPVS_SVC_F_HASHED	0x0002	/* hashed entry */
#define XDPVS_SVC_F_ONEPACKET	0x0004	/* one-packet scheduling */
#define XDPVS_SVC_F_SCHED1	0x0008	/* scheduler flag 1 */
#define XDPVS_SVC_F_SCHED2	0x0010	/* scheduler flag 2 */
#define XDPVS_SVC_F_SCHED3	0x0020	/* scheduler flag 3 */
#define XDPVS_SVC_F_SCHED_SH_FALLBACK	XDPVS_SVC_F_SCHED1
#define XDPVS_SVC_F_SCHED_SH_PORT	XDPVS_SVC_F_SCHED2
#define XDPVS_SVC_F_SCHED_MH_FALLBACK	XDPVS_SVC_F_SCHED1
#define XDPVS_SVC_F_SCHED_MH_PORT	XDPVS_SVC_F_SCHED2

/* Destination flags (dest->flags). */
#define XDPVS_DEST_F_AVAILABLE	0x0001	/* server is available */
#define XDPVS_DEST_F_OVERLOAD	0x0002	/* server is overloaded */

/* Connection flags; the low three bits are the forwarding method. */
#define XDPVS_CONN_F_FWD_MASK	0x0007
#define XDPVS_CONN_F_MASQ	0x0000	/* masquerading (NAT) */
#define XDPVS_CONN_F_LOCALNODE	0x0001	/* local node */
#define XDPVS_CONN_F_TUNNEL	0x0002	/* tunnelling */
#define XDPVS_CONN_F_DROUTE	0x0003	/* direct routing */
#define XDPVS_CONN_F_BYPASS	0x0004	/* cache bypass */
#define XDPVS_CONN_F_FULLNAT	0x0005	/* full NAT (xdpvs extension) */
#define XDPVS_CONN_F_SYNC	0x0020	/* entry created by sync */
#define XDPVS_CONN_F_HASHED	0x0040	/* hashed entry */
#define XDPVS_CONN_F_NOOUTPUT	0x0080	/* no output packets */
#define XDPVS_CONN_F_INACTIVE	0x0100	/* not established */
#define XDPVS_CONN_F_OUT_SEQ	0x0200	/* must do output seq adjust */
#define XDPVS_CONN_F_IN_SEQ	0x0400	/* must do input seq adjust */
#define XDPVS_CONN_F_SEQ_MASK	0x0600
#define XDPVS_CONN_F_NO_CPORT	0x0800	/* no client port set yet */
#define XDPVS_CONN_F_TEMPLATE	0x1000	/* persistence template */
#define XDPVS_CONN_F_ONE_PACKET	0x2000	/* forward only one packet */
/* Flags a dest passes to its connections (kernel IP_VS_CONN_F_DEST_MASK). */
#define XDPVS_CONN_F_DEST_MASK	(XDPVS_CONN_F_FWD_MASK | XDPVS_CONN_F_ONE_PACKET | \
				 XDPVS_CONN_F_NOOUTPUT | XDPVS_CONN_F_INACTIVE | \
				 XDPVS_CONN_F_SEQ_MASK | XDPVS_CONN_F_NO_CPORT | \
				 XDPVS_CONN_F_TEMPLATE)
/* Flags a sync message may carry (kernel IP_VS_CONN_F_BACKUP_MASK). */
#define XDPVS_CONN_F_BACKUP_MASK (XDPVS_CONN_F_FWD_MASK | XDPVS_CONN_F_NOOUTPUT | \
				  XDPVS_CONN_F_INACTIVE | XDPVS_CONN_F_SEQ_MASK | \
				  XDPVS_CONN_F_NO_CPORT | XDPVS_CONN_F_TEMPLATE)

/* Tunnel types and flags of a tunnelling destination. */
enum xdpvs_tun_type {
	XDPVS_TUN_IPIP = 0,
	XDPVS_TUN_GUE = 1,
	XDPVS_TUN_GRE = 2,
};
#define XDPVS_TUN_F_NOCSUM	0x0000
#define XDPVS_TUN_F_CSUM	0x0001
#define XDPVS_TUN_F_REMCSUM	0x0002

/* Name lengths, as the kernel's IP_VS_SCHEDNAME_MAXLEN etc. */
#define XDPVS_SCHEDNAME_MAXLEN	16
#define XDPVS_PENAME_MAXLEN	16
#define XDPVS_IFNAME_MAXLEN	16
#define XDPVS_PEDATA_MAXLEN	255

#endif
