// SPDX-License-Identifier: GPL-2.0-only
/*
 * Small pieces of ipvsadm's language used by both the parser and the
 * printer: numbers as ipvsadm reads them, "host[:port]" as its
 * parse_service() reads it, "addr:port" as its addrport_to_anyname() writes
 * it, and the names of protocols, forwarding methods, tunnel types and
 * scheduler flags.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "internal.h"

int xdpvs_ctl_fail(struct xdpvs_ctl_err *err, int status, const char *fmt,
		   ...)
{
	va_list ap;

	if (!err)
		return -EINVAL;
	err->status = status;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

void xdpvs_ctl_err_print(FILE *f, const struct xdpvs_ctl_err *err)
{
	fprintf(f, "%s\n", err->msg);
}

long xdpvs_ctl_str_to_num(const char *s, long min, long max)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(s, &end, 10);
	if (end == s || *end != '\0' || errno == ERANGE)
		return -1;
	if (n < min || n > max)
		return -1;
	return n;
}

/* True when s is all decimal digits (also when empty), which ipvsadm
 * refuses as a service address. */
static int util_all_digits(const char *s)
{
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

/* An IPv4 host name through the resolver, as ipvsadm's host_to_addr(). */
static int util_host_to_v4(const char *name, struct in_addr *a)
{
	struct addrinfo hints = { .ai_family = AF_INET };
	struct addrinfo *res;

	if (getaddrinfo(name, NULL, &hints, &res) != 0)
		return -1;
	*a = ((struct sockaddr_in *)res->ai_addr)->sin_addr;
	freeaddrinfo(res);
	return 0;
}

static const char *util_proto_lower(uint16_t proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return "tcp";
	case IPPROTO_UDP:
		return "udp";
	case IPPROTO_SCTP:
		return "sctp";
	}
	return NULL;
}

/* A port number or a service name of protocol proto; -1 if neither. */
static long util_port(const char *s, uint16_t proto)
{
	const char *pname = util_proto_lower(proto);
	struct servent *se;
	long n;

	n = xdpvs_ctl_str_to_num(s, 0, 65535);
	if (n != -1)
		return n;
	if (!pname)
		return -1;
	se = getservbyname(s, pname);
	return se ? ntohs((uint16_t)se->s_port) : -1;
}

/* The address part (no brackets) into hp; port_at points at the ':' before
 * the port or is NULL.  Returns 0 or -1. */
static int util_parse_host(char *buf, char **port_at,
			   struct xdpvs_ctl_hostport *hp)
{
	struct in_addr a4;

	if (inet_pton(AF_INET6, buf, &hp->addr) > 0) {
		hp->af = AF_INET6;
		return 0;
	}
	/* Not IPv6: the port follows the last ':'.  A bracketed IPv4 address
	 * loses its port here, as in ipvsadm (the ':' is already cut off). */
	*port_at = strrchr(buf, ':');
	if (*port_at)
		**port_at = '\0';
	if (inet_aton(buf, &a4) == 0 && util_host_to_v4(buf, &a4) != 0)
		return -1;
	memset(&hp->addr, 0, sizeof(hp->addr));
	hp->addr.ip = a4.s_addr;
	hp->af = AF_INET;
	return 0;
}

int xdpvs_ctl_parse_hostport(const char *s, uint16_t proto,
			     struct xdpvs_ctl_hostport *hp)
{
	char buf[256], *host = buf, *port_at = NULL;
	long port;

	if (!s || util_all_digits(s) || strlen(s) >= sizeof(buf))
		return 0;
	strcpy(buf, s);
	if (buf[0] == '[') {
		host = buf + 1;
		port_at = strchr(host, ']');
		if (!port_at)
			return 0;
		*port_at++ = '\0';
		if (*port_at != ':')
			return 0;
		*port_at = '\0';
	}
	if (util_parse_host(host, &port_at, hp))
		return 0;
	if (!port_at)
		return XDPVS_CTL_HP_ADDR;
	port = util_port(port_at + 1, proto);
	if (port < 0)
		return 0;
	hp->port = htons((uint16_t)port);
	return XDPVS_CTL_HP_ADDR | XDPVS_CTL_HP_PORT;
}

/* Host name of an address, or its numeric form. */
static void util_host_name(char *buf, size_t len, int af,
			   const union xdpvs_addr *addr, int lookup)
{
	struct sockaddr_storage ss = { 0 };
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
	socklen_t sl;

	if (lookup) {
		if (af == AF_INET6) {
			s6->sin6_family = AF_INET6;
			memcpy(&s6->sin6_addr, addr, 16);
			sl = sizeof(*s6);
		} else {
			s4->sin_family = AF_INET;
			s4->sin_addr.s_addr = addr->ip;
			sl = sizeof(*s4);
		}
		if (getnameinfo((struct sockaddr *)&ss, sl, buf, len, NULL, 0,
				NI_NAMEREQD) == 0)
			return;
	}
	if (!inet_ntop(af == AF_INET6 ? AF_INET6 : AF_INET, addr, buf, len))
		snprintf(buf, len, "?");
}

void xdpvs_ctl_addrport(char *buf, size_t len, int af,
			const union xdpvs_addr *addr, uint16_t port,
			uint16_t proto, unsigned int fmt)
{
	char host[NI_MAXHOST], pbuf[16], full[NI_MAXHOST + 24];
	const char *pname = util_proto_lower(proto);
	const char *sq = af == AF_INET ? "" : "[";
	const char *eq = af == AF_INET ? "" : "]";
	struct servent *se = NULL;
	int numeric = fmt & XDPVS_CTL_FMT_NUMERIC;
	size_t n;

	util_host_name(host, sizeof(host), af, addr,
		       !numeric && !(fmt & XDPVS_CTL_FMT_NUMERIC_HOST));
	if (!numeric && pname)
		se = getservbyport(htons(port), pname);
	if (se)
		snprintf(pbuf, sizeof(pbuf), "%.15s", se->s_name);
	else
		snprintf(pbuf, sizeof(pbuf), "%u", port);
	snprintf(full, sizeof(full), "%s%s%s:%s", sq, host, eq, pbuf);
	/* A long host name is cut short, as in ipvsadm's 60-byte buffer. */
	if (len > XDPVS_CTL_ADDRPORT_LEN)
		len = XDPVS_CTL_ADDRPORT_LEN;
	n = strnlen(full, len - 1);
	memcpy(buf, full, n);
	buf[n] = '\0';
}

const char *xdpvs_ctl_proto_name(uint16_t proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return "TCP";
	case IPPROTO_UDP:
		return "UDP";
	case IPPROTO_SCTP:
		return "SCTP";
	}
	return "?";
}

const char *xdpvs_ctl_fwd_name(uint32_t conn_flags)
{
	switch (conn_flags & XDPVS_CONN_F_FWD_MASK) {
	case XDPVS_CONN_F_MASQ:
		return "Masq";
	case XDPVS_CONN_F_LOCALNODE:
		return "Local";
	case XDPVS_CONN_F_TUNNEL:
		return "Tunnel";
	case XDPVS_CONN_F_DROUTE:
		return "Route";
	case XDPVS_CONN_F_FULLNAT:
		return "FullNat";	/* xdpvs extension */
	}
	return "(null)";
}

const char *xdpvs_ctl_fwd_switch(uint32_t conn_flags)
{
	switch (conn_flags & XDPVS_CONN_F_FWD_MASK) {
	case XDPVS_CONN_F_MASQ:
		return "-m";
	case XDPVS_CONN_F_TUNNEL:
		return "-i";
	case XDPVS_CONN_F_LOCALNODE:	/* saved as -g, as ipvsadm does */
	case XDPVS_CONN_F_DROUTE:
		return "-g";
	case XDPVS_CONN_F_FULLNAT:
		return "--fullnat";	/* xdpvs extension */
	}
	return "(null)";
}

static const char *const util_tun_names[] = { "ipip", "gue", "gre" };
static const char *const util_tun_flags[] = { "-c", "+c", "r+c" };
static const char *const util_tun_opts[] = {
	"--tun-nocsum", "--tun-csum", "--tun-remcsum"
};
#define UTIL_NTUN	3

const char *xdpvs_ctl_tun_name(unsigned int type)
{
	return type < UTIL_NTUN ? util_tun_names[type] : NULL;
}

const char *xdpvs_ctl_tun_flag_name(unsigned int flags)
{
	return flags < UTIL_NTUN ? util_tun_flags[flags] : NULL;
}

const char *xdpvs_ctl_tun_flag_opt(unsigned int flags)
{
	return flags < UTIL_NTUN ? util_tun_opts[flags] : NULL;
}

/* Append name and a comma to buf when flag is set in flags. */
static void util_add_flag(char *buf, size_t len, uint32_t flags,
			  uint32_t flag, const char *name)
{
	size_t n = strlen(buf);

	if (flags & flag)
		snprintf(buf + n, len - n, "%s,", name);
}

void xdpvs_ctl_sched_flags_str(char *buf, size_t len,
			       const struct xdpvs_svc_conf *svc)
{
	const char *s = svc->sched_name;
	uint32_t f = svc->flags;
	size_t n;

	buf[0] = '\0';
	if (!strcmp(s, "sh")) {
		util_add_flag(buf, len, f, XDPVS_SVC_F_SCHED1, "sh-fallback");
		util_add_flag(buf, len, f, XDPVS_SVC_F_SCHED2, "sh-port");
	} else if (!strcmp(s, "mh")) {
		util_add_flag(buf, len, f, XDPVS_SVC_F_SCHED1, "mh-fallback");
		util_add_flag(buf, len, f, XDPVS_SVC_F_SCHED2, "mh-port");
	} else {
		util_add_flag(buf, len, f, XDPVS_SVC_F_SCHED1, "flag-1");
		util_add_flag(buf, len, f, XDPVS_SVC_F_SCHED2, "flag-2");
		util_add_flag(buf, len, f, XDPVS_SVC_F_SCHED3, "flag-3");
	}
	n = strlen(buf);
	if (n)
		buf[n - 1] = '\0';
}
