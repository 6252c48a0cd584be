/* test_restart.c - the supervisor rule (restart.h): who is a supervisor and
 * a worker, what is carried into serving (exec never, the supervisor's
 * dangerous argument values never, the workers' as seen), and how the
 * writer marks the lines (sb_policy_init_only). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include "args.h"
#include "policy.h"
#include "restart.h"

static struct sb_proc_init rec(pid_t pid, pid_t ppid, bool serving)
{
	return (struct sb_proc_init){.pid = pid, .ppid = ppid, .serving = serving};
}

static void call(struct sb_proc_init *p, int nr)
{
	sb_bit_set(p->calls, nr);
}

struct result {
	int n;
	uint8_t carry[SB_BITMAP_BYTES];
	struct sb_arg_seen seen[SB_ARG_N];
};

static struct result carry(const struct sb_proc_init *v, int n)
{
	struct result r;

	memset(&r, 0, sizeof(r));
	r.n = sb_restart_carry(v, n, r.carry, r.seen);
	return r;
}

/* A supervisor (socket, clone, execve in init) and two workers (setuid,
 * prctl in init): the union without exec; one supervisor. */
static void test_supervisor(void **state)
{
	struct sb_proc_init v[3] = {rec(10, 0, true), rec(11, 10, true), rec(12, 10, true)};

	call(&v[0], SYS_execve), call(&v[0], SYS_socket), call(&v[0], SYS_clone);
	call(&v[1], SYS_setuid), call(&v[2], SYS_prctl);
	struct result r = carry(v, 3);
	assert_int_equal(r.n, 1);
	assert_true(sb_bit_test(r.carry, SYS_socket));
	assert_true(sb_bit_test(r.carry, SYS_clone));
	assert_true(sb_bit_test(r.carry, SYS_setuid));
	assert_true(sb_bit_test(r.carry, SYS_prctl));
	assert_false(sb_bit_test(r.carry, SYS_execve));
}

/* No rule: a parent that never serves (prefork), a daemonizing parent
 * that exits in init, a child born in serving (no init calls), a worker
 * that never served, a worker that exec'd. */
static void test_not_workers(void **state)
{
	struct sb_proc_init prefork[2] = {rec(10, 0, false), rec(11, 10, true)};
	struct sb_proc_init born_serving[2] = {rec(10, 0, true), rec(11, 10, true)};
	struct sb_proc_init idle[2] = {rec(10, 0, true), rec(11, 10, false)};
	struct sb_proc_init execd[2] = {rec(10, 0, true), rec(11, 10, true)};

	call(&prefork[1], SYS_getitimer);
	call(&idle[1], SYS_getitimer);
	call(&execd[1], SYS_getitimer), call(&execd[1], SYS_execve);
	struct sb_proc_init *cases[] = {prefork, born_serving, idle, execd};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct result r = carry(cases[i], 2);
		assert_int_equal(r.n, 0);
		assert_false(sb_bit_test(r.carry, SYS_getitimer));
	}
}

/* A pid reused: the parent is the latest earlier process with that pid. */
static void test_pid_reuse(void **state)
{
	struct sb_proc_init v[3] = {rec(10, 0, false), rec(10, 0, true), rec(11, 10, true)};

	call(&v[0], SYS_chdir), call(&v[1], SYS_chroot), call(&v[2], SYS_getitimer);
	struct result r = carry(v, 3);
	assert_int_equal(r.n, 1);
	assert_true(sb_bit_test(r.carry, SYS_chroot));
	assert_false(sb_bit_test(r.carry, SYS_chdir));
}

/* Arguments: the supervisor's PROT_EXEC (the loader's) is not carried, a
 * worker's dangerous prctl option is; two supervisors count twice. */
static void test_arguments(void **state)
{
	struct sb_proc_init v[4] = {rec(10, 0, true), rec(11, 10, true), rec(20, 0, true), rec(21, 20, true)};

	call(&v[0], SYS_mmap);
	sb_arg_record(SB_ARG_MMAP_PROT, &v[0].seen[SB_ARG_MMAP_PROT], PROT_READ | PROT_EXEC);
	sb_arg_record(SB_ARG_PRCTL_OPTION, &v[0].seen[SB_ARG_PRCTL_OPTION], PR_SET_PTRACER);
	call(&v[1], SYS_prctl);
	sb_arg_record(SB_ARG_PRCTL_OPTION, &v[1].seen[SB_ARG_PRCTL_OPTION], PR_SET_DUMPABLE);
	call(&v[3], SYS_getitimer);
	struct result r = carry(v, 4);
	assert_int_equal(r.n, 2);
	assert_true(r.seen[SB_ARG_MMAP_PROT].any);
	assert_int_equal(r.seen[SB_ARG_MMAP_PROT].bits, PROT_READ);
	struct sb_cond c = sb_arg_generate(SB_ARG_PRCTL_OPTION, &r.seen[SB_ARG_PRCTL_OPTION], SB_ARGS_DANGER);
	char text[512];
	const char *w = sb_cond_format(SB_ARG_PRCTL_OPTION, &c, text, sizeof(text));
	assert_non_null(w);
	assert_null(strstr(w, "PR_SET_DUMPABLE"));    /* the worker's: allowed */
	assert_non_null(strstr(w, "PR_SET_PTRACER")); /* the supervisor's: still denied */
}

/* The writer marks a serving line with count 0, an init count and no
 * family as the rule's; a counted serving line is not. */
static void test_written(void **state)
{
	struct sb_policy *p = sb_policy_new();
	char *text = NULL;
	size_t len = 0;

	assert_non_null(p);
	snprintf(p->program, sizeof(p->program), "t");
	p->has_transition = true;
	const char *bad = NULL;
	assert_int_equal(sb_transition_set(&p->tr, "accept", -1, NULL, &bad), 0);
	sb_policy_add(p, SB_PHASE_INIT, SYS_getitimer, 2);
	sb_policy_add(p, SB_PHASE_SERVING, SYS_getitimer, 0);
	sb_policy_add(p, SB_PHASE_INIT, SYS_read, 2);
	sb_policy_add(p, SB_PHASE_SERVING, SYS_read, 3);
	assert_true(sb_policy_init_only(p, SB_PHASE_SERVING, SYS_getitimer));
	assert_false(sb_policy_init_only(p, SB_PHASE_SERVING, SYS_read));
	assert_false(sb_policy_init_only(p, SB_PHASE_INIT, SYS_getitimer));
	FILE *f = open_memstream(&text, &len);
	assert_int_equal(sb_policy_write_stream(p, f), 0);
	fclose(f);
	assert_non_null(strstr(text, "\ngetitimer = allow ; seen in init\n"));
	assert_non_null(strstr(text, "\nread = allow ; 3 calls\n"));
	free(text);
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_supervisor), cmocka_unit_test(test_not_workers),
	    cmocka_unit_test(test_pid_reuse),  cmocka_unit_test(test_arguments),
	    cmocka_unit_test(test_written),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
