/* attach.c - sandbox-profile --attach: record a process that is already
 * running, from now on, into [serving].
 *
 * Invariants: the target is never signalled, stopped or killed by us; the
 * signals that end the recording (SIGINT, SIGTERM, SIGHUP) are taken here
 * through a signalfd and never forwarded to it; whatever ends the
 * recording (a signal, --duration, the target's exit), the records are
 * read and the policy written the same way as after a run.
 */
#include "attach.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "ebpf/ebpf.h"
#include "msg.h"
#include "procfs.h"
#include "util.h"

static const int stop_sigs[] = {SIGINT, SIGTERM, SIGHUP};

/* /proc/PID/cmdline: NUL-separated, its length is what read returns. */
static int read_cmdline(pid_t pid, char *buf, size_t len)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	return sb_procfs_read_len(path, buf, len);
}

int attach_argv(pid_t pid, char ***argv)
{
	char *buf = malloc(4096);
	int n = 0;

	if (!buf)
		return -ENOMEM;
	int len = read_cmdline(pid, buf, 4096);
	if (len <= 0) {
		free(buf);
		return len < 0 ? len : -ESRCH; /* a zombie or a kernel thread has none */
	}
	char **v = calloc((size_t)len + 2, sizeof(*v));
	if (!v) {
		free(buf);
		return -ENOMEM;
	}
	for (int i = 0; i < len; i += (int)strlen(buf + i) + 1)
		v[n++] = buf + i;
	*argv = v; /* v[0] points at buf: attach_argv_free */
	return 0;
}

void attach_argv_free(char **argv)
{
	if (argv)
		free(argv[0]);
	free(argv);
}

int attach_begin(struct attach *a, pid_t pid, int duration_s)
{
	sigset_t set;

	memset(a, 0, sizeof(*a));
	a->pid = pid;
	a->duration_s = duration_s;
	a->sig_fd = a->pid_fd = -1;
	sigemptyset(&set);
	for (size_t i = 0; i < SB_ARRAY_SIZE(stop_sigs); i++)
		sigaddset(&set, stop_sigs[i]);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -errno;
	a->sig_fd = signalfd(-1, &set, SFD_CLOEXEC);
	if (a->sig_fd < 0)
		return -errno;
	a->pid_fd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (a->pid_fd < 0)
		return -errno;
	clock_gettime(CLOCK_MONOTONIC, &a->t0);
	a->t0_ns = (uint64_t)a->t0.tv_sec * 1000000000u + (uint64_t)a->t0.tv_nsec;
	return 0;
}

static double since_ms(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) * 1e3 + (double)(now.tv_nsec - t0->tv_nsec) / 1e6;
}

int attach_timeout_ms(const struct attach *a)
{
	if (!a->duration_s)
		return -1;
	double left = a->duration_s * 1e3 - since_ms(&a->t0);
	return left <= 0 ? 0 : (int)left + 1;
}

/* One of the fds (or the time) says the recording ends: the reason. */
static enum attach_end ended(struct attach *a, const struct pollfd *fds)
{
	struct signalfd_siginfo si;

	if (fds[0].revents & POLLIN) {
		if (read(a->sig_fd, &si, sizeof(si)) == (ssize_t)sizeof(si))
			a->signo = (int)si.ssi_signo;
		return ATTACH_SIGNAL;
	}
	if (fds[1].revents & (POLLIN | POLLHUP))
		return ATTACH_EXITED;
	return attach_timeout_ms(a) == 0 ? ATTACH_DURATION : ATTACH_RUNNING;
}

enum attach_end attach_poll(struct attach *a, int timeout_ms)
{
	struct pollfd fds[2] = {{.fd = a->sig_fd, .events = POLLIN}, {.fd = a->pid_fd, .events = POLLIN}};
	int t = attach_timeout_ms(a);

	if (t < 0 || (timeout_ms >= 0 && timeout_ms < t))
		t = timeout_ms;
	int n = poll(fds, 2, t);
	if (n < 0)
		return errno == EINTR ? ATTACH_RUNNING : ATTACH_ERROR;
	return ended(a, fds);
}

void attach_say_start(const struct attach *a, const char *backend)
{
	fprintf(stderr, "%s: recording pid %d into [serving] with %s", sb_progname, a->pid, backend);
	if (a->duration_s)
		fprintf(stderr, " for %d s (or until SIGINT or SIGTERM)\n", a->duration_s);
	else
		fputs(" until SIGINT or SIGTERM\n", stderr);
}

void attach_say(const struct attach *a, enum attach_end why)
{
	char what[64];
	const char *abbrev = sigabbrev_np(a->signo);

	if (why == ATTACH_SIGNAL)
		snprintf(what, sizeof(what), "on SIG%s", abbrev ? abbrev : "?");
	else if (why == ATTACH_DURATION)
		snprintf(what, sizeof(what), "after --duration=%d", a->duration_s);
	else
		snprintf(what, sizeof(what), "%s", why == ATTACH_EXITED ? "when it exited" : "on an error");
	fprintf(stderr, "%s: stopped recording pid %d %s (%.1f s)\n", sb_progname, a->pid, what,
	        since_ms(&a->t0) / 1e3);
}

void attach_finish(struct attach *a)
{
	if (a->sig_fd >= 0)
		close(a->sig_fd);
	if (a->pid_fd >= 0)
		close(a->pid_fd);
	a->sig_fd = a->pid_fd = -1;
	/* the stop signals stay blocked (or caught, with ptrace) until we
	 * exit: a second ^C must not lose the policy being written */
}

int profiler_attach_ebpf(struct profiler *pr, struct sb_ebpf *e, struct attach *a)
{
	enum attach_end why = ATTACH_RUNNING;
	int r = sb_ebpf_track_running(e, a->pid);

	if (r < 0)
		return r;
	if (!pr->opts->quiet)
		attach_say_start(a, "ebpf");
	while (why == ATTACH_RUNNING)
		why = attach_poll(a, -1);
	if (!pr->opts->quiet)
		attach_say(a, why);
	r = profiler_ebpf_collect(pr, e, a->t0_ns);
	profiler_generalize(pr);
	return why == ATTACH_ERROR ? -EIO : r;
}
