/* test_settle.c - the settle rule against recorded thread states.
 *
 * Each row is what the engine and /proc said of one thread at one moment
 * (state letter from /proc/TID/stat, the number from /proc/TID/syscall or
 * -1 for "running"), with the answers the rule must give. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>

#include "settle.h"

struct row {
	const char *what;
	struct sb_task_view v;
	bool settled, quiet;
};

static const struct row rows[] = {
    {"held at its marker", {.held = true, .stopped = true, .state = '?', .nr = -1}, true, true},
    {"stopped by us, event being handled", {.stopped = true, .state = 't', .nr = 232}, false, true},
    {"asleep in epoll_wait, entry stops on", {.entry_stops = true, .state = 'S', .nr = 232}, true, true},
    {"asleep in futex, PTRACE_CONT (lazy)", {.state = 'S', .nr = 202}, true, false},
    {"disk sleep in read, entry stops on", {.entry_stops = true, .state = 'D', .nr = 0}, true, true},
    {"S but not in a syscall (page fault)", {.entry_stops = true, .state = 'S', .nr = -1}, false, false},
    {"running user code", {.entry_stops = true, .state = 'R', .nr = -1}, false, false},
    {"running inside a syscall", {.entry_stops = true, .state = 'R', .nr = 1}, false, false},
    {"uncollected tracing stop", {.state = 't', .nr = 14}, false, true},
    {"group-stopped", {.state = 'T', .nr = 34}, true, true},
    {"zombie", {.state = 'Z', .nr = -1}, true, true},
    {"gone from /proc, not reaped (mid-execve)", {.gone = true, .state = '?', .nr = -1}, false, true},
    {"asleep in execve (waits for the others to die)",
     {.entry_stops = true, .state = 'D', .nr = 59},
     false,
     true},
    {"asleep in execveat, PTRACE_CONT", {.state = 'S', .nr = 322}, false, false},
};

static void test_rows(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		if (sb_settle_thread(&r->v) != r->settled || sb_settle_quiet(&r->v) != r->quiet)
			fail_msg("%s: settled %d (want %d), quiet %d (want %d)", r->what,
			         sb_settle_thread(&r->v), r->settled, sb_settle_quiet(&r->v), r->quiet);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
