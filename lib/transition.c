/* transition.c - the settle step, the transition and the checked injection.
 *
 * When a thread makes the marker call, it is held at its entry stop while the
 * other threads of its process keep running until each sleeps inside a
 * syscall (settle.h), or the timeout passes. That instant is the transition
 * for every thread: their calls before it are init, after it serving.
 * Injecting at once instead killed redis in 2 of 20 starts (18 of 20 under
 * CPU load), because its bio and jemalloc threads were still starting
 * (DESIGN.md section 6). A thread that reaches a marker call of its own
 * meanwhile is held too: its marker call is after the instant, so serving.
 *
 * Invariants: a process is serving only once its transition callback ran
 * with a live marker thread; if that thread vanishes (it exited, or another
 * thread's execve took it) the process is back in init, still traced, and
 * its next marker starts a new transition. An injection is trusted only
 * after the kernel confirms it (filter counts, and the program itself where
 * it can be read back).
 */
#include <errno.h>
#include <linux/audit.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <linux/ptrace.h>

#include "inject.h"
#include "procfs.h"
#include "settle.h"
#include "trace_int.h"
#include "util.h"

#define MAX_SHARERS 16

void sb_transition_begin(struct sb_trace *tr, struct sb_thread *t, const struct sb_syscall *sc)
{
	struct sb_proc *p = t->proc;

	t->held = true;
	t->held_sc = *sc;
	if (p->settling)
		return;
	p->settling = true;
	p->transition_tid = t->tid;
	p->transition_nr = sc->nr;
	p->transition_ms = sb_trace_now_ms(tr);
	tr->nsettling++;
}

static bool proc_settled(const struct sb_proc *p)
{
	for (const struct sb_thread *t = p->threads; t; t = t->next_in_proc) {
		struct sb_task_view v = sb_trace_view(t);
		if (!sb_settle_thread(&v))
			return false;
	}
	return true;
}

/* The thread that made the first marker call, or another held one. */
static struct sb_thread *marker_thread(struct sb_proc *p)
{
	for (struct sb_thread *t = p->threads; t; t = t->next_in_proc)
		if (t->tid == p->transition_tid && t->held)
			return t;
	for (struct sb_thread *t = p->threads; t; t = t->next_in_proc)
		if (t->held) {
			p->transition_tid = t->tid;
			p->transition_nr = t->held_sc.nr;
			return t;
		}
	return NULL;
}

static void end_settle(struct sb_trace *tr, struct sb_proc *p)
{
	p->settling = false;
	tr->nsettling--;
	p->settle_ms = sb_trace_now_ms(tr) - p->transition_ms;
}

/* No marker thread is left: the process never got its serving filter. */
static void back_to_init(struct sb_proc *p)
{
	p->ph.phase = SB_PHASE_INIT;
	p->transition_nr = -1;
	p->transition_tid = 0;
}

/* The call each other thread sleeps in at the instant returns in serving:
 * interrupted by a detach it restarts (wait4, pause, futex), so the serving
 * set must hold it. Reported as a serving call of that thread. */
static void report_sleepers(struct sb_trace *tr, struct sb_proc *p)
{
	for (struct sb_thread *t = p->threads; t; t = t->next_in_proc) {
		struct sb_syscall sc = {.arch = AUDIT_ARCH_X86_64, .native = true};
		char state = '?';
		long nr = -1;

		if (t->held || t->stopped)
			continue;
		/* with its arguments, for a checked one (args.h); unparsable
		 * (-EIO), they stay 0 */
		int r = sb_procfs_task_state(p->pid, t->tid, &state, &nr, sc.args);
		if ((r < 0 && r != -EIO) || (state != 'S' && state != 'D') || nr < 0 || nr >= SB_NR_MAX)
			continue;
		sc.nr = (int)nr;
		sb_trace_report(tr, t, &sc);
	}
}

/* Every thread we stopped and do not hold resumes (or its collected event
 * goes to the main loop): after an injection that did not happen, for the
 * sharers an injection stopped, and for a process that stays traced. */
static void release_stopped(struct sb_trace *tr, struct sb_proc *p)
{
	for (struct sb_thread *t = p->threads; t; t = t->next_in_proc)
		if (t->stopped && !t->held)
			sb_trace_resume(tr, t);
}

/* Stay traced: held marker calls are reported as serving, then every
 * stopped thread resumes. */
static void keep(struct sb_trace *tr, struct sb_proc *p)
{
	for (struct sb_thread *t = p->threads; t; t = t->next_in_proc)
		if (t->held) {
			t->held = false;
			sb_trace_report(tr, t, &t->held_sc);
		}
	release_stopped(tr, p);
}

void sb_transition_abort(struct sb_trace *tr, struct sb_proc *p)
{
	if (!p->settling)
		return;
	end_settle(tr, p);
	back_to_init(p);
}

/* The phase flips only once the callback succeeded: a child whose fork
 * event the injection collects (sb_trace_inject stops every thread first)
 * was forked before F2 and so starts in init, as its filter count says. */
static void finish(struct sb_trace *tr, struct sb_proc *p)
{
	struct sb_thread *t = marker_thread(p);
	int r = SB_KEEP;

	end_settle(tr, p);
	if (!t) {
		back_to_init(p);
		return;
	}
	if (tr->o.ops && tr->o.ops->transition)
		r = tr->o.ops->transition(tr->o.ctx, tr, p, t);
	if (r == -ESRCH) {
		/* the marker thread died under the injection: try the next
		 * held one, or wait for a new marker */
		t->held = false;
		back_to_init(p);
		release_stopped(tr, p);
		if ((t = marker_thread(p)))
			sb_transition_begin(tr, t, &t->held_sc);
		return;
	}
	if (r < 0) {
		tr->fatal = r;
		return;
	}
	p->ph.phase = SB_PHASE_SERVING;
	p->nfilters = sb_procfs_filters(p->pid, 0);
	report_sleepers(tr, p);
	if (r == SB_DETACH) {
		if ((r = sb_trace_detach_proc(tr, p)) < 0)
			tr->fatal = r;
		return;
	}
	keep(tr, p);
}

void sb_transition_poll(struct sb_trace *tr)
{
	int timeout = tr->o.settle_timeout_ms ? tr->o.settle_timeout_ms : SB_SETTLE_TIMEOUT_MS;
	bool again = true;

	/* finish() may free p (a detach ends its record): start over */
	while (again && tr->nsettling && !tr->fatal) {
		double now = sb_trace_now_ms(tr);
		again = false;
		for (struct sb_proc *p = tr->procs; p; p = p->next) {
			if (!p->settling || (!proc_settled(p) && now - p->transition_ms <= timeout))
				continue;
			finish(tr, p);
			again = true;
			break;
		}
	}
}

/* ---- the checked injection ---------------------------------------------- */

static int engine_wait(void *ctx, pid_t tid, int *status)
{
	return sb_wait_stop(ctx, tid, status);
}

static int quiesce_proc(struct sb_trace *tr, struct sb_proc *p, char *why, size_t len)
{
	for (struct sb_thread *t = p->threads; t; t = t->next_in_proc) {
		int r = sb_quiesce_thread(tr, t);
		if (r < 0) {
			snprintf(why, len, "cannot stop thread %d of pid %d: %s", t->tid, p->pid,
			         strerror(-r));
			return r;
		}
	}
	return 0;
}

/* Every process sharing p's memory (CLONE_VM without CLONE_THREAD, or a
 * vfork child that has not exec'd) could rewrite the filter in flight: it
 * must be one we trace, and it is stopped too. */
static int quiesce_sharers(struct sb_trace *tr, struct sb_proc *p, char *why, size_t len)
{
	pid_t sharers[MAX_SHARERS];
	int n = 0, r = sb_procfs_vm_sharers(p->pid, sharers, MAX_SHARERS, &n);

	if (r < 0) {
		snprintf(why, len, "cannot list the processes sharing the memory of pid %d: %s", p->pid,
		         strerror(-r));
		return r;
	}
	if (n > MAX_SHARERS) {
		snprintf(why, len, "%d processes share the memory of pid %d", n, p->pid);
		return -E2BIG;
	}
	for (int i = 0; i < n; i++) {
		struct sb_proc *q = sb_tree_find_proc(tr, sharers[i]);
		if (!q) {
			snprintf(why, len, "pid %d shares the memory of pid %d and is not traced", sharers[i],
			         p->pid);
			return -EPERM;
		}
		if ((r = quiesce_proc(tr, q, why, len)) < 0)
			return r;
	}
	return 0;
}

static void resume_sharers(struct sb_trace *tr, struct sb_proc *p)
{
	for (struct sb_proc *q = tr->procs; q; q = q->next)
		if (q != p && !q->settling)
			release_stopped(tr, q);
}

static int check_count(struct sb_trace *tr, struct sb_proc *p, int want, const char *when, char *why,
                       size_t len)
{
	pid_t bad = 0;
	int got = 0, r = sb_procfs_all_filters(p->pid, want, &bad, &got);

	if (r == -EPERM)
		snprintf(why, len, "%s, thread %d of pid %d has %d seccomp filters, not %d", when, bad,
		         p->pid, got, want);
	else if (r < 0)
		snprintf(why, len, "%s, cannot read the filters of pid %d: %s", when, p->pid, strerror(-r));
	return r;
}

/* Where the kernel lets us (CAP_SYS_ADMIN), the newest filter must be prog
 * itself: another writer could have changed it between our write and the
 * kernel's copy. Returns 1 verified, 0 not readable here, -EPERM differs. */
static int check_program(pid_t tid, int index, const struct sock_fprog *prog)
{
	struct sock_filter buf[BPF_MAXINSNS];
	long n = ptrace(PTRACE_SECCOMP_GET_FILTER, tid, (void *)(long)index, NULL);

	if (n < 0)
		return errno == ESRCH ? -ESRCH : 0; /* EACCES, EINVAL, EMEDIUMTYPE: cannot read */
	if (n != prog->len || ptrace(PTRACE_SECCOMP_GET_FILTER, tid, (void *)(long)index, buf) != n)
		return -EPERM;
	return memcmp(buf, prog->filter, (size_t)n * sizeof(buf[0])) ? -EPERM : 1;
}

static int inject_now(struct sb_trace *tr, struct sb_proc *p, struct sb_thread *t,
                      const struct sock_fprog *prog, char *why, size_t len)
{
	struct sb_inject in = {.tid = t->tid, .wait = engine_wait, .ctx = tr};
	pid_t bad = 0;
	int r = sb_inject_filter(&in, prog, &t->pending_sig, &bad);

	if (r == -EBUSY)
		snprintf(why, len, "thread %d of pid %d could not take the serving filter (TSYNC)", bad,
		         p->pid);
	else if (r < 0 && r != -ESRCH)
		snprintf(why, len, "injecting the serving filter into pid %d failed: %s", p->pid,
		         strerror(-r));
	return r;
}

int sb_trace_inject(struct sb_trace *tr, struct sb_proc *p, struct sb_thread *t,
                    const struct sock_fprog *prog, char *why, size_t whylen)
{
	int before = tr->base_filters + 1, r;

	why[0] = '\0';
	if ((r = quiesce_proc(tr, p, why, whylen)) < 0 || (r = quiesce_sharers(tr, p, why, whylen)) < 0)
		goto out;
	if ((r = check_count(tr, p, before, "before the injection", why, whylen)) < 0)
		goto out;
	if ((r = inject_now(tr, p, t, prog, why, whylen)) < 0)
		goto out;
	if ((r = check_count(tr, p, before + 1, "after the injection", why, whylen)) < 0)
		goto out;
	r = check_program(t->tid, before, prog);
	if (r == -EPERM)
		snprintf(why, whylen, "the filter installed in pid %d is not the serving filter", p->pid);
out:
	resume_sharers(tr, p);
	return r;
}
