/* exitcodes.h - exit statuses of sandbox-profile and sandbox-run.
 * Listed under EXIT STATUS in the man pages; scripts rely on them. */
#ifndef SB_EXITCODES_H
#define SB_EXITCODES_H

enum sb_exit {
	SB_EXIT_OK = 0,
	SB_EXIT_LAUNCHER = 125,    /* our own failure: usage, bad policy, setup, injection */
	SB_EXIT_CANNOT_EXEC = 126, /* program found but could not be executed */
	SB_EXIT_NOT_FOUND = 127,   /* program not found */
	SB_EXIT_SIGNAL_BASE = 128  /* program killed by signal N: 128 + N */
};

#endif
