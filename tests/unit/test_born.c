/* test_born.c - the tree of processes no tracer sees (launcher/born.c),
 * fed synthetic events. Pids start above the kernel's limit (4194304), so
 * no /proc entry answers for them and names come from the creator. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <sys/wait.h>

#include "born.h"

#define P(n) ((pid_t)(5000000 + (n)))

static const int KILLED = SIGSYS | 0x80; /* a seccomp kill's wait status (core) */

static bool fork_ev(struct born_tree *t, pid_t parent, pid_t child)
{
	struct sb_pev e = {SB_PEV_FORK, child, parent, 0};
	struct born_end end;
	bool full = false;

	assert_false(born_event(t, &e, &end, &full));
	return !full;
}

/* The exit of pid: true with *end if it is a born member's. */
static bool exit_ev(struct born_tree *t, pid_t pid, int status, struct born_end *end)
{
	struct sb_pev e = {SB_PEV_EXIT, pid, 0, status};
	bool full = false;

	return born_event(t, &e, end, &full);
}

static void test_born_of_a_member(void **state)
{
	struct born_tree *t = born_new();
	struct born_end end;

	assert_true(born_traced(t, P(1), "supervisor"));
	assert_true(fork_ev(t, P(1), P(2)));
	assert_true(fork_ev(t, P(2), P(3))); /* a grandchild */
	assert_true(exit_ev(t, P(3), 0, &end));
	assert_int_equal(end.pid, P(3));
	assert_int_equal(end.status, 0);
	assert_true(exit_ev(t, P(2), KILLED, &end));
	assert_int_equal(end.pid, P(2));
	assert_int_equal(end.ph, SB_PHASE_SERVING);
	assert_string_equal(end.exe, "supervisor");
	assert_true(WIFSIGNALED(end.status) && WTERMSIG(end.status) == SIGSYS);
	assert_false(exit_ev(t, P(2), KILLED, &end)); /* once */
	born_free(t);
}

static void test_traced_never_reported(void **state)
{
	struct born_tree *t = born_new();
	struct born_end end;

	assert_true(born_traced(t, P(1), "x"));
	assert_false(exit_ev(t, P(1), KILLED, &end)); /* the root: the engine's */
	assert_true(born_traced(t, P(10), "x"));
	/* the fork event read before the engine said it traces the child */
	assert_true(fork_ev(t, P(10), P(11)));
	assert_true(born_traced(t, P(11), "x"));
	assert_false(exit_ev(t, P(11), KILLED, &end));
	/* and after */
	assert_true(born_traced(t, P(12), "x"));
	assert_true(fork_ev(t, P(10), P(12)));
	assert_false(exit_ev(t, P(12), KILLED, &end));
	born_free(t);
}

static void test_strangers(void **state)
{
	struct born_tree *t = born_new();
	struct born_end end;

	assert_true(born_traced(t, P(1), "x"));
	assert_true(fork_ev(t, P(99), P(100))); /* not of the tree */
	assert_false(exit_ev(t, P(100), KILLED, &end));
	/* the root's pid, reused after its exit, is a stranger's */
	assert_false(exit_ev(t, P(1), 0, &end));
	assert_true(fork_ev(t, P(1), P(101)));
	assert_false(exit_ev(t, P(101), KILLED, &end));
	born_free(t);
}

static void test_full_and_churn(void **state)
{
	struct born_tree *t = born_new();
	struct born_end end;

	for (int i = 0; i < SB_BORN_MAX; i++)
		assert_true(born_traced(t, P(i), "x"));
	assert_false(born_traced(t, P(SB_BORN_MAX), "x"));
	assert_false(fork_ev(t, P(0), P(SB_BORN_MAX))); /* said: full */
	for (int i = 0; i < SB_BORN_MAX; i++)
		assert_false(exit_ev(t, P(i), 0, &end));
	/* many short-lived workers: tombstones pile up and are dropped */
	assert_true(born_traced(t, P(0), "x"));
	for (int i = 1; i < 40000; i++) {
		assert_true(fork_ev(t, P(0), P(i)));
		assert_true(exit_ev(t, P(i), 0, &end));
		assert_int_equal(end.pid, P(i));
	}
	assert_true(fork_ev(t, P(0), P(40000)));
	assert_true(exit_ev(t, P(40000), KILLED, &end));
	born_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_born_of_a_member),
	    cmocka_unit_test(test_traced_never_reported),
	    cmocka_unit_test(test_strangers),
	    cmocka_unit_test(test_full_and_churn),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
