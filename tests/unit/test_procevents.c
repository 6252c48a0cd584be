/* test_procevents.c - the kernel's process events (sb_procevents_*): a
 * child forked after the subscription, that forks a grandchild and a
 * thread and dies by SIGSYS, must show as a fork of a process from us, a
 * fork from it (the thread's is not passed on), and exits with their
 * wait statuses, in that order. Needs CAP_NET_ADMIN: skipped without it,
 * saying so. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "procevents.h"

#define MAX_SEEN 4096

struct seen {
	struct sb_pev e[MAX_SEEN];
	int n;
};

static void keep(void *ctx, const struct sb_pev *e)
{
	struct seen *s = ctx;

	if (s->n < MAX_SEEN)
		s->e[s->n++] = *e;
}

static void *nothing(void *arg)
{
	return arg;
}

/* The child: a grandchild that exits 3, a thread, then SIGSYS. */
static void child(void)
{
	pthread_t t;
	pid_t g = fork();

	if (g == 0)
		_exit(3);
	waitpid(g, NULL, 0);
	if (pthread_create(&t, NULL, nothing, NULL) == 0)
		pthread_join(t, NULL);
	signal(SIGSYS, SIG_DFL);
	raise(SIGSYS);
	_exit(1);
}

/* Index of the first event of kind k for pid after index from, or -1. */
static int find(const struct seen *s, int from, enum sb_pev_kind k, pid_t pid)
{
	for (int i = from; i < s->n; i++)
		if (s->e[i].kind == k && s->e[i].pid == pid)
			return i;
	return -1;
}

/* Everything queued until both exits were seen (bounded: 5 s). */
static void collect(int fd, struct seen *s, pid_t c)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};

	for (int i = 0; i < 50 && find(s, 0, SB_PEV_EXIT, c) < 0; i++) {
		poll(&p, 1, 100);
		int r = sb_procevents_read(fd, keep, s);
		assert_true(r == 0 || r == -ENOBUFS); /* a burst elsewhere: the rest still comes */
	}
}

static void test_fork_and_exits(void **state)
{
	static struct seen s;
	int fd = sb_procevents_open();

	if (fd == -EPERM) {
		fprintf(stderr, "skipped: the proc connector needs CAP_NET_ADMIN\n");
		skip();
	}
	assert_true(fd >= 0);
	pid_t c = fork();
	if (c == 0)
		child();
	int st;
	assert_int_equal(waitpid(c, &st, 0), c);
	collect(fd, &s, c);

	int f = find(&s, 0, SB_PEV_FORK, c);
	assert_true(f >= 0);
	assert_int_equal(s.e[f].parent, getpid());
	/* the grandchild: born of c, exit status 3 */
	int g = -1;
	for (int i = f + 1; i < s.n && g < 0; i++)
		if (s.e[i].kind == SB_PEV_FORK && s.e[i].parent == c)
			g = i;
	assert_true(g >= 0);
	int ge = find(&s, g, SB_PEV_EXIT, s.e[g].pid);
	assert_true(ge > g);
	assert_true(WIFEXITED(s.e[ge].status));
	assert_int_equal(WEXITSTATUS(s.e[ge].status), 3);
	/* only one fork from c: its thread is not a process */
	for (int i = g + 1; i < s.n; i++)
		assert_false(s.e[i].kind == SB_PEV_FORK && s.e[i].parent == c);
	int ce = find(&s, ge, SB_PEV_EXIT, c);
	assert_true(ce > ge);
	assert_true(WIFSIGNALED(s.e[ce].status));
	assert_int_equal(WTERMSIG(s.e[ce].status), SIGSYS);
	assert_int_equal(WTERMSIG(s.e[ce].status), WTERMSIG(st)); /* as waitpid says */
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fork_and_exits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
