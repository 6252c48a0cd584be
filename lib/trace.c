/* trace.c - the ptrace engine: start, event loop, dispatch, detach.
 *
 * Shape (strace's): while (dispatch(next_event())). next_event() only
 * classifies a waitpid status; dispatch() is one switch. The phase rule is
 * phase.c's, the settle step settle.c's, so the profiler and the launcher
 * cannot disagree on where init ends.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "filter.h"
#include "forward.h"
#include "procfs.h"
#include "spawn.h"
#include "trace_int.h"
#include "util.h"

enum ev_kind {
	EVT_NONE,    /* nothing ready (WNOHANG while settling) */
	EVT_GONE,    /* the task exited or was killed */
	EVT_SYSCALL, /* syscall stop (entry/exit) or seccomp stop */
	EVT_CLONE,   /* fork, vfork or clone event */
	EVT_EXEC,
	EVT_STOP,   /* PTRACE_EVENT_STOP: attach, interrupt or group-stop */
	EVT_SIGNAL, /* signal-delivery-stop */
	EVT_OTHER,  /* an event we do not use: resume */
};

struct event {
	enum ev_kind kind;
	pid_t tid;
	int status;
};

static const int trace_options = PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACECLONE | PTRACE_O_TRACEFORK |
                                 PTRACE_O_TRACEVFORK | PTRACE_O_TRACEEXEC | PTRACE_O_TRACESECCOMP |
                                 PTRACE_O_EXITKILL;

double sb_trace_now_ms(const struct sb_trace *tr)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - tr->t0.tv_sec) * 1e3 + (double)(now.tv_nsec - tr->t0.tv_nsec) / 1e6;
}

/* In SYSCALL mode a process in init needs every entry stop (once armed, if
 * lazy); anything else (profiling, complain mode after the transition) only
 * seccomp stops. */
static bool wants_entry_stops(const struct sb_trace *tr, const struct sb_thread *t)
{
	const struct sb_proc *p = t->proc;

	if (tr->o.mode != SB_TRACE_SYSCALL)
		return false;
	if (p->ph.phase != SB_PHASE_INIT)
		return tr->o.trace_serving;
	return !tr->o.lazy_until_armed || sb_phase_armed(tr->o.rules, tr->o.nrules, &p->ph, t->armed);
}

/* What a wait status is (strace's next_event, without the wait). */
static enum ev_kind classify(int st)
{
	if (WIFEXITED(st) || WIFSIGNALED(st))
		return EVT_GONE;
	if (WSTOPSIG(st) == (SIGTRAP | 0x80))
		return EVT_SYSCALL;
	switch (st >> 16) {
	case 0: return EVT_SIGNAL;
	case PTRACE_EVENT_SECCOMP: return EVT_SYSCALL;
	case PTRACE_EVENT_CLONE:
	case PTRACE_EVENT_FORK:
	case PTRACE_EVENT_VFORK: return EVT_CLONE;
	case PTRACE_EVENT_EXEC: return EVT_EXEC;
	case PTRACE_EVENT_STOP: return EVT_STOP;
	default: return EVT_OTHER;
	}
}

static int resume(struct sb_trace *tr, struct sb_thread *t)
{
	int sig = t->pending_sig;
	enum __ptrace_request req = wants_entry_stops(tr, t) || t->exit_wanted ? PTRACE_SYSCALL : PTRACE_CONT;

	t->pending_sig = 0;
	t->stopped = false;
	t->entry_stops = req == PTRACE_SYSCALL;
	if (ptrace(req, t->tid, 0, sig) < 0 && errno != ESRCH)
		return -errno;
	return 0;
}

/* A thread stopped early (detach.c, collect) whose event is the main
 * loop's goes back to the queue instead of being resumed. */
int sb_trace_resume(struct sb_trace *tr, struct sb_thread *t)
{
	if (t->stop_status) {
		int st = t->stop_status;
		t->stop_status = 0;
		return sb_evq_push(&tr->queue, t->tid, st);
	}
	return resume(tr, t);
}

static void next_event(struct sb_trace *tr, struct event *ev)
{
	pid_t tid = sb_wait_any(tr, tr->nsettling ? WNOHANG : 0, &ev->status);

	ev->tid = tid;
	if (tid <= 0) {
		ev->kind = EVT_NONE;
		if (tid == -ECHILD)
			tr->root_done = true; /* nothing left to wait for */
		return;
	}
	ev->kind = classify(ev->status);
}

static int get_syscall(pid_t tid, struct sb_syscall *sc, int *op)
{
	struct __ptrace_syscall_info info;

	memset(&info, 0, sizeof(info));
	if (ptrace(PTRACE_GET_SYSCALL_INFO, tid, sizeof(info), &info) <= 0)
		return -errno;
	*op = info.op;
	sc->arch = info.arch;
	sc->seccomp_stop = info.op == PTRACE_SYSCALL_INFO_SECCOMP;
	if (info.op == PTRACE_SYSCALL_INFO_ENTRY) {
		sc->nr = (int)info.entry.nr;
		memcpy(sc->args, info.entry.args, sizeof(sc->args));
	} else if (sc->seccomp_stop) {
		sc->nr = (int)info.seccomp.nr;
		memcpy(sc->args, info.seccomp.args, sizeof(sc->args));
		sc->ret_data = info.seccomp.ret_data;
	} else if (info.op == PTRACE_SYSCALL_INFO_EXIT) {
		sc->ret = info.exit.rval;
	}
	/* x32 shares AUDIT_ARCH_X86_64 and marks its numbers with bit 30 */
	sc->native = sc->arch == AUDIT_ARCH_X86_64 && sc->nr >= 0 && sc->nr < SB_NR_MAX;
	return 0;
}

struct sb_task_view sb_trace_view(const struct sb_thread *t)
{
	struct sb_task_view v = {
	    .held = t->held, .stopped = t->stopped, .entry_stops = t->entry_stops, .state = '?', .nr = -1};

	if (!t->held && !t->stopped)
		v.gone = sb_procfs_task_state(t->proc->pid, t->tid, &v.state, &v.nr, NULL) == -ESRCH;
	return v;
}

void sb_trace_report(struct sb_trace *tr, struct sb_thread *t, const struct sb_syscall *sc)
{
	if (tr->o.ops && tr->o.ops->syscall)
		tr->o.ops->syscall(tr->o.ctx, t, sc, t->proc->ph.phase);
}

/* Lazy init: an `after` call seen through F1's RET_TRACE. From the moment
 * a process-scope rule is armed every thread must stop at each syscall
 * entry to catch the marker, so the other threads are interrupted and
 * resume under PTRACE_SYSCALL; a thread-scope rule arms only this thread
 * (and those it creates), which stops here anyway. A marker call a thread
 * makes before its interrupt lands is missed and the transition comes at a
 * later one: late is safe, early would kill (DESIGN.md section 5). */
static void on_after(struct sb_trace *tr, struct sb_thread *t, const struct sb_syscall *sc)
{
	struct sb_proc *p = t->proc;
	unsigned was = p->ph.armed;

	if (p->ph.phase == SB_PHASE_INIT && p->program_started)
		sb_phase_marker_thread(tr->o.rules, tr->o.nrules, &p->ph, &t->armed, sc->nr, sc->args);
	if (sb_phase_armed_process(tr->o.rules, tr->o.nrules, was, p->ph.armed))
		for (struct sb_thread *th = p->threads; th; th = th->next_in_proc)
			if (th != t && !th->stopped)
				ptrace(PTRACE_INTERRUPT, th->tid, 0, 0);
	sb_trace_resume(tr, t);
}

/* The exit stop of a call of opts.exit_calls (resumed with PTRACE_SYSCALL
 * from its seccomp stop); other exit stops (SYSCALL mode) carry nothing. */
static void on_exit_stop(struct sb_trace *tr, struct sb_thread *t, const struct sb_syscall *sc)
{
	if (t->exit_wanted) {
		t->exit_wanted = false;
		t->exit_sc.ret = sc->ret;
		if (tr->o.ops && tr->o.ops->syscall_exit)
			tr->o.ops->syscall_exit(tr->o.ctx, t, &t->exit_sc);
	}
	sb_trace_resume(tr, t);
}

/* The phase rule runs on the stop that sees every syscall once: seccomp
 * stops when profiling, entry stops under PTRACE_SYSCALL. A process born
 * before its parent's injection (transition_now) makes its transition at
 * its first syscall, whatever it is. */
static void on_syscall(struct sb_trace *tr, struct sb_thread *t)
{
	struct sb_syscall sc = {0};
	struct sb_proc *p = t->proc;
	int op = 0;

	if (get_syscall(t->tid, &sc, &op) < 0 || op == PTRACE_SYSCALL_INFO_NONE) {
		sb_trace_resume(tr, t);
		return;
	}
	if (op == PTRACE_SYSCALL_INFO_EXIT) {
		on_exit_stop(tr, t, &sc);
		return;
	}
	if (sc.seccomp_stop && tr->o.lazy_until_armed && sc.ret_data == SB_RET_DATA_AFTER) {
		on_after(tr, t, &sc);
		return;
	}
	bool sees_all = (tr->o.mode == SB_TRACE_SECCOMP) == sc.seccomp_stop;
	if (!p->program_started && !(sees_all && sc.native && sc.nr == SYS_execve)) {
		sb_trace_resume(tr, t);
		return;
	}
	if (!sc.native && sees_all)
		tr->foreign++;
	bool init = sees_all && sc.native && p->ph.phase == SB_PHASE_INIT && tr->o.nrules;
	if (init && (p->transition_now || sb_phase_marker_thread(tr->o.rules, tr->o.nrules, &p->ph, &t->armed,
	                                                         sc.nr, sc.args) >= 0)) {
		p->transition_now = false;
		sb_transition_begin(tr, t, &sc);
		return;
	}
	sb_trace_report(tr, t, &sc);
	if (sc.seccomp_stop && sc.native && tr->o.exit_calls && sb_bit_test(tr->o.exit_calls, sc.nr)) {
		t->exit_wanted = true;
		t->exit_sc = sc;
	}
	sb_trace_resume(tr, t);
}

static pid_t successor(const struct sb_trace *tr)
{
	for (const struct sb_proc *p = tr->procs; p; p = p->next)
		if (p->pid != tr->root)
			return p->pid;
	return 0;
}

static void on_gone(struct sb_trace *tr, struct event *ev)
{
	struct sb_thread *t = sb_tree_find(tr, ev->tid);
	struct sb_event parked;

	if (ev->tid == tr->root) {
		tr->root_done = true;
		tr->root_status = ev->status;
	}
	sb_evq_take(&tr->parked, ev->tid, &parked); /* died before adoption */
	if (t) {
		struct sb_proc *p = t->proc;
		if (t->tid == p->pid)
			p->exit_status = ev->status;
		sb_tree_drop_thread(tr, t);
		if (p->nthreads == 0) {
			p->exited = true;
			sb_tree_end_proc(tr, p);
		}
	}
	/* a daemon's parent is gone: signals for the program now go to the
	 * oldest process still traced, or nowhere */
	if (ev->tid == tr->root)
		sb_forward_target(successor(tr));
}

/* The phase a new process starts in, from facts: its creator's phase, but
 * a child that has fewer filters than its serving creator was forked
 * before the creator's injection (the fork straddled it): it is in init and
 * makes its transition at its first syscall. */
static void set_child_phase(struct sb_proc *c, const struct sb_proc *parent)
{
	c->nfilters = sb_procfs_filters(c->pid, 0);
	if (parent->ph.phase == SB_PHASE_SERVING && c->nfilters >= 0 && c->nfilters < parent->nfilters) {
		c->ph.phase = SB_PHASE_INIT;
		c->transition_now = true;
	}
}

/* A new thread joins its creator's process; a new process starts in its
 * creator's phase. Either way the thread inherits its creator thread's
 * armed rules (none known for the root). */
struct sb_thread *sb_trace_new_task(struct sb_trace *tr, pid_t tid, const struct sb_thread *creator)
{
	pid_t tgid = 0, ppid = 0;
	struct sb_proc *p;
	struct sb_thread *t;

	sb_procfs_ids(tid, &tgid, &ppid);
	if (creator && tgid == creator->proc->pid) {
		p = creator->proc;
	} else {
		p = sb_tree_new_proc(tr, tid, creator ? creator->proc : NULL);
		if (!p)
			return NULL;
		if (creator)
			set_child_phase(p, creator->proc);
		if (tr->o.ops && tr->o.ops->new_proc)
			tr->o.ops->new_proc(tr->o.ctx, p, creator ? creator->proc : NULL);
	}
	if (!(t = sb_tree_add_thread(tr, p, tid)))
		return NULL;
	t->armed = creator ? creator->armed : sb_phase_thread_start(tr->o.rules, tr->o.nrules);
	return t;
}

/* The creator is the thread that reports the event (with CLONE_PARENT the
 * kernel's parent is someone else). A first stop that came before this
 * event was parked: it goes back to the queue now that its creator is
 * known. */
void sb_trace_clone_event(struct sb_trace *tr, struct sb_thread *t)
{
	unsigned long msg = 0;
	struct sb_event early;

	if (ptrace(PTRACE_GETEVENTMSG, t->tid, 0, &msg) < 0 || !msg || sb_tree_find(tr, (pid_t)msg))
		return;
	if (!sb_trace_new_task(tr, (pid_t)msg, t)) {
		tr->fatal = -ENOMEM;
		return;
	}
	if (sb_evq_take(&tr->parked, (pid_t)msg, &early) &&
	    sb_evq_push(&tr->queue, early.tid, early.status) < 0)
		tr->fatal = -ENOMEM;
}

static void on_clone(struct sb_trace *tr, struct sb_thread *t)
{
	sb_trace_clone_event(tr, t);
	sb_trace_resume(tr, t);
}

/* The program as the user named it: argv[0] from /proc, read at the exec
 * stop before the program can rewrite it (/proc/PID/exe would name the
 * symlink's target: redis-server is redis-check-rdb). */
void sb_trace_read_argv0(struct sb_proc *p)
{
	if (sb_procfs_argv0(p->pid, p->exe, sizeof(p->exe)) < 0)
		p->exe[0] = '\0';
}

/* execve by a non-leader thread: the kernel reaps the other threads and the
 * execing one takes the leader's tid; the old leader's exit is never
 * reported, so its record goes here. */
static void on_exec(struct sb_trace *tr, struct sb_thread *t)
{
	unsigned long former = 0;
	struct sb_proc *p = t->proc;

	if (ptrace(PTRACE_GETEVENTMSG, t->tid, 0, &former) == 0 && (pid_t)former != t->tid) {
		struct sb_thread *old = sb_tree_find(tr, (pid_t)former);
		if (old) {
			sb_tree_drop_thread(tr, t);
			sb_tree_rename(tr, old, p->pid);
			old->held = false;
			old->stopped = true;
			t = old;
		}
	}
	t->held = false;
	sb_transition_abort(tr, p);
	p->execs++;
	p->program_started = true;
	sb_trace_read_argv0(p);
	if (tr->o.ops && tr->o.ops->exec)
		tr->o.ops->exec(tr->o.ctx, p);
	sb_trace_resume(tr, t);
}

/* Attach stops of new tasks and interrupt stops are resumed; a group-stop
 * (SIGSTOP and friends) is kept with PTRACE_LISTEN, as strace does. */
static void on_stop(struct sb_trace *tr, struct sb_thread *t, int status)
{
	int sig = WSTOPSIG(status);
	bool group = sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;

	if (!t->started) {
		t->started = true;
		if (tr->o.detach_serving && t->proc->ph.phase == SB_PHASE_SERVING) {
			if (sb_trace_detach_proc(tr, t->proc) < 0)
				tr->fatal = -EIO;
			return;
		}
		sb_trace_resume(tr, t);
	} else if (group) {
		t->stopped = false;
		t->entry_stops = true; /* it reports again before running */
		ptrace(PTRACE_LISTEN, t->tid, 0, 0);
	} else {
		sb_trace_resume(tr, t);
	}
}

/* A thread left behind by a detach (asleep in epoll_wait and the like)
 * goes at its first stop, with the signal that stopped it if any. */
static void on_lazy(struct sb_trace *tr, struct sb_thread *t, const struct event *ev)
{
	struct sb_proc *p = t->proc;

	if (ev->kind == EVT_SIGNAL)
		t->pending_sig = WSTOPSIG(ev->status);
	else if (ev->kind == EVT_CLONE)
		sb_trace_clone_event(tr, t);
	if (sb_detach_stopped(tr, t) < 0)
		tr->fatal = -EIO;
	if (!p->threads)
		sb_tree_end_proc(tr, p);
}

/* The record of a task's first stop. A new task whose creator has not
 * reported the clone yet is parked until it does (its first stop stays
 * uncollected: it runs no code meanwhile), so that its process, phase and
 * armed rules come from that creator and never from a guess. */
static struct sb_thread *record_of(struct sb_trace *tr, const struct event *ev)
{
	struct sb_thread *t = sb_tree_find(tr, ev->tid);

	if (t)
		return t;
	if (sb_evq_push(&tr->parked, ev->tid, ev->status) < 0)
		tr->fatal = -ENOMEM;
	return NULL;
}

static void dispatch(struct sb_trace *tr, struct event *ev)
{
	struct sb_thread *t;

	if (ev->kind == EVT_NONE)
		return;
	if (ev->kind == EVT_GONE) {
		on_gone(tr, ev);
		return;
	}
	if (!(t = record_of(tr, ev)))
		return;
	t->stopped = true;
	tr->stops++;
	if (t->proc->detaching) {
		on_lazy(tr, t, ev);
		return;
	}
	switch (ev->kind) {
	case EVT_SYSCALL: on_syscall(tr, t); break;
	case EVT_CLONE: on_clone(tr, t); break;
	case EVT_EXEC: on_exec(tr, t); break;
	case EVT_STOP: on_stop(tr, t, ev->status); break;
	case EVT_SIGNAL:
		t->pending_sig = WSTOPSIG(ev->status);
		sb_trace_resume(tr, t);
		break;
	default: sb_trace_resume(tr, t); break;
	}
}

/* The engine around a process that waits for the caller's handshake
 * (spawn.c's go byte, or sandbox-run's keeper, launcher/inplace.c): seize
 * it, then make the tracer non-dumpable, so that no program of the same
 * uid can write its memory (the serving filter lives there) before the
 * program runs. A pidfd keeps the root's identity: it is killed on a fatal
 * error even when it is not our child and its pid may have been reused. */
struct sb_trace *sb_trace_seize(pid_t pid, const struct sb_trace_opts *o)
{
	struct sb_trace *tr = calloc(1, sizeof(*tr));
	struct sb_thread *t;
	int r;

	if (!tr)
		return NULL;
	tr->o = *o;
	tr->err_fd = tr->root_pidfd = -1;
	tr->root = pid;
	clock_gettime(CLOCK_MONOTONIC, &tr->t0);
	tr->base_filters = sb_procfs_filters(getpid(), 0);
	if (tr->base_filters < 0) {
		r = tr->base_filters; /* no seccomp in this kernel, or no /proc */
		goto fail;
	}
	if ((tr->root_pidfd = (int)syscall(SYS_pidfd_open, pid, 0)) < 0 ||
	    ptrace(PTRACE_SEIZE, pid, 0, trace_options) < 0) {
		r = -errno;
		goto fail;
	}
	if (!(t = sb_trace_new_task(tr, pid, NULL))) {
		r = -ENOMEM;
		goto fail;
	}
	t->started = true; /* seized, not auto-attached: no attach stop */
	if (o->protect_tracer && prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0) {
		r = -errno;
		goto fail;
	}
	return tr;
fail:
	sb_trace_free(tr);
	errno = -r;
	return NULL;
}

/* The child is started by spawn.c, which every mode shares: it waits for
 * the go byte until PTRACE_SEIZE is done (a handshake, not SIGSTOP: a stop
 * would leave the threads group-stopped at detach), sets up, execs. A
 * failed setup or initial execve is in the child's error record; the
 * root's exit status tells which step. */
struct sb_trace *sb_trace_start(const char *path, char *const argv[], const struct sb_trace_opts *o)
{
	struct sb_spawn sp;
	struct sb_trace *tr;
	int r;

	if ((r = sb_spawn_start(&sp, path, argv, o->child_setup, o->ctx)) < 0) {
		errno = -r;
		return NULL;
	}
	if (!(tr = sb_trace_seize(sp.pid, o)) || (r = sb_spawn_go(&sp)) < 0) {
		r = tr ? r : -errno;
		sb_trace_free(tr);
		sb_spawn_abort(&sp);
		errno = -r;
		return NULL;
	}
	tr->err_fd = sp.err_fd;
	return tr;
}

static void read_exec_error(struct sb_trace *tr)
{
	int r = sb_spawn_read_error(tr->err_fd);

	if (r < 0)
		tr->exec_err = -r;
	if (tr->err_fd >= 0)
		close(tr->err_fd);
	tr->err_fd = -1;
}

/* Traced processes, parked new ones and the root (by its pidfd: it may be
 * no child of ours, sandbox-run in place). Detached processes are not killed here: they
 * are serving, under F1+F2, and have no record any more. */
static void kill_all(struct sb_trace *tr)
{
	for (struct sb_proc *p = tr->procs; p; p = p->next)
		if (!p->exited)
			kill(p->pid, SIGKILL);
	for (int i = 0; i < tr->parked.n; i++)
		kill(tr->parked.ev[i].tid, SIGKILL);
	if (tr->root_pidfd >= 0)
		syscall(SYS_pidfd_send_signal, tr->root_pidfd, SIGKILL, NULL, 0);
	/* reap what we can so no zombie outlives the run */
	while (waitpid(-1, NULL, __WALL | WNOHANG) > 0)
		;
}

int sb_trace_run(struct sb_trace *tr, int *status)
{
	struct event ev;

	while (!tr->fatal && (!tr->root_done || tr->ntraced > 0 || tr->queue.n)) {
		if (tr->o.stop && *tr->o.stop)
			break;
		next_event(tr, &ev);
		dispatch(tr, &ev);
		if (tr->nsettling)
			sb_transition_poll(tr);
		if (ev.kind == EVT_NONE && tr->nsettling) {
			struct timespec ts = {0, 50 * 1000};
			nanosleep(&ts, NULL);
		}
		if (ev.kind == EVT_NONE && !tr->nsettling && ev.tid < 0)
			break; /* ECHILD: nothing left */
	}
	if (tr->attached) {
		sb_trace_detach_all(tr); /* what we attached to is never killed */
		return tr->fatal;
	}
	if (tr->fatal) {
		kill_all(tr);
		return tr->fatal;
	}
	read_exec_error(tr);
	*status = tr->root_status;
	return tr->exec_err ? -tr->exec_err : 0;
}

pid_t sb_trace_root_pid(const struct sb_trace *tr)
{
	return tr->root;
}

struct sb_proc *sb_trace_procs(const struct sb_trace *tr)
{
	return tr->procs;
}

int sb_trace_base_filters(const struct sb_trace *tr)
{
	return tr->base_filters;
}

unsigned long sb_trace_foreign_calls(const struct sb_trace *tr)
{
	return tr->foreign;
}

unsigned long sb_trace_stops(const struct sb_trace *tr)
{
	return tr->stops;
}

void sb_trace_free(struct sb_trace *tr)
{
	if (!tr)
		return;
	for (unsigned i = 0; i < SB_HASH_SIZE; i++) {
		while (tr->hash[i]) {
			struct sb_thread *t = tr->hash[i];
			tr->hash[i] = t->next_in_hash;
			free(t);
		}
	}
	while (tr->procs) {
		struct sb_proc *p = tr->procs;
		tr->procs = p->next;
		free(p);
	}
	sb_evq_free(&tr->queue);
	sb_evq_free(&tr->parked);
	if (tr->err_fd >= 0)
		close(tr->err_fd);
	if (tr->root_pidfd >= 0)
		close(tr->root_pidfd);
	free(tr);
}
