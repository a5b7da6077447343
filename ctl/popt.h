/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Splitting an argument vector into options the way libpopt's
 * poptGetNextOpt() does for ipvsadm, so that xdpvs accepts exactly the
 * command lines ipvsadm accepts (private to ctl/).
 */
#ifndef XDPVS_CTL_POPT_H
#define XDPVS_CTL_POPT_H

#include <stddef.h>
#include <stdint.h>

#include "internal.h"

enum xdpvs_ctl_popt_arg {
	XDPVS_CTL_POPT_NONE,	/* no argument */
	XDPVS_CTL_POPT_REQ,	/* an argument, maybe starting with '-' */
	XDPVS_CTL_POPT_OPT,	/* an argument if one follows */
};

struct xdpvs_ctl_popt_def {
	const char *lname;	/* --name */
	char sname;		/* -c, or 0 */
	uint8_t arg;		/* enum xdpvs_ctl_popt_arg */
	uint8_t tag;		/* the caller's meaning */
};

/* popt's return codes that ipvsadm can show. */
#define XDPVS_CTL_POPT_END	(-1)	/* no more options */
#define XDPVS_CTL_POPT_NOARG	(-10)
#define XDPVS_CTL_POPT_BADOPT	(-11)
#define XDPVS_CTL_POPT_UNWANTED	(-12)

/* The state of one pass over argv; set defs, ndefs, argc, argv and next
 * (1: argv[0] is the program), zero the rest. */
struct xdpvs_ctl_popt {
	const struct xdpvs_ctl_popt_def *defs;
	size_t ndefs;
	int argc;
	char *const *argv;
	int next;		/* next word to read */
	const char *cluster;	/* rest of a "-abc" word, or NULL */
	int rest_left;		/* "--" seen: everything is leftover */
	int nleft, lpos;	/* leftover words, and the next to hand out */
	int left[XDPVS_CTL_MAX_ARGS];
};

/* The next option: 0 with *d and *arg (NULL when none) set,
 * XDPVS_CTL_POPT_END, or an error code.  Other words are kept. */
int xdpvs_ctl_popt_next(struct xdpvs_ctl_popt *p,
			const struct xdpvs_ctl_popt_def **d, const char **arg);

/* The next word that was not an option (poptGetArg), or NULL. */
const char *xdpvs_ctl_popt_leftover(struct xdpvs_ctl_popt *p);

/* The word popt blames for an error (poptBadOption): the last one read. */
const char *xdpvs_ctl_popt_bad(const struct xdpvs_ctl_popt *p);

/* popt's text for an error code (poptStrerror). */
const char *xdpvs_ctl_popt_strerror(int rc);

#endif
