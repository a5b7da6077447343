// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fuzz harness for the packet path: arbitrary bytes as frames through
 * xdpvs_engine_rx() of a fresh engine with a service of every kind (NAT,
 * direct routing, IPIP / GUE / GRE tunnels, persistent, port zero, FTP,
 * firewall mark, no real server; IPv4 and IPv6; TCP, UDP, SCTP) and
 * routes that are missing, unresolved, local or of a small MTU.
 *
 * Input: one byte of switches (schedule_icmp, sloppy_tcp, ...), then up
 * to FZ_MAX_FRAMES records of [control byte][length, 2 bytes big-endian]
 * [frame]; a short last record takes what is left.  The control byte
 * picks the head- and tailroom around the frame (none at all by default,
 * so ASan sees any over-read), how far the clock moves before it, and a
 * configuration change (routes, a real server quiesced or removed).
 *
 * Invariants, checked after every frame (abort() if broken):
 *  - a DROP counts exactly one reason, a PASS none, a TX at most one
 *    (the packet answered by an ICMP error);
 *  - a TX frame lies inside its buffer with head- and tailroom adding
 *    up, and parses as a valid frame;
 *  - a packet whose transport checksum was right leaves with a right
 *    one (NAT, ICMP relays and errors, tunnels recompute or update it);
 *  - no real server's connection counters go negative;
 * and at the end, once the clock has run past every timeout, that no
 * connection is left and every counter is back to zero.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <xdpvs/engine.h>

#include "../../core/csum.h"
#include "../../core/pkt.h"
#include "fuzz.h"

#define FZ_MAX_FRAMES 16
#define FZ_CONN_MAX 12		/* small, so a full table is reachable */
#define FZ_NS(s) ((uint64_t)((s) * 1e9))

/* ---- the configuration ---- */

/* A service and its real servers, as text: "tcp ADDR PORT" or
 * "fwm MARK 4|6"; "ADDR PORT METHOD WEIGHT [TUNNEL] [csum] [u=N]" with
 * METHOD m (NAT), g (direct routing) or i (tunnel: ipip, gue or gre),
 * u= an upper connection threshold. */
struct fz_svc {
	const char *spec;
	const char *sched;
	uint32_t flags, timeout;
	uint32_t netmask;	/* prefix length; 0 = /32, /128 */
	const char *dests[5];	/* NULL-terminated */
};

#define PERSIST XDPVS_SVC_F_PERSISTENT
#define ONEPKT XDPVS_SVC_F_ONEPACKET

static const struct fz_svc fz_svcs[] = {
	{ "tcp 198.18.100.1 80", "rr", 0, 0, 0,
	  { "198.18.1.2 8080 m 1", "198.18.1.3 8080 m 1 u=2" } },
	{ "udp 198.18.100.1 53", "rr", 0, 0, 0, { "198.18.1.2 53 m 1" } },
	{ "udp 198.18.100.1 54", "rr", ONEPKT, 0, 0, { "198.18.1.2 0 m 1" } },
	{ "sctp 198.18.100.1 5060", "rr", 0, 0, 0,
	  { "198.18.1.2 5061 m 1", "198.18.1.3 5060 m 1" } },
	{ "tcp 198.18.100.2 80", "wrr", 0, 0, 0,
	  { "198.18.1.4 80 g 2", "198.18.6.4 80 g 1" } },
	{ "tcp 198.18.100.3 80", "wrr", 0, 0, 0,
	  { "198.18.1.5 80 i 1 ipip", "2001:db8:1::5 80 i 1 gue csum",
	    "198.18.1.6 80 i 1 gre csum", "198.18.2.6 80 i 1 gue" } },
	{ "udp 198.18.100.3 53", "rr", 0, 0, 0, { "198.18.1.6 53 i 1 gre" } },
	{ "tcp 198.18.100.4 443", "rr", PERSIST, 300, 24,
	  { "198.18.1.2 443 m 1", "198.18.1.3 443 m 1" } },
	{ "sctp 198.18.100.2 5060", "rr", 0, 0, 0, { "198.18.1.4 5060 g 1" } },
	{ "fwm 3 4", "rr", 0, 0, 0, { NULL } },
	{ "tcp 198.18.100.5 0", "rr", PERSIST, 60, 0, { "198.18.1.4 0 g 1" } },
	{ "tcp 198.18.100.6 21", "rr", PERSIST, 120, 0,
	  { "198.18.1.2 21 m 1" } },
	{ "fwm 1 4", "rr", PERSIST, 30, 0,
	  { "198.18.1.4 0 g 1", "198.18.1.2 0 m 1" } },
	{ "tcp 198.18.100.7 80", "rr", 0, 0, 0, { NULL } },
	{ "tcp 198.18.100.8 80", "rr", 0, 0, 0,
	  { "198.18.3.1 80 m 1", "198.18.4.1 80 m 1", "198.18.5.1 80 m 1",
	    "198.18.2.1 80 m 1" } },
	{ "udp 198.18.100.8 53", "rr", 0, 0, 0,
	  { "198.18.2.1 53 g 1", "198.18.3.1 53 i 1 ipip" } },
	{ "tcp 2001:db8:100::1 80", "rr", 0, 0, 0,
	  { "2001:db8:1::2 8080 m 1", "2001:db8:2::2 8080 m 1" } },
	{ "udp 2001:db8:100::1 53", "rr", 0, 0, 0, { "2001:db8:1::4 53 g 1" } },
	{ "sctp 2001:db8:100::1 5060", "rr", 0, 0, 0,
	  { "2001:db8:1::2 5060 m 1" } },
	{ "tcp 2001:db8:100::2 80", "rr", 0, 0, 0,
	  { "198.18.1.5 80 i 1 ipip", "2001:db8:1::5 80 i 1 gue csum",
	    "2001:db8:4::5 80 i 1 ipip" } },
	{ "tcp 2001:db8:100::3 443", "rr", PERSIST, 300, 64,
	  { "2001:db8:1::2 443 m 1" } },
	{ "udp 2001:db8:100::4 53", "rr", 0, 0, 0, { NULL } },
	{ "fwm 2 6", "rr", PERSIST, 30, 0, { "2001:db8:1::4 0 g 1" } },
};

#define FZ_NSVCS (sizeof(fz_svcs) / sizeof(fz_svcs[0]))

static int fz_addr(const char *s, union xdpvs_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (strchr(s, ':')) {
		fz_assert(inet_pton(AF_INET6, s, a) == 1, "%s", s);
		return AF_INET6;
	}
	fz_assert(inet_pton(AF_INET, s, &a->ip) == 1, "%s", s);
	return AF_INET;
}

static struct xdpvs_svc_conf fz_svc_conf(const struct fz_svc *d)
{
	struct xdpvs_svc_conf c;
	char proto[8], addr[64];
	unsigned int port;

	memset(&c, 0, sizeof(c));
	fz_assert(sscanf(d->spec, "%7s %63s %u", proto, addr, &port) == 3,
		  "%s", d->spec);
	if (strcmp(proto, "fwm") == 0) {
		c.fwmark = (uint32_t)atoi(addr);
		c.protocol = IPPROTO_TCP;
		c.af = port == 6 ? AF_INET6 : AF_INET;
	} else {
		c.protocol = strcmp(proto, "tcp") == 0	 ? IPPROTO_TCP :
			     strcmp(proto, "udp") == 0 ? IPPROTO_UDP :
							   IPPROTO_SCTP;
		c.af = (uint16_t)fz_addr(addr, &c.addr);
		c.port = htons((uint16_t)port);
	}
	if (c.af == AF_INET6)
		c.netmask = d->netmask ? d->netmask : 128;
	else
		c.netmask = htonl(d->netmask ? ~0U << (32 - d->netmask) : ~0U);
	strcpy(c.sched_name, d->sched);
	c.flags = d->flags;
	c.timeout = d->timeout;
	return c;
}

static struct xdpvs_dest_conf fz_dest_conf(const char *spec)
{
	struct xdpvs_dest_conf c;
	char addr[64], method, opt[3][8] = { "", "", "" };
	unsigned int port;
	int weight, i;

	memset(&c, 0, sizeof(c));
	fz_assert(sscanf(spec, "%63s %u %c %d %7s %7s %7s", addr, &port,
			 &method, &weight, opt[0], opt[1], opt[2]) >= 4,
		  "%s", spec);
	c.af = (uint16_t)fz_addr(addr, &c.addr);
	c.port = htons((uint16_t)port);
	c.conn_flags = method == 'm' ? XDPVS_CONN_F_MASQ :
		       method == 'i' ? XDPVS_CONN_F_TUNNEL :
				       XDPVS_CONN_F_DROUTE;
	c.weight = weight;
	c.tun_port = htons(6080);
	for (i = 0; i < 3; i++) {
		if (strcmp(opt[i], "gue") == 0)
			c.tun_type = XDPVS_TUN_GUE;
		else if (strcmp(opt[i], "gre") == 0)
			c.tun_type = XDPVS_TUN_GRE;
		else if (strcmp(opt[i], "csum") == 0)
			c.tun_flags = XDPVS_TUN_F_CSUM;
		else if (strncmp(opt[i], "u=", 2) == 0)
			c.u_threshold = (uint32_t)atoi(opt[i] + 2);
	}
	return c;
}

/* Routes by the address's third byte (IPv4) or third group (IPv6):
 * 2 small MTU, 3 no route, 4 neighbour unresolved, 5 and 100 local,
 * 6 a VLAN-tagged jumbo link, anything else a plain 1500-byte one. */
static int fz_route(void *ctx, int af, const union xdpvs_addr *daddr,
		    struct xdpvs_route *rt)
{
	uint8_t net = af == AF_INET6 ? daddr->b[5] : daddr->b[2];
	static const uint8_t lb[6] = { 2, 0, 0, 0, 0, 0xfe };
	static const uint8_t nh[6] = { 2, 0, 0, 0, 0, 1 };

	(void)ctx;
	memset(rt, 0, sizeof(*rt));
	memcpy(rt->smac, lb, 6);
	memcpy(rt->dmac, nh, 6);
	rt->ifindex = 1;
	rt->mtu = 1500;
	if (af == AF_INET6)
		fz_addr("2001:db8::fe", &rt->saddr);
	else
		fz_addr("198.18.0.254", &rt->saddr);
	switch (net) {
	case 2:
		rt->mtu = af == AF_INET6 ? 1280 : 552;
		break;
	case 3:
		return -ENETUNREACH;
	case 4:
		return -EAGAIN;
	case 5:
	case 100:
		rt->local = 1;
		rt->saddr = *daddr;
		break;
	case 6:
		rt->ifindex = 2;
		rt->vlan = 7;
		rt->mtu = 9000;
		break;
	}
	return 0;
}

static const struct {
	const char *name;
	int value;
} fz_switches[8] = {
	{ "schedule_icmp", 1 },	{ "sloppy_tcp", 1 },
	{ "sloppy_sctp", 1 },	{ "cache_bypass", 1 },
	{ "secure_tcp", 3 },	{ "expire_nodest_conn", 1 },
	{ "expire_quiescent_template", 1 }, { "pmtu_disc", 0 },
};

static struct xdpvs_engine *fz_engine(uint8_t switches)
{
	struct xdpvs_engine_params p = {
		.conn_max = FZ_CONN_MAX, .conn_tab_bits = 8, .seed = 7,
		.env = { .route = fz_route },
	};
	struct xdpvs_mark_rule m1 = { .mark = 1, .af = AF_INET, .plen = 24 };
	struct xdpvs_mark_rule m2 = { .mark = 2, .af = AF_INET6, .plen = 48,
				      .protocol = IPPROTO_TCP,
				      .port_lo = 1000, .port_hi = 2000 };
	struct xdpvs_mark_rule m3 = { .mark = 3, .af = AF_INET, .plen = 24 };
	struct xdpvs_engine *e = xdpvs_engine_new(&p);
	size_t i, j;

	fz_assert(e, "engine");
	for (i = 0; i < FZ_NSVCS; i++) {
		struct xdpvs_svc_conf s = fz_svc_conf(&fz_svcs[i]);

		fz_assert(xdpvs_svc_add(e, &s) == 0, "%s", fz_svcs[i].spec);
		for (j = 0; fz_svcs[i].dests[j]; j++) {
			struct xdpvs_dest_conf d =
				fz_dest_conf(fz_svcs[i].dests[j]);

			fz_assert(xdpvs_dest_add(e, &s, &d) == 0, "%s: %s",
				  fz_svcs[i].spec, fz_svcs[i].dests[j]);
		}
	}
	/* The 2 s rate estimator is clock work, not packet work; over the
	 * hours this harness runs the clock it would take most of the time. */
	fz_assert(xdpvs_sysctl_set(e, "run_estimation", 0) == 0, "estimator");
	fz_addr("198.18.101.0", &m1.prefix);
	fz_addr("2001:db8:101::", &m2.prefix);
	fz_addr("198.18.102.0", &m3.prefix);
	fz_assert(xdpvs_mark_add(e, &m1) == 0 && xdpvs_mark_add(e, &m2) == 0 &&
		  xdpvs_mark_add(e, &m3) == 0, "marks");
	for (i = 0; i < 8; i++)
		if (switches & (1u << i))
			fz_assert(xdpvs_sysctl_set(e, fz_switches[i].name,
						   fz_switches[i].value) == 0,
				  "%s", fz_switches[i].name);
	return e;
}

/* Configuration changes a record's control byte asks for: routes
 * changed; in the first service and in the first persistent one, the
 * first real server quiesced or back (w0: its weight now), the second
 * removed or added back. */
static void fz_reconfigure(struct xdpvs_engine *e, uint8_t ctl, int *w0)
{
	static const char *const svcs[] = { "tcp 198.18.100.1 80",
					    "tcp 198.18.100.4 443" };
	size_t i, j;

	if (ctl & 0x20) {
		xdpvs_engine_routes_changed(e);
		xdpvs_engine_flows_refresh(e, UINT32_MAX);
	}
	if (ctl & 0x40)
		*w0 ^= 1;
	for (i = 0; i < sizeof(svcs) / sizeof(svcs[0]); i++) {
		const struct fz_svc *d;
		struct xdpvs_svc_conf s;
		struct xdpvs_dest_conf d0, d1;

		for (j = 0; strcmp(fz_svcs[j].spec, svcs[i]); j++)
			;
		d = &fz_svcs[j];
		s = fz_svc_conf(d);
		d0 = fz_dest_conf(d->dests[0]);
		d1 = fz_dest_conf(d->dests[1]);

		if (ctl & 0x40) {
			d0.weight = *w0;
			fz_assert(xdpvs_dest_edit(e, &s, &d0) == 0, "edit");
		}
		if ((ctl & 0x80) && xdpvs_dest_del(e, &s, &d1) == -ENOENT)
			fz_assert(xdpvs_dest_add(e, &s, &d1) == 0, "re-add");
	}
}

/* ---- checks ---- */

/* Is the transport checksum of the parsed packet p right?  1 yes, 0 no,
 * -1 nothing to say (a fragment, no checksum, another protocol). */
static int fz_l4_csum_ok(const struct xdpvs_pkt *p)
{
	const uint8_t *l4 = p->data + p->l4_off;
	uint32_t len = p->len - p->l4_off, sum = 0, crc;
	uint8_t tmp[4];

	if (p->frag)
		return -1;
	switch (p->protocol) {
	case IPPROTO_UDP:
		if (l4[6] == 0 && l4[7] == 0)
			return -1;	/* none (IPv4), or a tunnel's */
		/* fall through */
	case IPPROTO_TCP:
	case IPPROTO_ICMPV6:
		if (p->protocol == IPPROTO_ICMPV6 && p->af != AF_INET6)
			return -1;
		sum = xdpvs_csum_pseudo(p->af, &p->saddr, &p->daddr,
					p->protocol, len);
		break;
	case IPPROTO_ICMP:
		if (p->af != AF_INET)
			return -1;
		break;
	case IPPROTO_SCTP: {
		uint8_t *w = p->data + p->l4_off + 8;

		memcpy(tmp, w, 4);
		memset(w, 0, 4);
		crc = xdpvs_crc32c_sctp(l4, len);
		memcpy(w, tmp, 4);
		return memcmp(&crc, tmp, 4) == 0;
	}
	default:
		return -1;
	}
	return xdpvs_csum_finish(xdpvs_csum_partial(l4, len, sum)) == 0;
}

/* The input's checksum state, from a parse of a copy made before. */
static int fz_input_csum(const uint8_t *frame, uint32_t len)
{
	uint8_t *copy = malloc(len);
	struct xdpvs_pkt p;
	int ok = -1;

	fz_assert(copy, "malloc");
	memcpy(copy, frame, len);
	if (xdpvs_pkt_parse(&p, copy, len) == XDPVS_PKT_OK)
		ok = fz_l4_csum_ok(&p);
	free(copy);
	return ok;
}

static void fz_check_tx(const struct xdpvs_frame *f, const uint8_t *buf,
			uint32_t total, int in_csum)
{
	struct xdpvs_pkt p;
	int r, out;

	fz_assert(f->data >= buf && f->data <= buf + total, "data outside");
	fz_assert((uint32_t)(f->data - buf) == f->headroom, "headroom %u",
		  f->headroom);
	fz_assert((uint64_t)f->headroom + f->len + f->tailroom == total,
		  "room %u + %u + %u != %u", f->headroom, f->len,
		  f->tailroom, total);
	r = xdpvs_pkt_parse(&p, f->data, f->len);
	fz_assert(r == XDPVS_PKT_OK, "output parses as %d", r);
	out = fz_l4_csum_ok(&p);
	fz_assert(!(in_csum == 1 && out == 0),
		  "a right checksum became wrong (protocol %u)", p.protocol);
}

/* The other fragments of a packet that left in pieces: each a frame. */
static void fz_check_more(struct xdpvs_engine *e)
{
	struct xdpvs_frame f;
	struct xdpvs_pkt p;
	int n = 0, r;

	while (xdpvs_engine_tx_next(e, &f)) {
		fz_assert(++n <= 1000, "endless fragments");
		r = xdpvs_pkt_parse(&p, (uint8_t *)f.data, f.len);
		fz_assert(r == XDPVS_PKT_OK && p.frag,
			  "extra frame parses as %d, frag %d", r, p.frag);
	}
}

static void fz_check_dests(struct xdpvs_engine *e, bool idle)
{
	struct xdpvs_svc_info *si;
	int n = xdpvs_svc_info_get(e, &si), i;
	uint32_t j;

	fz_assert(n >= 0, "svc info");
	for (i = 0; i < n; i++) {
		for (j = 0; j < si[i].num_dests; j++) {
			const struct xdpvs_dest_info *d = &si[i].dests[j];

			fz_assert((int32_t)d->activeconns >= 0 &&
				  (int32_t)d->inactconns >= 0 &&
				  (int32_t)d->persistconns >= 0,
				  "negative count, service %d dest %u", i, j);
			fz_assert(!idle || (d->activeconns == 0 &&
					    d->inactconns == 0 &&
					    d->persistconns == 0),
				  "service %d dest %u: %u/%u/%u left", i, j,
				  d->activeconns, d->inactconns,
				  d->persistconns);
		}
	}
	xdpvs_svc_info_free(si, n);
}

/* The drop counters' total; with FUZZ_PKT_DEBUG set in the environment,
 * their names too, for reading what an input does. */
static uint64_t fz_drops_total(const struct xdpvs_engine *e, bool show)
{
	uint64_t d[XDPVS_DROP_MAX], sum = 0;
	int i;

	xdpvs_drops(e, d);
	for (i = 0; i < XDPVS_DROP_MAX; i++) {
		sum += d[i];
		if (show && d[i])
			fprintf(stderr, " %s=%llu",
				xdpvs_drop_name((enum xdpvs_drop)i),
				(unsigned long long)d[i]);
	}
	return sum;
}

/* ---- one frame ---- */

static const uint32_t fz_rooms[4][2] = {	/* headroom, tailroom */
	{ 0, 0 }, { 64, 0 }, { 0, 1600 }, { 256, 2048 },
};
static const uint64_t fz_steps[8] = {	/* clock advance, ns */
	FZ_NS(0.001), FZ_NS(1), FZ_NS(10), FZ_NS(61), FZ_NS(130),
	FZ_NS(301), FZ_NS(901), 0,
};

static void fz_frame(struct xdpvs_engine *e, uint64_t *now, int *w0,
		     uint8_t ctl, const uint8_t *frame, uint32_t len)
{
	uint32_t head = fz_rooms[ctl & 3][0], tail = fz_rooms[ctl & 3][1];
	uint32_t total = head + len + tail;
	uint8_t *buf = malloc(total);	/* malloc(0): a block of no bytes */
	struct xdpvs_frame f = {
		.data = buf + head, .len = len, .headroom = head,
		.tailroom = tail, .ifindex = 1,
	};
	int in_csum = fz_input_csum(frame, len);
	uint64_t before, counted;
	bool debug = getenv("FUZZ_PKT_DEBUG") != NULL;
	enum xdpvs_verdict v;

	fz_assert(buf, "malloc");
	memset(buf, 0xa5, total);
	memcpy(buf + head, frame, len);
	fz_reconfigure(e, ctl, w0);
	*now += fz_steps[(ctl >> 2) & 7];
	/* Timers first: what they drop (fragments timing out) is not this
	 * frame's doing. */
	xdpvs_engine_tick(e, *now);
	before = fz_drops_total(e, false);
	v = xdpvs_engine_rx(e, *now, &f);
	if (debug)
		fprintf(stderr, "frame ctl %02x len %u: verdict %d, out %u, "
			"conns %u, drops", ctl, len, v, f.len,
			xdpvs_conn_count(e));
	counted = fz_drops_total(e, debug) - before;
	if (debug)
		fputc('\n', stderr);
	switch (v) {
	case XDPVS_DROP:
		fz_assert(counted == 1, "DROP counted %llu",
			  (unsigned long long)counted);
		break;
	case XDPVS_PASS:
		fz_assert(counted == 0, "PASS counted %llu",
			  (unsigned long long)counted);
		break;
	case XDPVS_TX:
		fz_assert(counted <= 1, "TX counted %llu",
			  (unsigned long long)counted);
		fz_check_tx(&f, buf, total, in_csum);
		fz_check_more(e);
		break;
	case XDPVS_HOLD:
		fz_assert(counted == 0, "HOLD counted %llu",
			  (unsigned long long)counted);
		break;
	default:
		fz_assert(0, "verdict %d", v);
	}
	fz_assert(xdpvs_conn_count(e) <= FZ_CONN_MAX, "table over capacity");
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xdpvs_engine *e;
	uint64_t now = FZ_NS(1);
	size_t off = 1;
	int n, w0 = 1;

	if (size < 1)
		return 0;
	e = fz_engine(data[0]);
	for (n = 0; n < FZ_MAX_FRAMES && off + 3 <= size; n++) {
		uint8_t ctl = data[off];
		size_t len = (size_t)(data[off + 1] << 8 | data[off + 2]);

		off += 3;
		if (len > size - off)
			len = size - off;
		fz_frame(e, &now, &w0, ctl, data + off, (uint32_t)len);
		off += len;
	}
	fz_check_dests(e, false);
	/* Past every timeout (15 min at most, templates after their
	 * connections): nothing may be left behind. */
	for (n = 1; n <= 4; n++)
		xdpvs_engine_tick(e, now + (uint64_t)n * FZ_NS(3600));
	fz_assert(xdpvs_conn_count(e) == 0, "%u connections left",
		  xdpvs_conn_count(e));
	fz_check_dests(e, true);
	xdpvs_engine_free(e);
	return 0;
}
