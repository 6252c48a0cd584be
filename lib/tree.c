/* tree.c - the traced threads and processes.
 *
 * Invariant: every thread we trace has exactly one record, reachable from the
 * tid hash and from its process's thread list, and every record is of a task
 * traced now. A process record is freed when its last thread exits or is
 * detached (after ops->proc_end has seen it), so a pid the kernel reuses
 * later can never meet a stale record, and memory follows the live tree,
 * not its history.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "trace_int.h"

static unsigned hash_tid(pid_t tid)
{
	return (unsigned)tid % SB_HASH_SIZE;
}

struct sb_thread *sb_tree_find(struct sb_trace *tr, pid_t tid)
{
	struct sb_thread *t = tr->hash[hash_tid(tid)];
	while (t && t->tid != tid)
		t = t->next_in_hash;
	return t;
}

static void hash_insert(struct sb_trace *tr, struct sb_thread *t)
{
	unsigned h = hash_tid(t->tid);
	t->next_in_hash = tr->hash[h];
	tr->hash[h] = t;
}

static void hash_remove(struct sb_trace *tr, struct sb_thread *t)
{
	struct sb_thread **pp = &tr->hash[hash_tid(t->tid)];
	while (*pp && *pp != t)
		pp = &(*pp)->next_in_hash;
	if (*pp)
		*pp = t->next_in_hash;
}

struct sb_proc *sb_tree_find_proc(struct sb_trace *tr, pid_t pid)
{
	for (struct sb_proc *p = tr->procs; p; p = p->next)
		if (p->pid == pid)
			return p;
	return NULL;
}

/* A child starts in its parent's phase, armed state and program: filters and
 * phases survive fork (sandbox-policy(5)). The caller corrects the phase
 * from the child's filter count (trace.c, adopt). */
struct sb_proc *sb_tree_new_proc(struct sb_trace *tr, pid_t pid, struct sb_proc *parent)
{
	struct sb_proc *p = calloc(1, sizeof(*p));
	struct sb_proc **tail = &tr->procs;

	if (!p)
		return NULL;
	p->pid = pid;
	p->traced = true;
	p->transition_nr = -1;
	p->nfilters = -1;
	clock_gettime(CLOCK_MONOTONIC, &p->born);
	if (parent) {
		p->ppid = parent->pid;
		p->ph = parent->ph;
		p->program_started = parent->program_started;
		p->nfilters = parent->nfilters;
		memcpy(p->exe, parent->exe, sizeof(p->exe));
	} else {
		sb_phase_start(&p->ph, tr->o.rules, tr->o.nrules);
	}
	while (*tail)
		tail = &(*tail)->next;
	*tail = p;
	return p;
}

struct sb_thread *sb_tree_add_thread(struct sb_trace *tr, struct sb_proc *p, pid_t tid)
{
	struct sb_thread *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->tid = tid;
	t->proc = p;
	t->next_in_proc = p->threads;
	p->threads = t;
	p->nthreads++;
	p->threads_seen++;
	hash_insert(tr, t);
	tr->ntraced++;
	return t;
}

void sb_tree_drop_thread(struct sb_trace *tr, struct sb_thread *t)
{
	struct sb_proc *p = t->proc;
	struct sb_thread **pp = &p->threads;

	while (*pp && *pp != t)
		pp = &(*pp)->next_in_proc;
	if (*pp)
		*pp = t->next_in_proc;
	hash_remove(tr, t);
	p->nthreads--;
	tr->ntraced--;
	free(t);
}

void sb_tree_end_proc(struct sb_trace *tr, struct sb_proc *p)
{
	struct sb_proc **pp = &tr->procs;

	while (p->threads)
		sb_tree_drop_thread(tr, p->threads);
	p->traced = false;
	if (p->settling) {
		p->settling = false;
		tr->nsettling--;
	}
	if (tr->o.ops && tr->o.ops->proc_end)
		tr->o.ops->proc_end(tr->o.ctx, p);
	while (*pp && *pp != p)
		pp = &(*pp)->next;
	if (*pp)
		*pp = p->next;
	free(p);
}

void sb_tree_rename(struct sb_trace *tr, struct sb_thread *t, pid_t new_tid)
{
	hash_remove(tr, t);
	t->tid = new_tid;
	hash_insert(tr, t);
}
