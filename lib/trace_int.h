/* trace_int.h - engine internals shared by trace.c, tree.c, transition.c,
 * detach.c and wait.c.
 *
 * Waiting: only wait.c calls waitpid. An event for another task that comes
 * while the engine waits for one task (during an injection or a detach) is
 * queued, never lost, and the main loop takes the queue first; an exit is
 * always left to the main loop, so a root's status cannot be swallowed.
 */
#ifndef SB_TRACE_INT_H
#define SB_TRACE_INT_H

#include <time.h>

#include "settle.h"
#include "trace.h"

#define SB_HASH_SIZE 256

struct sb_event {
	pid_t tid;
	int status;
};

struct sb_evqueue {
	struct sb_event *ev;
	int n, cap;
};

struct sb_trace {
	struct sb_trace_opts o;
	pid_t root;
	bool root_done;
	int root_status;
	int ntraced;      /* live traced threads */
	int nsettling;    /* processes in their settle step */
	int fatal;        /* -errno once the run must end */
	int exec_err;     /* errno of a failed initial execve, 0 if none */
	int err_fd;       /* read end of the child's close-on-exec error pipe */
	int root_pidfd;   /* the root, for kill_all; -1: none */
	int base_filters; /* the tracer's own Seccomp_filters */
	bool attached;    /* sb_trace_attach: never kill, detach */
	unsigned long foreign;
	unsigned long stops; /* ptrace stops handled: the cost of tracing */
	struct timespec t0;
	struct sb_thread *hash[SB_HASH_SIZE];
	struct sb_proc *procs;    /* traced now, in order of appearance */
	struct sb_evqueue queue;  /* events collected early, for the main loop */
	struct sb_evqueue parked; /* first stops of new processes whose creator
	                             has not reported the fork yet */
};

/* wait.c */
int sb_evq_push(struct sb_evqueue *q, pid_t tid, int status);
bool sb_evq_take(struct sb_evqueue *q, pid_t tid, struct sb_event *out); /* tid -1: the oldest */
void sb_evq_free(struct sb_evqueue *q);
/* Next event for any task: the queue first. flags: WNOHANG or 0. Returns
 * the tid, 0 (nothing with WNOHANG) or -errno. */
pid_t sb_wait_any(struct sb_trace *tr, int flags, int *status);
/* Wait for tid's next stop; events of other tasks are queued. Returns 1
 * (stopped, *status), 0 (it exited: the exit is queued for the main loop),
 * or -errno. */
int sb_wait_stop(struct sb_trace *tr, pid_t tid, int *status);

/* trace.c: a new task's record, in its creator's process (or a new one,
 * the root's when creator is NULL). */
struct sb_thread *sb_trace_new_task(struct sb_trace *tr, pid_t tid, const struct sb_thread *creator);
void sb_trace_read_argv0(struct sb_proc *p);

/* attach.c: let every traced process go (the end of an attach). */
void sb_trace_detach_all(struct sb_trace *tr);

/* tree.c: threads and processes */
struct sb_thread *sb_tree_find(struct sb_trace *tr, pid_t tid);
struct sb_proc *sb_tree_find_proc(struct sb_trace *tr, pid_t pid);
struct sb_proc *sb_tree_new_proc(struct sb_trace *tr, pid_t pid, struct sb_proc *parent);
struct sb_thread *sb_tree_add_thread(struct sb_trace *tr, struct sb_proc *p, pid_t tid);
/* Forget a thread (exited or detached). */
void sb_tree_drop_thread(struct sb_trace *tr, struct sb_thread *t);
/* p is no longer traced: tell the tool, free the record. */
void sb_tree_end_proc(struct sb_trace *tr, struct sb_proc *p);
void sb_tree_rename(struct sb_trace *tr, struct sb_thread *t, pid_t new_tid);

/* transition.c: the settle step and the transition */
void sb_transition_begin(struct sb_trace *tr, struct sb_thread *t, const struct sb_syscall *sc);
/* p's program was replaced (execve) while it settled: its marker thread
 * is gone with the old program, so p is back in init. */
void sb_transition_abort(struct sb_trace *tr, struct sb_proc *p);
/* Finish every process whose threads all settled or whose timeout passed. */
void sb_transition_poll(struct sb_trace *tr);

/* detach.c */
/* Detach thread t, stopped by us. Returns 0 or -errno. */
int sb_detach_stopped(struct sb_trace *tr, struct sb_thread *t);
/* Stop t if it could run user code before the tracer sees it: interrupt a
 * running thread and collect its stop. Returns 1 quiet, 0 gone, -errno. */
int sb_quiesce_thread(struct sb_trace *tr, struct sb_thread *t);

/* Detach every thread of p (the engine's, after SB_DETACH or for a process
 * born serving); p's record ends once no thread is left. */
int sb_trace_detach_proc(struct sb_trace *tr, struct sb_proc *p);
/* Let p go without waiting for any of its threads: those stopped now are
 * detached, the others are asked to stop (or, asleep in a call an
 * interrupt would end with EINTR, left to their next stop) and marked
 * lazy, for the caller to detach as their stops come (attach.c). */
void sb_trace_release_proc(struct sb_trace *tr, struct sb_proc *p);

/* trace.c */
/* t is stopped at a fork/vfork/clone event: register the new task. */
void sb_trace_clone_event(struct sb_trace *tr, struct sb_thread *t);
double sb_trace_now_ms(const struct sb_trace *tr);
int sb_trace_resume(struct sb_trace *tr, struct sb_thread *t);
/* Thread t as the settle rule sees it now (/proc read for a running one). */
struct sb_task_view sb_trace_view(const struct sb_thread *t);
void sb_trace_report(struct sb_trace *tr, struct sb_thread *t, const struct sb_syscall *sc);

#endif
