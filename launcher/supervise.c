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
#include <sys/wait.h>
#include <unistd.h>

#include "inject.h"
#include "launch.h"
#include "util.h"

/* Fail closed: any error here makes the engine kill the whole tree, since
 * the process would otherwise go on under F1 alone. */
static int on_transition(void *ctx, struct sb_trace *tr, struct sb_proc *p, struct sb_thread *t)
{
	struct launcher *L = ctx;
	char name[64];
	pid_t bad = 0;
	int r = sb_inject_filter(t->tid, &L->f2, &t->pending_sig, &bad);

	sb_syscall_name(p->transition_nr, name, sizeof(name));
	if (r == -EBUSY) {
		warnx("pid %d: thread %d could not take the serving filter (TSYNC); killing the program",
		      p->pid, bad);
		return r;
	}
	if (r < 0) {
		warnx("pid %d: injecting the serving filter at %s failed: %s; killing the program", p->pid,
		      name, strerror(-r));
		return r;
	}
	L->transitions++;
	if (L->o->verbose)
		warnx("pid %d (%s): serving from %s by tid %d, settled in %.2f ms", p->pid, p->exe, name,
		      t->tid, p->settle_ms);
	if (L->o->mode == SB_MODE_COMPLAIN)
		return 0; /* stay attached to report violations */
	r = sb_trace_detach_proc(tr, p);
	return r < 0 ? r : 1;
}

/* Complain mode: a RET_TRACE stop is a call the policy would deny. Said
 * once per syscall and phase; --learn adds it to the policy. */
static void on_syscall(void *ctx, struct sb_thread *t, const struct sb_syscall *sc, enum sb_phase ph)
{
	struct launcher *L = ctx;
	char name[64];

	if (L->o->mode != SB_MODE_COMPLAIN || !sc->seccomp_stop || !sc->native)
		return;
	if (L->learned)
		sb_policy_add(L->learned, ph, sc->nr, 1);
	if (sb_bit_test(L->reported[ph], sc->nr))
		return;
	sb_bit_set(L->reported[ph], sc->nr);
	warnx("complain: pid %d (%s) in %s would be denied %s(%#llx, %#llx, %#llx, %#llx, %#llx, %#llx)",
	      t->tid, t->proc->exe, sb_phase_name(ph), sb_syscall_name(sc->nr, name, sizeof(name)),
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
 * number; without auditd they reach the kernel log. Best effort: the last
 * record for pid, described into buf ("syscall uname", "i386 syscall 20
 * (getpid, a foreign ABI)").
 * Returns 0, or -1 when there is none. */
static int killed_syscall(pid_t pid, char *buf, size_t len)
{
	char rec[2048], key[32];
	const char *s, *a;
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC), found = -1;
	ssize_t n;

	if (fd < 0)
		return -1;
	snprintf(key, sizeof(key), " pid=%d ", pid);
	while ((n = read(fd, rec, sizeof(rec) - 1)) != 0) {
		if (n < 0 && errno == EPIPE)
			continue; /* overwritten record: skip */
		if (n < 0)
			break;
		rec[n] = '\0';
		s = strstr(rec, "type=1326");
		if (!s || !strstr(s, key) || !(a = strstr(s, " arch=")) || !(s = strstr(s, " syscall=")))
			continue;
		found = describe(strtoul(a + 6, NULL, 16), strtol(s + 9, NULL, 10), buf, len);
	}
	close(fd);
	return found;
}

static void report_kill(const struct launcher *L, pid_t pid, const char *exe, enum sb_phase ph)
{
	char what[128];

	if (killed_syscall(pid, what, sizeof(what)) == 0)
		warnx("%s (pid %d) killed by seccomp in phase %s: %s", exe, pid, sb_phase_name(ph), what);
	else
		warnx("%s (pid %d) killed by seccomp in phase %s; to find the syscall run: sandbox-run "
		      "--mode=complain --policy %s -- ...",
		      exe, pid, sb_phase_name(ph), L->o->policy);
}

static void on_proc_exit(void *ctx, struct sb_proc *p)
{
	struct launcher *L = ctx;

	if (p->pid != L->root && WIFSIGNALED(p->exit_status) && WTERMSIG(p->exit_status) == SIGSYS)
		report_kill(L, p->pid, p->exe, p->ph.phase);
}

const struct sb_trace_ops launcher_ops = {
    .syscall = on_syscall,
    .transition = on_transition,
    .proc_exit = on_proc_exit,
};

/* The root's phase at death: traced processes tell; an untraced run is a
 * single-phase one (init); a detached root had transitioned. */
void report_exit(const struct launcher *L, int status)
{
	enum sb_phase ph = SB_PHASE_INIT;

	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGSYS || L->o->quiet)
		return;
	for (const struct sb_proc *p = L->trace ? sb_trace_procs(L->trace) : NULL; p; p = p->next)
		if (p->pid == L->root)
			ph = p->ph.phase;
	report_kill(L, L->root, L->path, ph);
}
