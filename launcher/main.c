/* sandbox-run: enforce a two-phase seccomp policy on a program. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "exitcodes.h"
#include "launch.h"
#include "lookup.h"
#include "msg.h"
#include "util.h"

/* The policy file: --policy as a path (it has a slash), else NAME, or the
 * program's base name, on the search path (lookup.h). Not found is 125,
 * with the directories tried; a file of that name here is pointed out,
 * never used. With -v the file used is said. */
static void resolve_policy(struct run_opts *o, char *path, size_t len)
{
	const char *name = o->policy ? o->policy : basename(o->argv[0]);
	char file[256];
	struct stat st;
	int r = sb_policy_lookup(name, getenv("SANDBOX_POLICY_PATH"), path, len);

	if (r == -ENOENT) {
		bool here = sb_policy_file_name(name, file, sizeof(file)) == 0 && stat(file, &st) == 0;
		sb_die("no policy %s in %s (SANDBOX_POLICY_PATH, then the system's)%s%s", file, path,
		       here ? "; for the one in the current directory say --policy ./" : "",
		       here ? file : "");
	}
	if (r < 0)
		sb_die("policy %s: %s", name, strerror(-r));
	o->policy = path;
	if (o->verbose && !o->quiet)
		sb_warn("policy %s", path);
}

int main(int argc, char **argv)
{
	struct run_opts o;
	struct launcher L = {.o = &o};
	char err[256], policy[PATH_MAX];

	sb_progname = "sandbox-run";
	sb_die_status = SB_EXIT_LAUNCHER;
	if (run_parse_args(argc, argv, &o, err, sizeof(err)) < 0)
		sb_die("%s", err);
	if (o.help) {
		fputs(run_usage, stdout);
		return SB_EXIT_OK;
	}
	if (o.version) {
		printf("sandbox-run %s\n", SB_VERSION);
		return SB_EXIT_OK;
	}
	resolve_policy(&o, policy, sizeof(policy));
	int status = launch(&L);
	launcher_free(&L);
	return status;
}
