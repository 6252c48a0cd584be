#include "forward.h"

#include <signal.h>
#include <string.h>

static volatile sig_atomic_t target;

void sb_forward_target(pid_t pid)
{
	target = pid;
}

static void on_signal(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	if (target > 0 && si->si_code != SI_KERNEL)
		kill((pid_t)target, sig);
}

void sb_forward_signals(const int *sigs, size_t n)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_signal;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < n; i++)
		sigaction(sigs[i], &sa, NULL);
}
