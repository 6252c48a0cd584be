/* profile.h - one profiling run: trace the program, fill a policy. */
#ifndef SB_PROFILER_PROFILE_H
#define SB_PROFILER_PROFILE_H

#include "cli.h"
#include "policy.h"
#include "trace.h"

/* Capability hints (hints.c): the first failure each dropped capability
 * explains, and how many there were. */
struct cap_hint {
	unsigned long count;
	int nr, err;
	pid_t pid;
	const char *why;
};
struct cap_hints {
	uint64_t droppable; /* held by the profiler, dropped by the policy */
	uint64_t caps;      /* those a failure was explained by */
	struct cap_hint cap[64];
};

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
	struct cap_hints hints;
	unsigned long foreign; /* foreign-ABI calls seen (either backend) */
	uint64_t lost;         /* ebpf: processes or threads it could not track
	                          (the run then fails: 125) */
	bool in_kernel;        /* the eBPF backend ran: no settle step */
	int supervisors;       /* the supervisor rule's (restart.h), and the */
	int restart_calls;     /* serving lines it added (--restart=on) */
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

/* hints.c: the calls whose results the hints need (NULL: no capability
 * can be kept, no hint possible); record one result; print the hints. */
const uint8_t *hints_calls(struct profiler *pr);
void hints_record(struct profiler *pr, const struct sb_thread *t, const struct sb_syscall *sc);
void hints_report(const struct profiler *pr);
/* In the child before execve, either backend: only the capabilities the
 * policy keeps (a root program without CAP_DAC_OVERRIDE takes its EACCES
 * paths), no_new_privs. 0 or -errno. */
int profiler_confine(const struct profiler *pr);
/* Process p reached serving by its own marker call. */
void profiler_transitioned(struct profiler *pr, struct sb_proc *p);
/* What a new policy gets when its run ends (baseline, families, the
 * argument conditions of what pr->seen recorded). */
void profiler_generalize(struct profiler *pr);

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

/* restart.c: the supervisor rule (restart.h) on this run's records: count
 * the supervisors; with --restart=on, add their lines to [serving] and the
 * argument values that go with them. */
void profiler_restart(struct profiler *pr);

/* The policy's binary key, the SHA-256 of path (a warning and no
 * key if it cannot be read). */
void profiler_set_binary(struct profiler *pr, const char *path);

/* report.c */
void report_summary(const struct profiler *pr, const char *out, int status);

#endif
