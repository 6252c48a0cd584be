/* argcall - time a loop of one system call whose argument a policy may
 * check, and print ns per call (the argument-check case of bench/run).
 *
 *   argcall CALL [COUNT]   CALL: personality | ioctl; COUNT calls (default
 *                          5000000) after 10000 warm-up
 *
 * First it calls accept4() once on a non-blocking listening loopback socket
 * (EAGAIN): under a policy whose transition is `accept`, the timed loop runs
 * under F1+F2. personality(PER_LINUX) leaves the persona as it is (a flags
 * condition: one masked compare); ioctl(FIONREAD) on a pipe is a values
 * condition (the listed values and the blocks between them). The calls are
 * made only after the marker, so a learned policy lists them in [serving].
 *
 * Output: one line, the ns per call of the fastest batch of BATCH calls,
 * with two decimals (as bench/getppid.c, for the same reason).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <unistd.h>

#include "batch.h"

static int fds[2];

static void call_personality(void)
{
	personality(PER_LINUX);
}

static void call_ioctl(void)
{
	int n;
	ioctl(fds[0], FIONREAD, &n);
}

int main(int argc, char **argv)
{
	void (*call)(void) = NULL;
	long count = argc > 2 ? strtol(argv[2], NULL, 10) : 5000000;

	if (argc > 1 && !strcmp(argv[1], "personality"))
		call = call_personality;
	else if (argc > 1 && !strcmp(argv[1], "ioctl"))
		call = call_ioctl;
	if (call == NULL || argc > 3 || count <= 0) {
		fprintf(stderr, "usage: argcall personality|ioctl [COUNT]\n");
		return 2;
	}
	if (pipe(fds) < 0 || call_marker("argcall") < 0)
		return 1;
	for (long n = 0; n < 10000; n++)
		call();
	double best = 0;
	for (long done = 0; done < count; done += BATCH) {
		double t0 = now_ns();
		for (long n = 0; n < BATCH; n++)
			call();
		double per = (now_ns() - t0) / BATCH;
		if (done == 0 || per < best)
			best = per;
	}
	printf("%.2f\n", best);
	return 0;
}
