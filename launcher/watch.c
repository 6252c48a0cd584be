/* watch.c - kill reports for the processes of the tree the engine let go.
 *
 * A process detached at its transition (or born in serving) is no longer
 * traced: its death is no event of ours. So every traced process gets a
 * pidfd when the engine first sees it (watch_open, from ops->new_proc: it
 * is stopped and traced, so its pid is certainly that process); the pidfd
 * of one that dies traced is closed, that of one detached is kept with
 * what its report needs. A thread polls the kept pidfds; one readable is a
 * process that ended, reported as the root is (report_proc_end: a seccomp
 * kill found in its status or in the kernel log within its lifetime).
 *
 * Invariants:
 *  - the thread only polls, reports and closes pidfds it took out of the
 *    table (under the lock); it makes no ptrace call (the engine's
 *    tracees belong to the main thread) and takes no signal (all blocked:
 *    forwarding and the engine's EINTR stay the main thread's);
 *  - at most SB_WATCH_MAX are kept; beyond that, or when a pidfd cannot be
 *    opened, it is said once that later kills may go unreported;
 *  - watch_end, when the root ended, stops the thread and reports those
 *    already ended; it never waits for the others;
 *  - a process born of a member after it was let go (a worker started
 *    while serving) was never traced: the kernel's process events
 *    (procevents.h) show its birth and its end, and the thread feeds them
 *    to the tree of born.h, with every pid the engine traces (watch_open);
 *    a born one that ends is reported as a let-go one is. Without the
 *    events (no CAP_NET_ADMIN, or dropped in a burst) such kills go
 *    unreported, and the latter is said once.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "born.h"
#include "launch.h"
#include "msg.h"
#include "procevents.h"

#define SB_WATCH_MAX 4096
#define STR_(x)      #x
#define STR(x)       STR_(x)
#define TREE_FULL    "more than " STR(SB_BORN_MAX) " processes in the tree"

struct watched {
	int pidfd;
	pid_t pid;
	enum sb_phase ph;
	struct timespec born;
	char exe[256];
};

struct launcher_watch {
	pthread_mutex_t lock;
	struct watched w[SB_WATCH_MAX];
	int n;
	int events;             /* procevents socket, -1: none */
	struct born_tree *tree; /* with events, under the lock */
	int wake;               /* eventfd: a process was added, or ending was set */
	bool ending;
	bool thread_runs;
	bool lost_said;
	pthread_t thread;
};

static void start_thread(struct launcher *L);

/* p->user holds its pidfd + 1 (0: none) */
static int take_pidfd(struct sb_proc *p)
{
	int fd = (int)(intptr_t)p->user - 1;

	p->user = NULL;
	return fd;
}

static void say_lost(struct launcher_watch *W, const char *why)
{
	if (W->lost_said)
		return;
	W->lost_said = true;
	sb_warn("%s: seccomp kills of processes that end after this may go unreported", why);
}

/* The descriptors we keep may outnumber a default soft limit of 1024;
 * raised here, after the program was started, so it never inherits it. */
static void raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

/* The kernel's events of the machine, subscribed to before the program's
 * first process is traced; W->events stays -1 when they cannot be had. */
static void events_open(struct launcher_watch *W)
{
	W->events = sb_procevents_open();
	if (W->events >= 0 && !(W->tree = born_new())) {
		close(W->events);
		W->events = -1;
	}
}

static struct launcher_watch *watch_get(struct launcher *L)
{
	if (L->watch)
		return L->watch;
	struct launcher_watch *W = calloc(1, sizeof(*W));
	if (!W)
		return NULL;
	W->wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (W->wake < 0) {
		free(W);
		return NULL;
	}
	pthread_mutex_init(&W->lock, NULL);
	raise_nofile();
	events_open(W);
	return L->watch = W;
}

void watch_open(struct launcher *L, struct sb_proc *p)
{
	if (L->o->quiet || !watch_get(L))
		return;
	struct launcher_watch *W = L->watch;
	if (W->events >= 0) {
		pthread_mutex_lock(&W->lock);
		if (!born_traced(W->tree, p->pid, p->exe))
			say_lost(W, TREE_FULL);
		pthread_mutex_unlock(&W->lock);
		if (!W->thread_runs)
			start_thread(L);
	}
	int fd = (int)syscall(SYS_pidfd_open, p->pid, 0);
	if (fd < 0) {
		pthread_mutex_lock(&L->watch->lock);
		say_lost(L->watch, "cannot open a pidfd");
		pthread_mutex_unlock(&L->watch->lock);
		return;
	}
	p->user = (void *)(intptr_t)(fd + 1);
}

/* Removes the entry of pidfd fd into *out; false if it is not there. */
static bool take_entry(struct launcher_watch *W, int fd, struct watched *out)
{
	bool found = false;

	pthread_mutex_lock(&W->lock);
	for (int i = 0; i < W->n && !found; i++) {
		if (W->w[i].pidfd != fd)
			continue;
		*out = W->w[i];
		W->w[i] = W->w[--W->n];
		found = true;
	}
	pthread_mutex_unlock(&W->lock);
	return found;
}

static void report_entry(const struct launcher *L, const struct watched *e)
{
	int status;
	bool known = launcher_wait_status(e->pid, e->pidfd, &status);

	report_proc_end(L, e->pid, &e->born, e->exe, e->ph, known ? &status : NULL);
	close(e->pidfd);
}

/* pfd[0]: the wake eventfd, pfd[1]: the events socket (or -1), then the
 * kept pidfds. */
#define PFD_FIRST 2

/* Fills pfd[PFD_FIRST..] with the kept pidfds; returns how many, or -1
 * once watch_end asked the thread to stop (unless final). */
static int snapshot(struct launcher_watch *W, struct pollfd *pfd, bool final)
{
	int n;

	pthread_mutex_lock(&W->lock);
	n = W->ending && !final ? -1 : W->n;
	for (int i = 0; i < W->n; i++)
		pfd[i + PFD_FIRST] = (struct pollfd){.fd = W->w[i].pidfd, .events = POLLIN};
	pthread_mutex_unlock(&W->lock);
	return n;
}

/* Reports each pidfd of the n kept ones in pfd that is readable (its
 * process ended). */
static void report_ready(const struct launcher *L, struct launcher_watch *W, struct pollfd *pfd, int n)
{
	struct watched e;

	for (int i = PFD_FIRST; i < PFD_FIRST + n; i++)
		if ((pfd[i].revents & (POLLIN | POLLHUP | POLLERR)) && take_entry(W, pfd[i].fd, &e))
			report_entry(L, &e);
}

/* The watch thread's context: its argument, and the events' callback's. */
struct thread_arg {
	const struct launcher *L;
	struct launcher_watch *W;
};

static void on_event(void *ctx, const struct sb_pev *e)
{
	const struct thread_arg *c = ctx;
	struct launcher_watch *W = c->W;
	struct born_end end;
	bool full = false, ended;

	pthread_mutex_lock(&W->lock);
	ended = born_event(W->tree, e, &end, &full);
	if (full)
		say_lost(W, TREE_FULL);
	pthread_mutex_unlock(&W->lock);
	if (ended)
		report_proc_end(c->L, end.pid, &end.born, end.exe, end.ph, &end.status);
}

/* What the events socket holds; a burst the kernel dropped is said once. */
static void read_events(const struct launcher *L, struct launcher_watch *W)
{
	struct thread_arg c = {L, W};

	if (W->events >= 0 && sb_procevents_read(W->events, on_event, &c) == -ENOBUFS) {
		pthread_mutex_lock(&W->lock);
		say_lost(W, "the kernel dropped process events (a burst on the machine)");
		pthread_mutex_unlock(&W->lock);
	}
}

static void *watch_thread(void *arg)
{
	const struct launcher *L = ((struct thread_arg *)arg)->L;
	struct launcher_watch *W = ((struct thread_arg *)arg)->W;
	static struct pollfd pfd[SB_WATCH_MAX + PFD_FIRST];
	uint64_t v;
	int n;

	pfd[0] = (struct pollfd){.fd = W->wake, .events = POLLIN};
	pfd[1] = (struct pollfd){.fd = W->events, .events = POLLIN};
	while ((n = snapshot(W, pfd, false)) >= 0) {
		int r = poll(pfd, (nfds_t)(n + PFD_FIRST), -1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			break; /* ENOMEM: stop rather than spin; watch_end sweeps */
		if (pfd[0].revents & POLLIN)
			(void)!read(W->wake, &v, sizeof(v));
		if (pfd[1].revents & POLLIN)
			read_events(L, W);
		report_ready(L, W, pfd, n);
	}
	return NULL;
}

static void wake(struct launcher_watch *W)
{
	uint64_t one = 1;

	(void)!write(W->wake, &one, sizeof(one));
}

/* Started with every signal blocked: the thread inherits the mask. */
static void start_thread(struct launcher *L)
{
	static struct thread_arg arg;
	sigset_t all, old;

	arg = (struct thread_arg){L, L->watch};
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	L->watch->thread_runs = pthread_create(&L->watch->thread, NULL, watch_thread, &arg) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

static bool add_entry(struct launcher_watch *W, int fd, const struct sb_proc *p)
{
	bool added = false;

	pthread_mutex_lock(&W->lock);
	if (W->n < SB_WATCH_MAX) {
		struct watched *e = &W->w[W->n++];
		*e = (struct watched){.pidfd = fd, .pid = p->pid, .ph = p->ph.phase, .born = p->born};
		snprintf(e->exe, sizeof(e->exe), "%s", p->exe);
		added = true;
	} else
		say_lost(W, "more than " STR(SB_WATCH_MAX) " processes let go at once");
	pthread_mutex_unlock(&W->lock);
	return added;
}

void watch_proc_end(struct launcher *L, struct sb_proc *p)
{
	int fd = take_pidfd(p);

	if (fd < 0)
		return;
	/* died traced (reported by proc_end), the root (report_exit's), or
	 * let go after watch_end (the root is gone: nobody reports) */
	if (p->exited || p->pid == L->root || !L->watch || !add_entry(L->watch, fd, p)) {
		close(fd);
		return;
	}
	if (!L->watch->thread_runs)
		start_thread(L);
	wake(L->watch);
}

void watch_end(struct launcher *L)
{
	struct launcher_watch *W = L->watch;
	struct pollfd *pfd;

	if (!W)
		return;
	L->watch = NULL;
	if (W->thread_runs) {
		pthread_mutex_lock(&W->lock);
		W->ending = true;
		pthread_mutex_unlock(&W->lock);
		wake(W);
		pthread_join(W->thread, NULL);
	}
	read_events(L, W); /* born ones that ended before the root */
	if ((pfd = calloc((size_t)W->n + PFD_FIRST, sizeof(*pfd)))) {
		int n = snapshot(W, pfd, true);
		if (poll(pfd + PFD_FIRST, (nfds_t)n, 0) > 0)
			report_ready(L, W, pfd, n);
		free(pfd);
	}
	for (int i = 0; i < W->n; i++)
		close(W->w[i].pidfd);
	if (W->events >= 0)
		close(W->events);
	born_free(W->tree);
	close(W->wake);
	pthread_mutex_destroy(&W->lock);
	free(W);
}
