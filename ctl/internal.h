/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Helpers shared by the ctl/ sources and not part of the ctl API: error
 * filling, ipvsadm's number and address parsing, address formatting and
 * the parser's extension hooks (parse_ext.c).
 */
#ifndef XDPVS_CTL_INTERNAL_H
#define XDPVS_CTL_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "cmd.h"

/* Largest argument vector the parser takes (ipvsadm has no limit; a rules
 * line or a command line beyond this is refused). */
#define XDPVS_CTL_MAX_ARGS	256

/* Fill *err with status and a printf-formatted message; returns -EINVAL so
 * callers can "return ctl_fail(...)". */
int xdpvs_ctl_fail(struct xdpvs_ctl_err *err, int status, const char *fmt,
		   ...) __attribute__((format(printf, 3, 4)));

/*
 * ipvsadm's string_to_number(): the whole of s as a decimal long (strtol
 * rules: leading blanks and a sign are accepted) within [min, max].
 * Returns it, or -1.
 */
long xdpvs_ctl_str_to_num(const char *s, long min, long max);

/* What xdpvs_ctl_parse_hostport() found. */
#define XDPVS_CTL_HP_ADDR	0x1
#define XDPVS_CTL_HP_PORT	0x2

struct xdpvs_ctl_hostport {
	uint16_t af;
	union xdpvs_addr addr;
	uint16_t port;		/* network order; untouched if no port */
};

/*
 * ipvsadm's parse_service(): "host[:port]" or "[ipv6]:port", the host a
 * numeric address or an IPv4 host name, the port a number or a service
 * name of protocol proto.  Returns XDPVS_CTL_HP_* bits, 0 when the text
 * is not valid (all digits, bad port, unknown host).
 */
int xdpvs_ctl_parse_hostport(const char *s, uint16_t proto,
			     struct xdpvs_ctl_hostport *hp);

/*
 * ipvsadm's addrport_to_anyname(): "addr:port" ("[addr]:port" for IPv6)
 * into buf (at most 59 characters, as ipvsadm's 60-byte buffer), names
 * looked up unless fmt has XDPVS_CTL_FMT_NUMERIC (host names not looked up
 * with XDPVS_CTL_FMT_NUMERIC_HOST either).  port in host order.
 */
void xdpvs_ctl_addrport(char *buf, size_t len, int af,
			const union xdpvs_addr *addr, uint16_t port,
			uint16_t proto, unsigned int fmt);
#define XDPVS_CTL_ADDRPORT_LEN	60

/* "TCP", "UDP", "SCTP" or "?" (ipvsadm's protocol_name). */
const char *xdpvs_ctl_proto_name(uint16_t proto);

/* Forwarding method as -L shows it ("Masq", "Route", ..., "FullNat") and
 * as -S writes it ("-m", "-g", "-i", "--fullnat"); "(null)" for values no
 * method has, as ipvsadm's printf would show. */
const char *xdpvs_ctl_fwd_name(uint32_t conn_flags);
const char *xdpvs_ctl_fwd_switch(uint32_t conn_flags);

/* Tunnel type and flag names, indexed by enum xdpvs_tun_type / tun_flags;
 * NULL past the end. */
const char *xdpvs_ctl_tun_name(unsigned int type);
const char *xdpvs_ctl_tun_flag_name(unsigned int flags);	/* "-c" ... */
const char *xdpvs_ctl_tun_flag_opt(unsigned int flags);	/* "--tun-nocsum" */

/* The scheduler flags of a service as ipvsadm names them for its
 * scheduler ("sh-fallback,sh-port"); "" when none. */
void xdpvs_ctl_sched_flags_str(char *buf, size_t len,
			       const struct xdpvs_svc_conf *svc);

/*
 * The services (or a service's dests) in the order ipvsadm lists them:
 * an array of n pointers, sorted unless fmt has XDPVS_CTL_FMT_NOSORT.
 * The caller free()s it; NULL when out of memory.
 */
const struct xdpvs_svc_info **xdpvs_ctl_sort_svcs(
	const struct xdpvs_svc_info *svcs, int n, unsigned int fmt);
const struct xdpvs_dest_info **xdpvs_ctl_sort_dests(
	const struct xdpvs_svc_info *svc, unsigned int fmt);

/* JSON forms of the listings (print_json.c); same returns as print.h. */
int xdpvs_ctl_json_list(FILE *f, const struct xdpvs_svc_info *svcs, int n,
			uint32_t tab_size, unsigned int fmt);
int xdpvs_ctl_json_conns(FILE *f, const struct xdpvs_conn_info *conns,
			 int n, unsigned int fmt);
int xdpvs_ctl_json_timeouts(FILE *f, const struct xdpvs_ctl_timeouts *t);
int xdpvs_ctl_json_daemons(FILE *f, const struct xdpvs_ctl_daemon *d, int n);
int xdpvs_ctl_json_marks(FILE *f, const struct xdpvs_mark_rule *r, int n);
int xdpvs_ctl_json_sysctls(FILE *f, const char *const *names,
			   const int *values, int n);

/* ---------------------------------------------------------------------
 * Extensions (parse_ext.c)
 */

/* Parse a mark rule "MARK:PROTO:PREFIX[:PORT[-PORT]]" into *r; 0 or -1. */
int xdpvs_ctl_parse_mark_rule(const char *s, struct xdpvs_mark_rule *r);

/* A mark rule's prefix ("198.18.100.0/24", "[2001:db8::]/64") and ports
 * ("80", "5060-5061", "" for any). */
void xdpvs_ctl_mark_prefix_str(char *buf, size_t len,
			       const struct xdpvs_mark_rule *r);
void xdpvs_ctl_mark_ports_str(char *buf, size_t len,
			      const struct xdpvs_mark_rule *r);

/* Format a mark rule as xdpvs_ctl_parse_mark_rule() reads it. */
void xdpvs_ctl_mark_rule_str(char *buf, size_t len,
			     const struct xdpvs_mark_rule *r);
#define XDPVS_CTL_MARK_RULE_LEN	96

/* Parse "--sysctl [NAME[=VALUE]]" (arg may be NULL) into cmd; 0 or -1. */
int xdpvs_ctl_parse_sysctl(const char *arg, struct xdpvs_ctl_cmd *cmd);

/* Name of a mark rule's protocol: "tcp", "udp", "sctp" or "any". */
const char *xdpvs_ctl_mark_proto_name(uint8_t proto);

#endif
