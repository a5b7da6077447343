// SPDX-License-Identifier: GPL-2.0-only
/*
 * TCP as IPVS tracks it, following the kernel's ip_vs_proto_tcp.c.
 *
 * The balancer sees one or both directions of a connection and moves it
 * through eleven states by table: the row is chosen by the packet's most
 * important flag (RST, then SYN, then FIN, then ACK; none of them means
 * CLOSE) and by the direction: INPUT (client to server), OUTPUT (server to
 * client, NAT only) or INPUT-ONLY, used while the connection has NOOUTPUT
 * (direct routing and tunnels, whose replies bypass the balancer; the
 * first OUTPUT packet clears the flag).  Each state has a timeout; ES and
 * FIN_WAIT are the ones ipvsadm --set changes.
 *
 * With secure_tcp in force (value 3: the memory-pressure levels 1 and 2
 * never trigger here) the stricter table is used, in which a NAT
 * connection only becomes ESTABLISHED after the whole handshake.
 */
#include <stdint.h>
#include <netinet/in.h>

#include <xdpvs/hdr.h>

#include "conn.h"
#include "dest.h"
#include "engine_priv.h"
#include "pkt.h"
#include "proto.h"

#define sNO XDPVS_TCP_S_NONE
#define sES XDPVS_TCP_S_ESTABLISHED
#define sSS XDPVS_TCP_S_SYN_SENT
#define sSR XDPVS_TCP_S_SYN_RECV
#define sFW XDPVS_TCP_S_FIN_WAIT
#define sTW XDPVS_TCP_S_TIME_WAIT
#define sCL XDPVS_TCP_S_CLOSE
#define sCW XDPVS_TCP_S_CLOSE_WAIT
#define sLA XDPVS_TCP_S_LAST_ACK
#define sLI XDPVS_TCP_S_LISTEN
#define sSA XDPVS_TCP_S_SYNACK

enum { TCP_EV_SYN, TCP_EV_FIN, TCP_EV_ACK, TCP_EV_RST, TCP_EV_LAST };

typedef uint8_t tcp_table_t[3][TCP_EV_LAST][XDPVS_TCP_S_LAST];

/* clang-format off */
/* next state = table[direction][event][current state] */
static const tcp_table_t tcp_states = {
	[XDPVS_DIR_INPUT] = {
		/*       NO   ES   SS   SR   FW   TW   CL   CW   LA   LI   SA */
		[TCP_EV_SYN] = { sSR, sES, sES, sSR, sSR, sSR, sSR, sSR, sSR, sSR, sSR },
		[TCP_EV_FIN] = { sCL, sCW, sSS, sTW, sTW, sTW, sCL, sCW, sLA, sLI, sTW },
		[TCP_EV_ACK] = { sES, sES, sSS, sES, sFW, sTW, sCL, sCW, sCL, sLI, sES },
		[TCP_EV_RST] = { sCL, sCL, sCL, sSR, sCL, sCL, sCL, sCL, sLA, sLI, sSR },
	},
	[XDPVS_DIR_OUTPUT] = {
		[TCP_EV_SYN] = { sSS, sES, sSS, sSR, sSS, sSS, sSS, sSS, sSS, sLI, sSR },
		[TCP_EV_FIN] = { sTW, sFW, sSS, sTW, sFW, sTW, sCL, sTW, sLA, sLI, sTW },
		[TCP_EV_ACK] = { sES, sES, sSS, sES, sFW, sTW, sCL, sCW, sLA, sES, sES },
		[TCP_EV_RST] = { sCL, sCL, sSS, sCL, sCL, sTW, sCL, sCL, sCL, sCL, sCL },
	},
	[XDPVS_DIR_INPUT_ONLY] = {
		[TCP_EV_SYN] = { sSR, sES, sES, sSR, sSR, sSR, sSR, sSR, sSR, sSR, sSR },
		[TCP_EV_FIN] = { sCL, sFW, sSS, sTW, sFW, sTW, sCL, sCW, sLA, sLI, sTW },
		[TCP_EV_ACK] = { sES, sES, sSS, sES, sFW, sTW, sCL, sCW, sCL, sLI, sES },
		[TCP_EV_RST] = { sCL, sCL, sCL, sSR, sCL, sCL, sCL, sCL, sLA, sLI, sCL },
	},
};

/* The secure_tcp table (the kernel's tcp_states_dos). */
static const tcp_table_t tcp_states_dos = {
	[XDPVS_DIR_INPUT] = {
		/*       NO   ES   SS   SR   FW   TW   CL   CW   LA   LI   SA */
		[TCP_EV_SYN] = { sSR, sES, sES, sSR, sSR, sSR, sSR, sSR, sSR, sSR, sSA },
		[TCP_EV_FIN] = { sCL, sCW, sSS, sTW, sTW, sTW, sCL, sCW, sLA, sLI, sSA },
		[TCP_EV_ACK] = { sES, sES, sSS, sSR, sFW, sTW, sCL, sCW, sCL, sLI, sSA },
		[TCP_EV_RST] = { sCL, sCL, sCL, sSR, sCL, sCL, sCL, sCL, sLA, sLI, sCL },
	},
	[XDPVS_DIR_OUTPUT] = {
		[TCP_EV_SYN] = { sSS, sES, sSS, sSA, sSS, sSS, sSS, sSS, sSS, sLI, sSA },
		[TCP_EV_FIN] = { sTW, sFW, sSS, sTW, sFW, sTW, sCL, sTW, sLA, sLI, sTW },
		[TCP_EV_ACK] = { sES, sES, sSS, sES, sFW, sTW, sCL, sCW, sLA, sES, sES },
		[TCP_EV_RST] = { sCL, sCL, sSS, sCL, sCL, sTW, sCL, sCL, sCL, sCL, sCL },
	},
	[XDPVS_DIR_INPUT_ONLY] = {
		[TCP_EV_SYN] = { sSA, sES, sES, sSR, sSA, sSA, sSA, sSA, sSA, sSA, sSA },
		[TCP_EV_FIN] = { sCL, sFW, sSS, sTW, sFW, sTW, sCL, sCW, sLA, sLI, sTW },
		[TCP_EV_ACK] = { sES, sES, sSS, sES, sFW, sTW, sCL, sCW, sCL, sLI, sES },
		[TCP_EV_RST] = { sCL, sCL, sCL, sSR, sCL, sCL, sCL, sCL, sLA, sLI, sCL },
	},
};

/* clang-format on */

static const char *const tcp_state_names[XDPVS_TCP_S_LAST] = {
	[sNO] = "NONE",		[sES] = "ESTABLISHED",	[sSS] = "SYN_SENT",
	[sSR] = "SYN_RECV",	[sFW] = "FIN_WAIT",	[sTW] = "TIME_WAIT",
	[sCL] = "CLOSE",	[sCW] = "CLOSE_WAIT",	[sLA] = "LAST_ACK",
	[sLI] = "LISTEN",	[sSA] = "SYNACK",
};

/* States in which a connection counts as active for the schedulers. */
static bool tcp_state_active(unsigned int state)
{
	return state == sES || state == sSS || state == sSR || state == sSA;
}

static uint32_t tcp_state_timeout(const struct xdpvs_engine *e,
				  unsigned int state)
{
	return state < XDPVS_TCP_S_LAST ? e->tcp_timeouts[state] : 2;
}

static const char *tcp_state_name(unsigned int state)
{
	return state < XDPVS_TCP_S_LAST ? tcp_state_names[state] : "ERR!";
}

/* The table row for the flags, in priority order; -1: none of them. */
static int tcp_state_idx(uint8_t flags)
{
	if (flags & XDPVS_TCP_RST)
		return TCP_EV_RST;
	if (flags & XDPVS_TCP_SYN)
		return TCP_EV_SYN;
	if (flags & XDPVS_TCP_FIN)
		return TCP_EV_FIN;
	if (flags & XDPVS_TCP_ACK)
		return TCP_EV_ACK;
	return -1;
}

/* Move cp to new_state, keeping its dest's active count right. */
static void tcp_set_state(struct xdpvs_engine *e, struct xdpvs_conn *cp,
			  unsigned int new_state)
{
	struct xdpvs_dest *dest = cp->dest;

	if (new_state != cp->state) {
		if (dest) {
			bool inactive = cp->flags & XDPVS_CONN_F_INACTIVE;

			if (!inactive && !tcp_state_active(new_state)) {
				dest->activeconns--;
				cp->flags |= XDPVS_CONN_F_INACTIVE;
			} else if (inactive && tcp_state_active(new_state)) {
				dest->activeconns++;
				cp->flags &= ~XDPVS_CONN_F_INACTIVE;
			}
		}
		if (new_state == sES)
			xdpvs_control_assure_ct(cp);
	}
	cp->state = (uint16_t)new_state;
	cp->timeout = e->tcp_timeouts[new_state];
}

static void tcp_state_transition(struct xdpvs_engine *e, struct xdpvs_conn *cp,
				 enum xdpvs_dir dir, const struct xdpvs_pkt *p)
{
	const tcp_table_t *table =
		e->sysctl.secure_tcp == 3 ? &tcp_states_dos : &tcp_states;
	int idx;

	if (cp->flags & XDPVS_CONN_F_NOOUTPUT) {
		if (dir == XDPVS_DIR_OUTPUT)
			cp->flags &= ~XDPVS_CONN_F_NOOUTPUT;
		else
			dir = XDPVS_DIR_INPUT_ONLY;
	}
	idx = p->has_ports ? tcp_state_idx(p->tcp_flags) : -1;
	tcp_set_state(e, cp, idx < 0 || cp->state >= XDPVS_TCP_S_LAST ?
				     sCL : (*table)[dir][idx][cp->state]);
}

/*
 * The handshake in the fast path (<xdpvs/flow.h>, XDPVS_FLOW_F_SYN_RECV):
 * in SYN_RECV, IPVS's table leaves the state as it is on the real server's
 * SYN+ACK (output "syn"), and moves it to ESTABLISHED on the client's ACK
 * (input "ack", or input-only while no output was seen), the one move the
 * fast path reports to the engine.  Not with secure_tcp's table (there the
 * SYN+ACK moves it to SYNACK, and the ACK nowhere), and not while a sync
 * master runs (it must see the packets to send the connection on time).
 */
bool xdpvs_tcp_flow_syn_recv(const struct xdpvs_engine *e,
			     const struct xdpvs_conn *cp)
{
	enum xdpvs_dir in = cp->flags & XDPVS_CONN_F_NOOUTPUT ?
				    XDPVS_DIR_INPUT_ONLY : XDPVS_DIR_INPUT;

	if (cp->protocol != IPPROTO_TCP || cp->state != sSR ||
	    e->sysctl.secure_tcp == 3 ||
	    (e->sync_state & XDPVS_SYNC_STATE_MASTER))
		return false;
	return tcp_states[in][TCP_EV_ACK][sSR] == sES &&
	       tcp_states[XDPVS_DIR_OUTPUT][TCP_EV_SYN][sSR] == sSR;
}

/*
 * The fast path forwards a connection's packets that carry ACK and none of
 * SYN, FIN, RST without the engine seeing them: so it may while an ACK
 * moves the connection nowhere, from whichever side the flows cover.  That
 * is ESTABLISHED, and the closing states but LAST_ACK (its ACK from the
 * client closes it): FIN_WAIT, TIME_WAIT, CLOSE_WAIT, CLOSE.  FIN and RST
 * move a connection among those five only, so the fast path forwards them
 * too and tells the engine, which moves it (xdpvs_core_flow_event): a
 * NAT connection's closing never goes up.  The timer still expires it on
 * the state's timeout from the last packet seen.  And SYN_RECV, where the
 * flows carry the handshake only (above).
 */
bool xdpvs_tcp_flow_ok(const struct xdpvs_engine *e,
		       const struct xdpvs_conn *cp)
{
	const tcp_table_t *t =
		e->sysctl.secure_tcp == 3 ? &tcp_states_dos : &tcp_states;
	unsigned int s = cp->state;

	if (s == sSR)
		return xdpvs_tcp_flow_syn_recv(e, cp);
	if (s != sES && s != sFW && s != sTW && s != sCW && s != sCL)
		return false;
	if (cp->flags & XDPVS_CONN_F_NOOUTPUT)
		return (*t)[XDPVS_DIR_INPUT_ONLY][TCP_EV_ACK][s] == s;
	return (*t)[XDPVS_DIR_INPUT][TCP_EV_ACK][s] == s &&
	       (*t)[XDPVS_DIR_OUTPUT][TCP_EV_ACK][s] == s;
}

static bool tcp_may_schedule(const struct xdpvs_engine *e,
			     const struct xdpvs_pkt *p)
{
	if (p->tcp_flags & XDPVS_TCP_RST)
		return false;
	/* No ACK test: a SYN+ACK may schedule (active FTP). */
	return e->sysctl.sloppy_tcp || (p->tcp_flags & XDPVS_TCP_SYN);
}

static bool tcp_is_new_conn(const struct xdpvs_pkt *p)
{
	return p->tcp_flags & XDPVS_TCP_SYN;
}

const struct xdpvs_proto xdpvs_proto_tcp = {
	.protocol = IPPROTO_TCP,
	.may_schedule = tcp_may_schedule,
	.is_new_conn = tcp_is_new_conn,
	.state_transition = tcp_state_transition,
	.state_name = tcp_state_name,
	.state_active = tcp_state_active,
	.state_timeout = tcp_state_timeout,
	.nr_states = XDPVS_TCP_S_LAST,
};
