/* born.h - the processes of the tree no tracer sees (born.c).
 *
 * Fed the kernel's process events (procevents.h) and the pids the engine
 * traces, it keeps the tree: every traced process, and every process born
 * of a member without being traced (a worker a supervisor starts after
 * sandbox-run let it go). It says when such a born one ends, for a kill
 * report. Not thread-safe: the caller locks.
 */
#ifndef SB_BORN_H
#define SB_BORN_H

#include <stdbool.h>
#include <sys/types.h>
#include <time.h>

#include "policy.h"
#include "procevents.h"

#define SB_BORN_MAX 4096 /* members at once */

struct born_tree;

/* A born member that ended: what its report needs. */
struct born_end {
	pid_t pid;
	enum sb_phase ph;
	struct timespec born; /* CLOCK_MONOTONIC, when its birth was read */
	char exe[256];        /* argv[0], as it named itself */
	int status;           /* wait status */
};

struct born_tree *born_new(void);
void born_free(struct born_tree *t);

/* The engine traces pid (before it first runs): a member, never reported
 * here. Returns false when the table is full. */
bool born_traced(struct born_tree *t, pid_t pid, const char *exe);

/* One event. Returns true with *out filled when it is the end of a born
 * member; *full is set when a member could not be added (table full). */
bool born_event(struct born_tree *t, const struct sb_pev *e, struct born_end *out, bool *full);

#endif
