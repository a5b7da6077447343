// SPDX-License-Identifier: GPL-2.0-only
/*
 * What every fuzz harness and its replay driver link (fuzz.h): the
 * engine checks they share, and the resolver as they see it.
 *
 * No name resolves.  ipvsadm's language takes host names (ctl/util.c asks
 * getaddrinfo()), and a fuzzer feeding it arbitrary words must neither
 * send DNS queries nor depend on their answers: what an input does has
 * to be the same on every run.  Numeric addresses never get here (they
 * are read with inet_pton()/inet_aton() first); service names still come
 * from /etc/services, which is local.  Linked into the harness's binary,
 * this definition is the one libxdpvsctl's calls reach.
 */
#include <netdb.h>
#include <stddef.h>
#include <string.h>

#include <xdpvs/engine.h>

#include "fuzz.h"

int getaddrinfo(const char *node, const char *service,
		const struct addrinfo *hints, struct addrinfo **res)
{
	(void)node;
	(void)service;
	(void)hints;
	*res = NULL;
	return EAI_NONAME;
}

void fz_check_engine(struct xdpvs_engine *e, unsigned int conn_max)
{
	struct xdpvs_svc_info *s;
	int n = xdpvs_svc_info_get(e, &s), i;
	uint32_t j;

	fz_assert(n >= 0, "svc info");
	for (i = 0; i < n; i++)
		for (j = 0; j < s[i].num_dests; j++) {
			const struct xdpvs_dest_info *d = &s[i].dests[j];

			fz_assert(d->activeconns < (1U << 31) &&
					  d->inactconns < (1U << 31) &&
					  d->persistconns < (1U << 31),
				  "dest counters %u %u %u", d->activeconns,
				  d->inactconns, d->persistconns);
		}
	xdpvs_svc_info_free(s, n);
	fz_assert(xdpvs_conn_count(e) <= conn_max, "over capacity");
}

uint8_t *fz_payload(const uint8_t *data, size_t size, size_t *len)
{
	uint8_t *buf;

	*len = size - 1;
	buf = malloc(*len ? *len : 1);
	fz_assert(buf, "malloc");
	memcpy(buf, data + 1, *len);
	return buf;
}
