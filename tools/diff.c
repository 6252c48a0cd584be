/* diff.c - sandbox-policy diff A B and missing LEARNED POLICY.
 *
 * Invariant: policies are compared as lib/ reads them (what they mean),
 * not as text: counts and comments are not differences, an action, an
 * argument condition (sb_policy_cond, normalized: equal when they mean the
 * same) or a [sandbox] value is. Exit 0 for none, 1 for some (as diff(1)).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "tool.h"
#include "union.h"

/* The condition of nr in phase ph of p as the writer spells it ("any":
 * none), in buf. */
static const char *cond_words(const struct sb_policy *p, enum sb_phase ph, int nr, char *buf, size_t len)
{
	const struct sb_cond *c = sb_policy_cond(p, ph, nr);
	const struct sb_cond none = {.kind = SB_COND_NONE};
	const char *w = sb_cond_format((enum sb_arg_id)sb_arg_for_syscall(nr), c ? c : &none, buf, len);

	return w ? w : "?";
}

/* "~ PHASE ARG: A -> B" where both list nr with the same action and
 * another condition; 1 if printed. */
static int diff_cond(const struct sb_policy *a, const struct sb_policy *b, enum sb_phase ph, int nr)
{
	const struct sb_cond none = {.kind = SB_COND_NONE};
	const struct sb_cond *ca = sb_policy_cond(a, ph, nr), *cb = sb_policy_cond(b, ph, nr);
	char x[512], y[512];
	int id = sb_arg_for_syscall(nr);

	if (id < 0 || sb_cond_equal(ca ? ca : &none, cb ? cb : &none))
		return 0;
	printf("~ %s %s: %s -> %s\n", sb_phase_name(ph), sb_arg_def((enum sb_arg_id)id)->arg,
	       cond_words(a, ph, nr, x, sizeof(x)), cond_words(b, ph, nr, y, sizeof(y)));
	return 1;
}

static bool action_same(const struct sb_action *a, const struct sb_action *b)
{
	return a->kind == b->kind && (a->kind != SB_ACT_ERRNO || a->errnum == b->errnum);
}

/* "[sandbox] KEY: A -> B" for each value that differs ("(none)": not set). */
static int diff_keys(const struct sb_policy *a, const struct sb_policy *b)
{
	char x[4096], y[4096];
	int n = 0;

	for (int k = 0; tool_keys[k]; k++) {
		const char *va = tool_key_value(a, tool_keys[k], x, sizeof(x));
		const char *vb = tool_key_value(b, tool_keys[k], y, sizeof(y));
		if (va == vb || (va && vb && !strcmp(va, vb)))
			continue;
		printf("[sandbox] %s: %s -> %s\n", tool_keys[k], va ? va : "(none)", vb ? vb : "(none)");
		n++;
	}
	return n;
}

/* "- PHASE NAME" (only in a), "+ PHASE NAME" (only in b), "~ PHASE NAME:
 * A -> B" (another action), "~ PHASE ARG: A -> B" (another condition), in
 * the order of the names. */
static int diff_phase(const struct sb_policy *a, const struct sb_policy *b, enum sb_phase ph)
{
	char name[SB_NAME_LEN], x[64], y[64];
	int nrs[SB_NR_MAX], n = 0;

	tool_sorted_nrs(nrs);
	for (int k = 0; k < SB_NR_MAX; k++) {
		int nr = nrs[k];
		bool ia = sb_policy_lists(a, ph, nr), ib = sb_policy_lists(b, ph, nr);
		const struct sb_action *aa = &a->phase[ph][nr].act, *ab = &b->phase[ph][nr].act;
		const char *nm = sb_syscall_name(nr, name, sizeof(name)), *pn = sb_phase_name(ph);

		if (ia && !ib)
			printf("- %s %s\n", pn, nm);
		else if (!ia && ib)
			printf("+ %s %s\n", pn, nm);
		else if (ia && !action_same(aa, ab))
			printf("~ %s %s: %s -> %s\n", pn, nm, sb_action_format(aa, x, sizeof(x)),
			       sb_action_format(ab, y, sizeof(y)));
		else {
			n += ia ? diff_cond(a, b, ph, nr) : 0; /* the same action: the same condition? */
			continue;
		}
		n++;
	}
	return n;
}

int cmd_diff(int argc, char **argv)
{
	int i = tool_options(argc, argv, NULL, NULL), n;

	if (argc - i != 2)
		tool_usage("expected two policy files A B");
	struct sb_policy *a = tool_read(argv[i]), *b = tool_read(argv[i + 1]);
	n = diff_keys(a, b) + diff_phase(a, b, SB_PHASE_INIT) + diff_phase(a, b, SB_PHASE_SERVING);
	free(a);
	free(b);
	if (fflush(stdout) != 0)
		return TOOL_ERROR;
	return n ? TOOL_DIFFER : TOOL_OK;
}

/* Where both list nr in phase ph: "PHASE NAME ARG: P -> U" if the
 * learned condition lets through a value the policy's does not (U: the
 * union, what the policy would need); 1 if printed. A policy line that is
 * not `allow` has no condition to widen. */
static int wider_cond(const struct sb_policy *l, const struct sb_policy *p, enum sb_phase ph, int nr)
{
	const struct sb_cond none = {.kind = SB_COND_NONE};
	const struct sb_cond *cl = sb_policy_cond(l, ph, nr), *cp = sb_policy_cond(p, ph, nr);
	char name[SB_NAME_LEN], x[512], y[512];
	int id = sb_arg_for_syscall(nr);
	struct sb_cond u;

	if (id < 0 || cp == NULL || !sb_policy_lists(l, ph, nr))
		return 0;
	u = *cp;
	sb_cond_merge((enum sb_arg_id)id, &u, cl ? cl : &none); /* -E2BIG: none, wider still */
	if (sb_cond_equal(&u, cp))
		return 0;
	printf("%s %s %s: %s -> %s\n", sb_phase_name(ph), sb_syscall_name(nr, name, sizeof(name)),
	       sb_arg_def((enum sb_arg_id)id)->arg, cond_words(p, ph, nr, x, sizeof(x)),
	       sb_cond_format((enum sb_arg_id)id, &u, y, sizeof(y)) ? y : "?");
	return 1;
}

int cmd_missing(int argc, char **argv)
{
	char name[SB_NAME_LEN];
	int nrs[SB_NR_MAX], i = tool_options(argc, argv, NULL, NULL), n = 0;

	if (argc - i != 2)
		tool_usage("expected LEARNED POLICY");
	struct sb_policy *l = tool_read(argv[i]), *p = tool_read(argv[i + 1]);
	tool_sorted_nrs(nrs);
	for (int ph = 0; ph < SB_NPHASES; ph++)
		for (int k = 0; k < SB_NR_MAX; k++) {
			enum sb_phase f = (enum sb_phase)ph;
			if (sb_policy_lists(p, f, nrs[k])) {
				n += wider_cond(l, p, f, nrs[k]);
				continue;
			}
			if (!sb_policy_lists(l, f, nrs[k]))
				continue;
			printf("%s %s\n", sb_phase_name(f), sb_syscall_name(nrs[k], name, sizeof(name)));
			n++;
		}
	free(l);
	free(p);
	if (fflush(stdout) != 0)
		return TOOL_ERROR;
	return n ? TOOL_DIFFER : TOOL_OK;
}
