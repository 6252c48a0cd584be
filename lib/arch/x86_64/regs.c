/* x86_64: read and write a stopped thread's registers. */
#include <errno.h>
#include <sys/ptrace.h>

#include "arch.h"

int sb_arch_get_regs(pid_t tid, sb_regs *r)
{
	return ptrace(PTRACE_GETREGS, tid, 0, r) < 0 ? -errno : 0;
}

int sb_arch_set_regs(pid_t tid, const sb_regs *r)
{
	return ptrace(PTRACE_SETREGS, tid, 0, r) < 0 ? -errno : 0;
}

long sb_arch_retval(const sb_regs *r)
{
	return (long)r->rax;
}

uint64_t sb_arch_stack_pointer(const sb_regs *r)
{
	return r->rsp;
}
