/* policy.c - the in-memory policy: actions, transition rules, merge, equality.
 *
 * The file format lives in policy_ini.c; everything here is independent of
 * it. Nothing here prints: errors are -errno, with a message in sb_error
 * where the caller needs one.
 */
#include "policy.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "danger.h"
#include "filter.h" /* sb_base_set */
#include "util.h"

/* errno values we try when reverse-looking-up a name (Linux uses < 4096). */
#define ERRNO_MAX 4095

const char *sb_phase_name(enum sb_phase ph)
{
	switch (ph) {
	case SB_PHASE_INIT: return "init";
	case SB_PHASE_SERVING: return "serving";
	default: return "?";
	}
}

/* "EPERM" -> 1, by asking glibc for the name of every errno value: no table
 * of our own. Aliases glibc does not return (EWOULDBLOCK, ENOTSUP, EDEADLOCK)
 * are not accepted. Returns 0 if the name is unknown. */
static int errno_from_name(const char *name)
{
	for (int e = 1; e <= ERRNO_MAX; e++) {
		const char *n = strerrorname_np(e);
		if (n != NULL && strcmp(n, name) == 0)
			return e;
	}
	return 0;
}

int sb_action_parse(const char *text, struct sb_action *out)
{
	static const struct {
		const char *word;
		enum sb_act_kind kind;
	} plain[] = {{"allow", SB_ACT_ALLOW}, {"kill", SB_ACT_KILL}, {"log", SB_ACT_LOG}};
	const char *p;

	if (text == NULL)
		return -EINVAL;
	for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++) {
		if (strcmp(text, plain[i].word) == 0) {
			*out = (struct sb_action){.kind = plain[i].kind};
			return 0;
		}
	}
	if (strncmp(text, "errno", 5) != 0 || (text[5] != ' ' && text[5] != '\t'))
		return -EINVAL;
	p = text + 5 + strspn(text + 5, " \t");
	/* Names only: a number means different things on different ABIs and
	 * is unreadable in review. */
	int e = errno_from_name(p);
	if (e == 0)
		return -EINVAL;
	*out = (struct sb_action){.kind = SB_ACT_ERRNO, .errnum = e};
	return 0;
}

const char *sb_action_format(const struct sb_action *a, char *buf, size_t len)
{
	const char *name;

	switch (a->kind) {
	case SB_ACT_ALLOW: snprintf(buf, len, "allow"); break;
	case SB_ACT_KILL: snprintf(buf, len, "kill"); break;
	case SB_ACT_LOG: snprintf(buf, len, "log"); break;
	case SB_ACT_ERRNO:
		name = strerrorname_np(a->errnum);
		if (name != NULL)
			snprintf(buf, len, "errno %s", name);
		else
			snprintf(buf, len, "errno %d", a->errnum);
		break;
	default: snprintf(buf, len, "none"); break;
	}
	return buf;
}

static bool action_equal(const struct sb_action *a, const struct sb_action *b)
{
	return a->kind == b->kind && (a->kind != SB_ACT_ERRNO || a->errnum == b->errnum);
}

struct sb_policy *sb_policy_new(void)
{
	struct sb_policy *p = calloc(1, sizeof(*p));

	if (p == NULL)
		return NULL;
	p->version = SB_POLICY_VERSION;
	snprintf(p->arch, sizeof(p->arch), "x86_64");
	p->def.kind = SB_ACT_KILL;
	p->tr.fd = -1;
	return p;
}

static uint64_t add_sat(uint64_t a, uint64_t b)
{
	return a + b < a ? UINT64_MAX : a + b;
}

void sb_policy_add(struct sb_policy *p, enum sb_phase ph, int nr, uint64_t count)
{
	struct sb_entry *e;

	if (ph < 0 || ph >= SB_NPHASES || nr < 0 || nr >= SB_NR_MAX)
		return;
	e = &p->phase[ph][nr];
	if (e->act.kind == SB_ACT_NONE)
		e->act.kind = SB_ACT_ALLOW;
	e->count = add_sat(e->count, count);
}

int sb_policy_count(const struct sb_policy *p, enum sb_phase ph)
{
	int n = 0;

	if (ph < 0 || ph >= SB_NPHASES)
		return 0;
	for (int nr = 0; nr < SB_NR_MAX; nr++)
		n += p->phase[ph][nr].act.kind != SB_ACT_NONE;
	return n;
}

/* Split a comma-separated list into names[] (blanks around names ignored)
 * and expand each into set. An empty list gives n = 0; an empty element
 * ("a,,b") is -EINVAL. On -ENOENT, *bad points at the unknown name, copied
 * (possibly truncated) into names[]. */
static int parse_names(const char *list, char (*names)[SB_NAME_LEN], int *n, uint8_t *set, const char **bad)
{
	const char *s = list ? list + strspn(list, " \t") : "";

	*n = 0;
	memset(set, 0, SB_BITMAP_BYTES);
	if (*s == '\0')
		return 0;
	for (;;) {
		size_t len = strcspn(s, ",");
		size_t end = len;

		while (end > 0 && (s[end - 1] == ' ' || s[end - 1] == '\t'))
			end--;
		if (end == 0)
			return -EINVAL;
		if (*n == SB_MAX_MARKERS)
			return -E2BIG;
		snprintf(names[*n], SB_NAME_LEN, "%.*s", (int)end, s);
		/* A truncated name is no syscall: report it as unknown. */
		if (end >= SB_NAME_LEN || sb_family_expand(names[*n], set) < 0) {
			if (bad != NULL)
				*bad = names[*n];
			return -ENOENT;
		}
		(*n)++;
		if (s[len] == '\0')
			return 0;
		s += len + 1;
		s += strspn(s, " \t");
	}
}

int sb_transition_set(struct sb_transition *tr, const char *markers, int fd, const char *after,
                      const char **bad)
{
	int r;

	if (fd < -1)
		return -EINVAL;
	r = parse_names(markers, tr->markers, &tr->nmarkers, tr->marker_set, bad);
	if (r < 0)
		return r;
	if (tr->nmarkers == 0)
		return -EINVAL; /* a rule needs at least one marker */
	r = parse_names(after, tr->after, &tr->nafter, tr->after_set, bad);
	if (r < 0)
		return r;
	tr->fd = fd;
	tr->scope = SB_SCOPE_PROCESS; /* the default; callers with a scope set it after */
	return 0;
}

const char *sb_transition_format(const char (*names)[SB_NAME_LEN], int n, char *buf, size_t len)
{
	size_t off = 0;

	if (len == 0)
		return buf;
	buf[0] = '\0';
	for (int i = 0; i < n && off < len; i++) {
		int w = snprintf(buf + off, len - off, "%s%s", i ? ", " : "", names[i]);
		if (w < 0)
			break;
		off += (size_t)w;
	}
	return buf;
}

bool sb_transition_equal(const struct sb_transition *a, const struct sb_transition *b)
{
	/* the scope means nothing without `after` calls (and is not written) */
	bool scope = a->nafter == 0 || a->scope == b->scope;
	return a->fd == b->fd && scope && memcmp(a->marker_set, b->marker_set, SB_BITMAP_BYTES) == 0 &&
	       memcmp(a->after_set, b->after_set, SB_BITMAP_BYTES) == 0;
}

static bool names_equal(const char (*a)[SB_NAME_LEN], int na, const char (*b)[SB_NAME_LEN], int nb)
{
	if (na != nb)
		return false;
	for (int i = 0; i < na; i++)
		if (strcmp(a[i], b[i]) != 0)
			return false;
	return true;
}

SB_PRINTF(2, 3) static int merge_fail(struct sb_error *err, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL) {
		err->file[0] = '\0';
		err->line = 0;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* The refusals of sb_policy_merge, checked before dst is touched. */
static int merge_check_header(const struct sb_policy *dst, const struct sb_policy *src, struct sb_error *err)
{
	char a[64], b[64];

	if (dst->version != src->version)
		return merge_fail(err, "cannot merge policy versions %d and %d", dst->version, src->version);
	if (strcmp(dst->arch, src->arch) != 0)
		return merge_fail(err, "cannot merge arch '%s' with arch '%s'", dst->arch, src->arch);
	if (dst->has_transition != src->has_transition)
		return merge_fail(err, "cannot merge a single-phase policy with a two-phase one");
	if (dst->has_transition && !sb_transition_equal(&dst->tr, &src->tr))
		return merge_fail(err, "cannot merge policies with different transition rules");
	if (!action_equal(&dst->def, &src->def))
		return merge_fail(err, "cannot merge default '%s' with default '%s'",
		                  sb_action_format(&dst->def, a, sizeof(a)),
		                  sb_action_format(&src->def, b, sizeof(b)));
	return 0;
}

static int merge_check_entries(const struct sb_policy *dst, const struct sb_policy *src, struct sb_error *err)
{
	char name[SB_NAME_LEN], a[64], b[64];

	for (int ph = 0; ph < SB_NPHASES; ph++) {
		for (int nr = 0; nr < SB_NR_MAX; nr++) {
			const struct sb_action *x = &dst->phase[ph][nr].act;
			const struct sb_action *y = &src->phase[ph][nr].act;

			if (x->kind == SB_ACT_NONE || y->kind == SB_ACT_NONE || action_equal(x, y))
				continue;
			return merge_fail(
			    err, "[%s] %s: action '%s' in one policy, '%s' in the other",
			    sb_phase_name((enum sb_phase)ph), sb_syscall_name(nr, name, sizeof(name)),
			    sb_action_format(x, a, sizeof(a)), sb_action_format(y, b, sizeof(b)));
		}
	}
	return 0;
}

const struct sb_cond *sb_policy_cond(const struct sb_policy *p, enum sb_phase ph, int nr)
{
	int id = sb_arg_for_syscall(nr);

	if (id < 0 || ph < 0 || ph >= SB_NPHASES || p->phase[ph][nr].act.kind != SB_ACT_ALLOW ||
	    p->cond[ph][id].kind == SB_COND_NONE)
		return NULL;
	return &p->cond[ph][id];
}

/* Before the entries are merged: a call both list gets the union of their
 * conditions (none if either has none); a call only src lists gets src's. */
static void merge_conds(struct sb_policy *dst, const struct sb_policy *src)
{
	for (int ph = 0; ph < SB_NPHASES; ph++) {
		for (int id = 0; id < SB_ARG_N; id++) {
			int nr = sb_arg_nr((enum sb_arg_id)id);
			if (nr < 0 || src->phase[ph][nr].act.kind == SB_ACT_NONE)
				continue;
			if (dst->phase[ph][nr].act.kind == SB_ACT_NONE)
				dst->cond[ph][id] = src->cond[ph][id];
			else /* -E2BIG leaves no condition: wider, never narrower */
				sb_cond_merge((enum sb_arg_id)id, &dst->cond[ph][id], &src->cond[ph][id]);
		}
	}
}

static void merge_comments(struct sb_policy *dst, const struct sb_policy *src)
{
	for (int i = 0; i < src->ncomments && dst->ncomments < SB_MAX_COMMENTS; i++) {
		bool seen = false;

		for (int j = 0; j < dst->ncomments && !seen; j++)
			seen = strcmp(dst->comments[j], src->comments[i]) == 0;
		if (!seen)
			memcpy(dst->comments[dst->ncomments++], src->comments[i], SB_COMMENT_LEN);
	}
}

int sb_policy_merge(struct sb_policy *dst, const struct sb_policy *src, struct sb_error *err)
{
	int r = merge_check_header(dst, src, err);

	if (r == 0)
		r = merge_check_entries(dst, src, err);
	if (r < 0)
		return r; /* dst untouched */
	merge_conds(dst, src);
	for (int ph = 0; ph < SB_NPHASES; ph++) {
		for (int nr = 0; nr < SB_NR_MAX; nr++) {
			const struct sb_entry *s = &src->phase[ph][nr];
			struct sb_entry *d = &dst->phase[ph][nr];

			if (s->act.kind == SB_ACT_NONE)
				continue;
			if (d->act.kind == SB_ACT_NONE)
				d->act = s->act;
			d->count = add_sat(d->count, s->count);
		}
	}
	/* Both runs needed their capabilities: keep the union. */
	dst->caps |= src->caps;
	merge_comments(dst, src);
	return 0;
}

static bool comments_equal(const struct sb_policy *a, const struct sb_policy *b)
{
	if (a->ncomments != b->ncomments)
		return false;
	for (int i = 0; i < a->ncomments; i++)
		if (strcmp(a->comments[i], b->comments[i]) != 0)
			return false;
	return true;
}

static bool transition_same(const struct sb_policy *a, const struct sb_policy *b)
{
	if (a->has_transition != b->has_transition)
		return false;
	if (!a->has_transition)
		return true;
	return sb_transition_equal(&a->tr, &b->tr) &&
	       names_equal(a->tr.markers, a->tr.nmarkers, b->tr.markers, b->tr.nmarkers) &&
	       names_equal(a->tr.after, a->tr.nafter, b->tr.after, b->tr.nafter);
}

const char *sb_policy_forced_allow(const struct sb_policy *p, enum sb_phase ph, int nr)
{
	for (const char *const *b = sb_base_set; *b; b++)
		if (sb_syscall_nr(*b) == nr)
			return "the base set (restart_syscall, rt_sigreturn, exit, exit_group) is always "
			       "allowed in every phase: the mechanism needs it";
	if (ph != SB_PHASE_INIT)
		return NULL;
	if (sb_syscall_nr("execve") == nr)
		return "execve is always allowed in [init]: the launcher's own execve runs under F1";
	if (!p->has_transition)
		return NULL;
	if (sb_syscall_nr("seccomp") == nr)
		return "seccomp is always allowed in [init] of a two-phase policy: the injection of the "
		       "serving filter needs it";
	if (sb_bit_test(p->tr.marker_set, nr))
		return "a transition marker is always allowed in [init]: it must reach the tracer";
	if (sb_bit_test(p->tr.after_set, nr))
		return "a transition_after call is always allowed in [init]: it must reach the tracer";
	return NULL;
}

static bool conds_equal(const struct sb_policy *a, const struct sb_policy *b)
{
	for (int ph = 0; ph < SB_NPHASES; ph++)
		for (int id = 0; id < SB_ARG_N; id++)
			if (!sb_cond_equal(&a->cond[ph][id], &b->cond[ph][id]))
				return false;
	return true;
}

bool sb_policy_equal(const struct sb_policy *a, const struct sb_policy *b)
{
	if (a->version != b->version || strcmp(a->program, b->program) != 0 ||
	    strcmp(a->binary_sha256, b->binary_sha256) != 0 || strcmp(a->binary_path, b->binary_path) != 0 ||
	    strcmp(a->arch, b->arch) != 0 || !action_equal(&a->def, &b->def) || a->caps != b->caps ||
	    a->baseline != b->baseline || !transition_same(a, b) || !comments_equal(a, b) ||
	    !conds_equal(a, b))
		return false;
	for (int ph = 0; ph < SB_NPHASES; ph++) {
		for (int nr = 0; nr < SB_NR_MAX; nr++) {
			const struct sb_entry *x = &a->phase[ph][nr];
			const struct sb_entry *y = &b->phase[ph][nr];

			if (!action_equal(&x->act, &y->act) || x->count != y->count)
				return false;
		}
	}
	return true;
}

/* True if phase ph lists a member of f other than nr with a count. */
static bool member_seen(const struct sb_policy *p, enum sb_phase ph, const struct sb_family *f, int nr)
{
	for (const char *const *m = f->members; *m; m++) {
		int o = sb_syscall_nr(*m);
		if (o >= 0 && o != nr && p->phase[ph][o].act.kind != SB_ACT_NONE && p->phase[ph][o].count > 0)
			return true;
	}
	return false;
}

/* Does phase ph's run bring nr in through its family f? An implied family
 * needs a call seen of each family it is implied by, and nothing else. */
static bool family_seen(const struct sb_policy *p, enum sb_phase ph, const struct sb_family *f, int nr)
{
	if (!(f->use & SB_FAMILY_IMPLIED))
		return member_seen(p, ph, f, nr);
	for (const char *const *by = f->implied_by; *by; by++) {
		const struct sb_family *g = sb_family_power_find(*by);
		int o = g ? -1 : sb_syscall_nr(*by);
		if (g ? !member_seen(p, ph, g, -1)
		      : o < 0 || p->phase[ph][o].act.kind == SB_ACT_NONE || p->phase[ph][o].count == 0)
			return false;
	}
	return true;
}

const struct sb_family *sb_policy_widened_by(const struct sb_policy *p, enum sb_phase ph, int nr)
{
	const struct sb_family *f = sb_family_power(nr);

	if (f == NULL || ph < 0 || ph >= SB_NPHASES || p->phase[ph][nr].act.kind != SB_ACT_ALLOW ||
	    p->phase[ph][nr].count > 0)
		return NULL;
	return family_seen(p, ph, f, nr) ? f : NULL;
}

bool sb_policy_init_only(const struct sb_policy *p, enum sb_phase ph, int nr)
{
	const struct sb_entry *e;

	if (ph != SB_PHASE_SERVING || !p->has_transition || nr < 0 || nr >= SB_NR_MAX)
		return false;
	e = &p->phase[SB_PHASE_SERVING][nr];
	return e->act.kind == SB_ACT_ALLOW && e->count == 0 && p->phase[SB_PHASE_INIT][nr].count > 0 &&
	       sb_policy_widened_by(p, ph, nr) == NULL;
}

/* Added lines are decided from the lines seen before this call only: an
 * added line has count 0, so it never brings in more. */
int sb_policy_widen(struct sb_policy *p)
{
	int added = 0;

	for (int ph = 0; ph < SB_NPHASES; ph++) {
		for (int nr = 0; nr < SB_NR_MAX; nr++) {
			const struct sb_family *f = sb_family_power(nr);

			if (f == NULL || p->phase[ph][nr].act.kind != SB_ACT_NONE || sb_danger_is(nr) ||
			    !family_seen(p, (enum sb_phase)ph, f, nr))
				continue;
			p->phase[ph][nr].act.kind = SB_ACT_ALLOW;
			p->phase[ph][nr].count = 0;
			added++;
		}
	}
	return added;
}
