// SPDX-License-Identifier: GPL-2.0-only
/*
 * Replay a fuzz corpus without libFuzzer: each file named, or each file
 * of each directory named (in name order), is read and handed to the
 * harness's LLVMFuzzerTestOneInput() once.  A broken invariant aborts in
 * the harness; under make check SAN=1 the sanitizers watch as well.
 * Prints one line: how many inputs ran.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

#define REPLAY_MAX_INPUT (1 << 20)	/* bytes; corpus files are small */

/* Run the file at path; 0, or -errno when it cannot be read. */
static int replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	size_t n;

	if (!f)
		return -errno;
	buf = malloc(REPLAY_MAX_INPUT);
	if (!buf) {
		fclose(f);
		return -ENOMEM;
	}
	n = fread(buf, 1, REPLAY_MAX_INPUT, f);
	fclose(f);
	/* The harness gets an exactly-sized copy, as libFuzzer gives. */
	{
		uint8_t *in = malloc(n);

		if (!in && n) {
			free(buf);
			return -ENOMEM;
		}
		memcpy(in, buf, n);
		free(buf);
		LLVMFuzzerTestOneInput(in, n);
		free(in);
	}
	return 0;
}

static int replay_name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Run every regular file of dir, in name order; the count, or -errno. */
static int replay_dir(const char *dir)
{
	struct dirent **ents;
	int n = scandir(dir, &ents, NULL, NULL), i, ran = 0, err = 0;

	if (n < 0)
		return -errno;
	qsort(ents, (size_t)n, sizeof(*ents), replay_name_cmp);
	for (i = 0; i < n; i++) {
		char path[4096];
		struct stat st;

		snprintf(path, sizeof(path), "%s/%s", dir, ents[i]->d_name);
		if (!err && stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
			err = replay_file(path);
			if (err)
				fprintf(stderr, "replay: %s: %s\n", path,
					strerror(-err));
			ran++;
		}
		free(ents[i]);
	}
	free(ents);
	return err ? err : ran;
}

int main(int argc, char **argv)
{
	int i, total = 0, r;

	for (i = 1; i < argc; i++) {
		struct stat st;

		if (stat(argv[i], &st) < 0) {
			fprintf(stderr, "replay: %s: %s\n", argv[i],
				strerror(errno));
			return 1;
		}
		r = S_ISDIR(st.st_mode) ? replay_dir(argv[i])
					: replay_file(argv[i]) ?: 1;
		if (r < 0)
			return 1;
		total += r;
	}
	printf("%d inputs\n", total);
	return 0;
}
