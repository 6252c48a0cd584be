/* onefilter - run a program under one cached libseccomp filter: the baseline
 * that bench/run compares sandbox-run's stacked filters with.
 *
 *   onefilter PROGRAM [ARGS...]
 *
 * The filter allows everything but one unrelated syscall (kexec_load ->
 * EPERM) and kills the process for a foreign ABI. Its result depends only on
 * the syscall number, like the filters sandbox-run builds, so the kernel
 * (5.11+) caches "allow" per syscall for it just as it does for theirs: the
 * cost measured is that of one installed, cached filter. no_new_privs is set
 * by libseccomp (SCMP_FLTATR_CTL_NNP, on by default).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	scmp_filter_ctx ctx;
	int rc;

	if (argc < 2) {
		fprintf(stderr, "usage: onefilter PROGRAM [ARGS...]\n");
		return 125;
	}
	ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (!ctx) {
		fprintf(stderr, "onefilter: seccomp_init failed\n");
		return 125;
	}
	rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
	if (rc == 0)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(kexec_load), 0);
	if (rc == 0)
		rc = seccomp_load(ctx);
	seccomp_release(ctx);
	if (rc < 0) {
		fprintf(stderr, "onefilter: %s\n", strerror(-rc));
		return 125;
	}
	execvp(argv[1], argv + 1);
	fprintf(stderr, "onefilter: %s: %s\n", argv[1], strerror(errno));
	return errno == ENOENT ? 127 : 126;
}
