/* trace.h - the ptrace engine shared by sandbox-profile and sandbox-run.
 *
 * It starts a program traced from its first instruction, follows every
 * process and thread (fork, vfork, clone, clone3, execve), keeps the process
 * tree, applies the phase rule of phase.h at every syscall entry of a process
 * still in init, and runs the settle step before reporting a transition.
 *
 * Phases come from facts where facts exist: a new process's creator is the
 * thread that reported its fork event (never /proc's PPid, which
 * CLONE_PARENT makes a grandparent), its filter count says whether it was
 * born before or after its parent's injection, and a record lives only as
 * long as the task is traced: a pid reused after a detach meets no stale
 * record.
 *
 * Two ways to see syscalls:
 *  SB_TRACE_SECCOMP  a SECCOMP_RET_TRACE filter + PTRACE_CONT: one stop per
 *                    syscall (the profiler; cheapest);
 *  SB_TRACE_SYSCALL  PTRACE_SYSCALL: entry and exit stops (the launcher,
 *                    whose filter F1 must never answer RET_TRACE, see
 *                    DESIGN.md section 6).
 * The loop is strace's: while (dispatch(next_event())).
 */
#ifndef SB_TRACE_H
#define SB_TRACE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>
#include <linux/filter.h>

#include "phase.h"

enum sb_trace_mode {
	SB_TRACE_SECCOMP,
	SB_TRACE_SYSCALL,
};

struct sb_proc;

struct sb_syscall {
	int nr;
	uint32_t arch; /* AUDIT_ARCH_* */
	bool native;   /* x86_64 ABI (not i386, not x32) */
	uint64_t args[6];
	bool seccomp_stop; /* reported through a SECCOMP_RET_TRACE stop */
	uint32_t ret_data; /* SECCOMP_RET_DATA of that stop */
	int64_t ret;       /* the result, at an exit stop */
};

struct sb_thread {
	pid_t tid;
	struct sb_proc *proc;
	bool stopped;              /* in a ptrace stop we have not resumed yet */
	bool entry_stops;          /* last resumed with PTRACE_SYSCALL: it stops
	                              before it runs user code again */
	bool lazy;                 /* detaching: leaves at its next stop */
	unsigned armed;            /* rules armed by this thread or its creator
	                              (phase.h, SB_SCOPE_THREAD) */
	int stop_status;           /* a stop collected early, for the main loop */
	bool held;                 /* at a marker's entry stop, waiting for the transition */
	struct sb_syscall held_sc; /* the marker call a held thread stopped at */
	bool exit_wanted;          /* resumed with PTRACE_SYSCALL for the result of exit_sc */
	struct sb_syscall exit_sc; /* a call of opts.exit_calls, seen at its seccomp stop */
	bool started;              /* its first (attach) stop was seen */
	int pending_sig;           /* signal to deliver at the next resume or detach */
	struct sb_thread *next_in_proc;
	struct sb_thread *next_in_hash;
};

struct sb_proc {
	pid_t pid;  /* thread group id */
	pid_t ppid; /* parent's pid as we saw it (0 for the root) */
	struct sb_phase_state ph;
	bool traced;         /* false once detached or gone */
	bool settling;       /* marker seen, waiting for threads to settle */
	bool detaching;      /* serving; threads asleep in a call that an interrupt
	                        would fail with EINTR leave at their next stop */
	bool transition_now; /* born with fewer filters than its serving parent
	                        (forked before the parent's injection): its
	                        first syscall is its transition */
	int nfilters;        /* seccomp filters, read from the kernel at its
	                        first stop and after its transition */
	bool exited;
	int exit_status;      /* wait status, valid when exited */
	int nthreads;         /* live traced threads */
	int threads_seen;     /* every thread ever, leader included */
	int execs;            /* successful execve calls of this process */
	bool program_started; /* the traced program runs (past the initial
	                         execve); before, syscalls are the tracer's own
	                         setup and are not reported */
	int transition_nr;    /* marker syscall, -1 before */
	pid_t transition_tid;
	double transition_ms; /* since the start of the trace */
	double settle_ms;     /* how long the settle step took */
	struct timespec born; /* CLOCK_MONOTONIC when we first saw it */
	char exe[256];        /* last program exec'd (path given to execve) */
	struct sb_thread *threads;
	struct sb_proc *next; /* all processes ever seen, in order of appearance */
	void *user;           /* the tool's own data */
};

/* What ops->transition tells the engine to do with the process. */
enum sb_verdict {
	SB_KEEP = 0,   /* stay traced (profiling, complain mode) */
	SB_DETACH = 1, /* let every thread go: the process is on its own */
};

struct sb_trace;

struct sb_trace_ops {
	/* Every syscall entry of a traced thread, in the phase the rule puts it.
	 * Held marker calls are reported after the transition (phase serving). */
	void (*syscall)(void *ctx, struct sb_thread *t, const struct sb_syscall *sc, enum sb_phase ph);
	/* Process p settled after thread t (held at its entry stop) called the
	 * marker p->transition_nr. The callback may inject (sb_trace_inject).
	 * Returns SB_KEEP or SB_DETACH (the engine detaches p), or -errno to
	 * fail: the engine then kills every traced process and sb_trace_run
	 * returns it. p is still in init during the call; it is serving once
	 * the callback returned SB_KEEP or SB_DETACH. -ESRCH (the injection
	 * found the marker thread gone) puts p back in init, still traced. */
	int (*transition)(void *ctx, struct sb_trace *tr, struct sb_proc *p, struct sb_thread *t);
	void (*new_proc)(void *ctx, struct sb_proc *p, struct sb_proc *parent);
	void (*exec)(void *ctx, struct sb_proc *p);
	/* p is no longer traced (p->exited: it died; else it was detached);
	 * its record is freed when this returns. */
	void (*proc_end)(void *ctx, struct sb_proc *p);
	/* The result of a call of opts.exit_calls (sc->ret: >= 0 or -errno),
	 * in the phase the call was made in. */
	void (*syscall_exit)(void *ctx, struct sb_thread *t, const struct sb_syscall *sc);
};

struct sb_trace_opts {
	enum sb_trace_mode mode;
	const struct sb_transition *rules; /* NULL/0: single phase, never transition */
	int nrules;
	int settle_timeout_ms; /* 0: default (SB_SETTLE_TIMEOUT_MS) */
	/* Processes in serving are never traced: a process born in serving (forked
	 * after its parent's transition) is detached at its first stop. */
	bool detach_serving;
	/* F1 answers RET_TRACE (SB_RET_DATA_AFTER) for the rule's `after` calls
	 * (filter.h, sb_filter_lazy): a process runs with PTRACE_CONT until one
	 * of them arms it, then stops at every syscall entry. */
	bool lazy_until_armed;
	/* SB_TRACE_SYSCALL: stop at every entry in serving too (--attach
	 * records serving; there is no filter to answer RET_TRACE). */
	bool trace_serving;
	/* Set (by a signal handler) to end sb_trace_run early: it returns 0 at
	 * the next event or interrupted wait, after detaching every process
	 * (sb_trace_attach's way to stop). */
	volatile int *stop;
	/* Make the tracer non-dumpable once the child is seized, before the
	 * program runs (no same-uid process may write the tracer's memory). */
	bool protect_tracer;
	/* SECCOMP mode: native calls whose results ops->syscall_exit wants.
	 * Each such call costs one more stop (its exit); NULL: none. */
	const uint8_t *exit_calls;
	/* Runs in the child after the tracer attached, just before execve; it
	 * installs exactly one filter (F1, or the profiling filter): the
	 * injection checks that count. Returns 0 or -errno (reported, child
	 * exits 125). */
	int (*child_setup)(void *ctx);
	const struct sb_trace_ops *ops;
	void *ctx;
};

#define SB_SETTLE_TIMEOUT_MS 1000

/* Create the engine: spawn (lib/spawn.c: the child waits for a go byte, no
 * SIGSTOP), attach with PTRACE_SEIZE, send go; the child runs child_setup
 * and execve(path, argv). Returns NULL with errno set.
 * The child's exec failure is reported by sb_trace_run as -errno. */
struct sb_trace *sb_trace_start(const char *path, char *const argv[], const struct sb_trace_opts *o);

/* The engine around an existing process pid, which waits in a handshake
 * of the caller's until this returns and runs child_setup and execve
 * itself (sandbox-run in place: the tracer is not its parent). Seized with
 * PTRACE_O_EXITKILL: it dies with the tracer while traced. Returns NULL
 * with errno set; the caller then ends the process (it was never let go). */
struct sb_trace *sb_trace_seize(pid_t pid, const struct sb_trace_opts *o);

/* The event loop. Returns when the root process is gone (its wait status in
 * *status) or on a fatal error (-errno; every traced process was killed). */
int sb_trace_run(struct sb_trace *tr, int *status);

/* From a transition callback: install prog as one more filter of p, from
 * inside thread t (held at its marker's entry stop), then check it took.
 * Before writing prog into p's memory, every thread of p and of any process
 * sharing its memory is stopped or asleep in a syscall it cannot leave
 * without a stop we see; a sharer we do not trace is refused. p must have
 * exactly the filters its setup installed before, one more in every thread
 * after, and where the kernel lets us read it back (root) the newest must
 * be prog, byte for byte. Signals that arrive meanwhile stay with their
 * thread. Returns 1 (the program was read back and is prog), 0 (the
 * filter counts were checked: reading back needs CAP_SYS_ADMIN); -ESRCH if
 * t vanished (p is back in init); or -errno with the reason in why. */
int sb_trace_inject(struct sb_trace *tr, struct sb_proc *p, struct sb_thread *t,
                    const struct sock_fprog *prog, char *why, size_t whylen);

/* attach.c: trace every thread of running process pid from now on, in
 * serving (mode SB_TRACE_SYSCALL, trace_serving), with PTRACE_SEIZE and
 * without PTRACE_O_EXITKILL: if the tracer dies, even by SIGKILL, the
 * kernel detaches every tracee and none is killed. Its children from now
 * on are traced too. Nothing is spawned; sb_trace_run returns when pid is
 * gone or *o->stop is set, and never kills what it traces: on a fatal
 * error it detaches. Returns NULL with errno set (EPERM: another tracer,
 * or not allowed; EAGAIN: a thread is stopped, by SIGSTOP or the like). */
struct sb_trace *sb_trace_attach(pid_t pid, const struct sb_trace_opts *o);

pid_t sb_trace_root_pid(const struct sb_trace *tr);
/* The records of the processes traced now, in order of appearance. */
struct sb_proc *sb_trace_procs(const struct sb_trace *tr);
/* Seccomp filters the tracer itself runs under (a nested sandbox); the
 * program starts with these plus what child_setup installs. */
int sb_trace_base_filters(const struct sb_trace *tr);
/* Foreign-ABI syscalls seen (i386 int 0x80, x32). */
unsigned long sb_trace_foreign_calls(const struct sb_trace *tr);
/* ptrace stops handled by the main loop so far. */
unsigned long sb_trace_stops(const struct sb_trace *tr);
void sb_trace_free(struct sb_trace *tr);

#endif
