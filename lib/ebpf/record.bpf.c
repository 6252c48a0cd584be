// SPDX-License-Identifier: GPL-2.0
/* record.bpf.c - count the syscalls of one process tree per process and
 * phase, in kernel.
 *
 * Invariants:
 *  - a task is tracked iff its tid is in `threads`; every program returns
 *    in its first instructions for any other task;
 *  - a child is tracked from sched_process_fork, which runs in the creator
 *    before the child is first woken: no call of a tracked tree escapes;
 *  - counts live in maps, never in an event stream: nothing is lost in a
 *    burst. What can be lost (a full table, or a record the kernel could
 *    not allocate) is counted in lost_procs and lost_threads, and the
 *    loader reports it;
 *  - the programs are raw tracepoints that read kernel structures only by
 *    CO-RE (BPF_CORE_READ, or loads from bpf_get_current_task_btf), which
 *    the kernel relocates at load (ebpf.c's light skeleton): no name is
 *    looked up in the kernel's BTF to attach them;
 *  - the phase rule is lib/phase.c's (sb_phase_marker_thread), on the rule
 *    table the loader copied from struct sb_transition. A process's phase
 *    moves init -> serving once, at the marker call itself, which is
 *    counted in serving; every later call of every thread is serving (there
 *    is no settle step: sandbox-profile(1), BACKENDS);
 *  - the settle step's other half is kept: the call another thread sleeps
 *    in at the transition returns in serving (under sandbox-run a detach
 *    restarts it under F2), so a thread's last init call is counted in
 *    serving too when it next enters the kernel or exits in a serving
 *    process (the loader does it for threads still alive at the end).
 *    Its checked argument (below) is recorded in serving with it;
 *  - the checked arguments are lib/args.c's table (argtab, filled by the
 *    loader): a call of the table records its argument in the phase it is
 *    counted in, as sb_arg_record does; any other call costs one load of
 *    argtab.arg_of. clone3's flags are read from its struct clone_args.
 */
#include <linux/bpf.h>
#include <linux/types.h>
#include <stdbool.h>

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "record.h"

/* The kernel's types, only the fields read here: CO-RE relocates each
 * access by its name against the running kernel's BTF at load (no
 * vmlinux.h, no kernel BTF at build time). */
#define __core __attribute__((preserve_access_index))

typedef struct {
	int counter;
} atomic_t;

struct pt_regs {
	unsigned long r10, r9, r8, dx, si, di;
} __core;

struct thread_info {
	__u32 status;
} __core;

struct mm_struct {
	unsigned long arg_start;
} __core;

struct signal_struct {
	atomic_t live;
} __core;

struct task_struct {
	struct thread_info thread_info;
	int pid;
	int tgid;
	int exit_code;
	struct mm_struct *mm;
	struct signal_struct *signal;
} __core;

struct linux_binprm;

#define NR_EXECVE     59
#define X32_BIT       0x40000000
#define TS_COMPAT     0x0002
#define PHASE_INIT    0
#define PHASE_SERVING 1
#define SCOPE_THREAD  1

char LICENSE[] SEC("license") = "GPL";

const volatile struct sb_ebpf_rules rules = {};
const volatile struct sb_ebpf_argtab argtab = {};

__u32 nslots = 0; /* records handed out; the loader takes slot 0 */
__u64 lost_procs = 0;
__u64 lost_threads = 0;

/* Both tables allocate an element when a task or process appears, not
 * all of them at load: a preallocated procs is 11 MB to zero and charge on
 * every run. An element that cannot be allocated is a loss, counted.
 *
 * threads is a hash, not task-local storage, on purpose. Storage would
 * save the hash lookup every system call of the machine makes to learn it
 * is not tracked (measured: ls -laR 1.6 ms faster, 5-10 ns less per call
 * of other processes), but before Linux 6.2 a storage lookup from a
 * tracepoint returns NULL while another storage operation holds the CPU:
 * a tracked call would go missing, unseen, on Debian 12's 6.1. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, SB_EBPF_THREADS);
	__type(key, __u32);
	__type(value, struct sb_ebpf_thread);
} threads SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, SB_EBPF_SLOTS);
	__type(key, __u32);
	__type(value, struct sb_ebpf_proc);
} procs SEC(".maps");

/* A record of zeros, the value a new process's record starts from (the
 * BPF stack is too small to hold one). Never written. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sb_ebpf_proc);
} blank SEC(".maps");

static __always_inline bool bit_test(const volatile __u8 *set, __u32 nr)
{
	return set[(nr / 8) & (SB_EBPF_BITMAP - 1)] & (1u << (nr % 8));
}

/* sb_phase_marker_thread: arm first (a call may be both an `after` call and
 * a marker), then the first armed rule whose marker this is, fd matching. */
static __always_inline int marker(struct sb_ebpf_proc *p, struct sb_ebpf_thread *t, __u32 nr,
                                  struct pt_regs *regs)
{
	__u32 n = rules.nrules;

	for (__u32 i = 0; i < SB_EBPF_RULES; i++)
		if (i < n && bit_test(rules.rule[i].after_set, nr)) {
			__sync_fetch_and_or(&p->armed, 1u << i);
			__sync_fetch_and_or(&t->armed, 1u << i);
		}
	for (__u32 i = 0; i < SB_EBPF_RULES; i++) {
		if (i >= n)
			break;
		__u32 bits = rules.rule[i].scope == SCOPE_THREAD ? t->armed : p->armed;
		if (!(bits & (1u << i)) || !bit_test(rules.rule[i].marker_set, nr))
			continue;
		/* the kernel reads an fd argument as an int: the low 32 bits */
		if (rules.rule[i].fd >= 0 && (__u32)BPF_CORE_READ(regs, di) != (__u32)rules.rule[i].fd)
			continue;
		return (int)i;
	}
	return -1;
}

/* arg_add's scans, one element per bpf_loop step: the verifier checks a
 * step once, not each of the 8 + 12 unrolled (they were most of the
 * load's verification time). */
struct arg_scan {
	struct sb_ebpf_arg_seen *s;
	const volatile struct sb_ebpf_argdef *d;
	__u64 x;    /* the value, masked */
	__u32 kept; /* x is in the set now, or was */
};

/* Dangerous value i, if it is x: noted. Stops at the list's end. */
static long danger_step(__u32 i, void *ctx)
{
	struct arg_scan *c = ctx;

	if (i >= SB_EBPF_DANGER)
		return 1;
	__u64 dv = c->d->danger[i], bit = 1ull << i;
	if (!dv)
		return 1;
	if ((dv & c->d->width) == c->x && !(c->s->danger_seen & bit))
		__sync_fetch_and_or(&c->s->danger_seen, bit);
	return 0;
}

/* Slot i: x is there, or the slot was free and now holds x (cmpxchg: a
 * slot goes from free to one value once). Stops when x is kept. */
static long value_step(__u32 i, void *ctx)
{
	struct arg_scan *c = ctx;

	if (i >= SB_EBPF_VALUES)
		return 1;
	__u64 want = c->x + 1, cur = c->s->v[i];
	if (cur == 0)
		cur = __sync_val_compare_and_swap(&c->s->v[i], 0, want);
	if (cur == 0 || cur == want) {
		c->kept = 1;
		return 1;
	}
	return 0;
}

/* sb_arg_record on argument id of a record: the value masked with the
 * argument's width; flags: OR'ed in; values: the dangerous values it is
 * noted, then added to the set unless there, or overflow when the set is
 * full. Every thread scans the slots from the first: two threads never
 * keep the same value. The loader's check makes x + 1 nonzero: a values
 * argument is narrower than 64 bits. A global function: the verifier
 * checks it once per program, not at each caller's every path. */
__noinline int arg_add(struct sb_ebpf_arg_seen *s, __u32 id, __u64 x)
{
	if (!s || id >= SB_EBPF_ARGS)
		return 0;
	struct arg_scan c = {.s = s, .d = &argtab.def[id], .x = x & argtab.def[id].width};

	if (!s->any)
		s->any = 1;
	if (c.d->flags) {
		if ((s->bits & c.x) != c.x)
			__sync_fetch_and_or(&s->bits, c.x);
		return 0;
	}
	bpf_loop(SB_EBPF_DANGER, danger_step, &c, 0);
	bpf_loop(SB_EBPF_VALUES, value_step, &c, 0);
	if (!c.kept)
		s->overflow = 1;
	return 0;
}

/* Argument i of the call, as the kernel reads it (x86_64 syscall ABI). */
static __always_inline __u64 reg_arg(struct pt_regs *regs, __u32 i)
{
	switch (i) {
	case 0: return BPF_CORE_READ(regs, di);
	case 1: return BPF_CORE_READ(regs, si);
	case 2: return BPF_CORE_READ(regs, dx);
	case 3: return BPF_CORE_READ(regs, r10);
	case 4: return BPF_CORE_READ(regs, r8);
	default: return BPF_CORE_READ(regs, r9);
	}
}

/* The checked argument of call nr, recorded in phase; kept in t for the
 * serving copy of a sleeper. clone3's flags are the first field of its
 * struct clone_args: unreadable, nothing is recorded (profile.c's
 * checked_arg does the same). */
static __always_inline void record_arg(struct sb_ebpf_proc *p, struct sb_ebpf_thread *t, __u32 nr,
                                       __u32 phase, struct pt_regs *regs)
{
	__u8 a = argtab.arg_of[nr & (SB_EBPF_NR_MAX - 1)];

	if (!a)
		return;
	__u32 id = (__u32)(a & ~SB_EBPF_ARG_MEM) - 1;
	if (id >= SB_EBPF_ARGS)
		return;
	__u64 x = reg_arg(regs, (a & SB_EBPF_ARG_MEM) ? 0 : argtab.def[id].index);
	t->last_arg_ok = 0;
	if ((a & SB_EBPF_ARG_MEM) && bpf_probe_read_user(&x, sizeof(x), (const void *)x) < 0)
		return;
	t->last_arg = x;
	t->last_arg_ok = 1;
	arg_add(&p->seen[phase & 1][id], id, x);
}

/* The call t was in (or last made) when its process left init, once, with
 * its argument if checked. */
static __always_inline void sleeper(struct sb_ebpf_proc *p, struct sb_ebpf_thread *t)
{
	if (!t->last_init)
		return;
	t->last_init = 0;
	__u32 nr = t->last_nr & (SB_EBPF_NR_MAX - 1);
	__sync_fetch_and_add(&p->counts[PHASE_SERVING][nr], 1);
	__u8 a = argtab.arg_of[nr];
	__u32 id = (__u32)(a & ~SB_EBPF_ARG_MEM) - 1;
	if (a && t->last_arg_ok && id < SB_EBPF_ARGS)
		arg_add(&p->seen[PHASE_SERVING][id], id, t->last_arg);
}

/* i386 (int 0x80, TS_COMPAT) or x32 (bit 30 of the number). The task is a
 * BTF pointer: a plain load, no helper call. */
static __always_inline bool foreign(long id)
{
	struct task_struct *task = bpf_get_current_task_btf();

	return (id & X32_BIT) || (task->thread_info.status & TS_COMPAT);
}

/* The record of tracked thread tid and of its process, or NULL: the first
 * test of every program (a task outside the tree returns here). */
static __always_inline struct sb_ebpf_proc *tracked(__u32 tid, struct sb_ebpf_thread **t)
{
	*t = bpf_map_lookup_elem(&threads, &tid);
	return *t ? bpf_map_lookup_elem(&procs, &(*t)->slot) : NULL;
}

SEC("raw_tp/sys_enter")
int BPF_PROG(sb_sys_enter, struct pt_regs *regs, long id)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct sb_ebpf_thread *t;
	struct sb_ebpf_proc *p = tracked(tid, &t);

	if (!p)
		return 0;
	/* before the program's first execve, calls are the loader's setup */
	if (!p->started && id != NR_EXECVE)
		return 0;
	if (foreign(id)) {
		__sync_fetch_and_add(&p->foreign, 1);
		return 0;
	}
	if (id < 0 || id >= SB_EBPF_NR_MAX)
		return 0; /* no native syscall has such a number; nor has a policy */
	__u32 nr = (__u32)id, phase = p->phase;
	if (phase == PHASE_INIT && bit_test(rules.any_set, nr)) {
		int i = marker(p, t, nr, regs);
		if (i >= 0) {
			phase = PHASE_SERVING;
			t->last_init = 0; /* it runs: it sleeps in nothing */
			if (__sync_val_compare_and_swap(&p->phase, PHASE_INIT, PHASE_SERVING) == PHASE_INIT) {
				p->rule = i;
				p->transition_nr = (__s32)nr;
				p->transition_tid = tid;
				p->transition_ns = bpf_ktime_get_ns();
			}
		}
	}
	if (phase == PHASE_SERVING)
		sleeper(p, t);
	__sync_fetch_and_add(&p->counts[phase & 1][nr], 1);
	record_arg(p, t, nr, phase, regs);
	t->last_nr = nr;
	t->last_init = phase == PHASE_INIT;
	return 0;
}

/* A new process: a record in a fresh slot, in its creator's phase, armed
 * state and program (sb_tree_new_proc). */
static __always_inline int new_proc(struct sb_ebpf_proc *parent, struct task_struct *child, __u32 *slot)
{
	__u32 s = __sync_fetch_and_add(&nslots, 1), zero = 0;
	const struct sb_ebpf_proc *b = bpf_map_lookup_elem(&blank, &zero);

	if (s >= SB_EBPF_SLOTS || !b || bpf_map_update_elem(&procs, &s, b, BPF_NOEXIST) < 0)
		return -1;
	struct sb_ebpf_proc *p = bpf_map_lookup_elem(&procs, &s);
	if (!p)
		return -1;
	p->pid = (__u32)BPF_CORE_READ(child, tgid);
	p->ppid = parent->pid;
	p->phase = parent->phase;
	p->armed = parent->armed;
	p->rule = parent->rule;
	p->transition_nr = -1;
	p->started = parent->started;
	p->threads_seen = 1;
	bpf_probe_read_kernel(p->exe, sizeof(p->exe), parent->exe);
	*slot = s;
	return 0;
}

SEC("raw_tp/sched_process_fork")
int BPF_PROG(sb_fork, struct task_struct *parent, struct task_struct *child)
{
	struct sb_ebpf_thread *t;
	struct sb_ebpf_proc *p = tracked((__u32)BPF_CORE_READ(parent, pid), &t);

	if (!p)
		return 0;
	struct sb_ebpf_thread nt = {.slot = t->slot, .armed = t->armed}; /* no call yet */
	__u32 ctid = (__u32)BPF_CORE_READ(child, pid);
	if (BPF_CORE_READ(child, tgid) == BPF_CORE_READ(parent, tgid))
		__sync_fetch_and_add(&p->threads_seen, 1);
	else if (new_proc(p, child, &nt.slot) < 0) {
		__sync_fetch_and_add(&lost_procs, 1);
		return 0;
	}
	if (bpf_map_update_elem(&threads, &ctid, &nt, BPF_NOEXIST) < 0)
		__sync_fetch_and_add(&lost_threads, 1);
	return 0;
}

/* execve by a non-leader thread: it takes the leader's tid (old_pid is
 * the tid it had). argv[0] as the program named itself, as trace.c reads
 * it from /proc/PID/cmdline. */
SEC("raw_tp/sched_process_exec")
int BPF_PROG(sb_exec, struct task_struct *task, int old_pid, struct linux_binprm *bprm)
{
	__u32 tid = (__u32)BPF_CORE_READ(task, pid), old = (__u32)old_pid;
	struct sb_ebpf_thread *t = bpf_map_lookup_elem(&threads, &old);

	if (!t)
		return 0;
	struct sb_ebpf_thread moved = *t;
	if (old != tid) {
		bpf_map_delete_elem(&threads, &old);
		if (bpf_map_update_elem(&threads, &tid, &moved, BPF_ANY) < 0) {
			__sync_fetch_and_add(&lost_threads, 1);
			return 0;
		}
	}
	struct sb_ebpf_proc *p = bpf_map_lookup_elem(&procs, &moved.slot);
	if (!p)
		return 0;
	p->started = 1;
	__sync_fetch_and_add(&p->execs, 1);
	unsigned long arg = BPF_CORE_READ(task, mm, arg_start);
	if (bpf_probe_read_user_str(p->exe, sizeof(p->exe), (const void *)arg) < 0)
		p->exe[0] = '\0';
	return 0;
}

/* A thread ends; the last one of its group ends the process. */
SEC("raw_tp/sched_process_exit")
int BPF_PROG(sb_exit, struct task_struct *task)
{
	__u32 tid = (__u32)BPF_CORE_READ(task, pid);
	struct sb_ebpf_thread *t;
	struct sb_ebpf_proc *p = tracked(tid, &t);

	if (!p)
		return 0;
	if (p->phase == PHASE_SERVING)
		sleeper(p, t);
	bpf_map_delete_elem(&threads, &tid);
	if (BPF_CORE_READ(task, signal, live.counter) != 0)
		return 0;
	p->exit_status = BPF_CORE_READ(task, exit_code);
	p->exited = 1;
	return 0;
}
