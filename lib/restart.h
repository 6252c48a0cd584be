/* restart.h - the supervisor rule (sandbox-policy(5), SUPERVISORS).
 *
 * A process that forked, in its init phase, workers that reached serving,
 * and that reached serving itself, is a supervisor: it starts workers again
 * while serving (one died; a reload), and re-runs its own start to do so
 * (configuration, channels, fork). So the serving phase must allow what the
 * supervisor and those workers did in init. The rule carries those calls,
 * never exec (execve, execveat: the usual step after an exploit, so a
 * restart that execs must be trained), and never a worker that exec'd.
 * Argument values go with the calls: the workers' all of them (their start
 * is repeated as it was), the supervisor's without the dangerous ones (its
 * start began at exec: the loader's executable mappings are not a restart's).
 *
 * Invariant: pure; it reads the records and writes only its outputs.
 */
#ifndef SB_RESTART_H
#define SB_RESTART_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "args.h"
#include "syscalls.h"

/* What the rule needs to know of one process of the tree. */
struct sb_proc_init {
	pid_t pid, ppid;                   /* ppid 0: the root */
	bool serving;                      /* in serving at the end of the run */
	uint8_t calls[SB_BITMAP_BYTES];    /* native calls it made in init */
	struct sb_arg_seen seen[SB_ARG_N]; /* their checked arguments */
};

/* The calls and argument records the rule carries into serving, from the
 * n records of v (in order of appearance: a parent comes before its
 * children; with pids reused, the latest earlier holder is the parent).
 * carry and seen are OR'ed into. Returns the number of supervisors, or
 * -ENOMEM. */
int sb_restart_carry(const struct sb_proc_init *v, int n, uint8_t carry[SB_BITMAP_BYTES],
                     struct sb_arg_seen seen[SB_ARG_N]);

#endif
