// SPDX-License-Identifier: GPL-2.0-only
/*
 * Persistence through the engine, with the kernel's rules
 * (ip_vs_sched_persist, ip_vs_conn_expire, ip_vs_check_template): the
 * template keys (normal, FTP, port zero, fwmark), the template's life and
 * re-arming, ASSURED, quiesced servers with and without
 * expire_quiescent_template, port reuse under each conn_reuse_mode,
 * one-packet scheduling, and the -x/-y thresholds seen through
 * connections.
 *
 * Real server N is 198.18.N.2 behind MAC 02:00:00:00:0N:02; which one got
 * a packet is read from the MAC.  rr over servers added rs1, rs2 (list
 * rs2, rs1: newest first) picks rs2 first, then rs1, and so on.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <cmocka.h>

#include "../../lib/enginetest.h"

#define VIP "198.18.100.1"
#define SYN 0x02
#define ACK 0x10
#define RST 0x04
#define FIN 0x01

static int setup(void **state)
{
	static struct et t;
	char addr[32], mac[32];
	int i;

	et_init(&t, 0);
	for (i = 1; i <= 3; i++) {
		snprintf(addr, sizeof(addr), "198.18.%d.2", i);
		snprintf(mac, sizeof(mac), "02:00:00:00:%02x:02", i);
		et_route(&t, addr, mac, (uint32_t)(i + 1), 1500, NULL);
	}
	*state = &t;
	return 0;
}

static int teardown(void **state)
{
	et_fini(*state);
	return 0;
}

/* A service spec with persistence (timeout s, IPv4 mask) and flags. */
static struct xdpvs_svc_conf pconf(const char *spec, const char *sched,
				   uint32_t flags, uint32_t timeout,
				   const char *mask)
{
	struct xdpvs_svc_conf c = et_svc_conf(spec, sched);
	struct in_addr m;

	c.flags = flags;
	c.timeout = timeout;
	if (mask) {
		assert_int_equal(inet_pton(AF_INET, mask, &m), 1);
		c.netmask = m.s_addr;
	}
	return c;
}

static void add_psvc(struct et *t, const char *spec, const char *sched,
		     uint32_t flags, uint32_t timeout, const char *mask)
{
	struct xdpvs_svc_conf c = pconf(spec, sched, flags, timeout, mask);

	assert_int_equal(xdpvs_svc_add(t->e, &c), 0);
}

static void set_weight(struct et *t, const char *svc, const char *dest,
		       char method, int weight)
{
	struct xdpvs_svc_conf s = et_svc_conf(svc, "rr");
	struct xdpvs_dest_conf d = et_dest_conf(dest, method, weight);

	assert_int_equal(xdpvs_dest_edit(t->e, &s, &d), 0);
}

/* The real server the last frame went to (its MAC), 0 if none. */
static int sent_to(struct et *t)
{
	return t->v == XDPVS_TX ? t->f.data[4] : 0;
}

static int pkt(struct et *t, double now, uint8_t proto, const char *src,
	       uint16_t sport, const char *dst, uint16_t dport, uint8_t flags)
{
	struct tb_pkt p = {
		.smac = "02:00:00:00:00:01", .dmac = ET_LB_MAC,
		.src = src, .dst = dst, .proto = proto,
		.sport = sport, .dport = dport, .flags = flags,
	};

	et_rx_pkt(t, now, &p);
	return sent_to(t);
}

static int tcp(struct et *t, double now, const char *src, uint16_t sport,
	       uint16_t dport, uint8_t flags)
{
	return pkt(t, now, IPPROTO_TCP, src, sport, VIP, dport, flags);
}

static int udp(struct et *t, double now, const char *src, uint16_t sport,
	       uint16_t dport)
{
	return pkt(t, now, IPPROTO_UDP, src, sport, VIP, dport, 0);
}

/* A reply from real server n's port sport to the client. */
static enum xdpvs_verdict reply(struct et *t, double now, uint8_t proto, int n,
				uint16_t sport, const char *dst,
				uint16_t dport, uint8_t flags)
{
	char src[32], mac[32];
	struct tb_pkt p = {
		.smac = mac, .dmac = ET_LB_MAC, .src = src, .dst = dst,
		.proto = proto, .sport = sport, .dport = dport,
		.flags = flags,
	};

	snprintf(src, sizeof(src), "198.18.%d.2", n);
	snprintf(mac, sizeof(mac), "02:00:00:00:%02x:02", n);
	return et_rx_pkt(t, now, &p);
}

static const char *proto_name(uint16_t p)
{
	return p == IPPROTO_TCP ? "TCP" : p == IPPROTO_UDP ? "UDP" :
	       p == IPPROTO_SCTP ? "SCTP" : "IP";
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

#define LINE_FMT "%s %s:%u %s:%u %s:%u %s %u"

/*
 * The connection table (templates when tpl, else connections) as sorted
 * lines "PROTO caddr:cport vaddr:vport daddr:dport STATE seconds-left",
 * at the engine's last time.  Static buffer.
 */
static const char *table(struct et *t, bool tpl)
{
	static char out[4096];
	char lines[64][256], *sorted[64], c[48], v[48], d[48];
	struct xdpvs_conn_info *ci;
	int n = xdpvs_conn_info_get(t->e, t->now, &ci), i, k = 0;

	assert_true(n >= 0 && n <= 64);
	for (i = 0; i < n; i++) {
		if (!(ci[i].flags & XDPVS_CONN_F_TEMPLATE) != !tpl)
			continue;
		inet_ntop(AF_INET, &ci[i].caddr, c, sizeof(c));
		inet_ntop(AF_INET, &ci[i].vaddr, v, sizeof(v));
		inet_ntop(AF_INET, &ci[i].daddr, d, sizeof(d));
		snprintf(lines[k], sizeof(lines[k]), LINE_FMT,
			 proto_name(ci[i].protocol), c, ntohs(ci[i].cport), v,
			 ntohs(ci[i].vport), d, ntohs(ci[i].dport),
			 ci[i].state_name, ci[i].expires_ms / 1000);
		sorted[k] = lines[k];
		k++;
	}
	free(ci);
	qsort(sorted, (size_t)k, sizeof(sorted[0]), cmp_str);
	out[0] = '\0';
	for (i = 0; i < k; i++) {
		strcat(out, sorted[i]);
		strcat(out, "\n");
	}
	return out;
}

#define TPL(t, exp) assert_string_equal(table(t, true), exp)
#define CONNS(t, exp) assert_string_equal(table(t, false), exp)

/* dests[i] of the only service: active, inactive, persistent counts. */
static void dest_counts(struct et *t, int i, uint32_t act, uint32_t inact,
			uint32_t pers)
{
	struct xdpvs_svc_info *s;
	int n = xdpvs_svc_info_get(t->e, &s);

	assert_true(n >= 1);
	assert_int_equal(s[0].dests[i].activeconns, act);
	assert_int_equal(s[0].dests[i].inactconns, inact);
	assert_int_equal(s[0].dests[i].persistconns, pers);
	xdpvs_svc_info_free(s, n);
}

static void tick(struct et *t, double now)
{
	t->now = (uint64_t)(now * 1e9);
	xdpvs_engine_tick(t->e, t->now);
}

/* -p 300 -M 255.255.255.0: one template per client /24, <TCP, net, 0,
 * VIP, 80>, to the first choice; every connection from that /24, from
 * any port, follows it; another /24 gets rr's next choice. */
static void same_client_net_same_server(void **state)
{
	struct et *t = *state;

	add_psvc(t, "tcp " VIP " 80", "rr", XDPVS_SVC_F_PERSISTENT, 300,
		 "255.255.255.0");
	et_add_dest(t, "tcp " VIP " 80", "198.18.1.2 80", 'm', 1);
	et_add_dest(t, "tcp " VIP " 80", "198.18.2.2 80", 'm', 1);
	assert_int_equal(tcp(t, 1, "198.18.0.2", 1000, 80, SYN), 2);
	assert_int_equal(tcp(t, 2, "198.18.0.2", 1001, 80, SYN), 2);
	assert_int_equal(tcp(t, 3, "198.18.0.77", 5000, 80, SYN), 2);
	assert_int_equal(tcp(t, 4, "198.18.5.2", 1000, 80, SYN), 1);
	assert_int_equal(tcp(t, 5, "198.18.0.99", 1000, 80, SYN), 2);
	/* The template restarts at each new connection: 300 s at t=5. */
	TPL(t, "TCP 198.18.0.0:0 198.18.100.1:80 198.18.2.2:80 NONE 300\n"
	       "TCP 198.18.5.0:0 198.18.100.1:80 198.18.1.2:80 NONE 299\n");
	/* dests listed newest first: rs2, rs1 */
	dest_counts(t, 0, 4, 0, 1);
	dest_counts(t, 1, 1, 0, 1);
}

/* fwmark: one template <IP, net, 0, mark as 0.0.0.1, 0> for every port
 * the mark covers, so one client stays on one server across ports. */
static void fwmark_across_ports(void **state)
{
	struct et *t = *state;
	struct xdpvs_mark_rule r = {
		.mark = 1, .af = AF_INET, .protocol = IPPROTO_TCP, .plen = 32,
		.port_lo = 80, .port_hi = 80,
	};

	r.prefix.ip = inet_addr(VIP);
	assert_int_equal(xdpvs_mark_add(t->e, &r), 0);
	r.port_lo = r.port_hi = 443;
	assert_int_equal(xdpvs_mark_add(t->e, &r), 0);
	add_psvc(t, "fwm 1", "rr", XDPVS_SVC_F_PERSISTENT, 360,
		 "255.255.255.0");
	et_add_dest(t, "fwm 1", "198.18.1.2 0", 'm', 1);
	et_add_dest(t, "fwm 1", "198.18.2.2 0", 'm', 1);
	assert_int_equal(tcp(t, 1, "198.18.0.2", 1000, 80, SYN), 2);
	assert_int_equal(tcp(t, 1, "198.18.0.3", 1001, 443, SYN), 2);
	assert_int_equal(tcp(t, 1, "198.18.6.3", 1001, 443, SYN), 1);
	assert_int_equal(tcp(t, 1, "198.18.6.4", 1002, 80, SYN), 1);
	TPL(t, "IP 198.18.0.0:0 0.0.0.1:0 198.18.2.2:0 NONE 360\n"
	       "IP 198.18.6.0:0 0.0.0.1:0 198.18.1.2:0 NONE 360\n");
	/* The connections keep their ports (the dests have port 0). */
	CONNS(t, "TCP 198.18.0.2:1000 198.18.100.1:80 198.18.2.2:80 SYN_RECV "
		 "60\n"
		 "TCP 198.18.0.3:1001 198.18.100.1:443 198.18.2.2:443 SYN_RECV "
		 "60\n"
		 "TCP 198.18.6.3:1001 198.18.100.1:443 198.18.1.2:443 SYN_RECV "
		 "60\n"
		 "TCP 198.18.6.4:1002 198.18.100.1:80 198.18.1.2:80 SYN_RECV "
		 "60\n");
}

/* FTP (port 21) and port-zero templates have vport and dport 0, so one
 * template covers the control connection and the data connections
 * (port 20 / unprivileged, found by the FTP service). */
static void ftp_and_port_zero_keys(void **state)
{
	struct et *t = *state;

	add_psvc(t, "tcp " VIP " 21", "rr", XDPVS_SVC_F_PERSISTENT, 100,
		 NULL);
	et_add_dest(t, "tcp " VIP " 21", "198.18.1.2 21", 'g', 1);
	et_add_dest(t, "tcp " VIP " 21", "198.18.2.2 21", 'g', 1);
	assert_int_equal(tcp(t, 1, "198.18.0.2", 1000, 21, SYN), 2);
	assert_int_equal(tcp(t, 1, "198.18.0.2", 1001, 3000, SYN), 2);
	TPL(t, "TCP 198.18.0.2:0 198.18.100.1:0 198.18.2.2:0 NONE 100\n");
	CONNS(t, "TCP 198.18.0.2:1000 198.18.100.1:21 198.18.2.2:21 SYN_RECV "
		 "60\n"
		 "TCP 198.18.0.2:1001 198.18.100.1:3000 198.18.2.2:3000 "
		 "SYN_RECV 60\n");

	add_psvc(t, "udp " VIP " 0", "rr", XDPVS_SVC_F_PERSISTENT, 50, NULL);
	et_add_dest(t, "udp " VIP " 0", "198.18.3.2 0", 'g', 1);
	assert_int_equal(udp(t, 2, "198.18.0.2", 1000, 53), 3);
	assert_int_equal(udp(t, 2, "198.18.0.2", 1000, 123), 3);
	TPL(t, "TCP 198.18.0.2:0 198.18.100.1:0 198.18.2.2:0 NONE 99\n"
	       "UDP 198.18.0.2:0 198.18.100.1:0 198.18.3.2:0 NONE 50\n");
}

/*
 * The template's life (ip_vs_conn_expire): created with the service's
 * timeout (100 s), restarted at each new connection through it; when it
 * fires while it still controls connections it is re-armed with 60 s and
 * keeps 60 s as its timeout (so the next connection restarts it at 60 s,
 * not 100: the kernel never resets ct->timeout); once it controls nothing
 * it goes, and the client is scheduled afresh.  ESTABLISHED makes it
 * ASSURED.
 */
static void template_expiry_and_rearm(void **state)
{
	struct et *t = *state;

	add_psvc(t, "tcp " VIP " 80", "rr", XDPVS_SVC_F_PERSISTENT, 100,
		 NULL);
	et_add_dest(t, "tcp " VIP " 80", "198.18.1.2 80", 'm', 1);
	et_add_dest(t, "tcp " VIP " 80", "198.18.2.2 80", 'm', 1);
	assert_int_equal(tcp(t, 1, "198.18.0.2", 1000, 80, SYN), 2);
	TPL(t, "TCP 198.18.0.2:0 198.18.100.1:80 198.18.2.2:80 NONE 100\n");
	assert_int_equal(tcp(t, 1.5, "198.18.0.2", 1000, 80, ACK), 2);
	TPL(t, "TCP 198.18.0.2:0 198.18.100.1:80 198.18.2.2:80 ASSURED 99\n");
	/* Another connection: restarted at 100 s (expires at 150). */
	assert_int_equal(tcp(t, 50, "198.18.0.2", 1001, 80, SYN), 2);
	TPL(t, "TCP 198.18.0.2:0 198.18.100.1:80 198.18.2.2:80 ASSURED 100\n");
	/* 1001 (SYN_RECV, 60 s) expires at 110; 1000 (ESTABLISHED) stays,
	 * so at 150 the template is re-armed for 60 s (to 210). */
	tick(t, 151);
	CONNS(t, "TCP 198.18.0.2:1000 198.18.100.1:80 198.18.2.2:80 "
		 "ESTABLISHED 750\n");
	TPL(t, "TCP 198.18.0.2:0 198.18.100.1:80 198.18.2.2:80 ASSURED 59\n");
	/* A new connection restarts it at its timeout, now 60 s: 220. */
	assert_int_equal(tcp(t, 160, "198.18.0.2", 1002, 80, SYN), 2);
	TPL(t, "TCP 198.18.0.2:0 198.18.100.1:80 198.18.2.2:80 ASSURED 60\n");
	assert_int_equal(tcp(t, 160, "198.18.0.2", 1002, 80, ACK), 2);
	/* Both close (RST: CLOSE, 10 s) and are gone at 171. */
	assert_int_equal(tcp(t, 161, "198.18.0.2", 1000, 80, RST), 2);
	assert_int_equal(tcp(t, 161, "198.18.0.2", 1002, 80, RST), 2);
	tick(t, 200);
	CONNS(t, "");
	TPL(t, "TCP 198.18.0.2:0 198.18.100.1:80 198.18.2.2:80 ASSURED 20\n");
	dest_counts(t, 0, 0, 0, 1);
	/* At 220 it controls nothing: gone; rr's next choice is rs1. */
	tick(t, 221);
	TPL(t, "");
	dest_counts(t, 0, 0, 0, 0);
	assert_int_equal(tcp(t, 222, "198.18.0.2", 1003, 80, SYN), 1);
}

/* A UDP reply from the real server assures the template. */
static void udp_reply_assures(void **state)
{
	struct et *t = *state;

	add_psvc(t, "udp " VIP " 53", "rr", XDPVS_SVC_F_PERSISTENT, 100,
		 NULL);
	et_add_dest(t, "udp " VIP " 53", "198.18.1.2 53", 'm', 1);
	assert_int_equal(udp(t, 1, "198.18.0.2", 1000, 53), 1);
	TPL(t, "UDP 198.18.0.2:0 198.18.100.1:53 198.18.1.2:53 NONE 100\n");
	assert_int_equal(reply(t, 2, IPPROTO_UDP, 1, 53, "198.18.0.2", 1000,
			       0), XDPVS_TX);
	TPL(t, "UDP 198.18.0.2:0 198.18.100.1:53 198.18.1.2:53 ASSURED 99\n");
}

/*
 * A quiesced server (weight 0) keeps its persistent clients unless
 * expire_quiescent_template is set: then the template is invalidated
 * (rehashed with vport = dport = 65535 and cport 0, never found again,
 * left to expire) and the client scheduled afresh.  Either way the
 * existing connection carries on.
 */
static void quiesced_server(void **state, int eqt)
{
	struct et *t = *state;

	assert_int_equal(xdpvs_sysctl_set(t->e, "expire_quiescent_template",
					  eqt), 0);
	add_psvc(t, "tcp " VIP " 80", "rr", XDPVS_SVC_F_PERSISTENT, 100,
		 NULL);
	et_add_dest(t, "tcp " VIP " 80", "198.18.1.2 80", 'm', 1);
	et_add_dest(t, "tcp " VIP " 80", "198.18.2.2 80", 'm', 1);
	assert_int_equal(tcp(t, 1, "198.18.0.2", 1000, 80, SYN), 2);
	set_weight(t, "tcp " VIP " 80", "198.18.2.2 80", 'm', 0);
	assert_int_equal(tcp(t, 2, "198.18.0.2", 1000, 80, ACK), 2);
	if (!eqt) {
		assert_int_equal(tcp(t, 3, "198.18.0.2", 1001, 80, SYN), 2);
		TPL(t, "TCP 198.18.0.2:0 198.18.100.1:80 198.18.2.2:80 ASSURED "
		       "100\n");
		return;
	}
	assert_int_equal(tcp(t, 3, "198.18.0.2", 1001, 80, SYN), 1);
	TPL(t, "TCP 198.18.0.2:0 198.18.100.1:65535 198.18.2.2:65535 ASSURED "
	       "98\n"
	       "TCP 198.18.0.2:0 198.18.100.1:80 198.18.1.2:80 NONE 100\n");
	assert_int_equal(tcp(t, 4, "198.18.0.2", 1000, 80, ACK), 2);
	assert_int_equal(tcp(t, 4, "198.18.0.2", 1002, 80, SYN), 1);
	/* The parked template is due at 101 but still controls 1000
	 * (ESTABLISHED): re-armed to 161.  The new one was restarted at 4
	 * by 1002: due at 104. */
	tick(t, 102);
	TPL(t, "TCP 198.18.0.2:0 198.18.100.1:65535 198.18.2.2:65535 ASSURED "
	       "59\n"
	       "TCP 198.18.0.2:0 198.18.100.1:80 198.18.1.2:80 NONE 2\n");
}

static void quiesced_kept(void **state)
{
	quiesced_server(state, 0);
}

static void quiesced_expire_template(void **state)
{
	quiesced_server(state, 1);
}

/* A deleted server: with expire_nodest_conn 0 its connections' packets
 * are dropped; with 1 its connections and templates go at once, and the
 * clients are scheduled afresh (rr: its position moved back to the head
 * when the server it stood on was deleted, so rs1). */
static void dest_deleted(void **state)
{
	struct et *t = *state;
	struct xdpvs_svc_conf s = et_svc_conf("tcp " VIP " 80", "rr");
	struct xdpvs_dest_conf d = et_dest_conf("198.18.2.2 80", 'm', 1);

	add_psvc(t, "tcp " VIP " 80", "rr", XDPVS_SVC_F_PERSISTENT, 100,
		 NULL);
	et_add_dest(t, "tcp " VIP " 80", "198.18.1.2 80", 'm', 1);
	et_add_dest(t, "tcp " VIP " 80", "198.18.2.2 80", 'm', 1);
	assert_int_equal(tcp(t, 1, "198.18.0.2", 1000, 80, SYN), 2);
	assert_int_equal(tcp(t, 1, "198.18.0.3", 1000, 80, SYN), 1);
	assert_int_equal(tcp(t, 1, "198.18.0.4", 1000, 80, SYN), 2);
	assert_int_equal(tcp(t, 1, "198.18.0.4", 1000, 80, ACK), 2);
	assert_int_equal(xdpvs_dest_del(t->e, &s, &d), 0);
	assert_int_equal(tcp(t, 2, "198.18.0.2", 1000, 80, ACK), 0);
	assert_int_equal(t->v, XDPVS_DROP);
	assert_int_equal(et_drops(t, XDPVS_DROP_DEST_GONE), 1);

	assert_int_equal(xdpvs_dest_add(t->e, &s, &d), 0);
	assert_int_equal(xdpvs_sysctl_set(t->e, "expire_nodest_conn", 1), 0);
	assert_int_equal(xdpvs_dest_del(t->e, &s, &d), 0);
	/* rs2's connections and templates are all gone at once: the flush
	 * (ip_vs_expire_nodest_conn_flush) deletes every entry of the dest
	 * that controls nothing, and a template left controlling nothing
	 * by it, ASSURED or not. */
	CONNS(t, "TCP 198.18.0.3:1000 198.18.100.1:80 198.18.1.2:80 SYN_RECV "
		 "59\n");
	TPL(t, "TCP 198.18.0.3:0 198.18.100.1:80 198.18.1.2:80 NONE 99\n");
	assert_int_equal(tcp(t, 3, "198.18.0.4", 1001, 80, SYN), 1);
}

/* A SYN for a connection whose server has weight 0 reschedules it when
 * expire_nodest_conn is set, whatever its state. */
static void syn_to_quiesced_with_expire_nodest(void **state)
{
	struct et *t = *state;

	et_add_svc(t, "tcp " VIP " 80", "rr");
	et_add_dest(t, "tcp " VIP " 80", "198.18.1.2 80", 'm', 1);
	et_add_dest(t, "tcp " VIP " 80", "198.18.2.2 80", 'm', 1);
	assert_int_equal(tcp(t, 1, "198.18.0.2", 1000, 80, SYN), 2);
	assert_int_equal(tcp(t, 1, "198.18.0.2", 1000, 80, ACK), 2);
	set_weight(t, "tcp " VIP " 80", "198.18.2.2 80", 'm', 0);
	/* ESTABLISHED is no port reuse: the SYN stays with rs2 */
	assert_int_equal(tcp(t, 2, "198.18.0.2", 1000, 80, SYN), 2);
	assert_int_equal(xdpvs_sysctl_set(t->e, "expire_nodest_conn", 1), 0);
	assert_int_equal(tcp(t, 3, "198.18.0.2", 1000, 80, SYN), 1);
	tick(t, 3.1);
	CONNS(t, "TCP 198.18.0.2:1000 198.18.100.1:80 198.18.1.2:80 SYN_RECV "
		 "59\n");
}

/*
 * Port reuse (is_new_conn_expected): a SYN for a connection in TIME_WAIT
 * or CLOSE starts a new one, scheduled afresh, unless conn_reuse_mode is
 * 0; with bit 2 also one in FIN_WAIT that sees no replies (DR, tunnels);
 * never a connection controlled by a template.
 */
static void reuse_case(struct et *t, int mode, char method, bool fin_wait,
		       int expect)
{
	char rs1[32], rs2[32];

	snprintf(rs1, sizeof(rs1), "198.18.1.2 80");
	snprintf(rs2, sizeof(rs2), "198.18.2.2 80");
	assert_int_equal(xdpvs_sysctl_set(t->e, "conn_reuse_mode", mode), 0);
	et_add_svc(t, "tcp " VIP " 80", "rr");
	et_add_dest(t, "tcp " VIP " 80", rs1, method, 1);
	et_add_dest(t, "tcp " VIP " 80", rs2, method, 1);
	assert_int_equal(tcp(t, 1, "198.18.0.2", 1000, 80, SYN), 2);
	assert_int_equal(tcp(t, 1, "198.18.0.2", 1000, 80, ACK), 2);
	if (fin_wait) {
		/* DR sees only the client: ES + FIN -> FIN_WAIT */
		assert_int_equal(tcp(t, 2, "198.18.0.2", 1000, 80, FIN | ACK),
				 2);
		assert_string_equal(et_conn_state(t, "198.18.0.2", 1000, NULL),
				    "FIN_WAIT");
	} else {
		/* NAT: client FIN, server FIN: TIME_WAIT */
		assert_int_equal(tcp(t, 2, "198.18.0.2", 1000, 80, FIN | ACK),
				 2);
		assert_int_equal(reply(t, 2, IPPROTO_TCP, 2, 80, "198.18.0.2",
				       1000, FIN | ACK), XDPVS_TX);
		assert_string_equal(et_conn_state(t, "198.18.0.2", 1000, NULL),
				    "TIME_WAIT");
	}
	assert_int_equal(tcp(t, 3, "198.18.0.2", 1000, 80, SYN), expect);
	/* A rescheduled connection replaces the old one at the next tick. */
	tick(t, 3.1);
	assert_int_equal(xdpvs_conn_count(t->e), 1);
}

static void reuse_mode0_time_wait(void **state)
{
	reuse_case(*state, 0, 'm', false, 2);
}

static void reuse_mode1_time_wait(void **state)
{
	reuse_case(*state, 1, 'm', false, 1);
}

static void reuse_mode1_dr_fin_wait(void **state)
{
	reuse_case(*state, 1, 'g', true, 2);
}

static void reuse_mode2_dr_fin_wait(void **state)
{
	reuse_case(*state, 2, 'g', true, 1);
}

static void reuse_mode3_dr_fin_wait(void **state)
{
	reuse_case(*state, 3, 'g', true, 1);
}

/* A NAT connection in FIN_WAIT has seen replies: bit 2 does not apply. */
static void reuse_mode2_nat_fin_wait(void **state)
{
	struct et *t = *state;

	assert_int_equal(xdpvs_sysctl_set(t->e, "conn_reuse_mode", 2), 0);
	et_add_svc(t, "tcp " VIP " 80", "rr");
	et_add_dest(t, "tcp " VIP " 80", "198.18.1.2 80", 'm', 1);
	et_add_dest(t, "tcp " VIP " 80", "198.18.2.2 80", 'm', 1);
	assert_int_equal(tcp(t, 1, "198.18.0.2", 1000, 80, SYN), 2);
	assert_int_equal(reply(t, 1, IPPROTO_TCP, 2, 80, "198.18.0.2", 1000,
			       SYN | ACK), XDPVS_TX);
	assert_int_equal(tcp(t, 1, "198.18.0.2", 1000, 80, ACK), 2);
	/* server FIN: OUTPUT ES -> FIN_WAIT */
	assert_int_equal(reply(t, 2, IPPROTO_TCP, 2, 80, "198.18.0.2", 1000,
			       FIN | ACK), XDPVS_TX);
	assert_string_equal(et_conn_state(t, "198.18.0.2", 1000, NULL),
			    "FIN_WAIT");
	assert_int_equal(tcp(t, 3, "198.18.0.2", 1000, 80, SYN), 2);
}

/* A controlled connection is never reused: the SYN goes to it (same
 * server anyway), no new connection is counted. */
static void reuse_never_controlled(void **state)
{
	struct et *t = *state;
	struct xdpvs_svc_info *s;
	int n;

	add_psvc(t, "tcp " VIP " 80", "rr", XDPVS_SVC_F_PERSISTENT, 300,
		 NULL);
	et_add_dest(t, "tcp " VIP " 80", "198.18.1.2 80", 'm', 1);
	assert_int_equal(tcp(t, 1, "198.18.0.2", 1000, 80, SYN), 1);
	assert_int_equal(tcp(t, 1, "198.18.0.2", 1000, 80, ACK), 1);
	assert_int_equal(tcp(t, 2, "198.18.0.2", 1000, 80, RST), 1);
	assert_string_equal(et_conn_state(t, "198.18.0.2", 1000, NULL),
			    "CLOSE");
	assert_int_equal(tcp(t, 3, "198.18.0.2", 1000, 80, SYN), 1);
	assert_string_equal(et_conn_state(t, "198.18.0.2", 1000, NULL),
			    "SYN_RECV");
	n = xdpvs_svc_info_get(t->e, &s);
	assert_int_equal(s[0].stats.conns, 1);
	xdpvs_svc_info_free(s, n);
}

/* -o: each UDP datagram is scheduled alone, its connection never hashed
 * and gone after the transmit; the template of a persistent OPS service
 * is kept.  TCP on an OPS fwmark service is scheduled normally. */
static void one_packet_scheduling(void **state)
{
	struct et *t = *state;
	struct xdpvs_svc_info *s;
	int n;

	add_psvc(t, "udp " VIP " 53", "rr", XDPVS_SVC_F_ONEPACKET, 0, NULL);
	et_add_dest(t, "udp " VIP " 53", "198.18.1.2 53", 'm', 1);
	et_add_dest(t, "udp " VIP " 53", "198.18.2.2 53", 'm', 1);
	assert_int_equal(udp(t, 1, "198.18.0.2", 1000, 53), 2);
	assert_int_equal(udp(t, 1, "198.18.0.2", 1000, 53), 1);
	assert_int_equal(udp(t, 1, "198.18.0.2", 1000, 53), 2);
	assert_int_equal(xdpvs_conn_count(t->e), 0);
	n = xdpvs_svc_info_get(t->e, &s);
	assert_int_equal(s[0].stats.conns, 3);
	assert_int_equal(s[0].stats.inpkts, 3);
	xdpvs_svc_info_free(s, n);
	/* A reply finds no connection: not ours. */
	assert_int_equal(reply(t, 1, IPPROTO_UDP, 2, 53, "198.18.0.2", 1000,
			       0), XDPVS_PASS);

	add_psvc(t, "udp " VIP " 54", "rr",
		 XDPVS_SVC_F_ONEPACKET | XDPVS_SVC_F_PERSISTENT, 30, NULL);
	et_add_dest(t, "udp " VIP " 54", "198.18.1.2 54", 'm', 1);
	et_add_dest(t, "udp " VIP " 54", "198.18.2.2 54", 'm', 1);
	assert_int_equal(udp(t, 2, "198.18.0.2", 1000, 54), 2);
	assert_int_equal(udp(t, 2, "198.18.0.2", 1001, 54), 2);
	CONNS(t, "");
	TPL(t, "UDP 198.18.0.2:0 198.18.100.1:54 198.18.2.2:54 NONE 30\n");

	struct xdpvs_mark_rule r = {
		.mark = 5, .af = AF_INET, .protocol = 0, .plen = 32,
		.port_lo = 7000, .port_hi = 7001,
	};
	r.prefix.ip = inet_addr(VIP);
	assert_int_equal(xdpvs_mark_add(t->e, &r), 0);
	add_psvc(t, "fwm 5", "rr", XDPVS_SVC_F_ONEPACKET, 0, NULL);
	et_add_dest(t, "fwm 5", "198.18.3.2 0", 'm', 1);
	assert_int_equal(tcp(t, 3, "198.18.0.2", 1000, 7000, SYN), 3);
	assert_int_equal(udp(t, 3, "198.18.0.2", 1000, 7001), 3);
	CONNS(t, "TCP 198.18.0.2:1000 198.18.100.1:7000 198.18.3.2:7000 "
		 "SYN_RECV 60\n");
}

/*
 * -x 4 (lower threshold 4 - 4/4 = 3): the overload flag is set when the
 * server's connections (active + inactive) reach 4 and cleared only once
 * they fall below 3; fo (highest weight, not overloaded) shows it: rs1
 * (weight 10) takes connections until overloaded, then rs2 (weight 1).
 */
static void thresholds_hysteresis(void **state)
{
	struct et *t = *state;
	struct xdpvs_svc_conf s = et_svc_conf("tcp " VIP " 80", "fo");
	struct xdpvs_dest_conf d = et_dest_conf("198.18.1.2 80", 'm', 10);
	uint16_t port = 1000;
	int i;

	et_add_svc(t, "tcp " VIP " 80", "fo");
	d.u_threshold = 4;
	assert_int_equal(xdpvs_dest_add(t->e, &s, &d), 0);
	et_add_dest(t, "tcp " VIP " 80", "198.18.2.2 80", 'm', 1);
	for (i = 0; i < 4; i++) {
		assert_int_equal(tcp(t, 1, "198.18.0.2", port, 80, SYN), 1);
		assert_int_equal(tcp(t, 1, "198.18.0.2", port++, 80, ACK), 1);
	}
	assert_int_equal(tcp(t, 1, "198.18.0.2", port++, 80, SYN), 2);
	/* One of rs1's ends (RST: CLOSE, gone after 10 s): 3 left, not
	 * below 3, still overloaded. */
	assert_int_equal(tcp(t, 2, "198.18.0.2", 1000, 80, RST), 1);
	tick(t, 13);
	dest_counts(t, 1, 3, 0, 0);
	assert_int_equal(tcp(t, 13, "198.18.0.2", port++, 80, SYN), 2);
	/* Another: 2 left, below 3: available again, up to 4. */
	assert_int_equal(tcp(t, 14, "198.18.0.2", 1001, 80, RST), 1);
	tick(t, 25);
	for (i = 0; i < 2; i++) {
		assert_int_equal(tcp(t, 25, "198.18.0.2", port, 80, SYN), 1);
		assert_int_equal(tcp(t, 25, "198.18.0.2", port++, 80, ACK), 1);
	}
	assert_int_equal(tcp(t, 25, "198.18.0.2", port++, 80, SYN), 2);

	/* -y 1: cleared only below 1.  Editing the thresholds recomputes
	 * the flag: 4 >= 1, set.  Three of the four end: still set. */
	d.l_threshold = 1;
	assert_int_equal(xdpvs_dest_edit(t->e, &s, &d), 0);
	assert_int_equal(tcp(t, 26, "198.18.0.2", port++, 80, SYN), 2);
	assert_int_equal(tcp(t, 27, "198.18.0.2", 1002, 80, RST), 1);
	assert_int_equal(tcp(t, 27, "198.18.0.2", 1003, 80, RST), 1);
	assert_int_equal(tcp(t, 27, "198.18.0.2", 1007, 80, RST), 1);
	tick(t, 40);
	dest_counts(t, 1, 1, 0, 0);
	assert_int_equal(tcp(t, 40, "198.18.0.2", port++, 80, SYN), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(same_client_net_same_server),
		T(fwmark_across_ports),
		T(ftp_and_port_zero_keys),
		T(template_expiry_and_rearm),
		T(udp_reply_assures),
		T(quiesced_kept),
		T(quiesced_expire_template),
		T(dest_deleted),
		T(syn_to_quiesced_with_expire_nodest),
		T(reuse_mode0_time_wait),
		T(reuse_mode1_time_wait),
		T(reuse_mode1_dr_fin_wait),
		T(reuse_mode2_dr_fin_wait),
		T(reuse_mode3_dr_fin_wait),
		T(reuse_mode2_nat_fin_wait),
		T(reuse_never_controlled),
		T(one_packet_scheduling),
		T(thresholds_hysteresis),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
