/* edit.c - sandbox-policy merge, union, set-header and roundtrip: new
 * policies from old ones, written by lib/ (atomically with -o).
 *
 * Invariant: the combining is lib/'s (sb_policy_merge_run,
 * sb_policy_union); this file only reads operands and writes results.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"
#include "tool.h"
#include "union.h"

/* The longest comment the writer keeps whole (policy_write.c, put_comment). */
#define HEADER_LINE_MAX 197

int cmd_merge(int argc, char **argv)
{
	const char *out = NULL;
	struct sb_error err = {0};
	int i = tool_options(argc, argv, &out, NULL), r;

	if (argc - i < 2)
		tool_usage("expected FILE RUN...");
	struct sb_policy *p = tool_read(argv[i]);
	for (int k = i + 1; k < argc; k++) {
		struct sb_policy *run = tool_read(argv[k]);
		r = sb_policy_merge_run(p, run, &err);
		free(run);
		if (r < 0) {
			free(p); /* no leak report under ASan: exit 125, not LeakSanitizer's 1 */
			sb_die("cannot merge %s into %s: %s", argv[k], argv[i],
			       err.msg[0] ? err.msg : strerror(-r));
		}
	}
	tool_write(p, out);
	free(p);
	return TOOL_OK;
}

int cmd_union(int argc, char **argv)
{
	const char *out = NULL, *note = NULL;
	const struct tool_flag flags[] = {{"comment", 0, NULL, &note}, {NULL, 0, NULL, NULL}};
	struct sb_error err = {0};
	struct sb_policy *u = NULL;
	int i = tool_options(argc, argv, &out, flags), r;

	if (argc - i != 1)
		tool_usage("expected one policy FILE");
	struct sb_policy *p = tool_read(argv[i]);
	if ((r = sb_policy_union(p, note, &u, &err)) < 0)
		tool_fail(&err, argv[i], r);
	tool_write(u, out);
	free(u);
	free(p);
	return TOOL_OK;
}

/* The lines of path, as comments of p: at most SB_MAX_COMMENTS, each short
 * enough for the writer to keep whole. */
static void read_header(struct sb_policy *p, const char *path)
{
	char line[512];
	FILE *f = fopen(path, "re");
	int n = 0;

	if (f == NULL)
		sb_pdie("cannot open %s", path);
	while (fgets(line, sizeof(line), f)) {
		size_t len = strcspn(line, "\n");
		/* the writer keeps 197 bytes of a comment: longer is an error here */
		if (len > HEADER_LINE_MAX)
			sb_die("%s:%d: line longer than %d bytes", path, n + 1, HEADER_LINE_MAX);
		line[len] = '\0';
		if (n == SB_MAX_COMMENTS)
			sb_die("%s: more than %d lines", path, SB_MAX_COMMENTS);
		memcpy(p->comments[n++], line, len + 1);
	}
	if (ferror(f))
		sb_pdie("cannot read %s", path);
	fclose(f);
	p->ncomments = n;
}

int cmd_set_header(int argc, char **argv)
{
	const char *out = NULL;
	int i = tool_options(argc, argv, &out, NULL);

	if (argc - i != 2)
		tool_usage("expected FILE HEADER");
	struct sb_policy *p = tool_read(argv[i]);
	read_header(p, argv[i + 1]);
	tool_write(p, out);
	free(p);
	return TOOL_OK;
}

/* The bytes of path, NUL-terminated, or NULL. */
static char *slurp(FILE *f, size_t *len)
{
	char *buf = NULL;
	FILE *m = open_memstream(&buf, len);
	char chunk[4096];
	size_t n;

	if (m == NULL)
		return NULL;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		fwrite(chunk, 1, n, m);
	if (fclose(m) != 0 || ferror(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* Exit 0 if the file is exactly what the writer makes of it: the layout
 * sandbox-profile writes, so that a later write changes nothing else. */
int cmd_roundtrip(int argc, char **argv)
{
	char *text = NULL, *again = NULL;
	size_t tlen = 0, alen = 0;
	int i = tool_options(argc, argv, NULL, NULL), r;

	if (argc - i != 1)
		tool_usage("expected one policy FILE");
	struct sb_policy *p = tool_read(argv[i]);
	FILE *f = fopen(argv[i], "re"), *m = open_memstream(&again, &alen);
	if (f == NULL || m == NULL || (text = slurp(f, &tlen)) == NULL)
		sb_pdie("cannot read %s", argv[i]);
	fclose(f);
	r = sb_policy_write_stream(p, m);
	if (fclose(m) != 0 || r < 0)
		sb_die("%s: cannot write it back: %s", argv[i], strerror(r < 0 ? -r : EIO));
	r = tlen == alen && memcmp(text, again, tlen) == 0 ? TOOL_OK : TOOL_DIFFER;
	if (r != TOOL_OK)
		fprintf(stderr, "sandbox-policy roundtrip: %s differs from what the writer makes of it\n",
		        argv[i]);
	free(text);
	free(again);
	free(p);
	return r;
}
