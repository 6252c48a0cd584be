/* filter.c - policy phase -> libseccomp context -> BPF.
 *
 * One function, sb_filter_scmp_action_args(), decides what a filter answers
 * for a native syscall and its arguments; sb_filter_build() only asks it for
 * every number below SB_NR_MAX and adds a rule where the answer differs from
 * the default. So the built filter and what tests or the complain reporter
 * ask can never disagree.
 *
 * Invariant: every number gets exactly one consistent set of rules, and no
 * two of its rules match the same arguments. Most get one rule on the
 * number alone. A number whose answer depends on one argument (a condition
 * of the policy, args.h, or a traced_rules flag) gets masked compares on
 * that argument that together cover every value once (add_flags,
 * add_values), and never a rule on the number alone: libseccomp silently
 * drops argument rules for a syscall that also has one without arguments,
 * keeps the first of two conflicting rules, and refuses a rule whose action
 * is the default.
 */
#include "filter.h"

#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "baseline.h"
#include "args.h"
#include "danger.h"
#include "util.h"

const char *const sb_base_set[] = {
    "restart_syscall", /* threads interrupted by the detach resume through it */
    "rt_sigreturn",    /* signals deferred during injection return through it */
    "exit",            /* a thread ending */
    "exit_group",      /* a process killed while profiled never showed it */
    NULL,
};

/* The tracer reads the filter that complained with PTRACE_GETEVENTMSG. */
#define SB_RET_DATA_PROFILE 0
#define SB_RET_DATA_F1      1
#define SB_RET_DATA_F2      2
/* SB_RET_DATA_AFTER (filter.h): an `after` call of a lazy F1. */

/* Largest errno the kernel passes back from SECCOMP_RET_ERRNO (MAX_ERRNO). */
#define SB_ERRNO_MAX 4095

enum traced_kind {
	TR_DENY_FLAG, /* `flag` set in argument `arg`: the policy's deny action */
	TR_ENOSYS,    /* every call: ENOSYS, whatever the policy lists */
};

struct traced_rule {
	const char *syscall;
	enum traced_kind kind;
	unsigned arg;  /* TR_DENY_FLAG: argument index (0..5) */
	uint64_t flag; /* TR_DENY_FLAG: a single bit */
	const char *why;
};

/* What F1 of a traced run (a transition, or complain mode) adds, because
 * the tracer must see every process of the tree: one rule per syscall at
 * most. Both answer the same in complain mode (see filter.h). */
static const struct traced_rule traced_rules[] = {
    {"clone", TR_DENY_FLAG, 0, CLONE_UNTRACED,
     "a CLONE_UNTRACED child is never traced, so it would never get F2 (x86_64: flags are argument 0)"},
    {"clone3", TR_ENOSYS, 0, 0,
     "its flags are in memory seccomp cannot read; glibc then falls back to clone, whose flags are checked"},
    {NULL, TR_ENOSYS, 0, 0, NULL},
};

/* A call a phase does not list takes the answer of its stand-in, where the
 * phase lists that: both filters, so the fallback works in both phases. */
static const struct {
	const char *call, *stand_in, *why;
} fallbacks[] = {
    {"clone", "clone3", "glibc's threads use clone3, and clone on ENOSYS: policies often list only clone3"},
    {NULL, NULL, NULL},
};

static bool is_named(int nr, const char *const *names)
{
	for (; *names; names++)
		if (seccomp_syscall_resolve_name(*names) == nr)
			return true;
	return false;
}

static bool is_syscall(int nr, const char *name)
{
	const char *const names[] = {name, NULL};
	return is_named(nr, names);
}

/* How strict an action is, as the kernel ranks stacked answers: the
 * strictest answer of all filters wins. */
static int strictness(const struct sb_action *a)
{
	switch (a->kind) {
	case SB_ACT_ALLOW: return 0;
	case SB_ACT_LOG: return 1;
	case SB_ACT_ERRNO: return 2;
	default: return 3; /* kill, and anything unknown: fail closed */
	}
}

static const struct sb_action sb_allow = {.kind = SB_ACT_ALLOW, .errnum = 0};
static const struct sb_action sb_kill = {.kind = SB_ACT_KILL, .errnum = 0};
static const struct sb_action sb_enosys = {.kind = SB_ACT_ERRNO, .errnum = ENOSYS};

static bool traced(const struct sb_policy *p, enum sb_mode mode)
{
	return p->has_transition || mode == SB_MODE_COMPLAIN;
}

static const struct traced_rule *find_traced_rule(int nr)
{
	for (const struct traced_rule *r = traced_rules; r->syscall; r++)
		if (is_syscall(nr, r->syscall))
			return r;
	return NULL;
}

/* What an argument rule answers when its flag is set: the default where it
 * denies, else kill. A `log` default must never let such a call through. */
static struct sb_action deny_action(const struct sb_policy *p)
{
	return p->def.kind == SB_ACT_KILL || p->def.kind == SB_ACT_ERRNO ? p->def : sb_kill;
}

static int stand_in(int nr)
{
	for (int i = 0; fallbacks[i].call; i++)
		if (is_syscall(nr, fallbacks[i].call))
			return sb_syscall_nr(fallbacks[i].stand_in);
	return -1;
}

static struct sb_action answer(struct sb_action a, enum sb_answer_source from, enum sb_answer_source *src)
{
	if (src)
		*src = from;
	return a;
}

struct sb_action sb_filter_phase_answer(const struct sb_policy *p, enum sb_phase ph, int nr,
                                        enum sb_answer_source *src)
{
	if (nr < 0 || nr >= SB_NR_MAX || ph < 0 || ph >= SB_NPHASES)
		return answer(p->def, SB_FROM_DEFAULT, src);
	const struct sb_action *a = &p->phase[ph][nr].act;
	int s = stand_in(nr);

	if (a->kind != SB_ACT_NONE)
		return answer(*a, SB_FROM_LINE, src);
	if (s >= 0 && p->phase[ph][s].act.kind != SB_ACT_NONE)
		return answer(p->phase[ph][s].act, SB_FROM_STAND_IN, src);
	/* `log` is a default that allows: a dangerous call it would let
	 * through is killed instead (danger.h). */
	if (p->def.kind == SB_ACT_LOG && sb_danger_is(nr))
		return answer(sb_kill, SB_FROM_DANGER, src);
	/* No baseline member is dangerous, so the order of these two only
	 * matters if that invariant broke: then danger wins (fail closed). */
	if (p->baseline == SB_BASELINE_HARMLESS && sb_baseline_is(nr))
		return answer(sb_allow, SB_FROM_BASELINE, src);
	return answer(p->def, SB_FROM_DEFAULT, src);
}

const struct sb_cond *sb_filter_phase_cond(const struct sb_policy *p, enum sb_phase ph, int nr)
{
	enum sb_answer_source src;

	sb_filter_phase_answer(p, ph, nr, &src);
	if (src == SB_FROM_LINE)
		return sb_policy_cond(p, ph, nr);
	return src == SB_FROM_BASELINE ? sb_baseline_cond(nr) : NULL;
}

struct sb_action sb_filter_phase_action(const struct sb_policy *p, enum sb_phase ph, int nr)
{
	return sb_filter_phase_answer(p, ph, nr, NULL);
}

/* F1 holds for the whole life of the program, F2 only stacks on it after the
 * transition. So F1 answers what init's phase answers, loosened to serving's
 * answer where that is less strict, whether listed or not: otherwise F1 would
 * overrule F2 after the transition (F1 = init ∪ serving). With equal
 * strictness init's answer is kept: after the transition F2, evaluated
 * first, gives its own errno. */
static struct sb_action f1_action(const struct sb_policy *p, int nr)
{
	struct sb_action a = sb_filter_phase_action(p, SB_PHASE_INIT, nr);

	/* what the mechanism needs (execve, seccomp, the markers): the reader
	 * refuses any other action for those lines */
	if (sb_policy_forced_allow(p, SB_PHASE_INIT, nr))
		return sb_allow;
	if (p->has_transition) {
		struct sb_action serv = sb_filter_phase_action(p, SB_PHASE_SERVING, nr);
		if (strictness(&serv) < strictness(&a))
			a = serv;
	}
	return a;
}

/* clone3 passes its flags in memory seccomp cannot read: in a filter whose
 * phase restricts clone's flags it fails with ENOSYS, and glibc falls back
 * to clone, whose flags the filter checks (what Docker and Chromium do).
 * ENOSYS runs nothing, so it is never looser than the line it overrides. */
static bool clone3_stand_down(const struct sb_policy *p, enum sb_filter_kind kind, int nr)
{
	int clone = sb_syscall_nr("clone");

	if (!is_syscall(nr, "clone3") || clone < 0)
		return false;
	if (kind == SB_FILTER_F2)
		return sb_policy_cond(p, SB_PHASE_SERVING, clone) != NULL;
	return sb_policy_cond(p, SB_PHASE_INIT, clone) != NULL ||
	       (p->has_transition && sb_policy_cond(p, SB_PHASE_SERVING, clone) != NULL);
}

struct sb_action sb_filter_action(const struct sb_policy *p, enum sb_filter_kind kind, int nr)
{
	const struct sb_action none = {.kind = SB_ACT_NONE, .errnum = 0};
	const struct traced_rule *r;

	if (kind == SB_FILTER_PROFILE)
		return none; /* no policy decision: everything is traced */
	if (nr < 0 || nr >= SB_NR_MAX)
		/* x32 numbers meet the bad-arch action, the rest no rule. */
		return (nr >= 0 && (nr & 0x40000000)) ? sb_kill : p->def;
	if (sb_policy_forced_allow(p, SB_PHASE_SERVING, nr)) /* the base set */
		return sb_allow;
	if (clone3_stand_down(p, kind, nr))
		return sb_enosys;
	if (kind == SB_FILTER_F2)
		return sb_filter_phase_action(p, SB_PHASE_SERVING, nr);
	/* enforce mode: traced exactly when there is a transition */
	if (p->has_transition && (r = find_traced_rule(nr)) && r->kind == TR_ENOSYS)
		return sb_enosys;
	return f1_action(p, nr);
}

/* Policy action -> libseccomp action. In complain mode nothing is denied:
 * what would be (kill, errno) traps to the tracer instead, tagged with
 * the filter it came from. */
static uint32_t to_scmp(const struct sb_action *a, enum sb_mode mode, uint32_t tag)
{
	if (a->kind == SB_ACT_ALLOW)
		return SCMP_ACT_ALLOW;
	if (a->kind == SB_ACT_LOG)
		return SCMP_ACT_LOG;
	if (mode == SB_MODE_COMPLAIN)
		return SCMP_ACT_TRACE(tag);
	if (a->kind == SB_ACT_ERRNO)
		return SCMP_ACT_ERRNO((uint32_t)a->errnum);
	return SCMP_ACT_KILL_PROCESS; /* kill, and anything unknown: fail closed */
}

/* An `after` call may answer RET_TRACE in F1 only if F2 kills or fails it:
 * KILL and ERRNO outrank TRACE, so once the tracer has detached the call
 * still does what F2 says, never ENOSYS. (LOG and ALLOW rank below TRACE.)
 * A call F1 answers with ENOSYS never traps at all. */
static bool lazy_safe(const struct sb_policy *p, int nr)
{
	const struct traced_rule *r = find_traced_rule(nr);
	enum sb_act_kind k = sb_filter_action(p, SB_FILTER_F2, nr).kind;

	if (r && r->kind == TR_ENOSYS)
		return false;
	return k == SB_ACT_KILL || k == SB_ACT_ERRNO;
}

bool sb_filter_lazy(const struct sb_policy *p)
{
	int n = 0;

	if (!p->has_transition || !p->tr.nafter)
		return false;
	for (int nr = 0; nr < SB_NR_MAX; nr++) {
		if (!sb_bit_test(p->tr.after_set, nr))
			continue;
		if (!lazy_safe(p, nr))
			return false;
		n++;
	}
	return n > 0;
}

/* The argument check of a filter for one call: `cond` on argument `index`;
 * a value that passes gets `pass` (sb_filter_action), one that fails gets
 * `fail`. */
struct arg_rule {
	enum sb_arg_id id;
	unsigned index;
	struct sb_cond cond;
	struct sb_action pass, fail;
};

/* The less strict of two answers (F1 = init ∪ serving). */
static struct sb_action looser(struct sb_action a, struct sb_action b)
{
	return strictness(&b) < strictness(&a) ? b : a;
}

/* A phase's part of the rule: its condition, or NONE when its answer
 * allows any value; false when its answer does not allow at all (*other
 * then holds that answer). */
static bool phase_cond(const struct sb_policy *p, enum sb_phase ph, int nr, struct sb_cond *c,
                       struct sb_action *other)
{
	const struct sb_cond *pc = sb_filter_phase_cond(p, ph, nr);

	*other = sb_filter_phase_action(p, ph, nr);
	*c = pc ? *pc : (struct sb_cond){.kind = SB_COND_NONE};
	return strictness(other) == 0;
}

/* The rule of F2 (serving's condition) or F1 (the union of init's and
 * serving's: looser than init where serving allows more, never looser
 * than serving). False when the filter does not look at the arguments. */
static bool arg_rule(const struct sb_policy *p, enum sb_filter_kind kind, int nr, struct arg_rule *r)
{
	int id = sb_arg_for_syscall(nr);
	struct sb_cond ci, cs;
	struct sb_action oi, os;

	if (id < 0 || kind == SB_FILTER_PROFILE)
		return false;
	*r = (struct arg_rule){.id = (enum sb_arg_id)id, .index = sb_arg_def((enum sb_arg_id)id)->index};
	r->pass = sb_filter_action(p, kind, nr);
	r->fail = deny_action(p);
	if (strictness(&r->pass) != 0 || sb_policy_forced_allow(p, SB_PHASE_INIT, nr))
		return false; /* denied (or forced) whatever the arguments */
	bool ai = phase_cond(p, SB_PHASE_INIT, nr, &ci, &oi);
	bool as = phase_cond(p, SB_PHASE_SERVING, nr, &cs, &os);
	if (kind == SB_FILTER_F2 || !p->has_transition) {
		r->cond = kind == SB_FILTER_F2 ? cs : ci;
	} else if (ai && as) {
		r->cond = ci;
		sb_cond_merge(r->id, &r->cond, &cs); /* -E2BIG: no condition */
	} else {
		r->cond = ai ? ci : cs;
		r->fail = looser(r->fail, ai ? os : oi);
	}
	return r->cond.kind != SB_COND_NONE;
}

/* The traced rule a filter applies to nr, or NULL. */
static const struct traced_rule *traced_rule(const struct sb_policy *p, enum sb_filter_kind kind,
                                             enum sb_mode mode, int nr)
{
	if (kind != SB_FILTER_F1 || !traced(p, mode) || nr < 0 || nr >= SB_NR_MAX)
		return NULL;
	return find_traced_rule(nr);
}

uint32_t sb_filter_scmp_action_args(const struct sb_policy *p, enum sb_filter_kind kind, enum sb_mode mode,
                                    int nr, const uint64_t args[6])
{
	if (kind == SB_FILTER_PROFILE)
		return SCMP_ACT_TRACE(SB_RET_DATA_PROFILE);
	const struct traced_rule *r = traced_rule(p, kind, mode, nr);
	struct sb_action a;

	/* Mechanism answers: enforced as they are in complain mode too. */
	if (r && r->kind == TR_ENOSYS)
		return SCMP_ACT_ERRNO(ENOSYS);
	if (r && r->kind == TR_DENY_FLAG && (args[r->arg] & r->flag)) {
		a = deny_action(p);
		return to_scmp(&a, SB_MODE_ENFORCE, SB_RET_DATA_F1);
	}
	if (kind == SB_FILTER_F1 && mode == SB_MODE_ENFORCE && sb_bit_test(p->tr.after_set, nr) &&
	    sb_filter_lazy(p))
		return SCMP_ACT_TRACE(SB_RET_DATA_AFTER);
	struct arg_rule ar;
	if (arg_rule(p, kind, nr, &ar))
		a = sb_cond_pass(ar.id, &ar.cond, args[ar.index]) ? ar.pass : ar.fail;
	else
		a = sb_filter_action(p, kind, nr);
	return to_scmp(&a, mode, kind == SB_FILTER_F1 ? SB_RET_DATA_F1 : SB_RET_DATA_F2);
}

uint32_t sb_filter_scmp_action(const struct sb_policy *p, enum sb_filter_kind kind, enum sb_mode mode, int nr)
{
	const uint64_t none[6] = {0};

	return sb_filter_scmp_action_args(p, kind, mode, nr, none);
}

static uint32_t default_scmp(const struct sb_policy *p, enum sb_filter_kind kind, enum sb_mode mode)
{
	if (kind == SB_FILTER_PROFILE)
		return SCMP_ACT_TRACE(SB_RET_DATA_PROFILE);
	return to_scmp(&p->def, mode, kind == SB_FILTER_F1 ? SB_RET_DATA_F1 : SB_RET_DATA_F2);
}

static bool action_valid(const struct sb_action *a)
{
	switch (a->kind) {
	case SB_ACT_ALLOW:
	case SB_ACT_KILL:
	case SB_ACT_LOG: return true;
	case SB_ACT_ERRNO: return a->errnum >= 0 && a->errnum <= SB_ERRNO_MAX;
	default: return false;
	}
}

/* Refuse what the kernel could not express rather than guess: a default
 * that is no action, an errno out of range, an arch that is not ours, and
 * F2 for a policy without a transition. */
static int check_policy(const struct sb_policy *p, enum sb_filter_kind kind)
{
	if (kind == SB_FILTER_PROFILE)
		return 0; /* no policy needed: p may be NULL */
	if (!p)
		return -EINVAL;
	if (seccomp_arch_resolve_name(p->arch) != seccomp_arch_native())
		return -EINVAL;
	if (kind == SB_FILTER_F2 && !p->has_transition)
		return -EINVAL;
	if (!action_valid(&p->def))
		return -EINVAL;
	for (int ph = 0; ph < SB_NPHASES; ph++)
		for (int nr = 0; nr < SB_NR_MAX; nr++) {
			const struct sb_action *a = &p->phase[ph][nr].act;
			if (a->kind != SB_ACT_NONE && !action_valid(a))
				return -EINVAL;
		}
	return 0;
}

/* libseccomp 2.5 returns 0 or a negative errno (-ECANCELED for its
 * internal errors); anything out of the errno range becomes -EINVAL. */
static int scmp_rc(int rc)
{
	if (rc >= 0)
		return 0;
	return rc > -4096 ? rc : -EINVAL;
}

static int set_attrs(scmp_filter_ctx ctx)
{
	int rc;

	/* libseccomp's default bad-arch action kills only the thread: i386
	 * (int 0x80) and x32 calls must take the whole process down. */
	rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
	if (rc == 0)
		rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2); /* binary tree */
	if (rc == 0)
		rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0); /* the launcher sets it */
	return scmp_rc(rc);
}

/* The profiling filter traps every syscall of every x86 ABI, so a foreign
 * ABI call shows up in the profile instead of slipping past it. */
static int add_profile_arches(scmp_filter_ctx ctx)
{
	int rc = seccomp_arch_add(ctx, SCMP_ARCH_X86);
	if (rc == 0 || rc == -EEXIST)
		rc = seccomp_arch_add(ctx, SCMP_ARCH_X32);
	return rc == -EEXIST ? 0 : scmp_rc(rc);
}

static uint32_t eval(const struct sb_policy *p, enum sb_filter_kind kind, enum sb_mode mode, int nr,
                     unsigned index, uint64_t x)
{
	uint64_t args[6] = {0};

	args[index] = x;
	return sb_filter_scmp_action_args(p, kind, mode, nr, args);
}

struct builder {
	scmp_filter_ctx ctx;
	const struct sb_policy *p;
	enum sb_filter_kind kind;
	enum sb_mode mode;
	uint32_t def;
	int nr;
	unsigned index;
};

/* One masked compare; nothing where the answer is the default anyway. */
static int rule_masked(const struct builder *b, uint32_t act, uint64_t mask, uint64_t value)
{
	if (act == b->def)
		return 0;
	return scmp_rc(
	    seccomp_rule_add(b->ctx, act, b->nr, 1, SCMP_CMP(b->index, SCMP_CMP_MASKED_EQ, mask, value)));
}

/* Flags: bits that must be clear (deny, the condition's) and at most one
 * mechanism bit (traced_rules) whose answer outranks them. The rules do not
 * overlap but where their answer is the same: the mechanism bit set; a
 * denied bit set and the mechanism bit clear; all of them clear. */
static int add_flags(const struct builder *b, uint64_t deny, uint64_t mech)
{
	int rc = 0;

	if (mech)
		rc = rule_masked(b, eval(b->p, b->kind, b->mode, b->nr, b->index, mech), mech, mech);
	for (int i = 0; i < 64 && rc == 0; i++) {
		uint64_t bit = 1ull << i;
		if ((deny & bit) && bit != mech)
			rc = rule_masked(b, eval(b->p, b->kind, b->mode, b->nr, b->index, bit), bit | mech,
			                 bit);
	}
	if (rc == 0)
		rc = rule_masked(b, eval(b->p, b->kind, b->mode, b->nr, b->index, 0), deny | mech, 0);
	return rc;
}

/* Collects the blocks of sb_filter_complement; n counts past max. */
struct blocks {
	struct sb_masked *out;
	int max, n;
};

/* The values of width w (`bits` low bits) outside the sorted set v[0..n)
 * that share the top `depth` bits of `prefix`, as aligned blocks: where the
 * set holds none of them, the block; else its two halves. */
static void blocks(struct blocks *b, uint64_t w, int bits, uint64_t prefix, int depth, const uint64_t *v,
                   int n)
{
	uint64_t low = depth >= bits ? 0 : (1ull << (bits - depth)) - 1;
	int k = 0;

	if (n == 0) {
		if (b->n < b->max)
			b->out[b->n] = (struct sb_masked){.mask = w & ~low, .value = prefix};
		b->n++;
		return;
	}
	if (depth == bits)
		return; /* a listed value */
	uint64_t bit = 1ull << (bits - depth - 1);
	while (k < n && !(v[k] & bit))
		k++; /* v is sorted: v[0..k) have the bit clear */
	blocks(b, w, bits, prefix, depth + 1, v, k);
	blocks(b, w, bits, prefix | bit, depth + 1, v + k, n - k);
}

int sb_filter_complement(uint64_t w, const uint64_t *v, int n, struct sb_masked *out, int max)
{
	struct blocks b = {out, max, 0};
	int bits = 0;

	while (bits < 64 && (w >> bits))
		bits++;
	blocks(&b, w, bits, 0, 0, v, n);
	return b.n;
}

/* Values: one masked compare per listed value, and every other value in
 * the blocks between them (sb_filter_complement). No two rules match one
 * value, so what libseccomp does with overlapping rules never matters, and
 * a rule whose answer is the default (which libseccomp refuses) is left
 * out. */
static int add_values(const struct builder *b, const struct arg_rule *r)
{
	struct sb_masked blk[SB_COMPLEMENT_MAX];
	uint64_t w = sb_arg_def(r->id)->width;
	uint64_t other = 0;
	int rc = 0, nb = sb_filter_complement(w, r->cond.v, r->cond.n, blk, SB_COMPLEMENT_MAX);

	if (nb > SB_COMPLEMENT_MAX)
		return -E2BIG; /* cannot happen for a normalized condition */
	while ((r->cond.kind == SB_COND_ONLY) == sb_cond_pass(r->id, &r->cond, other))
		other++; /* a value the list does not hold: at most SB_COND_MAX steps */
	for (int i = 0; i < r->cond.n && rc == 0; i++)
		rc = rule_masked(b, eval(b->p, b->kind, b->mode, b->nr, b->index, r->cond.v[i]), w,
		                 r->cond.v[i]);
	uint32_t act = eval(b->p, b->kind, b->mode, b->nr, b->index, other);
	for (int i = 0; i < nb && rc == 0; i++)
		rc = rule_masked(b, act, blk[i].mask, blk[i].value);
	return rc;
}

/* The rules of a call whose answer depends on an argument. */
static int add_arg_rules(const struct builder *b, const struct arg_rule *ar, const struct traced_rule *tr)
{
	uint64_t mech = tr && tr->kind == TR_DENY_FLAG ? tr->flag : 0;
	bool has = ar != NULL;

	/* one bit of one argument for the mechanism, the same as the condition's */
	if (mech && ((mech & (mech - 1)) || tr->arg >= 6 || (has && ar->index != tr->arg)))
		return -EINVAL;
	if (has && sb_arg_def(ar->id)->kind == SB_ARG_VALUES)
		return mech ? -EINVAL : add_values(b, ar);
	return add_flags(b, has ? ar->cond.v[0] : 0, mech);
}

/* One rule per native number whose answer is not the default, or the
 * argument rules of the condition (arg_rule) and traced_rules. Only the
 * native arch is in the context, so i386 and x32 meet the bad-arch action
 * (libseccomp sends nr >= 0x40000000 with AUDIT_ARCH_X86_64 there too).
 * A call with argument rules never gets a rule on the number alone:
 * libseccomp would silently drop the others. */
static int add_rules(scmp_filter_ctx ctx, const struct sb_policy *p, enum sb_filter_kind kind,
                     enum sb_mode mode, uint32_t def)
{
	for (int nr = 0; nr < SB_NR_MAX; nr++) {
		const struct traced_rule *r = traced_rule(p, kind, mode, nr);
		struct arg_rule ar;
		bool has = arg_rule(p, kind, nr, &ar);
		int rc = 0;

		if (has || (r && r->kind == TR_DENY_FLAG)) {
			struct builder b = {ctx, p, kind, mode, def, nr, has ? ar.index : (r ? r->arg : 0)};
			rc = add_arg_rules(&b, has ? &ar : NULL, r);
		} else {
			uint32_t act = sb_filter_scmp_action(p, kind, mode, nr);
			if (act != def)
				rc = scmp_rc(seccomp_rule_add(ctx, act, nr, 0));
		}
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* baseline.h, sb_baseline_self: the kernel reads a pid argument as an
 * int, so only the low 32 bits are compared (as the fd of a marker). */
int sb_filter_add_self(scmp_filter_ctx ctx, const struct sb_policy *p, enum sb_filter_kind kind, pid_t self)
{
	for (int nr = 0; nr < SB_NR_MAX && self > 0; nr++) {
		if (!sb_baseline_self(p, kind, nr))
			continue;
		int rc = scmp_rc(seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1,
		                                  SCMP_A0(SCMP_CMP_MASKED_EQ, 0xffffffffu, (uint32_t)self)));
		if (rc < 0)
			return rc;
	}
	return 0;
}

int sb_filter_build_self(const struct sb_policy *p, enum sb_filter_kind kind, enum sb_mode mode, pid_t self,
                         scmp_filter_ctx *out)
{
	int rc = sb_filter_build(p, kind, mode, out);

	if (rc == 0 && (rc = sb_filter_add_self(*out, p, kind, self)) < 0) {
		seccomp_release(*out);
		*out = NULL;
	}
	return rc;
}

int sb_filter_build(const struct sb_policy *p, enum sb_filter_kind kind, enum sb_mode mode,
                    scmp_filter_ctx *out)
{
	int rc = check_policy(p, kind);
	if (rc < 0)
		return rc;

	uint32_t def = default_scmp(p, kind, mode);
	scmp_filter_ctx ctx = seccomp_init(def);
	if (!ctx)
		return -ENOMEM;
	rc = set_attrs(ctx);
	if (rc == 0)
		rc = kind == SB_FILTER_PROFILE ? add_profile_arches(ctx) : add_rules(ctx, p, kind, mode, def);
	if (rc < 0) {
		seccomp_release(ctx);
		return rc;
	}
	*out = ctx;
	return 0;
}

typedef int (*exporter_fn)(const scmp_filter_ctx ctx, int fd);

/* Run an exporter into a memfd and read the bytes back into a malloc'd
 * buffer (libseccomp 2.5.4 exports only to file descriptors). */
static int export_to_buf(scmp_filter_ctx ctx, exporter_fn fn, char **buf, size_t *len)
{
	sb_autoclose int fd = memfd_create("sb-filter", MFD_CLOEXEC);
	struct stat st;

	if (fd < 0)
		return -errno;
	int rc = fn(ctx, fd);
	if (rc < 0)
		return scmp_rc(rc);
	if (fstat(fd, &st) < 0)
		return -errno;
	sb_autofree char *b = malloc((size_t)st.st_size + 1);
	if (!b)
		return -ENOMEM;
	size_t got = 0;
	while (got < (size_t)st.st_size) {
		ssize_t n = pread(fd, b + got, (size_t)st.st_size - got, (off_t)got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		got += (size_t)n;
	}
	*len = got;
	*buf = sb_steal_pointer(&b);
	return 0;
}

int sb_filter_export(scmp_filter_ctx ctx, struct sock_fprog *out)
{
	char *buf = NULL;
	size_t len = 0;
	int rc = export_to_buf(ctx, seccomp_export_bpf, &buf, &len);

	if (rc < 0)
		return rc;
	/* A loadable program is whole instructions, at most BPF_MAXINSNS. */
	if (len == 0 || len % sizeof(struct sock_filter) || len / sizeof(struct sock_filter) > BPF_MAXINSNS) {
		free(buf);
		return -E2BIG;
	}
	out->len = (unsigned short)(len / sizeof(struct sock_filter));
	out->filter = (struct sock_filter *)(void *)buf;
	return 0;
}

int sb_filter_prog_self(const struct sb_policy *p, enum sb_filter_kind kind, enum sb_mode mode, pid_t self,
                        struct sock_fprog *out)
{
	scmp_filter_ctx ctx = NULL;
	int rc = sb_filter_build_self(p, kind, mode, self, &ctx);

	if (rc == 0)
		rc = sb_filter_export(ctx, out);
	seccomp_release(ctx);
	return rc;
}

int sb_filter_pfc(scmp_filter_ctx ctx, FILE *f)
{
	sb_autofree char *buf = NULL;
	size_t len = 0;
	int rc = export_to_buf(ctx, seccomp_export_pfc, &buf, &len);

	if (rc < 0)
		return rc;
	/* Through stdio, so memory streams (open_memstream) work too. */
	if (fwrite(buf, 1, len, f) != len || fflush(f) != 0)
		return -EIO;
	return 0;
}
