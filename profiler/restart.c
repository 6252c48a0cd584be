/* restart.c - the supervisor rule applied to a run (lib/restart.h): with
 * --restart=on, the calls and argument values it carries become `allow`
 * lines of [serving] with count 0 ("; seen in init", policy_write.c), and
 * the conditions treat the values as the run's own; with off (the default)
 * the supervisors are only counted, for the summary's hint.
 *
 * Invariant: only a two-phase policy is touched, and only lines its
 * serving phase does not have (a line it has keeps its action). A carried
 * call gets its line even where this run's baseline allows it: like every
 * call a run saw, so that the lines hold whatever the baseline of the file
 * they end up in (a --merge keeps the target's, which may be none;
 * sb_policy_merge).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"
#include "profile.h"
#include "restart.h"

/* The records of pr->procs in order (a copy without its record, whose
 * allocation failed, takes part as a process with no init calls). */
static struct sb_proc_init *records(const struct profiler *pr, int *n)
{
	int count = 0, i = 0;

	for (const struct sb_proc *p = pr->procs; p; p = p->next)
		count++;
	struct sb_proc_init *v = calloc(count ? (size_t)count : 1, sizeof(*v));
	if (!v)
		return NULL;
	for (const struct sb_proc *p = pr->procs; p; p = p->next, i++) {
		if (p->user)
			v[i] = *(const struct sb_proc_init *)p->user;
		v[i].pid = p->pid;
		v[i].ppid = p->ppid;
		v[i].serving = p->ph.phase == SB_PHASE_SERVING;
	}
	*n = count;
	return v;
}

void profiler_restart(struct profiler *pr)
{
	struct sb_policy *pol = pr->policy;
	uint8_t carry[SB_BITMAP_BYTES] = {0};
	struct sb_arg_seen *seen = calloc(SB_ARG_N, sizeof(*seen));
	int n = 0;
	struct sb_proc_init *v = pol->has_transition && seen ? records(pr, &n) : NULL;
	int r = v ? sb_restart_carry(v, n, carry, seen) : pol->has_transition ? -ENOMEM : 0;

	if (r < 0) /* the tighter policy: nothing is carried */
		sb_warn("the supervisor rule could not run: %s", strerror(-r));
	pr->supervisors = r > 0 ? r : 0;
	bool apply = pr->opts->restart && pr->supervisors > 0;

	for (int nr = 0; nr < SB_NR_MAX && apply; nr++) {
		if (!sb_bit_test(carry, nr) || pol->phase[SB_PHASE_SERVING][nr].act.kind != SB_ACT_NONE)
			continue;
		sb_policy_add(pol, SB_PHASE_SERVING, nr, 0);
		pr->restart_calls++;
	}
	for (int id = 0; id < SB_ARG_N && apply; id++)
		sb_arg_seen_merge((enum sb_arg_id)id, &pr->seen[SB_PHASE_SERVING][id], &seen[id], true);
	free(v);
	free(seen);
}
