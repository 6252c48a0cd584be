/* check.c - sandbox-run --check: the policy is valid (launch.c has read it
 * and built both filters); with -v, say per phase what it allows.
 *
 * Invariant: the report is lib/'s (sb_policy_describe), the same that
 * `sandbox-policy check` prints; nothing is run.
 */
#include "describe.h"
#include "exitcodes.h"
#include "launch.h"

int launcher_check(const struct launcher *L)
{
	if (!L->o->verbose || L->o->quiet)
		return SB_EXIT_OK;
	return sb_policy_describe(stdout, L->policy, L->o->policy, L->o->mode) == 0 ? SB_EXIT_OK
	                                                                            : SB_EXIT_LAUNCHER;
}
