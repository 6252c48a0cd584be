/* detach.c - let a process go: every thread of it leaves ptrace.
 *
 * PTRACE_DETACH needs the thread in a ptrace stop. Running threads are
 * interrupted (PTRACE_INTERRUPT) and collected with waitpid on their own tid,
 * so events of other processes stay queued for the main loop. A thread that
 * the interrupt finds creating a thread adds that thread to the list; the
 * loop runs until the process has no traced thread. A signal that arrived
 * while the thread was ours is delivered by PTRACE_DETACH.
 */
#include <errno.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/wait.h>

#include "trace_int.h"

/* Wait for tid's next stop; returns 1 stopped, 0 gone, -errno. */
static int collect(struct sb_trace *tr, struct sb_thread *t)
{
	int status;
	pid_t r;

	for (;;) {
		r = waitpid(t->tid, &status, __WALL);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return errno == ECHILD ? 0 : -errno;
		if (WIFEXITED(status) || WIFSIGNALED(status))
			return 0;
		int ev = status >> 16;
		if (ev == PTRACE_EVENT_CLONE || ev == PTRACE_EVENT_FORK || ev == PTRACE_EVENT_VFORK) {
			unsigned long msg = 0;
			if (ptrace(PTRACE_GETEVENTMSG, t->tid, 0, &msg) == 0 && msg)
				sb_tree_ensure(tr, (pid_t)msg, t->proc);
		} else if (ev == 0 && WSTOPSIG(status) != (SIGTRAP | 0x80)) {
			t->pending_sig = WSTOPSIG(status); /* signal-delivery-stop */
		}
		return 1;
	}
}

static int detach_thread(struct sb_trace *tr, struct sb_thread *t)
{
	int r = 1;

	if (!t->stopped) {
		if (ptrace(PTRACE_INTERRUPT, t->tid, 0, 0) < 0)
			r = errno == ESRCH ? 0 : -errno;
		else
			r = collect(tr, t);
	}
	if (r > 0 && ptrace(PTRACE_DETACH, t->tid, 0, t->pending_sig) < 0 && errno != ESRCH)
		r = -errno;
	sb_tree_drop_thread(tr, t);
	return r < 0 ? r : 0;
}

int sb_trace_detach_proc(struct sb_trace *tr, struct sb_proc *p)
{
	int rc = 0;

	while (p->threads) {
		int r = detach_thread(tr, p->threads);
		if (r < 0 && !rc)
			rc = r;
	}
	p->traced = false;
	if (p->settling) {
		p->settling = false;
		tr->nsettling--;
	}
	return rc;
}
