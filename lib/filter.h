/* filter.h - policy phase -> libseccomp context -> BPF.
 *
 * Filters stack and the strictest answer wins, so a syscall runs after the
 * transition only if both F1 and F2 allow it:
 *   F1 (installed before execve) = init ∪ serving ∪ markers ∪ launch set
 *        ∪ injection set (seccomp) ∪ base set;
 *   F2 (injected at the transition) = serving ∪ base set.
 * F1 never answers SECCOMP_RET_TRACE in enforce mode: a RET_TRACE left behind
 * after detach turns the syscall into ENOSYS for ever (DESIGN.md section 6).
 * Every filter kills the process for a foreign ABI (i386, x32).
 */
#ifndef SB_FILTER_H
#define SB_FILTER_H

#include <linux/filter.h>
#include <seccomp.h>
#include <stdio.h>

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

/* Build a context. Returns 0 or -errno; *out is freed with seccomp_release. */
int sb_filter_build(const struct sb_policy *p, enum sb_filter_kind kind, enum sb_mode mode,
		    scmp_filter_ctx *out);

/* Export raw BPF to a malloc'd sock_filter array (via a memfd: libseccomp
 * 2.5.4 has no in-memory export). Returns 0 or -errno. */
int sb_filter_export(scmp_filter_ctx ctx, struct sock_fprog *out);

/* Human-readable pseudo filter code, for tests and --dump-filter. */
int sb_filter_pfc(scmp_filter_ctx ctx, FILE *f);

/* The action a filter context of `kind` takes for native syscall nr,
 * per the policy (mirrors sb_filter_build; used by complain reports). */
struct sb_action sb_filter_action(const struct sb_policy *p, enum sb_filter_kind kind, int nr);

#endif
