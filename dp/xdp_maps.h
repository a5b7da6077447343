/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The shared maps of struct dp_xdp_maps by index, for dp/xdp*.c alone
 * (not part of xdp.h): the loader walks them to open, adopt and compare
 * them, xdp_maps.c to close, duplicate and pin them.
 */
#ifndef XDPVS_DP_XDP_MAPS_H
#define XDPVS_DP_XDP_MAPS_H

#include "xdp.h"

#define DP_XDP_NSHARED	13	/* the fds of struct dp_xdp_maps */
/* The pick maps come last: a data path kept by a build before them has
 * none, and gets new ones. */
#define DP_XDP_NPICK	3
#define DP_XDP_FIRST_PICK	(DP_XDP_NSHARED - DP_XDP_NPICK)

/* The name of shared map i (< DP_XDP_NSHARED): its name in a program,
 * and its pin's. */
const char *dp_xdp_shared_name(unsigned int i);

/* Where m keeps the fd of shared map i (< DP_XDP_NSHARED). */
int *dp_xdp_shared_fd(struct dp_xdp_maps *m, unsigned int i);
/* m with no map open (every fd -1, not set). */
void dp_xdp_maps_none(struct dp_xdp_maps *m);

#endif
