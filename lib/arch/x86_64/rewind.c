/* x86_64: `syscall` is 0f 05, two bytes; the saved rip points after it.
 * Rewinding means rip -= 2 and rax = the syscall number again (the kernel
 * put -ENOSYS in rax at entry). We check the two bytes so that a thread that
 * entered through int 0x80 (cd 80) or anything else is refused, not
 * resumed in the middle of an instruction. */
#include <errno.h>
#include <sys/ptrace.h>

#include "arch.h"

int sb_arch_rewind(pid_t tid, sb_regs *saved)
{
	unsigned long long at = saved->rip - 2;
	long word;

	errno = 0;
	word = ptrace(PTRACE_PEEKTEXT, tid, (void *)at, 0);
	if (errno)
		return -errno;
	if ((word & 0xffff) != 0x050f)
		return -EINVAL;
	saved->rip = at;
	saved->rax = saved->orig_rax;
	return 0;
}
