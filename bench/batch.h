/* batch.h - what the syscall micro-benchmarks (getppid.c, argcall.c)
 * share: the marker call that makes a traced run's transition, and the
 * clock. Each program keeps its own timing loop, so that the call measured
 * is inlined where it was (no function pointer added to getppid's). */
#ifndef SB_BENCH_BATCH_H
#define SB_BENCH_BATCH_H

#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 100000L

/* accept4 on a non-blocking listening socket nobody connects to: EAGAIN.
 * Under a policy learned with --phase-marker=accept, this is the
 * transition. 0, or -1 with a message naming `who`. */
static int call_marker(const char *who)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(fd, 1) < 0) {
		fprintf(stderr, "%s: socket: ", who);
		perror(NULL);
		return -1;
	}
	if (accept4(fd, NULL, NULL, SOCK_CLOEXEC) >= 0) { /* nobody connects: EAGAIN */
		fprintf(stderr, "%s: accept4 unexpectedly succeeded\n", who);
		return -1;
	}
	close(fd);
	return 0;
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

#endif
