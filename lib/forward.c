/* forward.c - pass signals sent to the tool on to the program.
 *
 * Invariants:
 *  - from sb_forward_begin() on, a forwarded signal is always blocked
 *    (pending in the kernel), kept in `held` (no target at this moment) or
 *    sent to the target: none is dropped between start and execve, nor while
 *    a daemon's target changes;
 *  - the program never runs our handler: the child sets the forwarded
 *    signals to their defaults before it unblocks anything
 *    (sb_forward_child_reset), so what we forward acts as it would on the
 *    program alone, even if our own caller ignored it (bash does for SIGINT
 *    and SIGQUIT in its background jobs);
 *  - a signal the program already got is not sent again (on_signal).
 */
#include "forward.h"

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#define NSTD 31 /* signals 1..30: a held one is one bit of an int */

static volatile sig_atomic_t target;
static volatile sig_atomic_t held; /* bit N: signal N arrived with no target */
static sigset_t forwarded;         /* the signals we handle */
static sigset_t old_mask;          /* the mask before sb_forward_begin */
static struct sigaction old_act[NSTD];
static bool begun, blocked;

/* Did the program get this signal already, or send it itself? The kernel's
 * (SI_KERNEL: a terminal's ^C, ^\, SIGWINCH, hang-up) went to the whole
 * foreground process group, the program included. A kill() from a process
 * in our group or in the program's is, as sudo judges it, either sent to
 * the whole group (kill 0, kill -PGID: the program has it) or the program
 * signalling itself through us. One exception: our parent. A script that
 * started us with `&` shares our group, and its `kill $!` reaches us alone.
 * A sender that is already gone cannot be placed: it is forwarded to, since
 * a lost signal is worse than a doubled one (sudo decides alike). */
static bool already_delivered(const siginfo_t *si, pid_t to)
{
	pid_t from = si->si_pid, group;

	if (si->si_code == SI_KERNEL)
		return true;
	if (si->si_code != SI_USER || from <= 0 || from == getppid())
		return false;
	if (from == to)
		return true;
	group = getpgid(from);
	return group >= 0 && (group == getpgrp() || group == getpgid(to));
}

static void on_signal(int sig, siginfo_t *si, void *uc)
{
	pid_t to = (pid_t)target;
	int saved = errno;

	(void)uc;
	if (to <= 0)
		held |= 1 << sig;
	else if (!already_delivered(si, to))
		kill(to, sig);
	errno = saved;
}

int sb_forward_begin(const int *sigs, size_t n)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_signal;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigemptyset(&forwarded);
	for (size_t i = 0; i < n; i++) {
		if (sigs[i] <= 0 || sigs[i] >= NSTD)
			return -EINVAL;
		sigaddset(&forwarded, sigs[i]);
	}
	/* block first: from here a signal waits in the kernel, it is not lost */
	if (sigprocmask(SIG_BLOCK, &forwarded, &old_mask) < 0)
		return -errno;
	blocked = begun = true;
	sa.sa_mask = forwarded; /* one forwarding at a time: `held` is not torn */
	for (size_t i = 0; i < n; i++)
		if (sigaction(sigs[i], &sa, &old_act[sigs[i]]) < 0)
			return -errno;
	return 0;
}

/* Send what arrived while there was no target. Signals are blocked here, so
 * the handler cannot change `held` under us. */
static void deliver_held(pid_t pid)
{
	for (int sig = 1; sig < NSTD; sig++)
		if (held & (1 << sig))
			kill(pid, sig);
	held = 0;
}

void sb_forward_target(pid_t pid)
{
	sigset_t prev;

	if (!begun) {
		target = pid;
		return;
	}
	sigprocmask(SIG_BLOCK, &forwarded, &prev);
	target = pid;
	if (pid > 0)
		deliver_held(pid);
	if (pid > 0 && blocked) {
		blocked = false;
		prev = old_mask; /* held in the kernel until now: delivered at once */
	}
	sigprocmask(SIG_SETMASK, &prev, NULL);
}

int sb_forward_child_reset(void)
{
	struct sigaction dfl;

	if (!begun)
		return 0;
	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	for (int sig = 1; sig < NSTD; sig++)
		if (sigismember(&forwarded, sig) && sigaction(sig, &dfl, NULL) < 0)
			return -errno;
	return sigprocmask(SIG_SETMASK, &old_mask, NULL) < 0 ? -errno : 0;
}

void sb_forward_end(void)
{
	sigset_t mask;

	if (!begun)
		return;
	sigprocmask(SIG_BLOCK, &forwarded, NULL);
	target = 0;
	for (int sig = 1; sig < NSTD; sig++)
		if (sigismember(&forwarded, sig))
			sigaction(sig, &old_act[sig], NULL);
	for (int sig = 1; sig < NSTD; sig++)
		if (held & (1 << sig))
			raise(sig); /* pending until the mask below lets it act */
	held = 0;
	begun = blocked = false;
	mask = old_mask;
	sigprocmask(SIG_SETMASK, &mask, NULL);
}
