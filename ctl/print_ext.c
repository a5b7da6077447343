// SPDX-License-Identifier: GPL-2.0-only
/*
 * Listings of the xdpvs extensions, kept out of print.c so that file stays
 * ipvsadm's.  Mark rules print as a table in ipvsadm's style,
 *
 *	Mark       Prot Prefix                                        Ports
 *	1          tcp  198.18.100.5/32                               80
 *
 * or, for -S, as the --add-mark lines that recreate them; switches print
 * as "name = value", the way sysctl(8) shows them, or for -S as the
 * "--sysctl name=value" lines that set them.
 */
#include <errno.h>
#include <stdio.h>

#include "internal.h"
#include "print.h"

static void pext_mark_line(FILE *f, const struct xdpvs_mark_rule *r)
{
	char prefix[XDPVS_CTL_MARK_RULE_LEN], ports[16];

	xdpvs_ctl_mark_prefix_str(prefix, sizeof(prefix), r);
	xdpvs_ctl_mark_ports_str(ports, sizeof(ports), r);
	fprintf(f, "%-10u %-4s %-45s %s\n", r->mark,
		xdpvs_ctl_mark_proto_name(r->protocol), prefix,
		ports[0] ? ports : "any");
}

int xdpvs_ctl_print_marks(FILE *f, const struct xdpvs_mark_rule *r, int n,
			  unsigned int fmt)
{
	char rule[XDPVS_CTL_MARK_RULE_LEN];
	int i;

	if (fmt & XDPVS_CTL_FMT_JSON)
		return xdpvs_ctl_json_marks(f, r, n);
	if (fmt & XDPVS_CTL_FMT_RULE) {
		for (i = 0; i < n; i++) {
			xdpvs_ctl_mark_rule_str(rule, sizeof(rule), &r[i]);
			fprintf(f, "--add-mark %s\n", rule);
		}
		return ferror(f) ? -EIO : 0;
	}
	fprintf(f, "%-10s %-4s %-45s %s\n", "Mark", "Prot", "Prefix", "Ports");
	for (i = 0; i < n; i++)
		pext_mark_line(f, &r[i]);
	return ferror(f) ? -EIO : 0;
}

int xdpvs_ctl_print_sysctls(FILE *f, const char *const *names,
			    const int *values, int n, unsigned int fmt)
{
	int i;

	if (fmt & XDPVS_CTL_FMT_JSON)
		return xdpvs_ctl_json_sysctls(f, names, values, n);
	for (i = 0; i < n; i++)
		fprintf(f, fmt & XDPVS_CTL_FMT_RULE ? "--sysctl %s=%d\n" :
			"%s = %d\n", names[i], values[i]);
	return ferror(f) ? -EIO : 0;
}
