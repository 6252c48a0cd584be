/* union.h - policies derived from policies, for sandbox-policy(1) and the
 * exports: the single-phase flattening, a run merged into a two-phase
 * policy, and what one policy lists that another does not.
 *
 * Invariant: every result goes through sb_policy_merge, so it refuses what
 * merge refuses (different actions for a call, arch, version, default)
 * and never holds a line that neither input had.
 */
#ifndef SB_UNION_H
#define SB_UNION_H

#include "policy.h"

/* *out = the single-phase policy whose [init] is init ∪ serving of p
 * (counts added), without a transition: one filter for the whole life.
 * `note`, if not NULL, is appended as a comment. A single-phase p is copied.
 * Returns 0, -ENOMEM, or -EINVAL with err filled (a call with one action in
 * init and another in serving). Free *out with free(). */
int sb_policy_union(const struct sb_policy *p, const char *note, struct sb_policy **out,
                    struct sb_error *err);

/* sb_policy_merge, except that a single-phase run merged into a two-phase
 * dst goes into dst's [init] (a run that never reached the transition). */
int sb_policy_merge_run(struct sb_policy *dst, const struct sb_policy *run, struct sb_error *err);

/* Is native syscall nr listed (any action) in phase ph of p? Phases a
 * single-phase policy does not have list nothing. */
bool sb_policy_lists(const struct sb_policy *p, enum sb_phase ph, int nr);

#endif
