/* test_export.c - derived policies and exports (lib/union.c, lib/export.c):
 * the flattening and its refusal, a single-phase run merged into [init],
 * and per format what each call becomes and what is refused. Outputs are
 * checked line by line against what the filters of the union answer. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "export.h"
#include "union.h"

#define HEAD "[sandbox]\nversion = 1\nprogram = p\narch = x86_64\n"
#define TWO  HEAD "transition = accept\n"

static struct sb_policy *read_ok(const char *text)
{
	struct sb_policy *p = NULL;
	struct sb_error err = {0};

	if (sb_policy_read_string(text, "t.ini", &p, &err) != 0)
		fail_msg("%s:%d: %s", err.file, err.line, err.msg);
	return p;
}

static int nr(const char *name)
{
	int n = sb_syscall_nr(name);

	assert_true(n >= 0);
	return n;
}

static void union_flattens(void **state)
{
	struct sb_policy *p = read_ok(TWO "default = errno EPERM\n[init]\nread = allow ; 2 calls\nsocket = "
	                                  "allow\n[serving]\nread = allow ; 3 calls\nuname = errno EACCES\n");
	struct sb_policy *u = NULL;
	struct sb_error err = {0};

	assert_int_equal(sb_policy_union(p, "flat", &u, &err), 0);
	assert_false(u->has_transition);
	assert_int_equal(u->tr.fd, -1);
	assert_int_equal(u->phase[SB_PHASE_INIT][nr("read")].count, 5);
	assert_int_equal(u->phase[SB_PHASE_INIT][nr("socket")].act.kind, SB_ACT_ALLOW);
	assert_int_equal(u->phase[SB_PHASE_INIT][nr("uname")].act.errnum, EACCES);
	assert_int_equal(sb_policy_count(u, SB_PHASE_SERVING), 0);
	assert_string_equal(u->comments[u->ncomments - 1], "flat");
	free(u);
	free(p);
}

/* Conditions move with their lines: the union allows what either phase
 * allows (serving's socket families join init's; serving's mprotect,
 * without a condition, stays without one). */
static void union_unites_conditions(void **state)
{
	struct sb_policy *p = read_ok(TWO "[init]\nsocket = allow\nsocket.domain = only AF_INET\nmprotect = "
	                                  "allow\nmprotect.prot = not PROT_EXEC\n[serving]\nsocket = allow\n"
	                                  "socket.domain = only AF_UNIX\nmprotect = allow\n");
	struct sb_policy *u = NULL;
	struct sb_error err = {0};
	const struct sb_cond *c;

	assert_int_equal(sb_policy_union(p, NULL, &u, &err), 0);
	c = sb_policy_cond(u, SB_PHASE_INIT, nr("socket"));
	assert_non_null(c);
	assert_int_equal(c->kind, SB_COND_ONLY);
	assert_int_equal(c->n, 2); /* AF_UNIX and AF_INET */
	assert_null(sb_policy_cond(u, SB_PHASE_INIT, nr("mprotect")));
	assert_null(sb_policy_cond(u, SB_PHASE_SERVING, nr("socket")));
	free(u);
	free(p);
}

static void union_refuses_two_actions(void **state)
{
	struct sb_policy *p = read_ok(TWO "[init]\nuname = allow\n[serving]\nuname = errno EPERM\n");
	struct sb_policy *u = NULL;
	struct sb_error err = {0};

	assert_int_equal(sb_policy_union(p, NULL, &u, &err), -EINVAL);
	assert_null(u);
	assert_non_null(strstr(err.msg, "uname"));
	free(p);
}

static void merge_run_into_init(void **state)
{
	struct sb_policy *dst = read_ok(TWO "[init]\nread = allow ; 1 call\n[serving]\nread = allow\n");
	struct sb_policy *run = read_ok(HEAD "[init]\nread = allow ; 4 calls\ngetpid = allow\n");
	struct sb_error err = {0};

	assert_int_equal(sb_policy_merge(dst, run, &err), -EINVAL); /* plain merge refuses */
	assert_int_equal(sb_policy_merge_run(dst, run, &err), 0);
	assert_int_equal(dst->phase[SB_PHASE_INIT][nr("read")].count, 5);
	assert_true(sb_policy_lists(dst, SB_PHASE_INIT, nr("getpid")));
	assert_false(sb_policy_lists(dst, SB_PHASE_SERVING, nr("getpid")));
	assert_false(sb_policy_lists(run, SB_PHASE_SERVING, nr("read"))); /* no serving phase */
	free(run);
	free(dst);
}

/* The export of text as fmt, in a malloc'd string; r its return. */
static char *export(const char *text, enum sb_export_format fmt, int *r, struct sb_error *err)
{
	struct sb_policy *p = read_ok(text);
	struct sb_export_opts o = {.source = "t.ini"};
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	*r = sb_policy_export(f, p, fmt, &o, err);
	fclose(f);
	free(p);
	return buf;
}

static bool has_line(const char *text, const char *line)
{
	size_t n = strlen(line);

	for (const char *s = text; (s = strstr(s, line)) != NULL; s += n)
		if ((s == text || s[-1] == '\n') && (s[n] == '\n' || s[n] == '\0'))
			return true;
	return false;
}

static void oci_actions(void **state)
{
	struct sb_error err = {0};
	int r;
	char *out = export(TWO "default = log\n[init]\nread = allow\n[serving]\nuname = errno EPERM\n",
	                   SB_EXPORT_OCI, &r, &err);

	assert_int_equal(r, 0);
	assert_non_null(strstr(out, "\"defaultAction\": \"SCMP_ACT_LOG\""));
	assert_non_null(strstr(out, "\"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 1}"));
	/* under default log a dangerous call is killed: said explicitly */
	assert_non_null(strstr(out, "\"ptrace\""));
	assert_non_null(strstr(out, "\"action\": \"SCMP_ACT_KILL_PROCESS\""));
	/* runc's init calls, and the union */
	for (int i = 0; sb_runc_init_calls[i].name; i++)
		assert_non_null(strstr(out, sb_runc_init_calls[i].name));
	assert_non_null(strstr(out, "\"uname\""));
	assert_non_null(strstr(out, "union of init and serving"));
	free(out);
}

static void systemd_lines(void **state)
{
	struct sb_error err = {0};
	int r;
	char *out = export(TWO "default = errno EACCES\n[init]\nread = allow\n[serving]\nuname = allow\n",
	                   SB_EXPORT_SYSTEMD, &r, &err);

	assert_int_equal(r, 0);
	assert_true(has_line(out, "SystemCallArchitectures=native"));
	assert_true(has_line(out, "SystemCallErrorNumber=EACCES"));
	assert_non_null(strstr(out, " uname"));
	assert_null(strstr(out, "getdents64")); /* runc's table is OCI's only */
	free(out);
	out = export(HEAD "default = log\n[init]\n", SB_EXPORT_SYSTEMD, &r, &err);
	assert_int_equal(r, -ENOTSUP);
	assert_non_null(strstr(err.msg, "default log"));
	free(out);
	out = export(HEAD "[init]\nuname = errno EPERM\n", SB_EXPORT_SYSTEMD, &r, &err);
	assert_int_equal(r, -ENOTSUP);
	assert_non_null(strstr(err.msg, "uname = errno EPERM"));
	free(out);
}

static void minijail_lines(void **state)
{
	struct sb_error err = {0};
	int r;
	char *out = export(HEAD "[init]\nread = allow\nuname = kill\n", SB_EXPORT_MINIJAIL, &r, &err);

	assert_int_equal(r, 0);
	assert_true(has_line(out, "read: 1"));
	assert_true(has_line(out, "execve: 1")); /* what the filters force */
	assert_false(has_line(out, "uname: 1"));
	free(out);
	out = export(HEAD "default = errno EPERM\n[init]\n", SB_EXPORT_MINIJAIL, &r, &err);
	assert_int_equal(r, -ENOTSUP);
	free(out);
}

static void format_names(void **state)
{
	enum sb_export_format f;

	assert_int_equal(sb_export_parse("oci", &f), 0);
	assert_int_equal(f, SB_EXPORT_OCI);
	assert_int_equal(sb_export_parse("minijail", &f), 0);
	assert_int_equal(f, SB_EXPORT_MINIJAIL);
	assert_int_equal(sb_export_parse("docker", &f), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(union_flattens),
	    cmocka_unit_test(union_unites_conditions),
	    cmocka_unit_test(union_refuses_two_actions),
	    cmocka_unit_test(merge_run_into_init),
	    cmocka_unit_test(oci_actions),
	    cmocka_unit_test(systemd_lines),
	    cmocka_unit_test(minijail_lines),
	    cmocka_unit_test(format_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
