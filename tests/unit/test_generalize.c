/* test_generalize.c - what lets a learned policy hold on paths its training
 * did not take: the harmless baseline (baseline.h), the families of equal
 * power (syscalls.h, sb_policy_widen) and their separation from the
 * dangerous tier (danger.h), and the `baseline` key of the file format.
 *
 * The tables are tested through the API, member by member, so a new entry
 * that breaks an invariant (a dangerous call in the baseline or a family, a
 * call in two families, a missing reason or man page line) fails here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "baseline.h"
#include "danger.h"
#include "filter.h"
#include "policy.h"
#include "syscalls.h"

static int nr(const char *name)
{
	int n = sb_syscall_nr(name);
	if (n < 0)
		fail_msg("libseccomp does not know %s", name);
	return n;
}

/* The calls issue 7 saw kill servers on untrained paths: all in. */
static void test_baseline_members(void **state)
{
	static const char *const must[] = {"getpid",  "gettid",          "getrusage", "futex",
	                                   "sysinfo", "clock_nanosleep", NULL};
	int n = 0;

	for (const char *const *m = must; *m; m++)
		assert_true(sb_baseline_is(nr(*m)));
	for (const struct sb_danger *d = sb_baseline_table; d->name; d++) {
		assert_non_null(d->why);
		assert_true(strlen(d->why) > 0);
		assert_string_equal(sb_baseline_reason(nr(d->name)), d->why);
		n++;
	}
	assert_int_equal(sb_baseline_count(), n); /* every name known, none twice */
	/* what creates a capability or reaches outside is not in; nor what
	 * changes a file (ftruncate) or names one (getcwd) */
	static const char *const out[] = {"pkey_mprotect", "openat",    "socket",     "clone", "execve",
	                                  "kill",          "prlimit64", "membarrier", "prctl", "ftruncate",
	                                  "getcwd",        "fsync",     NULL};
	for (const char *const *m = out; *m; m++)
		assert_false(sb_baseline_is(nr(*m)));
	assert_false(sb_baseline_is(-1));
	assert_false(sb_baseline_is(SB_NR_MAX));
	assert_null(sb_baseline_reason(nr("openat")));
	/* mmap and mprotect are in only never executable, ioctl only for
	 * FIONREAD; no other member has a condition */
	char text[64];
	for (int i = 0; i < SB_NR_MAX; i++) {
		const struct sb_cond *c = sb_baseline_cond(i);
		if (i == nr("mmap") || i == nr("mprotect")) {
			assert_non_null(c);
			assert_string_equal(
			    sb_cond_format((enum sb_arg_id)sb_arg_for_syscall(i), c, text, sizeof(text)),
			    "not PROT_EXEC");
		} else if (i == nr("ioctl")) {
			assert_non_null(c);
			assert_string_equal(sb_cond_format(SB_ARG_IOCTL_REQUEST, c, text, sizeof(text)),
			                    "only FIONREAD");
		} else {
			assert_null(c);
		}
	}
}

/* The two tiers never meet: nothing generalization adds is dangerous. */
static void test_no_dangerous_member(void **state)
{
	char name[64];

	for (int i = 0; i < SB_NR_MAX; i++) {
		if (!sb_danger_is(i))
			continue;
		if (sb_baseline_is(i))
			fail_msg("%s is dangerous and in the baseline",
			         sb_syscall_name(i, name, sizeof(name)));
		if (sb_family_power(i))
			fail_msg("%s is dangerous and in family %s", sb_syscall_name(i, name, sizeof(name)),
			         sb_family_power(i)->name);
	}
}

/* Power families: the examples are one family each; a power-only
 * family is no marker name (so old transition rules keep their meaning);
 * recv is a marker but not of equal power (recvmsg receives descriptors). */
static void test_power_families(void **state)
{
	static const char *const groups[][6] = {
	    {"read", "readv", "pread64", "preadv", "preadv2", NULL},
	    {"open", "openat", NULL},
	    {"stat", "fstat", "lstat", "newfstatat", "statx", NULL},
	    {"epoll_wait", "epoll_pwait", "epoll_pwait2", NULL},
	    {"poll", "ppoll", NULL},
	    {"select", "pselect6", NULL},
	    {"nanosleep", "clock_nanosleep", NULL},
	};

	for (size_t g = 0; g < sizeof(groups) / sizeof(groups[0]); g++) {
		const struct sb_family *f = sb_family_power(nr(groups[g][0]));
		assert_non_null(f);
		for (const char *const *m = groups[g]; *m; m++)
			assert_ptr_equal(sb_family_power(nr(*m)), f);
	}
	assert_null(sb_family_power(nr("recvmsg")));
	assert_null(sb_family_power(nr("sendmsg")));
	assert_null(sb_family_power(nr("mmap")));
	assert_null(sb_family_power(nr("unlinkat"))); /* file-system changes: as seen */
	assert_null(sb_family_power(nr("creat")));
	assert_non_null(sb_family_of(nr("recvmsg")));
	assert_null(sb_family_find("open"));  /* the syscall, as a marker */
	assert_null(sb_family_find("sleep")); /* no marker at all */
	assert_null(sb_family_of(nr("openat")));
	for (const struct sb_family *f = sb_families; f->name; f++)
		assert_true(f->use & (SB_FAMILY_MARKER | SB_FAMILY_POWER));
}

/* A run that saw read and openat in init and pread64 in serving. */
static struct sb_policy *seen(void)
{
	struct sb_policy *p = sb_policy_new();

	assert_non_null(p);
	p->has_transition = true;
	sb_policy_add(p, SB_PHASE_INIT, nr("read"), 4);
	sb_policy_add(p, SB_PHASE_INIT, nr("openat"), 2);
	sb_policy_add(p, SB_PHASE_INIT, nr("ptrace"), 1); /* dangerous: no family */
	sb_policy_add(p, SB_PHASE_SERVING, nr("pread64"), 9);
	p->phase[SB_PHASE_SERVING][nr("readv")].act.kind = SB_ACT_ERRNO; /* hand-written line */
	p->phase[SB_PHASE_SERVING][nr("readv")].act.errnum = EPERM;
	return p;
}

static void test_widen(void **state)
{
	struct sb_policy *p = seen();
	int init = sb_policy_count(p, SB_PHASE_INIT);

	/* init: read brings readv, pread64, preadv, preadv2; openat brings
	 * open. serving: read, preadv, preadv2 (readv is listed already, and
	 * keeps its action). */
	assert_int_equal(sb_policy_widen(p), 5 + 3);
	assert_int_equal(sb_policy_count(p, SB_PHASE_INIT), init + 5);
	assert_int_equal(p->phase[SB_PHASE_INIT][nr("preadv2")].act.kind, SB_ACT_ALLOW);
	assert_int_equal(p->phase[SB_PHASE_INIT][nr("preadv2")].count, 0);
	assert_int_equal(p->phase[SB_PHASE_INIT][nr("open")].act.kind, SB_ACT_ALLOW);
	assert_int_equal(p->phase[SB_PHASE_INIT][nr("creat")].act.kind, SB_ACT_NONE);
	assert_int_equal(p->phase[SB_PHASE_SERVING][nr("read")].act.kind, SB_ACT_ALLOW);
	assert_int_equal(p->phase[SB_PHASE_SERVING][nr("readv")].act.kind, SB_ACT_ERRNO);
	assert_int_equal(p->phase[SB_PHASE_SERVING][nr("openat")].act.kind, SB_ACT_NONE);
	assert_int_equal(p->phase[SB_PHASE_INIT][nr("write")].act.kind, SB_ACT_NONE);
	assert_ptr_equal(sb_policy_widened_by(p, SB_PHASE_INIT, nr("pread64")), sb_family_power(nr("read")));
	assert_null(sb_policy_widened_by(p, SB_PHASE_INIT, nr("read"))); /* seen itself */
	assert_null(sb_policy_widened_by(p, SB_PHASE_SERVING, nr("openat")));
	/* added lines have no count: they bring in nothing more */
	assert_int_equal(sb_policy_widen(p), 0);
	free(p);
}

/* Implied families: truncate needs open and write seen, sync needs write;
 * a member of an implied family seen brings in nothing. */
static void test_implied(void **state)
{
	struct sb_policy *p = sb_policy_new();

	assert_non_null(p);
	p->has_transition = true;
	sb_policy_add(p, SB_PHASE_INIT, nr("openat"), 1); /* init: open only */
	sb_policy_add(p, SB_PHASE_INIT, nr("ftruncate"), 1);
	sb_policy_add(p, SB_PHASE_SERVING, nr("openat"), 3); /* serving: open and write */
	sb_policy_add(p, SB_PHASE_SERVING, nr("pwrite64"), 5);
	sb_policy_widen(p);
	assert_int_equal(p->phase[SB_PHASE_SERVING][nr("ftruncate")].act.kind, SB_ACT_ALLOW);
	assert_int_equal(p->phase[SB_PHASE_SERVING][nr("ftruncate")].count, 0);
	assert_ptr_equal(sb_policy_widened_by(p, SB_PHASE_SERVING, nr("ftruncate")),
	                 sb_family_power(nr("ftruncate")));
	assert_string_equal(sb_family_power(nr("ftruncate"))->name, "truncate");
	assert_int_equal(p->phase[SB_PHASE_SERVING][nr("fdatasync")].act.kind, SB_ACT_ALLOW);
	assert_int_equal(p->phase[SB_PHASE_SERVING][nr("sync_file_range")].act.kind, SB_ACT_ALLOW);
	/* init wrote nothing: no sync; its ftruncate was seen, not implied */
	assert_int_equal(p->phase[SB_PHASE_INIT][nr("fsync")].act.kind, SB_ACT_NONE);
	assert_null(sb_policy_widened_by(p, SB_PHASE_INIT, nr("ftruncate")));
	free(p);

	p = sb_policy_new();
	assert_non_null(p);
	sb_policy_add(p, SB_PHASE_INIT, nr("write"), 1);   /* write without open */
	sb_policy_add(p, SB_PHASE_SERVING, nr("read"), 1); /* serving: read, close */
	sb_policy_add(p, SB_PHASE_SERVING, nr("close"), 1);
	sb_policy_widen(p);
	assert_int_equal(p->phase[SB_PHASE_INIT][nr("ftruncate")].act.kind, SB_ACT_NONE);
	assert_int_equal(p->phase[SB_PHASE_INIT][nr("fsync")].act.kind, SB_ACT_ALLOW);
	/* copy needs read and write; shutdown is implied by the syscall close */
	assert_int_equal(p->phase[SB_PHASE_INIT][nr("sendfile")].act.kind, SB_ACT_NONE);
	assert_int_equal(p->phase[SB_PHASE_SERVING][nr("sendfile")].act.kind, SB_ACT_NONE);
	assert_int_equal(p->phase[SB_PHASE_SERVING][nr("shutdown")].act.kind, SB_ACT_ALLOW);
	assert_int_equal(p->phase[SB_PHASE_INIT][nr("shutdown")].act.kind, SB_ACT_NONE);
	sb_policy_add(p, SB_PHASE_SERVING, nr("writev"), 1);
	sb_policy_widen(p);
	assert_int_equal(p->phase[SB_PHASE_SERVING][nr("sendfile")].act.kind, SB_ACT_ALLOW);
	assert_int_equal(p->phase[SB_PHASE_SERVING][nr("copy_file_range")].act.kind, SB_ACT_ALLOW);
	free(p);
}

/* The writer names the family on an added line; read back, the policy is
 * the same (the comment is free text, not a count). */
static void test_widened_lines_written(void **state)
{
	struct sb_policy *p = seen(), *q = NULL;
	struct sb_error err;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	snprintf(p->program, sizeof(p->program), "t");
	assert_int_equal(sb_transition_set(&p->tr, "accept", -1, NULL, NULL), 0);
	p->phase[SB_PHASE_INIT][nr("ptrace")] = (struct sb_entry){{SB_ACT_NONE, 0}, 0};
	sb_policy_widen(p);
	assert_int_equal(sb_policy_write_stream(p, f), 0);
	fclose(f);
	assert_non_null(strstr(buf, "\npread64 = allow ; family read\n"));
	assert_non_null(strstr(buf, "\nopen = allow ; family open\n"));
	assert_non_null(strstr(buf, "\nread = allow ; 4 calls\n"));
	assert_non_null(strstr(buf, "\nreadv = errno EPERM\n"));
	assert_int_equal(sb_policy_read_string(buf, "w.ini", &q, &err), 0);
	assert_true(sb_policy_equal(p, q));
	free(buf);
	free(q);
	free(p);
}

#define HEAD "[sandbox]\nversion = 1\nprogram = t\narch = x86_64\n"

static void test_baseline_key(void **state)
{
	struct sb_policy *p = NULL, *q = NULL;
	struct sb_error err;

	assert_int_equal(sb_policy_read_string(HEAD "[init]\nread = allow\n", "t.ini", &p, &err), 0);
	assert_int_equal(p->baseline, SB_BASELINE_NONE); /* absent: as before the key */
	free(p);
	assert_int_equal(sb_policy_read_string(HEAD "baseline = harmless\n", "t.ini", &p, &err), 0);
	assert_int_equal(p->baseline, SB_BASELINE_HARMLESS);
	assert_int_equal(sb_policy_read_string(HEAD "baseline = none\n", "t.ini", &q, &err), 0);
	assert_int_equal(q->baseline, SB_BASELINE_NONE);
	assert_false(sb_policy_equal(p, q));
	/* merge: dst keeps its own, both ways */
	assert_int_equal(sb_policy_merge(q, p, &err), 0);
	assert_int_equal(q->baseline, SB_BASELINE_NONE);
	assert_int_equal(sb_policy_merge(p, q, &err), 0);
	assert_int_equal(p->baseline, SB_BASELINE_HARMLESS);
	free(p);
	free(q);

	static const struct {
		const char *text;
		int line;
		const char *msg;
	} bad[] = {
	    {HEAD "baseline = Harmless\n", 5, "baseline must be harmless or none, not 'Harmless'"},
	    {HEAD "baseline = all\n", 5, "baseline must be harmless or none, not 'all'"},
	    {HEAD "baseline =\n", 5, "missing value for 'baseline'"},
	    {HEAD "baseline = none\nbaseline = none\n", 6, "duplicate key 'baseline' (first at line 5)"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		p = NULL;
		if (sb_policy_read_string(bad[i].text, "t.ini", &p, &err) != -EINVAL ||
		    err.line != bad[i].line || strstr(err.msg, bad[i].msg) == NULL)
			fail_msg("%s: got %s:%d: %s", bad[i].text, err.file, err.line, err.msg);
		assert_string_equal(err.file, "t.ini");
		assert_null(p);
	}
}

/* sb_baseline_allowed counts the unlisted members a phase allows. */
static void test_baseline_allowed(void **state)
{
	struct sb_policy *p = sb_policy_new();

	assert_non_null(p);
	p->has_transition = true;
	sb_policy_add(p, SB_PHASE_SERVING, nr("getpid"), 1);
	assert_int_equal(sb_baseline_allowed(p, SB_PHASE_INIT), 0);
	p->baseline = SB_BASELINE_HARMLESS;
	/* and kill, tgkill: to the process itself only */
	assert_int_equal(sb_baseline_allowed(p, SB_PHASE_INIT), sb_baseline_count() + 2);
	assert_int_equal(sb_baseline_allowed(p, SB_PHASE_SERVING), sb_baseline_count() + 2 - 1);
	sb_policy_add(p, SB_PHASE_SERVING, nr("tgkill"), 1); /* its line: all pids, not the baseline */
	assert_int_equal(sb_baseline_allowed(p, SB_PHASE_SERVING), sb_baseline_count() - 1 + 1);
	assert_int_equal(sb_baseline_allowed(p, SB_PHASE_INIT), sb_baseline_count() + 1);
	free(p);
}

/* sandbox-policy(5) lists every member of the baseline under BASELINE and
 * every power family's members under FAMILIES (found as in test_danger). */
static void man_section(const char *section, uint8_t seen_set[SB_BITMAP_BYTES], bool table_rows)
{
	char path[4096], line[512], name[64];
	const char *dir_end = strrchr(__FILE__, '/');
	bool in = false;

	snprintf(path, sizeof(path), "%.*s/../../man/sandbox-policy.5",
	         dir_end ? (int)(dir_end - __FILE__) : 1, dir_end ? __FILE__ : ".");
	FILE *f = fopen(path, "r");
	if (!f)
		fail_msg("cannot open %s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, ".SH ", 4))
			in =
			    !strncmp(line + 4, section, strlen(section)) && line[4 + strlen(section)] == '\n';
		if (!in)
			continue;
		if (!table_rows && sscanf(line, ".B %63[a-z0-9_]", name) == 1 && sb_syscall_nr(name) >= 0)
			sb_bit_set(seen_set, sb_syscall_nr(name));
		/* a table row: "family<TAB>member, member..." */
		for (char *t = table_rows ? strtok(line, "\t, \n") : NULL; t; t = strtok(NULL, "\t, \n"))
			if (sb_syscall_nr(t) >= 0)
				sb_bit_set(seen_set, sb_syscall_nr(t));
	}
	fclose(f);
}

static void test_man_page(void **state)
{
	uint8_t base[SB_BITMAP_BYTES] = {0}, fam[SB_BITMAP_BYTES] = {0};
	char name[64];

	man_section("BASELINE", base, false);
	man_section("FAMILIES", fam, true);
	for (int i = 0; i < SB_NR_MAX; i++) {
		if (sb_baseline_is(i) && !sb_bit_test(base, i))
			fail_msg("sandbox-policy(5) BASELINE does not list %s",
			         sb_syscall_name(i, name, sizeof(name)));
		if (sb_family_power(i) && !sb_bit_test(fam, i))
			fail_msg("sandbox-policy(5) FAMILIES does not list %s",
			         sb_syscall_name(i, name, sizeof(name)));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_baseline_members), cmocka_unit_test(test_no_dangerous_member),
	    cmocka_unit_test(test_power_families),   cmocka_unit_test(test_widen),
	    cmocka_unit_test(test_implied),          cmocka_unit_test(test_widened_lines_written),
	    cmocka_unit_test(test_baseline_key),     cmocka_unit_test(test_baseline_allowed),
	    cmocka_unit_test(test_man_page),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
