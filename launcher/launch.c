/* launch.c - the launch sequence of sandbox-run (DESIGN.md section 5).
 *
 * One linear function, as minijail's minijail_enter: each step says which
 * invariant holds after it. Everything that can fail because of the policy
 * fails before anything runs.
 */
#include "launch.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "caps.h"
#include "exec.h"
#include "exitcodes.h"
#include "forward.h"
#include "output.h"
#include "spawn.h"
#include "msg.h"
#include "util.h"

static const int forwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH};

/* Runs in the child, after the tracer attached (two-phase) and before
 * execve. Order matters: F1 comes last because it may forbid the calls that
 * drop privileges ("seccomp has to come last", minijail). */
int launcher_confine(void *ctx)
{
	struct launcher *L = ctx;
	int r;

	/* Only `capabilities =` remain, in every set; the bounding set keeps
	 * execve from granting any other. */
	if ((r = sb_caps_drop(L->policy->caps)) < 0)
		return r;
	/* execve can no longer grant privileges (setuid bits, file caps); it
	 * also lets us load a filter without CAP_SYS_ADMIN, just dropped. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;
	/* Signals to itself, by the pid it has now and keeps across execve. */
	if ((r = sb_filter_add_self(L->f1, L->policy, SB_FILTER_F1, getpid())) < 0)
		return r;
	/* From here every syscall, execve included, is checked by F1. */
	return seccomp_load(L->f1);
}

static void policy_error(const struct sb_error *e, const char *path, int r)
{
	if (e->line)
		sb_die("%s:%d: %s", e->file, e->line, e->msg);
	sb_die("%s: %s", path, e->msg[0] ? e->msg : strerror(-r));
}

/* Read the policy and build both filters: a policy that cannot become a
 * filter is as bad as one that does not parse. */
static void load_policy(struct launcher *L)
{
	struct sb_error err = {0};
	struct sock_fprog prog = {0};
	int r = sb_policy_read(L->o->policy, &L->policy, &err);

	if (r < 0)
		policy_error(&err, L->o->policy, r);
	if ((r = sb_filter_build(L->policy, SB_FILTER_F1, L->o->mode, &L->f1)) < 0)
		sb_die("%s: cannot build the init filter: %s", L->o->policy, strerror(-r));
	if (!L->policy->has_transition)
		return;
	/* made here only so that a policy whose F2 cannot be made never runs
	 * the program; each process gets its own at its transition
	 * (supervise.c, inject_f2: with its own pid) */
	r = sb_filter_prog_self(L->policy, SB_FILTER_F2, L->o->mode, getpid(), &prog);
	free(prog.filter);
	if (r < 0)
		sb_die("%s: cannot build the serving filter: %s", L->o->policy, strerror(-r));
}

/* The program could not be started: the same message and status in every
 * mode, and in sandbox-profile (one spawn path, one exit map). */
static int start_failure(const char *prog, int r, int status)
{
	char msg[512];
	int code = sb_spawn_failure(msg, sizeof(msg), prog, r, status);

	sb_warn("%s", msg);
	return code;
}

/* Wait for the child without reaping it first: while it is a zombie its pid
 * cannot be reused, so a signal forwarded meanwhile reaches it or nothing. */
static int wait_child(pid_t pid, int *status)
{
	siginfo_t si;

	while (waitid(P_PID, pid, &si, WEXITED | WNOWAIT) < 0)
		if (errno != EINTR)
			return -errno;
	sb_forward_target(0);
	while (waitpid(pid, status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return 0;
}

/* Single phase, enforce: F1 and execve, no tracer at all; the child is
 * started as the traced ones are (spawn.c). Returns as sb_trace_run. */
static int run_untraced(struct launcher *L, int *status)
{
	struct sb_spawn sp;
	int r = sb_spawn_start(&sp, L->path, L->o->argv, launcher_confine, L);

	if (r < 0) {
		sb_forward_end();
		sb_die("cannot start %s: %s", L->path, strerror(-r));
	}
	L->root = sp.pid;
	sb_forward_target(L->root); /* held signals go to the child now */
	r = sb_spawn_go(&sp);
	if (r == 0)
		r = wait_child(L->root, status);
	if (r == 0)
		r = sb_spawn_read_error(sp.err_fd);
	sb_spawn_close(&sp);
	return r;
}

struct sb_trace_opts launcher_trace_opts(struct launcher *L)
{
	bool enforce = L->o->mode == SB_MODE_ENFORCE;
	struct sb_trace_opts t = {
	    /* complain with a single phase has no transition: seccomp stops
	     * (the violations) are all it needs */
	    .mode = L->policy->has_transition ? SB_TRACE_SYSCALL : SB_TRACE_SECCOMP,
	    .rules = L->policy->has_transition ? &L->policy->tr : NULL,
	    .nrules = L->policy->has_transition ? 1 : 0,
	    .settle_timeout_ms = L->o->settle_timeout_ms,
	    .detach_serving = enforce,
	    .lazy_until_armed = enforce && sb_filter_lazy(L->policy),
	    .protect_tracer = true,
	    .child_setup = launcher_confine,
	    .ops = &launcher_ops,
	    .ctx = L,
	};
	return t;
}

/* Two phases, or complain mode: traced from before the first instruction. */
static int run_traced(struct launcher *L, int *status)
{
	struct sb_trace_opts t = launcher_trace_opts(L);

	L->trace = sb_trace_start(L->path, L->o->argv, &t);
	if (!L->trace) {
		int e = errno;
		sb_forward_end();
		sb_die("cannot trace %s: %s (is sandbox-run itself traced?)", L->path, strerror(e));
	}
	L->root = sb_trace_root_pid(L->trace);
	sb_forward_target(L->root);
	int r = sb_trace_run(L->trace, status);
	if (L->o->verbose)
		sb_warn("%lu ptrace stops, %d transition%s", sb_trace_stops(L->trace), L->transitions,
		        L->transitions == 1 ? "" : "s");
	return r;
}

static int write_learned(const struct launcher *L)
{
	int r = sb_policy_write(L->learned, L->o->learn);

	if (r < 0)
		sb_warn("cannot write %s: %s", L->o->learn, strerror(-r));
	else if (!L->o->quiet)
		sb_warn("wrote %s", L->o->learn);
	return r;
}

/* --learn: the policy plus what was missing goes to a file once the program
 * ended. Found unwritable then, the whole run would be lost: check now, with
 * the policy as it will be written (the learned lines only add syscalls). */
static void prepare_learned(struct launcher *L)
{
	char msg[512];

	if (!L->o->learn)
		return;
	if (!(L->learned = sb_policy_new()))
		sb_die("out of memory");
	*L->learned = *L->policy;
	if (sb_output_check(L->learned, L->o->learn, msg, sizeof(msg)) < 0)
		sb_die("--learn: %s; nothing was run", msg);
}

void launcher_free(struct launcher *L)
{
	watch_end(L);
	sb_trace_free(L->trace);
	seccomp_release(L->f1);
	free(L->policy);
	free(L->learned);
}

int launch(struct launcher *L)
{
	int status = 0, r;

	/* 1. The policy parses and both filters build; else exit 125 and
	 *    nothing was started. */
	load_policy(L);
	if (L->o->check)
		return launcher_check(L);
	/* 2. The program exists and may be executed (127 / 126 otherwise), and
	 *    the --learn output can be written (125 otherwise). */
	if ((r = sb_resolve_program(L->o->argv[0], L->path, sizeof(L->path))) < 0)
		return start_failure(L->o->argv[0], r, 0);
	launcher_check_binary(L); /* 125 with --strict-binary if not the one learned on */
	prepare_learned(L);
	bool traced = L->policy->has_transition || L->o->mode == SB_MODE_COMPLAIN;
	/* 3. In place (the default): we become the program, with our pid; a
	 *    keeper traces it or watches it (inplace.c). --learn forks: its file
	 *    is written before we exit. Never returns. */
	if (!L->o->fork && !L->o->learn)
		launch_inplace(L, traced);
	/* 4. --fork: signals sent to us from now on are held (blocked) until
	 *    the child can take them, then forwarded: none is lost. */
	if ((r = sb_forward_begin(forwarded, SB_ARRAY_SIZE(forwarded))) < 0)
		sb_die("cannot forward signals: %s", strerror(-r));
	/* 5. The child (spawn.c) restores our signal state, drops capabilities,
	 *    sets no_new_privs and loads F1 before execve (launcher_confine).
	 *    Two-phase policies and complain mode: the tracer is attached before
	 *    that (handshake), is killed with us (PTRACE_O_EXITKILL), injects F2
	 *    at each transition and detaches. */
	clock_gettime(CLOCK_MONOTONIC, &L->started);
	status = -1; /* no wait status: set only once the child is gone */
	r = traced ? run_traced(L, &status) : run_untraced(L, &status);
	sb_forward_target(0);
	if (sb_spawn_failed_step(r, status) != SB_SPAWN_NONE)
		return start_failure(L->path, r, status);
	if (r < 0 && status != -1)
		r = 0; /* a signal ended the child at its execve: passed on below */
	if (r < 0) {
		sb_warn("%s was killed: %s failed: %s", L->path, traced ? "tracing" : "waiting for it",
		        strerror(-r));
		return SB_EXIT_LAUNCHER;
	}
	/* 6. The program is gone: say how the processes let go that ended
	 *    died (not waiting for the others), then how it did; pass its
	 *    status on. */
	watch_end(L);
	report_exit(L, status);
	if (L->learned && write_learned(L) < 0)
		return SB_EXIT_LAUNCHER;
	return sb_exit_status(status);
}
