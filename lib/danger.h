/* danger.h - the dangerous tier: system calls that reach outside the process
 * or create a capability the filters cannot follow (sandbox-policy(5),
 * DANGEROUS CALLS).
 *
 * Invariant (applied by filter.c, sb_filter_phase_action): a dangerous call
 * that a phase does not list is never allowed by the default. Under
 * `default = log` it is killed; under kill or errno the default applies as
 * to any other call. Listed explicitly, a dangerous call gets its line's
 * action.
 *
 * The table is one static const array in danger.c, one reason per entry.
 * Names are resolved by libseccomp: a name this libseccomp does not know is
 * skipped, so the tier holds only calls the filters can name.
 */
#ifndef SB_DANGER_H
#define SB_DANGER_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "policy.h"

struct sb_danger {
	const char *name; /* as libseccomp spells it for the native ABI */
	const char *why;  /* one line, shown by the programs and the man page */
};

/* True if native syscall nr is in the tier (false out of range). */
bool sb_danger_is(int nr);

/* The table's reason for nr, or NULL if nr is not dangerous. */
const char *sb_danger_reason(int nr);

/* Number of dangerous calls this libseccomp can name. */
int sb_danger_count(void);

/* The dangerous calls whose answer in phase ph is allow or log
 * (sb_filter_phase_action): returns how many, and stores the first `max`
 * of them, ascending, in nrs (which may be NULL when max is 0). */
int sb_danger_allowed(const struct sb_policy *p, enum sb_phase ph, int *nrs, int max);

/* Set in `set` the bit of every name of `tab` (terminated by name == NULL)
 * that libseccomp knows; unknown names are skipped. Returns the number of
 * distinct calls set. The tier is this applied to danger.c's table; tests
 * apply it to their own. */
int sb_danger_resolve(const struct sb_danger *tab, uint8_t set[SB_BITMAP_BYTES]);

/* A table of calls with a reason each, resolved on first use, thread-safe
 * (the dangerous tier here, the baseline in baseline.c). */
struct sb_reasons {
	const struct sb_danger *table;
	pthread_once_t *once;
	void (*resolve)(void);
	uint8_t set[SB_BITMAP_BYTES];
	int size;
};
bool sb_reasons_has(struct sb_reasons *r, int nr);
int sb_reasons_size(struct sb_reasons *r);
const char *sb_reasons_why(struct sb_reasons *r, int nr);
/* Define `name`, a struct sb_reasons over `tab`, with its once-resolver. */
#define SB_REASONS(name, tab)                                                                                \
	static struct sb_reasons name;                                                                       \
	static pthread_once_t name##_once = PTHREAD_ONCE_INIT;                                               \
	static void name##_resolve(void)                                                                     \
	{                                                                                                    \
		name.size = sb_danger_resolve(tab, name.set);                                                \
	}                                                                                                    \
	static struct sb_reasons name = {.table = tab, .once = &name##_once, .resolve = name##_resolve}

#endif
