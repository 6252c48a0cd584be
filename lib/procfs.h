/* procfs.h - facts about tasks, read from /proc and the kernel.
 *
 * The engine decides phases and checks injections from what the kernel
 * says (filter counts, task states, shared memory), never from its own
 * bookkeeping alone: a record can be stale (pid reuse) or wrong (a child
 * reported before its creator's fork event), a fact cannot. Every function
 * returns 0 or -errno (-ESRCH when the task is gone) and never prints.
 */
#ifndef SB_PROCFS_H
#define SB_PROCFS_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include <sys/types.h>

/* Tgid and PPid of a task. */
int sb_procfs_ids(pid_t tid, pid_t *tgid, pid_t *ppid);

/* Effective uid of a task (the second field of Uid:). */
int sb_procfs_euid(pid_t tid, uid_t *euid);

/* Seccomp_filters of a task (tid 0: the process pid itself). */
int sb_procfs_filters(pid_t pid, pid_t tid);

/* Check that every task of process pid has exactly `want` filters. On a
 * mismatch returns -EPERM with the task and its count in *bad and *got.
 * A task that is exiting (PF_EXITING, a zombie) is not counted: it runs no
 * user code again, and TSYNC does not give it the new filter. */
int sb_procfs_all_filters(pid_t pid, int want, pid_t *bad, int *got);

/* Scheduler state letter of a task (R, S, D, t, T, Z, ...) and the syscall
 * it sits in (/proc/.../syscall: -1 when it runs or is not in one); with
 * args, that call's arguments too, written only if they parse (-EIO). */
int sb_procfs_task_state(pid_t pid, pid_t tid, char *state, long *nr, uint64_t args[6]);

/* Processes other than pid that share its memory (kcmp KCMP_VM), up to
 * max of them in out; *n is how many were found. Processes we may not
 * inspect (kcmp EPERM) cannot be ours: skipped. */
int sb_procfs_vm_sharers(pid_t pid, pid_t *out, int max, int *n);

/* True if process pid holds an io_uring instance (an fd to one). */
int sb_procfs_has_io_uring(pid_t pid, bool *yes);

/* argv[0] of process pid, as it named itself (its cmdline up to the first
 * NUL); empty for a zombie. */
int sb_procfs_argv0(pid_t pid, char *buf, size_t len);

/* Read a small /proc file into buf (NUL-terminated). */
int sb_procfs_read(const char *path, char *buf, size_t len);
/* Same, returning the bytes read (a file such as cmdline holds NULs). */
int sb_procfs_read_len(const char *path, char *buf, size_t len);

#endif
