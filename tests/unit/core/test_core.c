// SPDX-License-Identifier: GPL-2.0-only
/*
 * The packet path's behaviour switches (the kernel's sysctls), each shown
 * both ways: sloppy_tcp, sloppy_sctp, schedule_icmp, nat_icmp_send,
 * pmtu_disc, cache_bypass, backup_only.  (expire_nodest_conn,
 * expire_quiescent_template and conn_reuse_mode are in test_persist,
 * secure_tcp in test_proto_tcp.)
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <cmocka.h>

#include "../../lib/enginetest.h"

#define VIP "198.18.100.1"
#define CLIENT "198.18.0.2"
#define CLIENT_MAC "02:00:00:00:00:01"
#define RS1 "198.18.1.2"
#define RS1_MAC "02:00:00:00:01:02"

static int setup(void **state)
{
	static struct et t;

	et_init(&t, 0);
	et_route(&t, RS1, RS1_MAC, 2, 1500, "198.18.1.1");
	et_local(&t, VIP);
	*state = &t;
	return 0;
}

static int teardown(void **state)
{
	et_fini(*state);
	return 0;
}

static void sysctl(struct et *t, const char *name, int v)
{
	assert_int_equal(xdpvs_sysctl_set(t->e, name, v), 0);
}

static struct tb_pkt from_client(uint8_t proto, uint16_t dport)
{
	struct tb_pkt p = {
		.smac = CLIENT_MAC, .dmac = ET_LB_MAC, .src = CLIENT,
		.dst = VIP, .proto = proto, .sport = 1000, .dport = dport,
	};

	return p;
}

static struct tb_pkt from_rs1(uint8_t proto, uint16_t sport)
{
	struct tb_pkt p = {
		.smac = RS1_MAC, .dmac = ET_LB_MAC, .src = RS1,
		.dst = CLIENT, .proto = proto, .sport = sport, .dport = 1000,
	};

	return p;
}

static void nat_svc(struct et *t, const char *proto)
{
	char spec[64];

	snprintf(spec, sizeof(spec), "%s " VIP " 80", proto);
	et_add_svc(t, spec, "rr");
	et_add_dest(t, spec, RS1 " 80", 'm', 1);
}

/* Byte off of the IP header of the frame sent. */
static uint8_t ip_byte(struct et *t, int off)
{
	return t->f.data[14 + off];
}

/* sloppy_tcp: any TCP packet but a RST may start a connection. */
static void sloppy_tcp(void **state)
{
	struct et *t = *state;
	struct tb_pkt p = from_client(IPPROTO_TCP, 80);

	nat_svc(t, "tcp");
	p.flags = 0x10;		/* ACK */
	assert_int_equal(et_rx_pkt(t, 1, &p), XDPVS_PASS);
	sysctl(t, "sloppy_tcp", 1);
	p.flags = 0x04;		/* RST */
	assert_int_equal(et_rx_pkt(t, 1, &p), XDPVS_PASS);
	p.flags = 0x10;
	assert_int_equal(et_rx_pkt(t, 1, &p), XDPVS_TX);
	assert_string_equal(et_conn_state(t, CLIENT, 1000, NULL),
			    "ESTABLISHED");
}

/* sloppy_sctp: any chunk but ABORT may start a connection. */
static void sloppy_sctp(void **state)
{
	struct et *t = *state;
	struct tb_pkt p = from_client(IPPROTO_SCTP, 80);

	nat_svc(t, "sctp");
	p.sctp_chunk = 0;	/* DATA */
	assert_int_equal(et_rx_pkt(t, 1, &p), XDPVS_PASS);
	sysctl(t, "sloppy_sctp", 1);
	p.sctp_chunk = 6;	/* ABORT */
	assert_int_equal(et_rx_pkt(t, 1, &p), XDPVS_PASS);
	p.sctp_chunk = 0;
	assert_int_equal(et_rx_pkt(t, 1, &p), XDPVS_TX);
	assert_non_null(et_conn_state(t, CLIENT, 1000, NULL));
}

/* schedule_icmp: an ICMP error about a packet of no connection (a
 * reply from VIP:80 the client could not take) is scheduled as if that
 * packet had come in reversed, and relayed to the chosen server; the new
 * connection lives 3 s (state NONE). */
static void schedule_icmp(void **state)
{
	struct et *t = *state;
	uint8_t quote[128];
	struct tb_pkt q = {
		.src = VIP, .dst = CLIENT, .proto = IPPROTO_TCP,
		.sport = 80, .dport = 1000, .flags = 0x12,
	};
	struct tb_pkt p = {
		.smac = CLIENT_MAC, .dmac = ET_LB_MAC, .src = CLIENT,
		.dst = VIP, .proto = IPPROTO_ICMP, .icmp_type = 3,
		.icmp_code = 3, .payload = quote,
	};
	uint32_t left = 0;

	nat_svc(t, "tcp");
	p.plen = tb_build_ip(quote, &q);
	assert_int_equal(et_rx_pkt(t, 1, &p), XDPVS_PASS);
	assert_int_equal(xdpvs_conn_count(t->e), 0);
	sysctl(t, "schedule_icmp", 1);
	assert_int_equal(et_rx_pkt(t, 1, &p), XDPVS_TX);
	assert_int_equal(t->f.data[4], 0x01);	/* to rs1 */
	assert_int_equal(ip_byte(t, 9), IPPROTO_ICMP);
	assert_string_equal(et_conn_state(t, CLIENT, 1000, &left), "NONE");
	assert_int_equal(left, 3);
	xdpvs_engine_tick(t->e, (uint64_t)4.1e9);
	assert_int_equal(xdpvs_conn_count(t->e), 0);
}

/* schedule_icmp on a one-packet (-o) UDP service: the connection made for
 * the error lives only for it. */
static void schedule_icmp_one_packet(void **state)
{
	struct et *t = *state;
	struct xdpvs_svc_conf s = et_svc_conf("udp " VIP " 53", "rr");
	uint8_t quote[128];
	struct tb_pkt q = {
		.src = VIP, .dst = CLIENT, .proto = IPPROTO_UDP,
		.sport = 53, .dport = 1000,
	};
	struct tb_pkt p = {
		.smac = CLIENT_MAC, .dmac = ET_LB_MAC, .src = CLIENT,
		.dst = VIP, .proto = IPPROTO_ICMP, .icmp_type = 3,
		.icmp_code = 3, .payload = quote,
	};

	s.flags = XDPVS_SVC_F_ONEPACKET;
	assert_int_equal(xdpvs_svc_add(t->e, &s), 0);
	et_add_dest(t, "udp " VIP " 53", RS1 " 53", 'm', 1);
	sysctl(t, "schedule_icmp", 1);
	p.plen = tb_build_ip(quote, &q);
	assert_int_equal(et_rx_pkt(t, 1, &p), XDPVS_TX);
	assert_int_equal(t->f.data[4], 0x01);	/* to rs1 */
	assert_int_equal(xdpvs_conn_count(t->e), 0);
}

/* nat_icmp_send: a reply from a NAT real service (any service with that
 * server address and port, of that protocol or a fwmark one) that matches
 * no connection gets port unreachable, sent back to the server, and is
 * dropped; a RST is let through; so is anything from a DR server. */
static void nat_icmp_send(void **state)
{
	struct et *t = *state;
	struct tb_pkt r = from_rs1(IPPROTO_TCP, 80);
	struct xdpvs_svc_conf s = et_svc_conf("tcp " VIP " 80", "rr");
	struct xdpvs_dest_conf d = et_dest_conf(RS1 " 80", 'm', 1);

	nat_svc(t, "tcp");
	et_add_svc(t, "tcp " VIP " 81", "rr");
	et_add_dest(t, "tcp " VIP " 81", RS1 " 81", 'g', 1);
	r.flags = 0x10;
	assert_int_equal(et_rx_pkt(t, 1, &r), XDPVS_PASS);
	sysctl(t, "nat_icmp_send", 1);
	assert_int_equal(et_rx_pkt(t, 1, &r), XDPVS_TX);
	assert_int_equal(t->f.data[4], 0x01);	/* back to rs1 */
	assert_int_equal(ip_byte(t, 9), IPPROTO_ICMP);
	assert_memory_equal(t->f.data + 14 + 16, "\xc6\x12\x01\x02", 4);
	assert_int_equal(ip_byte(t, 20), 3);	/* dest unreachable */
	assert_int_equal(ip_byte(t, 21), 3);	/* port */
	assert_int_equal(et_drops(t, XDPVS_DROP_NO_CONN), 1);
	r.flags = 0x04;
	assert_int_equal(et_rx_pkt(t, 2, &r), XDPVS_PASS);
	r = from_rs1(IPPROTO_TCP, 81);	/* the DR service's port */
	r.flags = 0x10;
	assert_int_equal(et_rx_pkt(t, 3, &r), XDPVS_PASS);
	r = from_rs1(IPPROTO_UDP, 80);		/* no UDP service there */
	assert_int_equal(et_rx_pkt(t, 4, &r), XDPVS_PASS);
	/* The server leaves the table with its last NAT service. */
	assert_int_equal(xdpvs_dest_del(t->e, &s, &d), 0);
	r = from_rs1(IPPROTO_TCP, 80);
	r.flags = 0x10;
	assert_int_equal(et_rx_pkt(t, 5, &r), XDPVS_PASS);
	/* Editing the DR dest into NAT puts it in. */
	s = et_svc_conf("tcp " VIP " 81", "rr");
	d = et_dest_conf(RS1 " 81", 'm', 1);
	assert_int_equal(xdpvs_dest_edit(t->e, &s, &d), 0);
	r = from_rs1(IPPROTO_TCP, 81);
	r.flags = 0x10;
	assert_int_equal(et_rx_pkt(t, 6, &r), XDPVS_TX);
}

/* pmtu_disc: an IPIP tunnel copies the inner DF bit to the outer header
 * only while pmtu_disc is on. */
static void pmtu_disc(void **state)
{
	struct et *t = *state;
	struct tb_pkt p = from_client(IPPROTO_TCP, 80);

	et_add_svc(t, "tcp " VIP " 80", "rr");
	et_add_dest(t, "tcp " VIP " 80", RS1 " 80", 'i', 1);
	p.flags = 0x02;
	p.df = true;
	assert_int_equal(et_rx_pkt(t, 1, &p), XDPVS_TX);
	assert_int_equal(ip_byte(t, 9), IPPROTO_IPIP);
	assert_int_equal(ip_byte(t, 6) & 0x40, 0x40);
	sysctl(t, "pmtu_disc", 0);
	p.flags = 0x10;
	assert_int_equal(et_rx_pkt(t, 2, &p), XDPVS_TX);
	assert_int_equal(ip_byte(t, 9), IPPROTO_IPIP);
	assert_int_equal(ip_byte(t, 6) & 0x40, 0);
}

/* cache_bypass: a fwmark service with no usable server sends a packet to
 * a non-local destination on to that destination instead of answering
 * port unreachable. */
static void cache_bypass(void **state)
{
	struct et *t = *state;
	struct xdpvs_mark_rule r = {
		.mark = 3, .af = AF_INET, .protocol = IPPROTO_TCP, .plen = 24,
	};
	struct tb_pkt p = from_client(IPPROTO_TCP, 80);

	r.prefix.ip = inet_addr("198.18.200.0");
	assert_int_equal(xdpvs_mark_add(t->e, &r), 0);
	et_add_svc(t, "fwm 3", "rr");
	p.dst = "198.18.200.1";
	p.flags = 0x02;
	assert_int_equal(et_rx_pkt(t, 1, &p), XDPVS_TX);
	assert_int_equal(ip_byte(t, 9), IPPROTO_ICMP);
	assert_memory_equal(t->f.data + 14 + 16, "\xc6\x12\x00\x02", 4);
	sysctl(t, "cache_bypass", 1);
	p.sport = 1001;
	assert_int_equal(et_rx_pkt(t, 2, &p), XDPVS_TX);
	assert_int_equal(ip_byte(t, 9), IPPROTO_TCP);
	assert_memory_equal(t->f.data + 14 + 16, "\xc6\x12\xc8\x01", 4);
	assert_string_equal(et_conn_state(t, CLIENT, 1001, NULL), "SYN_RECV");
}

/* backup_only, while the backup sync daemon runs: new packets to
 * virtual services are not balanced; the replies of existing NAT
 * connections still are translated.  Without that daemon it does
 * nothing (the kernel's sysctl_backup_only()). */
static void backup_only(void **state)
{
	struct et *t = *state;
	struct tb_pkt p = from_client(IPPROTO_TCP, 80);
	struct tb_pkt r = from_rs1(IPPROTO_TCP, 80);

	nat_svc(t, "tcp");
	p.flags = 0x02;
	assert_int_equal(et_rx_pkt(t, 1, &p), XDPVS_TX);
	sysctl(t, "backup_only", 1);
	p.sport = 1002;
	assert_int_equal(et_rx_pkt(t, 2, &p), XDPVS_TX);
	xdpvs_sync_set(t->e, XDPVS_SYNC_STATE_BACKUP, NULL, NULL);
	p.sport = 1001;
	assert_int_equal(et_rx_pkt(t, 2, &p), XDPVS_PASS);
	r.flags = 0x12;
	assert_int_equal(et_rx_pkt(t, 2, &r), XDPVS_TX);
	assert_memory_equal(t->f.data + 14 + 12, "\xc6\x12\x64\x01", 4);
	p.sport = 1000;
	p.flags = 0x10;
	assert_int_equal(et_rx_pkt(t, 2, &p), XDPVS_PASS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(sloppy_tcp),
		T(sloppy_sctp),
		T(schedule_icmp),
		T(schedule_icmp_one_packet),
		T(nat_icmp_send),
		T(pmtu_disc),
		T(cache_bypass),
		T(backup_only),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
