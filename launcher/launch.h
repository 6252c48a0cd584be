/* launch.h - sandbox-run: the launch sequence and its supervisor. */
#ifndef SB_LAUNCHER_LAUNCH_H
#define SB_LAUNCHER_LAUNCH_H

#include <linux/filter.h>
#include <seccomp.h>

#include "cli.h"
#include "policy.h"
#include "trace.h"
#include "util.h"

struct launcher {
	const struct run_opts *o;
	struct sb_policy *policy;
	scmp_filter_ctx f1; /* loaded by the child before execve */
	char path[4096];    /* the program, resolved through PATH */
	pid_t root;
	struct sb_trace *trace;                        /* NULL when nothing is traced */
	struct sb_policy *learned;                     /* complain mode: policy + what was missing */
	uint8_t reported[SB_NPHASES][SB_BITMAP_BYTES]; /* complain: said once */
	int transitions;
	enum sb_phase root_phase;     /* serving once the root's transition took */
	struct timespec started;      /* CLOCK_MONOTONIC before the fork */
	bool root_ended;              /* the root died traced (proc_end saw it) */
	int root_status;              /* its wait status then */
	struct launcher_watch *watch; /* watch.c: the detached processes */
};

/* The whole sequence; returns the exit status for main(). */
int launch(struct launcher *L);
void launcher_free(struct launcher *L);

/* The child's setup before execve (caps, no_new_privs, F1 last). */
int launcher_confine(void *ctx);
/* The engine's options for this policy and mode. */
struct sb_trace_opts launcher_trace_opts(struct launcher *L);

/* inplace.c: become the program (its pid is ours), with a keeper process
 * that traces it when traced, else only reports a failed execve. Returns
 * only by exiting (125 when the keeper cannot be started or attach). */
SB_NORETURN void launch_inplace(struct launcher *L, bool traced);

/* check.c: --check, after the policy was read and both filters built.
 * With -v, prints per phase the calls allowed and the dangerous ones
 * (stdout). Returns the exit status. */
int launcher_check(const struct launcher *L);

/* binary.c: compare the program (L->path) with the policy's `binary`;
 * warns once, or with --strict-binary exits 125. */
void launcher_check_binary(const struct launcher *L);

/* inplace.c: the wait status of pid, no child of ours, once its pidfd is
 * readable (blocks until then); false when it cannot be read. */
bool launcher_wait_status(pid_t pid, int pidfd, int *status);

/* watch.c: kill reports for the processes the engine let go. watch_open
 * (ops->new_proc) opens p's pidfd while p is traced; watch_proc_end
 * (ops->proc_end) keeps it when p was detached, closes it otherwise; a
 * thread reports each kept one's end. watch_end (the root ended) reports
 * those already ended and frees the rest; idempotent. */
void watch_open(struct launcher *L, struct sb_proc *p);
void watch_proc_end(struct launcher *L, struct sb_proc *p);
void watch_end(struct launcher *L);

/* supervise.c */
extern const struct sb_trace_ops launcher_ops;
/* Say how the program ended when it was a seccomp kill. */
void report_exit(const struct launcher *L, int status);
/* In place, the root detached at its transition and is gone now: its status
 * is its parent's, so only a kill logged by the kernel is reported. */
void report_detached_end(const struct launcher *L);
/* A process of the tree that ended after it was detached: reported as the
 * root is when status (NULL: unknown) says SIGSYS, or, unknown, when the
 * kernel logged a seccomp kill of it. Safe from the watch thread. */
void report_proc_end(const struct launcher *L, pid_t pid, const struct timespec *born, const char *exe,
                     enum sb_phase ph, const int *status);

#endif
