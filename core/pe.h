/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Persistence engines (--pe), as the kernel's ip_vs_pe.c: a way to key
 * persistence templates on something in the payload (the SIP Call-ID)
 * rather than on the client address.
 */
#ifndef XDPVS_CORE_PE_H
#define XDPVS_CORE_PE_H

#include <stdbool.h>
#include <stdint.h>

struct xdpvs_conn;
struct xdpvs_conn_param;
struct xdpvs_pkt;

struct xdpvs_pe_ops {
	const char *name;
	/* Find the key in the packet; store it in p->pe_data (pointing into
	 * buf, XDPVS_PEDATA_MAXLEN bytes).  0, or -1 when there is none
	 * and plain persistence applies. */
	int (*fill_param)(struct xdpvs_conn_param *p,
			  const struct xdpvs_pkt *pkt, char *buf);
	/* Does template ct carry the key of p? */
	bool (*ct_match)(const struct xdpvs_conn_param *p,
			 const struct xdpvs_conn *ct);
	/* Hash of p's key, for the connection table. */
	uint32_t (*hashkey)(const struct xdpvs_conn_param *p, uint64_t seed);
};

/* The engine registered under name, or NULL. */
const struct xdpvs_pe_ops *xdpvs_pe_find(const char *name);

#endif
