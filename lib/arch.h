/* arch.h - the per-architecture hooks of the injector. One small file per
 * hook under lib/arch/<arch>/, as strace does, so another architecture is
 * one folder more. */
#ifndef SB_ARCH_H
#define SB_ARCH_H

#include <stdint.h>
#include <sys/types.h>
#include <sys/user.h>

typedef struct user_regs_struct sb_regs;

/* regs.c: 0 or -errno. */
int sb_arch_get_regs(pid_t tid, sb_regs *r);
int sb_arch_set_regs(pid_t tid, const sb_regs *r);

/* set_syscall.c: at a syscall-entry stop, make the pending syscall
 * nr(args...) instead of the one the thread asked for. */
void sb_arch_set_syscall(sb_regs *r, long nr, const uint64_t args[6]);

/* rewind.c: make the registers, as saved at an entry stop, run that syscall
 * again from the start when the thread resumes. Returns 0, or -EINVAL when
 * the bytes before the instruction pointer are not a syscall instruction. */
int sb_arch_rewind(pid_t tid, sb_regs *saved);

/* regs.c: the return value at a syscall-exit stop, and the stack pointer. */
long sb_arch_retval(const sb_regs *r);
uint64_t sb_arch_stack_pointer(const sb_regs *r);

/* Bytes below the stack pointer the ABI lets leaf code use (red zone). */
#define SB_ARCH_RED_ZONE 128

#endif
