/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The golden configuration (tests/data/ctl/setup.sh, the commands the
 * reference system ran) as the engine would list it: services in the order
 * added, each with its real servers newest first as the kernel keeps them,
 * built by parsing the commands with ctl's own parser.  Shared by the ctl
 * unit tests; the helpers here are static, so each test includes it once.
 */
#ifndef XDPVS_TEST_CTL_GOLDEN_H
#define XDPVS_TEST_CTL_GOLDEN_H

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "ctl/cmd.h"
#include "ctl/internal.h"

#define GOLDEN_DATA	"tests/data/ctl/"
#define GOLDEN_MAX_SVC	16
#define GOLDEN_MAX_DEST	8

struct golden_table {
	int n;
	struct xdpvs_svc_info svcs[GOLDEN_MAX_SVC];
	struct xdpvs_dest_info dests[GOLDEN_MAX_SVC][GOLDEN_MAX_DEST];
};

/* Same service: ipvsadm's identity <fwmark> or <af, proto, addr, port>. */
static inline int golden_same_svc(const struct xdpvs_svc_conf *a,
				  const struct xdpvs_svc_conf *b)
{
	if (a->fwmark || b->fwmark)
		return a->fwmark == b->fwmark && a->af == b->af;
	return a->af == b->af && a->protocol == b->protocol &&
	       a->port == b->port && xdpvs_addr_equal(a->af, &a->addr, &b->addr);
}

static inline struct xdpvs_svc_info *golden_find(struct golden_table *t,
						 const struct xdpvs_svc_conf *c)
{
	int i;

	for (i = 0; i < t->n; i++)
		if (golden_same_svc(&t->svcs[i].conf, c))
			return &t->svcs[i];
	return NULL;
}

/* Add a command's service or real server (at the head, as the kernel). */
static inline int golden_apply(struct golden_table *t,
			       const struct xdpvs_ctl_cmd *cmd)
{
	struct xdpvs_svc_info *s;

	if (cmd->cmd == XDPVS_CTL_CMD_ADD_SERVICE) {
		if (t->n == GOLDEN_MAX_SVC || golden_find(t, &cmd->svc))
			return -1;
		s = &t->svcs[t->n];
		memset(s, 0, sizeof(*s));
		s->conf = cmd->svc;
		s->dests = t->dests[t->n++];
		return 0;
	}
	if (cmd->cmd != XDPVS_CTL_CMD_ADD_DEST)
		return 0;
	s = golden_find(t, &cmd->svc);
	if (!s || s->num_dests == GOLDEN_MAX_DEST)
		return -1;
	memmove(&s->dests[1], &s->dests[0],
		s->num_dests * sizeof(s->dests[0]));
	memset(&s->dests[0], 0, sizeof(s->dests[0]));
	s->dests[0].conf = cmd->dest;
	s->num_dests++;
	return 0;
}

/* Build the table from setup.sh's ipvsadm lines; 0 or -1. */
static inline int golden_build(struct golden_table *t)
{
	FILE *f = fopen(GOLDEN_DATA "setup.sh", "r");
	struct xdpvs_ctl_cmd cmd;
	struct xdpvs_ctl_err err;
	char line[512];
	int rc = 0;

	memset(t, 0, sizeof(*t));
	if (!f)
		return -1;
	while (!rc && fgets(line, sizeof(line), f)) {
		if (strncmp(line, "ipvsadm ", 8))
			continue;
		if (xdpvs_ctl_parse_line(line, NULL, &cmd, &err) != 1)
			rc = -1;
		else
			rc = golden_apply(t, &cmd);
	}
	fclose(f);
	return rc;
}

/* A service as the golden listings name it: "TCP 198.18.100.1:80",
 * "FWM 1", "FWM 2 IPv6". */
static inline void golden_label(char *buf, size_t len,
				const struct xdpvs_svc_conf *s)
{
	char a[XDPVS_CTL_ADDRPORT_LEN];

	if (s->fwmark) {
		snprintf(buf, len, "FWM %u%s", s->fwmark,
			 s->af == AF_INET6 ? " IPv6" : "");
		return;
	}
	xdpvs_ctl_addrport(a, sizeof(a), s->af, &s->addr, ntohs(s->port), 0,
			   XDPVS_CTL_FMT_NUMERIC);
	snprintf(buf, len, "%s %s", xdpvs_ctl_proto_name(s->protocol), a);
}

/* A whole file, NUL-terminated; free() it.  NULL if unreadable. */
static inline char *golden_read(const char *name)
{
	char path[256], *buf = NULL;
	size_t len = 0;
	FILE *f, *m;
	int c;

	snprintf(path, sizeof(path), GOLDEN_DATA "%s", name);
	f = fopen(path, "r");
	if (!f)
		return NULL;
	m = open_memstream(&buf, &len);
	while ((c = fgetc(f)) != EOF)
		fputc(c, m);
	fclose(m);
	fclose(f);
	return buf;
}

#endif
