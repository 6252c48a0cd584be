/* supervise.c - what sandbox-run does while the program runs: inject the
 * serving filter at each transition, report complain-mode violations, and
 * say why the program died when seccomp killed it. */
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <seccomp.h>
#include <stdbool.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "args.h"
#include "filter.h"
#include "procfs.h"
#include "launch.h"
#include "msg.h"
#include "util.h"

/* A ring set up in init goes on running operations after the transition
 * that no filter sees (SQPOLL needs no syscall at all). It may outlive the
 * transition only when [serving] allows io_uring_enter: the policy then
 * says that io_uring is part of serving. */
static int check_io_uring(const struct launcher *L, const struct sb_proc *p)
{
	bool has = false;
	enum sb_act_kind k = sb_filter_action(L->policy, SB_FILTER_F2, SYS_io_uring_enter).kind;
	int r = sb_procfs_has_io_uring(p->pid, &has);

	if (r < 0 || !has || k == SB_ACT_ALLOW || k == SB_ACT_LOG)
		return r == -ESRCH ? 0 : r;
	sb_warn("pid %d holds an io_uring instance at its transition and [serving] does not allow "
	        "io_uring_enter: the ring would run operations the serving filter never sees; killing the "
	        "program",
	        p->pid);
	return -EPERM;
}

/* F2 for process p: the policy's, with the signals to p itself
 * (sb_filter_build_self), injected into every thread. */
static int inject_f2(struct launcher *L, struct sb_trace *tr, struct sb_proc *p, struct sb_thread *t,
                     char *why, size_t whylen)
{
	struct sock_fprog prog = {0};
	int r = sb_filter_prog_self(L->policy, SB_FILTER_F2, L->o->mode, p->pid, &prog);

	if (r < 0) {
		snprintf(why, whylen, "pid %d: cannot build the serving filter: %s", p->pid, strerror(-r));
		return r;
	}
	r = sb_trace_inject(tr, p, t, &prog, why, whylen);
	free(prog.filter);
	return r;
}

/* Fail closed: any error here makes the engine kill the whole tree, since
 * the process would otherwise go on under F1 alone. -ESRCH (the marker
 * thread died under the injection) is not an error: the process is back in
 * init, still traced, and will make its transition again or die. */
static int on_transition(void *ctx, struct sb_trace *tr, struct sb_proc *p, struct sb_thread *t)
{
	struct launcher *L = ctx;
	char name[64], why[256];
	int r = check_io_uring(L, p);

	if (r < 0)
		return r;
	r = inject_f2(L, tr, p, t, why, sizeof(why));
	if (r == -ESRCH)
		return r;
	if (r < 0) {
		sb_warn("%s; killing the program", why);
		return r;
	}
	L->transitions++;
	if (p->pid == L->root)
		L->root_phase = SB_PHASE_SERVING;
	if (L->o->verbose) {
		char exe[256];
		sb_escape(p->exe, exe, sizeof(exe));
		sb_warn("pid %d (%s): serving from %s by tid %d, settled in %.2f ms; F2 %s", p->pid, exe,
		        sb_syscall_name(p->transition_nr, name, sizeof(name)), t->tid, p->settle_ms,
		        r == 1 ? "read back and verified" : "counted in every thread (not readable here)");
	}
	/* complain mode stays attached to report violations */
	return L->o->mode == SB_MODE_COMPLAIN ? SB_KEEP : SB_DETACH;
}

/* The checked argument (args.h) of call sc that fails phase ph's condition
 * in the policy, or -1: the call fails by number, or passes. */
static int failed_arg(const struct sb_policy *p, enum sb_phase ph, const struct sb_syscall *sc)
{
	int id = sb_arg_for_syscall(sc->nr);
	const struct sb_cond *c = sb_filter_phase_cond(p, ph, sc->nr);

	if (id < 0 || c == NULL ||
	    sb_cond_pass((enum sb_arg_id)id, c, sc->args[sb_arg_def((enum sb_arg_id)id)->index]))
		return -1;
	return id;
}

/* --learn: the call, or the value its condition refused. A learned
 * condition only ever widens (sb_cond_allow). */
static void learn(struct launcher *L, enum sb_phase ph, const struct sb_syscall *sc)
{
	int id = failed_arg(L->learned, ph, sc);
	const struct sb_cond *base = sb_filter_phase_cond(L->learned, ph, sc->nr);
	bool listed = L->learned->phase[ph][sc->nr].act.kind != SB_ACT_NONE;

	sb_policy_add(L->learned, ph, sc->nr, 1);
	/* a call the baseline allowed under a condition keeps it, widened */
	if (id >= 0 && !listed && base)
		L->learned->cond[ph][id] = *base;
	if (id >= 0)
		sb_cond_allow((enum sb_arg_id)id, &L->learned->cond[ph][id],
		              sc->args[sb_arg_def((enum sb_arg_id)id)->index]);
}

/* Complain mode: a RET_TRACE stop is a call the policy would deny. Said
 * once per syscall and phase, naming the argument where a condition is
 * what denies it; --learn adds it to the policy. */
static void on_syscall(void *ctx, struct sb_thread *t, const struct sb_syscall *sc, enum sb_phase ph)
{
	struct launcher *L = ctx;
	char name[64], what[160], cond[200], exe[256];
	int id;

	if (L->o->mode != SB_MODE_COMPLAIN || !sc->seccomp_stop || !sc->native)
		return;
	if (L->learned)
		learn(L, ph, sc);
	if (sb_bit_test(L->reported[ph], sc->nr))
		return;
	sb_bit_set(L->reported[ph], sc->nr);
	sb_escape(t->proc->exe, exe, sizeof(exe));
	id = failed_arg(L->policy, ph, sc);
	if (id >= 0) {
		const struct sb_arg_def *d = sb_arg_def((enum sb_arg_id)id);
		const struct sb_cond *c = sb_filter_phase_cond(L->policy, ph, sc->nr);
		sb_warn("complain: pid %d (%s) in %s would be denied %s with %s (%s = %s)", t->tid, exe,
		        sb_phase_name(ph), d->syscall,
		        sb_cond_why((enum sb_arg_id)id, c, sc->args[d->index], what, sizeof(what)), d->arg,
		        sb_cond_format((enum sb_arg_id)id, c, cond, sizeof(cond)));
		return;
	}
	sb_warn("complain: pid %d (%s) in %s would be denied %s(%#llx, %#llx, %#llx, %#llx, %#llx, %#llx)",
	        t->tid, exe, sb_phase_name(ph), sb_syscall_name(sc->nr, name, sizeof(name)),
	        (unsigned long long)sc->args[0], (unsigned long long)sc->args[1],
	        (unsigned long long)sc->args[2], (unsigned long long)sc->args[3],
	        (unsigned long long)sc->args[4], (unsigned long long)sc->args[5]);
}

/* A native call by its name; a foreign-ABI one (every filter kills those)
 * by its ABI, number and that ABI's name for it, from libseccomp. */
static int describe(unsigned long arch, long nr, char *buf, size_t len)
{
	uint32_t token = arch == AUDIT_ARCH_I386 ? SCMP_ARCH_X86 : SCMP_ARCH_X32;
	bool x32 = arch == AUDIT_ARCH_X86_64 && nr >= __X32_SYSCALL_BIT;

	if (arch == AUDIT_ARCH_X86_64 && !x32) {
		char name[64];
		if (!sb_syscall_name((int)nr, name, sizeof(name)))
			return -1;
		snprintf(buf, len, "syscall %s", name);
		return 0;
	}
	if (!x32 && arch != AUDIT_ARCH_I386) {
		snprintf(buf, len, "syscall %ld of audit arch %#lx", nr, arch);
		return 0;
	}
	char *name = seccomp_syscall_resolve_num_arch(token, (int)nr);
	snprintf(buf, len, "%s syscall %ld (%s, a foreign ABI)", x32 ? "x32" : "i386",
	         x32 ? nr - __X32_SYSCALL_BIT : nr, name ? name : "?");
	free(name);
	return 0;
}

/* The kernel logs seccomp kills (audit type 1326) with the ABI and the
 * number; without auditd they reach the kernel log. A record names our
 * process only if the kernel wrote it (facility 0: a program that may
 * write /dev/kmsg gets LOG_USER), it is a kill (sig=31; `log` actions
 * write the same type with sig=0), it names the pid, and its time lies
 * between the process's birth and now (an earlier process with the same pid
 * died before). The last such record wins. */
struct kill_query {
	pid_t pid;
	long nr;                           /* out: the native number of the last match, or -1 */
	unsigned long long from_us, to_us; /* kmsg clock (CLOCK_MONOTONIC) */
};

static bool record_matches(const struct kill_query *q, const char *rec, const char **body)
{
	unsigned prio = 0;
	unsigned long long seq = 0, ts = 0;
	char key[32];
	int n = 0;

	if (sscanf(rec, "%u,%llu,%llu,%n", &prio, &seq, &ts, &n) < 3 || !n)
		return false;
	if ((prio >> 3) != 0 || ts < q->from_us || ts > q->to_us)
		return false;
	const char *msg = strchr(rec, ';');
	snprintf(key, sizeof(key), " pid=%d ", (int)q->pid);
	if (!msg || !(msg = strstr(msg, "type=1326")) || !strstr(msg, key) || !strstr(msg, " sig=31 "))
		return false;
	*body = msg;
	return true;
}

static unsigned long long mono_us(const struct timespec *ts)
{
	return (unsigned long long)ts->tv_sec * 1000000ull + (unsigned long long)ts->tv_nsec / 1000;
}

/* The kernel's record has no arguments: where phase ph allows the killed
 * call only under a condition, that condition is what killed it, and the
 * report says so. */
static void describe_cond(const struct sb_policy *p, enum sb_phase ph, long nr, char *buf, size_t len)
{
	const struct sb_cond *c = nr >= 0 && nr < SB_NR_MAX ? sb_filter_phase_cond(p, ph, (int)nr) : NULL;
	int id = c ? sb_arg_for_syscall((int)nr) : -1;
	char text[200];
	size_t off = strlen(buf);

	if (id < 0 || off >= len)
		return;
	snprintf(buf + off, len - off, " with an argument that [%s] denies (%s = %s)", sb_phase_name(ph),
	         sb_arg_def((enum sb_arg_id)id)->arg,
	         sb_cond_format((enum sb_arg_id)id, c, text, sizeof(text)));
}

/* Returns 0 with the description in buf, or -1 when no record matches. */
static int killed_syscall(struct kill_query *q, char *buf, size_t len)
{
	char rec[2048];
	const char *s, *a, *msg;
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC), found = -1;
	ssize_t n;

	if (fd < 0)
		return -1;
	while ((n = read(fd, rec, sizeof(rec) - 1)) != 0) {
		if (n < 0 && errno == EPIPE)
			continue; /* overwritten record: skip */
		if (n < 0)
			break;
		rec[n] = '\0';
		if (!record_matches(q, rec, &msg) || !(a = strstr(msg, " arch=")) ||
		    !(s = strstr(msg, " syscall=")))
			continue;
		found = describe(strtoul(a + 6, NULL, 16), strtol(s + 9, NULL, 10), buf, len);
		q->nr = strtoul(a + 6, NULL, 16) == AUDIT_ARCH_X86_64 ? strtol(s + 9, NULL, 10) : -1;
	}
	close(fd);
	return found;
}

static void report_kill(const struct launcher *L, pid_t pid, const struct timespec *born, const char *exe,
                        enum sb_phase ph, bool logged_only)
{
	char what[384], name[256];
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	/* a second of slack: the kernel's log clock and ours may drift */
	struct kill_query q = {pid, -1, mono_us(born) > 1000000 ? mono_us(born) - 1000000 : 0,
	                       mono_us(&now) + 1000000};
	sb_escape(exe, name, sizeof(name));
	if (killed_syscall(&q, what, sizeof(what)) == 0) {
		describe_cond(L->policy, ph, q.nr, what, sizeof(what));
		sb_warn("%s (pid %d) killed by seccomp in phase %s: %s (policy %s)", name, pid,
		        sb_phase_name(ph), what, L->o->policy);
	} else if (!logged_only)
		sb_warn("%s (pid %d) killed by seccomp in phase %s; to find the syscall run: sandbox-run "
		        "--mode=complain --policy %s -- ...",
		        name, pid, sb_phase_name(ph), L->o->policy);
}

static void on_new_proc(void *ctx, struct sb_proc *p, struct sb_proc *parent)
{
	watch_open(ctx, p);
}

static void on_proc_end(void *ctx, struct sb_proc *p)
{
	struct launcher *L = ctx;

	watch_proc_end(L, p);
	if (p->pid == L->root && p->exited) {
		L->root_ended = true;
		L->root_status = p->exit_status;
	}
	if (p->exited && p->pid != L->root && WIFSIGNALED(p->exit_status) &&
	    WTERMSIG(p->exit_status) == SIGSYS)
		report_kill(L, p->pid, &p->born, p->exe, p->ph.phase, false);
}

const struct sb_trace_ops launcher_ops = {
    .syscall = on_syscall,
    .transition = on_transition,
    .new_proc = on_new_proc,
    .proc_end = on_proc_end,
};

/* The root's phase at death: serving once its transition took (on_transition
 * sets it), init otherwise (a single-phase run is all init). */
void report_exit(const struct launcher *L, int status)
{
	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGSYS || L->o->quiet)
		return;
	report_kill(L, L->root, &L->started, L->path, L->root_phase, false);
}

void report_detached_end(const struct launcher *L)
{
	if (!L->o->quiet)
		report_kill(L, L->root, &L->started, L->path, L->root_phase, true);
}

void report_proc_end(const struct launcher *L, pid_t pid, const struct timespec *born, const char *exe,
                     enum sb_phase ph, const int *status)
{
	if (L->o->quiet || (status && (!WIFSIGNALED(*status) || WTERMSIG(*status) != SIGSYS)))
		return;
	report_kill(L, pid, born, exe, ph, status == NULL);
}
