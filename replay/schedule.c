// SPDX-License-Identifier: GPL-2.0-only
/*
 * The rules file of xdpvs-replay (see schedule.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schedule.h"

/* "FILE:LINE: " before a message. */
static void sched_locate(struct xdpvs_ctl_err *err, const char *file,
			 unsigned int line, const char *msg)
{
	char m[XDPVS_CTL_ERR_MSGLEN];

	snprintf(m, sizeof(m), "%s", msg);
	snprintf(err->msg, sizeof(err->msg), "%s:%u: %.*s", file, line,
		 (int)(sizeof(err->msg) / 2), m);
}

static int sched_apply(struct xdpvs_engine *e, const struct xdpvs_ctl_cmd *c,
		       const char *file, unsigned int line,
		       struct xdpvs_ctl_err *err)
{
	struct xdpvs_ctl_err e2;

	if (xdpvs_ctl_apply(e, c, &e2) == 0)
		return 0;
	err->status = e2.status;
	sched_locate(err, file, line, e2.msg);
	return -1;
}

/* "@SECONDS rest": the time in ns and where the command starts; lines
 * without the prefix are due at once (at = 0). */
static int sched_split(char *line, uint64_t *at, char **rest)
{
	char *end;
	double t;

	*at = 0;
	*rest = line;
	while (*line == ' ' || *line == '\t')
		line++;
	if (*line != '@')
		return 0;
	t = strtod(line + 1, &end);
	if (end == line + 1 || t < 0 || (*end != ' ' && *end != '\t'))
		return -1;
	*at = (uint64_t)(t * 1e9) + 1;	/* never 0 */
	*rest = end;
	return 0;
}

/* Keep a timed command, in time order; equal times keep file order. */
static int sched_keep(struct replay_schedule *s, uint64_t at,
		      unsigned int line, const struct xdpvs_ctl_cmd *c)
{
	struct replay_timed *t = realloc(s->timed, (size_t)(s->n + 1) *
						   sizeof(*t));
	int i;

	if (!t)
		return -1;
	s->timed = t;
	for (i = s->n; i > 0 && t[i - 1].at > at - 1; i--)
		t[i] = t[i - 1];
	t[i].at = at - 1;
	t[i].line = line;
	t[i].cmd = *c;
	s->n++;
	return 0;
}

static int sched_line(struct replay_schedule *s, char *text,
		      unsigned int line, struct xdpvs_engine *e,
		      struct xdpvs_ctl_err *err)
{
	struct xdpvs_ctl_cmd cmd;
	uint64_t at;
	char *rest;
	int rc;

	if (sched_split(text, &at, &rest)) {
		sched_locate(err, s->file, line, "invalid @time");
		err->status = XDPVS_CTL_EXIT_PARSE;
		return -1;
	}
	rc = xdpvs_ctl_parse_line(rest, "xdpvs-replay", &cmd, err);
	if (rc < 0) {
		char msg[XDPVS_CTL_ERR_MSGLEN];

		snprintf(msg, sizeof(msg), "%s", err->msg);
		sched_locate(err, s->file, line, msg);
		return -1;
	}
	if (rc == 0)
		return 0;
	if (at)
		return sched_keep(s, at, line, &cmd);
	return sched_apply(e, &cmd, s->file, line, err);
}

int replay_schedule_load(struct replay_schedule *s, const char *path,
			 struct xdpvs_engine *e, struct xdpvs_ctl_err *err)
{
	FILE *f = fopen(path, "r");
	char *text = NULL;
	size_t cap = 0;
	unsigned int line = 0;
	int rc = 0;

	memset(s, 0, sizeof(*s));
	s->file = path;
	if (!f) {
		snprintf(err->msg, sizeof(err->msg), "%s: %s", path,
			 strerror(errno));
		err->status = XDPVS_CTL_EXIT_OTHER;
		return -1;
	}
	while (rc == 0 && getline(&text, &cap, f) >= 0)
		rc = sched_line(s, text, ++line, e, err);
	free(text);
	fclose(f);
	return rc;
}

int replay_schedule_run(struct replay_schedule *s, struct xdpvs_engine *e,
			uint64_t now, struct xdpvs_ctl_err *err)
{
	for (; s->next < s->n && s->timed[s->next].at <= now; s->next++) {
		struct replay_timed *t = &s->timed[s->next];

		xdpvs_engine_tick(e, t->at);
		if (sched_apply(e, &t->cmd, s->file, t->line, err))
			return -1;
	}
	return 0;
}

void replay_schedule_free(struct replay_schedule *s)
{
	free(s->timed);
	memset(s, 0, sizeof(*s));
}
