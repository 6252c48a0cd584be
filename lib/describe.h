/* describe.h - what a policy's filters allow, per phase, in words: the
 * report of `sandbox-run --check -v` and `sandbox-policy check`.
 *
 * Invariant: everything printed comes from lib/'s own answers
 * (sb_filter_phase_answer, sb_filter_action, sb_danger_*, sb_baseline_*),
 * so the report says what the filters do, not a second reading of the
 * file. Scripts read its "effective" lines (eval/report) and its
 * "dangerous arguments closed" lines (docs/EVALUATION.md).
 */
#ifndef SB_DESCRIBE_H
#define SB_DESCRIBE_H

#include <stdbool.h>
#include <stdio.h>

#include "filter.h"
#include "policy.h"

/* Allowed by a line of the phase (its own, or clone3's for clone), not by
 * a `log` default or the baseline. */
bool sb_describe_listed(const struct sb_policy *p, enum sb_phase ph, int nr);

/* Let through by the filters as built: F1 in init, F1 and F2 stacked while
 * serving (lines, families, baseline, base set and mechanism calls). */
bool sb_describe_effective(const struct sb_policy *p, enum sb_phase ph, int nr);

/* A dangerous value of a checked argument (args.h: a flags argument's
 * `watch` bits, a value argument's `danger` list, and for socket domains
 * AF_NETLINK and AF_PACKET) that the filters of phase ph deny (F1 in
 * init, F1 or F2 while serving) for a call whose line in ph has a
 * condition: what the conditions close, beyond the calls denied whole. */
struct sb_closed {
	enum sb_arg_id id;
	int nr;
	uint64_t value; /* a bit (flags) or a value */
};
#define SB_CLOSED_MAX (SB_ARG_N * 64)

/* The closed values of phase ph, by argument (args.h order) and value;
 * returns how many, storing up to max in out. */
int sb_describe_closed(const struct sb_policy *p, enum sb_phase ph, struct sb_closed *out, int max);

/* The value's name ("PROT_EXEC"), or its number in hex, in buf. */
const char *sb_describe_value(const struct sb_closed *c, char *buf, size_t len);

/* Write the report of policy p (named `name`, for mode) to f. Returns 0, or
 * -EIO if f could not take it. */
int sb_policy_describe(FILE *f, const struct sb_policy *p, const char *name, enum sb_mode mode);

#endif
