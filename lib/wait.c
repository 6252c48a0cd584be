/* wait.c - the engine's only waitpid calls (trace_int.h).
 *
 * Invariant: every wait status the kernel hands us is handled exactly once
 * by the main loop, except the one stop a caller waited for. waitpid(tid)
 * on a single task is never used: a thread-group leader whose other
 * threads are traced zombies only reports once those are reaped, so
 * waiting for it alone hangs (it did, with memcached exiting during init).
 * We wait for any task (__WALL) and queue what is not ours.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "trace_int.h"

int sb_evq_push(struct sb_evqueue *q, pid_t tid, int status)
{
	if (q->n == q->cap) {
		int cap = q->cap ? q->cap * 2 : 16;
		struct sb_event *ev = realloc(q->ev, (size_t)cap * sizeof(*ev));
		if (!ev)
			return -ENOMEM;
		q->ev = ev;
		q->cap = cap;
	}
	q->ev[q->n++] = (struct sb_event){tid, status};
	return 0;
}

bool sb_evq_take(struct sb_evqueue *q, pid_t tid, struct sb_event *out)
{
	for (int i = 0; i < q->n; i++) {
		if (tid != -1 && q->ev[i].tid != tid)
			continue;
		*out = q->ev[i];
		memmove(&q->ev[i], &q->ev[i + 1], (size_t)(q->n - i - 1) * sizeof(*q->ev));
		q->n--;
		return true;
	}
	return false;
}

void sb_evq_free(struct sb_evqueue *q)
{
	free(q->ev);
	memset(q, 0, sizeof(*q));
}

pid_t sb_wait_any(struct sb_trace *tr, int flags, int *status)
{
	struct sb_event ev;
	pid_t r;

	if (sb_evq_take(&tr->queue, -1, &ev)) {
		*status = ev.status;
		return ev.tid;
	}
	do
		r = waitpid(-1, status, __WALL | flags);
	while (r < 0 && errno == EINTR && !(tr->o.stop && *tr->o.stop));
	return r < 0 ? -errno : r;
}

static bool is_exit(int status)
{
	return WIFEXITED(status) || WIFSIGNALED(status);
}

int sb_wait_stop(struct sb_trace *tr, pid_t tid, int *status)
{
	struct sb_event ev;
	pid_t r;

	if (sb_evq_take(&tr->queue, tid, &ev)) {
		*status = ev.status;
		if (!is_exit(ev.status))
			return 1;
		return sb_evq_push(&tr->queue, tid, ev.status) < 0 ? -ENOMEM : 0;
	}
	for (;;) {
		do
			r = waitpid(-1, status, __WALL);
		while (r < 0 && errno == EINTR);
		if (r < 0)
			return -errno;
		if (r == tid && !is_exit(*status))
			return 1;
		if (sb_evq_push(&tr->queue, r, *status) < 0)
			return -ENOMEM;
		if (r == tid)
			return 0;
	}
}
