/* phase.h - THE rule that decides in which phase a syscall is.
 *
 * sandbox-profile and sandbox-run both call this (through trace.c), so a
 * syscall lands in the same phase in both: if they disagreed, a learned
 * policy would kill the program it was learned from.
 *
 * Rule (sandbox-policy(5), TRANSITION):
 *  - each process (thread group) starts in init; a child inherits its parent's
 *    phase at fork; a phase never goes back, not even on execve;
 *  - if the rule has an `after` set, markers count only once some thread of the
 *    process made one of those calls (e.g. listen); this "armed" state is
 *    inherited at fork too. With `transition_scope = thread` a thread's
 *    markers count only once that thread made the call, or the thread that
 *    created it had made it by then: a worker asleep in epoll_wait since
 *    before listen, interrupted and calling again, is not the transition;
 *  - the first marker call (matching `fd` if set) by any thread starts the
 *    process's transition; the marker call itself belongs to serving;
 *  - the instant is fixed by the settle step (trace.c): other threads run on
 *    until each sleeps inside a syscall; their calls until then are init.
 */
#ifndef SB_PHASE_H
#define SB_PHASE_H

#include <stdbool.h>
#include <stdint.h>

#include "policy.h"

struct sb_phase_state {
	enum sb_phase phase;
	unsigned armed; /* bit i: rule i's `after` condition holds (set from the start without one) */
	int rule;       /* index of the rule that fired, -1 before */
};

void sb_phase_start(struct sb_phase_state *s, const struct sb_transition *rules, int nrules);

/* Called at each syscall entry of a process in init. Updates the armed state
 * and returns the index of the rule this call is a marker of, or -1. */
int sb_phase_marker(const struct sb_transition *rules, int nrules, struct sb_phase_state *s, int nr,
                    const uint64_t args[6]);

/* The same, with the calling thread's own armed bits (SB_SCOPE_THREAD
 * rules test those; NULL: every rule is tested per process). */
int sb_phase_marker_thread(const struct sb_transition *rules, int nrules, struct sb_phase_state *s,
                           unsigned *thread_armed, int nr, const uint64_t args[6]);

/* A thread's armed bits when nothing armed it yet: the rules without an
 * `after` list. */
unsigned sb_phase_thread_start(const struct sb_transition *rules, int nrules);

/* Whether some rule's markers count in a thread now (lazy tracing stops
 * only such threads at every entry). */
bool sb_phase_armed(const struct sb_transition *rules, int nrules, const struct sb_phase_state *s,
                    unsigned thread_armed);

/* Whether a process-scope rule became armed between the process's armed
 * bits `was` and `now` (every thread must then stop at each entry). */
bool sb_phase_armed_process(const struct sb_transition *rules, int nrules, unsigned was, unsigned now);

/* The rules `--phase-marker=auto` tries, in order: a server's first wait for
 * work after listen, and an interactive program's first read of stdin.
 * Fills `rules` (at most 2) and returns how many. */
int sb_phase_auto_rules(struct sb_transition *rules);

/* The rule a policy records after auto detection: rule `which` of the auto
 * rules, narrowed to the family of the marker call `nr` that fired. */
int sb_phase_resolve_auto(int which, int nr, struct sb_transition *out);

#endif
