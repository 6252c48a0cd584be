/* check.c - sandbox-policy check: each file reads and builds into both
 * filters, as sandbox-run --check requires; the report is lib/'s
 * (sb_policy_describe), the one `sandbox-run --check -v` prints.
 */
#include <seccomp.h>
#include <stdio.h>
#include <string.h>

#include "describe.h"
#include "filter.h"
#include "msg.h"
#include "tool.h"

/* A policy that cannot become a filter is as bad as one that does not read. */
static int build(const struct sb_policy *p, enum sb_filter_kind kind, const char *path)
{
	scmp_filter_ctx ctx = NULL;
	int r = sb_filter_build(p, kind, SB_MODE_ENFORCE, &ctx);

	if (ctx != NULL)
		seccomp_release(ctx);
	if (r < 0)
		sb_warn("%s: cannot build the %s filter: %s", path, kind == SB_FILTER_F1 ? "init" : "serving",
		        strerror(-r));
	return r;
}

int cmd_check(int argc, char **argv)
{
	bool quiet = false;
	const struct tool_flag flags[] = {{"quiet", 'q', &quiet, NULL}, {NULL, 0, NULL, NULL}};
	int i = tool_options(argc, argv, NULL, flags), status = TOOL_OK;

	if (i >= argc)
		tool_usage("no policy file given");
	for (; i < argc; i++) {
		struct sb_policy *p = tool_read(argv[i]);
		if (build(p, SB_FILTER_F1, argv[i]) < 0 ||
		    (p->has_transition && build(p, SB_FILTER_F2, argv[i]) < 0))
			status = TOOL_ERROR;
		else if (!quiet && sb_policy_describe(stdout, p, argv[i], SB_MODE_ENFORCE) < 0)
			sb_die("cannot write the report");
		free(p);
	}
	return status;
}
