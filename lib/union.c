/* union.c - derived policies (union.h).
 *
 * Invariant: both operations are sb_policy_merge applied to copies whose
 * phases were moved, so the refusals and the count arithmetic are merge's.
 */
#include "union.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static struct sb_policy *copy(const struct sb_policy *p)
{
	struct sb_policy *c = malloc(sizeof(*c));

	if (c != NULL)
		memcpy(c, p, sizeof(*c));
	return c;
}

/* c becomes single phase; [init] keeps `keep` (init or serving) of itself,
 * its lines with their argument conditions. */
static void single_phase(struct sb_policy *c, enum sb_phase keep)
{
	if (keep != SB_PHASE_INIT) {
		memcpy(c->phase[SB_PHASE_INIT], c->phase[keep], sizeof(c->phase[0]));
		memcpy(c->cond[SB_PHASE_INIT], c->cond[keep], sizeof(c->cond[0]));
	}
	memset(c->phase[SB_PHASE_SERVING], 0, sizeof(c->phase[0]));
	memset(c->cond[SB_PHASE_SERVING], 0, sizeof(c->cond[0]));
	memset(&c->tr, 0, sizeof(c->tr));
	c->tr.fd = -1; /* as sb_policy_new and the reader leave it */
	c->has_transition = false;
}

static void add_comment(struct sb_policy *p, const char *note)
{
	if (note != NULL && p->ncomments < SB_MAX_COMMENTS)
		snprintf(p->comments[p->ncomments++], SB_COMMENT_LEN, "%s", note);
}

int sb_policy_union(const struct sb_policy *p, const char *note, struct sb_policy **out, struct sb_error *err)
{
	struct sb_policy *u = copy(p), *s = copy(p);
	int r = u && s ? 0 : -ENOMEM;

	if (r == 0 && p->has_transition) {
		single_phase(u, SB_PHASE_INIT);
		single_phase(s, SB_PHASE_SERVING);
		r = sb_policy_merge(u, s, err);
	}
	free(s);
	if (r < 0) {
		free(u);
		return r;
	}
	add_comment(u, note);
	*out = u;
	return 0;
}

int sb_policy_merge_run(struct sb_policy *dst, const struct sb_policy *run, struct sb_error *err)
{
	struct sb_policy *c;
	int r;

	if (!dst->has_transition || run->has_transition)
		return sb_policy_merge(dst, run, err);
	if ((c = copy(run)) == NULL)
		return -ENOMEM;
	c->has_transition = true; /* its [init] only, under dst's rule */
	c->tr = dst->tr;
	r = sb_policy_merge(dst, c, err);
	free(c);
	return r;
}

bool sb_policy_lists(const struct sb_policy *p, enum sb_phase ph, int nr)
{
	if (ph == SB_PHASE_SERVING && !p->has_transition)
		return false;
	return nr >= 0 && nr < SB_NR_MAX && p->phase[ph][nr].act.kind != SB_ACT_NONE;
}
