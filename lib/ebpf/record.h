/* record.h - the layout shared by the BPF recorder (record.bpf.c) and its
 * loader (ebpf.c): the rule table and the argument table in rodata, one
 * record per process.
 *
 * Invariants: the rule table is struct sb_transition's bitmaps copied
 * verbatim (policy.h), so the kernel tests the same table lib/phase.c does;
 * the argument table is lib/args.c's (sb_arg_def, sb_arg_nr) copied by the
 * loader, so the kernel records the arguments the ptrace profiler records,
 * as struct sb_arg_seen holds them (ebpf.c turns one into the other);
 * a record's slot is never reused during a run (a pid reused after an exit
 * gets a fresh slot), so a record read at the end is that process's alone.
 */
#ifndef SB_EBPF_RECORD_H
#define SB_EBPF_RECORD_H

#ifndef __bpf__
#include <linux/types.h>
#endif

#define SB_EBPF_NR_MAX  512 /* SB_NR_MAX */
#define SB_EBPF_BITMAP  (SB_EBPF_NR_MAX / 8)
#define SB_EBPF_RULES   2 /* sb_phase_auto_rules fills two */
#define SB_EBPF_SLOTS   1024
#define SB_EBPF_THREADS 16384
#define SB_EBPF_EXE_LEN 256
#define SB_EBPF_PHASES  2
#define SB_EBPF_ARGS    10   /* SB_ARG_N */
#define SB_EBPF_VALUES  12   /* SB_COND_MAX */
#define SB_EBPF_DANGER  8    /* dangerous values of one argument (args.c's lists) */
#define SB_EBPF_ARG_MEM 0x80 /* arg_of: the value is the first u64 at the argument (clone3) */

/* One checked argument (struct sb_arg_def): which register, how wide, the
 * dangerous values (0-terminated) of a values argument. */
struct sb_ebpf_argdef {
	__u32 index; /* argument 0..5 */
	__u32 flags; /* SB_ARG_FLAGS: record the union of the bits */
	__u64 width;
	__u64 danger[SB_EBPF_DANGER];
};

struct sb_ebpf_argtab {
	__u8 arg_of[SB_EBPF_NR_MAX]; /* id + 1 (| SB_EBPF_ARG_MEM); 0: not checked */
	struct sb_ebpf_argdef def[SB_EBPF_ARGS];
};

/* What one process made of one argument in one phase: struct sb_arg_seen,
 * with the values kept as value + 1 in the first free slot (0: free), so
 * that threads add them without a lock and no value is kept twice. */
struct sb_ebpf_arg_seen {
	__u64 bits;              /* flags: union of the values */
	__u64 v[SB_EBPF_VALUES]; /* values: value + 1, in the order first seen */
	__u64 danger_seen;       /* bit i: def.danger[i] seen */
	__u32 overflow;          /* a value found no free slot */
	__u32 any;
};

struct sb_ebpf_rule {
	__u8 marker_set[SB_EBPF_BITMAP];
	__u8 after_set[SB_EBPF_BITMAP];
	__s32 fd;    /* -1: any */
	__u32 scope; /* enum sb_scope */
};

struct sb_ebpf_rules {
	__u32 nrules;
	__u32 thread_start; /* sb_phase_thread_start(): armed bits of a fresh thread */
	/* the union of every rule's marker_set and after_set: a call outside it
	 * neither arms nor ends init, so the rules are not read (one byte of
	 * rodata per init call instead of four bitmaps) */
	__u8 any_set[SB_EBPF_BITMAP];
	struct sb_ebpf_rule rule[SB_EBPF_RULES];
};

/* A tracked thread (key: tid). */
struct sb_ebpf_thread {
	__u32 slot;        /* its process's record */
	__u32 armed;       /* rules armed by this thread or its creator */
	__u32 last_nr;     /* its latest call */
	__u32 last_init;   /* that call was counted in init and the thread has
	                      not entered the kernel since: it may sleep in it */
	__u32 last_arg_ok; /* last_nr is checked and last_arg its value */
	__u64 last_arg;
};

/* A tracked process (key: slot). */
struct sb_ebpf_proc {
	__u32 pid;
	__u32 ppid;
	__u32 phase; /* enum sb_phase; moves init -> serving once, by cmpxchg */
	__u32 armed; /* process-wide armed bits */
	__s32 rule;  /* rule that fired, -1 */
	__s32 transition_nr;
	__u32 transition_tid;
	__u32 started;       /* past the program's first execve */
	__u64 transition_ns; /* bpf_ktime_get_ns(): CLOCK_MONOTONIC */
	__u32 exited;
	__s32 exit_status; /* wait status, valid when exited */
	__u32 threads_seen;
	__u32 execs;
	__u64 foreign; /* i386 / x32 calls */
	char exe[SB_EBPF_EXE_LEN];
	__u64 counts[SB_EBPF_PHASES][SB_EBPF_NR_MAX];
	struct sb_ebpf_arg_seen seen[SB_EBPF_PHASES][SB_EBPF_ARGS];
};

#endif
