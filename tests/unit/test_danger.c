/* test_danger.c - the dangerous tier: the table, its names, the count a
 * phase allows.
 *
 * The table itself is static in danger.c; these tests see it through the
 * API (sb_danger_is, sb_danger_reason) and test the resolver on tables of
 * their own, so that unknown names are tested whatever this libseccomp
 * knows.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <seccomp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "danger.h"
#include "filter.h"
#include "policy.h"

static int nr(const char *name)
{
	int n = sb_syscall_nr(name);
	assert_true(n >= 0);
	return n;
}

/* The calls issue 11 names, and the brief's list: all must be in. */
static const char *const must[] = {
    "io_uring_setup",
    "io_uring_enter",
    "io_uring_register",
    "process_vm_writev",
    "process_vm_readv",
    "ptrace",
    "pidfd_getfd",
    "kcmp",
    "execve",
    "execveat",
    "unshare",
    "setns",
    "mount",
    "umount2",
    "pivot_root",
    "bpf",
    "perf_event_open",
    "init_module",
    "finit_module",
    "delete_module",
    "kexec_load",
    "kexec_file_load",
    "keyctl",
    "add_key",
    "request_key",
    "setuid",
    "setgid",
    "setresuid",
    "setresgid",
    "setgroups",
    "capset",
    "personality",
    "userfaultfd",
    "open_by_handle_at",
    NULL,
};

/* Ordinary work, including what touches the outside world through the
 * policy's own lines (files, sockets) and what the mechanism handles
 * itself (clone3, seccomp). */
static const char *const ordinary[] = {
    "read",  "write",   "openat",  "close",      "mmap",       "socket",     "connect",
    "bind",  "listen",  "accept4", "socketpair", "clone",      "clone3",     "fork",
    "vfork", "seccomp", "kill",    "prctl",      "epoll_wait", "exit_group", "name_to_handle_at",
    NULL,
};

static void test_members(void **state)
{
	for (const char *const *n = must; *n; n++)
		if (!sb_danger_is(nr(*n)))
			fail_msg("%s is not dangerous", *n);
	for (const char *const *n = ordinary; *n; n++)
		if (sb_danger_is(nr(*n)))
			fail_msg("%s is dangerous", *n);
	assert_false(sb_danger_is(-1));
	assert_false(sb_danger_is(SB_NR_MAX));
	assert_null(sb_danger_reason(nr("read")));
	assert_null(sb_danger_reason(SB_NR_MAX));
}

/* Every dangerous number has one line of reason, and the count is the
 * number of dangerous numbers. */
static void test_reasons(void **state)
{
	int n = 0;

	for (int i = 0; i < SB_NR_MAX; i++) {
		const char *why = sb_danger_reason(i);
		if (sb_danger_is(i) != (why != NULL))
			fail_msg("nr %d: dangerous %d, reason %s", i, sb_danger_is(i), why ? why : "NULL");
		if (!why)
			continue;
		n++;
		if (strlen(why) < 10 || strchr(why, '\n'))
			fail_msg("nr %d: reason '%s'", i, why);
	}
	assert_int_equal(sb_danger_count(), n);
	assert_true(n >= (int)(sizeof(must) / sizeof(must[0])) - 1);
	assert_non_null(strstr(sb_danger_reason(nr("io_uring_setup")), "transition"));
}

/* Names this libseccomp cannot resolve are skipped, not an error; a name
 * twice counts once. */
static void test_resolve_skips_unknown(void **state)
{
	const struct sb_danger tab[] = {
	    {"ptrace", "x"},
	    {"no_such_syscall", "x"},
	    {"syscall_9999", "x"},
	    {"ptrace", "x"},
	    {"", "x"},
	    {"bpf", "x"},
	    {NULL, NULL},
	};
	const struct sb_danger empty[] = {{NULL, NULL}};
	uint8_t set[SB_BITMAP_BYTES] = {0};
	int bits = 0;

	assert_int_equal(sb_danger_resolve(tab, set), 2);
	for (int i = 0; i < SB_NR_MAX; i++)
		bits += sb_bit_test(set, i);
	assert_int_equal(bits, 2);
	assert_true(sb_bit_test(set, nr("ptrace")));
	assert_true(sb_bit_test(set, nr("bpf")));
	memset(set, 0, sizeof(set));
	assert_int_equal(sb_danger_resolve(empty, set), 0);
}

/* A table entry this libseccomp cannot name is not in the tier: the tier is
 * exactly what the filters can name. (open_tree_attr is in the table; on
 * libseccomp 2.5.4 it has no name, and its number 467 is not dangerous.) */
static void test_unnamed_numbers_not_dangerous(void **state)
{
	for (int i = 0; i < SB_NR_MAX; i++) {
		char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, i);
		if (!name && sb_danger_is(i))
			fail_msg("nr %d has no name but is dangerous", i);
		free(name);
	}
}

static void set_act(struct sb_policy *p, enum sb_phase ph, const char *name, enum sb_act_kind k)
{
	p->phase[ph][nr(name)].act = (struct sb_action){.kind = k, .errnum = k == SB_ACT_ERRNO ? EPERM : 0};
}

/* The count follows each phase's answer: listed allow or log counts,
 * listed kill or errno does not, and unlisted never does, whatever the
 * default (under log the tier's rule kills them). */
static void test_allowed_count(void **state)
{
	struct sb_policy *p = sb_policy_new();
	int nrs[4] = {-1, -1, -1, -1};

	assert_non_null(p);
	p->has_transition = true;
	set_act(p, SB_PHASE_INIT, "setuid", SB_ACT_ALLOW);
	set_act(p, SB_PHASE_INIT, "ptrace", SB_ACT_LOG);
	set_act(p, SB_PHASE_INIT, "bpf", SB_ACT_ERRNO);
	set_act(p, SB_PHASE_INIT, "read", SB_ACT_ALLOW);
	set_act(p, SB_PHASE_SERVING, "io_uring_enter", SB_ACT_ALLOW);
	set_act(p, SB_PHASE_SERVING, "mount", SB_ACT_KILL);
	for (int d = 0; d < 3; d++) {
		p->def = (struct sb_action[]){{SB_ACT_KILL, 0}, {SB_ACT_ERRNO, EPERM}, {SB_ACT_LOG, 0}}[d];
		assert_int_equal(sb_danger_allowed(p, SB_PHASE_INIT, NULL, 0), 2);
		assert_int_equal(sb_danger_allowed(p, SB_PHASE_SERVING, nrs, 4), 1);
		assert_int_equal(nrs[0], nr("io_uring_enter"));
	}
	assert_int_equal(sb_danger_allowed(p, SB_PHASE_INIT, nrs, 1), 2);
	assert_int_equal(nrs[0], nr("ptrace")); /* ascending: ptrace 101 < setuid 105 */
	free(p);
}

/* sandbox-policy(5) lists every dangerous call in its DANGEROUS CALLS
 * section, as ".B name" lines. The page is found from this file's path
 * (the build passes tests/unit/test_danger.c, relative to the top, where
 * `make unit` runs the tests). */
static void test_man_page_lists_every_call(void **state)
{
	char path[4096], line[256], name[64];
	const char *dir_end = strrchr(__FILE__, '/');
	bool in = false;
	uint8_t seen[SB_BITMAP_BYTES] = {0};

	snprintf(path, sizeof(path), "%.*s/../../man/sandbox-policy.5",
	         dir_end ? (int)(dir_end - __FILE__) : 1, dir_end ? __FILE__ : ".");
	FILE *f = fopen(path, "r");
	if (!f)
		fail_msg("cannot open %s (run from the top of the tree): %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, ".SH ", 4))
			in = !strcmp(line, ".SH DANGEROUS CALLS\n");
		if (in && sscanf(line, ".B %63[a-z0-9_]", name) == 1 && sb_syscall_nr(name) >= 0)
			sb_bit_set(seen, sb_syscall_nr(name));
	}
	fclose(f);
	for (int i = 0; i < SB_NR_MAX; i++)
		if (sb_danger_is(i) && !sb_bit_test(seen, i))
			fail_msg("%s: DANGEROUS CALLS does not list %s", path,
			         sb_syscall_name(i, name, sizeof(name)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_members),
	    cmocka_unit_test(test_reasons),
	    cmocka_unit_test(test_resolve_skips_unknown),
	    cmocka_unit_test(test_unnamed_numbers_not_dangerous),
	    cmocka_unit_test(test_allowed_count),
	    cmocka_unit_test(test_man_page_lists_every_call),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
