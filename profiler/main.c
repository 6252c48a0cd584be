/* sandbox-profile: learn a program's init and serving syscall sets. */
#include <errno.h>
#include <libgen.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "exec.h"
#include "caps.h"
#include "exitcodes.h"
#include "forward.h"
#include "profile.h"
#include "util.h"

static char *default_output(const char *program)
{
	char *copy = strdup(program), *out = NULL;

	if (copy && asprintf(&out, "%s.ini", basename(copy)) < 0)
		out = NULL;
	free(copy);
	if (!out)
		die("out of memory");
	return out;
}

/* Read the policy to merge into before anything runs: a malformed one is
 * refused with file:line and left untouched. */
static struct sb_policy *load_existing(const char *path)
{
	struct sb_policy *old = NULL;
	struct sb_error err = {0};
	int r = sb_policy_read(path, &old, &err);

	if (r == -ENOENT)
		return NULL;
	if (r < 0 && err.line)
		die("%s:%d: %s", err.file, err.line, err.msg);
	if (r < 0)
		die("%s: %s", path, err.msg[0] ? err.msg : strerror(-r));
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
		die("program path too long for a policy: %s", path);
	memcpy(p->program, path, strlen(path) + 1);
	p->def = o->def;
	if (o->capabilities && sb_caps_parse(o->capabilities, &p->caps, bad, sizeof(bad)) < 0)
		die("--capabilities: unknown capability '%s'", bad);
	used = (size_t)snprintf(c, SB_COMMENT_LEN, "profiled:");
	for (char **a = o->argv; *a && used < SB_COMMENT_LEN; a++) {
		/* quoted as a shell would need it, so the line can be rerun */
		bool plain = **a && strspn(*a, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		                               "0123456789-_=./:,+@%") == strlen(*a);
		used += (size_t)snprintf(c + used, SB_COMMENT_LEN - used, plain ? " %s" : " '%s'", *a);
	}
}

/* An auto run in which no process reached a transition was all init: merged
 * into a two-phase policy, its calls go to [init] under that policy's rule
 * (sandbox-run would have kept such a run under F1 throughout). */
static void save(struct sb_policy *new, struct sb_policy *old, const char *out, bool auto_mode)
{
	struct sb_error err = {0};
	struct sb_policy *p = new;
	int r;

	if (old && auto_mode && old->has_transition && !new->has_transition) {
		new->has_transition = true;
		new->tr = old->tr;
	}
	if (old) {
		if (sb_policy_merge(old, new, &err) < 0)
			die("cannot merge this run into %s: %s (the file is unchanged)", out, err.msg);
		p = old;
	}
	r = sb_policy_write(p, out);
	if (r < 0)
		die("cannot write %s: %s (the previous file, if any, is unchanged)", out, strerror(-r));
}

static int exec_failure(const char *prog, int r)
{
	warnx("cannot execute %s: %s", prog, strerror(-r));
	return r == -ENOENT                    ? SB_EXIT_NOT_FOUND
	       : r == -EACCES || r == -ENOEXEC ? SB_EXIT_CANNOT_EXEC
	                                       : SB_EXIT_LAUNCHER;
}

int main(int argc, char **argv)
{
	struct profile_opts o;
	struct profiler pr = {.opts = &o};
	char err[256], path[4096];
	int status = 0, r;

	sb_progname = "sandbox-profile";
	sb_die_status = SB_EXIT_LAUNCHER;
	if (profile_parse_args(argc, argv, &o, err, sizeof(err)) < 0)
		die("%s", err);
	if (o.help) {
		fputs(profile_usage, stdout);
		return 0;
	}
	if (o.version) {
		printf("sandbox-profile %s\n", SB_VERSION);
		return 0;
	}
	r = sb_resolve_program(o.argv[0], path, sizeof(path));
	if (r < 0)
		return exec_failure(o.argv[0], r);
	sb_autofree char *default_out = o.output ? NULL : default_output(o.argv[0]);
	const char *out = o.output ? o.output : default_out;
	struct sb_policy *old = o.merge ? load_existing(out) : NULL;
	pr.policy = sb_policy_new();
	if (!pr.policy)
		die("out of memory");
	describe_run(pr.policy, &o);
	if (old && !o.capabilities)
		pr.policy->caps = old->caps; /* profile as the merged policy runs */
	if (profiler_rules(&pr, err, sizeof(err)) < 0)
		die("%s", err);
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
	sb_forward_signals(sigs, SB_ARRAY_SIZE(sigs));
	r = profiler_run(&pr, path, &status);
	if (!pr.trace)
		die("cannot trace %s: %s", path, strerror(-r));
	if (r == -ENOENT || r == -EACCES || r == -ENOEXEC)
		return exec_failure(path, r);
	if (r < 0)
		warnx("tracing failed: %s; writing what was seen", strerror(-r));
	save(pr.policy, old, out, o.marker_mode == MARKER_AUTO);
	if (!o.quiet)
		report_summary(&pr, out, status);
	sb_trace_free(pr.trace);
	profiler_free(&pr);
	free(pr.policy);
	free(old);
	return r < 0 ? SB_EXIT_LAUNCHER : sb_exit_status(status);
}
