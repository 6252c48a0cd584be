/* ebpf_run.c - a profiling run with the eBPF backend (lib/ebpf/).
 *
 * Invariants: the child runs nothing of the program until its pid is in
 * the kernel's table (spawn.c's go byte comes after sb_ebpf_track_child),
 * so its first call is counted; the records are turned into the same
 * struct sb_proc copies, policy entries and argument records (pr->seen)
 * the ptrace run makes, so the report, the policy writer and the
 * conditions cannot tell the backends apart; the run
 * lasts until the whole tree is gone, as a ptrace run does.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>

#include "ebpf/ebpf.h"
#include "forward.h"
#include "profile.h"
#include "restart.h"
#include "spawn.h"
#include "util.h"

static int setup(void *ctx)
{
	return profiler_confine(ctx);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts); /* bpf_ktime_get_ns's clock */
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* The supervisor rule's record (restart.h) of a kernel record: its init
 * counts and arguments, as the ptrace run keeps them (profile.c). */
static struct sb_proc_init *init_record(const struct sb_ebpf_proc *rec)
{
	struct sb_proc_init *r = calloc(1, sizeof(*r));

	for (int nr = 0; r && nr < SB_EBPF_NR_MAX && nr < SB_NR_MAX; nr++)
		if (rec->counts[SB_PHASE_INIT][nr])
			sb_bit_set(r->calls, nr);
	for (int id = 0; r && id < SB_ARG_N; id++)
		sb_ebpf_arg_seen(rec, SB_PHASE_INIT, (enum sb_arg_id)id, &r->seen[id]);
	return r;
}

/* The record as the report's copy of a process (profile.c, keep_proc). */
static struct sb_proc *to_proc(const struct sb_ebpf_proc *rec, uint64_t t0)
{
	struct sb_proc *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->pid = (pid_t)rec->pid;
	p->ppid = (pid_t)rec->ppid;
	p->ph.phase = rec->phase == SB_PHASE_SERVING ? SB_PHASE_SERVING : SB_PHASE_INIT;
	p->ph.armed = rec->armed;
	p->ph.rule = rec->rule;
	p->transition_nr = rec->transition_nr;
	p->transition_tid = (pid_t)rec->transition_tid;
	if (rec->transition_nr >= 0 && rec->transition_ns >= t0)
		p->transition_ms = (double)(rec->transition_ns - t0) / 1e6;
	p->exited = rec->exited;
	p->exit_status = rec->exit_status;
	p->threads_seen = (int)rec->threads_seen;
	p->execs = (int)rec->execs;
	p->program_started = rec->started;
	_Static_assert(sizeof(p->exe) == sizeof(rec->exe), "exe size");
	memcpy(p->exe, rec->exe, sizeof(p->exe));
	p->exe[sizeof(p->exe) - 1] = '\0';
	p->transition_now = false;
	p->user = init_record(rec); /* NULL: not a worker (restart.c) */
	return p;
}

static void add_counts(struct profiler *pr, const struct sb_ebpf_proc *rec)
{
	for (int ph = 0; ph < SB_NPHASES && ph < SB_EBPF_PHASES; ph++)
		for (int nr = 0; nr < SB_EBPF_NR_MAX && nr < SB_NR_MAX; nr++)
			if (rec->counts[ph][nr]) {
				sb_policy_add(pr->policy, (enum sb_phase)ph, nr, rec->counts[ph][nr]);
				pr->calls[ph] += rec->counts[ph][nr];
			}
	pr->foreign += rec->foreign;
	for (int ph = 0; ph < SB_NPHASES && ph < SB_EBPF_PHASES && pr->opts->args != SB_ARGS_OFF; ph++)
		for (int id = 0; id < SB_ARG_N; id++)
			sb_ebpf_arg_seen(rec, ph, (enum sb_arg_id)id, &pr->seen[ph][id]);
}

/* The processes that made their own transition, in the order they made it:
 * with auto, the first fixes the rule (profile.c, record_auto). */
static void note_transitions(struct profiler *pr)
{
	const struct sb_proc *last = NULL;

	for (;;) {
		struct sb_proc *next = NULL;
		for (struct sb_proc *p = pr->procs; p; p = p->next) {
			if (p->transition_nr < 0 || p->ph.phase != SB_PHASE_SERVING)
				continue;
			bool after_last = !last || p->transition_ms > last->transition_ms ||
			                  (p->transition_ms == last->transition_ms && p->pid > last->pid);
			bool before_next = !next || p->transition_ms < next->transition_ms ||
			                   (p->transition_ms == next->transition_ms && p->pid < next->pid);
			if (after_last && before_next)
				next = p;
		}
		if (!next)
			return;
		profiler_transitioned(pr, next);
		last = next;
	}
}

int profiler_ebpf_collect(struct profiler *pr, struct sb_ebpf *e, uint64_t t0)
{
	struct sb_ebpf_proc *rec = malloc(sizeof(*rec));
	int n = sb_ebpf_nprocs(e), r = 0;

	if (!rec)
		return -ENOMEM;
	pr->in_kernel = true;
	pr->tail = &pr->procs;
	for (int i = 0; i < n && r == 0; i++) {
		if ((r = sb_ebpf_read(e, i, rec)) == -ENOENT) {
			r = 0; /* its record could not be allocated: a loss, counted */
			continue;
		}
		if (r < 0)
			break;
		struct sb_proc *p = to_proc(rec, t0);
		if (!p) {
			r = -ENOMEM;
			break;
		}
		*pr->tail = p;
		pr->tail = &p->next;
		add_counts(pr, rec);
	}
	free(rec);
	note_transitions(pr);
	pr->lost = sb_ebpf_lost(e);
	return r;
}

/* The oldest process of the tree still running, or 0: where signals go once
 * the root is gone (trace.c's successor). */
static pid_t successor(struct sb_ebpf *e, pid_t gone)
{
	struct sb_ebpf_proc *rec = malloc(sizeof(*rec));
	int n = sb_ebpf_nprocs(e);
	pid_t pid = 0;

	for (int i = 0; rec && i < n && !pid; i++)
		if (sb_ebpf_read(e, i, rec) == 0 && !rec->exited && (pid_t)rec->pid != gone)
			pid = (pid_t)rec->pid;
	free(rec);
	return pid;
}

/* As the ptrace backend, the run lasts until the whole tree is gone, not
 * just the root: we are the tree's subreaper, so an orphan (a daemon whose
 * parent exited) is our child and waitpid sees it end. The root's status
 * goes in *status. */
static int wait_tree(struct sb_ebpf *e, pid_t root, int *status)
{
	pid_t target = root;
	int st;

	for (;;) {
		pid_t pid = waitpid(-1, &st, 0);
		if (pid < 0 && errno == EINTR)
			continue;
		if (pid < 0)
			return errno == ECHILD ? 0 : -errno;
		if (pid == root)
			*status = st;
		if (pid == target) {
			target = successor(e, pid);
			sb_forward_target(target);
		}
	}
}

int profiler_run_ebpf(struct profiler *pr, struct sb_ebpf *e, const char *path, int *status)
{
	struct sb_spawn sp;
	uint64_t t0 = now_ns();
	int r;

	pr->in_kernel = true;
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
		return -errno;
	r = sb_spawn_start(&sp, path, pr->opts->argv, setup, pr);

	if (r < 0)
		return r;
	if ((r = sb_ebpf_track_child(e, sp.pid)) < 0 || (r = sb_spawn_go(&sp)) < 0) {
		sb_spawn_abort(&sp);
		return r;
	}
	sb_forward_target(sp.pid);
	profiler_set_binary(pr, path); /* the parent is idle meanwhile: it costs no wall time */
	r = wait_tree(e, sp.pid, status);
	sb_forward_target(0);
	int err = sb_spawn_read_error(sp.err_fd);
	sb_spawn_close(&sp);
	if (r == 0)
		r = profiler_ebpf_collect(pr, e, t0);
	profiler_generalize(pr);
	return err < 0 ? err : r;
}
