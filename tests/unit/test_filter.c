/* test_filter.c - F1, F2 and the profiling filter.
 *
 * Table tests need no kernel: they ask sb_filter_action for many syscalls,
 * run the exported BPF through a small interpreter for every number, and
 * read the PFC text. Live tests load the exported programs in forked
 * children and assert on how the child ended.
 */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "args.h"
#include "baseline.h"
#include "filter.h"
#include "policy.h"

#define X32_BIT     0x40000000
#define I386_GETPID 20

static int nr(const char *name)
{
	int n = seccomp_syscall_resolve_name(name);
	assert_true(n >= 0);
	return n;
}

static void set_act(struct sb_policy *p, enum sb_phase ph, const char *name, enum sb_act_kind k, int errnum)
{
	p->phase[ph][nr(name)].act = (struct sb_action){.kind = k, .errnum = errnum};
}

static void add_all(struct sb_policy *p, enum sb_phase ph, const char *const *names)
{
	for (; *names; names++)
		sb_policy_add(p, ph, nr(*names), 1);
}

/* What the forked children of the live tests need in both phases; clone3
 * as glibc's threads learn it, wait4 for the clone command. */
static const char *const both_set[] = {
    "read",           "write",  "getpid", "futex", "nanosleep", "clock_nanosleep",
    "rt_sigprocmask", "clone3", "wait4",  NULL};

/* The policy of most tests:
 *   both phases: both_set;  init only: getppid, clone;  serving only: getuid;
 *   init mkdir = errno EACCES, init getrandom = log;
 *   init unlink = errno EPERM, serving unlink = allow   (serving looser);
 *   init chmod = allow, serving chmod = kill            (serving stricter);
 *   serving only rename = errno EXDEV;
 *   transition: accept (accept, accept4) after listen. */
static struct sb_policy *policy(struct sb_action def, bool transition)
{
	struct sb_policy *p = sb_policy_new();
	const char *bad = NULL;

	assert_non_null(p);
	p->def = def;
	add_all(p, SB_PHASE_INIT, both_set);
	add_all(p, SB_PHASE_SERVING, both_set);
	sb_policy_add(p, SB_PHASE_INIT, nr("getppid"), 3);
	sb_policy_add(p, SB_PHASE_INIT, nr("clone"), 1);
	sb_policy_add(p, SB_PHASE_SERVING, nr("getuid"), 3);
	set_act(p, SB_PHASE_INIT, "mkdir", SB_ACT_ERRNO, EACCES);
	set_act(p, SB_PHASE_INIT, "getrandom", SB_ACT_LOG, 0);
	set_act(p, SB_PHASE_INIT, "unlink", SB_ACT_ERRNO, EPERM);
	set_act(p, SB_PHASE_SERVING, "unlink", SB_ACT_ALLOW, 0);
	set_act(p, SB_PHASE_INIT, "chmod", SB_ACT_ALLOW, 0);
	set_act(p, SB_PHASE_SERVING, "chmod", SB_ACT_KILL, 0);
	set_act(p, SB_PHASE_SERVING, "rename", SB_ACT_ERRNO, EXDEV);
	if (transition) {
		assert_int_equal(sb_transition_set(&p->tr, "accept", -1, "listen", &bad), 0);
		p->has_transition = true;
	}
	return p;
}

static const struct sb_action KILL = {.kind = SB_ACT_KILL, .errnum = 0};
static const struct sb_action EPERM_DEF = {.kind = SB_ACT_ERRNO, .errnum = EPERM};

/* ---- table tests: sb_filter_scmp_action / sb_filter_action ---- */

struct row {
	const char *name;
	uint32_t want;
};

static void check_rows(const struct sb_policy *p, enum sb_filter_kind kind, enum sb_mode mode,
                       const struct row *rows)
{
	for (; rows->name; rows++) {
		uint32_t got = sb_filter_scmp_action(p, kind, mode, nr(rows->name));
		if (got != rows->want)
			fail_msg("kind %d mode %d %s: got %#x, want %#x", kind, mode, rows->name, got,
			         rows->want);
	}
}

#define ALLOW SCMP_ACT_ALLOW
#define KILLP SCMP_ACT_KILL_PROCESS

static void test_f1_table(void **state)
{
	struct sb_policy *p = policy(KILL, true);
	const struct row rows[] = {
	    {"read", ALLOW},
	    {"getpid", ALLOW},
	    {"getppid", ALLOW}, /* init only */
	    {"getuid", ALLOW},  /* serving only: F2 decides */
	    {"getgid", KILLP},  /* unlisted: default */
	    {"socket", KILLP},
	    {"accept", ALLOW}, /* marker family */
	    {"accept4", ALLOW},
	    {"listen", SCMP_ACT_TRACE(SB_RET_DATA_AFTER)}, /* after, killed by F2: lazy */
	    {"seccomp", ALLOW},                            /* injection of F2 */
	    {"execve", ALLOW},                             /* the launcher's exec */
	    {"execveat", KILLP},
	    {"restart_syscall", ALLOW},
	    {"rt_sigreturn", ALLOW},
	    {"exit", ALLOW},
	    {"exit_group", ALLOW},
	    {"mkdir", SCMP_ACT_ERRNO(EACCES)},
	    {"getrandom", SCMP_ACT_LOG},
	    {"unlink", ALLOW},                 /* serving looser */
	    {"chmod", ALLOW},                  /* serving stricter: init's */
	    {"rename", SCMP_ACT_ERRNO(EXDEV)}, /* serving-only errno < kill */
	    {NULL, 0},
	};
	check_rows(p, SB_FILTER_F1, SB_MODE_ENFORCE, rows);
	free(p);
}

static void test_f1_table_errno_default(void **state)
{
	struct sb_policy *p = policy(EPERM_DEF, true);
	const struct row rows[] = {
	    {"getgid", SCMP_ACT_ERRNO(EPERM)},
	    {"rename", SCMP_ACT_ERRNO(EPERM)}, /* same strictness: init's answer */
	    {"getuid", ALLOW},
	    {"seccomp", ALLOW},
	    {NULL, 0},
	};
	check_rows(p, SB_FILTER_F1, SB_MODE_ENFORCE, rows);
	free(p);
}

/* Lazy init is allowed only where F2 outranks RET_TRACE for every `after`
 * call: kill or errno. Allowed or logged in serving, listen must stay ALLOW
 * in F1, or it would fail with ENOSYS once the tracer has detached. */
static void test_lazy_only_when_f2_outranks_trace(void **state)
{
	struct sb_policy *p = policy(KILL, true);
	const struct row lazy[] = {{"listen", SCMP_ACT_TRACE(SB_RET_DATA_AFTER)}, {NULL, 0}};
	const struct row eager[] = {{"listen", ALLOW}, {NULL, 0}};

	assert_true(sb_filter_lazy(p));
	check_rows(p, SB_FILTER_F1, SB_MODE_ENFORCE, lazy);
	/* complain mode never is lazy: it reports through its own RET_TRACE */
	assert_int_not_equal(sb_filter_scmp_action(p, SB_FILTER_F1, SB_MODE_COMPLAIN, nr("listen")),
	                     SCMP_ACT_TRACE(SB_RET_DATA_AFTER));
	set_act(p, SB_PHASE_SERVING, "listen", SB_ACT_ALLOW, 0);
	assert_false(sb_filter_lazy(p));
	check_rows(p, SB_FILTER_F1, SB_MODE_ENFORCE, eager);
	set_act(p, SB_PHASE_SERVING, "listen", SB_ACT_LOG, 0);
	assert_false(sb_filter_lazy(p));
	set_act(p, SB_PHASE_SERVING, "listen", SB_ACT_ERRNO, EPERM);
	assert_true(sb_filter_lazy(p));
	free(p);
	p = policy(KILL, false);
	assert_false(sb_filter_lazy(p));
	free(p);
}

static void test_f2_table(void **state)
{
	struct sb_policy *p = policy(KILL, true);
	const struct row rows[] = {
	    {"read", ALLOW},
	    {"getuid", ALLOW},
	    {"getppid", KILLP}, /* init only */
	    {"getgid", KILLP},
	    {"accept", KILLP}, /* markers are not serving */
	    {"listen", KILLP},
	    {"seccomp", KILLP},
	    {"execve", KILLP},
	    {"restart_syscall", ALLOW},
	    {"rt_sigreturn", ALLOW},
	    {"exit", ALLOW},
	    {"exit_group", ALLOW},
	    {"mkdir", KILLP},
	    {"getrandom", KILLP},
	    {"unlink", ALLOW},
	    {"chmod", KILLP},
	    {"rename", SCMP_ACT_ERRNO(EXDEV)},
	    {NULL, 0},
	};
	check_rows(p, SB_FILTER_F2, SB_MODE_ENFORCE, rows);
	free(p);
}

static void test_single_phase_table(void **state)
{
	struct sb_policy *p = policy(KILL, false);
	scmp_filter_ctx ctx = NULL;
	const struct row rows[] = {
	    {"getppid", ALLOW}, {"getuid", KILLP}, /* serving unused */
	    {"seccomp", KILLP}, {"accept", KILLP},     {"listen", KILLP},
	    {"execve", ALLOW},  {"exit_group", ALLOW}, {"unlink", SCMP_ACT_ERRNO(EPERM)},
	    {NULL, 0},
	};
	check_rows(p, SB_FILTER_F1, SB_MODE_ENFORCE, rows);
	assert_int_equal(sb_filter_build(p, SB_FILTER_F2, SB_MODE_ENFORCE, &ctx), -EINVAL);
	free(p);
}

static void test_complain_table(void **state)
{
	struct sb_policy *p = policy(KILL, true);
	const struct row f1[] = {
	    {"read", ALLOW},
	    {"getgid", SCMP_ACT_TRACE(1)},
	    {"mkdir", SCMP_ACT_TRACE(1)},
	    {"getrandom", SCMP_ACT_LOG},
	    {"accept", ALLOW},
	    {"seccomp", ALLOW},
	    {NULL, 0},
	};
	const struct row f2[] = {
	    {"getuid", ALLOW},
	    {"getppid", SCMP_ACT_TRACE(2)},
	    {"chmod", SCMP_ACT_TRACE(2)},
	    {"rename", SCMP_ACT_TRACE(2)},
	    {"exit_group", ALLOW},
	    {NULL, 0},
	};
	check_rows(p, SB_FILTER_F1, SB_MODE_COMPLAIN, f1);
	check_rows(p, SB_FILTER_F2, SB_MODE_COMPLAIN, f2);
	for (int n = 0; n < SB_NR_MAX; n++)
		if (sb_filter_scmp_action(p, SB_FILTER_F1, SB_MODE_ENFORCE, n) == SCMP_ACT_TRACE(1))
			fail_msg("F1 traces %d in enforce mode", n);
	free(p);
}

static void test_action_struct(void **state)
{
	struct sb_policy *p = policy(KILL, true);
	struct sb_action a;

	/* Complain reports ask what enforce would have done. */
	a = sb_filter_action(p, SB_FILTER_F1, nr("mkdir"));
	assert_int_equal(a.kind, SB_ACT_ERRNO);
	assert_int_equal(a.errnum, EACCES);
	a = sb_filter_action(p, SB_FILTER_F2, nr("getppid"));
	assert_int_equal(a.kind, SB_ACT_KILL);
	a = sb_filter_action(p, SB_FILTER_F1, X32_BIT | nr("getpid"));
	assert_int_equal(a.kind, SB_ACT_KILL);
	a = sb_filter_action(p, SB_FILTER_PROFILE, nr("read"));
	assert_int_equal(a.kind, SB_ACT_NONE);
	assert_int_equal(sb_filter_scmp_action(NULL, SB_FILTER_PROFILE, SB_MODE_ENFORCE, 0),
	                 SCMP_ACT_TRACE(0));
	free(p);
}

static void test_build_refuses(void **state)
{
	struct sb_policy *p = policy(KILL, true);
	scmp_filter_ctx ctx = NULL;

	assert_int_equal(sb_filter_build(NULL, SB_FILTER_F1, SB_MODE_ENFORCE, &ctx), -EINVAL);
	set_act(p, SB_PHASE_SERVING, "mkdir", SB_ACT_ERRNO, 5000);
	assert_int_equal(sb_filter_build(p, SB_FILTER_F2, SB_MODE_ENFORCE, &ctx), -EINVAL);
	set_act(p, SB_PHASE_SERVING, "mkdir", SB_ACT_ERRNO, EPERM);
	p->def.kind = SB_ACT_NONE;
	assert_int_equal(sb_filter_build(p, SB_FILTER_F1, SB_MODE_ENFORCE, &ctx), -EINVAL);
	p->def = KILL;
	snprintf(p->arch, sizeof(p->arch), "aarch64");
	assert_int_equal(sb_filter_build(p, SB_FILTER_F1, SB_MODE_ENFORCE, &ctx), -EINVAL);
	snprintf(p->arch, sizeof(p->arch), "bogus");
	assert_int_equal(sb_filter_build(p, SB_FILTER_F1, SB_MODE_ENFORCE, &ctx), -EINVAL);
	assert_null(ctx);
	free(p);
}

static const struct sb_action LOG_DEF = {.kind = SB_ACT_LOG, .errnum = 0};

/* Issue 12: with a default that is not kill, an init line `X = kill` with X
 * absent from serving must not kill X after the transition: serving's answer
 * is the default, F1 takes the less strict one. */
static void test_f1_stricter_init_line(void **state)
{
	const struct sb_action defs[] = {LOG_DEF, EPERM_DEF, KILL};
	const uint32_t want[] = {SCMP_ACT_LOG, SCMP_ACT_ERRNO(EPERM), KILLP};

	for (size_t i = 0; i < 3; i++) {
		struct sb_policy *p = policy(defs[i], true);
		set_act(p, SB_PHASE_INIT, "mknod", SB_ACT_KILL, 0);
		const struct row rows[] = {{"mknod", want[i]}, {NULL, 0}};
		check_rows(p, SB_FILTER_F1, SB_MODE_ENFORCE, rows);
		check_rows(p, SB_FILTER_F2, SB_MODE_ENFORCE, rows);
		free(p);
	}
}

/* The dangerous tier: unlisted, never allowed by a log default; listed,
 * as listed; kill and errno defaults apply as to any call. */
static void test_danger_rule(void **state)
{
	struct sb_policy *p = policy(LOG_DEF, true);
	const struct row log_rows[] = {
	    {"ptrace", KILLP}, /* unlisted: kill, not log */
	    {"process_vm_writev", KILLP},
	    {"io_uring_setup", KILLP},
	    {"getgid", SCMP_ACT_LOG},  /* unlisted, ordinary: log */
	    {"setuid", ALLOW},         /* init only: F1 takes the looser */
	    {"io_uring_enter", ALLOW}, /* listed in serving */
	    {"execve", ALLOW},         /* F1's mechanism */
	    {NULL, 0},
	};
	const struct row log_f2[] = {
	    {"ptrace", KILLP}, {"setuid", KILLP},        {"io_uring_enter", ALLOW},
	    {"execve", KILLP}, {"getgid", SCMP_ACT_LOG}, {NULL, 0},
	};

	set_act(p, SB_PHASE_INIT, "setuid", SB_ACT_ALLOW, 0);
	set_act(p, SB_PHASE_SERVING, "io_uring_enter", SB_ACT_ALLOW, 0);
	check_rows(p, SB_FILTER_F1, SB_MODE_ENFORCE, log_rows);
	check_rows(p, SB_FILTER_F2, SB_MODE_ENFORCE, log_f2);
	assert_int_equal(sb_filter_phase_action(p, SB_PHASE_SERVING, nr("ptrace")).kind, SB_ACT_KILL);
	p->def = EPERM_DEF;
	const struct row eperm[] = {{"ptrace", SCMP_ACT_ERRNO(EPERM)}, {"setuid", ALLOW}, {NULL, 0}};
	check_rows(p, SB_FILTER_F1, SB_MODE_ENFORCE, eperm);
	free(p);
	p = policy(LOG_DEF, false);
	const struct row single[] = {
	    {"ptrace", KILLP}, {"getgid", SCMP_ACT_LOG}, {"execve", ALLOW}, {NULL, 0}};
	check_rows(p, SB_FILTER_F1, SB_MODE_ENFORCE, single);
	free(p);
}

static const uint64_t untraced_args[6] = {CLONE_UNTRACED | SIGCHLD};
static const uint64_t thread_args[6] = {CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD};
static const uint64_t all_args[6] = {~0ull, ~0ull, ~0ull, ~0ull, ~0ull, ~0ull};

static uint32_t clone_with(const struct sb_policy *p, enum sb_filter_kind kind, enum sb_mode mode,
                           const uint64_t args[6])
{
	return sb_filter_scmp_action_args(p, kind, mode, nr("clone"), args);
}

/* A traced F1 gives clone(CLONE_UNTRACED) the deny action: the default if it
 * kills or fails, else kill; in complain mode too. Other flags, F2 and an
 * untraced run (single phase, enforce) keep clone's own answer. */
static void test_clone_untraced(void **state)
{
	const struct sb_action defs[] = {KILL, EPERM_DEF, LOG_DEF};
	const uint32_t deny[] = {KILLP, SCMP_ACT_ERRNO(EPERM), KILLP};

	for (size_t i = 0; i < 3; i++) {
		struct sb_policy *p = policy(defs[i], true);
		for (int mode = SB_MODE_ENFORCE; mode <= SB_MODE_COMPLAIN; mode++) {
			assert_int_equal(clone_with(p, SB_FILTER_F1, mode, untraced_args), deny[i]);
			assert_int_equal(clone_with(p, SB_FILTER_F1, mode, all_args), deny[i]);
			assert_int_equal(clone_with(p, SB_FILTER_F1, mode, thread_args), ALLOW);
			assert_int_equal(sb_filter_scmp_action(p, SB_FILTER_F1, mode, nr("clone")), ALLOW);
			assert_int_equal(clone_with(p, SB_FILTER_F2, mode, untraced_args), ALLOW);
		}
		free(p);
		p = policy(defs[i], false);
		assert_int_equal(clone_with(p, SB_FILTER_F1, SB_MODE_ENFORCE, untraced_args), ALLOW);
		assert_int_equal(clone_with(p, SB_FILTER_F1, SB_MODE_COMPLAIN, untraced_args), deny[i]);
		free(p);
	}
}

/* A traced F1 answers clone3 with ENOSYS whatever the policy lists, in both
 * modes; F2 and an untraced F1 give the policy's answer. */
static void test_clone3_enosys(void **state)
{
	struct sb_policy *p = policy(KILL, true);
	const struct row enosys[] = {{"clone3", SCMP_ACT_ERRNO(ENOSYS)}, {NULL, 0}};
	const struct row allow[] = {{"clone3", ALLOW}, {NULL, 0}};

	check_rows(p, SB_FILTER_F1, SB_MODE_ENFORCE, enosys);
	check_rows(p, SB_FILTER_F1, SB_MODE_COMPLAIN, enosys);
	check_rows(p, SB_FILTER_F2, SB_MODE_ENFORCE, allow);
	assert_int_equal(sb_filter_action(p, SB_FILTER_F1, nr("clone3")).errnum, ENOSYS);
	/* as an `after` call it never traps, so it cannot make F1 lazy */
	assert_int_equal(sb_transition_set(&p->tr, "accept", -1, "clone3", &(const char *){NULL}), 0);
	set_act(p, SB_PHASE_SERVING, "clone3", SB_ACT_KILL, 0);
	assert_false(sb_filter_lazy(p));
	check_rows(p, SB_FILTER_F1, SB_MODE_ENFORCE, enosys);
	free(p);
	p = policy(KILL, false);
	check_rows(p, SB_FILTER_F1, SB_MODE_ENFORCE, allow);
	check_rows(p, SB_FILTER_F1, SB_MODE_COMPLAIN, enosys);
	assert_int_equal(sb_filter_action(p, SB_FILTER_F1, nr("clone3")).kind, SB_ACT_ALLOW);
	free(p);
}

/* A phase that lists clone3 but not clone gives clone clone3's answer, in
 * both filters; a clone line of its own wins. */
static void test_clone_falls_back_to_clone3(void **state)
{
	struct sb_policy *p = policy(KILL, true);

	p->phase[SB_PHASE_INIT][nr("clone")].act.kind = SB_ACT_NONE;
	assert_int_equal(sb_filter_scmp_action(p, SB_FILTER_F1, SB_MODE_ENFORCE, nr("clone")), ALLOW);
	assert_int_equal(sb_filter_scmp_action(p, SB_FILTER_F2, SB_MODE_ENFORCE, nr("clone")), ALLOW);
	set_act(p, SB_PHASE_SERVING, "clone3", SB_ACT_ERRNO, EAGAIN);
	assert_int_equal(sb_filter_scmp_action(p, SB_FILTER_F2, SB_MODE_ENFORCE, nr("clone")),
	                 SCMP_ACT_ERRNO(EAGAIN));
	set_act(p, SB_PHASE_SERVING, "clone", SB_ACT_KILL, 0);
	assert_int_equal(sb_filter_scmp_action(p, SB_FILTER_F2, SB_MODE_ENFORCE, nr("clone")), KILLP);
	assert_int_equal(sb_filter_phase_action(p, SB_PHASE_INIT, nr("clone")).kind, SB_ACT_ALLOW);
	p->phase[SB_PHASE_INIT][nr("clone3")].act.kind = SB_ACT_NONE;
	assert_int_equal(sb_filter_phase_action(p, SB_PHASE_INIT, nr("clone")).kind, SB_ACT_KILL);
	/* only clone has a stand-in */
	assert_int_equal(sb_filter_phase_action(p, SB_PHASE_INIT, nr("vfork")).kind, SB_ACT_KILL);
	free(p);
}

/* ---- the exported BPF, run by a small classic-BPF interpreter ---- */

static uint32_t load_word(const struct seccomp_data *d, uint32_t off)
{
	uint32_t w;
	assert_true(off + 4 <= sizeof(*d) && off % 4 == 0);
	memcpy(&w, (const char *)d + off, 4);
	return w;
}

static bool jump_taken(uint16_t op, uint32_t a, uint32_t k)
{
	switch (op) {
	case BPF_JEQ: return a == k;
	case BPF_JGT: return a > k;
	case BPF_JGE: return a >= k;
	case BPF_JSET: return (a & k) != 0;
	}
	fail_msg("jump op %#x", op);
	return false;
}

/* Only what libseccomp emits for number-only rules: ld abs, ja/jeq/jgt/jge/
 * jset with K, alu and with K, ret K. Anything else fails the test. */
static uint32_t bpf_run_args(const struct sock_fprog *prog, uint32_t arch, uint32_t sysnr,
                             const uint64_t args[6])
{
	struct seccomp_data d = {.nr = (int)sysnr, .arch = arch};
	uint32_t a = 0;

	memcpy(d.args, args, sizeof(d.args));
	for (unsigned pc = 0; pc < prog->len; pc++) {
		const struct sock_filter *i = &prog->filter[pc];
		switch (BPF_CLASS(i->code)) {
		case BPF_LD:
			assert_int_equal(i->code, BPF_LD | BPF_W | BPF_ABS);
			a = load_word(&d, i->k);
			break;
		case BPF_ALU:
			assert_int_equal(i->code, BPF_ALU | BPF_AND | BPF_K);
			a &= i->k;
			break;
		case BPF_JMP:
			assert_int_equal(BPF_SRC(i->code), BPF_K);
			if (BPF_OP(i->code) == BPF_JA)
				pc += i->k;
			else
				pc += jump_taken(BPF_OP(i->code), a, i->k) ? i->jt : i->jf;
			break;
		case BPF_RET: assert_int_equal(i->code, BPF_RET | BPF_K); return i->k;
		default: fail_msg("opcode %#x at %u", i->code, pc);
		}
	}
	fail_msg("fell off the program");
	return 0;
}

static uint32_t bpf_run(const struct sock_fprog *prog, uint32_t arch, uint32_t sysnr)
{
	const uint64_t zero[6] = {0};
	return bpf_run_args(prog, arch, sysnr, zero);
}

static void export(const struct sb_policy *p, enum sb_filter_kind kind, enum sb_mode mode,
                   struct sock_fprog *prog)
{
	scmp_filter_ctx ctx = NULL;

	assert_int_equal(sb_filter_build(p, kind, mode, &ctx), 0);
	assert_int_equal(sb_filter_export(ctx, prog), 0);
	assert_true(prog->len > 0);
	seccomp_release(ctx);
}

/* Every native number answers what sb_filter_scmp_action_args says, for
 * arguments that set no flag, CLONE_UNTRACED, a thread's flags and every
 * bit; beyond SB_NR_MAX the default; i386, x32 and other arches the
 * bad-arch kill. */
static void check_bpf(const struct sb_policy *p, enum sb_filter_kind kind, enum sb_mode mode)
{
	struct sock_fprog prog;
	uint32_t def = sb_filter_scmp_action(p, kind, mode, SB_NR_MAX);

	export(p, kind, mode, &prog);
	const uint64_t zero[6] = {0};
	const uint64_t *argsets[] = {zero, untraced_args, thread_args, all_args};

	for (int n = 0; n < SB_NR_MAX; n++)
		for (size_t i = 0; i < 4; i++) {
			uint32_t got = bpf_run_args(&prog, AUDIT_ARCH_X86_64, (uint32_t)n, argsets[i]);
			uint32_t want = sb_filter_scmp_action_args(p, kind, mode, n, argsets[i]);
			if (got != want)
				fail_msg("kind %d mode %d nr %d args %zu: bpf %#x, want %#x", kind, mode, n,
				         i, got, want);
		}
	assert_int_equal(bpf_run(&prog, AUDIT_ARCH_X86_64, 1000), def);
	assert_int_equal(bpf_run(&prog, AUDIT_ARCH_X86_64, 0xffffffffu), def);
	for (uint32_t n = 0; n < SB_NR_MAX; n += 7) {
		assert_int_equal(bpf_run(&prog, AUDIT_ARCH_X86_64, X32_BIT | n), KILLP);
		assert_int_equal(bpf_run(&prog, AUDIT_ARCH_I386, n), KILLP);
	}
	assert_int_equal(bpf_run(&prog, AUDIT_ARCH_AARCH64, 0), KILLP);
	free(prog.filter);
}

/* The answer of filter kind of p built for process self to call name
 * with first argument a0. */
static uint32_t self_answer(const struct sb_policy *p, enum sb_filter_kind kind, enum sb_mode mode,
                            pid_t self, const char *name, uint64_t a0)
{
	scmp_filter_ctx ctx = NULL;
	struct sock_fprog prog;
	const uint64_t args[6] = {a0, 1, 0};

	assert_int_equal(sb_filter_build_self(p, kind, mode, self, &ctx), 0);
	assert_int_equal(sb_filter_export(ctx, &prog), 0);
	seccomp_release(ctx);
	uint32_t r = bpf_run_args(&prog, AUDIT_ARCH_X86_64, (uint32_t)nr(name), args);
	free(prog.filter);
	return r;
}

/* The baseline's signals to the process itself (baseline.h): kill and
 * tgkill reach the pid the filter was built for, in both filters, by its
 * low 32 bits as the kernel reads a pid_t; any other pid, a process group
 * (0, -pid) and every pid of a filter built without one are denied; a
 * phase's own line wins; baseline none has none; complain mode traps the
 * others. */
static void test_self_signals(void **state)
{
	struct sb_policy *p = policy(KILL, true);
	const char *const calls[] = {"kill", "tgkill"};
	enum sb_filter_kind kinds[] = {SB_FILTER_F1, SB_FILTER_F2};

	p->baseline = SB_BASELINE_HARMLESS;
	for (size_t k = 0; k < 2; k++)
		for (size_t c = 0; c < 2; c++) {
			assert_true(sb_baseline_self(p, kinds[k], nr(calls[c])));
			assert_int_equal(self_answer(p, kinds[k], SB_MODE_ENFORCE, 4242, calls[c], 4242),
			                 ALLOW);
			assert_int_equal(
			    self_answer(p, kinds[k], SB_MODE_ENFORCE, 4242, calls[c], 0x100001092ull), ALLOW);
			assert_int_equal(self_answer(p, kinds[k], SB_MODE_ENFORCE, 4242, calls[c], 4243),
			                 KILLP);
			assert_int_equal(self_answer(p, kinds[k], SB_MODE_ENFORCE, 4242, calls[c], 0), KILLP);
			assert_int_equal(
			    self_answer(p, kinds[k], SB_MODE_ENFORCE, 4242, calls[c], (uint32_t)-4242),
			    KILLP);
			assert_int_equal(self_answer(p, kinds[k], SB_MODE_ENFORCE, 0, calls[c], 4242), KILLP);
			assert_int_equal(self_answer(p, kinds[k], SB_MODE_COMPLAIN, 4242, calls[c], 4242),
			                 ALLOW);
			assert_int_not_equal(self_answer(p, kinds[k], SB_MODE_COMPLAIN, 4242, calls[c], 4243),
			                     ALLOW);
		}
	assert_true(sb_baseline_self_allowed(p, SB_PHASE_SERVING, nr("tgkill")));
	/* serving's own line wins: EPERM for the process itself too */
	set_act(p, SB_PHASE_SERVING, "tgkill", SB_ACT_ERRNO, EPERM);
	assert_false(sb_baseline_self(p, SB_FILTER_F2, nr("tgkill")));
	assert_int_equal(self_answer(p, SB_FILTER_F2, SB_MODE_ENFORCE, 4242, "tgkill", 4242),
	                 SCMP_ACT_ERRNO(EPERM));
	/* init lists kill: F1 allows every pid, F2 still only the process */
	sb_policy_add(p, SB_PHASE_INIT, nr("kill"), 1);
	assert_false(sb_baseline_self(p, SB_FILTER_F1, nr("kill")));
	assert_int_equal(self_answer(p, SB_FILTER_F1, SB_MODE_ENFORCE, 4242, "kill", 4243), ALLOW);
	assert_int_equal(self_answer(p, SB_FILTER_F2, SB_MODE_ENFORCE, 4242, "kill", 4243), KILLP);
	assert_int_equal(self_answer(p, SB_FILTER_F2, SB_MODE_ENFORCE, 4242, "kill", 4242), ALLOW);
	p->baseline = SB_BASELINE_NONE;
	assert_int_equal(self_answer(p, SB_FILTER_F2, SB_MODE_ENFORCE, 4242, "kill", 4242), KILLP);
	free(p);
}

/* `baseline = harmless`: an unlisted member is allowed in both filters
 * and both phases, under every default; a phase's own line wins; a
 * dangerous call stays out; `none` (and a policy without the key) changes
 * nothing. policy(): getppid init only, getuid serving only, sysinfo and
 * getrusage in neither. */
static void test_baseline_rule(void **state)
{
	struct sb_action defs[] = {KILL, EPERM_DEF, LOG_DEF};

	for (size_t i = 0; i < sizeof(defs) / sizeof(defs[0]); i++) {
		struct sb_policy *p = policy(defs[i], true);
		uint32_t def = sb_filter_scmp_action(p, SB_FILTER_F2, SB_MODE_ENFORCE, nr("sysinfo"));
		enum sb_answer_source src;

		assert_int_not_equal(def, ALLOW);
		p->baseline = SB_BASELINE_HARMLESS;
		set_act(p, SB_PHASE_SERVING, "gettid", SB_ACT_ERRNO, EPERM);
		const struct row rows[] = {
		    {"sysinfo", ALLOW},
		    {"getrusage", ALLOW},
		    {"getppid", ALLOW}, /* init's line; serving: the baseline */
		    {"getuid", ALLOW},
		    {"gettid", SCMP_ACT_ERRNO(EPERM)},                    /* serving's own line wins */
		    {"ptrace", defs[i].kind == SB_ACT_LOG ? KILLP : def}, /* no member */
		    {NULL, 0},
		};
		const struct row f1[] = {{"sysinfo", ALLOW}, {"getrusage", ALLOW}, {NULL, 0}};
		check_rows(p, SB_FILTER_F2, SB_MODE_ENFORCE, rows);
		check_rows(p, SB_FILTER_F1, SB_MODE_ENFORCE, f1);
		sb_filter_phase_answer(p, SB_PHASE_INIT, nr("sysinfo"), &src);
		assert_int_equal(src, SB_FROM_BASELINE);
		sb_filter_phase_answer(p, SB_PHASE_SERVING, nr("gettid"), &src);
		assert_int_equal(src, SB_FROM_LINE);
		check_bpf(p, SB_FILTER_F1, SB_MODE_ENFORCE);
		check_bpf(p, SB_FILTER_F2, SB_MODE_ENFORCE);
		check_bpf(p, SB_FILTER_F2, SB_MODE_COMPLAIN);
		p->baseline = SB_BASELINE_NONE;
		assert_int_equal(sb_filter_scmp_action(p, SB_FILTER_F2, SB_MODE_ENFORCE, nr("sysinfo")), def);
		sb_filter_phase_answer(p, SB_PHASE_INIT, nr("sysinfo"), &src);
		assert_int_equal(src, SB_FROM_DEFAULT);
		free(p);
	}
}

/* Clone's rules in particular: listed or not, allowed, failed or killed,
 * its answer with CLONE_UNTRACED set may equal the default, the clear
 * answer, both or neither. */
static void test_bpf_matches_table(void **state)
{
	struct sb_action defs[] = {KILL, EPERM_DEF, LOG_DEF};
	const struct sb_action clones[] = {
	    {SB_ACT_NONE, 0}, {SB_ACT_ALLOW, 0}, {SB_ACT_ERRNO, EPERM}, {SB_ACT_KILL, 0}, {SB_ACT_LOG, 0}};

	for (size_t i = 0; i < sizeof(defs) / sizeof(defs[0]); i++)
		for (size_t c = 0; c < sizeof(clones) / sizeof(clones[0]); c++) {
			struct sb_policy *p = policy(defs[i], true);
			p->phase[SB_PHASE_INIT][nr("clone")].act = clones[c];
			for (int mode = SB_MODE_ENFORCE; mode <= SB_MODE_COMPLAIN; mode++) {
				check_bpf(p, SB_FILTER_F1, (enum sb_mode)mode);
				check_bpf(p, SB_FILTER_F2, (enum sb_mode)mode);
			}
			free(p);
			p = policy(defs[i], false);
			p->phase[SB_PHASE_INIT][nr("clone")].act = clones[c];
			check_bpf(p, SB_FILTER_F1, SB_MODE_ENFORCE);
			check_bpf(p, SB_FILTER_F1, SB_MODE_COMPLAIN);
			free(p);
		}
}

/* ---- argument conditions (args.h) ---- */

static void set_cond(struct sb_policy *p, enum sb_phase ph, enum sb_arg_id id, const char *text)
{
	char bad[64];

	sb_policy_add(p, ph, sb_arg_nr(id), 1);
	assert_int_equal(sb_cond_parse(id, text, &p->cond[ph][id], bad, sizeof(bad)), 0);
}

/* serving: mprotect not PROT_EXEC, socket only AF_INET/AF_UNIX, ioctl not
 * TIOCSTI/TIOCLINUX, clone not CLONE_NEWUSER/CLONE_NEWNET; init: mprotect
 * with any prot, socket only AF_INET6, ioctl not TIOCSTI, prctl only
 * PR_SET_NAME while serving fails prctl with EPERM (F1's failing answer
 * is then EPERM, not the default). */
static struct sb_policy *arg_policy(struct sb_action def)
{
	struct sb_policy *p = policy(def, true);

	set_cond(p, SB_PHASE_SERVING, SB_ARG_MPROTECT_PROT, "not PROT_EXEC");
	set_cond(p, SB_PHASE_SERVING, SB_ARG_SOCKET_DOMAIN, "only AF_INET, AF_UNIX");
	set_cond(p, SB_PHASE_SERVING, SB_ARG_IOCTL_REQUEST, "not TIOCSTI, TIOCLINUX");
	set_cond(p, SB_PHASE_SERVING, SB_ARG_CLONE_FLAGS, "not CLONE_NEWUSER, CLONE_NEWNET");
	sb_policy_add(p, SB_PHASE_INIT, nr("mprotect"), 1);
	set_cond(p, SB_PHASE_INIT, SB_ARG_SOCKET_DOMAIN, "only AF_INET6");
	set_cond(p, SB_PHASE_INIT, SB_ARG_IOCTL_REQUEST, "not TIOCSTI");
	set_cond(p, SB_PHASE_INIT, SB_ARG_PRCTL_OPTION, "only PR_SET_NAME");
	set_act(p, SB_PHASE_SERVING, "prctl", SB_ACT_ERRNO, EPERM);
	return p;
}

static uint32_t arg_answer(const struct sb_policy *p, enum sb_filter_kind kind, const char *name,
                           unsigned index, uint64_t x)
{
	uint64_t args[6] = {0};

	args[index] = x;
	return sb_filter_scmp_action_args(p, kind, SB_MODE_ENFORCE, nr(name), args);
}

/* What the conditions mean, written out (not asked of the code under test). */
static void test_arg_table(void **state)
{
	struct sb_policy *p = arg_policy(KILL);
	const enum sb_filter_kind F1 = SB_FILTER_F1, F2 = SB_FILTER_F2;

	assert_int_equal(arg_answer(p, F2, "mprotect", 2, PROT_READ | PROT_EXEC), KILLP);
	assert_int_equal(arg_answer(p, F2, "mprotect", 2, PROT_READ | PROT_WRITE), ALLOW);
	assert_int_equal(arg_answer(p, F1, "mprotect", 2, PROT_READ | PROT_EXEC), ALLOW); /* init: any */
	assert_int_equal(arg_answer(p, F2, "socket", 0, AF_NETLINK), KILLP);
	assert_int_equal(arg_answer(p, F2, "socket", 0, AF_INET6), KILLP);
	assert_int_equal(arg_answer(p, F2, "socket", 0, AF_UNIX), ALLOW);
	assert_int_equal(arg_answer(p, F1, "socket", 0, AF_INET6), ALLOW); /* the union */
	assert_int_equal(arg_answer(p, F1, "socket", 0, AF_PACKET), KILLP);
	/* the kernel reads an int: the upper half is ignored both ways */
	assert_int_equal(arg_answer(p, F2, "socket", 0, AF_INET | (1ull << 40)), ALLOW);
	assert_int_equal(arg_answer(p, F2, "ioctl", 1, TIOCSTI | (1ull << 32)), KILLP);
	assert_int_equal(arg_answer(p, F2, "ioctl", 1, TIOCLINUX), KILLP);
	assert_int_equal(arg_answer(p, F2, "ioctl", 1, FIONREAD), ALLOW);
	assert_int_equal(arg_answer(p, F1, "ioctl", 1, TIOCLINUX), ALLOW); /* init allows it */
	assert_int_equal(arg_answer(p, F1, "ioctl", 1, TIOCSTI), KILLP);   /* neither does */
	assert_int_equal(arg_answer(p, F2, "clone", 0, CLONE_NEWUSER | SIGCHLD), KILLP);
	assert_int_equal(arg_answer(p, F2, "clone", 0, CLONE_NEWPID | SIGCHLD), ALLOW);
	assert_int_equal(arg_answer(p, F1, "clone", 0, CLONE_NEWUSER | CLONE_UNTRACED), KILLP);
	assert_int_equal(arg_answer(p, F1, "prctl", 0, PR_SET_NAME), ALLOW);
	assert_int_equal(arg_answer(p, F1, "prctl", 0, PR_SET_DUMPABLE), SCMP_ACT_ERRNO(EPERM));
	/* clone3 cannot be checked: ENOSYS where clone's flags are restricted */
	assert_int_equal(sb_filter_scmp_action(p, F2, SB_MODE_ENFORCE, nr("clone3")), SCMP_ACT_ERRNO(ENOSYS));
	p->cond[SB_PHASE_SERVING][SB_ARG_CLONE_FLAGS].kind = SB_COND_NONE;
	assert_int_equal(sb_filter_scmp_action(p, F2, SB_MODE_ENFORCE, nr("clone3")), ALLOW);
	/* complain mode: a failing argument traps instead */
	const uint64_t exec_args[6] = {0, 0, PROT_EXEC};
	assert_int_equal(sb_filter_scmp_action_args(p, F2, SB_MODE_COMPLAIN, nr("mprotect"), exec_args),
	                 SCMP_ACT_TRACE(2));
	free(p);
}

/* The values the BPF is run with for argument x: each listed value, its
 * neighbours, it with garbage in the upper half, every single bit, none
 * and all. */
static void check_arg_bpf(const struct sb_policy *p, enum sb_filter_kind kind, enum sb_mode mode)
{
	struct sock_fprog prog;

	export(p, kind, mode, &prog);
	for (int id = 0; id < SB_ARG_N; id++) {
		const struct sb_arg_def *d = sb_arg_def((enum sb_arg_id)id);
		int n = sb_arg_nr((enum sb_arg_id)id);
		uint64_t xs[64 + 2 + 5 * 2 * SB_COND_MAX];
		size_t nx = 0;

		for (int b = 0; b < 64; b++)
			xs[nx++] = 1ull << b;
		xs[nx++] = 0;
		xs[nx++] = ~0ull;
		for (int ph = 0; ph < SB_NPHASES; ph++) {
			const struct sb_cond *c = &p->cond[ph][id];
			for (int i = 0; i < c->n && d->kind == SB_ARG_VALUES; i++) {
				xs[nx++] = c->v[i];
				xs[nx++] = c->v[i] + 1;
				xs[nx++] = c->v[i] - 1;
				xs[nx++] = c->v[i] | (1ull << 33);
				xs[nx++] = c->v[i] ^ 0x80000000u;
			}
		}
		for (size_t i = 0; i < nx; i++) {
			uint64_t args[6] = {0};
			args[d->index] = xs[i];
			uint32_t got = bpf_run_args(&prog, AUDIT_ARCH_X86_64, (uint32_t)n, args);
			uint32_t want = sb_filter_scmp_action_args(p, kind, mode, n, args);
			if (got != want)
				fail_msg("kind %d mode %d %s = %#llx: bpf %#x, want %#x", kind, mode, d->arg,
				         (unsigned long long)xs[i], got, want);
		}
	}
	free(prog.filter);
}

static void test_bpf_arg_conditions(void **state)
{
	struct sb_action defs[] = {KILL, EPERM_DEF, LOG_DEF};

	for (size_t i = 0; i < sizeof(defs) / sizeof(defs[0]); i++) {
		struct sb_policy *p = arg_policy(defs[i]);
		for (int mode = SB_MODE_ENFORCE; mode <= SB_MODE_COMPLAIN; mode++) {
			check_arg_bpf(p, SB_FILTER_F1, (enum sb_mode)mode);
			check_arg_bpf(p, SB_FILTER_F2, (enum sb_mode)mode);
			check_bpf(p, SB_FILTER_F1, (enum sb_mode)mode);
			check_bpf(p, SB_FILTER_F2, (enum sb_mode)mode);
		}
		p->has_transition = false; /* single phase: F1 is init's alone */
		memset(p->cond[SB_PHASE_SERVING], 0, sizeof(p->cond[SB_PHASE_SERVING]));
		memset(p->phase[SB_PHASE_SERVING], 0, sizeof(p->phase[SB_PHASE_SERVING]));
		set_cond(p, SB_PHASE_INIT, SB_ARG_CLONE_FLAGS, "not CLONE_NEWUSER");
		check_arg_bpf(p, SB_FILTER_F1, SB_MODE_ENFORCE);
		assert_int_equal(sb_filter_scmp_action(p, SB_FILTER_F1, SB_MODE_ENFORCE, nr("clone3")),
		                 SCMP_ACT_ERRNO(ENOSYS));
		free(p);
	}
}

/* The baseline allows mmap and mprotect never executable: without a line,
 * a phase answers PROT_EXEC with the default, in F2 and, where both phases
 * leave it to the baseline, in F1; a line of its own (any protection)
 * wins. Under baseline none there is no answer but the line's. */
static void test_baseline_conditions(void **state)
{
	struct sb_action defs[] = {KILL, EPERM_DEF, LOG_DEF};
	const enum sb_filter_kind F1 = SB_FILTER_F1, F2 = SB_FILTER_F2;

	for (size_t i = 0; i < sizeof(defs) / sizeof(defs[0]); i++) {
		struct sb_policy *p = policy(defs[i], true);
		uint32_t deny = defs[i].kind == SB_ACT_ERRNO ? SCMP_ACT_ERRNO(EPERM) : KILLP;

		p->baseline = SB_BASELINE_HARMLESS;
		sb_policy_add(p, SB_PHASE_INIT, nr("mmap"), 4); /* ld.so maps code in init */
		assert_int_equal(arg_answer(p, F2, "mmap", 2, PROT_READ | PROT_WRITE), ALLOW);
		assert_int_equal(arg_answer(p, F2, "mmap", 2, PROT_READ | PROT_EXEC), deny);
		assert_int_equal(arg_answer(p, F2, "mmap", 2, PROT_EXEC | (1ull << 40)), deny);
		assert_int_equal(arg_answer(p, F1, "mmap", 2, PROT_READ | PROT_EXEC),
		                 ALLOW); /* init's line */
		assert_int_equal(arg_answer(p, F2, "mprotect", 2, PROT_READ), ALLOW);
		assert_int_equal(arg_answer(p, F2, "mprotect", 2, PROT_READ | PROT_EXEC), deny);
		assert_int_equal(arg_answer(p, F1, "mprotect", 2, PROT_EXEC), deny); /* baseline in both */
		/* ioctl: FIONREAD only, its upper half ignored as the kernel does */
		assert_int_equal(arg_answer(p, F2, "ioctl", 1, FIONREAD), ALLOW);
		assert_int_equal(arg_answer(p, F2, "ioctl", 1, FIONREAD | (1ull << 32)), ALLOW);
		assert_int_equal(arg_answer(p, F2, "ioctl", 1, TIOCSTI), deny);
		assert_int_equal(arg_answer(p, F1, "ioctl", 1, FIONBIO), deny);
		assert_non_null(sb_filter_phase_cond(p, SB_PHASE_SERVING, nr("mmap")));
		assert_null(sb_filter_phase_cond(p, SB_PHASE_INIT, nr("mmap")));
		assert_null(sb_filter_phase_cond(p, SB_PHASE_SERVING, nr("getpid"))); /* no condition */
		for (int mode = SB_MODE_ENFORCE; mode <= SB_MODE_COMPLAIN; mode++) {
			check_arg_bpf(p, F1, (enum sb_mode)mode);
			check_arg_bpf(p, F2, (enum sb_mode)mode);
		}
		sb_policy_add(p, SB_PHASE_SERVING, nr("mprotect"), 1); /* serving's own line: any */
		assert_int_equal(arg_answer(p, F2, "mprotect", 2, PROT_READ | PROT_EXEC), ALLOW);
		p->baseline = SB_BASELINE_NONE;
		assert_null(sb_filter_phase_cond(p, SB_PHASE_SERVING, nr("mmap")));
		/* the default, which under log allows (mmap is not dangerous) */
		assert_int_equal(arg_answer(p, F2, "mmap", 2, PROT_READ),
		                 defs[i].kind == SB_ACT_LOG ? SCMP_ACT_LOG : deny);
		free(p);
	}
}

/* A syscall libseccomp 2.5.4 cannot name still gets its rule. */
static void test_bpf_unnamed_number(void **state)
{
	struct sb_policy *p = policy(KILL, false);
	struct sock_fprog prog;

	sb_policy_add(p, SB_PHASE_INIT, 462, 1); /* mseal on x86_64 */
	sb_policy_add(p, SB_PHASE_INIT, SB_NR_MAX - 1, 1);
	export(p, SB_FILTER_F1, SB_MODE_ENFORCE, &prog);
	assert_int_equal(bpf_run(&prog, AUDIT_ARCH_X86_64, 462), ALLOW);
	assert_int_equal(bpf_run(&prog, AUDIT_ARCH_X86_64, SB_NR_MAX - 1), ALLOW);
	assert_int_equal(bpf_run(&prog, AUDIT_ARCH_X86_64, 461), KILLP);
	free(prog.filter);
	free(p);
}

static void test_bpf_profile(void **state)
{
	struct sock_fprog prog;

	export(NULL, SB_FILTER_PROFILE, SB_MODE_ENFORCE, &prog);
	assert_int_equal(bpf_run(&prog, AUDIT_ARCH_X86_64, 0), SCMP_ACT_TRACE(0));
	assert_int_equal(bpf_run(&prog, AUDIT_ARCH_X86_64, X32_BIT | 39), SCMP_ACT_TRACE(0));
	assert_int_equal(bpf_run(&prog, AUDIT_ARCH_I386, I386_GETPID), SCMP_ACT_TRACE(0));
	assert_int_equal(bpf_run(&prog, AUDIT_ARCH_AARCH64, 0), KILLP);
	free(prog.filter);
}

/* ---- PFC text ---- */

static char *pfc(const struct sb_policy *p, enum sb_filter_kind kind, enum sb_mode mode)
{
	scmp_filter_ctx ctx = NULL;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	assert_int_equal(sb_filter_build(p, kind, mode, &ctx), 0);
	assert_int_equal(sb_filter_pfc(ctx, f), 0);
	fclose(f);
	seccomp_release(ctx);
	return text;
}

/* The rule for `name` exists and its first action line is `action`. */
static void expect_rule(const char *text, const char *name, const char *action)
{
	char head[96], act[64];

	snprintf(head, sizeof(head), "# filter for syscall \"%s\" (", name);
	snprintf(act, sizeof(act), "action %s;", action);
	const char *at = strstr(text, head);
	if (!at)
		fail_msg("no rule for %s in:\n%s", name, text);
	const char *next = strstr(at, "action ");
	assert_non_null(next);
	if (strncmp(next, act, strlen(act)) != 0)
		fail_msg("%s: want %s, have %.30s", name, act, next);
}

static void expect_no_rule(const char *text, const char *name)
{
	char head[96];
	snprintf(head, sizeof(head), "\"%s\"", name);
	if (strstr(text, head))
		fail_msg("unexpected rule for %s", name);
}

static void test_pfc_f1(void **state)
{
	struct sb_policy *p = policy(KILL, true);
	char *t = pfc(p, SB_FILTER_F1, SB_MODE_ENFORCE);

	expect_rule(t, "read", "ALLOW");
	expect_rule(t, "getppid", "ALLOW");
	expect_rule(t, "getuid", "ALLOW");
	expect_rule(t, "accept4", "ALLOW");
	expect_rule(t, "seccomp", "ALLOW");
	expect_rule(t, "execve", "ALLOW");
	expect_rule(t, "rt_sigreturn", "ALLOW");
	expect_rule(t, "mkdir", "ERRNO(13)");
	expect_rule(t, "getrandom", "LOG");
	expect_no_rule(t, "getgid");
	assert_non_null(strstr(t, "# filter for arch x86_64 "));
	assert_null(strstr(t, "arch x86 "));  /* native arch only */
	expect_rule(t, "listen", "TRACE(3)"); /* lazy init: the only RET_TRACE */
	assert_null(strstr(strstr(t, "TRACE(3)") + 1, "TRACE"));
	assert_non_null(strstr(t, "  # default action\n  action KILL_PROCESS;\n"));
	assert_non_null(strstr(t, "# invalid architecture action\naction KILL_PROCESS;\n"));
	free(t);
	free(p);
}

/* The first action after `cond` in text, as "action X;", or fail. */
static const char *action_after(const char *text, const char *cond)
{
	const char *at = strstr(text, cond);

	if (!at)
		fail_msg("no '%s' in:\n%s", cond, text);
	return strstr(at, "action ");
}

/* clone's two masked compares on argument 0, and no rule on the number
 * alone (libseccomp would drop the compares for it). */
static void test_pfc_clone_rules(void **state)
{
	struct sb_policy *p = policy(LOG_DEF, true);
	char *t = pfc(p, SB_FILTER_F1, SB_MODE_ENFORCE);
	const char *at = strstr(t, "# filter for syscall \"clone\" (");

	assert_non_null(at);
	const char *next = strstr(at + 1, "# filter for syscall");
	const char *set = action_after(at, "if ($a0.lo32 & 0x00800000 == 8388608)");
	const char *clear = action_after(at, "if ($a0.lo32 & 0x00800000 == 0)");
	assert_true(!next || (set < next && clear < next));
	assert_int_equal(strncmp(set, "action KILL_PROCESS;", 20), 0);
	assert_int_equal(strncmp(clear, "action ALLOW;", 13), 0);
	/* the first action of clone's filter is a compare's, not the number's */
	assert_true(action_after(at, "if ($syscall == 56)") == action_after(at, "== 8388608)"));
	expect_rule(t, "clone3", "ERRNO(38)");
	free(t);
	free(p);
}

static void test_pfc_f2_complain(void **state)
{
	struct sb_policy *p = policy(EPERM_DEF, true);
	char *t = pfc(p, SB_FILTER_F2, SB_MODE_COMPLAIN);

	expect_rule(t, "getuid", "ALLOW");
	expect_rule(t, "exit_group", "ALLOW");
	expect_no_rule(t, "getppid");
	expect_no_rule(t, "seccomp");
	assert_non_null(strstr(t, "  # default action\n  action TRACE(2);\n"));
	assert_non_null(strstr(t, "# invalid architecture action\naction KILL_PROCESS;\n"));
	free(t);
	free(p);
}

static void test_pfc_profile(void **state)
{
	char *t = pfc(NULL, SB_FILTER_PROFILE, SB_MODE_ENFORCE);

	assert_non_null(strstr(t, "# filter for arch x86_64 "));
	assert_non_null(strstr(t, "# filter for arch x86 "));
	assert_non_null(strstr(t, "# filter for arch x32 "));
	assert_null(strstr(t, "filter for syscall"));
	assert_non_null(strstr(t, "action TRACE(0);"));
	free(t);
}

/* ---- live tests: load the exported filters in forked children ---- */

enum cmd {
	CMD_GETPID,
	CMD_GETPPID, /* init only */
	CMD_GETUID,  /* serving only */
	CMD_GETGID,  /* unlisted */
	CMD_I386,
	CMD_X32,
	CMD_CLONE,          /* clone(SIGCHLD): a child that exits at once, waited for */
	CMD_CLONE_UNTRACED, /* the same with CLONE_UNTRACED */
	CMD_CLONE3,         /* clone3(NULL, 0): EINVAL where it reaches the kernel */
	CMD_STOP,
};

struct child {
	struct sock_fprog f1, f2;
	bool stack_f2;
	bool threaded; /* run the command in a second thread */
	enum cmd cmd;
	int want_errno; /* 0: the call must succeed */
	int to_thr[2], from_thr[2];
};

static long int80_getpid(void)
{
	long ret;
	__asm__ volatile("int $0x80"
	                 : "=a"(ret)
	                 : "a"((long)I386_GETPID)
	                 : "memory", "cc", "r8", "r9", "r10", "r11");
	return ret;
}

/* Run one command; 0 if it did what the child expects (it may not return). */
static int do_cmd(enum cmd c, int want_errno)
{
	long r = -1;

	errno = 0;
	switch (c) {
	case CMD_GETPID: r = syscall(SYS_getpid); break;
	case CMD_GETPPID: r = syscall(SYS_getppid); break;
	case CMD_GETUID: r = syscall(SYS_getuid); break;
	case CMD_GETGID: r = syscall(SYS_getgid); break;
	case CMD_I386: r = int80_getpid(); break;
	case CMD_X32: r = syscall(X32_BIT | SYS_getpid); break;
	case CMD_CLONE:
	case CMD_CLONE_UNTRACED:
		r = syscall(SYS_clone, SIGCHLD | (c == CMD_CLONE_UNTRACED ? CLONE_UNTRACED : 0), 0, 0, 0, 0);
		if (r == 0)
			syscall(SYS_exit_group, 0);
		if (r > 0)
			r = syscall(SYS_wait4, r, NULL, 0, NULL);
		break;
	case CMD_CLONE3: r = syscall(SYS_clone3, NULL, 0); break;
	case CMD_STOP: return 0;
	}
	if (want_errno)
		return r == -1 && errno == want_errno ? 0 : 1;
	return r >= 0 ? 0 : 2;
}

/* Raw read/write so nothing but these syscalls runs under the filter. */
static void *thread_main(void *arg)
{
	struct child *c = arg;
	unsigned char cmd = 0;

	/* Ready: glibc's thread start-up (rseq, robust list) is over, so the
	 * filters installed next see only the calls below. */
	syscall(SYS_write, c->from_thr[1], &cmd, 1);
	while (syscall(SYS_read, c->to_thr[0], &cmd, 1) == 1 && cmd != CMD_STOP) {
		unsigned char res = (unsigned char)do_cmd((enum cmd)cmd, c->want_errno);
		syscall(SYS_write, c->from_thr[1], &res, 1);
	}
	return NULL;
}

static long install(const struct sock_fprog *prog, unsigned flags)
{
	return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, prog);
}

/* Ask the thread to run c->cmd; 0 if it reports success. If the filter
 * kills only the thread (the bug this guards against), nobody answers and
 * the alarm ends the child with SIGALRM instead of SIGSYS. */
static int in_thread(struct child *c)
{
	unsigned char cmd = (unsigned char)c->cmd, res = 9;

	if (syscall(SYS_write, c->to_thr[1], &cmd, 1) != 1)
		return 10;
	if (syscall(SYS_read, c->from_thr[0], &res, 1) != 1)
		return 11;
	return res;
}

static int in_thread_ready(struct child *c)
{
	unsigned char res = 9;
	return read(c->from_thr[0], &res, 1) == 1 && res == 0 ? 0 : 1;
}

__attribute__((noreturn)) static void child_main(struct child *c)
{
	const struct rlimit no_core = {0, 0};
	pthread_t thr;
	int rc;

	setrlimit(RLIMIT_CORE, &no_core); /* a seccomp kill dumps core */
	alarm(5);
	if (c->threaded && (pipe(c->to_thr) || pipe(c->from_thr) ||
	                    pthread_create(&thr, NULL, thread_main, c) || in_thread_ready(c)))
		_exit(20);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		_exit(21);
	/* TSYNC: the thread made before gets F1 too, as threads of an exec'd
	 * program all descend from the F1 the launcher installed. */
	if (install(&c->f1, SECCOMP_FILTER_FLAG_TSYNC))
		_exit(22);
	/* F2 stacked while another thread runs, as the injection does. */
	if (c->stack_f2 && install(&c->f2, SECCOMP_FILTER_FLAG_TSYNC))
		_exit(23);
	rc = c->threaded ? in_thread(c) : do_cmd(c->cmd, c->want_errno);
	/* Not _exit(): ASan runs sigaltstack before a noreturn call. */
	syscall(SYS_exit_group, rc);
	__builtin_unreachable();
}

static int run_child(struct child *c)
{
	int status = 0;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0)
		child_main(c);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return status;
}

static void expect_exit0(int status)
{
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fail_msg("child status %#x (exit %d, signal %d)", status,
		         WIFEXITED(status) ? WEXITSTATUS(status) : -1,
		         WIFSIGNALED(status) ? WTERMSIG(status) : -1);
}

static void expect_sigsys(int status)
{
	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGSYS)
		fail_msg("child status %#x (exit %d, signal %d), want SIGSYS", status,
		         WIFEXITED(status) ? WEXITSTATUS(status) : -1,
		         WIFSIGNALED(status) ? WTERMSIG(status) : -1);
}

struct live {
	struct sb_policy *p;
	struct child c;
};

/* Takes p; F2 only for a policy with a transition. */
static void live_setup(struct live *l, struct sb_policy *p)
{
	memset(l, 0, sizeof(*l));
	l->p = p;
	export(l->p, SB_FILTER_F1, SB_MODE_ENFORCE, &l->c.f1);
	if (p->has_transition)
		export(l->p, SB_FILTER_F2, SB_MODE_ENFORCE, &l->c.f2);
}

static void live_done(struct live *l)
{
	free(l->c.f1.filter);
	free(l->c.f2.filter);
	free(l->p);
}

/* Run `cmd` under p's F1 (and F2 if stacked), unthreaded then threaded;
 * takes p. */
static void live_case_p(struct sb_policy *p, bool stack, enum cmd cmd, int want_errno, bool killed)
{
	struct live l;

	live_setup(&l, p);
	l.c.stack_f2 = stack;
	l.c.cmd = cmd;
	l.c.want_errno = want_errno;
	for (int threaded = 0; threaded <= 1; threaded++) {
		l.c.threaded = threaded;
		int status = run_child(&l.c);
		if (killed)
			expect_sigsys(status);
		else
			expect_exit0(status);
	}
	live_done(&l);
}

static void live_case(struct sb_action def, bool stack, enum cmd cmd, int want_errno, bool killed)
{
	live_case_p(policy(def, true), stack, cmd, want_errno, killed);
}

static void test_live_f1_allowed(void **state)
{
	live_case(KILL, false, CMD_GETPID, 0, false);
	live_case(KILL, false, CMD_GETPPID, 0, false);
	live_case(KILL, false, CMD_GETUID, 0, false); /* serving only */
}

static void test_live_f1_unlisted_kill(void **state)
{
	live_case(KILL, false, CMD_GETGID, 0, true);
}

static void test_live_f1_unlisted_errno(void **state)
{
	live_case(EPERM_DEF, false, CMD_GETGID, EPERM, false);
}

/* Does int 0x80 work at all here (IA32 emulation on)? */
static bool have_int80(void)
{
	int status = 0;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0)
		_exit(int80_getpid() == getpid() ? 0 : 1);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static void test_live_i386_killed(void **state)
{
	if (!have_int80())
		skip();
	live_case(KILL, false, CMD_I386, 0, true);
	live_case(EPERM_DEF, false, CMD_I386, 0, true); /* not the default: bad arch */
	live_case(KILL, true, CMD_I386, 0, true);
}

static void test_live_x32_killed(void **state)
{
	live_case(KILL, false, CMD_X32, 0, true);
	live_case(EPERM_DEF, false, CMD_X32, 0, true);
	live_case(EPERM_DEF, true, CMD_X32, 0, true);
}

static void test_live_f2_serving(void **state)
{
	live_case(KILL, true, CMD_GETUID, 0, false);
	live_case(KILL, true, CMD_GETPID, 0, false);
}

static void test_live_f2_init_only_killed(void **state)
{
	live_case(KILL, true, CMD_GETPPID, 0, true);
	live_case(KILL, true, CMD_GETGID, 0, true);
	live_case(EPERM_DEF, true, CMD_GETPPID, EPERM, false);
}

/* The kernel agrees: clone(CLONE_UNTRACED) is denied by a traced F1, before
 * and after F2 stacks on it, and by the default's means. */
static void test_live_clone_untraced_denied(void **state)
{
	live_case(KILL, false, CMD_CLONE_UNTRACED, 0, true);
	live_case(KILL, true, CMD_CLONE_UNTRACED, 0, true);
	live_case(EPERM_DEF, false, CMD_CLONE_UNTRACED, EPERM, false);
	live_case(LOG_DEF, false, CMD_CLONE_UNTRACED, 0, true);
	/* untraced (single phase): the flag means nothing, the call runs */
	live_case_p(policy(KILL, false), false, CMD_CLONE_UNTRACED, 0, false);
}

/* clone without the flag runs; in serving through clone3's line alone. */
static void test_live_clone_allowed(void **state)
{
	live_case(KILL, false, CMD_CLONE, 0, false);
	live_case(KILL, true, CMD_CLONE, 0, false);
}

static void test_live_clone3_enosys(void **state)
{
	live_case(KILL, false, CMD_CLONE3, ENOSYS, false);
	live_case(KILL, true, CMD_CLONE3, ENOSYS, false);
	live_case_p(policy(KILL, false), false, CMD_CLONE3, EINVAL, false);
}

/* Issue 12, live: init says getgid = kill, serving does not list it and the
 * default is EPERM. After the transition getgid fails, and so it does
 * before (F1 takes serving's looser answer). */
static void test_live_stricter_init_line(void **state)
{
	for (int stack = 0; stack <= 1; stack++) {
		struct sb_policy *p = policy(EPERM_DEF, true);
		set_act(p, SB_PHASE_INIT, "getgid", SB_ACT_KILL, 0);
		live_case_p(p, stack, CMD_GETGID, EPERM, false);
	}
}

/* F1 without seccomp allowed: the injection of F2 itself is killed. */
static void test_live_f1_without_transition_blocks_seccomp(void **state)
{
	struct sb_policy *p = policy(KILL, false);
	struct child c = {0};

	export(p, SB_FILTER_F1, SB_MODE_ENFORCE, &c.f1);
	free(p);
	p = policy(KILL, true);
	export(p, SB_FILTER_F2, SB_MODE_ENFORCE, &c.f2);
	c.stack_f2 = true;
	c.cmd = CMD_GETPID;
	expect_sigsys(run_child(&c));
	free(c.f1.filter);
	free(c.f2.filter);
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_f1_table),
	    cmocka_unit_test(test_f1_table_errno_default),
	    cmocka_unit_test(test_lazy_only_when_f2_outranks_trace),
	    cmocka_unit_test(test_f2_table),
	    cmocka_unit_test(test_single_phase_table),
	    cmocka_unit_test(test_complain_table),
	    cmocka_unit_test(test_action_struct),
	    cmocka_unit_test(test_build_refuses),
	    cmocka_unit_test(test_f1_stricter_init_line),
	    cmocka_unit_test(test_danger_rule),
	    cmocka_unit_test(test_clone_untraced),
	    cmocka_unit_test(test_clone3_enosys),
	    cmocka_unit_test(test_clone_falls_back_to_clone3),
	    cmocka_unit_test(test_bpf_matches_table),
	    cmocka_unit_test(test_baseline_rule),
	    cmocka_unit_test(test_self_signals),
	    cmocka_unit_test(test_bpf_unnamed_number),
	    cmocka_unit_test(test_bpf_profile),
	    cmocka_unit_test(test_pfc_f1),
	    cmocka_unit_test(test_pfc_clone_rules),
	    cmocka_unit_test(test_pfc_f2_complain),
	    cmocka_unit_test(test_pfc_profile),
	    cmocka_unit_test(test_live_f1_allowed),
	    cmocka_unit_test(test_live_f1_unlisted_kill),
	    cmocka_unit_test(test_live_f1_unlisted_errno),
	    cmocka_unit_test(test_live_i386_killed),
	    cmocka_unit_test(test_live_x32_killed),
	    cmocka_unit_test(test_live_f2_serving),
	    cmocka_unit_test(test_live_f2_init_only_killed),
	    cmocka_unit_test(test_arg_table),
	    cmocka_unit_test(test_bpf_arg_conditions),
	    cmocka_unit_test(test_baseline_conditions),
	    cmocka_unit_test(test_live_clone_untraced_denied),
	    cmocka_unit_test(test_live_clone_allowed),
	    cmocka_unit_test(test_live_clone3_enosys),
	    cmocka_unit_test(test_live_stricter_init_line),
	    cmocka_unit_test(test_live_f1_without_transition_blocks_seccomp),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
