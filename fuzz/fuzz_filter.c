/* fuzz_filter.c - fuzz target: the filter builder on every policy that parses.
 *
 * A policy the reader accepts must become F1 (and F2 if it has a
 * transition) in both modes, and export as loadable BPF. The filters must
 * say what the policy says (filter.h, sandbox-policy(5) FILTERS):
 *  - F2 answers each [serving] line's action exactly;
 *  - a single-phase F1 answers each [init] line's action exactly;
 *  - a two-phase F1 is never stricter than an [init] line (it may be
 *    looser, where serving is);
 *  - the calls sb_policy_forced_allow names are allowed.
 * The reader refuses non-allow lines for the forced calls, so "exactly"
 * holds for every listed call: a filter that overrides a line the reader
 * took breaks it. The one exception is clone3 in a phase whose clone.flags
 * condition it would bypass (sandbox-policy(5), ARGUMENTS): ENOSYS.
 */
#include "fuzz.h"

#include "filter.h"

#include <errno.h>
#include <sys/syscall.h>

static int strictness(enum sb_act_kind k)
{
	switch (k) {
	case SB_ACT_ALLOW: return 0;
	case SB_ACT_LOG: return 1;
	case SB_ACT_ERRNO: return 2;
	default: return 3;
	}
}

static bool same(struct sb_action a, struct sb_action b)
{
	return a.kind == b.kind && (a.kind != SB_ACT_ERRNO || a.errnum == b.errnum);
}

static void build(const struct sb_policy *p, enum sb_filter_kind kind)
{
	const enum sb_mode modes[] = {SB_MODE_ENFORCE, SB_MODE_COMPLAIN};

	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		scmp_filter_ctx ctx = NULL;
		struct sock_fprog prog = {0};

		FUZZ_CHECK(sb_filter_build(p, kind, modes[i], &ctx) == 0);
		FUZZ_CHECK(sb_filter_export(ctx, &prog) == 0 && prog.len > 0);
		free(prog.filter);
		seccomp_release(ctx);
	}
}

/* clone3 answers ENOSYS where phase ph restricts clone's flags. */
static bool clone3_enosys(const struct sb_policy *p, enum sb_phase ph, int nr, struct sb_action got)
{
	return nr == SYS_clone3 && sb_policy_cond(p, ph, SYS_clone) != NULL && got.kind == SB_ACT_ERRNO &&
	       got.errnum == ENOSYS;
}

static void check_actions(const struct sb_policy *p, int nr)
{
	const struct sb_action *init = &p->phase[SB_PHASE_INIT][nr].act;
	const struct sb_action *serv = &p->phase[SB_PHASE_SERVING][nr].act;
	struct sb_action f1 = sb_filter_action(p, SB_FILTER_F1, nr);
	struct sb_action allow = {.kind = SB_ACT_ALLOW, .errnum = 0};

	if (sb_policy_forced_allow(p, SB_PHASE_INIT, nr) != NULL)
		FUZZ_CHECK(same(f1, allow));
	if (!p->has_transition) {
		if (init->kind != SB_ACT_NONE)
			FUZZ_CHECK(same(f1, *init) || clone3_enosys(p, SB_PHASE_INIT, nr, f1));
		return;
	}
	/* clone3 is the one call a traced F1 makes stricter on purpose: ENOSYS,
	 * so that glibc falls back to clone, whose flags it checks */
	if (init->kind != SB_ACT_NONE && nr != SYS_clone3)
		FUZZ_CHECK(strictness(f1.kind) <= strictness(init->kind));
	if (serv->kind != SB_ACT_NONE)
		FUZZ_CHECK(same(sb_filter_action(p, SB_FILTER_F2, nr), *serv) ||
		           clone3_enosys(p, SB_PHASE_SERVING, nr, sb_filter_action(p, SB_FILTER_F2, nr)));
	if (sb_policy_forced_allow(p, SB_PHASE_SERVING, nr) != NULL)
		FUZZ_CHECK(same(sb_filter_action(p, SB_FILTER_F2, nr), allow));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sb_policy *p = fuzz_read(data, size);

	if (p == NULL)
		return 0;
	build(p, SB_FILTER_F1);
	if (p->has_transition)
		build(p, SB_FILTER_F2);
	for (int nr = 0; nr < SB_NR_MAX; nr++)
		check_actions(p, nr);
	free(p);
	return 0;
}
