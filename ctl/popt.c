// SPDX-License-Identifier: GPL-2.0-only
/*
 * libpopt's way of reading a command line, as ipvsadm 1.31 uses it:
 * options are read left to right; short options cluster ("-Ln") and take
 * the rest of their word as their argument ("-p300", also "-p=300") or
 * else the next word; long options take "--name=value" or the next word;
 * an optional argument is taken only from a next word that does not start
 * with '-'; "--" makes every later word an argument; words that are not
 * options are kept, in order, for the caller.  Long names are matched
 * whole (popt has no abbreviations); a single dash always starts a
 * cluster of short options.
 */
#include <string.h>

#include "popt.h"

const char *xdpvs_ctl_popt_strerror(int rc)
{
	switch (rc) {
	case XDPVS_CTL_POPT_NOARG:
		return "missing argument";
	case XDPVS_CTL_POPT_UNWANTED:
		return "option does not take an argument";
	}
	return "unknown option";
}

const char *xdpvs_ctl_popt_bad(const struct xdpvs_ctl_popt *p)
{
	return p->next > 0 ? p->argv[p->next - 1] : "";
}

static const struct xdpvs_ctl_popt_def *
popt_find_long(const struct xdpvs_ctl_popt *p, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < p->ndefs; i++)
		if (strlen(p->defs[i].lname) == len &&
		    !strncmp(p->defs[i].lname, name, len))
			return &p->defs[i];
	return NULL;
}

static const struct xdpvs_ctl_popt_def *
popt_find_short(const struct xdpvs_ctl_popt *p, char c)
{
	size_t i;

	for (i = 0; i < p->ndefs; i++)
		if (p->defs[i].sname && p->defs[i].sname == c)
			return &p->defs[i];
	return NULL;
}

/* The argument of an option from the next word.  An optional argument is
 * not taken from a word starting with '-'. */
static int popt_take_arg(struct xdpvs_ctl_popt *p,
			 const struct xdpvs_ctl_popt_def *d, const char **arg)
{
	*arg = NULL;
	if (p->next >= p->argc)
		return d->arg == XDPVS_CTL_POPT_OPT ? 0 : XDPVS_CTL_POPT_NOARG;
	if (d->arg == XDPVS_CTL_POPT_OPT && p->argv[p->next][0] == '-')
		return 0;
	*arg = p->argv[p->next++];
	return 0;
}

/* The next option letter of a cluster; the rest of the word, if any, is
 * the argument of an option that takes one ("-p300", "-p=300"). */
static int popt_short(struct xdpvs_ctl_popt *p,
		      const struct xdpvs_ctl_popt_def **d, const char **arg)
{
	char c = *p->cluster++;

	if (!*p->cluster)
		p->cluster = NULL;
	*arg = NULL;
	*d = popt_find_short(p, c);
	if (!*d) {
		p->cluster = NULL;
		return XDPVS_CTL_POPT_BADOPT;
	}
	/* "-n=1": popt refuses a value for an option that takes none. */
	if ((*d)->arg == XDPVS_CTL_POPT_NONE)
		return p->cluster && *p->cluster == '=' ?
		       XDPVS_CTL_POPT_UNWANTED : 0;
	if (p->cluster) {
		*arg = p->cluster + (*p->cluster == '=');
		p->cluster = NULL;
		return 0;
	}
	return popt_take_arg(p, *d, arg);
}

/* "--name" or "--name=arg". */
static int popt_long(struct xdpvs_ctl_popt *p, const char *word,
		     const struct xdpvs_ctl_popt_def **d, const char **arg)
{
	const char *eq = strchr(word, '=');
	size_t len = eq ? (size_t)(eq - word) : strlen(word);

	*arg = NULL;
	*d = popt_find_long(p, word, len);
	if (!*d)
		return XDPVS_CTL_POPT_BADOPT;
	if (eq && (*d)->arg == XDPVS_CTL_POPT_NONE)
		return XDPVS_CTL_POPT_UNWANTED;
	if (eq) {
		*arg = eq + 1;
		return 0;
	}
	if ((*d)->arg == XDPVS_CTL_POPT_NONE)
		return 0;
	return popt_take_arg(p, *d, arg);
}

int xdpvs_ctl_popt_next(struct xdpvs_ctl_popt *p,
			const struct xdpvs_ctl_popt_def **d, const char **arg)
{
	const char *w;

	for (;;) {
		if (p->cluster)
			return popt_short(p, d, arg);
		if (p->next >= p->argc)
			return XDPVS_CTL_POPT_END;
		w = p->argv[p->next++];
		if (p->rest_left || w[0] != '-' || w[1] == '\0') {
			p->left[p->nleft++] = p->next - 1;
			continue;
		}
		if (w[1] == '-' && w[2] == '\0') {
			p->rest_left = 1;
			continue;
		}
		if (w[1] != '-') {
			p->cluster = w + 1;
			continue;
		}
		return popt_long(p, w + 2, d, arg);
	}
}

const char *xdpvs_ctl_popt_leftover(struct xdpvs_ctl_popt *p)
{
	if (p->lpos >= p->nleft)
		return NULL;
	return p->argv[p->left[p->lpos++]];
}
