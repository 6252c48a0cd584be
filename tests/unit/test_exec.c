/* lib/exec.c, lib/spawn.c and lib/options.c: program lookup, the exit map,
 * the one spawn path, numbers. */
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
#include <sys/wait.h>
#include <unistd.h>

#include "exec.h"
#include "exitcodes.h"
#include "options.h"
#include "spawn.h"

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

/* A name that does not fit the buffer is refused, never cut: cut, the name
 * DIR/progX (absent) became DIR/prog (present), and that ran. */
static void long_names_are_refused_not_cut(void **state)
{
	char name[160], buf[160], big[5000];
	size_t fit;

	snprintf(name, sizeof(name), "%s/progX", dir);
	fit = strlen(name); /* room for all but the X and the NUL */
	assert_int_equal(sb_resolve_program(name, buf, fit), -ENAMETOOLONG);
	assert_int_equal(sb_resolve_program(name, buf, sizeof(buf)), -ENOENT);
	/* a 4096-byte path whose first 4095 bytes name an existing program */
	memset(big, '/', sizeof(big));
	snprintf(big + 4096 - strlen("/bin/true") - 1, 32, "/bin/trueX");
	assert_int_equal(strlen(big), 4096);
	assert_int_equal(sb_resolve_program(big, buf, sizeof(buf)), -ENAMETOOLONG);
	char path4k[4096];
	assert_int_equal(sb_resolve_program(big, path4k, sizeof(path4k)), -ENAMETOOLONG);
	/* a bare name longer than NAME_MAX, as execvp */
	memset(big, 'a', 300);
	big[300] = '\0';
	assert_int_equal(sb_resolve_program(big, path4k, sizeof(path4k)), -ENAMETOOLONG);
}

/* An empty name is not found, as execvp says; it is never searched as
 * DIR/ (which is a directory: "Permission denied", 126). */
static void empty_name_is_not_found(void **state)
{
	char buf[256];

	setenv("PATH", dir, 1);
	assert_int_equal(sb_resolve_program("", buf, sizeof(buf)), -ENOENT);
	assert_int_equal(sb_exit_for_errno(ENOENT), 127);
}

static void exit_statuses(void **state)
{
	assert_int_equal(sb_exit_status(3 << 8), 3);
	assert_int_equal(sb_exit_status(SIGTERM), 128 + SIGTERM);
	assert_int_equal(sb_exit_status(SIGSYS), 159);
}

/* One map, as env(1): not found 127, any other exec failure 126, never the
 * launcher's own 125. */
static void exit_for_errno(void **state)
{
	assert_int_equal(sb_exit_for_errno(ENOENT), SB_EXIT_NOT_FOUND);
	assert_int_equal(sb_exit_for_errno(EACCES), SB_EXIT_CANNOT_EXEC);
	assert_int_equal(sb_exit_for_errno(ENOEXEC), SB_EXIT_CANNOT_EXEC);
	assert_int_equal(sb_exit_for_errno(ENAMETOOLONG), SB_EXIT_CANNOT_EXEC);
	assert_int_equal(sb_exit_for_errno(ENOTDIR), SB_EXIT_CANNOT_EXEC);
	assert_int_equal(sb_exit_for_errno(E2BIG), SB_EXIT_CANNOT_EXEC);
}

static void messages(void **state)
{
	char msg[512], big[300];

	sb_exec_message(msg, sizeof(msg), "execute", "./x", ENOEXEC);
	assert_string_equal(msg, "cannot execute ./x: Exec format error");
	sb_exec_message(msg, sizeof(msg), "execute", "", ENOENT);
	assert_string_equal(msg, "cannot execute '': No such file or directory (empty program name)");
	memset(big, '/', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	sb_exec_message(msg, sizeof(msg), "execute", big, ENAMETOOLONG);
	assert_non_null(strstr(msg, "(a name of 299 bytes): File name too long"));
	assert_true(strlen(msg) < 200);
}

/* Run argv[0] through the spawn path; *err gets the child's error record. */
static int spawn_wait(char *const argv[], sb_spawn_setup_fn setup, int *err)
{
	struct sb_spawn sp;
	int status = -1;

	assert_int_equal(sb_spawn_start(&sp, argv[0], argv, setup, NULL), 0);
	assert_int_equal(sb_spawn_go(&sp), 0);
	assert_int_equal(waitpid(sp.pid, &status, 0), sp.pid);
	*err = sb_spawn_read_error(sp.err_fd);
	sb_spawn_close(&sp);
	return status;
}

static int failing_setup(void *ctx)
{
	(void)ctx;
	return -ENOENT; /* an errno that would read "not found" after execve */
}

static void spawn_reports_each_step(void **state)
{
	char prog[128], noexec[128], msg[256];
	char *ok[] = {"/bin/sh", "-c", "exit 7", NULL};
	char *garbage[] = {prog, NULL};
	char *noperm[] = {noexec, NULL};
	FILE *f;
	int err, st;

	st = spawn_wait(ok, NULL, &err);
	assert_int_equal(err, 0);
	assert_int_equal(sb_spawn_failed_step(err, st), SB_SPAWN_NONE);
	assert_int_equal(sb_exit_status(st), 7); /* the program's own status */

	snprintf(prog, sizeof(prog), "%s/garbage", dir);
	assert_non_null(f = fopen(prog, "w"));
	fputs("\x01\x02 not a program\n", f);
	fclose(f);
	assert_int_equal(chmod(prog, 0755), 0);
	st = spawn_wait(garbage, NULL, &err);
	assert_int_equal(err, -ENOEXEC);
	assert_int_equal(sb_spawn_failed_step(err, st), SB_SPAWN_EXEC);
	assert_int_equal(sb_exit_status(st), 126);
	unlink(prog);

	snprintf(noexec, sizeof(noexec), "%s/noexec", dir);
	st = spawn_wait(noperm, NULL, &err);
	assert_int_equal(err, -EACCES);
	assert_int_equal(sb_exit_status(st), 126);

	/* a setup failure is 125 and says so, whatever its errno */
	st = spawn_wait(ok, failing_setup, &err);
	assert_int_equal(err, -ENOENT);
	assert_int_equal(sb_spawn_failed_step(err, st), SB_SPAWN_SETUP);
	assert_int_equal(sb_exit_status(st), 125);
	assert_int_equal(sb_spawn_failure(msg, sizeof(msg), "p", err, st), 125);
	assert_string_equal(msg, "cannot confine p: No such file or directory");
	/* the same errno from the lookup: not found */
	assert_int_equal(sb_spawn_failure(msg, sizeof(msg), "p", -ENOENT, 0), 127);
	assert_string_equal(msg, "cannot execute p: No such file or directory");
}

/* Without the go byte the child runs nothing: a tracer that could not
 * attach never lets the program run untraced. */
static void spawn_without_go_runs_nothing(void **state)
{
	char marker[128], script[200];
	char *argv[] = {"/bin/sh", "-c", script, NULL};
	struct sb_spawn sp;
	int status = -1;

	snprintf(marker, sizeof(marker), "%s/ran", dir);
	snprintf(script, sizeof(script), "touch %s", marker);
	assert_int_equal(sb_spawn_start(&sp, argv[0], argv, NULL, NULL), 0);
	sb_spawn_close(&sp); /* closes our end: the child sees no go */
	assert_int_equal(waitpid(sp.pid, &status, 0), sp.pid);
	assert_int_equal(sb_exit_status(status), 125);
	assert_int_equal(access(marker, F_OK), -1);
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
	    cmocka_unit_test(long_names_are_refused_not_cut),
	    cmocka_unit_test(empty_name_is_not_found),
	    cmocka_unit_test(exit_statuses),
	    cmocka_unit_test(exit_for_errno),
	    cmocka_unit_test(messages),
	    cmocka_unit_test(spawn_reports_each_step),
	    cmocka_unit_test(spawn_without_go_runs_nothing),
	    cmocka_unit_test(integers),
	};
	return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
