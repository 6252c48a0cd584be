/* sandbox-run: enforce a two-phase seccomp policy on a program. */
#include <stdio.h>

#include "cli.h"
#include "exitcodes.h"
#include "launch.h"
#include "msg.h"
#include "util.h"

int main(int argc, char **argv)
{
	struct run_opts o;
	struct launcher L = {.o = &o};
	char err[256];

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
	int status = launch(&L);
	launcher_free(&L);
	return status;
}
