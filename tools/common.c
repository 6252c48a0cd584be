/* common.c - what the subcommands of sandbox-policy share: reading and
 * writing through lib/, errors, option parsing.
 *
 * Invariant: a policy error is reported as lib/ worded it, file:line
 * first, and is exit 125; a bad command line is exit 2.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"
#include "tool.h"

_Noreturn void tool_fail(const struct sb_error *e, const char *what, int r)
{
	if (e != NULL && e->line)
		sb_die("%s:%d: %s", e->file, e->line, e->msg);
	sb_die("%s: %s", what, e != NULL && e->msg[0] ? e->msg : strerror(-r));
}

struct sb_policy *tool_read(const char *path)
{
	struct sb_error err = {0};
	struct sb_policy *p = NULL;
	int r = sb_policy_read(path, &p, &err);

	if (r < 0)
		tool_fail(&err, path, r);
	return p;
}

void tool_write(const struct sb_policy *p, const char *out)
{
	int r = out ? sb_policy_write(p, out) : sb_policy_write_stream(p, stdout);

	if (r == 0 && !out && fflush(stdout) != 0)
		r = -EIO;
	if (r < 0)
		sb_die("cannot write %s: %s", out ? out : "the policy to stdout",
		       r == -EINVAL ? "the policy is not one the reader would accept" : strerror(-r));
}

_Noreturn void tool_usage(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", sb_progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see sandbox-policy --help)\n");
	exit(TOOL_USAGE);
}

/* Options come before the operands; "--" ends them. */
int tool_options(int argc, char **argv, const char **out, const struct tool_flag *flags)
{
	int i = 1;

	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		const char *a = argv[i];
		bool known = false;

		if (!strcmp(a, "--"))
			return i + 1;
		if (out != NULL && !strcmp(a, "-o") && i + 1 < argc) {
			*out = argv[++i];
			continue;
		}
		for (const struct tool_flag *f = flags; f && f->name && !known; f++) {
			size_t n = strlen(f->name);
			if (f->letter && !f->arg && a[1] == f->letter && a[2] == '\0') {
				known = *f->set = true;
				continue;
			}
			if (strncmp(a, "--", 2) || strncmp(a + 2, f->name, n))
				continue;
			if (f->arg && a[2 + n] == '=')
				*f->arg = a + 3 + n;
			else if (!f->arg && a[2 + n] == '\0')
				*f->set = true;
			else
				continue;
			known = true;
		}
		if (!known)
			tool_usage("unknown option or missing argument: %s", a);
	}
	return i;
}

static int nr_by_name(const void *a, const void *b)
{
	char x[SB_NAME_LEN], y[SB_NAME_LEN];

	return strcmp(sb_syscall_name(*(const int *)a, x, sizeof(x)),
	              sb_syscall_name(*(const int *)b, y, sizeof(y)));
}

void tool_sorted_nrs(int nrs[SB_NR_MAX])
{
	for (int nr = 0; nr < SB_NR_MAX; nr++)
		nrs[nr] = nr;
	qsort(nrs, SB_NR_MAX, sizeof(nrs[0]), nr_by_name);
}
