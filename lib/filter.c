/* filter.c - policy phase -> libseccomp context -> BPF.
 *
 * One function, sb_filter_scmp_action(), decides what a filter answers for a
 * native syscall number; sb_filter_build() only asks it for every number
 * below SB_NR_MAX and adds a rule where the answer differs from the default.
 * So the built filter and what tests or the complain reporter ask can never
 * disagree, and every number gets exactly one rule (libseccomp keeps the
 * first of two conflicting rules silently).
 */
#include "filter.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

const char *const sb_base_set[] = {
    "restart_syscall", /* threads interrupted by the detach resume through it */
    "rt_sigreturn",    /* signals deferred during injection return through it */
    "exit",            /* a thread ending */
    "exit_group",      /* a process killed while profiled never showed it */
    NULL,
};

/* The tracer reads the filter that complained with PTRACE_GETEVENTMSG. */
#define SB_TRACE_PROFILE 0
#define SB_TRACE_F1      1
#define SB_TRACE_F2      2
/* SB_TRACE_AFTER (filter.h): an `after` call of a lazy F1. */

/* Largest errno the kernel passes back from SECCOMP_RET_ERRNO (MAX_ERRNO). */
#define SB_ERRNO_MAX 4095

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

/* Syscalls F1 allows whatever the policy lists, because the mechanism needs
 * them: the launcher's execve runs under F1, and with a transition the
 * markers and `after` calls must reach the tracer and F2 must be injected. */
static bool f1_mechanism(const struct sb_policy *p, int nr)
{
	if (is_syscall(nr, "execve"))
		return true;
	if (!p->has_transition)
		return false;
	return sb_bit_test(p->tr.marker_set, nr) || sb_bit_test(p->tr.after_set, nr) ||
	       is_syscall(nr, "seccomp");
}

/* F1 holds for the whole life of the program, F2 only stacks on it after the
 * transition. So F1 answers what init's policy says, loosened to serving's
 * answer where serving is less strict: otherwise F1 would overrule F2 after
 * the transition (F1 = init ∪ serving). With equal strictness init's answer
 * is kept: after the transition F2, evaluated first, gives its own errno. */
static struct sb_action f1_action(const struct sb_policy *p, int nr)
{
	const struct sb_action *init = &p->phase[SB_PHASE_INIT][nr].act;
	const struct sb_action *serv = &p->phase[SB_PHASE_SERVING][nr].act;
	struct sb_action a = init->kind != SB_ACT_NONE ? *init : p->def;

	if (f1_mechanism(p, nr))
		return sb_allow;
	if (p->has_transition && serv->kind != SB_ACT_NONE && strictness(serv) < strictness(&a))
		a = *serv;
	return a;
}

static struct sb_action f2_action(const struct sb_policy *p, int nr)
{
	const struct sb_action *serv = &p->phase[SB_PHASE_SERVING][nr].act;
	return serv->kind != SB_ACT_NONE ? *serv : p->def;
}

struct sb_action sb_filter_action(const struct sb_policy *p, enum sb_filter_kind kind, int nr)
{
	const struct sb_action none = {.kind = SB_ACT_NONE, .errnum = 0};
	const struct sb_action kill = {.kind = SB_ACT_KILL, .errnum = 0};

	if (kind == SB_FILTER_PROFILE)
		return none; /* no policy decision: everything is traced */
	if (nr < 0 || nr >= SB_NR_MAX)
		/* x32 numbers meet the bad-arch action, the rest no rule. */
		return (nr >= 0 && (nr & 0x40000000)) ? kill : p->def;
	if (is_named(nr, sb_base_set))
		return sb_allow;
	return kind == SB_FILTER_F1 ? f1_action(p, nr) : f2_action(p, nr);
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
 * still does what F2 says, never ENOSYS. (LOG and ALLOW rank below TRACE.) */
static bool lazy_safe(const struct sb_policy *p, int nr)
{
	enum sb_act_kind k = sb_filter_action(p, SB_FILTER_F2, nr).kind;

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

uint32_t sb_filter_scmp_action(const struct sb_policy *p, enum sb_filter_kind kind, enum sb_mode mode, int nr)
{
	struct sb_action a = sb_filter_action(p, kind, nr);

	if (kind == SB_FILTER_PROFILE)
		return SCMP_ACT_TRACE(SB_TRACE_PROFILE);
	if (kind == SB_FILTER_F1 && mode == SB_MODE_ENFORCE && sb_bit_test(p->tr.after_set, nr) &&
	    sb_filter_lazy(p))
		return SCMP_ACT_TRACE(SB_TRACE_AFTER);
	return to_scmp(&a, mode, kind == SB_FILTER_F1 ? SB_TRACE_F1 : SB_TRACE_F2);
}

static uint32_t default_scmp(const struct sb_policy *p, enum sb_filter_kind kind, enum sb_mode mode)
{
	if (kind == SB_FILTER_PROFILE)
		return SCMP_ACT_TRACE(SB_TRACE_PROFILE);
	return to_scmp(&p->def, mode, kind == SB_FILTER_F1 ? SB_TRACE_F1 : SB_TRACE_F2);
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

/* One rule per native number whose answer is not the default. Only the
 * native arch is in the context, so i386 and x32 meet the bad-arch action
 * (libseccomp sends nr >= 0x40000000 with AUDIT_ARCH_X86_64 there too). */
static int add_rules(scmp_filter_ctx ctx, const struct sb_policy *p, enum sb_filter_kind kind,
                     enum sb_mode mode, uint32_t def)
{
	for (int nr = 0; nr < SB_NR_MAX; nr++) {
		uint32_t act = sb_filter_scmp_action(p, kind, mode, nr);
		if (act == def)
			continue;
		int rc = seccomp_rule_add(ctx, act, nr, 0);
		if (rc < 0)
			return scmp_rc(rc);
	}
	return 0;
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
