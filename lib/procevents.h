/* procevents.h - the kernel's process events (the proc connector): every
 * fork, exec and exit of the machine, as they happen.
 *
 * For what no tracer sees: a process born after its parent was let go.
 * Listening needs CAP_NET_ADMIN. Events are datagrams the kernel drops
 * when the socket's buffer is full: a read says so (-ENOBUFS), and the
 * caller must then treat what it tracks as incomplete.
 */
#ifndef SB_PROCEVENTS_H
#define SB_PROCEVENTS_H

#include <sys/types.h>

enum sb_pev_kind { SB_PEV_FORK, SB_PEV_EXEC, SB_PEV_EXIT };

/* One event of a process (threads' forks and exits are not passed on):
 * FORK: pid is the new process, parent its creator's tgid; EXEC and EXIT:
 * pid is the process; status is the exit's wait status. */
struct sb_pev {
	enum sb_pev_kind kind;
	pid_t pid;
	pid_t parent;
	int status;
};

/* A non-blocking, close-on-exec socket subscribed to the events, or -errno
 * (-EPERM without CAP_NET_ADMIN; -EPROTONOSUPPORT without the connector). */
int sb_procevents_open(void);

/* Passes every event queued on fd to fn, in order. Returns 0 once the queue
 * is empty, -ENOBUFS if the kernel dropped events since the last read (the
 * rest are passed on; the socket stays usable), or another -errno. */
int sb_procevents_read(int fd, void (*fn)(void *ctx, const struct sb_pev *e), void *ctx);

#endif
