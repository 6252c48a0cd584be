/* fuzz_read.c - fuzz target: the policy reader (sb_policy_read_stream).
 *
 * Any input is read without a crash, a leak or a sanitizer report; a
 * refusal names a line inside the input (fuzz_read). What is accepted is a
 * policy the rest of lib/ may trust: the invariants below.
 */
#include "fuzz.h"

#include <string.h>

static void check_accepted(const struct sb_policy *p)
{
	FUZZ_CHECK(p->version == SB_POLICY_VERSION);
	FUZZ_CHECK(strcmp(p->arch, "x86_64") == 0);
	FUZZ_CHECK(p->def.kind != SB_ACT_NONE && p->def.kind != SB_ACT_ALLOW);
	FUZZ_CHECK(p->program[0] != '\0');
	FUZZ_CHECK(p->ncomments >= 0 && p->ncomments <= SB_MAX_COMMENTS);
	FUZZ_CHECK(p->has_transition || sb_policy_count(p, SB_PHASE_SERVING) == 0);
	if (p->has_transition)
		FUZZ_CHECK(p->tr.nmarkers > 0 && p->tr.nmarkers <= SB_MAX_MARKERS && p->tr.fd >= -1);
	for (int ph = 0; ph < SB_NPHASES; ph++)
		for (int nr = 0; nr < SB_NR_MAX; nr++) {
			const struct sb_entry *e = &p->phase[ph][nr];
			/* no count without an entry; no line the filters override */
			FUZZ_CHECK(e->act.kind != SB_ACT_NONE || e->count == 0);
			FUZZ_CHECK(e->act.kind == SB_ACT_NONE || e->act.kind == SB_ACT_ALLOW ||
			           sb_policy_forced_allow(p, (enum sb_phase)ph, nr) == NULL);
		}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sb_policy *p = fuzz_read(data, size);

	if (p != NULL)
		check_accepted(p);
	free(p);
	return 0;
}
