/* lib/exec.c and lib/options.c: program lookup, exit statuses, numbers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exec.h"
#include "options.h"

static char dir[64];
static char *saved_path;

static int make_dir(void **state)
{
	char path[128];
	FILE *f;

	saved_path = strdup(getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin");
	snprintf(dir, sizeof(dir), "/tmp/test_exec.XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/prog", dir);
	assert_non_null(f = fopen(path, "w"));
	fputs("#!/bin/sh\n", f);
	fclose(f);
	assert_int_equal(chmod(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/noexec", dir);
	assert_non_null(f = fopen(path, "w"));
	fclose(f);
	assert_int_equal(chmod(path, 0644), 0);
	return 0;
}

static int remove_dir(void **state)
{
	char path[128];

	setenv("PATH", saved_path, 1);
	free(saved_path);
	snprintf(path, sizeof(path), "%s/prog", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/noexec", dir);
	unlink(path);
	return rmdir(dir);
}

static void resolve_through_path(void **state)
{
	char buf[256], path[160];

	snprintf(path, sizeof(path), "/nonexistent:%s", dir);
	setenv("PATH", path, 1);
	assert_int_equal(sb_resolve_program("prog", buf, sizeof(buf)), 0);
	assert_non_null(strstr(buf, "/prog"));
	assert_int_equal(sb_resolve_program("missing", buf, sizeof(buf)), -ENOENT);
	/* found but not executable: 126, not 127 */
	assert_int_equal(sb_resolve_program("noexec", buf, sizeof(buf)), -EACCES);
	/* a name with a slash is not searched */
	assert_int_equal(sb_resolve_program("./surely/not/here", buf, sizeof(buf)), -ENOENT);
	/* a directory is not a program */
	assert_int_equal(sb_resolve_program(dir, buf, sizeof(buf)), -EACCES);
}

static void exit_statuses(void **state)
{
	assert_int_equal(sb_exit_status(3 << 8), 3);
	assert_int_equal(sb_exit_status(SIGTERM), 128 + SIGTERM);
	assert_int_equal(sb_exit_status(SIGSYS), 159);
}

static void integers(void **state)
{
	int v = -1;

	assert_int_equal(sb_parse_int("42", 1, 100, &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(sb_parse_int("0", 1, 100, &v), -1);
	assert_int_equal(sb_parse_int("101", 1, 100, &v), -1);
	assert_int_equal(sb_parse_int("4x", 1, 100, &v), -1);
	assert_int_equal(sb_parse_int("", 1, 100, &v), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(resolve_through_path),
		cmocka_unit_test(exit_statuses),
		cmocka_unit_test(integers),
	};
	return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
