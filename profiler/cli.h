/* cli.h - sandbox-profile's command line. parse_args() has no side effects
 * (it neither prints nor exits), so it is unit-tested. */
#ifndef SB_PROFILER_CLI_H
#define SB_PROFILER_CLI_H

#include <stdbool.h>

#include "policy.h"

enum marker_mode {
	MARKER_NONE, /* single phase */
	MARKER_LIST, /* user-named syscalls or families */
	MARKER_AUTO, /* detected: see sb_phase_auto_rules */
};

enum backend {
	BACKEND_DEFAULT, /* ptrace, nothing said about it */
	BACKEND_PTRACE,
	BACKEND_EBPF,
	BACKEND_AUTO, /* ebpf if it loads, else ptrace */
};

struct profile_opts {
	enum marker_mode marker_mode;
	const char *markers;      /* MARKER_LIST: comma-separated */
	int marker_fd;            /* -1: any */
	const char *marker_after; /* NULL: none */
	const char *output;       /* NULL: ./BASENAME.ini */
	bool merge;
	struct sb_action def;
	const char *capabilities; /* kept while profiling and in the policy; NULL: none */
	int settle_timeout_ms;
	enum sb_args_mode args; /* argument conditions (args.h) */
	enum backend backend;
	bool restart;   /* --restart=on: the supervisor rule (restart.h) */
	int attach_pid; /* --attach: record this running process; 0: run argv */
	int duration_s; /* --attach: stop after this long; 0: at SIGINT/SIGTERM */
	bool tree;
	bool quiet;
	bool help;
	bool version;
	char **argv; /* the program and its arguments (--attach: none) */
};

/* Returns 0, or -1 with a message in err (usage error: exit 125). */
int profile_parse_args(int argc, char **argv, struct profile_opts *o, char *err, size_t errlen);

extern const char profile_usage[];

#endif
