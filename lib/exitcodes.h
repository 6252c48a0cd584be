/* exitcodes.h - exit statuses of sandbox-profile and sandbox-run.
 *
 * Listed under EXIT STATUS in the man pages; scripts rely on them. The one
 * errno -> status map for a program that could not be started is here
 * (sb_exit_for_errno), so every mode of both programs exits alike.
 */
#ifndef SB_EXITCODES_H
#define SB_EXITCODES_H

#include <errno.h>

enum sb_exit {
	SB_EXIT_OK = 0,
	SB_EXIT_LAUNCHER = 125,    /* our own failure: usage, bad policy, setup, injection */
	SB_EXIT_CANNOT_EXEC = 126, /* program found but could not be executed */
	SB_EXIT_NOT_FOUND = 127,   /* program not found */
	SB_EXIT_SIGNAL_BASE = 128  /* program killed by signal N: 128 + N */
};

/* The status for a program that could not be looked up or executed, given
 * the errno (positive) of sb_resolve_program or execve. As env(1) and sh:
 * ENOENT is "not found" (127), any other error "cannot execute" (126):
 * EACCES, ENOEXEC, ENAMETOOLONG, ENOTDIR, ELOOP, E2BIG, ETXTBSY... Never
 * 125: that one says the launcher itself failed. */
static inline int sb_exit_for_errno(int err)
{
	return err == ENOENT ? SB_EXIT_NOT_FOUND : SB_EXIT_CANNOT_EXEC;
}

#endif
