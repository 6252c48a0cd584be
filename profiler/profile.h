/* profile.h - one profiling run: trace the program, fill a policy. */
#ifndef SB_PROFILER_PROFILE_H
#define SB_PROFILER_PROFILE_H

#include "cli.h"
#include "policy.h"
#include "trace.h"

struct profiler {
	const struct profile_opts *opts;
	struct sb_policy *policy;      /* this run */
	struct sb_transition rules[2]; /* what the tracer tests */
	int nrules;
	int resolved_rule; /* auto: index of the rule that fired, -1 */
	int transitions;   /* processes that reached serving */
	unsigned long calls[SB_NPHASES];
	struct sb_arg_seen seen[SB_NPHASES][SB_ARG_N]; /* checked arguments (args.h) */
	struct sb_trace *trace;
	struct sb_proc *procs; /* copies of every process seen, in order */
	struct sb_proc **tail;
};

/* Refresh the copy of p kept for the report. */
void profiler_keep_proc(const struct sb_proc *p);
/* Free the copies. */
void profiler_free(struct profiler *pr);

/* Set up the rules from the options. Returns 0 or -1 with a message. */
int profiler_rules(struct profiler *pr, char *err, size_t errlen);

/* Run the program to its end. Returns its wait status in *status; 0, or
 * -errno when it could not be started or traced. */
int profiler_run(struct profiler *pr, const char *path, int *status);

/* report.c */
void report_summary(const struct profiler *pr, const char *out, int status);

#endif
