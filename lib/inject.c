/* inject.c - run seccomp() inside a stopped thread.
 *
 * Why the stack and not mmap: only one syscall (seccomp) is injected, so F1
 * needs nothing else (no mmap/munmap for the mechanism), and F2 need not
 * allow munmap. The red zone (128 bytes below rsp) belongs to the thread's
 * leaf code; below it the stack is free while the thread sits in a syscall,
 * and no signal handler can run on it meanwhile (the thread is stopped, and
 * signals wait until it resumes). The bytes are checked to lie inside the
 * mapping that holds the stack pointer.
 */
#include "inject.h"

#include <errno.h>
#include <inttypes.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>

#include "arch.h"

/* The mapping that holds sp must also hold [lo, sp). */
static int check_stack(pid_t tid, uint64_t lo, uint64_t sp)
{
	char path[64], line[512];
	uint64_t start, end;
	int r = -ENOSPC;

	snprintf(path, sizeof(path), "/proc/%d/maps", tid);
	FILE *f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%" SCNx64 "-%" SCNx64, &start, &end) == 2 && start <= sp && sp < end) {
			r = start <= lo ? 0 : -ENOSPC;
			break;
		}
	}
	fclose(f);
	return r;
}

/* Copy a sock_fprog header and its instructions to `at` in tid's memory. */
static int write_prog(pid_t tid, uint64_t at, const struct sock_fprog *prog)
{
	struct sock_fprog remote = {
	    .len = prog->len,
	    .filter = (struct sock_filter *)(uintptr_t)(at + sizeof(remote)),
	};
	struct iovec local[2] = {
	    {&remote, sizeof(remote)},
	    {prog->filter, prog->len * sizeof(struct sock_filter)},
	};
	size_t total = local[0].iov_len + local[1].iov_len;
	struct iovec dst = {(void *)(uintptr_t)at, total};
	ssize_t n = process_vm_writev(tid, local, 2, &dst, 1, 0);

	if (n < 0)
		return -errno;
	return (size_t)n == total ? 0 : -EIO;
}

/* Resume to the exit stop of the injected call. A signal-delivery-stop is
 * not expected between entry and exit, but if one comes its signal is kept
 * for later and the wait goes on. */
static int run_to_exit(pid_t tid, int *pending_sig)
{
	int status;

	if (ptrace(PTRACE_SYSCALL, tid, 0, 0) < 0)
		return -errno;
	for (;;) {
		if (waitpid(tid, &status, __WALL) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (WIFEXITED(status) || WIFSIGNALED(status))
			return -ESRCH;
		if (WSTOPSIG(status) == (SIGTRAP | 0x80))
			return 0;
		if ((status >> 16) == 0)
			*pending_sig = WSTOPSIG(status);
		if (ptrace(PTRACE_SYSCALL, tid, 0, 0) < 0)
			return -errno;
	}
}

int sb_inject_filter(pid_t tid, const struct sock_fprog *prog, int *pending_sig, pid_t *bad_tid)
{
	sb_regs saved, regs;
	int r = sb_arch_get_regs(tid, &saved);

	if (r < 0)
		return r;
	regs = saved;
	/* rewind first: refuse before touching the thread if we cannot */
	sb_regs restored = saved;
	if ((r = sb_arch_rewind(tid, &restored)) < 0)
		return r;
	uint64_t sp = sb_arch_stack_pointer(&saved);
	size_t size = sizeof(struct sock_fprog) + prog->len * sizeof(struct sock_filter);
	uint64_t at = (sp - SB_ARCH_RED_ZONE - size) & ~(uint64_t)15;
	if ((r = check_stack(tid, at, sp)) < 0 || (r = write_prog(tid, at, prog)) < 0)
		return r;
	const uint64_t args[6] = {SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, at, 0, 0, 0};
	sb_arch_set_syscall(&regs, SYS_seccomp, args);
	if ((r = sb_arch_set_regs(tid, &regs)) < 0 || (r = run_to_exit(tid, pending_sig)) < 0 ||
	    (r = sb_arch_get_regs(tid, &regs)) < 0)
		return r;
	long ret = sb_arch_retval(&regs);
	if ((r = sb_arch_set_regs(tid, &restored)) < 0)
		return r;
	if (ret > 0) {
		*bad_tid = (pid_t)ret; /* TSYNC names the thread it could not sync */
		return -EBUSY;
	}
	return (int)ret;
}
