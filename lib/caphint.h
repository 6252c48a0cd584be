/* caphint.h - which dropped capability would have let a failed call succeed
 * (sandbox-profile(1), CAPABILITY HINTS).
 *
 * The profiler runs the program with only the capabilities the policy
 * keeps, as sandbox-run will. A root daemon that then fails to chown its
 * logs, switch to its user or bind port 80 stops in its first second, and
 * the error it prints rarely names a capability. The table maps such a
 * failure (call, errno, and for bind the port) to the capability whose
 * absence explains it; the profiler asks for the result of only these
 * calls (one more stop each) and names the capability and the
 * --capabilities= option in its summary.
 *
 * Invariant: a hint is given only for a task whose effective uid is 0 (a
 * non-root task would fail the same way with every capability: the kernel
 * clears them at the switch to another user) and only for a capability
 * the profiler itself holds (one it could have kept). The caller checks
 * both; this file only knows the table.
 */
#ifndef SB_CAPHINT_H
#define SB_CAPHINT_H

#include <stdbool.h>
#include <stdint.h>

#include "syscalls.h"

/* The calls in the table (native numbers this libseccomp resolves). */
const uint8_t *sb_caphint_calls(void);

/* A failed call: its native number, its result (-errno) and, for bind of an
 * AF_INET or AF_INET6 address, the port (-1 otherwise or unknown). */
struct sb_caphint_call {
	int nr;
	long ret;
	int port;
};

/* The capability (libcap number) whose absence explains the failure, with
 * the table's reason in *why; -1 if none does. */
int sb_caphint_for(const struct sb_caphint_call *c, const char **why);

#endif
