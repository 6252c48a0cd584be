/* born.c - the processes of the tree no tracer sees (born.h).
 *
 * Invariants:
 *  - a member is a process the engine traced (born_traced, called before
 *    it first runs) or one born of a member that the engine did not trace;
 *    a traced one is never reported from here (the engine or its pidfd
 *    does it), and it is marked traced before it can run a call that kills
 *    it, even when its fork event is read first;
 *  - a member leaves at its exit event, so a reused pid is a stranger;
 *  - the table is open addressing on the pid with tombstones, rebuilt
 *    without them before it is three quarters used: a probe always ends.
 */
#include "born.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "procfs.h"

#define SLOTS 8192 /* a power of 2, twice SB_BORN_MAX */

enum state { EMPTY, TRACED, BORN, GONE /* a tombstone */ };

struct member {
	pid_t pid;
	enum state state;
	enum sb_phase ph;
	struct timespec born;
	char exe[256];
};

struct born_tree {
	struct member slot[SLOTS];
	int used; /* slots not EMPTY */
	int live; /* TRACED or BORN */
};

struct born_tree *born_new(void)
{
	return calloc(1, sizeof(struct born_tree));
}

void born_free(struct born_tree *t)
{
	free(t);
}

static bool live(const struct member *m)
{
	return m->state == TRACED || m->state == BORN;
}

static struct member *find(struct born_tree *t, pid_t pid)
{
	for (unsigned i = (unsigned)pid, k = 0; k < SLOTS; i++, k++) {
		struct member *m = &t->slot[i & (SLOTS - 1)];
		if (m->state == EMPTY)
			return NULL;
		if (m->pid == pid && live(m))
			return m;
	}
	return NULL;
}

/* The first slot a probe for pid may take. */
static struct member *free_slot(struct born_tree *t, pid_t pid)
{
	for (unsigned i = (unsigned)pid;; i++) {
		struct member *m = &t->slot[i & (SLOTS - 1)];
		if (!live(m))
			return m;
	}
}

/* Drops the tombstones: every live member again where a probe finds it. */
static void rehash(struct born_tree *t)
{
	static struct member keep[SB_BORN_MAX];
	int n = 0;

	for (int i = 0; i < SLOTS; i++)
		if (live(&t->slot[i]) && n < SB_BORN_MAX)
			keep[n++] = t->slot[i];
	memset(t->slot, 0, sizeof(t->slot));
	t->used = t->live = n;
	for (int j = 0; j < n; j++)
		*free_slot(t, keep[j].pid) = keep[j];
}

/* pid's member in state st (an existing one is kept, and a traced one
 * stays traced), or NULL when the table is full. */
static struct member *add(struct born_tree *t, pid_t pid, enum state st)
{
	struct member *m = find(t, pid);

	if (m) {
		if (st == TRACED)
			m->state = TRACED;
		return m;
	}
	if (t->live >= SB_BORN_MAX)
		return NULL;
	if (t->used >= SLOTS * 3 / 4)
		rehash(t);
	m = free_slot(t, pid);
	t->used += m->state == EMPTY;
	t->live++;
	*m = (struct member){.pid = pid, .state = st};
	return m;
}

bool born_traced(struct born_tree *t, pid_t pid, const char *exe)
{
	struct member *m = add(t, pid, TRACED);

	if (m)
		snprintf(m->exe, sizeof(m->exe), "%s", exe);
	return m != NULL;
}

/* The program a member runs now, as it named itself (argv[0], as trace.c
 * names the traced ones). Kept as it was if it cannot be read (it ended
 * already, or a zombie's is empty). */
static void read_argv0(struct member *m)
{
	char name[sizeof(m->exe)];

	if (sb_procfs_argv0(m->pid, name, sizeof(name)) == 0 && name[0])
		memcpy(m->exe, name, sizeof(name));
}

/* A process born of member parent: untraced unless the engine says so. It
 * takes its creator's phase (a traced creator was let go at its
 * transition, so it serves) and, until its own can be read, its name. */
static bool birth(struct born_tree *t, struct member *parent, pid_t pid)
{
	enum sb_phase ph = parent->state == BORN ? parent->ph : SB_PHASE_SERVING;
	char exe[sizeof(parent->exe)];
	struct member *m;

	if (parent->state == TRACED)
		read_argv0(parent); /* named at its first stop, before its exec */
	memcpy(exe, parent->exe, sizeof(exe));
	if (!(m = add(t, pid, BORN)))
		return false;
	if (m->state == BORN) {
		m->ph = ph;
		clock_gettime(CLOCK_MONOTONIC, &m->born);
		memcpy(m->exe, exe, sizeof(m->exe));
		read_argv0(m);
	}
	return true;
}

bool born_event(struct born_tree *t, const struct sb_pev *e, struct born_end *out, bool *full)
{
	struct member *m;

	switch (e->kind) {
	case SB_PEV_FORK:
		if ((m = find(t, e->parent)) && !birth(t, m, e->pid))
			*full = true;
		return false;
	case SB_PEV_EXEC:
		if ((m = find(t, e->pid)) && m->state == BORN)
			read_argv0(m);
		return false;
	case SB_PEV_EXIT:
		if (!(m = find(t, e->pid)))
			return false;
		bool ended = m->state == BORN;
		if (ended) {
			*out = (struct born_end){m->pid, m->ph, m->born, "", e->status};
			memcpy(out->exe, m->exe, sizeof(out->exe));
		}
		m->state = GONE; /* its pid may be another's next */
		t->live--;
		return ended;
	}
	return false;
}
