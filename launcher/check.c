/* check.c - sandbox-run --check: the policy is valid (launch.c has read it
 * and built both filters); with -v, say per phase what it allows.
 *
 * Invariant: everything printed comes from lib/'s own answers
 * (sb_filter_phase_answer, sb_danger_*, sb_baseline_*), so the report says
 * what the filters do, not a second reading of the file. Nothing is run.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "baseline.h"
#include "danger.h"
#include "exitcodes.h"
#include "launch.h"

static bool allows(enum sb_act_kind k)
{
	return k == SB_ACT_ALLOW || k == SB_ACT_LOG;
}

/* Allowed by a line of the phase (its own, or clone3's for clone), not
 * by a `log` default or the baseline. */
static bool allowed_by_line(const struct sb_policy *p, enum sb_phase ph, int nr)
{
	enum sb_answer_source src;
	struct sb_action a = sb_filter_phase_answer(p, ph, nr, &src);

	return allows(a.kind) && (src == SB_FROM_LINE || src == SB_FROM_STAND_IN);
}

/* "init: N calls from the baseline": the members the phase does not list. */
static void print_baseline(const struct sb_policy *p, enum sb_phase ph)
{
	int n = sb_baseline_allowed(p, ph);

	printf("%s: %d call%s from the baseline", sb_phase_name(ph), n, n == 1 ? "" : "s");
	if (p->baseline == SB_BASELINE_NONE)
		printf(" (baseline none)");
	putchar('\n');
}

static int by_name(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* "PHASE: N calls WHAT: a, b, ...": the calls pred accepts, sorted as the
 * policy file sorts them. */
static void print_calls(const struct sb_policy *p, enum sb_phase ph, const char *what,
                        bool (*pred)(const struct sb_policy *, enum sb_phase, int))
{
	static char names[SB_NR_MAX][SB_NAME_LEN];
	int n = 0;

	for (int nr = 0; nr < SB_NR_MAX; nr++)
		if (pred(p, ph, nr))
			sb_syscall_name(nr, names[n++], SB_NAME_LEN);
	qsort(names, (size_t)n, sizeof(names[0]), by_name);
	printf("%s: %d call%s %s", sb_phase_name(ph), n, n == 1 ? "" : "s", what);
	for (int i = 0; i < n; i++)
		printf("%s%s", i ? ", " : ": ", names[i]);
	putchar('\n');
}

static void print_dangerous(const struct sb_policy *p, enum sb_phase ph)
{
	int nrs[SB_NR_MAX];
	char name[64];
	int n = sb_danger_allowed(p, ph, nrs, SB_NR_MAX);

	printf("%s: %d dangerous call%s allowed%s\n", sb_phase_name(ph), n, n == 1 ? "" : "s", n ? ":" : "");
	for (int i = 0; i < n; i++)
		printf("  %s: %s\n", sb_syscall_name(nrs[i], name, sizeof(name)), sb_danger_reason(nrs[i]));
}

/* What the filters let through, as built (F1 in init, F1 and F2 stacked
 * while serving): the lines, families, baseline, base set and mechanism
 * calls all counted once. Scripts read this line instead of reading the
 * policy themselves (eval/report). */
static bool effective(const struct sb_policy *p, enum sb_phase ph, int nr)
{
	bool f1 = allows(sb_filter_action(p, SB_FILTER_F1, nr).kind);

	return ph == SB_PHASE_INIT ? f1 : f1 && allows(sb_filter_action(p, SB_FILTER_F2, nr).kind);
}

static void print_rules(const struct launcher *L)
{
	const struct sb_policy *p = L->policy;
	char def[64], buf[SB_MAX_MARKERS * (SB_NAME_LEN + 2)];

	sb_action_format(&p->def, def, sizeof(def));
	printf("%s: valid, default %s%s, baseline %s\n", L->o->policy, def,
	       p->def.kind == SB_ACT_LOG ? " (dangerous calls: kill)" : "", sb_baseline_name(p->baseline));
	if (!p->has_transition)
		printf("transition: none (single phase)\n");
	else
		printf("transition: %s",
		       sb_transition_format(p->tr.markers, p->tr.nmarkers, buf, sizeof(buf)));
	if (p->has_transition && p->tr.fd >= 0)
		printf(", fd %d", p->tr.fd);
	if (p->has_transition && p->tr.nafter)
		printf(", after %s", sb_transition_format(p->tr.after, p->tr.nafter, buf, sizeof(buf)));
	if (p->has_transition)
		putchar('\n');
	if (p->has_transition || L->o->mode == SB_MODE_COMPLAIN)
		printf("traced run: F1 denies clone with CLONE_UNTRACED and answers clone3 with ENOSYS\n");
}

int launcher_check(const struct launcher *L)
{
	if (!L->o->verbose || L->o->quiet)
		return SB_EXIT_OK;
	print_rules(L);
	for (int ph = SB_PHASE_INIT; ph <= (L->policy->has_transition ? SB_PHASE_SERVING : SB_PHASE_INIT);
	     ph++) {
		print_calls(L->policy, (enum sb_phase)ph, "allowed", allowed_by_line);
		print_baseline(L->policy, (enum sb_phase)ph);
		print_dangerous(L->policy, (enum sb_phase)ph);
		print_calls(L->policy, (enum sb_phase)ph,
		            ph == SB_PHASE_INIT ? "effective (F1)" : "effective (F1 and F2)", effective);
	}
	return fflush(stdout) == 0 ? SB_EXIT_OK : SB_EXIT_LAUNCHER;
}
