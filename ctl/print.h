/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The ipvsadm language, output side: every listing ipvsadm prints, byte
 * for byte (column widths, padding, trailing spaces, sorting, truncation),
 * printed from the engine's info structures, plus a JSON form of each for
 * scripts (XDPVS_CTL_FMT_JSON) and the xdpvs extensions' listings.
 *
 * fmt is a set of XDPVS_CTL_FMT_* flags, normally cmd->fmt from the
 * parser.  Every function returns 0, -ENOMEM, or -EIO when the stream
 * reports an error; the inputs are never modified (sorting works on a copy
 * of the pointers).
 */
#ifndef XDPVS_CTL_PRINT_H
#define XDPVS_CTL_PRINT_H

#include <stdint.h>
#include <stdio.h>

#include <xdpvs/engine.h>

#include "cmd.h"

/* IPVS version shown in headers (the kernel's IP_VS_VERSION_CODE). */
#define XDPVS_CTL_IPVS_VERSION	0x010201

/*
 * ipvsadm -L / -S: the whole table, the "IP Virtual Server version 1.2.1
 * (size=N)" header (not for -S), the column titles for fmt, then each
 * service and its real servers, sorted as ipvsadm sorts them unless
 * XDPVS_CTL_FMT_NOSORT.  tab_size is the connection hash size.
 */
int xdpvs_ctl_print_list(FILE *f, const struct xdpvs_svc_info *svcs, int n,
			 uint32_t tab_size, unsigned int fmt);

/* ipvsadm -L -t|-u|-f ...: titles and one service, no version header. */
int xdpvs_ctl_print_service(FILE *f, const struct xdpvs_svc_info *svc,
			    unsigned int fmt);

/* ipvsadm -L -c [--persistent-conn]: connections in the order given. */
int xdpvs_ctl_print_conns(FILE *f, const struct xdpvs_conn_info *conns,
			  int n, unsigned int fmt);

/* ipvsadm -L --timeout; with XDPVS_CTL_FMT_RULE the xdpvs -S line
 * "--set TCP TCPFIN UDP" that restores them. */
int xdpvs_ctl_print_timeouts(FILE *f, const struct xdpvs_ctl_timeouts *t,
			     unsigned int fmt);

/* ipvsadm -L --daemon: each running daemon of d[0..n); with
 * XDPVS_CTL_FMT_RULE, the --start-daemon lines that start them again. */
int xdpvs_ctl_print_daemons(FILE *f, const struct xdpvs_ctl_daemon *d, int n,
			    unsigned int fmt);

/* ipvsadm -v: the version line of the ipvsadm that xdpvsadm stands for. */
void xdpvs_ctl_print_version(FILE *f);

/* ipvsadm -h: the version line and the usage text, prog as program name. */
void xdpvs_ctl_print_usage(FILE *f, const char *prog);

/* xdpvs: --list-marks (a table, or --add-mark lines with
 * XDPVS_CTL_FMT_RULE, as -S writes them). */
int xdpvs_ctl_print_marks(FILE *f, const struct xdpvs_mark_rule *r, int n,
			  unsigned int fmt);

/* xdpvs: --sysctl [NAME]: "name = value" lines ("--sysctl name=value"
 * with XDPVS_CTL_FMT_RULE, as -S writes them). */
int xdpvs_ctl_print_sysctls(FILE *f, const char *const *names,
			    const int *values, int n, unsigned int fmt);

#endif
