// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fuzz harness for the control protocol's decoder (ctl/proto_decode.c):
 * arbitrary bytes as a line xdpvsd reads from a client, through
 * xdpvs_ctl_req_decode() as daemon/control.c calls it, or as a reply line
 * xdpvsadm reads, through xdpvs_ctl_reply_decode(); a request decoded is
 * then carried out on an engine (the calls daemon/control.c's handlers
 * make, through xdpvs_ctl_apply()), and the engine's listing that follows
 * goes through the reply codec as the daemon sends it and xdpvsadm reads
 * it.
 *
 * Input: one control byte, then the line (in a buffer of exactly its
 * size, so ASan sees any over-read).  Control bit 0: a reply rather than
 * a request; bits 1-5: for a reply, the request type it answers (1 + the
 * value modulo the number of types); bit 6: carry a request out on an
 * engine with a service and a real server (TCP 198.18.100.1:80 ->
 * 198.18.1.2:80, masquerading).
 *
 * Invariants (abort() if broken):
 *  - decoding returns 0 or one of the errors proto.h lists; a refusal
 *    says why, in a NUL-terminated reason, and a refused reply holds no
 *    array;
 *  - what decodes has a known type, its strings NUL-terminated within
 *    their buffers, its families ones the protocol names, a reply's err
 *    within -4095..0 and its counts matching its arrays;
 *  - what decodes encodes again (xdpvs_ctl_req_encode(),
 *    xdpvs_ctl_reply_encode()) and decodes back to the same thing;
 *  - carried out on an engine, a request is done or refused with
 *    ipvsadm's words for a negative errno; the service table that
 *    results encodes as the svc_list reply and decodes back to the same
 *    services and real servers; no real server's counters go negative.
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

#include "ctl/cmd.h"
#include "ctl/proto.h"
#include "fuzz.h"

#define FZ_CONN_MAX 16

static bool fz_is_af(uint16_t af, bool unspec_ok)
{
	return af == AF_INET || af == AF_INET6 || (unspec_ok && !af);
}

static bool fz_has_nul(const char *s, size_t size)
{
	return memchr(s, '\0', size) != NULL;
}

/* A refusal's reason: said, and NUL-terminated. */
static void fz_check_why(int rc, const char *why)
{
	fz_assert(rc == -EMSGSIZE || rc == -EPROTONOSUPPORT || rc == -ENOSYS ||
		  rc == -EBADMSG || rc == -ENOMEM, "decode %d", rc);
	fz_assert(fz_has_nul(why, XDPVS_CTL_WHY_LEN) && why[0],
		  "refused without a reason");
}

/* ---- requests ---- */

static void fz_check_req(const struct xdpvs_ctl_req *q)
{
	fz_assert(xdpvs_ctl_msg_name(q->type), "type %d", q->type);
	fz_assert(fz_has_nul(q->svc.sched_name, sizeof(q->svc.sched_name)) &&
		  fz_has_nul(q->svc.pe_name, sizeof(q->svc.pe_name)) &&
		  fz_has_nul(q->daemon.mcast_ifn,
			     sizeof(q->daemon.mcast_ifn)) &&
		  fz_has_nul(q->sysctl_name, sizeof(q->sysctl_name)),
		  "strings");
	fz_assert(!q->has_svc || fz_is_af(q->svc.af, false), "svc af");
	fz_assert(fz_is_af(q->dest.af, true) && fz_is_af(q->mark.af, true) &&
		  fz_is_af(q->daemon.mcast_af, true), "afs");
}

/* What q encodes to decodes back to q. */
static void fz_req_round_trip(const struct xdpvs_ctl_req *q)
{
	struct xdpvs_ctl_req back;
	char why[XDPVS_CTL_WHY_LEN], *line = NULL;
	int len = xdpvs_ctl_req_encode(q, &line), rc;

	fz_assert(len > 0, "encode %d", len);
	rc = xdpvs_ctl_req_decode(line, (size_t)len, &back, why, sizeof(why));
	fz_assert(rc == 0, "decode back %d: %s (%s)", rc, why, line);
	fz_assert(!memcmp(q, &back, sizeof(back)), "not the same: %s", line);
	free(line);
}

/* The command a request carries out (ctl/proto.c's mapping, backwards);
 * false for those the engine does not carry out (listings, the sync
 * daemon's). */
static bool fz_cmd_of(const struct xdpvs_ctl_req *q, struct xdpvs_ctl_cmd *c)
{
	static const enum xdpvs_ctl_cmd_type cmds[XDPVS_CTL_MSG_MAX] = {
		[XDPVS_CTL_SVC_ADD] = XDPVS_CTL_CMD_ADD_SERVICE,
		[XDPVS_CTL_SVC_EDIT] = XDPVS_CTL_CMD_EDIT_SERVICE,
		[XDPVS_CTL_SVC_DEL] = XDPVS_CTL_CMD_DEL_SERVICE,
		[XDPVS_CTL_SVC_FLUSH] = XDPVS_CTL_CMD_FLUSH,
		[XDPVS_CTL_DEST_ADD] = XDPVS_CTL_CMD_ADD_DEST,
		[XDPVS_CTL_DEST_EDIT] = XDPVS_CTL_CMD_EDIT_DEST,
		[XDPVS_CTL_DEST_DEL] = XDPVS_CTL_CMD_DEL_DEST,
		[XDPVS_CTL_STATS_ZERO] = XDPVS_CTL_CMD_ZERO,
		[XDPVS_CTL_TIMEOUT_SET] = XDPVS_CTL_CMD_SET_TIMEOUT,
		[XDPVS_CTL_SYSCTL_SET] = XDPVS_CTL_CMD_SYSCTL,
		[XDPVS_CTL_MARK_ADD] = XDPVS_CTL_CMD_ADD_MARK,
		[XDPVS_CTL_MARK_DEL] = XDPVS_CTL_CMD_DEL_MARK,
	};

	memset(c, 0, sizeof(*c));
	c->cmd = cmds[q->type];
	c->options = q->has_svc ? XDPVS_CTL_OPT(SERVICE) : 0;
	c->svc = q->svc;
	c->dest = q->dest;
	c->timeouts = q->timeouts;
	c->mark = q->mark;
	memcpy(c->sysctl_name, q->sysctl_name, sizeof(c->sysctl_name));
	c->sysctl_set = true;
	c->sysctl_value = q->sysctl_value;
	return c->cmd != XDPVS_CTL_CMD_NONE;
}

static struct xdpvs_engine *fz_engine(void)
{
	struct xdpvs_engine_params p = { .conn_max = FZ_CONN_MAX, .seed = 1 };
	struct xdpvs_engine *e = xdpvs_engine_new(&p);
	struct xdpvs_svc_conf s = {
		.af = AF_INET, .protocol = IPPROTO_TCP, .port = htons(80),
		.sched_name = "rr", .netmask = 0xffffffff,
	};
	struct xdpvs_dest_conf d = {
		.af = AF_INET, .port = htons(80),
		.conn_flags = XDPVS_CONN_F_MASQ, .weight = 1,
	};

	fz_assert(e, "engine");
	inet_pton(AF_INET, "198.18.100.1", &s.addr);
	inet_pton(AF_INET, "198.18.1.2", &d.addr);
	fz_assert(!xdpvs_svc_add(e, &s) && !xdpvs_dest_add(e, &s, &d),
		  "configuration");
	return e;
}

/* The services of e, sent as a svc_list reply and read back. */
static void fz_list_round_trip(struct xdpvs_engine *e)
{
	struct xdpvs_ctl_reply r = { .id = 1 }, back;
	char why[XDPVS_CTL_WHY_LEN], *line = NULL;
	int len, rc, i;
	uint32_t j;

	r.nsvcs = xdpvs_svc_info_get(e, &r.svcs);
	fz_assert(r.nsvcs >= 0, "svc info");
	len = xdpvs_ctl_reply_encode(XDPVS_CTL_SVC_LIST, &r, &line);
	fz_assert(len > 0, "encode the listing: %d", len);
	rc = xdpvs_ctl_reply_decode(line, (size_t)len, XDPVS_CTL_SVC_LIST,
				    &back, why, sizeof(why));
	fz_assert(rc == 0 && back.nsvcs == r.nsvcs, "listing back %d: %s",
		  rc, why);
	for (i = 0; i < r.nsvcs; i++) {
		const struct xdpvs_svc_info *a = &r.svcs[i], *b = &back.svcs[i];

		fz_assert(!memcmp(&a->conf, &b->conf, sizeof(a->conf)) &&
			  a->num_dests == b->num_dests, "service %d", i);
		for (j = 0; j < a->num_dests; j++)
			fz_assert(!memcmp(&a->dests[j].conf, &b->dests[j].conf,
					  sizeof(a->dests[j].conf)),
				  "service %d, real server %u", i, j);
	}
	free(line);
	xdpvs_ctl_reply_free(&back);
	xdpvs_svc_info_free(r.svcs, r.nsvcs);
}

static void fz_carry_out(const struct xdpvs_ctl_req *q)
{
	struct xdpvs_engine *e = fz_engine();
	struct xdpvs_ctl_err err = { 0 };
	struct xdpvs_ctl_cmd cmd;
	int rc;

	if (fz_cmd_of(q, &cmd)) {
		rc = xdpvs_ctl_apply(e, &cmd, &err);
		fz_assert(rc <= 0 && rc >= -4095 && (!rc || err.msg[0]),
			  "apply %d '%s'", rc, err.msg);
	} else if (q->type == XDPVS_CTL_MARK_FLUSH) {
		xdpvs_mark_flush(e);
	}
	fz_check_engine(e, FZ_CONN_MAX);
	fz_list_round_trip(e);
	xdpvs_engine_free(e);
}

static void fz_request(const char *buf, size_t len, bool carry_out)
{
	struct xdpvs_ctl_req q;
	char why[XDPVS_CTL_WHY_LEN];
	int rc;

	memset(why, 'x', sizeof(why));
	rc = xdpvs_ctl_req_decode(buf, len, &q, why, sizeof(why));
	if (rc) {
		fz_check_why(rc, why);
		return;
	}
	fz_check_req(&q);
	fz_req_round_trip(&q);
	if (carry_out)
		fz_carry_out(&q);
}

/* ---- replies ---- */

static void fz_check_reply(const struct xdpvs_ctl_reply *r)
{
	fz_assert(r->err <= 0 && r->err >= -4095, "err %d", r->err);
	fz_assert(fz_has_nul(r->msg, sizeof(r->msg)), "msg");
	fz_assert(r->nsvcs >= 0 && r->nconns >= 0 && r->nsysctls >= 0 &&
		  r->nmarks >= 0 && r->ndaemons >= 0, "counts");
	fz_assert((!r->nsvcs || r->svcs) && (!r->nconns || r->conns) &&
		  (!r->nsysctls || r->sysctls) && (!r->nmarks || r->marks) &&
		  (!r->ndaemons || r->daemons), "arrays");
	fz_assert(fz_has_nul(r->info.version, sizeof(r->info.version)),
		  "version");
}

static bool fz_same_svcs(const struct xdpvs_ctl_reply *a,
			 const struct xdpvs_ctl_reply *b)
{
	int i;

	if (a->nsvcs != b->nsvcs)
		return false;
	for (i = 0; i < a->nsvcs; i++) {
		const struct xdpvs_svc_info *x = &a->svcs[i], *y = &b->svcs[i];

		if (memcmp(&x->conf, &y->conf, sizeof(x->conf)) ||
		    memcmp(&x->stats, &y->stats, sizeof(x->stats)) ||
		    memcmp(&x->rates, &y->rates, sizeof(x->rates)) ||
		    x->num_dests != y->num_dests ||
		    (x->num_dests && memcmp(x->dests, y->dests,
					    x->num_dests * sizeof(*x->dests))))
			return false;
	}
	return true;
}

/* n elements of size bytes at a and b are the same. */
static bool fz_same(const void *a, const void *b, int n, size_t size)
{
	return !n || !memcmp(a, b, (size_t)n * size);
}

static void fz_reply_round_trip(enum xdpvs_ctl_msg type,
				const struct xdpvs_ctl_reply *r)
{
	struct xdpvs_ctl_reply b;
	char why[XDPVS_CTL_WHY_LEN], *line = NULL;
	int len = xdpvs_ctl_reply_encode(type, r, &line), rc;

	fz_assert(len > 0, "encode %d", len);
	rc = xdpvs_ctl_reply_decode(line, (size_t)len, type, &b, why,
				    sizeof(why));
	fz_assert(rc == 0, "decode back %d: %s (%s)", rc, why, line);
	fz_assert(b.id == r->id && b.err == r->err && !strcmp(b.msg, r->msg) &&
		  b.tab_size == r->tab_size &&
		  !memcmp(&b.timeouts, &r->timeouts, sizeof(b.timeouts)) &&
		  !memcmp(&b.timeouts_def, &r->timeouts_def,
			  sizeof(b.timeouts_def)) &&
		  !memcmp(&b.info, &r->info, sizeof(b.info)), "fields: %s",
		  line);
	fz_assert(fz_same_svcs(r, &b) && b.nconns == r->nconns &&
		  fz_same(r->conns, b.conns, r->nconns, sizeof(*b.conns)) &&
		  b.nsysctls == r->nsysctls &&
		  fz_same(r->sysctls, b.sysctls, r->nsysctls,
			  sizeof(*b.sysctls)) &&
		  b.nmarks == r->nmarks &&
		  fz_same(r->marks, b.marks, r->nmarks, sizeof(*b.marks)) &&
		  b.ndaemons == r->ndaemons &&
		  fz_same(r->daemons, b.daemons, r->ndaemons,
			  sizeof(*b.daemons)), "arrays: %s", line);
	free(line);
	xdpvs_ctl_reply_free(&b);
}

static void fz_reply(const char *buf, size_t len, enum xdpvs_ctl_msg type)
{
	struct xdpvs_ctl_reply r;
	char why[XDPVS_CTL_WHY_LEN];
	int rc;

	memset(why, 'x', sizeof(why));
	rc = xdpvs_ctl_reply_decode(buf, len, type, &r, why, sizeof(why));
	if (rc) {
		fz_check_why(rc, why);
		fz_assert(!r.svcs && !r.conns && !r.sysctls && !r.marks &&
			  !r.daemons, "refused, yet held");
		return;
	}
	fz_check_reply(&r);
	fz_reply_round_trip(type, &r);
	xdpvs_ctl_reply_free(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum xdpvs_ctl_msg type;
	uint8_t *buf;
	size_t len;

	if (size < 1)
		return 0;
	buf = fz_payload(data, size, &len);
	type = (enum xdpvs_ctl_msg)(1 + ((data[0] >> 1) & 31) %
					    (XDPVS_CTL_MSG_MAX - 1));
	if (data[0] & 1)
		fz_reply((const char *)buf, len, type);
	else
		fz_request((const char *)buf, len, data[0] & 64);
	free(buf);
	return 0;
}
