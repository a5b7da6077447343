// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tests of ctl/proto*.c, the control protocol: every request type and
 * every reply with data survives encode + decode unchanged (the golden
 * configuration serves as the service table); commands map to the right
 * requests; and a corpus of malformed requests and replies (not JSON,
 * truncated, wrong types, numbers out of range or beyond 64 bits, bad
 * addresses, missing and unknown fields, wrong version, over-long lines)
 * each gives its error code and a reason, never a crash.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "ctl/cmd.h"
#include "ctl/proto.h"
#include "golden.h"

/* ---------------------------------------------------------------------
 * Requests
 */

static void fill_svc(struct xdpvs_svc_conf *s, int v6)
{
	memset(s, 0, sizeof(*s));
	s->af = v6 ? AF_INET6 : AF_INET;
	s->protocol = v6 ? IPPROTO_UDP : IPPROTO_TCP;
	inet_pton(s->af, v6 ? "2001:db8:100::1" : "198.18.100.1", &s->addr);
	s->port = htons(v6 ? 53 : 80);
	strcpy(s->sched_name, "wrr");
	strcpy(s->pe_name, v6 ? "sip" : "");
	s->flags = XDPVS_SVC_F_PERSISTENT | XDPVS_SVC_F_SCHED2;
	s->timeout = 300;
	s->netmask = v6 ? 64 : htonl(0xffffff00);
}

static void fill_dest(struct xdpvs_dest_conf *d)
{
	memset(d, 0, sizeof(*d));
	d->af = AF_INET;
	inet_pton(AF_INET, "198.18.2.2", &d->addr);
	d->port = htons(8080);
	d->conn_flags = XDPVS_CONN_F_TUNNEL;
	d->weight = 70000;
	d->u_threshold = 1000;
	d->l_threshold = 800;
	d->tun_type = 1;
	d->tun_port = htons(6080);
	d->tun_flags = XDPVS_TUN_F_REMCSUM;
}

static void fill_mark(struct xdpvs_mark_rule *r)
{
	memset(r, 0, sizeof(*r));
	r->mark = 4000000000U;
	r->af = AF_INET6;
	r->protocol = IPPROTO_SCTP;
	r->plen = 64;
	inet_pton(AF_INET6, "2001:db8:100::", &r->prefix);
	r->port_lo = 5060;
	r->port_hi = 5061;
}

static void fill_daemon(struct xdpvs_ctl_daemon *d, int group)
{
	memset(d, 0, sizeof(*d));
	d->state = XDPVS_CTL_DAEMON_BACKUP;
	strcpy(d->mcast_ifn, "rvsync");
	d->syncid = 7;
	d->sync_maxlen = 1472;
	d->mcast_port = 8848;
	d->mcast_ttl = 1;
	if (group) {
		d->mcast_af = AF_INET;
		inet_pton(AF_INET, "224.0.0.81", &d->mcast_group);
	}
}

/* A request of type t with every field that type carries set. */
static void fill_req(struct xdpvs_ctl_req *q, enum xdpvs_ctl_msg t, int var)
{
	memset(q, 0, sizeof(*q));
	q->type = t;
	q->id = 4000000000U + (uint32_t)t;
	switch (t) {
	case XDPVS_CTL_DEST_ADD:
	case XDPVS_CTL_DEST_EDIT:
	case XDPVS_CTL_DEST_DEL:
		fill_dest(&q->dest);
		/* fall through */
	case XDPVS_CTL_SVC_ADD:
	case XDPVS_CTL_SVC_EDIT:
	case XDPVS_CTL_SVC_DEL:
	case XDPVS_CTL_SVC_GET:
		fill_svc(&q->svc, var);
		q->has_svc = true;
		break;
	case XDPVS_CTL_STATS_ZERO:
		if (var) {
			fill_svc(&q->svc, 0);
			q->has_svc = true;
		}
		break;
	case XDPVS_CTL_TIMEOUT_SET:
		q->timeouts = (struct xdpvs_ctl_timeouts){ 900, 0,
							   4294967295U };
		break;
	case XDPVS_CTL_SYSCTL_SET:
		q->sysctl_value = var ? -2147483647 - 1 : 2147483647;
		/* fall through */
	case XDPVS_CTL_SYSCTL_GET:
		if (var || t == XDPVS_CTL_SYSCTL_SET)
			strcpy(q->sysctl_name, "expire_nodest_conn");
		break;
	case XDPVS_CTL_MARK_ADD:
	case XDPVS_CTL_MARK_DEL:
		fill_mark(&q->mark);
		break;
	case XDPVS_CTL_DAEMON_START:
		fill_daemon(&q->daemon, var);
		break;
	case XDPVS_CTL_DAEMON_STOP:
		q->daemon.state = XDPVS_CTL_DAEMON_MASTER;
		break;
	default:
		break;
	}
}

static void test_request_round_trips(void **state)
{
	struct xdpvs_ctl_req q, back;
	char *line, why[XDPVS_CTL_WHY_LEN];
	int t, var, len;

	(void)state;
	for (t = XDPVS_CTL_MSG_NONE + 1; t < XDPVS_CTL_MSG_MAX; t++) {
		for (var = 0; var < 2; var++) {
			fill_req(&q, (enum xdpvs_ctl_msg)t, var);
			len = xdpvs_ctl_req_encode(&q, &line);
			assert_true(len > 0);
			assert_int_equal(strlen(line), len);
			assert_int_equal(line[len - 1], '\n');
			assert_null(memchr(line, '\n', (size_t)len - 1));
			assert_int_equal(xdpvs_ctl_req_decode(line, (size_t)len,
				&back, why, sizeof(why)), 0);
			if (memcmp(&q, &back, sizeof(q)))
				fail_msg("%s (%d) does not round trip: %s",
					 xdpvs_ctl_msg_name(q.type), var, line);
			free(line);
		}
	}
}

static void test_request_wire_form(void **state)
{
	struct xdpvs_ctl_req q;
	char *line;

	(void)state;
	fill_req(&q, XDPVS_CTL_SVC_ADD, 0);
	q.id = 7;
	assert_true(xdpvs_ctl_req_encode(&q, &line) > 0);
	assert_string_equal(line,
		"{\"v\":1,\"id\":7,\"type\":\"svc_add\",\"svc\":{"
		"\"af\":\"inet\","
		"\"protocol\":6,\"addr\":\"198.18.100.1\",\"port\":80,"
		"\"fwmark\":0,\"sched\":\"wrr\",\"pe\":\"\",\"flags\":17,"
		"\"timeout\":300,\"netmask\":\"255.255.255.0\"}}\n");
	free(line);
	memset(&q, 0, sizeof(q));
	q.type = XDPVS_CTL_SVC_FLUSH;
	assert_true(xdpvs_ctl_req_encode(&q, &line) > 0);
	assert_string_equal(line, "{\"v\":1,\"id\":0,\"type\":\"flush\"}\n");
	free(line);
}

static void test_request_encode_errors(void **state)
{
	struct xdpvs_ctl_req q;
	char *line = NULL;

	(void)state;
	memset(&q, 0, sizeof(q));
	assert_int_equal(xdpvs_ctl_req_encode(&q, &line), -EINVAL);
	q.type = XDPVS_CTL_MSG_MAX;
	assert_int_equal(xdpvs_ctl_req_encode(&q, &line), -EINVAL);
	fill_req(&q, XDPVS_CTL_SVC_ADD, 0);
	q.svc.af = 3;		/* no such family on the wire */
	assert_int_equal(xdpvs_ctl_req_encode(&q, &line), -EINVAL);
	fill_req(&q, XDPVS_CTL_DEST_ADD, 0);
	q.dest.af = AF_UNSPEC;
	assert_int_equal(xdpvs_ctl_req_encode(&q, &line), -EINVAL);
	assert_null(line);
}

/* Malformed requests: the line and the error it must give. */
struct bad {
	const char *line;
	int err;
};

#define SVC4 "\"svc\":{\"af\":\"inet\",\"protocol\":6," \
	"\"addr\":\"198.18.100.1\"," \
	"\"port\":80,\"fwmark\":0,\"sched\":\"rr\",\"pe\":\"\",\"flags\":0," \
	"\"timeout\":0,\"netmask\":\"255.255.255.255\"}"
#define HDR(type) "{\"v\":1,\"id\":5,\"type\":\"" type "\""
#define DEST4 "\"dest\":{\"af\":\"inet\",\"addr\":\"198.18.1.2\",\"port\":80," \
	"\"conn_flags\":0,\"weight\":1,\"u_threshold\":0,\"l_threshold\":0," \
	"\"tun_type\":0,\"tun_port\":0,\"tun_flags\":0}"

static const struct bad bad_requests[] = {
	/* not JSON, or not one object */
	{ "", -EBADMSG },
	{ "\n", -EBADMSG },
	{ "{", -EBADMSG },
	{ HDR("flush"), -EBADMSG },			/* truncated */
	{ "[1,2]", -EBADMSG },
	{ "42", -EBADMSG },
	{ "\"svc_add\"", -EBADMSG },
	{ "null", -EBADMSG },
	{ HDR("flush") "} {}", -EBADMSG },
	{ HDR("flush") "}x", -EBADMSG },
	{ HDR("flush") ",}", -EBADMSG },
	{ "{'v':1}", -EBADMSG },
	{ "{\"v\":01,\"id\":5,\"type\":\"flush\"}", -EBADMSG },
	{ "{\"v\":1,\"id\":5,\"type\":\"fl\xc3\x28sh\"}", -EBADMSG },
	{ "{\"a\":[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]}", -EBADMSG },
	/* the header */
	{ "{\"id\":5,\"type\":\"flush\"}", -EBADMSG },
	{ "{\"v\":\"1\",\"id\":5,\"type\":\"flush\"}", -EBADMSG },
	{ "{\"v\":1.0,\"id\":5,\"type\":\"flush\"}", -EBADMSG },
	{ "{\"v\":2,\"id\":5,\"type\":\"flush\"}", -EPROTONOSUPPORT },
	{ "{\"v\":0,\"id\":5,\"type\":\"flush\"}", -EPROTONOSUPPORT },
	{ "{\"v\":99999999999999999999999,\"id\":5,\"type\":\"flush\"}",
	  -EBADMSG },
	{ "{\"v\":1,\"type\":\"flush\"}", -EBADMSG },
	{ "{\"v\":1,\"id\":-1,\"type\":\"flush\"}", -EBADMSG },
	{ "{\"v\":1,\"id\":4294967296,\"type\":\"flush\"}", -EBADMSG },
	{ "{\"v\":1,\"id\":null,\"type\":\"flush\"}", -EBADMSG },
	{ "{\"v\":1,\"id\":5}", -EBADMSG },
	{ "{\"v\":1,\"id\":5,\"type\":7}", -EBADMSG },
	{ HDR("reboot") "}", -ENOSYS },
	{ HDR("") "}", -ENOSYS },
	{ HDR("FLUSH") "}", -ENOSYS },
	{ HDR("flush_all_the_things_now_please_x") "}", -EBADMSG },
	/* unknown and missing fields */
	{ HDR("flush") ",\"svc\":{}}", -EBADMSG },
	{ HDR("flush") ",\"force\":true}", -EBADMSG },
	{ HDR("svc_add") "}", -EBADMSG },
	{ HDR("svc_add") ",\"svc\":null}", -EBADMSG },
	{ HDR("svc_add") ",\"svc\":[]}", -EBADMSG },
	{ HDR("svc_add") ",\"svc\":{}}", -EBADMSG },
	{ HDR("svc_add") "," SVC4 ",\"dest\":{}}", -EBADMSG },
	{ HDR("dest_add") "," SVC4 "}", -EBADMSG },
	{ HDR("svc_add") ",\"svc\":{\"af\":\"inet\",\"protocol\":6,\"addr\":"
	  "\"198.18.100.1\",\"port\":80,\"fwmark\":0,\"sched\":\"rr\",\"pe\":"
	  "\"\",\"flags\":0,\"timeout\":0}}", -EBADMSG },
	{ HDR("svc_add") ",\"svc\":{\"af\":\"inet\",\"protocol\":6,\"addr\":"
	  "\"198.18.100.1\",\"port\":80,\"fwmark\":0,\"sched\":\"rr\",\"pe\":"
	  "\"\",\"flags\":0,\"timeout\":0,\"netmask\":\"255.255.255.255\","
	  "\"color\":\"red\"}}", -EBADMSG },
	/* wrong types, ranges, lengths, addresses */
#define SVC_WITH(field) HDR("svc_add") ",\"svc\":{" field "}}"
#define NM32 ",\"netmask\":\"255.255.255.255\""
#define SVC_REST "\"fwmark\":0,\"sched\":\"rr\",\"pe\":\"\",\"flags\":0," \
	"\"timeout\":0"
	{ SVC_WITH("\"af\":\"inet5\",\"protocol\":6,\"addr\":\"198.18.100.1\","
		   "\"port\":80," SVC_REST NM32),
	  -EBADMSG },
	{ SVC_WITH("\"af\":2,\"protocol\":6,\"addr\":\"198.18.100.1\","
		   "\"port\":80," SVC_REST NM32),
	  -EBADMSG },
	{ SVC_WITH("\"af\":\"unspec\",\"protocol\":6,\"addr\":\"0.0.0.0\","
		   "\"port\":80," SVC_REST NM32),
	  -EBADMSG },
	{ SVC_WITH("\"af\":\"inet\",\"protocol\":1,\"addr\":\"198.18.100.1\","
		   "\"port\":80," SVC_REST NM32),
	  -EBADMSG },
	{ SVC_WITH("\"af\":\"inet\",\"protocol\":6,\"addr\":\"198.18.100\","
		   "\"port\":80," SVC_REST NM32),
	  -EBADMSG },
	{ SVC_WITH("\"af\":\"inet\",\"protocol\":6,\"addr\":\"2001:db8::1\","
		   "\"port\":80," SVC_REST NM32),
	  -EBADMSG },
	{ SVC_WITH("\"af\":\"inet6\",\"protocol\":6,\"addr\":\"198.18.100.1\","
		   "\"port\":80," SVC_REST ",\"netmask\":128"), -EBADMSG },
	{ SVC_WITH("\"af\":\"inet\",\"protocol\":6,\"addr\":\"198.18.100.1 \","
		   "\"port\":80," SVC_REST NM32),
	  -EBADMSG },
	{ SVC_WITH("\"af\":\"inet\",\"protocol\":6,\"addr\":\"198.18.100.1\","
		   "\"port\":65536," SVC_REST NM32),
	  -EBADMSG },
	{ SVC_WITH("\"af\":\"inet\",\"protocol\":6,\"addr\":\"198.18.100.1\","
		   "\"port\":-1," SVC_REST NM32),
	  -EBADMSG },
	{ SVC_WITH("\"af\":\"inet\",\"protocol\":6,\"addr\":\"198.18.100.1\","
		   "\"port\":\"80\"," SVC_REST NM32),
	  -EBADMSG },
	{ SVC_WITH("\"af\":\"inet\",\"protocol\":6,\"addr\":\"198.18.100.1\","
		   "\"port\":80.5," SVC_REST NM32),
	  -EBADMSG },
	{ SVC_WITH("\"af\":\"inet\",\"protocol\":6,\"addr\":\"198.18.100.1\","
		   "\"port\":true," SVC_REST NM32),
	  -EBADMSG },
	{ SVC_WITH("\"af\":\"inet\",\"protocol\":6,\"addr\":\"198.18.100.1\","
		   "\"port\":80,\"fwmark\":4294967296,\"sched\":\"rr\",\"pe\":"
		   "\"\",\"flags\":0,\"timeout\":0" NM32),
	  -EBADMSG },
	{ SVC_WITH("\"af\":\"inet\",\"protocol\":6,\"addr\":\"198.18.100.1\","
		   "\"port\":80,\"fwmark\":0,\"sched\":\"0123456789abcdef\","
		   "\"pe\":\"\",\"flags\":0,\"timeout\":0,"
		   "\"netmask\":\"255.255.255.255\""), -EBADMSG },
	{ SVC_WITH("\"af\":\"inet\",\"protocol\":6,\"addr\":\"198.18.100.1\","
		   "\"port\":80,\"fwmark\":0,\"sched\":\"r\\u0000r\","
		   "\"pe\":\"\",\"flags\":0,\"timeout\":0,"
		   "\"netmask\":\"255.255.255.255\""), -EBADMSG },
	{ SVC_WITH("\"af\":\"inet\",\"protocol\":6,\"addr\":\"198.18.100.1\","
		   "\"port\":80,\"fwmark\":0,\"sched\":[\"rr\"],"
		   "\"pe\":\"\",\"flags\":0,\"timeout\":0,"
		   "\"netmask\":\"255.255.255.255\""), -EBADMSG },
	{ SVC_WITH("\"af\":\"inet\",\"protocol\":6,\"addr\":\"198.18.100.1\","
		   "\"port\":80," SVC_REST ",\"netmask\":24"), -EBADMSG },
	{ SVC_WITH("\"af\":\"inet\",\"protocol\":6,\"addr\":\"198.18.100.1\","
		   "\"port\":80," SVC_REST ",\"netmask\":\"255.255.256.0\""),
	  -EBADMSG },
	{ SVC_WITH("\"af\":\"inet6\",\"protocol\":6,\"addr\":\"2001:db8::1\","
		   "\"port\":80," SVC_REST ",\"netmask\":129"), -EBADMSG },
	{ SVC_WITH("\"af\":\"inet\",\"protocol\":6,\"addr\":\"198.18.100.1\","
		   "\"port\":80,\"fwmark\":0,\"sched\":\"rr\",\"pe\":\"\","
		   "\"flags\":18446744073709551615,\"timeout\":0,"
		   "\"netmask\":\"255.255.255.255\""), -EBADMSG },
	{ HDR("dest_add") "," SVC4 ",\"dest\":{\"af\":\"inet\",\"addr\":"
	  "\"198.18.1.2\",\"port\":80,\"conn_flags\":0,\"weight\":2147483648,"
	  "\"u_threshold\":0,\"l_threshold\":0,\"tun_type\":0,\"tun_port\":0,"
	  "\"tun_flags\":0}}", -EBADMSG },
	{ HDR("dest_add") "," SVC4 ",\"dest\":{\"af\":\"inet\",\"addr\":"
	  "\"198.18.1.2\",\"port\":80,\"conn_flags\":0,\"weight\":1,"
	  "\"u_threshold\":0,\"l_threshold\":0,\"tun_type\":256,"
	  "\"tun_port\":0,\"tun_flags\":0}}", -EBADMSG },
	{ HDR("dest_add") "," SVC4 ",\"dest\":{\"af\":\"inet\",\"addr\":"
	  "\"198.18.1.2\",\"port\":80,\"conn_flags\":0,\"weight\":1,"
	  "\"u_threshold\":-1,\"l_threshold\":0,\"tun_type\":0,"
	  "\"tun_port\":0,\"tun_flags\":0}}", -EBADMSG },
	{ HDR("zero") ",\"svc\":null}", -EBADMSG },
	{ HDR("timeout_set") ",\"timeouts\":{\"tcp\":1,\"tcpfin\":2}}",
	  -EBADMSG },
	{ HDR("timeout_set") ",\"timeouts\":{\"tcp\":1,\"tcpfin\":2,"
	  "\"udp\":-3}}", -EBADMSG },
	{ HDR("sysctl_set") ",\"name\":\"conntrack\"}", -EBADMSG },
	{ HDR("sysctl_set") ",\"name\":\"conntrack\",\"value\":2147483648}",
	  -EBADMSG },
	{ HDR("sysctl_set") ",\"name\":\"Conntrack\",\"value\":1}", -EBADMSG },
	{ HDR("sysctl_set") ",\"name\":\"a=b\",\"value\":1}", -EBADMSG },
	{ HDR("sysctl_set") ",\"name\":\"\",\"value\":1}", -EBADMSG },
	{ HDR("sysctl_get") ",\"name\":\"\"}", -EBADMSG },
	{ HDR("sysctl_get") ",\"name\":\"a234567890123456789012345678901234"
	  "567890123456789012345678901234\"}", -EBADMSG },
	{ HDR("mark_add") ",\"mark\":{\"mark\":1,\"af\":\"inet\",\"protocol\":"
	  "6,\"prefix\":\"198.18.100.5\",\"plen\":33,\"port_lo\":80,"
	  "\"port_hi\":80}}", -EBADMSG },
	{ HDR("mark_add") ",\"mark\":{\"mark\":1,\"af\":\"inet\",\"protocol\":"
	  "47,\"prefix\":\"198.18.100.5\",\"plen\":32,\"port_lo\":80,"
	  "\"port_hi\":80}}", -EBADMSG },
	{ HDR("mark_add") ",\"mark\":{\"mark\":1,\"af\":\"inet6\",\"protocol\":"
	  "0,\"prefix\":\"198.18.100.5\",\"plen\":32,\"port_lo\":80,"
	  "\"port_hi\":80}}", -EBADMSG },
	{ HDR("daemon_start") ",\"daemon\":{\"state\":1,\"mcast_ifn\":"
	  "\"eth0\",\"syncid\":0,\"sync_maxlen\":0,\"mcast_port\":0,"
	  "\"mcast_ttl\":0,\"mcast_af\":\"unspec\",\"mcast_group\":"
	  "\"224.0.0.81\"}}", -EBADMSG },
	{ HDR("daemon_start") ",\"daemon\":{\"state\":1,\"mcast_ifn\":"
	  "\"eth0\",\"syncid\":0,\"sync_maxlen\":0,\"mcast_port\":0,"
	  "\"mcast_ttl\":0,\"mcast_af\":\"inet\",\"mcast_group\":null}}",
	  -EBADMSG },
	{ HDR("daemon_start") ",\"daemon\":{\"state\":1,\"mcast_ifn\":"
	  "\"an-interface-name\",\"syncid\":0,\"sync_maxlen\":0,"
	  "\"mcast_port\":0,\"mcast_ttl\":0,\"mcast_af\":\"unspec\","
	  "\"mcast_group\":null}}", -EBADMSG },
	{ HDR("daemon_start") ",\"daemon\":{\"state\":1,\"mcast_ifn\":"
	  "\"eth0\",\"syncid\":0,\"sync_maxlen\":0,\"mcast_port\":0,"
	  "\"mcast_ttl\":256,\"mcast_af\":\"unspec\",\"mcast_group\":null}}",
	  -EBADMSG },
	{ HDR("daemon_stop") ",\"state\":\"master\"}", -EBADMSG },
};

static void test_request_malformed(void **state)
{
	char why[XDPVS_CTL_WHY_LEN];
	struct xdpvs_ctl_req q;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad_requests) / sizeof(bad_requests[0]); i++) {
		const struct bad *b = &bad_requests[i];
		int rc = xdpvs_ctl_req_decode(b->line, strlen(b->line), &q,
					      why, sizeof(why));

		if (rc != b->err)
			fail_msg("#%zu %s: got %d (%s), want %d", i, b->line,
				 rc, why, b->err);
		if (!why[0])
			fail_msg("#%zu %s: no reason given", i, b->line);
	}
}

/* The id is known for the error reply even when the rest is bad. */
static void test_request_id_kept(void **state)
{
	const char *line = "{\"v\":1,\"id\":77,\"type\":\"svc_add\"}";
	char why[XDPVS_CTL_WHY_LEN];
	struct xdpvs_ctl_req q;

	(void)state;
	assert_int_equal(xdpvs_ctl_req_decode(line, strlen(line), &q, why,
					      sizeof(why)), -EBADMSG);
	assert_int_equal(q.id, 77);
	assert_string_equal(why, "svc: missing");
	line = "{\"v\":2,\"id\":78}";
	assert_int_equal(xdpvs_ctl_req_decode(line, strlen(line), &q, why,
					      sizeof(why)), -EPROTONOSUPPORT);
	assert_int_equal(q.id, 78);
	assert_string_equal(why, "v: version 2 not supported");
}

/* Every valid request cut short at every length, and with each byte
 * replaced by a few others: any answer but a crash (run under ASan by
 * make check SAN=1), and a cut line never decodes. */
static void test_request_mutations(void **state)
{
	static const char repl[] = { '\0', '"', '}', '9', '\xff' };
	char why[XDPVS_CTL_WHY_LEN], *line, *buf;
	struct xdpvs_ctl_req q;
	int t, len, i;
	size_t r;

	(void)state;
	for (t = XDPVS_CTL_MSG_NONE + 1; t < XDPVS_CTL_MSG_MAX; t++) {
		fill_req(&q, (enum xdpvs_ctl_msg)t, 1);
		len = xdpvs_ctl_req_encode(&q, &line);
		assert_true(len > 0);
		buf = malloc((size_t)len);
		assert_non_null(buf);
		for (i = 0; i < len - 1; i++) {
			memcpy(buf, line, (size_t)i);
			assert_true(xdpvs_ctl_req_decode(buf, (size_t)i, &q,
							 why, sizeof(why)) < 0);
			for (r = 0; r < sizeof(repl); r++) {
				memcpy(buf, line, (size_t)len);
				buf[i] = repl[r];
				xdpvs_ctl_req_decode(buf, (size_t)len, &q, why,
						     sizeof(why));
			}
		}
		free(buf);
		free(line);
	}
}

/* Embedded NULs, a line at and beyond the bound. */
static void test_request_lengths(void **state)
{
	static const char nul[] = "{\"v\":1,\"id\":5,\"type\":\"flush\"}\0x";
	char why[XDPVS_CTL_WHY_LEN], *big;
	struct xdpvs_ctl_req q;
	const char *head = "{\"v\":1,\"id\":5,\"type\":\"flush\"";
	size_t n;

	(void)state;
	assert_int_equal(xdpvs_ctl_req_decode(nul, sizeof(nul) - 1, &q, why,
					      sizeof(why)), -EBADMSG);
	/* Pad with blanks inside the object up to the bound. */
	big = malloc(XDPVS_CTL_REQ_MAX + 2);
	assert_non_null(big);
	n = strlen(head);
	memcpy(big, head, n);
	memset(big + n, ' ', XDPVS_CTL_REQ_MAX - n - 2);
	big[XDPVS_CTL_REQ_MAX - 2] = '}';
	big[XDPVS_CTL_REQ_MAX - 1] = '\n';
	assert_int_equal(xdpvs_ctl_req_decode(big, XDPVS_CTL_REQ_MAX, &q, why,
					      sizeof(why)), 0);
	assert_int_equal(q.type, XDPVS_CTL_SVC_FLUSH);
	big[XDPVS_CTL_REQ_MAX - 1] = ' ';
	big[XDPVS_CTL_REQ_MAX] = '}';
	big[XDPVS_CTL_REQ_MAX + 1] = '\n';
	big[XDPVS_CTL_REQ_MAX - 2] = ' ';
	assert_int_equal(xdpvs_ctl_req_decode(big, XDPVS_CTL_REQ_MAX + 2, &q,
					      why, sizeof(why)), -EMSGSIZE);
	free(big);
}

/* ---------------------------------------------------------------------
 * Replies
 */

static void assert_svcs_equal(const struct xdpvs_svc_info *a,
			      const struct xdpvs_svc_info *b, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		assert_memory_equal(&a[i].conf, &b[i].conf, sizeof(a[i].conf));
		assert_memory_equal(&a[i].stats, &b[i].stats,
				    sizeof(a[i].stats));
		assert_memory_equal(&a[i].rates, &b[i].rates,
				    sizeof(a[i].rates));
		assert_int_equal(a[i].num_dests, b[i].num_dests);
		if (a[i].num_dests)
			assert_memory_equal(a[i].dests, b[i].dests,
				a[i].num_dests * sizeof(a[i].dests[0]));
	}
}

/* Encode rep for type, decode it back into *back. */
static void reply_round(enum xdpvs_ctl_msg type,
			const struct xdpvs_ctl_reply *rep,
			struct xdpvs_ctl_reply *back)
{
	char *line, why[XDPVS_CTL_WHY_LEN];
	int len = xdpvs_ctl_reply_encode(type, rep, &line);

	assert_true(len > 0);
	assert_int_equal(line[len - 1], '\n');
	if (xdpvs_ctl_reply_decode(line, (size_t)len, type, back, why,
				   sizeof(why)))
		fail_msg("%s: %s: %s", xdpvs_ctl_msg_name(type), why, line);
	free(line);
	assert_int_equal(back->id, rep->id);
	assert_int_equal(back->err, rep->err);
	assert_string_equal(back->msg, rep->msg);
}

/* Counters everywhere, up to the largest value the wire carries. */
static void golden_counters(struct golden_table *t)
{
	uint64_t big = UINT64_MAX - 1;
	int i;
	uint32_t j;

	for (i = 0; i < t->n; i++) {
		struct xdpvs_svc_info *s = &t->svcs[i];

		s->stats = (struct xdpvs_stats){ 1, 2, 3, 4, big };
		s->rates = (struct xdpvs_rates){ big, 5, 6, 7, 8 };
		for (j = 0; j < s->num_dests; j++) {
			s->dests[j].activeconns = j;
			s->dests[j].inactconns = UINT32_MAX;
			s->dests[j].persistconns = 3;
			s->dests[j].stats.inbytes = big - j;
			s->dests[j].rates.outbps = j;
		}
	}
}

static void test_reply_services(void **state)
{
	struct golden_table *t = malloc(sizeof(*t));
	struct xdpvs_ctl_reply rep = { .id = 9 }, back;

	(void)state;
	assert_non_null(t);
	assert_int_equal(golden_build(t), 0);
	golden_counters(t);
	rep.svcs = t->svcs;
	rep.nsvcs = t->n;
	rep.tab_size = 4096;
	reply_round(XDPVS_CTL_SVC_LIST, &rep, &back);
	assert_int_equal(back.tab_size, 4096);
	assert_int_equal(back.nsvcs, t->n);
	assert_svcs_equal(t->svcs, back.svcs, t->n);
	xdpvs_ctl_reply_free(&back);
	assert_null(back.svcs);
	/* one, with its dests (the IPv6 firewall-mark service) */
	rep.svcs = &t->svcs[t->n - 1];
	rep.nsvcs = 1;
	reply_round(XDPVS_CTL_SVC_GET, &rep, &back);
	assert_int_equal(back.nsvcs, 1);
	assert_svcs_equal(rep.svcs, back.svcs, 1);
	xdpvs_ctl_reply_free(&back);
	/* an empty table */
	rep.nsvcs = 0;
	reply_round(XDPVS_CTL_SVC_LIST, &rep, &back);
	assert_int_equal(back.nsvcs, 0);
	xdpvs_ctl_reply_free(&back);
	free(t);
}

static void fill_conn(struct xdpvs_conn_info *c, int i)
{
	memset(c, 0, sizeof(*c));
	c->af = i ? AF_INET6 : AF_INET;
	c->daf = i == 2 ? AF_INET : (i ? 0 : AF_INET);
	c->protocol = i == 1 ? IPPROTO_IP : IPPROTO_TCP;
	c->state = (uint16_t)(i + 1);
	strcpy(c->state_name, i ? "NONE" : "ESTABLISHED");
	inet_pton(c->af, i ? "2001:db8:9::1" : "198.18.0.9", &c->caddr);
	inet_pton(c->af, i ? "2001:db8:100::1" : "198.18.100.1", &c->vaddr);
	inet_pton(c->daf ? c->daf : c->af, c->daf == AF_INET ?
		  "198.18.1.2" : "2001:db8:1::2", &c->daddr);
	c->cport = htons(40000);
	c->vport = htons(80);
	c->dport = htons(8080);
	c->fwmark = i == 1 ? 2 : 0;
	c->flags = XDPVS_CONN_F_TEMPLATE | XDPVS_CONN_F_MASQ;
	c->expires_ms = 899999;
	strcpy(c->pe_name, i == 2 ? "sip" : "");
	strcpy(c->pe_data, i == 2 ? "call-id-\"quoted\"\\/\t\x01" : "");
}

static void test_reply_lists(void **state)
{
	struct xdpvs_conn_info conns[3];
	struct xdpvs_ctl_sysctl sc[2] = {
		{ "am_droprate", 10, 10 }, { "secure_tcp", -1, 0 },
	};
	struct xdpvs_mark_rule marks[2];
	struct xdpvs_ctl_daemon dm[2];
	struct xdpvs_ctl_reply rep = { .id = 3 }, back;
	int i;

	(void)state;
	for (i = 0; i < 3; i++)
		fill_conn(&conns[i], i);
	rep.conns = conns;
	rep.nconns = 3;
	reply_round(XDPVS_CTL_CONN_LIST, &rep, &back);
	assert_int_equal(back.nconns, 3);
	assert_memory_equal(back.conns, conns, sizeof(conns));
	xdpvs_ctl_reply_free(&back);

	rep.sysctls = sc;
	rep.nsysctls = 2;
	reply_round(XDPVS_CTL_SYSCTL_GET, &rep, &back);
	assert_int_equal(back.nsysctls, 2);
	assert_memory_equal(back.sysctls, sc, sizeof(sc));
	xdpvs_ctl_reply_free(&back);

	fill_mark(&marks[0]);
	memset(&marks[1], 0, sizeof(marks[1]));
	marks[1].mark = 1;
	marks[1].af = AF_INET;
	inet_pton(AF_INET, "198.18.100.5", &marks[1].prefix);
	marks[1].plen = 32;
	rep.marks = marks;
	rep.nmarks = 2;
	reply_round(XDPVS_CTL_MARK_LIST, &rep, &back);
	assert_int_equal(back.nmarks, 2);
	assert_memory_equal(back.marks, marks, sizeof(marks));
	xdpvs_ctl_reply_free(&back);

	fill_daemon(&dm[0], 1);
	fill_daemon(&dm[1], 0);
	dm[1].state = XDPVS_CTL_DAEMON_MASTER;
	rep.daemons = dm;
	rep.ndaemons = 2;
	reply_round(XDPVS_CTL_DAEMON_LIST, &rep, &back);
	assert_int_equal(back.ndaemons, 2);
	assert_memory_equal(back.daemons, dm, sizeof(dm));
	xdpvs_ctl_reply_free(&back);
}

static void test_reply_values(void **state)
{
	struct xdpvs_ctl_reply rep = { .id = 1 }, back;
	int i;

	(void)state;
	rep.timeouts = (struct xdpvs_ctl_timeouts){ 7200, 60, 1 };
	rep.timeouts_def = (struct xdpvs_ctl_timeouts){ 900, 120, 300 };
	reply_round(XDPVS_CTL_TIMEOUT_GET, &rep, &back);
	assert_memory_equal(&back.timeouts, &rep.timeouts,
			    sizeof(rep.timeouts));
	assert_memory_equal(&back.timeouts_def, &rep.timeouts_def,
			    sizeof(rep.timeouts_def));

	strcpy(rep.info.version, "1.2.1");
	rep.info.conn_tab_size = 4096;
	rep.info.conn_count = 12;
	for (i = 0; i < XDPVS_DROP_MAX; i++)
		rep.info.drops[i] = (uint64_t)i * 1000000007ULL;
	rep.info.stats.outbytes = 1ULL << 62;
	rep.info.rates.cps = 3;
	reply_round(XDPVS_CTL_INFO_GET, &rep, &back);
	assert_memory_equal(&back.info, &rep.info, sizeof(rep.info));

	/* The changes answer nothing but err. */
	reply_round(XDPVS_CTL_SVC_ADD, &rep, &back);
	reply_round(XDPVS_CTL_DAEMON_STOP, &rep, &back);
}

static void test_reply_errors(void **state)
{
	struct xdpvs_ctl_reply rep = { .id = 5, .err = -EEXIST }, back;
	char *line;

	(void)state;
	/* An error reply carries no data, even to a listing. */
	reply_round(XDPVS_CTL_SVC_LIST, &rep, &back);
	assert_null(back.svcs);
	assert_true(xdpvs_ctl_reply_encode(XDPVS_CTL_SVC_ADD, &rep, &line) > 0);
	assert_string_equal(line, "{\"v\":1,\"id\":5,\"err\":-17}\n");
	free(line);
	rep.err = -EBADMSG;
	strcpy(rep.msg, "svc.port: out of range");
	reply_round(XDPVS_CTL_SVC_ADD, &rep, &back);
	assert_true(xdpvs_ctl_reply_encode(XDPVS_CTL_SVC_ADD, &rep, &line) > 0);
	assert_string_equal(line, "{\"v\":1,\"id\":5,\"err\":-74,"
			    "\"msg\":\"svc.port: out of range\"}\n");
	free(line);
	/* Not representable. */
	rep.err = 1;
	assert_int_equal(xdpvs_ctl_reply_encode(XDPVS_CTL_SVC_ADD, &rep,
						&line), -EINVAL);
	rep.err = 0;
	assert_int_equal(xdpvs_ctl_reply_encode(XDPVS_CTL_MSG_NONE, &rep,
						&line), -EINVAL);
	rep.nsvcs = 2;	/* svc_get answers exactly one */
	assert_int_equal(xdpvs_ctl_reply_encode(XDPVS_CTL_SVC_GET, &rep,
						&line), -EINVAL);
}

struct bad_reply {
	enum xdpvs_ctl_msg type;
	const char *line;
	int err;
};

#define RHDR "{\"v\":1,\"id\":5,\"err\":0"
#define STATS0 "{\"conns\":0,\"inpkts\":0,\"outpkts\":0,\"inbytes\":0," \
	"\"outbytes\":0}"
#define RATES0 "{\"cps\":0,\"inpps\":0,\"outpps\":0,\"inbps\":0,\"outbps\":0}"

static const struct bad_reply bad_replies[] = {
	{ XDPVS_CTL_SVC_ADD, "", -EBADMSG },
	{ XDPVS_CTL_SVC_ADD, RHDR, -EBADMSG },
	{ XDPVS_CTL_SVC_ADD, "{\"v\":3,\"id\":5,\"err\":0}", -EPROTONOSUPPORT },
	{ XDPVS_CTL_SVC_ADD, "{\"v\":1,\"id\":5,\"err\":1}", -EBADMSG },
	{ XDPVS_CTL_SVC_ADD, "{\"v\":1,\"id\":5,\"err\":-4096}", -EBADMSG },
	{ XDPVS_CTL_SVC_ADD, "{\"v\":1,\"id\":5}", -EBADMSG },
	{ XDPVS_CTL_SVC_ADD, "{\"v\":1,\"id\":5,\"err\":\"EEXIST\"}",
	  -EBADMSG },
	{ XDPVS_CTL_SVC_ADD, "{\"v\":1,\"id\":5,\"err\":-17,\"msg\":17}",
	  -EBADMSG },
	{ XDPVS_CTL_SVC_ADD, RHDR ",\"size\":1}", -EBADMSG },
	{ XDPVS_CTL_SVC_LIST, RHDR "}", -EBADMSG },
	{ XDPVS_CTL_SVC_LIST, "{\"v\":1,\"id\":5,\"err\":-3,\"size\":1,"
	  "\"services\":[]}", -EBADMSG },
	{ XDPVS_CTL_SVC_LIST, RHDR ",\"size\":1,\"services\":{}}", -EBADMSG },
	{ XDPVS_CTL_SVC_LIST, RHDR ",\"size\":1,\"services\":[1]}", -EBADMSG },
	{ XDPVS_CTL_SVC_LIST, RHDR ",\"size\":-1,\"services\":[]}", -EBADMSG },
	{ XDPVS_CTL_SVC_LIST, RHDR ",\"size\":1,\"services\":[{\"svc\":{"
	  "\"af\":\"inet\",\"protocol\":6,\"addr\":\"198.18.100.1\","
	  "\"port\":80,"
	  "\"fwmark\":0,\"sched\":\"rr\",\"pe\":\"\",\"flags\":0,\"timeout\":0,"
	  "\"netmask\":\"255.255.255.255\"},\"stats\":" STATS0 ",\"rates\":"
	  RATES0 ",\"dests\":[{}]}]}", -EBADMSG },
	{ XDPVS_CTL_SVC_LIST, RHDR ",\"size\":1,\"services\":[{\"svc\":{"
	  "\"af\":\"inet\",\"protocol\":6,\"addr\":\"198.18.100.1\","
	  "\"port\":80,"
	  "\"fwmark\":0,\"sched\":\"rr\",\"pe\":\"\",\"flags\":0,\"timeout\":0,"
	  "\"netmask\":\"255.255.255.255\"},\"stats\":{\"conns\":"
	  "18446744073709551616,\"inpkts\":0,\"outpkts\":0,\"inbytes\":0,"
	  "\"outbytes\":0},\"rates\":" RATES0 ",\"dests\":[]}]}", -EBADMSG },
	{ XDPVS_CTL_SVC_GET, RHDR ",\"service\":null}", -EBADMSG },
	{ XDPVS_CTL_CONN_LIST, RHDR ",\"conns\":[{\"af\":\"inet\"}]}",
	  -EBADMSG },
	{ XDPVS_CTL_TIMEOUT_GET, RHDR ",\"timeouts\":{\"tcp\":1,\"tcpfin\":1,"
	  "\"udp\":1}}", -EBADMSG },
	{ XDPVS_CTL_SYSCTL_GET, RHDR ",\"sysctls\":[{\"name\":\"x\","
	  "\"value\":1}]}", -EBADMSG },
	{ XDPVS_CTL_MARK_LIST, RHDR ",\"marks\":[null]}", -EBADMSG },
	{ XDPVS_CTL_DAEMON_LIST, RHDR ",\"daemons\":\"none\"}", -EBADMSG },
	{ XDPVS_CTL_INFO_GET, RHDR ",\"info\":{\"version\":\"1.2.1\","
	  "\"conn_tab_size\":1,\"conn_count\":0,\"drops\":{\"bogus\":1},"
	  "\"stats\":" STATS0 ",\"rates\":" RATES0 "}}", -EBADMSG },
};

static void test_reply_malformed(void **state)
{
	char why[XDPVS_CTL_WHY_LEN];
	struct xdpvs_ctl_reply r;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad_replies) / sizeof(bad_replies[0]); i++) {
		const struct bad_reply *b = &bad_replies[i];
		int rc = xdpvs_ctl_reply_decode(b->line, strlen(b->line),
						b->type, &r, why, sizeof(why));

		if (rc != b->err)
			fail_msg("#%zu %s: got %d (%s), want %d", i, b->line,
				 rc, why, b->err);
		if (!why[0])
			fail_msg("#%zu: no reason given", i);
		assert_null(r.svcs);
		assert_null(r.conns);
	}
	assert_int_equal(xdpvs_ctl_reply_decode(RHDR "}", 18,
		XDPVS_CTL_MSG_MAX, &r, why, sizeof(why)), -EINVAL);
}

/* ---------------------------------------------------------------------
 * Commands
 */

struct cmd_case {
	const char *line;
	int rc;
	enum xdpvs_ctl_msg type;
	bool has_svc;
};

static const struct cmd_case cmd_cases[] = {
	{ "-A -t 198.18.100.1:80 -s rr", 0, XDPVS_CTL_SVC_ADD, true },
	{ "-E -t 198.18.100.1:80 -s wlc", 0, XDPVS_CTL_SVC_EDIT, true },
	{ "-D -f 1", 0, XDPVS_CTL_SVC_DEL, true },
	{ "-C", 0, XDPVS_CTL_SVC_FLUSH, false },
	{ "-a -t 198.18.100.1:80 -r 198.18.1.2 -m", 0, XDPVS_CTL_DEST_ADD,
	  true },
	{ "-e -t 198.18.100.1:80 -r 198.18.1.2 -w 0", 0, XDPVS_CTL_DEST_EDIT,
	  true },
	{ "-d -t 198.18.100.1:80 -r 198.18.1.2", 0, XDPVS_CTL_DEST_DEL, true },
	{ "-Z", 0, XDPVS_CTL_STATS_ZERO, false },
	{ "-Z -u 198.18.100.1:53", 0, XDPVS_CTL_STATS_ZERO, true },
	{ "--set 1 2 3", 0, XDPVS_CTL_TIMEOUT_SET, false },
	{ "-L", 0, XDPVS_CTL_SVC_LIST, false },
	{ "-Ln --stats", 0, XDPVS_CTL_SVC_LIST, false },
	{ "-S -n", 0, XDPVS_CTL_SVC_LIST, false },
	{ "-L -t 198.18.100.1:80", 0, XDPVS_CTL_SVC_GET, true },
	{ "-Lnc", 0, XDPVS_CTL_CONN_LIST, false },
	{ "-L --timeout", 0, XDPVS_CTL_TIMEOUT_GET, false },
	{ "-L --daemon", 0, XDPVS_CTL_DAEMON_LIST, false },
	{ "--start-daemon master --mcast-interface rvsync --syncid 7", 0,
	  XDPVS_CTL_DAEMON_START, false },
	{ "--stop-daemon backup", 0, XDPVS_CTL_DAEMON_STOP, false },
	{ "--sysctl", 0, XDPVS_CTL_SYSCTL_GET, false },
	{ "--sysctl conntrack", 0, XDPVS_CTL_SYSCTL_GET, false },
	{ "--sysctl conntrack=1", 0, XDPVS_CTL_SYSCTL_SET, false },
	{ "--add-mark 1:tcp:198.18.100.5/32:80", 0, XDPVS_CTL_MARK_ADD, false },
	{ "--del-mark 1:tcp:198.18.100.5/32:80", 0, XDPVS_CTL_MARK_DEL, false },
	{ "--list-marks", 0, XDPVS_CTL_MARK_LIST, false },
	{ "-h", -EOPNOTSUPP, XDPVS_CTL_MSG_NONE, false },
	{ "-v", -EOPNOTSUPP, XDPVS_CTL_MSG_NONE, false },
};

static void test_req_from_cmd(void **state)
{
	struct xdpvs_ctl_req q, back;
	struct xdpvs_ctl_cmd cmd;
	struct xdpvs_ctl_err err;
	char *line, why[XDPVS_CTL_WHY_LEN];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cmd_cases) / sizeof(cmd_cases[0]); i++) {
		const struct cmd_case *c = &cmd_cases[i];

		assert_int_equal(xdpvs_ctl_parse_line(c->line, NULL, &cmd,
						      &err), 1);
		assert_int_equal(xdpvs_ctl_req_from_cmd(&cmd, &q), c->rc);
		if (c->rc)
			continue;
		if (q.type != c->type || q.has_svc != c->has_svc)
			fail_msg("%s: got %s/%d", c->line,
				 xdpvs_ctl_msg_name(q.type), q.has_svc);
		/* What the parser gave goes over the wire intact. */
		assert_true(xdpvs_ctl_req_encode(&q, &line) > 0);
		assert_int_equal(xdpvs_ctl_req_decode(line, strlen(line),
			&back, why, sizeof(why)), 0);
		free(line);
		if (q.has_svc)
			assert_memory_equal(&back.svc, &cmd.svc,
					    sizeof(cmd.svc));
		if (q.type == XDPVS_CTL_DEST_ADD)
			assert_memory_equal(&back.dest, &cmd.dest,
					    sizeof(cmd.dest));
		if (q.type == XDPVS_CTL_MARK_ADD)
			assert_memory_equal(&back.mark, &cmd.mark,
					    sizeof(cmd.mark));
		if (q.type == XDPVS_CTL_DAEMON_START)
			assert_memory_equal(&back.daemon, &cmd.daemon,
					    sizeof(cmd.daemon));
	}
	/* -R has no request of its own */
	memset(&cmd, 0, sizeof(cmd));
	cmd.cmd = XDPVS_CTL_CMD_RESTORE;
	assert_int_equal(xdpvs_ctl_req_from_cmd(&cmd, &q), -EOPNOTSUPP);
}

static void test_msg_names(void **state)
{
	int t;

	(void)state;
	assert_null(xdpvs_ctl_msg_name(XDPVS_CTL_MSG_NONE));
	assert_null(xdpvs_ctl_msg_name(XDPVS_CTL_MSG_MAX));
	for (t = XDPVS_CTL_MSG_NONE + 1; t < XDPVS_CTL_MSG_MAX; t++)
		assert_non_null(xdpvs_ctl_msg_name((enum xdpvs_ctl_msg)t));
	assert_string_equal(xdpvs_ctl_msg_name(XDPVS_CTL_STATS_ZERO), "zero");
	assert_string_equal(xdpvs_ctl_msg_name(XDPVS_CTL_INFO_GET), "info");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_msg_names),
		cmocka_unit_test(test_request_round_trips),
		cmocka_unit_test(test_request_wire_form),
		cmocka_unit_test(test_request_encode_errors),
		cmocka_unit_test(test_request_malformed),
		cmocka_unit_test(test_request_id_kept),
		cmocka_unit_test(test_request_lengths),
		cmocka_unit_test(test_request_mutations),
		cmocka_unit_test(test_reply_services),
		cmocka_unit_test(test_reply_lists),
		cmocka_unit_test(test_reply_values),
		cmocka_unit_test(test_reply_errors),
		cmocka_unit_test(test_reply_malformed),
		cmocka_unit_test(test_req_from_cmd),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
