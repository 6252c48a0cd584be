/* cli.h - sandbox-run's command line; parse_args() has no side effects. */
#ifndef SB_LAUNCHER_CLI_H
#define SB_LAUNCHER_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "filter.h"

struct run_opts {
	const char *policy; /* as given (NULL: by the program's name); main()
	                       replaces it with the file found (lookup.h) */
	enum sb_mode mode;
	const char *learn;  /* complain mode: policy with the missing lines */
	bool check;         /* validate the policy, run nothing */
	bool strict_binary; /* refuse a program other than the one profiled */
	bool fork;          /* supervise a child instead of becoming the program */
	int settle_timeout_ms;
	bool verbose;
	bool quiet;
	bool help;
	bool version;
	char **argv;
};

/* Returns 0, or -1 with a message in err (exit 125). */
int run_parse_args(int argc, char **argv, struct run_opts *o, char *err, size_t errlen);

extern const char run_usage[];

#endif
