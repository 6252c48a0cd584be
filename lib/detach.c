/* detach.c - let a process go, and stop threads before its memory is
 * written.
 *
 * PTRACE_DETACH needs the thread in a ptrace stop. A thread asleep in a call
 * that an interrupt would end with a visible EINTR (epoll_wait and the few
 * like it, below) is not interrupted: it already runs under the serving
 * filter (TSYNC), and it leaves at its next stop, the exit of that call, so
 * the program sees no spurious EINTR. Other sleeping calls are interrupted:
 * the kernel restarts them (ERESTARTSYS, restart_syscall) transparently, and
 * the profiler records each such call as serving (transition.c), so the
 * serving filter allows the restart. A signal that arrived while the thread
 * was ours is delivered by PTRACE_DETACH.
 */
#include <errno.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "procfs.h"
#include "settle.h"
#include "trace_int.h"

/* Calls that return EINTR to the program when the tracer interrupts them,
 * with no signal sent (they do not restart). */
static const long eintr_calls[] = {
    SYS_epoll_wait,   SYS_epoll_pwait,   SYS_epoll_pwait2,   SYS_rt_sigtimedwait,
    SYS_io_getevents, SYS_io_pgetevents, SYS_io_uring_enter,
};

static bool eintr_visible(long nr)
{
	for (unsigned i = 0; i < sizeof(eintr_calls) / sizeof(eintr_calls[0]); i++)
		if (eintr_calls[i] == nr)
			return true;
	return false;
}

/* Collect the stop an interrupt asked for. Whatever stop comes first is
 * kept: a signal is held for delivery, a new task is registered, any other
 * event is remembered in stop_status for the main loop. */
static int collect(struct sb_trace *tr, struct sb_thread *t)
{
	int status = 0;
	int r = sb_wait_stop(tr, t->tid, &status);

	if (r <= 0)
		return r;
	t->stopped = true;
	int ev = status >> 16;
	if (ev == PTRACE_EVENT_CLONE || ev == PTRACE_EVENT_FORK || ev == PTRACE_EVENT_VFORK)
		sb_trace_clone_event(tr, t);
	else if (ev == 0 && WSTOPSIG(status) != (SIGTRAP | 0x80))
		t->pending_sig = WSTOPSIG(status); /* signal-delivery-stop */
	else if (ev != PTRACE_EVENT_STOP)
		t->stop_status = status; /* a syscall or exec stop: the main loop's */
	return 1;
}

int sb_quiesce_thread(struct sb_trace *tr, struct sb_thread *t)
{
	struct sb_task_view v = sb_trace_view(t);

	if (sb_settle_quiet(&v))
		return v.gone ? 0 : 1;
	if (ptrace(PTRACE_INTERRUPT, t->tid, 0, 0) < 0)
		return errno == ESRCH ? 0 : -errno;
	return collect(tr, t);
}

int sb_detach_stopped(struct sb_trace *tr, struct sb_thread *t)
{
	int r = 0;

	if (ptrace(PTRACE_DETACH, t->tid, 0, t->pending_sig) < 0 && errno != ESRCH)
		r = -errno;
	sb_tree_drop_thread(tr, t);
	return r;
}

/* t sleeps in a call an interrupt would end with a visible EINTR: it is
 * left until its next stop, the exit of that call. */
static bool leave_asleep(const struct sb_thread *t, const struct sb_task_view *v)
{
	return t->entry_stops && (v->state == 'S' || v->state == 'D') && eintr_visible(v->nr);
}

/* 1: t stays until its next stop (lazy), 0: detached or gone, -errno. */
static int detach_thread(struct sb_trace *tr, struct sb_thread *t)
{
	if (!t->stopped) {
		struct sb_task_view v = sb_trace_view(t);
		if (v.gone) {
			sb_tree_drop_thread(tr, t);
			return 0;
		}
		if (leave_asleep(t, &v))
			return 1;
		if (ptrace(PTRACE_INTERRUPT, t->tid, 0, 0) < 0) {
			sb_tree_drop_thread(tr, t);
			return errno == ESRCH ? 0 : -errno;
		}
		int r = collect(tr, t);
		if (r <= 0) {
			sb_tree_drop_thread(tr, t);
			return r;
		}
	}
	return sb_detach_stopped(tr, t);
}

void sb_trace_release_proc(struct sb_trace *tr, struct sb_proc *p)
{
	struct sb_thread *t = p->threads, *next;

	p->detaching = true;
	for (; t; t = next) {
		next = t->next_in_proc;
		if (t->stopped) {
			sb_detach_stopped(tr, t);
			continue;
		}
		struct sb_task_view v = sb_trace_view(t);
		if (v.gone ||
		    (!leave_asleep(t, &v) && ptrace(PTRACE_INTERRUPT, t->tid, 0, 0) < 0 && errno == ESRCH)) {
			sb_tree_drop_thread(tr, t);
			continue;
		}
		t->lazy = true; /* its stop comes to the caller's wait */
	}
	if (!p->threads)
		sb_tree_end_proc(tr, p);
}

/* A clone event collected on the way adds a thread at the head of the list,
 * so every pass starts again from the head until only lazy threads are
 * left. */
int sb_trace_detach_proc(struct sb_trace *tr, struct sb_proc *p)
{
	bool again = true;
	int rc = 0;

	p->detaching = true;
	while (again) {
		again = false;
		for (struct sb_thread *t = p->threads; t; t = t->next_in_proc) {
			if (t->lazy)
				continue;
			int r = detach_thread(tr, t);
			if (r < 0 && !rc)
				rc = r;
			if (r == 1) {
				t->lazy = true;
				continue;
			}
			again = true;
			break;
		}
	}
	if (!p->threads)
		sb_tree_end_proc(tr, p);
	return rc;
}
