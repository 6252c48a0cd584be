/* test_procfs.c - reading a sleeping thread's call from /proc
 * (sb_procfs_task_state): a thread of this test
 * sleeps in read(2) on a pipe with arguments we chose, and what /proc says
 * must be them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "procfs.h"

static int fds[2];
static volatile pid_t sleeper_tid;

static void *sleeper(void *arg)
{
	char buf[7];

	sleeper_tid = (pid_t)syscall(SYS_gettid);
	return (void *)(intptr_t)syscall(SYS_read, fds[0], buf, sizeof(buf));
}

/* Wait (bounded: 5 s) until the thread sleeps in read. */
static void wait_asleep(pid_t tid)
{
	struct timespec ms = {0, 1000000};
	char state = '?';
	long nr = -1;

	for (int i = 0; i < 5000; i++) {
		if (sb_procfs_task_state(getpid(), tid, &state, &nr, NULL) == 0 && state == 'S' &&
		    nr == SYS_read)
			return;
		nanosleep(&ms, NULL);
	}
	fail_msg("thread %d never slept in read (state %c, nr %ld)", (int)tid, state, nr);
}

static void test_sleeping_args(void **state)
{
	pthread_t t;
	uint64_t args[6] = {9, 9, 9, 9, 9, 9};

	assert_int_equal(pipe(fds), 0);
	assert_int_equal(pthread_create(&t, NULL, sleeper, NULL), 0);
	while (!sleeper_tid)
		sched_yield();
	wait_asleep(sleeper_tid);
	char st = '?';
	long nr = -1;
	assert_int_equal(sb_procfs_task_state(getpid(), sleeper_tid, &st, &nr, args), 0);
	assert_int_equal(st, 'S');
	assert_int_equal(nr, SYS_read);
	assert_int_equal(args[0], (uint64_t)fds[0]);
	assert_int_equal(args[2], 7);
	uint64_t other[6] = {1, 2, 3, 4, 5, 6};
	assert_int_equal(write(fds[1], "x", 1), 1);
	pthread_join(t, NULL);
	assert_int_equal(sb_procfs_task_state(getpid(), 999999, &st, &nr, other), -ESRCH); /* gone */
	assert_int_equal(other[0], 1); /* written only on success */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sleeping_args),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
