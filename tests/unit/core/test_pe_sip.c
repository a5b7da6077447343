// SPDX-License-Identifier: GPL-2.0-only
/*
 * The SIP persistence engine: the Call-ID as the kernel finds it
 * (nf_conntrack_sip's header parser, ip_vs_pe_sip.c's checks), templates
 * keyed by it, the drop when there is none, and conn_out (a SIP real
 * server's request makes the connection its answer will find).
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
#include "../../../core/pe.h"

#define VIP "198.18.100.1"

/* The Call-ID of msg as a string, or NULL when there is none. */
static const char *callid(const char *msg)
{
	static char out[300];
	uint32_t off, len;

	if (xdpvs_pe_sip_callid((const uint8_t *)msg, (uint32_t)strlen(msg),
				&off, &len))
		return NULL;
	memcpy(out, msg + off, len);
	out[len] = '\0';
	return out;
}

#define HAS(msg, id) assert_string_equal(callid(msg), id)
#define NONE(msg) assert_null(callid(msg))

static void header_forms(void **state)
{
	(void)state;
	HAS("INVITE sip:b@h SIP/2.0\r\nCall-ID: a84b4c76e66710@pc33\r\n\r\n",
	    "a84b4c76e66710@pc33");
	/* compact form, any case, blanks before the colon, LF only */
	HAS("BYE x\r\ni: abc\r\n", "abc");
	HAS("BYE x\ncall-id  :\tabc\n", "abc");
	HAS("BYE x\r\nCALL-ID:abc\r\n", "abc");
	/* a continuation line holds the value */
	HAS("BYE x\r\nCall-ID:\r\n   cont@host\r\n", "cont@host");
	/* CR alone ends lines too */
	HAS("BYE x\rCall-ID: a\r", "a");
	/* never on the first line */
	NONE("Call-ID: abc\r\n");
	/* other headers are skipped */
	HAS("BYE x\r\nCall-Info: <x>\r\nId: 1\r\nCall-ID: z\r\n", "z");
	/* the scan does not stop at the blank line: the body counts */
	HAS("BYE x\r\nFoo: 1\r\n\r\nCall-ID: inbody\r\n", "inbody");
	/* Latin-1 letters are letters (kernel ctype): "i\xe9" is a longer
	 * name, not the compact form */
	HAS("BYE x\r\ni\xe9: no\r\nCall-ID: yes\r\n", "yes");
}

static void value_rules(void **state)
{
	char msg[600];

	(void)state;
	/* RFC 3261 word characters, one '@' */
	HAS("BYE x\r\nCall-ID: a'b(c)d~e@[2001:db8::1]\r\n",
	    "a'b(c)d~e@[2001:db8::1]");
	/* ... and no comma or ';': what follows must be CR or LF */
	NONE("BYE x\r\nCall-ID: a,b\r\n");
	NONE("BYE x\r\nCall-ID: a;b\r\n");
	NONE("BYE x\r\nCall-ID: abc@ \r\n");
	/* the last header must end with a line break */
	NONE("BYE x\r\nCall-ID: abc");
	/* at most 255 bytes */
	snprintf(msg, sizeof(msg), "BYE x\r\nCall-ID: %0255d\r\n", 7);
	assert_int_equal(strlen(callid(msg)), 255);
	snprintf(msg, sizeof(msg), "BYE x\r\nCall-ID: %0256d\r\n", 7);
	NONE(msg);
	/* a header name cut short ends the search ("i" then not ':') */
	NONE("BYE x\r\ni-x: 1\r\nCall-ID: abc\r\n");
	NONE("BYE x\r\nCall-IDx: 1\r\nCall-ID: abc\r\n");
	/* an empty value ("@" with nothing after, or none at all) is
	 * skipped; the search resumes at the sum of the value offsets so
	 * far (12, then 12 + 24 = 36: past the third header, which starts
	 * at 27), as the kernel's get_callid adds them */
	HAS("X\r\nCall-ID: ;\r\nCall-ID: ok\r\n", "ok");
	NONE("X\r\nCall-ID: ;\r\nCall-ID: ;\r\nCall-ID: ok\r\n");
	HAS("X\r\nCall-ID: ;\r\nCall-ID: ;\r\nCall-ID: ok\r\nCall-ID: ok2\r\n",
	    "ok2");
	/* a header ending in a non-continuation line break: not found */
	NONE("BYE x\r\nCall-ID:\r\nFoo: 1\r\n");
}

static int setup(void **state)
{
	static struct et t;

	et_init(&t, 0);
	et_route(&t, "198.18.1.2", "02:00:00:00:01:02", 2, 1500, NULL);
	et_route(&t, "198.18.2.2", "02:00:00:00:02:02", 3, 1500, NULL);
	et_local(&t, "198.18.0.254");
	*state = &t;
	return 0;
}

static int teardown(void **state)
{
	et_fini(*state);
	return 0;
}

/* UDP SIP service VIP:5060, persistent, rs1 and rs2 (rr: rs2 first). */
static void sip_svc(struct et *t, const char *mask, uint8_t proto)
{
	struct xdpvs_svc_conf c = et_svc_conf(proto == IPPROTO_UDP ?
					      "udp " VIP " 5060" :
					      "tcp " VIP " 5060", "rr");
	struct xdpvs_dest_conf d;

	c.flags = XDPVS_SVC_F_PERSISTENT;
	c.timeout = 60;
	strcpy(c.pe_name, "sip");
	c.netmask = inet_addr(mask);
	assert_int_equal(xdpvs_svc_add(t->e, &c), 0);
	d = et_dest_conf("198.18.1.2 5060", 'm', 1);
	assert_int_equal(xdpvs_dest_add(t->e, &c, &d), 0);
	d = et_dest_conf("198.18.2.2 5060", 'm', 1);
	assert_int_equal(xdpvs_dest_add(t->e, &c, &d), 0);
}

static char msgbuf[512];

static const char *invite(const char *id)
{
	snprintf(msgbuf, sizeof(msgbuf),
		 "INVITE sip:bob@example.com SIP/2.0\r\n"
		 "Via: SIP/2.0/UDP pc33.example.com\r\n"
		 "Call-ID: %s\r\nCSeq: 1 INVITE\r\n\r\n", id);
	return msgbuf;
}

/* A datagram src:sport -> dst:dport with payload msg; the real server
 * it went to (MAC), or 0. */
static int sip(struct et *t, double now, const char *src, uint16_t sport,
	       const char *dst, uint16_t dport, const char *msg)
{
	struct tb_pkt p = {
		.smac = "02:00:00:00:00:01", .dmac = ET_LB_MAC,
		.src = src, .dst = dst, .proto = IPPROTO_UDP,
		.sport = sport, .dport = dport,
		.payload = (const uint8_t *)msg, .plen = msg ? strlen(msg) : 0,
	};

	et_rx_pkt(t, now, &p);
	return t->v == XDPVS_TX ? t->f.data[4] : 0;
}

/* The templates as "caddr vport daddr pe_name pe_data" lines. */
static const char *templates(struct et *t)
{
	static char out[1024];
	struct xdpvs_conn_info *ci;
	char c[32], d[32], line[400];
	int n = xdpvs_conn_info_get(t->e, t->now, &ci), i;

	out[0] = '\0';
	for (i = 0; i < n; i++) {
		if (!(ci[i].flags & XDPVS_CONN_F_TEMPLATE))
			continue;
		inet_ntop(AF_INET, &ci[i].caddr, c, sizeof(c));
		inet_ntop(AF_INET, &ci[i].daddr, d, sizeof(d));
		snprintf(line, sizeof(line), "%s %u %s %s %s\n", c,
			 ntohs(ci[i].vport), d, ci[i].pe_name, ci[i].pe_data);
		strcat(out, line);
	}
	free(ci);
	return out;
}

/* Same Call-ID, same server, whatever the client port; another Call-ID
 * is another template (rr's next choice); the client address is part of
 * the key (masked by -M). */
static void callid_keys_templates(void **state)
{
	struct et *t = *state;

	sip_svc(t, "255.255.255.255", IPPROTO_UDP);
	assert_int_equal(sip(t, 1, "198.18.0.2", 5060, VIP, 5060,
			     invite("call-x")), 2);
	assert_int_equal(sip(t, 1, "198.18.0.2", 5060, VIP, 5060,
			     invite("call-y")), 2);	/* the connection */
	assert_int_equal(sip(t, 1, "198.18.0.2", 5061, VIP, 5060,
			     invite("call-y")), 1);	/* a new template */
	assert_int_equal(sip(t, 1, "198.18.0.2", 5062, VIP, 5060,
			     invite("call-x")), 2);
	assert_int_equal(sip(t, 1, "198.18.0.3", 5062, VIP, 5060,
			     invite("call-x")), 2);	/* rr: rs2 again */
	{
		const char *s = templates(t);

		assert_non_null(strstr(s, "198.18.0.2 5060 198.18.2.2 sip "
					  "call-x\n"));
		assert_non_null(strstr(s, "198.18.0.2 5060 198.18.1.2 sip "
					  "call-y\n"));
		assert_non_null(strstr(s, "198.18.0.3 5060 198.18.2.2 sip "
					  "call-x\n"));
	}
	assert_int_equal(xdpvs_conn_count(t->e), 3 + 4);
}

/* -M 0.0.0.0: the Call-ID alone decides, whoever sends it. */
static void callid_any_client(void **state)
{
	struct et *t = *state;

	sip_svc(t, "0.0.0.0", IPPROTO_UDP);
	assert_int_equal(sip(t, 1, "198.18.0.2", 5060, VIP, 5060,
			     invite("c1")), 2);
	assert_int_equal(sip(t, 1, "198.18.7.9", 5060, VIP, 5060,
			     invite("c2")), 1);
	assert_int_equal(sip(t, 1, "198.18.7.9", 5061, VIP, 5060,
			     invite("c1")), 2);
	assert_int_equal(sip(t, 1, "198.18.0.2", 5061, VIP, 5060,
			     invite("c2")), 1);
	assert_non_null(strstr(templates(t), "0.0.0.0 5060 198.18.2.2 sip "
					     "c1\n"));
	assert_non_null(strstr(templates(t), "0.0.0.0 5060 198.18.1.2 sip "
					     "c2\n"));
	assert_int_equal(strlen(templates(t)),
			 2 * strlen("0.0.0.0 5060 198.18.2.2 sip c1\n"));
}

/* No Call-ID (or an empty datagram, or TCP): the kernel's fill_param
 * fails and ip_vs_schedule drops the packet; no fallback. */
static void no_callid_dropped(void **state)
{
	struct et *t = *state;
	struct tb_pkt syn = {
		.dmac = ET_LB_MAC, .src = "198.18.0.2", .dst = VIP,
		.proto = IPPROTO_TCP, .sport = 1000, .dport = 5060,
		.flags = 0x02,
	};

	sip_svc(t, "255.255.255.255", IPPROTO_UDP);
	assert_int_equal(sip(t, 1, "198.18.0.2", 5060, VIP, 5060,
			     "OPTIONS sip:x SIP/2.0\r\nCSeq: 1\r\n\r\n"), 0);
	assert_int_equal(t->v, XDPVS_DROP);
	assert_int_equal(sip(t, 1, "198.18.0.2", 5060, VIP, 5060, NULL), 0);
	assert_int_equal(t->v, XDPVS_DROP);
	assert_int_equal(et_drops(t, XDPVS_DROP_PE), 2);
	assert_int_equal(xdpvs_conn_count(t->e), 0);

	sip_svc(t, "255.255.255.255", IPPROTO_TCP);
	assert_int_equal(et_rx_pkt(t, 2, &syn), XDPVS_DROP);
	assert_int_equal(et_drops(t, XDPVS_DROP_PE), 3);
}

/* conn_out: a request from SIP server rs1 to a far end makes a
 * connection (and template, by its Call-ID) that the answer finds, and
 * goes out from the virtual address; later requests of that call from
 * the far end follow the template to rs1. */
static void conn_out(void **state)
{
	struct et *t = *state;
	struct tb_pkt out = {
		.smac = "02:00:00:00:01:02", .dmac = ET_LB_MAC,
		.src = "198.18.1.2", .dst = "198.18.0.9", .proto = IPPROTO_UDP,
		.sport = 5060, .dport = 5070,
	};
	const char *bye = "BYE sip:alice@pc33 SIP/2.0\r\nCall-ID: "
			  "out-1\r\n\r\n";
	struct tb_pkt exp;

	sip_svc(t, "255.255.255.255", IPPROTO_UDP);
	out.payload = (const uint8_t *)bye;
	out.plen = strlen(bye);
	assert_int_equal(et_rx_pkt(t, 1, &out), XDPVS_TX);
	exp = out;
	exp.smac = ET_LB_MAC;
	exp.dmac = "02:00:00:00:00:01";
	exp.src = VIP;
	exp.ttl = 63;
	et_expect_tx(t, &exp);
	assert_string_equal(templates(t),
			    "198.18.0.9 5060 198.18.1.2 sip out-1\n");
	/* the answer: the connection made above */
	assert_int_equal(sip(t, 2, "198.18.0.9", 5070, VIP, 5060,
			     "SIP/2.0 200 OK\r\nCall-ID: out-1\r\n\r\n"), 1);
	/* another port of the far end, same call: the template (rr alone
	 * would pick rs2) */
	assert_int_equal(sip(t, 3, "198.18.0.9", 5071, VIP, 5060,
			     invite("out-1")), 1);
	assert_int_equal(sip(t, 3, "198.18.0.9", 5072, VIP, 5060,
			     invite("other")), 2);

	/* Not to one of our own addresses (the kernel's LOCAL_IN). */
	out.dst = "198.18.0.254";
	assert_int_equal(et_rx_pkt(t, 4, &out), XDPVS_PASS);
	/* A virtual address is one: rs1 calling the service is a client,
	 * scheduled (its Call-ID is out-1's, but its client address is
	 * another: a new template, rr's next: rs1). */
	out.dst = VIP;
	out.dport = 5060;
	assert_int_equal(et_rx_pkt(t, 4, &out), XDPVS_TX);
	assert_int_equal(t->f.data[4], 0x01);
	assert_non_null(strstr(templates(t),
			       "198.18.1.2 5060 198.18.1.2 sip out-1\n"));
	/* No Call-ID: no connection, the datagram is not ours. */
	out.dst = "198.18.0.10";
	out.payload = (const uint8_t *)"BYE x SIP/2.0\r\n\r\n";
	out.plen = strlen("BYE x SIP/2.0\r\n\r\n");
	assert_int_equal(et_rx_pkt(t, 5, &out), XDPVS_PASS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(header_forms),
		cmocka_unit_test(value_rules),
		cmocka_unit_test_setup_teardown(callid_keys_templates, setup,
						teardown),
		cmocka_unit_test_setup_teardown(callid_any_client, setup,
						teardown),
		cmocka_unit_test_setup_teardown(no_callid_dropped, setup,
						teardown),
		cmocka_unit_test_setup_teardown(conn_out, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
