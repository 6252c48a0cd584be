/* fuzz_merge.c - fuzz target: sb_policy_merge of two policies that parse.
 *
 * The input is two policy files separated by the first NUL byte (which no
 * policy may hold). If both parse, the merge either refuses and leaves its
 * destination as it was, or gives the union: every entry of both with its
 * action, counts added (saturating), capabilities united, both programs'
 * comments kept up to SB_MAX_COMMENTS. The result must write and read back
 * equal, unless its one line that grew, capabilities, no longer fits.
 */
#include "fuzz.h"

#include <errno.h>
#include <string.h>

#include "caps.h"
#include "policy_ini_int.h"

static uint64_t add_sat(uint64_t a, uint64_t b)
{
	return a + b < a ? UINT64_MAX : a + b;
}

static void check_union(const struct sb_policy *m, const struct sb_policy *a, const struct sb_policy *b)
{
	FUZZ_CHECK(m->caps == (a->caps | b->caps));
	FUZZ_CHECK(strcmp(m->program, a->program) == 0);
	FUZZ_CHECK(m->ncomments >= a->ncomments && m->ncomments <= SB_MAX_COMMENTS);
	for (int ph = 0; ph < SB_NPHASES; ph++)
		for (int nr = 0; nr < SB_NR_MAX; nr++) {
			const struct sb_entry *x = &a->phase[ph][nr], *y = &b->phase[ph][nr];
			const struct sb_entry *e = &m->phase[ph][nr];

			FUZZ_CHECK(e->act.kind == (x->act.kind != SB_ACT_NONE ? x->act.kind : y->act.kind));
			FUZZ_CHECK(e->count == add_sat(x->count, y->count));
		}
}

/* The merged capabilities may be too many for one line: the writer's only
 * refusal a merge of two written policies can cause. */
static bool caps_too_long(const struct sb_policy *m)
{
	char names[64 * (SB_NAME_LEN + 2) + 1], line[LINE_MAX_BYTES + 1];

	return sb_caps_format(m->caps, names, sizeof(names)) != NULL &&
	       sb_ini_sandbox_line(line, "capabilities", names, true) == -ENAMETOOLONG;
}

static void check_written(const struct sb_policy *m)
{
	struct sb_policy *q;
	char *text;
	size_t len;
	int r = fuzz_write(m, &text, &len);

	if (r == -ENAMETOOLONG && caps_too_long(m))
		return;
	FUZZ_CHECK(r == 0);
	q = fuzz_read((const uint8_t *)text, len);
	FUZZ_CHECK(q != NULL && sb_policy_equal(m, q));
	free(q);
	free(text);
}

static void merge_pair(const struct sb_policy *a, const struct sb_policy *b, bool must_merge)
{
	struct sb_policy *m = malloc(sizeof(*m));
	struct sb_error err;

	FUZZ_CHECK(m != NULL);
	memcpy(m, a, sizeof(*m));
	if (sb_policy_merge(m, b, &err) < 0) {
		FUZZ_CHECK(!must_merge);
		FUZZ_CHECK(err.msg[0] != '\0');
		FUZZ_CHECK(memcmp(m, a, sizeof(*m)) == 0); /* untouched */
	} else {
		check_union(m, a, b);
		check_written(m);
	}
	free(m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, '\0', size);
	size_t na = nul ? (size_t)(nul - data) : size;
	struct sb_policy *a = fuzz_read(data, na);
	struct sb_policy *b = nul ? fuzz_read(nul + 1, size - na - 1) : NULL;

	if (a != NULL) {
		merge_pair(a, a, true); /* a policy always merges with itself */
		if (b != NULL) {
			merge_pair(a, b, false);
			merge_pair(b, a, false);
		}
	}
	free(a);
	free(b);
	return 0;
}
