/* test_policy_ini.c - reading and writing sandbox-policy(5) files.
 *
 * Most tests here are negative: a malformed policy must be refused with the
 * right line number and a message that names the problem.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "caps.h"
#include "policy.h"

/* Lines 1-4 of most test policies. */
#define HEAD "[sandbox]\nversion = 1\nprogram = t\narch = x86_64\n"

static void expect_error(const char *text, int line, const char *msg)
{
	struct sb_policy *p = NULL;
	struct sb_error err;
	int r = sb_policy_read_string(text, "t.ini", &p, &err);

	if (r != -EINVAL || err.line != line || strstr(err.msg, msg) == NULL)
		fail_msg("got %d, %s:%d: %s\nwant line %d with '%s'", r, err.file, err.line, err.msg, line,
		         msg);
	assert_string_equal(err.file, "t.ini");
	assert_null(p);
}

static struct sb_policy *expect_ok(const char *text)
{
	struct sb_policy *p = NULL;
	struct sb_error err;
	int r = sb_policy_read_string(text, "t.ini", &p, &err);

	if (r != 0)
		fail_msg("got %d, %s:%d: %s", r, err.file, err.line, err.msg);
	assert_non_null(p);
	return p;
}

/* ---- negative tests, one problem each ---- */

static void test_unknown_section(void **state)
{
	expect_error(HEAD "[frob]\n", 5, "unknown section [frob]");
	expect_error(HEAD "[ init ]\n", 5, "unknown section [ init ]");
	expect_error(HEAD "[Init]\n", 5, "unknown section [Init]");
}

static void test_bad_section_line(void **state)
{
	expect_error(HEAD "[init\n", 5, "expected ']'");
	expect_error(HEAD "[init] read = allow\n", 5, "unexpected text after [init]");
	expect_error(HEAD "[init]\n[init]\n", 6, "duplicate section [init] (first at line 5)");
}

static void test_unknown_key(void **state)
{
	expect_error(HEAD "colour = blue\n", 5, "unknown key 'colour' in [sandbox]");
	expect_error(HEAD "Version = 1\n", 5, "unknown key 'Version'");
}

static void test_key_outside_section(void **state)
{
	expect_error("; c\nversion = 1\n" HEAD, 2, "key 'version' outside a section");
}

static void test_unknown_syscall(void **state)
{
	expect_error(HEAD "[init]\nread = allow\nfrobnicate = allow\n", 7, "unknown syscall 'frobnicate'");
	expect_error(HEAD "[init]\nsyscall_512 = allow\n", 6, "unknown syscall 'syscall_512'");
	/* a family name is no syscall */
	expect_error(HEAD "[init]\nrecv = allow\n", 6, "unknown syscall 'recv'");
}

static void test_bad_action(void **state)
{
	expect_error(HEAD "[init]\nread = permit\n", 6, "unknown action 'permit' for 'read'");
	expect_error(HEAD "[init]\nread = ALLOW\n", 6, "unknown action 'ALLOW'");
	expect_error(HEAD "default = trace\n", 5, "unknown action 'trace' for 'default'");
}

static void test_bad_errno(void **state)
{
	expect_error(HEAD "[init]\nmkdir = errno EFOO\n", 6, "unknown errno name 'EFOO'");
	expect_error(HEAD "[init]\nmkdir = errno 13\n", 6, "unknown errno name '13'");
	expect_error(HEAD "default = errno eperm\n", 5, "unknown errno name 'eperm'");
}

static void test_duplicate_key(void **state)
{
	expect_error(HEAD "[init]\nread = allow\nwrite = allow\nread = kill\n", 8,
	             "duplicate key 'read' (first at line 6)");
	expect_error(HEAD "version = 1\n", 5, "duplicate key 'version' (first at line 2)");
	/* one syscall under two names */
	expect_error(HEAD "[init]\nread = allow\nsyscall_0 = allow\n", 7,
	             "duplicate key 'syscall_0' (first at line 6)");
}

static void test_missing_value(void **state)
{
	expect_error(HEAD "[init]\nread =\n", 6, "missing value for 'read'");
	expect_error("[sandbox]\nversion =\n", 2, "missing value for 'version'");
	expect_error(HEAD "transition = ; 2 calls\n", 5, "missing value for 'transition'");
}

static void test_no_equals(void **state)
{
	expect_error(HEAD "[init]\nread\n", 6, "expected key = value");
	expect_error(HEAD "[init]\nread: allow\n", 6, "expected key = value");
	expect_error(HEAD "[init]\n= allow\n", 6, "expected key = value");
	expect_error(HEAD "[init]\nread ; = allow\n", 6, "expected key = value");
}

static void test_long_line(void **state)
{
	char text[1024];
	char *x = malloc(251);

	/* inih would split it and blame line 6: we say line 5 */
	memset(x, 'x', 250);
	x[250] = '\0';
	snprintf(text, sizeof(text), HEAD "%s\n[init]\n", x);
	expect_error(text, 5, "line too long (more than 198 bytes)");
	memcpy(x, "; ", 2);
	snprintf(text, sizeof(text), HEAD "%s\n[init]\n", x);
	expect_error(text, 5, "line too long (more than 198 bytes)");
	/* the last line, without a newline */
	snprintf(text, sizeof(text), HEAD "%s", x);
	expect_error(text, 5, "line too long");
	/* 198 bytes is the most inih's buffer holds: accepted */
	x[198] = '\0';
	snprintf(text, sizeof(text), HEAD "%s\n", x);
	free(expect_ok(text));
	/* and so is 198 bytes and a CR before the newline */
	snprintf(text, sizeof(text), HEAD "%s\r\n", x);
	free(expect_ok(text));
	x[198] = 'x';
	x[199] = '\0';
	snprintf(text, sizeof(text), HEAD "%s\n", x);
	expect_error(text, 5, "line too long (more than 198 bytes)");
	free(x);
}

static void test_continuation(void **state)
{
	expect_error(HEAD "[init]\nread = allow\n  write = allow\n", 7, "continuation lines are not allowed");
	expect_error(HEAD "capabilities = cap_chown,\n\tcap_kill\n", 6, "continuation lines are not allowed");
	/* indented comments and blank lines with spaces are fine */
	free(expect_ok(HEAD "  ; note\n   \n[init]\n\t# x\nread = allow\n"));
}

static void test_missing_keys(void **state)
{
	expect_error("; c\n[sandbox]\nprogram = t\narch = x86_64\n", 2, "missing key 'version' in [sandbox]");
	expect_error("[sandbox]\nversion = 1\narch = x86_64\n", 1, "missing key 'program'");
	expect_error("[sandbox]\nversion = 1\nprogram = x\n", 1, "missing key 'arch'");
	expect_error("[init]\nread = allow\n", 0, "missing section [sandbox]");
	expect_error("", 0, "missing section [sandbox]");
}

static void test_bad_sandbox_values(void **state)
{
	expect_error("[sandbox]\nversion = 1\nprogram = t\narch = i386\n", 4, "unsupported arch 'i386'");
	expect_error("[sandbox]\nversion = 2\n", 2, "unsupported version '2'");
	expect_error("[sandbox]\nversion = 1x\n", 2, "unsupported version '1x'");
	expect_error(HEAD "default = allow\n", 5, "default 'allow' is refused");
}

static void test_transition_keys(void **state)
{
	expect_error(HEAD "[init]\nread = allow\n[serving]\nwrite = allow\n", 8,
	             "serving section needs a transition");
	expect_error(HEAD "[serving]\n", 5, "serving section needs a transition");
	expect_error(HEAD "transition_fd = 0\n", 5, "transition_fd requires a transition");
	expect_error(HEAD "transition_after = listen\n", 5, "transition_after requires a transition");
	expect_error(HEAD "transition = accept, frob\n", 5, "unknown syscall or family 'frob' in transition");
	expect_error(HEAD "transition = accept\ntransition_after = listen,,bind\n", 6,
	             "empty name in transition_after");
	expect_error(HEAD "transition = accept\ntransition_fd = -1\n", 6,
	             "transition_fd must be an integer >= 0");
	expect_error(HEAD "transition = accept\ntransition_fd = stdin\n", 6,
	             "transition_fd must be an integer >= 0");
}

static void test_bad_capability(void **state)
{
	expect_error(HEAD "capabilities = cap_net_bind_service, cap_frob\n", 5,
	             "unknown capability 'cap_frob'");
	expect_error(HEAD "capabilities = 10\n", 5, "unknown capability '10'");
}

static void test_nul_byte(void **state)
{
	char text[] = HEAD "[init]\nread = allow\n";
	struct sb_policy *p = NULL;
	struct sb_error err;
	FILE *f;
	char path[] = "/tmp/test_policy_ini.XXXXXX";
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	text[strlen(HEAD) + 8] = '\0'; /* inside "read = allow" */
	f = fdopen(fd, "w");
	fwrite(text, 1, sizeof(text) - 1, f);
	fclose(f);
	assert_int_equal(sb_policy_read(path, &p, &err), -EINVAL);
	assert_int_equal(err.line, 6);
	assert_non_null(strstr(err.msg, "NUL byte"));
	unlink(path);
}

/* ---- inputs that must neither hang nor grow: every read is bounded ---- */

/* An endless source: `head`, then `fill` for ever, or a read error if
 * fail_errno is set. It gives up after ENDLESS_MAX bytes, so that a reader
 * without bounds fails these tests instead of hanging them. */
#define ENDLESS_MAX (64u << 20)

struct endless {
	const char *head;
	char fill;
	int fail_errno;
	size_t served;
};

static ssize_t endless_read(void *cookie, char *buf, size_t size)
{
	struct endless *e = cookie;
	size_t hl = strlen(e->head), n = 0;

	for (; n < size && e->served < ENDLESS_MAX; n++, e->served++) {
		if (e->served >= hl && e->fail_errno)
			break;
		buf[n] = e->served < hl ? e->head[e->served] : e->fill;
	}
	if (n == 0 && e->fail_errno) {
		errno = e->fail_errno;
		return -1;
	}
	return (ssize_t)n;
}

static int read_endless(struct endless *e, struct sb_error *err)
{
	cookie_io_functions_t io = {.read = endless_read};
	FILE *f = fopencookie(e, "r", io);
	struct sb_policy *p = NULL;
	int r;

	assert_non_null(f);
	r = sb_policy_read_stream(f, "t.ini", &p, err);
	fclose(f);
	assert_null(p);
	return r;
}

/* One endless line is refused at its 199th byte, not read to the end. */
static void test_endless_line(void **state)
{
	struct endless e = {.head = "", .fill = 'x'};
	struct sb_error err;

	assert_int_equal(read_endless(&e, &err), -EINVAL);
	assert_int_equal(err.line, 1);
	assert_string_equal(err.msg, "line too long (more than 198 bytes)");
	assert_true(e.served <= 65536); /* one stdio buffer or so */
}

/* /dev/zero's content: the first byte is refused. */
static void test_endless_zeros(void **state)
{
	struct endless e = {.head = HEAD, .fill = '\0'};
	struct sb_error err;

	assert_int_equal(read_endless(&e, &err), -EINVAL);
	assert_int_equal(err.line, 5);
	assert_string_equal(err.msg, "NUL byte in line");
	assert_true(e.served <= 65536);
}

/* Endless short lines stop at SB_POLICY_MAX_BYTES, with the line number of
 * the first line past it (the count cannot overflow). */
static void test_endless_lines(void **state)
{
	struct endless e = {.head = "", .fill = '\n'};
	struct sb_error err;

	assert_int_equal(read_endless(&e, &err), -EINVAL);
	assert_int_equal(err.line, SB_POLICY_MAX_BYTES + 1);
	assert_non_null(strstr(err.msg, "policy too large"));
	assert_true(e.served <= SB_POLICY_MAX_BYTES + 65536);
}

/* A read error is no end of file: a complete policy before it is refused. */
static void test_read_error_not_eof(void **state)
{
	struct endless e = {.head = HEAD "[init]\nread = allow\n", .fail_errno = EIO};
	struct sb_error err;

	assert_int_equal(read_endless(&e, &err), -EIO);
	assert_int_equal(err.line, 6);
	assert_string_equal(err.msg, "read error: Input/output error");
}

/* A sparse file of zeros, as /dev/zero would be if it were a file. */
static void test_read_sparse_file(void **state)
{
	char path[] = "/tmp/test_policy_ini.XXXXXX";
	int fd = mkstemp(path);
	struct sb_policy *p = NULL;
	struct sb_error err;

	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)1 << 30), 0);
	close(fd);
	alarm(10);
	assert_int_equal(sb_policy_read(path, &p, &err), -EINVAL);
	alarm(0);
	assert_int_equal(err.line, 1);
	assert_string_equal(err.msg, "NUL byte in line");
	unlink(path);
}

static void expect_not_regular(const char *path, const char *what)
{
	struct sb_policy *p = NULL;
	struct sb_error err;
	char want[64];

	snprintf(want, sizeof(want), "not a regular file (%s)", what);
	assert_int_equal(sb_policy_read(path, &p, &err), -EINVAL);
	assert_int_equal(err.line, 0);
	assert_string_equal(err.file, path);
	assert_string_equal(err.msg, want);
	assert_null(p);
}

/* A fifo with no writer would block open() and read() for ever: refused
 * at once. The alarm bounds the test if that ever regresses. */
static void test_read_not_regular(void **state)
{
	char dir[] = "/tmp/test_policy_ini.XXXXXX";
	char fifo[64];

	assert_non_null(mkdtemp(dir));
	snprintf(fifo, sizeof(fifo), "%s/fifo.ini", dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	alarm(10);
	expect_not_regular(fifo, "a fifo");
	expect_not_regular("/dev/zero", "a character device");
	expect_not_regular(dir, "a directory");
	alarm(0);
	unlink(fifo);
	rmdir(dir);
}

/* Lines the filters would override to allow are refused, not changed. */
static void test_forced_allow(void **state)
{
	const char *tr = "transition = accept\ntransition_after = listen\n";
	char text[512];

	/* the base set, in every phase */
	expect_error(HEAD "[init]\nexit_group = kill\n", 6,
	             "'exit_group = kill' is refused: the base set (restart_syscall, rt_sigreturn, exit, "
	             "exit_group) is always allowed in every phase");
	expect_error(HEAD "[init]\nrt_sigreturn = log\n", 6, "'rt_sigreturn = log' is refused");
	expect_error(HEAD "[init]\nexit = errno EPERM\n", 6, "'exit = errno EPERM' is refused");
	snprintf(text, sizeof(text), HEAD "%s[serving]\nrestart_syscall = kill\n", tr);
	expect_error(text, 8, "'restart_syscall = kill' is refused: the base set");
	/* execve in [init], even single-phase */
	expect_error(HEAD "[init]\nread = allow\nexecve = errno EPERM\n", 7,
	             "'execve = errno EPERM' is refused: execve is always allowed in [init]: the "
	             "launcher's own execve runs under F1");
	/* two-phase: seccomp, the markers (accept4 is in the family) and after */
	snprintf(text, sizeof(text), HEAD "%s[init]\nseccomp = kill\n", tr);
	expect_error(
	    text, 8,
	    "'seccomp = kill' is refused: seccomp is always allowed in [init] of a two-phase policy");
	snprintf(text, sizeof(text), HEAD "%s[init]\naccept4 = errno EAGAIN\n", tr);
	expect_error(text, 8, "'accept4 = errno EAGAIN' is refused: a transition marker is always allowed");
	snprintf(text, sizeof(text), HEAD "%s[init]\nlisten = kill\n", tr);
	expect_error(text, 8, "'listen = kill' is refused: a transition_after call is always allowed");
	/* keys may come in any order: the rule after the line is found too */
	snprintf(text, sizeof(text), "[init]\nlisten = kill\n" HEAD "%s", tr);
	expect_error(text, 2, "'listen = kill' is refused");

	/* what the filters do enforce is accepted */
	free(expect_ok(HEAD "[init]\nexit_group = allow\nseccomp = kill\nlisten = kill\n"));
	snprintf(text, sizeof(text),
	         HEAD "%s[init]\nexecve = allow\nseccomp = allow\n[serving]\nexecve = kill\nseccomp = "
	              "kill\naccept4 = errno EPERM\nlisten = kill\n",
	         tr);
	free(expect_ok(text));
}

/* The error on the earliest line is reported, and parsing stops there. */
static void test_first_error_wins(void **state)
{
	expect_error(HEAD "[init]\nfrob = allow\nread = nope\n[bogus]\n", 6, "unknown syscall 'frob'");
	expect_error("[sandbox]\nprogram = t\narch = i386\n", 3, "unsupported arch");
}

/* ---- what the reader accepts ---- */

static void test_read_any_order(void **state)
{
	struct sb_policy *p = expect_ok("; made by hand\n"
	                                "# not kept\n"
	                                ";   spaced out   \n"
	                                "[serving]\n"
	                                "accept4 = allow ; 2 calls\n"
	                                "syscall_460 = errno ENOSYS ; 1 call\n"
	                                "\r\n"
	                                "[init]\r\n"
	                                "read = allow ; a note, not a count\r\n"
	                                "mkdir = errno EACCES\n"
	                                "write = log ; 7 calls\n"
	                                "[sandbox]\n"
	                                "transition_after = listen\n"
	                                "transition_fd = 3\n"
	                                "capabilities = net_bind_service CAP_CHOWN\n"
	                                "default = errno EPERM\n"
	                                "transition = accept , poll\n"
	                                "arch = x86_64 ; native only\n"
	                                "program = /usr/bin/some server\n"
	                                "version = 1\n");

	assert_int_equal(p->ncomments, 2);
	assert_string_equal(p->comments[0], "made by hand");
	assert_string_equal(p->comments[1], "spaced out");
	assert_string_equal(p->program, "/usr/bin/some server");
	assert_int_equal(p->def.kind, SB_ACT_ERRNO);
	assert_int_equal(p->def.errnum, EPERM);
	assert_true(p->caps == ((1u << 10) | 1u));
	assert_true(p->has_transition);
	assert_int_equal(p->tr.nmarkers, 2);
	assert_string_equal(p->tr.markers[1], "poll");
	assert_int_equal(p->tr.fd, 3);
	assert_true(sb_bit_test(p->tr.after_set, SYS_listen));
	assert_int_equal(p->phase[SB_PHASE_SERVING][SYS_accept4].count, 2);
	assert_int_equal(p->phase[SB_PHASE_SERVING][460].act.errnum, ENOSYS);
	assert_int_equal(p->phase[SB_PHASE_SERVING][460].count, 1);
	assert_int_equal(p->phase[SB_PHASE_INIT][SYS_read].act.kind, SB_ACT_ALLOW);
	assert_int_equal(p->phase[SB_PHASE_INIT][SYS_read].count, 0);
	assert_int_equal(p->phase[SB_PHASE_INIT][SYS_mkdir].act.errnum, EACCES);
	assert_int_equal(p->phase[SB_PHASE_INIT][SYS_write].act.kind, SB_ACT_LOG);
	assert_int_equal(p->phase[SB_PHASE_INIT][SYS_write].count, 7);
	assert_int_equal(sb_policy_count(p, SB_PHASE_INIT), 3);
	assert_int_equal(sb_policy_count(p, SB_PHASE_SERVING), 2);
	free(p);
}

static void test_read_minimal(void **state)
{
	struct sb_policy *p = expect_ok(HEAD "capabilities =\n");

	assert_false(p->has_transition);
	assert_int_equal(p->def.kind, SB_ACT_KILL); /* absent default: kill */
	assert_true(p->caps == 0);
	assert_int_equal(p->tr.fd, -1);
	assert_int_equal(sb_policy_count(p, SB_PHASE_INIT), 0);
	free(p);
}

static void test_read_missing_file(void **state)
{
	struct sb_policy *p = NULL;
	struct sb_error err;

	assert_int_equal(sb_policy_read("/nonexistent/x.ini", &p, &err), -ENOENT);
	assert_int_equal(err.line, 0);
	assert_string_equal(err.file, "/nonexistent/x.ini");
	assert_null(p);
}

/* ---- writing ---- */

static struct sb_policy *full_policy(void)
{
	struct sb_policy *p = sb_policy_new();

	snprintf(p->program, sizeof(p->program), "redis-server");
	snprintf(p->comments[p->ncomments++], SB_COMMENT_LEN, "profiled: redis-server --port 6390");
	snprintf(p->comments[p->ncomments++], SB_COMMENT_LEN, "merged: 2 runs");
	p->def = (struct sb_action){SB_ACT_ERRNO, EPERM};
	p->caps = (1u << 10) | (1u << 6);
	p->has_transition = true;
	assert_int_equal(sb_transition_set(&p->tr, "accept, epoll_wait", 5, "listen", NULL), 0);
	sb_policy_add(p, SB_PHASE_INIT, SYS_openat, 48);
	sb_policy_add(p, SB_PHASE_INIT, SYS_mmap, 1);
	sb_policy_add(p, SB_PHASE_INIT, SYS_listen, 1);
	sb_policy_add(p, SB_PHASE_INIT, 460, 0);
	sb_policy_add(p, SB_PHASE_SERVING, SYS_accept4, 2);
	sb_policy_add(p, SB_PHASE_SERVING, SYS_epoll_wait, 9120);
	sb_policy_add(p, SB_PHASE_SERVING, SYS_read, UINT64_MAX);
	p->phase[SB_PHASE_SERVING][SYS_mkdir].act = (struct sb_action){SB_ACT_ERRNO, EACCES};
	p->phase[SB_PHASE_SERVING][SYS_getppid].act = (struct sb_action){SB_ACT_LOG, 0};
	p->phase[SB_PHASE_SERVING][SYS_ptrace].act = (struct sb_action){SB_ACT_KILL, 0};
	return p;
}

static char *write_to_string(const struct sb_policy *p, int *ret)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	*ret = sb_policy_write_stream(p, f);
	fclose(f);
	return buf;
}

/* ---- argument conditions (sandbox-policy(5), ARGUMENTS) ---- */

static void test_cond_errors(void **state)
{
	expect_error(HEAD "[init]\nmprotect = allow\nmprotect.flags = not PROT_EXEC\n", 7,
	             "unknown argument 'mprotect.flags'");
	expect_error(HEAD "[init]\nmprotect = allow\nmprotect.prot = not PROT_EXCE\n", 7,
	             "unknown value 'PROT_EXCE' for 'mprotect.prot'");
	expect_error(HEAD "[init]\nmprotect = allow\nmprotect.prot = PROT_EXEC\n", 7,
	             "'mprotect.prot' must be 'not VALUE, ...', not 'PROT_EXEC'");
	/* flags take `not` only: "only" of bits would hide the bits it forgets */
	expect_error(HEAD "[init]\nmprotect = allow\nmprotect.prot = only PROT_READ\n", 7,
	             "unknown value 'only PROT_READ'");
	expect_error(HEAD "[init]\nsocket = allow\nsocket.domain = only AF_INET,\n", 7,
	             "empty value in 'socket.domain'");
	expect_error(HEAD "[init]\nsocket = allow\nsocket.domain = only AF_INET,,AF_UNIX\n", 7,
	             "empty value in 'socket.domain'");
	expect_error(HEAD "[init]\nsocket = allow\nsocket.domain = only PROT_EXEC\n", 7,
	             "unknown value 'PROT_EXEC' for 'socket.domain'");
	expect_error(HEAD "[init]\nsocket = allow\nsocket.domain = only 0x100000000\n", 7,
	             "unknown value '0x100000000'");
	expect_error(HEAD "[init]\nsocket = allow\nsocket.domain = only -1\n", 7, "unknown value '-1'");
	expect_error(HEAD "[init]\nsocket = allow\nsocket.domain = only 0x\n", 7, "unknown value '0x'");
	expect_error(HEAD "[init]\nsocket = allow\nsocket.domain = only 1x\n", 7, "unknown value '1x'");
	expect_error(HEAD "[init]\nsocket = allow\nsocket.domain = not\n", 7,
	             "'socket.domain' must be 'not VALUE, ...' or 'only VALUE, ...', not 'not'");
	expect_error(HEAD
	             "[init]\nsocket = allow\nsocket.domain = only AF_INET\nsocket.domain = only AF_UNIX\n",
	             8, "duplicate key 'socket.domain' (first at line 7)");
	expect_error(HEAD "[init]\nsocket.domain = only AF_INET\n", 6,
	             "'socket.domain' needs 'socket = allow' in [init]");
	expect_error(HEAD "[init]\nsocket = errno EPERM\nsocket.domain = only AF_INET\n", 7,
	             "'socket.domain' needs 'socket = allow' in [init]");
	expect_error(HEAD "[init]\nioctl = allow\nioctl.request = not 1,2,3,4,5,6,7,8,9,10,11,12,13\n", 7,
	             "more than 12 values");
	expect_error(HEAD "[init]\nioctl = allow\nioctl.request =\n", 7, "missing value for 'ioctl.request'");
}

/* Names and numbers both read; the writer gives names (numbers where
 * there are none), and write-then-read is the identity. */
static void test_cond_roundtrip(void **state)
{
	/* the longest condition there can be still fits on a line */
	struct sb_policy *big =
	    expect_ok(HEAD "[init]\npkey_mprotect = allow\nioctl = allow\n"
	                   "pkey_mprotect.prot = not 0xffffffff\nioctl.request = only "
	                   "0xfffffff1,0xfffffff2,0xfffffff3,0xfffffff4,0xfffffff5,0xfffffff6,"
	                   "0xfffffff7,0xfffffff8,0xfffffff9,0xfffffffa,0xfffffffb,0xfffffffc\n");
	char *bigtext = write_to_string(big, &(int){0});
	assert_non_null(strstr(bigtext, "ioctl.request = only 0xfffffff1, 0xfffffff2"));
	free(bigtext);
	free(big);

	struct sb_policy *p =
	    expect_ok(HEAD "transition = accept\n[init]\nsocket = allow\n"
	                   "socket.domain = only 2, AF_UNIX, 0x7f\n"
	                   "[serving]\nclone = allow\nclone.flags = not 0x10000000, CLONE_NEWNET\n"
	                   "ioctl = allow ; 3 calls\nioctl.request = not TIOCSTI\n");
	struct sb_policy *q = NULL;
	struct sb_error err;
	int r;
	char *text = write_to_string(p, &r);

	assert_int_equal(r, 0);
	assert_non_null(strstr(text, "socket = allow\nsocket.domain = only AF_UNIX, AF_INET, 0x7f\n"));
	assert_non_null(strstr(text, "clone.flags = not CLONE_NEWUSER, CLONE_NEWNET\n"));
	assert_non_null(strstr(text, "ioctl = allow ; 3 calls\nioctl.request = not TIOCSTI\n"));
	assert_int_equal(sb_policy_read_string(text, "w.ini", &q, &err), 0);
	assert_true(sb_policy_equal(p, q));
	q->cond[SB_PHASE_SERVING][SB_ARG_IOCTL_REQUEST].v[0]++;
	assert_false(sb_policy_equal(p, q));
	free(text);
	free(p);
	free(q);
}

/* Merge: what either run allows is allowed; a call one run lists without
 * a condition keeps none; a call only one lists keeps its condition. */
static void test_cond_merge(void **state)
{
	struct sb_policy *a = expect_ok(HEAD "[init]\nsocket = allow\nsocket.domain = only AF_INET\n"
	                                     "ioctl = allow\nioctl.request = not TIOCSTI, TIOCLINUX\n"
	                                     "mprotect = allow\nmprotect.prot = not PROT_EXEC, PROT_WRITE\n"
	                                     "prctl = allow\nprctl.option = not PR_SET_DUMPABLE\n");
	struct sb_policy *b =
	    expect_ok(HEAD "[init]\nsocket = allow\nsocket.domain = only AF_UNIX\n"
	                   "ioctl = allow\nioctl.request = only TIOCSTI\n"
	                   "mprotect = allow\nmprotect.prot = not PROT_EXEC\n"
	                   "prctl = allow\nunshare = allow\nunshare.flags = not CLONE_NEWUSER\n");
	struct sb_error err;
	char buf[200];

	assert_int_equal(sb_policy_merge(a, b, &err), 0);
	assert_string_equal(
	    sb_cond_format(SB_ARG_SOCKET_DOMAIN, &a->cond[0][SB_ARG_SOCKET_DOMAIN], buf, sizeof(buf)),
	    "only AF_UNIX, AF_INET");
	assert_string_equal(
	    sb_cond_format(SB_ARG_IOCTL_REQUEST, &a->cond[0][SB_ARG_IOCTL_REQUEST], buf, sizeof(buf)),
	    "not TIOCLINUX");
	assert_string_equal(
	    sb_cond_format(SB_ARG_MPROTECT_PROT, &a->cond[0][SB_ARG_MPROTECT_PROT], buf, sizeof(buf)),
	    "not PROT_EXEC");
	assert_int_equal(a->cond[0][SB_ARG_PRCTL_OPTION].kind, SB_COND_NONE);
	assert_string_equal(
	    sb_cond_format(SB_ARG_UNSHARE_FLAGS, &a->cond[0][SB_ARG_UNSHARE_FLAGS], buf, sizeof(buf)),
	    "not CLONE_NEWUSER");
	free(a);
	free(b);
}

/* The generation rules (sandbox-policy(5), ARGUMENTS): by default only the
 * dangerous part never seen; --args=exact the values seen. */
static void test_cond_generate(void **state)
{
	struct sb_arg_seen s = {0};
	char buf[200];
	struct sb_cond c;

	sb_arg_record(SB_ARG_MPROTECT_PROT, &s, PROT_READ | PROT_WRITE);
	c = sb_arg_generate(SB_ARG_MPROTECT_PROT, &s, SB_ARGS_DANGER);
	assert_string_equal(sb_cond_format(SB_ARG_MPROTECT_PROT, &c, buf, sizeof(buf)), "not PROT_EXEC");
	c = sb_arg_generate(SB_ARG_MPROTECT_PROT, &s, SB_ARGS_OFF);
	assert_int_equal(c.kind, SB_COND_NONE);
	sb_arg_record(SB_ARG_MPROTECT_PROT, &s, PROT_EXEC);
	c = sb_arg_generate(SB_ARG_MPROTECT_PROT, &s, SB_ARGS_DANGER);
	assert_int_equal(c.kind, SB_COND_NONE);
	memset(&s, 0, sizeof(s));
	sb_arg_record(SB_ARG_IOCTL_REQUEST, &s, FIONREAD);
	sb_arg_record(SB_ARG_IOCTL_REQUEST, &s, TIOCLINUX | (1ull << 40)); /* the kernel reads an int */
	c = sb_arg_generate(SB_ARG_IOCTL_REQUEST, &s, SB_ARGS_DANGER);
	assert_string_equal(sb_cond_format(SB_ARG_IOCTL_REQUEST, &c, buf, sizeof(buf)),
	                    "not TIOCSTI, TIOCCONS, TIOCSETD");
	c = sb_arg_generate(SB_ARG_IOCTL_REQUEST, &s, SB_ARGS_EXACT);
	assert_string_equal(sb_cond_format(SB_ARG_IOCTL_REQUEST, &c, buf, sizeof(buf)),
	                    "only FIONREAD, TIOCLINUX");
	for (int i = 0; i < SB_COND_MAX; i++)
		sb_arg_record(SB_ARG_IOCTL_REQUEST, &s, 0x1000 + (uint64_t)i);
	c = sb_arg_generate(SB_ARG_IOCTL_REQUEST, &s, SB_ARGS_EXACT); /* too many: the default rule */
	assert_string_equal(sb_cond_format(SB_ARG_IOCTL_REQUEST, &c, buf, sizeof(buf)),
	                    "not TIOCSTI, TIOCCONS, TIOCSETD");
	sb_arg_record(SB_ARG_IOCTL_REQUEST, &s, TIOCSTI); /* seen after the set is full */
	c = sb_arg_generate(SB_ARG_IOCTL_REQUEST, &s, SB_ARGS_DANGER);
	assert_string_equal(sb_cond_format(SB_ARG_IOCTL_REQUEST, &c, buf, sizeof(buf)),
	                    "not TIOCCONS, TIOCSETD");
	memset(&s, 0, sizeof(s));
	sb_arg_record(SB_ARG_SOCKET_DOMAIN, &s, AF_INET);
	/* IPv6 is IPv4's peer; AF_UNIX is what glibc opens itself */
	c = sb_arg_generate(SB_ARG_SOCKET_DOMAIN, &s, SB_ARGS_DANGER);
	assert_string_equal(sb_cond_format(SB_ARG_SOCKET_DOMAIN, &c, buf, sizeof(buf)),
	                    "only AF_UNIX, AF_INET, AF_INET6");
	c = sb_arg_generate(SB_ARG_SOCKET_DOMAIN, &s, SB_ARGS_EXACT);
	assert_string_equal(sb_cond_format(SB_ARG_SOCKET_DOMAIN, &c, buf, sizeof(buf)), "only AF_INET");
	memset(&s, 0, sizeof(s));
	sb_arg_record(SB_ARG_SOCKET_DOMAIN, &s, AF_UNIX); /* no IP seen: no IP allowed */
	c = sb_arg_generate(SB_ARG_SOCKET_DOMAIN, &s, SB_ARGS_DANGER);
	assert_string_equal(sb_cond_format(SB_ARG_SOCKET_DOMAIN, &c, buf, sizeof(buf)), "only AF_UNIX");
	sb_arg_record(SB_ARG_SOCKET_DOMAIN, &s, AF_NETLINK); /* seen: allowed, never a peer */
	c = sb_arg_generate(SB_ARG_SOCKET_DOMAIN, &s, SB_ARGS_DANGER);
	assert_string_equal(sb_cond_format(SB_ARG_SOCKET_DOMAIN, &c, buf, sizeof(buf)),
	                    "only AF_UNIX, AF_NETLINK");
}

static void test_write_text(void **state)
{
	struct sb_policy *p = sb_policy_new();
	int r;
	char *text;

	snprintf(p->program, sizeof(p->program), "ls");
	snprintf(p->comments[p->ncomments++], SB_COMMENT_LEN, "profiled: ls -l");
	sb_policy_add(p, SB_PHASE_INIT, SYS_write, 2);
	sb_policy_add(p, SB_PHASE_INIT, SYS_close, 1);
	sb_policy_add(p, SB_PHASE_INIT, SYS_exit_group, 0);
	sb_policy_add(p, SB_PHASE_SERVING, SYS_read, 1); /* single phase: not written */
	text = write_to_string(p, &r);
	assert_int_equal(r, 0);
	assert_string_equal(text, "; sandbox-policy(5), written by sandbox-profile\n"
	                          "; profiled: ls -l\n"
	                          "\n"
	                          "[sandbox]\n"
	                          "version = 1\n"
	                          "program = ls\n"
	                          "arch = x86_64\n"
	                          "default = kill\n"
	                          "capabilities =\n"
	                          "baseline = none\n"
	                          "\n"
	                          "[init]\n"
	                          "; 3 syscalls\n"
	                          "close = allow ; 1 call\n"
	                          "exit_group = allow\n"
	                          "write = allow ; 2 calls\n");
	free(text);
	free(p);
}

static void test_write_two_phase_text(void **state)
{
	struct sb_policy *p = full_policy();
	int r;
	char *text = write_to_string(p, &r);

	assert_int_equal(r, 0);
	assert_non_null(strstr(text, "capabilities = cap_setgid, cap_net_bind_service\n"
	                             "baseline = none\n"
	                             "transition = accept, epoll_wait\n"
	                             "transition_fd = 5\n"
	                             "transition_after = listen\n\n[init]\n; 4 syscalls\n"));
	assert_non_null(strstr(text, "listen = allow ; 1 call\nmmap = allow ; 1 call\n"
	                             "openat = allow ; 48 calls\nsyscall_460 = allow\n\n"));
	assert_non_null(strstr(text, "[serving]\n; 6 syscalls\naccept4 = allow ; 2 calls\n"));
	assert_non_null(strstr(text, "mkdir = errno EACCES\n"));
	assert_non_null(strstr(text, "read = allow ; 18446744073709551615 calls\n"));
	free(text);
	free(p);
}

static void test_round_trip(void **state)
{
	struct sb_policy *p = full_policy(), *q = NULL;
	struct sb_error err;
	char dir[] = "/tmp/test_policy_ini.XXXXXX";
	char path[64];

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/redis.ini", dir);
	assert_int_equal(sb_policy_write(p, path), 0);
	assert_int_equal(sb_policy_read(path, &q, &err), 0);
	assert_true(sb_policy_equal(p, q));
	free(q);
	/* and the single-phase form */
	p->has_transition = false;
	memset(p->phase[SB_PHASE_SERVING], 0, sizeof(p->phase[SB_PHASE_SERVING]));
	assert_int_equal(sb_policy_write(p, path), 0);
	assert_int_equal(sb_policy_read(path, &q, &err), 0);
	assert_true(sb_policy_equal(p, q));
	free(q);
	unlink(path);
	rmdir(dir);
	free(p);
}

/* transition_scope: read, written back only where it says something (an
 * `after` list), equal only with the same scope, refused when unknown or
 * without transition_after. */
static void test_transition_scope(void **state)
{
	const char *t =
	    HEAD "transition = epoll_wait\ntransition_after = listen\ntransition_scope = thread\n";
	struct sb_policy *p = expect_ok(t), *q;
	int r;

	assert_int_equal(p->tr.scope, SB_SCOPE_THREAD);
	char *text = write_to_string(p, &r);
	assert_non_null(strstr(text, "transition_scope = thread\n"));
	q = expect_ok(text);
	assert_true(sb_policy_equal(p, q));
	q->tr.scope = SB_SCOPE_PROCESS;
	assert_false(sb_policy_equal(p, q));
	free(text);
	free(q);
	free(p);
	p = expect_ok(HEAD "transition = epoll_wait\ntransition_after = listen\n");
	assert_int_equal(p->tr.scope, SB_SCOPE_PROCESS);
	free(p);
	expect_error(HEAD "transition = epoll_wait\ntransition_after = listen\ntransition_scope = task\n", 7,
	             "transition_scope must be process or thread, not 'task'");
	expect_error(HEAD "transition = epoll_wait\ntransition_scope = thread\n", 6,
	             "transition_scope requires a transition_after key");
}

/* A written file reads back and rewrites to the same bytes. */
static void test_rewrite_stable(void **state)
{
	struct sb_policy *p = full_policy(), *q;
	int r;
	char *a = write_to_string(p, &r), *b;

	q = expect_ok(a);
	b = write_to_string(q, &r);
	assert_string_equal(a, b);
	free(a);
	free(b);
	free(p);
	free(q);
}

static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	closedir(d);
	return n;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = calloc(1, 65536);

	assert_non_null(f);
	assert_true(fread(buf, 1, 65535, f) < 65535);
	fclose(f);
	return buf;
}

static void test_write_atomic(void **state)
{
	struct sb_policy *p = full_policy();
	char dir[] = "/tmp/test_policy_ini.XXXXXX";
	char path[64], *before, *after;
	struct stat st;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/p.ini", dir);
	assert_int_equal(sb_policy_write(p, path), 0);
	assert_int_equal(count_entries(dir), 1); /* no temp file left */
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);

	/* a failed write (program cannot be written) leaves the file as it was */
	before = slurp(path);
	p->program[0] = '\0';
	assert_int_equal(sb_policy_write(p, path), -EINVAL);
	snprintf(p->program, sizeof(p->program), "a ;b");
	assert_int_equal(sb_policy_write(p, path), -EINVAL);
	memset(p->program, 'x', sizeof(p->program) - 1);
	assert_int_equal(sb_policy_write(p, path), -ENAMETOOLONG);
	after = slurp(path);
	assert_string_equal(before, after);
	assert_int_equal(count_entries(dir), 1);

	/* a directory in the way: rename fails, nothing left behind */
	snprintf(p->program, sizeof(p->program), "x");
	snprintf(path, sizeof(path), "%s/sub", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	assert_true(sb_policy_write(p, path) < 0);
	assert_int_equal(count_entries(dir), 2);
	rmdir(path);

	snprintf(path, sizeof(path), "%s/missing/p.ini", dir);
	assert_int_equal(sb_policy_write(p, path), -ENOENT);

	snprintf(path, sizeof(path), "%s/p.ini", dir);
	unlink(path);
	rmdir(dir);
	free(before);
	free(after);
	free(p);
}

/* sb_policy_write replaces a regular file only: rename() would put a file
 * in the place of a fifo or a symbolic link, and nothing is left behind. */
static void test_write_target(void **state)
{
	struct sb_policy *p = full_policy();
	char dir[] = "/tmp/test_policy_ini.XXXXXX";
	char fifo[64], link[64], sub[64], file[64];
	struct stat st;

	assert_non_null(mkdtemp(dir));
	snprintf(fifo, sizeof(fifo), "%s/fifo.ini", dir);
	snprintf(link, sizeof(link), "%s/link.ini", dir);
	snprintf(sub, sizeof(sub), "%s/sub", dir);
	snprintf(file, sizeof(file), "%s/p.ini", dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	assert_int_equal(symlink("p.ini", link), 0);
	assert_int_equal(mkdir(sub, 0755), 0);

	assert_int_equal(sb_policy_write(p, fifo), -EEXIST);
	assert_int_equal(lstat(fifo, &st), 0);
	assert_true(S_ISFIFO(st.st_mode));
	assert_int_equal(sb_policy_write(p, link), -EEXIST);
	assert_int_equal(lstat(link, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_int_equal(sb_policy_write(p, sub), -EISDIR);
	assert_int_equal(count_entries(dir), 3);           /* no temporary file left */
	assert_int_equal(sb_policy_write_target(file), 0); /* missing */
	assert_int_equal(sb_policy_write(p, file), 0);
	assert_int_equal(sb_policy_write_target(file), 0); /* regular */
	assert_int_equal(sb_policy_write(p, file), 0);

	unlink(fifo);
	unlink(link);
	unlink(file);
	rmdir(sub);
	rmdir(dir);
	free(p);
}

/* The writer refuses what the reader would refuse. */
static void test_write_refuses(void **state)
{
	struct sb_policy *p = full_policy();
	FILE *f = fopen("/dev/null", "w");

	p->def.kind = SB_ACT_ALLOW;
	assert_int_equal(sb_policy_write_stream(p, f), -EINVAL);
	p->def.kind = SB_ACT_KILL;
	snprintf(p->arch, sizeof(p->arch), "i386");
	assert_int_equal(sb_policy_write_stream(p, f), -EINVAL);
	snprintf(p->arch, sizeof(p->arch), "x86_64");
	p->version = 2;
	assert_int_equal(sb_policy_write_stream(p, f), -EINVAL);
	p->version = 1;
	snprintf(p->program, sizeof(p->program), " lead");
	assert_int_equal(sb_policy_write_stream(p, f), -EINVAL);
	snprintf(p->program, sizeof(p->program), "a\nb");
	assert_int_equal(sb_policy_write_stream(p, f), -EINVAL);
	snprintf(p->program, sizeof(p->program), "ok");
	p->caps = UINT64_C(1) << 63; /* libcap has no name for it */
	assert_int_equal(sb_policy_write_stream(p, f), -EINVAL);
	p->caps = 0;
	/* a line the filters would not enforce (the reader refuses it) */
	p->phase[SB_PHASE_INIT][SYS_seccomp].act = (struct sb_action){SB_ACT_KILL, 0};
	assert_int_equal(sb_policy_write_stream(p, f), -EINVAL);
	p->has_transition = false; /* single phase: seccomp is the policy's */
	memset(p->phase[SB_PHASE_SERVING], 0, sizeof(p->phase[SB_PHASE_SERVING]));
	assert_int_equal(sb_policy_write_stream(p, f), 0);
	fclose(f);
	free(p);
}

/* A comment too long for a line is cut to fit; the file stays readable. */
static void test_write_long_comment(void **state)
{
	struct sb_policy *p = full_policy(), *q;
	int r;
	char *text;

	memset(p->comments[0], 'c', SB_COMMENT_LEN - 1);
	p->comments[0][SB_COMMENT_LEN - 1] = '\0';
	text = write_to_string(p, &r);
	assert_int_equal(r, 0);
	q = expect_ok(text);
	assert_int_equal(strlen(q->comments[0]), 196);
	free(text);
	free(p);
	free(q);
}

/* ---- write(read(text)) reads back to the same policy ---- */

/* Read text, write it, read that: the two policies must be equal. Returns
 * the written text (free it). */
static char *expect_round_trip(const char *text)
{
	struct sb_policy *p = expect_ok(text), *q;
	int r;
	char *out = write_to_string(p, &r);

	if (r != 0)
		fail_msg("the writer refused what the reader took (%d):\n%s", r, text);
	q = expect_ok(out);
	if (!sb_policy_equal(p, q))
		fail_msg("round trip changed the policy:\n%s\n---\n%s", text, out);
	free(p);
	free(q);
	return out;
}

/* Tabs in comments are kept; other control bytes are refused on reading,
 * since the writer could not give them back (it made them spaces). */
static void test_round_trip_comment_bytes(void **state)
{
	char *out = expect_round_trip("; a\tb\t c\n" HEAD);

	assert_non_null(strstr(out, "; a\tb\t c\n"));
	free(out);
	free(expect_round_trip("; caf\xc3\xa9 \xff\n" HEAD));
	expect_error("; a\x01"
	             "b\n" HEAD,
	             1, "control character 0x01 in line (only tab is allowed)");
	expect_error(HEAD "; a\x1b[31m\n", 5, "control character 0x1b");
	expect_error(HEAD "; a\x7f\n", 5, "control character 0x7f");
	expect_error(HEAD "; a\rb\n", 5, "control character 0x0d");
	expect_error(HEAD "program = a\x0b"
	                  "b\n",
	             5, "control character 0x0b");
}

/* The longest comment a line holds (";" and 197 bytes) comes back whole. */
static void test_round_trip_long_comment(void **state)
{
	char text[512], c[198];
	struct sb_policy *p;
	char *out;

	memset(c, 'c', 197);
	c[197] = '\0';
	snprintf(text, sizeof(text), ";%s\n" HEAD, c);
	p = expect_ok(text);
	assert_int_equal(strlen(p->comments[0]), 197);
	free(p);
	out = expect_round_trip(text);
	free(out);
	/* 196 bytes fit the usual "; " form */
	snprintf(text, sizeof(text), "; %s\n" HEAD, c + 1);
	out = expect_round_trip(text);
	assert_non_null(strstr(out, "; ccc"));
	free(out);
	/* a 197-byte comment of multi-byte characters is not cut either */
	memset(c, '\x80', 196);
	c[0] = '\xe2';
	snprintf(text, sizeof(text), ";%s\n" HEAD, c);
	free(expect_round_trip(text));
}

static void test_round_trip_program(void **state)
{
	char text[512], prog[191];

	free(expect_round_trip("[sandbox]\nversion = 1\nprogram = a\tb;c=d\narch = x86_64\n"));
	/* "program=" and 190 bytes: the writer's "program = " form is too long */
	memset(prog, 'p', 190);
	prog[190] = '\0';
	snprintf(text, sizeof(text), "[sandbox]\nversion = 1\nprogram=%s\narch = x86_64\n", prog);
	free(expect_round_trip(text));
	/* ";x" would come back as an empty value: refused */
	expect_error("[sandbox]\nversion = 1\nprogram=;x\narch = x86_64\n", 3,
	             "program ';x' cannot be written back: it starts with ';'");
}

/* Every list of the first n capabilities, in the shortest spelling the
 * reader takes: read back equal, or refused as too long to write back. */
static void test_round_trip_capabilities(void **state)
{
	char names[64 * 34], text[64 * 34 + 128], *out;
	int accepted = 0, refused = 0;

	for (int n = 1; n <= 64; n++) {
		uint64_t caps = n == 64 ? UINT64_MAX : (UINT64_C(1) << n) - 1;
		size_t used = 0;

		if (sb_caps_format(caps, names, sizeof(names)) == NULL)
			break; /* past libcap's last capability */
		/* "cap_chown, cap_kill" -> "chown,kill" */
		for (char *s = names; *s; s++) {
			if (strncmp(s, "cap_", 4) == 0)
				s += 4;
			names[used++] = *s == ' ' ? ',' : *s;
			if (*s == ',')
				s++;
		}
		names[used] = '\0';
		if (strlen("capabilities=") + used > 198)
			break;
		snprintf(text, sizeof(text), HEAD "capabilities=%s\n", names);
		struct sb_policy *p = NULL;
		struct sb_error err;
		if (sb_policy_read_string(text, "t.ini", &p, &err) == 0) {
			free(p);
			out = expect_round_trip(text);
			free(out);
			accepted++;
		} else {
			expect_error(text, 5, "capabilities cannot be written back");
			refused++;
		}
	}
	assert_true(accepted > 0 && refused > 0);
}

/* A transition list too long for "transition = a, b" is written compact. */
static void test_round_trip_transition(void **state)
{
	static const char *const names[] = {"epoll_wait", "epoll_pwait", "epoll_pwait2", "recvmmsg"};
	char list[256] = "", text[1024], *out;

	for (int i = 0; i < SB_MAX_MARKERS; i++)
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", i ? "," : "",
		         names[i % 4]);
	assert_true(strlen("transition=") + strlen(list) <= 198);
	snprintf(text, sizeof(text), HEAD "transition=%s\ntransition_after=%s\n", list, list);
	out = expect_round_trip(text);
	assert_non_null(strstr(out, "\ntransition=epoll_wait,epoll_pwait,"));
	free(out);
}

static void test_comment_limit(void **state)
{
	char text[4096] = "";
	struct sb_policy *p;

	for (int i = 0; i < SB_MAX_COMMENTS + 5; i++)
		snprintf(text + strlen(text), sizeof(text) - strlen(text), "; c%d\n", i);
	strcat(text, HEAD);
	p = expect_ok(text);
	assert_int_equal(p->ncomments, SB_MAX_COMMENTS);
	assert_string_equal(p->comments[SB_MAX_COMMENTS - 1], "c31");
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_unknown_section),
	    cmocka_unit_test(test_cond_errors),
	    cmocka_unit_test(test_cond_roundtrip),
	    cmocka_unit_test(test_cond_merge),
	    cmocka_unit_test(test_cond_generate),
	    cmocka_unit_test(test_bad_section_line),
	    cmocka_unit_test(test_unknown_key),
	    cmocka_unit_test(test_key_outside_section),
	    cmocka_unit_test(test_unknown_syscall),
	    cmocka_unit_test(test_bad_action),
	    cmocka_unit_test(test_bad_errno),
	    cmocka_unit_test(test_duplicate_key),
	    cmocka_unit_test(test_missing_value),
	    cmocka_unit_test(test_no_equals),
	    cmocka_unit_test(test_long_line),
	    cmocka_unit_test(test_continuation),
	    cmocka_unit_test(test_missing_keys),
	    cmocka_unit_test(test_bad_sandbox_values),
	    cmocka_unit_test(test_transition_keys),
	    cmocka_unit_test(test_bad_capability),
	    cmocka_unit_test(test_nul_byte),
	    cmocka_unit_test(test_endless_line),
	    cmocka_unit_test(test_endless_zeros),
	    cmocka_unit_test(test_endless_lines),
	    cmocka_unit_test(test_read_error_not_eof),
	    cmocka_unit_test(test_read_sparse_file),
	    cmocka_unit_test(test_read_not_regular),
	    cmocka_unit_test(test_forced_allow),
	    cmocka_unit_test(test_first_error_wins),
	    cmocka_unit_test(test_read_any_order),
	    cmocka_unit_test(test_read_minimal),
	    cmocka_unit_test(test_read_missing_file),
	    cmocka_unit_test(test_write_text),
	    cmocka_unit_test(test_write_two_phase_text),
	    cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_rewrite_stable),
	    cmocka_unit_test(test_write_atomic),
	    cmocka_unit_test(test_write_target),
	    cmocka_unit_test(test_write_refuses),
	    cmocka_unit_test(test_write_long_comment),
	    cmocka_unit_test(test_comment_limit),
	    cmocka_unit_test(test_round_trip_comment_bytes),
	    cmocka_unit_test(test_round_trip_long_comment),
	    cmocka_unit_test(test_round_trip_program),
	    cmocka_unit_test(test_round_trip_capabilities),
	    cmocka_unit_test(test_round_trip_transition),
	    cmocka_unit_test(test_transition_scope),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
