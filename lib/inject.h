/* inject.h - remote syscall injection: install a seccomp filter in a traced
 * process from outside. */
#ifndef SB_INJECT_H
#define SB_INJECT_H

#include <linux/filter.h>
#include <sys/types.h>

/* Who to inject into, and how to wait for its stops (the engine's wait,
 * which queues other tasks' events: returns 1 stopped, 0 gone, -errno). */
struct sb_inject {
	pid_t tid;
	int (*wait)(void *ctx, pid_t tid, int *status);
	void *ctx;
};

/* in->tid is at the syscall-entry stop of a marker call (PTRACE_SYSCALL).
 * In place of that call it runs seccomp(SECCOMP_SET_MODE_FILTER,
 * SECCOMP_FILTER_FLAG_TSYNC, prog), with prog copied below the thread's
 * stack red zone (those bytes are restored afterwards), then sets the
 * registers back so that the marker call runs again, under the new filter
 * too, when the thread resumes. On return the thread is at the seccomp
 * call's exit stop. The injected call's result is only what the program's
 * filters let it be: callers verify (sb_trace_inject).
 * Returns 0; -errno (the injected call's error included; -ESRCH: the
 * thread is gone); or, if TSYNC could not synchronise a thread, -EBUSY with
 * that thread in *bad_tid. A signal that stopped the thread meanwhile is put
 * in *pending_sig, to be delivered when it resumes. */
int sb_inject_filter(const struct sb_inject *in, const struct sock_fprog *prog, int *pending_sig,
                     pid_t *bad_tid);

#endif
