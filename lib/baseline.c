/* baseline.c - the table of harmless calls (baseline.h).
 *
 * Each entry can neither create a capability nor change anything outside
 * the calling process: it reads the process's own state or the clock,
 * waits, or synchronizes the process's own threads. These are the calls
 * that rare but ordinary paths make (glibc's qsort asks sysinfo for large
 * arrays; futex appears only under contention; stats commands call getpid
 * and getrusage; log lines carry gettid), so a learned policy that did not
 * see them would kill the program for a call that grants nothing.
 * sandbox-policy(5), BASELINE, compares the table with systemd's @default
 * and Docker's default profile.
 *
 * Left out although read only: capget (of any process), getcwd (a path, a
 * file-system fact). Left out although
 * harmless, to keep what a serving phase allows close to what it was seen
 * to do: calls made at start-up, where every profile sees them (process
 * group and session ids, the other credential reads, scheduling
 * parameters, set_tid_address, sigaltstack), and pause, getitimer,
 * rt_sigpending.
 *
 * madvise: MADV_REMOVE can punch a hole in a file, but only through a
 * writable shared mapping, which already lets the process write that file.
 *
 * Invariant: the baseline is exactly the names of sb_baseline_table that
 * libseccomp resolves, computed once (SB_REASONS); none is dangerous.
 */
#include "baseline.h"

#include <errno.h>
#include <pthread.h>
#include <string.h>

#include "args.h"
#include "filter.h"
#include "syscalls.h"

const struct sb_danger sb_baseline_table[] = {
    /* The process's own identity: read only. */
    {"getpid", "reads the process id"},
    {"getppid", "reads the parent's process id"},
    {"gettid", "reads the thread id (log lines, thread pools)"},
    {"getuid", "reads the real user id"},
    {"geteuid", "reads the effective user id"},
    {"getgid", "reads the real group id"},
    {"getegid", "reads the effective group id"},
    /* Resources and the machine, read only. */
    {"getrusage", "reads the resource usage of the process, its threads or its children"},
    {"times", "reads the process's CPU times"},
    {"getrlimit", "reads a resource limit of the process"},
    {"sysinfo", "reads memory and load figures (glibc's qsort asks it for large arrays)"},
    {"getcpu", "reads the CPU and node the thread runs on"},
    {"sched_getaffinity", "reads the thread's CPU mask (glibc counts CPUs with it)"},
    {"getrandom", "reads random bytes"},
    {"uname", "reads the kernel's name and version and the host name, which /proc/sys/kernel shows to "
              "every process (redis's INFO asks it while serving)"},
    /* Clocks, read only. */
    {"clock_gettime", "reads a clock"},
    {"clock_getres", "reads a clock's resolution"},
    {"gettimeofday", "reads the clock"},
    {"time", "reads the clock"},
    /* Waiting. */
    {"nanosleep", "sleeps"},
    {"clock_nanosleep", "sleeps (reloads, retries, back-off)"},
    {"sched_yield", "gives up the CPU"},
    {"poll", "waits for descriptors the process holds to be ready (a helper thread's own loop)"},
    {"ppoll", "waits for descriptors the process holds to be ready"},
    {"select", "waits for descriptors the process holds to be ready"},
    {"pselect6", "waits for descriptors the process holds to be ready"},
    {"epoll_wait", "waits on an epoll instance the process holds"},
    {"epoll_pwait", "waits on an epoll instance the process holds"},
    {"epoll_pwait2", "waits on an epoll instance the process holds"},
    /* The process's own threads. */
    {"futex", "waits for or wakes threads on a lock (appears only under contention)"},
    {"set_robust_list", "registers the thread's list of held locks"},
    {"rseq", "registers the thread's restartable sequence area (glibc, every thread)"},
    /* The process's own memory, never executable: the filters allow these
     * only with the condition of sb_baseline_conds (args.h), so no
     * baseline call makes code. */
    {"mmap", "maps memory, never executable (mmap.prot = not PROT_EXEC): malloc of a large block, a thread's "
             "stack, a file read through a mapping"},
    {"mprotect", "changes the protection of the process's own memory, never to executable (mprotect.prot = "
                 "not PROT_EXEC): guard pages of thread stacks, allocators growing an arena"},
    /* The process's own memory, no new mapping. */
    {"munmap", "removes one of the process's own mappings (free of a large block)"},
    {"madvise", "advises the kernel on the process's own memory (allocators free memory with it under load)"},
    {"mremap", "resizes or moves one of the process's own mappings, keeping its protection (glibc's realloc "
               "of large blocks)"},
    /* A descriptor the process holds. */
    {"ioctl", "only FIONREAD (ioctl.request = only FIONREAD): reads how many bytes wait on a descriptor the "
              "process holds (nginx's lingering close)"},
    {"getsockname", "reads the local address of a socket the process holds (stats and log lines)"},
    {"getpeername", "reads the peer's address of a socket the process holds (stats and log lines)"},
    {"getsockopt",
     "reads an option or the pending error of a socket the process holds (nginx's workers after "
     "a client reset)"},
    {"lseek", "moves the offset of a descriptor the process holds (stdio seeks on its own: fclose of a "
              "read stream); a process sharing the open file sees it move, as it sees a write through it"},
    /* The process's own signal state. */
    {"rt_sigprocmask", "changes which signals the thread blocks"},
    /* The process's own interval timers: their signal goes to the caller. */
    {"setitimer", "arms or reads one of the process's own interval timers (nginx's master while its old "
                  "workers finish, at reload)"},
    {"getitimer", "reads one of the process's own interval timers"},
    {"alarm", "arms the process's own SIGALRM timer (setitimer's ITIMER_REAL)"},
    {NULL, NULL},
};

SB_REASONS(baseline, sb_baseline_table);

/* Signals to the process itself: a filter knows the pid it is built for
 * (sb_filter_build_self), never another's, so these are checked against
 * that pid; a process the filter reaches by inheritance (a child forked
 * later) gets no such rule of its own and is denied (fail closed). */
static const struct sb_danger self_table[] = {
    {"kill", "sends a signal to the process itself only (kill(getpid(), sig))"},
    {"tgkill", "sends a signal to a thread of the process itself only: raise(3) and abort(3) "
               "(memcached's shutdown command raises SIGINT)"},
    {NULL, NULL},
};

SB_REASONS(self_members, self_table);

/* The phases filter kind answers for: F2 serving's, F1 init's and (two
 * phases) serving's. */
static bool answered_by_default(const struct sb_policy *p, enum sb_filter_kind kind, int nr)
{
	enum sb_answer_source src;

	for (int ph = 0; ph < SB_NPHASES; ph++) {
		if ((kind == SB_FILTER_F2 && ph != SB_PHASE_SERVING) ||
		    (ph == SB_PHASE_SERVING && !p->has_transition))
			continue;
		sb_filter_phase_answer(p, (enum sb_phase)ph, nr, &src);
		if (src != SB_FROM_DEFAULT)
			return false;
	}
	return true;
}

bool sb_baseline_self(const struct sb_policy *p, enum sb_filter_kind kind, int nr)
{
	enum sb_act_kind k;

	if (p->baseline != SB_BASELINE_HARMLESS || kind == SB_FILTER_PROFILE ||
	    !sb_reasons_has(&self_members, nr))
		return false;
	k = sb_filter_action(p, kind, nr).kind;
	return k != SB_ACT_ALLOW && k != SB_ACT_LOG && answered_by_default(p, kind, nr);
}

bool sb_baseline_self_allowed(const struct sb_policy *p, enum sb_phase ph, int nr)
{
	enum sb_act_kind f1;

	if (ph == SB_PHASE_INIT)
		return sb_baseline_self(p, SB_FILTER_F1, nr);
	f1 = sb_filter_action(p, SB_FILTER_F1, nr).kind;
	return sb_baseline_self(p, SB_FILTER_F2, nr) &&
	       (f1 == SB_ACT_ALLOW || f1 == SB_ACT_LOG || sb_baseline_self(p, SB_FILTER_F1, nr));
}

/* The members allowed only under a condition (args.h syntax). */
static const struct {
	const char *arg;
	const char *cond;
} cond_table[] = {
    {"mmap.prot", "not PROT_EXEC"},
    {"mprotect.prot", "not PROT_EXEC"},
    {"ioctl.request", "only FIONREAD"},
};

static struct sb_cond conds[SB_ARG_N];
static pthread_once_t conds_once = PTHREAD_ONCE_INIT;

/* A table entry that does not parse is a build mistake (test_generalize
 * reads every one): it is left as the tightest condition there is, every
 * bit denied, so the call is never allowed through the baseline. */
static void conds_resolve(void)
{
	for (size_t i = 0; i < sizeof(cond_table) / sizeof(cond_table[0]); i++) {
		int id = sb_arg_by_name(cond_table[i].arg);
		char bad[64];

		if (id < 0)
			continue;
		if (sb_cond_parse((enum sb_arg_id)id, cond_table[i].cond, &conds[id], bad, sizeof(bad)) < 0)
			conds[id] = (struct sb_cond){.kind = SB_COND_NOT, .n = 1, .v = {~0ULL}};
	}
}

const struct sb_cond *sb_baseline_cond(int nr)
{
	int id = sb_arg_for_syscall(nr);

	if (id < 0 || !sb_baseline_is(nr))
		return NULL;
	pthread_once(&conds_once, conds_resolve);
	return conds[id].kind == SB_COND_NONE ? NULL : &conds[id];
}

bool sb_baseline_is(int nr)
{
	return sb_reasons_has(&baseline, nr);
}

int sb_baseline_count(void)
{
	return sb_reasons_size(&baseline);
}

const char *sb_baseline_reason(int nr)
{
	return sb_reasons_why(&baseline, nr);
}

int sb_baseline_allowed(const struct sb_policy *p, enum sb_phase ph)
{
	enum sb_answer_source src;
	int n = 0;

	for (int nr = 0; nr < SB_NR_MAX; nr++) {
		sb_filter_phase_answer(p, ph, nr, &src);
		n += src == SB_FROM_BASELINE;
		n += sb_baseline_self_allowed(p, ph, nr);
	}
	return n;
}

const char *sb_baseline_name(enum sb_baseline b)
{
	return b == SB_BASELINE_HARMLESS ? "harmless" : "none";
}

int sb_baseline_parse(const char *text, enum sb_baseline *out)
{
	if (text && strcmp(text, "harmless") == 0)
		*out = SB_BASELINE_HARMLESS;
	else if (text && strcmp(text, "none") == 0)
		*out = SB_BASELINE_NONE;
	else
		return -EINVAL;
	return 0;
}
