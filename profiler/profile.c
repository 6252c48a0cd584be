/* profile.c - the profiler's side of the engine: count syscalls per phase
 * and record the transition rule that fired; when the run ends, generalize
 * what was seen (the harmless baseline, families of equal power), never to
 * a dangerous call (sandbox-policy(5), BASELINE and FAMILIES). */
#include "profile.h"

#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "args.h"
#include "attach.h"
#include "caps.h"
#include "digest.h"
#include "filter.h"
#include "restart.h"
#include "forward.h"
#include "msg.h"
#include "util.h"

int profiler_rules(struct profiler *pr, char *err, size_t errlen)
{
	const struct profile_opts *o = pr->opts;
	const char *bad = NULL;

	pr->resolved_rule = -1;
	if (o->marker_mode == MARKER_AUTO) {
		pr->nrules = sb_phase_auto_rules(pr->rules);
		return 0;
	}
	if (o->marker_mode == MARKER_NONE)
		return 0;
	int r = sb_transition_set(&pr->rules[0], o->markers, o->marker_fd, o->marker_after, &bad);
	if (r < 0) {
		/* parse_args checked the lists already; this is a second guard */
		if (bad)
			snprintf(err, errlen, "unknown syscall or family '%s' in the phase marker", bad);
		else
			snprintf(err, errlen, "bad phase marker: %s",
			         r == -E2BIG ? "at most 16 names" : strerror(-r));
		return -1;
	}
	/* a thread's markers count once it (or its creator) made an `after`
	 * call: workers asleep since before it are not the transition */
	if (pr->rules[0].nafter)
		pr->rules[0].scope = SB_SCOPE_THREAD;
	pr->nrules = 1;
	pr->policy->has_transition = true;
	pr->policy->tr = pr->rules[0];
	return 0;
}

/* The value of the checked argument of sc (args.h) in *x and its id, or
 * -1. clone3's flags are the first field of its struct clone_args, in the
 * tracee's memory; the tracer may read it. Unreadable: nothing recorded,
 * and the policy then denies the namespace flags. */
static int checked_arg(const struct sb_thread *t, const struct sb_syscall *sc, uint64_t *x)
{
	int id = sb_arg_for_syscall(sc->nr);

	if (id >= 0) {
		*x = sc->args[sb_arg_def((enum sb_arg_id)id)->index];
		return id;
	}
	if (sc->nr != SYS_clone3)
		return -1;
	struct iovec local = {x, sizeof(*x)};
	struct iovec remote = {(void *)(uintptr_t)sc->args[0], sizeof(*x)};

	if (process_vm_readv(t->tid, &local, 1, &remote, 1, 0) != (ssize_t)sizeof(*x))
		return -1;
	return SB_ARG_CLONE_FLAGS;
}

/* The supervisor rule's record of t's process (restart.h), kept at the
 * report copy's `user`; NULL if its allocation failed. */
static struct sb_proc_init *init_record(const struct sb_thread *t)
{
	const struct sb_proc *copy = t->proc ? t->proc->user : NULL;

	return copy ? copy->user : NULL;
}

static void on_syscall(void *ctx, struct sb_thread *t, const struct sb_syscall *sc, enum sb_phase ph)
{
	struct profiler *pr = ctx;
	struct sb_proc_init *rec = ph == SB_PHASE_INIT ? init_record(t) : NULL;
	uint64_t x;
	int id;

	if (!sc->native)
		return; /* counted by the engine; every policy denies foreign ABIs */
	sb_policy_add(pr->policy, ph, sc->nr, 1);
	pr->calls[ph]++;
	if (rec)
		sb_bit_set(rec->calls, sc->nr);
	if (pr->opts->args == SB_ARGS_OFF || (id = checked_arg(t, sc, &x)) < 0)
		return;
	sb_arg_record((enum sb_arg_id)id, &pr->seen[ph][id], x);
	if (rec && pr->opts->restart) /* only the rule itself reads them; its hint needs the calls */
		sb_arg_record((enum sb_arg_id)id, &rec->seen[id], x);
}

/* Add a family (or syscall) to the rule's markers unless it is there. */
static void add_marker(struct sb_transition *tr, const char *name)
{
	for (int i = 0; i < tr->nmarkers; i++)
		if (!strcmp(tr->markers[i], name))
			return;
	if (tr->nmarkers >= SB_MAX_MARKERS || sb_family_expand(name, tr->marker_set) < 0)
		return;
	snprintf(tr->markers[tr->nmarkers++], SB_NAME_LEN, "%s", name);
}

/* auto: the first process to transition fixes the kind of rule; later ones
 * may add marker families of the same kind (a worker waiting in poll while
 * its parent uses epoll_wait). */
static void record_auto(struct profiler *pr, struct sb_proc *p)
{
	struct sb_transition r;
	struct sb_policy *pol = pr->policy;

	if (sb_phase_resolve_auto(p->ph.rule, p->transition_nr, &r) < 0)
		return;
	if (pr->resolved_rule < 0) {
		pr->resolved_rule = p->ph.rule;
		pol->has_transition = true;
		pol->tr = r;
		return;
	}
	if (pr->resolved_rule != p->ph.rule) {
		sb_warn("process %d transitioned by another auto rule (%s); the policy keeps the first",
		        p->pid, r.markers[0]);
		return;
	}
	for (int i = 0; i < r.nmarkers; i++)
		add_marker(&pol->tr, r.markers[i]);
}

void profiler_transitioned(struct profiler *pr, struct sb_proc *p)
{
	pr->transitions++;
	if (pr->opts->marker_mode == MARKER_AUTO)
		record_auto(pr, p);
}

static int on_transition(void *ctx, struct sb_trace *tr, struct sb_proc *p, struct sb_thread *t)
{
	profiler_transitioned(ctx, p);
	return 0;
}

/* Records of the engine die with their process; the report needs the
 * whole tree, so each process gets a copy here, in order of appearance,
 * refreshed when it ends. */
static void on_new_proc(void *ctx, struct sb_proc *p, struct sb_proc *parent)
{
	struct profiler *pr = ctx;
	struct sb_proc *copy = calloc(1, sizeof(*copy));

	if (!copy)
		return;                                      /* the report misses it; the policy does not */
	copy->user = calloc(1, sizeof(struct sb_proc_init)); /* NULL: not a worker */
	*pr->tail = copy;
	pr->tail = &copy->next;
	p->user = copy;
}

void profiler_keep_proc(const struct sb_proc *p)
{
	struct sb_proc *copy = p->user;

	if (!copy)
		return;
	struct sb_proc *next = copy->next;
	void *rec = copy->user;
	*copy = *p;
	copy->threads = NULL;
	copy->user = rec;
	copy->next = next;
}

static void on_proc_end(void *ctx, struct sb_proc *p)
{
	profiler_keep_proc(p);
}

static void on_syscall_exit(void *ctx, struct sb_thread *t, const struct sb_syscall *sc)
{
	hints_record(ctx, t, sc);
}

static const struct sb_trace_ops ops = {
    .syscall = on_syscall,
    .transition = on_transition,
    .new_proc = on_new_proc,
    .proc_end = on_proc_end,
    .syscall_exit = on_syscall_exit,
};

int profiler_confine(const struct profiler *pr)
{
	int r = sb_caps_drop(pr->policy->caps);

	if (r == 0 && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		r = -errno;
	return r;
}

/* In the child, the program is set up as sandbox-run will run it, so that
 * what is learned is what will be enforced (profiler_confine), then one
 * SECCOMP_RET_TRACE stop per syscall of every ABI. */
static int install_trace_filter(void *ctx)
{
	struct profiler *pr = ctx;
	scmp_filter_ctx f = NULL;
	int r = sb_filter_build(pr->policy, SB_FILTER_PROFILE, SB_MODE_ENFORCE, &f);

	if (r == 0)
		r = profiler_confine(pr);
	if (r == 0)
		r = seccomp_load(f);
	seccomp_release(f);
	return r;
}

/* The conditions of this run (sandbox-policy(5), ARGUMENTS). A phase that
 * made clone3 calls gets `clone = allow` too: its clone flags condition
 * makes clone3 fail with ENOSYS, and glibc then calls clone. */
static void profiler_conditions(struct profiler *pr)
{
	struct sb_policy *p = pr->policy;
	int clone = sb_arg_nr(SB_ARG_CLONE_FLAGS);

	for (int ph = 0; ph < SB_NPHASES; ph++) {
		for (int id = 0; id < SB_ARG_N; id++) {
			int nr = sb_arg_nr((enum sb_arg_id)id);
			struct sb_cond c =
			    sb_arg_generate((enum sb_arg_id)id, &pr->seen[ph][id], pr->opts->args);

			if (nr < 0 || c.kind == SB_COND_NONE)
				continue;
			if (nr == clone && p->phase[ph][nr].act.kind == SB_ACT_NONE)
				sb_policy_add(p, (enum sb_phase)ph, nr, 0);
			if (p->phase[ph][nr].act.kind == SB_ACT_ALLOW)
				p->cond[ph][id] = c;
		}
	}
}

/* What a new policy gets when its run ends: `baseline = harmless`, every
 * member of each equal-power family the run made a call of, and the
 * argument conditions. */
void profiler_generalize(struct profiler *pr)
{
	/* A merge into an existing policy keeps that policy's baseline: the
	 * counts this run saw are listed either way. */
	pr->policy->baseline = SB_BASELINE_HARMLESS;
	profiler_restart(pr);
	sb_policy_widen(pr->policy);
	profiler_conditions(pr);
}

int profiler_run(struct profiler *pr, const char *path, int *status)
{
	struct sb_trace_opts o = {
	    .mode = SB_TRACE_SECCOMP,
	    .rules = pr->nrules ? pr->rules : NULL,
	    .nrules = pr->nrules,
	    .settle_timeout_ms = pr->opts->settle_timeout_ms,
	    .child_setup = install_trace_filter,
	    .protect_tracer = true,
	    .exit_calls = hints_calls(pr),
	    .ops = &ops,
	    .ctx = pr,
	};
	pr->tail = &pr->procs;
	pr->trace = sb_trace_start(path, pr->opts->argv, &o);
	if (!pr->trace)
		return -errno;
	sb_forward_target(sb_trace_root_pid(pr->trace));
	int r = sb_trace_run(pr->trace, status);
	sb_forward_target(0);
	for (const struct sb_proc *p = sb_trace_procs(pr->trace); p; p = p->next)
		profiler_keep_proc(p); /* still traced after a fatal error */
	pr->foreign = sb_trace_foreign_calls(pr->trace);
	profiler_generalize(pr);
	return r;
}

/* --attach with ptrace: the stop signals and --duration's alarm set the
 * engine's stop flag. The handler re-arms a 1 s alarm: a signal that lands
 * between the engine's test of the flag and its waitpid ends that wait a
 * second later at most. */
static volatile int stop_flag;
static volatile int stop_signo;

static void on_stop_signal(int sig)
{
	if (!stop_flag)
		stop_signo = sig;
	stop_flag = 1;
	alarm(1);
}

static int catch_stop_signals(void)
{
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGALRM};
	struct sigaction sa = {.sa_handler = on_stop_signal}; /* no SA_RESTART: waitpid returns */
	sigset_t set;

	sigemptyset(&set);
	for (size_t i = 0; i < SB_ARRAY_SIZE(sigs); i++) {
		if (sigaction(sigs[i], &sa, NULL) < 0)
			return -errno;
		sigaddset(&set, sigs[i]);
	}
	return sigprocmask(SIG_UNBLOCK, &set, NULL) < 0 ? -errno : 0;
}

int profiler_attach_ptrace(struct profiler *pr, struct attach *a)
{
	struct sb_trace_opts o = {
	    .mode = SB_TRACE_SYSCALL,
	    .trace_serving = true,
	    .stop = &stop_flag,
	    .ops = &ops,
	    .ctx = pr,
	};
	int r = catch_stop_signals(), status = 0;

	if (r < 0)
		return r;
	pr->tail = &pr->procs;
	pr->trace = sb_trace_attach(a->pid, &o);
	if (!pr->trace)
		return -errno;
	if (!pr->opts->quiet)
		attach_say_start(a, "ptrace");
	if (a->duration_s)
		alarm((unsigned)a->duration_s);
	r = sb_trace_run(pr->trace, &status);
	alarm(0);
	for (const struct sb_proc *p = sb_trace_procs(pr->trace); p; p = p->next)
		profiler_keep_proc(p); /* left to the kernel's detach at our exit */
	pr->foreign = sb_trace_foreign_calls(pr->trace);
	a->signo = stop_signo;
	if (!pr->opts->quiet)
		attach_say(a, !stop_flag              ? ATTACH_EXITED
		              : stop_signo == SIGALRM ? ATTACH_DURATION
		                                      : ATTACH_SIGNAL);
	profiler_generalize(pr);
	return r;
}

void profiler_set_binary(struct profiler *pr, const char *path)
{
	int r = path[0] ? sb_policy_set_binary(pr->policy, path) : 0;

	if (r < 0)
		sb_warn("cannot read %s for its SHA-256 (%s): the policy has no binary key", path,
		        strerror(-r));
}

void profiler_free(struct profiler *pr)
{
	while (pr->procs) {
		struct sb_proc *p = pr->procs;
		pr->procs = p->next;
		free(p->user);
		free(p);
	}
}
