/* baseline.h - the harmless baseline: calls every phase allows when the
 * policy says `baseline = harmless` (sandbox-policy(5), BASELINE).
 *
 * Invariant: a call belongs only if it can neither create a capability (a
 * file, socket, process, executable mapping, privilege) nor change anything
 * outside the calling process. No member is dangerous (danger.h; a unit
 * test checks). The filter applies it in one place, sb_filter_phase_action:
 * a phase's own line for a member wins over the baseline.
 *
 * The table is one static const array in baseline.c, one reason per entry;
 * names libseccomp does not know are skipped, as in danger.c.
 */
#ifndef SB_BASELINE_H
#define SB_BASELINE_H

#include <stdbool.h>

#include "args.h"
#include "danger.h"
#include "filter.h"
#include "policy.h"

/* The table, terminated by name == NULL (struct sb_danger: name, why). */
extern const struct sb_danger sb_baseline_table[];

/* True if native syscall nr is in the baseline (false out of range). */
bool sb_baseline_is(int nr);

/* The table's reason for nr, or NULL if nr is not in the baseline. */
const char *sb_baseline_reason(int nr);

/* The condition under which the baseline allows nr (mmap and mprotect:
 * never PROT_EXEC), or NULL: any arguments, or not a member. */
const struct sb_cond *sb_baseline_cond(int nr);

/* True if filter kind of p allows nr only toward the process it is built
 * for (sb_filter_build_self): nr is such a member, the baseline is
 * harmless, the filter denies nr otherwise and no phase it answers for has
 * a line for nr (a line wins over the baseline). */
bool sb_baseline_self(const struct sb_policy *p, enum sb_filter_kind kind, int nr);

/* True if phase ph's filters (init: F1; serving: F1 and F2) let nr
 * through toward the process itself only, by sb_baseline_self. */
bool sb_baseline_self_allowed(const struct sb_policy *p, enum sb_phase ph, int nr);

/* Number of baseline calls this libseccomp can name. */
int sb_baseline_count(void);

/* How many calls phase ph allows only because of the baseline (members the
 * phase does not list, under `baseline = harmless`; 0 under none). */
int sb_baseline_allowed(const struct sb_policy *p, enum sb_phase ph);

/* "harmless" / "none", and back: 0 or -EINVAL. */
const char *sb_baseline_name(enum sb_baseline b);
int sb_baseline_parse(const char *text, enum sb_baseline *out);

#endif
