/* filter.h - policy phase -> libseccomp context -> BPF.
 *
 * Filters stack and the strictest answer wins, so a syscall runs after the
 * transition only if both F1 and F2 allow it:
 *   F1 (installed before execve) = init ∪ serving ∪ markers ∪ launch set
 *        ∪ injection set (seccomp) ∪ base set;
 *   F2 (injected at the transition) = serving ∪ base set.
 * A phase's answer for a call is its line, else (for clone) its clone3 line,
 * else kill for a dangerous call under `default = log` (danger.h), else
 * allow for a baseline call (baseline.h), else the default:
 * sb_filter_phase_action. F1 takes the less strict of init's and
 * serving's answers (kill > errno > log > allow), or it would overrule F2
 * after the transition; init is then looser than written, never serving.
 * In enforce mode F1 answers SECCOMP_RET_TRACE only where F2 kills or fails
 * the call (SB_RET_DATA_AFTER below): a RET_TRACE that F2 does not outrank turns
 * the syscall into ENOSYS for ever once the tracer detaches (DESIGN.md 6).
 * F1 of a traced run (a transition, or complain mode) also denies clone with
 * CLONE_UNTRACED and answers clone3 with ENOSYS, so that every child is seen
 * by the tracer (traced_rules in filter.c).
 * Argument conditions (args.h, sandbox-policy(5) ARGUMENTS): F2 checks
 * serving's, F1 the union of init's and serving's; a value that fails gets
 * the default where it denies, else kill. A filter whose phase restricts
 * clone's flags answers clone3 with ENOSYS.
 * F1 and F2 kill the process for a foreign ABI (i386, x32); the profiling
 * filter traces those calls too.
 */
#ifndef SB_FILTER_H
#define SB_FILTER_H

#include <linux/filter.h>
#include <seccomp.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "policy.h"

enum sb_filter_kind {
	SB_FILTER_F1,      /* before execve */
	SB_FILTER_F2,      /* the serving filter, injected at the transition */
	SB_FILTER_PROFILE, /* RET_TRACE for every syscall of every ABI */
};

enum sb_mode {
	SB_MODE_ENFORCE,  /* the policy's actions */
	SB_MODE_COMPLAIN, /* nothing denied: what would be is RET_TRACE, reported by the tracer */
};

/* Syscalls the mechanism needs that no profile sees (sandbox-policy(5)):
 * restart_syscall, rt_sigreturn, exit, exit_group. NULL-terminated. */
extern const char *const sb_base_set[];

/* Build a context. Returns 0 or -errno; *out is freed with seccomp_release.
 * SB_FILTER_PROFILE ignores the policy (p may be NULL). -EINVAL for F2 of a
 * policy without a transition, a foreign arch or an invalid action. */
int sb_filter_build(const struct sb_policy *p, enum sb_filter_kind kind, enum sb_mode mode,
                    scmp_filter_ctx *out);

/* The same, for the process `self` (its pid): the baseline's signals to
 * the process itself (baseline.h, sb_baseline_self) are allowed when their
 * first argument is self. self 0: none are (what sb_filter_build gives). */
int sb_filter_build_self(const struct sb_policy *p, enum sb_filter_kind kind, enum sb_mode mode, pid_t self,
                         scmp_filter_ctx *out);
/* Add those rules to ctx, built by sb_filter_build for p and kind (in the
 * process that will load it, once its pid is known). 0 or -errno. */
int sb_filter_add_self(scmp_filter_ctx ctx, const struct sb_policy *p, enum sb_filter_kind kind, pid_t self);

/* sb_filter_build_self, exported (sb_filter_export) into *out: the raw
 * BPF another process is given (out->filter malloc'd; untouched on
 * failure). 0 or -errno. */
int sb_filter_prog_self(const struct sb_policy *p, enum sb_filter_kind kind, enum sb_mode mode, pid_t self,
                        struct sock_fprog *out);

/* Export raw BPF to a malloc'd sock_filter array (via a memfd: libseccomp
 * 2.5.4 has no in-memory export). Returns 0 or -errno. */
int sb_filter_export(scmp_filter_ctx ctx, struct sock_fprog *out);

/* Human-readable pseudo filter code, for tests and --dump-filter. */
int sb_filter_pfc(scmp_filter_ctx ctx, FILE *f);

/* Where a phase's answer comes from, in the order they are tried. */
enum sb_answer_source {
	SB_FROM_LINE,     /* the phase's line for the call */
	SB_FROM_STAND_IN, /* clone: the phase's clone3 line */
	SB_FROM_DANGER,   /* a dangerous call under `default = log`: kill */
	SB_FROM_BASELINE, /* `baseline = harmless` and a member: allow */
	SB_FROM_DEFAULT,  /* the default */
};

/* The answer of phase ph for native syscall nr, per the policy alone: its
 * line; else, for clone, the phase's clone3 line (glibc falls back to clone
 * when clone3 answers ENOSYS); else kill for a dangerous call when the
 * default is log; else allow for a member of the baseline (baseline.h)
 * when the policy has `baseline = harmless`; else the default. The default
 * for nr out of range. The one place that decides: everything else asks. */
struct sb_action sb_filter_phase_action(const struct sb_policy *p, enum sb_phase ph, int nr);

/* The same, and where the answer came from in *src (src may be NULL). */
struct sb_action sb_filter_phase_answer(const struct sb_policy *p, enum sb_phase ph, int nr,
                                        enum sb_answer_source *src);

/* The condition phase ph's answer puts on nr's arguments: its line's
 * (sb_policy_cond), or the baseline's when the baseline is the answer
 * (sb_baseline_cond); NULL for none. Every user of a phase's conditions
 * (the filters, the reports, --learn, the exports) asks this. */
const struct sb_cond *sb_filter_phase_cond(const struct sb_policy *p, enum sb_phase ph, int nr);

/* The action a filter of `kind` takes for native syscall nr in enforce mode
 * when its arguments pass every check (mirrors sb_filter_build; used by complain
 * reports to say what would have happened). SB_ACT_NONE for
 * SB_FILTER_PROFILE. An x32 number (bit 30 set) gives kill (the bad-arch
 * action). */
struct sb_action sb_filter_action(const struct sb_policy *p, enum sb_filter_kind kind, int nr);

/* Lazy init: with a rule that has `after` calls which F2 kills or fails,
 * F1 (enforce mode) answers SECCOMP_RET_TRACE with this data for them, so
 * the tracer can let the process run with PTRACE_CONT until it is armed
 * instead of stopping at every syscall. True if the policy allows it. */
#define SB_RET_DATA_AFTER 3
bool sb_filter_lazy(const struct sb_policy *p);

/* The libseccomp action (SCMP_ACT_*) the filter built by sb_filter_build for
 * `kind` and `mode` returns for native syscall nr called with `args`:
 * sb_filter_action mapped, and in complain mode kill/errno turned into
 * SCMP_ACT_TRACE(1) for F1, SCMP_ACT_TRACE(2) for F2 (the tracer reads 1 or
 * 2 with PTRACE_GETEVENTMSG); SCMP_ACT_TRACE(0) for every call under
 * SB_FILTER_PROFILE. The rules of a traced F1 (CLONE_UNTRACED denied, clone3
 * ENOSYS) answer the same in both modes: they keep the tracer's view whole,
 * which complain mode needs as much as enforce. */
uint32_t sb_filter_scmp_action_args(const struct sb_policy *p, enum sb_filter_kind kind, enum sb_mode mode,
                                    int nr, const uint64_t args[6]);

/* The same for a call whose arguments are all zero. */
uint32_t sb_filter_scmp_action(const struct sb_policy *p, enum sb_filter_kind kind, enum sb_mode mode,
                               int nr);

/* One masked compare: an argument x matches when (x & mask) == value. */
struct sb_masked {
	uint64_t mask, value;
};

/* At most this many blocks for a normalized condition (args.h): a block
 * per bit of a 64-bit argument and listed value, and one. */
#define SB_COMPLEMENT_MAX (64 * SB_COND_MAX + 1)

/* The aligned blocks covering every value of width w (its low bits set:
 * an int argument's 0xffffffff) but the sorted values v[0..n) within it,
 * the ones the filters compare with for a value set (filter.c,
 * add_values): each value outside the set matches exactly one block, no
 * value of the set matches any, and bits above w never matter (the kernel
 * does not read them). Stores up to max in out; returns how many there are
 * (more than max: the rest were not stored). */
int sb_filter_complement(uint64_t w, const uint64_t *v, int n, struct sb_masked *out, int max);

#endif
