// SPDX-License-Identifier: GPL-2.0-only
/*
 * ipvsadm's listings, printed as ipvsadm 1.31 prints them (its
 * print_title(), print_service_entry(), list_conn(), list_timeout(),
 * list_daemon(), version()): the same printf formats, so the same widths,
 * padding and trailing spaces; the same sort order, including its
 * comparators' habit of subtracting unsigned values into an int; the same
 * truncation of IPv4 service (33) and server (28) names.
 *
 * The sources are the engine's info structures rather than netlink
 * replies and /proc/net/ip_vs_conn; where ipvsadm reads a text field back
 * from the kernel, the field is formatted here as the kernel would have
 * (protocol names, expiry seconds, a fwmark template's virtual address).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "internal.h"
#include "print.h"

#define NVERSION(v)	((v) >> 16) & 0xff, ((v) >> 8) & 0xff, (v) & 0xff

static int print_done(FILE *f)
{
	return ferror(f) ? -EIO : 0;
}

/* ---------------------------------------------------------------------
 * Sorting, as libipvs's ipvs_cmp_services() and ipvs_cmp_dests()
 */

/* a - b of two unsigned values, kept as an int as libipvs does: wrong
 * order for values 2^31 or more apart, which ipvsadm shows too. */
static int print_sub(uint32_t a, uint32_t b)
{
	return (int)(a - b);
}

static int print_cmp_addr(int af, const union xdpvs_addr *a,
			  const union xdpvs_addr *b)
{
	int i, r = 0;

	if (af != AF_INET6)
		return print_sub(ntohl(a->ip), ntohl(b->ip));
	for (i = 0; !r && i < 4; i++)
		r = print_sub(ntohl(a->ip6[i]), ntohl(b->ip6[i]));
	return r;
}

static int print_cmp_svc(const void *pa, const void *pb)
{
	const struct xdpvs_svc_conf *a =
		&(*(const struct xdpvs_svc_info *const *)pa)->conf;
	const struct xdpvs_svc_conf *b =
		&(*(const struct xdpvs_svc_info *const *)pb)->conf;
	int r;

	r = print_sub(a->fwmark, b->fwmark);
	if (!r)
		r = (int)a->af - (int)b->af;
	if (!r)
		r = (int)a->protocol - (int)b->protocol;
	if (!r)
		r = print_cmp_addr(a->af, &a->addr, &b->addr);
	if (!r)
		r = (int)ntohs(a->port) - (int)ntohs(b->port);
	return r;
}

static int print_cmp_dest(const void *pa, const void *pb)
{
	const struct xdpvs_dest_conf *a =
		&(*(const struct xdpvs_dest_info *const *)pa)->conf;
	const struct xdpvs_dest_conf *b =
		&(*(const struct xdpvs_dest_info *const *)pb)->conf;
	int r;

	r = print_cmp_addr(a->af, &a->addr, &b->addr);
	if (!r)
		r = (int)ntohs(a->port) - (int)ntohs(b->port);
	return r;
}

const struct xdpvs_svc_info **xdpvs_ctl_sort_svcs(
	const struct xdpvs_svc_info *svcs, int n, unsigned int fmt)
{
	const struct xdpvs_svc_info **v;
	int i;

	v = calloc(n > 0 ? (size_t)n : 1, sizeof(*v));
	if (!v)
		return NULL;
	for (i = 0; i < n; i++)
		v[i] = &svcs[i];
	if (!(fmt & XDPVS_CTL_FMT_NOSORT) && n > 1)
		qsort(v, (size_t)n, sizeof(*v), print_cmp_svc);
	return v;
}

const struct xdpvs_dest_info **xdpvs_ctl_sort_dests(
	const struct xdpvs_svc_info *svc, unsigned int fmt)
{
	const struct xdpvs_dest_info **v;
	uint32_t i, n = svc->num_dests;

	v = calloc(n ? n : 1, sizeof(*v));
	if (!v)
		return NULL;
	for (i = 0; i < n; i++)
		v[i] = &svc->dests[i];
	if (!(fmt & XDPVS_CTL_FMT_NOSORT) && n > 1)
		qsort(v, n, sizeof(*v), print_cmp_dest);
	return v;
}

/* ---------------------------------------------------------------------
 * Services and real servers
 */

/* ipvsadm's print_largenum(): 9 columns, K/M/G/T beyond 8 digits unless
 * --exact. */
static void print_largenum(FILE *f, uint64_t i, unsigned int fmt)
{
	unsigned long long v = i;

	if (fmt & XDPVS_CTL_FMT_EXACT) {
		int len = snprintf(NULL, 0, "%llu", v);

		fprintf(f, "%*llu", len <= 8 ? 9 : len + 1, v);
	} else if (v < 100000000ULL) {
		fprintf(f, "%9llu", v);
	} else if (v < 1000000000ULL) {
		fprintf(f, "%8lluK", v / 1000);
	} else if (v < 100000000000ULL) {
		fprintf(f, "%8lluM", v / 1000000);
	} else if (v < 100000000000000ULL) {
		fprintf(f, "%8lluG", v / 1000000000ULL);
	} else {
		fprintf(f, "%8lluT", v / 1000000000000ULL);
	}
}

static void print_stats5(FILE *f, const struct xdpvs_stats *s,
			 unsigned int fmt)
{
	print_largenum(f, s->conns, fmt);
	print_largenum(f, s->inpkts, fmt);
	print_largenum(f, s->outpkts, fmt);
	print_largenum(f, s->inbytes, fmt);
	print_largenum(f, s->outbytes, fmt);
}

static void print_rates5(FILE *f, const struct xdpvs_rates *r,
			 unsigned int fmt)
{
	print_largenum(f, r->cps, fmt);
	print_largenum(f, r->inpps, fmt);
	print_largenum(f, r->outpps, fmt);
	print_largenum(f, r->inbps, fmt);
	print_largenum(f, r->outbps, fmt);
}

static void print_title(FILE *f, unsigned int fmt)
{
	static const char *const rs = "  -> RemoteAddress:Port\n";
	static const char *const la = "Prot LocalAddress:Port";

	if (fmt & XDPVS_CTL_FMT_STATS)
		fprintf(f, "%-33s %8s %8s %8s %8s %8s\n%s", la, "Conns",
			"InPkts", "OutPkts", "InBytes", "OutBytes", rs);
	else if (fmt & XDPVS_CTL_FMT_RATE)
		fprintf(f, "%-33s %8s %8s %8s %8s %8s\n%s", la, "CPS",
			"InPPS", "OutPPS", "InBPS", "OutBPS", rs);
	else if (fmt & XDPVS_CTL_FMT_THRESHOLDS)
		fprintf(f, "%-33s %-10s %-10s %-10s %-10s\n%s", la,
			"Uthreshold", "Lthreshold", "ActiveConn", "InActConn",
			rs);
	else if (fmt & XDPVS_CTL_FMT_PERSISTENTCONN)
		fprintf(f, "%-33s %-9s %-11s %-10s %-10s\n%s", la, "Weight",
			"PersistConn", "ActiveConn", "InActConn", rs);
	else if (fmt & XDPVS_CTL_FMT_TUN_INFO)
		fprintf(f, "%s Scheduler Flags\n"
			"  -> RemoteAddress:Port           Forward TunnelInfo    Weight ActiveConn InActConn\n",
			la);
	else if (!(fmt & XDPVS_CTL_FMT_RULE))
		fprintf(f, "%s Scheduler Flags\n"
			"  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n",
			la);
}

static const char *print_svc_switch(uint16_t proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return "-t";
	case IPPROTO_UDP:
		return "-u";
	case IPPROTO_SCTP:
		return "--sctp-service";
	}
	return "--xxx-service";
}

/* "TCP  addr:port", "FWM  1 IPv6", or for -S "-t addr:port", "-f 1 -6". */
static void print_svc_name(char *buf, size_t len,
			   const struct xdpvs_svc_conf *s, unsigned int fmt)
{
	char v[XDPVS_CTL_ADDRPORT_LEN];
	int rule = fmt & XDPVS_CTL_FMT_RULE;
	int v6 = s->af == AF_INET6;

	/* ipvsadm prints the mark with %d, so a mark of 2^31 or more lists
	 * as a negative number; -S (which ipvsadm -R could not read back
	 * then) prints it unsigned, as -f takes it. */
	if (s->fwmark && rule) {
		snprintf(buf, len, "-f %u%s", s->fwmark, v6 ? " -6" : "");
		return;
	}
	if (s->fwmark) {
		snprintf(buf, len, "FWM  %d%s", (int)s->fwmark,
			 v6 ? " IPv6" : "");
		return;
	}
	xdpvs_ctl_addrport(v, sizeof(v), s->af, &s->addr, ntohs(s->port),
			   s->protocol, fmt);
	if (rule) {
		snprintf(buf, len, "%s %s", print_svc_switch(s->protocol), v);
		return;
	}
	snprintf(buf, len, "%-4s %s", xdpvs_ctl_proto_name(s->protocol), v);
	if (!v6 && len > 33)
		buf[33] = '\0';
}

/* " -M mask" / " mask mask", when the mask is not the whole address. */
static void print_mask(FILE *f, const struct xdpvs_svc_conf *s,
		       const char *word)
{
	struct in_addr m = { .s_addr = s->netmask };

	if (s->af == AF_INET && s->netmask != 0xffffffff)
		fprintf(f, " %s %s", word, inet_ntoa(m));
	if (s->af == AF_INET6 && s->netmask != 128)
		fprintf(f, " %s %i", word, (int)s->netmask);
}

static int print_has_sched_flags(const struct xdpvs_svc_conf *s)
{
	return !!(s->flags & (XDPVS_SVC_F_SCHED1 | XDPVS_SVC_F_SCHED2 |
			      XDPVS_SVC_F_SCHED3));
}

/* -S: "-A -t addr:port -s wlc -p 300 -M mask --pe sip -o -b flags". */
static void print_svc_rule(FILE *f, const struct xdpvs_svc_conf *s,
			   const char *name)
{
	char flags[64];

	fprintf(f, "-A %s -s %s", name, s->sched_name);
	if (s->flags & XDPVS_SVC_F_PERSISTENT) {
		fprintf(f, " -p %u", s->timeout);
		print_mask(f, s, "-M");
	}
	if (s->pe_name[0])
		fprintf(f, " --pe %s", s->pe_name);
	if (s->flags & XDPVS_SVC_F_ONEPACKET)
		fprintf(f, " -o");
	if (print_has_sched_flags(s)) {
		xdpvs_ctl_sched_flags_str(flags, sizeof(flags), s);
		fprintf(f, " -b %s", flags);
	}
}

/* -L: "TCP  addr:port wlc (flags) persistent 300 mask m pe sip ops".
 * The PE only shows on persistent services, as in ipvsadm. */
static void print_svc_plain(FILE *f, const struct xdpvs_svc_conf *s,
			    const char *name)
{
	char flags[64];

	fprintf(f, "%s %s", name, s->sched_name);
	if (print_has_sched_flags(s)) {
		xdpvs_ctl_sched_flags_str(flags, sizeof(flags), s);
		fprintf(f, " (%s)", flags);
	}
	if (s->flags & XDPVS_SVC_F_PERSISTENT) {
		fprintf(f, " persistent %u", s->timeout);
		print_mask(f, s, "mask");
		if (s->pe_name[0])
			fprintf(f, " pe %s", s->pe_name);
	}
	if (s->flags & XDPVS_SVC_F_ONEPACKET)
		fprintf(f, " ops");
}

static void print_svc_line(FILE *f, const struct xdpvs_svc_info *si,
			   const char *name, unsigned int fmt)
{
	if (fmt & XDPVS_CTL_FMT_RULE) {
		print_svc_rule(f, &si->conf, name);
	} else if (fmt & XDPVS_CTL_FMT_STATS) {
		fprintf(f, "%-33s", name);
		print_stats5(f, &si->stats, fmt);
	} else if (fmt & XDPVS_CTL_FMT_RATE) {
		fprintf(f, "%-33s", name);
		print_rates5(f, &si->rates, fmt);
	} else {
		print_svc_plain(f, &si->conf, name);
	}
	fputc('\n', f);
}

static const char *print_nonnull(const char *s)
{
	return s ? s : "(null)";
}

/* -S line of a tunnelling server, with its tunnel type and options. */
static void print_dest_tun_rule(FILE *f, const char *svc, const char *dn,
				const struct xdpvs_dest_conf *d)
{
	const char *sw = xdpvs_ctl_fwd_switch(d->conn_flags);
	const char *tn = xdpvs_ctl_tun_name(d->tun_type);
	const char *opt = print_nonnull(xdpvs_ctl_tun_flag_opt(d->tun_flags));

	fprintf(f, "-a %s -r %s %s -w %d", svc, dn, sw, d->weight);
	switch (d->tun_type) {
	case XDPVS_TUN_GRE:
		fprintf(f, " --tun-type %s %s", tn, opt);
		break;
	case XDPVS_TUN_GUE:
		fprintf(f, " --tun-type %s --tun-port %d %s", tn,
			ntohs(d->tun_port), opt);
		break;
	case XDPVS_TUN_IPIP:
		fprintf(f, " --tun-type %s", tn);
		break;
	}
}

/* XDPVS_CTL_FMT_RULE_FULL: the thresholds ipvsadm's -S leaves out. */
static void print_dest_thresholds(FILE *f, const struct xdpvs_dest_conf *d,
				  unsigned int fmt)
{
	if ((fmt & XDPVS_CTL_FMT_RULE_FULL) && d->u_threshold)
		fprintf(f, " -x %u", d->u_threshold);
	if ((fmt & XDPVS_CTL_FMT_RULE_FULL) && d->l_threshold)
		fprintf(f, " -y %u", d->l_threshold);
	fputc('\n', f);
}

/* --tun-info's TunnelInfo column: "ipip", "gue:PORT:FLAGS", "gre:FLAGS". */
static const char *print_tun_info(char *buf, size_t len,
				  const struct xdpvs_dest_conf *d)
{
	const char *tn = xdpvs_ctl_tun_name(d->tun_type);
	const char *fl = print_nonnull(xdpvs_ctl_tun_flag_name(d->tun_flags));

	if ((d->conn_flags & XDPVS_CONN_F_FWD_MASK) != XDPVS_CONN_F_TUNNEL)
		return "n/a";
	switch (d->tun_type) {
	case XDPVS_TUN_IPIP:
		snprintf(buf, len, "%s", tn);
		return buf;
	case XDPVS_TUN_GUE:
		snprintf(buf, len, "%s:%d:%s", tn, ntohs(d->tun_port), fl);
		return buf;
	case XDPVS_TUN_GRE:
		snprintf(buf, len, "%s:%s", tn, fl);
		return buf;
	}
	return "n/a";
}

static void print_dest_line(FILE *f, const struct xdpvs_dest_info *di,
			    const char *svc, const char *dn, unsigned int fmt)
{
	const struct xdpvs_dest_conf *d = &di->conf;
	const char *fwd = xdpvs_ctl_fwd_name(d->conn_flags);
	char ti[16];

	if (fmt & XDPVS_CTL_FMT_RULE) {
		if ((d->conn_flags & XDPVS_CONN_F_FWD_MASK) ==
		    XDPVS_CONN_F_TUNNEL)
			print_dest_tun_rule(f, svc, dn, d);
		else
			fprintf(f, "-a %s -r %s %s -w %d", svc, dn,
				xdpvs_ctl_fwd_switch(d->conn_flags),
				d->weight);
		print_dest_thresholds(f, d, fmt);
	} else if (fmt & XDPVS_CTL_FMT_STATS) {
		fprintf(f, "  -> %-28s", dn);
		print_stats5(f, &di->stats, fmt);
		fputc('\n', f);
	} else if (fmt & XDPVS_CTL_FMT_RATE) {
		fprintf(f, "  -> %-28s %8llu %8llu %8llu", dn,
			(unsigned long long)di->rates.cps,
			(unsigned long long)di->rates.inpps,
			(unsigned long long)di->rates.outpps);
		print_largenum(f, di->rates.inbps, fmt);
		print_largenum(f, di->rates.outbps, fmt);
		fputc('\n', f);
	} else if (fmt & XDPVS_CTL_FMT_THRESHOLDS) {
		fprintf(f, "  -> %-28s %-10u %-10u %-10u %-10u\n", dn,
			d->u_threshold, d->l_threshold, di->activeconns,
			di->inactconns);
	} else if (fmt & XDPVS_CTL_FMT_PERSISTENTCONN) {
		fprintf(f, "  -> %-28s %-9u %-11u %-10u %-10u\n", dn,
			(unsigned int)d->weight, di->persistconns,
			di->activeconns, di->inactconns);
	} else if (fmt & XDPVS_CTL_FMT_TUN_INFO) {
		fprintf(f, "  -> %-28s %-7s %-13s %-6d %-10u %-10u\n", dn, fwd,
			print_tun_info(ti, sizeof(ti), d), d->weight,
			di->activeconns, di->inactconns);
	} else {
		fprintf(f, "  -> %-28s %-7s %-6d %-10u %-10u\n", dn, fwd,
			d->weight, di->activeconns, di->inactconns);
	}
}

/* One service and its real servers (ipvsadm's print_service_entry()). */
static int print_svc_entry(FILE *f, const struct xdpvs_svc_info *si,
			   unsigned int fmt)
{
	const struct xdpvs_dest_info **dv;
	char name[1024], dn[XDPVS_CTL_ADDRPORT_LEN];
	/* The kernel reports no protocol for a fwmark service, so its
	 * servers' ports are never named. */
	uint16_t proto = si->conf.fwmark ? 0 : si->conf.protocol;
	uint32_t i;

	dv = xdpvs_ctl_sort_dests(si, fmt);
	if (!dv)
		return -ENOMEM;
	print_svc_name(name, sizeof(name), &si->conf, fmt);
	print_svc_line(f, si, name, fmt);
	for (i = 0; i < si->num_dests; i++) {
		const struct xdpvs_dest_conf *d = &dv[i]->conf;

		xdpvs_ctl_addrport(dn, sizeof(dn), d->af, &d->addr,
				   ntohs(d->port), proto, fmt);
		if (!(fmt & XDPVS_CTL_FMT_RULE) && d->af != AF_INET6)
			dn[28] = '\0';
		print_dest_line(f, dv[i], name, dn, fmt);
	}
	free(dv);
	return 0;
}

int xdpvs_ctl_print_list(FILE *f, const struct xdpvs_svc_info *svcs, int n,
			 uint32_t tab_size, unsigned int fmt)
{
	const struct xdpvs_svc_info **sv;
	int i, rc = 0;

	if (fmt & XDPVS_CTL_FMT_JSON)
		return xdpvs_ctl_json_list(f, svcs, n, tab_size, fmt);
	if (!(fmt & XDPVS_CTL_FMT_RULE))
		fprintf(f, "IP Virtual Server version %d.%d.%d (size=%d)\n",
			NVERSION(XDPVS_CTL_IPVS_VERSION), (int)tab_size);
	sv = xdpvs_ctl_sort_svcs(svcs, n, fmt);
	if (!sv)
		return -ENOMEM;
	print_title(f, fmt);
	for (i = 0; i < n && !rc; i++)
		rc = print_svc_entry(f, sv[i], fmt);
	free(sv);
	return rc ? rc : print_done(f);
}

int xdpvs_ctl_print_service(FILE *f, const struct xdpvs_svc_info *svc,
			    unsigned int fmt)
{
	int rc;

	if (fmt & XDPVS_CTL_FMT_JSON)
		return xdpvs_ctl_json_list(f, svc, 1, 0, fmt);
	print_title(f, fmt);
	rc = print_svc_entry(f, svc, fmt);
	return rc ? rc : print_done(f);
}

/* ---------------------------------------------------------------------
 * Connections, timeouts, daemons, version
 */

/* The kernel's ip_vs_proto_name(), which /proc/net/ip_vs_conn shows. */
static const char *print_conn_proto(char *buf, size_t len, uint16_t proto)
{
	switch (proto) {
	case IPPROTO_IP:
		return "IP";
	case IPPROTO_UDP:
		return "UDP";
	case IPPROTO_TCP:
		return "TCP";
	case IPPROTO_SCTP:
		return "SCTP";
	case IPPROTO_ICMPV6:
		return "ICMPv6";
	case IPPROTO_ICMP:
		return "ICMP";
	}
	snprintf(buf, len, "IP_%u", proto);
	return buf;
}

static int print_addr_is_zero(const union xdpvs_addr *a)
{
	return !(a->ip6[0] | a->ip6[1] | a->ip6[2] | a->ip6[3]);
}

static void print_conn(FILE *f, const struct xdpvs_conn_info *c,
		       unsigned int fmt)
{
	char pbuf[16], cn[XDPVS_CTL_ADDRPORT_LEN], vn[XDPVS_CTL_ADDRPORT_LEN];
	char dn[XDPVS_CTL_ADDRPORT_LEN], exp[16];
	const char *proto = print_conn_proto(pbuf, sizeof(pbuf), c->protocol);
	union xdpvs_addr vaddr = c->vaddr;
	unsigned int secs = c->expires_ms / 1000;
	int daf = c->daf ? c->daf : c->af;

	/* A fwmark template's virtual address is its mark, as the kernel
	 * stores it; filled in here if the engine left it empty. */
	if (c->protocol == IPPROTO_IP && c->fwmark &&
	    print_addr_is_zero(&vaddr))
		vaddr.ip = htonl(c->fwmark);
	xdpvs_ctl_addrport(cn, sizeof(cn), c->af, &c->caddr, ntohs(c->cport),
			   c->protocol, fmt);
	xdpvs_ctl_addrport(vn, sizeof(vn), c->af, &vaddr, ntohs(c->vport),
			   c->protocol, fmt);
	xdpvs_ctl_addrport(dn, sizeof(dn), daf, &c->daddr, ntohs(c->dport),
			   c->protocol, fmt);
	snprintf(exp, sizeof(exp), "%02u:%02u", secs / 60, secs % 60);
	if ((fmt & XDPVS_CTL_FMT_PERSISTENTCONN) && c->pe_name[0] &&
	    c->pe_data[0])
		fprintf(f, "%-3s %-6s %-11s %-18s %-18s %-16s %-18s %s\n",
			proto, exp, c->state_name, cn, vn, dn, c->pe_name,
			c->pe_data);
	else
		fprintf(f, "%-3s %-6s %-11s %-18s %-18s %s\n", proto, exp,
			c->state_name, cn, vn, dn);
}

int xdpvs_ctl_print_conns(FILE *f, const struct xdpvs_conn_info *conns,
			  int n, unsigned int fmt)
{
	int i;

	if (fmt & XDPVS_CTL_FMT_JSON)
		return xdpvs_ctl_json_conns(f, conns, n, fmt);
	fprintf(f, "IPVS connection entries\n");
	/* The header's columns do not line up with the rows': ipvsadm's. */
	if (fmt & XDPVS_CTL_FMT_PERSISTENTCONN)
		fprintf(f, "pro expire %-11s %-18s %-18s %-18s %-16s %s\n",
			"state", "source", "virtual", "destination",
			"pe name", "pe_data");
	else
		fprintf(f, "pro expire %-11s %-18s %-18s %s\n", "state",
			"source", "virtual", "destination");
	for (i = 0; i < n; i++)
		print_conn(f, &conns[i], fmt);
	return print_done(f);
}

int xdpvs_ctl_print_timeouts(FILE *f, const struct xdpvs_ctl_timeouts *t,
			     unsigned int fmt)
{
	if (fmt & XDPVS_CTL_FMT_JSON)
		return xdpvs_ctl_json_timeouts(f, t);
	/* xdpvs: -S writes the command that sets them (ipvsadm does not
	 * save timeouts). */
	if (fmt & XDPVS_CTL_FMT_RULE) {
		fprintf(f, "--set %u %u %u\n", t->tcp, t->tcpfin, t->udp);
		return print_done(f);
	}
	fprintf(f, "Timeout (tcp tcpfin udp): %d %d %d\n", (int)t->tcp,
		(int)t->tcpfin, (int)t->udp);
	return print_done(f);
}

static void print_daemon(FILE *f, const struct xdpvs_ctl_daemon *d)
{
	char a[INET6_ADDRSTRLEN];
	const char *type;

	if (d->state & XDPVS_CTL_DAEMON_MASTER)
		type = "master";
	else if (d->state & XDPVS_CTL_DAEMON_BACKUP)
		type = "backup";
	else
		return;
	fprintf(f, "%s sync daemon (mcast=%s, syncid=%d", type, d->mcast_ifn,
		(int)d->syncid);
	if (d->sync_maxlen)
		fprintf(f, ", maxlen=%u", d->sync_maxlen);
	if (d->mcast_af != AF_UNSPEC &&
	    inet_ntop(d->mcast_af, &d->mcast_group, a, sizeof(a)))
		fprintf(f, ", group=%s", a);
	if (d->mcast_port)
		fprintf(f, ", port=%u", d->mcast_port);
	if (d->mcast_ttl)
		fprintf(f, ", ttl=%u", d->mcast_ttl);
	fprintf(f, ")\n");
}

/* XDPVS_CTL_FMT_RULE: the --start-daemon line that starts d again, its
 * options as in effect. */
static void print_daemon_rule(FILE *f, const struct xdpvs_ctl_daemon *d)
{
	char a[INET6_ADDRSTRLEN];

	if (!(d->state & (XDPVS_CTL_DAEMON_MASTER | XDPVS_CTL_DAEMON_BACKUP)))
		return;
	fprintf(f, "--start-daemon %s",
		d->state & XDPVS_CTL_DAEMON_MASTER ? "master" : "backup");
	if (d->mcast_ifn[0])
		fprintf(f, " --mcast-interface %s", d->mcast_ifn);
	fprintf(f, " --syncid %u", d->syncid);
	if (d->sync_maxlen)
		fprintf(f, " --sync-maxlen %u", d->sync_maxlen);
	if (d->mcast_af != AF_UNSPEC &&
	    inet_ntop(d->mcast_af, &d->mcast_group, a, sizeof(a)))
		fprintf(f, " --mcast-group %s", a);
	if (d->mcast_port)
		fprintf(f, " --mcast-port %u", d->mcast_port);
	if (d->mcast_ttl)
		fprintf(f, " --mcast-ttl %u", d->mcast_ttl);
	fputc('\n', f);
}

int xdpvs_ctl_print_daemons(FILE *f, const struct xdpvs_ctl_daemon *d, int n,
			    unsigned int fmt)
{
	int i;

	if (fmt & XDPVS_CTL_FMT_JSON)
		return xdpvs_ctl_json_daemons(f, d, n);
	for (i = 0; i < n; i++) {
		if (fmt & XDPVS_CTL_FMT_RULE)
			print_daemon_rule(f, &d[i]);
		else
			print_daemon(f, &d[i]);
	}
	return print_done(f);
}

void xdpvs_ctl_print_version(FILE *f)
{
	fprintf(f, "ipvsadm v1.31 2019/12/24 (compiled with popt and IPVS v%d.%d.%d)\n",
		NVERSION(XDPVS_CTL_IPVS_VERSION));
}
