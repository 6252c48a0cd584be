/* test_export.c - derived policies and exports (lib/union.c, lib/export.c):
 * the flattening and its refusal, a single-phase run merged into [init],
 * and per format what each call becomes and what is refused. Outputs are
 * checked line by line against what the filters of the union answer; the
 * argument rules of the OCI export are read back and evaluated against
 * the filter's own answer for sample values; and the dangerous arguments
 * the report (describe.h) counts as closed, which EVALUATION.md quotes. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "args.h"
#include "describe.h"
#include "export.h"
#include "filter.h"
#include "union.h"
#include "util.h"

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

/* The baseline's own conditions are exported too: mmap and mprotect, not
 * listed, are allowed only without PROT_EXEC, never by name alone. */
static void oci_baseline_conditions(void **state)
{
	struct sb_error err = {0};
	int r;
	char *out = export(TWO "baseline = harmless\n[init]\nread = allow\n[serving]\nread = allow\n",
	                   SB_EXPORT_OCI, &r, &err);

	assert_int_equal(r, 0);
	assert_non_null(
	    strstr(out, "{\"names\": [\"mmap\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 2, "
	                "\"value\": 4, \"valueTwo\": 0, \"op\": \"SCMP_CMP_MASKED_EQ\"}]}"));
	assert_null(strstr(out, ", \"mmap\""));  /* not in a group allowed by name */
	assert_null(strstr(out, "[\"mmap\", ")); /* idem */
	assert_non_null(strstr(out, "{\"names\": [\"mprotect\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\""));
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

/* ---- argument conditions ------------------------------------------------ */

#define CONDS                                                                                                \
	"[init]\nmprotect = allow\nmprotect.prot = not PROT_EXEC\nsocket = allow\nsocket.domain = only "     \
	"AF_INET, AF_UNIX\nioctl = allow\nioctl.request = not TIOCSTI, TIOCLINUX\nclone = "                  \
	"allow\nclone.flags "                                                                                \
	"= not CLONE_NEWUSER\nclone3 = allow\nread = allow\n"

/* An argument rule of an OCI export, read back from its line. */
struct oci_rule {
	char action[32];
	int errnum;
	unsigned long long mask, value;
};

/* The argument rules of call `name` in OCI output, in rules[]; how many. */
static int oci_rules(const char *out, const char *name, struct oci_rule *rules, int max)
{
	char key[80];
	int n = 0;

	snprintf(key, sizeof(key), "{\"names\": [\"%s\"], \"action\": \"", name);
	for (const char *s = out; (s = strstr(s, key)) != NULL && n < max; s++) {
		struct oci_rule *r = &rules[n];
		const char *a = strstr(s, "\"args\": [{\"index\": "), *nl = strchr(s, '\n');
		assert_non_null(a);
		assert_true(nl == NULL || a < nl); /* one rule, one line, one argument */
		assert_int_equal(sscanf(s + strlen(key), "%31[A-Z_]", r->action), 1);
		r->errnum = 0;
		const char *e = strstr(s, "\"errnoRet\": ");
		if (e != NULL && e < a)
			r->errnum = atoi(e + 12);
		assert_int_equal(sscanf(strstr(a, "\"value\": "), "\"value\": %llu, \"valueTwo\": %llu",
		                        &r->mask, &r->value),
		                 2);
		n++;
	}
	return n;
}

/* What libseccomp's action for the union is, as an OCI name. */
static const char *scmp_name(uint32_t a)
{
	if (a == SCMP_ACT_ALLOW)
		return "SCMP_ACT_ALLOW";
	if (a == SCMP_ACT_LOG)
		return "SCMP_ACT_LOG";
	if ((a & 0xffff0000u) == SCMP_ACT_ERRNO(0))
		return "SCMP_ACT_ERRNO";
	return "SCMP_ACT_KILL_PROCESS";
}

/* For each sample x of argument `index` of call `name`: the rules that
 * match it agree, and say what the union's F1 says (the default where
 * none matches). */
static void rules_agree(const char *text, const char *out, const char *name, unsigned index,
                        const uint64_t *xs, int nx)
{
	struct sb_policy *p = read_ok(text), *u = NULL;
	struct sb_error err = {0};
	static struct oci_rule rules[SB_COMPLEMENT_MAX + SB_COND_MAX];
	int n = oci_rules(out, name, rules, (int)SB_ARRAY_SIZE(rules));
	const char *def = p->def.kind == SB_ACT_KILL ? "SCMP_ACT_KILL_PROCESS" : "SCMP_ACT_LOG";

	assert_true(n > 0);
	assert_int_equal(sb_policy_union(p, NULL, &u, &err), 0);
	for (int i = 0; i < nx; i++) {
		uint64_t args[6] = {0};
		const char *got = NULL;
		args[index] = xs[i];
		for (int k = 0; k < n; k++) {
			if ((xs[i] & rules[k].mask) != rules[k].value)
				continue;
			if (got != NULL && strcmp(got, rules[k].action) != 0)
				fail_msg("%s %#llx: rules disagree", name, (unsigned long long)xs[i]);
			got = rules[k].action;
		}
		const char *want =
		    scmp_name(sb_filter_scmp_action_args(u, SB_FILTER_F1, SB_MODE_ENFORCE, nr(name), args));
		if (strcmp(got ? got : def, want) != 0)
			fail_msg("%s %#llx: export %s, filter %s", name, (unsigned long long)xs[i],
			         got ? got : def, want);
	}
	free(u);
	free(p);
}

static void oci_conditions(void **state)
{
	struct sb_error err = {0};
	int r;
	char *out = export(HEAD CONDS, SB_EXPORT_OCI, &r, &err);
	/* upper bits of an int argument the kernel never reads must not help */
	const uint64_t ioctls[] = {0,      0x5412,     0x541c,         0x5411,
	                           0x5413, 0xffffffff, 0x100005412ull, 0x1000005411ull,
	                           0x541b, 0x541d,     0x7fff0000,     0xffffffff5412ull,
	                           1,      0x80000000u};
	const uint64_t domains[] = {0, 1, 2, 3, 16, 17, 0x100000002ull, 0xffffffff};
	const uint64_t prots[] = {0, 1, 2, 3, 4, 5, 7, 0x100000000ull, 0x100000004ull};
	const uint64_t flags[] = {0, 0x11, 0x10000000, 0x10000011, 0x00010000, 0x1000000000ull};

	assert_int_equal(r, 0);
	assert_non_null(
	    strstr(out, "{\"names\": [\"mprotect\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": "
	                "[{\"index\": 2, \"value\": 4, \"valueTwo\": 0, \"op\": \"SCMP_CMP_MASKED_EQ\"}]}"));
	assert_non_null(
	    strstr(out, "{\"names\": [\"clone3\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 38}"));
	/* no rule on the number alone for a call with argument rules */
	assert_null(strstr(out, "\"mprotect\", "));
	assert_null(strstr(out, ", \"mprotect\""));
	assert_null(strstr(out, "\"socket\", "));
	assert_null(strstr(out, ", \"socket\""));
	assert_non_null(strstr(out, "4 argument condition(s)"));
	rules_agree(HEAD CONDS, out, "ioctl", 1, ioctls, (int)SB_ARRAY_SIZE(ioctls));
	rules_agree(HEAD CONDS, out, "socket", 0, domains, (int)SB_ARRAY_SIZE(domains));
	rules_agree(HEAD CONDS, out, "mprotect", 2, prots, (int)SB_ARRAY_SIZE(prots));
	rules_agree(HEAD CONDS, out, "clone", 0, flags, (int)SB_ARRAY_SIZE(flags));
	free(out);
}

/* Under `default = log` a value a condition denies is killed (F1's
 * answer): the export says so with its own rules, never the default. */
static void oci_conditions_under_log(void **state)
{
	struct sb_error err = {0};
	int r;
	const char *text = HEAD "default = log\n" CONDS;
	char *out = export(text, SB_EXPORT_OCI, &r, &err);
	const uint64_t ioctls[] = {0, 0x5412, 0x541c, 0x5413, 0x100005412ull, 0xffffffff};
	const uint64_t prots[] = {0, 4, 5, 0x100000004ull};

	assert_int_equal(r, 0);
	assert_non_null(strstr(out,
	                       "{\"names\": [\"mprotect\"], \"action\": \"SCMP_ACT_KILL_PROCESS\", \"args\": "
	                       "[{\"index\": 2, \"value\": 4, \"valueTwo\": 4,"));
	rules_agree(text, out, "ioctl", 1, ioctls, (int)SB_ARRAY_SIZE(ioctls));
	rules_agree(text, out, "mprotect", 2, prots, (int)SB_ARRAY_SIZE(prots));
	free(out);
}

/* The union's conditions: serving's mprotect without one makes the union
 * allow any protection, so no argument rule is left for it. */
static void oci_union_condition(void **state)
{
	struct sb_error err = {0};
	int r;
	char *out = export(TWO "[init]\nmprotect = allow\nmprotect.prot = not PROT_EXEC\nsocket = allow\n"
	                       "socket.domain = only AF_INET\n[serving]\nmprotect = allow\nsocket = allow\n"
	                       "socket.domain = only AF_UNIX\n",
	                   SB_EXPORT_OCI, &r, &err);
	struct oci_rule rules[4];

	assert_int_equal(r, 0);
	assert_int_equal(oci_rules(out, "mprotect", rules, 4), 0);
	assert_non_null(strstr(out, "\"mprotect\""));
	assert_int_equal(oci_rules(out, "socket", rules, 4), 2); /* AF_UNIX and AF_INET */
	free(out);
}

/* The complement blocks: every value of the width outside the set
 * matches exactly one, no value of the set any, whatever its upper bits. */
static void complement_blocks(void **state)
{
	const uint64_t set[] = {0, 0x5412, 0x541c, 0xffffffff};
	struct sb_masked b[SB_COMPLEMENT_MAX];
	int n = sb_filter_complement(0xffffffff, set, 4, b, SB_COMPLEMENT_MAX);
	const uint64_t xs[] = {0,      1,          0x5411,     0x5412,         0x5413,     0x541c,
	                       0x541d, 0xfffffffe, 0xffffffff, 0x100005412ull, 0x80000000u};

	assert_true(n > 0 && n <= SB_COMPLEMENT_MAX);
	for (size_t i = 0; i < SB_ARRAY_SIZE(xs); i++) {
		int hits = 0;
		bool in = false;
		for (int k = 0; k < n; k++)
			hits += (xs[i] & b[k].mask) == b[k].value;
		for (int k = 0; k < 4; k++)
			in = in || (xs[i] & 0xffffffff) == set[k];
		assert_int_equal(hits, in ? 0 : 1);
	}
	assert_int_equal(sb_filter_complement(0xffffffff, NULL, 0, b, 1), 1); /* no set: one block, all */
	assert_int_equal(b[0].mask, 0);
}

/* runc's init calls are allowed whole: none of them may be a call whose
 * arguments a policy can restrict (export.c would keep the condition). */
static void runc_calls_unchecked(void **state)
{
	for (int i = 0; sb_runc_init_calls[i].name; i++)
		assert_int_equal(sb_arg_for_syscall(nr(sb_runc_init_calls[i].name)), -1);
}

static void systemd_conditions(void **state)
{
	struct sb_error err = {0};
	struct sb_policy *p = read_ok(HEAD CONDS);
	struct sb_export_opts o = {.source = "t.ini"};
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_int_equal(sb_policy_export(f, p, SB_EXPORT_SYSTEMD, &o, &err), -ENOTSUP);
	assert_non_null(strstr(err.msg, "mprotect.prot = not PROT_EXEC"));
	assert_non_null(strstr(err.msg, "--drop-conditions"));
	o.drop_conditions = true;
	assert_int_equal(sb_policy_export(f, p, SB_EXPORT_SYSTEMD, &o, &err), 0);
	fclose(f);
	assert_true(has_line(buf, "#   socket.domain = only AF_UNIX, AF_INET"));
	assert_true(has_line(buf, "#   clone.flags = not CLONE_NEWUSER"));
	assert_non_null(strstr(buf, "NOT enforced here"));
	/* without the conditions clone3 is its own line again: allowed */
	assert_non_null(strstr(buf, " clone3"));
	assert_non_null(strstr(buf, " mprotect"));
	free(buf);
	free(p);
}

static void minijail_conditions(void **state)
{
	struct sb_error err = {0};
	int r;
	char *out = export(HEAD CONDS, SB_EXPORT_MINIJAIL, &r, &err);

	assert_int_equal(r, 0);
	assert_true(has_line(out, "mprotect: arg2 in ~0x4"));
	assert_true(has_line(out, "socket: arg0 == 0x1 || arg0 == 0x2"));
	assert_true(has_line(out,
	                     "ioctl: arg1 <= 0x5411 || arg1 >= 0x5413 && arg1 <= 0x541b || arg1 >= 0x541d "
	                     "&& arg1 <= 0xffffffff"));
	assert_true(has_line(out, "clone: arg0 in ~0x10000000"));
	assert_true(has_line(out, "clone3: return 38"));
	assert_true(has_line(out, "# mprotect.prot = not PROT_EXEC"));
	assert_false(has_line(out, "mprotect: 1"));
	free(out);
}

/* Closed is what the filters deny: F1 checks init ∪ serving, so a family
 * serving admits stays open in init; a call serving does not list is
 * denied whole, not counted; under `default = log` a denied value is
 * killed, so closed, unless serving's default lets the whole call through
 * (F1 must not overrule it). */
static void describe_closed(void **state)
{
	struct sb_policy *p =
	    read_ok(TWO "[init]\nsocket = allow\nsocket.domain = only AF_INET\n"
	                "mprotect = allow\nmprotect.prot = not PROT_EXEC\n[serving]\nsocket = allow\n"
	                "socket.domain = only AF_INET, AF_NETLINK\n");
	struct sb_closed cl[SB_CLOSED_MAX];
	char v[64];
	int n;

	n = sb_describe_closed(p, SB_PHASE_INIT, cl, SB_CLOSED_MAX);
	assert_int_equal(n, 2); /* PROT_EXEC of mprotect, AF_PACKET; not AF_NETLINK */
	assert_int_equal(cl[0].nr, nr("mprotect"));
	assert_string_equal(sb_describe_value(&cl[0], v, sizeof(v)), "PROT_EXEC");
	assert_string_equal(sb_describe_value(&cl[1], v, sizeof(v)), "AF_PACKET");
	n = sb_describe_closed(p, SB_PHASE_SERVING, cl, SB_CLOSED_MAX);
	assert_int_equal(n, 1); /* mprotect is not listed in serving: denied whole */
	assert_string_equal(sb_describe_value(&cl[0], v, sizeof(v)), "AF_PACKET");
	assert_int_equal(sb_describe_closed(p, SB_PHASE_SERVING, NULL, 0), 1);
	free(p);
	p = read_ok(HEAD "default = log\n[init]\nmprotect = allow\nmprotect.prot = not PROT_EXEC\n");
	assert_int_equal(sb_describe_closed(p, SB_PHASE_INIT, cl, SB_CLOSED_MAX), 1);
	free(p);
	p = read_ok(TWO
	            "default = log\n[init]\nmprotect = allow\nmprotect.prot = not PROT_EXEC\n[serving]\n");
	assert_int_equal(sb_describe_closed(p, SB_PHASE_INIT, cl, SB_CLOSED_MAX), 0);
	free(p);
	p = read_ok(HEAD "[init]\nsocket = allow\nmprotect = allow\n");
	assert_int_equal(sb_describe_closed(p, SB_PHASE_INIT, cl, SB_CLOSED_MAX), 0);
	assert_int_equal(sb_describe_closed(p, SB_PHASE_SERVING, cl, SB_CLOSED_MAX), 0);
	free(p);
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
	    cmocka_unit_test(oci_baseline_conditions),
	    cmocka_unit_test(systemd_lines),
	    cmocka_unit_test(minijail_lines),
	    cmocka_unit_test(oci_conditions),
	    cmocka_unit_test(oci_conditions_under_log),
	    cmocka_unit_test(oci_union_condition),
	    cmocka_unit_test(complement_blocks),
	    cmocka_unit_test(runc_calls_unchecked),
	    cmocka_unit_test(systemd_conditions),
	    cmocka_unit_test(minijail_conditions),
	    cmocka_unit_test(describe_closed),
	    cmocka_unit_test(format_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
