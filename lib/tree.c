/* tree.c - the traced threads and processes.
 *
 * Invariant: every thread we trace has exactly one record, reachable from the
 * tid hash and from its process's thread list; processes are never freed
 * before sb_trace_free (the tree is reported at the end), threads are freed
 * when they exit or are detached. Memory grows with processes and threads,
 * never with syscalls.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static struct sb_proc *find_proc(struct sb_trace *tr, pid_t pid)
{
	struct sb_proc *p;
	for (p = tr->procs; p; p = p->next)
		if (p->pid == pid && !p->exited)
			return p;
	return NULL;
}

/* A child starts in its parent's phase, armed state and program: filters and
 * phases survive fork (sandbox-policy(5)). */
struct sb_proc *sb_tree_new_proc(struct sb_trace *tr, pid_t pid, struct sb_proc *parent)
{
	struct sb_proc *p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->pid = pid;
	p->traced = true;
	p->transition_nr = -1;
	if (parent) {
		p->ppid = parent->pid;
		p->ph = parent->ph;
		p->program_started = parent->program_started;
		memcpy(p->exe, parent->exe, sizeof(p->exe));
	} else {
		sb_phase_start(&p->ph, tr->o.rules, tr->o.nrules);
	}
	*tr->procs_tail = p;
	tr->procs_tail = &p->next;
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

/* Tgid and PPid of a task, from /proc (0 when it is already gone). */
static void read_ids(pid_t tid, pid_t *tgid, pid_t *ppid)
{
	char path[64], line[256];
	snprintf(path, sizeof(path), "/proc/%d/status", tid);
	FILE *f = fopen(path, "re");
	*tgid = *ppid = 0;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "Tgid:", 5))
			*tgid = atoi(line + 5);
		else if (!strncmp(line, "PPid:", 5))
			*ppid = atoi(line + 5);
	}
	fclose(f);
}

/* A new task may report its first stop before its creator reports the
 * fork/clone event, so both paths come here; /proc tells thread from process.
 * The creator is stopped at its event until we resume it, so its phase cannot
 * move between the fork and this call. */
struct sb_thread *sb_tree_ensure(struct sb_trace *tr, pid_t tid, struct sb_proc *parent)
{
	struct sb_thread *t = sb_tree_find(tr, tid);
	pid_t tgid, ppid;
	struct sb_proc *p;

	if (t)
		return t;
	read_ids(tid, &tgid, &ppid);
	if (tgid && tgid != tid && (p = find_proc(tr, tgid)))
		return sb_tree_add_thread(tr, p, tid);
	if (!parent)
		parent = find_proc(tr, ppid);
	p = sb_tree_new_proc(tr, tid, parent);
	if (!p)
		return NULL;
	if (tr->o.ops && tr->o.ops->new_proc)
		tr->o.ops->new_proc(tr->o.ctx, p, parent);
	return sb_tree_add_thread(tr, p, tid);
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

void sb_tree_rename(struct sb_trace *tr, struct sb_thread *t, pid_t new_tid)
{
	hash_remove(tr, t);
	t->tid = new_tid;
	hash_insert(tr, t);
}
