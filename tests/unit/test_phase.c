/* test_phase.c - the phase rule shared by profiler and launcher. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>
#include <sys/syscall.h>

#include "phase.h"

static const uint64_t fd0[6] = {0};
static const uint64_t fd3[6] = {3};

static void set_rule(struct sb_transition *tr, const char *markers, int fd, const char *after)
{
	memset(tr, 0, sizeof(*tr));
	assert_int_equal(sb_transition_set(tr, markers, fd, after, NULL), 0);
}

static void test_start(void **state)
{
	struct sb_transition rules[3];
	struct sb_phase_state s;

	set_rule(&rules[0], "accept", -1, "listen");
	set_rule(&rules[1], "read", 0, NULL);
	set_rule(&rules[2], "poll", -1, "bind, listen");
	sb_phase_start(&s, rules, 3);
	assert_int_equal(s.phase, SB_PHASE_INIT);
	assert_int_equal(s.rule, -1);
	assert_int_equal(s.armed, 1u << 1); /* only the rule without `after` */
}

static void test_marker_family(void **state)
{
	struct sb_transition r;
	struct sb_phase_state s;

	set_rule(&r, "accept", -1, NULL);
	sb_phase_start(&s, &r, 1);
	assert_int_equal(sb_phase_marker(&r, 1, &s, SYS_openat, fd3), -1);
	assert_int_equal(s.rule, -1);
	/* accept also matches accept4 */
	assert_int_equal(sb_phase_marker(&r, 1, &s, SYS_accept4, fd3), 0);
	assert_int_equal(s.rule, 0);
	/* the engine moves the phase, not the rule */
	assert_int_equal(s.phase, SB_PHASE_INIT);
}

static void test_marker_fd(void **state)
{
	struct sb_transition r;
	struct sb_phase_state s;
	uint64_t upper[6] = {0xffffffff00000000ull};

	set_rule(&r, "read", 0, NULL);
	sb_phase_start(&s, &r, 1);
	assert_int_equal(sb_phase_marker(&r, 1, &s, SYS_read, fd3), -1);
	assert_int_equal(sb_phase_marker(&r, 1, &s, SYS_read, NULL), -1);
	/* the kernel reads an int: only the low 32 bits count */
	assert_int_equal(sb_phase_marker(&r, 1, &s, SYS_pread64, upper), 0);
	sb_phase_start(&s, &r, 1);
	assert_int_equal(sb_phase_marker(&r, 1, &s, SYS_read, fd0), 0);
}

static void test_after_arms(void **state)
{
	struct sb_transition r;
	struct sb_phase_state s;

	set_rule(&r, "accept, poll", -1, "listen");
	sb_phase_start(&s, &r, 1);
	assert_int_equal(s.armed, 0u);
	/* before listen, markers do not count */
	assert_int_equal(sb_phase_marker(&r, 1, &s, SYS_poll, fd3), -1);
	assert_int_equal(sb_phase_marker(&r, 1, &s, SYS_listen, fd3), -1);
	assert_int_equal(s.armed, 1u);
	assert_int_equal(sb_phase_marker(&r, 1, &s, SYS_write, fd3), -1);
	assert_int_equal(sb_phase_marker(&r, 1, &s, SYS_ppoll, fd3), 0);
}

static void test_marker_in_serving(void **state)
{
	struct sb_transition r;
	struct sb_phase_state s;

	set_rule(&r, "accept", -1, NULL);
	sb_phase_start(&s, &r, 1);
	s.phase = SB_PHASE_SERVING;
	assert_int_equal(sb_phase_marker(&r, 1, &s, SYS_accept, fd3), -1);
}

static void test_two_rules(void **state)
{
	struct sb_transition rules[2];
	struct sb_phase_state s;

	assert_int_equal(sb_phase_auto_rules(rules), 2);
	sb_phase_start(&s, rules, 2);
	/* epoll_wait before listen: not a server wait yet */
	assert_int_equal(sb_phase_marker(rules, 2, &s, SYS_epoll_wait, fd3), -1);
	/* read of fd 3 is no stdin read */
	assert_int_equal(sb_phase_marker(rules, 2, &s, SYS_read, fd3), -1);
	assert_int_equal(sb_phase_marker(rules, 2, &s, SYS_listen, fd3), -1);
	assert_int_equal(sb_phase_marker(rules, 2, &s, SYS_epoll_pwait, fd3), 0);

	sb_phase_start(&s, rules, 2);
	assert_int_equal(sb_phase_marker(rules, 2, &s, SYS_readv, fd0), 1);
	assert_int_equal(s.rule, 1);
}

static void test_auto_rules(void **state)
{
	struct sb_transition rules[2];
	char buf[256];

	assert_int_equal(sb_phase_auto_rules(rules), 2);
	assert_string_equal(sb_transition_format(rules[0].markers, rules[0].nmarkers, buf, sizeof(buf)),
	                    "accept, epoll_wait, poll, select");
	assert_string_equal(sb_transition_format(rules[0].after, rules[0].nafter, buf, sizeof(buf)),
	                    "listen");
	assert_int_equal(rules[0].fd, -1);
	assert_true(sb_bit_test(rules[0].marker_set, SYS_pselect6));
	assert_string_equal(sb_transition_format(rules[1].markers, rules[1].nmarkers, buf, sizeof(buf)),
	                    "read");
	assert_int_equal(rules[1].nafter, 0);
	assert_int_equal(rules[1].fd, 0);
}

static void test_resolve_auto(void **state)
{
	struct sb_transition r;

	assert_int_equal(sb_phase_resolve_auto(0, SYS_epoll_pwait, &r), 0);
	assert_int_equal(r.nmarkers, 1);
	assert_string_equal(r.markers[0], "epoll_wait");
	assert_true(sb_bit_test(r.marker_set, SYS_epoll_wait));
	assert_true(sb_bit_test(r.marker_set, SYS_epoll_pwait));
	assert_false(sb_bit_test(r.marker_set, SYS_accept));
	assert_int_equal(r.fd, -1);
	assert_int_equal(r.nafter, 1);
	assert_string_equal(r.after[0], "listen");
	assert_true(sb_bit_test(r.after_set, SYS_listen));

	assert_int_equal(sb_phase_resolve_auto(1, SYS_read, &r), 0);
	assert_string_equal(r.markers[0], "read");
	assert_int_equal(r.fd, 0);
	assert_int_equal(r.nafter, 0);

	/* not a marker of that rule, or no such rule */
	assert_int_equal(sb_phase_resolve_auto(0, SYS_read, &r), -EINVAL);
	assert_int_equal(sb_phase_resolve_auto(2, SYS_accept, &r), -EINVAL);
	assert_int_equal(sb_phase_resolve_auto(-1, SYS_accept, &r), -EINVAL);
}

/* transition_scope = thread: a thread's markers count once it, or the
 * thread that created it by then, made an `after` call (memcached's
 * workers wait in epoll_wait from before main's listen). */
static void test_scope_thread(void **state)
{
	struct sb_transition r;
	struct sb_phase_state s;
	unsigned main_t, worker;

	set_rule(&r, "epoll_wait", -1, "listen");
	r.scope = SB_SCOPE_THREAD;
	sb_phase_start(&s, &r, 1);
	main_t = worker = sb_phase_thread_start(&r, 1);
	assert_int_equal(worker, 0);
	assert_int_equal(sb_phase_marker_thread(&r, 1, &s, &main_t, SYS_listen, fd3), -1);
	assert_true(sb_phase_armed(&r, 1, &s, main_t));
	assert_false(sb_phase_armed(&r, 1, &s, worker));
	/* the worker's next wait is not the transition, main's is */
	assert_int_equal(sb_phase_marker_thread(&r, 1, &s, &worker, SYS_epoll_wait, fd3), -1);
	unsigned created_by_main = main_t; /* a thread main creates after listen */
	assert_int_equal(sb_phase_marker_thread(&r, 1, &s, &created_by_main, SYS_epoll_pwait, fd3), 0);
	assert_int_equal(sb_phase_marker_thread(&r, 1, &s, &main_t, SYS_epoll_wait, fd3), 0);

	/* process scope (the default, and NULL thread bits): any thread */
	r.scope = SB_SCOPE_PROCESS;
	sb_phase_start(&s, &r, 1);
	main_t = worker = 0;
	assert_int_equal(sb_phase_marker_thread(&r, 1, &s, &main_t, SYS_listen, fd3), -1);
	assert_int_equal(sb_phase_marker_thread(&r, 1, &s, &worker, SYS_epoll_wait, fd3), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_scope_thread),  cmocka_unit_test(test_start),
	    cmocka_unit_test(test_marker_family), cmocka_unit_test(test_marker_fd),
	    cmocka_unit_test(test_after_arms),    cmocka_unit_test(test_marker_in_serving),
	    cmocka_unit_test(test_two_rules),     cmocka_unit_test(test_auto_rules),
	    cmocka_unit_test(test_resolve_auto),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
