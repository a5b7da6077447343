// SPDX-License-Identifier: GPL-2.0-only
/*
 * The persistence engine registry, as the kernel's ip_vs_pe.c: an
 * explicit table, like the schedulers'.
 */
#include <string.h>

#include "pe.h"

static const struct xdpvs_pe_ops *const pe_table[] = {
	&xdpvs_pe_sip,
};

const struct xdpvs_pe_ops *xdpvs_pe_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(pe_table) / sizeof(pe_table[0]); i++)
		if (strcmp(pe_table[i]->name, name) == 0)
			return pe_table[i];
	return NULL;
}
