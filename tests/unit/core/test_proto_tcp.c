// SPDX-License-Identifier: GPL-2.0-only
/*
 * The IPVS TCP state machine through the engine: the states a NAT and a
 * direct-routing connection go through, their timeouts, ipvsadm --set,
 * active/inactive counts, expiry, and secure_tcp's stricter table.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <netinet/in.h>
#include <cmocka.h>

#include "../../lib/enginetest.h"

#define SYN 0x02
#define ACK 0x10
#define FIN 0x01
#define RST 0x04

static struct tb_pkt t_in(uint8_t flags, uint16_t cport)
{
	return (struct tb_pkt){
		.dmac = ET_LB_MAC, .src = "198.18.0.2", .dst = "198.18.100.1",
		.proto = IPPROTO_TCP, .sport = cport, .dport = 80,
		.flags = flags,
	};
}

static struct tb_pkt t_out(uint8_t flags, uint16_t cport)
{
	return (struct tb_pkt){
		.dmac = ET_LB_MAC, .src = "198.18.1.2", .dst = "198.18.0.2",
		.proto = IPPROTO_TCP, .sport = 80, .dport = cport,
		.flags = flags,
	};
}

static int setup_nat(void **state)
{
	static struct et t;

	et_init(&t, 0);
	et_add_svc(&t, "tcp 198.18.100.1 80", "rr");
	et_add_dest(&t, "tcp 198.18.100.1 80", "198.18.1.2 80", 'm', 1);
	*state = &t;
	return 0;
}

static int setup_dr(void **state)
{
	static struct et t;

	et_init(&t, 0);
	et_add_svc(&t, "tcp 198.18.100.1 80", "rr");
	et_add_dest(&t, "tcp 198.18.100.1 80", "198.18.1.2 80", 'g', 1);
	*state = &t;
	return 0;
}

static int teardown(void **state)
{
	et_fini(*state);
	return 0;
}

/* Step: send a packet at time now, expect the state and its timeout. */
static void step(struct et *t, double now, struct tb_pkt p,
		 const char *state, uint32_t timeout)
{
	uint32_t left = 0;
	const char *s;

	assert_int_equal(et_rx_pkt(t, now, &p), XDPVS_TX);
	s = et_conn_state(t, "198.18.0.2", 40000, &left);
	assert_non_null(s);
	assert_string_equal(s, state);
	/* expiry shown truncated to seconds, like /proc/net/ip_vs_conn */
	assert_int_equal(left, timeout);
}

static void counts(struct et *t, uint32_t active, uint32_t inactive)
{
	struct xdpvs_svc_info *s;
	int n = xdpvs_svc_info_get(t->e, &s);

	assert_int_equal(n, 1);
	assert_int_equal(s[0].dests[0].activeconns, active);
	assert_int_equal(s[0].dests[0].inactconns, inactive);
	xdpvs_svc_info_free(s, n);
}

/* Client closes first: ES -> CLOSE_WAIT (client FIN) -> TIME_WAIT
 * (server FIN) -> TIME_WAIT (last ACK). */
static void nat_full_life(void **state)
{
	struct et *t = *state;

	step(t, 10, t_in(SYN, 40000), "SYN_RECV", 60);
	counts(t, 1, 0);
	step(t, 10.1, t_out(SYN | ACK, 40000), "SYN_RECV", 60);
	step(t, 10.2, t_in(ACK, 40000), "ESTABLISHED", 900);
	step(t, 11, t_in(ACK, 40000), "ESTABLISHED", 900);
	step(t, 12, t_out(ACK, 40000), "ESTABLISHED", 900);
	step(t, 13, t_in(FIN | ACK, 40000), "CLOSE_WAIT", 60);
	counts(t, 0, 1);
	step(t, 13.1, t_out(FIN | ACK, 40000), "TIME_WAIT", 120);
	step(t, 13.2, t_in(ACK, 40000), "TIME_WAIT", 120);
	counts(t, 0, 1);
	/* Gone once TIME_WAIT's 120 s are over. */
	xdpvs_engine_tick(t->e, (uint64_t)(13.2e9 + 119e9));
	assert_non_null(et_conn_state(t, "198.18.0.2", 40000, NULL));
	xdpvs_engine_tick(t->e, (uint64_t)(13.2e9 + 120.1e9));
	assert_null(et_conn_state(t, "198.18.0.2", 40000, NULL));
	counts(t, 0, 0);
	assert_int_equal(xdpvs_conn_count(t->e), 0);
}

/* Server closes first: ES -> FIN_WAIT (server FIN) -> TIME_WAIT. */
static void nat_server_closes(void **state)
{
	struct et *t = *state;

	step(t, 1, t_in(SYN, 40000), "SYN_RECV", 60);
	step(t, 1, t_out(SYN | ACK, 40000), "SYN_RECV", 60);
	step(t, 1, t_in(ACK, 40000), "ESTABLISHED", 900);
	step(t, 2, t_out(FIN | ACK, 40000), "FIN_WAIT", 120);
	step(t, 2, t_in(FIN | ACK, 40000), "TIME_WAIT", 120);
	step(t, 2, t_out(ACK, 40000), "TIME_WAIT", 120);
}

/* Direct routing sees only the client's half: the INPUT-ONLY table. */
static void dr_input_only(void **state)
{
	struct et *t = *state;

	step(t, 1, t_in(SYN, 40000), "SYN_RECV", 60);
	counts(t, 1, 0);
	step(t, 1.1, t_in(ACK, 40000), "ESTABLISHED", 900);
	step(t, 5, t_in(FIN | ACK, 40000), "FIN_WAIT", 120);
	counts(t, 0, 1);
	step(t, 5.1, t_in(ACK, 40000), "FIN_WAIT", 120);
	step(t, 6, t_in(RST, 40000), "CLOSE", 10);
}

/* A packet with none of SYN/FIN/ACK/RST closes the connection. */
static void no_flags_means_close(void **state)
{
	struct et *t = *state;

	step(t, 1, t_in(SYN, 40000), "SYN_RECV", 60);
	step(t, 2, t_in(0, 40000), "CLOSE", 10);
}

/* ipvsadm --set changes ES and FIN_WAIT; 0 keeps a value. */
static void set_timeouts(void **state)
{
	struct et *t = *state;
	uint32_t tcp, fin, udp;

	assert_int_equal(xdpvs_set_timeouts(t->e, 300, 0, 0), 0);
	xdpvs_get_timeouts(t->e, &tcp, &fin, &udp);
	assert_int_equal(tcp, 300);
	assert_int_equal(fin, 120);
	assert_int_equal(udp, 300);
	step(t, 1, t_in(SYN, 40000), "SYN_RECV", 60);
	step(t, 1, t_out(SYN | ACK, 40000), "SYN_RECV", 60);
	step(t, 1, t_in(ACK, 40000), "ESTABLISHED", 300);
	assert_int_equal(xdpvs_set_timeouts(t->e, 0, 30, 0), 0);
	step(t, 2, t_out(FIN | ACK, 40000), "FIN_WAIT", 30);
}

/* A SYN to a TIME_WAIT connection starts a new one (conn_reuse_mode 1),
 * scheduled afresh. */
static void port_reuse_reschedules(void **state)
{
	struct et *t = *state;

	step(t, 1, t_in(SYN, 40000), "SYN_RECV", 60);
	step(t, 1, t_out(SYN | ACK, 40000), "SYN_RECV", 60);
	step(t, 1, t_in(ACK, 40000), "ESTABLISHED", 900);
	step(t, 2, t_in(FIN | ACK, 40000), "CLOSE_WAIT", 60);
	step(t, 2, t_out(FIN | ACK, 40000), "TIME_WAIT", 120);
	step(t, 3, t_in(SYN, 40000), "SYN_RECV", 60);
	counts(t, 1, 1);	/* the new one, and the old in TIME_WAIT */
	xdpvs_engine_tick(t->e, (uint64_t)3.5e9);
	counts(t, 1, 0);	/* the old one expired at once */
}

/* secure_tcp=3 (tcp_states_dos): a NAT connection becomes ESTABLISHED
 * only when the server answers the handshake; client ACKs alone keep it
 * in SYN_RECV / SYNACK.  Writing 2 (automatic) means "off" here. */
static void secure_tcp_table(void **state)
{
	struct et *t = *state;
	int v;

	assert_int_equal(xdpvs_sysctl_set(t->e, "secure_tcp", 2), 0);
	assert_int_equal(xdpvs_sysctl_get(t->e, "secure_tcp", &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(xdpvs_sysctl_set(t->e, "secure_tcp", 4), -EINVAL);
	assert_int_equal(xdpvs_sysctl_set(t->e, "secure_tcp", 3), 0);
	step(t, 1, t_in(SYN, 40000), "SYN_RECV", 60);
	step(t, 1, t_in(ACK, 40000), "SYN_RECV", 60);
	step(t, 1, t_out(SYN | ACK, 40000), "SYNACK", 120);
	step(t, 1, t_in(ACK, 40000), "SYNACK", 120);
	step(t, 1, t_out(ACK, 40000), "ESTABLISHED", 900);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(nat_full_life, setup_nat,
						teardown),
		cmocka_unit_test_setup_teardown(nat_server_closes, setup_nat,
						teardown),
		cmocka_unit_test_setup_teardown(dr_input_only, setup_dr,
						teardown),
		cmocka_unit_test_setup_teardown(no_flags_means_close,
						setup_nat, teardown),
		cmocka_unit_test_setup_teardown(set_timeouts, setup_nat,
						teardown),
		cmocka_unit_test_setup_teardown(port_reuse_reschedules,
						setup_nat, teardown),
		cmocka_unit_test_setup_teardown(secure_tcp_table, setup_nat,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
