// SPDX-License-Identifier: GPL-2.0-only
/*
 * An engine's whole configuration as rules (xdpvs_ctl_save(), cmd.h):
 * what `xdpvsadm -S -n` prints of it, in the same order and words, and
 * the real servers' thresholds, which ipvsadm's -S leaves out, so that
 * xdpvs_ctl_rules_read() applies all of it to another engine.  xdpvsadm
 * builds its -S from the daemon's replies; xdpvsd, which has the engine
 * at hand, hands its configuration to its successor with this.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "print.h"

#define SAVE_MAX_SYSCTLS 64

/* The timeouts of e, or of a new engine when e is NULL. */
static struct xdpvs_ctl_timeouts save_timeouts(const struct xdpvs_engine *e)
{
	struct xdpvs_ctl_timeouts t;

	xdpvs_get_timeouts(e, &t.tcp, &t.tcpfin, &t.udp);
	return t;
}

/* The --set and --sysctl lines of what e has changed from engine d's. */
static int save_changed(const struct xdpvs_engine *e,
			const struct xdpvs_engine *d, FILE *out,
			unsigned int fmt)
{
	struct xdpvs_ctl_timeouts te = save_timeouts(e), td = save_timeouts(d);
	const char *names[SAVE_MAX_SYSCTLS];
	int values[SAVE_MAX_SYSCTLS], ve, vd, n = 0, rc = 0;
	const char *name;
	unsigned int i;

	if (memcmp(&te, &td, sizeof(te)))
		rc = xdpvs_ctl_print_timeouts(out, &te, fmt);
	for (i = 0; !rc && n < SAVE_MAX_SYSCTLS &&
		    (name = xdpvs_sysctl_name(i)); i++) {
		if (xdpvs_sysctl_get(e, name, &ve) ||
		    xdpvs_sysctl_get(d, name, &vd))
			return -EINVAL;
		if (ve != vd) {
			names[n] = name;
			values[n++] = ve;
		}
	}
	return rc ? rc : xdpvs_ctl_print_sysctls(out, names, values, n, fmt);
}

static int save_marks(const struct xdpvs_engine *e, FILE *out,
		      unsigned int fmt)
{
	struct xdpvs_mark_rule none, *r;
	int n = xdpvs_mark_get(e, &none, 0), rc;

	r = calloc(n ? (size_t)n : 1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	n = xdpvs_mark_get(e, r, n);
	rc = xdpvs_ctl_print_marks(out, r, n, fmt);
	free(r);
	return rc;
}

int xdpvs_ctl_save(struct xdpvs_engine *e, FILE *out,
		   struct xdpvs_ctl_err *err)
{
	struct xdpvs_engine_params p = { .conn_max = 1, .conn_tab_bits = 8 };
	struct xdpvs_engine *d;
	struct xdpvs_ctl_cmd cmd;
	int rc = xdpvs_ctl_parse_line("-S -n", NULL, &cmd, err);

	if (rc < 0)
		return rc;
	cmd.fmt |= XDPVS_CTL_FMT_RULE_FULL;
	rc = xdpvs_ctl_list(e, &cmd, 0, out, err);
	if (rc < 0)
		return rc;
	d = xdpvs_engine_new(&p);	/* the defaults */
	if (!d) {
		xdpvs_ctl_fail(err, XDPVS_CTL_EXIT_OTHER, "%s",
			       strerror(ENOMEM));
		return -ENOMEM;
	}
	rc = save_changed(e, d, out, cmd.fmt);
	xdpvs_engine_free(d);
	if (!rc)
		rc = save_marks(e, out, cmd.fmt);
	if (rc < 0)
		xdpvs_ctl_fail(err, XDPVS_CTL_EXIT_OTHER, "%s", strerror(-rc));
	return rc < 0 ? rc : 0;
}
