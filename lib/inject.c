/* inject.c - run seccomp() inside a stopped thread.
 *
 * Why the stack and not mmap: only one syscall (seccomp) is injected, so F1
 * needs nothing else (no mmap/munmap for the mechanism), and F2 need not
 * allow munmap. The red zone (128 bytes below rsp) belongs to the thread's
 * leaf code; below it the stack is free while the thread sits in a syscall,
 * and no signal handler can run on it meanwhile (the thread is stopped, and
 * signals wait until it resumes). The bytes are checked to lie inside the
 * mapping that holds the stack pointer, and are put back afterwards: a small
 * coroutine stack may sit just above other live data of the same mapping.
 * That no other thread or process writes them meanwhile is the caller's
 * duty (sb_trace_inject stops them first).
 */
#include "inject.h"

#include <errno.h>
#include <stdbool.h>
#include <inttypes.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>

#include "arch.h"
#include "util.h"

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

static int move_bytes(pid_t tid, uint64_t at, void *buf, size_t len, bool write)
{
	struct iovec local = {buf, len};
	struct iovec remote = {(void *)(uintptr_t)at, len};
	ssize_t n = write ? process_vm_writev(tid, &local, 1, &remote, 1, 0)
	                  : process_vm_readv(tid, &local, 1, &remote, 1, 0);

	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
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
static int run_to_exit(const struct sb_inject *in, int *pending_sig)
{
	int status, r;

	if (ptrace(PTRACE_SYSCALL, in->tid, 0, 0) < 0)
		return -errno;
	for (;;) {
		if ((r = in->wait(in->ctx, in->tid, &status)) <= 0)
			return r < 0 ? r : -ESRCH;
		if (WSTOPSIG(status) == (SIGTRAP | 0x80))
			return 0;
		if ((status >> 16) == 0)
			*pending_sig = WSTOPSIG(status);
		if (ptrace(PTRACE_SYSCALL, in->tid, 0, 0) < 0)
			return -errno;
	}
}

/* seccomp(SET_MODE_FILTER, TSYNC, at) in place of the held call; *ret is
 * its result. The registers are restored, rewound, whatever happens. */
static int run_seccomp(const struct sb_inject *in, const sb_regs *saved, const sb_regs *restored, uint64_t at,
                       int *pending_sig, long *ret)
{
	const uint64_t args[6] = {SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, at, 0, 0, 0};
	sb_regs regs = *saved;
	int r;

	sb_arch_set_syscall(&regs, SYS_seccomp, args);
	if ((r = sb_arch_set_regs(in->tid, &regs)) < 0)
		return r;
	if ((r = run_to_exit(in, pending_sig)) < 0)
		return r;
	if ((r = sb_arch_get_regs(in->tid, &regs)) < 0)
		return r;
	*ret = sb_arch_retval(&regs);
	return sb_arch_set_regs(in->tid, restored);
}

int sb_inject_filter(const struct sb_inject *in, const struct sock_fprog *prog, int *pending_sig,
                     pid_t *bad_tid)
{
	sb_regs saved;
	int r = sb_arch_get_regs(in->tid, &saved);
	long ret = 0;

	if (r < 0)
		return r;
	/* rewind first: refuse before touching the thread if we cannot */
	sb_regs restored = saved;
	if ((r = sb_arch_rewind(in->tid, &restored)) < 0)
		return r;
	uint64_t sp = sb_arch_stack_pointer(&saved);
	size_t size = sizeof(struct sock_fprog) + prog->len * sizeof(struct sock_filter);
	uint64_t at = (sp - SB_ARCH_RED_ZONE - size) & ~(uint64_t)15;
	sb_autofree char *old = malloc(size);
	if (!old)
		return -ENOMEM;
	if ((r = check_stack(in->tid, at, sp)) < 0 || (r = move_bytes(in->tid, at, old, size, false)) < 0 ||
	    (r = write_prog(in->tid, at, prog)) < 0)
		return r;
	r = run_seccomp(in, &saved, &restored, at, pending_sig, &ret);
	int w = move_bytes(in->tid, at, old, size, true);
	if (r < 0 || (r = w) < 0)
		return r;
	if (ret > 0) {
		*bad_tid = (pid_t)ret; /* TSYNC names the thread it could not sync */
		return -EBUSY;
	}
	return (int)ret;
}
