/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A scheduler test bench: one virtual service built by hand, as the kernel's
 * ip_vs_ctl.c and ip_vs_conn.c would shape it, without the engine.
 *
 * Real servers are named ("rs1") and added at the head of the service's list
 * like ipvsadm -a (weight and last_weight set, the scheduler told after the
 * link), edited like -e, deleted like -d (unlinked, not freed: a deleted
 * server can be added back and is the same struct, as a dest revived from
 * the kernel's trash).  Connections are bound and unbound with the kernel's
 * counter rules (activeconns, totalconns, the overload flag with u/l
 * thresholds).  Every scheduling decision is appended to a trace of server
 * names ("-" for none) that a test compares with the exact sequence the
 * kernel gives.
 *
 * Failures of the bench itself (bad address, unknown name) fail the test
 * through cmocka.
 */
#ifndef XDPVS_TESTS_SCHEDTEST_H
#define XDPVS_TESTS_SCHEDTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/dest.h"
#include "core/sched.h"
#include "core/svc.h"

#define ST_MAX_DESTS 300
#define ST_MAX_CONNS 4096
#define ST_NAME_LEN 16
#define ST_TRACE_LEN 65536

struct st_conn {
	struct xdpvs_dest *dest;	/* NULL: slot free */
	bool active;
};

struct schedtest {
	struct xdpvs_svc svc;
	struct xdpvs_sched_env env;
	const struct xdpvs_sched_ops *ops;
	uint64_t now;			/* ns, given to schedule and tick */
	uint16_t next_port;		/* source port for clients without */
	int last_rc;			/* of the last update_service call */
	int ndests;
	struct xdpvs_dest *dests[ST_MAX_DESTS];	/* every one ever added */
	char names[ST_MAX_DESTS][ST_NAME_LEN];
	struct st_conn conns[ST_MAX_CONNS];
	size_t tlen;
	char trace[ST_TRACE_LEN];
	char out[ST_TRACE_LEN];
};

/* How st_run() and st_clients() treat each new connection. */
enum st_mode {
	ST_PICK,	/* only schedule: no connection is bound */
	ST_OPEN,	/* bind an active (TCP established) connection */
	ST_CLOSED,	/* bind it, then close it: inactive, still counted
			 * (TIME_WAIT), as sequential curl requests leave it */
	ST_INACTIVE,	/* bind an inactive connection (UDP) */
};

/*
 * A service "198.18.101.4:80" or "[2001:db8::1]:80" (NULL: a fwmark
 * service, IPv4, no address) of protocol (IPPROTO_TCP...) with svc flags,
 * bound to scheduler sched.  st_new_env takes the engine's settings (NULL:
 * defaults: seeded random source, 24 h lblc/lblcr expiration, mh index 12).
 */
struct schedtest *st_new(const char *sched, int protocol, const char *vip,
			 uint32_t flags);
struct schedtest *st_new_env(const char *sched, int protocol, const char *vip,
			     uint32_t flags,
			     const struct xdpvs_sched_env *env);
/* refvm's tests/golden.sh service for golden/sched/<sched>.txt: TCP vip
 * with rs1 198.18.1.2:80 w3, rs2 198.18.2.2:80 w2, rs3 198.18.3.2:80 w1
 * added in that order (so listed rs3 rs2 rs1). */
struct schedtest *st_new_golden(const char *sched, const char *vip);
/* Unbind the scheduler, end every connection, check that no dest is still
 * referenced (lblc/lblcr must drop what they hold), free everything. */
void st_free(struct schedtest *t);

/* ipvsadm -a: server name at "198.18.1.2:80" with weight.  A deleted server
 * of that name comes back as the same dest.  t->last_rc: the scheduler's. */
struct xdpvs_dest *st_add(struct schedtest *t, const char *name,
			  const char *rs, int weight);
/* ipvsadm -e -w: last_weight follows unless weight is 0. */
void st_edit(struct schedtest *t, const char *name, int weight);
/* ipvsadm -e -x u -y l: the overload flag is re-evaluated (mode 0). */
void st_thresholds(struct schedtest *t, const char *name, uint32_t u,
		   uint32_t l);
/* ipvsadm -d. */
void st_del(struct schedtest *t, const char *name);

struct xdpvs_dest *st_dest(struct schedtest *t, const char *name);
/* The name of d, "-" for NULL. */
const char *st_name(struct schedtest *t, const struct xdpvs_dest *d);

/*
 * Schedule a new connection from client ("198.18.0.2", "198.18.0.2:40001",
 * "2001:db8::2", "[2001:db8::2]:40001") to the service, or to vaddr when
 * not NULL (fwmark services, dh, lblc); the pick goes to the trace.
 */
struct xdpvs_dest *st_schedule(struct schedtest *t, const char *client);
struct xdpvs_dest *st_schedule_to(struct schedtest *t, const char *client,
				  const char *vaddr);
/* Schedule and bind a connection (mode ST_OPEN/ST_CLOSED/ST_INACTIVE);
 * the connection's id, or -1 when no dest was found. */
int st_connect(struct schedtest *t, const char *client, enum st_mode mode);
int st_connect_to(struct schedtest *t, const char *client, const char *vaddr,
		  enum st_mode mode);
/* An active connection becomes inactive (FIN: it still counts). */
void st_close(struct schedtest *t, int id);
/* The connection expires: unbound from its dest. */
void st_expire(struct schedtest *t, int id);
/* Expire every connection. */
void st_expire_all(struct schedtest *t);

/* The picks since the last call, space separated; clears them. */
const char *st_trace(struct schedtest *t);
/* n new connections from client, as mode says; their picks. */
const char *st_run(struct schedtest *t, int n, const char *client,
		   enum st_mode mode);
/* One connection from each client printf(fmt, i), i = from..to, as mode
 * says: "198.18.0.10=rs3 198.18.0.11=rs2 " as refvm's golden files. */
const char *st_clients(struct schedtest *t, const char *fmt, int from, int to,
		       enum st_mode mode);

/* Let seconds pass, calling the scheduler's tick once a second. */
void st_advance(struct schedtest *t, uint64_t seconds);

/* Parse "a.b.c.d[:port]" / "[v6]:port" / "v6"; port in network order. */
void st_parse(const char *s, uint16_t *af, union xdpvs_addr *addr,
	      uint16_t *port);

#endif
