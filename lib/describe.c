/* describe.c - the per-phase report of a policy (describe.h).
 *
 * Invariant: every figure is one of lib/'s answers (sb_filter_*,
 * sb_danger_*, sb_baseline_*); nothing here decides what a filter does.
 * Names are sorted as the policy file sorts them.
 */
#include "describe.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "args.h"
#include "baseline.h"
#include "danger.h"
#include "util.h"

static bool allows(enum sb_act_kind k)
{
	return k == SB_ACT_ALLOW || k == SB_ACT_LOG;
}

bool sb_describe_listed(const struct sb_policy *p, enum sb_phase ph, int nr)
{
	enum sb_answer_source src;
	struct sb_action a = sb_filter_phase_answer(p, ph, nr, &src);

	return allows(a.kind) && (src == SB_FROM_LINE || src == SB_FROM_STAND_IN);
}

bool sb_describe_effective(const struct sb_policy *p, enum sb_phase ph, int nr)
{
	bool f1 = allows(sb_filter_action(p, SB_FILTER_F1, nr).kind);

	if (sb_baseline_self_allowed(p, ph, nr))
		return true; /* toward the process itself only */
	return ph == SB_PHASE_INIT ? f1 : f1 && allows(sb_filter_action(p, SB_FILTER_F2, nr).kind);
}

/* "init: N calls from the baseline": the members the phase does not list. */
static void print_baseline(FILE *f, const struct sb_policy *p, enum sb_phase ph)
{
	int n = sb_baseline_allowed(p, ph);

	fprintf(f, "%s: %d call%s from the baseline", sb_phase_name(ph), n, n == 1 ? "" : "s");
	if (p->baseline == SB_BASELINE_NONE)
		fprintf(f, " (baseline none)");
	fputc('\n', f);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* "PHASE: N calls WHAT: a, b, ...": the calls pred accepts. */
static void print_calls(FILE *f, const struct sb_policy *p, enum sb_phase ph, const char *what,
                        bool (*pred)(const struct sb_policy *, enum sb_phase, int))
{
	static char names[SB_NR_MAX][SB_NAME_LEN];
	int n = 0;

	for (int nr = 0; nr < SB_NR_MAX; nr++)
		if (pred(p, ph, nr))
			sb_syscall_name(nr, names[n++], SB_NAME_LEN);
	qsort(names, (size_t)n, sizeof(names[0]), by_name);
	fprintf(f, "%s: %d call%s %s", sb_phase_name(ph), n, n == 1 ? "" : "s", what);
	for (int i = 0; i < n; i++)
		fprintf(f, "%s%s", i ? ", " : ": ", names[i]);
	fputc('\n', f);
}

static void print_dangerous(FILE *f, const struct sb_policy *p, enum sb_phase ph)
{
	int nrs[SB_NR_MAX];
	char name[64];
	int n = sb_danger_allowed(p, ph, nrs, SB_NR_MAX);

	fprintf(f, "%s: %d dangerous call%s allowed%s\n", sb_phase_name(ph), n, n == 1 ? "" : "s",
	        n ? ":" : "");
	for (int i = 0; i < n; i++)
		fprintf(f, "  %s: %s\n", sb_syscall_name(nrs[i], name, sizeof(name)),
		        sb_danger_reason(nrs[i]));
}

static void print_rules(FILE *f, const struct sb_policy *p, const char *name, enum sb_mode mode)
{
	char def[64], buf[SB_MAX_MARKERS * (SB_NAME_LEN + 2)];

	sb_action_format(&p->def, def, sizeof(def));
	fprintf(f, "%s: valid, default %s%s, baseline %s\n", name, def,
	        p->def.kind == SB_ACT_LOG ? " (dangerous calls: kill)" : "", sb_baseline_name(p->baseline));
	if (!p->has_transition)
		fprintf(f, "transition: none (single phase)\n");
	else
		fprintf(f, "transition: %s",
		        sb_transition_format(p->tr.markers, p->tr.nmarkers, buf, sizeof(buf)));
	if (p->has_transition && p->tr.fd >= 0)
		fprintf(f, ", fd %d", p->tr.fd);
	if (p->has_transition && p->tr.nafter)
		fprintf(f, ", after %s", sb_transition_format(p->tr.after, p->tr.nafter, buf, sizeof(buf)));
	if (p->has_transition)
		fputc('\n', f);
	if (p->has_transition || mode == SB_MODE_COMPLAIN)
		fprintf(f,
		        "traced run: F1 denies clone with CLONE_UNTRACED and answers clone3 with ENOSYS\n");
}

/* The dangerous values of argument id, in order; how many. */
static int dangerous_values(enum sb_arg_id id, uint64_t *out, int max)
{
	const struct sb_arg_def *d = sb_arg_def(id);
	int n = 0;

	for (int i = 0; d->kind == SB_ARG_FLAGS && i < 64 && n < max; i++)
		if (d->watch & (1ull << i))
			out[n++] = 1ull << i;
	for (int i = 0; d->kind == SB_ARG_VALUES && d->danger && d->danger[i] && n < max; i++)
		out[n++] = d->danger[i] & d->width;
	if (d->kind == SB_ARG_VALUES && !d->danger)
		n += sb_arg_notable(id, out + n, max - n);
	return n;
}

/* Does filter k deny call nr with argument `index` = x (kill or errno)? */
static bool denies(const struct sb_policy *p, enum sb_filter_kind k, int nr, unsigned index, uint64_t x)
{
	uint64_t args[6] = {0};
	uint32_t a;

	args[index] = x;
	a = sb_filter_scmp_action_args(p, k, SB_MODE_ENFORCE, nr, args);
	return a == SCMP_ACT_KILL_PROCESS || a == SCMP_ACT_KILL_THREAD ||
	       (a & 0xffff0000u) == SCMP_ACT_ERRNO(0);
}

int sb_describe_closed(const struct sb_policy *p, enum sb_phase ph, struct sb_closed *out, int max)
{
	uint64_t v[64];
	int n = 0;

	if (ph == SB_PHASE_SERVING && !p->has_transition)
		return 0;
	for (int id = 0; id < SB_ARG_N; id++) {
		int nr = sb_arg_nr((enum sb_arg_id)id);
		if (nr < 0 || sb_filter_phase_cond(p, ph, nr) == NULL)
			continue;
		unsigned index = sb_arg_def((enum sb_arg_id)id)->index;
		int nv = dangerous_values((enum sb_arg_id)id, v, 64);
		for (int i = 0; i < nv; i++) {
			if (!denies(p, SB_FILTER_F1, nr, index, v[i]) &&
			    !(ph == SB_PHASE_SERVING && denies(p, SB_FILTER_F2, nr, index, v[i])))
				continue;
			if (n < max)
				out[n] = (struct sb_closed){(enum sb_arg_id)id, nr, v[i]};
			n++;
		}
	}
	return n;
}

const char *sb_describe_value(const struct sb_closed *c, char *buf, size_t len)
{
	const char *name = sb_arg_value_name(c->id, c->value);

	if (name != NULL)
		snprintf(buf, len, "%s", name);
	else
		snprintf(buf, len, "%#llx", (unsigned long long)c->value);
	return buf;
}

/* "PHASE: ARG = CONDITION", one line per condition the phase applies: its
 * lines', and the baseline's for a member it does not list. */
static void print_conditions(FILE *f, const struct sb_policy *p, enum sb_phase ph)
{
	char words[512];

	for (int id = 0; id < SB_ARG_N; id++) {
		int nr = sb_arg_nr((enum sb_arg_id)id);
		const struct sb_cond *c = nr >= 0 ? sb_filter_phase_cond(p, ph, nr) : NULL;
		const char *w = c ? sb_cond_format((enum sb_arg_id)id, c, words, sizeof(words)) : NULL;
		if (c != NULL)
			fprintf(f, "%s: %s = %s%s\n", sb_phase_name(ph), sb_arg_def((enum sb_arg_id)id)->arg,
			        w ? w : "?", c == sb_policy_cond(p, ph, nr) ? "" : " (baseline)");
	}
	for (int nr = 0; nr < SB_NR_MAX; nr++) {
		char name[SB_NAME_LEN];
		if (sb_baseline_self_allowed(p, ph, nr))
			fprintf(f, "%s: %s: to the process itself only (baseline)\n", sb_phase_name(ph),
			        sb_syscall_name(nr, name, sizeof(name)));
	}
}

/* The same dangerous value: one value of one set of names (PROT_EXEC of
 * mmap and of mprotect). */
static bool same_value(const struct sb_closed *a, const struct sb_closed *b)
{
	return a->value == b->value && sb_arg_def(a->id)->names == sb_arg_def(b->id)->names;
}

/* The calls of cl[0..n) closed for cl[i]'s value, ", "-separated. */
static void calls_of(const struct sb_closed *cl, int n, int i, char *buf, size_t len)
{
	char name[SB_NAME_LEN];
	size_t off = 0;

	buf[0] = '\0';
	for (int k = 0; k < n && off < len; k++)
		if (same_value(&cl[k], &cl[i]))
			off += (size_t)snprintf(buf + off, len - off, "%s%s", off ? ", " : "",
			                        sb_syscall_name(cl[k].nr, name, sizeof(name)));
}

static bool seen_before(const struct sb_closed *cl, int i)
{
	for (int k = 0; k < i; k++)
		if (same_value(&cl[k], &cl[i]))
			return true;
	return false;
}

/* "PHASE: N dangerous arguments closed: A, B (calls), C (calls)": each
 * value once, the values closed in the same calls grouped. */
static void print_closed(FILE *f, const struct sb_policy *p, enum sb_phase ph)
{
	static struct sb_closed cl[SB_CLOSED_MAX];
	char calls[256], prev[256] = "", name[64];
	int n = sb_describe_closed(p, ph, cl, SB_CLOSED_MAX), first = 1;

	fprintf(f, "%s: %d dangerous argument%s closed", sb_phase_name(ph), n, n == 1 ? "" : "s");
	for (int i = 0; i < n && i < SB_CLOSED_MAX; i++) {
		if (seen_before(cl, i))
			continue;
		calls_of(cl, n, i, calls, sizeof(calls));
		if (!first && strcmp(calls, prev) != 0)
			fprintf(f, " (%s)", prev);
		fprintf(f, "%s%s", first ? ": " : ", ", sb_describe_value(&cl[i], name, sizeof(name)));
		snprintf(prev, sizeof(prev), "%s", calls);
		first = 0;
	}
	if (!first)
		fprintf(f, " (%s)", prev);
	fputc('\n', f);
}

int sb_policy_describe(FILE *f, const struct sb_policy *p, const char *name, enum sb_mode mode)
{
	int last = p->has_transition ? SB_PHASE_SERVING : SB_PHASE_INIT;

	print_rules(f, p, name, mode);
	for (int ph = SB_PHASE_INIT; ph <= last; ph++) {
		print_calls(f, p, (enum sb_phase)ph, "allowed", sb_describe_listed);
		print_baseline(f, p, (enum sb_phase)ph);
		print_dangerous(f, p, (enum sb_phase)ph);
		print_conditions(f, p, (enum sb_phase)ph);
		print_closed(f, p, (enum sb_phase)ph);
		print_calls(f, p, (enum sb_phase)ph,
		            ph == SB_PHASE_INIT ? "effective (F1)" : "effective (F1 and F2)",
		            sb_describe_effective);
	}
	return fflush(f) == 0 && !ferror(f) ? 0 : -EIO;
}
