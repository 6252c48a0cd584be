/* test_caps.c - capability drop, parse and format.
 *
 * Every drop runs in a forked child (the tests run as root): the child checks
 * its own sets, then execs this binary again with --report to see what a
 * program started after the drop gets, and exits 0 or the number of the
 * check that failed.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "caps.h"

#define BIT(c)       (UINT64_C(1) << (c))
#define UNPRIVILEGED 65534

/* The capability sets a program sees, from /proc/self/status. */
struct capsets {
	uint64_t inh, prm, eff, bnd, amb;
};

static int read_capsets(struct capsets *s)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	int found = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long v;
		if (sscanf(line, "CapInh: %llx", &v) == 1)
			s->inh = v, found++;
		else if (sscanf(line, "CapPrm: %llx", &v) == 1)
			s->prm = v, found++;
		else if (sscanf(line, "CapEff: %llx", &v) == 1)
			s->eff = v, found++;
		else if (sscanf(line, "CapBnd: %llx", &v) == 1)
			s->bnd = v, found++;
		else if (sscanf(line, "CapAmb: %llx", &v) == 1)
			s->amb = v, found++;
	}
	fclose(f);
	return found == 5 ? 0 : -1;
}

/* --report: print this process's sets, as one line. */
static int report(void)
{
	struct capsets s;

	if (read_capsets(&s) < 0)
		return 1;
	printf("%llx %llx %llx %llx %llx\n", (unsigned long long)s.inh, (unsigned long long)s.prm,
	       (unsigned long long)s.eff, (unsigned long long)s.bnd, (unsigned long long)s.amb);
	return 0;
}

/* The sets of a program this process execs now. */
static int exec_report(struct capsets *s)
{
	int fds[2];
	char buf[256] = "";
	unsigned long long v[5];
	int status = 0;

	if (pipe(fds) < 0)
		return -1;
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		dup2(fds[1], STDOUT_FILENO);
		execl("/proc/self/exe", "test_caps", "--report", (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	ssize_t n = read(fds[0], buf, sizeof(buf) - 1);
	close(fds[0]);
	if (waitpid(pid, &status, 0) != pid || status != 0 || n <= 0)
		return -1;
	if (sscanf(buf, "%llx %llx %llx %llx %llx", &v[0], &v[1], &v[2], &v[3], &v[4]) != 5)
		return -1;
	*s = (struct capsets){v[0], v[1], v[2], v[3], v[4]};
	return 0;
}

/* The drop tests need root with the capabilities they drop or keep. */
static void need_root(void)
{
	const cap_value_t need[] = {CAP_SETPCAP, CAP_SYS_ADMIN, CAP_NET_BIND_SERVICE, CAP_CHOWN};
	cap_t c = cap_get_proc();
	bool ok = c && geteuid() == 0;

	for (size_t i = 0; ok && i < sizeof(need) / sizeof(need[0]); i++) {
		cap_flag_value_t v = CAP_CLEAR;
		ok = cap_get_flag(c, need[i], CAP_EFFECTIVE, &v) == 0 && v == CAP_SET &&
		     cap_get_bound(need[i]) == 1;
	}
	cap_free(c);
	if (!ok)
		skip();
}

static int run_child(int (*fn)(void))
{
	int status = 0;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0)
		_exit(fn());
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (!WIFEXITED(status))
		fail_msg("child killed by signal %d", WTERMSIG(status));
	return WEXITSTATUS(status);
}

/* Setting the hostname to what it is needs CAP_SYS_ADMIN and changes
 * nothing even if a broken drop lets it through. */
static bool sethostname_eperm(void)
{
	char name[256] = "";

	if (gethostname(name, sizeof(name) - 1) < 0)
		return false;
	return sethostname(name, strlen(name)) < 0 && errno == EPERM;
}

static uint64_t all_caps(void)
{
	int max = cap_max_bits();
	return max >= 64 ? ~UINT64_C(0) : BIT(max) - 1;
}

/* Exactly `keep` in every set, here and after an execve (as root). */
static int check_only(uint64_t keep, int base)
{
	struct capsets now, after;

	if (read_capsets(&now) < 0)
		return base + 1;
	if (now.bnd != keep || now.prm != keep || now.eff != keep || now.inh != keep || now.amb != keep)
		return base + 2;
	if (exec_report(&after) < 0)
		return base + 3;
	if (after.bnd != keep || after.prm != keep || after.eff != keep || after.inh != keep ||
	    after.amb != keep)
		return base + 4;
	return 0;
}

static int child_drop_all(void)
{
	cap_t empty = cap_init();
	cap_t now = NULL;
	int rc;

	if (!empty || sb_caps_drop(0) != 0)
		return 1;
	if (cap_get_bound(CAP_SYS_ADMIN) != 0 || cap_get_bound(CAP_SETPCAP) != 0)
		return 2;
	now = cap_get_proc();
	if (!now || cap_compare(now, empty) != 0) /* P, E, I all empty */
		return 3;
	if (cap_get_ambient(CAP_NET_BIND_SERVICE) != 0)
		return 4;
	if (!sethostname_eperm())
		return 5;
	rc = check_only(0, 10);
	cap_free(now);
	cap_free(empty);
	return rc;
}

static void test_drop_all(void **state)
{
	need_root();
	assert_int_equal(run_child(child_drop_all), 0);
}

static int child_keep_one(void)
{
	const cap_value_t nbs = CAP_NET_BIND_SERVICE;
	cap_flag_value_t v = CAP_CLEAR;
	cap_t now = NULL;

	if (sb_caps_drop(BIT(nbs)) != 0)
		return 1;
	if (cap_get_bound(nbs) != 1 || cap_get_bound(CAP_SYS_ADMIN) != 0)
		return 2;
	now = cap_get_proc();
	if (!now || cap_get_flag(now, nbs, CAP_EFFECTIVE, &v) != 0 || v != CAP_SET)
		return 3;
	if (cap_get_flag(now, CAP_CHOWN, CAP_PERMITTED, &v) != 0 || v != CAP_CLEAR)
		return 4;
	cap_free(now);
	if (cap_get_ambient(nbs) != 1 || cap_get_ambient(CAP_CHOWN) != 0)
		return 5;
	if (!sethostname_eperm())
		return 6;
	return check_only(BIT(nbs), 10);
}

static void test_drop_keep_one(void **state)
{
	need_root();
	assert_int_equal(run_child(child_keep_one), 0);
}

/* Keeping caps: the bounding set keeps them, nothing else does. */
static int child_keep_two(void)
{
	uint64_t keep = BIT(CAP_NET_BIND_SERVICE) | BIT(CAP_SYS_ADMIN);

	if (sb_caps_drop(keep) != 0)
		return 1;
	return check_only(keep, 10);
}

static void test_drop_keep_two(void **state)
{
	need_root();
	assert_int_equal(run_child(child_keep_two), 0);
}

/* Twice in a row is fine (the second call has no CAP_SETPCAP any more but
 * nothing left to drop). */
static int child_twice(void)
{
	if (sb_caps_drop(BIT(CAP_NET_BIND_SERVICE)) != 0)
		return 1;
	if (sb_caps_drop(BIT(CAP_NET_BIND_SERVICE)) != 0)
		return 2;
	return check_only(BIT(CAP_NET_BIND_SERVICE), 10);
}

static void test_drop_twice(void **state)
{
	need_root();
	assert_int_equal(run_child(child_twice), 0);
}

/* Root that lost CAP_SETPCAP cannot shrink the bounding set, and root's
 * execve would get it back: refuse. */
static int child_root_without_setpcap(void)
{
	const cap_value_t setpcap = CAP_SETPCAP;
	cap_t c = cap_get_proc();

	if (!c || cap_set_flag(c, CAP_PERMITTED, 1, &setpcap, CAP_CLEAR) ||
	    cap_set_flag(c, CAP_EFFECTIVE, 1, &setpcap, CAP_CLEAR) || cap_set_proc(c))
		return 1;
	cap_free(c);
	return sb_caps_drop(0) == -EPERM ? 0 : 2;
}

static void test_drop_root_without_setpcap(void **state)
{
	need_root();
	assert_int_equal(run_child(child_root_without_setpcap), 0);
}

/* A non-root process without caps: nothing to drop but ambient, and the
 * bounding set is left as it is (no_new_privs covers the execve). */
static int child_unprivileged(void)
{
	struct capsets s;

	if (prctl(PR_SET_KEEPCAPS, 0) || setresgid(UNPRIVILEGED, UNPRIVILEGED, UNPRIVILEGED) ||
	    setresuid(UNPRIVILEGED, UNPRIVILEGED, UNPRIVILEGED))
		return 1;
	if (sb_caps_drop(BIT(CAP_NET_BIND_SERVICE)) != 0)
		return 2;
	if (read_capsets(&s) < 0 || s.prm || s.eff || s.inh || s.amb)
		return 3; /* a kept cap we never had is not gained */
	return 0;
}

static void test_drop_unprivileged(void **state)
{
	need_root();
	assert_int_equal(run_child(child_unprivileged), 0);
}

/* ---- parse and format ---- */

static void test_parse_names(void **state)
{
	uint64_t caps = 1;
	char bad[32] = "";

	assert_int_equal(sb_caps_parse("", &caps, bad, sizeof(bad)), 0);
	assert_true(caps == 0);
	assert_int_equal(sb_caps_parse(NULL, &caps, NULL, 0), 0);
	assert_true(caps == 0);
	assert_int_equal(sb_caps_parse(" , ", &caps, NULL, 0), 0);
	assert_true(caps == 0);
	assert_int_equal(sb_caps_parse("cap_net_bind_service", &caps, NULL, 0), 0);
	assert_true(caps == BIT(CAP_NET_BIND_SERVICE));
	assert_int_equal(sb_caps_parse("net_bind_service,CAP_CHOWN  Net_Raw, ", &caps, NULL, 0), 0);
	assert_true(caps == (BIT(CAP_NET_BIND_SERVICE) | BIT(CAP_CHOWN) | BIT(CAP_NET_RAW)));
	assert_int_equal(sb_caps_parse("chown,chown", &caps, NULL, 0), 0);
	assert_true(caps == BIT(CAP_CHOWN));
}

static void expect_bad(const char *list, const char *want_bad)
{
	uint64_t caps = 42;
	char bad[32] = "";

	assert_int_equal(sb_caps_parse(list, &caps, bad, sizeof(bad)), -EINVAL);
	assert_string_equal(bad, want_bad);
	assert_true(caps == 42); /* untouched on error */
}

static void test_parse_refuses(void **state)
{
	uint64_t caps = 0;
	char tiny[4] = "";

	expect_bad("cap_bogus", "cap_bogus");
	expect_bad("chown,bogus", "bogus");
	expect_bad("12", "12"); /* numbers are refused */
	expect_bad("cap_12", "cap_12");
	expect_bad("chownx", "chownx"); /* a name's prefix is not the name */
	expect_bad("cap_", "cap_");
	expect_bad("all", "all");
	expect_bad("chown;net_raw", "chown;net_raw");
	expect_bad("cap_net_bind_service_and_a_very_long_tail_indeed_more",
	           "cap_net_bind_service_and_a_very");
	assert_int_equal(sb_caps_parse("bogus", &caps, tiny, sizeof(tiny)), -EINVAL);
	assert_string_equal(tiny, "bog");
	assert_int_equal(sb_caps_parse("bogus", &caps, NULL, 0), -EINVAL);
}

static void test_format(void **state)
{
	char buf[128];

	assert_string_equal(sb_caps_format(0, buf, sizeof(buf)), "");
	assert_string_equal(sb_caps_format(BIT(CAP_NET_BIND_SERVICE), buf, sizeof(buf)),
	                    "cap_net_bind_service");
	assert_string_equal(sb_caps_format(BIT(CAP_NET_RAW) | BIT(CAP_CHOWN), buf, sizeof(buf)),
	                    "cap_chown, cap_net_raw");
	/* Does not fit: NULL, never a shorter list. */
	assert_null(sb_caps_format(BIT(CAP_CHOWN) | BIT(CAP_NET_RAW), buf, 12));
	assert_null(sb_caps_format(BIT(CAP_CHOWN), buf, 9));
	assert_non_null(sb_caps_format(BIT(CAP_CHOWN), buf, 10));
	assert_null(sb_caps_format(0, buf, 0));
}

static void test_round_trip(void **state)
{
	char buf[2048];
	uint64_t sets[] = {0, BIT(CAP_CHOWN), BIT(CAP_SYS_ADMIN) | BIT(CAP_NET_BIND_SERVICE), all_caps()};

	for (size_t i = 0; i < sizeof(sets) / sizeof(sets[0]); i++) {
		uint64_t back = 0;
		const char *text = sb_caps_format(sets[i], buf, sizeof(buf));
		assert_non_null(text);
		assert_int_equal(sb_caps_parse(text, &back, NULL, 0), 0);
		assert_true(back == sets[i]);
	}
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_drop_all),
	    cmocka_unit_test(test_drop_keep_one),
	    cmocka_unit_test(test_drop_keep_two),
	    cmocka_unit_test(test_drop_twice),
	    cmocka_unit_test(test_drop_root_without_setpcap),
	    cmocka_unit_test(test_drop_unprivileged),
	    cmocka_unit_test(test_parse_names),
	    cmocka_unit_test(test_parse_refuses),
	    cmocka_unit_test(test_format),
	    cmocka_unit_test(test_round_trip),
	};

	if (argc == 2 && strcmp(argv[1], "--report") == 0)
		return report();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
