/* restart.c - the supervisor rule (restart.h).
 *
 * Invariant: a record is a worker of supervisor P when its parent is P, it
 * made calls in init (so it was born while P was in init: a child of a
 * serving parent is serving from its first call), both reached serving,
 * and it never exec'd in init. Only workers make P a supervisor.
 */
#include "restart.h"

#include <errno.h>
#include <stdlib.h>

#include <sys/syscall.h>

static bool any_call(const uint8_t set[SB_BITMAP_BYTES])
{
	for (int i = 0; i < SB_BITMAP_BYTES; i++)
		if (set[i])
			return true;
	return false;
}

static bool execd(const struct sb_proc_init *p)
{
	return sb_bit_test(p->calls, SYS_execve) || sb_bit_test(p->calls, SYS_execveat);
}

/* The latest record before index i whose pid is v[i]'s parent, or -1. */
static int parent_of(const struct sb_proc_init *v, int i)
{
	for (int j = i - 1; j >= 0; j--)
		if (v[i].ppid != 0 && v[j].pid == v[i].ppid)
			return j;
	return -1;
}

static bool is_worker(const struct sb_proc_init *v, int i, int parent)
{
	return parent >= 0 && v[i].serving && v[parent].serving && any_call(v[i].calls) && !execd(&v[i]);
}

/* Everything but exec: the calls of one record into carry, its arguments
 * into seen (the dangerous values only if `danger`). */
static void carry_one(const struct sb_proc_init *p, bool danger, uint8_t carry[SB_BITMAP_BYTES],
                      struct sb_arg_seen seen[SB_ARG_N])
{
	for (int i = 0; i < SB_BITMAP_BYTES; i++)
		carry[i] |= p->calls[i];
	sb_bit_clear(carry, SYS_execve);
	sb_bit_clear(carry, SYS_execveat);
	for (int id = 0; id < SB_ARG_N; id++)
		sb_arg_seen_merge((enum sb_arg_id)id, &seen[id], &p->seen[id], danger);
}

int sb_restart_carry(const struct sb_proc_init *v, int n, uint8_t carry[SB_BITMAP_BYTES],
                     struct sb_arg_seen seen[SB_ARG_N])
{
	bool *supervisor = calloc(n > 0 ? (size_t)n : 1, sizeof(*supervisor));
	int count = 0;

	if (!supervisor)
		return -ENOMEM;
	for (int i = 0; i < n; i++) {
		int p = parent_of(v, i);

		if (!is_worker(v, i, p))
			continue;
		carry_one(&v[i], true, carry, seen);
		if (!supervisor[p]) {
			supervisor[p] = true;
			count++;
			carry_one(&v[p], false, carry, seen);
		}
	}
	free(supervisor);
	return count;
}
