/* test_syscalls.c - names <-> numbers through libseccomp, and families. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

#include "syscalls.h"

#define NAME_LEN 32

static void test_known_names(void **state)
{
	assert_int_equal(sb_syscall_nr("read"), SYS_read);
	assert_int_equal(sb_syscall_nr("accept4"), SYS_accept4);
	assert_int_equal(sb_syscall_nr("exit_group"), SYS_exit_group);
	assert_int_equal(sb_syscall_nr("epoll_pwait2"), 441);
}

/* Every number libseccomp names maps back to itself; every other number is
 * spelled syscall_N and parses back too. */
static void test_round_trip_every_nr(void **state)
{
	int named = 0;

	for (int nr = 0; nr < SB_NR_MAX; nr++) {
		char buf[NAME_LEN];
		char *lib = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);

		assert_non_null(sb_syscall_name(nr, buf, sizeof(buf)));
		if (lib != NULL) {
			assert_string_equal(buf, lib);
			named++;
		} else {
			char want[NAME_LEN];
			snprintf(want, sizeof(want), "syscall_%d", nr);
			assert_string_equal(buf, want);
		}
		free(lib);
		assert_int_equal(sb_syscall_nr(buf), nr);
	}
	assert_int_equal(sb_syscall_known_count(), named);
	assert_true(named > 300);
}

static void test_numbered_names(void **state)
{
	assert_int_equal(sb_syscall_nr("syscall_0"), 0);
	assert_int_equal(sb_syscall_nr("syscall_462"), 462);
	assert_int_equal(sb_syscall_nr("syscall_511"), 511);
	assert_int_equal(sb_syscall_nr("syscall_512"), -ENOENT);
	assert_int_equal(sb_syscall_nr("syscall_"), -ENOENT);
	assert_int_equal(sb_syscall_nr("syscall_-1"), -ENOENT);
	assert_int_equal(sb_syscall_nr("syscall_+1"), -ENOENT);
	assert_int_equal(sb_syscall_nr("syscall_01"), -ENOENT);
	assert_int_equal(sb_syscall_nr("syscall_1x"), -ENOENT);
	assert_int_equal(sb_syscall_nr("syscall_99999999999"), -ENOENT);
}

static void test_unknown_names(void **state)
{
	char buf[NAME_LEN];

	assert_int_equal(sb_syscall_nr("no_such_call"), -ENOENT);
	assert_int_equal(sb_syscall_nr(""), -ENOENT);
	assert_int_equal(sb_syscall_nr("READ"), -ENOENT);
	/* Known to libseccomp for other ABIs only (a negative pseudo number). */
	assert_int_equal(sb_syscall_nr("socketcall"), -ENOENT);
	assert_null(sb_syscall_name(-1, buf, sizeof(buf)));
	assert_null(sb_syscall_name(SB_NR_MAX, buf, sizeof(buf)));
}

static int bits(const uint8_t *set)
{
	int n = 0;

	for (int nr = 0; nr < SB_NR_MAX; nr++)
		n += sb_bit_test(set, nr);
	return n;
}

static void test_family_expand(void **state)
{
	uint8_t set[SB_BITMAP_BYTES] = {0};

	assert_int_equal(sb_family_expand("accept", set), 2);
	assert_true(sb_bit_test(set, SYS_accept));
	assert_true(sb_bit_test(set, SYS_accept4));
	assert_int_equal(bits(set), 2);

	memset(set, 0, sizeof(set));
	assert_int_equal(sb_family_expand("epoll_wait", set), 3);
	assert_true(sb_bit_test(set, SYS_epoll_pwait));
	memset(set, 0, sizeof(set));
	assert_int_equal(sb_family_expand("read", set), 5);
	assert_true(sb_bit_test(set, SYS_preadv2));
	memset(set, 0, sizeof(set));
	assert_int_equal(sb_family_expand("recv", set), 3);
	assert_false(sb_bit_test(set, SYS_read));
	assert_true(sb_bit_test(set, SYS_recvmmsg));

	/* Not a family: the one syscall. */
	memset(set, 0, sizeof(set));
	assert_int_equal(sb_family_expand("accept4", set), 1);
	assert_int_equal(bits(set), 1);
	assert_int_equal(sb_family_expand("listen", set), 1);
	assert_int_equal(bits(set), 2);
	assert_int_equal(sb_family_expand("nope", set), -ENOENT);
	assert_int_equal(bits(set), 2);
}

static void test_family_of(void **state)
{
	assert_string_equal(sb_family_of(SYS_accept4)->name, "accept");
	assert_string_equal(sb_family_of(SYS_accept)->name, "accept");
	assert_string_equal(sb_family_of(SYS_epoll_pwait)->name, "epoll_wait");
	assert_string_equal(sb_family_of(SYS_ppoll)->name, "poll");
	assert_string_equal(sb_family_of(SYS_pselect6)->name, "select");
	assert_string_equal(sb_family_of(SYS_pread64)->name, "read");
	assert_string_equal(sb_family_of(SYS_recvmsg)->name, "recv");
	assert_null(sb_family_of(SYS_write));
	assert_null(sb_family_of(-1));
	assert_null(sb_family_of(SB_NR_MAX));
}

/* The family of `use` a scan of the table by name finds for nr. */
static const struct sb_family *scan_family(int nr, unsigned use)
{
	for (const struct sb_family *f = sb_families; f->name; f++)
		for (const char *const *m = f->members; (f->use & use) && *m; m++)
			if (sb_syscall_nr(*m) == nr)
				return f;
	return NULL;
}

/* sb_family_of and sb_family_power answer from a table resolved once:
 * for every number, what a scan by name answers, each for its own use
 * (open is power only, recv marker only). */
static void test_family_by_nr(void **state)
{
	for (int nr = 0; nr < SB_NR_MAX; nr++) {
		assert_ptr_equal(sb_family_of(nr), scan_family(nr, SB_FAMILY_MARKER));
		assert_ptr_equal(sb_family_power(nr), scan_family(nr, SB_FAMILY_POWER));
	}
	assert_null(sb_family_of(SYS_openat));
	assert_string_equal(sb_family_power(SYS_openat)->name, "open");
	assert_string_equal(sb_family_of(SYS_recvmsg)->name, "recv");
	assert_null(sb_family_power(SYS_recvmsg));
	assert_null(sb_family_power(-1));
	assert_null(sb_family_power(SB_NR_MAX));
}

/* The table itself: every member is a syscall libseccomp knows here, no
 * syscall is in two families, and each entry says why. */
static void test_family_table(void **state)
{
	uint8_t seen[SB_BITMAP_BYTES] = {0};

	assert_non_null(sb_family_find("select"));
	assert_null(sb_family_find("accept4"));
	for (const struct sb_family *f = sb_families; f->name; f++) {
		assert_non_null(f->why);
		for (const char *const *m = f->members; *m; m++) {
			int nr = sb_syscall_nr(*m);
			assert_true(nr >= 0);
			assert_false(sb_bit_test(seen, nr));
			sb_bit_set(seen, nr);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_known_names),    cmocka_unit_test(test_round_trip_every_nr),
	    cmocka_unit_test(test_numbered_names), cmocka_unit_test(test_unknown_names),
	    cmocka_unit_test(test_family_expand),  cmocka_unit_test(test_family_of),
	    cmocka_unit_test(test_family_by_nr),   cmocka_unit_test(test_family_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
