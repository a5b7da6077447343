// SPDX-License-Identifier: GPL-2.0-only
/*
 * The protocol table and the state names of templates, as the kernel's
 * ip_vs_proto.c.
 */
#include <netinet/in.h>

#include "conn.h"
#include "proto.h"

const struct xdpvs_proto *xdpvs_proto_get(uint8_t protocol)
{
	switch (protocol) {
	case IPPROTO_TCP:
		return &xdpvs_proto_tcp;
	case IPPROTO_UDP:
		return &xdpvs_proto_udp;
	case IPPROTO_SCTP:
		return &xdpvs_proto_sctp;
	default:
		return NULL;
	}
}

const char *xdpvs_conn_state_name(const struct xdpvs_conn *cp)
{
	const struct xdpvs_proto *pp;

	if (cp->flags & XDPVS_CONN_F_TEMPLATE)
		return cp->state & XDPVS_CTPL_S_ASSURED ? "ASSURED" : "NONE";
	pp = xdpvs_proto_get((uint8_t)cp->protocol);
	return pp ? pp->state_name(cp->state) : "ERR!";
}
