// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fuzz harness for the ipvsadm language as a rules file (ctl/rules.c,
 * ctl/parse.c, ctl/parse_ext.c): what `xdpvsadm -R` and `xdpvsd -c` read,
 * and what a kept data path's configuration is (dp/keep.c's "XVSC"
 * section, saved with xdpvs_ctl_save()).  Arbitrary text is read with
 * xdpvs_ctl_rules_read(); every command accepted is printed back and
 * carried out on an engine, whose configuration is then saved and read
 * again into a second engine.
 *
 * Input: the text of a rules file, as it is (no control byte).  Host
 * names never resolve (common.c); service names do, from /etc/services.
 *
 * Invariants (abort() if broken):
 *  - a line refused stops the reading with -EINVAL, an exit status
 *    ipvsadm uses (1, 2, 255) and a message "fuzz:LINE: reason";
 *  - a command accepted that has a rule form (-A, -E, -a, -e, --set,
 *    --sysctl NAME=VALUE, --add-mark, --del-mark, --start-daemon) and
 *    whose names a rules line can carry (not "ipvsadm", not "#..."),
 *    printed as -S prints it (print.h, with the thresholds
 *    xdpvs_ctl_save() adds), parses again to the same command: the same
 *    service (its netmask and timeout when persistent: -S shows them
 *    only then), real server, timeouts, switch, mark rule or daemon;
 *  - carried out on an engine, a command is done or refused with
 *    ipvsadm's words; the engine's configuration saved
 *    (xdpvs_ctl_save()) reads back, every line accepted and carried out,
 *    into a second engine whose configuration saves to the same text.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xdpvs/engine.h>

#include "ctl/cmd.h"
#include "ctl/print.h"
#include "fuzz.h"

#define FZ_CONN_MAX 16
#define FZ_FMT (XDPVS_CTL_FMT_RULE | XDPVS_CTL_FMT_RULE_FULL | \
		XDPVS_CTL_FMT_NUMERIC)

/* What is read: the engine it is carried out on, and whether every
 * command must succeed (a saved configuration read back). */
struct fz {
	struct xdpvs_engine *e;
	bool must_apply;
};

/* ---- printed back ---- */

/* The command the one line of text (printed by print.h) parses to. */
static void fz_parse_back(const char *text, struct xdpvs_ctl_cmd *back)
{
	struct xdpvs_ctl_err err = { 0 };
	int rc = xdpvs_ctl_parse_line(text, NULL, back, &err);

	fz_assert(rc == 1, "'%s' does not parse back: %d %s", text, rc,
		  err.msg);
}

/* The last line of what print wrote to a memory stream, parsed. */
static void fz_print_back(char *buf, size_t len, struct xdpvs_ctl_cmd *back)
{
	char *last;

	fz_assert(len && buf[len - 1] == '\n', "printed '%s'", buf);
	buf[len - 1] = '\0';
	last = strrchr(buf, '\n');
	fz_parse_back(last ? last + 1 : buf, back);
}

static bool fz_same_svc(const struct xdpvs_svc_conf *a,
			const struct xdpvs_svc_conf *b)
{
	bool persistent = a->flags & XDPVS_SVC_F_PERSISTENT;

	return a->af == b->af && a->protocol == b->protocol &&
	       !memcmp(&a->addr, &b->addr, sizeof(a->addr)) &&
	       a->port == b->port && a->fwmark == b->fwmark &&
	       !strcmp(a->sched_name, b->sched_name) &&
	       !strcmp(a->pe_name, b->pe_name) && a->flags == b->flags &&
	       (!persistent || (a->timeout == b->timeout &&
				a->netmask == b->netmask));
}

/* A service (with its real server for -a, -e) as -S prints it. */
static void fz_svc_back(const struct xdpvs_ctl_cmd *c, bool dest)
{
	struct xdpvs_dest_info di = { .conf = c->dest };
	struct xdpvs_svc_info si = { .conf = c->svc, .dests = &di,
				     .num_dests = dest };
	struct xdpvs_ctl_cmd back;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	fz_assert(f, "open_memstream");
	fz_assert(!xdpvs_ctl_print_service(f, &si, FZ_FMT), "print");
	fclose(f);
	fz_print_back(buf, len, &back);
	fz_assert(fz_same_svc(&c->svc, &back.svc), "service: '%s'", buf);
	fz_assert(!dest || !memcmp(&c->dest, &back.dest, sizeof(back.dest)),
		  "real server: '%s'", buf);
	free(buf);
}

/* The rule form of the other commands that have one. */
static void fz_other_back(const struct xdpvs_ctl_cmd *c)
{
	const char *name = c->sysctl_name;
	struct xdpvs_ctl_cmd back;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	fz_assert(f, "open_memstream");
	switch (c->cmd) {
	case XDPVS_CTL_CMD_SET_TIMEOUT:
		xdpvs_ctl_print_timeouts(f, &c->timeouts, FZ_FMT);
		break;
	case XDPVS_CTL_CMD_SYSCTL:
		xdpvs_ctl_print_sysctls(f, &name, &c->sysctl_value, 1, FZ_FMT);
		break;
	case XDPVS_CTL_CMD_ADD_MARK:
	case XDPVS_CTL_CMD_DEL_MARK:
		xdpvs_ctl_print_marks(f, &c->mark, 1, FZ_FMT);
		break;
	default:	/* --start-daemon */
		xdpvs_ctl_print_daemons(f, &c->daemon, 1, FZ_FMT);
		break;
	}
	fclose(f);
	fz_print_back(buf, len, &back);
	fz_assert(!memcmp(&c->timeouts, &back.timeouts, sizeof(c->timeouts)) &&
		  !strcmp(c->sysctl_name, back.sysctl_name) &&
		  c->sysctl_value == back.sysctl_value &&
		  !memcmp(&c->mark, &back.mark, sizeof(c->mark)) &&
		  !memcmp(&c->daemon, &back.daemon, sizeof(c->daemon)),
		  "'%s'", buf);
	free(buf);
}

/* Can s be written as one word of a rules line?  Not "ipvsadm" nor a
 * word starting with '#', which the reader drops (popt still takes them
 * glued to an option: "-s#x"); the engine knows no scheduler or PE so
 * named, so only the sync daemon's interface could be lost this way. */
static bool fz_is_word(const char *s)
{
	return s[0] != '#' && strcmp(s, "ipvsadm");
}

static void fz_back(const struct xdpvs_ctl_cmd *c)
{
	if (!fz_is_word(c->svc.sched_name) || !fz_is_word(c->svc.pe_name) ||
	    !fz_is_word(c->daemon.mcast_ifn))
		return;
	switch (c->cmd) {
	case XDPVS_CTL_CMD_ADD_SERVICE:
	case XDPVS_CTL_CMD_EDIT_SERVICE:
		fz_svc_back(c, false);
		break;
	case XDPVS_CTL_CMD_ADD_DEST:
	case XDPVS_CTL_CMD_EDIT_DEST:
		fz_svc_back(c, true);
		break;
	case XDPVS_CTL_CMD_SYSCTL:
		if (c->sysctl_set)
			fz_other_back(c);
		break;
	case XDPVS_CTL_CMD_SET_TIMEOUT:
	case XDPVS_CTL_CMD_ADD_MARK:
	case XDPVS_CTL_CMD_DEL_MARK:
	case XDPVS_CTL_CMD_START_DAEMON:
		fz_other_back(c);
		break;
	default:
		break;
	}
}

/* ---- carried out ---- */

static int fz_rule(const struct xdpvs_ctl_cmd *cmd,
		   const struct xdpvs_ctl_rule_pos *pos, void *arg,
		   struct xdpvs_ctl_err *err)
{
	struct fz *z = arg;
	int rc;

	if (!z->must_apply)
		fz_back(cmd);
	rc = xdpvs_ctl_apply(z->e, cmd, err);
	if (rc == -EOPNOTSUPP && !z->must_apply)
		return 0;	/* listings, the sync daemon: not the engine's */
	fz_assert(!rc || (rc < 0 && err->msg[0]), "apply %d", rc);
	fz_assert(!rc || !z->must_apply, "saved line %u refused: %s",
		  pos->line, err->msg);
	return 0;	/* refused: the next line still applies */
}

/* Read n bytes of text at buf into z's engine; the count or -errno. */
static int fz_read(const char *buf, size_t n, struct fz *z,
		   struct xdpvs_ctl_err *err)
{
	FILE *f = fmemopen((void *)buf, n, "r");
	int rc;

	fz_assert(f, "fmemopen");
	rc = xdpvs_ctl_rules_read(f, "fuzz", NULL, fz_rule, z, err);
	fclose(f);
	return rc;
}

static struct xdpvs_engine *fz_engine(void)
{
	struct xdpvs_engine_params p = { .conn_max = FZ_CONN_MAX, .seed = 1 };
	struct xdpvs_engine *e = xdpvs_engine_new(&p);

	fz_assert(e, "engine");
	return e;
}

/* e's configuration as xdpvs_ctl_save() writes it; free(). */
static char *fz_save(struct xdpvs_engine *e, size_t *len)
{
	struct xdpvs_ctl_err err = { 0 };
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	fz_assert(f, "open_memstream");
	fz_assert(!xdpvs_ctl_save(e, f, &err), "save: %s", err.msg);
	fclose(f);
	return buf;
}

/* e's configuration, saved, read back into a new engine, saves the same. */
static void fz_save_round_trip(struct xdpvs_engine *e)
{
	struct fz back = { .e = fz_engine(), .must_apply = true };
	struct xdpvs_ctl_err err = { 0 };
	size_t len, len2;
	char *text = fz_save(e, &len), *text2;
	int rc = len ? fz_read(text, len, &back, &err) : 0;

	fz_assert(rc >= 0, "saved text refused: %s\n%s", err.msg, text);
	text2 = fz_save(back.e, &len2);
	fz_assert(len == len2 && !memcmp(text, text2, len),
		  "saved\n%s\nsaved again\n%s", text, text2);
	free(text);
	free(text2);
	xdpvs_engine_free(back.e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz z = { .e = fz_engine() };
	struct xdpvs_ctl_err err = { 0 };
	int rc;

	/* fmemopen() wants bytes: an empty file reads as nothing. */
	rc = size ? fz_read((const char *)data, size, &z, &err) : 0;
	if (rc < 0) {
		fz_assert(rc == -EINVAL, "read %d", rc);
		fz_assert(err.status == XDPVS_CTL_EXIT_LIST ||
			  err.status == XDPVS_CTL_EXIT_PARSE ||
			  err.status == XDPVS_CTL_EXIT_OTHER, "status %d",
			  err.status);
		fz_assert(!strncmp(err.msg, "fuzz:", 5) &&
			  strlen(err.msg) < sizeof(err.msg) &&
			  strlen(err.msg) > strcspn(err.msg, " ") + 1,
			  "message '%s'", err.msg);
	}
	fz_save_round_trip(z.e);
	xdpvs_engine_free(z.e);
	return 0;
}
