/* ebpf.h - the eBPF recording backend: load record.bpf.c, track a process
 * tree, read its records back (record.h).
 *
 * Like the rest of lib/: never exits, never prints; returns 0 or -errno,
 * with a reason in `why` where one helps. In a build without clang, libbpf
 * or bpftool (SB_HAVE_EBPF undefined) every call fails with -ENOSYS and
 * sb_ebpf_built() says so.
 */
#ifndef SB_EBPF_H
#define SB_EBPF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "args.h"
#include "phase.h"
#include "record.h"

struct sb_ebpf;

/* Whether this build has the backend at all. */
bool sb_ebpf_built(void);

/* Load the program with the transition rules (NULL/0: single phase) in its
 * rodata and attach it. *out is NULL on failure. */
int sb_ebpf_open(struct sb_ebpf **out, const struct sb_transition *rules, int nrules, char *why,
                 size_t whylen);

/* Track pid, a child that has not run its program yet (it waits, with one
 * thread): record 0, init, its calls counted from its first execve on. */
int sb_ebpf_track_child(struct sb_ebpf *e, pid_t pid);

/* Track a running process from now on: every thread it has, serving
 * (--attach). Threads it creates meanwhile are caught by the fork hook once
 * their creator is in the table; a creator's first thread is added before
 * any other, so the scan of /proc/PID/task is repeated until it finds no
 * new thread. */
int sb_ebpf_track_running(struct sb_ebpf *e, pid_t pid);

/* Records handed out so far (slots 0..n-1; at most SB_EBPF_SLOTS). */
int sb_ebpf_nprocs(const struct sb_ebpf *e);

/* Copy record `slot` into *out; -ENOENT if the kernel could not allocate
 * it (the process is counted in sb_ebpf_lost). */
int sb_ebpf_read(const struct sb_ebpf *e, int slot, struct sb_ebpf_proc *out);

/* Add what record rec saw of argument id in phase to s (args.h), as the
 * ptrace profiler's sb_arg_record calls would have. Pure: any build. */
void sb_ebpf_arg_seen(const struct sb_ebpf_proc *rec, int phase, enum sb_arg_id id, struct sb_arg_seen *s);

/* Processes and threads the kernel side could not track (a full table, a
 * record it could not allocate): their calls are missing from the records. */
uint64_t sb_ebpf_lost(const struct sb_ebpf *e);

void sb_ebpf_close(struct sb_ebpf *e);

#endif
