/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The pick ABI: new TCP and UDP connections scheduled by the XDP fast
 * path with choices the engine made ahead.
 *
 * A SYN that goes up costs xdpvsd a wake-up, the flows' insert and a
 * transmit: most of what a new NAT connection costs the balancer.  For a
 * scheduler whose next choice depends on nothing but its own state and
 * the service's configuration (rr, wrr: not on the packet, the counts or
 * the clock), the engine can make the next choices ahead, exactly as it
 * would make them one SYN at a time, and hand them to the fast path:
 *
 *   - xdpvs_picks, a BPF_F_MMAPABLE array of rings, one per such service,
 *     which xdpvsd reads and writes in place (no syscall).  A ring holds
 *     two sets of picks; `next` says which one is being taken (bit 63)
 *     and the index of its next pick (the rest).  The fast path takes a
 *     pick with one atomic fetch-and-add on `next`: an index at or past
 *     that set's count means none is left.
 *   - xdpvs_pick_svc, a hash map from the service <af, proto, vaddr, vport>
 *     (struct xdpvs_dp_addr_key, dp.h) to its ring's index; the ring's own
 *     svc must say the same (a ring may be handed to another service
 *     before this map catches up).
 *   - xdpvs_pick_tm, a BPF_F_MMAPABLE array indexed by the real server's
 *     stats slot (dest_idx): the client-direction flow value a new
 *     connection to it gets (gen 0, no SYN_RECV mark, last_seen 0).
 *
 * The engine takes the picks back before anything that changes what it
 * would choose (a real server added, removed or edited, the scheduler
 * changed, routes changed): one atomic exchange of `next` that leaves the
 * set exhausted and tells how many picks were taken; it then rewinds its
 * scheduler to just after those, and publishes the next set into the
 * other half once the change is made.  So the choices the fast path used
 * are exactly those the engine would have made, in order.
 *
 * The fast path, for a TCP segment with SYN and without ACK, FIN and RST
 * or a UDP datagram (unfragmented: the fast path parses no other) that
 * matches no flow, on an untagged frame, from a client port other than
 * 20 (FTP data, never scheduled), to a service with a ring: reserve an
 * event (struct xdpvs_flow_event_new, flow.h), take a pick, install the
 * client's flow from the template with the pick's gen (and, TCP,
 * XDPVS_FLOW_F_SYN_RECV) and, for NAT, the real server's flow (SNAT back
 * to the virtual address and port, out the interface the packet came in
 * by, to the MAC it came from, from the MAC it came to, MTU that
 * interface's, the same mark), both BPF_NOEXIST; forward the packet as
 * the flow says; submit the event.  Below, "SYN" stands for either.
 * Anything missing (no pick left, ring full, an insert refused, TTL <= 1,
 * a template it cannot apply or a SYN above its MTU) sends the SYN up as
 * before, taking back what it installed; a pick taken then is given back
 * in the event reserved for it (XDPVS_FLOW_EV_UNUSED, its gen and
 * dest_idx), which the engine reads before the SYN: the next connection
 * of that service it schedules itself, that SYN's, takes the given-back
 * pick first, so the sequence is IPVS's still (a datagram too big for
 * the way, say, would otherwise skip a real server each time: with two,
 * every such flow would go to the same one).  Picks given back before a
 * change that takes the ring back are dropped.  The event wakes xdpvsd every
 * XDPVS_PICK_WAKE picks and at the last of a set: the events of that
 * many connections wait in the ring at most, and the engine, which
 * publishes the next set once half of this one is used, does so before
 * it runs out.  A set is large so that a flood of new flows (a table
 * filling, UDP) finds picks most of the time: xdpvsd, which shares its
 * core with the fast path, makes a connection from an event for much
 * less than from a packet that went up (no flow insert, no transmit).
 *
 * The engine, when it schedules a connection itself (a SYN that went up:
 * no pick was left, or it was not one the fast path takes), takes the
 * ring's next pick the same way, if one is left, rather than taking the
 * ring back and publishing again.
 *
 * A client reusing its port (TCP): IPVS (conn_reuse_mode, on by default) ends a
 * connection in TIME_WAIT or CLOSE that a SYN arrives for and schedules
 * that SYN anew.  The fast path knows when that is without knowing the
 * state: it marks the client's flow XDPVS_FLOW_F_FIN_IN when it forwards
 * the client's FIN, XDPVS_FLOW_F_FIN_OUT for the real server's, both for
 * a RST of either side (flow.h).  In IPVS's table, from the states flows
 * are kept in, FINs of both sides or one RST lead to TIME_WAIT or CLOSE
 * and nowhere else (with input only, DR and tunnels: a RST to CLOSE).  So
 * with XDPVS_PICK_F_REUSE on the ring (the engine's conn_reuse_mode), a
 * SYN without ACK, FIN and RST on a client flow that has both marks (and
 * not XDPVS_FLOW_F_SYN_RECV) is scheduled like one that matched no flow,
 * but for the inserts: the client's flow is overwritten, the real
 * server's written whether there is one or not (the same real server's,
 * of the ended connection), and what was there put back if the SYN goes
 * up after all.  A mark the fast path did not make (the FIN went up, the
 * engine rewrote the flow) only sends such a SYN up, as before.
 *
 * The engine makes the connection when it reads the event, as if it had
 * scheduled that SYN to that real server: state, counts, timeout, gen
 * (the pick's: gens are drawn when picks are made).  It checks the event
 * against its own view (the service of the key, the real server of
 * dest_idx with new_daddr and new_dport) and rewrites a flow whose value
 * is not the one it would have installed (e.g. a client reached by
 * another way than the one its SYN came by), or removes both when it
 * cannot make the connection.  A TCP connection it still has on the
 * tuple (the ended one) is ended as IPVS ends it for a SYN reusing its
 * port, and its real server's flow is removed unless the new connection's
 * has the same key.  A UDP connection it has there (made from an earlier
 * datagram of the flow that went up before the fast path had picks, and
 * was read after this one passed) stays, as IPVS keeps sending a flow's
 * datagrams to its real server: the pick's flows are removed and its own
 * written again; that one datagram went to the pick's real server.  A
 * connection the engine keeps but which can have no flows (its real
 * server removed, its way lost, a TCP state the fast path does not keep)
 * keeps a hold on its client's key, a flow of MTU 0 (core/flow.c): its
 * packets go up, not taken for a new connection's.
 *
 * Shared with bpf/: <linux/types.h> types, explicit padding, sizes
 * asserted.
 */
#ifndef XDPVS_PICK_H
#define XDPVS_PICK_H

#include <linux/types.h>

#include <xdpvs/dp.h>

#define XDPVS_PICK_MAP		"xdpvs_picks"
#define XDPVS_PICK_SVC_MAP	"xdpvs_pick_svc"
#define XDPVS_PICK_TMPL_MAP	"xdpvs_pick_tm"
#define XDPVS_PICK_RINGS	256	/* services at most; ring 0 unused */
#define XDPVS_PICK_SLOTS	2048	/* picks per set */
#define XDPVS_PICK_WAKE		128	/* picks per wake-up of xdpvsd */
#define XDPVS_PICK_SET		(1ULL << 63)	/* in next: set 1 */
/* A SYN on a closed connection's client flow takes a pick too (below). */
#define XDPVS_PICK_F_REUSE	0x0001

/* One choice made ahead. */
struct xdpvs_pick {
	__u32 gen;		/* the connection's generation */
	__u16 dest_idx;		/* real server: its slot in xdpvs_pick_tm */
	__u16 pad;		/* zero */
};
_Static_assert(sizeof(struct xdpvs_pick) == 8, "pick ABI");

/* A value of xdpvs_picks. */
struct xdpvs_pick_ring {
	__u64 next;		/* XDPVS_PICK_SET bit | index in that set */
	__u32 count[2];		/* picks in each set */
	struct xdpvs_dp_addr_key svc;	/* whose picks these are */
	__u32 flags;		/* XDPVS_PICK_F_* */
	struct xdpvs_pick slot[2][XDPVS_PICK_SLOTS];
};
_Static_assert(sizeof(struct xdpvs_pick_ring) == 40 + 2 * 8 * XDPVS_PICK_SLOTS,
	       "pick ring ABI");

#endif
