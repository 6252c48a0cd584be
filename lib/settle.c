/* settle.c - the settle step: one instant for a process's transition.
 *
 * When a thread makes the marker call, it is held at its entry stop while the
 * other threads of its process keep running until each sleeps inside a
 * syscall (or the timeout passes). That instant is the transition for every
 * thread: their calls before it are init, after it serving. Injecting at once
 * instead killed redis in 2 of 20 starts (18 of 20 under CPU load), because
 * its bio and jemalloc threads were still starting (DESIGN.md section 6).
 * A thread that reaches a marker call of its own meanwhile is held too: its
 * marker call is after the instant, so it is serving.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#include "trace_int.h"

void sb_settle_begin(struct sb_trace *tr, struct sb_thread *t, const struct sb_syscall *sc)
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

static int read_small(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return 0;
}

/* Asleep inside a syscall: state S or D and /proc/.../syscall names a
 * syscall. A 't' (tracing stop) means a stop we have not collected yet. */
static bool thread_settled(pid_t pid, const struct sb_thread *t)
{
	char path[80], buf[256];
	const char *s;

	if (t->held)
		return true;
	if (t->stopped)
		return false;
	snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", pid, t->tid);
	if (read_small(path, buf, sizeof(buf)) < 0)
		return true; /* gone: nothing left to wait for */
	s = strrchr(buf, ')');
	if (!s || s[1] != ' ')
		return false;
	if (s[2] == 'T')
		return true; /* group-stopped: runs no code until continued */
	if (s[2] != 'S' && s[2] != 'D')
		return false;
	snprintf(path, sizeof(path), "/proc/%d/task/%d/syscall", pid, t->tid);
	if (read_small(path, buf, sizeof(buf)) < 0)
		return true;
	return buf[0] >= '0' && buf[0] <= '9';
}

static bool proc_settled(const struct sb_proc *p)
{
	for (const struct sb_thread *t = p->threads; t; t = t->next_in_proc)
		if (!thread_settled(p->pid, t))
			return false;
	return true;
}

static struct sb_thread *marker_thread(struct sb_proc *p)
{
	for (struct sb_thread *t = p->threads; t; t = t->next_in_proc)
		if (t->tid == p->transition_tid)
			return t;
	for (struct sb_thread *t = p->threads; t; t = t->next_in_proc)
		if (t->held)
			return t;
	return NULL;
}

/* The process is serving from here on. The tool either detached it (the
 * launcher after injecting F2) or it stays traced: then the held marker
 * calls are reported as serving and the threads resume. */
static void finish(struct sb_trace *tr, struct sb_proc *p)
{
	struct sb_thread *t = marker_thread(p);
	int r = 0;

	p->settling = false;
	tr->nsettling--;
	p->ph.phase = SB_PHASE_SERVING;
	p->settle_ms = sb_trace_now_ms(tr) - p->transition_ms;
	if (!t)
		return; /* the marker thread died while settling */
	if (tr->o.ops && tr->o.ops->transition)
		r = tr->o.ops->transition(tr->o.ctx, tr, p, t);
	if (r < 0) {
		tr->fatal = r;
		return;
	}
	if (r > 0)
		return;
	for (t = p->threads; t; t = t->next_in_proc) {
		if (!t->held)
			continue;
		t->held = false;
		sb_trace_report(tr, t, &t->held_sc);
		sb_trace_resume(tr, t);
	}
}

void sb_settle_poll(struct sb_trace *tr)
{
	int timeout = tr->o.settle_timeout_ms ? tr->o.settle_timeout_ms : SB_SETTLE_TIMEOUT_MS;
	double now = sb_trace_now_ms(tr);

	for (struct sb_proc *p = tr->procs; p && tr->nsettling && !tr->fatal; p = p->next) {
		if (!p->settling)
			continue;
		if (proc_settled(p) || now - p->transition_ms > timeout)
			finish(tr, p);
	}
}
