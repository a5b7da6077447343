/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the XDP filter's maps (include/xdpvs/dp.h) must hold for a given
 * engine configuration: the service entries, the masquerading real
 * servers, and the mark-rule prefixes with the union of what the rules
 * covering each one match.  Pure: dp/xdp_sync.c writes the result into
 * the maps.
 */
#ifndef XDPVS_DP_SYNC_H
#define XDPVS_DP_SYNC_H

#include <stdint.h>

#include <xdpvs/dp.h>
#include <xdpvs/engine.h>

struct dp_sync_svc {
	struct xdpvs_dp_addr_key key;
	struct xdpvs_dp_svc_val val;
};

struct dp_sync_mark {
	struct xdpvs_dp_mark_key key;
	struct xdpvs_dp_mark_val val;
};

struct dp_sync_set {
	struct dp_sync_svc *svcs;
	struct xdpvs_dp_addr_key *nat_rs;
	struct dp_sync_mark *marks;
	uint32_t nsvcs, nnat_rs, nmarks;
};

/*
 * Fill *out from the n services of s (xdpvs_svc_info_get) and the nr mark
 * rules of r (xdpvs_mark_get).  Keys are zeroed then filled, so their
 * padding is zero.  Returns 0 or -ENOMEM; free with dp_sync_free().
 */
int dp_sync_build(const struct xdpvs_svc_info *s, int n,
		  const struct xdpvs_mark_rule *r, int nr,
		  struct dp_sync_set *out);
void dp_sync_free(struct dp_sync_set *set);

#endif
