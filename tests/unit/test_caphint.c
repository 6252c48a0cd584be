/* test_caphint.c - the capability hint table: the failures it explains,
 * and the ones it must not (an ordinary error is never blamed on a
 * capability).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <linux/capability.h>

#include "caphint.h"
#include "syscalls.h"

static int nr(const char *name)
{
	int n = sb_syscall_nr(name);
	assert_true(n >= 0);
	return n;
}

static int hint(const char *call, long ret, int port)
{
	struct sb_caphint_call c = {.nr = nr(call), .ret = ret, .port = port};
	const char *why = NULL;
	int cap = sb_caphint_for(&c, &why);

	if (cap >= 0)
		assert_non_null(why);
	return cap;
}

/* What a root daemon run without its capabilities meets first. */
static void test_daemon_failures(void **state)
{
	(void)state;
	assert_int_equal(hint("chown", -EPERM, -1), CAP_CHOWN);
	assert_int_equal(hint("fchownat", -EPERM, -1), CAP_CHOWN);
	assert_int_equal(hint("setgid", -EPERM, -1), CAP_SETGID);
	assert_int_equal(hint("setgroups", -EPERM, -1), CAP_SETGID);
	assert_int_equal(hint("setuid", -EPERM, -1), CAP_SETUID);
	assert_int_equal(hint("setresuid", -EPERM, -1), CAP_SETUID);
	assert_int_equal(hint("prlimit64", -EPERM, -1), CAP_SYS_RESOURCE);
	assert_int_equal(hint("openat", -EACCES, -1), CAP_DAC_OVERRIDE);
	assert_int_equal(hint("bind", -EACCES, 80), CAP_NET_BIND_SERVICE);
	assert_int_equal(hint("bind", -EACCES, 1023), CAP_NET_BIND_SERVICE);
}

/* Another errno, a port anyone may bind, a socket path: no capability
 * explains these. */
static void test_ordinary_failures(void **state)
{
	(void)state;
	assert_int_equal(hint("chown", -ENOENT, -1), -1);
	assert_int_equal(hint("chown", -EACCES, -1), -1); /* a path component, not the owner */
	assert_int_equal(hint("openat", -EPERM, -1), -1); /* O_NOATIME, a seal: not DAC */
	assert_int_equal(hint("setgid", -EINVAL, -1), -1);
	assert_int_equal(hint("bind", -EACCES, 1024), -1);
	assert_int_equal(hint("bind", -EACCES, -1), -1); /* AF_UNIX: the directory's mode */
	assert_int_equal(hint("bind", -EADDRINUSE, 80), -1);
	assert_int_equal(hint("read", -EPERM, -1), -1); /* not in the table */
	assert_int_equal(hint("chown", 0, -1), -1);
}

/* The calls the profiler asks results for are exactly the table's. */
static void test_calls_bitmap(void **state)
{
	(void)state;
	const uint8_t *set = sb_caphint_calls();

	assert_true(sb_bit_test(set, nr("chown")));
	assert_true(sb_bit_test(set, nr("bind")));
	assert_true(sb_bit_test(set, nr("setgid")));
	assert_false(sb_bit_test(set, nr("read")));
	assert_false(sb_bit_test(set, nr("epoll_wait")));
	int n = 0;
	for (int i = 0; i < SB_NR_MAX; i++)
		n += sb_bit_test(set, i);
	assert_in_range(n, 30, 36);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_daemon_failures),
	    cmocka_unit_test(test_ordinary_failures),
	    cmocka_unit_test(test_calls_bitmap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
