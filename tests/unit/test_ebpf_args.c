/* test_ebpf_args.c - a kernel record of an argument (record.h) becomes the
 * struct sb_arg_seen that sb_arg_record makes of the same calls.
 *
 * The kernel keeps, per process and phase, the OR of a flags argument and
 * up to SB_COND_MAX values + 1 of a values argument in the order first
 * seen, with overflow and the dangerous values seen; sb_ebpf_arg_seen must
 * give the ptrace profiler's struct for the same sequence, merged over
 * processes as one profiler would have recorded them all. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>

#include "args.h"
#include "ebpf/ebpf.h"

static void assert_seen_equal(const struct sb_arg_seen *a, const struct sb_arg_seen *b)
{
	assert_int_equal(a->any, b->any);
	assert_int_equal(a->bits, b->bits);
	assert_int_equal(a->n, b->n);
	assert_memory_equal(a->v, b->v, sizeof(a->v[0]) * (size_t)a->n);
	assert_int_equal(a->overflow, b->overflow);
	assert_int_equal(a->danger_seen, b->danger_seen);
}

/* What record.bpf.c's arg_add leaves for values xs[0..n) of a values
 * argument: each new value in the next slot, + 1; overflow past the last. */
static void kernel_values(struct sb_ebpf_arg_seen *k, const uint64_t *xs, int n)
{
	const struct sb_arg_def *d = sb_arg_def(SB_ARG_PRCTL_OPTION);

	for (int i = 0; i < n; i++) {
		int s = 0;
		k->any = 1;
		for (int j = 0; d->danger[j]; j++)
			if (d->danger[j] == xs[i])
				k->danger_seen |= 1ull << j;
		while (s < SB_EBPF_VALUES && k->v[s] && k->v[s] != xs[i] + 1)
			s++;
		if (s == SB_EBPF_VALUES)
			k->overflow = 1;
		else
			k->v[s] = xs[i] + 1;
	}
}

static void test_values_overflow_danger(void **state)
{
	/* 13 distinct options, out of order, two dangerous, one repeated */
	static const uint64_t xs[] = {40, 16, PR_SET_DUMPABLE, 15, 16, 1, 2, 3, 5, 6, 7, 8, 9, 10, PR_SET_MM};
	const int n = (int)(sizeof(xs) / sizeof(xs[0]));
	struct sb_ebpf_proc *rec = calloc(1, sizeof(*rec));
	struct sb_arg_seen want = {0}, got = {0};

	(void)state;
	assert_non_null(rec);
	for (int i = 0; i < n; i++)
		sb_arg_record(SB_ARG_PRCTL_OPTION, &want, xs[i]);
	kernel_values(&rec->seen[SB_PHASE_SERVING][SB_ARG_PRCTL_OPTION], xs, n);
	sb_ebpf_arg_seen(rec, SB_PHASE_SERVING, SB_ARG_PRCTL_OPTION, &got);
	assert_true(want.overflow); /* the case under test */
	assert_int_not_equal(want.danger_seen, 0);
	assert_seen_equal(&want, &got);
	/* nothing recorded in init: nothing added */
	struct sb_arg_seen none = {0};
	sb_ebpf_arg_seen(rec, SB_PHASE_INIT, SB_ARG_PRCTL_OPTION, &none);
	assert_false(none.any);
	free(rec);
}

/* Two processes, each under the set's size, together over it: the merge
 * overflows as one profiler seeing both would. */
static void test_values_merged_over_processes(void **state)
{
	static const uint64_t a[] = {1, 2, 3, 4, 5, 6, 7}, b[] = {7, 8, 9, 10, 11, 12, 13};
	struct sb_ebpf_proc *ra = calloc(1, sizeof(*ra)), *rb = calloc(1, sizeof(*rb));
	struct sb_arg_seen want = {0}, got = {0};

	(void)state;
	assert_non_null(ra);
	assert_non_null(rb);
	for (int i = 0; i < 7; i++)
		sb_arg_record(SB_ARG_PRCTL_OPTION, &want, a[i]);
	for (int i = 0; i < 7; i++)
		sb_arg_record(SB_ARG_PRCTL_OPTION, &want, b[i]);
	kernel_values(&ra->seen[SB_PHASE_INIT][SB_ARG_PRCTL_OPTION], a, 7);
	kernel_values(&rb->seen[SB_PHASE_INIT][SB_ARG_PRCTL_OPTION], b, 7);
	sb_ebpf_arg_seen(ra, SB_PHASE_INIT, SB_ARG_PRCTL_OPTION, &got);
	sb_ebpf_arg_seen(rb, SB_PHASE_INIT, SB_ARG_PRCTL_OPTION, &got);
	assert_true(want.overflow);
	assert_seen_equal(&want, &got);
	free(ra);
	free(rb);
}

static void test_flags(void **state)
{
	struct sb_ebpf_proc *rec = calloc(1, sizeof(*rec));
	struct sb_arg_seen want = {0}, got = {0};

	(void)state;
	assert_non_null(rec);
	sb_arg_record(SB_ARG_MPROTECT_PROT, &want, PROT_READ);
	sb_arg_record(SB_ARG_MPROTECT_PROT, &want, PROT_READ | PROT_WRITE);
	rec->seen[SB_PHASE_INIT][SB_ARG_MPROTECT_PROT] =
	    (struct sb_ebpf_arg_seen){.any = 1, .bits = PROT_READ | PROT_WRITE};
	sb_ebpf_arg_seen(rec, SB_PHASE_INIT, SB_ARG_MPROTECT_PROT, &got);
	assert_seen_equal(&want, &got);
	struct sb_cond cw = sb_arg_generate(SB_ARG_MPROTECT_PROT, &want, SB_ARGS_EXACT);
	struct sb_cond cg = sb_arg_generate(SB_ARG_MPROTECT_PROT, &got, SB_ARGS_EXACT);
	assert_true(sb_cond_equal(&cw, &cg));
	free(rec);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_values_overflow_danger),
	    cmocka_unit_test(test_values_merged_over_processes),
	    cmocka_unit_test(test_flags),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
