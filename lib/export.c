/* export.c - sandbox-policy export (export.h).
 *
 * Invariant: the exported action of every native call is
 * sb_filter_action(union, F1, nr), plus, for OCI, allow for the calls of
 * runc's init (one table, below). A call whose F1 answer depends on an
 * argument (a condition of the union, args.h) is exported as the masked
 * compares the filter itself makes, each with the filter's answer for the
 * values it matches (sb_filter_scmp_action_args), and never also as a
 * rule on the number alone. A call libseccomp cannot name ("syscall_N")
 * cannot be written in any of these formats: it is left out, which leaves
 * it to the default (never looser than the policy).
 */
#include "export.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "filter.h"
#include "union.h"
#include "util.h"

/* Measured with runc 1.1.5 (Debian 12): strace -f of `runc run` on a
 * container whose profile allows everything, the calls of the init thread
 * between its prctl(PR_SET_SECCOMP) and its execve of the program
 * (tests/integration/export.bats runs the result under a strict profile).
 * The filter is installed on that thread only (no TSYNC): the Go runtime's
 * other threads are not filtered and die at execve. */
const struct sb_danger sb_runc_init_calls[] = {
    {"close", "closes its sync pipes and the /proc/self/fd directory"},
    {"openat", "opens /proc/self/fd/N of the exec fifo and /proc/self/fd"},
    {"write", "signals the parent through the exec fifo"},
    {"futex", "Go runtime: wakes another thread"},
    {"getpid", "checks it is pid 1 of its namespace"},
    {"epoll_ctl", "Go runtime: registers the /proc/self/fd descriptor (EPERM)"},
    {"fstatfs", "checks /proc/self/fd is on procfs before closing fds"},
    {"getdents64", "lists /proc/self/fd to mark descriptors close-on-exec"},
    {"execve", "execs the container's program"},
    {NULL, NULL},
};

SB_PRINTF(2, 3) static int refuse(struct sb_error *err, const char *fmt, ...)
{
	va_list ap;

	err->file[0] = '\0';
	err->line = 0;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -ENOTSUP;
}

int sb_export_parse(const char *name, enum sb_export_format *out)
{
	static const char *const names[] = {"oci", "systemd", "minijail"};

	for (size_t i = 0; i < SB_ARRAY_SIZE(names); i++)
		if (strcmp(name, names[i]) == 0) {
			*out = (enum sb_export_format)i;
			return 0;
		}
	return -EINVAL;
}

/* One compare of an argument rule: values x with (x & mask) == value get
 * act. */
struct compare {
	struct sb_masked m;
	struct sb_action act;
};

/* A call whose answer depends on one argument: the union's condition and
 * the compares that cover every value of the argument's width once. Those
 * whose answer is the default are left out (as filter.c leaves them). */
struct check {
	int nr;
	enum sb_arg_id id;
	struct sb_cond cond;
	int n;
	struct compare cmp[SB_COMPLEMENT_MAX + SB_COND_MAX];
};

/* What the export does for each native call: act[nr]; SB_ACT_NONE for a
 * call no format can name (left to the default). A call with a check
 * (checked[nr] >= 0) is written as its compares only. */
struct exported {
	struct sb_action def;
	struct sb_action act[SB_NR_MAX];
	int unnamed;            /* calls the union allows that libseccomp cannot name */
	int checked[SB_NR_MAX]; /* index in chk, or -1 */
	int nchk;
	struct check chk[SB_ARG_N];
};

static bool same(const struct sb_action *a, const struct sb_action *b)
{
	return a->kind == b->kind && (a->kind != SB_ACT_ERRNO || a->errnum == b->errnum);
}

static bool nameable(int nr)
{
	char name[SB_NAME_LEN];

	return strncmp(sb_syscall_name(nr, name, sizeof(name)), "syscall_", 8) != 0;
}

/* The answer of the union's F1 for call nr with argument `index` = v. */
static struct sb_action answer_at(const struct sb_policy *u, int nr, unsigned index, uint64_t v)
{
	uint64_t args[6] = {0};
	uint32_t a;

	args[index] = v;
	a = sb_filter_scmp_action_args(u, SB_FILTER_F1, SB_MODE_ENFORCE, nr, args);
	if (a == SCMP_ACT_ALLOW)
		return (struct sb_action){.kind = SB_ACT_ALLOW};
	if (a == SCMP_ACT_LOG)
		return (struct sb_action){.kind = SB_ACT_LOG};
	if ((a & 0xffff0000u) == SCMP_ACT_ERRNO(0))
		return (struct sb_action){.kind = SB_ACT_ERRNO, .errnum = (int)(a & 0xffffu)};
	return (struct sb_action){.kind = SB_ACT_KILL}; /* kill, and anything else: fail closed */
}

static void add_compare(struct check *c, const struct sb_policy *u, const struct sb_action *def,
                        uint64_t mask, uint64_t value)
{
	const struct sb_arg_def *d = sb_arg_def(c->id);
	struct sb_action a = answer_at(u, c->nr, d->index, value);

	if (!same(&a, def) && c->n < (int)SB_ARRAY_SIZE(c->cmp))
		c->cmp[c->n++] = (struct compare){{mask, value}, a};
}

/* The compares of filter.c (add_flags, add_values) for the condition of
 * call nr: flags, the bits clear (and, if a denied bit's answer is not the
 * default, each denied bit set); values, each listed value under the
 * width's mask and the blocks of every other value (sb_filter_complement).
 * Each compare's answer is the filter's for the values it matches. */
static int make_check(struct check *c, const struct sb_policy *u, const struct sb_action *def, int nr,
                      const struct sb_cond *cond)
{
	struct sb_masked blk[SB_COMPLEMENT_MAX];
	const struct sb_arg_def *d;

	*c = (struct check){.nr = nr, .id = (enum sb_arg_id)sb_arg_for_syscall(nr), .cond = *cond};
	d = sb_arg_def(c->id);
	if (d->kind == SB_ARG_FLAGS) {
		add_compare(c, u, def, cond->v[0] & d->width, 0);
		for (int i = 0; i < 64; i++)
			if (cond->v[0] & d->width & (1ull << i))
				add_compare(c, u, def, 1ull << i, 1ull << i);
		return 0;
	}
	int nb = sb_filter_complement(d->width, cond->v, cond->n, blk, SB_COMPLEMENT_MAX);
	if (nb > SB_COMPLEMENT_MAX)
		return -E2BIG;
	for (int i = 0; i < cond->n; i++)
		add_compare(c, u, def, d->width, cond->v[i]);
	for (int i = 0; i < nb; i++)
		add_compare(c, u, def, blk[i].mask, blk[i].value);
	return 0;
}

/* The calls whose F1 answer depends on an argument: allowed by the union,
 * with its condition. */
static int fill_checks(struct exported *x, const struct sb_policy *u)
{
	int r = 0;

	x->nchk = 0;
	for (int nr = 0; nr < SB_NR_MAX; nr++)
		x->checked[nr] = -1;
	for (int id = 0; id < SB_ARG_N && r == 0; id++) {
		int nr = sb_arg_nr((enum sb_arg_id)id);
		/* a line's condition, or the baseline's (mmap, mprotect) */
		const struct sb_cond *c = nr >= 0 ? sb_filter_phase_cond(u, SB_PHASE_INIT, nr) : NULL;
		if (c == NULL || x->act[nr].kind != SB_ACT_ALLOW)
			continue;
		r = make_check(&x->chk[x->nchk], u, &x->def, nr, c);
		x->checked[nr] = x->nchk++;
	}
	return r;
}

/* checks false: no argument checks at all (--drop-conditions), neither
 * the lines' nor the baseline's. */
static int fill(struct exported *x, const struct sb_policy *u, bool runc, bool checks)
{
	x->def = u->def;
	x->unnamed = 0;
	for (int nr = 0; nr < SB_NR_MAX; nr++) {
		x->act[nr] = sb_filter_action(u, SB_FILTER_F1, nr);
		if (!nameable(nr) && !same(&x->act[nr], &x->def)) {
			x->unnamed++;
			x->act[nr] = x->def;
		}
	}
	/* runc's calls are allowed whole, unless the union checks one (none
	 * of the table is in args.h's: test_export checks it). */
	for (int i = 0; runc && sb_runc_init_calls[i].name; i++) {
		int nr = sb_syscall_nr(sb_runc_init_calls[i].name);
		if (nr >= 0 && sb_arg_for_syscall(nr) < 0)
			x->act[nr] = (struct sb_action){.kind = SB_ACT_ALLOW};
	}
	if (!checks) {
		x->nchk = 0;
		for (int nr = 0; nr < SB_NR_MAX; nr++)
			x->checked[nr] = -1;
		return 0;
	}
	return fill_checks(x, u);
}

/* ---- OCI ---------------------------------------------------------------- */

static const char *oci_action(enum sb_act_kind k)
{
	switch (k) {
	case SB_ACT_ALLOW: return "SCMP_ACT_ALLOW";
	case SB_ACT_LOG: return "SCMP_ACT_LOG";
	case SB_ACT_ERRNO: return "SCMP_ACT_ERRNO";
	default: return "SCMP_ACT_KILL_PROCESS";
	}
}

/* One "syscalls" member: the calls whose action is a, if any. */
static void oci_group(FILE *f, const struct exported *x, const struct sb_action *a, bool *first)
{
	char name[SB_NAME_LEN];
	int n = 0;

	for (int nr = 0; nr < SB_NR_MAX; nr++) {
		if (same(&x->act[nr], &x->def) || !same(&x->act[nr], a) || x->checked[nr] >= 0)
			continue;
		fprintf(f, "%s\"%s\"", n++ ? ", " : (*first ? "\n    {\"names\": [" : ",\n    {\"names\": ["),
		        sb_syscall_name(nr, name, sizeof(name)));
		*first = false;
	}
	if (n == 0)
		return;
	fprintf(f, "], \"action\": \"%s\"", oci_action(a->kind));
	if (a->kind == SB_ACT_ERRNO)
		fprintf(f, ", \"errnoRet\": %d", a->errnum);
	fputc('}', f);
}

/* A JSON string: the file name may hold anything. */
static void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

/* One "syscalls" member per compare of a check: one argument each, so
 * that every runtime reads it the same (runc splits several compares of
 * one argument into rules that OR, other runtimes AND them). libseccomp
 * ORs the rules of one call; they do not overlap but where their answer is
 * the same. */
static void oci_check(FILE *f, const struct check *c, bool *first)
{
	char name[SB_NAME_LEN];

	sb_syscall_name(c->nr, name, sizeof(name));
	for (int i = 0; i < c->n; i++) {
		const struct compare *k = &c->cmp[i];
		fprintf(f, "%s\n    {\"names\": [\"%s\"], \"action\": \"%s\"", *first ? "" : ",", name,
		        oci_action(k->act.kind));
		if (k->act.kind == SB_ACT_ERRNO)
			fprintf(f, ", \"errnoRet\": %d", k->act.errnum);
		fprintf(f,
		        ", \"args\": [{\"index\": %u, \"value\": %llu, \"valueTwo\": %llu, \"op\": "
		        "\"SCMP_CMP_MASKED_EQ\"}]}",
		        sb_arg_def(c->id)->index, (unsigned long long)k->m.mask,
		        (unsigned long long)k->m.value);
		*first = false;
	}
}

static void export_oci(FILE *f, const struct exported *x, const char *source)
{
	static const enum sb_act_kind kinds[] = {SB_ACT_ALLOW, SB_ACT_LOG, SB_ACT_KILL};
	bool first = true, seen[4096] = {false};
	char note[640];

	snprintf(note, sizeof(note),
	         "sandbox-policy export --format=oci of %s: OCI has no phases, this is the union of init and "
	         "serving, plus the calls runc's init makes after installing it; %d argument condition(s) as "
	         "masked compares, one rule each (clone3 answers ENOSYS where clone's flags are checked); %d "
	         "unnamed call(s) left out",
	         source, x->nchk, x->unnamed);
	fprintf(f, "{\n  \"comment\": ");
	json_string(f, note);
	fprintf(f, ",\n  \"defaultAction\": \"%s\",\n", oci_action(x->def.kind));
	if (x->def.kind == SB_ACT_ERRNO)
		fprintf(f, "  \"defaultErrnoRet\": %d,\n", x->def.errnum);
	fprintf(f, "  \"architectures\": [\"SCMP_ARCH_X86_64\"],\n  \"syscalls\": [");
	for (size_t i = 0; i < SB_ARRAY_SIZE(kinds); i++)
		oci_group(f, x, &(struct sb_action){.kind = kinds[i]}, &first);
	for (int nr = 0; nr < SB_NR_MAX; nr++) {
		const struct sb_action *a = &x->act[nr];
		if (a->kind != SB_ACT_ERRNO || a->errnum < 0 || a->errnum >= 4096 || seen[a->errnum])
			continue;
		seen[a->errnum] = true;
		oci_group(f, x, a, &first);
	}
	for (int i = 0; i < x->nchk; i++)
		oci_check(f, &x->chk[i], &first);
	fprintf(f, "\n  ]\n}\n");
}

/* ---- systemd and minijail ------------------------------------------------ */

/* Formats that know allow and one default (minijail: and errno, `return
 * N`): refuse any other line. */
static int allow_only(const struct exported *x, const char *format, struct sb_error *err)
{
	char name[SB_NAME_LEN], act[64];
	bool minijail = format[0] == 'm';

	for (int nr = 0; nr < SB_NR_MAX; nr++) {
		const struct sb_action *a = &x->act[nr];
		if (a->kind == SB_ACT_ALLOW || same(a, &x->def))
			continue;
		if (minijail && (a->kind == SB_ACT_KILL || a->kind == SB_ACT_ERRNO))
			continue; /* absent means kill; errno is `return N` */
		return refuse(err, "%s: cannot express '%s = %s' (only allow and the default)", format,
		              sb_syscall_name(nr, name, sizeof(name)), sb_action_format(a, act, sizeof(act)));
	}
	return 0;
}

static void comment_union(FILE *f, const char *format, const char *source, const struct exported *x)
{
	fprintf(f, "# sandbox-policy export --format=%s of %s\n", format, source);
	fprintf(f, "# %s has no phases: this is the union of init and serving, one filter for the\n", format);
	fprintf(f, "# whole life (sandbox-run enforces the two phases).\n");
	if (x->unnamed)
		fprintf(f, "# %d call(s) libseccomp cannot name are left out (denied).\n", x->unnamed);
}

/* "mprotect.prot = not PROT_EXEC" of check c, in buf. */
static const char *cond_text(const struct check *c, char *buf, size_t len)
{
	const struct sb_arg_def *d = sb_arg_def(c->id);
	char words[512];
	const char *w = sb_cond_format(c->id, &c->cond, words, sizeof(words));

	snprintf(buf, len, "%s = %s", d->arg, w ? w : "?");
	return buf;
}

/* The conditions --drop-conditions left out, one comment line each. */
static void comment_dropped(FILE *f, const struct exported *dropped)
{
	char text[600];

	if (dropped == NULL || dropped->nchk == 0)
		return;
	fprintf(f, "# --drop-conditions: SystemCallFilter= has no argument conditions, so these of the\n");
	fprintf(f, "# policy are NOT enforced here (sandbox-run enforces them):\n");
	for (int i = 0; i < dropped->nchk; i++)
		fprintf(f, "#   %s\n", cond_text(&dropped->chk[i], text, sizeof(text)));
}

static int export_systemd(FILE *f, const struct exported *x, const struct exported *dropped,
                          const char *source, struct sb_error *err)
{
	char name[SB_NAME_LEN], text[600];
	int r;

	if (x->def.kind == SB_ACT_LOG)
		return refuse(err,
		              "systemd: cannot allow and log the calls a policy does not list (default log)");
	if (x->nchk > 0)
		return refuse(err,
		              "systemd: SystemCallFilter= has no argument conditions: cannot express '%s' "
		              "(--drop-conditions writes the union without them)",
		              cond_text(&x->chk[0], text, sizeof(text)));
	if ((r = allow_only(x, "systemd", err)) < 0)
		return r;
	comment_union(f, "systemd", source, x);
	comment_dropped(f, dropped);
	fprintf(f, "[Service]\nSystemCallArchitectures=native\nSystemCallFilter=");
	for (int nr = 0, n = 0; nr < SB_NR_MAX; nr++)
		if (x->act[nr].kind == SB_ACT_ALLOW)
			fprintf(f, "%s%s", n++ ? " " : "", sb_syscall_name(nr, name, sizeof(name)));
	fputc('\n', f);
	if (x->def.kind == SB_ACT_ERRNO)
		fprintf(f, "SystemCallErrorNumber=%s\n", strerrorname_np(x->def.errnum));
	return 0;
}

/* The drop-in that runs the unit's command under sandbox-run: two phases,
 * so no SystemCallFilter= (the launcher's own tracer needs calls the
 * program's policy does not list). */
static void export_dropin(FILE *f, const struct sb_export_opts *o)
{
	fprintf(f, "# sandbox-policy export --format=systemd --exec-start: %s enforced by sandbox-run,\n",
	        o->source);
	fprintf(f, "# both phases (init, then serving). Install as\n");
	fprintf(f, "# /etc/systemd/system/UNIT.service.d/sandbox.conf\n");
	fprintf(f, "[Service]\nSystemCallArchitectures=native\nExecStart=\nExecStart=%s --policy %s -- %s\n",
	        o->run ? o->run : "sandbox-run", o->source, o->exec_start);
}

/* "argN == A || ..." for the values of [lo, hi] (64-bit compares: a
 * value with bits above the width matches none, denied: stricter than the
 * kernel, which reads the width only). */
static void minijail_range(FILE *f, unsigned arg, uint64_t lo, uint64_t hi, bool *first)
{
	fprintf(f, "%s", *first ? "" : " || ");
	*first = false;
	if (lo == hi)
		fprintf(f, "arg%u == %#llx", arg, (unsigned long long)lo);
	else if (lo == 0)
		fprintf(f, "arg%u <= %#llx", arg, (unsigned long long)hi);
	else
		fprintf(f, "arg%u >= %#llx && arg%u <= %#llx", arg, (unsigned long long)lo, arg,
		        (unsigned long long)hi);
}

/* The expression that passes what check c's condition passes, in
 * minijail's syntax: flags `argN in ~BITS` (those bits clear); `only` the
 * values, `==` each; `not` values, the ranges between them. */
static void minijail_expr(FILE *f, const struct check *c)
{
	const struct sb_arg_def *d = sb_arg_def(c->id);
	const struct sb_cond *k = &c->cond;
	bool first = true, end = false;
	uint64_t lo = 0;

	if (d->kind == SB_ARG_FLAGS) {
		fprintf(f, "arg%u in ~%#llx", d->index, (unsigned long long)(k->v[0] & d->width));
		return;
	}
	for (int i = 0; i < k->n; i++) {
		if (k->kind == SB_COND_ONLY)
			minijail_range(f, d->index, k->v[i], k->v[i], &first);
		else if (k->v[i] > lo)
			minijail_range(f, d->index, lo, k->v[i] - 1, &first);
		end = k->v[i] == d->width;
		lo = k->v[i] + 1;
	}
	if (k->kind == SB_COND_NOT && !end)
		minijail_range(f, d->index, lo, d->width, &first);
}

/* minijail kills what an expression does not pass (the default, which it
 * requires): a check whose compares answer anything but allow for what
 * they match cannot be written. */
static int minijail_can(const struct check *c, struct sb_error *err)
{
	char text[600];

	for (int i = 0; i < c->n; i++)
		if (c->cmp[i].act.kind != SB_ACT_ALLOW)
			return refuse(err, "minijail: cannot express what '%s' denies (only kill)",
			              cond_text(c, text, sizeof(text)));
	return 0;
}

/* A check as one line, after a comment in the policy's words. */
static void minijail_check(FILE *f, const struct check *c)
{
	char name[SB_NAME_LEN], text[600];

	fprintf(f, "# %s\n%s: ", cond_text(c, text, sizeof(text)),
	        sb_syscall_name(c->nr, name, sizeof(name)));
	minijail_expr(f, c);
	fputc('\n', f);
}

static int export_minijail(FILE *f, const struct exported *x, const char *source, struct sb_error *err)
{
	char name[SB_NAME_LEN];
	int r;

	if (x->def.kind != SB_ACT_KILL)
		return refuse(err,
		              "minijail: a policy file cannot set the default action (policy has not kill)");
	if ((r = allow_only(x, "minijail", err)) < 0)
		return r;
	for (int i = 0; i < x->nchk; i++)
		if ((r = minijail_can(&x->chk[i], err)) < 0)
			return r;
	comment_union(f, "minijail", source, x);
	fprintf(f, "# Calls not listed kill the process (minijail0 -S FILE).\n");
	for (int nr = 0; nr < SB_NR_MAX; nr++) {
		const struct sb_action *a = &x->act[nr];
		if (x->checked[nr] >= 0)
			continue;
		if (a->kind == SB_ACT_ALLOW)
			fprintf(f, "%s: 1\n", sb_syscall_name(nr, name, sizeof(name)));
		else if (a->kind == SB_ACT_ERRNO)
			fprintf(f, "%s: return %d\n", sb_syscall_name(nr, name, sizeof(name)), a->errnum);
	}
	for (int i = 0; i < x->nchk; i++)
		minijail_check(f, &x->chk[i]);
	return 0;
}

static int write_format(FILE *f, const struct exported *x, const struct exported *dropped,
                        enum sb_export_format fmt, const struct sb_export_opts *o, struct sb_error *err)
{
	if (fmt == SB_EXPORT_OCI) {
		export_oci(f, x, o->source);
		return 0;
	}
	if (fmt == SB_EXPORT_SYSTEMD && o->exec_start) {
		export_dropin(f, o);
		return 0;
	}
	if (fmt == SB_EXPORT_SYSTEMD)
		return export_systemd(f, x, dropped, o->source, err);
	return export_minijail(f, x, o->source, err);
}

/* Write the union u (its conditions dropped first for systemd with
 * --drop-conditions, after noting them in `dropped`). */
static int export_union(FILE *f, struct sb_policy *u, enum sb_export_format fmt,
                        const struct sb_export_opts *o, struct sb_error *err)
{
	bool drop = fmt == SB_EXPORT_SYSTEMD && o->drop_conditions && !o->exec_start;
	struct exported *x = malloc(sizeof(*x)), *dropped = drop ? malloc(sizeof(*x)) : NULL;
	int r = x != NULL && (!drop || dropped != NULL) ? 0 : -ENOMEM;

	if (r == 0 && drop && (r = fill(dropped, u, false, true)) == 0)
		memset(u->cond, 0, sizeof(u->cond)); /* clone3 is then itself again */
	if (r == 0)
		r = fill(x, u, fmt == SB_EXPORT_OCI, !drop);
	if (r == 0)
		r = write_format(f, x, dropped, fmt, o, err);
	free(dropped);
	free(x);
	return r;
}

int sb_policy_export(FILE *f, const struct sb_policy *p, enum sb_export_format fmt,
                     const struct sb_export_opts *o, struct sb_error *err)
{
	struct sb_policy *u = NULL;
	int r = sb_policy_union(p, NULL, &u, err);

	if (r == 0)
		r = export_union(f, u, fmt, o, err);
	free(u);
	if (r == 0 && (fflush(f) != 0 || ferror(f)))
		r = -EIO;
	return r;
}
