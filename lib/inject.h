/* inject.h - remote syscall injection: install a seccomp filter in a traced
 * process from outside. */
#ifndef SB_INJECT_H
#define SB_INJECT_H

#include <linux/filter.h>
#include <sys/types.h>

/* tid is at the syscall-entry stop of a marker call (PTRACE_SYSCALL).
 * In place of that call it runs seccomp(SECCOMP_SET_MODE_FILTER,
 * SECCOMP_FILTER_FLAG_TSYNC, prog), with prog copied below the thread's
 * stack red zone, then sets the registers back so that the marker call runs
 * again, under the new filter too, when the thread resumes. On return tid is
 * at the seccomp call's exit stop.
 * Returns 0; -errno (the injected call's error included); or, if TSYNC
 * could not synchronise a thread, -EBUSY with that thread in *bad_tid.
 * A signal that stopped the thread meanwhile is put in *pending_sig, to be
 * delivered when it resumes. */
int sb_inject_filter(pid_t tid, const struct sock_fprog *prog, int *pending_sig, pid_t *bad_tid);

#endif
