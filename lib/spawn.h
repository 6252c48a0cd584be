/* spawn.h - start the program the same way in every mode of both programs.
 *
 * sb_spawn_start() forks a child that waits; the caller may attach a tracer
 * (or not) and then sb_spawn_go() lets it run: restore the signal state
 * (sb_forward_child_reset), run setup (drop privileges, load a filter),
 * execve. After the child ended, sb_spawn_read_error() says whether setup
 * or execve failed, and the child's exit status says which of the two:
 *   125 (SB_EXIT_LAUNCHER)       setup failed;
 *   sb_exit_for_errno(e)         execve failed with e (126, or 127 ENOENT).
 */
#ifndef SB_SPAWN_H
#define SB_SPAWN_H

#include <stddef.h>
#include <sys/types.h>

#include "util.h"

struct sb_spawn {
	pid_t pid;
	int go_fd;  /* our end of the go channel, -1 once used */
	int err_fd; /* memfd with the child's error record, -1 when closed */
};

enum sb_spawn_step {
	SB_SPAWN_NONE,  /* the start did not fail */
	SB_SPAWN_SETUP, /* setup() failed: exit 125 */
	SB_SPAWN_EXEC,  /* execve failed: exit 126/127 */
};

/* Runs in the child before execve; 0 or -errno. */
typedef int (*sb_spawn_setup_fn)(void *ctx);

/* The error record's size: -errno, then the enum sb_spawn_step that failed. */
#define SB_SPAWN_RECORD (2 * sizeof(int))

/* A shared memfd of SB_SPAWN_RECORD zero bytes, mapped at *rec (never
 * unmapped: execve drops it). Returns the fd (close-on-exec) or -errno. */
int sb_spawn_record(volatile int **rec);

/* The child's tail, for a caller that becomes the program itself: setup,
 * execve(path, argv, environ); on failure -errno and the step go into rec
 * and the process exits as the spawned child would (125, or 126/127), with
 * raw system calls only (setup may have loaded F1). Never returns. */
SB_NORETURN void sb_spawn_exec_here(volatile int *rec, const char *path, char *const argv[],
                                    sb_spawn_setup_fn setup, void *ctx);

/* Fork the child; it runs nothing of its own until sb_spawn_go(). Returns 0
 * or -errno (nothing was started). */
int sb_spawn_start(struct sb_spawn *s, const char *path, char *const argv[], sb_spawn_setup_fn setup,
                   void *ctx);

/* Let the child go on to setup and execve. Returns 0 or -errno. */
int sb_spawn_go(struct sb_spawn *s);

/* The child's failure, once it has ended: -errno of its failed setup or
 * execve, 0 if it executed the program (or was killed before trying). */
int sb_spawn_read_error(int err_fd);

/* Which step failed, from the error and the child's wait status: NONE if
 * err is 0 or the status is no such exit (a signal ended the child around
 * its execve, or there is no status: the failure was the caller's). */
enum sb_spawn_step sb_spawn_failed_step(int err, int wait_status);

/* The step that failed, from the record alone (after the process ended). */
enum sb_spawn_step sb_spawn_read_step(int err_fd);

/* Close what is left open; the child, if it still waits, then exits 125
 * without running anything. */
void sb_spawn_close(struct sb_spawn *s);

/* Kill the child (never started, or we give up), reap it, close. */
void sb_spawn_abort(struct sb_spawn *s);

#endif
