/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Persistence engines (--pe), as the kernel's ip_vs_pe.c: a way to key
 * persistence templates on something in the payload (the SIP Call-ID)
 * rather than on the client address alone.
 */
#ifndef XDPVS_CORE_PE_H
#define XDPVS_CORE_PE_H

#include <stdbool.h>
#include <stdint.h>

struct xdpvs_conn;
struct xdpvs_conn_param;
struct xdpvs_dest;
struct xdpvs_engine;
struct xdpvs_pkt;
struct xdpvs_svc;

struct xdpvs_pe_ops {
	const char *name;
	/* Find the key in pkt (NULL: the quote of an ICMP error) and point
	 * p->pe_data, p->pe_data_len at it, inside the packet.  0, or -1
	 * when there is none: the kernel then drops the packet. */
	int (*fill_param)(struct xdpvs_conn_param *p,
			  const struct xdpvs_pkt *pkt);
	/* Does template ct carry p's key (and p's client and service)? */
	bool (*ct_match)(const struct xdpvs_conn_param *p,
			 const struct xdpvs_conn *ct);
	/* Hash of a key, for the connection table (hashkey_raw). */
	uint32_t (*hashkey_raw)(const char *pe_data, uint8_t len,
				uint64_t seed);
	/* A packet from real server dest of svc that matches no connection:
	 * make one (and its template) so that the answers go back to that
	 * server; NULL if not. */
	struct xdpvs_conn *(*conn_out)(struct xdpvs_engine *e,
				       struct xdpvs_svc *svc,
				       struct xdpvs_dest *dest,
				       const struct xdpvs_pkt *pkt);
};

/* The engine registered under name, or NULL. */
const struct xdpvs_pe_ops *xdpvs_pe_find(const char *name);

extern const struct xdpvs_pe_ops xdpvs_pe_sip;

/*
 * The Call-ID of the SIP message data[0..len), found as the kernel's
 * ip_vs_pe_sip.c finds it (with nf_conntrack_sip's header parser): 0 with
 * its offset and length, or -1 when there is none or it is unusable (over
 * 255 bytes, or not followed by CR or LF).
 */
int xdpvs_pe_sip_callid(const uint8_t *data, uint32_t len, uint32_t *off,
			uint32_t *clen);

#endif
