/* sandbox-profile: learn a program's init and serving syscall sets.
 *
 * Invariants: everything that can refuse the run's result (the policy's
 * content, the output, a merge) is checked before the program starts, so a
 * run is never lost to them; with --merge, what is written is this run merged
 * into the file as it is at save time, under a lock, so concurrent profilers
 * merging into one file lose no run.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "attach.h"
#include "cli.h"
#include "ebpf/ebpf.h"
#include "exec.h"
#include "caps.h"
#include "exitcodes.h"
#include "forward.h"
#include "output.h"
#include "profile.h"
#include "spawn.h"
#include "msg.h"
#include "util.h"

static char *default_output(const char *program)
{
	char *copy = strdup(program), *out = NULL;

	if (copy && asprintf(&out, "%s.ini", basename(copy)) < 0)
		out = NULL;
	free(copy);
	if (!out)
		sb_die("out of memory");
	return out;
}

/* The policy to merge into, or NULL if there is none yet; a malformed one
 * is refused with file:line and left untouched. */
static struct sb_policy *load_existing(const char *path)
{
	struct sb_policy *old = NULL;
	struct sb_error err = {0};
	int r = sb_policy_read(path, &old, &err);

	if (r == -ENOENT)
		return NULL;
	if (r < 0 && err.line)
		sb_die("%s:%d: %s", err.file, err.line, err.msg);
	if (r < 0)
		sb_die("%s: %s", path, err.msg[0] ? err.msg : strerror(-r));
	return old;
}

/* `program` is the name the user gave, as a packaged policy would say it
 * (redis-server, not /usr/bin/redis-check-rdb). */
static void describe_run(struct sb_policy *p, const struct profile_opts *o)
{
	const char *path = o->argv[0];
	char bad[64];
	size_t used;
	char *c = p->comments[p->ncomments++];

	if (strlen(path) >= sizeof(p->program))
		sb_die("program path too long for a policy: %s", path);
	memcpy(p->program, path, strlen(path) + 1);
	p->def = o->def;
	if (o->capabilities && sb_caps_parse(o->capabilities, &p->caps, bad, sizeof(bad)) < 0)
		sb_die("--capabilities: unknown capability '%s'", bad);
	if (o->attach_pid)
		used = (size_t)snprintf(c, SB_COMMENT_LEN, "attached to pid %d:", o->attach_pid);
	else
		used = (size_t)snprintf(c, SB_COMMENT_LEN, "profiled:");
	for (char **a = o->argv; *a && used < SB_COMMENT_LEN; a++) {
		/* quoted as a shell would need it, so the line can be rerun */
		bool plain = **a && strspn(*a, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		                               "0123456789-_=./:,+@%") == strlen(*a);
		used += (size_t)snprintf(c + used, SB_COMMENT_LEN - used, plain ? " %s" : " '%s'", *a);
	}
}

static struct sb_policy *copy_policy(const struct sb_policy *p)
{
	struct sb_policy *c = sb_policy_new();

	if (!c)
		sb_die("out of memory");
	*c = *p;
	return c;
}

/* The policy save() writes: this run alone, or merged into `old`. An auto
 * run in which no process reached a transition was all init: merged into a
 * two-phase policy, its calls go to [init] under that policy's rule
 * (sandbox-run would have kept such a run under F1 throughout). NULL, with
 * the reason in err, if the merge is refused. */
static struct sb_policy *result(const struct sb_policy *run, const struct sb_policy *old, bool auto_mode,
                                struct sb_error *err)
{
	sb_autofree struct sb_policy *new = copy_policy(run);
	struct sb_policy *dst;

	if (!old)
		return sb_steal_pointer(&new);
	dst = copy_policy(old);
	if (auto_mode && old->has_transition && !new->has_transition) {
		new->has_transition = true;
		new->tr = old->tr;
	}
	if (sb_policy_merge(dst, new, err) < 0) {
		free(dst);
		return NULL;
	}
	/* provenance: the binary profiled now, which the policy will run */
	memcpy(dst->binary_sha256, new->binary_sha256, sizeof(dst->binary_sha256));
	memcpy(dst->binary_path, new->binary_path, sizeof(dst->binary_path));
	return dst;
}

/* Before the program runs: the policy as it will be written (merged, with
 * this run's program, comments, capabilities and rule) is one the writer
 * takes, and the output can receive it. `old` is the file read now: at save
 * time the file is read again. */
static void check_output(const struct sb_policy *run, const struct sb_policy *old, const char *out,
                         bool auto_mode)
{
	struct sb_error err = {0};
	char msg[768];
	sb_autofree struct sb_policy *p = result(run, old, auto_mode, &err);

	if (!p)
		sb_die("cannot merge a run into %s: %s; nothing was run", out, err.msg);
	if (sb_output_check(p, out, msg, sizeof(msg)) < 0)
		sb_die("%s; nothing was run", msg);
}

/* --merge: an exclusive flock on the target's directory, from the re-read
 * to the rename. Not on the file itself: the rename replaces that inode, so
 * a waiting profiler would lock a file no longer there; not on a lock file,
 * which would stay behind. Released when the fd closes, or we die. */
static int lock_target(const char *out)
{
	char dir[PATH_MAX];
	int fd;

	sb_output_dir(out, dir, sizeof(dir));
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || flock(fd, LOCK_EX) < 0)
		sb_die("cannot lock %s to merge into %s: %s (the file is unchanged)", dir, out,
		       strerror(errno));
	return fd;
}

/* Write this run, merged into the file as it is now when merging. */
static void save(const struct sb_policy *run, const struct profile_opts *o, const char *out)
{
	struct sb_error err = {0};
	int lock = o->merge ? lock_target(out) : -1;
	sb_autofree struct sb_policy *old = o->merge ? load_existing(out) : NULL;
	sb_autofree struct sb_policy *p = result(run, old, o->marker_mode == MARKER_AUTO, &err);
	int r;

	if (!p)
		sb_die("cannot merge this run into %s: %s (the file is unchanged)", out, err.msg);
	r = sb_policy_write(p, out);
	if (r < 0)
		sb_die("cannot write %s: %s (the previous file, if any, is unchanged)", out, strerror(-r));
	if (lock >= 0)
		close(lock);
}

/* As sandbox-run's: the same message and status for the same failure. */
static int start_failure(const char *prog, int r, int status)
{
	char msg[512];
	int code = sb_spawn_failure(msg, sizeof(msg), prog, r, status);

	sb_warn("%s", msg);
	return code;
}

static void warn_lost(const struct profiler *pr)
{
	if (pr->lost)
		sb_warn("%llu processes or threads were not tracked (the kernel's table was full, or it "
		        "could not allocate their records): the "
		        "policy written misses their calls",
		        (unsigned long long)pr->lost);
}

/* The backend of this run: the eBPF recorder loaded (returned), or NULL
 * for ptrace. Unless it is the default, one line says which and why. An
 * eBPF backend asked for by name that cannot load ends the run (125)
 * before the program starts. */
static struct sb_ebpf *choose_backend(const struct profiler *pr)
{
	const struct profile_opts *o = pr->opts;
	struct sb_ebpf *e = NULL;
	char why[512];
	int r;

	if (o->backend == BACKEND_DEFAULT)
		return NULL;
	if (o->backend == BACKEND_PTRACE) {
		if (!o->quiet)
			fprintf(stderr, "%s: backend: ptrace (--backend=ptrace)\n", sb_progname);
		return NULL;
	}
	r = sb_ebpf_open(&e, pr->nrules ? pr->rules : NULL, pr->nrules, why, sizeof(why));
	if (r < 0 && o->backend == BACKEND_EBPF)
		sb_die("--backend=ebpf: %s; nothing was run", why);
	if (!o->quiet && r < 0)
		fprintf(stderr, "%s: backend: ptrace (auto: the eBPF backend is unavailable: %s)\n",
		        sb_progname, why);
	else if (!o->quiet)
		fprintf(stderr, "%s: backend: ebpf (%s: the BPF recorder loaded and attached)\n", sb_progname,
		        o->backend == BACKEND_AUTO ? "auto" : "--backend=ebpf");
	return e;
}

/* Trace the program to its end; the policy is written unless it could not
 * be started. Returns the exit status. */
static int profile(struct profiler *pr, struct sb_ebpf *e, const char *path, const char *out)
{
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
	const struct profile_opts *o = pr->opts;
	int status = -1; /* no wait status: set only once the program is gone */
	int r = sb_forward_begin(sigs, SB_ARRAY_SIZE(sigs));

	if (r < 0)
		sb_die("cannot forward signals: %s", strerror(-r));
	r = e ? profiler_run_ebpf(pr, e, path, &status) : profiler_run(pr, path, &status);
	if (e ? r < 0 && status == -1 : !pr->trace) {
		sb_forward_end();
		sb_die("cannot trace %s: %s", path, strerror(-r));
	}
	warn_lost(pr);
	if (sb_spawn_failed_step(r, status) != SB_SPAWN_NONE)
		return start_failure(path, r, status);
	if (r < 0 && status != -1)
		r = 0; /* a signal ended the child at its execve: an empty run */
	if (r < 0)
		sb_warn("tracing failed: %s; writing what was seen", strerror(-r));
	save(pr->policy, o, out);
	if (!o->quiet)
		report_summary(pr, out, status);
	return r < 0 || pr->lost ? SB_EXIT_LAUNCHER : sb_exit_status(status);
}

/* --attach records [serving] under the rule that ends init: the one
 * --phase-marker names, or the merged policy's. */
static void attach_rule(struct profiler *pr, const struct sb_policy *old)
{
	if (pr->policy->has_transition)
		return;
	if (!old || !old->has_transition)
		sb_die("--attach records a [serving] set: name the rule with --phase-marker, or --merge "
		       "into a two-phase policy");
	pr->policy->has_transition = true;
	pr->policy->tr = old->tr;
}

/* Record the running process until a stop signal, --duration or its exit;
 * the policy is written unless nothing could be recorded. Returns 0, or
 * 125 if the recording failed or missed something. */
static int attach(struct profiler *pr, struct sb_ebpf *e, const char *out)
{
	const struct profile_opts *o = pr->opts;
	struct attach a;
	int r = attach_begin(&a, o->attach_pid, o->duration_s);

	if (r == 0 && e)
		r = profiler_attach_ebpf(pr, e, &a);
	else if (r == 0)
		r = profiler_attach_ptrace(pr, &a);
	attach_finish(&a);
	if (r == -EAGAIN && !pr->procs)
		sb_die("cannot record pid %d: it is stopped (SIGSTOP or the like); attach once it runs",
		       o->attach_pid);
	if (r < 0 && !pr->procs)
		sb_die("cannot record pid %d: %s; nothing was written", o->attach_pid, strerror(-r));
	if (r < 0)
		sb_warn("recording failed: %s; writing what was seen", strerror(-r));
	warn_lost(pr);
	save(pr->policy, o, out);
	if (!o->quiet)
		report_summary(pr, out, 0);
	return r < 0 || pr->lost ? SB_EXIT_LAUNCHER : 0;
}

int main(int argc, char **argv)
{
	struct profile_opts o;
	struct profiler pr = {.opts = &o};
	char err[256], path[4096] = "";
	int r;

	sb_progname = "sandbox-profile";
	sb_die_status = SB_EXIT_LAUNCHER;
	if (profile_parse_args(argc, argv, &o, err, sizeof(err)) < 0)
		sb_die("%s", err);
	if (o.help) {
		fputs(profile_usage, stdout);
		return 0;
	}
	if (o.version) {
		printf("sandbox-profile %s\n", SB_VERSION);
		return 0;
	}
	char **attached = NULL;
	if (o.attach_pid) {
		r = attach_argv(o.attach_pid, &attached);
		if (r < 0)
			sb_die("--attach: process %d: %s", o.attach_pid,
			       r == -ESRCH ? "no such process (or it has no command line)" : strerror(-r));
		o.argv = attached;
		/* the binary it runs, for the policy's binary key */
		char exe[64];
		snprintf(exe, sizeof(exe), "/proc/%d/exe", o.attach_pid);
		ssize_t n = readlink(exe, path, sizeof(path) - 1);
		path[n > 0 ? n : 0] = '\0';
	} else if ((r = sb_resolve_program(o.argv[0], path, sizeof(path))) < 0) {
		return start_failure(o.argv[0], r, 0);
	}
	sb_autofree char *default_out = o.output ? NULL : default_output(o.argv[0]);
	const char *out = o.output ? o.output : default_out;
	sb_autofree struct sb_policy *old = o.merge ? load_existing(out) : NULL;
	pr.policy = sb_policy_new();
	if (!pr.policy)
		sb_die("out of memory");
	describe_run(pr.policy, &o);
	if (old && !o.capabilities)
		pr.policy->caps = old->caps; /* profile as the merged policy runs */
	if (profiler_rules(&pr, err, sizeof(err)) < 0)
		sb_die("%s", err);
	if (o.attach_pid)
		attach_rule(&pr, old);
	check_output(pr.policy, old, out, o.marker_mode == MARKER_AUTO);
	struct sb_ebpf *e = choose_backend(&pr);
	if (o.attach_pid || !e)
		profiler_set_binary(&pr, path); /* ebpf: while the program runs (ebpf_run.c) */
	r = o.attach_pid ? attach(&pr, e, out) : profile(&pr, e, path, out);
	sb_ebpf_close(e);
	attach_argv_free(attached);
	sb_trace_free(pr.trace);
	profiler_free(&pr);
	free(pr.policy);
	return r;
}
