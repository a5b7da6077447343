// SPDX-License-Identifier: GPL-2.0-only
/*
 * rtnetlink with libmnl: parse RTM_{NEW,DEL}{LINK,ADDR,ROUTE,NEIGH} into
 * the tables of route.c, from dumps and from notifications alike, and ask
 * the kernel to resolve neighbours.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <net/if.h>
#include <sys/socket.h>
#include <linux/if_arp.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>

#include <libmnl/libmnl.h>

#include "nl.h"

#define NL_BUF		(64 * 1024)
#define NL_RCVBUF	(4 * 1024 * 1024)	/* bytes, for bursts */
#define NL_RESOLVE_SLOTS 64
#define NL_RESOLVE_GAP_NS 1000000000ULL	/* one request a second */

struct nl_resolved {
	struct dp_nexthop nh;
	uint64_t when;
};

struct dp_nl {
	struct mnl_socket *mon, *dump, *req;
	uint32_t seq;
	struct dp_rtab tab;
	unsigned int changed;	/* DP_NL_CH_* since the last report */
	dp_nl_changed_fn fn;
	void *ctx;
	struct nl_resolved resolved[NL_RESOLVE_SLOTS];
	uint32_t resolved_next;
	char buf[NL_BUF];
};

/* Copy attribute a (an address of family af) into *out; -1 if malformed. */
static int nl_addr(const struct nlattr *a, int af, union xdpvs_addr *out)
{
	uint16_t len = mnl_attr_get_payload_len(a);

	memset(out, 0, sizeof(*out));
	if (len != (af == AF_INET6 ? 16 : 4))
		return -1;
	memcpy(out, mnl_attr_get_payload(a), len);
	return 0;
}

#define NL_TB_MAX 128	/* above every *_MAX of the four kinds */

/* mnl_attr_parse callback: tb[type] = attribute. */
static int nl_attr_cb(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;
	uint16_t type = mnl_attr_get_type(a);

	if (type < NL_TB_MAX)
		tb[type] = a;
	return MNL_CB_OK;
}

_Static_assert(IFLA_MAX < NL_TB_MAX && IFA_MAX < NL_TB_MAX &&
	       RTA_MAX < NL_TB_MAX && NDA_MAX < NL_TB_MAX, "attribute table");

static void nl_note(struct dp_nl *nl, int rc, unsigned int what)
{
	if (rc > 0)
		nl->changed |= what;
}

static void nl_link(struct dp_nl *nl, const struct nlmsghdr *h)
{
	const struct nlattr *tb[NL_TB_MAX] = { 0 };
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(h);
	struct dp_link l = { .ifindex = (uint32_t)ifi->ifi_index,
			     .flags = ifi->ifi_flags };

	if (h->nlmsg_type == RTM_DELLINK) {
		nl_note(nl, dp_rtab_link_del(&nl->tab, l.ifindex),
			DP_NL_CH_ROUTE);
		return;
	}
	mnl_attr_parse(h, sizeof(*ifi), nl_attr_cb, tb);
	if (tb[IFLA_IFNAME])
		snprintf(l.name, sizeof(l.name), "%s",
			 mnl_attr_get_str(tb[IFLA_IFNAME]));
	if (tb[IFLA_MTU] && mnl_attr_get_payload_len(tb[IFLA_MTU]) == 4)
		l.mtu = mnl_attr_get_u32(tb[IFLA_MTU]);
	if (ifi->ifi_type == ARPHRD_ETHER && tb[IFLA_ADDRESS] &&
	    mnl_attr_get_payload_len(tb[IFLA_ADDRESS]) == 6) {
		memcpy(l.mac, mnl_attr_get_payload(tb[IFLA_ADDRESS]), 6);
		l.has_mac = true;
	}
	nl_note(nl, dp_rtab_link_set(&nl->tab, &l), DP_NL_CH_ROUTE);
}

static void nl_ifaddr(struct dp_nl *nl, const struct nlmsghdr *h)
{
	const struct nlattr *tb[NL_TB_MAX] = { 0 };
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(h);
	struct dp_ifaddr a = { .af = ifa->ifa_family,
			       .plen = ifa->ifa_prefixlen,
			       .scope = ifa->ifa_scope,
			       .ifindex = ifa->ifa_index };
	const struct nlattr *at;

	if (a.af != AF_INET && a.af != AF_INET6)
		return;
	mnl_attr_parse(h, sizeof(*ifa), nl_attr_cb, tb);
	/* IFA_LOCAL is ours; IFA_ADDRESS the peer's on point-to-point. */
	at = tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];
	if (!at || nl_addr(at, a.af, &a.addr))
		return;
	if (h->nlmsg_type == RTM_DELADDR)
		nl_note(nl, dp_rtab_addr_del(&nl->tab, &a), DP_NL_CH_ADDR);
	else
		nl_note(nl, dp_rtab_addr_add(&nl->tab, &a), DP_NL_CH_ADDR);
}

/* The first next hop of a multipath route (no ECMP yet). */
static void nl_multipath(const struct nlattr *mp, struct dp_rt *r)
{
	const struct rtnexthop *nh = mnl_attr_get_payload(mp);
	uint16_t len = mnl_attr_get_payload_len(mp);
	const struct nlattr *tb[NL_TB_MAX] = { 0 };
	const struct nlattr *attr;

	if (len < sizeof(*nh) || nh->rtnh_len < sizeof(*nh) ||
	    nh->rtnh_len > len)
		return;
	r->oif = (uint32_t)nh->rtnh_ifindex;
	mnl_attr_for_each_payload((const struct nlattr *)((const char *)nh +
							  RTNH_LENGTH(0)),
				  nh->rtnh_len - RTNH_LENGTH(0)) {
		nl_attr_cb(attr, tb);
	}
	if (tb[RTA_GATEWAY] && !nl_addr(tb[RTA_GATEWAY], r->af, &r->gw))
		r->has_gw = true;
}

static uint32_t nl_route_mtu(const struct nlattr *metrics)
{
	const struct nlattr *a;

	mnl_attr_for_each_nested(a, metrics) {
		if (mnl_attr_get_type(a) == RTAX_MTU &&
		    mnl_attr_get_payload_len(a) == 4)
			return mnl_attr_get_u32(a);
	}
	return 0;
}

static void nl_route(struct dp_nl *nl, const struct nlmsghdr *h)
{
	const struct nlattr *tb[NL_TB_MAX] = { 0 };
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(h);
	struct dp_rt r = { .af = rtm->rtm_family, .plen = rtm->rtm_dst_len,
			   .type = rtm->rtm_type, .tos = rtm->rtm_tos,
			   .table = rtm->rtm_table };

	if ((r.af != AF_INET && r.af != AF_INET6) ||
	    (rtm->rtm_flags & RTM_F_CLONED))
		return;
	mnl_attr_parse(h, sizeof(*rtm), nl_attr_cb, tb);
	if (tb[RTA_TABLE])
		r.table = mnl_attr_get_u32(tb[RTA_TABLE]);
	if (r.table != RT_TABLE_MAIN)
		return;
	if (tb[RTA_DST] && nl_addr(tb[RTA_DST], r.af, &r.dst))
		return;
	if (tb[RTA_PRIORITY])
		r.prio = mnl_attr_get_u32(tb[RTA_PRIORITY]);
	if (tb[RTA_OIF])
		r.oif = mnl_attr_get_u32(tb[RTA_OIF]);
	if (tb[RTA_GATEWAY] && !nl_addr(tb[RTA_GATEWAY], r.af, &r.gw))
		r.has_gw = true;
	if (tb[RTA_PREFSRC] && !nl_addr(tb[RTA_PREFSRC], r.af, &r.prefsrc))
		r.has_prefsrc = true;
	if (tb[RTA_METRICS])
		r.mtu = nl_route_mtu(tb[RTA_METRICS]);
	if (tb[RTA_MULTIPATH])
		nl_multipath(tb[RTA_MULTIPATH], &r);
	if (h->nlmsg_type == RTM_DELROUTE)
		nl_note(nl, dp_rtab_route_del(&nl->tab, &r), DP_NL_CH_ROUTE);
	else
		nl_note(nl, dp_rtab_route_add(&nl->tab, &r), DP_NL_CH_ROUTE);
}

static void nl_neigh(struct dp_nl *nl, const struct nlmsghdr *h)
{
	const struct nlattr *tb[NL_TB_MAX] = { 0 };
	const struct ndmsg *ndm = mnl_nlmsg_get_payload(h);
	struct dp_neigh n = { .af = ndm->ndm_family, .state = ndm->ndm_state,
			      .ifindex = (uint32_t)ndm->ndm_ifindex };

	if (n.af != AF_INET && n.af != AF_INET6)
		return;
	mnl_attr_parse(h, sizeof(*ndm), nl_attr_cb, tb);
	if (!tb[NDA_DST] || nl_addr(tb[NDA_DST], n.af, &n.addr))
		return;
	if (tb[NDA_LLADDR] && mnl_attr_get_payload_len(tb[NDA_LLADDR]) == 6) {
		memcpy(n.mac, mnl_attr_get_payload(tb[NDA_LLADDR]), 6);
		n.has_mac = true;
	}
	if (h->nlmsg_type == RTM_DELNEIGH)
		nl_note(nl, dp_rtab_neigh_del(&nl->tab, &n), DP_NL_CH_ROUTE);
	else
		nl_note(nl, dp_rtab_neigh_set(&nl->tab, &n), DP_NL_CH_ROUTE);
}

/* One message, from a dump or a notification. */
static int nl_msg_cb(const struct nlmsghdr *h, void *data)
{
	struct dp_nl *nl = data;
	size_t need;

	switch (h->nlmsg_type) {
	case RTM_NEWLINK:
	case RTM_DELLINK:
		need = sizeof(struct ifinfomsg);
		break;
	case RTM_NEWADDR:
	case RTM_DELADDR:
		need = sizeof(struct ifaddrmsg);
		break;
	case RTM_NEWROUTE:
	case RTM_DELROUTE:
		need = sizeof(struct rtmsg);
		break;
	case RTM_NEWNEIGH:
	case RTM_DELNEIGH:
		need = sizeof(struct ndmsg);
		break;
	default:
		return MNL_CB_OK;
	}
	if (mnl_nlmsg_get_payload_len(h) < need)
		return MNL_CB_OK;
	switch (h->nlmsg_type) {
	case RTM_NEWLINK: case RTM_DELLINK: nl_link(nl, h); break;
	case RTM_NEWADDR: case RTM_DELADDR: nl_ifaddr(nl, h); break;
	case RTM_NEWROUTE: case RTM_DELROUTE: nl_route(nl, h); break;
	default: nl_neigh(nl, h); break;
	}
	return MNL_CB_OK;
}

/* Dump one kind of object (RTM_GET*) of family af into the tables. */
static int nl_dump_one(struct dp_nl *nl, uint16_t type, uint8_t af)
{
	struct nlmsghdr *h = mnl_nlmsg_put_header(nl->buf);
	uint32_t portid = mnl_socket_get_portid(nl->dump);
	struct rtgenmsg *g;
	ssize_t n;
	int rc;

	h->nlmsg_type = type;
	h->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	h->nlmsg_seq = ++nl->seq;
	/* rtgenmsg is enough for every RTM_GET* dump: its first byte is
	 * the family in each of their headers. */
	g = mnl_nlmsg_put_extra_header(h, sizeof(struct rtmsg));
	g->rtgen_family = af;
	if (mnl_socket_sendto(nl->dump, h, h->nlmsg_len) < 0)
		return -errno;
	do {
		n = mnl_socket_recvfrom(nl->dump, nl->buf, sizeof(nl->buf));
		if (n < 0)
			return -errno;
		rc = mnl_cb_run(nl->buf, (size_t)n, nl->seq, portid,
				nl_msg_cb, nl);
	} while (rc > MNL_CB_STOP);
	return rc < 0 ? -errno : 0;
}

/* Everything, from scratch. */
static int nl_dump_all(struct dp_nl *nl)
{
	static const struct { uint16_t type; uint8_t af; } what[] = {
		{ RTM_GETLINK, AF_UNSPEC },
		{ RTM_GETADDR, AF_INET }, { RTM_GETADDR, AF_INET6 },
		{ RTM_GETROUTE, AF_INET }, { RTM_GETROUTE, AF_INET6 },
		{ RTM_GETNEIGH, AF_INET }, { RTM_GETNEIGH, AF_INET6 },
	};
	unsigned int i;
	int err;

	dp_rtab_clear(&nl->tab);
	for (i = 0; i < sizeof(what) / sizeof(what[0]); i++) {
		err = nl_dump_one(nl, what[i].type, what[i].af);
		if (err)
			return err;
	}
	nl->changed = DP_NL_CH_ROUTE | DP_NL_CH_ADDR;
	return 0;
}

static void nl_report(struct dp_nl *nl)
{
	unsigned int what = nl->changed;

	nl->changed = 0;
	if (what && nl->fn)
		nl->fn(nl->ctx, what);
}

static struct mnl_socket *nl_socket(unsigned int groups, int flags)
{
	struct mnl_socket *s = mnl_socket_open2(NETLINK_ROUTE, flags);
	int sz = NL_RCVBUF;

	if (!s)
		return NULL;
	setsockopt(mnl_socket_get_fd(s), SOL_SOCKET, SO_RCVBUF, &sz,
		   sizeof(sz));
	if (mnl_socket_bind(s, groups, MNL_SOCKET_AUTOPID) < 0) {
		int err = errno;

		mnl_socket_close(s);
		errno = err;
		return NULL;
	}
	return s;
}

static int nl_subscribe(struct dp_nl *nl)
{
	static const unsigned int groups[] = {
		RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR,
		RTNLGRP_IPV4_ROUTE, RTNLGRP_IPV6_ROUTE, RTNLGRP_NEIGH,
	};
	unsigned int i;

	for (i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
		int g = (int)groups[i];

		if (mnl_socket_setsockopt(nl->mon, NETLINK_ADD_MEMBERSHIP, &g,
					  sizeof(g)) < 0)
			return -errno;
	}
	return 0;
}

struct dp_nl *dp_nl_open(dp_nl_changed_fn fn, void *ctx, int *err)
{
	struct dp_nl *nl = calloc(1, sizeof(*nl));

	*err = -ENOMEM;
	if (!nl)
		return NULL;
	dp_rtab_init(&nl->tab);
	nl->fn = fn;
	nl->ctx = ctx;
	nl->seq = (uint32_t)time(NULL);
	nl->mon = nl_socket(0, SOCK_NONBLOCK | SOCK_CLOEXEC);
	nl->dump = nl_socket(0, SOCK_CLOEXEC);
	nl->req = nl_socket(0, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (!nl->mon || !nl->dump || !nl->req) {
		*err = -errno;
		goto fail;
	}
	/* Subscribe before dumping: a change during the dump is then
	 * queued and applied after it. */
	*err = nl_subscribe(nl);
	if (*err)
		goto fail;
	*err = nl_dump_all(nl);
	if (*err)
		goto fail;
	nl->changed = 0;
	return nl;
fail:
	dp_nl_close(nl);
	return NULL;
}

void dp_nl_close(struct dp_nl *nl)
{
	if (!nl)
		return;
	if (nl->mon)
		mnl_socket_close(nl->mon);
	if (nl->dump)
		mnl_socket_close(nl->dump);
	if (nl->req)
		mnl_socket_close(nl->req);
	dp_rtab_free(&nl->tab);
	free(nl);
}

const struct dp_rtab *dp_nl_rtab(const struct dp_nl *nl)
{
	return &nl->tab;
}

int dp_nl_mon_fd(const struct dp_nl *nl)
{
	return mnl_socket_get_fd(nl->mon);
}

int dp_nl_req_fd(const struct dp_nl *nl)
{
	return mnl_socket_get_fd(nl->req);
}

void dp_nl_mon_read(struct dp_nl *nl)
{
	int i;

	/* Bounded: the rest waits for the next round of the loop. */
	for (i = 0; i < 64; i++) {
		ssize_t n = mnl_socket_recvfrom(nl->mon, nl->buf,
						sizeof(nl->buf));

		if (n < 0) {
			/* Lost notifications: start again from a dump. */
			if (errno == ENOBUFS && nl_dump_all(nl) == 0)
				continue;
			break;
		}
		mnl_cb_run(nl->buf, (size_t)n, 0, 0, nl_msg_cb, nl);
	}
	nl_report(nl);
}

void dp_nl_req_read(struct dp_nl *nl)
{
	int i;

	/* Only errors come back (no NLM_F_ACK); nothing to do with them. */
	for (i = 0; i < 64; i++)
		if (mnl_socket_recvfrom(nl->req, nl->buf, sizeof(nl->buf)) < 0)
			break;
}

/* Was nh asked for less than a second ago?  Notes it as asked if not. */
static bool nl_recently_asked(struct dp_nl *nl, const struct dp_nexthop *nh,
			      uint64_t now)
{
	struct nl_resolved *r;
	unsigned int i;

	for (i = 0; i < NL_RESOLVE_SLOTS; i++) {
		r = &nl->resolved[i];
		if (r->nh.af != nh->af || r->nh.ifindex != nh->ifindex ||
		    !xdpvs_addr_equal(nh->af, &r->nh.addr, &nh->addr))
			continue;
		if (now - r->when < NL_RESOLVE_GAP_NS)
			return true;
		r->when = now;
		return false;
	}
	r = &nl->resolved[nl->resolved_next++ % NL_RESOLVE_SLOTS];
	r->nh = *nh;
	r->when = now;
	return false;
}

int dp_nl_resolve(struct dp_nl *nl, const struct dp_nexthop *nh, uint64_t now)
{
	char buf[256];
	struct nlmsghdr *h;
	struct ndmsg *ndm;

	if (nl_recently_asked(nl, nh, now))
		return 0;
	h = mnl_nlmsg_put_header(buf);
	h->nlmsg_type = RTM_NEWNEIGH;
	h->nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_REPLACE;
	h->nlmsg_seq = ++nl->seq;
	ndm = mnl_nlmsg_put_extra_header(h, sizeof(*ndm));
	ndm->ndm_family = nh->af;
	ndm->ndm_ifindex = (int)nh->ifindex;
	ndm->ndm_state = NUD_NONE;
	/* As if the kernel had a packet for it: solicit now. */
	ndm->ndm_flags = NTF_USE;
	mnl_attr_put(h, NDA_DST, nh->af == AF_INET6 ? 16 : 4, &nh->addr);
	if (mnl_socket_sendto(nl->req, h, h->nlmsg_len) < 0)
		return -errno;
	return 0;
}
