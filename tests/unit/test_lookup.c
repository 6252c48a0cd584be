/* test_lookup.c - a policy by name (lib/lookup.c): the search order, the
 * ".ini" rule, a slash meaning a path, and never the current directory. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "lookup.h"

static char dir[64];

static void touch(const char *sub, const char *file)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, sub);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/%s/%s", dir, sub, file);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	close(fd);
}

static int setup(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/sb-lookup.XXXXXX");
	assert_non_null(mkdtemp(dir));
	touch("a", "prog.ini");
	touch("b", "prog.ini");
	touch("b", "other.ini");
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void file_name(void **state)
{
	char out[32], small[16];

	assert_int_equal(sb_policy_file_name("redis-server", out, sizeof(out)), 0);
	assert_string_equal(out, "redis-server.ini");
	assert_int_equal(sb_policy_file_name("ls.ini", out, sizeof(out)), 0);
	assert_string_equal(out, "ls.ini");
	/* 16 bytes and the NUL do not fit in 16 */
	assert_int_equal(sb_policy_file_name("redis-server", small, sizeof(small)), -ENAMETOOLONG);
}

static void first_entry_wins(void **state)
{
	char path[256], out[PATH_MAX], want[PATH_MAX];

	snprintf(path, sizeof(path), "::%s/none:%s/a:%s/b", dir, dir, dir);
	assert_int_equal(sb_policy_lookup("prog", path, out, sizeof(out)), 0);
	snprintf(want, sizeof(want), "%s/a/prog.ini", dir);
	assert_string_equal(out, want);
	assert_int_equal(sb_policy_lookup("other.ini", path, out, sizeof(out)), 0);
	snprintf(want, sizeof(want), "%s/b/other.ini", dir);
	assert_string_equal(out, want);
}

/* A directory of the policy's name is not a policy. */
static void only_regular_files(void **state)
{
	char path[256], out[PATH_MAX], want[PATH_MAX];

	touch("c", "x");
	touch("c/prog.ini", "x");
	snprintf(path, sizeof(path), "%s/c:%s/b", dir, dir);
	assert_int_equal(sb_policy_lookup("prog", path, out, sizeof(out)), 0);
	snprintf(want, sizeof(want), "%s/b/prog.ini", dir);
	assert_string_equal(out, want);
}

static void not_found_names_the_path(void **state)
{
	char path[256], out[PATH_MAX], want[PATH_MAX];

	snprintf(path, sizeof(path), "%s/a", dir);
	assert_int_equal(sb_policy_lookup("nosuch", path, out, sizeof(out)), -ENOENT);
	snprintf(want, sizeof(want), "%s/a:%s:%s", dir, SB_POLICY_ETCDIR, SB_POLICYDIR);
	assert_string_equal(out, want);
}

/* An empty entry is not ".", and a bare name never the current directory. */
static void never_the_current_directory(void **state)
{
	char out[PATH_MAX], cwd[PATH_MAX], sub[PATH_MAX];

	assert_non_null(getcwd(cwd, sizeof(cwd)));
	snprintf(sub, sizeof(sub), "%s/a", dir);
	assert_int_equal(chdir(sub), 0);
	assert_int_equal(sb_policy_lookup("prog", ":", out, sizeof(out)), -ENOENT);
	assert_int_equal(sb_policy_lookup("prog", NULL, out, sizeof(out)), -ENOENT);
	assert_int_equal(sb_policy_lookup("./prog.ini", NULL, out, sizeof(out)), 0);
	assert_string_equal(out, "./prog.ini");
	assert_int_equal(chdir(cwd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(file_name),
	    cmocka_unit_test(first_entry_wins),
	    cmocka_unit_test(only_regular_files),
	    cmocka_unit_test(not_found_names_the_path),
	    cmocka_unit_test(never_the_current_directory),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
