// SPDX-License-Identifier: GPL-2.0-only
/*
 * UDP as IPVS tracks it (the kernel's ip_vs_proto_udp.c): one state, "UDP",
 * whose timeout (--set udp, 300 s) restarts with every packet.  Any
 * datagram may create a connection, and a UDP connection never becomes
 * active.  A reply from the real server assures the template.
 */
#include <netinet/in.h>

#include "conn.h"
#include "engine_priv.h"
#include "pkt.h"
#include "proto.h"

static void udp_state_transition(struct xdpvs_engine *e, struct xdpvs_conn *cp,
				 enum xdpvs_dir dir, const struct xdpvs_pkt *p)
{
	cp->timeout = e->udp_timeout;
	if (dir == XDPVS_DIR_OUTPUT)
		xdpvs_control_assure_ct(cp);
}

static bool udp_may_schedule(const struct xdpvs_engine *e,
			     const struct xdpvs_pkt *p)
{
	return true;
}

static bool udp_is_new_conn(const struct xdpvs_pkt *p)
{
	return false;
}

static bool udp_state_active(unsigned int state)
{
	return false;	/* UDP connections never count as active */
}

static uint32_t udp_state_timeout(const struct xdpvs_engine *e,
				  unsigned int state)
{
	return e->udp_timeout;
}

static const char *udp_state_name(unsigned int state)
{
	return state == 0 ? "UDP" : "ERR!";
}

const struct xdpvs_proto xdpvs_proto_udp = {
	.protocol = IPPROTO_UDP,
	.may_schedule = udp_may_schedule,
	.is_new_conn = udp_is_new_conn,
	.state_transition = udp_state_transition,
	.state_name = udp_state_name,
	.state_active = udp_state_active,
	.state_timeout = udp_state_timeout,
	.nr_states = 1,
};
