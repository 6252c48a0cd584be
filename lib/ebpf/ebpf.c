/* ebpf.c - load and drive the eBPF recorder (ebpf.h).
 *
 * Invariants: the rule table goes into the program's rodata before load,
 * copied from struct sb_transition's bitmaps (the same table lib/phase.c
 * tests), and so does the argument table, from sb_arg_def and sb_arg_nr
 * (the table the ptrace profiler records from); a kernel record of an
 * argument becomes a struct sb_arg_seen only through sb_arg_record, so
 * both backends keep the same values and flags; a task enters the tracked
 * table only here (slot 0, attach) or in the kernel's fork hook, and the
 * child waits until it is in, so its first call is seen.
 *
 * The program comes as a light skeleton (record.lskel.h): its loader
 * program has the kernel apply the CO-RE relocations against the BTF the
 * kernel already holds, and the programs attach to raw tracepoints by
 * name. Nothing here reads /sys/kernel/btf/vmlinux (libbpf's parse of it
 * cost a profile some 20 ms), and no libbpf is linked.
 */
#include "ebpf.h"

#include <errno.h>
#include <stdio.h>

/* A record's argument into s, as if each value it kept had been seen by
 * sb_arg_record; what the kernel alone knows (more values than a set
 * holds, the dangerous values among them) is OR'ed in. */
void sb_ebpf_arg_seen(const struct sb_ebpf_proc *rec, int phase, enum sb_arg_id id, struct sb_arg_seen *s)
{
	const struct sb_ebpf_arg_seen *k = &rec->seen[phase][id];
	const struct sb_arg_def *d = sb_arg_def(id);

	if (!d || !k->any)
		return;
	s->any = true;
	if (d->kind == SB_ARG_FLAGS) {
		sb_arg_record(id, s, k->bits);
		return;
	}
	for (int i = 0; i < SB_EBPF_VALUES; i++)
		if (k->v[i])
			sb_arg_record(id, s, k->v[i] - 1);
	s->overflow |= k->overflow != 0;
	s->danger_seen |= k->danger_seen;
}

#ifndef SB_HAVE_EBPF

bool sb_ebpf_built(void)
{
	return false;
}

int sb_ebpf_open(struct sb_ebpf **out, const struct sb_transition *rules, int nrules, char *why,
                 size_t whylen)
{
	*out = NULL;
	snprintf(why, whylen, "this build has no eBPF backend (built without clang, libbpf or bpftool)");
	return -ENOSYS;
}

int sb_ebpf_track_child(struct sb_ebpf *e, pid_t pid)
{
	return -ENOSYS;
}

int sb_ebpf_track_running(struct sb_ebpf *e, pid_t pid)
{
	return -ENOSYS;
}

int sb_ebpf_nprocs(const struct sb_ebpf *e)
{
	return 0;
}

int sb_ebpf_read(const struct sb_ebpf *e, int slot, struct sb_ebpf_proc *out)
{
	return -ENOSYS;
}

uint64_t sb_ebpf_lost(const struct sb_ebpf *e)
{
	return 0;
}

void sb_ebpf_close(struct sb_ebpf *e)
{
}

#else

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "record.lskel.h"
#include "syscalls.h"
#include "util.h"

struct sb_ebpf {
	struct sb_record *skel;
	int attached_threads; /* found by track_running's scans, not by a fork hook */
};

bool sb_ebpf_built(void)
{
	return true;
}

/* The two map calls skel_internal.h lacks (lookup, next key), on its
 * bpf(2) wrapper as its own skel_map_update_elem: the profiler links no
 * libbpf (nor libelf, libz) at run time. Both take the key and one output,
 * which bpf_attr holds in the same field (value and next_key are a union).
 * -1 and errno on failure. */
static int map_elem(enum bpf_cmd cmd, int fd, const void *key, void *out)
{
	const size_t sz = offsetofend(union bpf_attr, value);
	union bpf_attr attr;

	_Static_assert(offsetof(union bpf_attr, value) == offsetof(union bpf_attr, next_key),
	               "bpf_attr: value and next_key share a field");
	memset(&attr, 0, sz);
	attr.map_fd = (__u32)fd;
	attr.key = (__u64)(uintptr_t)key;
	attr.value = (__u64)(uintptr_t)out;
	return skel_sys_bpf(cmd, &attr, (unsigned)sz);
}

static int map_lookup(int fd, const void *key, void *value)
{
	return map_elem(BPF_MAP_LOOKUP_ELEM, fd, key, value);
}

static int map_next_key(int fd, const void *key, void *next)
{
	return map_elem(BPF_MAP_GET_NEXT_KEY, fd, key, next);
}

static void set_rules(struct sb_record *skel, const struct sb_transition *rules, int nrules)
{
	struct sb_ebpf_rules *r = &skel->rodata->rules;

	r->nrules = (uint32_t)nrules;
	r->thread_start = sb_phase_thread_start(rules, nrules);
	for (int i = 0; i < nrules; i++) {
		_Static_assert(sizeof(r->rule[i].marker_set) == sizeof(rules[i].marker_set), "bitmap size");
		memcpy(r->rule[i].marker_set, rules[i].marker_set, sizeof(r->rule[i].marker_set));
		memcpy(r->rule[i].after_set, rules[i].after_set, sizeof(r->rule[i].after_set));
		r->rule[i].fd = rules[i].fd;
		r->rule[i].scope = (uint32_t)rules[i].scope;
		for (size_t b = 0; b < sizeof(r->any_set); b++)
			r->any_set[b] |= rules[i].marker_set[b] | rules[i].after_set[b];
	}
}

/* argtab from lib/args.c. A values argument keeps value + 1 (record.h),
 * so it must be narrower than 64 bits; its dangerous values must fit. */
static int set_args(struct sb_record *skel, char *why, size_t whylen)
{
	_Static_assert(SB_EBPF_ARGS == SB_ARG_N && SB_EBPF_VALUES == SB_COND_MAX,
	               "record.h's argument sizes");
	struct sb_ebpf_argtab *t = &skel->rodata->argtab;
	int clone3 = sb_syscall_nr("clone3");

	for (int id = 0; id < SB_ARG_N; id++) {
		const struct sb_arg_def *d = sb_arg_def((enum sb_arg_id)id);
		int nr = sb_arg_nr((enum sb_arg_id)id), n = 0;

		if (nr < 0 || nr >= SB_EBPF_NR_MAX)
			continue; /* not a native call here: never made, never recorded */
		if (d->kind == SB_ARG_VALUES && d->width == ~0ull) {
			snprintf(why, whylen, "argument %s: a 64-bit values argument cannot be recorded",
			         d->arg);
			return -EINVAL;
		}
		for (; d->danger && d->danger[n]; n++)
			if (n == SB_EBPF_DANGER - 1) {
				snprintf(why, whylen, "argument %s: more than %d dangerous values", d->arg,
				         SB_EBPF_DANGER - 1);
				return -E2BIG;
			}
		t->arg_of[nr] = (uint8_t)(id + 1);
		t->def[id].index = d->index;
		t->def[id].flags = d->kind == SB_ARG_FLAGS;
		t->def[id].width = d->width;
		if (n) /* the rest stays 0: the list's end */
			memcpy(t->def[id].danger, d->danger, (size_t)n * sizeof(d->danger[0]));
	}
	if (clone3 >= 0 && clone3 < SB_EBPF_NR_MAX && sb_arg_nr(SB_ARG_CLONE_FLAGS) >= 0)
		t->arg_of[clone3] = (uint8_t)((SB_ARG_CLONE_FLAGS + 1) | SB_EBPF_ARG_MEM);
	return 0;
}

/* A skeleton opened with the tables in its rodata, not loaded yet. */
static int open_skel(struct sb_record **out, const struct sb_transition *rules, int nrules, char *why,
                     size_t whylen)
{
	struct sb_record *skel = sb_record__open();
	int r;

	*out = NULL;
	if (!skel) {
		snprintf(why, whylen, "cannot open the BPF program: %s", strerror(ENOMEM));
		return -ENOMEM;
	}
	set_rules(skel, rules, nrules);
	if ((r = set_args(skel, why, whylen)) < 0) {
		sb_record__destroy(skel);
		return r;
	}
	*out = skel;
	return 0;
}

/* The verifier's error in a log: its last line but the statistics it
 * ends with ("processed N insns", "verification time"). */
static const char *last_words(char *log)
{
	char *end = log + strlen(log);

	for (;;) {
		while (end > log && end[-1] == '\n')
			*--end = '\0';
		char *line = end;
		while (line > log && line[-1] != '\n')
			line--;
		if (line == end)
			return NULL;
		if (strncmp(line, "processed ", 10) && strncmp(line, "verification time", 17))
			return line;
		*line = '\0';
		end = line;
	}
}

/* Why the load failed with -r: the verifier's words, from a second load
 * with the log on (the loader program hands its log buffer to the BTF and
 * every program it loads; the failing one writes last). Only on failure: a
 * log costs verifier time, and the BTF's log alone takes some 100 kB. */
static void load_reason(const struct sb_transition *rules, int nrules, int r, char *why, size_t whylen)
{
	const size_t logsz = 1 << 20;
	struct sb_record *skel;
	char *log, ignored[8];

	snprintf(why, whylen, "cannot load the BPF program: %s", strerror(-r));
	if (r == -EPERM || !(log = calloc(1, logsz)))
		return;
	if (open_skel(&skel, rules, nrules, ignored, sizeof(ignored)) == 0) {
		const char *words = NULL;
		skel->ctx.log_level = 1;
		skel->ctx.log_size = (uint32_t)logsz;
		skel->ctx.log_buf = (uint64_t)(uintptr_t)log;
		if (sb_record__load(skel) == r) { /* the same failure, not the log's own */
			log[logsz - 1] = '\0';
			words = last_words(log);
		}
		if (words)
			snprintf(why + strlen(why), whylen - strlen(why), " (verifier: %s)", words);
		sb_record__destroy(skel);
	}
	free(log);
}

int sb_ebpf_open(struct sb_ebpf **out, const struct sb_transition *rules, int nrules, char *why,
                 size_t whylen)
{
	struct sb_record *skel;
	int r;

	*out = NULL;
	if (nrules < 0 || nrules > SB_EBPF_RULES) {
		snprintf(why, whylen, "at most %d transition rules", SB_EBPF_RULES);
		return -EINVAL;
	}
	if ((r = open_skel(&skel, rules, nrules, why, whylen)) < 0)
		return r;
	if ((r = sb_record__load(skel)) < 0) {
		sb_record__destroy(skel);
		load_reason(rules, nrules, r, why, whylen);
		return r;
	}
	if ((r = sb_record__attach(skel)) < 0) {
		r = -errno;
		sb_record__destroy(skel);
		snprintf(why, whylen, "cannot attach the BPF program: %s", strerror(-r));
		return r;
	}
	*out = calloc(1, sizeof(**out));
	if (!*out) {
		sb_record__destroy(skel);
		snprintf(why, whylen, "out of memory");
		return -ENOMEM;
	}
	(*out)->skel = skel;
	return 0;
}

static int add_thread(struct sb_ebpf *e, pid_t tid, uint32_t slot, uint32_t armed, uint64_t flags)
{
	struct sb_ebpf_thread t = {.slot = slot, .armed = armed};
	uint32_t key = (uint32_t)tid;

	if (skel_map_update_elem(e->skel->maps.threads.map_fd, &key, &t, flags) < 0)
		return -errno;
	return 0;
}

/* Record 0, before any fork hook could hand out a slot: nothing is tracked
 * yet, so nothing else writes nslots. */
static int new_root(struct sb_ebpf *e, pid_t pid, uint32_t phase, bool started, uint32_t threads,
                    const char *exe)
{
	struct sb_ebpf_proc *p = calloc(1, sizeof(*p));
	uint32_t slot = 0;
	int r = 0;

	if (!p)
		return -ENOMEM;
	if (e->skel->bss->nslots != 0) {
		free(p);
		return -EBUSY;
	}
	p->pid = (uint32_t)pid;
	p->phase = phase;
	p->armed = e->skel->rodata->rules.thread_start;
	p->rule = -1;
	p->transition_nr = -1;
	p->started = started;
	p->threads_seen = threads;
	snprintf(p->exe, sizeof(p->exe), "%s", exe);
	if (skel_map_update_elem(e->skel->maps.procs.map_fd, &slot, p, BPF_ANY) < 0)
		r = -errno;
	free(p);
	if (r == 0)
		e->skel->bss->nslots = 1;
	return r;
}

int sb_ebpf_track_child(struct sb_ebpf *e, pid_t pid)
{
	int r = new_root(e, pid, SB_PHASE_INIT, false, 1, "");

	if (r == 0)
		r = add_thread(e, pid, 0, e->skel->rodata->rules.thread_start, BPF_NOEXIST);
	return r;
}

/* One pass over /proc/PID/task: the threads not tracked yet are added.
 * Returns how many were added, or -errno. */
static int scan_threads(struct sb_ebpf *e, pid_t pid, int *threads)
{
	char path[64];
	struct dirent *d;
	int added = 0, r = 0;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	DIR *dir = opendir(path);
	if (!dir)
		return -errno;
	while (r == 0 && (d = readdir(dir))) {
		int tid = atoi(d->d_name);
		if (tid <= 0)
			continue;
		r = add_thread(e, tid, 0, ~0u, BPF_NOEXIST);
		if (r == -EEXIST)
			r = 0;
		else if (r == 0)
			added++;
	}
	closedir(dir);
	*threads += added;
	return r < 0 ? r : added;
}

/* argv[0] from /proc/PID/cmdline, as the exec hook reads it. */
static void read_argv0(pid_t pid, char *buf, size_t len)
{
	char path[64];
	ssize_t n = -1;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	FILE *f = fopen(path, "re");
	if (f) {
		n = (ssize_t)fread(buf, 1, len - 1, f);
		fclose(f);
	}
	buf[n > 0 ? n : 0] = '\0';
}

int sb_ebpf_track_running(struct sb_ebpf *e, pid_t pid)
{
	char exe[SB_EBPF_EXE_LEN];

	read_argv0(pid, exe, sizeof(exe));
	int r = new_root(e, pid, SB_PHASE_SERVING, true, 0, exe);
	int threads = 0;

	while (r == 0 && (r = scan_threads(e, pid, &threads)) > 0)
		r = 0;
	e->attached_threads = threads;
	return r < 0 ? r : 0;
}

int sb_ebpf_nprocs(const struct sb_ebpf *e)
{
	uint32_t n = e->skel->bss->nslots;
	return n > SB_EBPF_SLOTS ? SB_EBPF_SLOTS : (int)n;
}

/* record.bpf.c's arg_add, on a copy no thread writes any more. */
static void arg_add(const struct sb_ebpf_argdef *d, struct sb_ebpf_arg_seen *s, uint64_t x)
{
	int i;

	s->any = 1;
	x &= d->width;
	if (d->flags) {
		s->bits |= x;
		return;
	}
	for (i = 0; i < SB_EBPF_DANGER && d->danger[i]; i++)
		if ((d->danger[i] & d->width) == x)
			s->danger_seen |= 1ull << i;
	for (i = 0; i < SB_EBPF_VALUES && s->v[i] && s->v[i] != x + 1; i++)
		;
	if (i == SB_EBPF_VALUES)
		s->overflow = 1;
	else
		s->v[i] = x + 1;
}

/* A live sleeper's checked argument, in serving with its call. */
static void sleeper_arg(const struct sb_ebpf *e, const struct sb_ebpf_thread *t, struct sb_ebpf_proc *out)
{
	const struct sb_ebpf_argtab *tab = &e->skel->rodata->argtab;
	uint8_t a = tab->arg_of[t->last_nr];
	unsigned id = (unsigned)(a & ~SB_EBPF_ARG_MEM) - 1;

	if (a && t->last_arg_ok && id < SB_EBPF_ARGS)
		arg_add(&tab->def[id], &out->seen[SB_PHASE_SERVING][id], t->last_arg);
}

/* The threads of record `slot` still alive: the call each sleeps in since
 * before its process's transition is a serving call (record.bpf.c, sleeper). */
static void add_sleepers(const struct sb_ebpf *e, uint32_t slot, struct sb_ebpf_proc *out)
{
	int fd = e->skel->maps.threads.map_fd;
	struct sb_ebpf_thread t;
	uint32_t key, next;
	void *prev = NULL;

	while (map_next_key(fd, prev, &next) == 0) {
		key = next;
		prev = &key;
		if (map_lookup(fd, &key, &t) < 0)
			continue; /* it exited meanwhile: its exit hook counted it */
		if (t.slot == slot && t.last_init && t.last_nr < SB_EBPF_NR_MAX) {
			out->counts[SB_PHASE_SERVING][t.last_nr]++;
			sleeper_arg(e, &t, out);
		}
	}
}

int sb_ebpf_read(const struct sb_ebpf *e, int slot, struct sb_ebpf_proc *out)
{
	uint32_t key = (uint32_t)slot;

	if (map_lookup(e->skel->maps.procs.map_fd, &key, out) < 0)
		return -errno;
	if (slot == 0)
		out->threads_seen += (uint32_t)e->attached_threads;
	if (out->phase == SB_PHASE_SERVING)
		add_sleepers(e, key, out);
	return 0;
}

uint64_t sb_ebpf_lost(const struct sb_ebpf *e)
{
	return e->skel->bss->lost_procs + e->skel->bss->lost_threads;
}

void sb_ebpf_close(struct sb_ebpf *e)
{
	if (!e)
		return;
	sb_record__destroy(e->skel);
	free(e);
}

#endif
