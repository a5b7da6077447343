// SPDX-License-Identifier: GPL-2.0-only
/*
 * SCTP as IPVS tracks it, following the kernel's ip_vs_proto_sctp.c.
 *
 * The event is the type of the packet's first chunk (DATA, SACK, HEARTBEAT
 * and ECN chunks all count as DATA), except that a COOKIE ECHO or COOKIE
 * ACK bundled before an ABORT counts as the ABORT.  Fourteen states, as the
 * real server sees the association; only ESTABLISHED is active.  Only an
 * INIT (any chunk but ABORT with sloppy_sctp) creates a connection.
 */
#include <stdint.h>
#include <netinet/in.h>

#include <xdpvs/hdr.h>

#include "conn.h"
#include "dest.h"
#include "engine_priv.h"
#include "pkt.h"
#include "proto.h"

#define sNO XDPVS_SCTP_S_NONE
#define sI1 XDPVS_SCTP_S_INIT1
#define sIN XDPVS_SCTP_S_INIT
#define sCS XDPVS_SCTP_S_COOKIE_SENT
#define sCR XDPVS_SCTP_S_COOKIE_REPLIED
#define sCW XDPVS_SCTP_S_COOKIE_WAIT
#define sCO XDPVS_SCTP_S_COOKIE
#define sCE XDPVS_SCTP_S_COOKIE_ECHOED
#define sES XDPVS_SCTP_S_ESTABLISHED
#define sSS XDPVS_SCTP_S_SHUTDOWN_SENT
#define sSR XDPVS_SCTP_S_SHUTDOWN_RECEIVED
#define sSA XDPVS_SCTP_S_SHUTDOWN_ACK_SENT
#define sRJ XDPVS_SCTP_S_REJECTED
#define sCL XDPVS_SCTP_S_CLOSED

enum {
	EV_DATA, EV_INIT, EV_INIT_ACK, EV_COOKIE_ECHO, EV_COOKIE_ACK,
	EV_SHUTDOWN, EV_SHUTDOWN_ACK, EV_SHUTDOWN_COMPLETE, EV_ERROR,
	EV_ABORT, EV_LAST
};

/* Chunk type to event; types past the table are DATA. */
static const uint8_t sctp_events[] = {
	[XDPVS_SCTP_CID_DATA] = EV_DATA,
	[XDPVS_SCTP_CID_INIT] = EV_INIT,
	[XDPVS_SCTP_CID_INIT_ACK] = EV_INIT_ACK,
	[XDPVS_SCTP_CID_SACK] = EV_DATA,
	[XDPVS_SCTP_CID_HEARTBEAT] = EV_DATA,
	[XDPVS_SCTP_CID_HEARTBEAT_ACK] = EV_DATA,
	[XDPVS_SCTP_CID_ABORT] = EV_ABORT,
	[XDPVS_SCTP_CID_SHUTDOWN] = EV_SHUTDOWN,
	[XDPVS_SCTP_CID_SHUTDOWN_ACK] = EV_SHUTDOWN_ACK,
	[XDPVS_SCTP_CID_ERROR] = EV_ERROR,
	[XDPVS_SCTP_CID_COOKIE_ECHO] = EV_COOKIE_ECHO,
	[XDPVS_SCTP_CID_COOKIE_ACK] = EV_COOKIE_ACK,
	[XDPVS_SCTP_CID_ECN_ECNE] = EV_DATA,
	[XDPVS_SCTP_CID_ECN_CWR] = EV_DATA,
	[XDPVS_SCTP_CID_SHUTDOWN_COMPLETE] = EV_SHUTDOWN_COMPLETE,
};

/* clang-format off */
/* next state = sctp_states[direction][event][current state] */
static const uint8_t sctp_states[3][EV_LAST][XDPVS_SCTP_S_LAST] = {
	[XDPVS_DIR_INPUT] = {
		/*          NO   I1   IN   CS   CR   CW   CO   CE   ES   SS   SR   SA   RJ   CL */
		[EV_DATA] = { sES, sI1, sIN, sCS, sCR, sCW, sCO, sCE, sES, sSS, sSR, sSA, sRJ, sCL },
		[EV_INIT] = { sI1, sIN, sIN, sCS, sCR, sCW, sCO, sCE, sES, sSS, sSR, sSA, sIN, sIN },
		[EV_INIT_ACK] = { sCW, sCW, sCW, sCS, sCR, sCO, sCO, sCE, sES, sSS, sSR, sSA, sRJ, sCL },
		[EV_COOKIE_ECHO] = { sCR, sIN, sIN, sCR, sCR, sCW, sCO, sCE, sES, sSS, sSR, sSA, sRJ, sCL },
		[EV_COOKIE_ACK] = { sES, sI1, sIN, sCS, sCR, sCW, sCO, sES, sES, sSS, sSR, sSA, sRJ, sCL },
		[EV_SHUTDOWN] = { sSR, sI1, sIN, sCS, sCR, sCW, sCO, sCE, sSR, sSS, sSR, sSA, sRJ, sCL },
		[EV_SHUTDOWN_ACK] = { sCL, sIN, sIN, sCS, sCR, sCW, sCO, sCE, sES, sCL, sSR, sCL, sRJ, sCL },
		[EV_SHUTDOWN_COMPLETE] = { sCL, sCL, sCL, sCS, sCR, sCW, sCO, sCE, sES, sSS, sSR, sCL, sRJ, sCL },
		[EV_ERROR] = { sCL, sI1, sIN, sCS, sCR, sCW, sCO, sCL, sES, sSS, sSR, sSA, sRJ, sCL },
		[EV_ABORT] = { sCL, sCL, sCL, sCL, sCL, sRJ, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL },
	},
	[XDPVS_DIR_OUTPUT] = {
		[EV_DATA] = { sES, sI1, sIN, sCS, sCR, sCW, sCO, sCE, sES, sSS, sSR, sSA, sRJ, sCL },
		[EV_INIT] = { sCW, sCW, sCW, sCW, sCW, sCW, sCW, sCW, sES, sCW, sCW, sCW, sCW, sCW },
		[EV_INIT_ACK] = { sCS, sCS, sCS, sCS, sCR, sCW, sCO, sCE, sES, sSS, sSR, sSA, sRJ, sCL },
		[EV_COOKIE_ECHO] = { sCE, sCE, sCE, sCE, sCE, sCE, sCE, sCE, sES, sSS, sSR, sSA, sRJ, sCL },
		[EV_COOKIE_ACK] = { sES, sES, sES, sES, sES, sES, sES, sES, sES, sSS, sSR, sSA, sRJ, sCL },
		[EV_SHUTDOWN] = { sSS, sSS, sSS, sSS, sSS, sSS, sSS, sSS, sSS, sSS, sSR, sSA, sRJ, sCL },
		[EV_SHUTDOWN_ACK] = { sSA, sSA, sSA, sSA, sSA, sCW, sCO, sCE, sES, sSA, sSA, sSA, sRJ, sCL },
		[EV_SHUTDOWN_COMPLETE] = { sCL, sI1, sIN, sCS, sCR, sCW, sCO, sCE, sES, sSS, sSR, sSA, sRJ, sCL },
		[EV_ERROR] = { sCL, sCL, sCL, sCL, sCL, sCW, sCO, sCE, sES, sSS, sSR, sSA, sRJ, sCL },
		[EV_ABORT] = { sCL, sRJ, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL },
	},
	[XDPVS_DIR_INPUT_ONLY] = {
		[EV_DATA] = { sES, sI1, sIN, sCS, sCR, sES, sCO, sCE, sES, sSS, sSR, sSA, sRJ, sCL },
		[EV_INIT] = { sI1, sIN, sIN, sIN, sIN, sIN, sCO, sCE, sES, sSS, sSR, sSA, sIN, sIN },
		[EV_INIT_ACK] = { sCE, sCE, sCE, sCE, sCE, sCE, sCO, sCE, sES, sSS, sSR, sSA, sRJ, sCL },
		[EV_COOKIE_ECHO] = { sES, sES, sES, sES, sES, sES, sCO, sCE, sES, sSS, sSR, sSA, sRJ, sCL },
		[EV_COOKIE_ACK] = { sES, sI1, sIN, sES, sES, sCW, sES, sES, sES, sSS, sSR, sSA, sRJ, sCL },
		[EV_SHUTDOWN] = { sSR, sI1, sIN, sCS, sCR, sCW, sCO, sCE, sSR, sSS, sSR, sSA, sRJ, sCL },
		[EV_SHUTDOWN_ACK] = { sCL, sIN, sIN, sCS, sCR, sCW, sCO, sCE, sCL, sCL, sSR, sCL, sRJ, sCL },
		[EV_SHUTDOWN_COMPLETE] = { sCL, sCL, sCL, sCL, sCL, sCW, sCO, sCE, sES, sSS, sCL, sCL, sRJ, sCL },
		[EV_ERROR] = { sCL, sI1, sIN, sCS, sCR, sCW, sCO, sCE, sES, sSS, sSR, sSA, sRJ, sCL },
		[EV_ABORT] = { sCL, sCL, sCL, sCL, sCL, sRJ, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL },
	},
};

/* clang-format on */

#define SCTP_MAX_RTO 61	/* seconds: (60 + 1) */

static const uint32_t sctp_timeouts[XDPVS_SCTP_S_LAST] = {
	[sNO] = 2,		[sI1] = 3 + 1,		[sIN] = SCTP_MAX_RTO,
	[sCS] = SCTP_MAX_RTO,	[sCR] = SCTP_MAX_RTO,	[sCW] = SCTP_MAX_RTO,
	[sCO] = SCTP_MAX_RTO,	[sCE] = SCTP_MAX_RTO,	[sES] = 15 * 60,
	[sSS] = SCTP_MAX_RTO,	[sSR] = SCTP_MAX_RTO,	[sSA] = SCTP_MAX_RTO,
	[sRJ] = 3 + 1,		[sCL] = SCTP_MAX_RTO,
};

static const char *const sctp_state_names[XDPVS_SCTP_S_LAST] = {
	[sNO] = "NONE",		[sI1] = "INIT1",	[sIN] = "INIT",
	[sCS] = "C-SENT",	[sCR] = "C-REPLIED",	[sCW] = "C-WAIT",
	[sCO] = "COOKIE",	[sCE] = "C-ECHOED",	[sES] = "ESTABLISHED",
	[sSS] = "S-SENT",	[sSR] = "S-RECEIVED",	[sSA] = "S-ACK-SENT",
	[sRJ] = "REJECTED",	[sCL] = "CLOSED",
};

static bool sctp_state_active(unsigned int state)
{
	return state == sES;
}

static uint32_t sctp_state_timeout(const struct xdpvs_engine *e,
				   unsigned int state)
{
	return state < XDPVS_SCTP_S_LAST ? sctp_timeouts[state] : 2;
}

static const char *sctp_state_name(unsigned int state)
{
	return state < XDPVS_SCTP_S_LAST ? sctp_state_names[state] : "ERR!";
}

/* The chunk type that decides the event: the first one, unless a COOKIE
 * ECHO or COOKIE ACK is followed by an ABORT. */
static int sctp_event_chunk(const struct xdpvs_pkt *p)
{
	uint32_t cofs = p->l4_off + sizeof(struct xdpvs_sctphdr);
	const uint8_t *c = p->data + cofs;
	uint8_t type = p->sctp_chunk;

	if (type == XDPVS_SCTP_CID_COOKIE_ECHO ||
	    type == XDPVS_SCTP_CID_COOKIE_ACK) {
		uint32_t clen = (uint32_t)(c[2] << 8 | c[3]);
		uint32_t next = cofs + ((clen + 3) & ~3u);

		if (clen >= sizeof(struct xdpvs_sctp_chunkhdr) &&
		    next + sizeof(struct xdpvs_sctp_chunkhdr) <= p->len &&
		    p->data[next] == XDPVS_SCTP_CID_ABORT)
			type = XDPVS_SCTP_CID_ABORT;
	}
	return type;
}

static void sctp_state_transition(struct xdpvs_engine *e, struct xdpvs_conn *cp,
				  enum xdpvs_dir dir, const struct xdpvs_pkt *p)
{
	struct xdpvs_dest *dest = cp->dest;
	int type, event;
	unsigned int next;

	if (!p->has_chunk)
		return;
	type = sctp_event_chunk(p);
	event = type < (int)sizeof(sctp_events) ? sctp_events[type] : EV_DATA;
	if (cp->flags & XDPVS_CONN_F_NOOUTPUT) {
		if (dir == XDPVS_DIR_OUTPUT)
			cp->flags &= ~XDPVS_CONN_F_NOOUTPUT;
		else
			dir = XDPVS_DIR_INPUT_ONLY;
	}
	next = cp->state < XDPVS_SCTP_S_LAST ?
		       sctp_states[dir][event][cp->state] : sCL;
	if (next != cp->state) {
		bool inactive = cp->flags & XDPVS_CONN_F_INACTIVE;

		if (dest && !inactive && next != sES) {
			dest->activeconns--;
			cp->flags |= XDPVS_CONN_F_INACTIVE;
		} else if (dest && inactive && next == sES) {
			dest->activeconns++;
			cp->flags &= ~XDPVS_CONN_F_INACTIVE;
		}
		if (next == sES)
			xdpvs_control_assure_ct(cp);
	}
	cp->state = (uint16_t)next;
	cp->timeout = sctp_timeouts[next];
}

static bool sctp_may_schedule(const struct xdpvs_engine *e,
			      const struct xdpvs_pkt *p)
{
	if (!p->has_chunk || p->sctp_chunk == XDPVS_SCTP_CID_ABORT)
		return false;
	return e->sysctl.sloppy_sctp || p->sctp_chunk == XDPVS_SCTP_CID_INIT;
}

static bool sctp_is_new_conn(const struct xdpvs_pkt *p)
{
	return p->has_chunk && p->sctp_chunk == XDPVS_SCTP_CID_INIT;
}

const struct xdpvs_proto xdpvs_proto_sctp = {
	.protocol = IPPROTO_SCTP,
	.may_schedule = sctp_may_schedule,
	.is_new_conn = sctp_is_new_conn,
	.state_transition = sctp_state_transition,
	.state_name = sctp_state_name,
	.state_active = sctp_state_active,
	.state_timeout = sctp_state_timeout,
	.nr_states = XDPVS_SCTP_S_LAST,
};
