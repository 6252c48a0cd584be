/* export.c - sandbox-policy export (export.h).
 *
 * Invariant: the exported action of every native call is
 * sb_filter_action(union, F1, nr), plus, for OCI, allow for the calls of
 * runc's init (one table, below). A call libseccomp cannot name
 * ("syscall_N") cannot be written in any of these formats: it is left out,
 * which leaves it to the default (never looser than the policy).
 */
#include "export.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

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

/* What the export does for each native call: act[nr]; SB_ACT_NONE for a
 * call no format can name (left to the default). */
struct exported {
	struct sb_action def;
	struct sb_action act[SB_NR_MAX];
	int unnamed; /* calls the union allows that libseccomp cannot name */
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

static void fill(struct exported *x, const struct sb_policy *u, bool runc)
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
	for (int i = 0; runc && sb_runc_init_calls[i].name; i++) {
		int nr = sb_syscall_nr(sb_runc_init_calls[i].name);
		if (nr >= 0)
			x->act[nr] = (struct sb_action){.kind = SB_ACT_ALLOW};
	}
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
		if (same(&x->act[nr], &x->def) || !same(&x->act[nr], a))
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

static void export_oci(FILE *f, const struct exported *x, const char *source)
{
	static const enum sb_act_kind kinds[] = {SB_ACT_ALLOW, SB_ACT_LOG, SB_ACT_KILL};
	bool first = true, seen[4096] = {false};
	char note[512];

	snprintf(note, sizeof(note),
	         "sandbox-policy export --format=oci of %s: OCI has no phases, this is the union of init and "
	         "serving, plus the calls runc's init makes after installing it; %d unnamed call(s) left out",
	         source, x->unnamed);
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
	fprintf(f, "\n  ]\n}\n");
}

/* ---- systemd and minijail ------------------------------------------------ */

/* Formats that know allow and one default: refuse any other line. */
static int allow_only(const struct exported *x, const char *format, struct sb_error *err)
{
	char name[SB_NAME_LEN], act[64];

	for (int nr = 0; nr < SB_NR_MAX; nr++) {
		const struct sb_action *a = &x->act[nr];
		if (a->kind == SB_ACT_ALLOW || same(a, &x->def))
			continue;
		if (a->kind == SB_ACT_KILL && format[0] == 'm')
			continue; /* minijail: absent means kill */
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

static int export_systemd(FILE *f, const struct exported *x, const char *source, struct sb_error *err)
{
	char name[SB_NAME_LEN];
	int r;

	if (x->def.kind == SB_ACT_LOG)
		return refuse(err,
		              "systemd: cannot allow and log the calls a policy does not list (default log)");
	if ((r = allow_only(x, "systemd", err)) < 0)
		return r;
	comment_union(f, "systemd", source, x);
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

static int export_minijail(FILE *f, const struct exported *x, const char *source, struct sb_error *err)
{
	char name[SB_NAME_LEN];
	int r;

	if (x->def.kind != SB_ACT_KILL)
		return refuse(err,
		              "minijail: a policy file cannot set the default action (policy has not kill)");
	if ((r = allow_only(x, "minijail", err)) < 0)
		return r;
	comment_union(f, "minijail", source, x);
	fprintf(f, "# Calls not listed kill the process (minijail0 -S FILE).\n");
	for (int nr = 0; nr < SB_NR_MAX; nr++)
		if (x->act[nr].kind == SB_ACT_ALLOW)
			fprintf(f, "%s: 1\n", sb_syscall_name(nr, name, sizeof(name)));
	return 0;
}

int sb_policy_export(FILE *f, const struct sb_policy *p, enum sb_export_format fmt,
                     const struct sb_export_opts *o, struct sb_error *err)
{
	struct sb_policy *u = NULL;
	struct exported *x = NULL;
	int r = sb_policy_union(p, NULL, &u, err);

	if (r == 0 && (x = malloc(sizeof(*x))) == NULL)
		r = -ENOMEM;
	if (r == 0) {
		fill(x, u, fmt == SB_EXPORT_OCI);
		if (fmt == SB_EXPORT_OCI)
			export_oci(f, x, o->source);
		else if (fmt == SB_EXPORT_SYSTEMD && o->exec_start)
			export_dropin(f, o);
		else if (fmt == SB_EXPORT_SYSTEMD)
			r = export_systemd(f, x, o->source, err);
		else
			r = export_minijail(f, x, o->source, err);
	}
	free(x);
	free(u);
	if (r == 0 && (fflush(f) != 0 || ferror(f)))
		r = -EIO;
	return r;
}
