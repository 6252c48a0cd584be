/* exec.h - finding the program to run, as execvp(3) would, and the one
 * message both programs print when it cannot be started. */
#ifndef SB_EXEC_H
#define SB_EXEC_H

#include <stddef.h>

/* Resolve `name` through PATH (a name with a '/' is taken as is) into buf.
 * Returns 0 or -errno, for sb_exit_for_errno(): -ENOENT (not found, or an
 * empty name), -EACCES (found, not executable), -ENAMETOOLONG (the name, or
 * DIR/name, does not fit in len bytes or exceeds NAME_MAX: never cut), or
 * what stat(2) said of a name with a '/' (-ENOTDIR, -ELOOP...). */
int sb_resolve_program(const char *name, char *buf, size_t len);

/* Longer names are shown as their first and last halves of this. */
#define SB_EXEC_NAME_SHOWN 120

/* "cannot VERB NAME: strerror(err)" into buf (snprintf's result), VERB
 * "execute" or "confine"; an empty NAME is shown as '' and said to be
 * empty, a long one cut in the middle with its length. */
int sb_exec_message(char *buf, size_t len, const char *verb, const char *name, int err);

/* The exit status scripts expect for a wait status: the code, or 128+N. */
int sb_exit_status(int wait_status);

/* A failed start as both programs report it: "cannot confine PROG: REASON"
 * (setup) or "cannot execute PROG: REASON" (lookup or execve) in msg; returns
 * the exit status, 125 or sb_exit_for_errno(-err). For a lookup failure
 * (sb_resolve_program) pass a wait_status of 0. */
int sb_spawn_failure(char *msg, size_t len, const char *prog, int err, int wait_status);

#endif
