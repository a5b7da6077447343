// SPDX-License-Identifier: GPL-2.0-only
/*
 * Rules files: the text ipvsadm -S writes and ipvsadm -R reads, one command
 * per line.  As ipvsadm's config_stream.c does, a line is split on blanks,
 * every word "ipvsadm" is dropped and what is left is parsed as a command
 * line; as the ipvsadm-restore script does, '#' comments are skipped (here
 * from any word that starts with '#' to the end of the line).  Parse errors
 * name the file and line: "rules.txt:3: Zero port specified for
 * non-persistent service".  Used by -R, xdpvs-replay and the daemon's
 * loader, which apply each command through a callback.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Longest line, in characters (ipvsadm's MAX_LINE_LENGTH). */
#define RULES_MAX_LINE	4096
#define RULES_BLANKS	" \t\r\n"

/* Split buf in place into words after argv[0]; returns argc. */
static int rules_split(char *buf, const char *prog, char **argv, int max)
{
	char *w, *save;
	int argc = 0;

	argv[argc++] = (char *)prog;
	for (w = strtok_r(buf, RULES_BLANKS, &save); w;
	     w = strtok_r(NULL, RULES_BLANKS, &save)) {
		if (w[0] == '#')
			break;
		if (!strcmp(w, "ipvsadm"))
			continue;
		if (argc == max)
			return -1;
		argv[argc++] = w;
	}
	return argc;
}

int xdpvs_ctl_parse_line(const char *line, const char *prog,
			 struct xdpvs_ctl_cmd *cmd, struct xdpvs_ctl_err *err)
{
	char buf[RULES_MAX_LINE + 1];
	char *argv[XDPVS_CTL_MAX_ARGS];
	int argc, rc;

	if (!prog)
		prog = "ipvsadm";
	if (strlen(line) > RULES_MAX_LINE)
		return xdpvs_ctl_fail(err, XDPVS_CTL_EXIT_PARSE,
				      "line too long");
	strcpy(buf, line);
	argc = rules_split(buf, prog, argv, XDPVS_CTL_MAX_ARGS);
	if (argc < 0)
		return xdpvs_ctl_fail(err, XDPVS_CTL_EXIT_PARSE,
				      "too many arguments");
	if (argc == 1)
		return 0;
	rc = xdpvs_ctl_parse(argc, argv, cmd, err);
	if (rc)
		return rc;
	/* ipvsadm -R refuses -R on its input (it would loop). */
	if (cmd->cmd == XDPVS_CTL_CMD_RESTORE)
		return xdpvs_ctl_fail(err, XDPVS_CTL_EXIT_OTHER,
			"Try `%s -h' or '%s --help' for more information.",
			prog, prog);
	return 1;
}

/* Put "name:line: " before the message in err. */
static void rules_locate(struct xdpvs_ctl_err *err, const char *name,
			 unsigned int line)
{
	char msg[XDPVS_CTL_ERR_MSGLEN];

	memcpy(msg, err->msg, sizeof(msg));
	snprintf(err->msg, sizeof(err->msg), "%s:%u: %.*s", name, line,
		 (int)(sizeof(err->msg) / 2), msg);
}

int xdpvs_ctl_rules_read(FILE *in, const char *name, const char *prog,
			 xdpvs_ctl_rule_fn fn, void *arg,
			 struct xdpvs_ctl_err *err)
{
	struct xdpvs_ctl_rule_pos pos = { .file = name, .line = 0 };
	struct xdpvs_ctl_cmd cmd;
	char *line = NULL;
	size_t cap = 0;
	int rc = 0, count = 0;

	while (getline(&line, &cap, in) >= 0) {
		pos.line++;
		rc = xdpvs_ctl_parse_line(line, prog, &cmd, err);
		if (rc < 0) {
			rules_locate(err, name, pos.line);
			break;
		}
		if (rc == 0)
			continue;
		rc = fn ? fn(&cmd, &pos, arg, err) : 0;
		if (rc < 0)
			break;
		count++;
	}
	free(line);
	if (rc >= 0 && ferror(in)) {
		xdpvs_ctl_fail(err, XDPVS_CTL_EXIT_OTHER, "%s: read error",
			       name);
		rc = -EIO;
	}
	return rc < 0 ? rc : count;
}

int xdpvs_ctl_rules_load(const char *path, const char *prog,
			 xdpvs_ctl_rule_fn fn, void *arg,
			 struct xdpvs_ctl_err *err)
{
	FILE *f;
	int rc;

	if (!strcmp(path, "-"))
		return xdpvs_ctl_rules_read(stdin, "-", prog, fn, arg, err);
	f = fopen(path, "r");
	if (!f) {
		rc = -errno;
		xdpvs_ctl_fail(err, XDPVS_CTL_EXIT_OTHER, "%s: %s", path,
			       strerror(-rc));
		return rc;
	}
	rc = xdpvs_ctl_rules_read(f, path, prog, fn, arg, err);
	fclose(f);
	return rc;
}
