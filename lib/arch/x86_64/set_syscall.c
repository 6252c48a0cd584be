/* x86_64: at an entry stop the kernel takes the syscall number from
 * orig_rax and the arguments from rdi, rsi, rdx, r10, r8, r9; seccomp checks
 * the new number afterwards (Linux >= 4.8), so F1 must allow it. */
#include "arch.h"

void sb_arch_set_syscall(sb_regs *r, long nr, const uint64_t args[6])
{
	r->orig_rax = (unsigned long long)nr;
	r->rdi = args[0];
	r->rsi = args[1];
	r->rdx = args[2];
	r->r10 = args[3];
	r->r8 = args[4];
	r->r9 = args[5];
}
