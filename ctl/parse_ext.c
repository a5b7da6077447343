// SPDX-License-Identifier: GPL-2.0-only
/*
 * The xdpvs extensions to ipvsadm's language, kept out of parse.c so that
 * file stays ipvsadm's: mark rules and behaviour switches.
 *
 * Mark rules replace the netfilter rule that would set skb->mark for a
 * fwmark service (XDP runs before netfilter).  Their text form is
 *
 *	MARK:PROTO:PREFIX[:PORT[-PORT]]
 *
 * MARK a decimal mark above 0; PROTO tcp, udp, sctp or any; PREFIX an
 * address with an optional "/len" (IPv6 in brackets when a port follows:
 * "[2001:db8::1]/128:80"); ports 1..65535, a single port or a range, none
 * meaning every port.  Host bits under the prefix length are cleared, so
 * a rule reads back the way it prints.  Examples: 1:tcp:198.18.100.5/32:80,
 * 2:any:[2001:db8:100::]/64, 3:udp:198.18.100.0/24:5060-5061.
 *
 * Switches carry the kernel's sysctl names: "--sysctl" lists them all,
 * "--sysctl NAME" shows one, "--sysctl NAME=VALUE" sets it.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "internal.h"

#define EXT_RULE_MAXLEN	128

const char *xdpvs_ctl_mark_proto_name(uint8_t proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return "tcp";
	case IPPROTO_UDP:
		return "udp";
	case IPPROTO_SCTP:
		return "sctp";
	case 0:
		return "any";
	}
	return "?";
}

static int ext_proto(const char *s, uint8_t *proto)
{
	static const uint8_t protos[] = { 0, IPPROTO_TCP, IPPROTO_UDP,
					  IPPROTO_SCTP };
	size_t i;

	for (i = 0; i < sizeof(protos); i++) {
		if (!strcasecmp(s, xdpvs_ctl_mark_proto_name(protos[i]))) {
			*proto = protos[i];
			return 0;
		}
	}
	return -1;
}

/* Split "ADDR[/LEN][:PORTS]" or "[ADDR][/LEN][:PORTS]" in place.  An
 * unbracketed address with more than one ':' and no '/' is IPv6 alone. */
static int ext_split_prefix(char *s, char **addr, char **plen, char **ports)
{
	char *p;

	*plen = *ports = NULL;
	if (s[0] == '[') {
		p = strchr(s, ']');
		if (!p)
			return -1;
		*p++ = '\0';
		*addr = s + 1;
		if (*p == '/') {
			*p++ = '\0';
			*plen = p;
			p += strspn(p, "0123456789");
		}
		if (*p == ':') {
			*p++ = '\0';
			*ports = p;
		} else if (*p) {
			return -1;
		}
		return 0;
	}
	*addr = s;
	p = strchr(s, '/');
	if (p) {
		*p++ = '\0';
		*plen = p;
		p = strchr(p, ':');
	} else {
		p = strchr(s, ':');
		if (p && p != strrchr(s, ':'))
			p = NULL;
	}
	if (p) {
		*p++ = '\0';
		*ports = p;
	}
	return 0;
}

static int ext_ports(const char *s, struct xdpvs_mark_rule *r)
{
	char buf[16], *dash;
	long lo, hi;

	if (!s)
		return 0;
	if (snprintf(buf, sizeof(buf), "%s", s) >= (int)sizeof(buf))
		return -1;
	dash = strchr(buf, '-');
	if (dash)
		*dash++ = '\0';
	lo = xdpvs_ctl_str_to_num(buf, 1, 65535);
	hi = dash ? xdpvs_ctl_str_to_num(dash, 1, 65535) : lo;
	if (lo < 0 || hi < 0 || hi < lo)
		return -1;
	r->port_lo = (uint16_t)lo;
	r->port_hi = (uint16_t)hi;
	return 0;
}

/* Clear the bits of a under its first plen bits. */
static void ext_mask(union xdpvs_addr *a, unsigned int plen)
{
	unsigned int i;

	for (i = 0; i < 16; i++) {
		if (plen >= 8) {
			plen -= 8;
			continue;
		}
		a->b[i] &= (uint8_t)(0xff00 >> plen);
		plen = 0;
	}
}

static int ext_prefix(char *s, struct xdpvs_mark_rule *r)
{
	char *addr, *plen, *ports;
	unsigned int max;
	long len;

	if (ext_split_prefix(s, &addr, &plen, &ports))
		return -1;
	if (inet_pton(AF_INET6, addr, &r->prefix) > 0)
		r->af = AF_INET6;
	else if (s[0] != '[' && inet_pton(AF_INET, addr, &r->prefix) > 0)
		r->af = AF_INET;
	else
		return -1;
	max = r->af == AF_INET6 ? 128 : 32;
	len = plen ? xdpvs_ctl_str_to_num(plen, 0, max) : (long)max;
	if (len < 0 || (plen && !*plen))
		return -1;
	r->plen = (uint8_t)len;
	ext_mask(&r->prefix, r->plen);
	return ext_ports(ports, r);
}

int xdpvs_ctl_parse_mark_rule(const char *s, struct xdpvs_mark_rule *r)
{
	char buf[EXT_RULE_MAXLEN], *proto, *rest;
	long mark;

	memset(r, 0, sizeof(*r));
	if (snprintf(buf, sizeof(buf), "%s", s) >= (int)sizeof(buf))
		return -1;
	proto = strchr(buf, ':');
	if (!proto)
		return -1;
	*proto++ = '\0';
	rest = strchr(proto, ':');
	if (!rest)
		return -1;
	*rest++ = '\0';
	mark = xdpvs_ctl_str_to_num(buf, 1, 0xffffffffL);
	if (mark < 0 || ext_proto(proto, &r->protocol))
		return -1;
	r->mark = (uint32_t)mark;
	return ext_prefix(rest, r);
}

void xdpvs_ctl_mark_prefix_str(char *buf, size_t len,
			       const struct xdpvs_mark_rule *r)
{
	char a[INET6_ADDRSTRLEN];
	int v6 = r->af == AF_INET6;

	if (!inet_ntop(v6 ? AF_INET6 : AF_INET, &r->prefix, a, sizeof(a)))
		snprintf(a, sizeof(a), "?");
	snprintf(buf, len, "%s%s%s/%u", v6 ? "[" : "", a, v6 ? "]" : "",
		 r->plen);
}

void xdpvs_ctl_mark_ports_str(char *buf, size_t len,
			      const struct xdpvs_mark_rule *r)
{
	if (r->port_lo && r->port_lo == r->port_hi)
		snprintf(buf, len, "%u", r->port_lo);
	else if (r->port_lo || r->port_hi)
		snprintf(buf, len, "%u-%u", r->port_lo, r->port_hi);
	else
		buf[0] = '\0';
}

void xdpvs_ctl_mark_rule_str(char *buf, size_t len,
			     const struct xdpvs_mark_rule *r)
{
	char prefix[XDPVS_CTL_MARK_RULE_LEN], ports[16];

	xdpvs_ctl_mark_prefix_str(prefix, sizeof(prefix), r);
	xdpvs_ctl_mark_ports_str(ports, sizeof(ports), r);
	snprintf(buf, len, "%u:%s:%s%s%s", r->mark,
		 xdpvs_ctl_mark_proto_name(r->protocol), prefix,
		 ports[0] ? ":" : "", ports);
}

static int ext_sysctl_name_ok(const char *s, size_t len)
{
	size_t i;

	if (!len || len >= XDPVS_CTL_SYSCTL_NAMELEN)
		return 0;
	for (i = 0; i < len; i++)
		if (!(s[i] == '_' || (s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9')))
			return 0;
	return 1;
}

int xdpvs_ctl_parse_sysctl(const char *arg, struct xdpvs_ctl_cmd *cmd)
{
	const char *eq;
	size_t len;
	long v;

	cmd->sysctl_name[0] = '\0';
	cmd->sysctl_set = false;
	if (!arg)
		return 0;
	eq = strchr(arg, '=');
	len = eq ? (size_t)(eq - arg) : strlen(arg);
	if (!ext_sysctl_name_ok(arg, len))
		return -1;
	memcpy(cmd->sysctl_name, arg, len);
	cmd->sysctl_name[len] = '\0';
	if (!eq)
		return 0;
	v = xdpvs_ctl_str_to_num(eq + 1, -2147483647L - 1, 2147483647L);
	/* -1 is both a valid value and str_to_num's failure. */
	if (v == -1 && strcmp(eq + 1, "-1"))
		return -1;
	cmd->sysctl_set = true;
	cmd->sysctl_value = (int)v;
	return 0;
}
