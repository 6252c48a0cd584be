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
	struct sb_trace *trace;
	struct sb_proc *procs; /* copies of every process seen, in order */
	struct sb_proc **tail;
	unsigned long foreign; /* foreign-ABI calls seen (either backend) */
	uint64_t lost;         /* ebpf: processes or threads it could not track
	                          (the run then fails: 125) */
	bool in_kernel;        /* the eBPF backend ran: no settle step */
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

/* In the child before execve, either backend: only the capabilities the
 * policy keeps (a root program without CAP_DAC_OVERRIDE takes its EACCES
 * paths), no_new_privs. 0 or -errno. */
int profiler_confine(const struct profiler *pr);
/* Process p reached serving by its own marker call. */
void profiler_transitioned(struct profiler *pr, struct sb_proc *p);
/* What a new policy gets when its run ends (baseline, families). */
void profiler_generalize(struct sb_policy *p);

/* --attach with ptrace (attach.h): record a.pid into serving until a stop
 * signal, --duration or its end; it is left running, untraced. */
struct attach;
int profiler_attach_ptrace(struct profiler *pr, struct attach *a);

/* ebpf_run.c: the same run with the eBPF backend, loaded in e (ebpf.h). */
struct sb_ebpf;
int profiler_run_ebpf(struct profiler *pr, struct sb_ebpf *e, const char *path, int *status);
/* The records of e as the report's copies and the policy's counts; t0 is
 * the start (CLOCK_MONOTONIC, ns) transition times count from. */
int profiler_ebpf_collect(struct profiler *pr, struct sb_ebpf *e, uint64_t t0);

/* report.c */
void report_summary(const struct profiler *pr, const char *out, int status);

#endif
