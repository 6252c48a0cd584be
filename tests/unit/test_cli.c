/* Command lines of both programs: parse_args() has no side effects. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "../../launcher/cli.h"
#include "../../profiler/cli.h"

#define ARGC(a) ((int)(sizeof(a) / sizeof((a)[0])) - 1)

static void profile_markers(void **state)
{
	char *argv[] = {"sandbox-profile",
	                "--phase-marker=accept,epoll_wait",
	                "-o",
	                "x.ini",
	                "--capabilities=net_bind_service",
	                "--",
	                "redis-server",
	                "--port",
	                "1",
	                NULL};
	struct profile_opts o;
	char err[256] = "";

	assert_int_equal(profile_parse_args(ARGC(argv), argv, &o, err, sizeof(err)), 0);
	assert_int_equal(o.marker_mode, MARKER_LIST);
	assert_string_equal(o.markers, "accept,epoll_wait");
	assert_string_equal(o.output, "x.ini");
	assert_string_equal(o.capabilities, "net_bind_service");
	assert_string_equal(o.argv[0], "redis-server");
	assert_string_equal(o.argv[1], "--port");
}

static void profile_stops_at_program(void **state)
{
	/* options after the program belong to the program, not to us */
	char *argv[] = {"sandbox-profile", "-m", "auto", "ls", "-q", NULL};
	struct profile_opts o;
	char err[256] = "";

	assert_int_equal(profile_parse_args(ARGC(argv), argv, &o, err, sizeof(err)), 0);
	assert_int_equal(o.marker_mode, MARKER_AUTO);
	assert_false(o.quiet);
	assert_string_equal(o.argv[1], "-q");
}

static void profile_rejects(void **state)
{
	char *no_prog[] = {"sandbox-profile", "-m", "none", NULL};
	char *bad_fd[] = {"sandbox-profile", "-m", "read", "--marker-fd=x", "cat", NULL};
	char *fd_auto[] = {"sandbox-profile", "-m", "auto", "--marker-fd=0", "cat", NULL};
	char *bad_def[] = {"sandbox-profile", "--default=allow", "cat", NULL};
	char *unknown[] = {"sandbox-profile", "--bogus", "cat", NULL};
	struct profile_opts o;
	char err[256];

	assert_int_equal(profile_parse_args(ARGC(no_prog), no_prog, &o, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no program"));
	assert_int_equal(profile_parse_args(ARGC(bad_fd), bad_fd, &o, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "--marker-fd"));
	assert_int_equal(profile_parse_args(ARGC(fd_auto), fd_auto, &o, err, sizeof(err)), -1);
	assert_int_equal(profile_parse_args(ARGC(bad_def), bad_def, &o, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "--default"));
	assert_int_equal(profile_parse_args(ARGC(unknown), unknown, &o, err, sizeof(err)), -1);
}

/* "read,read,...": n names (duplicates are fine, the count is what matters). */
static const char *names(int n)
{
	static char list[256];

	list[0] = '\0';
	for (int i = 0; i < n; i++)
		strcat(list, i ? ",read" : "read");
	return list;
}

static const char *marker_err(const char *markers, const char *after)
{
	static char err[256];
	char m[300], a[300];
	char *argv[] = {"sandbox-profile", m, a, "cat", NULL};
	struct profile_opts o;

	snprintf(m, sizeof(m), "--phase-marker=%s", markers);
	snprintf(a, sizeof(a), "--marker-after=%s", after);
	err[0] = '\0';
	if (profile_parse_args(ARGC(argv), argv, &o, err, sizeof(err)) == 0)
		return NULL;
	return err;
}

/* The marker lists are checked when parsed, with the option's name: 17
 * markers once gave "unknown syscall or family '?'". */
static void profile_marker_lists(void **state)
{
	char many[256];

	assert_null(marker_err(names(16), "listen"));
	assert_string_equal(marker_err(names(17), "listen"), "--phase-marker: at most 16 markers");
	snprintf(many, sizeof(many), "%s", names(17));
	assert_string_equal(marker_err("accept", many), "--marker-after: at most 16 names");
	assert_string_equal(marker_err("accept,frob", "listen"),
	                    "--phase-marker: unknown syscall or family 'frob'");
	assert_string_equal(marker_err("accept", "listen,frob"),
	                    "--marker-after: unknown syscall or family 'frob'");
	assert_string_equal(marker_err("accept,,poll", "listen"), "--phase-marker: empty name in the list");
	assert_string_equal(marker_err("accept", ",listen"), "--marker-after: empty name in the list");
}

static void run_basic(void **state)
{
	char *argv[] = {"sandbox-run", "--policy", "p.ini", "--mode=complain", "--learn=l.ini", "--",
	                "prog",        "-x",       NULL};
	struct run_opts o;
	char err[256] = "";

	assert_int_equal(run_parse_args(ARGC(argv), argv, &o, err, sizeof(err)), 0);
	assert_string_equal(o.policy, "p.ini");
	assert_int_equal(o.mode, SB_MODE_COMPLAIN);
	assert_string_equal(o.learn, "l.ini");
	assert_string_equal(o.argv[0], "prog");
	assert_false(o.strict_binary);
	assert_false(o.fork); /* in place unless asked */
}

static void run_fork(void **state)
{
	char *argv[] = {"sandbox-run", "--fork", "-p", "p.ini", "prog", NULL};
	struct run_opts o;
	char err[256] = "";

	assert_int_equal(run_parse_args(ARGC(argv), argv, &o, err, sizeof(err)), 0);
	assert_true(o.fork);
	assert_string_equal(o.argv[0], "prog");
}

/* No --policy: the program's name is looked up later (main, lookup.h). */
static void run_policy_by_name(void **state)
{
	char *argv[] = {"sandbox-run", "--strict-binary", "--", "redis-server", NULL};
	struct run_opts o;
	char err[256] = "";

	assert_int_equal(run_parse_args(ARGC(argv), argv, &o, err, sizeof(err)), 0);
	assert_null(o.policy);
	assert_true(o.strict_binary);
	assert_string_equal(o.argv[0], "redis-server");
}

static void run_rejects(void **state)
{
	char *no_policy[] = {"sandbox-run", "--check", NULL};
	char *learn_enforce[] = {"sandbox-run", "-p", "p", "--learn=x", "prog", NULL};
	char *bad_mode[] = {"sandbox-run", "-p", "p", "--mode=lax", "prog", NULL};
	char *check_ok[] = {"sandbox-run", "-p", "p", "--check", NULL};
	struct run_opts o;
	char err[256];

	assert_int_equal(run_parse_args(ARGC(no_policy), no_policy, &o, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "--policy"));
	assert_int_equal(run_parse_args(ARGC(learn_enforce), learn_enforce, &o, err, sizeof(err)), -1);
	assert_int_equal(run_parse_args(ARGC(bad_mode), bad_mode, &o, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "lax"));
	assert_int_equal(run_parse_args(ARGC(check_ok), check_ok, &o, err, sizeof(err)), 0);
	assert_true(o.check);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(profile_markers),    cmocka_unit_test(profile_stops_at_program),
	    cmocka_unit_test(profile_rejects),    cmocka_unit_test(profile_marker_lists),
	    cmocka_unit_test(run_basic),          cmocka_unit_test(run_fork),
	    cmocka_unit_test(run_policy_by_name), cmocka_unit_test(run_rejects),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
