// SPDX-License-Identifier: GPL-2.0-only
/*
 * Virtual services: add, edit, delete with the kernel's error codes, and
 * the kernel's lookup order (fwmark, exact, FTP data, port zero) seen
 * through packets.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <netinet/in.h>
#include <cmocka.h>

#include "../../lib/enginetest.h"

static int setup(void **state)
{
	static struct et t;

	et_init(&t, 0);
	et_route(&t, "198.18.1.2", "02:00:00:00:01:02", 2, 1500, NULL);
	et_route(&t, "198.18.2.2", "02:00:00:00:02:02", 3, 1500, NULL);
	*state = &t;
	return 0;
}

static int teardown(void **state)
{
	et_fini(*state);
	return 0;
}

static void add_edit_del_errors(void **state)
{
	struct et *t = *state;
	struct xdpvs_svc_conf c = et_svc_conf("tcp 198.18.100.1 80", "rr");
	struct xdpvs_svc_conf bad;

	assert_int_equal(xdpvs_svc_add(t->e, &c), 0);
	assert_int_equal(xdpvs_svc_add(t->e, &c), -EEXIST);
	bad = et_svc_conf("tcp 198.18.100.9 80", "rr");
	assert_int_equal(xdpvs_svc_edit(t->e, &bad), -ESRCH);
	assert_int_equal(xdpvs_svc_del(t->e, &bad), -ESRCH);
	assert_int_equal(xdpvs_zero(t->e, &bad), -ESRCH);
	bad = et_svc_conf("tcp 198.18.100.9 80", "nosuchsched");
	assert_int_equal(xdpvs_svc_add(t->e, &bad), -ENOENT);
	bad = et_svc_conf("tcp 2001:db8:100::1 80", "rr");
	bad.netmask = 0;
	assert_int_equal(xdpvs_svc_add(t->e, &bad), -EINVAL);
	bad = et_svc_conf("tcp 198.18.100.9 80", "rr");
	bad.protocol = 47;
	assert_int_equal(xdpvs_svc_add(t->e, &bad), -EINVAL);
	/* "none": accepted, no scheduler bound */
	bad = et_svc_conf("udp 198.18.100.9 53", "none");
	assert_int_equal(xdpvs_svc_add(t->e, &bad), 0);
	/* edit swaps the scheduler and the flags */
	strcpy(c.sched_name, "wrr");
	c.flags = XDPVS_SVC_F_PERSISTENT;
	c.timeout = 30;
	assert_int_equal(xdpvs_svc_edit(t->e, &c), 0);

	struct xdpvs_svc_info *s;
	int n = xdpvs_svc_info_get(t->e, &s);

	assert_int_equal(n, 2);
	assert_string_equal(s[0].conf.sched_name, "wrr");
	assert_int_equal(s[0].conf.timeout, 30);
	assert_true(s[0].conf.flags & XDPVS_SVC_F_PERSISTENT);
	assert_string_equal(s[1].conf.sched_name, "none");
	xdpvs_svc_info_free(s, n);
	assert_int_equal(xdpvs_svc_del(t->e, &c), 0);
	assert_int_equal(xdpvs_svc_del(t->e, &c), -ESRCH);
	xdpvs_svc_flush(t->e);
	assert_int_equal(xdpvs_svc_info_get(t->e, &s), 0);
	xdpvs_svc_info_free(s, 0);
}

static enum xdpvs_verdict syn_from(struct et *t, const char *src,
				   const char *dst, uint16_t dport,
				   uint16_t sport)
{
	struct tb_pkt p = {
		.dmac = ET_LB_MAC, .src = src, .dst = dst,
		.proto = IPPROTO_TCP, .sport = sport, .dport = dport,
		.flags = 0x02,
	};

	return et_rx_pkt(t, 1, &p);
}

static enum xdpvs_verdict syn(struct et *t, const char *dst, uint16_t dport,
			      uint16_t sport)
{
	return syn_from(t, "198.18.0.2", dst, dport, sport);
}

/* The real server a SYN was sent to, by its MAC's last byte (0: none). */
static int sent_to(struct et *t)
{
	return t->v == XDPVS_TX ? t->f.data[4] : 0;
}

/* Exact match first, then a port-21 service catches TCP port 20 and
 * unprivileged ports, then a port-zero service catches the rest. */
static void lookup_order(void **state)
{
	struct et *t = *state;
	struct xdpvs_svc_conf p0 = et_svc_conf("tcp 198.18.100.1 0", "rr");

	et_add_svc(t, "tcp 198.18.100.1 80", "rr");
	et_add_dest(t, "tcp 198.18.100.1 80", "198.18.1.2 80", 'm', 1);
	/* No port-21 or port-0 service yet: other ports are not ours. */
	assert_int_equal(syn(t, "198.18.100.1", 8080, 1), XDPVS_PASS);
	p0.flags = XDPVS_SVC_F_PERSISTENT;
	p0.timeout = 60;
	assert_int_equal(xdpvs_svc_add(t->e, &p0), 0);
	et_add_dest(t, "tcp 198.18.100.1 0", "198.18.2.2 0", 'g', 1);
	et_add_svc(t, "tcp 198.18.100.1 21", "rr");
	et_add_dest(t, "tcp 198.18.100.1 21", "198.18.1.2 21", 'g', 1);

	syn(t, "198.18.100.1", 80, 2);
	assert_int_equal(sent_to(t), 0x01);
	/* Unprivileged port: FTP data, found by the FTP service, which
	 * only persistence lets schedule it (ip_vs_leave passes it on). */
	assert_int_equal(syn(t, "198.18.100.1", 2000, 3), XDPVS_PASS);
	struct xdpvs_svc_conf ftp = et_svc_conf("tcp 198.18.100.1 21", "rr");
	ftp.flags = XDPVS_SVC_F_PERSISTENT;
	ftp.timeout = 60;
	assert_int_equal(xdpvs_svc_edit(t->e, &ftp), 0);
	syn(t, "198.18.100.1", 2000, 3);
	assert_int_equal(sent_to(t), 0x01);
	/* A privileged port goes to the port-zero service.  (Another client:
	 * FTP and port-zero templates share the key <client, VIP, 0>, in
	 * the kernel too, so this one would follow the FTP template.) */
	syn_from(t, "198.18.0.3", "198.18.100.1", 443, 4);
	assert_int_equal(sent_to(t), 0x02);
	syn(t, "198.18.100.9", 80, 5);		/* another address */
	assert_int_equal(t->v, XDPVS_PASS);
}

/* A port-zero service must be persistent: otherwise packets to any other
 * port find it but get "no destination" (port unreachable). */
static void port_zero_needs_persistence(void **state)
{
	struct et *t = *state;

	et_add_svc(t, "tcp 198.18.100.1 0", "rr");
	et_add_dest(t, "tcp 198.18.100.1 0", "198.18.1.2 0", 'g', 1);
	syn(t, "198.18.100.1", 443, 9);
	assert_int_equal(et_drops(t, XDPVS_DROP_NO_DEST), 1);
	assert_int_equal(t->v, XDPVS_TX);	/* the ICMP error */
	assert_int_equal(t->f.data[23], IPPROTO_ICMP);
}

/* Firewall marks come from the mark rules, before any other lookup. */
static void fwmark_first(void **state)
{
	struct et *t = *state;
	struct xdpvs_mark_rule r = {
		.mark = 7, .af = AF_INET, .protocol = IPPROTO_TCP, .plen = 32,
		.port_lo = 80, .port_hi = 80,
	};

	r.prefix.ip = htonl(0xc6126401);	/* 198.18.100.1 */
	et_add_svc(t, "tcp 198.18.100.1 80", "rr");
	et_add_dest(t, "tcp 198.18.100.1 80", "198.18.1.2 80", 'm', 1);
	et_add_svc(t, "fwm 7", "rr");
	et_add_dest(t, "fwm 7", "198.18.2.2 80", 'm', 1);
	syn(t, "198.18.100.1", 80, 1);
	assert_int_equal(sent_to(t), 0x01);
	assert_int_equal(xdpvs_mark_add(t->e, &r), 0);
	assert_int_equal(xdpvs_mark_add(t->e, &r), -EEXIST);
	syn(t, "198.18.100.1", 80, 2);
	assert_int_equal(sent_to(t), 0x02);
	assert_int_equal(xdpvs_mark_del(t->e, &r), 0);
	assert_int_equal(xdpvs_mark_del(t->e, &r), -ENOENT);
	syn(t, "198.18.100.1", 80, 3);
	assert_int_equal(sent_to(t), 0x01);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(add_edit_del_errors, setup,
						teardown),
		cmocka_unit_test_setup_teardown(lookup_order, setup, teardown),
		cmocka_unit_test_setup_teardown(port_zero_needs_persistence,
						setup, teardown),
		cmocka_unit_test_setup_teardown(fwmark_first, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
