/* test_policy.c - actions, transition rules, merge and equality. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

#include "filter.h"
#include "policy.h"

static void test_phase_names(void **state)
{
	assert_string_equal(sb_phase_name(SB_PHASE_INIT), "init");
	assert_string_equal(sb_phase_name(SB_PHASE_SERVING), "serving");
}

static void test_action_parse(void **state)
{
	struct sb_action a;

	assert_int_equal(sb_action_parse("allow", &a), 0);
	assert_int_equal(a.kind, SB_ACT_ALLOW);
	assert_int_equal(sb_action_parse("kill", &a), 0);
	assert_int_equal(a.kind, SB_ACT_KILL);
	assert_int_equal(sb_action_parse("log", &a), 0);
	assert_int_equal(a.kind, SB_ACT_LOG);
	assert_int_equal(sb_action_parse("errno EPERM", &a), 0);
	assert_int_equal(a.kind, SB_ACT_ERRNO);
	assert_int_equal(a.errnum, EPERM);
	assert_int_equal(sb_action_parse("errno ENOSYS", &a), 0);
	assert_int_equal(a.errnum, ENOSYS);
	assert_int_equal(sb_action_parse("errno EHWPOISON", &a), 0);
	assert_int_equal(a.errnum, EHWPOISON);
}

static void test_action_refused(void **state)
{
	static const char *const bad[] = {
	    "Allow",   "KILL",        "deny",       "",           "allow ",        "errno", "errno ",
	    "errno 1", "errno eperm", "errno EFOO", "errnoEPERM", "errno EPERM x", "trace",
	};
	struct sb_action a;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(sb_action_parse(bad[i], &a), -EINVAL);
	assert_int_equal(sb_action_parse(NULL, &a), -EINVAL);
}

static void test_action_format(void **state)
{
	struct sb_action a = {SB_ACT_ERRNO, EACCES}, b;
	char buf[64];

	assert_string_equal(sb_action_format(&a, buf, sizeof(buf)), "errno EACCES");
	assert_int_equal(sb_action_parse(buf, &b), 0);
	assert_int_equal(b.errnum, EACCES);
	a = (struct sb_action){SB_ACT_ALLOW, 0};
	assert_string_equal(sb_action_format(&a, buf, sizeof(buf)), "allow");
	a.kind = SB_ACT_KILL;
	assert_string_equal(sb_action_format(&a, buf, sizeof(buf)), "kill");
	a.kind = SB_ACT_LOG;
	assert_string_equal(sb_action_format(&a, buf, sizeof(buf)), "log");
}

static void test_policy_new(void **state)
{
	struct sb_policy *p = sb_policy_new();

	assert_non_null(p);
	assert_int_equal(p->version, 1);
	assert_string_equal(p->program, "");
	assert_string_equal(p->arch, "x86_64");
	assert_int_equal(p->def.kind, SB_ACT_KILL);
	assert_true(p->caps == 0);
	assert_false(p->has_transition);
	assert_int_equal(p->tr.fd, -1);
	assert_int_equal(sb_policy_count(p, SB_PHASE_INIT), 0);
	free(p);
}

static void test_policy_add(void **state)
{
	struct sb_policy *p = sb_policy_new();

	sb_policy_add(p, SB_PHASE_INIT, SYS_openat, 3);
	sb_policy_add(p, SB_PHASE_INIT, SYS_openat, 4);
	sb_policy_add(p, SB_PHASE_INIT, SYS_read, 0);
	sb_policy_add(p, SB_PHASE_SERVING, SYS_read, 1);
	sb_policy_add(p, SB_PHASE_INIT, -1, 1);
	sb_policy_add(p, SB_PHASE_INIT, SB_NR_MAX, 1);
	assert_int_equal(sb_policy_count(p, SB_PHASE_INIT), 2);
	assert_int_equal(sb_policy_count(p, SB_PHASE_SERVING), 1);
	assert_int_equal(p->phase[SB_PHASE_INIT][SYS_openat].act.kind, SB_ACT_ALLOW);
	assert_int_equal(p->phase[SB_PHASE_INIT][SYS_openat].count, 7);
	/* an explicit action stays */
	p->phase[SB_PHASE_INIT][SYS_mkdir].act = (struct sb_action){SB_ACT_ERRNO, EACCES};
	sb_policy_add(p, SB_PHASE_INIT, SYS_mkdir, 1);
	assert_int_equal(p->phase[SB_PHASE_INIT][SYS_mkdir].act.kind, SB_ACT_ERRNO);
	free(p);
}

static void test_transition_set(void **state)
{
	struct sb_transition tr;
	const char *bad = NULL;
	char buf[128];

	assert_int_equal(sb_transition_set(&tr, " accept ,poll,  write", 4, "listen,bind", &bad), 0);
	assert_int_equal(tr.nmarkers, 3);
	assert_string_equal(sb_transition_format(tr.markers, tr.nmarkers, buf, sizeof(buf)),
	                    "accept, poll, write");
	assert_string_equal(sb_transition_format(tr.after, tr.nafter, buf, sizeof(buf)), "listen, bind");
	assert_true(sb_bit_test(tr.marker_set, SYS_accept4));
	assert_true(sb_bit_test(tr.marker_set, SYS_ppoll));
	assert_true(sb_bit_test(tr.after_set, SYS_bind));
	assert_int_equal(tr.fd, 4);

	assert_int_equal(sb_transition_set(&tr, "accept, frobnicate", -1, NULL, &bad), -ENOENT);
	assert_string_equal(bad, "frobnicate");
	assert_int_equal(sb_transition_set(&tr, "accept", -1, "listen, nope", &bad), -ENOENT);
	assert_string_equal(bad, "nope");
	assert_int_equal(sb_transition_set(&tr, "", -1, NULL, &bad), -EINVAL);
	assert_int_equal(sb_transition_set(&tr, "accept,,poll", -1, NULL, &bad), -EINVAL);
	assert_int_equal(sb_transition_set(&tr, "accept", -2, NULL, &bad), -EINVAL);
	char many[256] = "read";

	for (int i = 0; i < SB_MAX_MARKERS; i++)
		strcat(many, ", write");
	assert_int_equal(sb_transition_set(&tr, many, -1, NULL, &bad), -E2BIG);
}

static void test_transition_equal(void **state)
{
	struct sb_transition a, b;

	assert_int_equal(sb_transition_set(&a, "accept", -1, "listen", NULL), 0);
	/* same expansion, written differently */
	assert_int_equal(sb_transition_set(&b, "accept4, accept", -1, "listen", NULL), 0);
	assert_true(sb_transition_equal(&a, &b));
	assert_int_equal(sb_transition_set(&b, "accept", 3, "listen", NULL), 0);
	assert_false(sb_transition_equal(&a, &b));
	assert_int_equal(sb_transition_set(&b, "accept", -1, NULL, NULL), 0);
	assert_false(sb_transition_equal(&a, &b));
	assert_int_equal(sb_transition_set(&b, "accept4", -1, "listen", NULL), 0);
	assert_false(sb_transition_equal(&a, &b));
}

static struct sb_policy *two_phase(void)
{
	struct sb_policy *p = sb_policy_new();

	snprintf(p->program, sizeof(p->program), "server");
	p->has_transition = true;
	assert_int_equal(sb_transition_set(&p->tr, "accept", -1, NULL, NULL), 0);
	return p;
}

static void test_merge_union(void **state)
{
	struct sb_policy *a = two_phase(), *b = two_phase();
	struct sb_error err;

	sb_policy_add(a, SB_PHASE_INIT, SYS_openat, 10);
	sb_policy_add(a, SB_PHASE_SERVING, SYS_accept4, 2);
	sb_policy_add(b, SB_PHASE_INIT, SYS_openat, 5);
	sb_policy_add(b, SB_PHASE_INIT, SYS_mmap, 1);
	sb_policy_add(b, SB_PHASE_SERVING, SYS_sendto, 7);
	b->phase[SB_PHASE_SERVING][SYS_mkdir].act = (struct sb_action){SB_ACT_ERRNO, EACCES};
	b->caps = 1u << 10;
	snprintf(a->comments[a->ncomments++], SB_COMMENT_LEN, "run 1");
	snprintf(b->comments[b->ncomments++], SB_COMMENT_LEN, "run 1");
	snprintf(b->comments[b->ncomments++], SB_COMMENT_LEN, "run 2");
	assert_int_equal(sb_policy_merge(a, b, &err), 0);
	assert_int_equal(a->phase[SB_PHASE_INIT][SYS_openat].count, 15);
	assert_int_equal(a->phase[SB_PHASE_INIT][SYS_mmap].count, 1);
	assert_int_equal(a->phase[SB_PHASE_SERVING][SYS_accept4].count, 2);
	assert_int_equal(a->phase[SB_PHASE_SERVING][SYS_sendto].count, 7);
	assert_int_equal(a->phase[SB_PHASE_SERVING][SYS_mkdir].act.errnum, EACCES);
	assert_int_equal(sb_policy_count(a, SB_PHASE_INIT), 2);
	assert_int_equal(sb_policy_count(a, SB_PHASE_SERVING), 3);
	assert_true(a->caps == 1u << 10);
	assert_int_equal(a->ncomments, 2);
	assert_string_equal(a->comments[1], "run 2");
	free(a);
	free(b);
}

static void test_merge_comment_limit(void **state)
{
	struct sb_policy *a = two_phase(), *b = two_phase();
	struct sb_error err;

	for (int i = 0; i < SB_MAX_COMMENTS; i++) {
		snprintf(a->comments[i], SB_COMMENT_LEN, "a%d", i);
		snprintf(b->comments[i], SB_COMMENT_LEN, "b%d", i);
	}
	a->ncomments = SB_MAX_COMMENTS - 1;
	b->ncomments = SB_MAX_COMMENTS;
	assert_int_equal(sb_policy_merge(a, b, &err), 0);
	assert_int_equal(a->ncomments, SB_MAX_COMMENTS);
	assert_string_equal(a->comments[SB_MAX_COMMENTS - 1], "b0");
	free(a);
	free(b);
}

/* Each refusal leaves dst as it was and says why. */
static void expect_refused(struct sb_policy *a, struct sb_policy *b, const char *msg)
{
	struct sb_policy *copy = malloc(sizeof(*copy));
	struct sb_error err;

	memcpy(copy, a, sizeof(*a));
	memset(&err, 0, sizeof(err));
	assert_int_equal(sb_policy_merge(a, b, &err), -EINVAL);
	if (strstr(err.msg, msg) == NULL)
		fail_msg("message '%s' lacks '%s'", err.msg, msg);
	assert_int_equal(err.line, 0);
	assert_true(sb_policy_equal(a, copy));
	free(copy);
	free(a);
	free(b);
}

static void test_merge_refusals(void **state)
{
	struct sb_policy *a, *b;

	a = two_phase(), b = two_phase();
	snprintf(b->arch, sizeof(b->arch), "i386");
	expect_refused(a, b, "arch");

	a = two_phase(), b = two_phase();
	b->version = 2;
	expect_refused(a, b, "version");

	a = two_phase(), b = two_phase();
	b->has_transition = false;
	expect_refused(a, b, "single-phase");

	a = two_phase(), b = two_phase();
	assert_int_equal(sb_transition_set(&b->tr, "poll", -1, NULL, NULL), 0);
	expect_refused(a, b, "transition");

	a = two_phase(), b = two_phase();
	b->def = (struct sb_action){SB_ACT_ERRNO, EPERM};
	expect_refused(a, b, "default 'kill' with default 'errno EPERM'");

	a = two_phase(), b = two_phase();
	sb_policy_add(a, SB_PHASE_INIT, SYS_openat, 1);
	sb_policy_add(a, SB_PHASE_SERVING, SYS_mkdir, 1);
	b->phase[SB_PHASE_SERVING][SYS_mkdir].act = (struct sb_action){SB_ACT_ERRNO, EACCES};
	expect_refused(a, b, "[serving] mkdir: action 'allow' in one policy, 'errno EACCES'");
}

static void test_merge_other_program(void **state)
{
	struct sb_policy *a = two_phase(), *b = two_phase();
	struct sb_error err;

	/* The same program run from another path merges; dst keeps its name. */
	snprintf(b->program, sizeof(b->program), "/usr/bin/server");
	assert_int_equal(sb_policy_merge(a, b, &err), 0);
	assert_string_equal(a->program, "server");
	free(a);
	free(b);
}

static void test_policy_equal(void **state)
{
	struct sb_policy *a = two_phase(), *b = two_phase();

	assert_true(sb_policy_equal(a, b));
	sb_policy_add(a, SB_PHASE_INIT, SYS_read, 1);
	assert_false(sb_policy_equal(a, b));
	sb_policy_add(b, SB_PHASE_INIT, SYS_read, 2);
	assert_false(sb_policy_equal(a, b)); /* counts differ */
	sb_policy_add(a, SB_PHASE_INIT, SYS_read, 1);
	assert_true(sb_policy_equal(a, b));
	snprintf(a->comments[a->ncomments++], SB_COMMENT_LEN, "x");
	assert_false(sb_policy_equal(a, b));
	snprintf(b->comments[b->ncomments++], SB_COMMENT_LEN, "x");
	assert_true(sb_policy_equal(a, b));
	b->caps = 1;
	assert_false(sb_policy_equal(a, b));
	b->caps = 0;
	b->tr.fd = 3;
	assert_false(sb_policy_equal(a, b));
	b->tr.fd = -1;
	b->def = (struct sb_action){SB_ACT_ERRNO, EPERM};
	assert_false(sb_policy_equal(a, b));
	free(a);
	free(b);
}

/* Every call listed kill in both phases: the filters answer allow exactly
 * where sb_policy_forced_allow says they must, in each phase, so the
 * reader's refusals and the filter builder cannot drift apart. */
static void expect_forced_set(struct sb_policy *p)
{
	for (int nr = 0; nr < SB_NR_MAX; nr++) {
		bool f1 = sb_filter_action(p, SB_FILTER_F1, nr).kind == SB_ACT_ALLOW;
		bool init = sb_policy_forced_allow(p, SB_PHASE_INIT, nr) != NULL;

		if (f1 != init)
			fail_msg("syscall %d: F1 allows: %d, forced in [init]: %d", nr, f1, init);
		if (!p->has_transition)
			continue;
		bool f2 = sb_filter_action(p, SB_FILTER_F2, nr).kind == SB_ACT_ALLOW;
		bool serv = sb_policy_forced_allow(p, SB_PHASE_SERVING, nr) != NULL;
		if (f2 != serv)
			fail_msg("syscall %d: F2 allows: %d, forced in [serving]: %d", nr, f2, serv);
	}
}

static void test_forced_allow(void **state)
{
	struct sb_policy *p = sb_policy_new();

	for (int ph = 0; ph < SB_NPHASES; ph++)
		for (int nr = 0; nr < SB_NR_MAX; nr++)
			p->phase[ph][nr].act.kind = SB_ACT_KILL;
	/* single phase: the base set and execve */
	assert_non_null(sb_policy_forced_allow(p, SB_PHASE_INIT, SYS_exit_group));
	assert_non_null(strstr(sb_policy_forced_allow(p, SB_PHASE_INIT, SYS_execve), "execve"));
	assert_null(sb_policy_forced_allow(p, SB_PHASE_INIT, SYS_seccomp));
	assert_null(sb_policy_forced_allow(p, SB_PHASE_INIT, SYS_read));
	expect_forced_set(p);
	/* two phases: and in [init] seccomp, the markers, the after calls */
	p->has_transition = true;
	assert_int_equal(sb_transition_set(&p->tr, "accept", -1, "listen", NULL), 0);
	assert_non_null(strstr(sb_policy_forced_allow(p, SB_PHASE_INIT, SYS_seccomp), "injection"));
	assert_non_null(strstr(sb_policy_forced_allow(p, SB_PHASE_INIT, SYS_accept4), "marker"));
	assert_non_null(strstr(sb_policy_forced_allow(p, SB_PHASE_INIT, SYS_listen), "transition_after"));
	assert_null(sb_policy_forced_allow(p, SB_PHASE_SERVING, SYS_seccomp));
	assert_null(sb_policy_forced_allow(p, SB_PHASE_SERVING, SYS_execve));
	assert_null(sb_policy_forced_allow(p, SB_PHASE_SERVING, SYS_accept4));
	assert_non_null(sb_policy_forced_allow(p, SB_PHASE_SERVING, SYS_rt_sigreturn));
	expect_forced_set(p);
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_phase_names),    cmocka_unit_test(test_action_parse),
	    cmocka_unit_test(test_action_refused), cmocka_unit_test(test_action_format),
	    cmocka_unit_test(test_policy_new),     cmocka_unit_test(test_policy_add),
	    cmocka_unit_test(test_transition_set), cmocka_unit_test(test_transition_equal),
	    cmocka_unit_test(test_merge_union),    cmocka_unit_test(test_merge_comment_limit),
	    cmocka_unit_test(test_merge_refusals), cmocka_unit_test(test_merge_other_program),
	    cmocka_unit_test(test_policy_equal),   cmocka_unit_test(test_forced_allow),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
