/* report.c - the summary printed on stderr when the program ends.
 *
 * Everything here describes this run (pr->policy), never the merged file:
 * the warnings name what this run learned.
 */
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "baseline.h"
#include "danger.h"
#include "profile.h"
#include "msg.h"
#include "util.h"

static void print_status(FILE *f, const struct sb_proc *p)
{
	int st = p->exit_status;

	if (!p->exited)
		fputs("detached", f);
	else if (WIFEXITED(st))
		fprintf(f, "exit %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		fprintf(f, "killed by %s", strsignal(WTERMSIG(st)));
}

static void print_proc(const struct sb_proc *p, int depth)
{
	char name[64];

	fprintf(stderr, "  %*s%d %s: %d thread%s, %d exec%s, ", depth * 2, "", p->pid,
	        p->exe[0] ? p->exe : "?", p->threads_seen, p->threads_seen == 1 ? "" : "s", p->execs,
	        p->execs == 1 ? "" : "s");
	if (p->transition_nr >= 0 && p->ph.phase == SB_PHASE_SERVING)
		fprintf(stderr, "serving from %.1f ms (%s by tid %d), ", p->transition_ms,
		        sb_syscall_name(p->transition_nr, name, sizeof(name)), p->transition_tid);
	else
		fprintf(stderr, "%s, ", sb_phase_name(p->ph.phase));
	print_status(stderr, p);
	fputc('\n', stderr);
}

/* Children after their parent, indented; O(n^2) over processes is fine for
 * a report printed once. */
static void print_tree(const struct sb_proc *all, const struct sb_proc *p, int depth)
{
	print_proc(p, depth);
	for (const struct sb_proc *c = all; c; c = c->next)
		if (c != p && c->ppid == p->pid && c != all)
			print_tree(all, c, depth + 1);
}

static void print_transition(const struct profiler *pr, const struct sb_proc *procs)
{
	char name[64];

	for (const struct sb_proc *p = procs; p; p = p->next) {
		if (p->transition_nr < 0 || p->ph.phase != SB_PHASE_SERVING)
			continue;
		fprintf(stderr, "%s: transition: %s by pid %d tid %d at %.1f ms ", sb_progname,
		        sb_syscall_name(p->transition_nr, name, sizeof(name)), p->pid, p->transition_tid,
		        p->transition_ms);
		if (pr->in_kernel)
			fputs("(in kernel, at the marker call: no settle step)\n", stderr);
		else
			fprintf(stderr, "(settled in %.2f ms)\n", p->settle_ms);
	}
	if (pr->policy->has_transition && !pr->transitions && !pr->opts->attach_pid)
		fprintf(stderr, "%s: warning: no process reached the phase marker: [serving] is empty\n",
		        sb_progname);
}

static bool listed(const struct sb_policy *p, enum sb_phase ph, const char *name)
{
	int nr = sb_syscall_nr(name);
	return nr >= 0 && p->phase[ph][nr].act.kind != SB_ACT_NONE;
}

/* "N (name, name)": how many dangerous calls phase ph allows, and which. */
static void print_allowed(const struct sb_policy *p, enum sb_phase ph)
{
	int nrs[SB_NR_MAX];
	char name[64];
	int n = sb_danger_allowed(p, ph, nrs, SB_NR_MAX);

	fprintf(stderr, "%s %d", sb_phase_name(ph), n);
	for (int i = 0; i < n; i++)
		fprintf(stderr, "%s%s", i ? ", " : " (", sb_syscall_name(nrs[i], name, sizeof(name)));
	fputs(n ? ")" : "", stderr);
}

/* How many dangerous calls each phase allows, and a warning for each one
 * learned in serving: after the transition nothing else stands between
 * the program and them. A ring made in init needs no io_uring_enter to
 * keep working (SQPOLL), so io_uring_setup in init gets its own warning
 * when serving has no io_uring_enter to name. */
static void print_danger(const struct sb_policy *p)
{
	static const char ring[] = "io_uring_setup in init but io_uring_enter not in serving: a ring set up "
	                           "in init outlives the transition, and its operations are not syscalls";
	int nrs[SB_NR_MAX];
	char name[64];
	int n = p->has_transition ? sb_danger_allowed(p, SB_PHASE_SERVING, nrs, SB_NR_MAX) : 0;

	fprintf(stderr, "%s: dangerous calls allowed: ", sb_progname);
	print_allowed(p, SB_PHASE_INIT);
	if (p->has_transition) {
		fputs(", ", stderr);
		print_allowed(p, SB_PHASE_SERVING);
	}
	fputs("; see sandbox-policy(5), DANGEROUS CALLS\n", stderr);
	for (int i = 0; i < n; i++)
		fprintf(stderr, "%s: warning: serving uses %s, a dangerous call: %s\n", sb_progname,
		        sb_syscall_name(nrs[i], name, sizeof(name)), sb_danger_reason(nrs[i]));
	if (p->has_transition && listed(p, SB_PHASE_INIT, "io_uring_setup") &&
	    !listed(p, SB_PHASE_SERVING, "io_uring_enter"))
		fprintf(stderr, "%s: warning: %s\n", sb_progname, ring);
}

static int from_families(const struct sb_policy *p, enum sb_phase ph)
{
	int n = 0;

	for (int nr = 0; nr < SB_NR_MAX; nr++)
		n += sb_policy_widened_by(p, ph, nr) != NULL;
	return n;
}

/* "init: N syscalls (C calls), F from families, B calls from the baseline"
 * for one phase: what the file lists, what generalization added to it, and
 * what the baseline allows beyond it. */
static void print_phase(const struct profiler *pr, enum sb_phase ph)
{
	const struct sb_policy *p = pr->policy;

	fprintf(stderr, "%s: %d syscalls (%lu calls), %d from families, %d calls from the baseline",
	        sb_phase_name(ph), sb_policy_count(p, ph), pr->calls[ph], from_families(p, ph),
	        sb_baseline_allowed(p, ph));
}

void report_summary(const struct profiler *pr, const char *out, int status)
{
	const struct sb_proc *procs = pr->procs;
	int nprocs = 0, nthreads = 0, nexecs = 0;

	for (const struct sb_proc *p = procs; p; p = p->next) {
		nprocs++;
		nthreads += p->threads_seen;
		nexecs += p->execs;
	}
	fprintf(stderr, "%s: ", sb_progname);
	print_phase(pr, SB_PHASE_INIT);
	if (pr->policy->has_transition) {
		fputs("; ", stderr);
		print_phase(pr, SB_PHASE_SERVING);
	}
	fputc('\n', stderr);
	print_danger(pr->policy);
	if (pr->supervisors && pr->opts->restart)
		fprintf(
		    stderr,
		    "%s: supervisor rule: %d supervisor%s started workers in init, so serving also allows "
		    "what they and their workers did in init, exec excepted: %d more call%s (lines "
		    "\"seen in init\")\n",
		    sb_progname, pr->supervisors, pr->supervisors == 1 ? "" : "s", pr->restart_calls,
		    pr->restart_calls == 1 ? "" : "s");
	else if (pr->supervisors)
		fprintf(stderr,
		        "%s: hint: %d supervisor%s started workers in init and then served; if %s them again "
		        "while serving (a reload, a worker that died), profile with --restart=on "
		        "(sandbox-policy(5), SUPERVISORS)\n",
		        sb_progname, pr->supervisors, pr->supervisors == 1 ? "" : "s",
		        pr->supervisors == 1 ? "it starts" : "they start");
	hints_report(pr);
	print_transition(pr, procs);
	fprintf(stderr, "%s: processes: %d, threads: %d, execs: %d\n", sb_progname, nprocs, nthreads, nexecs);
	if (pr->foreign)
		fprintf(stderr, "%s: warning: %lu foreign-ABI (i386/x32) syscalls seen; policies deny them\n",
		        sb_progname, pr->foreign);
	if (pr->opts->tree || !pr->opts->quiet) {
		fprintf(stderr, "%s: process tree:\n", sb_progname);
		if (procs)
			print_tree(procs, procs, 0);
	}
	if (out)
		fprintf(stderr, "%s: wrote %s\n", sb_progname, out);
}
