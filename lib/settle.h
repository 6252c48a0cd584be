/* settle.h - the settle rule, as pure predicates over what /proc says.
 *
 * The transition is one instant for a whole process (DESIGN.md 6): the
 * marker thread is held at its entry stop while the other threads run on
 * until each sleeps inside a syscall. These predicates decide "settled" and
 * "quiet" from a snapshot of one thread; they read nothing themselves, so
 * they are unit-tested against recorded states (tests/unit/test_settle.c).
 */
#ifndef SB_SETTLE_H
#define SB_SETTLE_H

#include <stdbool.h>

/* One thread as the engine and /proc see it at one moment. */
struct sb_task_view {
	bool held;        /* at its own marker's entry stop, held by us */
	bool stopped;     /* in a ptrace stop we collected and hold */
	bool entry_stops; /* resumed with PTRACE_SYSCALL: stops before user code */
	bool gone;        /* /proc has no such task any more */
	char state;       /* /proc/.../stat state letter */
	long nr;          /* /proc/.../syscall: the call it sleeps in, or -1 */
};

/* Settled: the thread will make no syscall of init any more before the
 * instant. Held, group-stopped (T: runs no code until continued), a zombie,
 * or asleep (S, D) inside a syscall. A tracing stop we have not collected
 * yet (t) is not settled: its event may be an init syscall. Nor is a thread
 * /proc no longer lists while we have not seen it go: a thread that
 * execve()s takes the leader's tid and vanishes under its own before the
 * exec event arrives, and that exec kills the held marker thread. Nor is a
 * thread asleep in execve or execveat: it waits there for the other
 * threads, the marker thread among them, to die. */
bool sb_settle_thread(const struct sb_task_view *v);

/* Quiet: the thread cannot run an instruction of the program before the
 * tracer sees it, so the program's memory is safe to write. Held or
 * stopped by us, gone or a zombie, in a tracing stop, group-stopped under
 * ptrace, or asleep in a syscall with entry stops on (it stops at the
 * syscall's exit). A running thread (R) is not. */
bool sb_settle_quiet(const struct sb_task_view *v);

#endif
