/* attach.c - trace a process that is already running (sb_trace_attach),
 * and let it go at the end.
 *
 * Invariants:
 *  - no PTRACE_O_EXITKILL: whatever ends the tracer, SIGKILL included, the
 *    kernel detaches every tracee (exit_ptrace) and wakes those in a ptrace
 *    stop; none is killed. PTRACE_SEIZE sends no SIGSTOP, so no group stop
 *    of ours can be pending when that happens (a SIGSTOP someone else sent
 *    leaves the process stopped, as it would untraced);
 *  - every thread is seized: the scan of /proc/PID/task repeats until a
 *    pass finds no thread we lack; a thread a seized one created meanwhile
 *    is already ours (PTRACE_O_TRACECLONE) and is adopted by the main loop;
 *  - a seized thread stops once (PTRACE_INTERRUPT), and the main loop's
 *    attach-stop handling resumes it under PTRACE_SYSCALL (trace_serving):
 *    from then on each of its calls is reported, in serving.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ptrace.h>
#include <sys/wait.h>

#include "procfs.h"
#include "trace_int.h"

static const int attach_options = PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACECLONE | PTRACE_O_TRACEFORK |
                                  PTRACE_O_TRACEVFORK | PTRACE_O_TRACEEXEC;

/* Seize tid and ask for its first stop. 1: seized, 0: nothing to do (gone,
 * or already ours), -errno. A stopped thread (SIGSTOP: state T) is refused
 * with -EAGAIN: its first stop would be the group stop, which the main
 * loop's attach-stop handling would resume. */
static int seize(struct sb_trace *tr, pid_t pid, pid_t tid, bool first_pass)
{
	char state = '?';
	long nr;

	if (sb_tree_find(tr, tid))
		return 0;
	if (sb_procfs_task_state(pid, tid, &state, &nr, NULL) == 0 && state == 'T')
		return -EAGAIN;
	if (ptrace(PTRACE_SEIZE, tid, 0, attach_options) < 0) {
		if (errno == ESRCH)
			return 0; /* it exited meanwhile */
		if (errno == EPERM && !first_pass)
			return 0; /* created by a seized thread: ours, adopted by the loop */
		return -errno;
	}
	struct sb_thread *creator = tr->procs ? tr->procs->threads : NULL;
	struct sb_thread *t = sb_trace_new_task(tr, tid, creator);
	if (!t) {
		ptrace(PTRACE_DETACH, tid, 0, 0);
		return -ENOMEM;
	}
	if (!creator) {
		struct sb_proc *p = t->proc;
		p->ph.phase = SB_PHASE_SERVING;
		p->program_started = true;
		sb_trace_read_argv0(p);
	}
	if (ptrace(PTRACE_INTERRUPT, tid, 0, 0) < 0 && errno != ESRCH)
		return -errno;
	return 1;
}

/* One pass over /proc/PID/task: how many threads were seized, or -errno. */
static int seize_pass(struct sb_trace *tr, pid_t pid, bool first_pass)
{
	char path[64];
	struct dirent *d;
	int n = 0, r = 0;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	DIR *dir = opendir(path);
	if (!dir)
		return errno == ENOENT ? -ESRCH : -errno;
	while (r >= 0 && (d = readdir(dir))) {
		int tid = atoi(d->d_name);
		if (tid <= 0)
			continue;
		r = seize(tr, pid, tid, first_pass);
		n += r > 0;
	}
	closedir(dir);
	return r < 0 ? r : n;
}

struct sb_trace *sb_trace_attach(pid_t pid, const struct sb_trace_opts *o)
{
	struct sb_trace *tr = calloc(1, sizeof(*tr));
	int r;

	if (!tr)
		return NULL;
	tr->o = *o;
	tr->o.mode = SB_TRACE_SYSCALL;
	tr->o.trace_serving = true;
	tr->o.detach_serving = false;
	tr->err_fd = -1;
	tr->root = pid;
	tr->attached = true;
	clock_gettime(CLOCK_MONOTONIC, &tr->t0);
	bool first = true;
	while ((r = seize_pass(tr, pid, first)) > 0)
		first = false;
	if (r == 0 && !tr->procs)
		r = -ESRCH;
	if (r < 0) {
		sb_trace_detach_all(tr);
		sb_trace_free(tr);
		errno = -r;
		return NULL;
	}
	return tr;
}

/* Lets go each lazy thread as its stop comes: one interrupted, or one
 * asleep in a call an interrupt would fail with EINTR, left until its next
 * stop (detach.c). The loop gives them that long, then leaves them to the
 * kernel, which detaches them without a signal when we exit. */
#define LAZY_GRACE_MS 2000

static void drain_lazy(struct sb_trace *tr)
{
	struct timespec t0, now, nap = {0, 1000 * 1000};
	int status;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (tr->ntraced > 0) {
		pid_t tid = sb_wait_any(tr, WNOHANG, &status);
		if (tid == -EINTR)
			continue; /* the stop handler's alarm */
		if (tid < 0)
			return;
		if (tid == 0) {
			clock_gettime(CLOCK_MONOTONIC, &now);
			if ((now.tv_sec - t0.tv_sec) * 1000 + (now.tv_nsec - t0.tv_nsec) / 1000000 >
			    LAZY_GRACE_MS)
				return;
			nanosleep(&nap, NULL);
			continue;
		}
		struct sb_thread *t = sb_tree_find(tr, tid);
		if (!t) {
			ptrace(PTRACE_DETACH, tid, 0, 0); /* a new task at its first stop */
			continue;
		}
		if (WIFEXITED(status) || WIFSIGNALED(status)) {
			struct sb_proc *p = t->proc;
			sb_tree_drop_thread(tr, t);
			if (!p->threads)
				sb_tree_end_proc(tr, p);
			continue;
		}
		t->stopped = true;
		int sig = status >> 16 == 0 && WSTOPSIG(status) != (SIGTRAP | 0x80) ? WSTOPSIG(status) : 0;
		if (sig && sig != SIGTRAP)
			t->pending_sig = sig;
		struct sb_proc *p = t->proc;
		sb_detach_stopped(tr, t);
		if (!p->threads)
			sb_tree_end_proc(tr, p);
	}
}

/* Every thread is asked to stop at once and let go as its stop comes, not
 * waited for one by one: one thread may be unable to stop until another
 * we hold runs on (a vfork parent sleeps, uninterruptibly, until its child
 * execs, and the child may sit in a ptrace stop of ours). */
void sb_trace_detach_all(struct sb_trace *tr)
{
	struct sb_proc *p = tr->procs;

	while (p) {
		struct sb_proc *next = p->next;
		sb_trace_release_proc(tr, p);
		p = next;
	}
	drain_lazy(tr);
}
