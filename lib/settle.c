/* settle.c - the settle rule (settle.h). Pure: no /proc, no ptrace. */
#include "settle.h"

#include <sys/syscall.h>

/* A thread asleep in execve is not asleep in a call that returns: the exec
 * either fails and returns (to init's code), or kills every other thread,
 * the held marker thread first (de_thread waits for exactly that). */
static bool in_exec(long nr)
{
	return nr == SYS_execve || nr == SYS_execveat;
}

bool sb_settle_thread(const struct sb_task_view *v)
{
	if (v->held)
		return true;
	if (v->stopped || v->gone)
		return false; /* its event is being handled, or on its way */
	switch (v->state) {
	case 'T':
	case 'Z':
	case 'X': return true;
	case 'S':
	case 'D': return v->nr >= 0 && !in_exec(v->nr);
	default: return false; /* R running, t uncollected stop, ... */
	}
}

bool sb_settle_quiet(const struct sb_task_view *v)
{
	if (v->held || v->stopped || v->gone)
		return true;
	switch (v->state) {
	case 'Z':
	case 'X':
	case 't':
	case 'T': return true;
	case 'S':
	case 'D': return v->nr >= 0 && v->entry_stops;
	default: return false;
	}
}
