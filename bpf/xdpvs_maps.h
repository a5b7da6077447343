/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The maps of xdpvsd's XDP program and what they hold: the filter's
 * (include/xdpvs/dp.h), the fast path's (flow.h) and the picks'
 * (pick.h), with the per-CPU scratch values of the fast path, and
 * count(), the per-CPU packet counters (dp.h's XDPVS_DP_*).
 *
 * A piece of bpf/xdpvs.bpf.c (one compilation unit): included once,
 * after its constants.
 */
#ifndef XDPVS_BPF_MAPS_H
#define XDPVS_BPF_MAPS_H

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XDPVS_DP_MAX_SVCS);
	__type(key, struct xdpvs_dp_addr_key);
	__type(value, struct xdpvs_dp_svc_val);
} xdpvs_svcs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XDPVS_DP_MAX_NAT_RS);
	__type(key, struct xdpvs_dp_addr_key);
	__type(value, __u8);
} xdpvs_nat_rs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XDPVS_DP_MAX_LOCAL);
	__type(key, struct xdpvs_dp_local_key);
	__type(value, __u8);
} xdpvs_local SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, XDPVS_DP_MAX_MARKS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct xdpvs_dp_mark_key);
	__type(value, struct xdpvs_dp_mark_val);
} xdpvs_marks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, XDPVS_DP_MAX_QUEUES);
	__type(key, __u32);
	__type(value, __u32);
} xdpvs_xsks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, XDPVS_DP_STAT_MAX);
	__type(key, __u32);
	__type(value, struct xdpvs_dp_counter);
} xdpvs_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xdpvs_dp_ctl);
} xdpvs_ctl SEC(".maps");

/* xdpvsd's interfaces, key and value their ifindex: the fast path's
 * redirects go through this devmap when they can (no device lookup per
 * packet), through bpf_redirect() to any other interface. */
struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP_HASH);
	__uint(max_entries, XDPVS_DP_MAX_TX);
	__type(key, __u32);
	__type(value, __u32);
} xdpvs_tx SEC(".maps");

/* The fast path's maps (flow.h); sized by the loader from --conn-max. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 2 * 65536);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct xdpvs_flow_key);
	__type(value, struct xdpvs_flow_value);
} xdpvs_flows SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, XDPVS_FLOW_MAX_SLOTS);
	__type(key, __u32);
	__type(value, struct xdpvs_flow_stats);
} xdpvs_svc_st SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, XDPVS_FLOW_MAX_SLOTS);
	__type(key, __u32);
	__type(value, struct xdpvs_flow_stats);
} xdpvs_dest_st SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, XDPVS_FLOW_EVENTS_SIZE);
} xdpvs_events SEC(".maps");

/* A chunk of packet to sum, with room for zeros up to a 4-byte word. */
struct fp_scratch {
	__u8 b[FP_CHUNK + 4];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct fp_scratch);
} xdpvs_scratch SEC(".maps");

/* New TCP connections scheduled with the engine's picks (pick.h); all
 * three written by xdpvsd. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, XDPVS_PICK_RINGS);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct xdpvs_pick_ring);
} xdpvs_picks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XDPVS_PICK_RINGS);
	__type(key, struct xdpvs_dp_addr_key);
	__type(value, __u32);
} xdpvs_pick_svc SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, XDPVS_FLOW_MAX_SLOTS);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct xdpvs_flow_value);
} xdpvs_pick_tm SEC(".maps");

/* What a pick takes and the flows it installs, built here: two values do
 * not fit on the stack beside the rest of the program's, and a path that
 * leaves more on the stack than the others costs the verifier the
 * filter's walk again. */
struct fp_pick_scratch {
	__u64 wake;			/* the event's submit flag */
	struct xdpvs_pick pk;		/* the pick taken */
	__u32 mtu;			/* the receiving interface's */
	struct xdpvs_dp_addr_key svc;	/* the SYN's service */
	struct xdpvs_flow_key rk;	/* the real server's (NAT) */
	struct xdpvs_flow_value cv;	/* the client's */
	struct xdpvs_flow_value rv;	/* the real server's (NAT) */
	/* A SYN reusing a closed connection's port (pick.h): the flows
	 * its own replace, to put back if it goes up after all. */
	__u32 reuse;			/* this SYN is one */
	__u32 had_rv;			/* old_rv holds one */
	struct xdpvs_flow_value old_cv;	/* the client's */
	struct xdpvs_flow_value old_rv;	/* the real server's at rk */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct fp_pick_scratch);
} xdpvs_pick_scr SEC(".maps");

static __always_inline void count(__u32 idx, __u64 bytes)
{
	struct xdpvs_dp_counter *c = bpf_map_lookup_elem(&xdpvs_stats, &idx);

	if (c) {
		c->packets++;
		c->bytes += bytes;
	}
}

#endif
