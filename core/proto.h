/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Transport protocols as IPVS sees them (the kernel's ip_vs_proto_*.c):
 * which packets may start a connection, the state machine each packet
 * drives, and the state names ipvsadm -Lc prints.
 */
#ifndef XDPVS_CORE_PROTO_H
#define XDPVS_CORE_PROTO_H

#include <stdbool.h>
#include <stdint.h>

struct xdpvs_conn;
struct xdpvs_engine;
struct xdpvs_pkt;

/* Directions, as IP_VS_DIR_*: INPUT_ONLY is used while a connection has
 * NOOUTPUT (direct routing, tunnels: replies bypass the balancer). */
enum xdpvs_dir {
	XDPVS_DIR_INPUT = 0,
	XDPVS_DIR_OUTPUT = 1,
	XDPVS_DIR_INPUT_ONLY = 2,
};

struct xdpvs_proto {
	uint8_t protocol;
	/* May this packet create a connection?  (TCP: a SYN without RST,
	 * any non-RST with sloppy_tcp; SCTP: an INIT; UDP: anything.) */
	bool (*may_schedule)(const struct xdpvs_engine *e,
			     const struct xdpvs_pkt *p);
	/* Is this packet one that opens a connection (SYN, INIT)? */
	bool (*is_new_conn)(const struct xdpvs_pkt *p);
	/* Move cp on by one packet seen in direction dir. */
	void (*state_transition)(struct xdpvs_engine *e, struct xdpvs_conn *cp,
				 enum xdpvs_dir dir,
				 const struct xdpvs_pkt *p);
	const char *(*state_name)(unsigned int state);
	/* Does a connection in this state count as active? */
	bool (*state_active)(unsigned int state);
	/* The timeout of a state, seconds (after --set). */
	uint32_t (*state_timeout)(const struct xdpvs_engine *e,
				  unsigned int state);
	unsigned int nr_states;
};

/* The protocol IPVS handles for number protocol, or NULL. */
const struct xdpvs_proto *xdpvs_proto_get(uint8_t protocol);
/* The state name -Lc prints for cp (templates: NONE / ASSURED). */
const char *xdpvs_conn_state_name(const struct xdpvs_conn *cp);

/* May the fast path forward cp's TCP packets without SYN, FIN or RST (and
 * with ACK) in cp's present state, i.e. would none of them move it?  Or,
 * in SYN_RECV, carry its handshake (xdpvs_tcp_flow_syn_recv)? */
bool xdpvs_tcp_flow_ok(const struct xdpvs_engine *e,
		       const struct xdpvs_conn *cp);

/* May cp's flows carry its TCP handshake (it is in SYN_RECV)? */
bool xdpvs_tcp_flow_syn_recv(const struct xdpvs_engine *e,
			     const struct xdpvs_conn *cp);

extern const struct xdpvs_proto xdpvs_proto_tcp;
extern const struct xdpvs_proto xdpvs_proto_udp;
extern const struct xdpvs_proto xdpvs_proto_sctp;

#endif
