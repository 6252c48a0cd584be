/* getppid - time a loop of getppid() system calls and print ns per call.
 *
 *   getppid [-a] [COUNT]     COUNT calls (default 5000000) after 10000 warm-up
 *
 * -a  first call accept4() once on a non-blocking listening loopback socket
 *     (it fails with EAGAIN): with a policy whose transition is `accept`,
 *     sandbox-run injects the serving filter F2 there, so the timed loop runs
 *     under F1+F2. Without a transition rule the call is just one more syscall.
 *
 * getppid goes to the kernel every time (glibc does not cache it; we call
 * syscall(2) anyway), and its filter result depends only on the syscall
 * number, so the kernel's seccomp action cache applies to it. The clock is
 * read through the vDSO, outside the loop.
 *
 * Output: one line, the ns per call with two decimals (bench/run parses it):
 * the fastest of the batches of BATCH calls the loop is cut into. On a
 * shared VM the mean moves by tens of ns with the host's load; the fastest
 * batch is the cost of the call itself, which is what filters change.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "batch.h"

int main(int argc, char **argv)
{
	long count = 5000000;
	int marker = 0, i = 1;

	if (i < argc && strcmp(argv[i], "-a") == 0) {
		marker = 1;
		i++;
	}
	if (i < argc)
		count = strtol(argv[i++], NULL, 10);
	if (i != argc || count <= 0) {
		fprintf(stderr, "usage: getppid [-a] [COUNT]\n");
		return 2;
	}
	if (marker && call_marker("getppid") < 0)
		return 1;
	for (long n = 0; n < 10000; n++)
		syscall(SYS_getppid);

	double best = 0;
	for (long done = 0; done < count; done += BATCH) {
		double t0 = now_ns();
		for (long n = 0; n < BATCH; n++)
			syscall(SYS_getppid);
		double per = (now_ns() - t0) / BATCH;
		if (done == 0 || per < best)
			best = per;
	}
	printf("%.2f\n", best);
	return 0;
}
