/* describe.c - the per-phase report of a policy (describe.h).
 *
 * Invariant: every figure is one of lib/'s answers (sb_filter_*,
 * sb_danger_*, sb_baseline_*); nothing here decides what a filter does.
 * Names are sorted as the policy file sorts them.
 */
#include "describe.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "baseline.h"
#include "danger.h"

static bool allows(enum sb_act_kind k)
{
	return k == SB_ACT_ALLOW || k == SB_ACT_LOG;
}

bool sb_describe_listed(const struct sb_policy *p, enum sb_phase ph, int nr)
{
	enum sb_answer_source src;
	struct sb_action a = sb_filter_phase_answer(p, ph, nr, &src);

	return allows(a.kind) && (src == SB_FROM_LINE || src == SB_FROM_STAND_IN);
}

bool sb_describe_effective(const struct sb_policy *p, enum sb_phase ph, int nr)
{
	bool f1 = allows(sb_filter_action(p, SB_FILTER_F1, nr).kind);

	return ph == SB_PHASE_INIT ? f1 : f1 && allows(sb_filter_action(p, SB_FILTER_F2, nr).kind);
}

/* "init: N calls from the baseline": the members the phase does not list. */
static void print_baseline(FILE *f, const struct sb_policy *p, enum sb_phase ph)
{
	int n = sb_baseline_allowed(p, ph);

	fprintf(f, "%s: %d call%s from the baseline", sb_phase_name(ph), n, n == 1 ? "" : "s");
	if (p->baseline == SB_BASELINE_NONE)
		fprintf(f, " (baseline none)");
	fputc('\n', f);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* "PHASE: N calls WHAT: a, b, ...": the calls pred accepts. */
static void print_calls(FILE *f, const struct sb_policy *p, enum sb_phase ph, const char *what,
                        bool (*pred)(const struct sb_policy *, enum sb_phase, int))
{
	static char names[SB_NR_MAX][SB_NAME_LEN];
	int n = 0;

	for (int nr = 0; nr < SB_NR_MAX; nr++)
		if (pred(p, ph, nr))
			sb_syscall_name(nr, names[n++], SB_NAME_LEN);
	qsort(names, (size_t)n, sizeof(names[0]), by_name);
	fprintf(f, "%s: %d call%s %s", sb_phase_name(ph), n, n == 1 ? "" : "s", what);
	for (int i = 0; i < n; i++)
		fprintf(f, "%s%s", i ? ", " : ": ", names[i]);
	fputc('\n', f);
}

static void print_dangerous(FILE *f, const struct sb_policy *p, enum sb_phase ph)
{
	int nrs[SB_NR_MAX];
	char name[64];
	int n = sb_danger_allowed(p, ph, nrs, SB_NR_MAX);

	fprintf(f, "%s: %d dangerous call%s allowed%s\n", sb_phase_name(ph), n, n == 1 ? "" : "s",
	        n ? ":" : "");
	for (int i = 0; i < n; i++)
		fprintf(f, "  %s: %s\n", sb_syscall_name(nrs[i], name, sizeof(name)),
		        sb_danger_reason(nrs[i]));
}

static void print_rules(FILE *f, const struct sb_policy *p, const char *name, enum sb_mode mode)
{
	char def[64], buf[SB_MAX_MARKERS * (SB_NAME_LEN + 2)];

	sb_action_format(&p->def, def, sizeof(def));
	fprintf(f, "%s: valid, default %s%s, baseline %s\n", name, def,
	        p->def.kind == SB_ACT_LOG ? " (dangerous calls: kill)" : "", sb_baseline_name(p->baseline));
	if (!p->has_transition)
		fprintf(f, "transition: none (single phase)\n");
	else
		fprintf(f, "transition: %s",
		        sb_transition_format(p->tr.markers, p->tr.nmarkers, buf, sizeof(buf)));
	if (p->has_transition && p->tr.fd >= 0)
		fprintf(f, ", fd %d", p->tr.fd);
	if (p->has_transition && p->tr.nafter)
		fprintf(f, ", after %s", sb_transition_format(p->tr.after, p->tr.nafter, buf, sizeof(buf)));
	if (p->has_transition)
		fputc('\n', f);
	if (p->has_transition || mode == SB_MODE_COMPLAIN)
		fprintf(f,
		        "traced run: F1 denies clone with CLONE_UNTRACED and answers clone3 with ENOSYS\n");
}

int sb_policy_describe(FILE *f, const struct sb_policy *p, const char *name, enum sb_mode mode)
{
	int last = p->has_transition ? SB_PHASE_SERVING : SB_PHASE_INIT;

	print_rules(f, p, name, mode);
	for (int ph = SB_PHASE_INIT; ph <= last; ph++) {
		print_calls(f, p, (enum sb_phase)ph, "allowed", sb_describe_listed);
		print_baseline(f, p, (enum sb_phase)ph);
		print_dangerous(f, p, (enum sb_phase)ph);
		print_calls(f, p, (enum sb_phase)ph,
		            ph == SB_PHASE_INIT ? "effective (F1)" : "effective (F1 and F2)",
		            sb_describe_effective);
	}
	return fflush(f) == 0 && !ferror(f) ? 0 : -EIO;
}
