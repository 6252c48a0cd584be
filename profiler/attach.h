/* attach.h - sandbox-profile --attach: the recording's bounds (a signal,
 * --duration, the target's exit) and the eBPF attach run. */
#ifndef SB_PROFILER_ATTACH_H
#define SB_PROFILER_ATTACH_H

#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "profile.h"

struct attach {
	pid_t pid;
	int duration_s; /* 0: no bound */
	int sig_fd;     /* signalfd of SIGINT, SIGTERM, SIGHUP (blocked) */
	int pid_fd;     /* readable once the target exited */
	int signo;      /* the signal that ended it */
	struct timespec t0;
	uint64_t t0_ns;
};

enum attach_end {
	ATTACH_RUNNING,
	ATTACH_SIGNAL,
	ATTACH_DURATION,
	ATTACH_EXITED,
	ATTACH_ERROR,
};

/* The target's command line as an argv (for the policy's program and
 * comment). Free with attach_argv_free. 0 or -errno (-ESRCH: no such
 * process, or one with no command line). */
int attach_argv(pid_t pid, char ***argv);
void attach_argv_free(char **argv);

/* Block the stop signals and open the fds; the clock starts. 0 or -errno. */
int attach_begin(struct attach *a, pid_t pid, int duration_s);
/* Wait up to timeout_ms (-1: no bound but --duration's) for the end. */
enum attach_end attach_poll(struct attach *a, int timeout_ms);
/* Milliseconds --duration leaves, -1 without one. */
int attach_timeout_ms(const struct attach *a);
/* One line each on stderr: what is recorded, and why it stopped. */
void attach_say_start(const struct attach *a, const char *backend);
void attach_say(const struct attach *a, enum attach_end why);
/* Close the fds (the stop signals stay blocked or caught until exit). */
void attach_finish(struct attach *a);

/* Record with the eBPF backend until the end; the records as a run's. */
int profiler_attach_ebpf(struct profiler *pr, struct sb_ebpf *e, struct attach *a);

#endif
