/* inplace.c - sandbox-run in place (the default): the launcher becomes the
 * program, as env(1) or setpriv(1) do, and a keeper process does what the
 * supervising launcher (--fork) did beside it.
 *
 * Invariants:
 *  - the program runs with the pid the caller started: signals, SIGSTOP and
 *    SIGKILL included, reach it directly, and its wait status is the
 *    caller's to collect;
 *  - the keeper is no child of the program: a child of the launcher forks
 *    it and exits at once (double fork), so the program never reaps it or
 *    sees it in wait(). It leaves the session (setsid): a terminal's ^C or
 *    a kill of the program's process group does not reach it;
 *  - a traced run execs only once the keeper said it seized the launcher; a
 *    keeper that failed or died before that ends the start with 125, and
 *    one that dies after it, until the transition, kills the program with
 *    it (PTRACE_O_EXITKILL): it never runs on under F1 alone;
 *  - after F1 the launcher makes no system call but execve and exit_group
 *    (spawn.c): a failed start is stored in a shared record that the keeper
 *    reads once the launcher is gone (it closed the close-on-exec socket, by
 *    its execve or by its exit), and reports as --fork does;
 *  - the keeper keeps stdout and stderr open until it is done: a caller that
 *    reads the program's output to its end also gets the keeper's report.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "exec.h"
#include "exitcodes.h"
#include "launch.h"
#include "msg.h"
#include "spawn.h"
#include "util.h"

struct keeper_io {
	int sock;   /* the keeper's end of the handshake */
	int rec_fd; /* the launcher's error record (spawn.h) */
	int pidfd;  /* the launcher, opened while it certainly waits for us */
};

static int send_all(int fd, const void *buf, size_t len)
{
	ssize_t n;

	do
		n = send(fd, buf, len, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	return n == (ssize_t)len ? 0 : -1;
}

static ssize_t recv_all(int fd, void *buf, size_t len)
{
	ssize_t n;

	do
		n = recv(fd, buf, len, MSG_WAITALL);
	while (n < 0 && errno == EINTR);
	return n;
}

/* The start failed (the record says which step): one message, as --fork
 * and sandbox-profile print it. */
static bool report_start_failure(const struct launcher *L, int rec_fd)
{
	int err = sb_spawn_read_error(rec_fd);
	enum sb_spawn_step step = sb_spawn_read_step(rec_fd);
	char msg[512];

	if (step == SB_SPAWN_NONE)
		return false;
	int code = step == SB_SPAWN_SETUP ? SB_EXIT_LAUNCHER : sb_exit_for_errno(-err);
	sb_spawn_failure(msg, sizeof(msg), L->path, err, W_EXITCODE(code, 0));
	sb_warn("%s", msg);
	return true;
}

/* Wait for the program to end. It is no child of ours: a pidfd says when it
 * exited, never how. */
static void wait_gone(int pidfd)
{
	struct pollfd p = {.fd = pidfd, .events = POLLIN};

	while (pidfd >= 0 && poll(&p, 1, -1) < 0 && errno == EINTR)
		;
}

/* Single phase, enforce: nothing to trace. Wait for the launcher's execve
 * (the socket's close-on-exec end closes) and say so if it failed; else
 * wait for the program's end, to report a seccomp kill the kernel logged. */
static void keep_untraced(const struct launcher *L, struct keeper_io *k)
{
	char c;

	while (recv_all(k->sock, &c, 1) > 0)
		;
	if (report_start_failure(L, k->rec_fd))
		return;
	wait_gone(k->pidfd);
	report_detached_end(L);
}

/* After the handshake (our pid out, the launcher's go in, the seize's errno
 * back) the engine runs as under --fork. While the root is traced its exit
 * status comes to us; once it was detached at its transition only the
 * kernel's log can say that seccomp killed it. */
static void keep_traced(struct launcher *L, struct keeper_io *k)
{
	struct sb_trace_opts t = launcher_trace_opts(L);
	pid_t me = getpid();
	int status = 0, r;
	char go;

	if (send_all(k->sock, &me, sizeof(me)) < 0 || recv_all(k->sock, &go, 1) != 1)
		return; /* the launcher is gone: it ran nothing */
	L->trace = sb_trace_seize(L->root, &t);
	unsigned char e = L->trace ? 0 : (unsigned char)errno;
	if (send_all(k->sock, &e, 1) < 0 || !L->trace)
		return;
	close(k->sock);
	k->sock = -1;
	r = sb_trace_run(L->trace, &status);
	if (L->o->verbose)
		sb_warn("%lu ptrace stops, %d transition%s", sb_trace_stops(L->trace), L->transitions,
		        L->transitions == 1 ? "" : "s");
	if (r < 0) {
		sb_warn("%s was killed: tracing failed: %s", L->path, strerror(-r));
		return;
	}
	if (!L->root_ended) {
		wait_gone(k->pidfd);
		report_detached_end(L);
	} else if (!report_start_failure(L, k->rec_fd)) {
		report_exit(L, L->root_status);
	}
}

/* The keeper: out of the program's session, stdin closed, SIGPIPE ignored
 * (a closed stderr must not kill a tracer whose death kills the program). */
SB_NORETURN static void keeper(struct launcher *L, bool traced, struct keeper_io *k)
{
	int null = open("/dev/null", O_RDONLY | O_CLOEXEC);

	setsid();
	signal(SIGPIPE, SIG_IGN);
	if (null >= 0)
		dup2(null, STDIN_FILENO);
	k->pidfd = (int)syscall(SYS_pidfd_open, L->root, 0);
	if (traced)
		keep_traced(L, k);
	else
		keep_untraced(L, k);
	launcher_free(L);
	_exit(0);
}

/* Double fork: the intermediate child exits at once, so the keeper is
 * reparented (to init or a subreaper) before the program exists. Returns
 * in the launcher only; 0 or -errno. */
static int start_keeper(struct launcher *L, bool traced, int sock[2], int rec_fd)
{
	int st;
	pid_t mid = fork();

	if (mid < 0)
		return -errno;
	if (mid == 0) {
		pid_t k = fork();
		if (k == 0) {
			struct keeper_io io = {.sock = sock[1], .rec_fd = rec_fd, .pidfd = -1};
			close(sock[0]);
			keeper(L, traced, &io);
		}
		_exit(k < 0 ? 1 : 0);
	}
	close(sock[1]);
	while (waitpid(mid, &st, 0) < 0)
		if (errno != EINTR)
			return errno == ECHILD ? 0 : -errno; /* SIGCHLD ignored: reaped for us */
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -EAGAIN;
}

/* The launcher's half of the handshake: let the keeper trace us (Yama's
 * ptrace_scope 1 allows only ancestors or a declared tracer), wait until it
 * seized us, then undeclare it. */
static void await_seize(const struct launcher *L, int sock)
{
	pid_t keeper_pid;
	unsigned char e;

	if (recv_all(sock, &keeper_pid, sizeof(keeper_pid)) != (ssize_t)sizeof(keeper_pid))
		sb_die("cannot trace %s: the tracer ended before it started", L->path);
	if (prctl(PR_SET_PTRACER, keeper_pid, 0, 0, 0) < 0 && errno != EINVAL)
		sb_die("cannot trace %s: PR_SET_PTRACER: %s", L->path, strerror(errno));
	if (send_all(sock, "g", 1) < 0 || recv_all(sock, &e, 1) != 1)
		sb_die("cannot trace %s: the tracer ended before it attached", L->path);
	if (e)
		sb_die("cannot trace %s: %s (is sandbox-run itself traced?)", L->path, strerror(e));
	if (prctl(PR_SET_PTRACER, 0, 0, 0, 0) < 0 && errno != EINVAL)
		sb_die("cannot trace %s: PR_SET_PTRACER: %s", L->path, strerror(errno));
}

void launch_inplace(struct launcher *L, bool traced)
{
	volatile int *rec = NULL;
	int sock[2], r, rec_fd = sb_spawn_record(&rec);

	if (rec_fd < 0)
		sb_die("cannot start %s: %s", L->path, strerror(-rec_fd));
	/* SOCK_CLOEXEC: our end closes at the execve, which the keeper sees */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sock) < 0)
		sb_die("cannot start %s: %s", L->path, strerror(errno));
	L->root = getpid();
	clock_gettime(CLOCK_MONOTONIC, &L->started);
	if ((r = start_keeper(L, traced, sock, rec_fd)) < 0)
		sb_die("cannot start the keeper of %s: %s", L->path, strerror(-r));
	if (traced)
		await_seize(L, sock[0]);
	sb_spawn_exec_here(rec, L->path, L->o->argv, launcher_confine, L);
}
