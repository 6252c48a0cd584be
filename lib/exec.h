/* exec.h - finding the program to run, as execvp(3) would. */
#ifndef SB_EXEC_H
#define SB_EXEC_H

#include <stddef.h>

/* Resolve `name` through PATH (a name with a '/' is taken as is) into buf.
 * Returns 0, -ENOENT (not found: exit 127) or -EACCES (found, not
 * executable: exit 126). */
int sb_resolve_program(const char *name, char *buf, size_t len);

/* The exit status scripts expect for a wait status: the code, or 128+N. */
int sb_exit_status(int wait_status);

#endif
